/*
 * scheduler.h - kube-scheduler's placement decision, as a pure function.
 *
 * sim_schedule() takes one pending pod, the nodes, the pods already bound and
 * the namespace labels, and answers what the default kube-scheduler profile
 * would: the node to bind to, or no node plus the FailedScheduling message
 * ("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were
 * unschedulable. preemption: 0/2 nodes are available: ...").  It holds no
 * state, takes no lock and reads no clock: the server calls it under its own
 * lock with a snapshot of the store.  See scheduler.c for which plugins are
 * modelled and the exact scoring formula.
 */
#ifndef SIM_SCHEDULER_H
#define SIM_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"

/* Labels of namespace ns (a JSON object of strings, borrowed), or NULL when
 * the namespace is unknown or has no label. */
typedef json_object *(*sim_ns_labels_fn)(void *userdata, const char *ns);

struct sim_sched_input {
    /* Node objects: a JSON array, or a NodeList ({"items": [...]}). */
    json_object *nodes;
    /* Pod objects, array or PodList.  Only pods with spec.nodeName set and
     * a phase other than Succeeded/Failed count; the pod being scheduled is
     * skipped if it appears (same namespace and name).  May be NULL. */
    json_object *pods;
    /* Namespace labels, used by namespaceSelector: either an object mapping
     * namespace name -> labels object, or (when NULL) the callback. */
    json_object *namespaces;
    sim_ns_labels_fn ns_labels;
    void *ns_userdata;
};

/* One feasible node's score, for tests and for a --trace of the server. */
struct sim_node_score {
    char *node;
    int64_t total;          /* the weighted sum the choice is made on */
    int64_t inter_pod;      /* InterPodAffinity, normalised 0..100 */
    int64_t least_alloc;    /* NodeResourcesFit LeastAllocated, 0..100 */
    int64_t balanced;       /* NodeResourcesBalancedAllocation, 0..100 */
    int64_t taint;          /* TaintToleration, normalised 0..100 */
    int64_t node_affinity;  /* NodeAffinity preferred terms, 0..100 */
};

struct sim_sched_result {
    char *node;             /* chosen node, or NULL when none fits */
    char *message;          /* FailedScheduling message when node is NULL */
    struct sim_node_score *scores;  /* feasible nodes, sorted by name */
    size_t nscores;
};

/* Choose a node for pod.  Returns 0 with *out filled (out->node NULL and
 * out->message set when nothing fits), or OS_ERR_INVALID for a pod or node
 * list that is not usable (a selector that does not parse, no node array)
 * and OS_ERR_NOMEM.  On success the caller frees *out with
 * sim_sched_result_free(); on error *out holds nothing to free. */
int sim_schedule(json_object *pod, const struct sim_sched_input *in,
                 struct sim_sched_result *out, struct os_error *err);

/* Frees what sim_schedule() put in r and zeroes it.  Safe on NULL. */
void sim_sched_result_free(struct sim_sched_result *r);

#endif
