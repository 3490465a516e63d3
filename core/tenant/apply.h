/*
 * apply.h - make a tenant exist on the cluster, idempotently.
 *
 * The namespace first (created, so a new tenant costs one round trip and an
 * existing one is noticed), then every other object at once over the
 * client's connection pool: Secrets are created and never overwritten,
 * everything else is server-side applied (fieldManager odoo-saas, force).
 * Last, the namespace is marked provisioned.  A rerun after a failure or a
 * kill at any point resumes: it keeps the namespace's creation time and the
 * secrets already stored, applies the rest again and marks it; a finished
 * tenant is refused with AlreadyExists.
 *
 * Asynchronous (tenant_apply_start + the client's event loop) for the
 * console, blocking (tenant_apply) for the CLI.
 */
#ifndef TENANT_APPLY_H
#define TENANT_APPLY_H

#include "error.h"
#include "kube/transport.h"
#include "os_config.h"
#include "spec.h"

/* Progress: what just happened, for a step list ("namespace created",
 * "applied Deployment odoo", ...).  One line, no secrets. */
typedef void (*tenant_progress_fn)(void *userdata, const char *message);
/* The end: err->code 0 on success.  resumed: an unfinished tenant was
 * completed rather than created. */
typedef void (*tenant_done_fn)(void *userdata, const struct os_error *err, int resumed);

struct tenant_apply;

/* Validate, render and start.  spec is copied; cfg and the client must
 * outlive the operation.  NULL with err set when nothing was started.  The operation frees itself after
 * done is called; tenant_apply_cancel() stops it early (done not called). */
struct tenant_apply *tenant_apply_start(struct kube_client *c, const struct os_config *cfg,
                                        const struct tenant_spec *spec,
                                        tenant_progress_fn progress, tenant_done_fn done,
                                        void *userdata, struct os_error *err);
void tenant_apply_cancel(struct tenant_apply *a);

/* Blocking form: drives the client until the apply ends. */
int tenant_apply(struct kube_client *c, const struct os_config *cfg,
                 const struct tenant_spec *spec, tenant_progress_fn progress, void *userdata,
                 int *resumed, struct os_error *err);

#endif
