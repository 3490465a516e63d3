/*
 * replicasets.c - the Deployment and ReplicaSet controllers, over one
 * namespace view (see controllers.h).
 *
 * Deployment: one ReplicaSet per pod template, "<deploy>-<hash>" where hash
 *   is sim_template_hash() of spec.template (also the pod-template-hash
 *   label of the ReplicaSet, of its selector and template, and so of its
 *   pods).  The ReplicaSet is controlled by the Deployment
 *   (ownerReferences, controller: true) and carries the
 *   deployment.kubernetes.io/revision annotation, as does the Deployment.
 *   RollingUpdate follows rolling.go with the arithmetic of rollout.c:
 *   each pass either scales the new ReplicaSet up (the ReplicaSets'
 *   spec.replicas summing to at most replicas + maxSurge) or, when it
 *   cannot, scales old ones down (their unavailable pods first, then as
 *   long as replicas - maxUnavailable pods stay Ready, oldest ReplicaSet
 *   first).  Recreate scales the old ones to 0 first and the new one up
 *   once their pods are gone.  Old ReplicaSets stay with 0 replicas
 *   (revision history); once a rollout is complete those beyond
 *   spec.revisionHistoryLimit are deleted, lowest revision first.  Going
 *   back to an old template reuses its ReplicaSet with the next revision
 *   number.
 * ReplicaSet: pods "<rs>-<5 chars>" from its template, controlled by it;
 *   scaled down from the newest.  Its status counts its pods.
 * Deployment status counts the pods of all its ReplicaSets (Ready pods are
 *   the available ones: minReadySeconds is not waited for); Available is
 *   replicas - maxUnavailable available pods.
 *
 * Called with sim->lock held.  While seeding (nothing can hold a stored
 * tree yet) objects are changed in place instead of replaced.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers.h"
#include "rollout.h"

#define REVISION "deployment.kubernetes.io/revision"

static long revision_of(json_object *obj)
{
    json_object *a = sim_json_path(obj, "metadata.annotations"), *r;
    return a && json_object_object_get_ex(a, REVISION, &r) ? strtol(json_object_get_string(r), NULL, 10) : 0;
}

/* Write nobj (owned) as o's new tree: in place while seeding. */
static void put_tree(struct sim *s, struct sim_object *o, json_object *nobj)
{
    if (s->ctl->seeding) {
        json_object_put(o->obj);
        o->obj = nobj;
        free(o->item_json);
        o->item_json = NULL;
    } else {
        sim_store_replace(s, o, nobj);
    }
}

/* Set metadata.annotations[REVISION] of o to rev when it differs. */
static void set_revision(struct sim *s, struct sim_object *o, long rev)
{
    char buf[24];
    if (revision_of(o->obj) == rev)
        return;
    snprintf(buf, sizeof(buf), "%ld", rev);
    json_object *n = sim_ctl_cow(o->obj, "metadata.annotations");
    sim_json_set_str(sim_json_obj(sim_json_obj(n, "metadata"), "annotations"), REVISION, buf);
    put_tree(s, o, n);
}

static void scaled_event(struct sim *s, struct sim_nsview *v, struct sim_object *d, const char *rs,
                         int64_t from, int64_t to, int64_t now)
{
    char msg[400];
    snprintf(msg, sizeof(msg), "Scaled %s replica set %s from %lld to %lld", to > from ? "up" : "down", rs,
             (long long)from, (long long)to);
    sim_event_record(s, v, d->obj, "Normal", "ScalingReplicaSet", msg, "deployment-controller", now);
}

/* The controller's managedFields entry on a new ReplicaSet rs of d; while
 * seeding, shared between the ReplicaSets of Deployments that share
 * theirs (same tier: same fields). */
static void rs_managed_fields(struct sim_ctl *c, struct sim_object *d, json_object *rs, int64_t now)
{
    json_object *key = c->seeding ? sim_json_path(d->obj, "metadata.managedFields") : NULL;
    size_t i, n = sizeof(c->rs_mf) / sizeof(c->rs_mf[0]);
    for (i = 0; key && i < n && c->rs_mf_key[i]; i++)
        if (c->rs_mf_key[i] == key) {
            json_object_object_add(sim_json_obj(rs, "metadata"), "managedFields", json_object_get(c->rs_mf[i]));
            return;
        }
    sim_managed_update(rs, NULL, "kube-controller-manager", "Update", "apps/v1", now);
    json_object *mf = sim_json_path(rs, "metadata.managedFields");
    if (key && i < n && mf) {
        c->rs_mf_key[i] = json_object_get(key);
        c->rs_mf[i] = json_object_get(mf);
    }
}

/* A new ReplicaSet of d for template tmpl (stored and added to v). */
static struct sim_object *rs_create(struct sim *s, struct sim_nsview *v, struct sim_object *d,
                                    json_object *tmpl, const char *hash, int64_t replicas,
                                    int64_t max_replicas, long rev, int64_t now)
{
    char name[300], buf[32];
    snprintf(name, sizeof(name), "%s-%s", d->name, hash);
    json_object *rs = json_object_new_object();
    json_object_object_add(rs, "apiVersion", json_object_new_string("apps/v1"));
    json_object_object_add(rs, "kind", json_object_new_string("ReplicaSet"));
    json_object *m = sim_json_obj(rs, "metadata");
    sim_json_set_str(m, "name", name);
    json_object_object_add(m, "generation", json_object_new_int64(1));
    sim_json_set_str(m, "namespace", d->ns);
    json_object *labels = sim_ctl_copy(sim_json_path(tmpl, "metadata.labels"));
    if (!labels)
        labels = json_object_new_object();
    sim_json_set_str(labels, "pod-template-hash", hash);
    json_object_object_add(m, "labels", labels);
    json_object *ann = sim_json_obj(m, "annotations");
    snprintf(buf, sizeof(buf), "%lld", (long long)sim_ctl_int(d->obj, "spec.replicas", 1));
    sim_json_set_str(ann, "deployment.kubernetes.io/desired-replicas", buf);
    snprintf(buf, sizeof(buf), "%lld", (long long)max_replicas);
    sim_json_set_str(ann, "deployment.kubernetes.io/max-replicas", buf);
    snprintf(buf, sizeof(buf), "%ld", rev);
    sim_json_set_str(ann, REVISION, buf);
    json_object *ref = json_object_new_object();
    sim_json_set_str(ref, "apiVersion", "apps/v1");
    sim_json_set_str(ref, "kind", "Deployment");
    sim_json_set_str(ref, "name", d->name);
    sim_json_set_str(ref, "uid", sim_json_str(d->obj, "metadata.uid") ? sim_json_str(d->obj, "metadata.uid") : "");
    json_object_object_add(ref, "controller", json_object_new_boolean(1));
    json_object_object_add(ref, "blockOwnerDeletion", json_object_new_boolean(1));
    json_object *refs = json_object_new_array();
    json_object_array_add(refs, ref);
    json_object_object_add(m, "ownerReferences", refs);
    if (s->ctl->seeding) {       /* a demo cluster that has run for an hour */
        char ts[32];
        sim_format_time(now - 3600 * 1000, ts, sizeof(ts));
        sim_json_set_str(m, "creationTimestamp", ts);
    }
    json_object *spec = sim_json_obj(rs, "spec");
    json_object_object_add(spec, "replicas", json_object_new_int64(replicas));
    json_object *mrs = sim_json_path(d->obj, "spec.minReadySeconds");
    if (mrs)
        json_object_object_add(spec, "minReadySeconds", json_object_get(mrs));
    json_object *sel = sim_ctl_copy(sim_json_path(d->obj, "spec.selector"));
    if (!sel)
        sel = json_object_new_object();
    sim_json_set_str(sim_json_obj(sel, "matchLabels"), "pod-template-hash", hash);
    json_object_object_add(spec, "selector", sel);
    /* The template is the Deployment's plus the label: its pod spec is
     * shared, not copied (stored trees are immutable). */
    json_object *t = sim_ctl_cow(tmpl, "metadata.labels");
    sim_json_set_str(sim_json_obj(sim_json_obj(t, "metadata"), "labels"), "pod-template-hash", hash);
    json_object_object_add(spec, "template", t);
    sim_object_defaults(s, s->ctl->r_rs, rs);
    rs_managed_fields(s->ctl, d, rs, now);
    struct sim_object *o = sim_store_add(s, s->ctl->r_rs, rs);
    if (!o)
        return NULL;
    sim_objvec_push(&v->replicasets, o);
    if (replicas > 0)
        scaled_event(s, v, d, name, 0, replicas, now);
    return o;
}

/* Set rs's spec.replicas to want, with the Deployment's desired count and
 * desired + maxSurge in its annotations (SetReplicasAnnotations). */
static void rs_scale(struct sim *s, struct sim_nsview *v, struct sim_object *d, struct sim_object *rs,
                     int64_t want, int64_t max_replicas, int64_t now)
{
    int64_t have = sim_ctl_int(rs->obj, "spec.replicas", 1);
    if (have == want)
        return;
    char buf[32];
    json_object *n = sim_ctl_cow(rs->obj, "spec,metadata.annotations");
    json_object *m = sim_json_obj(n, "metadata");
    json_object_object_add(sim_json_obj(n, "spec"), "replicas", json_object_new_int64(want));
    json_object_object_add(m, "generation", json_object_new_int64(sim_ctl_int(n, "metadata.generation", 1) + 1));
    snprintf(buf, sizeof(buf), "%lld", (long long)sim_ctl_int(d->obj, "spec.replicas", 1));
    sim_json_set_str(sim_json_obj(m, "annotations"), "deployment.kubernetes.io/desired-replicas", buf);
    snprintf(buf, sizeof(buf), "%lld", (long long)max_replicas);
    sim_json_set_str(sim_json_obj(m, "annotations"), "deployment.kubernetes.io/max-replicas", buf);
    put_tree(s, rs, n);
    scaled_event(s, v, d, rs->name, have, want, now);
}

/* Pods of v controlled by rs: how many, how many Ready (available: the
 * simulator has no minReadySeconds delay). */
static int64_t rs_pods(struct sim_nsview *v, struct sim_object *rs, int64_t *ready)
{
    int64_t n = 0;
    if (ready)
        *ready = 0;
    for (size_t i = 0; i < v->pods.n; i++) {
        struct sim_object *p = v->pods.v[i];
        if (!p || !sim_owned_by(p->obj, rs->obj))
            continue;
        n++;
        if (ready)
            *ready += sim_ctl_pod_ready(p->obj);
    }
    return n;
}

/* spec.strategy as the controller reads it: what a create left out has the
 * API defaults (RollingUpdate, 25%/25%); an update stores what it is given. */
static int is_recreate(struct sim_object *d)
{
    const char *t = sim_json_str(d->obj, "spec.strategy.type");
    return t && !strcmp(t, "Recreate");
}

/* maxSurge and maxUnavailable of d resolved against spec.replicas (0 and
 * 0 for Recreate, as MaxSurge()/MaxUnavailable() give them). */
static void fenceposts(struct sim_object *d, int64_t *surge, int64_t *unavail)
{
    struct sim_intstr ms, mu;
    *surge = *unavail = 0;
    if (is_recreate(d))
        return;
    json_object *ru = sim_json_path(d->obj, "spec.strategy.rollingUpdate");
    sim_rolling_value(ru, "maxSurge", &ms);
    sim_rolling_value(ru, "maxUnavailable", &mu);
    sim_rollout_fenceposts(&ms, &mu, sim_ctl_int(d->obj, "spec.replicas", 1), surge, unavail);
}

static int cmp_created(const void *a, const void *b)
{
    const struct sim_object *x = *(const struct sim_object *const *)a;
    const struct sim_object *y = *(const struct sim_object *const *)b;
    const char *tx = sim_json_str(x->obj, "metadata.creationTimestamp");
    const char *ty = sim_json_str(y->obj, "metadata.creationTimestamp");
    int c = strcmp(tx ? tx : "", ty ? ty : "");
    return c ? c : strcmp(x->name, y->name);
}

/* Remove ReplicaSet rs from the store and the view. */
static void rs_delete(struct sim *s, struct sim_nsview *v, struct sim_object *rs)
{
    for (size_t i = 0; i < v->replicasets.n; i++)
        if (v->replicasets.v[i] == rs)
            v->replicasets.v[i] = NULL;
    sim_store_remove(s, rs);
}

/* cleanupDeployment: the old ReplicaSets of d (old[], creation order)
 * beyond spec.revisionHistoryLimit go, lowest revision first; never one
 * that still has replicas or pods. */
static void rs_cleanup(struct sim *s, struct sim_nsview *v, struct sim_object *d, struct sim_object **old,
                       size_t n)
{
    json_object *lim = sim_json_path(d->obj, "spec.revisionHistoryLimit");
    if (!lim || !n || s->ctl->seeding)
        return;
    struct sim_rs_count *c = calloc(n, sizeof(*c));
    if (!c)
        return;
    for (size_t i = 0; i < n; i++) {
        c[i].spec = sim_ctl_int(old[i]->obj, "spec.replicas", 1);
        c[i].pods = rs_pods(v, old[i], NULL);
        c[i].revision = revision_of(old[i]->obj);
        c[i].deleting = sim_json_path(old[i]->obj, "metadata.deletionTimestamp") != NULL;
    }
    if (sim_rollout_cleanup(c, n, json_object_get_int64(lim)))
        for (size_t i = 0; i < n; i++)
            if (c[i].remove)
                rs_delete(s, v, old[i]);
    free(c);
}

/* reconcileOldReplicaSets: scale the old ReplicaSets (old[], creation
 * order) down as far as maxUnavailable allows. */
static void rs_scale_down_old(struct sim *s, struct sim_nsview *v, struct sim_object *d, struct sim_object **old,
                              size_t n, struct sim_object *nrs, int64_t max_unavail, int64_t max_replicas,
                              int64_t now)
{
    int64_t replicas = sim_ctl_int(d->obj, "spec.replicas", 1), new_avail = 0;
    struct sim_rs_count *c = calloc(n ? n : 1, sizeof(*c));
    if (!c)
        return;
    for (size_t i = 0; i < n; i++) {
        c[i].spec = sim_ctl_int(old[i]->obj, "spec.replicas", 1);
        c[i].pods = rs_pods(v, old[i], &c[i].available);
    }
    rs_pods(v, nrs, &new_avail);
    if (sim_rollout_scale_down(c, n, replicas, max_unavail, sim_ctl_int(nrs->obj, "spec.replicas", 1), new_avail))
        for (size_t i = 0; i < n; i++)
            rs_scale(s, v, d, old[i], c[i].want, max_replicas, now);
    free(c);
}

static void deployment_rollout(struct sim *s, struct sim_nsview *v, struct sim_object *d, int64_t now)
{
    char hash[11], name[300];
    json_object *tmpl = sim_json_path(d->obj, "spec.template");
    int64_t replicas = sim_ctl_int(d->obj, "spec.replicas", 1), old_pods = 0, old_spec = 0, surge, unavail;
    int recreate = is_recreate(d), scaled = 0;
    struct sim_object *nrs = NULL, **old = NULL;
    size_t nold = 0;
    long maxrev = 0;

    if (!tmpl || sim_json_path(d->obj, "metadata.deletionTimestamp"))
        return;
    fenceposts(d, &surge, &unavail);
    sim_owner_hash(s->ctl, d, hash);
    snprintf(name, sizeof(name), "%s-%s", d->name, hash);
    old = calloc(v->replicasets.n ? v->replicasets.n : 1, sizeof(*old));
    if (!old)
        return;
    for (size_t i = 0; i < v->replicasets.n; i++) {
        struct sim_object *rs = v->replicasets.v[i];
        if (!rs || !sim_owned_by(rs->obj, d->obj))
            continue;
        long r = revision_of(rs->obj);
        if (r > maxrev)
            maxrev = r;
        if (!strcmp(rs->name, name)) {
            nrs = rs;
        } else {
            old[nold++] = rs;
            old_pods += rs_pods(v, rs, NULL);
            old_spec += sim_ctl_int(rs->obj, "spec.replicas", 1);
        }
    }
    qsort(old, nold, sizeof(*old), cmp_created);
    if (!nrs) {
        /* getNewReplicaSet: born at NewRSNewReplicas (Recreate: once the
         * old pods are gone). */
        int64_t first = recreate ? (old_pods ? 0 : replicas) : sim_rollout_new_replicas(replicas, surge, old_spec, 0);
        if (!(nrs = rs_create(s, v, d, tmpl, hash, first, replicas + surge, maxrev + 1, now)))
            goto out;
    }
    if (revision_of(nrs->obj) < maxrev)        /* back to an older template */
        set_revision(s, nrs, maxrev + 1);
    set_revision(s, d, revision_of(nrs->obj));
    int64_t new_spec = sim_ctl_int(nrs->obj, "spec.replicas", 1);
    if (recreate) {
        /* rolloutRecreate: old ones to 0, the new one up once their pods
         * are gone. */
        for (size_t i = 0; i < nold; i++)
            rs_scale(s, v, d, old[i], 0, replicas, now);
        rs_scale(s, v, d, nrs, old_pods ? 0 : replicas, replicas, now);
        scaled = old_pods > 0;
    } else {
        /* rolloutRolling: scale up if we can, else scale down if we can. */
        int64_t want = sim_rollout_new_replicas(replicas, surge, old_spec + new_spec, new_spec);
        if (want != new_spec) {
            rs_scale(s, v, d, nrs, want, replicas + surge, now);
            scaled = 1;
        } else {
            rs_scale_down_old(s, v, d, old, nold, nrs, unavail, replicas + surge, now);
        }
    }
    /* A complete rollout (DeploymentComplete): prune the history. */
    if (!scaled) {
        int64_t ready = 0, all = old_pods, upd = rs_pods(v, nrs, &ready);
        all += upd;
        for (size_t i = 0; i < nold; i++) {
            int64_t r = 0;
            rs_pods(v, old[i], &r);
            ready += r;
        }
        if (upd == replicas && all == replicas && ready == replicas)
            rs_cleanup(s, v, d, old, nold);
    }
out:
    free(old);
}

static void replicaset_pods(struct sim *s, struct sim_nsview *v, struct sim_object *rs, int64_t now,
                            int64_t *next)
{
    char name[320], gen[320], msg[400];
    json_object *tmpl = sim_json_path(rs->obj, "spec.template");
    int64_t replicas = sim_ctl_int(rs->obj, "spec.replicas", 1);
    int64_t have = rs_pods(v, rs, NULL);

    if (!tmpl || sim_json_path(rs->obj, "metadata.deletionTimestamp"))
        return;
    /* Scale down: the newest names last, delete from the end. */
    for (size_t i = v->pods.n; i-- > 0 && have > replicas;) {
        struct sim_object *p = v->pods.v[i];
        if (p && sim_owned_by(p->obj, rs->obj)) {
            sim_delete_pod(s, v, p);
            have--;
        }
    }
    snprintf(gen, sizeof(gen), "%s-", rs->name);
    while (have < replicas && sim_may_create(s, rs, now, next)) {
        sim_unique_name(s, v, rs->obj, rs->name, name, sizeof(name));
        json_object *pod = sim_pod_from_template(rs, tmpl, name, json_object_new_object());
        sim_json_set_str(sim_json_obj(pod, "metadata"), "generateName", gen);
        if (!sim_create_child(s, v, rs, pod, 1, now, next))
            break;
        snprintf(msg, sizeof(msg), "Created pod: %s", name);
        sim_event_record(s, v, rs->obj, "Normal", "SuccessfulCreate", msg, "replicaset-controller", now);
        have++;
    }
}

int64_t sim_deployments_pods(struct sim *s, struct sim_nsview *v, int64_t now)
{
    int64_t next = 0;
    for (size_t i = 0; i < v->deployments.n; i++)
        if (v->deployments.v[i])
            deployment_rollout(s, v, v->deployments.v[i], now);
    for (size_t i = 0; i < v->replicasets.n; i++)
        if (v->replicasets.v[i])
            replicaset_pods(s, v, v->replicasets.v[i], now, &next);
    return next;
}

/* ---- status ---- */

static void replicaset_status(struct sim *s, struct sim_nsview *v, struct sim_object *rs, const char *ts)
{
    int64_t ready = 0, n = rs_pods(v, rs, &ready);
    json_object *st = json_object_new_object();
    /* The API's omitempty: zero counts other than replicas are left out. */
    json_object_object_add(st, "replicas", json_object_new_int64(n));
    if (n)
        json_object_object_add(st, "fullyLabeledReplicas", json_object_new_int64(n));
    if (ready) {
        json_object_object_add(st, "readyReplicas", json_object_new_int64(ready));
        json_object_object_add(st, "availableReplicas", json_object_new_int64(ready));
    }
    json_object_object_add(st, "observedGeneration", json_object_new_int64(sim_ctl_int(rs->obj, "metadata.generation", 1)));
    const char *why = sim_refusal(s, rs->obj);
    if (why) {
        json_object *conds = json_object_new_array();
        json_object_array_add(conds, sim_condition(sim_json_path(rs->obj, "status.conditions"), "ReplicaFailure",
                                                   "True", "FailedCreate", why, ts, 0));
        json_object_object_add(st, "conditions", conds);
    }
    sim_ctl_set_status(s, rs, st);
}

/* calculateStatus and syncRolloutStatus, from the pods of d's ReplicaSets. */
static void deployment_status(struct sim *s, struct sim_nsview *v, struct sim_object *d, const char *ts)
{
    char hash[11], msg[600];
    int64_t replicas = sim_ctl_int(d->obj, "spec.replicas", 1), surge, unavail;
    int64_t total = 0, updated = 0, ready = 0, spec_total = 0;
    json_object *old = sim_json_path(d->obj, "status.conditions");
    struct sim_object *nrs = NULL;

    fenceposts(d, &surge, &unavail);
    sim_owner_hash(s->ctl, d, hash);
    snprintf(msg, sizeof(msg), "%s-%s", d->name, hash);
    for (size_t i = 0; i < v->replicasets.n; i++) {
        struct sim_object *rs = v->replicasets.v[i];
        if (!rs || !sim_owned_by(rs->obj, d->obj))
            continue;
        int64_t r = 0, n = rs_pods(v, rs, &r);
        total += n;
        ready += r;
        spec_total += sim_ctl_int(rs->obj, "spec.replicas", 1);
        if (!strcmp(rs->name, msg)) {
            updated = n;
            nrs = rs;
        }
    }
    json_object *st = json_object_new_object();
    json_object_object_add(st, "observedGeneration", json_object_new_int64(sim_ctl_int(d->obj, "metadata.generation", 1)));
    json_object_object_add(st, "replicas", json_object_new_int64(total));
    json_object_object_add(st, "updatedReplicas", json_object_new_int64(updated));
    json_object_object_add(st, "readyReplicas", json_object_new_int64(ready));
    json_object_object_add(st, "availableReplicas", json_object_new_int64(ready));
    /* The ReplicaSets' desired sum less the available pods, never < 0. */
    if (spec_total - ready > 0)
        json_object_object_add(st, "unavailableReplicas", json_object_new_int64(spec_total - ready));
    json_object *conds = json_object_new_array();
    int avail = ready >= replicas - unavail;
    json_object_array_add(conds, sim_condition(old, "Available", avail ? "True" : "False",
        avail ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        avail ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", ts, 1));
    int done = updated == replicas && ready >= replicas && total == replicas;
    char text[700];
    snprintf(text, sizeof(text), done ? "ReplicaSet \"%s\" has successfully progressed." : "ReplicaSet \"%s\" is progressing.",
             msg);
    /* A complete rollout stays complete while all pods are updated ones
     * (a pod going unready or a scale does not make it progress again). */
    json_object *prog = NULL;
    for (size_t i = 0; old && i < json_object_array_length(old); i++) {
        json_object *c = json_object_array_get_idx(old, i);
        const char *t = sim_json_str(c, "type");
        if (t && !strcmp(t, "Progressing"))
            prog = c;
    }
    char was[700];
    snprintf(was, sizeof(was), "ReplicaSet \"%s\" has successfully progressed.", msg);
    if (!done && total == updated && prog && sim_json_str(prog, "reason") &&
        !strcmp(sim_json_str(prog, "reason"), "NewReplicaSetAvailable") && sim_json_str(prog, "message") &&
        !strcmp(sim_json_str(prog, "message"), was))
        done = 1, snprintf(text, sizeof(text), "%s", was);
    json_object_array_add(conds, sim_condition(old, "Progressing", "True",
        done ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", text, ts, 1));
    const char *why = nrs ? sim_refusal(s, nrs->obj) : NULL;
    if (why)
        json_object_array_add(conds, sim_condition(old, "ReplicaFailure", "True", "FailedCreate", why, ts, 1));
    json_object_object_add(st, "conditions", conds);
    sim_ctl_set_status(s, d, st);
}

void sim_deployments_status(struct sim *s, struct sim_nsview *v, const char *ts)
{
    for (size_t i = 0; i < v->replicasets.n; i++)
        if (v->replicasets.v[i])
            replicaset_status(s, v, v->replicasets.v[i], ts);
    for (size_t i = 0; i < v->deployments.n; i++)
        if (v->deployments.v[i])
            deployment_status(s, v, v->deployments.v[i], ts);
}
