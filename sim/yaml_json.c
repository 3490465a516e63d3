/*
 * yaml_json.c - one YAML document (or JSON text) of a request body into a
 * json-c tree.
 *
 * Request bodies for apply are YAML or JSON ("all JSON documents are valid
 * YAML"); JSON is tried first with json-c's strict tokener (the common case,
 * and its error messages are the ones clients expect), anything else goes
 * through the core's YAML converter (core/yaml_json.c) with typed plain
 * scalars and aliases refused, nesting bounded, so untrusted input cannot
 * blow up memory or the stack.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "yaml_json.h"

#define MAX_DEPTH 64

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
    {
        /* Kubernetes' YAML: typed plain scalars, and no aliases (a request
         * body is untrusted and its tree is serialised again later). */
        struct yaml_json_opts o = {.what = "body", .typed = 1, .refuse_aliases = 1};
        struct os_error err;
        json_object *out = NULL;
        if (yaml_json_parse("request", text, len, &o, &out, &err) < 0) {
            snprintf(msg, msglen, "%s", err.message);
            return NULL;
        }
        if (!out)
            snprintf(msg, msglen, "empty document");
        return out;
    }
}
