/*
 * rebalance.h - which tenants to move so Odoo pods are spread evenly.
 *
 * Pure planning over the live objects: count each schedulable, ready node's
 * Odoo pods and, while the busiest node has two or more than the idlest,
 * move one tenant from the busiest to the idlest.  "Moving" a tenant is
 * restarting its Odoo pod: the scheduler, following the templates'
 * anti-affinity, places the new pod on the emptier node.  The executor
 * (the CLI) moves one tenant at a time and waits for it to be Ready again,
 * so at most one tenant is down at once.
 */
#ifndef CLUSTER_REBALANCE_H
#define CLUSTER_REBALANCE_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

struct rebalance_move {
    char tenant[48];
    char from[256];
    char to[256];           /* where the planner expects it to land */
};

/* nodes: a NodeList or array; odoo_pods: Pods labelled
 * odoo-saas.io/role=odoo (List or array).  Pods that are terminating,
 * finished or not yet bound are ignored.  *moves is malloc'd (NULL when
 * none); the caller frees it. */
int rebalance_plan(struct json_object *nodes, struct json_object *odoo_pods,
                   struct rebalance_move **moves, size_t *n, struct os_error *err);

#endif
