/*
 * quota.c - ResourceQuota admission and usage (see quota.h).
 *
 * How it works.  Every object kind the simulator quotas has a usage
 * function filling a fixed table of resources (struct rlist: one int64 per
 * known resource name plus a "present" bit), in the units the quantity
 * module uses: millicores for cpu, bytes for memory and storage, plain
 * counts for the rest.  A quota's used is the sum over the namespace's
 * objects masked to its spec.hard keys; admission adds the new object's
 * usage and compares, like the API server's quota evaluator
 * (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/
 * controller.go checkRequest) with the pod evaluator of
 * pkg/quota/v1/evaluator/core/pods.go:
 *
 *  - pod usage: pods=1, count/pods=1, and for cpu, memory and
 *    ephemeral-storage the pod's effective requests (cpu, requests.cpu, ...)
 *    and limits (limits.cpu, ...) when some container sets them, valued as
 *    pod_resource() does: max(sum of containers, largest init container)
 *    plus overhead.  A Succeeded or Failed pod only counts for count/pods.
 *  - pvc usage: persistentvolumeclaims=1, requests.storage from
 *    spec.resources.requests.storage; services: services=1, NodePort and
 *    LoadBalancer ports in services.nodeports, services.loadbalancers=1 for
 *    type LoadBalancer; secrets=1; configmaps=1; and count/<resource>=1.
 *
 * Admission, for each quota in order, first (all quotas) the constraints
 * check, then (all quotas) the limits:
 *
 *   pods "NAME" is forbidden: failed quota: QUOTA: must specify
 *     limits.cpu for: c1,c2; limits.memory for: c1
 *       when the quota constrains cpu or memory (cpu, memory, requests.*,
 *       limits.*) and a container or init container does not set that
 *       request or limit: resources sorted, container names sorted and
 *       joined with ",", entries joined with "; " (podEvaluator.Constraints
 *       since the per-container wording; older releases said only
 *       "must specify limits.cpu,limits.memory").
 *   pods "NAME" is forbidden: exceeded quota: QUOTA, requested:
 *     limits.memory=2Gi, used: limits.memory=1Gi, limited: limits.memory=2Gi
 *       listing only the exceeded resources, sorted, "key=value" joined
 *       with "," (prettyPrint), values canonical quantities.
 *
 * NAME is metadata.name, else metadata.generateName (so a ReplicaSet's pod
 * reads pods "odoo-7d9f5c-"), else "Unknown" (admission.NewForbidden's
 * extractResourceName).  Quota scopes and scopeSelector are not read: every
 * quota applies to every pod.  LimitRange defaults are not applied here; the
 * server must apply them first, as the LimitRanger plugin runs before
 * ResourceQuota.  Quantities are printed as kube_quantity_format_*() does:
 * a memory sum of 1G (decimal) prints as 1000000000, where Go would keep
 * the decimal suffix.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/nodes.h"
#include "kube/quantity.h"
#include "quota.h"

enum unit { U_COUNT, U_MILLI, U_BYTES };

enum res {
    R_PODS, R_COUNT_PODS, R_CPU, R_REQ_CPU, R_LIM_CPU, R_MEM, R_REQ_MEM, R_LIM_MEM,
    R_EPH, R_REQ_EPH, R_LIM_EPH, R_REQ_STORAGE, R_PVCS, R_COUNT_PVCS, R_SERVICES,
    R_COUNT_SERVICES, R_NODEPORTS, R_LBS, R_SECRETS, R_COUNT_SECRETS, R_CONFIGMAPS,
    R_COUNT_CONFIGMAPS, NRES
};

static const struct {
    const char *name;
    enum unit unit;
} res_table[NRES] = {
    [R_PODS] = {"pods", U_COUNT},
    [R_COUNT_PODS] = {"count/pods", U_COUNT},
    [R_CPU] = {"cpu", U_MILLI},
    [R_REQ_CPU] = {"requests.cpu", U_MILLI},
    [R_LIM_CPU] = {"limits.cpu", U_MILLI},
    [R_MEM] = {"memory", U_BYTES},
    [R_REQ_MEM] = {"requests.memory", U_BYTES},
    [R_LIM_MEM] = {"limits.memory", U_BYTES},
    [R_EPH] = {"ephemeral-storage", U_BYTES},
    [R_REQ_EPH] = {"requests.ephemeral-storage", U_BYTES},
    [R_LIM_EPH] = {"limits.ephemeral-storage", U_BYTES},
    [R_REQ_STORAGE] = {"requests.storage", U_BYTES},
    [R_PVCS] = {"persistentvolumeclaims", U_COUNT},
    [R_COUNT_PVCS] = {"count/persistentvolumeclaims", U_COUNT},
    [R_SERVICES] = {"services", U_COUNT},
    [R_COUNT_SERVICES] = {"count/services", U_COUNT},
    [R_NODEPORTS] = {"services.nodeports", U_COUNT},
    [R_LBS] = {"services.loadbalancers", U_COUNT},
    [R_SECRETS] = {"secrets", U_COUNT},
    [R_COUNT_SECRETS] = {"count/secrets", U_COUNT},
    [R_CONFIGMAPS] = {"configmaps", U_COUNT},
    [R_COUNT_CONFIGMAPS] = {"count/configmaps", U_COUNT},
};

/* podEvaluator's validationSet: quotas on these force every container to
 * declare the matching request or limit. */
static const enum res validation_res[] = {R_CPU, R_MEM, R_REQ_CPU, R_REQ_MEM, R_LIM_CPU, R_LIM_MEM};

struct rlist {
    int64_t v[NRES];
    unsigned char set[NRES];
};

typedef void (*usage_fn)(json_object *obj, struct rlist *out);

/* ---- JSON helpers ---- */

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o && json_object_is_type(o, json_type_object))
        json_object_object_get_ex(o, key, &v);
    return v;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static json_object *items(json_object *list)
{
    if (list && json_object_is_type(list, json_type_array))
        return list;
    return get(list, "items");
}

static size_t alen(json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static int streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* ---- resource lists ---- */

static int res_find(const char *name)
{
    for (int i = 0; i < NRES; i++)
        if (streq(res_table[i].name, name))
            return i;
    return -1;
}

static void rl_put(struct rlist *r, enum res k, int64_t v)
{
    r->v[k] += v;
    r->set[k] = 1;
}

static int parse_qty(const char *s, enum unit u, int64_t *out)
{
    struct os_error e;
    if (!s)
        return -1;
    return u == U_MILLI ? kube_quantity_parse_milli(s, out, &e) : kube_quantity_parse_int(s, out, &e);
}

static void format_qty(enum res k, int64_t v, char *buf, size_t len)
{
    switch (res_table[k].unit) {
    case U_MILLI:
        kube_quantity_format_milli(v, buf, len);
        break;
    case U_BYTES:
        kube_quantity_format_bytes(v, buf, len);
        break;
    default:
        snprintf(buf, len, "%" PRId64, v);
    }
}

/* spec.hard as an rlist; unknown keys are not in it. */
static void hard_of(json_object *quota, struct rlist *hard)
{
    json_object *h = get(get(quota, "spec"), "hard");

    memset(hard, 0, sizeof(*hard));
    if (!h || !json_object_is_type(h, json_type_object))
        return;
    json_object_object_foreach(h, key, val) {
        int k = res_find(key);
        int64_t v;
        if (k >= 0 && !parse_qty(json_object_get_string(val), res_table[k].unit, &v))
            rl_put(hard, (enum res)k, v);
    }
}

/* ---- usage per kind ---- */

static int pod_terminal(json_object *pod)
{
    const char *phase = str(get(pod, "status"), "phase");
    return streq(phase, "Succeeded") || streq(phase, "Failed");
}

/* Does some container, init container or the overhead set which.res? */
static int pod_sets(json_object *pod, const char *which, const char *res)
{
    json_object *spec = get(pod, "spec");
    const char *lists[] = {"containers", "initContainers"};

    for (size_t l = 0; l < 2; l++) {
        json_object *cs = get(spec, lists[l]);
        for (size_t i = 0; i < alen(cs); i++)
            if (get(get(get(json_object_array_get_idx(cs, i), "resources"), which), res))
                return 1;
    }
    return !strcmp(which, "requests") && get(get(spec, "overhead"), res);
}

static void pod_usage(json_object *pod, struct rlist *out)
{
    static const struct { const char *res; enum res plain, req, lim; } map[] = {
        {"cpu", R_CPU, R_REQ_CPU, R_LIM_CPU},
        {"memory", R_MEM, R_REQ_MEM, R_LIM_MEM},
        {"ephemeral-storage", R_EPH, R_REQ_EPH, R_LIM_EPH},
    };

    rl_put(out, R_COUNT_PODS, 1);
    if (pod_terminal(pod))
        return;
    rl_put(out, R_PODS, 1);
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (pod_sets(pod, "requests", map[i].res)) {
            int64_t v = pod_resource(pod, "requests", map[i].res);
            rl_put(out, map[i].plain, v);
            rl_put(out, map[i].req, v);
        }
        if (pod_sets(pod, "limits", map[i].res))
            rl_put(out, map[i].lim, pod_resource(pod, "limits", map[i].res));
    }
}

static void pvc_usage(json_object *pvc, struct rlist *out)
{
    const char *s = str(get(get(get(pvc, "spec"), "resources"), "requests"), "storage");
    int64_t v;

    rl_put(out, R_PVCS, 1);
    rl_put(out, R_COUNT_PVCS, 1);
    if (s && !parse_qty(s, U_BYTES, &v))
        rl_put(out, R_REQ_STORAGE, v);
}

static void service_usage(json_object *svc, struct rlist *out)
{
    json_object *spec = get(svc, "spec"), *ports = get(spec, "ports");
    json_object *alloc = get(spec, "allocateLoadBalancerNodePorts");
    const char *type = str(spec, "type");
    int64_t n = (int64_t)alen(ports), with_node_port = 0;

    rl_put(out, R_SERVICES, 1);
    rl_put(out, R_COUNT_SERVICES, 1);
    for (size_t i = 0; i < alen(ports); i++) {
        json_object *np = get(json_object_array_get_idx(ports, i), "nodePort");
        with_node_port += np && json_object_get_int64(np) != 0;
    }
    if (streq(type, "NodePort"))
        rl_put(out, R_NODEPORTS, n);
    if (streq(type, "LoadBalancer")) {
        int suppressed = alloc && json_object_is_type(alloc, json_type_boolean) &&
                         !json_object_get_boolean(alloc);
        rl_put(out, R_NODEPORTS, suppressed ? with_node_port : n);
        rl_put(out, R_LBS, 1);
    }
}

static void secret_usage(json_object *obj, struct rlist *out)
{
    rl_put(out, R_SECRETS, 1);
    rl_put(out, R_COUNT_SECRETS, 1);
}

static void configmap_usage(json_object *obj, struct rlist *out)
{
    rl_put(out, R_CONFIGMAPS, 1);
    rl_put(out, R_COUNT_CONFIGMAPS, 1);
}

static const struct {
    const char *resource;
    usage_fn usage;
    size_t member;      /* offset in struct sim_quota_objects */
} kinds[] = {
    {"pods", pod_usage, offsetof(struct sim_quota_objects, pods)},
    {"persistentvolumeclaims", pvc_usage, offsetof(struct sim_quota_objects, pvcs)},
    {"services", service_usage, offsetof(struct sim_quota_objects, services)},
    {"secrets", secret_usage, offsetof(struct sim_quota_objects, secrets)},
    {"configmaps", configmap_usage, offsetof(struct sim_quota_objects, configmaps)},
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static json_object *member(const struct sim_quota_objects *objs, size_t k)
{
    if (!objs)
        return NULL;
    return *(json_object *const *)((const char *)objs + kinds[k].member);
}

static int same_object(json_object *a, json_object *b)
{
    json_object *ma = get(a, "metadata"), *mb = get(b, "metadata");
    return b && str(ma, "name") && streq(str(ma, "name"), str(mb, "name")) &&
           streq(str(ma, "namespace"), str(mb, "namespace"));
}

/* Usage of everything in objs; skip (may be NULL) is left out. */
static void total_usage(const struct sim_quota_objects *objs, json_object *skip, struct rlist *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t k = 0; k < NKINDS; k++) {
        json_object *list = items(member(objs, k));
        for (size_t i = 0; i < alen(list); i++) {
            json_object *o = json_object_array_get_idx(list, i);
            if (!same_object(o, skip))
                kinds[k].usage(o, out);
        }
    }
}

/* ---- status.used ---- */

static int used_json(const struct rlist *hard, const struct rlist *total, json_object **out,
                     struct os_error *err)
{
    *out = json_object_new_object();
    if (!*out)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (int k = 0; k < NRES; k++) {
        char buf[64];
        if (!hard->set[k])
            continue;
        format_qty((enum res)k, total->v[k], buf, sizeof(buf));
        json_object_object_add(*out, res_table[k].name, json_object_new_string(buf));
    }
    return 0;
}

static int check_quota(json_object *quota, struct os_error *err)
{
    json_object *h = get(get(quota, "spec"), "hard");
    if (!h || !json_object_is_type(h, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "ResourceQuota %s: no spec.hard",
                            str(get(quota, "metadata"), "name") ? str(get(quota, "metadata"), "name")
                                                                : "(unnamed)");
    return 0;
}

int sim_quota_used(json_object *quota, const struct sim_quota_objects *objs,
                   json_object **used, struct os_error *err)
{
    struct rlist hard, total;

    *used = NULL;
    if (check_quota(quota, err))
        return OS_ERR_INVALID;
    hard_of(quota, &hard);
    total_usage(objs, NULL, &total);
    return used_json(&hard, &total, used, err);
}

static json_object *canonical_hard(json_object *quota)
{
    json_object *h = get(get(quota, "spec"), "hard"), *out = json_object_new_object();

    if (!out)
        return NULL;
    json_object_object_foreach(h, key, val) {
        int k = res_find(key);
        int64_t v;
        char buf[64];
        if (k >= 0 && !parse_qty(json_object_get_string(val), res_table[k].unit, &v)) {
            format_qty((enum res)k, v, buf, sizeof(buf));
            json_object_object_add(out, key, json_object_new_string(buf));
        } else {
            json_object_object_add(out, key, json_object_get(val));
        }
    }
    return out;
}

int sim_quota_status(json_object *quota, const struct sim_quota_objects *objs,
                     json_object **status, struct os_error *err)
{
    json_object *used, *hard;

    *status = NULL;
    if (sim_quota_used(quota, objs, &used, err))
        return err ? err->code : OS_ERR_INVALID;
    hard = canonical_hard(quota);
    *status = json_object_new_object();
    if (!hard || !*status) {
        json_object_put(hard);
        json_object_put(used);
        json_object_put(*status);
        *status = NULL;
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    json_object_object_add(*status, "hard", hard);
    json_object_object_add(*status, "used", used);
    return 0;
}

/* ---- the 403 ---- */

json_object *sim_quota_forbidden(const char *resource, const char *name, const char *reason)
{
    json_object *st = json_object_new_object(), *details = json_object_new_object();
    char *msg = NULL;
    int n;

    if (name && *name)
        n = asprintf(&msg, "%s \"%s\" is forbidden: %s", resource, name, reason);
    else
        n = asprintf(&msg, "%s is forbidden: %s", resource, reason);
    if (!st || !details || n < 0) {
        json_object_put(st);
        json_object_put(details);
        free(n < 0 ? NULL : msg);
        return NULL;
    }
    json_object_object_add(st, "kind", json_object_new_string("Status"));
    json_object_object_add(st, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(st, "metadata", json_object_new_object());
    json_object_object_add(st, "status", json_object_new_string("Failure"));
    json_object_object_add(st, "message", json_object_new_string(msg));
    json_object_object_add(st, "reason", json_object_new_string("Forbidden"));
    if (name && *name)
        json_object_object_add(details, "name", json_object_new_string(name));
    json_object_object_add(details, "kind", json_object_new_string(resource));
    json_object_object_add(st, "details", details);
    json_object_object_add(st, "code", json_object_new_int(403));
    free(msg);
    return st;
}

/* admission.NewForbidden's name: name, generateName, or "Unknown". */
static const char *object_name(json_object *obj)
{
    json_object *md = get(obj, "metadata");
    const char *n = str(md, "name");

    if (n && *n)
        return n;
    n = str(md, "generateName");
    return n && *n ? n : "Unknown";
}

/* ---- constraints (pods only) ---- */

/* Containers (app, then init) missing the resource behind validation
 * entry k, appended sorted to names as "a,b". */
static void missing_names(json_object *pod, enum res k, char *names, size_t len)
{
    static const struct { enum res r; const char *which, *res; } need[] = {
        {R_CPU, "requests", "cpu"}, {R_REQ_CPU, "requests", "cpu"}, {R_LIM_CPU, "limits", "cpu"},
        {R_MEM, "requests", "memory"}, {R_REQ_MEM, "requests", "memory"},
        {R_LIM_MEM, "limits", "memory"},
    };
    const char *which = NULL, *res = NULL, *list[64];
    size_t n = 0;

    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
        if (need[i].r == k)
            which = need[i].which, res = need[i].res;
    for (int l = 0; l < 2; l++) {
        json_object *cs = get(get(pod, "spec"), l ? "initContainers" : "containers");
        for (size_t i = 0; i < alen(cs) && n < 64; i++) {
            json_object *c = json_object_array_get_idx(cs, i);
            if (!get(get(get(c, "resources"), which), res) && str(c, "name"))
                list[n++] = str(c, "name");
        }
    }
    for (size_t i = 1; i < n; i++)      /* insertion sort: lists are tiny */
        for (size_t j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
            const char *t = list[j];
            list[j] = list[j - 1];
            list[j - 1] = t;
        }
    names[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(list[i], list[i - 1]) == 0)
            continue;
        size_t used = strlen(names);
        snprintf(names + used, len - used, "%s%s", used ? "," : "", list[i]);
    }
}

static int cmp_res_name(const void *a, const void *b)
{
    return strcmp(res_table[*(const enum res *)a].name, res_table[*(const enum res *)b].name);
}

/* "must specify X for: a; Y for: b" into buf, or "" when nothing misses. */
static void pod_constraints(json_object *pod, const struct rlist *hard, char *buf, size_t len)
{
    enum res req[6];
    size_t n = 0;

    for (size_t i = 0; i < sizeof(validation_res) / sizeof(validation_res[0]); i++)
        if (hard->set[validation_res[i]])
            req[n++] = validation_res[i];
    qsort(req, n, sizeof(req[0]), cmp_res_name);
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        char names[1024];
        size_t used = strlen(buf);
        missing_names(pod, req[i], names, sizeof(names));
        if (!names[0])
            continue;
        snprintf(buf + used, len - used, "%s%s for: %s", used ? "; " : "must specify ",
                 res_table[req[i]].name, names);
    }
}

static void pvc_constraints(json_object *pvc, const struct rlist *hard, char *buf, size_t len)
{
    struct rlist u = {{0}, {0}};
    pvc_usage(pvc, &u);
    buf[0] = 0;
    if (hard->set[R_REQ_STORAGE] && !u.set[R_REQ_STORAGE])
        snprintf(buf, len, "must specify requests.storage");
}

/* ---- limits ---- */

/* "k=v,k=v" of the resources in mask, sorted by name. */
static void pretty(const struct rlist *vals, const unsigned char *mask, char *buf, size_t len)
{
    enum res keys[NRES];
    size_t n = 0;

    for (int k = 0; k < NRES; k++)
        if (mask[k])
            keys[n++] = (enum res)k;
    qsort(keys, n, sizeof(keys[0]), cmp_res_name);
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        char q[64];
        size_t used = strlen(buf);
        format_qty(keys[i], vals->v[keys[i]], q, sizeof(q));
        snprintf(buf + used, len - used, "%s%s=%s", i ? "," : "", res_table[keys[i]].name, q);
    }
}

/* 1 and the message in buf when adding delta exceeds hard. */
static int exceeds(const char *qname, const struct rlist *hard, const struct rlist *used,
                   const struct rlist *delta, char *buf, size_t len)
{
    unsigned char over[NRES] = {0};
    int any = 0;
    char req[512], use[512], lim[512];

    for (int k = 0; k < NRES; k++) {
        if (!hard->set[k] || !delta->set[k] || delta->v[k] == 0)
            continue;
        if (used->v[k] + delta->v[k] > hard->v[k])
            over[k] = 1, any = 1;
    }
    if (!any)
        return 0;
    pretty(delta, over, req, sizeof(req));
    pretty(used, over, use, sizeof(use));
    pretty(hard, over, lim, sizeof(lim));
    snprintf(buf, len, "exceeded quota: %s, requested: %s, used: %s, limited: %s", qname, req, use, lim);
    return 1;
}

static int kind_index(const char *resource)
{
    for (size_t k = 0; k < NKINDS; k++)
        if (streq(kinds[k].resource, resource))
            return (int)k;
    return -1;
}

static int refuse(json_object *obj, const char *resource, const char *reason, json_object **status,
                  struct os_error *err)
{
    *status = sim_quota_forbidden(resource, object_name(obj), reason);
    return *status ? 0 : os_error_set(err, OS_ERR_NOMEM, "out of memory");
}

int sim_quota_admit(json_object *obj, const char *resource, json_object *quotas,
                    const struct sim_quota_objects *objs, json_object **status,
                    struct os_error *err)
{
    json_object *qs = items(quotas);
    struct rlist delta = {{0}, {0}}, total;
    char msg[2048];
    int k = kind_index(resource);

    *status = NULL;
    if (!obj || !json_object_is_type(obj, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "sim_quota_admit: no object");
    if (k < 0 || !alen(qs))
        return 0;
    for (size_t i = 0; i < alen(qs); i++) {
        json_object *q = json_object_array_get_idx(qs, i);
        struct rlist hard;
        hard_of(q, &hard);
        msg[0] = 0;
        if (!strcmp(resource, "pods"))
            pod_constraints(obj, &hard, msg, sizeof(msg));
        else if (!strcmp(resource, "persistentvolumeclaims"))
            pvc_constraints(obj, &hard, msg, sizeof(msg));
        if (msg[0]) {
            char reason[2300];
            snprintf(reason, sizeof(reason), "failed quota: %s: %s",
                     str(get(q, "metadata"), "name") ? str(get(q, "metadata"), "name") : "", msg);
            return refuse(obj, resource, reason, status, err);
        }
    }
    kinds[k].usage(obj, &delta);
    total_usage(objs, obj, &total);
    for (size_t i = 0; i < alen(qs); i++) {
        json_object *q = json_object_array_get_idx(qs, i);
        struct rlist hard;
        hard_of(q, &hard);
        if (exceeds(str(get(q, "metadata"), "name") ? str(get(q, "metadata"), "name") : "",
                    &hard, &total, &delta, msg, sizeof(msg)))
            return refuse(obj, resource, msg, status, err);
    }
    return 0;
}

int sim_quota_admit_pod(json_object *pod, json_object *quotas, json_object *pods,
                        json_object **status, struct os_error *err)
{
    struct sim_quota_objects objs = {.pods = pods};
    return sim_quota_admit(pod, "pods", quotas, &objs, status, err);
}
