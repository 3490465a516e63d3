/*
 * model.h - the console's picture of the cluster, fed by watches.
 *
 * Watched collections: nodes, pods, tenant namespaces, deployments,
 * statefulsets, jobs, and FailedCreate events (which tell a quota refusal).
 * No object is kept as JSON (but the few nodes, slimmed): each watch event
 * is boiled down to a compact record (model_records.h) in its namespace's
 * bucket (a hash table keyed by namespace name), and the event's JSON is
 * left to the watch.  A bucket that changed is marked dirty; model_tick()
 * re-derives only dirty tenants (phase from the pure
 * tenant_status_compute(), through model_records), and rebuilds the
 * per-node totals from the pod records only when pods, nodes or metrics
 * changed.  NodeMetrics are polled with an async GET on a timer
 * (metrics.k8s.io has no watch); they change numbers, never phases.
 *
 * Everything runs on the client's event loop; nothing here blocks.
 */
#ifndef TUI_MODEL_H
#define TUI_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "cluster/cluster.h"
#include "kube/kube.h"
#include "model_records.h"
#include "tenant/tenant.h"

enum model_kind {
    MODEL_NODES, MODEL_PODS, MODEL_NAMESPACES, MODEL_DEPLOYMENTS, MODEL_STATEFULSETS,
    MODEL_JOBS, MODEL_EVENTS, MODEL_NKINDS
};

struct model;
struct lh_table;

struct model_store {
    struct model *model;
    enum model_kind kind;
    struct json_object *objs;      /* nodes only: name -> slim node (owned) */
    struct json_object *pending;   /* nodes only, during a (re)list: the new set */
    unsigned gen;                  /* list generation: records not seen in the last list go */
    struct kube_watch *watch;
    int synced;
    char error[OS_ERROR_MSG_MAX];  /* why it is retrying, "" when fine */
};

/* One tenant as the views show it. */
struct model_tenant {
    struct tenant_status st;
    char nodes[160];               /* nodes its pods run on, comma-separated */
    time_t created;                /* -1 unknown */
    time_t trial_expires;          /* -1 none */
};

struct model {
    struct kube_client *client;    /* borrowed; NULL: no cluster configured */
    struct model_store stores[MODEL_NKINDS];
    struct json_object *metrics;   /* NodeMetricsList, or NULL */
    struct kube_call *metrics_call;
    long metrics_interval_ms;
    struct timespec metrics_due;
    int metrics_missing;           /* the API has no metrics (404) */
    int changed;                   /* stores changed since the last derive */
    int urgent;                    /* a first list just ended: derive at once */
    int trim;                      /* a list ended: return freed heap pages */
    int tenants_dirty, nodes_dirty;
    int tenants_moved;             /* namespaces came, went or changed: re-sort */
    int ntimed;                    /* tenants waiting out the Unschedulable grace */
    struct lh_table *buckets;      /* namespace name -> struct model_bucket (owned) */
    struct timespec derived_at;
    char start_error[OS_ERROR_MSG_MAX];       /* could not even start (no kubeconfig) */

    /* Derived by model_tick(); read by views. */
    struct model_tenant *tenants;  /* sorted by id */
    size_t ntenants;
    struct cluster_nodes nodes;
    int by_phase[TENANT_FAILED + 1];
    int64_t cpu_alloc_m, cpu_req_m, cpu_used_m, mem_alloc, mem_req, mem_used;
    unsigned long generation;      /* bumped on every derive */
};

/* Start the watches on client (NULL: the model stays empty and
 * start_error says why).  0, or err set (the model is then empty but safe
 * to tick and free). */
int model_start(struct model *m, struct kube_client *client, struct os_error *err);
void model_free(struct model *m);

/* Derive when due; start the metrics poll when due.  Returns 1 when what
 * views show changed. */
int model_tick(struct model *m);

/* 1 when every watch is in sync. */
int model_connected(const struct model *m);
/* NULL when connected, "connecting" while the first lists run, else what
 * is wrong (no kubeconfig, a watch's error, no answer).  Borrowed. */
const char *model_error(const struct model *m);
/* 1 when model_error() is a problem rather than "connecting". */
int model_unreachable(const struct model *m);

/* The tenant with this id, or NULL. */
const struct model_tenant *model_tenant(const struct model *m, const char *id);
/* The namespace record of tenant id (borrowed until the next model_tick),
 * or NULL. */
const struct records_ns *model_tenant_namespace(const struct model *m, const char *id);
/* Call fn for every pod in namespace ns (borrowed records), in arrival order. */
void model_each_pod(const struct model *m, const char *ns,
                    void (*fn)(void *ud, const struct records_pod *pod), void *ud);

#endif
