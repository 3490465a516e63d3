/*
 * apply.c - server-side apply (PATCH application/apply-patch+yaml) and the
 * metadata.managedFields bookkeeping every write does.
 *
 * Ownership model (a deliberate simplification of structured-merge-diff):
 * a field set is a list of leaf paths; objects are recursed into, while
 * scalars, arrays and empty objects are leaves (so lists are atomic: whoever
 * set a list owns all of it; no merge by key).  Sets are stored in the
 * object itself as FieldsV1 ({"f:spec":{"f:replicas":{}}}), one entry per
 * (manager, operation), so persistence needs nothing extra.  Server-set
 * metadata, kind/apiVersion and status are never owned.
 *
 * Apply by manager M with config C:
 *   - for each leaf p of C and each path q held by another manager where p
 *     and q overlap and the live value at p differs from C's: a conflict;
 *     409 with FieldManagerConflict causes unless force=true, which moves
 *     ownership of q to M;
 *   - the live object is merged with C (merge-patch rules);
 *   - fields M owned before but left out of C, and that nobody else owns,
 *     are removed;
 *   - M's set becomes the leaves of C.
 * Other writes ("Update" operation): the writer takes every leaf it changed
 * or added, other managers lose those, removed leaves leave every set.
 *
 * Paths are kept internally as components joined by '\x1f' so keys holding
 * dots ("app.kubernetes.io/name") stay unambiguous.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define SEP '\x1f'

struct fset {
    char **p;
    size_t n, cap;
};

static void fset_free(struct fset *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->p[i]);
    free(f->p);
    memset(f, 0, sizeof(*f));
}

static int fset_has(const struct fset *f, const char *path)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->p[i], path))
            return 1;
    return 0;
}

static void fset_add(struct fset *f, const char *path)
{
    if (fset_has(f, path))
        return;
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 16;
        char **np = realloc(f->p, nc * sizeof(*np));
        if (!np)
            return;
        f->p = np;
        f->cap = nc;
    }
    if ((f->p[f->n] = strdup(path)))
        f->n++;
}

static void fset_del(struct fset *f, const char *path)
{
    for (size_t i = 0; i < f->n; i++) {
        if (!strcmp(f->p[i], path)) {
            free(f->p[i]);
            f->p[i] = f->p[--f->n];
            return;
        }
    }
}

static int owned_meta(const char *key)
{
    return !strcmp(key, "labels") || !strcmp(key, "annotations") ||
           !strcmp(key, "ownerReferences") || !strcmp(key, "finalizers");
}

static void leaves_rec(json_object *o, char *prefix, size_t plen, struct fset *out, int depth)
{
    if (!json_object_is_type(o, json_type_object) || json_object_object_length(o) == 0 ||
        depth > 64 || plen > 3000) {
        fset_add(out, prefix);
        return;
    }
    json_object_object_foreach(o, key, val) {
        if (depth == 0 && (!strcmp(key, "kind") || !strcmp(key, "apiVersion") || !strcmp(key, "status")))
            continue;
        if (depth == 1 && !strncmp(prefix, "metadata", 8) && !owned_meta(key))
            continue;
        size_t klen = strlen(key);
        if (plen + klen + 2 > 4096)
            continue;
        size_t np = plen;
        if (plen)
            prefix[np++] = SEP;
        memcpy(prefix + np, key, klen + 1);
        leaves_rec(val, prefix, np + klen, out, depth + 1);
        prefix[plen] = '\0';
    }
}

/* Leaf paths of an object (owned fields only). */
static void leaves(json_object *o, struct fset *out)
{
    char prefix[4100] = "";
    if (o)
        leaves_rec(o, prefix, 0, out, 0);
}

/* Value at a SEP-joined path (borrowed from o), or NULL. */
static json_object *value_at(json_object *o, const char *path)
{
    char key[1024];
    const char *p = path;
    while (o && *p) {
        const char *e = strchr(p, SEP);
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(o, key, &o))
            return NULL;
        p += n + (e ? 1 : 0);
    }
    return o;
}

static void delete_at(json_object *o, const char *path)
{
    char buf[4100];
    snprintf(buf, sizeof(buf), "%s", path);
    char *last = strrchr(buf, SEP);
    json_object *parent = o;
    if (last) {
        *last++ = '\0';
        parent = value_at(o, buf);
    } else {
        last = buf;
    }
    if (parent && json_object_is_type(parent, json_type_object))
        json_object_object_del(parent, last);
}

/* ".spec.replicas" for display. */
static void display_path(const char *path, char *buf, size_t len)
{
    size_t o = 0;
    if (len)
        buf[o++] = '.';
    for (const char *p = path; *p && o + 1 < len; p++)
        buf[o++] = *p == SEP ? '.' : *p;
    buf[o < len ? o : len - 1] = '\0';
}

/* FieldsV1 <-> fset. */
static json_object *to_fieldsv1(const struct fset *f)
{
    json_object *root = json_object_new_object();
    for (size_t i = 0; i < f->n; i++) {
        json_object *cur = root;
        char key[1030];
        const char *p = f->p[i];
        while (*p) {
            const char *e = strchr(p, SEP);
            size_t n = e ? (size_t)(e - p) : strlen(p);
            snprintf(key, sizeof(key), "f:%.*s", (int)(n < 1024 ? n : 1024), p);
            cur = sim_json_obj(cur, key);
            p += n + (e ? 1 : 0);
        }
    }
    return root;
}

static void from_fieldsv1_rec(json_object *o, char *prefix, size_t plen, struct fset *out)
{
    if (!json_object_is_type(o, json_type_object) || json_object_object_length(o) == 0) {
        if (plen)
            fset_add(out, prefix);
        return;
    }
    json_object_object_foreach(o, key, val) {
        if (strncmp(key, "f:", 2))
            continue;
        size_t klen = strlen(key + 2);
        if (plen + klen + 2 > 4096)
            continue;
        size_t np = plen;
        if (plen)
            prefix[np++] = SEP;
        memcpy(prefix + np, key + 2, klen + 1);
        from_fieldsv1_rec(val, prefix, np + klen, out);
        prefix[plen] = '\0';
    }
}

static void from_fieldsv1(json_object *fv1, struct fset *out)
{
    char prefix[4100] = "";
    if (fv1)
        from_fieldsv1_rec(fv1, prefix, 0, out);
}

/* In-memory form of metadata.managedFields. */
struct mentry {
    char manager[128];
    char operation[16];
    char api_version[96];
    char time[32];
    struct fset set;
};

struct mfields {
    struct mentry e[32];
    size_t n;
};

static void mf_load(json_object *obj, struct mfields *mf)
{
    json_object *arr = sim_json_path(obj, "metadata.managedFields");
    size_t n = arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    memset(mf, 0, sizeof(*mf));
    for (size_t i = 0; i < n && mf->n < 32; i++) {
        json_object *it = json_object_array_get_idx(arr, i);
        struct mentry *e = &mf->e[mf->n];
        const char *m = sim_json_str(it, "manager"), *op = sim_json_str(it, "operation");
        if (!m || !op)
            continue;
        snprintf(e->manager, sizeof(e->manager), "%s", m);
        snprintf(e->operation, sizeof(e->operation), "%s", op);
        snprintf(e->api_version, sizeof(e->api_version), "%s",
                 sim_json_str(it, "apiVersion") ? sim_json_str(it, "apiVersion") : "");
        snprintf(e->time, sizeof(e->time), "%s", sim_json_str(it, "time") ? sim_json_str(it, "time") : "");
        from_fieldsv1(sim_json_path(it, "fieldsV1"), &e->set);
        mf->n++;
    }
}

static void mf_store(json_object *obj, struct mfields *mf)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < mf->n; i++) {
        struct mentry *e = &mf->e[i];
        if (e->set.n == 0)
            continue;
        json_object *it = json_object_new_object();
        sim_json_set_str(it, "manager", e->manager);
        sim_json_set_str(it, "operation", e->operation);
        sim_json_set_str(it, "apiVersion", e->api_version);
        sim_json_set_str(it, "time", e->time);
        sim_json_set_str(it, "fieldsType", "FieldsV1");
        json_object_object_add(it, "fieldsV1", to_fieldsv1(&e->set));
        json_object_array_add(arr, it);
    }
    json_object *meta = sim_json_obj(obj, "metadata");
    if (json_object_array_length(arr))
        json_object_object_add(meta, "managedFields", arr);
    else {
        json_object_put(arr);
        json_object_object_del(meta, "managedFields");
    }
    for (size_t i = 0; i < mf->n; i++)
        fset_free(&mf->e[i].set);
    mf->n = 0;
}

/* The entry of (manager, op) in mf, created when missing, with its
 * apiVersion and time refreshed.  Points into mf; NULL when mf is full. */
static struct mentry *mf_entry(struct mfields *mf, const char *manager, const char *op,
                               const char *av, int64_t now)
{
    struct mentry *e = NULL;
    for (size_t i = 0; i < mf->n && !e; i++)
        if (!strcmp(mf->e[i].manager, manager) && !strcmp(mf->e[i].operation, op))
            e = &mf->e[i];
    if (!e) {
        if (mf->n == 32)
            return NULL;
        e = &mf->e[mf->n++];
        memset(e, 0, sizeof(*e));
        snprintf(e->manager, sizeof(e->manager), "%s", manager);
        snprintf(e->operation, sizeof(e->operation), "%s", op);
    }
    snprintf(e->api_version, sizeof(e->api_version), "%s", av);
    sim_format_time(now, e->time, sizeof(e->time));
    return e;
}

void sim_managed_update(json_object *nobj, json_object *old, const char *manager,
                        const char *operation, const char *api_version, int64_t now)
{
    struct mfields mf;
    struct fset nl = {0}, ol = {0}, changed = {0};

    mf_load(nobj, &mf);
    leaves(nobj, &nl);
    leaves(old, &ol);
    for (size_t i = 0; i < nl.n; i++) {
        json_object *ov = old ? value_at(old, nl.p[i]) : NULL;
        if (!ov || !json_object_equal(ov, value_at(nobj, nl.p[i])))
            fset_add(&changed, nl.p[i]);
    }
    for (size_t i = 0; i < mf.n; i++) {
        for (size_t j = 0; j < ol.n; j++)
            if (!fset_has(&nl, ol.p[j]))
                fset_del(&mf.e[i].set, ol.p[j]);
        for (size_t j = 0; j < changed.n; j++)
            fset_del(&mf.e[i].set, changed.p[j]);
    }
    if (changed.n) {
        struct mentry *e = mf_entry(&mf, manager, operation, api_version, now);
        for (size_t j = 0; e && j < changed.n; j++)
            fset_add(&e->set, changed.p[j]);
    }
    mf_store(nobj, &mf);
    fset_free(&nl);
    fset_free(&ol);
    fset_free(&changed);
}

void sim_manager_name(const struct sim_request *rq, char *buf, size_t len)
{
    const char *fm = sim_query(rq, "fieldManager");
    if (fm && *fm) {
        snprintf(buf, len, "%s", fm);
        return;
    }
    const char *ua = rq->user_agent && *rq->user_agent ? rq->user_agent : "unknown";
    size_t n = strcspn(ua, "/ ");
    snprintf(buf, len, "%.*s", (int)(n < 127 ? n : 127), ua);
}

/* ---- apply ---- */

struct conflict {
    char manager[128];
    char api_version[96];
    char path[512];
};

static int overlaps(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la == lb)
        return !strcmp(a, b);
    const char *s = la < lb ? a : b, *l = la < lb ? b : a;
    size_t ls = la < lb ? la : lb;
    return !strncmp(s, l, ls) && l[ls] == SEP;
}

/* Find conflicts of config against other managers; with force, take the
 * conflicting paths away from them.  Returns the count (up to max). */
static size_t find_conflicts(struct mfields *mf, const char *manager, json_object *live,
                             json_object *cfg, const struct fset *cl, int force,
                             struct conflict *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < mf->n; i++) {
        struct mentry *e = &mf->e[i];
        if (!strcmp(e->manager, manager))
            continue;
        for (size_t k = 0; k < cl->n; k++) {
            for (size_t j = 0; j < e->set.n; j++) {
                if (!overlaps(cl->p[k], e->set.p[j]))
                    continue;
                json_object *lv = value_at(live, cl->p[k]);
                if (lv && json_object_equal(lv, value_at(cfg, cl->p[k])))
                    continue;
                if (force) {
                    fset_del(&e->set, e->set.p[j]);
                    j--;
                    continue;
                }
                if (n < max) {
                    snprintf(out[n].manager, sizeof(out[n].manager), "%s", e->manager);
                    snprintf(out[n].api_version, sizeof(out[n].api_version), "%s", e->api_version);
                    display_path(cl->p[k], out[n].path, sizeof(out[n].path));
                    n++;
                }
                break;
            }
        }
    }
    return n;
}

/* The 409 Status for apply conflicts: a new tree the caller puts. */
static json_object *conflict_status(const struct conflict *c, size_t n)
{
    char msg[4096];
    size_t pos = (size_t)snprintf(msg, sizeof(msg), "Apply failed with %zu conflict%s: ", n, n == 1 ? "" : "s");
    if (n == 1) {
        snprintf(msg + pos, sizeof(msg) - pos, "conflict with \"%s\" using %s: %s",
                 c[0].manager, c[0].api_version, c[0].path);
    } else {
        for (size_t i = 0; i < n && pos < sizeof(msg); i++) {
            int first = i == 0 || strcmp(c[i].manager, c[i - 1].manager);
            if (first)
                pos += (size_t)snprintf(msg + pos, sizeof(msg) - pos, "%sconflicts with \"%s\" using %s:",
                                        i ? "\n" : "", c[i].manager, c[i].api_version);
            if (pos < sizeof(msg))
                pos += (size_t)snprintf(msg + pos, sizeof(msg) - pos, "\n- %s", c[i].path);
        }
    }
    json_object *st = sim_status(409, "Conflict", msg);
    for (size_t i = 0; i < n; i++) {
        char cm[sizeof(c->manager) + sizeof(c->api_version) + 32];
        snprintf(cm, sizeof(cm), "conflict with \"%.127s\" using %.95s", c[i].manager, c[i].api_version);
        sim_status_add_cause(st, "FieldManagerConflict", cm, c[i].path);
    }
    return st;
}

/* Decode and check the applied configuration: a new tree the caller puts,
 * or NULL with rs filled. */
static json_object *apply_config(struct sim_request *rq, struct sim_response *rs)
{
    const struct sim_route *r = &rq->route;
    char msg[512], av[96];
    json_object *cfg = sim_yaml_to_json(rq->body, rq->body_len, msg, sizeof(msg));

    if (!cfg || !json_object_is_type(cfg, json_type_object)) {
        char full[700];
        snprintf(full, sizeof(full), "error decoding YAML: %s", cfg ? "expected an object" : msg);
        json_object_put(cfg);
        sim_respond_status(rs, sim_status_bad_request(full));
        return NULL;
    }
    kube_resource_api_version(r->res, av, sizeof(av));
    const char *k = sim_json_str(cfg, "kind"), *v = sim_json_str(cfg, "apiVersion");
    const char *name = sim_json_str(cfg, "metadata.name"), *ns = sim_json_str(cfg, "metadata.namespace");
    if (!k || !v || strcmp(k, r->res->kind) || strcmp(v, av)) {
        snprintf(msg, sizeof(msg), "invalid object type: %s, Kind=%s", v ? v : "", k ? k : "");
        sim_respond_status(rs, sim_status_bad_request(msg));
    } else if (name && strcmp(name, r->name)) {
        snprintf(msg, sizeof(msg), "the name of the object (%s) does not match the name on the URL (%s)", name, r->name);
        sim_respond_status(rs, sim_status_bad_request(msg));
    } else if (r->res->namespaced && ns && *ns && strcmp(ns, r->ns)) {
        sim_respond_status(rs, sim_status_bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"));
    } else if (!sim_check_unknown_fields(rq, rs, cfg)) {
        json_object *meta = sim_json_obj(cfg, "metadata");
        sim_json_set_str(meta, "name", r->name);
        if (r->res->namespaced)
            sim_json_set_str(meta, "namespace", r->ns);
        else
            json_object_object_del(meta, "namespace");
        json_object_object_del(meta, "managedFields");
        json_object_object_del(meta, "resourceVersion");
        return cfg;
    }
    json_object_put(cfg);
    return NULL;
}

/* Apply onto an existing object (lock held). */
static void apply_update(struct sim_request *rq, struct sim_response *rs, struct sim_object *o,
                         json_object *cfg, const char *manager, int force, const struct sim_write_ctx *w)
{
    struct mfields mf;
    struct fset cl = {0};
    struct conflict conf[16];
    char av[96];

    kube_resource_api_version(o->res, av, sizeof(av));
    mf_load(o->obj, &mf);
    leaves(cfg, &cl);
    size_t nc = find_conflicts(&mf, manager, o->obj, cfg, &cl, force, conf, 16);
    if (nc) {
        sim_respond_status(rs, conflict_status(conf, nc));
        for (size_t i = 0; i < mf.n; i++)
            fset_free(&mf.e[i].set);
        fset_free(&cl);
        return;
    }
    json_object *nobj = sim_merge_patch(o->obj, cfg);
    struct mentry *me = mf_entry(&mf, manager, "Apply", av, sim_now_ms());
    for (size_t i = 0; me && i < me->set.n; i++) {
        const char *p = me->set.p[i];
        int others = 0;
        for (size_t j = 0; j < mf.n; j++)
            others |= &mf.e[j] != me && fset_has(&mf.e[j].set, p);
        for (size_t k = 0; k < cl.n && !others; k++)
            others = overlaps(p, cl.p[k]);   /* still applied, maybe deeper */
        if (!others)
            delete_at(nobj, p);
    }
    if (me) {
        fset_free(&me->set);
        for (size_t i = 0; i < cl.n; i++)
            fset_add(&me->set, cl.p[i]);
    }
    mf_store(nobj, &mf);
    fset_free(&cl);
    sim_update_object(rq, rs, o, nobj, w);
}

void sim_apply(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    const char *manager = sim_query(rq, "fieldManager");
    char av[96];

    if (!manager || !*manager) {
        sim_respond_status(rs, sim_status_bad_request("PATCH, application/apply-patch+yaml: fieldManager is required for apply requests"));
        return;
    }
    if (r->sub[0] && strcmp(r->sub, "status")) {
        sim_respond_status(rs, sim_status_path_not_found());
        return;
    }
    json_object *cfg = apply_config(rq, rs);
    if (!cfg)
        return;
    int force = sim_query_true(rq, "force");
    struct sim_write_ctx w = {.manager = manager, .operation = "Apply",
                              .dry_run = sim_query(rq, "dryRun") != NULL,
                              .status_only = !strcmp(r->sub, "status")};
    pthread_mutex_lock(&s->lock);
    struct sim_object *o = sim_store_find(s, r->res, r->ns, r->name);
    if (o)
        apply_update(rq, rs, o, cfg, manager, force, &w);
    pthread_mutex_unlock(&s->lock);
    if (o) {
        json_object_put(cfg);
        return;
    }
    /* Create: M owns every leaf it sent. */
    struct fset cl = {0};
    struct mfields mf = {0};
    leaves(cfg, &cl);
    kube_resource_api_version(r->res, av, sizeof(av));
    json_object *obj = NULL;
    json_object_deep_copy(cfg, &obj, NULL);
    struct mentry *me = mf_entry(&mf, manager, "Apply", av, sim_now_ms());
    for (size_t i = 0; me && i < cl.n; i++)
        fset_add(&me->set, cl.p[i]);
    fset_free(&cl);
    json_object_put(cfg);
    json_object *tmp = json_object_new_object();
    mf_store(tmp, &mf);
    w.managed = sim_json_path(tmp, "metadata.managedFields");
    w.authorize_create = 1;   /* authorized as patch; creating needs create too */
    sim_create_object(rq, rs, obj, &w);
    json_object_put(tmp);
}
