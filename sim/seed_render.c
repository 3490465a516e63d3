/*
 * seed_render.c - tenant_render() for --seed-tenants, without its cost.
 *
 * The product renders a tenant by parsing every template (YAML -> json-c),
 * then tenant_render_doc() walks each document: ${VAR} is replaced inside
 * strings, mappings with a _when condition are kept or dropped.  A
 * thousand tenants that way were most of the simulator's start-up time and
 * memory, because every node of every document is parsed and copied per
 * tenant although most of them (container specs, probes, policies) hold no
 * variable at all.
 *
 * So the templates are parsed once, the nodes whose subtree holds a '$' or
 * a _when key are noted ("dirty"), and a tenant is rendered copy-on-write:
 * a clean node is shared (one more reference), a dirty mapping or list is
 * rebuilt from its rendered children, and a dirty string or _when mapping
 * goes through the product's own tenant_render_doc() inside a one-key
 * wrapper, so substitution and conditions keep the product's rules.  A
 * shared node is never changed afterwards: stored trees are immutable, and
 * seed_render_own() gives an object its own copies of the few places the
 * seeding changes in place.  The first tenant of each tier is checked
 * against tenant_render() itself (json_object_equal); a difference turns
 * the shortcut off.
 *
 * Shared nodes are referenced from several trees, and json-c's reference
 * counts are not atomic: a renderer, its templates and the lists it made
 * belong to one thread at a time (seed_tenants.c gives a second thread its
 * own renderer and takes its lists only after joining it).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seed_render.h"
#include "yaml_json.h"

#define WHEN_KEY "_when"   /* the product's condition key (core/tenant/render.c) */

struct seed_render {
    const struct os_config *cfg;
    struct tenant_template *tpls;
    json_object **docs;         /* docs[i]: the documents of tpls[i] */
    size_t n;
    const void **dirty;         /* sorted node pointers */
    size_t ndirty, capdirty;
    int exact;                  /* 1: tenant_render() for every tenant */
    int checked[2];             /* tier already compared (basic, standard) */
    json_object *wrap;          /* the one-key wrapper render_wrapped() reuses */
};

static const char *const tiers[] = {"basic", "basic", "standard"};

const char *seed_render_tier(int i)
{
    return tiers[(i - 1) % 3];
}

/* ---- which nodes hold a variable ---- */

static int push_dirty(struct seed_render *r, const void *node)
{
    if (r->ndirty == r->capdirty) {
        size_t nc = r->capdirty ? r->capdirty * 2 : 256;
        const void **v = realloc(r->dirty, nc * sizeof(*v));
        if (!v)
            return -1;
        r->dirty = v;
        r->capdirty = nc;
    }
    r->dirty[r->ndirty++] = node;
    return 0;
}

/* 1 when node's subtree holds a '$' string or a _when key (and notes
 * it), 0 when clean, -1 when out of memory. */
static int mark(struct seed_render *r, json_object *node)
{
    int dirty = 0, d;
    switch (json_object_get_type(node)) {
    case json_type_object:
        json_object_object_foreach(node, k, v) {
            if (!strcmp(k, WHEN_KEY))
                dirty = 1;
            if ((d = mark(r, v)) < 0)
                return -1;
            dirty |= d;
        }
        break;
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(node); i++) {
            if ((d = mark(r, json_object_array_get_idx(node, i))) < 0)
                return -1;
            dirty |= d;
        }
        break;
    case json_type_string:
        dirty = strchr(json_object_get_string(node), '$') != NULL;
        break;
    default:
        break;
    }
    if (dirty && push_dirty(r, node) < 0)
        return -1;
    return dirty;
}

static int cmp_ptr(const void *a, const void *b)
{
    const void *x = *(const void *const *)a, *y = *(const void *const *)b;
    return x < y ? -1 : x > y;
}

static int is_dirty(const struct seed_render *r, json_object *node)
{
    const void *key = node;
    return bsearch(&key, r->dirty, r->ndirty, sizeof(*r->dirty), cmp_ptr) != NULL;
}

struct seed_render *seed_render_new(const struct os_config *cfg, struct os_error *err)
{
    struct yaml_json_opts yo = {.what = "template", .typed = 1, .all_documents = 1};
    struct seed_render *r = calloc(1, sizeof(*r));
    if (!r) {
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    r->cfg = cfg;
    if (tenant_templates_load(cfg->templates_dir, &r->tpls, &r->n, err) < 0) {
        free(r);
        return NULL;
    }
    if (!(r->docs = calloc(r->n + 1, sizeof(*r->docs)))) {
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        seed_render_free(r);
        return NULL;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (yaml_json_parse(r->tpls[i].name, r->tpls[i].text, r->tpls[i].len, &yo, &r->docs[i], err) < 0 ||
            mark(r, r->docs[i]) < 0) {
            if (!err->message[0])
                os_error_set(err, OS_ERR_NOMEM, "out of memory");
            seed_render_free(r);
            return NULL;
        }
    }
    qsort(r->dirty, r->ndirty, sizeof(*r->dirty), cmp_ptr);
    return r;
}

void seed_render_free(struct seed_render *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->docs && i < r->n; i++)
        json_object_put(r->docs[i]);
    free(r->docs);
    if (r->tpls)
        tenant_templates_free(r->tpls, r->n);
    free(r->dirty);
    json_object_put(r->wrap);
    free(r);
}

/* ---- copy-on-write render ---- */

/* node through tenant_render_doc() in a one-key wrapper: its rendered
 * copy in *out, NULL when the product drops it.  A string is handed over
 * as it is (the walk replaces it, never changes it); a _when mapping is
 * copied first (the walk edits mappings in place). */
static int render_wrapped(struct seed_render *r, json_object *node, json_object *vars, const char *name,
                          json_object **out, struct os_error *err)
{
    json_object *copy = NULL, *v;
    int rc;
    *out = NULL;
    if (!r->wrap && !(r->wrap = json_object_new_object()))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (json_object_is_type(node, json_type_string))
        copy = json_object_get(node);
    else if (json_object_deep_copy(node, &copy, NULL) != 0)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    json_object_object_add(r->wrap, "v", copy);
    if ((rc = tenant_render_doc(&r->wrap, vars, name, err)) == 0 && r->wrap &&
        json_object_object_get_ex(r->wrap, "v", &v))
        *out = json_object_get(v);
    if (r->wrap)
        json_object_object_del(r->wrap, "v");
    return rc;
}

/* The rendered node in *out (new or shared; NULL: dropped). */
static int cow(struct seed_render *r, json_object *node, json_object *vars, const char *name,
               json_object **out, struct os_error *err)
{
    json_object *child;
    int rc = 0;

    *out = NULL;
    if (!is_dirty(r, node)) {
        *out = json_object_get(node);
        return 0;
    }
    if (json_object_is_type(node, json_type_string) ||
        (json_object_is_type(node, json_type_object) && json_object_object_get_ex(node, WHEN_KEY, &child)))
        return render_wrapped(r, node, vars, name, out, err);
    if (json_object_is_type(node, json_type_object)) {
        json_object *o = json_object_new_object();
        json_object_object_foreach(node, k, v) {
            if (rc == 0 && (rc = cow(r, v, vars, name, &child, err)) == 0 && child)
                json_object_object_add(o, k, child);
        }
        *out = o;
    } else {                                   /* an array */
        json_object *a = json_object_new_array();
        for (size_t i = 0; rc == 0 && i < json_object_array_length(node); i++)
            if ((rc = cow(r, json_object_array_get_idx(node, i), vars, name, &child, err)) == 0 && child)
                json_object_array_add(a, child);
        *out = a;
    }
    if (rc < 0) {
        json_object_put(*out);
        *out = NULL;
    }
    return rc;
}

static json_object *new_list(json_object **items)
{
    json_object *list = json_object_new_object();
    *items = json_object_new_array();
    json_object_object_add(list, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(list, "kind", json_object_new_string("List"));
    json_object_object_add(list, "metadata", json_object_new_object());
    json_object_object_add(list, "items", *items);
    return list;
}

/* tenant_render() over the parsed templates: same steps, same output. */
static int render_shared(struct seed_render *r, const struct tenant_spec *spec,
                         const struct tenant_secrets *sec, time_t created, json_object **out,
                         struct os_error *err)
{
    json_object *vars = NULL, *items, *doc;
    int rc;
    *out = NULL;
    if ((rc = tenant_spec_validate(spec, r->cfg, err)) < 0 ||
        (rc = tenant_render_vars(spec, r->cfg, sec, created, &vars, err)) < 0)
        return rc;
    json_object *list = new_list(&items);
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        for (size_t j = 0; rc == 0 && j < json_object_array_length(r->docs[i]); j++) {
            json_object *src = json_object_array_get_idx(r->docs[i], j);
            if (!json_object_is_type(src, json_type_object))
                rc = os_error_set(err, OS_ERR_INVALID, "template %s: document %zu is not a mapping",
                                  r->tpls[i].name, j + 1);
            else if ((rc = cow(r, src, vars, r->tpls[i].name, &doc, err)) == 0 && doc)
                json_object_array_add(items, doc);
        }
    }
    json_object_put(vars);
    if (rc < 0) {
        json_object_put(list);
        return rc;
    }
    *out = list;
    return 0;
}

int seed_render_tenant(struct seed_render *r, int i, int width, time_t created, json_object **list,
                       struct os_error *err)
{
    char id[32], email[96];
    struct tenant_secrets sec;
    snprintf(id, sizeof(id), "demo-%0*d", width, i);
    snprintf(email, sizeof(email), "admin@%s.example.com", id);
    struct tenant_spec spec = {.id = id, .tier = seed_render_tier(i), .admin_email = email};
    int t = !strcmp(spec.tier, "standard");
    int rc = tenant_secrets_generate(&sec, NULL, err);
    if (rc == 0)
        rc = r->exact ? tenant_render(&spec, r->cfg, &sec, created, list, err)
                      : render_shared(r, &spec, &sec, created, list, err);
    if (rc == 0 && !r->exact && !r->checked[t]) {   /* the shortcut must agree with the product */
        json_object *ref = NULL;
        r->checked[t] = 1;
        rc = tenant_render(&spec, r->cfg, &sec, created, &ref, err);
        if (rc == 0 && !json_object_equal(ref, *list)) {
            fprintf(stderr, "odoo-saas-sim: --seed-tenants: the shared render differs from tenant_render(); using tenant_render()\n");
            json_object_put(*list);
            *list = ref;
            r->exact = 1;
        } else {
            json_object_put(ref);
        }
    }
    tenant_secrets_wipe(&sec);
    return rc;
}

/* Replace o[key] (a mapping or list) with a shallow copy of it. */
static void own_member(json_object *o, const char *key)
{
    json_object *v, *c;
    if (!o || !json_object_object_get_ex(o, key, &v))
        return;
    if (json_object_is_type(v, json_type_object)) {
        c = json_object_new_object();
        json_object_object_foreach(v, k, x)
            json_object_object_add(c, k, json_object_get(x));
    } else if (json_object_is_type(v, json_type_array)) {
        c = json_object_new_array();
        for (size_t i = 0; i < json_object_array_length(v); i++)
            json_object_array_add(c, json_object_get(json_object_array_get_idx(v, i)));
    } else {
        return;
    }
    json_object_object_add(o, key, c);
}

void seed_render_own(json_object *obj)
{
    json_object_object_foreach(obj, k, v) {
        (void)v;
        own_member(obj, k);
    }
    json_object *meta = NULL, *spec = NULL, *ports = NULL;
    if (json_object_object_get_ex(obj, "metadata", &meta)) {
        own_member(meta, "labels");
        own_member(meta, "annotations");
    }
    /* Service defaulting fills in each port's protocol and targetPort. */
    if (json_object_object_get_ex(obj, "spec", &spec) && json_object_object_get_ex(spec, "ports", &ports)) {
        own_member(spec, "ports");
        json_object_object_get_ex(spec, "ports", &ports);
        for (size_t i = 0; json_object_is_type(ports, json_type_array) && i < json_object_array_length(ports); i++) {
            json_object *p = json_object_array_get_idx(ports, i), *c = NULL;
            if (json_object_is_type(p, json_type_object) && json_object_deep_copy(p, &c, NULL) == 0)
                json_object_array_put_idx(ports, i, c);
        }
    }
}
