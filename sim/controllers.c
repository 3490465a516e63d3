/*
 * controllers.c - the phase-2 driver: which namespaces need work, and the
 * order of the controllers within one namespace.
 *
 * The lifecycle thread calls sim_controllers_step() on every store change
 * and at the deadlines it returned.  A step looks at the watch history
 * ring: every event newer than handled_rv marks its namespace dirty (a
 * Namespace event marks that namespace); so do the kubelet records whose
 * next status change or retry is due.  When the ring lost events, and on
 * the first pass, every namespace is looked at.  Dirty namespaces are then
 * handled one by one, in this order:
 *
 *   garbage collector   ReplicaSets of a deleted Deployment, pods of a
 *                       deleted ReplicaSet/StatefulSet/Job
 *   workloads           ReplicaSets of Deployments; create/delete pods
 *                       and StatefulSet PVCs
 *   PVC binder          Immediate storage classes
 *   scheduler, kubelet  bind pending pods, pods' status (kubelet.c)
 *   workload status     from the pods just updated
 *   quota               ResourceQuota status.used (quota.c)
 *
 * The controllers' own writes make new events, so the step runs again
 * (bounded) until a pass writes nothing: every write is conditional (status
 * only when it differs, retries only when due), so passes converge.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "controllers.h"
#include "quota.h"

struct sim_ctl *sim_ctl_new(int pod_start_ms)
{
    struct sim_ctl *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    sim_ip_pool_init(&c->ips);
    sim_pod_timing_default(&c->timing);
    int64_t p = pod_start_ms < 0 ? 0 : pod_start_ms;
    c->timing.sandbox_ms = p;
    c->timing.init_ms = p / 2;
    c->timing.ready_ms = p;
    c->timing.job_ms = p;
    c->timing.crash_ms = p;
    c->timing.pull_ms = p > 0 ? p : 1;
    if (p < 1000) {
        c->timing.backoff_ms = 10 * (p > 0 ? p : 1);
        c->timing.backoff_max_ms = 30 * c->timing.backoff_ms;
    }
    c->full = 1;
    c->r_pod = kube_resource_by_kind("v1", "Pod");
    c->r_pvc = kube_resource_by_kind("v1", "PersistentVolumeClaim");
    c->r_deploy = kube_resource_by_kind("apps/v1", "Deployment");
    c->r_rs = kube_resource_by_kind("apps/v1", "ReplicaSet");
    c->r_sts = kube_resource_by_kind("apps/v1", "StatefulSet");
    c->r_job = kube_resource_by_kind("batch/v1", "Job");
    c->r_quota = kube_resource_by_kind("v1", "ResourceQuota");
    c->r_limits = kube_resource_by_kind("v1", "LimitRange");
    c->r_event = kube_resource_by_kind("v1", "Event");
    c->r_node = kube_resource_by_kind("v1", "Node");
    c->r_ns = kube_resource_by_kind("v1", "Namespace");
    c->r_sc = kube_resource_by_kind("storage.k8s.io/v1", "StorageClass");
    c->r_svc = kube_resource_by_kind("v1", "Service");
    c->r_secret = kube_resource_by_kind("v1", "Secret");
    c->r_cm = kube_resource_by_kind("v1", "ConfigMap");
    return c;
}

void sim_ctl_free(struct sim_ctl *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nrt; i++) {
        free(c->rt[i]->ns);
        free(c->rt[i]->unsched);
        free(c->rt[i]);
    }
    free(c->rt);
    sim_ctl_seed_done(c);
    json_object_put(c->snap_nodes);
    json_object_put(c->snap_pods);
    json_object_put(c->snap_ns);
    json_object_put(c->node_ips);
    free(c);
}

/* ---- helpers ---- */

void sim_objvec_push(struct sim_objvec *v, struct sim_object *o)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 8;
        struct sim_object **n = realloc(v->v, nc * sizeof(*n));
        if (!n)
            return;
        v->v = n;
        v->cap = nc;
    }
    v->v[v->n++] = o;
}

int64_t sim_ctl_int(json_object *o, const char *dotted, int64_t dflt)
{
    json_object *v = sim_json_path(o, dotted);
    return v && (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
               ? json_object_get_int64(v) : dflt;
}

json_object *sim_ctl_copy(json_object *o)
{
    json_object *c = NULL;
    if (o && json_object_deep_copy(o, &c, NULL) != 0)
        return NULL;
    return c;
}

/* Replace parent[key] (a mapping) with a shallow copy; the copy (a
 * borrowed reference), or NULL when parent[key] is not a mapping. */
static json_object *own_mapping(json_object *parent, const char *key)
{
    json_object *v, *c;
    if (!json_object_object_get_ex(parent, key, &v) || !json_object_is_type(v, json_type_object))
        return NULL;
    c = json_object_new_object();
    json_object_object_foreach(v, k, x)
        json_object_object_add(c, k, json_object_get(x));
    json_object_object_add(parent, key, c);
    return c;
}

json_object *sim_ctl_cow(json_object *o, const char *paths)
{
    json_object *top = json_object_new_object();
    char buf[256];
    json_object_object_foreach(o, k, v)
        json_object_object_add(top, k, json_object_get(v));
    own_mapping(top, "metadata");
    for (const char *p = paths; p && *p;) {
        size_t n = strcspn(p, ",");
        snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
        json_object *cur = top;
        for (char *save = NULL, *part = strtok_r(buf, ".", &save); cur && part; part = strtok_r(NULL, ".", &save))
            cur = own_mapping(cur, part);
        p += n + (p[n] == ',');
    }
    return top;
}

void sim_ctl_seed_done(struct sim_ctl *c)
{
    for (size_t i = 0; i < sizeof(c->rs_mf) / sizeof(c->rs_mf[0]); i++) {
        json_object_put(c->rs_mf_key[i]);
        json_object_put(c->rs_mf[i]);
        c->rs_mf_key[i] = c->rs_mf[i] = NULL;
    }
}

json_object *sim_ctl_controller_ref(json_object *obj)
{
    json_object *refs = sim_json_path(obj, "metadata.ownerReferences");
    for (size_t i = 0; refs && json_object_is_type(refs, json_type_array) && i < json_object_array_length(refs); i++) {
        json_object *r = json_object_array_get_idx(refs, i), *c;
        if (json_object_object_get_ex(r, "controller", &c) && json_object_get_boolean(c))
            return r;
    }
    return NULL;
}

int sim_ctl_pod_ready(json_object *pod)
{
    json_object *conds = sim_json_path(pod, "status.conditions");
    for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
        json_object *c = json_object_array_get_idx(conds, i);
        const char *t = sim_json_str(c, "type"), *st = sim_json_str(c, "status");
        if (t && st && !strcmp(t, "Ready"))
            return !strcmp(st, "True");
    }
    return 0;
}

const char *sim_ctl_pod_phase(json_object *pod)
{
    const char *p = sim_json_str(pod, "status.phase");
    return p ? p : "Pending";
}

int sim_ctl_set_status(struct sim *s, struct sim_object *o, json_object *st)
{
    json_object *old = sim_json_path(o->obj, "status");
    if (old && json_object_equal(old, st)) {
        json_object_put(st);
        return 0;
    }
    if (s->ctl->seeding) {     /* nothing can hold the tree yet: in place */
        json_object_object_add(o->obj, "status", st);
        return 1;
    }
    json_object *n = sim_ctl_cow(o->obj, NULL);
    json_object_object_add(n, "status", st);
    sim_store_replace(s, o, n);
    return 1;
}

/* ---- the set of dirty namespaces ---- */

struct nsset {
    char **v;
    size_t n, cap;
};

static void nsset_add(struct nsset *d, const char *ns)
{
    if (!ns || !*ns)
        return;
    for (size_t i = 0; i < d->n; i++)       /* few per pass */
        if (!strcmp(d->v[i], ns))
            return;
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 16;
        char **n = realloc(d->v, nc * sizeof(*n));
        if (!n)
            return;
        d->v = n;
        d->cap = nc;
    }
    d->v[d->n++] = strdup(ns);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int nsset_has(const struct nsset *d, const char *ns)
{
    return d->n && bsearch(&ns, d->v, d->n, sizeof(*d->v), cmp_str) != NULL;
}

static void nsset_free(struct nsset *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i]);
    free(d->v);
    memset(d, 0, sizeof(*d));
}

/* Dirty namespaces from the history ring; 1 when events were lost. */
static int collect_dirty(struct sim *s, struct nsset *d, int64_t now)
{
    struct sim_ctl *c = s->ctl;
    struct sim_store *st = &s->store;
    int lost = st->history_floor > c->handled_rv;
    for (size_t i = 0; i < st->ring_len; i++) {
        struct sim_event *e = &st->ring[(st->ring_start + i) % SIM_HISTORY];
        if (e->rv <= c->handled_rv)
            continue;
        if (e->res == c->r_ns)
            nsset_add(d, sim_json_str(e->obj, "metadata.name"));
        else
            nsset_add(d, e->ns);
    }
    for (size_t i = 0; i < c->nrt; i++) {
        struct sim_rt *r = c->rt[i];
        if ((r->next_ms && r->next_ms <= now) || (r->retry_ms && r->retry_ms <= now)) {
            nsset_add(d, r->ns);
            /* Due now: the pass retries and sets new deadlines. */
            if (r->next_ms <= now)
                r->next_ms = 0;
            if (r->retry_ms <= now)
                r->retry_ms = 0;
        }
    }
    if (d->n > 1)
        qsort(d->v, d->n, sizeof(*d->v), cmp_str);
    return lost;
}

/* ---- one namespace ---- */

static void view_free(struct sim_nsview *v)
{
    struct sim_objvec *all[] = {&v->deployments, &v->replicasets, &v->statefulsets, &v->jobs, &v->pods, &v->pvcs,
                                &v->quotas, &v->limitranges, &v->services, &v->secrets,
                                &v->configmaps, &v->events};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        free(all[i]->v);
    memset(v, 0, sizeof(*v));
}

static void view_add(struct sim_ctl *c, struct sim_nsview *v, struct sim_object *o)
{
    const struct kube_resource *r = o->res;
    struct sim_objvec *vec = r == c->r_pod ? &v->pods : r == c->r_pvc ? &v->pvcs
        : r == c->r_deploy ? &v->deployments : r == c->r_rs ? &v->replicasets : r == c->r_sts ? &v->statefulsets
        : r == c->r_job ? &v->jobs : r == c->r_quota ? &v->quotas
        : r == c->r_limits ? &v->limitranges : r == c->r_svc ? &v->services
        : r == c->r_secret ? &v->secrets : r == c->r_cm ? &v->configmaps
        : r == c->r_event ? &v->events : NULL;
    if (vec)
        sim_objvec_push(vec, o);
}

static json_object *vec_array(struct sim_objvec *vec)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < vec->n; i++)
        if (vec->v[i])
            json_object_array_add(a, json_object_get(vec->v[i]->obj));
    return a;
}

static void quota_refresh(struct sim *s, struct sim_nsview *v)
{
    if (!v->quotas.n)
        return;
    struct sim_quota_objects objs = {
        .pods = vec_array(&v->pods), .pvcs = vec_array(&v->pvcs), .services = vec_array(&v->services),
        .secrets = vec_array(&v->secrets), .configmaps = vec_array(&v->configmaps),
    };
    for (size_t i = 0; i < v->quotas.n; i++) {
        struct os_error err = {0};
        json_object *st = NULL;
        if (v->quotas.v[i] && sim_quota_status(v->quotas.v[i]->obj, &objs, &st, &err) == 0 && st)
            sim_ctl_set_status(s, v->quotas.v[i], st);
    }
    json_object_put(objs.pods);
    json_object_put(objs.pvcs);
    json_object_put(objs.services);
    json_object_put(objs.secrets);
    json_object_put(objs.configmaps);
}

static void namespace_pass(struct sim *s, struct sim_nsview *v, int64_t now)
{
    sim_gc_pods(s, v);
    sim_workloads_pods(s, v, now);
    sim_pvc_bind_immediate(s, v);
    sim_kubelet_pass(s, v, now);
    sim_workloads_status(s, v, now);
    quota_refresh(s, v);
}

static int cmp_ns(const void *a, const void *b)
{
    const struct sim_object *x = *(const struct sim_object *const *)a;
    const struct sim_object *y = *(const struct sim_object *const *)b;
    int c = strcmp(x->ns, y->ns);
    if (c)
        return c;
    return strcmp(x->name, y->name);
}

static void node_table(struct sim *s)
{
    struct sim_ctl *c = s->ctl;
    json_object_put(c->node_ips);
    c->node_ips = json_object_new_object();
    for (size_t i = 0; i < s->store.nobjs; i++) {
        struct sim_object *o = s->store.objs[i];
        if (o->res != c->r_node)
            continue;
        json_object *addrs = sim_json_path(o->obj, "status.addresses");
        for (size_t j = 0; addrs && j < json_object_array_length(addrs); j++) {
            json_object *a = json_object_array_get_idx(addrs, j);
            const char *t = sim_json_str(a, "type"), *ip = sim_json_str(a, "address");
            if (t && ip && !strcmp(t, "InternalIP"))
                json_object_object_add(c->node_ips, o->name, json_object_new_string(ip));
        }
    }
}

/* One pass over the dirty namespaces (all when full). */
static void run_pass(struct sim *s, const struct nsset *dirty, int full, int64_t now)
{
    struct sim_ctl *c = s->ctl;
    struct sim_store *st = &s->store;
    struct sim_object **objs = malloc((st->nobjs + 1) * sizeof(*objs));
    size_t n = 0;

    if (!objs)
        return;
    c->pass++;
    node_table(s);
    for (size_t i = 0; i < st->nobjs; i++) {
        struct sim_object *o = st->objs[i];
        if (o->ns[0] && (full || nsset_has(dirty, o->ns)))
            objs[n++] = o;
    }
    if (n > 1)
        qsort(objs, n, sizeof(*objs), cmp_ns);
    /* Namespaces are handled from a copy of their names: the objects
     * array holds pointers a pass may free (deleted pods are NULLed in the
     * view, never read from objs again). */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        struct sim_nsview v = {0};
        char *ns = strdup(objs[i]->ns);
        while (j < n && !strcmp(objs[j]->ns, ns))
            view_add(c, &v, objs[j++]);
        v.ns = ns;
        namespace_pass(s, &v, now);
        view_free(&v);
        free(ns);
        i = j;
    }
    free(objs);
    if (full) {
        sim_rt_sweep(c, NULL, c->pass);
    } else {
        for (size_t i = 0; i < dirty->n; i++)
            sim_rt_sweep(c, dirty->v[i], c->pass);
    }
    sim_kubelet_pass_end(s);
}

int64_t sim_controllers_step(struct sim *s, int64_t now)
{
    struct sim_ctl *c = s->ctl;
    int64_t next = 0;

    if (!c)
        return 0;
    for (int round = 0; round < 16; round++) {
        struct nsset dirty = {0};
        int full = collect_dirty(s, &dirty, now) || c->full;
        if (!full && !dirty.n) {
            nsset_free(&dirty);
            break;
        }
        uint64_t start_rv = s->store.rv;
        c->full = 0;
        run_pass(s, &dirty, full, now);
        c->handled_rv = start_rv;
        nsset_free(&dirty);
        if (s->store.rv == start_rv) {
            c->handled_rv = s->store.rv;
            break;
        }
        now = sim_now_ms();
    }
    for (size_t i = 0; i < c->nrt; i++) {
        struct sim_rt *r = c->rt[i];
        if (r->next_ms && (!next || r->next_ms < next))
            next = r->next_ms;
        if (r->retry_ms && (!next || r->retry_ms < next))
            next = r->retry_ms;
    }
    if (next && next <= now)
        next = now + 1;
    return next;
}
