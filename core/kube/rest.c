/*
 * rest.c - the Kubernetes verbs over transport.c.
 *
 * Every verb reduces to kube_request_json(): build the path from the
 * resource table, serialise the body, and parse a JSON answer.  List pages
 * are merged here so callers see one list, with the list resourceVersion of
 * the first page (it is the same on every page; see contract 3.1).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rest.h"

#define PATH_MAX_LEN 2048
#define DEFAULT_PAGE 500

/* ---- object accessors ----------------------------------------------- */

const char *kube_object_str(struct json_object *obj, const char *path)
{
    char key[128];
    const char *dot;
    struct json_object *cur = obj;

    while (cur && path && *path) {
        dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof(key))
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        if (!json_object_is_type(cur, json_type_object) ||
            !json_object_object_get_ex(cur, key, &cur))
            return NULL;
        path = dot ? dot + 1 : NULL;
    }
    return cur && json_object_is_type(cur, json_type_string) ? json_object_get_string(cur) : NULL;
}

static const char *meta_entry(struct json_object *obj, const char *section, const char *key)
{
    struct json_object *meta, *sec, *v;
    if (obj && json_object_object_get_ex(obj, "metadata", &meta) &&
        json_object_object_get_ex(meta, section, &sec) && json_object_object_get_ex(sec, key, &v) &&
        json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

const char *kube_object_label(struct json_object *obj, const char *key)
{
    return meta_entry(obj, "labels", key);
}

const char *kube_object_annotation(struct json_object *obj, const char *key)
{
    return meta_entry(obj, "annotations", key);
}

const char *kube_object_name(struct json_object *obj)
{
    return kube_object_str(obj, "metadata.name");
}

const char *kube_object_namespace(struct json_object *obj)
{
    return kube_object_str(obj, "metadata.namespace");
}

const char *kube_object_rv(struct json_object *obj)
{
    return kube_object_str(obj, "metadata.resourceVersion");
}

const struct kube_resource *kube_object_resource(struct json_object *obj, struct os_error *err)
{
    const char *api = kube_object_str(obj, "apiVersion");
    const char *kind = kube_object_str(obj, "kind");
    const struct kube_resource *r;

    if (!api || !kind) {
        os_error_set(err, OS_ERR_INVALID, "object has no apiVersion or kind");
        return NULL;
    }
    r = kube_resource_by_kind(api, kind);
    if (!r)
        os_error_set(err, OS_ERR_INVALID, "unknown resource %s %s", api, kind);
    return r;
}

/* ---- requests ------------------------------------------------------- */

struct json_call {
    kube_json_fn done;
    void *userdata;
};

/* Parse a 2xx body; a body that is not JSON is an error, an empty one is
 * answered with NULL and no error (some DELETEs). */
struct json_object *kube_response_json(const struct kube_response *resp, struct os_error *err)
{
    struct json_tokener *tok;
    struct json_object *obj;

    if (!resp->body || resp->len == 0)
        return NULL;
    tok = json_tokener_new_ex(128);
    if (!tok) {
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    obj = resp->len < (size_t)INT32_MAX
              ? json_tokener_parse_ex(tok, resp->body, (int)resp->len) : NULL;
    if (!obj || json_tokener_get_error(tok) != json_tokener_success)
        os_error_set(err, OS_ERR_PARSE, "the server answered HTTP %ld with a body that is not JSON",
                     resp->status);
    json_tokener_free(tok);
    return obj;
}

static void json_done(void *ud, struct kube_response *resp)
{
    struct json_call *jc = ud;
    struct os_error err = resp->err;
    struct json_object *obj = NULL;

    if (!err.code)
        obj = kube_response_json(resp, &err);
    if (err.code) {
        json_object_put(obj);
        obj = NULL;
    }
    jc->done(jc->userdata, obj, &err);
    json_object_put(obj);
    free(jc);
}

static void fill_spec(struct kube_call_spec *spec, const char *method, const char *path,
                      const char *content_type, const char *body)
{
    memset(spec, 0, sizeof(*spec));
    spec->method = method;
    spec->path = path;
    if (body) {
        spec->content_type = content_type ? content_type : "application/json";
        spec->body = body;
        spec->body_len = strlen(body);
    }
}

struct kube_call *kube_request_json_start(struct kube_client *c, const char *method,
                                          const char *path, const char *content_type,
                                          struct json_object *body, kube_json_fn done,
                                          void *userdata, struct os_error *err)
{
    struct kube_call_spec spec;
    struct json_call *jc = malloc(sizeof(*jc));
    struct kube_call *call;

    if (!jc) {
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    jc->done = done;
    jc->userdata = userdata;
    fill_spec(&spec, method, path, content_type,
              body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL);
    spec.on_done = json_done;
    spec.on_cancel = free;   /* jc is ours: a cancelled call must not leak it */
    spec.userdata = jc;
    call = kube_call_start(c, &spec, err);
    if (!call)
        free(jc);
    return call;
}

int kube_request_json(struct kube_client *c, const char *method, const char *path,
                      const char *content_type, struct json_object *body,
                      struct json_object **out, struct os_error *err)
{
    struct kube_call_spec spec;
    struct kube_response resp;
    struct json_object *obj;
    int rc;

    if (out)
        *out = NULL;
    fill_spec(&spec, method, path, content_type,
              body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL);
    rc = kube_client_call(c, &spec, &resp, err);
    if (rc == 0) {
        os_error_clear(err);
        obj = kube_response_json(&resp, err);
        if (err && err->code)
            rc = err->code;
        if (out && rc == 0)
            *out = obj;
        else
            json_object_put(obj);
    }
    kube_response_clear(&resp);
    return rc;
}

/* ---- verbs ---------------------------------------------------------- */

static int object_path(struct json_object *obj, int with_name, char *buf, size_t len,
                       const struct kube_resource **rout, struct os_error *err)
{
    const struct kube_resource *r = kube_object_resource(obj, err);
    const char *name = kube_object_name(obj);
    const char *ns = kube_object_namespace(obj);

    if (!r)
        return err ? err->code : OS_ERR_INVALID;
    if (with_name && !name)
        return os_error_set(err, OS_ERR_INVALID, "%s has no metadata.name", r->kind);
    if (rout)
        *rout = r;
    return kube_resource_path(r, r->namespaced ? ns : NULL, with_name ? name : NULL, NULL,
                              buf, len, err);
}

int kube_get(struct kube_client *c, const struct kube_resource *r, const char *ns,
             const char *name, struct json_object **out, struct os_error *err)
{
    char path[PATH_MAX_LEN];
    int rc = kube_resource_path(r, ns, name, NULL, path, sizeof(path), err);
    return rc < 0 ? rc : kube_request_json(c, "GET", path, NULL, NULL, out, err);
}

struct kube_call *kube_get_start(struct kube_client *c, const struct kube_resource *r,
                                 const char *ns, const char *name, kube_json_fn done,
                                 void *userdata, struct os_error *err)
{
    char path[PATH_MAX_LEN];
    if (kube_resource_path(r, ns, name, NULL, path, sizeof(path), err) < 0)
        return NULL;
    return kube_request_json_start(c, "GET", path, NULL, NULL, done, userdata, err);
}

static void append_query(char *buf, size_t len, const char *key, const char *value)
{
    size_t pos = strlen(buf);
    char esc[1024];

    if (!value || !*value)
        return;
    kube_url_escape(value, esc, sizeof(esc));
    snprintf(buf + pos, len - pos, "%s%s=%s", strchr(buf, '?') ? "&" : "?", key, esc);
}

/* Move the items of page into list (steals references). */
static void take_items(struct json_object *list, struct json_object *page, int max_items)
{
    struct json_object *dst, *src;

    if (!json_object_object_get_ex(list, "items", &dst) || !json_object_is_type(dst, json_type_array) ||
        !json_object_object_get_ex(page, "items", &src) || !json_object_is_type(src, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(src); i++) {
        if (max_items && (int)json_object_array_length(dst) >= max_items)
            break;
        json_object_array_add(dst, json_object_get(json_object_array_get_idx(src, i)));
    }
}

static int list_len(struct json_object *list)
{
    struct json_object *items;
    if (!json_object_object_get_ex(list, "items", &items) ||
        !json_object_is_type(items, json_type_array))
        return 0;
    return (int)json_object_array_length(items);
}

int kube_list(struct kube_client *c, const struct kube_resource *r, const char *ns,
              const struct kube_list_opts *opts, struct json_object **out,
              struct os_error *err)
{
    static const struct kube_list_opts none = {0};
    char base[PATH_MAX_LEN], path[PATH_MAX_LEN + 1200], limit[16];
    struct json_object *list = NULL, *meta;
    char *cont = NULL;
    int rc;

    *out = NULL;
    opts = opts ? opts : &none;
    if ((rc = kube_resource_path(r, ns, NULL, NULL, base, sizeof(base), err)) < 0)
        return rc;
    snprintf(limit, sizeof(limit), "%d", opts->page_size > 0 ? opts->page_size : DEFAULT_PAGE);
    append_query(base, sizeof(base), "labelSelector", opts->label_selector);
    append_query(base, sizeof(base), "fieldSelector", opts->field_selector);
    append_query(base, sizeof(base), "limit", limit);
    do {
        struct json_object *page = NULL;
        const char *next;

        snprintf(path, sizeof(path), "%s", base);
        append_query(path, sizeof(path), "continue", cont);
        free(cont);
        cont = NULL;
        rc = kube_request_json(c, "GET", path, NULL, NULL, &page, err);
        if (rc == 0 && !page)
            rc = os_error_set(err, OS_ERR_PARSE, "empty list response");
        if (rc < 0) {
            json_object_put(list);
            return rc;
        }
        if (!list)
            list = json_object_get(page);
        else
            take_items(list, page, opts->max_items);
        next = kube_object_str(page, "metadata.continue");
        if (next && *next && !(opts->max_items && list_len(list) >= opts->max_items))
            cont = strdup(next);
        json_object_put(page);
    } while (cont);
    if (json_object_object_get_ex(list, "metadata", &meta))
        json_object_object_del(meta, "continue");
    *out = list;
    return 0;
}

int kube_create(struct kube_client *c, struct json_object *obj, const char *field_validation,
                struct json_object **out, struct os_error *err)
{
    char path[PATH_MAX_LEN];
    int rc = object_path(obj, 0, path, sizeof(path) - 64, NULL, err);
    if (rc < 0)
        return rc;
    append_query(path, sizeof(path), "fieldManager", KUBE_FIELD_MANAGER);
    append_query(path, sizeof(path), "fieldValidation", field_validation);
    return kube_request_json(c, "POST", path, "application/json", obj, out, err);
}

int kube_replace(struct kube_client *c, struct json_object *obj, struct json_object **out,
                 struct os_error *err)
{
    char path[PATH_MAX_LEN];
    int rc = object_path(obj, 1, path, sizeof(path), NULL, err);
    return rc < 0 ? rc : kube_request_json(c, "PUT", path, "application/json", obj, out, err);
}

int kube_merge_patch(struct kube_client *c, const struct kube_resource *r, const char *ns,
                     const char *name, struct json_object *patch, struct json_object **out,
                     struct os_error *err)
{
    char path[PATH_MAX_LEN];
    int rc = kube_resource_path(r, ns, name, NULL, path, sizeof(path), err);
    return rc < 0 ? rc : kube_request_json(c, "PATCH", path, "application/merge-patch+json",
                                           patch, out, err);
}

static int apply_path(struct json_object *obj, const char *field_manager, int force,
                      char *path, size_t len, struct os_error *err)
{
    int rc = object_path(obj, 1, path, len - 160, NULL, err);
    if (rc < 0)
        return rc;
    append_query(path, len, "fieldManager", field_manager ? field_manager : KUBE_FIELD_MANAGER);
    append_query(path, len, "fieldValidation", "Strict");
    if (force)
        append_query(path, len, "force", "true");
    return 0;
}

int kube_apply(struct kube_client *c, struct json_object *obj, const char *field_manager,
               int force, struct json_object **out, struct os_error *err)
{
    char path[PATH_MAX_LEN];
    int rc = apply_path(obj, field_manager, force, path, sizeof(path), err);
    return rc < 0 ? rc : kube_request_json(c, "PATCH", path, "application/apply-patch+yaml",
                                           obj, out, err);
}

struct kube_call *kube_apply_start(struct kube_client *c, struct json_object *obj,
                                   const char *field_manager, int force, kube_json_fn done,
                                   void *userdata, struct os_error *err)
{
    char path[PATH_MAX_LEN];
    if (apply_path(obj, field_manager, force, path, sizeof(path), err) < 0)
        return NULL;
    return kube_request_json_start(c, "PATCH", path, "application/apply-patch+yaml", obj,
                                   done, userdata, err);
}

int kube_delete(struct kube_client *c, const struct kube_resource *r, const char *ns,
                const char *name, const char *propagation, struct json_object **out,
                struct os_error *err)
{
    char path[PATH_MAX_LEN];
    int rc = kube_resource_path(r, ns, name, NULL, path, sizeof(path) - 64, err);
    if (rc < 0)
        return rc;
    append_query(path, sizeof(path), "propagationPolicy", propagation);
    return kube_request_json(c, "DELETE", path, NULL, NULL, out, err);
}
