/*
 * render.c - templates plus variables to Kubernetes objects.
 *
 * The steps: build the variables (vars.c), parse each template (embedded or
 * from the configured directory) into JSON documents, walk each document
 * substituting ${NAME} in string values and applying "_when" conditions,
 * and collect the survivors into a v1 List.  Unknown variables and
 * malformed references are template bugs and fail loudly, naming the
 * template.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "templates.h"
#include "yaml_json.h"

#define WHEN_KEY "_when"
#define VAR_NAME_MAX 64

struct walk {
    struct json_object *vars;
    const char *name;        /* template, for messages */
    struct os_error *err;
};

/* ---- conditions ----------------------------------------------------- */

/* "NAME", "!NAME" or "NAME=value"; 1 true, 0 false, <0 error. */
static int condition(struct walk *w, struct json_object *cond)
{
    char name[VAR_NAME_MAX];
    const char *s, *eq;
    struct json_object *v;
    int negate;

    if (!json_object_is_type(cond, json_type_string))
        return os_error_set(w->err, OS_ERR_INVALID, "template %s: _when must be a string", w->name);
    s = json_object_get_string(cond);
    negate = s[0] == '!';
    s += negate;
    eq = strchr(s, '=');
    snprintf(name, sizeof(name), "%.*s", (int)(eq ? (size_t)(eq - s) : strlen(s)), s);
    if (!json_object_object_get_ex(w->vars, name, &v))
        return os_error_set(w->err, OS_ERR_INVALID, "template %s: _when names unknown variable %s",
                            w->name, name);
    if (eq)
        return negate ^ (v && !strcmp(json_object_get_string(v), eq + 1));
    return negate ^ (v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v));
}

/* For a mapping: 1 keep (and drop the _when key), 0 drop, <0 error. */
static int keep_mapping(struct walk *w, struct json_object *obj)
{
    struct json_object *cond;
    int keep;

    if (!json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, WHEN_KEY, &cond))
        return 1;
    keep = condition(w, cond);
    if (keep > 0)
        json_object_object_del(obj, WHEN_KEY);
    return keep;
}

/* ---- substitution --------------------------------------------------- */

static int var_name(const char *p, char *name, size_t len, size_t *used)
{
    size_t n = 0;
    if (p[0] != '$' || p[1] != '{')
        return -1;
    for (p += 2; *p && *p != '}'; p++) {
        if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_') || n + 1 >= len)
            return -1;
        name[n++] = *p;
    }
    if (*p != '}' || n == 0)
        return -1;
    name[n] = '\0';
    *used = n + 3;
    return 0;
}

static struct json_object *lookup(struct walk *w, const char *name)
{
    struct json_object *v;
    if (!json_object_object_get_ex(w->vars, name, &v)) {
        os_error_set(w->err, OS_ERR_INVALID, "template %s: unknown variable ${%s}", w->name, name);
        return (struct json_object *)-1;
    }
    return v;
}

/* Text with ${NAME} spliced in (scalars only).  New string or NULL + err. */
static char *splice(struct walk *w, const char *s)
{
    size_t cap = strlen(s) + 256, n = 0;
    char *out = malloc(cap);

    if (!out) {
        os_error_set(w->err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    while (*s) {
        char name[VAR_NAME_MAX];
        const char *piece = s;
        size_t plen = 1, used;
        struct json_object *v;

        if (s[0] == '$' && s[1] == '$' && s[2] == '{') {
            piece = "${";
            plen = 2;
            s += 3;
        } else if (s[0] == '$' && s[1] == '{') {
            if (var_name(s, name, sizeof(name), &used) < 0) {
                os_error_set(w->err, OS_ERR_INVALID, "template %s: malformed variable reference in \"%.60s\"",
                             w->name, s);
                free(out);
                return NULL;
            }
            if ((v = lookup(w, name)) == (struct json_object *)-1 ||
                (v && (json_object_is_type(v, json_type_object) ||
                       json_object_is_type(v, json_type_array)))) {
                if (v != (struct json_object *)-1)
                    os_error_set(w->err, OS_ERR_INVALID,
                                 "template %s: ${%s} is not a scalar and cannot be part of a string",
                                 w->name, name);
                free(out);
                return NULL;
            }
            piece = v ? json_object_get_string(v) : "";
            plen = strlen(piece);
            s += used;
        } else {
            s++;
        }
        if (n + plen + 1 > cap) {
            cap = (n + plen + 1) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                os_error_set(w->err, OS_ERR_NOMEM, "out of memory");
                return NULL;
            }
            out = grown;
        }
        memcpy(out + n, piece, plen);
        n += plen;
    }
    out[n] = '\0';
    return out;
}

/* The replacement for a string node: a new node (or NULL for a JSON null)
 * via *out; returns 0, or <0 on error. */
static int subst_string(struct walk *w, struct json_object *node, struct json_object **out)
{
    const char *s = json_object_get_string(node);
    char name[VAR_NAME_MAX];
    size_t used;
    char *text;

    *out = NULL;
    if (!strchr(s, '$')) {
        *out = json_object_get(node);
        return 0;
    }
    if (var_name(s, name, sizeof(name), &used) == 0 && s[used] == '\0') {
        struct json_object *v = lookup(w, name);
        if (v == (struct json_object *)-1)
            return w->err->code;
        /* A whole-value reference keeps the variable's type: deep copy so
         * documents never share nodes. */
        if (v && json_object_deep_copy(v, out, NULL) != 0)
            return os_error_set(w->err, OS_ERR_NOMEM, "out of memory");
        return 0;
    }
    if (!(text = splice(w, s)))
        return w->err->code;
    *out = json_object_new_string(text);
    free(text);
    return *out ? 0 : os_error_set(w->err, OS_ERR_NOMEM, "out of memory");
}

static int walk_node(struct walk *w, struct json_object **node);

static int walk_object(struct walk *w, struct json_object *obj)
{
    /* Collect keys first: replacing or deleting while iterating is unsafe. */
    size_t n = (size_t)json_object_object_length(obj), i = 0;
    char **keys = calloc(n ? n : 1, sizeof(char *));
    int rc = 0;

    if (!keys)
        return os_error_set(w->err, OS_ERR_NOMEM, "out of memory");
    json_object_object_foreach(obj, k, v) {
        (void)v;
        keys[i++] = k;
    }
    for (i = 0; i < n && rc == 0; i++) {
        struct json_object *child = json_object_object_get(obj, keys[i]);
        int keep = keep_mapping(w, child);
        if (keep < 0) {
            rc = keep;
        } else if (!keep) {
            json_object_object_del(obj, keys[i]);
        } else {
            struct json_object *copy = json_object_get(child);
            rc = walk_node(w, &copy);
            if (rc == 0 && copy == NULL)
                json_object_object_del(obj, keys[i]);   /* a null value drops the key */
            else if (rc == 0 && copy != child)
                json_object_object_add(obj, keys[i], json_object_get(copy));
            json_object_put(copy);
        }
    }
    free(keys);
    return rc;
}

static int walk_array(struct walk *w, struct json_object **arr)
{
    struct json_object *out = json_object_new_array();
    size_t n = json_object_array_length(*arr);
    int rc = 0;

    if (!out)
        return os_error_set(w->err, OS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct json_object *item = json_object_get(json_object_array_get_idx(*arr, i));
        int keep = keep_mapping(w, item);
        if (keep < 0)
            rc = keep;
        else if (keep && (rc = walk_node(w, &item)) == 0 && item)
            json_object_array_add(out, json_object_get(item));
        json_object_put(item);
    }
    json_object_put(*arr);
    *arr = out;
    return rc;
}

/* *node holds one reference; it may be replaced (or set to NULL). */
static int walk_node(struct walk *w, struct json_object **node)
{
    struct json_object *repl;
    int rc;

    if (!*node)
        return 0;
    switch (json_object_get_type(*node)) {
    case json_type_object:
        return walk_object(w, *node);
    case json_type_array:
        return walk_array(w, node);
    case json_type_string:
        if ((rc = subst_string(w, *node, &repl)) < 0)
            return rc;
        json_object_put(*node);
        *node = repl;
        return 0;
    default:
        return 0;
    }
}

int tenant_render_doc(struct json_object **doc, struct json_object *vars, const char *name,
                      struct os_error *err)
{
    struct walk w = {vars, name, err};
    int keep = keep_mapping(&w, *doc);

    if (keep < 0)
        return keep;
    if (!keep) {
        json_object_put(*doc);
        *doc = NULL;
        return 0;
    }
    return walk_node(&w, doc);
}

/* ---- the whole tenant ----------------------------------------------- */

static int render_template(const struct tenant_template *t, struct json_object *vars,
                           struct json_object *items, struct os_error *err)
{
    struct yaml_json_opts yo = {.what = "template", .typed = 1, .all_documents = 1};
    struct json_object *docs = NULL;
    int rc = yaml_json_parse(t->name, t->text, t->len, &yo, &docs, err);

    for (size_t i = 0; rc == 0 && i < json_object_array_length(docs); i++) {
        struct json_object *doc = json_object_get(json_object_array_get_idx(docs, i));
        if (!json_object_is_type(doc, json_type_object)) {
            rc = os_error_set(err, OS_ERR_INVALID, "template %s: document %zu is not a mapping",
                              t->name, i + 1);
        } else if ((rc = tenant_render_doc(&doc, vars, t->name, err)) == 0 && doc) {
            json_object_array_add(items, doc);
            doc = NULL;
        }
        json_object_put(doc);
    }
    json_object_put(docs);
    return rc;
}

int tenant_render(const struct tenant_spec *spec, const struct os_config *cfg,
                  const struct tenant_secrets *secrets, time_t created,
                  struct json_object **out, struct os_error *err)
{
    struct tenant_template *tpls = NULL;
    struct json_object *vars = NULL, *list, *items;
    size_t n = 0;
    int rc;

    *out = NULL;
    if ((rc = tenant_spec_validate(spec, cfg, err)) < 0)
        return rc;
    if ((rc = tenant_render_vars(spec, cfg, secrets, created, &vars, err)) < 0)
        return rc;
    if ((rc = tenant_templates_load(cfg->templates_dir, &tpls, &n, err)) < 0) {
        json_object_put(vars);
        return rc;
    }
    list = json_object_new_object();
    items = json_object_new_array();
    json_object_object_add(list, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(list, "kind", json_object_new_string("List"));
    json_object_object_add(list, "metadata", json_object_new_object());
    json_object_object_add(list, "items", items);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = render_template(&tpls[i], vars, items, err);
    tenant_templates_free(tpls, n);
    json_object_put(vars);
    if (rc < 0) {
        json_object_put(list);
        return rc;
    }
    *out = list;
    return 0;
}
