/*
 * model.c - the watch-fed model of the console (see model.h).
 *
 * Watches feed the stores; on_sync swaps in the set a relist delivered, so
 * objects deleted while we were disconnected disappear.  Deriving groups
 * the workload objects by namespace in one pass over each store (a json-c
 * object maps a namespace name to its tenant's slot), then computes each
 * tenant's status and the per-node totals.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "model.h"

#define MANAGED_SELECTOR "app.kubernetes.io/managed-by=odoo-saas"
#define DERIVE_MIN_MS 250
#define METRICS_INTERVAL_MS 5000
#define METRICS_MISSING_INTERVAL_MS 60000
#define METRICS_PATH "/apis/metrics.k8s.io/v1beta1/nodes"

/* Events carry no tenant label: only FailedCreate ones (a quota refusal,
 * for tenant_status_compute) are watched, in every namespace. */
static const struct {
    const char *api, *kind;
    int managed_only;
    const char *field_selector;
} watched[MODEL_NKINDS] = {
    [MODEL_NODES] = {"v1", "Node", 0, NULL},
    [MODEL_PODS] = {"v1", "Pod", 0, NULL},
    [MODEL_NAMESPACES] = {"v1", "Namespace", 1, NULL},
    [MODEL_DEPLOYMENTS] = {"apps/v1", "Deployment", 1, NULL},
    [MODEL_STATEFULSETS] = {"apps/v1", "StatefulSet", 1, NULL},
    [MODEL_JOBS] = {"batch/v1", "Job", 1, NULL},
    [MODEL_EVENTS] = {"v1", "Event", 0, "reason=FailedCreate"},
};

static long ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void set_due(struct timespec *t, long in_ms)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_sec += in_ms / 1000;
    t->tv_nsec += in_ms % 1000 * 1000000;
    if (t->tv_nsec >= 1000000000) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000;
    }
}

/* ---- watch handlers ------------------------------------------------------ */

static void on_event(void *ud, enum kube_event_type type, struct json_object *obj)
{
    struct model_store *s = ud;
    struct json_object *target = s->pending ? s->pending : s->objs;
    char key[512];

    if (type != KUBE_EVENT_ADDED && type != KUBE_EVENT_MODIFIED && type != KUBE_EVENT_DELETED)
        return;
    snprintf(key, sizeof(key), "%s/%s", kube_object_namespace(obj) ?: "", kube_object_name(obj) ?: "");
    if (type == KUBE_EVENT_DELETED)
        json_object_object_del(target, key);
    else
        json_object_object_add(target, key, json_object_get(obj));
    s->model->changed = 1;
}

static void on_sync(void *ud, int begin)
{
    struct model_store *s = ud;

    if (begin) {
        json_object_put(s->pending);
        s->pending = json_object_new_object();
        return;
    }
    if (s->pending) {
        json_object_put(s->objs);
        s->objs = s->pending;
        s->pending = NULL;
    }
    s->synced = 1;
    s->model->changed = 1;
}

static void on_state(void *ud, const struct os_error *err)
{
    struct model_store *s = ud;

    snprintf(s->error, sizeof(s->error), "%s", err ? err->message : "");
    if (err && !err->message[0])
        snprintf(s->error, sizeof(s->error), "disconnected");
    s->model->changed = 1;
}

/* ---- start and stop ------------------------------------------------------ */

int model_start(struct model *m, struct kube_client *client, struct os_error *err)
{
    static const struct kube_watch_handlers handlers = {on_event, on_sync, on_state};

    memset(m, 0, sizeof(*m));
    m->client = client;
    m->metrics_interval_ms = METRICS_INTERVAL_MS;
    m->changed = 1;
    for (int k = 0; k < MODEL_NKINDS; k++) {
        m->stores[k] = (struct model_store){.model = m, .kind = k, .objs = json_object_new_object()};
        snprintf(m->stores[k].error, sizeof(m->stores[k].error), "connecting");
    }
    if (!client)
        return 0;
    for (int k = 0; k < MODEL_NKINDS; k++) {
        struct kube_watch_opts opts = {.label_selector = watched[k].managed_only ? MANAGED_SELECTOR : NULL,
                                       .field_selector = watched[k].field_selector};
        const struct kube_resource *r = kube_resource_by_kind(watched[k].api, watched[k].kind);
        m->stores[k].watch = kube_watch_start(client, r, NULL, &opts, &handlers, &m->stores[k], err);
        if (!m->stores[k].watch) {
            snprintf(m->start_error, sizeof(m->start_error), "%s", err->message);
            return err->code ? err->code : OS_ERR_INVALID;
        }
    }
    return 0;
}

static void derived_free(struct model *m)
{
    free(m->tenants);
    m->tenants = NULL;
    m->ntenants = 0;
    cluster_nodes_free(&m->nodes);
    memset(&m->nodes, 0, sizeof(m->nodes));
}

void model_free(struct model *m)
{
    for (int k = 0; k < MODEL_NKINDS; k++) {
        if (m->stores[k].watch)
            kube_watch_stop(m->stores[k].watch);
        json_object_put(m->stores[k].objs);
        json_object_put(m->stores[k].pending);
    }
    if (m->metrics_call)
        kube_call_cancel(m->client, m->metrics_call);
    json_object_put(m->metrics);
    derived_free(m);
    memset(m, 0, sizeof(*m));
}

/* ---- metrics ------------------------------------------------------------- */

/* The transport's own callback (not kube_request_json_start's): nothing is
 * allocated for the call, so cancelling it at exit leaks nothing. */
static void metrics_done(void *ud, struct kube_response *resp)
{
    struct model *m = ud;
    struct json_object *obj = NULL;
    struct os_error err;

    m->metrics_call = NULL;
    if (resp->err.code == 0 && (obj = kube_response_json(resp, &err))) {
        json_object_put(m->metrics);
        m->metrics = obj;
        m->metrics_missing = 0;
        m->changed = 1;
    } else if (resp->status == 404) {
        m->metrics_missing = 1;
    }
    set_due(&m->metrics_due, m->metrics_missing ? METRICS_MISSING_INTERVAL_MS : m->metrics_interval_ms);
}

static void metrics_poll(struct model *m)
{
    struct kube_call_spec spec = {.method = "GET", .path = METRICS_PATH, .on_done = metrics_done,
                                  .userdata = m};
    struct os_error err;

    if (!m->client || m->metrics_call || ms_since(&m->metrics_due) < 0)
        return;
    m->metrics_call = kube_call_start(m->client, &spec, &err);
    if (!m->metrics_call)
        set_due(&m->metrics_due, m->metrics_interval_ms);
}

/* ---- deriving ------------------------------------------------------------ */

struct group {
    struct json_object *ns;     /* borrowed from the store */
    struct json_object *arr[MODEL_NKINDS];   /* pods .. jobs: new arrays */
};

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct model_tenant *)a)->st.id, ((const struct model_tenant *)b)->st.id);
}

/* Distinct nodes of the pods in arr, comma-separated. */
static void tenant_nodes(struct json_object *pods, char *buf, size_t len)
{
    size_t at = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < json_object_array_length(pods); i++) {
        const char *node = kube_object_str(json_object_array_get_idx(pods, i), "spec.nodeName");
        size_t n = node ? strlen(node) : 0;
        if (!n)
            continue;
        if (layout_list_has(buf, node))
            continue;
        if (at + n + 2 >= len)
            break;
        at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "," : "", node);
    }
}

/* Sort each workload object into its tenant's group by namespace. */
static void group_objects(struct model *m, struct json_object *index, struct group *g)
{
    static const enum model_kind kinds[] = {MODEL_PODS, MODEL_DEPLOYMENTS, MODEL_STATEFULSETS, MODEL_JOBS,
                                            MODEL_EVENTS};

    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        json_object_object_foreach(m->stores[kinds[k]].objs, key, obj) {
            struct json_object *slot;
            (void)key;
            if (json_object_object_get_ex(index, kube_object_namespace(obj) ?: "", &slot))
                json_object_array_add(g[json_object_get_int(slot)].arr[kinds[k]], json_object_get(obj));
        }
    }
}

static void derive_tenants(struct model *m)
{
    struct json_object *nss = m->stores[MODEL_NAMESPACES].objs, *index = json_object_new_object();
    size_t n = (size_t)json_object_object_length(nss), i = 0;
    struct group *g = calloc(n ? n : 1, sizeof(*g));

    m->tenants = calloc(n ? n : 1, sizeof(*m->tenants));
    if (!g || !m->tenants || !index) {
        free(g);
        json_object_put(index);
        return;
    }
    json_object_object_foreach(nss, key, ns) {
        (void)key;
        g[i].ns = ns;
        for (int k = 0; k < MODEL_NKINDS; k++)
            g[i].arr[k] = json_object_new_array();
        json_object_object_add(index, kube_object_name(ns) ?: "", json_object_new_int((int)i));
        i++;
    }
    group_objects(m, index, g);
    for (i = 0; i < n; i++) {
        struct model_tenant *t = &m->tenants[i];
        struct tenant_objects o = {.ns = g[i].ns, .pods = g[i].arr[MODEL_PODS],
                                   .deployments = g[i].arr[MODEL_DEPLOYMENTS],
                                   .statefulsets = g[i].arr[MODEL_STATEFULSETS],
                                   .jobs = g[i].arr[MODEL_JOBS], .events = g[i].arr[MODEL_EVENTS]};
        tenant_status_compute(&o, &t->st);
        tenant_nodes(o.pods, t->nodes, sizeof(t->nodes));
        t->created = layout_parse_time(kube_object_str(g[i].ns, "metadata.creationTimestamp"));
        t->trial_expires = layout_parse_time(t->st.trial_expires_at);
        m->by_phase[t->st.phase]++;
        for (int k = 0; k < MODEL_NKINDS; k++)
            json_object_put(g[i].arr[k]);
    }
    m->ntenants = n;
    qsort(m->tenants, n, sizeof(*m->tenants), by_id);
    free(g);
    json_object_put(index);
}

/* {"items": [...]} of a store, for cluster_nodes_build. */
static struct json_object *as_list(struct json_object *objs)
{
    struct json_object *list = json_object_new_object(), *items = json_object_new_array();

    json_object_object_foreach(objs, key, obj) {
        (void)key;
        json_object_array_add(items, json_object_get(obj));
    }
    json_object_object_add(list, "items", items);
    return list;
}

static void derive_nodes(struct model *m)
{
    struct json_object *nodes = as_list(m->stores[MODEL_NODES].objs);
    struct json_object *pods = as_list(m->stores[MODEL_PODS].objs);
    struct os_error err;

    if (cluster_nodes_build(nodes, pods, m->metrics, &m->nodes, &err) < 0)
        memset(&m->nodes, 0, sizeof(m->nodes));
    for (size_t i = 0; i < m->nodes.n; i++) {
        const struct node_usage *u = &m->nodes.nodes[i];
        m->cpu_alloc_m += u->cpu_allocatable_m;
        m->cpu_req_m += u->cpu_requests_m;
        m->mem_alloc += u->mem_allocatable;
        m->mem_req += u->mem_requests;
        if (u->cpu_used_m >= 0 && m->cpu_used_m >= 0)
            m->cpu_used_m += u->cpu_used_m;
        else
            m->cpu_used_m = -1;
        if (u->mem_used >= 0 && m->mem_used >= 0)
            m->mem_used += u->mem_used;
        else
            m->mem_used = -1;
    }
    json_object_put(nodes);
    json_object_put(pods);
}

static void derive(struct model *m)
{
    derived_free(m);
    memset(m->by_phase, 0, sizeof(m->by_phase));
    m->cpu_alloc_m = m->cpu_req_m = m->cpu_used_m = 0;
    m->mem_alloc = m->mem_req = m->mem_used = 0;
    derive_tenants(m);
    derive_nodes(m);
    m->changed = 0;
    m->generation++;
    clock_gettime(CLOCK_MONOTONIC, &m->derived_at);
}

int model_tick(struct model *m)
{
    metrics_poll(m);
    if (!m->changed || ms_since(&m->derived_at) < DERIVE_MIN_MS)
        return 0;
    derive(m);
    return 1;
}

/* ---- queries ------------------------------------------------------------- */

int model_connected(const struct model *m)
{
    if (!m->client)
        return 0;
    for (int k = 0; k < MODEL_NKINDS; k++)
        if (!m->stores[k].synced || m->stores[k].error[0])
            return 0;
    return 1;
}

const char *model_error(const struct model *m)
{
    const struct kube_client_stats *s = m->client ? kube_client_stats(m->client) : NULL;
    int synced = 0;

    if (m->start_error[0])
        return m->start_error;
    for (int k = 0; k < MODEL_NKINDS; k++) {
        synced += m->stores[k].synced;
        if (m->stores[k].error[0] && strcmp(m->stores[k].error, "connecting"))
            return m->stores[k].error;
    }
    /* The first lists are retried inside the transport before a watch
     * reports anything: retries with nothing synced mean no answer. */
    if (!synced && s && s->retries > 0)
        return "the API server does not answer; retrying";
    return model_connected(m) ? NULL : "connecting";
}

int model_unreachable(const struct model *m)
{
    const char *e = model_error(m);
    return e && strcmp(e, "connecting");
}

const struct model_tenant *model_tenant(const struct model *m, const char *id)
{
    struct model_tenant key;

    if (!m->ntenants)
        return NULL;
    snprintf(key.st.id, sizeof(key.st.id), "%s", id);
    return bsearch(&key, m->tenants, m->ntenants, sizeof(key), by_id);
}

struct json_object *model_tenant_namespace(const struct model *m, const char *id)
{
    struct json_object *ns;
    char key[128];

    snprintf(key, sizeof(key), "/" TENANT_NS_PREFIX "%s", id);
    return json_object_object_get_ex(m->stores[MODEL_NAMESPACES].objs, key, &ns) ? ns : NULL;
}

void model_each_pod(const struct model *m, const char *ns,
                    void (*fn)(void *ud, struct json_object *pod), void *ud)
{
    json_object_object_foreach(m->stores[MODEL_PODS].objs, key, pod) {
        (void)key;
        if (!strcmp(kube_object_namespace(pod) ?: "", ns))
            fn(ud, pod);
    }
}
