/*
 * delete.c - delete a tenant's namespace and follow it until it is gone.
 *
 * The namespace controller removes the content; we only ask and watch.  The
 * wait polls GET on the namespace (cheap, and works through any proxy),
 * reporting the NamespaceContentRemaining / NamespaceFinalizersRemaining
 * conditions when they change, so a stuck deletion says why.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "delete.h"
#include "kube/rest.h"
#include "spec.h"

#define POLL_MS 500

const char *tenant_namespace_holding(struct json_object *ns)
{
    struct json_object *st, *conds;
    if (!json_object_object_get_ex(ns, "status", &st) ||
        !json_object_object_get_ex(st, "conditions", &conds) ||
        !json_object_is_type(conds, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(conds); i++) {
        struct json_object *c = json_object_array_get_idx(conds, i);
        if (!strcmp(kube_object_str(c, "status") ?: "", "True"))
            return kube_object_str(c, "message");
    }
    return NULL;
}

static void not_found(const char *id, struct os_error *err)
{
    os_error_set(err, OS_ERR_API, "tenant \"%s\" not found", id);
    snprintf(err->reason, sizeof(err->reason), "NotFound");
    err->http_status = 404;
}

static int follow(struct kube_client *c, const char *id, const char *ns, int wait_seconds,
                  tenant_progress_fn progress, void *ud, struct os_error *err)
{
    const struct kube_resource *r = kube_resource_by_kind("v1", "Namespace");
    time_t deadline = time(NULL) + wait_seconds;
    char last[512] = "";

    for (;;) {
        struct json_object *obj = NULL;
        int rc = kube_get(c, r, NULL, ns, &obj, err);
        if (rc < 0 && os_error_is(err, "NotFound")) {
            os_error_clear(err);
            if (progress)
                progress(ud, "namespace is gone");
            return 0;
        }
        if (rc < 0)
            return rc;
        const char *why = tenant_namespace_holding(obj);
        if (why && strcmp(why, last) && progress)
            progress(ud, why);
        snprintf(last, sizeof(last), "%s", why ? why : "");
        json_object_put(obj);
        if (time(NULL) >= deadline)
            return os_error_set(err, OS_ERR_LIMIT, "tenant \"%s\" is still terminating after %d s%s%s",
                                id, wait_seconds, last[0] ? ": " : "", last);
        kube_client_wait(c, POLL_MS, NULL, 0);
    }
}

int tenant_delete(struct kube_client *c, const char *id, int wait_seconds,
                  tenant_progress_fn progress, void *userdata, struct os_error *err)
{
    const struct kube_resource *r = kube_resource_by_kind("v1", "Namespace");
    struct json_object *ns = NULL;
    char name[64];
    int rc, terminating;

    if ((rc = tenant_id_validate(id, err)) < 0)
        return rc;
    snprintf(name, sizeof(name), "tenant-%s", id);
    rc = kube_get(c, r, NULL, name, &ns, err);
    if (rc < 0 && os_error_is(err, "NotFound"))
        not_found(id, err);
    if (rc < 0)
        return rc;
    if (strcmp(kube_object_label(ns, "app.kubernetes.io/managed-by") ?: "", "odoo-saas") ||
        strcmp(kube_object_label(ns, "odoo-saas.io/tenant") ?: "", id)) {
        json_object_put(ns);
        return os_error_set(err, OS_ERR_INVALID,
                            "namespace %s is not an odoo-saas tenant; not deleting it", name);
    }
    terminating = kube_object_str(ns, "metadata.deletionTimestamp") != NULL;
    json_object_put(ns);
    if (!terminating) {
        rc = kube_delete(c, r, NULL, name, "Foreground", NULL, err);
        if (rc < 0 && os_error_is(err, "NotFound")) {
            not_found(id, err);
            return rc;
        }
        /* Someone else got there first: it is terminating, which is the goal. */
        if (rc < 0 && !os_error_is(err, "Conflict"))
            return rc;
    }
    if (progress)
        progress(userdata, terminating ? "tenant is already being deleted" : "namespace deletion requested");
    return wait_seconds > 0 ? follow(c, id, name, wait_seconds, progress, userdata, err) : 0;
}
