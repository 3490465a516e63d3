/*
 * delete.h - take a tenant away: its namespace, and everything in it.
 */
#ifndef TENANT_DELETE_H
#define TENANT_DELETE_H

#include <json-c/json.h>

#include "apply.h"
#include "error.h"
#include "kube/transport.h"

/* Delete the namespace of tenant id (propagation Foreground).  Only
 * namespaces labelled as odoo-saas tenants are touched.  wait_seconds > 0
 * follows it through Terminating until it is gone, reporting the
 * namespace's conditions through progress; past the deadline it fails with
 * what is still holding it.  Deleting a tenant already terminating is not
 * an error (it waits the same way). */
/* What keeps a Terminating namespace: the message of its first condition
 * with status True (NamespaceContentRemaining, ...), or NULL.  Borrowed. */
const char *tenant_namespace_holding(struct json_object *ns);

int tenant_delete(struct kube_client *c, const char *id, int wait_seconds,
                  tenant_progress_fn progress, void *userdata, struct os_error *err);

#endif
