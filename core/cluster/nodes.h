/*
 * nodes.h - what each node carries: capacity, requests, usage, tenants.
 *
 * Built from three lists the caller fetched or watched (nodes, pods,
 * NodeMetrics), so the CLI's `nodes` command and the console's Nodes view
 * compute the same numbers.  Pure: no I/O.
 */
#ifndef CLUSTER_NODES_H
#define CLUSTER_NODES_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"

#define TENANT_LABEL "odoo-saas.io/tenant"
#define TENANT_NS_PREFIX "tenant-"

struct node_usage {
    char *name;
    int ready;               /* condition Ready is True */
    int unschedulable;       /* cordoned */
    const char *role;        /* "control-plane" or "worker" (static) */
    int64_t cpu_capacity_m, cpu_allocatable_m, cpu_requests_m, cpu_limits_m;
    int64_t mem_capacity, mem_allocatable, mem_requests, mem_limits;
    int64_t cpu_used_m, mem_used;   /* -1 when there are no metrics */
    int pods, pods_allocatable;
    char **tenants;          /* sorted tenant ids with a pod here */
    size_t ntenants;
};

struct cluster_nodes {
    struct node_usage *nodes;  /* sorted by name */
    size_t n;
    size_t max_tenants, min_tenants;   /* spread over schedulable nodes */
};

/* pods may hold pods of every phase: Succeeded and Failed pods are not
 * counted (they hold no resources).  metrics may be NULL.  On success *out
 * owns its memory: free with cluster_nodes_free(). */
int cluster_nodes_build(struct json_object *node_list, struct json_object *pod_list,
                        struct json_object *metrics_list, struct cluster_nodes *out,
                        struct os_error *err);
void cluster_nodes_free(struct cluster_nodes *cn);
/* Sort each node's tenant ids and set max_tenants/min_tenants over the
 * ready, schedulable nodes; for callers that fill the nodes themselves
 * (the console does, from its compact records). */
void cluster_nodes_spread(struct cluster_nodes *cn);

/* The effective requests/limits of one pod spec, as the scheduler sees
 * them: max(sum of containers, largest init container) plus overhead.
 * which is "requests" or "limits", resource "cpu" (millicores) or
 * "memory" (bytes).  Unparseable quantities count as 0. */
int64_t pod_resource(struct json_object *pod, const char *which, const char *resource);

/* The tenant id a pod belongs to (its label, else its tenant- namespace),
 * or NULL.  Borrowed from the pod. */
const char *pod_tenant(struct json_object *pod);

#endif
