/*
 * workloads.c - the StatefulSet and Job controllers, the garbage collector
 * and the helpers every workload controller uses, over one namespace view (see controllers.h).
 *
 * Deployments and ReplicaSets: replicasets.c, with the helpers exported
 *   here (controllers.h).
 * StatefulSet: pods "<sts>-<ordinal>", created in order (OrderedReady: the
 *   next only when the previous is Running and Ready), each with the PVCs
 *   "<template>-<sts>-<ordinal>" of volumeClaimTemplates, which stay on
 *   scale down.  A template change replaces pods from the highest ordinal,
 *   one at a time.
 * Job: one pod "<job>-<5 chars>" at a time until one Succeeded
 *   (completions 1); Failed pods count against backoffLimit.
 *
 * Every pod is created as the API server would admit it: LimitRange
 * defaults of type Container first, then ResourceQuota admission
 * (quota.c).  A refusal becomes a FailedCreate event on the owner with the
 * exact quota message, and the owner retries after a back-off.  Pod names
 * hash --seed, the namespace and the prefix (deterministic under --seed).  Called
 * with sim->lock held.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers.h"
#include "quota.h"

static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* 1 for null, {} and []: the Go types make them the same as an absent
 * field, so a template kubectl sends back ("creationTimestamp": null,
 * "resources": {}, as `kubectl rollout undo` does) is the same template. */
static int zero_value(json_object *o)
{
    return !o || (json_object_is_type(o, json_type_object) && json_object_object_length(o) == 0) ||
           (json_object_is_type(o, json_type_array) && json_object_array_length(o) == 0);
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 29);
}

/* FNV-1a over the tree itself (keys, values, types and nesting), which
 * costs a tenth of serialising it.  Like the API's semantic comparison,
 * mapping members count in any order and zero values not at all. */
static uint64_t tree_hash(uint64_t h, json_object *o)
{
    switch (json_object_get_type(o)) {
    case json_type_object: {
        uint64_t sum = 0;
        json_object_object_foreach(o, k, v) {
            if (!zero_value(v))
                sum += mix(tree_hash(fnv(0xcbf29ce484222325ULL, k, strlen(k) + 1), v));
        }
        return fnv(fnv(h, "{", 1), &sum, sizeof(sum));
    }
    case json_type_array:
        h = fnv(h, "[", 1);
        for (size_t i = 0; i < json_object_array_length(o); i++)
            h = tree_hash(h, json_object_array_get_idx(o, i));
        return fnv(h, "]", 1);
    case json_type_string:
        return fnv(fnv(h, "s", 1), json_object_get_string(o), (size_t)json_object_get_string_len(o) + 1);
    case json_type_int: {
        int64_t iv = json_object_get_int64(o);
        return fnv(fnv(h, "i", 1), &iv, sizeof(iv));
    }
    case json_type_double: {
        double dv = json_object_get_double(o);
        return fnv(fnv(h, "d", 1), &dv, sizeof(dv));
    }
    case json_type_boolean:
        return fnv(h, json_object_get_boolean(o) ? "t" : "f", 1);
    default:
        return fnv(h, "n", 1);
    }
}

/* 10 characters of a hash of the template, from the alphabet of
 * generated names. */
void sim_template_hash(json_object *tmpl, char out[11])
{
    uint64_t h = tree_hash(0xcbf29ce484222325ULL, tmpl);
    for (int i = 0; i < 10; i++) {
        out[i] = alphabet[h % (sizeof(alphabet) - 1)];
        h = h / (sizeof(alphabet) - 1) ^ (h << 7) ^ (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    }
    out[10] = '\0';
}

void sim_owner_hash(struct sim_ctl *c, struct sim_object *o, char out[11])
{
    size_t i = o->rv % (sizeof(c->hashes) / sizeof(c->hashes[0]));
    if (!o->rv || c->hashes[i].rv != o->rv) {
        sim_template_hash(sim_json_path(o->obj, "spec.template"), c->hashes[i].hash);
        c->hashes[i].rv = o->rv;
    }
    memcpy(out, c->hashes[i].hash, 11);
}

static const char *label(json_object *obj, const char *key)
{
    json_object *l = sim_json_path(obj, "metadata.labels"), *v;
    return l && json_object_object_get_ex(l, key, &v) ? json_object_get_string(v) : NULL;
}

/* 1 when pod's controller reference points at owner (by uid). */
int sim_owned_by(json_object *pod, json_object *owner)
{
    json_object *ref = sim_ctl_controller_ref(pod);
    const char *a = ref ? sim_json_str(ref, "uid") : NULL;
    const char *b = sim_json_str(owner, "metadata.uid");
    return a && b && !strcmp(a, b);
}

static struct sim_object *find_in(struct sim_objvec *vec, const char *name)
{
    for (size_t i = 0; i < vec->n; i++)
        if (vec->v[i] && !strcmp(vec->v[i]->name, name))
            return vec->v[i];
    return NULL;
}

void sim_delete_pod(struct sim *s, struct sim_nsview *v, struct sim_object *o)
{
    for (size_t i = 0; i < v->pods.n; i++)
        if (v->pods.v[i] == o)
            v->pods.v[i] = NULL;
    sim_store_remove(s, o);
}

/* ---- pod creation: LimitRange defaults, quota admission ---- */

static void default_keys(json_object *dst, json_object *src)
{
    if (!src)
        return;
    json_object_object_foreach(src, k, val) {
        json_object *have;
        if (!json_object_object_get_ex(dst, k, &have))
            json_object_object_add(dst, k, json_object_get(val));
    }
}

/* 1 when want has a key that have lacks. */
static int lacks_keys(json_object *have, json_object *want)
{
    json_object *x;
    json_object_object_foreach(want, k, v) {
        (void)v;
        if (!json_object_object_get_ex(have, k, &x))
            return 1;
    }
    return 0;
}

/* 1 when limit_defaults_list() would change container c. */
static int needs_defaults(json_object *c, json_object *dflt, json_object *dreq)
{
    json_object *res = sim_json_path(c, "resources");
    json_object *lim = res ? sim_json_path(res, "limits") : NULL;
    json_object *req = res ? sim_json_path(res, "requests") : NULL;
    if (!res || (dflt && (!lim || lacks_keys(lim, dflt))) || (dreq && (!req || lacks_keys(req, dreq))))
        return 1;
    return lim && (!req || lacks_keys(req, lim));
}

/* The containers list key of spec, made the pod's own where defaults will
 * change it: the pod shares its template's nodes until then. */
static json_object *own_containers(json_object *spec, const char *key, json_object *dflt, json_object *dreq)
{
    json_object *arr = sim_json_path(spec, key), *own = NULL;
    for (size_t i = 0; arr && json_object_is_type(arr, json_type_array) && i < json_object_array_length(arr); i++) {
        json_object *c = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(c, json_type_object) || !needs_defaults(c, dflt, dreq))
            continue;
        if (!own) {
            own = json_object_new_array();
            for (size_t j = 0; j < json_object_array_length(arr); j++)
                json_object_array_add(own, json_object_get(json_object_array_get_idx(arr, j)));
            json_object_object_add(spec, key, own);
        }
        json_object_array_put_idx(own, i, sim_ctl_copy(c));
    }
    return own;
}

static void limit_defaults_list(json_object *containers, json_object *dflt, json_object *dreq)
{
    for (size_t i = 0; containers && i < json_object_array_length(containers); i++) {
        if (!needs_defaults(json_object_array_get_idx(containers, i), dflt, dreq))
            continue;
        json_object *res = sim_json_obj(json_object_array_get_idx(containers, i), "resources");
        json_object *lim = sim_json_path(res, "limits");
        json_object *req = sim_json_path(res, "requests");
        int had_lim = lim != NULL;
        if (dflt) {
            default_keys(sim_json_obj(res, "limits"), dflt);
            lim = sim_json_path(res, "limits");
        }
        if (dreq)
            default_keys(sim_json_obj(res, "requests"), dreq);
        if (lim) {          /* API defaulting: a limit without a request */
            default_keys(sim_json_obj(res, "requests"), lim);
        }
        (void)had_lim;
        (void)req;
    }
}

static void limit_defaults(struct sim_nsview *v, json_object *pod)
{
    for (size_t i = 0; i < v->limitranges.n; i++) {
        json_object *lims = v->limitranges.v[i] ? sim_json_path(v->limitranges.v[i]->obj, "spec.limits") : NULL;
        for (size_t j = 0; lims && j < json_object_array_length(lims); j++) {
            json_object *l = json_object_array_get_idx(lims, j);
            const char *type = sim_json_str(l, "type");
            if (!type || strcmp(type, "Container"))
                continue;
            json_object *d = sim_json_path(l, "default"), *dr = sim_json_path(l, "defaultRequest");
            json_object *spec = sim_json_path(pod, "spec");
            limit_defaults_list(own_containers(spec, "containers", d, dr), d, dr);
            limit_defaults_list(own_containers(spec, "initContainers", d, dr), d, dr);
        }
    }
}

static json_object *vec_array(struct sim_objvec *vec)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < vec->n; i++)
        if (vec->v[i])
            json_object_array_add(a, json_object_get(vec->v[i]->obj));
    return a;
}

/* An owner's retry state; NULL when it cannot be kept. */
static struct sim_rt *owner_rt(struct sim *s, json_object *owner, const char *ns)
{
    const char *uid = sim_json_str(owner, "metadata.uid");
    struct sim_rt *r = uid ? sim_rt_get(s->ctl, uid, ns, 0) : NULL;
    if (r)
        r->seen = s->ctl->pass;
    return r;
}

int sim_may_create(struct sim *s, struct sim_object *owner, int64_t now, int64_t *next)
{
    const char *uid = sim_json_str(owner->obj, "metadata.uid");
    struct sim_rt *r = uid ? sim_rt_find(s->ctl, uid) : NULL;
    if (!r)
        return 1;
    r->seen = s->ctl->pass;
    if (r->retry_ms && now < r->retry_ms) {
        if (!*next || r->retry_ms < *next)
            *next = r->retry_ms;
        return 0;
    }
    return 1;
}

static void refused(struct sim *s, struct sim_nsview *v, struct sim_object *owner, json_object *status,
                    int64_t now, int64_t *next)
{
    char msg[2048];
    const char *m = sim_json_str(status, "message");
    snprintf(msg, sizeof(msg), "Error creating: %s", m ? m : "forbidden");
    sim_event_record(s, v, owner->obj, "Warning", "FailedCreate", msg,
                     strcmp(owner->res->kind, "Job") ? (strcmp(owner->res->kind, "StatefulSet") ? "replicaset-controller" : "statefulset-controller") : "job-controller",
                     now);
    struct sim_rt *r = owner_rt(s, owner->obj, owner->ns);
    if (r) {
        r->backoff_ms = r->backoff_ms ? r->backoff_ms * 2 : 1000;
        if (r->backoff_ms > 10000)
            r->backoff_ms = 10000;
        r->retry_ms = now + r->backoff_ms;
        free(r->unsched);
        r->unsched = strdup(msg);
        if (!*next || r->retry_ms < *next)
            *next = r->retry_ms;
    }
}

static void created_ok(struct sim *s, struct sim_object *owner)
{
    const char *uid = sim_json_str(owner->obj, "metadata.uid");
    struct sim_rt *r = uid ? sim_rt_find(s->ctl, uid) : NULL;
    if (r) {
        r->retry_ms = r->backoff_ms = 0;
        free(r->unsched);
        r->unsched = NULL;
    }
}

/* The last refusal message of owner, or NULL. */
const char *sim_refusal(struct sim *s, json_object *owner)
{
    const char *uid = sim_json_str(owner, "metadata.uid");
    struct sim_rt *r = uid ? sim_rt_find(s->ctl, uid) : NULL;
    return r ? r->unsched : NULL;
}

/* Admit and store obj (owned) of resource res ("pods" or
 * "persistentvolumeclaims").  Returns the entry or NULL when refused. */
struct sim_object *sim_create_child(struct sim *s, struct sim_nsview *v, struct sim_object *owner,
                                    json_object *obj, int is_pod, int64_t now, int64_t *next)
{
    struct sim_ctl *c = s->ctl;
    json_object *quotas = vec_array(&v->quotas), *status = NULL;
    json_object *pods = vec_array(&v->pods), *pvcs = vec_array(&v->pvcs);
    struct sim_quota_objects objs = {.pods = pods, .pvcs = pvcs};
    struct os_error err = {0};
    int rc;

    if (is_pod) {
        limit_defaults(v, obj);
        /* Admission runs before the name is generated from generateName
         * (that happens in the storage layer), so a refusal names the
         * prefix: pods "odoo-5b5d8bd7bd-" is forbidden, the same text on
         * every retry. */
        json_object *meta = sim_json_obj(obj, "metadata");
        const char *gen = sim_json_str(meta, "generateName");
        char *name = gen && sim_json_str(meta, "name") ? strdup(sim_json_str(meta, "name")) : NULL;
        if (name)
            sim_json_set_str(meta, "name", gen);
        rc = sim_quota_admit_pod(obj, quotas, pods, &status, &err);
        if (name) {
            sim_json_set_str(meta, "name", name);
            free(name);
        }
    } else {
        rc = sim_quota_admit(obj, "persistentvolumeclaims", quotas, &objs, &status, &err);
    }
    json_object_put(quotas);
    json_object_put(pods);
    json_object_put(pvcs);
    if (rc == 0 && status) {
        refused(s, v, owner, status, now, next);
        json_object_put(status);
        json_object_put(obj);
        return NULL;
    }
    if (c->seeding) {          /* a demo cluster that has run for an hour */
        char ts[32];
        sim_format_time(now - 3600 * 1000, ts, sizeof(ts));
        sim_json_set_str(sim_json_obj(obj, "metadata"), "creationTimestamp", ts);
    }
    struct sim_object *o = sim_store_add(s, is_pod ? c->r_pod : c->r_pvc, obj);
    if (!o)
        return NULL;
    sim_objvec_push(is_pod ? &v->pods : &v->pvcs, o);
    created_ok(s, owner);
    return o;
}

/* A new pod for owner from template, with extra labels (JSON object,
 * taken) and name. */
json_object *sim_pod_from_template(struct sim_object *owner, json_object *tmpl, const char *name,
                                   json_object *extra_labels)
{
    json_object *pod = json_object_new_object();
    json_object_object_add(pod, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(pod, "kind", json_object_new_string("Pod"));
    json_object *m = sim_json_obj(pod, "metadata");
    sim_json_set_str(m, "name", name);
    sim_json_set_str(m, "namespace", owner->ns);
    json_object *labels = sim_ctl_copy(sim_json_path(tmpl, "metadata.labels"));
    if (!labels)
        labels = json_object_new_object();
    json_object_object_foreach(extra_labels, k, val)
        json_object_object_add(labels, k, json_object_get(val));
    json_object_put(extra_labels);
    json_object_object_add(m, "labels", labels);
    json_object *ann = sim_json_path(tmpl, "metadata.annotations");
    if (ann)
        json_object_object_add(m, "annotations", sim_ctl_copy(ann));
    json_object *ref = json_object_new_object();
    sim_json_set_str(ref, "apiVersion", owner->res->group[0] ? (strcmp(owner->res->group, "apps") ? "batch/v1" : "apps/v1") : "v1");
    sim_json_set_str(ref, "kind", owner->res->kind);
    sim_json_set_str(ref, "name", owner->name);
    sim_json_set_str(ref, "uid", sim_json_str(owner->obj, "metadata.uid") ? sim_json_str(owner->obj, "metadata.uid") : "");
    json_object_object_add(ref, "controller", json_object_new_boolean(1));
    json_object_object_add(ref, "blockOwnerDeletion", json_object_new_boolean(1));
    json_object *refs = json_object_new_array();
    json_object_array_add(refs, ref);
    json_object_object_add(m, "ownerReferences", refs);
    /* The pod spec shares its template's nodes (stored trees are never
     * changed in place): only what a controller changes is copied --
     * containers that get LimitRange defaults (limit_defaults), the
     * volumes list a StatefulSet adds its claims to. */
    json_object *spec = json_object_new_object(), *tspec = sim_json_path(tmpl, "spec");
    if (tspec && json_object_is_type(tspec, json_type_object)) {
        json_object_object_foreach(tspec, tk, tv)
            json_object_object_add(spec, tk, json_object_get(tv));
    }
    json_object *vols = sim_json_path(spec, "volumes");
    if (vols && json_object_is_type(vols, json_type_array)) {
        json_object *own = json_object_new_array();
        for (size_t i = 0; i < json_object_array_length(vols); i++)
            json_object_array_add(own, json_object_get(json_object_array_get_idx(vols, i)));
        json_object_object_add(spec, "volumes", own);
    }
    static const char *const dflt[][2] = {{"restartPolicy", "Always"}, {"schedulerName", "default-scheduler"},
                                          {"serviceAccountName", "default"}, {"dnsPolicy", "ClusterFirst"}};
    for (size_t i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
        if (!sim_json_str(spec, dflt[i][0]))
            sim_json_set_str(spec, dflt[i][0], dflt[i][1]);
    if (!sim_json_path(spec, "terminationGracePeriodSeconds"))
        json_object_object_add(spec, "terminationGracePeriodSeconds", json_object_new_int(30));
    json_object_object_add(pod, "spec", spec);
    json_object_object_add(pod, "status", json_tokener_parse("{\"phase\":\"Pending\"}"));
    return pod;
}

json_object *sim_labels2(const char *k1, const char *v1, const char *k2, const char *v2)
{
    json_object *l = json_object_new_object();
    if (k1)
        json_object_object_add(l, k1, json_object_new_string(v1));
    if (k2)
        json_object_object_add(l, k2, json_object_new_string(v2));
    return l;
}

/* "<prefix>-<5 chars>": the characters come from a hash of --seed, the
 * namespace, the prefix and an attempt number, the first that no pod of
 * the namespace has; so names depend on what happened in the namespace,
 * not on how requests and controller passes interleaved.  Attempts start
 * at the number of pods the owner created so far (its SuccessfulCreate
 * events), so a deleted pod's replacement gets a new name, as it does from
 * a real ReplicaSet. */
void sim_unique_name(struct sim *s, struct sim_nsview *v, json_object *owner, const char *prefix,
                     char *buf, size_t len)
{
    uint64_t k0 = 0;
    const char *uid = sim_json_str(owner, "metadata.uid");
    for (size_t i = 0; uid && i < v->events.n; i++) {
        json_object *e = v->events.v[i] ? v->events.v[i]->obj : NULL;
        const char *eu = e ? sim_json_str(e, "involvedObject.uid") : NULL;
        const char *r = e ? sim_json_str(e, "reason") : NULL;
        if (eu && r && !strcmp(eu, uid) && !strcmp(r, "SuccessfulCreate"))
            k0 += (uint64_t)sim_ctl_int(e, "count", 1);
    }
    for (uint64_t k = k0; k < k0 + 1000; k++) {
        uint64_t h = 0xcbf29ce484222325ULL ^ s->opt.seed;
        for (const char *p = v->ns; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
        h = (h ^ '/') * 0x100000001b3ULL;
        for (const char *p = prefix; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
        h ^= k * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 31;
        h *= 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
        char sfx[6];
        for (int i = 0; i < 5; i++) {
            sfx[i] = alphabet[h % (sizeof(alphabet) - 1)];
            h /= sizeof(alphabet) - 1;
        }
        sfx[5] = '\0';
        snprintf(buf, len, "%s-%s", prefix, sfx);
        if (!find_in(&v->pods, buf))
            return;
    }
}

/* A condition with the times of the old one when nothing changed. */
json_object *sim_condition(json_object *old_conds, const char *type, const char *status, const char *reason,
                           const char *message, const char *now_ts, int with_update)
{
    json_object *c = json_object_new_object(), *old = NULL;
    for (size_t i = 0; old_conds && i < json_object_array_length(old_conds); i++) {
        const char *t = sim_json_str(json_object_array_get_idx(old_conds, i), "type");
        if (t && !strcmp(t, type))
            old = json_object_array_get_idx(old_conds, i);
    }
    const char *os = old ? sim_json_str(old, "status") : NULL;
    const char *orr = old ? sim_json_str(old, "reason") : NULL;
    const char *om = old ? sim_json_str(old, "message") : NULL;
    int same_status = os && !strcmp(os, status);
    int same_all = same_status && orr && reason && !strcmp(orr, reason) && om && message && !strcmp(om, message);
    sim_json_set_str(c, "type", type);
    sim_json_set_str(c, "status", status);
    if (with_update)
        sim_json_set_str(c, "lastUpdateTime", same_all && sim_json_str(old, "lastUpdateTime") ? sim_json_str(old, "lastUpdateTime") : now_ts);
    sim_json_set_str(c, "lastTransitionTime", same_status && sim_json_str(old, "lastTransitionTime") ? sim_json_str(old, "lastTransitionTime") : now_ts);
    if (!with_update)
        sim_json_set_str(c, "lastProbeTime", same_all && sim_json_str(old, "lastProbeTime") ? sim_json_str(old, "lastProbeTime") : now_ts);
    if (reason)
        sim_json_set_str(c, "reason", reason);
    if (message)
        sim_json_set_str(c, "message", message);
    return c;
}

/* ---- StatefulSet ---- */

static int ordinal_of(const char *sts, const char *pod)
{
    size_t n = strlen(sts);
    if (strncmp(pod, sts, n) || pod[n] != '-' || !pod[n + 1])
        return -1;
    char *end;
    long o = strtol(pod + n + 1, &end, 10);
    return *end || o < 0 || o > 100000 ? -1 : (int)o;
}

static void sts_revision(struct sim *s, struct sim_object *st, char *buf, size_t len)
{
    char hash[11];
    sim_owner_hash(s->ctl, st, hash);
    snprintf(buf, len, "%s-%s", st->name, hash);
}

static struct sim_object *sts_pod(struct sim_nsview *v, struct sim_object *st, int ord)
{
    char name[300];
    snprintf(name, sizeof(name), "%s-%d", st->name, ord);
    struct sim_object *p = find_in(&v->pods, name);
    return p && sim_owned_by(p->obj, st->obj) ? p : NULL;
}

/* Make the PVCs of ordinal ord; 0 when they all exist. */
static int sts_claims(struct sim *s, struct sim_nsview *v, struct sim_object *st, int ord, int64_t now,
                      int64_t *next)
{
    json_object *vcts = sim_json_path(st->obj, "spec.volumeClaimTemplates");
    for (size_t i = 0; vcts && i < json_object_array_length(vcts); i++) {
        json_object *t = json_object_array_get_idx(vcts, i);
        const char *tn = sim_json_str(t, "metadata.name");
        char name[400];
        if (!tn)
            continue;
        snprintf(name, sizeof(name), "%s-%s-%d", tn, st->name, ord);
        if (find_in(&v->pvcs, name))
            continue;
        json_object *pvc = json_object_new_object();
        json_object_object_add(pvc, "apiVersion", json_object_new_string("v1"));
        json_object_object_add(pvc, "kind", json_object_new_string("PersistentVolumeClaim"));
        json_object *m = sim_json_obj(pvc, "metadata");
        sim_json_set_str(m, "name", name);
        sim_json_set_str(m, "namespace", st->ns);
        json_object *labels = sim_ctl_copy(sim_json_path(t, "metadata.labels"));
        if (!labels)
            labels = json_object_new_object();
        json_object *sel = sim_json_path(st->obj, "spec.selector.matchLabels");
        if (sel)
            default_keys(labels, sel);
        json_object_object_add(m, "labels", labels);
        json_object *spec = sim_ctl_copy(sim_json_path(t, "spec"));
        if (!spec)
            spec = json_object_new_object();
        if (!sim_json_str(spec, "volumeMode"))
            sim_json_set_str(spec, "volumeMode", "Filesystem");
        json_object_object_add(pvc, "spec", spec);
        json_object_object_add(pvc, "status", json_tokener_parse("{\"phase\":\"Pending\"}"));
        if (!sim_create_child(s, v, st, pvc, 0, now, next))
            return -1;
        char msg[600];
        snprintf(msg, sizeof(msg), "create Claim %s Pod %s-%d in StatefulSet %s success", name, st->name, ord, st->name);
        sim_event_record(s, v, st->obj, "Normal", "SuccessfulCreate", msg, "statefulset-controller", now);
    }
    return 0;
}

static void statefulset_pods(struct sim *s, struct sim_nsview *v, struct sim_object *st, int64_t now,
                             int64_t *next)
{
    char rev[320], name[300], ordbuf[16], msg[600];
    int64_t replicas = sim_ctl_int(st->obj, "spec.replicas", 1);
    const char *pmp = sim_json_str(st->obj, "spec.podManagementPolicy");
    int parallel = pmp && !strcmp(pmp, "Parallel");
    json_object *tmpl = sim_json_path(st->obj, "spec.template");

    if (!tmpl || sim_json_path(st->obj, "metadata.deletionTimestamp"))
        return;
    sts_revision(s, st, rev, sizeof(rev));
    /* Scale down, highest ordinal first. */
    for (size_t i = 0; i < v->pods.n; i++) {
        struct sim_object *p = v->pods.v[i];
        if (p && sim_owned_by(p->obj, st->obj) && ordinal_of(st->name, p->name) >= replicas)
            sim_delete_pod(s, v, p);
    }
    int all_ready = 1;
    for (int ord = 0; ord < replicas; ord++) {
        struct sim_object *p = sts_pod(v, st, ord);
        if (p) {
            const char *r = label(p->obj, "controller-revision-hash");
            if ((!r || strcmp(r, rev)) && all_ready) {
                /* Replace an outdated pod, highest first: only when every
                 * pod above it is already updated. */
                int higher_old = 0;
                for (int o2 = ord + 1; o2 < replicas; o2++) {
                    struct sim_object *q = sts_pod(v, st, o2);
                    const char *r2 = q ? label(q->obj, "controller-revision-hash") : NULL;
                    if (q && (!r2 || strcmp(r2, rev)))
                        higher_old = 1;
                }
                if (!higher_old) {
                    sim_delete_pod(s, v, p);
                    return;
                }
            }
            if (!sim_ctl_pod_ready(p->obj))
                all_ready = 0;
            continue;
        }
        if (!parallel && !all_ready)
            return;
        if (!sim_may_create(s, st, now, next) || sts_claims(s, v, st, ord, now, next))
            return;
        snprintf(name, sizeof(name), "%s-%d", st->name, ord);
        snprintf(ordbuf, sizeof(ordbuf), "%d", ord);
        json_object *extra = sim_labels2("controller-revision-hash", rev, "statefulset.kubernetes.io/pod-name", name);
        json_object_object_add(extra, "apps.kubernetes.io/pod-index", json_object_new_string(ordbuf));
        json_object *pod = sim_pod_from_template(st, tmpl, name, extra);
        json_object *spec = sim_json_obj(pod, "spec");
        sim_json_set_str(spec, "hostname", name);
        if (sim_json_str(st->obj, "spec.serviceName"))
            sim_json_set_str(spec, "subdomain", sim_json_str(st->obj, "spec.serviceName"));
        json_object *vcts = sim_json_path(st->obj, "spec.volumeClaimTemplates");
        for (size_t i = 0; vcts && i < json_object_array_length(vcts); i++) {
            const char *tn = sim_json_str(json_object_array_get_idx(vcts, i), "metadata.name");
            char claim[400];
            if (!tn)
                continue;
            snprintf(claim, sizeof(claim), "%s-%s-%d", tn, st->name, ord);
            json_object *vols = sim_json_path(spec, "volumes");
            if (!vols) {
                vols = json_object_new_array();
                json_object_object_add(spec, "volumes", vols);
            }
            json_object *vol = json_object_new_object();
            sim_json_set_str(vol, "name", tn);
            sim_json_set_str(sim_json_obj(vol, "persistentVolumeClaim"), "claimName", claim);
            json_object_array_put_idx(vols, json_object_array_length(vols), vol);
        }
        if (!sim_create_child(s, v, st, pod, 1, now, next))
            return;
        snprintf(msg, sizeof(msg), "create Pod %s in StatefulSet %s successful", name, st->name);
        sim_event_record(s, v, st->obj, "Normal", "SuccessfulCreate", msg, "statefulset-controller", now);
        all_ready = 0;
    }
}

static void statefulset_status(struct sim *s, struct sim_nsview *v, struct sim_object *st)
{
    char rev[320];
    int64_t total = 0, ready = 0, updated = 0;
    sts_revision(s, st, rev, sizeof(rev));
    for (size_t i = 0; i < v->pods.n; i++) {
        struct sim_object *p = v->pods.v[i];
        if (!p || !sim_owned_by(p->obj, st->obj))
            continue;
        total++;
        ready += sim_ctl_pod_ready(p->obj);
        const char *r = label(p->obj, "controller-revision-hash");
        updated += r && !strcmp(r, rev);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "observedGeneration", json_object_new_int64(sim_ctl_int(st->obj, "metadata.generation", 1)));
    json_object_object_add(o, "replicas", json_object_new_int64(total));
    json_object_object_add(o, "readyReplicas", json_object_new_int64(ready));
    json_object_object_add(o, "currentReplicas", json_object_new_int64(updated));
    json_object_object_add(o, "updatedReplicas", json_object_new_int64(updated));
    json_object_object_add(o, "availableReplicas", json_object_new_int64(ready));
    json_object_object_add(o, "currentRevision", json_object_new_string(rev));
    json_object_object_add(o, "updateRevision", json_object_new_string(rev));
    json_object_object_add(o, "collisionCount", json_object_new_int(0));
    sim_ctl_set_status(s, st, o);
}

/* ---- Job ---- */

struct job_counts {
    int64_t active, ready, succeeded, failed;
};

static struct job_counts job_count(struct sim_nsview *v, struct sim_object *j)
{
    struct job_counts k = {0};
    for (size_t i = 0; i < v->pods.n; i++) {
        struct sim_object *p = v->pods.v[i];
        if (!p || !sim_owned_by(p->obj, j->obj))
            continue;
        const char *ph = sim_ctl_pod_phase(p->obj);
        if (!strcmp(ph, "Succeeded"))
            k.succeeded++;
        else if (!strcmp(ph, "Failed"))
            k.failed++;
        else {
            k.active++;
            k.ready += sim_ctl_pod_ready(p->obj);
        }
    }
    return k;
}

static int job_finished(json_object *job)
{
    json_object *conds = sim_json_path(job, "status.conditions");
    for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
        json_object *c = json_object_array_get_idx(conds, i);
        const char *t = sim_json_str(c, "type"), *st = sim_json_str(c, "status");
        if (t && st && !strcmp(st, "True") && (!strcmp(t, "Complete") || !strcmp(t, "Failed")))
            return 1;
    }
    return 0;
}

static void job_pods(struct sim *s, struct sim_nsview *v, struct sim_object *j, int64_t now, int64_t *next)
{
    char name[320], msg[400];
    struct job_counts k = job_count(v, j);
    json_object *tmpl = sim_json_path(j->obj, "spec.template");
    int64_t completions = sim_ctl_int(j->obj, "spec.completions", 1);
    int64_t backoff = sim_ctl_int(j->obj, "spec.backoffLimit", 6);
    int suspended = sim_json_path(j->obj, "spec.suspend") && json_object_get_boolean(sim_json_path(j->obj, "spec.suspend"));

    if (tmpl && !sim_json_path(j->obj, "spec.selector") && sim_json_str(j->obj, "metadata.uid")) {
        /* The API server's Job defaulting: a selector on the controller
         * uid, and those labels on the template (kubectl logs job/NAME
         * finds the pods by it). */
        const char *u = sim_json_str(j->obj, "metadata.uid");
        json_object *nj = sim_ctl_cow(j->obj, "spec.selector.matchLabels,spec.template.metadata.labels");
        json_object *ml = sim_json_obj(sim_json_obj(sim_json_obj(nj, "spec"), "selector"), "matchLabels");
        sim_json_set_str(ml, "batch.kubernetes.io/controller-uid", u);
        json_object *tl = sim_json_obj(sim_json_obj(sim_json_obj(sim_json_obj(nj, "spec"), "template"), "metadata"), "labels");
        sim_json_set_str(tl, "batch.kubernetes.io/controller-uid", u);
        sim_json_set_str(tl, "batch.kubernetes.io/job-name", j->name);
        sim_json_set_str(tl, "controller-uid", u);
        sim_json_set_str(tl, "job-name", j->name);
        if (s->ctl->seeding) {
            json_object_put(j->obj);
            j->obj = nj;
        } else {
            sim_store_replace(s, j, nj);
        }
        tmpl = sim_json_path(j->obj, "spec.template");
    }
    if (!tmpl || suspended || job_finished(j->obj) || k.succeeded >= completions || k.failed > backoff ||
        k.active > 0 || !sim_may_create(s, j, now, next))
        return;
    sim_unique_name(s, v, j->obj, j->name, name, sizeof(name));
    const char *uid = sim_json_str(j->obj, "metadata.uid");
    json_object *extra = sim_labels2("batch.kubernetes.io/controller-uid", uid ? uid : "",
                                 "batch.kubernetes.io/job-name", j->name);
    json_object_object_add(extra, "controller-uid", json_object_new_string(uid ? uid : ""));
    json_object_object_add(extra, "job-name", json_object_new_string(j->name));
    json_object *pod = sim_pod_from_template(j, tmpl, name, extra);
    char gen[320];
    snprintf(gen, sizeof(gen), "%s-", j->name);
    sim_json_set_str(sim_json_obj(pod, "metadata"), "generateName", gen);
    if (!sim_create_child(s, v, j, pod, 1, now, next))
        return;
    snprintf(msg, sizeof(msg), "Created pod: %s", name);
    sim_event_record(s, v, j->obj, "Normal", "SuccessfulCreate", msg, "job-controller", now);
}

static void job_status(struct sim *s, struct sim_nsview *v, struct sim_object *j, const char *ts)
{
    struct job_counts k = job_count(v, j);
    json_object *old = sim_json_path(j->obj, "status");
    json_object *oldc = sim_json_path(old, "conditions");
    int64_t completions = sim_ctl_int(j->obj, "spec.completions", 1);
    int64_t backoff = sim_ctl_int(j->obj, "spec.backoffLimit", 6);
    json_object *st = json_object_new_object();

    const char *start = sim_json_str(old, "startTime");
    if (start || k.active || k.succeeded || k.failed)
        sim_json_set_str(st, "startTime", start ? start : ts);
    if (k.active)
        json_object_object_add(st, "active", json_object_new_int64(k.active));
    json_object_object_add(st, "ready", json_object_new_int64(k.ready));
    if (k.succeeded)
        json_object_object_add(st, "succeeded", json_object_new_int64(k.succeeded));
    if (k.failed)
        json_object_object_add(st, "failed", json_object_new_int64(k.failed));
    json_object_object_add(st, "terminating", json_object_new_int(0));
    json_object_object_add(st, "uncountedTerminatedPods", json_object_new_object());
    if (k.succeeded >= completions) {
        const char *done = sim_json_str(old, "completionTime");
        sim_json_set_str(st, "completionTime", done ? done : ts);
        json_object *conds = json_object_new_array();
        json_object_array_add(conds, sim_condition(oldc, "SuccessCriteriaMet", "True", "CompletionsReached",
                                               "Reached expected number of succeeded pods", ts, 0));
        json_object_array_add(conds, sim_condition(oldc, "Complete", "True", "CompletionsReached",
                                               "Reached expected number of succeeded pods", ts, 0));
        json_object_object_add(st, "conditions", conds);
    } else if (k.failed > backoff) {
        json_object *conds = json_object_new_array();
        json_object_array_add(conds, sim_condition(oldc, "FailureTarget", "True", "BackoffLimitExceeded",
                                               "Job has reached the specified backoff limit", ts, 0));
        json_object_array_add(conds, sim_condition(oldc, "Failed", "True", "BackoffLimitExceeded",
                                               "Job has reached the specified backoff limit", ts, 0));
        json_object_object_add(st, "conditions", conds);
    } else if (oldc) {
        json_object_object_add(st, "conditions", sim_ctl_copy(oldc));
    }
    sim_ctl_set_status(s, j, st);
}

/* ---- entry points ---- */

int64_t sim_workloads_pods(struct sim *s, struct sim_nsview *v, int64_t now)
{
    int64_t next = 0;
    next = sim_deployments_pods(s, v, now);
    for (size_t i = 0; i < v->statefulsets.n; i++)
        if (v->statefulsets.v[i])
            statefulset_pods(s, v, v->statefulsets.v[i], now, &next);
    for (size_t i = 0; i < v->jobs.n; i++)
        if (v->jobs.v[i])
            job_pods(s, v, v->jobs.v[i], now, &next);
    return next;
}

void sim_workloads_status(struct sim *s, struct sim_nsview *v, int64_t now)
{
    char ts[32];
    sim_format_time(now, ts, sizeof(ts));
    sim_deployments_status(s, v, ts);
    for (size_t i = 0; i < v->statefulsets.n; i++)
        if (v->statefulsets.v[i])
            statefulset_status(s, v, v->statefulsets.v[i]);
    for (size_t i = 0; i < v->jobs.n; i++)
        if (v->jobs.v[i])
            job_status(s, v, v->jobs.v[i], ts);
}

static int owner_present(struct sim_objvec *vec, const char *name, const char *uid)
{
    for (size_t i = 0; i < vec->n; i++)
        if (vec->v[i] && !strcmp(vec->v[i]->name, name)) {
            const char *u = sim_json_str(vec->v[i]->obj, "metadata.uid");
            return u && !strcmp(u, uid);
        }
    return 0;
}

/* Delete the objects of vec whose controlling owner (of kind Deployment,
 * ReplicaSet, StatefulSet or Job) is gone, as the garbage collector does
 * with background propagation. */
static void gc_vec(struct sim *s, struct sim_nsview *v, struct sim_objvec *vec)
{
    for (size_t i = 0; i < vec->n; i++) {
        struct sim_object *p = vec->v[i];
        json_object *ref = p ? sim_ctl_controller_ref(p->obj) : NULL;
        const char *kind = ref ? sim_json_str(ref, "kind") : NULL;
        const char *name = ref ? sim_json_str(ref, "name") : NULL;
        const char *uid = ref ? sim_json_str(ref, "uid") : NULL;
        if (!kind || !name || !uid)
            continue;
        struct sim_objvec *owners = !strcmp(kind, "Deployment") ? &v->deployments
                                  : !strcmp(kind, "ReplicaSet") ? &v->replicasets
                                  : !strcmp(kind, "StatefulSet") ? &v->statefulsets
                                  : !strcmp(kind, "Job") ? &v->jobs : NULL;
        if (owners && !owner_present(owners, name, uid)) {
            vec->v[i] = NULL;
            sim_store_remove(s, p);
        }
    }
}

void sim_gc_pods(struct sim *s, struct sim_nsview *v)
{
    gc_vec(s, v, &v->replicasets);     /* first: their pods go in the same pass */
    gc_vec(s, v, &v->pods);
}
