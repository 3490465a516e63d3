/*
 * kubelet.c - the scheduler and the kubelets of the simulated nodes.
 *
 * For each pod of a namespace view: a pod without spec.nodeName goes
 * through sim_schedule() (scheduler.c) against a snapshot of the nodes,
 * the bound pods and the namespace labels, built once per pass.  Success
 * sets spec.nodeName, binds the pod's Pending PVCs (WaitForFirstConsumer:
 * the first consumer decides) and records a Scheduled event; failure keeps
 * the pod Pending with PodScheduled=False/Unschedulable and a
 * FailedScheduling event, and retries with a back-off (1 s doubling to
 * 10 s).  A bound pod's status is then sim_pod_status() at now (podstate.c)
 * from the facts kept in its struct sim_rt: bind time, pod IP from the
 * pool, host IP of the node.  Pods found already Running with a node (the
 * seeded add-ons, a loaded state) are "external": their status stays.
 *
 * The records live in an array sorted by uid (bsearch; inserts move
 * pointers, fine for a few thousand pods).  Called with sim->lock held.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers.h"
#include "scheduler.h"

static int rt_cmp(const void *key, const void *elem)
{
    return strcmp(key, (*(struct sim_rt *const *)elem)->uid);
}

static size_t rt_lower(struct sim_ctl *c, const char *uid)
{
    size_t lo = 0, hi = c->nrt;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(c->rt[mid]->uid, uid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct sim_rt *sim_rt_find(struct sim_ctl *c, const char *uid)
{
    struct sim_rt **p = c->nrt ? bsearch(uid, c->rt, c->nrt, sizeof(*c->rt), rt_cmp) : NULL;
    return p ? *p : NULL;
}

struct sim_rt *sim_rt_get(struct sim_ctl *c, const char *uid, const char *ns, int is_pod)
{
    struct sim_rt *r = sim_rt_find(c, uid);
    if (r)
        return r;
    if (c->nrt == c->caprt) {
        size_t nc = c->caprt ? c->caprt * 2 : 256;
        struct sim_rt **n = realloc(c->rt, nc * sizeof(*n));
        if (!n)
            return NULL;
        c->rt = n;
        c->caprt = nc;
    }
    if (!(r = calloc(1, sizeof(*r))))
        return NULL;
    snprintf(r->uid, sizeof(r->uid), "%s", uid);
    r->ns = strdup(ns ? ns : "");
    r->is_pod = is_pod;
    size_t at = rt_lower(c, uid);
    memmove(c->rt + at + 1, c->rt + at, (c->nrt - at) * sizeof(*c->rt));
    c->rt[at] = r;
    c->nrt++;
    return r;
}

void sim_rt_sweep(struct sim_ctl *c, const char *ns, uint64_t pass)
{
    size_t j = 0;
    for (size_t i = 0; i < c->nrt; i++) {
        struct sim_rt *r = c->rt[i];
        if (r->seen != pass && (!ns || !strcmp(r->ns, ns))) {
            if (r->ip[0])
                sim_ip_release(&c->ips, r->ip);
            free(r->ns);
            free(r->unsched);
            free(r);
            continue;
        }
        c->rt[j++] = r;
    }
    c->nrt = j;
}

/* ---- the scheduler's snapshot ---- */

static void snapshot(struct sim *s)
{
    struct sim_ctl *c = s->ctl;
    if (c->snap_nodes)
        return;
    c->snap_nodes = json_object_new_array();
    c->snap_pods = json_object_new_array();
    c->snap_ns = json_object_new_object();
    for (size_t i = 0; i < s->store.nobjs; i++) {
        struct sim_object *o = s->store.objs[i];
        if (o->res == c->r_node) {
            json_object_array_add(c->snap_nodes, json_object_get(o->obj));
        } else if (o->res == c->r_pod) {
            if (sim_json_str(o->obj, "spec.nodeName"))
                json_object_array_add(c->snap_pods, json_object_get(o->obj));
        } else if (o->res == c->r_ns) {
            json_object *l = sim_json_path(o->obj, "metadata.labels");
            json_object_object_add(c->snap_ns, o->name,
                                   l ? json_object_get(l) : json_object_new_object());
        }
    }
}

void sim_kubelet_pass_end(struct sim *s)
{
    struct sim_ctl *c = s->ctl;
    json_object_put(c->snap_nodes);
    json_object_put(c->snap_pods);
    json_object_put(c->snap_ns);
    c->snap_nodes = c->snap_pods = c->snap_ns = NULL;
}

/* The InternalIP of node name, or "" (from the pass's node table). */
static const char *node_ip(struct sim *s, const char *name)
{
    json_object *ip;
    if (s->ctl->node_ips && json_object_object_get_ex(s->ctl->node_ips, name, &ip))
        return json_object_get_string(ip);
    return "";
}

static struct sim_object *find_in(struct sim_objvec *vec, const char *name)
{
    for (size_t i = 0; i < vec->n; i++)
        if (vec->v[i] && !strcmp(vec->v[i]->name, name))
            return vec->v[i];
    return NULL;
}

static void bind_pvc(struct sim *s, struct sim_object *pvc, const char *node)
{
    json_object *p = s->ctl->seeding ? pvc->obj : sim_ctl_copy(pvc->obj);
    char vol[64];
    snprintf(vol, sizeof(vol), "pvc-%s", sim_json_str(p, "metadata.uid") ? sim_json_str(p, "metadata.uid") : "");
    sim_json_set_str(sim_json_obj(p, "spec"), "volumeName", vol);
    json_object *ann = sim_json_obj(sim_json_obj(p, "metadata"), "annotations");
    sim_json_set_str(ann, "pv.kubernetes.io/bind-completed", "yes");
    sim_json_set_str(ann, "pv.kubernetes.io/bound-by-controller", "yes");
    sim_json_set_str(ann, "volume.beta.kubernetes.io/storage-provisioner", "microk8s.io/hostpath");
    sim_json_set_str(ann, "volume.kubernetes.io/storage-provisioner", "microk8s.io/hostpath");
    if (node)
        sim_json_set_str(ann, "volume.kubernetes.io/selected-node", node);
    json_object *st = json_object_new_object();
    json_object_object_add(st, "phase", json_object_new_string("Bound"));
    json_object *am = sim_json_path(p, "spec.accessModes");
    if (am)
        json_object_object_add(st, "accessModes", sim_ctl_copy(am));
    json_object *req = sim_json_path(p, "spec.resources.requests");
    if (req)
        json_object_object_add(st, "capacity", sim_ctl_copy(req));
    json_object_object_add(p, "status", st);
    if (p != pvc->obj)
        sim_store_replace(s, pvc, p);
}

/* The binding mode of a PVC's class ("Immediate" when the class says so). */
static int immediate_class(struct sim *s, json_object *pvc)
{
    const char *cls = sim_json_str(pvc, "spec.storageClassName");
    struct sim_object *sc = cls ? sim_store_find(s, s->ctl->r_sc, NULL, cls) : NULL;
    const char *mode = sc ? sim_json_str(sc->obj, "volumeBindingMode") : NULL;
    return mode && !strcmp(mode, "Immediate");
}

void sim_pvc_bind_immediate(struct sim *s, struct sim_nsview *v)
{
    for (size_t i = 0; i < v->pvcs.n; i++) {
        struct sim_object *o = v->pvcs.v[i];
        const char *ph = o ? sim_json_str(o->obj, "status.phase") : NULL;
        if (o && (!ph || !strcmp(ph, "Pending")) && immediate_class(s, o->obj))
            bind_pvc(s, o, NULL);
    }
}

static void bind_claims(struct sim *s, struct sim_nsview *v, json_object *pod, const char *node)
{
    json_object *vols = sim_json_path(pod, "spec.volumes");
    for (size_t i = 0; vols && i < json_object_array_length(vols); i++) {
        const char *claim = sim_json_str(json_object_array_get_idx(vols, i), "persistentVolumeClaim.claimName");
        struct sim_object *pvc = claim ? find_in(&v->pvcs, claim) : NULL;
        const char *ph = pvc ? sim_json_str(pvc->obj, "status.phase") : NULL;
        if (pvc && (!ph || !strcmp(ph, "Pending")))
            bind_pvc(s, pvc, node);
    }
}

/* A claim the pod mounts that does not exist: the scheduler waits. */
static const char *missing_claim(struct sim_nsview *v, json_object *pod)
{
    json_object *vols = sim_json_path(pod, "spec.volumes");
    for (size_t i = 0; vols && i < json_object_array_length(vols); i++) {
        const char *claim = sim_json_str(json_object_array_get_idx(vols, i), "persistentVolumeClaim.claimName");
        if (claim && !find_in(&v->pvcs, claim))
            return claim;
    }
    return NULL;
}

static void retry_later(struct sim_rt *r, int64_t now)
{
    r->backoff_ms = r->backoff_ms ? r->backoff_ms * 2 : 1000;
    if (r->backoff_ms > 10000)
        r->backoff_ms = 10000;
    r->retry_ms = now + r->backoff_ms;
}

/* Try to place one pending pod; updates the store on success. */
static const char *missing_claim(struct sim_nsview *v, json_object *pod);

static void schedule_one(struct sim *s, struct sim_nsview *v, size_t idx, struct sim_rt *r, int64_t now)
{
    struct sim_ctl *c = s->ctl;
    struct sim_object *o = v->pods.v[idx];
    struct sim_sched_result res = {0};
    struct os_error err = {0};
    char msg[1024];

    const char *claim = missing_claim(v, o->obj);
    /* In back-off, unless it waited for a claim that now exists (the
     * scheduler requeues a pod on PVC events). */
    if (r->retry_ms && now < r->retry_ms && !(r->unsched && strstr(r->unsched, "persistentvolumeclaim") && !claim))
        return;
    if (claim) {
        snprintf(msg, sizeof(msg), "0/%zu nodes are available: persistentvolumeclaim \"%s\" not found. "
                 "preemption: 0/%zu nodes are available: %zu Preemption is not helpful for scheduling.",
                 json_object_array_length(c->snap_nodes), claim, json_object_array_length(c->snap_nodes),
                 json_object_array_length(c->snap_nodes));
    } else {
        struct sim_sched_input in = {.nodes = c->snap_nodes, .pods = c->snap_pods, .namespaces = c->snap_ns};
        if (sim_schedule(o->obj, &in, &res, &err) != 0) {
            snprintf(msg, sizeof(msg), "%s", err.message);
        } else if (res.node) {
            json_object *p = sim_ctl_cow(o->obj, "spec");
            sim_json_set_str(sim_json_obj(p, "spec"), "nodeName", res.node);
            sim_store_replace(s, o, p);
            json_object_array_add(c->snap_pods, json_object_get(o->obj));
            bind_claims(s, v, o->obj, res.node);
            r->bound_ms = now;
            r->retry_ms = r->backoff_ms = 0;
            free(r->unsched);
            r->unsched = NULL;
            snprintf(msg, sizeof(msg), "Successfully assigned %s/%s to %s", o->ns, o->name, res.node);
            sim_event_record(s, v, o->obj, "Normal", "Scheduled", msg, "default-scheduler", now);
            sim_sched_result_free(&res);
            return;
        } else {
            snprintf(msg, sizeof(msg), "%s", res.message ? res.message : "no node fits");
        }
        sim_sched_result_free(&res);
    }
    if (!r->unsched || strcmp(r->unsched, msg)) {
        free(r->unsched);
        r->unsched = strdup(msg);
        r->unsched_ms = now;
    }
    sim_event_record(s, v, o->obj, "Warning", "FailedScheduling", msg, "default-scheduler", now);
    retry_later(r, now);
}

/* Seeding: the least-used node with room, bound an hour ago. */
static void seed_bind(struct sim *s, struct sim_nsview *v, struct sim_object *o, struct sim_rt *r, int64_t now)
{
    json_object *ref = sim_ctl_controller_ref(o->obj);
    const char *kind = ref ? sim_json_str(ref, "kind") : NULL;
    const char *node = sim_seed_place(s->ctl, o->ns, !(kind && !strcmp(kind, "Job")));
    if (!node)
        return;
    /* Seeding runs before any reader exists: change the tree in place. */
    sim_json_set_str(sim_json_obj(o->obj, "spec"), "nodeName", node);
    bind_claims(s, v, o->obj, node);
    r->bound_ms = now - 3600 * 1000;
}

/* The kubelet's events for what changed between two statuses of a pod:
 * Pulled/Created/Started when a container (re)starts, Failed for a failed
 * pull, BackOff for pull or crash back-off.  Repeats are counted by
 * sim_event_record. */
static json_object *cstatus_by_name(json_object *st, const char *key, const char *name)
{
    json_object *arr = st ? sim_json_path(st, key) : NULL;
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        const char *n = sim_json_str(json_object_array_get_idx(arr, i), "name");
        if (n && !strcmp(n, name))
            return json_object_array_get_idx(arr, i);
    }
    return NULL;
}

static const char *started_at(json_object *cs)
{
    const char *r = cs ? sim_json_str(cs, "state.running.startedAt") : NULL;
    return r ? r : cs ? sim_json_str(cs, "state.terminated.startedAt") : NULL;
}

static void container_events(struct sim *s, struct sim_nsview *v, struct sim_object *o, json_object *old,
                             json_object *neu, int64_t now)
{
    static const char *const keys[] = {"initContainerStatuses", "containerStatuses"};
    char msg[1200];
    for (int k = 0; k < 2; k++) {
        json_object *arr = sim_json_path(neu, keys[k]);
        for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
            json_object *cs = json_object_array_get_idx(arr, i);
            const char *name = sim_json_str(cs, "name"), *image = sim_json_str(cs, "image");
            /* Events name the image as the spec writes it. */
            json_object *spec = sim_json_path(o->obj, k ? "spec.containers" : "spec.initContainers");
            for (size_t j = 0; name && spec && j < json_object_array_length(spec); j++) {
                const char *sn = sim_json_str(json_object_array_get_idx(spec, j), "name");
                if (sn && !strcmp(sn, name) && sim_json_str(json_object_array_get_idx(spec, j), "image"))
                    image = sim_json_str(json_object_array_get_idx(spec, j), "image");
            }
            json_object *ocs = name ? cstatus_by_name(old, keys[k], name) : NULL;
            const char *ns = started_at(cs), *os = started_at(ocs);
            if (!name)
                continue;
            if (ns && (!os || strcmp(ns, os))) {
                snprintf(msg, sizeof(msg), "Container image \"%s\" already present on machine", image ? image : "");
                sim_event_record(s, v, o->obj, "Normal", "Pulled", msg, "kubelet", now);
                snprintf(msg, sizeof(msg), "Created container %s", name);
                sim_event_record(s, v, o->obj, "Normal", "Created", msg, "kubelet", now);
                snprintf(msg, sizeof(msg), "Started container %s", name);
                sim_event_record(s, v, o->obj, "Normal", "Started", msg, "kubelet", now);
            }
            const char *w = sim_json_str(cs, "state.waiting.reason");
            const char *ow = ocs ? sim_json_str(ocs, "state.waiting.reason") : NULL;
            if (!w || (ow && !strcmp(w, ow)))
                continue;
            if (!strcmp(w, "ErrImagePull")) {
                const char *m = sim_json_str(cs, "state.waiting.message");
                snprintf(msg, sizeof(msg), "Failed to pull image \"%s\": %s", image ? image : "", m ? m : "");
                sim_event_record(s, v, o->obj, "Warning", "Failed", msg, "kubelet", now);
                sim_event_record(s, v, o->obj, "Warning", "Failed", "Error: ErrImagePull", "kubelet", now);
            } else if (!strcmp(w, "ImagePullBackOff")) {
                snprintf(msg, sizeof(msg), "Back-off pulling image \"%s\"", image ? image : "");
                sim_event_record(s, v, o->obj, "Normal", "BackOff", msg, "kubelet", now);
                sim_event_record(s, v, o->obj, "Warning", "Failed", "Error: ImagePullBackOff", "kubelet", now);
            } else if (!strcmp(w, "CrashLoopBackOff")) {
                snprintf(msg, sizeof(msg), "Back-off restarting failed container %s in pod %s_%s(%s)", name,
                         o->name, o->ns, sim_json_str(o->obj, "metadata.uid") ? sim_json_str(o->obj, "metadata.uid") : "");
                sim_event_record(s, v, o->obj, "Warning", "BackOff", msg, "kubelet", now);
            }
        }
    }
}

static int already_running(json_object *pod)
{
    const char *ph = sim_json_str(pod, "status.phase");
    return sim_json_str(pod, "spec.nodeName") && ph && strcmp(ph, "Pending");
}

int64_t sim_kubelet_pass(struct sim *s, struct sim_nsview *v, int64_t now)
{
    struct sim_ctl *c = s->ctl;
    int64_t next = 0;

    for (size_t i = 0; i < v->pods.n; i++) {
        struct sim_object *o = v->pods.v[i];
        const char *uid = o ? sim_json_str(o->obj, "metadata.uid") : NULL;
        if (!uid)
            continue;
        int fresh = !sim_rt_find(c, uid);
        struct sim_rt *r = sim_rt_get(c, uid, o->ns, 1);
        if (!r)
            continue;
        r->seen = c->pass;
        if (fresh && already_running(o->obj)) {
            r->external = 1;
            continue;
        }
        if (r->external || sim_json_path(o->obj, "metadata.deletionTimestamp"))
            continue;
        if (!sim_json_str(o->obj, "spec.nodeName")) {
            if (c->seeding) {
                seed_bind(s, v, o, r, now);
            } else {
                snapshot(s);
                schedule_one(s, v, i, r, now);
            }
        } else if (!r->bound_ms) {
            r->bound_ms = now;            /* created with a nodeName */
        }
        if (!sim_json_str(o->obj, "spec.nodeName")) {
            if (r->retry_ms && (!next || r->retry_ms < next))
                next = r->retry_ms;
        }
        const char *node = sim_json_str(o->obj, "spec.nodeName");
        if (node && !r->ip[0] && !sim_json_path(o->obj, "spec.hostNetwork")) {
            struct os_error err = {0};
            sim_ip_alloc(&c->ips, r->ip, sizeof(r->ip), &err);
        }
        struct sim_pod_facts f = {
            .node = node, .host_ip = node ? node_ip(s, node) : NULL,
            .pod_ip = r->ip[0] ? r->ip : NULL, .bound_ms = r->bound_ms,
            .unschedulable = node ? NULL : r->unsched, .unschedulable_ms = r->unsched_ms,
        };
        json_object *st = sim_pod_status(o->obj, &f, now, &c->timing);
        if (st) {
            json_object *old_st = json_object_get(sim_json_path(o->obj, "status"));
            if (sim_ctl_set_status(s, o, st) && !c->seeding)   /* only when it changed */
                container_events(s, v, o, old_st, sim_json_path(o->obj, "status"), now);
            json_object_put(old_st);
        }
        int64_t t = sim_pod_next_change(o->obj, &f, now, &c->timing);
        r->next_ms = t > 0 ? t : 0;
        if (r->next_ms && (!next || r->next_ms < next))
            next = r->next_ms;
    }
    return next;
}
