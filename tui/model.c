/*
 * model.c - the watch-fed model of the console (see model.h).
 *
 * on_event boils each object down to a record in its namespace's bucket
 * (pods, quota events, the odoo/postgresql/odoo-db-init workloads, the
 * namespace itself) and marks the bucket dirty; nodes are kept as slim
 * JSON (a handful).  A (re)list stamps every record it delivers with a new
 * generation; on_sync(end) sweeps the records of that kind the list did not
 * deliver.  Deriving recomputes the dirty tenants only, then copies them
 * into the sorted array views read; node totals are rebuilt from the pod
 * records (no JSON) when pods, nodes or metrics changed.
 */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/linkhash.h>

#include "layout.h"
#include "model.h"
#include "mono_clock.h"

#define MANAGED_SELECTOR "app.kubernetes.io/managed-by=odoo-saas"
#define DERIVE_MIN_MS 250
#define METRICS_INTERVAL_MS 5000
#define TIMED_INTERVAL_MS 5000
#define METRICS_MISSING_INTERVAL_MS 60000
#define METRICS_PATH "/apis/metrics.k8s.io/v1beta1/nodes"

/* Events carry no tenant label: only FailedCreate ones (a quota refusal,
 * for tenant_status_compute) are watched, in every namespace.
 *
 * Page sizes (bench/console.sh, 1,000 tenants, see bench/README.md):
 * namespaces come in one page, so the first screen (which needs only
 * them) does not queue its second page behind the pod pages; workload
 * lists come in small pages, since each page is parsed into a json-c tree
 * that is freed once boiled down to records, and the records kept end up
 * spread over as much heap as the largest page took (resident after
 * trimming: pages of 500: 28 MB, 100: 22 MB, 50: 20 MB, 25: 19 MB), at no
 * cost in time to the full list (about 1 s for 3,000 pods either way). */
static const struct {
    const char *api, *kind;
    int managed_only;
    const char *field_selector;
    int page_size;
} watched[MODEL_NKINDS] = {
    [MODEL_NODES] = {"v1", "Node", 0, NULL, 0},
    [MODEL_PODS] = {"v1", "Pod", 0, NULL, 25},
    [MODEL_NAMESPACES] = {"v1", "Namespace", 1, NULL, 5000},
    [MODEL_DEPLOYMENTS] = {"apps/v1", "Deployment", 1, NULL, 25},
    [MODEL_STATEFULSETS] = {"apps/v1", "StatefulSet", 1, NULL, 25},
    [MODEL_JOBS] = {"batch/v1", "Job", 1, NULL, 25},
    [MODEL_EVENTS] = {"v1", "Event", 0, "reason=FailedCreate", 25},
};

/* ---- buckets ------------------------------------------------------------- */

/* Everything the model keeps about one namespace. */
struct model_bucket {
    char *name;                    /* the hash key */
    int has_ns;
    struct records_ns ns;          /* when has_ns */
    struct records_pod *pods;
    struct records_event *events;
    struct records_workloads w;
    unsigned ns_seen, w_seen[3];   /* odoo, postgresql, odoo-db-init */
    long tidx;                     /* its tenant in model.tenants, -1 none yet */
    int dirty;                     /* changed since its tenant was derived */
    int timed;                     /* its tenant depends on the clock (Unschedulable grace) */
};

static void bucket_free(void *p)
{
    struct model_bucket *b = p;

    if (!b)
        return;
    records_ns_free(&b->ns);
    while (b->pods) {
        struct records_pod *next = b->pods->next;
        records_pod_free(b->pods);
        free(b->pods);
        b->pods = next;
    }
    while (b->events) {
        struct records_event *next = b->events->next;
        free(b->events->name);
        free(b->events->quota_msg);
        free(b->events);
        b->events = next;
    }
    records_workload_clear(&b->w, 'j');
    free(b->name);
    free(b);
}

static void bucket_entry_free(struct lh_entry *e)
{
    bucket_free(lh_entry_v(e));
}

static struct model_bucket *bucket_find(const struct model *m, const char *ns)
{
    void *v;
    return m->buckets && lh_table_lookup_ex(m->buckets, ns, &v) ? v : NULL;
}

static struct model_bucket *bucket_get(struct model *m, const char *ns)
{
    struct model_bucket *b = bucket_find(m, ns);

    if (b || !m->buckets)
        return b;
    if (!(b = calloc(1, sizeof(*b))))
        return NULL;
    b->tidx = -1;
    if (!(b->name = strdup(ns))) {
        free(b);
        return NULL;
    }
    if (lh_table_insert(m->buckets, b->name, b) < 0) {
        bucket_free(b);
        return NULL;
    }
    return b;
}

/* Forget b when nothing is left in it. */
static void bucket_maybe_drop(struct model *m, struct model_bucket *b)
{
    if (!b->has_ns && !b->pods && !b->events && !b->w.has_odoo && !b->w.has_pg && !b->w.has_job)
        lh_table_delete(m->buckets, b->name);
}

/* ---- watch handlers ------------------------------------------------------ */

/* Nodes are few: keep the parts cluster_nodes_build() reads (references
 * into the event's tree, which the rest of it is freed with). */
static struct json_object *slim_node(struct json_object *node)
{
    static const char *const status_keys[] = {"conditions", "capacity", "allocatable"};
    struct json_object *o = json_object_new_object(), *meta = json_object_new_object();
    struct json_object *status = json_object_new_object(), *v, *src;

    json_object_object_add(meta, "name", json_object_new_string(kube_object_name(node) ?: ""));
    if (json_object_object_get_ex(node, "metadata", &src) && json_object_object_get_ex(src, "labels", &v))
        json_object_object_add(meta, "labels", json_object_get(v));
    json_object_object_add(o, "metadata", meta);
    if (json_object_object_get_ex(node, "spec", &src) && json_object_object_get_ex(src, "unschedulable", &v)) {
        struct json_object *spec = json_object_new_object();
        json_object_object_add(spec, "unschedulable", json_object_get(v));
        json_object_object_add(o, "spec", spec);
    }
    if (json_object_object_get_ex(node, "status", &src))
        for (size_t i = 0; i < sizeof(status_keys) / sizeof(status_keys[0]); i++)
            if (json_object_object_get_ex(src, status_keys[i], &v))
                json_object_object_add(status, status_keys[i], json_object_get(v));
    json_object_object_add(o, "status", status);
    return o;
}

static void pod_event(struct model_bucket *b, enum kube_event_type type, struct json_object *obj, unsigned gen)
{
    const char *name = kube_object_name(obj) ?: "";
    struct records_pod **pp = &b->pods, *p;

    while (*pp && strcmp((*pp)->name, name))
        pp = &(*pp)->next;
    if (type == KUBE_EVENT_DELETED) {
        if ((p = *pp)) {
            *pp = p->next;
            records_pod_free(p);
            free(p);
        }
        return;
    }
    if (!(p = *pp) && !(p = *pp = calloc(1, sizeof(*p))))
        return;
    if (records_pod_set(p, obj) < 0) {   /* out of memory: forget it */
        *pp = p->next;
        free(p);
        return;
    }
    p->seen = gen;
}

static void quota_event(struct model_bucket *b, enum kube_event_type type, struct json_object *obj, unsigned gen)
{
    const char *name = kube_object_name(obj) ?: "", *msg = records_event_quota(obj);
    struct records_event **pp = &b->events, *e;

    while (*pp && strcmp((*pp)->name, name))
        pp = &(*pp)->next;
    if (type == KUBE_EVENT_DELETED || !msg) {
        if ((e = *pp)) {
            *pp = e->next;
            free(e->name);
            free(e->quota_msg);
            free(e);
        }
        return;
    }
    if (!(e = *pp)) {
        if (!(e = calloc(1, sizeof(*e))) || !(e->name = strdup(name))) {
            free(e);
            return;
        }
        *pp = e;
    }
    free(e->quota_msg);
    e->quota_msg = strdup(msg);
    e->seen = gen;
}

static int workload_slot(int which)
{
    return which == 'd' ? 0 : which == 's' ? 1 : 2;
}

static void on_event(void *ud, enum kube_event_type type, struct json_object *obj)
{
    struct model_store *s = ud;
    struct model *m = s->model;
    struct model_bucket *b;
    int which = 0;

    if (type != KUBE_EVENT_ADDED && type != KUBE_EVENT_MODIFIED && type != KUBE_EVENT_DELETED)
        return;
    if (s->kind == MODEL_NODES) {
        struct json_object *target = s->pending ? s->pending : s->objs;
        const char *name = kube_object_name(obj) ?: "";
        if (type == KUBE_EVENT_DELETED)
            json_object_object_del(target, name);
        else
            json_object_object_add(target, name, slim_node(obj));
        m->nodes_dirty = m->changed = 1;
        return;
    }
    if (s->kind >= MODEL_DEPLOYMENTS && s->kind <= MODEL_JOBS &&
        !(which = records_workload_which(watched[s->kind].kind, obj)))
        return;
    b = s->kind == MODEL_NAMESPACES ? bucket_find(m, kube_object_name(obj) ?: "")
                                    : bucket_find(m, kube_object_namespace(obj) ?: "");
    if (!b && type != KUBE_EVENT_DELETED)
        b = bucket_get(m, s->kind == MODEL_NAMESPACES ? kube_object_name(obj) ?: ""
                                                      : kube_object_namespace(obj) ?: "");
    if (!b)
        return;
    switch (s->kind) {
    case MODEL_NAMESPACES:
        if (type == KUBE_EVENT_DELETED) {
            records_ns_free(&b->ns);
            b->has_ns = 0;
        } else {
            b->has_ns = records_ns_set(&b->ns, obj) == 0;
            b->ns_seen = s->gen;
        }
        m->tenants_moved = 1;
        break;
    case MODEL_PODS:
        pod_event(b, type, obj, s->gen);
        m->nodes_dirty = 1;
        break;
    case MODEL_EVENTS:
        quota_event(b, type, obj, s->gen);
        break;
    default:
        if (type == KUBE_EVENT_DELETED) {
            records_workload_clear(&b->w, which);
        } else {
            records_workload_set(&b->w, which, obj);
            b->w_seen[workload_slot(which)] = s->gen;
        }
        break;
    }
    b->dirty = 1;
    m->tenants_dirty = m->changed = 1;
    bucket_maybe_drop(m, b);
}

/* After a (re)list of kind: drop what the list did not deliver. */
static void sweep(struct model *m, enum model_kind kind, unsigned gen)
{
    struct lh_entry *e, *tmp;

    lh_foreach_safe(m->buckets, e, tmp) {
        struct model_bucket *b = lh_entry_v(e);
        int before = b->dirty;
        if (kind == MODEL_NAMESPACES && b->has_ns && b->ns_seen != gen) {
            records_ns_free(&b->ns);
            b->has_ns = 0;
            b->dirty = m->tenants_moved = 1;
        } else if (kind == MODEL_PODS || kind == MODEL_EVENTS) {
            for (struct records_pod **pp = &b->pods; kind == MODEL_PODS && *pp;) {
                struct records_pod *p = *pp;
                if (p->seen == gen) {
                    pp = &p->next;
                    continue;
                }
                *pp = p->next;
                records_pod_free(p);
                free(p);
                b->dirty = m->nodes_dirty = 1;
            }
            for (struct records_event **pp = &b->events; kind == MODEL_EVENTS && *pp;) {
                struct records_event *ev = *pp;
                if (ev->seen == gen) {
                    pp = &ev->next;
                    continue;
                }
                *pp = ev->next;
                free(ev->name);
                free(ev->quota_msg);
                free(ev);
                b->dirty = 1;
            }
        } else if (kind >= MODEL_DEPLOYMENTS && kind <= MODEL_JOBS) {
            int which = kind == MODEL_DEPLOYMENTS ? 'd' : kind == MODEL_STATEFULSETS ? 's' : 'j';
            int has = which == 'd' ? b->w.has_odoo : which == 's' ? b->w.has_pg : b->w.has_job;
            if (has && b->w_seen[workload_slot(which)] != gen) {
                records_workload_clear(&b->w, which);
                b->dirty = 1;
            }
        }
        if (b->dirty && !before)
            m->tenants_dirty = 1;
        bucket_maybe_drop(m, b);
    }
}

static void on_sync(void *ud, int begin)
{
    struct model_store *s = ud;

    if (s->kind == MODEL_NODES) {
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
        s->model->nodes_dirty = 1;
    } else if (begin) {
        s->gen++;
        return;
    } else {
        sweep(s->model, s->kind, s->gen);
    }
    /* A list's pages were parsed into trees now freed, between the records
     * kept: hand the free pages back (glibc keeps them otherwise). */
    s->model->trim = 1;
    /* The first screen should not wait for the derive interval. */
    if (!s->synced)
        s->model->urgent = 1;
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
    m->changed = m->tenants_dirty = m->nodes_dirty = 1;
    m->buckets = lh_kchar_table_new(1024, bucket_entry_free);
    for (int k = 0; k < MODEL_NKINDS; k++) {
        m->stores[k] = (struct model_store){.model = m, .kind = k,
                                            .objs = k == MODEL_NODES ? json_object_new_object() : NULL};
        snprintf(m->stores[k].error, sizeof(m->stores[k].error), "connecting");
    }
    if (!client)
        return 0;
    for (int k = 0; k < MODEL_NKINDS; k++) {
        struct kube_watch_opts opts = {.label_selector = watched[k].managed_only ? MANAGED_SELECTOR : NULL,
                                       .field_selector = watched[k].field_selector,
                                       .page_size = watched[k].page_size};
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
    if (m->buckets)
        lh_table_free(m->buckets);
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
        m->changed = m->nodes_dirty = 1;
    } else if (resp->status == 404) {
        m->metrics_missing = 1;
    }
    mono_due_in(&m->metrics_due, m->metrics_missing ? METRICS_MISSING_INTERVAL_MS : m->metrics_interval_ms);
}

static void metrics_poll(struct model *m)
{
    struct kube_call_spec spec = {.method = "GET", .path = METRICS_PATH, .on_done = metrics_done,
                                  .userdata = m};
    struct os_error err;

    if (!m->client || m->metrics_call || mono_ms_since(&m->metrics_due) < 0)
        return;
    m->metrics_call = kube_call_start(m->client, &spec, &err);
    if (!m->metrics_call)
        mono_due_in(&m->metrics_due, m->metrics_interval_ms);
}

/* ---- deriving ------------------------------------------------------------ */

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct model_tenant *)a)->st.id, ((const struct model_tenant *)b)->st.id);
}

/* Distinct nodes of the pods, comma-separated. */
static void tenant_nodes(const struct records_pod *p, char *buf, size_t len)
{
    size_t at = 0;

    buf[0] = '\0';
    for (; p; p = p->next) {
        size_t n = p->node ? strlen(p->node) : 0;
        if (!n)
            continue;
        if (layout_list_has(buf, p->node))
            continue;
        if (at + n + 2 >= len)
            break;
        at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "," : "", p->node);
    }
}

static void derive_tenant(struct model_bucket *b, struct model_tenant *t, time_t now)
{
    b->dirty = 0;
    b->timed = 0;
    records_tenant_status(&b->ns, b->pods, &b->w, b->events, now, &t->st);
    tenant_nodes(b->pods, t->nodes, sizeof(t->nodes));
    t->created = b->ns.created;
    t->trial_expires = layout_parse_time(t->st.trial_expires_at);
    for (const struct records_pod *p = b->pods; p; p = p->next)
        if (p->unsched_msg)
            b->timed = 1;
}

static int bucket_by_id(const void *a, const void *b)
{
    const struct model_bucket *x = *(struct model_bucket *const *)a, *y = *(struct model_bucket *const *)b;
    return strncmp(records_ns_id(&x->ns), records_ns_id(&y->ns), sizeof(((struct tenant_status *)0)->id) - 1);
}

/* Lay the tenants out anew, sorted by id, when namespaces came or went:
 * a tenant that did not change is copied from where it was. */
static int relayout_tenants(struct model *m)
{
    struct model_bucket **order;
    struct model_tenant *all;
    struct lh_entry *e;
    size_t n = 0;

    lh_foreach(m->buckets, e)
        n += ((struct model_bucket *)lh_entry_v(e))->has_ns;
    order = malloc((n ? n : 1) * sizeof(*order));
    all = calloc(n ? n : 1, sizeof(*all));
    if (!order || !all) {
        free(order);
        free(all);
        return -1;
    }
    n = 0;
    lh_foreach(m->buckets, e) {
        struct model_bucket *b = lh_entry_v(e);
        if (b->has_ns)
            order[n++] = b;
        else
            b->tidx = -1;
    }
    qsort(order, n, sizeof(*order), bucket_by_id);
    for (size_t i = 0; i < n; i++) {
        struct model_bucket *b = order[i];
        if (b->tidx >= 0 && (size_t)b->tidx < m->ntenants)
            all[i] = m->tenants[b->tidx];
        else
            b->dirty = 1;
        b->tidx = (long)i;
    }
    free(order);
    free(m->tenants);
    m->tenants = all;
    m->ntenants = n;
    m->tenants_moved = 0;
    return 0;
}

/* Re-derive the dirty tenants (and those the clock may change) in place. */
static void derive_tenants(struct model *m)
{
    time_t now = time(NULL);
    struct lh_entry *e;

    if (m->tenants_moved && relayout_tenants(m) < 0)
        return;
    m->ntimed = 0;
    lh_foreach(m->buckets, e) {
        struct model_bucket *b = lh_entry_v(e);
        if (!b->has_ns || b->tidx < 0)
            continue;
        if (b->dirty || b->timed)
            derive_tenant(b, &m->tenants[b->tidx], now);
        m->ntimed += b->timed;
    }
    memset(m->by_phase, 0, sizeof(m->by_phase));
    for (size_t i = 0; i < m->ntenants; i++)
        m->by_phase[m->tenants[i].st.phase]++;
    m->tenants_dirty = 0;
}

struct node_pair {
    size_t node;
    const char *tenant;
};

static int by_node_tenant(const void *a, const void *b)
{
    const struct node_pair *x = a, *y = b;
    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return strcmp(x->tenant, y->tenant);
}

static int by_node_name(const void *a, const void *b)
{
    return strcmp(((const struct node_usage *)a)->name, ((const struct node_usage *)b)->name);
}

/* What cluster_nodes_build() does with a pod list, from the pod records. */
static int add_pods(struct model *m, struct cluster_nodes *cn)
{
    struct node_pair *pairs = NULL;
    size_t n = 0, cap = 0;
    struct lh_entry *e;

    lh_foreach(m->buckets, e) {
        const struct model_bucket *b = lh_entry_v(e);
        for (const struct records_pod *p = b->pods; p; p = p->next) {
            struct node_usage key = {.name = p->node}, *u;
            if (!p->node || p->phase == POD_PHASE_SUCCEEDED || p->phase == POD_PHASE_FAILED ||
                !(u = bsearch(&key, cn->nodes, cn->n, sizeof(key), by_node_name)))
                continue;
            u->pods++;
            u->cpu_requests_m += p->cpu_req_m;
            u->mem_requests += p->mem_req;
            u->cpu_limits_m += p->cpu_lim_m;
            u->mem_limits += p->mem_lim;
            if (!p->tenant)
                continue;
            if (n == cap) {
                struct node_pair *grown = realloc(pairs, (cap = cap ? cap * 2 : 256) * sizeof(*pairs));
                if (!grown) {
                    free(pairs);
                    return -1;
                }
                pairs = grown;
            }
            pairs[n++] = (struct node_pair){(size_t)(u - cn->nodes), p->tenant};
        }
    }
    if (n)
        qsort(pairs, n, sizeof(*pairs), by_node_tenant);
    for (size_t i = 0; i < n; i++) {
        struct node_usage *u = &cn->nodes[pairs[i].node];
        char **grown;
        if (i && pairs[i - 1].node == pairs[i].node && !strcmp(pairs[i - 1].tenant, pairs[i].tenant))
            continue;
        if (!(grown = realloc(u->tenants, (u->ntenants + 1) * sizeof(*grown))) ||
            !(grown[u->ntenants] = strdup(pairs[i].tenant))) {
            if (grown)
                u->tenants = grown;
            free(pairs);
            return -1;
        }
        u->tenants = grown;
        u->ntenants++;
    }
    free(pairs);
    cluster_nodes_spread(cn);
    return 0;
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
    struct os_error err;

    cluster_nodes_free(&m->nodes);
    m->cpu_alloc_m = m->cpu_req_m = m->cpu_used_m = 0;
    m->mem_alloc = m->mem_req = m->mem_used = 0;
    if (cluster_nodes_build(nodes, NULL, m->metrics, &m->nodes, &err) < 0 || add_pods(m, &m->nodes) < 0) {
        cluster_nodes_free(&m->nodes);
        memset(&m->nodes, 0, sizeof(m->nodes));
    }
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
    m->nodes_dirty = 0;
}

static void derive(struct model *m)
{
    if (m->tenants_dirty || m->ntimed)
        derive_tenants(m);
    if (m->nodes_dirty)
        derive_nodes(m);
    if (m->trim)
        malloc_trim(0);
    m->changed = m->urgent = m->trim = 0;
    m->generation++;
    clock_gettime(CLOCK_MONOTONIC, &m->derived_at);
}

int model_tick(struct model *m)
{
    metrics_poll(m);
    /* A tenant within the Unschedulable grace turns Degraded by the clock. */
    if (m->ntimed && mono_ms_since(&m->derived_at) >= TIMED_INTERVAL_MS)
        m->changed = 1;
    if (!m->changed || (!m->urgent && mono_ms_since(&m->derived_at) < DERIVE_MIN_MS))
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

const struct records_ns *model_tenant_namespace(const struct model *m, const char *id)
{
    const struct model_bucket *b;
    char name[128];

    snprintf(name, sizeof(name), TENANT_NS_PREFIX "%s", id);
    b = bucket_find(m, name);
    return b && b->has_ns ? &b->ns : NULL;
}

void model_each_pod(const struct model *m, const char *ns,
                    void (*fn)(void *ud, const struct records_pod *pod), void *ud)
{
    const struct model_bucket *b = bucket_find(m, ns);

    for (const struct records_pod *p = b ? b->pods : NULL; p; p = p->next)
        fn(ud, p);
}
