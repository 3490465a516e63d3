/*
 * rollout.c - the Deployment controller's arithmetic (see rollout.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollout.h"

int sim_intstr_percent(const char *s, int64_t *pct)
{
    size_t n = s ? strlen(s) : 0;
    int64_t v = 0;
    if (n < 2 || s[n - 1] != '%')
        return 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        if (v < 1000000000)        /* Atoi would fail far beyond int32 anyway */
            v = v * 10 + (s[i] - '0');
    }
    if (pct)
        *pct = v;
    return 1;
}

int sim_intstr_scaled(const struct sim_intstr *v, int64_t total, int round_up, int64_t *out)
{
    int64_t pct;
    *out = 0;
    if (!v || !v->set)
        return 0;
    if (!v->is_str) {
        *out = v->i;
        return 0;
    }
    if (!sim_intstr_percent(v->s, &pct))
        return -1;
    /* math.Ceil / math.Floor of pct * total / 100 (non-negative here). */
    *out = round_up ? (pct * total + 99) / 100 : pct * total / 100;
    return 0;
}

void sim_intstr_gostring(const struct sim_intstr *v, char *buf, size_t len)
{
    char q[256];
    size_t p = 0;
    const char *s = v && v->set && v->is_str && v->s ? v->s : "";
    /* Go's %q of a plain string: quote and backslash escaped. */
    q[p++] = '"';
    for (; *s && p + 3 < sizeof(q); s++) {
        if (*s == '"' || *s == '\\')
            q[p++] = '\\';
        q[p++] = *s;
    }
    q[p++] = '"';
    q[p] = '\0';
    snprintf(buf, len, "intstr.IntOrString{Type:%d, IntVal:%lld, StrVal:%s}", v && v->set && v->is_str ? 1 : 0,
             v && v->set && !v->is_str ? (long long)v->i : 0LL, q);
}

void sim_rollout_fenceposts(const struct sim_intstr *surge, const struct sim_intstr *unavail, int64_t desired,
                            int64_t *max_surge, int64_t *max_unavail)
{
    int64_t s = 0, u = 0;
    if (sim_intstr_scaled(surge, desired, 1, &s) < 0 || s < 0)
        s = 0;
    if (sim_intstr_scaled(unavail, desired, 0, &u) < 0 || u < 0)
        u = 0;
    if (s == 0 && u == 0)
        u = 1;
    if (u > desired)
        u = desired;
    *max_surge = s;
    *max_unavail = desired > 0 ? u : 0;
}

int64_t sim_rollout_new_replicas(int64_t desired, int64_t max_surge, int64_t all_spec, int64_t new_spec)
{
    if (new_spec >= desired)
        return desired;
    int64_t max_total = desired + max_surge;
    if (all_spec >= max_total)
        return new_spec;
    int64_t up = max_total - all_spec;
    if (up > desired - new_spec)
        up = desired - new_spec;
    return new_spec + up;
}

int64_t sim_rollout_scale_down(struct sim_rs_count *old, size_t n, int64_t desired, int64_t max_unavail,
                               int64_t new_spec, int64_t new_available)
{
    int64_t old_spec = 0, available = new_available, done = 0;
    for (size_t i = 0; i < n; i++) {
        old[i].want = old[i].spec;
        old_spec += old[i].spec;
        available += old[i].available;
    }
    if (old_spec == 0)
        return 0;
    int64_t min_available = desired - max_unavail;
    int64_t new_unavailable = new_spec - new_available;
    if (new_unavailable < 0)
        new_unavailable = 0;
    int64_t max_down = old_spec + new_spec - min_available - new_unavailable;
    if (max_down <= 0)
        return 0;
    /* cleanupUnhealthyReplicas: the unavailable replicas of old sets first. */
    for (size_t i = 0; i < n && done < max_down; i++) {
        int64_t bad = old[i].want - old[i].available;
        if (old[i].want == 0 || bad <= 0)
            continue;
        if (bad > max_down - done)
            bad = max_down - done;
        old[i].want -= bad;
        done += bad;
    }
    /* scaleDownOldReplicaSetsForRollingUpdate: available ones while more
     * than min_available stay available. */
    if (available <= min_available)
        return done;
    int64_t budget = available - min_available, taken = 0;
    for (size_t i = 0; i < n && taken < budget; i++) {
        if (old[i].want == 0)
            continue;
        int64_t d = old[i].want < budget - taken ? old[i].want : budget - taken;
        old[i].want -= d;
        taken += d;
    }
    return done + taken;
}

size_t sim_rollout_cleanup(struct sim_rs_count *old, size_t n, int64_t limit)
{
    size_t alive = 0, marked = 0;
    size_t *idx = n ? malloc(n * sizeof(*idx)) : NULL;
    if (!idx)
        return 0;
    for (size_t i = 0; i < n; i++) {
        old[i].remove = 0;
        if (!old[i].deleting)
            idx[alive++] = i;
    }
    if (limit < 0 || (int64_t)alive <= limit) {
        free(idx);
        return 0;
    }
    /* ReplicaSetsByRevision: lowest revision first, stable (the caller's
     * order, creation order, breaks ties). */
    for (size_t i = 1; i < alive; i++)
        for (size_t j = i; j > 0 && old[idx[j - 1]].revision > old[idx[j]].revision; j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    size_t diff = alive - (size_t)limit;
    for (size_t k = 0; k < diff; k++) {
        struct sim_rs_count *r = &old[idx[k]];
        if (r->spec != 0 || r->pods != 0)     /* never one that still has replicas */
            continue;
        r->remove = 1;
        marked++;
    }
    free(idx);
    return marked;
}
