/*
 * yaml_json.h - YAML text to json-c trees (libyaml's event parser).
 *
 * Everything in odoo-saas that reads YAML (kubeconfig, the configuration
 * file, tenant templates, server-side apply bodies in the simulator) goes
 * through here, so the limits are the same everywhere: bounded nesting and
 * anchors, aliases only to finished nodes (no cycles), and errors with the
 * line number libyaml reports.
 */
#ifndef OS_YAML_JSON_H
#define OS_YAML_JSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

struct yaml_json_opts {
    const char *what;      /* "kubeconfig", "template": the message prefix */
    /* 0: every scalar is a string (plain nulls are null).  1: plain scalars
     * follow the YAML 1.2 core schema: null, true/false, integers (decimal,
     * 0x, 0o), floats; quoted scalars stay strings. */
    int typed;
    /* 0: the first document only (like Go's yaml.Unmarshal).  1: every
     * non-empty document, returned as a JSON array. */
    int all_documents;
    /* 1: refuse aliases.  Anchored nodes are shared, not copied, so aliases
     * cost nothing here, but an untrusted document ("billion laughs") would
     * explode when the tree is later serialised. */
    int refuse_aliases;
};

/* Parse text; name is the file (or "<stdin>") for messages like
 * "template odoo.yaml: line 7: mapping values are not allowed here".
 * *out is new (NULL for an empty single document); the caller puts it. */
int yaml_json_parse(const char *name, const char *text, size_t len,
                    const struct yaml_json_opts *opts, struct json_object **out,
                    struct os_error *err);

#endif
