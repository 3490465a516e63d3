/*
 * rollout.h - the Deployment controller's arithmetic, as a pure module (no
 * lock, no clock, no store): what kube-controller-manager's
 * pkg/controller/deployment (rolling.go, sync.go, util/deployment_util.go)
 * computes from counts.  replicasets.c feeds it the counts of one
 * Deployment's ReplicaSets and applies the answers.
 *
 * - IntOrString values (maxSurge, maxUnavailable) scaled against
 *   spec.replicas: a percent rounds up for maxSurge, down for
 *   maxUnavailable; when both come to 0, maxUnavailable is 1
 *   (ResolveFenceposts).
 * - The new ReplicaSet's size (NewRSNewReplicas): up by what keeps the sum
 *   of all ReplicaSets' spec.replicas within replicas + maxSurge.
 * - The old ReplicaSets' sizes (reconcileOldReplicaSets): their unavailable
 *   replicas go first, then available ones while more than replicas -
 *   maxUnavailable stay available; oldest ReplicaSet first.
 * - Revision history (cleanupDeployment): old ReplicaSets beyond
 *   revisionHistoryLimit are deleted, lowest revision first, skipping (but
 *   counting) those that still have replicas.
 */
#ifndef SIM_ROLLOUT_H
#define SIM_ROLLOUT_H

#include <stddef.h>
#include <stdint.h>

/* An IntOrString as decoded from JSON (strings borrowed). */
struct sim_intstr {
    int set;            /* 0: absent */
    int is_str;
    int64_t i;          /* the int, when !is_str */
    const char *s;      /* the string, when is_str */
};

/* 1 when s is a valid percent string ("[0-9]+%"), with its value. */
int sim_intstr_percent(const char *s, int64_t *pct);
/* GetScaledValueFromIntOrPercent: v against total, a percent rounded up or
 * down; an absent v is 0.  -1 when v is a string but no percent. */
int sim_intstr_scaled(const struct sim_intstr *v, int64_t total, int round_up, int64_t *out);
/* Go's %#v of the internal intstr.IntOrString (as a 422 message shows it):
 * intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}. */
void sim_intstr_gostring(const struct sim_intstr *v, char *buf, size_t len);

/* ResolveFenceposts: maxSurge and maxUnavailable of a RollingUpdate
 * Deployment of `desired` replicas; maxUnavailable is capped at desired
 * (MaxUnavailable()).  Invalid values count as 0. */
void sim_rollout_fenceposts(const struct sim_intstr *surge, const struct sim_intstr *unavail, int64_t desired,
                            int64_t *max_surge, int64_t *max_unavail);

/* NewRSNewReplicas for RollingUpdate: the new ReplicaSet's next
 * spec.replicas, given the sum of spec.replicas over all ReplicaSets of the
 * Deployment (new one included).  Never below new_spec unless new_spec >
 * desired (then desired: a scale down). */
int64_t sim_rollout_new_replicas(int64_t desired, int64_t max_surge, int64_t all_spec, int64_t new_spec);

/* One old ReplicaSet, as the planners see it. */
struct sim_rs_count {
    int64_t spec;       /* spec.replicas */
    int64_t available;  /* available pods */
    int64_t pods;       /* pods (status.replicas) */
    long revision;      /* deployment.kubernetes.io/revision */
    int deleting;       /* has a deletionTimestamp */
    int64_t want;       /* out (scale down): the new spec.replicas */
    int remove;         /* out (cleanup): delete it */
};

/* reconcileOldReplicaSets: old[] in creation order (oldest first) get
 * their `want`; returns how many replicas were taken off in all.  new_spec
 * and new_available are the new ReplicaSet's (after its scale up). */
int64_t sim_rollout_scale_down(struct sim_rs_count *old, size_t n, int64_t desired, int64_t max_unavail,
                               int64_t new_spec, int64_t new_available);

/* cleanupDeployment: mark `remove` on the old ReplicaSets to delete so that
 * at most `limit` remain (those with a deletionTimestamp are not counted);
 * returns how many were marked.  old[] in any order. */
size_t sim_rollout_cleanup(struct sim_rs_count *old, size_t n, int64_t limit);

#endif
