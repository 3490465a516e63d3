/*
 * podstate.h - the simulated kubelet: a pod's status as a function of time.
 *
 * sim_pod_status() answers "what does this pod's status look like at
 * now_ms?" from the pod spec and a few facts the server keeps (when it was
 * bound, to which node, with which IPs, the last FailedScheduling message).
 * It recomputes the whole status every time instead of stepping from the
 * previous one, so it is deterministic, idempotent and cheap to test: the
 * same inputs give the same JSON.  Nothing here reads a clock, takes a lock
 * or keeps global state; the IP pool is a caller-owned struct.
 *
 * Behaviour by image name (so the product's Degraded detection can be
 * tested): an image containing "crashloop" exits 1 after crash_ms and goes
 * CrashLoopBackOff with growing back-off and restartCount; one containing
 * "doesnotexist" never pulls: ErrImagePull, then ImagePullBackOff, in turn.
 * Any other container starts and runs; a Job's pod (owner kind Job, or
 * restartPolicy Never/OnFailure) ends Succeeded with reason Completed.
 */
#ifndef SIM_PODSTATE_H
#define SIM_PODSTATE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"

/* Durations of the simulated steps, in milliseconds. */
struct sim_pod_timing {
    int64_t sandbox_ms;      /* bound -> first container may start (ContainerCreating) */
    int64_t init_ms;         /* each init container runs this long, then Completed */
    int64_t ready_ms;        /* running -> ready, for a container with a readinessProbe */
    int64_t job_ms;          /* a Job's container runs this long, then exits 0 */
    int64_t crash_ms;        /* a "crashloop" container runs this long, then exits 1 */
    int64_t pull_ms;         /* a failing pull takes this long (ErrImagePull shown as long) */
    int64_t backoff_ms;      /* first back-off after a crash or failed pull, doubling */
    int64_t backoff_max_ms;  /* back-off cap */
};

/* Kubelet-like defaults: back-off 10 s doubling to 5 min; 1 s steps. */
void sim_pod_timing_default(struct sim_pod_timing *t);

/* What the server knows about the pod besides its JSON.  Strings are
 * borrowed. */
struct sim_pod_facts {
    const char *node;            /* bound node; NULL: spec.nodeName, if any */
    const char *host_ip;         /* the node's InternalIP */
    const char *pod_ip;          /* from sim_ip_alloc(); ignored with hostNetwork */
    int64_t bound_ms;            /* when it was bound (meaningful when bound) */
    const char *unschedulable;   /* last FailedScheduling message, or NULL */
    int64_t unschedulable_ms;    /* when the PodScheduled=False condition was set */
};

/* The pod's status at now_ms, as a new JSON object (phase, conditions,
 * hostIP(s), podIP(s), startTime, initContainerStatuses,
 * containerStatuses, qosClass); the caller frees it with json_object_put().
 * Unbound: Pending, with PodScheduled=False/Unschedulable when
 * f->unschedulable is set.  NULL on a pod that is not an object or when out
 * of memory. */
json_object *sim_pod_status(json_object *pod, const struct sim_pod_facts *f, int64_t now_ms,
                            const struct sim_pod_timing *t);

/* The first time after now_ms at which sim_pod_status() changes, or -1 when
 * it will not change any more (Running and ready, Succeeded, Failed, or
 * unbound), so the server knows when to tick this pod next. */
int64_t sim_pod_next_change(json_object *pod, const struct sim_pod_facts *f, int64_t now_ms,
                            const struct sim_pod_timing *t);

/* Pod IPs from 10.1.0.0/16 (MicroK8s' Calico default), handed out in order
 * skipping .0 and .255 host octets, starting at 10.1.0.2; released ones are
 * reused only after the pool wraps, like an IPAM block.  The caller owns
 * the struct; there is nothing to free. */
struct sim_ip_pool {
    uint32_t next;
    unsigned char used[65536 / 8];
};

void sim_ip_pool_init(struct sim_ip_pool *p);

/* Writes "10.1.X.Y" into buf (len >= 16).  Returns 0, or OS_ERR_LIMIT when
 * every address is in use. */
int sim_ip_alloc(struct sim_ip_pool *p, char *buf, size_t len, struct os_error *err);

/* Gives ip back; addresses outside the pool are ignored. */
void sim_ip_release(struct sim_ip_pool *p, const char *ip);

#endif
