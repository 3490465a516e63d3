/*
 * resource.h - the small table of Kubernetes resources odoo-saas knows, and
 * REST paths built from it.
 *
 * One row per resource: group, version, kind, plural, scope.  The client uses
 * it to turn apiVersion/kind/namespace/name into a URL path; the simulator
 * uses the same rows to route requests and to answer discovery, so the two
 * cannot disagree about a path.
 */
#ifndef KUBE_RESOURCE_H
#define KUBE_RESOURCE_H

#include <stddef.h>

#include "error.h"

struct kube_resource {
    const char *group;       /* "" for the core group */
    const char *version;     /* "v1", "v1beta1", ... */
    const char *kind;        /* "Deployment" */
    const char *plural;      /* "deployments" */
    const char *singular;    /* "deployment" */
    const char *short_names; /* comma-separated kubectl short names, or "" */
    int namespaced;          /* 1 namespaced, 0 cluster-scoped */
    int read_only;           /* metrics: get/list/watch only */
    const char *verbs;       /* discovery verbs, comma-separated */
};

/* The table, terminated by a row whose kind is NULL.  Static; never freed. */
const struct kube_resource *kube_resources(void);

/* Look up by apiVersion ("apps/v1", "v1") and Kind.  NULL when unknown. */
const struct kube_resource *kube_resource_by_kind(const char *api_version,
                                                  const char *kind);

/* Look up by group, version and plural (the URL form).  NULL when unknown. */
const struct kube_resource *kube_resource_by_plural(const char *group,
                                                    const char *version,
                                                    const char *plural);

/* "apps/v1" or "v1" into buf; returns the length it needed (snprintf). */
size_t kube_resource_api_version(const struct kube_resource *r, char *buf, size_t len);

/* "deployments.apps" or "namespaces": the qualified resource used in
 * Status messages. */
size_t kube_resource_qualified(const struct kube_resource *r, char *buf, size_t len);

/* Build the REST path for r into buf:
 *   namespace NULL and name NULL  -> collection across all namespaces
 *   name NULL                     -> collection in namespace
 *   name set                      -> the item; subresource ("status", "log")
 *                                    may be appended.
 * Names and namespaces are percent-encoded.  A namespaced resource with a
 * name but no namespace, or a cluster-scoped resource given a namespace, is
 * OS_ERR_INVALID.  Returns 0, or OS_ERR_LIMIT when buf is too small. */
int kube_resource_path(const struct kube_resource *r, const char *namespace,
                       const char *name, const char *subresource,
                       char *buf, size_t len, struct os_error *err);

/* Percent-encode s for a URL query value into buf (RFC 3986 unreserved
 * characters kept).  Returns the length it needed, like snprintf. */
size_t kube_url_escape(const char *s, char *buf, size_t len);

#endif
