/*
 * patch.c - JSON merge patch (RFC 7386) and JSON patch (RFC 6902).
 *
 * Both work on deep copies and return a new tree; the stored object is never
 * touched.  Strategic merge patch (built-in types) is the merge patch plus
 * the parts kubectl relies on: lists of objects merged by their patch merge
 * key for the common fields (containers and env by name, ports by
 * containerPort or port, volumeMounts by mountPath, ...), "$patch":
 * "delete"/"replace" in maps and list items, $deleteFromPrimitiveList, and
 * the ordering directives ($setElementOrder, $retainKeys) dropped.
 * JSON patch supports add, remove, replace, move, copy and test, with JSON
 * pointers (RFC 6901, "~0" and "~1" escapes, "-" for the array end).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* A deep copy of o: a new tree the caller puts. */
static json_object *copy_of(json_object *o)
{
    json_object *c = NULL;
    json_object_deep_copy(o, &c, NULL);
    return c;
}

/* Merge patch into target (ownership of target passes in; the result,
 * target itself or its replacement, is owned by the caller). */
static json_object *merge_into(json_object *target, json_object *patch)
{
    if (!json_object_is_type(patch, json_type_object)) {
        json_object_put(target);
        return copy_of(patch);
    }
    if (!json_object_is_type(target, json_type_object)) {
        json_object_put(target);
        target = json_object_new_object();
    }
    json_object_object_foreach(patch, key, val) {
        if (!val) {
            json_object_object_del(target, key);
            continue;
        }
        json_object *cur = NULL;
        json_object_object_get_ex(target, key, &cur);
        json_object *merged = merge_into(cur ? json_object_get(cur) : NULL, val);
        json_object_object_add(target, key, merged);
    }
    return target;
}

json_object *sim_merge_patch(json_object *target, json_object *patch)
{
    return merge_into(copy_of(target), patch);
}

/* ---- strategic merge patch ---- */

/* The patch merge key of a list field, or NULL for an atomic list.  Keyed
 * by field name: good enough for the core and apps types. */
static const char *merge_key(const char *field, json_object *list)
{
    static const char *keys[][2] = {
        {"containers", "name"}, {"initContainers", "name"}, {"ephemeralContainers", "name"},
        {"env", "name"}, {"volumes", "name"}, {"imagePullSecrets", "name"},
        {"volumeMounts", "mountPath"}, {"volumeDevices", "devicePath"}, {"hostAliases", "ip"},
        {"conditions", "type"}, {"ownerReferences", "uid"},
    };
    if (!strcmp(field, "ports")) {
        json_object *first = json_object_array_length(list) ? json_object_array_get_idx(list, 0) : NULL;
        return first && json_object_object_get_ex(first, "containerPort", NULL) ? "containerPort" : "port";
    }
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!strcmp(field, keys[i][0]))
            return keys[i][1];
    return NULL;
}

static json_object *strategic_into(json_object *target, json_object *patch);

static int same_key(json_object *a, json_object *b, const char *key)
{
    json_object *va, *vb;
    return json_object_is_type(a, json_type_object) && json_object_is_type(b, json_type_object) &&
           json_object_object_get_ex(a, key, &va) && json_object_object_get_ex(b, key, &vb) &&
           json_object_equal(va, vb);
}

/* Merge the patch list into the target list (owned) by key. */
static json_object *merge_list(json_object *target, json_object *patch, const char *key)
{
    if (!json_object_is_type(target, json_type_array)) {
        json_object_put(target);
        target = json_object_new_array();
    }
    size_t np = json_object_array_length(patch);
    for (size_t i = 0; i < np; i++) {
        json_object *pe = json_object_array_get_idx(patch, i);
        const char *directive = sim_json_str(pe, "$patch");
        size_t nt = json_object_array_length(target), j;
        for (j = 0; j < nt && !same_key(json_object_array_get_idx(target, j), pe, key); j++)
            ;
        if (directive && !strcmp(directive, "delete")) {
            if (j < nt)
                json_object_array_del_idx(target, j, 1);
        } else if (j < nt) {
            json_object *merged = strategic_into(json_object_get(json_object_array_get_idx(target, j)), pe);
            json_object_array_put_idx(target, j, merged);
        } else {
            json_object_array_add(target, strategic_into(NULL, pe));
        }
    }
    return target;
}

/* Remove the values listed in del from the primitive list o[field]. */
static void delete_from_primitive_list(json_object *o, const char *field, json_object *del)
{
    json_object *list;
    if (!json_object_object_get_ex(o, field, &list) || !json_object_is_type(list, json_type_array) ||
        !json_object_is_type(del, json_type_array))
        return;
    for (size_t i = json_object_array_length(list); i > 0; i--)
        for (size_t k = 0; k < json_object_array_length(del); k++)
            if (json_object_equal(json_object_array_get_idx(list, i - 1), json_object_array_get_idx(del, k))) {
                json_object_array_del_idx(list, i - 1, 1);
                break;
            }
}

/* Like merge_into(), with the strategic rules; same ownership. */
static json_object *strategic_into(json_object *target, json_object *patch)
{
    if (!json_object_is_type(patch, json_type_object)) {
        json_object_put(target);
        return copy_of(patch);
    }
    const char *directive = sim_json_str(patch, "$patch");
    if (directive && !strcmp(directive, "replace")) {
        json_object_put(target);
        target = NULL;
    }
    if (!json_object_is_type(target, json_type_object)) {
        json_object_put(target);
        target = json_object_new_object();
    }
    json_object_object_foreach(patch, key, val) {
        if (key[0] == '$') {
            if (!strncmp(key, "$deleteFromPrimitiveList/", 25))
                delete_from_primitive_list(target, key + 25, val);
            continue;     /* $patch, $setElementOrder/..., $retainKeys */
        }
        const char *vd = sim_json_str(val, "$patch");
        if (!val || (vd && !strcmp(vd, "delete"))) {
            json_object_object_del(target, key);
            continue;
        }
        json_object *cur = NULL;
        json_object_object_get_ex(target, key, &cur);
        const char *mk = json_object_is_type(val, json_type_array) ? merge_key(key, val) : NULL;
        json_object *merged = mk ? merge_list(cur ? json_object_get(cur) : NULL, val, mk)
                                 : strategic_into(cur ? json_object_get(cur) : NULL, val);
        json_object_object_add(target, key, merged);
    }
    return target;
}

json_object *sim_strategic_merge_patch(json_object *target, json_object *patch)
{
    return strategic_into(copy_of(target), patch);
}

/* Decode one pointer token (~1 -> /, ~0 -> ~) into buf. */
static void unescape_token(const char *s, size_t n, char *buf, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < len; i++) {
        if (s[i] == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
            buf[o++] = s[i + 1] == '0' ? '~' : '/';
            i++;
        } else {
            buf[o++] = s[i];
        }
    }
    buf[o] = '\0';
}

/* Resolve all but the last token of path; *last gets the last token.
 * Returns the parent container (borrowed) or NULL. */
static json_object *resolve_parent(json_object *root, const char *path, char *last, size_t len)
{
    char tok[512];
    json_object *cur = root;

    if (*path != '/')
        return NULL;
    const char *p = path + 1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        unescape_token(p, n, tok, sizeof(tok));
        if (!slash) {
            snprintf(last, len, "%s", tok);
            return cur;
        }
        json_object *next = NULL;
        if (json_object_is_type(cur, json_type_object)) {
            if (!json_object_object_get_ex(cur, tok, &next))
                return NULL;
        } else if (json_object_is_type(cur, json_type_array)) {
            char *end;
            long idx = strtol(tok, &end, 10);
            if (*end || idx < 0 || (size_t)idx >= json_object_array_length(cur))
                return NULL;
            next = json_object_array_get_idx(cur, (size_t)idx);
        } else {
            return NULL;
        }
        cur = next;
        p = slash + 1;
    }
}

/* The value at a JSON pointer (borrowed from root), or NULL. */
static json_object *get_at(json_object *root, const char *path)
{
    char last[512];
    if (!*path)
        return root;
    json_object *parent = resolve_parent(root, path, last, sizeof(last)), *v = NULL;
    if (!parent)
        return NULL;
    if (json_object_is_type(parent, json_type_object))
        return json_object_object_get_ex(parent, last, &v) ? v : NULL;
    if (json_object_is_type(parent, json_type_array)) {
        char *end;
        long idx = strtol(last, &end, 10);
        if (*end || idx < 0 || (size_t)idx >= json_object_array_length(parent))
            return NULL;
        return json_object_array_get_idx(parent, (size_t)idx);
    }
    return NULL;
}

/* Array index for add ("-" = append); -1 when invalid. */
static long array_index(json_object *arr, const char *tok, int for_add)
{
    size_t n = json_object_array_length(arr);
    if (for_add && !strcmp(tok, "-"))
        return (long)n;
    char *end;
    long idx = strtol(tok, &end, 10);
    if (!*tok || *end || idx < 0 || (size_t)idx > n || (!for_add && (size_t)idx == n))
        return -1;
    return idx;
}

/* Insert val (owned) at index idx of arr. */
static void array_insert(json_object *arr, size_t idx, json_object *val)
{
    size_t n = json_object_array_length(arr);
    json_object_array_add(arr, NULL);
    for (size_t i = n; i > idx; i--)
        json_object_array_put_idx(arr, i, json_object_get(json_object_array_get_idx(arr, i - 1)));
    json_object_array_put_idx(arr, idx, val);
}

static int op_remove(json_object *root, const char *path)
{
    char last[512];
    json_object *parent = resolve_parent(root, path, last, sizeof(last));
    if (!parent)
        return -1;
    if (json_object_is_type(parent, json_type_object)) {
        if (!json_object_object_get_ex(parent, last, NULL))
            return -1;
        json_object_object_del(parent, last);
        return 0;
    }
    if (json_object_is_type(parent, json_type_array)) {
        long idx = array_index(parent, last, 0);
        if (idx < 0)
            return -1;
        return json_object_array_del_idx(parent, (size_t)idx, 1);
    }
    return -1;
}

/* add/replace val (owned) at path. */
static int op_add(json_object *root, const char *path, json_object *val, int replace)
{
    char last[512];
    json_object *parent = resolve_parent(root, path, last, sizeof(last));
    if (!parent) {
        json_object_put(val);
        return -1;
    }
    if (json_object_is_type(parent, json_type_object)) {
        if (replace && !json_object_object_get_ex(parent, last, NULL)) {
            json_object_put(val);
            return -1;
        }
        json_object_object_add(parent, last, val);
        return 0;
    }
    if (json_object_is_type(parent, json_type_array)) {
        long idx = array_index(parent, last, !replace);
        if (idx < 0) {
            json_object_put(val);
            return -1;
        }
        if (replace)
            json_object_array_put_idx(parent, (size_t)idx, val);
        else
            array_insert(parent, (size_t)idx, val);
        return 0;
    }
    json_object_put(val);
    return -1;
}

static int apply_op(json_object *doc, json_object *op, char *msg, size_t len)
{
    const char *name = sim_json_str(op, "op"), *path = sim_json_str(op, "path");
    const char *from = sim_json_str(op, "from");
    json_object *value = NULL;
    int has_value = json_object_object_get_ex(op, "value", &value);

    if (!name || !path) {
        snprintf(msg, len, "json patch operation is missing \"op\" or \"path\"");
        return -1;
    }
    if (!*path && strcmp(name, "test")) {
        snprintf(msg, len, "json patch on the document root is not supported");
        return -1;
    }
    int rc = -1;
    if (!strcmp(name, "add") || !strcmp(name, "replace")) {
        if (!has_value) {
            snprintf(msg, len, "json patch %s operation has no value", name);
            return -1;
        }
        rc = op_add(doc, path, copy_of(value), !strcmp(name, "replace"));
    } else if (!strcmp(name, "remove")) {
        rc = op_remove(doc, path);
    } else if (!strcmp(name, "test")) {
        json_object *cur = get_at(doc, path);
        if (!cur || !json_object_equal(cur, value)) {
            snprintf(msg, len, "testing value %s failed: test failed", path);
            return -1;
        }
        rc = 0;
    } else if ((!strcmp(name, "move") || !strcmp(name, "copy")) && from) {
        json_object *src = get_at(doc, from);
        json_object *v = src ? copy_of(src) : NULL;
        if (v && !strcmp(name, "move") && op_remove(doc, from) < 0) {
            json_object_put(v);
            v = NULL;
        }
        rc = v ? op_add(doc, path, v, 0) : -1;
    } else {
        snprintf(msg, len, "Unexpected kind: %s", name);
        return -1;
    }
    if (rc < 0)
        snprintf(msg, len, "json patch %s operation does not apply: doc is missing path: \"%s\"", name, path);
    return rc;
}

json_object *sim_json_patch(json_object *target, json_object *ops, char *msg, size_t len)
{
    json_object *doc = copy_of(target);
    size_t n = json_object_array_length(ops);
    for (size_t i = 0; i < n; i++) {
        json_object *op = json_object_array_get_idx(ops, i);
        if (!json_object_is_type(op, json_type_object) || apply_op(doc, op, msg, len) < 0) {
            if (!json_object_is_type(op, json_type_object))
                snprintf(msg, len, "json patch operation %zu is not an object", i);
            json_object_put(doc);
            return NULL;
        }
    }
    return doc;
}
