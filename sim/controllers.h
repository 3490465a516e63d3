/*
 * controllers.h - phase 2 of the simulator: the controllers and the kubelet
 * that make applied workloads run (internal to sim/, see controllers.c).
 *
 * One struct sim_ctl, owned by struct sim (sim->ctl, made by
 * sim_ctl_new() in main and freed by sim_ctl_free()), keeps what the
 * controllers know besides the store: the kubelet's facts about each pod
 * (bind time, IP, last FailedScheduling message, next status change), the
 * retry deadlines of owners whose pod creation was refused, the pod IP pool
 * and the resourceVersion up to which the store's changes were handled.
 * Everything is touched with sim->lock held, from the lifecycle thread
 * (and from seeding, before the thread starts).
 *
 * A pass works namespace by namespace: struct sim_nsview holds borrowed
 * pointers to the stored objects of one namespace, by kind.  Pointers of
 * objects a pass deletes are set to NULL in the view; objects it creates
 * are appended, so later steps of the same pass see them.
 */
#ifndef SIM_CONTROLLERS_H
#define SIM_CONTROLLERS_H

#include <stddef.h>
#include <stdint.h>

#include "podstate.h"
#include "sim.h"

/* A growable array of borrowed store entries. */
struct sim_objvec {
    struct sim_object **v;
    size_t n, cap;
};

/* The objects of one namespace the controllers look at (borrowed). */
struct sim_nsview {
    const char *ns;
    struct sim_objvec deployments, replicasets, statefulsets, jobs, pods, pvcs, quotas, limitranges,
        services, secrets, configmaps, events;
};

/* What the kubelet and the controllers know about one pod or owner (by
 * uid); owned by the table in struct sim_ctl. */
struct sim_rt {
    char uid[40];
    char *ns;                  /* owned copy */
    int is_pod;
    int external;              /* a pod that was Running before we saw it:
                                * its status is left alone */
    int64_t bound_ms;          /* 0: not bound */
    int64_t next_ms;           /* next status change (0: none) */
    int64_t retry_ms;          /* next scheduling / create attempt */
    int64_t backoff_ms;        /* current retry back-off */
    char ip[16];
    char *unsched;             /* last FailedScheduling message (owned) */
    int64_t unsched_ms;
    uint64_t seen;             /* pass number that last saw it */
};

struct sim_ctl {
    struct sim_rt **rt;        /* sorted by uid */
    size_t nrt, caprt;
    struct sim_ip_pool ips;
    struct sim_pod_timing timing;
    uint64_t handled_rv;       /* store changes up to this were handled */
    uint64_t pass;             /* pass counter */
    int full;                  /* next pass looks at every namespace */
    int64_t next_resync_ms;    /* a retry is due then (0: none) */
    /* The scheduler's view of the cluster, built on the first pending pod
     * of a pass (owned; freed by sim_kubelet_pass_end()). */
    json_object *snap_nodes, *snap_pods, *snap_ns;
    json_object *node_ips;     /* node name -> InternalIP, rebuilt each pass */
    /* Seeding (--seed-tenants): pods are placed on the least-used node
     * with room, bound an hour ago, and no events are written. */
    int seeding;
    char **seed_nodes;         /* schedulable node names (owned) */
    int64_t *seed_pods, *seed_cap;     /* running pods placed, room */
    size_t nseed_nodes;
    long seed_last;            /* node of the last seeded pod, -1: none */
    char seed_last_ns[254];    /* and its namespace */
    /* Pod template hashes by the owner's resourceVersion (unique per
     * stored version): a Deployment's or StatefulSet's hash is needed
     * several times per pass, and serialising its template is costly. */
    struct {
        uint64_t rv;
        char hash[11];
    } hashes[64];
    /* Seeding: the managedFields of a new ReplicaSet by its Deployment's
     * managedFields tree (seeded Deployments of one tier share theirs, so
     * their ReplicaSets have the same fields).  References held. */
    json_object *rs_mf_key[8], *rs_mf[8];
    const struct kube_resource *r_pod, *r_pvc, *r_deploy, *r_rs, *r_sts, *r_job, *r_quota,
        *r_limits, *r_event, *r_node, *r_ns, *r_sc, *r_svc, *r_secret, *r_cm;
};

/* ---- controllers.c ---- */
/* New controller state with the timings of --pod-start-ms (ms). */
struct sim_ctl *sim_ctl_new(int pod_start_ms);
void sim_ctl_free(struct sim_ctl *c);
/* The lifecycle step (lock held): handle the store changes since the last
 * pass and everything due by now.  Returns the next deadline or 0. */
int64_t sim_controllers_step(struct sim *s, int64_t now);
void sim_objvec_push(struct sim_objvec *v, struct sim_object *o);
/* Small JSON helpers shared by the controllers. */
int64_t sim_ctl_int(json_object *o, const char *dotted, int64_t dflt);
json_object *sim_ctl_copy(json_object *o);                  /* deep copy */
/* A new tree for a write of stored object o (caller owns): the top level,
 * metadata and the mappings along the comma-separated dotted paths are
 * fresh shallow copies, everything else is shared with o.  Stored trees
 * are never changed in place, so only those copies may be changed. */
json_object *sim_ctl_cow(json_object *o, const char *paths);
/* The controller ownerReference of obj, or NULL (borrowed). */
json_object *sim_ctl_controller_ref(json_object *obj);
int sim_ctl_pod_ready(json_object *pod);
const char *sim_ctl_pod_phase(json_object *pod);
/* Replace o's status with st (owned) unless equal; 1 when written. */
int sim_ctl_set_status(struct sim *s, struct sim_object *o, json_object *st);

/* ---- kubelet.c ---- */
struct sim_rt *sim_rt_find(struct sim_ctl *c, const char *uid);
/* Find or add the record of uid (ns copied). */
struct sim_rt *sim_rt_get(struct sim_ctl *c, const char *uid, const char *ns, int is_pod);
/* Forget records of namespace ns (NULL: all) not seen in pass `pass`;
 * releases their IPs. */
void sim_rt_sweep(struct sim_ctl *c, const char *ns, uint64_t pass);
/* Schedule the pending pods of v, bind their PVCs, then bring every pod's
 * status up to date.  Returns the earliest next deadline (0: none). */
int64_t sim_kubelet_pass(struct sim *s, struct sim_nsview *v, int64_t now);
/* Bind PVCs of Immediate storage classes. */
void sim_pvc_bind_immediate(struct sim *s, struct sim_nsview *v);
/* Free the scheduler snapshot built by a pass (lock held). */
void sim_kubelet_pass_end(struct sim *s);

/* ---- seed_tenants.c ---- */
/* The node for the next seeded pod of namespace ns (borrowed), or NULL
 * when all are full; counts 0 for a pod that will complete (a Job's). */
const char *sim_seed_place(struct sim_ctl *c, const char *ns, int counts);

/* ---- workloads.c ---- */
/* Deployments (their ReplicaSets), ReplicaSets, StatefulSets and Jobs of
 * v: create/delete their pods (and StatefulSet PVCs); returns the next
 * retry deadline or 0. */
int64_t sim_workloads_pods(struct sim *s, struct sim_nsview *v, int64_t now);
/* Their status from their pods. */
void sim_workloads_status(struct sim *s, struct sim_nsview *v, int64_t now);
/* Delete ReplicaSets and pods whose controlling owner is gone. */
void sim_gc_pods(struct sim *s, struct sim_nsview *v);
/* Helpers shared by the workload controllers (workloads.c). */
/* 10 characters of a hash of a pod template (pod-template-hash). */
void sim_template_hash(json_object *tmpl, char out[11]);
/* sim_template_hash() of o's spec.template, cached by o's version. */
void sim_owner_hash(struct sim_ctl *c, struct sim_object *o, char out[11]);
/* Drop the seeding-only caches (lock held). */
void sim_ctl_seed_done(struct sim_ctl *c);
/* 1 when obj's controller reference points at owner (by uid). */
int sim_owned_by(json_object *obj, json_object *owner);
/* Remove pod o from the store and the view. */
void sim_delete_pod(struct sim *s, struct sim_nsview *v, struct sim_object *o);
/* 0 while owner's create retry back-off runs (next gets the deadline). */
int sim_may_create(struct sim *s, struct sim_object *owner, int64_t now, int64_t *next);
/* owner's last refusal message (borrowed), or NULL. */
const char *sim_refusal(struct sim *s, json_object *owner);
/* Admit (LimitRange, quota) and store obj (taken), a pod or a PVC of
 * owner; NULL when refused (an event on owner) or out of memory. */
struct sim_object *sim_create_child(struct sim *s, struct sim_nsview *v, struct sim_object *owner,
                                    json_object *obj, int is_pod, int64_t now, int64_t *next);
/* A new pod (caller owns) for owner from template tmpl, named name, with
 * extra_labels (taken) added to the template's. */
json_object *sim_pod_from_template(struct sim_object *owner, json_object *tmpl, const char *name,
                                   json_object *extra_labels);
/* A new object with up to two string labels (caller owns). */
json_object *sim_labels2(const char *k1, const char *v1, const char *k2, const char *v2);
/* "<prefix>-<5 chars>" not used by a pod of v, deterministic. */
void sim_unique_name(struct sim *s, struct sim_nsview *v, json_object *owner, const char *prefix,
                     char *buf, size_t len);
/* A status condition (caller owns) keeping the old one's times when its
 * status (and reason/message) did not change. */
json_object *sim_condition(json_object *old_conds, const char *type, const char *status, const char *reason,
                           const char *message, const char *now_ts, int with_update);

/* ---- replicasets.c ---- */
/* Deployments roll out through ReplicaSets; ReplicaSets keep their pods.
 * Returns the next retry deadline or 0. */
int64_t sim_deployments_pods(struct sim *s, struct sim_nsview *v, int64_t now);
/* ReplicaSet and Deployment status (ts: now, RFC 3339). */
void sim_deployments_status(struct sim *s, struct sim_nsview *v, const char *ts);

/* ---- events.c ---- */
/* Record (or count again) an Event about the stored object inv. */
void sim_event_record(struct sim *s, struct sim_nsview *v, json_object *inv, const char *type,
                      const char *reason, const char *message, const char *component, int64_t now);

#endif
