/*
 * model_records.h - compact records of the watched objects the console keeps.
 *
 * A watch hands the model a borrowed json-c tree per event; keeping those
 * trees costs about 150 KB per tenant.  Instead each event is boiled down
 * to the few fields the views and the tenant phase need (a pod is about
 * 150 bytes plus its name and node), and the JSON is dropped.
 *
 * To keep the phase rules in one place (core/tenant/status.c), a tenant's
 * records can be turned back into a tiny synthetic JSON (records_tenant_json)
 * carrying exactly the fields tenant_status_compute() reads, so the console
 * computes the same phases as the API and the CLI.  The unit test
 * tests/unit/tui/test_model_records.c checks both give the same status.
 *
 * Everything here is pure: no I/O, no globals.
 */
#ifndef TUI_MODEL_RECORDS_H
#define TUI_MODEL_RECORDS_H

#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "tenant/status.h"

enum records_pod_phase {
    POD_PHASE_NONE, POD_PHASE_PENDING, POD_PHASE_RUNNING, POD_PHASE_SUCCEEDED, POD_PHASE_FAILED,
    POD_PHASE_UNKNOWN,
};

/* A pod.  Strings are owned, all in one block that name starts (free with
 * records_pod_free); NULL: absent. */
struct records_pod {
    struct records_pod *next;      /* the namespace's pods, in arrival order */
    char *name;
    char *node;                    /* spec.nodeName */
    char *tenant;                  /* pod_tenant(): label, else tenant- namespace */
    char *stuck_container;         /* first stuck container (init ones first) */
    char *stuck_reason;            /*   and its waiting reason */
    char *waiting;                 /* last waiting reason of an app container (the view's state) */
    char *unsched_msg;             /* Unschedulable condition's message ("" none); NULL: schedulable */
    time_t unsched_since;          /* its lastTransitionTime, 0 when it has none */
    time_t created;                /* -1 unknown */
    int64_t cpu_req_m, mem_req, cpu_lim_m, mem_lim;
    int restarts, ready_containers, containers;
    unsigned char phase;           /* enum records_pod_phase */
    unsigned char ready;           /* condition Ready is True */
    unsigned char deleting;        /* metadata.deletionTimestamp set */
    unsigned seen;                 /* list generation that delivered it */
};

/* A tenant namespace: what describe() and the delete form read.  Strings
 * are owned, in one block that name starts (records_ns_free). */
struct records_ns {
    char *name;
    char *tenant_label, *tier;
    char *url, *admin_email, *owner, *created_at, *trial_expires_at;
    char *holding;                 /* message of the first True condition, or NULL */
    time_t created;                /* creationTimestamp, -1 unknown */
    unsigned char deleting;        /* metadata.deletionTimestamp set */
    unsigned char phase_terminating;   /* status.phase is Terminating */
    unsigned char suspended, provisioned;   /* annotations are "true" */
};

/* The workloads tenant_status_compute looks at, by their fixed names. */
struct records_workloads {
    unsigned char has_odoo, has_pg, has_job, job_failed;
    int64_t odoo_available, pg_ready, job_succeeded;
    char *job_failed_msg;          /* the Failed condition's message, or NULL */
};

/* A FailedCreate event that tells a quota refusal. */
struct records_event {
    struct records_event *next;
    char *name;
    char *quota_msg;
    unsigned seen;
};

/* Fill *p / *ns from a live object (borrowed); previous contents are freed
 * first, so a record can be updated in place.  -1 on out of memory. */
int records_pod_set(struct records_pod *p, struct json_object *pod);
void records_pod_free(struct records_pod *p);
int records_ns_set(struct records_ns *ns, struct json_object *obj);
void records_ns_free(struct records_ns *ns);

/* The message of a quota refusal event (borrowed from obj), or NULL. */
const char *records_event_quota(struct json_object *ev);

/* Which fixed-name workload obj is: 'd' odoo Deployment, 's' postgresql
 * StatefulSet, 'j' odoo-db-init Job, 0 none of them.  kind: "Deployment",
 * "StatefulSet" or "Job". */
int records_workload_which(const char *kind, struct json_object *obj);
/* Record obj (of records_workload_which() type which) into w. */
int records_workload_set(struct records_workloads *w, int which, struct json_object *obj);
void records_workload_clear(struct records_workloads *w, int which);

/* The id a tenant namespace stands for (label, else name without the
 * tenant- prefix), as describe() in status.c. */
const char *records_ns_id(const struct records_ns *ns);

/* 1 when a pod name is Odoo's (odoo-<hash>), not the odoo-db-init Job's. */
int records_pod_is_odoo(const char *name);

/* The pod's phase as the API spells it, or NULL when it had none. */
const char *records_pod_phase_name(const struct records_pod *p);

/* Compute a tenant's status from records with tenant_status_compute() on
 * a synthetic JSON that carries exactly the fields it reads.  pods and
 * events are lists (NULL: none).  now as in struct tenant_objects. */
void records_tenant_status(const struct records_ns *ns, const struct records_pod *pods,
                           const struct records_workloads *w, const struct records_event *events,
                           time_t now, struct tenant_status *st);

#endif
