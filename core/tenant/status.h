/*
 * status.h - what state a tenant is in, from its live objects.
 *
 * The phase is computed, never stored: from the namespace (its labels and
 * annotations), and the pods, StatefulSets, Deployments, Jobs and Events in
 * it.  tenant_status_compute() is pure so the console and the API can feed
 * it objects from their watch-fed models; tenant_status_get() and
 * tenant_status_list() fetch what it needs for the CLI.
 */
#ifndef TENANT_STATUS_H
#define TENANT_STATUS_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "error.h"
#include "kube/transport.h"

enum tenant_phase {
    TENANT_PROVISIONING,
    TENANT_READY,
    TENANT_DEGRADED,
    TENANT_SUSPENDED,
    TENANT_TERMINATING,
    TENANT_FAILED,
};

#define TENANT_ANN_PROVISIONED "odoo-saas.io/provisioned"
#define TENANT_ANN_SUSPENDED "odoo-saas.io/suspended"

struct tenant_status {
    char id[48];
    enum tenant_phase phase;
    char step[32];            /* Provisioning: applying, database, init job, odoo */
    char reason[320];         /* Degraded/Failed: why; Provisioning: what it waits for */
    char tier[32];
    char url[320];
    char admin_email[256];
    char owner[256];
    char created_at[32];
    char trial_expires_at[32];
    int pods_ready, pods_total;
    int restarts;
};

/* The objects of one tenant; arrays are JSON arrays (NULL counts as
 * empty).  Everything is borrowed. */
struct tenant_objects {
    struct json_object *ns;
    struct json_object *pods, *deployments, *statefulsets, *jobs, *events;
    time_t now;               /* for "how long has it been stuck"; 0: time(NULL) */
};

/* A pod that cannot be scheduled for this long makes the tenant Degraded;
 * before that it is still Provisioning (objects applied at once land in any
 * order, and the scheduler retries). */
#define TENANT_UNSCHEDULABLE_GRACE_S 120

void tenant_status_compute(const struct tenant_objects *objs, struct tenant_status *st);

const char *tenant_phase_name(enum tenant_phase phase);

/* 1 when a container waiting for this reason is stuck (CrashLoopBackOff,
 * ImagePullBackOff, ...) and makes its tenant Degraded. */
int tenant_reason_is_stuck(const char *reason);

/* One tenant: NotFound (err->reason) when it does not exist. */
int tenant_status_get(struct kube_client *c, const char *id, struct tenant_status *st,
                      struct os_error *err);

/* Every tenant (namespaces labelled managed-by odoo-saas), sorted by id.
 * *out is malloc'd; the caller frees it. */
int tenant_status_list(struct kube_client *c, struct tenant_status **out, size_t *n,
                       struct os_error *err);

/* A status as JSON with stable field names (new object). */
struct json_object *tenant_status_json(const struct tenant_status *st);

#endif
