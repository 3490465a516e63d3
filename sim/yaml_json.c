/*
 * yaml_json.c - one YAML document (or JSON text) into a json-c tree.
 *
 * Request bodies for apply are YAML or JSON ("all JSON documents are valid
 * YAML"); JSON is tried first with json-c's strict tokener, anything else
 * goes through libyaml's event parser.  Plain scalars are resolved the
 * YAML 1.1/Kubernetes way: null/~ and empty -> null, true/false -> bool,
 * integers -> int64, decimals -> double, anything else a string; quoted
 * scalars are always strings.  Aliases are refused and nesting is bounded,
 * so untrusted input cannot blow up memory or the stack.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sim.h"

#define MAX_DEPTH 64

static int is_int(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int is_float(const char *s)
{
    char *end;
    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s) || !strpbrk(s, "0123456789"))
        return 0;
    strtod(s, &end);
    return *end == '\0';
}

static json_object *scalar(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return json_object_new_string_len(v, (int)ev->data.scalar.length);
    if (!*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL"))
        return NULL;
    if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
        return json_object_new_boolean(1);
    if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
        return json_object_new_boolean(0);
    if (is_int(v))
        return json_object_new_int64(strtoll(v, NULL, 10));
    if (is_float(v))
        return json_object_new_double(strtod(v, NULL));
    return json_object_new_string_len(v, (int)ev->data.scalar.length);
}

struct yparser {
    yaml_parser_t p;
    char *msg;
    size_t msglen;
};

static int next(struct yparser *y, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&y->p, ev)) {
        snprintf(y->msg, y->msglen, "yaml: line %zu: %s", y->p.problem_mark.line + 1,
                 y->p.problem ? y->p.problem : "syntax error");
        return -1;
    }
    return 0;
}

/* Parse the node that starts with ev (consumed).  *out gets the value
 * (NULL is a valid null).  Returns 0 or -1. */
static int node(struct yparser *y, yaml_event_t *ev, json_object **out, int depth)
{
    *out = NULL;
    if (depth > MAX_DEPTH) {
        snprintf(y->msg, y->msglen, "yaml: nesting too deep");
        yaml_event_delete(ev);
        return -1;
    }
    if (ev->type == YAML_SCALAR_EVENT) {
        *out = scalar(ev);
        yaml_event_delete(ev);
        return 0;
    }
    if (ev->type == YAML_ALIAS_EVENT) {
        snprintf(y->msg, y->msglen, "yaml: aliases are not supported");
        yaml_event_delete(ev);
        return -1;
    }
    int map = ev->type == YAML_MAPPING_START_EVENT;
    if (!map && ev->type != YAML_SEQUENCE_START_EVENT) {
        snprintf(y->msg, y->msglen, "yaml: unexpected event");
        yaml_event_delete(ev);
        return -1;
    }
    yaml_event_delete(ev);
    json_object *c = map ? json_object_new_object() : json_object_new_array();
    for (;;) {
        yaml_event_t e;
        if (next(y, &e) < 0)
            goto fail;
        if (e.type == YAML_MAPPING_END_EVENT || e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            *out = c;
            return 0;
        }
        if (!map) {
            json_object *v;
            if (node(y, &e, &v, depth + 1) < 0)
                goto fail;
            json_object_array_add(c, v);
            continue;
        }
        if (e.type != YAML_SCALAR_EVENT) {
            snprintf(y->msg, y->msglen, "yaml: mapping keys must be scalars");
            yaml_event_delete(&e);
            goto fail;
        }
        char *key = strdup((const char *)e.data.scalar.value);
        yaml_event_delete(&e);
        json_object *v;
        if (!key || next(y, &e) < 0 || node(y, &e, &v, depth + 1) < 0) {
            free(key);
            goto fail;
        }
        json_object_object_add(c, key, v);
        free(key);
    }
fail:
    json_object_put(c);
    return -1;
}

static json_object *parse_yaml(const char *text, size_t len, char *msg, size_t msglen)
{
    struct yparser y = {.msg = msg, .msglen = msglen};
    yaml_event_t ev;
    json_object *out = NULL;
    int rc = -1;

    if (!yaml_parser_initialize(&y.p)) {
        snprintf(msg, msglen, "yaml: out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&y.p, (const unsigned char *)text, len);
    /* STREAM-START, DOCUMENT-START, node, DOCUMENT-END */
    for (;;) {
        if (next(&y, &ev) < 0)
            break;
        if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (ev.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            snprintf(msg, msglen, "yaml: empty document");
            break;
        }
        rc = node(&y, &ev, &out, 0);
        break;
    }
    yaml_parser_delete(&y.p);
    if (rc < 0) {
        json_object_put(out);
        return NULL;
    }
    if (!out)
        snprintf(msg, msglen, "yaml: the document is null");
    return out;
}

json_object *sim_yaml_to_json(const char *text, size_t len, char *msg, size_t msglen)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
        i++;
    if (i < len && (text[i] == '{' || text[i] == '[')) {
        struct json_tokener *tok = json_tokener_new_ex(MAX_DEPTH);
        json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
        enum json_tokener_error jerr = tok ? json_tokener_get_error(tok) : json_tokener_error_depth;
        if (o && jerr == json_tokener_success) {
            json_tokener_free(tok);
            return o;
        }
        snprintf(msg, msglen, "%s", json_tokener_error_desc(jerr));
        json_object_put(o);
        json_tokener_free(tok);
        return NULL;
    }
    return parse_yaml(text, len, msg, msglen);
}
