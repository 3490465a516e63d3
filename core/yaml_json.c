/*
 * yaml_json.c - YAML to json-c through libyaml's event parser.
 *
 * Events build the tree bottom-up on an explicit stack: a mapping or
 * sequence is pushed when it opens and attached to its parent when it
 * closes; a scalar is a key when its mapping is waiting for one, else a
 * value.  Anchors keep one reference to their finished node, and an alias
 * attaches another reference to the same node, so a "billion laughs" input
 * costs no memory here (callers that serialise must still bound output).
 *
 * Typed mode follows the YAML 1.2 core schema for plain scalars; quoted and
 * tagged scalars stay strings, which is what Kubernetes manifests expect
 * ("17.0" quoted is a string, 8069 plain is a number).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "yaml_json.h"

#define YAML_DEPTH_MAX 64
#define YAML_ANCHORS_MAX 256
#define YAML_TEXT_MAX ((size_t)16 << 20)

static int nomem(struct os_error *err)
{
    return os_error_set(err, OS_ERR_NOMEM, "out of memory");
}

static int all_match(const char *v, size_t n, const char *set, size_t from)
{
    if (from >= n)
        return 0;
    for (size_t i = from; i < n; i++)
        if (!strchr(set, v[i]))
            return 0;
    return 1;
}

/* A JSON number for a core-schema float, or NULL (inf/nan stay strings). */
static int is_float(const char *v, size_t n)
{
    size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
    int digits = 0, dot = 0;

    for (; i < n && (v[i] == '.' || (v[i] >= '0' && v[i] <= '9')); i++) {
        if (v[i] == '.' && dot++)
            return 0;
        digits += v[i] != '.';
    }
    if (!digits)
        return 0;
    if (i < n && (v[i] == 'e' || v[i] == 'E')) {
        i++;
        if (i < n && (v[i] == '-' || v[i] == '+'))
            i++;
        if (!all_match(v, n, "0123456789", i))
            return 0;
        return 1;
    }
    return i == n && dot;
}

static json_object *int_node(const char *v, size_t n, int base)
{
    char buf[72];
    char *end;
    long long x;

    if (n >= sizeof(buf))
        return NULL;
    memcpy(buf, v, n);
    buf[n] = '\0';
    errno = 0;
    x = strtoll(buf, &end, base);
    if (errno || *end)
        return NULL;
    return json_object_new_int64(x);
}

/* The value of a plain scalar under the core schema (NULL: a JSON null). */
static json_object *typed_scalar(const char *v, size_t n)
{
    json_object *num;

    if (n == 0 || (n == 1 && v[0] == '~') || (n == 4 && (!strcmp(v, "null") ||
        !strcmp(v, "Null") || !strcmp(v, "NULL"))))
        return NULL;
    if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
        return json_object_new_boolean(1);
    if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
        return json_object_new_boolean(0);
    if (n > 2 && v[0] == '0' && v[1] == 'x' && all_match(v, n, "0123456789abcdefABCDEF", 2))
        return (num = int_node(v + 2, n - 2, 16)) ? num : json_object_new_string_len(v, (int)n);
    if (n > 2 && v[0] == '0' && v[1] == 'o' && all_match(v, n, "01234567", 2))
        return (num = int_node(v + 2, n - 2, 8)) ? num : json_object_new_string_len(v, (int)n);
    if (all_match(v, n, "0123456789", (v[0] == '-' || v[0] == '+') ? 1 : 0))
        return (num = int_node(v, n, 10)) ? num : json_object_new_string_len(v, (int)n);
    if (is_float(v, n))
        return json_object_new_double_s(strtod(v, NULL), v);
    return json_object_new_string_len(v, (int)n);
}

struct yaml_anchor {
    char *name;
    json_object *node;          /* one reference held */
};

struct yaml_build {
    const char *name;                       /* file name for messages */
    const char *what;                       /* "kubeconfig", "template" */
    int typed;                              /* core-schema plain scalars */
    int refuse_aliases;
    json_object *stack[YAML_DEPTH_MAX];     /* open mappings and sequences */
    char *anchor[YAML_DEPTH_MAX];           /* anchor of each open node */
    char *key[YAML_DEPTH_MAX];              /* pending key of an open mapping */
    int depth;
    json_object *root;
    struct yaml_anchor anchors[YAML_ANCHORS_MAX];
    int nanchors;
};

static void yb_free(struct yaml_build *b)
{
    for (int i = 0; i < b->depth; i++) {
        json_object_put(b->stack[i]);
        free(b->anchor[i]);
        free(b->key[i]);
    }
    for (int i = 0; i < b->nanchors; i++) {
        free(b->anchors[i].name);
        json_object_put(b->anchors[i].node);
    }
    json_object_put(b->root);
    memset(b, 0, sizeof(*b));
}

static int yb_error(struct yaml_build *b, const yaml_mark_t *m, int code,
                    const char *what, struct os_error *err)
{
    return os_error_set(err, code, "%s %s: line %zu: %s", b->what, b->name,
                        (size_t)m->line + 1, what);
}

/* Is the next scalar a mapping key? */
static int yb_want_key(const struct yaml_build *b)
{
    return b->depth > 0 && json_object_is_type(b->stack[b->depth - 1], json_type_object)
           && !b->key[b->depth - 1];
}

static int yb_anchor(struct yaml_build *b, const char *name, json_object *node,
                     const yaml_mark_t *m, struct os_error *err)
{
    struct yaml_anchor *a;

    if (!name)
        return 0;
    if (b->nanchors == YAML_ANCHORS_MAX)
        return yb_error(b, m, OS_ERR_LIMIT, "too many anchors", err);
    a = &b->anchors[b->nanchors];
    if (!(a->name = strdup(name)))
        return nomem(err);
    a->node = json_object_get(node);
    b->nanchors++;
    return 0;
}

/* Attach a finished node (one reference, taken over) to its parent. */
static int yb_add(struct yaml_build *b, json_object *node, const char *anchor,
                  const yaml_mark_t *m, struct os_error *err)
{
    json_object *parent;
    int rc;

    if ((rc = yb_anchor(b, anchor, node, m, err)) < 0) {
        json_object_put(node);
        return rc;
    }
    if (b->depth == 0) {
        json_object_put(b->root);
        b->root = node;
        return 0;
    }
    parent = b->stack[b->depth - 1];
    if (json_object_is_type(parent, json_type_array)) {
        rc = json_object_array_add(parent, node);
    } else {
        rc = json_object_object_add(parent, b->key[b->depth - 1], node);
        free(b->key[b->depth - 1]);
        b->key[b->depth - 1] = NULL;
    }
    if (rc != 0) {
        json_object_put(node);
        return nomem(err);
    }
    return 0;
}

/* YAML 1.1/1.2 plain nulls: "", "~", "null". */
static int yb_is_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;

    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return n == 0 || (n == 1 && v[0] == '~') || (n == 4 && (!strcmp(v, "null")
           || !strcmp(v, "Null") || !strcmp(v, "NULL")));
}

static int yb_scalar(struct yaml_build *b, const yaml_event_t *ev, struct os_error *err)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    json_object *node = NULL;

    if (yb_want_key(b)) {
        if (!(b->key[b->depth - 1] = strndup(v, n)))
            return nomem(err);
        return 0;
    }
    if (b->typed && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag)
        node = typed_scalar(v, n);
    else if (!yb_is_null(ev))
        node = json_object_new_string_len(v, (int)n);
    if (!node && !yb_is_null(ev))
        return nomem(err);
    return yb_add(b, node, (const char *)ev->data.scalar.anchor, &ev->start_mark, err);
}

static int yb_alias(struct yaml_build *b, const yaml_event_t *ev, struct os_error *err)
{
    const char *name = (const char *)ev->data.alias.anchor;
    json_object *node;
    int i;

    for (i = b->nanchors - 1; i >= 0; i--)
        if (!strcmp(b->anchors[i].name, name))
            break;
    if (i < 0)
        return yb_error(b, &ev->start_mark, OS_ERR_PARSE,
                        "alias to an unknown (or unfinished) anchor", err);
    node = b->anchors[i].node;
    if (yb_want_key(b)) {
        if (!json_object_is_type(node, json_type_string))
            return yb_error(b, &ev->start_mark, OS_ERR_PARSE,
                            "only a string can be a mapping key", err);
        if (!(b->key[b->depth - 1] = strdup(json_object_get_string(node))))
            return nomem(err);
        return 0;
    }
    return yb_add(b, json_object_get(node), NULL, &ev->start_mark, err);
}

static int yb_open(struct yaml_build *b, const yaml_event_t *ev, json_object *node,
                   const yaml_char_t *anchor, struct os_error *err)
{
    int rc = 0;

    if (!node)
        return nomem(err);
    if (yb_want_key(b))
        rc = yb_error(b, &ev->start_mark, OS_ERR_PARSE,
                      "only a string can be a mapping key", err);
    else if (b->depth == YAML_DEPTH_MAX)
        rc = yb_error(b, &ev->start_mark, OS_ERR_LIMIT, "nested too deeply", err);
    else if (anchor && !(b->anchor[b->depth] = strdup((const char *)anchor)))
        rc = nomem(err);
    if (rc < 0) {
        json_object_put(node);
        return rc;
    }
    b->stack[b->depth++] = node;
    return 0;
}

static int yb_close(struct yaml_build *b, const yaml_event_t *ev, struct os_error *err)
{
    int d = --b->depth;
    json_object *node = b->stack[d];
    char *anchor = b->anchor[d];
    int rc;

    b->stack[d] = NULL;
    b->anchor[d] = NULL;
    free(b->key[d]);            /* only set if the parser misbehaved */
    b->key[d] = NULL;
    rc = yb_add(b, node, anchor, &ev->start_mark, err);
    free(anchor);
    return rc;
}

static int yb_event(struct yaml_build *b, const yaml_event_t *ev, struct os_error *err)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return yb_scalar(b, ev, err);
    case YAML_ALIAS_EVENT:
        if (b->refuse_aliases)
            return yb_error(b, &ev->start_mark, OS_ERR_PARSE, "aliases are not allowed", err);
        return yb_alias(b, ev, err);
    case YAML_MAPPING_START_EVENT:
        return yb_open(b, ev, json_object_new_object(), ev->data.mapping_start.anchor, err);
    case YAML_SEQUENCE_START_EVENT:
        return yb_open(b, ev, json_object_new_array(), ev->data.sequence_start.anchor, err);
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        return b->depth > 0 ? yb_close(b, ev, err) : 0;
    default:
        return 0;
    }
}

/* libyaml's own description, with the line (marks are 0-based). */
static int yaml_parse_error(const yaml_parser_t *p, const char *what, const char *name,
                            struct os_error *err)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";

    if (p->error == YAML_MEMORY_ERROR)
        return nomem(err);
    if (p->error == YAML_READER_ERROR)
        return os_error_set(err, OS_ERR_PARSE, "%s %s: byte %zu: %s", what, name,
                            p->problem_offset, problem);
    if (p->context)
        return os_error_set(err, OS_ERR_PARSE, "%s %s: line %zu: %s (%s at line %zu)",
                            what, name, p->problem_mark.line + 1, problem, p->context,
                            p->context_mark.line + 1);
    return os_error_set(err, OS_ERR_PARSE, "%s %s: line %zu: %s", what, name,
                        p->problem_mark.line + 1, problem);
}

/* Move a finished document into the result. */
static int take_document(struct yaml_build *b, const struct yaml_json_opts *o,
                         json_object **out, int *done, struct os_error *err)
{
    json_object *doc = b->root;

    b->root = NULL;
    if (!o->all_documents) {
        *out = doc;
        *done = 1;
        return 0;
    }
    if (!doc)
        return 0;   /* empty documents ("---" alone) are skipped */
    if (json_object_array_add(*out, doc) != 0) {
        json_object_put(doc);
        return nomem(err);
    }
    return 0;
}

int yaml_json_parse(const char *name, const char *text, size_t len,
                    const struct yaml_json_opts *opts, struct json_object **out,
                    struct os_error *err)
{
    static const struct yaml_json_opts defaults = {.what = "yaml"};
    const struct yaml_json_opts *o = opts ? opts : &defaults;
    const char *what = o->what ? o->what : "yaml";
    yaml_parser_t p;
    yaml_event_t ev;
    struct yaml_build *b;
    int rc = 0, done = 0;

    *out = NULL;
    if (len > YAML_TEXT_MAX)
        return os_error_set(err, OS_ERR_LIMIT, "%s %s: larger than %zu bytes", what, name,
                            YAML_TEXT_MAX);
    if (o->all_documents && !(*out = json_object_new_array()))
        return nomem(err);
    if (!(b = calloc(1, sizeof(*b))) || !yaml_parser_initialize(&p)) {
        free(b);
        json_object_put(*out);
        *out = NULL;
        return nomem(err);
    }
    b->name = name;
    b->what = what;
    b->typed = o->typed;
    b->refuse_aliases = o->refuse_aliases;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (!done && rc == 0) {
        if (!yaml_parser_parse(&p, &ev)) {
            rc = yaml_parse_error(&p, what, name, err);
            break;
        }
        if (ev.type == YAML_DOCUMENT_END_EVENT)
            rc = take_document(b, o, out, &done, err);
        else if (ev.type == YAML_STREAM_END_EVENT)
            done = 1;
        else
            rc = yb_event(b, &ev, err);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (rc < 0) {
        json_object_put(*out);
        *out = NULL;
    }
    yb_free(b);
    free(b);
    return rc;
}
