/*
 * model.h - the daemon's watch-fed picture of the tenants, on its own thread.
 *
 * The Kubernetes client is single-threaded, so one model thread owns it:
 * it runs the watches (tenant namespaces, and the pods, deployments,
 * statefulsets and jobs labelled managed-by odoo-saas), derives every
 * tenant's status with tenant_status_compute(), and publishes the result
 * as an immutable, reference-counted snapshot that HTTP threads read
 * without touching the client.  Writes (create, delete, suspend, resume)
 * are jobs: an HTTP thread queues one, wakes the model thread through an
 * eventfd that kube_client_wait() watches, and waits on a condition
 * variable for the outcome (bounded).
 */
#ifndef API_MODEL_H
#define API_MODEL_H

#include <stddef.h>

#include "kube/kube.h"
#include "os_config.h"
#include "tenant/tenant.h"

struct api_model;

struct api_tenant {
    struct tenant_status st;
    char subdomain[64];
    int pending;             /* created through us, not seen by the watch yet */
};

/* Immutable once published; hold a reference while reading. */
struct api_snapshot {
    int refs;                /* under the model's lock */
    struct api_tenant *tenants;   /* sorted by id */
    size_t n;
    char **views;            /* NULL or n strings: tenants[i] as its owner
                              * sees it (api_tenant_json(t, 0)), or NULL */
    int synced;              /* every watch listed and streaming */
    char error[OS_ERROR_MSG_MAX];  /* the first watch problem, "" when fine */
    int by_phase[TENANT_FAILED + 1];
};

enum api_job_kind { API_JOB_CREATE, API_JOB_DELETE, API_JOB_SUSPEND, API_JOB_RESUME };

struct api_job_request {
    enum api_job_kind kind;
    const char *id;
    const char *owner;       /* create: the account; others: NULL for admin */
    const char *tier;        /* create */
    int owner_limit;         /* create: most tenants per owner */
};

struct api_job_result {
    int status;              /* HTTP status to answer with */
    char code[32];           /* error code, "" on success */
    char message[256];
};

/* Start the thread on client (taken: freed by api_model_stop) and cfg
 * (borrowed, must outlive the model). */
int api_model_start(struct kube_client *client, const struct os_config *cfg,
                     struct api_model **out, struct os_error *err);
/* A model with no cluster and no thread, for the fuzz target and tests of
 * the HTTP side: one synced snapshot of the n tenants given (copied), and
 * every job answered at once as a success that does nothing.  Free with
 * api_model_stop(). */
int api_model_fixed(const struct api_tenant *tenants, size_t n, struct api_model **out,
                    struct os_error *err);
/* Stop the thread, cancel what is in flight, free everything. */
void api_model_stop(struct api_model *m);

/* The latest snapshot, referenced; release with api_snapshot_release(). */
struct api_snapshot *api_model_snapshot(struct api_model *m);
void api_snapshot_release(struct api_model *m, struct api_snapshot *s);
/* The tenant with this id in s, or NULL.  Borrowed from s. */
const struct api_tenant *api_snapshot_find(const struct api_snapshot *s, const char *id);

/* Run a job on the model thread and wait at most timeout_ms for it. */
void api_model_run(struct api_model *m, const struct api_job_request *req,
                   struct api_job_result *res, int timeout_ms);

/* A tenant as the API shows it (handlers_tenants.c); admin adds the owner
 * and pod counts.  New object. */
struct json_object *api_tenant_json(const struct api_tenant *t, int admin);

#endif
