/*
 * rebalance.c - the rebalance planner (see rebalance.h).
 *
 * Deterministic: nodes are taken in name order, and from the busiest node
 * the tenant with the greatest id moves first, so a plan printed with
 * --plan is the plan --rebalance starts with.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/rest.h"
#include "nodes.h"
#include "rebalance.h"

struct slot {
    const char *node;
    char **tenants;          /* borrowed strings, sorted */
    size_t n;
};

static struct json_object *items_of(struct json_object *list)
{
    struct json_object *arr = NULL;
    if (json_object_is_type(list, json_type_array))
        return list;
    if (list)
        json_object_object_get_ex(list, "items", &arr);
    return arr && json_object_is_type(arr, json_type_array) ? arr : NULL;
}

static int node_usable(struct json_object *node)
{
    struct json_object *st, *conds, *spec, *u;
    int ready = 0;

    if (json_object_object_get_ex(node, "spec", &spec) &&
        json_object_object_get_ex(spec, "unschedulable", &u) && json_object_get_boolean(u))
        return 0;
    if (!json_object_object_get_ex(node, "status", &st) ||
        !json_object_object_get_ex(st, "conditions", &conds))
        return 0;
    for (size_t i = 0; i < json_object_array_length(conds); i++) {
        struct json_object *c = json_object_array_get_idx(conds, i);
        if (!strcmp(kube_object_str(c, "type") ?: "", "Ready"))
            ready = !strcmp(kube_object_str(c, "status") ?: "", "True");
    }
    return ready;
}

static int by_node(const void *a, const void *b)
{
    return strcmp(((const struct slot *)a)->node, ((const struct slot *)b)->node);
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void slots_free(struct slot *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].tenants);
    free(s);
}

/* One slot per usable node, holding the tenants whose Odoo runs there. */
static int fill(struct json_object *nodes, struct json_object *pods, struct slot **out, size_t *n)
{
    struct json_object *na = items_of(nodes), *pa = items_of(pods);
    size_t nn = na ? json_object_array_length(na) : 0, np = pa ? json_object_array_length(pa) : 0;
    struct slot *s = calloc(nn ? nn : 1, sizeof(*s));

    *n = 0;
    if (!s)
        return -1;
    for (size_t i = 0; i < nn; i++)
        if (node_usable(json_object_array_get_idx(na, i)) && kube_object_name(json_object_array_get_idx(na, i)))
            s[(*n)++].node = kube_object_name(json_object_array_get_idx(na, i));
    if (*n > 1)
        qsort(s, *n, sizeof(*s), by_node);
    for (size_t i = 0; i < np; i++) {
        struct json_object *pod = json_object_array_get_idx(pa, i);
        const char *phase = kube_object_str(pod, "status.phase") ?: "";
        struct slot key = {.node = kube_object_str(pod, "spec.nodeName")}, *hit;
        const char *tenant = pod_tenant(pod);
        char **grown;

        if (!key.node || !tenant || kube_object_str(pod, "metadata.deletionTimestamp") ||
            !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))
            continue;
        if (!(hit = bsearch(&key, s, *n, sizeof(*s), by_node)))
            continue;
        if (!(grown = realloc(hit->tenants, (hit->n + 1) * sizeof(char *)))) {
            slots_free(s, *n);
            return -1;
        }
        hit->tenants = grown;
        hit->tenants[hit->n++] = (char *)tenant;
    }
    for (size_t i = 0; i < *n; i++)
        if (s[i].n > 1)
            qsort(s[i].tenants, s[i].n, sizeof(char *), by_str);
    *out = s;
    return 0;
}

int rebalance_plan(struct json_object *nodes, struct json_object *odoo_pods,
                   struct rebalance_move **moves, size_t *n, struct os_error *err)
{
    struct slot *s = NULL;
    size_t ns = 0, cap = 0;

    *moves = NULL;
    *n = 0;
    if (fill(nodes, odoo_pods, &s, &ns) < 0)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (;;) {
        size_t hi = 0, lo = 0;
        for (size_t i = 1; i < ns; i++) {
            if (s[i].n > s[hi].n)
                hi = i;
            if (s[i].n < s[lo].n)
                lo = i;
        }
        if (ns < 2 || s[hi].n < s[lo].n + 2)
            break;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            struct rebalance_move *grown = realloc(*moves, cap * sizeof(**moves));
            if (!grown) {
                free(*moves);
                *moves = NULL;
                *n = 0;
                slots_free(s, ns);
                return os_error_set(err, OS_ERR_NOMEM, "out of memory");
            }
            *moves = grown;
        }
        struct rebalance_move *m = &(*moves)[(*n)++];
        const char *t = s[hi].tenants[--s[hi].n];   /* the greatest id moves */
        snprintf(m->tenant, sizeof(m->tenant), "%s", t);
        snprintf(m->from, sizeof(m->from), "%s", s[hi].node);
        snprintf(m->to, sizeof(m->to), "%s", s[lo].node);
        char **grown = realloc(s[lo].tenants, (s[lo].n + 1) * sizeof(char *));
        if (!grown) {
            free(*moves);
            *moves = NULL;
            *n = 0;
            slots_free(s, ns);
            return os_error_set(err, OS_ERR_NOMEM, "out of memory");
        }
        s[lo].tenants = grown;
        s[lo].tenants[s[lo].n++] = (char *)t;
    }
    slots_free(s, ns);
    return 0;
}
