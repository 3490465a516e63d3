/*
 * seed_tenants.c - --seed-tenants N: a demo cluster that is full at start.
 *
 * Each tenant is made by the product's own code: the default configuration
 * (os_config_load_text), fresh secrets (tenant_secrets_generate) and the
 * product's render, through seed_render.c (templates parsed once, the
 * parts without variables shared between tenants, checked against
 * tenant_render()).  Every object of the rendered List is stored as a
 * server-side apply by "odoo-saas" would leave it (server defaults, an
 * Apply managedFields entry), and the namespace carries the
 * odoo-saas.io/provisioned=true annotation the CLI writes last.  Ids are
 * demo-001, demo-002, ... (wider when N needs it); tiers cycle basic,
 * basic, standard.
 *
 * Then one controller pass runs in seeding mode (controllers.h): the
 * workload controllers create the pods (LimitRange and quota admission as
 * usual), each pod goes to the node with the fewest pods that still has
 * room (status.allocatable.pods), bound an hour ago, so the kubelet reports
 * it Running and Ready (the db-init Job's pod Succeeded) at once.  No
 * events are written and no history is kept: this runs before the store's
 * history is sealed.  Called from sim_seed() with sim->lock held.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers.h"
#include "seed_render.h"

static int64_t node_pods_cap(json_object *node)
{
    const char *p = sim_json_str(node, "status.allocatable.pods");
    return p ? strtoll(p, NULL, 10) : 110;
}

/* The schedulable nodes and how many pods they hold. */
static int seed_nodes(struct sim *s)
{
    struct sim_ctl *c = s->ctl;
    size_t n = 0;
    for (size_t i = 0; i < s->store.nobjs; i++)
        n += s->store.objs[i]->res == c->r_node;
    c->seed_nodes = calloc(n + 1, sizeof(*c->seed_nodes));
    c->seed_pods = calloc(n + 1, sizeof(*c->seed_pods));
    c->seed_cap = calloc(n + 1, sizeof(*c->seed_cap));
    c->seed_last = -1;
    if (!c->seed_nodes || !c->seed_pods || !c->seed_cap)
        return -1;
    for (size_t i = 0; i < s->store.nobjs; i++) {
        struct sim_object *o = s->store.objs[i];
        json_object *u = o->res == c->r_node ? sim_json_path(o->obj, "spec.unschedulable") : NULL;
        if (o->res != c->r_node || (u && json_object_get_boolean(u)))
            continue;
        c->seed_cap[c->nseed_nodes] = node_pods_cap(o->obj);
        c->seed_nodes[c->nseed_nodes++] = strdup(o->name);
    }
    for (size_t i = 0; i < s->store.nobjs; i++) {
        struct sim_object *o = s->store.objs[i];
        const char *node = o->res == c->r_pod ? sim_json_str(o->obj, "spec.nodeName") : NULL;
        for (size_t j = 0; node && j < c->nseed_nodes; j++)
            if (!strcmp(c->seed_nodes[j], node))
                c->seed_pods[j]++;
    }
    return 0;
}

static void seed_nodes_free(struct sim_ctl *c)
{
    for (size_t i = 0; i < c->nseed_nodes; i++)
        free(c->seed_nodes[i]);
    free(c->seed_nodes);
    free(c->seed_pods);
    free(c->seed_cap);
    c->seed_nodes = NULL;
    c->seed_pods = c->seed_cap = NULL;
    c->nseed_nodes = 0;
}

const char *sim_seed_place(struct sim_ctl *c, const char *ns, int counts)
{
    size_t best = (size_t)-1;
    /* A tenant's pods stay together on one node, as a demo cluster whose
     * tenants moved in one by one would look; the next tenant goes to the
     * node with the fewest running pods. */
    if (c->seed_last >= 0 && !strcmp(c->seed_last_ns, ns) &&
        c->seed_pods[c->seed_last] < c->seed_cap[c->seed_last])
        best = (size_t)c->seed_last;
    if (best == (size_t)-1)
        for (size_t i = 0; i < c->nseed_nodes; i++)
            if (c->seed_pods[i] < c->seed_cap[i] && (best == (size_t)-1 || c->seed_pods[i] < c->seed_pods[best]))
                best = i;
    if (best == (size_t)-1)
        return NULL;
    c->seed_pods[best] += counts;     /* a Job's pod will have completed */
    c->seed_last = (long)best;
    snprintf(c->seed_last_ns, sizeof(c->seed_last_ns), "%s", ns);
    return c->seed_nodes[best];
}

/* ClusterIPs for the seeded Services, handed out in order: the free
 * addresses of MicroK8s' 10.152.183.0/24 first, then 10.152.184.0 and up
 * (a real MicroK8s would run out; a demo of a thousand tenants must not).
 * Done here because the API server's allocator scans the whole store for
 * each Service, which adds up over two thousand of them. */
struct ip_alloc {
    unsigned char used[65536 / 8];   /* 10.152.X.Y by (X << 8 | Y) */
    unsigned next;
};

static void ip_alloc_init(struct sim *s, struct ip_alloc *a)
{
    memset(a, 0, sizeof(*a));
    a->next = 183u << 8 | 11;
    for (size_t i = 0; i < s->store.nobjs; i++) {
        const char *ip = s->store.objs[i]->res == s->ctl->r_svc ? sim_json_str(s->store.objs[i]->obj, "spec.clusterIP") : NULL;
        unsigned x, y;
        if (ip && sscanf(ip, "10.152.%u.%u", &x, &y) == 2 && x < 256 && y < 256)
            a->used[(x << 8 | y) / 8] |= (unsigned char)(1u << ((x << 8 | y) % 8));
    }
}

static void ip_alloc_next(struct ip_alloc *a, char *buf, size_t len)
{
    while (a->next < 65536 && ((a->used[a->next / 8] >> (a->next % 8)) & 1 || (a->next & 0xff) == 0 ||
                               (a->next & 0xff) == 255))
        a->next++;
    unsigned v = a->next < 65536 ? a->next++ : 65535;
    snprintf(buf, len, "10.152.%u.%u", v >> 8, v & 0xff);
}

/* managedFields depend only on which fields an object has, and the
 * objects of two tenants of one tier have the same fields: the entry is
 * computed for the first tenant of each tier and shared by the others
 * (it was a fifth of the start-up time, and copies of it a third of the
 * memory): stored trees are never changed in place, so one json-c tree
 * can hang in many objects.  Keyed by tier, position in the rendered
 * List, kind and name. */
#define MF_ITEMS 64
struct mf_cache {
    json_object *mf[3][MF_ITEMS];
    char key[3][MF_ITEMS][160];
};

static void mf_cache_free(struct mf_cache *m)
{
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < MF_ITEMS; i++)
            json_object_put(m->mf[t][i]);
}

/* Store one rendered object as an apply by odoo-saas would. */
static int store_rendered(struct sim *s, json_object *item, int64_t now, struct ip_alloc *ips,
                          struct mf_cache *mfc, int tier, size_t idx, struct os_error *err)
{
    const char *av = sim_json_str(item, "apiVersion"), *kind = sim_json_str(item, "kind");
    const struct kube_resource *r = av && kind ? kube_resource_by_kind(av, kind) : NULL;
    char avbuf[96];
    if (!r)
        return os_error_set(err, OS_ERR_INVALID, "--seed-tenants: %s %s is not served",
                            av ? av : "?", kind ? kind : "?");
    /* The List is freed right after: the store becomes the only owner.
     * Below the top level the object shares the templates' nodes. */
    json_object *obj = json_object_get(item);
    seed_render_own(obj);
    char ts[32];
    sim_format_time(now - 3600 * 1000, ts, sizeof(ts));
    sim_json_set_str(sim_json_obj(obj, "metadata"), "creationTimestamp", ts);
    if (r == s->ctl->r_ns)
        sim_json_set_str(sim_json_obj(sim_json_obj(obj, "metadata"), "annotations"),
                         "odoo-saas.io/provisioned", "true");
    if (r == s->ctl->r_svc) {
        json_object *spec = sim_json_obj(obj, "spec");
        const char *type = sim_json_str(spec, "type");
        if (!sim_json_str(spec, "clusterIP") && (!type || strcmp(type, "ExternalName"))) {
            char ip[32];
            ip_alloc_next(ips, ip, sizeof(ip));
            sim_json_set_str(spec, "clusterIP", ip);
        }
    }
    kube_resource_api_version(r, avbuf, sizeof(avbuf));
    char key[160];
    snprintf(key, sizeof(key), "%s/%s", kind, sim_json_str(obj, "metadata.name") ? sim_json_str(obj, "metadata.name") : "");
    if (idx < MF_ITEMS && mfc->mf[tier][idx] && !strcmp(mfc->key[tier][idx], key)) {
        json_object_object_add(sim_json_obj(obj, "metadata"), "managedFields", json_object_get(mfc->mf[tier][idx]));
    } else {
        sim_managed_update(obj, NULL, "odoo-saas", "Apply", avbuf, now);
        json_object *mf = sim_json_path(obj, "metadata.managedFields");
        if (idx < MF_ITEMS && mf && !mfc->mf[tier][idx]) {
            mfc->mf[tier][idx] = sim_ctl_copy(mf);
            snprintf(mfc->key[tier][idx], sizeof(mfc->key[tier][idx]), "%s", key);
        }
    }
    sim_object_defaults(s, r, obj);
    return sim_store_add(s, r, obj) ? 0 : os_error_set(err, OS_ERR_NOMEM, "out of memory");
}

/* A second thread renders the second half of the tenants while the first
 * half is rendered and stored.  It has its own renderer (its own parsed
 * templates), so no json-c node is touched by two threads at once: the
 * main thread uses its lists only after joining it. */
struct render_job {
    const struct os_config *cfg;
    int from, to, width;        /* tenants from..to (1-based, inclusive) */
    time_t created;
    json_object **lists;        /* lists[i - from], owned until taken */
    struct seed_render *render; /* freed by the main thread */
    int rc;
    struct os_error err;
};

static void *render_worker(void *arg)
{
    struct render_job *j = arg;
    if (!(j->render = seed_render_new(j->cfg, &j->err)))
        j->rc = -1;
    for (int i = j->from; i <= j->to && j->rc == 0; i++)
        j->rc = seed_render_tenant(j->render, i, j->width, j->created, &j->lists[i - j->from], &j->err);
    return NULL;
}

/* Store the objects of one rendered tenant i (list taken). */
static int store_tenant(struct sim *s, json_object *list, int i, int64_t now, struct ip_alloc *ips,
                        struct mf_cache *mfc, struct os_error *err)
{
    json_object *items;
    int rc = 0;
    if (json_object_object_get_ex(list, "items", &items))
        for (size_t j = 0; j < json_object_array_length(items) && rc == 0; j++)
            rc = store_rendered(s, json_object_array_get_idx(items, j), now, ips, mfc, (i - 1) % 3, j, err);
    json_object_put(list);
    return rc;
}

int sim_seed_tenants(struct sim *s, struct os_error *err)
{
    struct sim_ctl *c = s->ctl;
    struct os_config *cfg = NULL;
    struct seed_render *render = NULL;
    int n = s->opt.seed_tenants, width = n > 999 ? (n > 9999 ? 5 : 4) : 3, rc = 0;
    int64_t now = sim_now_ms();
    struct ip_alloc *ips = malloc(sizeof(*ips));
    struct mf_cache *mfc = calloc(1, sizeof(*mfc));
    struct render_job job = {.created = (time_t)((now - 3600 * 1000) / 1000), .width = width};
    pthread_t worker;
    int started = 0;

    if (!ips || !mfc)
        rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
    else if (os_config_load_text("defaults", "", 0, &cfg, err) < 0 || !(render = seed_render_new(cfg, err)))
        rc = -1;
    if (rc == 0)
        ip_alloc_init(s, ips);
    job.cfg = cfg;
    job.from = n >= 40 ? n / 2 + 1 : n + 1;
    job.to = n;
    if (rc == 0 && job.from <= n && (job.lists = calloc((size_t)(n - job.from + 1), sizeof(*job.lists))))
        started = pthread_create(&worker, NULL, render_worker, &job) == 0;
    int last = started ? job.from - 1 : n;
    for (int i = 1; i <= last && rc == 0; i++) {
        json_object *list = NULL;
        if ((rc = seed_render_tenant(render, i, width, job.created, &list, err)) == 0)
            rc = store_tenant(s, list, i, now, ips, mfc, err);
    }
    if (started) {
        pthread_join(worker, NULL);
        if (rc == 0 && job.rc < 0) {
            *err = job.err;
            rc = -1;
        }
        for (int i = job.from; i <= n; i++) {
            json_object *list = job.lists[i - job.from];
            job.lists[i - job.from] = NULL;
            if (rc == 0)
                rc = store_tenant(s, list, i, now, ips, mfc, err);
            else
                json_object_put(list);
        }
    }
    free(job.lists);
    seed_render_free(job.render);
    seed_render_free(render);
    os_config_free(cfg);
    if (mfc)
        mf_cache_free(mfc);
    free(mfc);
    free(ips);
    if (rc < 0 || !c)
        return rc;
    if (seed_nodes(s) < 0) {
        seed_nodes_free(c);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    c->seeding = 1;
    sim_controllers_step(s, now);
    c->seeding = 0;
    sim_ctl_seed_done(c);
    seed_nodes_free(c);
    /* Everything seeded is handled: the lifecycle thread starts idle
     * instead of with a pass over every namespace. */
    c->handled_rv = s->store.rv;
    c->full = 0;
    return 0;
}
