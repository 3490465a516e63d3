/*
 * model_records.c - compact records from watched objects, and back to the
 * minimal JSON tenant_status_compute() reads (see model_records.h).
 *
 * Extraction follows the readers field by field: status.c (describe,
 * pod_counts, pod_stuck, pod_unschedulable, quota_refused and the fixed
 * workload names), cluster/nodes.c (pod_resource, pod_tenant) and the
 * tenant view (state, ready containers, restarts, node, age).  The
 * synthetic JSON keeps, per pod, the first stuck container and the first
 * Unschedulable condition: the only ones status.c can report.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/nodes.h"
#include "kube/rest.h"
#include "layout.h"
#include "model_records.h"
#include "tenant/delete.h"

static const char *const pod_phases[] = {
    [POD_PHASE_NONE] = NULL, [POD_PHASE_PENDING] = "Pending", [POD_PHASE_RUNNING] = "Running",
    [POD_PHASE_SUCCEEDED] = "Succeeded", [POD_PHASE_FAILED] = "Failed", [POD_PHASE_UNKNOWN] = "Unknown",
};

/* strdup that keeps NULL; *ok cleared on out of memory. */
static char *dup(const char *s, int *ok)
{
    char *d;
    if (!s)
        return NULL;
    if (!(d = strdup(s)))
        *ok = 0;
    return d;
}

/* Copy the strings src[0..n) into one allocation, *dst[i] pointing into it
 * (NULL stays NULL); *dst[0] is the block to free.  src[0] must not be
 * NULL.  One allocation per record keeps the heap small and unfragmented.
 * -1 on out of memory (every *dst NULL then). */
static int pack(const char *const *src, char **const *dst, size_t n)
{
    size_t len = 0;
    char *block, *at;

    for (size_t i = 0; i < n; i++)
        len += src[i] ? strlen(src[i]) + 1 : 0;
    if (!(block = at = malloc(len ? len : 1))) {
        for (size_t i = 0; i < n; i++)
            *dst[i] = NULL;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!src[i]) {
            *dst[i] = NULL;
            continue;
        }
        *dst[i] = at;
        at = stpcpy(at, src[i]) + 1;
    }
    return 0;
}

static struct json_object *get(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    if (obj && json_object_is_type(obj, json_type_object))
        json_object_object_get_ex(obj, key, &v);
    return v;
}

static size_t count(struct json_object *arr)
{
    return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

static time_t rfc3339(const char *s)
{
    struct tm tm = {0};
    return s && strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) ? timegm(&tm) : 0;
}

/* ---- pods ---------------------------------------------------------------- */

void records_pod_free(struct records_pod *p)
{
    free(p->name);   /* the block of all its strings (pack) */
    p->name = p->node = p->tenant = p->stuck_container = p->stuck_reason = p->waiting = p->unsched_msg = NULL;
}

static unsigned char phase_of(const char *s)
{
    for (unsigned i = 1; s && i < sizeof(pod_phases) / sizeof(pod_phases[0]); i++)
        if (!strcmp(pod_phases[i], s))
            return (unsigned char)i;
    return s ? POD_PHASE_UNKNOWN : POD_PHASE_NONE;
}

const char *records_pod_phase_name(const struct records_pod *p)
{
    return pod_phases[p->phase];
}

int records_pod_set(struct records_pod *p, struct json_object *pod)
{
    static const char *const lists[] = {"initContainerStatuses", "containerStatuses"};
    struct json_object *status = get(pod, "status"), *conds = get(status, "conditions");
    const char *stuck_c = NULL, *stuck_r = NULL, *waiting = NULL, *unsched = NULL;
    records_pod_free(p);
    p->unsched_since = 0;
    p->restarts = p->ready_containers = p->containers = 0;
    p->ready = 0;
    for (size_t l = 0; l < 2; l++) {
        struct json_object *cs = get(status, lists[l]);
        for (size_t i = 0; i < count(cs); i++) {
            struct json_object *c = json_object_array_get_idx(cs, i);
            const char *reason = kube_object_str(c, "state.waiting.reason");
            if (!stuck_r && tenant_reason_is_stuck(reason)) {
                stuck_r = reason;
                stuck_c = kube_object_str(c, "name");
            }
            if (l == 0)
                continue;
            p->containers++;
            p->restarts += json_object_get_int(json_object_object_get(c, "restartCount"));
            p->ready_containers += json_object_get_boolean(get(c, "ready"));
            if (reason)
                waiting = reason;
        }
    }
    for (size_t i = 0; i < count(conds); i++) {
        struct json_object *c = json_object_array_get_idx(conds, i);
        const char *type = kube_object_str(c, "type"), *st = kube_object_str(c, "status");
        const char *reason = kube_object_str(c, "reason");
        if (type && st && !strcmp(type, "Ready") && !strcmp(st, "True"))
            p->ready = 1;
        if (!unsched && reason && !strcmp(reason, "Unschedulable")) {
            unsched = kube_object_str(c, "message") ?: "";
            p->unsched_since = rfc3339(kube_object_str(c, "lastTransitionTime"));
        }
    }
    {
        const char *src[] = {kube_object_name(pod) ?: "", kube_object_str(pod, "spec.nodeName"), pod_tenant(pod),
                             stuck_r ? stuck_c ?: "" : NULL, stuck_r, waiting, unsched};
        char **const dst[] = {&p->name, &p->node, &p->tenant, &p->stuck_container, &p->stuck_reason,
                              &p->waiting, &p->unsched_msg};
        if (pack(src, dst, sizeof(src) / sizeof(src[0])) < 0)
            return -1;
    }
    p->created = layout_parse_time(kube_object_str(pod, "metadata.creationTimestamp"));
    p->phase = phase_of(kube_object_str(pod, "status.phase"));
    p->deleting = kube_object_str(pod, "metadata.deletionTimestamp") != NULL;
    p->cpu_req_m = pod_resource(pod, "requests", "cpu");
    p->mem_req = pod_resource(pod, "requests", "memory");
    p->cpu_lim_m = pod_resource(pod, "limits", "cpu");
    p->mem_lim = pod_resource(pod, "limits", "memory");
    return 0;
}

/* ---- namespaces ---------------------------------------------------------- */

void records_ns_free(struct records_ns *ns)
{
    free(ns->name);   /* the block of all its strings (pack) */
    memset(ns, 0, sizeof(*ns));
}

static int is_true(const char *v)
{
    return v && !strcmp(v, "true");
}

int records_ns_set(struct records_ns *ns, struct json_object *obj)
{
    const char *holding = tenant_namespace_holding(obj);

    records_ns_free(ns);
    {
        const char *src[] = {kube_object_name(obj) ?: "", kube_object_label(obj, "odoo-saas.io/tenant"),
                             kube_object_label(obj, "odoo-saas.io/tier"),
                             kube_object_annotation(obj, "odoo-saas.io/url"),
                             kube_object_annotation(obj, "odoo-saas.io/admin-email"),
                             kube_object_annotation(obj, "odoo-saas.io/owner"),
                             kube_object_annotation(obj, "odoo-saas.io/created-at"),
                             kube_object_annotation(obj, "odoo-saas.io/trial-expires-at"), holding};
        char **const dst[] = {&ns->name, &ns->tenant_label, &ns->tier, &ns->url, &ns->admin_email, &ns->owner,
                              &ns->created_at, &ns->trial_expires_at, &ns->holding};
        if (pack(src, dst, sizeof(src) / sizeof(src[0])) < 0)
            return -1;
    }
    ns->created = layout_parse_time(kube_object_str(obj, "metadata.creationTimestamp"));
    ns->deleting = kube_object_str(obj, "metadata.deletionTimestamp") != NULL;
    ns->phase_terminating = !strcmp(kube_object_str(obj, "status.phase") ?: "", "Terminating");
    ns->suspended = is_true(kube_object_annotation(obj, TENANT_ANN_SUSPENDED));
    ns->provisioned = is_true(kube_object_annotation(obj, TENANT_ANN_PROVISIONED));
    return 0;
}

const char *records_ns_id(const struct records_ns *ns)
{
    size_t n = strlen(TENANT_NS_PREFIX);

    if (ns->tenant_label && ns->tenant_label[0])
        return ns->tenant_label;
    return ns->name && !strncmp(ns->name, TENANT_NS_PREFIX, n) ? ns->name + n : "";
}

/* ---- workloads and events ------------------------------------------------ */

const char *records_event_quota(struct json_object *ev)
{
    const char *reason = kube_object_str(ev, "reason"), *msg = kube_object_str(ev, "message");
    return reason && !strcmp(reason, "FailedCreate") && msg && strstr(msg, "quota") ? msg : NULL;
}

int records_workload_which(const char *kind, struct json_object *obj)
{
    const char *name = kube_object_name(obj) ?: "";

    if (!strcmp(kind, "Deployment"))
        return !strcmp(name, "odoo") ? 'd' : 0;
    if (!strcmp(kind, "StatefulSet"))
        return !strcmp(name, "postgresql") ? 's' : 0;
    if (!strcmp(kind, "Job"))
        return !strcmp(name, "odoo-db-init") ? 'j' : 0;
    return 0;
}

static int64_t num(struct json_object *obj, const char *a, const char *b)
{
    struct json_object *x, *y;
    if (json_object_object_get_ex(obj, a, &x) && json_object_object_get_ex(x, b, &y))
        return json_object_get_int64(y);
    return 0;
}

/* The Failed condition with status True of a job, or NULL. */
static struct json_object *job_failed(struct json_object *job)
{
    struct json_object *conds = get(get(job, "status"), "conditions");

    for (size_t i = 0; i < count(conds); i++) {
        struct json_object *c = json_object_array_get_idx(conds, i);
        const char *t = kube_object_str(c, "type"), *s = kube_object_str(c, "status");
        if (t && s && !strcmp(t, "Failed") && !strcmp(s, "True"))
            return c;
    }
    return NULL;
}

void records_workload_clear(struct records_workloads *w, int which)
{
    if (which == 'd') {
        w->has_odoo = 0;
        w->odoo_available = 0;
    } else if (which == 's') {
        w->has_pg = 0;
        w->pg_ready = 0;
    } else if (which == 'j') {
        w->has_job = w->job_failed = 0;
        w->job_succeeded = 0;
        free(w->job_failed_msg);
        w->job_failed_msg = NULL;
    }
}

int records_workload_set(struct records_workloads *w, int which, struct json_object *obj)
{
    struct json_object *failed;
    int ok = 1;

    records_workload_clear(w, which);
    if (which == 'd') {
        w->has_odoo = 1;
        w->odoo_available = num(obj, "status", "availableReplicas");
    } else if (which == 's') {
        w->has_pg = 1;
        w->pg_ready = num(obj, "status", "readyReplicas");
    } else if (which == 'j') {
        w->has_job = 1;
        w->job_succeeded = num(obj, "status", "succeeded");
        if ((failed = job_failed(obj))) {
            w->job_failed = 1;
            w->job_failed_msg = dup(kube_object_str(failed, "message"), &ok);
        }
    }
    return ok ? 0 : -1;
}

/* ---- back to JSON for tenant_status_compute ------------------------------ */

static void put_str(struct json_object *obj, const char *key, const char *v)
{
    if (v)
        json_object_object_add(obj, key, json_object_new_string(v));
}

static struct json_object *with(struct json_object *parent, const char *key)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(parent, key, o);
    return o;
}

static struct json_object *named(const char *name)
{
    struct json_object *o = json_object_new_object();
    put_str(with(o, "metadata"), "name", name);
    return o;
}

static struct json_object *ns_json(const struct records_ns *ns)
{
    struct json_object *o = named(ns->name), *meta, *labels, *ann;

    json_object_object_get_ex(o, "metadata", &meta);
    labels = with(meta, "labels");
    ann = with(meta, "annotations");
    put_str(labels, "odoo-saas.io/tenant", ns->tenant_label);
    put_str(labels, "odoo-saas.io/tier", ns->tier);
    put_str(ann, "odoo-saas.io/url", ns->url);
    put_str(ann, "odoo-saas.io/admin-email", ns->admin_email);
    put_str(ann, "odoo-saas.io/owner", ns->owner);
    put_str(ann, "odoo-saas.io/created-at", ns->created_at);
    put_str(ann, "odoo-saas.io/trial-expires-at", ns->trial_expires_at);
    put_str(ann, TENANT_ANN_SUSPENDED, ns->suspended ? "true" : NULL);
    put_str(ann, TENANT_ANN_PROVISIONED, ns->provisioned ? "true" : NULL);
    put_str(meta, "deletionTimestamp", ns->deleting ? "deleting" : NULL);
    put_str(with(o, "status"), "phase", ns->phase_terminating ? "Terminating" : NULL);
    return o;
}

static struct json_object *pod_json(const struct records_pod *p)
{
    struct json_object *o = named(p->name), *status = with(o, "status");
    struct json_object *conds = json_object_new_array(), *cs = json_object_new_array();
    struct json_object *c = json_object_new_object();

    put_str(status, "phase", records_pod_phase_name(p));
    json_object_object_add(status, "conditions", conds);
    json_object_object_add(status, "containerStatuses", cs);
    if (p->ready) {
        struct json_object *r = json_object_new_object();
        put_str(r, "type", "Ready");
        put_str(r, "status", "True");
        json_object_array_add(conds, r);
    }
    if (p->unsched_msg) {
        struct json_object *u = json_object_new_object();
        char when[32];
        put_str(u, "reason", "Unschedulable");
        put_str(u, "message", p->unsched_msg);
        if (p->unsched_since && strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&p->unsched_since)))
            put_str(u, "lastTransitionTime", when);
        json_object_array_add(conds, u);
    }
    json_object_object_add(c, "restartCount", json_object_new_int(p->restarts));
    if (p->stuck_reason) {
        put_str(c, "name", p->stuck_container);
        put_str(with(with(c, "state"), "waiting"), "reason", p->stuck_reason);
    }
    json_object_array_add(cs, c);
    return o;
}

void records_tenant_status(const struct records_ns *ns, const struct records_pod *pods,
                           const struct records_workloads *w, const struct records_event *events,
                           time_t now, struct tenant_status *st)
{
    struct tenant_objects o = {.ns = ns_json(ns), .pods = json_object_new_array(),
                               .deployments = json_object_new_array(),
                               .statefulsets = json_object_new_array(), .jobs = json_object_new_array(),
                               .events = json_object_new_array(), .now = now};

    for (; pods; pods = pods->next)
        json_object_array_add(o.pods, pod_json(pods));
    for (; events; events = events->next) {
        struct json_object *e = json_object_new_object();
        put_str(e, "reason", "FailedCreate");
        put_str(e, "message", events->quota_msg);
        json_object_array_add(o.events, e);
    }
    if (w && w->has_odoo) {
        struct json_object *d = named("odoo");
        json_object_object_add(with(d, "status"), "availableReplicas", json_object_new_int64(w->odoo_available));
        json_object_array_add(o.deployments, d);
    }
    if (w && w->has_pg) {
        struct json_object *s = named("postgresql");
        json_object_object_add(with(s, "status"), "readyReplicas", json_object_new_int64(w->pg_ready));
        json_object_array_add(o.statefulsets, s);
    }
    if (w && w->has_job) {
        struct json_object *j = named("odoo-db-init"), *status = with(j, "status");
        json_object_object_add(status, "succeeded", json_object_new_int64(w->job_succeeded));
        if (w->job_failed) {
            struct json_object *conds = json_object_new_array(), *c = json_object_new_object();
            put_str(c, "type", "Failed");
            put_str(c, "status", "True");
            put_str(c, "message", w->job_failed_msg);
            json_object_array_add(conds, c);
            json_object_object_add(status, "conditions", conds);
        }
        json_object_array_add(o.jobs, j);
    }
    tenant_status_compute(&o, st);
    json_object_put(o.ns);
    json_object_put(o.pods);
    json_object_put(o.deployments);
    json_object_put(o.statefulsets);
    json_object_put(o.jobs);
    json_object_put(o.events);
}

int records_pod_is_odoo(const char *name)
{
    return name && !strncmp(name, "odoo-", 5) && strncmp(name, "odoo-db-init", 12);
}
