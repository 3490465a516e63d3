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
 * wrapper, so substitution and conditions keep the product's rules.
 * Most variables have one value per tier (images, resources, uids): the
 * first tenant of a tier is recorded (what each dirty template node became
 * and the variables' values), and a later tenant of the tier reuses a
 * recorded node whose variables all have the same value for it -- only
 * the paths to tenant-specific values (names, hosts, secrets) are built
 * per tenant.  The templates note which variables each dirty node uses.  A
 * shared node is never changed afterwards: stored trees are immutable, and
 * seed_render_own() gives an object its own copies of the few places the
 * seeding changes in place.  The first two tenants of each tier (one from
 * the templates, one from the recorded nodes) are checked against
 * tenant_render() itself (json_object_equal); a difference turns the
 * shortcut off.
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

/* A node of the templates holding variables, and which (bit k:
 * varnames[k]). */
struct dnode {
    const void *node;
    uint64_t vars;
};

/* The first tenant of a tier rendered: its vars and, for every dirty
 * template node, what it became (NULL: dropped).  A later tenant of the
 * tier reuses a node whose variables all have the same value for it. */
struct rnode {
    const void *node;
    json_object *out;           /* reference held, or NULL */
};

struct tier_ref {
    json_object *vars;          /* NULL: no reference yet */
    struct rnode *v;
    size_t n, cap;
};

struct seed_render {
    const struct os_config *cfg;
    struct tenant_template *tpls;
    json_object **docs;         /* docs[i]: the documents of tpls[i] */
    size_t n;
    struct dnode *dirty;        /* sorted by node pointer */
    size_t ndirty, capdirty;
    char *varnames[64];         /* the variables the templates use */
    int nvars, no_tier;         /* no_tier: more than 64, no tier reuse */
    struct tier_ref tier[2];    /* basic, standard */
    struct tier_ref *recording; /* the reference render going on, or NULL */
    struct tier_ref *reuse;     /* a later tenant's tier, or NULL */
    uint64_t differ;            /* variables whose value differs from it */
    int at_root;                /* cow() is given a document: never reused */
    int exact;                  /* 1: tenant_render() for every tenant */
    int checked[2];             /* renders of the tier compared so far */
    json_object *wrap;          /* the one-key wrapper render_wrapped() reuses */
};

static const char *const tiers[] = {"basic", "basic", "standard"};

const char *seed_render_tier(int i)
{
    return tiers[(i - 1) % 3];
}

/* ---- which nodes hold a variable ---- */

static int push_dirty(struct seed_render *r, const void *node, uint64_t vars)
{
    if (r->ndirty == r->capdirty) {
        size_t nc = r->capdirty ? r->capdirty * 2 : 256;
        struct dnode *v = realloc(r->dirty, nc * sizeof(*v));
        if (!v)
            return -1;
        r->dirty = v;
        r->capdirty = nc;
    }
    r->dirty[r->ndirty++] = (struct dnode){node, vars};
    return 0;
}

/* The bit of variable name[0..n). */
static uint64_t var_bit(struct seed_render *r, const char *name, size_t n)
{
    for (int k = 0; k < r->nvars; k++)
        if (strlen(r->varnames[k]) == n && !strncmp(r->varnames[k], name, n))
            return (uint64_t)1 << k;
    if (r->nvars == 64 || !(r->varnames[r->nvars] = strndup(name, n))) {
        r->no_tier = 1;
        return 0;
    }
    return (uint64_t)1 << r->nvars++;
}

/* The variables ${NAME} of a string ("$${" is an escaped "${"). */
static uint64_t string_vars(struct seed_render *r, const char *s)
{
    uint64_t m = 0;
    for (const char *p = strchr(s, '$'); p; p = strchr(p + 1, '$')) {
        if (p[1] == '$' && p[2] == '{') {
            p += 2;
            continue;
        }
        if (p[1] != '{')
            continue;
        const char *end = strchr(p + 2, '}');
        if (!end) {
            r->no_tier = 1;      /* malformed: the product reports it */
            break;
        }
        m |= var_bit(r, p + 2, (size_t)(end - p - 2));
    }
    return m;
}

/* The variable of a _when condition: "NAME", "!NAME" or "NAME=value". */
static uint64_t when_vars(struct seed_render *r, json_object *cond)
{
    const char *s = json_object_get_string(cond);
    if (!json_object_is_type(cond, json_type_string)) {
        r->no_tier = 1;
        return 0;
    }
    s += s[0] == '!';
    return var_bit(r, s, strcspn(s, "="));
}

/* 1 when node's subtree holds a '$' string or a _when key (and notes it
 * with its variables in *vars), 0 when clean, -1 when out of memory. */
static int mark(struct seed_render *r, json_object *node, uint64_t *vars)
{
    int dirty = 0, d;
    uint64_t m = 0, cm;
    switch (json_object_get_type(node)) {
    case json_type_object:
        json_object_object_foreach(node, k, v) {
            if (!strcmp(k, WHEN_KEY)) {
                dirty = 1;
                m |= when_vars(r, v);
            }
            cm = 0;
            if ((d = mark(r, v, &cm)) < 0)
                return -1;
            dirty |= d;
            m |= cm;
        }
        break;
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(node); i++) {
            cm = 0;
            if ((d = mark(r, json_object_array_get_idx(node, i), &cm)) < 0)
                return -1;
            dirty |= d;
            m |= cm;
        }
        break;
    case json_type_string:
        dirty = strchr(json_object_get_string(node), '$') != NULL;
        if (dirty)
            m = string_vars(r, json_object_get_string(node));
        break;
    default:
        break;
    }
    if (dirty && push_dirty(r, node, m) < 0)
        return -1;
    *vars = m;
    return dirty;
}

static int cmp_dnode(const void *a, const void *b)
{
    const void *x = ((const struct dnode *)a)->node, *y = ((const struct dnode *)b)->node;
    return x < y ? -1 : x > y;
}

/* The entry of a dirty node, or NULL when it is clean. */
static const struct dnode *dirty_of(const struct seed_render *r, json_object *node)
{
    struct dnode key = {node, 0};
    return bsearch(&key, r->dirty, r->ndirty, sizeof(*r->dirty), cmp_dnode);
}

static int cmp_rnode(const void *a, const void *b)
{
    const void *x = ((const struct rnode *)a)->node, *y = ((const struct rnode *)b)->node;
    return x < y ? -1 : x > y;
}

static int record(struct tier_ref *t, json_object *node, json_object *out)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 256;
        struct rnode *v = realloc(t->v, nc * sizeof(*v));
        if (!v)
            return -1;
        t->v = v;
        t->cap = nc;
    }
    t->v[t->n++] = (struct rnode){node, json_object_get(out)};
    return 0;
}

static void tier_ref_free(struct tier_ref *t)
{
    for (size_t i = 0; i < t->n; i++)
        json_object_put(t->v[i].out);
    free(t->v);
    json_object_put(t->vars);
    memset(t, 0, sizeof(*t));
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
            mark(r, r->docs[i], &(uint64_t){0}) < 0) {
            if (!err->message[0])
                os_error_set(err, OS_ERR_NOMEM, "out of memory");
            seed_render_free(r);
            return NULL;
        }
    }
    qsort(r->dirty, r->ndirty, sizeof(*r->dirty), cmp_dnode);
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
    for (int k = 0; k < r->nvars; k++)
        free(r->varnames[k]);
    tier_ref_free(&r->tier[0]);
    tier_ref_free(&r->tier[1]);
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

    int root = r->at_root;
    *out = NULL;
    r->at_root = 0;
    const struct dnode *d = dirty_of(r, node);
    if (!d) {
        *out = json_object_get(node);
        return 0;
    }
    if (r->reuse && !root && !(d->vars & r->differ)) {
        /* Its variables have the tier's first tenant's values: so has
         * what it renders to. */
        struct rnode key = {node, NULL}, *hit = bsearch(&key, r->reuse->v, r->reuse->n, sizeof(key), cmp_rnode);
        if (hit) {
            *out = json_object_get(hit->out);
            return 0;
        }
    }
    if (json_object_is_type(node, json_type_string) ||
        (json_object_is_type(node, json_type_object) && json_object_object_get_ex(node, WHEN_KEY, &child))) {
        rc = render_wrapped(r, node, vars, name, out, err);
        if (rc == 0 && r->recording && record(r->recording, node, *out) < 0)
            rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return rc;
    }
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
    if (rc == 0 && r->recording && record(r->recording, node, *out) < 0)
        rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
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

/* The variables (bits) whose values differ between a and b. */
static uint64_t vars_differ(const struct seed_render *r, json_object *a, json_object *b)
{
    uint64_t m = 0;
    for (int k = 0; k < r->nvars; k++) {
        json_object *x = NULL, *y = NULL;
        int hx = json_object_object_get_ex(a, r->varnames[k], &x);
        int hy = json_object_object_get_ex(b, r->varnames[k], &y);
        if (hx != hy || !json_object_equal(x, y))
            m |= (uint64_t)1 << k;
    }
    return m;
}

/* tenant_render() over the parsed templates: same steps, same output.
 * The first tenant of tier t is recorded, later ones reuse its nodes. */
static int render_shared(struct seed_render *r, int t, const struct tenant_spec *spec,
                         const struct tenant_secrets *sec, time_t created, json_object **out,
                         struct os_error *err)
{
    json_object *vars = NULL, *items, *doc;
    struct tier_ref *tr = r->no_tier ? NULL : &r->tier[t];
    int rc;
    *out = NULL;
    if ((rc = tenant_spec_validate(spec, r->cfg, err)) < 0 ||
        (rc = tenant_render_vars(spec, r->cfg, sec, created, &vars, err)) < 0)
        return rc;
    r->recording = tr && !tr->vars ? tr : NULL;
    r->reuse = tr && tr->vars ? tr : NULL;
    r->differ = r->reuse ? vars_differ(r, tr->vars, vars) : 0;
    json_object *list = new_list(&items);
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        for (size_t j = 0; rc == 0 && j < json_object_array_length(r->docs[i]); j++) {
            json_object *src = json_object_array_get_idx(r->docs[i], j);
            if (!json_object_is_type(src, json_type_object))
                rc = os_error_set(err, OS_ERR_INVALID, "template %s: document %zu is not a mapping",
                                  r->tpls[i].name, j + 1);
            else if ((r->at_root = 1) && (rc = cow(r, src, vars, r->tpls[i].name, &doc, err)) == 0 && doc)
                json_object_array_add(items, doc);
        }
    }
    if (r->recording && rc == 0) {
        tr->vars = json_object_get(vars);
        qsort(tr->v, tr->n, sizeof(*tr->v), cmp_rnode);
    } else if (r->recording) {
        tier_ref_free(tr);
    }
    r->recording = r->reuse = NULL;
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
                      : render_shared(r, t, &spec, &sec, created, list, err);
    /* The shortcut must agree with the product: checked on the first
     * tenant of each tier (rendered from the templates) and the second
     * (from the first one's nodes). */
    if (rc == 0 && !r->exact && r->checked[t] < 2) {
        json_object *ref = NULL;
        r->checked[t]++;
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
