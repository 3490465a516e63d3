/*
 * rest.h - Kubernetes verbs on json-c objects.
 *
 * The path of every request comes from the resource table (resource.h):
 * an object's apiVersion and kind, or a resource row with a namespace and a
 * name.  Bodies and results are json-c objects; the caller owns what it
 * gets back (json_object_put).  Failures carry the server's Status in err.
 *
 * Blocking forms drive the client until the call ends; the *_start forms
 * return at once and report through a callback, for callers that keep many
 * requests in flight (tenant apply, the console).
 */
#ifndef KUBE_REST_H
#define KUBE_REST_H

#include <json-c/json.h>

#include "error.h"
#include "resource.h"
#include "transport.h"

#define KUBE_FIELD_MANAGER "odoo-saas"

struct kube_list_opts {
    const char *label_selector;   /* or NULL */
    const char *field_selector;   /* or NULL */
    int page_size;                /* limit per request; 0: 500 */
    int max_items;                /* stop after this many; 0: no bound */
};

/* The resource row for obj's apiVersion and kind, or NULL with err set. */
const struct kube_resource *kube_object_resource(struct json_object *obj, struct os_error *err);

/* Small accessors for metadata fields; borrowed strings, NULL when absent. */
const char *kube_object_name(struct json_object *obj);
const char *kube_object_namespace(struct json_object *obj);
const char *kube_object_rv(struct json_object *obj);
/* metadata.labels[key] and metadata.annotations[key] (keys hold dots, so
 * no dotted path); borrowed, NULL when absent or not a string. */
const char *kube_object_label(struct json_object *obj, const char *key);
const char *kube_object_annotation(struct json_object *obj, const char *key);
/* The string at a dotted path ("status.phase"), or NULL. Borrowed. */
const char *kube_object_str(struct json_object *obj, const char *path);

/* GET one object.  *out is new (caller puts it). */
int kube_get(struct kube_client *c, const struct kube_resource *r, const char *ns,
             const char *name, struct json_object **out, struct os_error *err);

/* LIST, following continue tokens; *out is a <Kind>List whose items hold
 * every page and whose metadata.resourceVersion is the list's.  ns NULL
 * lists across all namespaces. */
int kube_list(struct kube_client *c, const struct kube_resource *r, const char *ns,
              const struct kube_list_opts *opts, struct json_object **out,
              struct os_error *err);

/* POST obj to its collection.  field_validation: NULL, "Strict", "Warn". */
int kube_create(struct kube_client *c, struct json_object *obj, const char *field_validation,
                struct json_object **out, struct os_error *err);

/* PUT obj (its metadata.resourceVersion, when set, is a precondition). */
int kube_replace(struct kube_client *c, struct json_object *obj, struct json_object **out,
                 struct os_error *err);

/* PATCH with application/merge-patch+json. */
int kube_merge_patch(struct kube_client *c, const struct kube_resource *r, const char *ns,
                     const char *name, struct json_object *patch, struct json_object **out,
                     struct os_error *err);

/* Server-side apply of obj (apply-patch+yaml with a JSON body),
 * fieldManager field_manager (NULL: KUBE_FIELD_MANAGER), force as given,
 * fieldValidation=Strict. */
int kube_apply(struct kube_client *c, struct json_object *obj, const char *field_manager,
               int force, struct json_object **out, struct os_error *err);

/* DELETE with propagationPolicy (NULL: server default).  *out (when out is
 * not NULL) is what the server returned: the object while it terminates,
 * or a Status. */
int kube_delete(struct kube_client *c, const struct kube_resource *r, const char *ns,
                const char *name, const char *propagation, struct json_object **out,
                struct os_error *err);

/* Asynchronous forms.  obj in the callback is borrowed (NULL on failure);
 * err is the outcome (code 0 on success). */
typedef void (*kube_json_fn)(void *userdata, struct json_object *obj, const struct os_error *err);

struct kube_call *kube_apply_start(struct kube_client *c, struct json_object *obj,
                                   const char *field_manager, int force, kube_json_fn done,
                                   void *userdata, struct os_error *err);
struct kube_call *kube_get_start(struct kube_client *c, const struct kube_resource *r,
                                 const char *ns, const char *name, kube_json_fn done,
                                 void *userdata, struct os_error *err);

/* The JSON of a 2xx response body: new (caller puts it), NULL for an empty
 * body (no error) or for a body that is not JSON (OS_ERR_PARSE). */
struct json_object *kube_response_json(const struct kube_response *resp, struct os_error *err);

/* Any request with a JSON body or none, answered with JSON: the building
 * block of the verbs above.  path includes the query. */
int kube_request_json(struct kube_client *c, const char *method, const char *path,
                      const char *content_type, struct json_object *body,
                      struct json_object **out, struct os_error *err);
struct kube_call *kube_request_json_start(struct kube_client *c, const char *method,
                                          const char *path, const char *content_type,
                                          struct json_object *body, kube_json_fn done,
                                          void *userdata, struct os_error *err);

#endif
