/*
 * scheduler.c - kube-scheduler's default profile, reduced to what the
 * simulator needs, as one pure function (see scheduler.h).
 *
 * How it works.  The nodes and the bound pods are folded into one
 * node_info per node (allocatable, summed requests, the pods on it).  Then
 * the Filter plugins of the default profile run in their upstream order
 * (pkg/scheduler/apis/config/v1/default_plugins.go), each node stopping at
 * the first plugin that rejects it, as RunFilterPlugins does:
 *
 *   NodeUnschedulable  "node(s) were unschedulable"                 (U&U)
 *   NodeName           "node(s) didn't match the requested node name" (U&U)
 *   TaintToleration    "node(s) had untolerated taint {KEY: VALUE}"  (U&U)
 *                      NoSchedule/NoExecute only.  A node whose Ready
 *                      condition is not True is treated as carrying the
 *                      taint the node lifecycle controller would add:
 *                      node.kubernetes.io/not-ready (False or missing) or
 *                      node.kubernetes.io/unreachable (Unknown), NoSchedule.
 *   NodeAffinity       "node(s) didn't match Pod's node affinity/selector"
 *                      (U&U): nodeSelector plus required nodeAffinity terms,
 *                      operators In NotIn Exists DoesNotExist Gt Lt, and
 *                      matchFields on metadata.name.
 *   NodeResourcesFit   "Too many pods", "Insufficient cpu", "Insufficient
 *                      memory" (all that apply; U&U when the request is
 *                      larger than the whole allocatable, else U).  Requests
 *                      are pod_resource(): max(sum of containers, largest
 *                      init container) + overhead.
 *   PodTopologySpread  DoNotSchedule constraints: "node(s) didn't match pod
 *                      topology spread constraints" (U), or "... (missing
 *                      required label)" (U&U).  nodeAffinityPolicy Honor,
 *                      nodeTaintsPolicy Ignore (the defaults); matchLabelKeys
 *                      is not read.
 *   InterPodAffinity   "node(s) didn't match pod affinity rules" (U&U),
 *                      "node(s) didn't match pod anti-affinity rules" (U),
 *                      "node(s) didn't satisfy existing pods anti-affinity
 *                      rules" (U).  Any topologyKey works; a term matches a
 *                      pod when the pod's namespace is in term.namespaces,
 *                      or in the pod's own namespace when the term has
 *                      neither namespaces nor namespaceSelector, or its
 *                      namespace labels match namespaceSelector ({} matches
 *                      every namespace), and its labels match labelSelector.
 *
 * NodePorts, the volume plugins and DRA are not modelled.
 *
 * Score.  Over the feasible nodes, with the default weights:
 *
 *   total = 3*TaintToleration + 2*NodeAffinity + 1*LeastAllocated
 *         + 2*InterPodAffinity + 1*BalancedAllocation
 *
 *   InterPodAffinity: raw(N) = sum over every bound pod P (on any node M
 *     whose topologyKey label equals N's) of
 *       +w  for each preferred affinity term of the pod matching P,
 *       -w  for each preferred anti-affinity term of the pod matching P,
 *       +1  for each required affinity term of P matching the pod
 *           (hardPodAffinityWeight),
 *       +w / -w for each preferred affinity / anti-affinity term of P
 *           matching the pod.
 *     Normalised like upstream NormalizeScore: 100*(raw-min)/(max-min)
 *     over the feasible nodes (as float64, truncated); all 0 when max==min
 *     or when no term matched anything.  So six tenants' Odoo pods, each
 *     with the rendered weight-100 anti-affinity, see -200 per other
 *     tenant's Odoo pod on a node (their term plus the existing pod's).
 *   LeastAllocated: per resource (cpu, memory, weight 1 each)
 *     (alloc - req) * 100 / alloc (integer), 0 if req > alloc or alloc 0,
 *     where req = non-zero requests of the node's pods plus the pod's
 *     (a container without a request counts 100m cpu / 200Mi memory);
 *     score = (cpu + memory) / 2.
 *   BalancedAllocation: fractions f = req/alloc (capped at 1) for cpu and
 *     memory with the real requests; score = (1 - |f_cpu - f_mem| / 2) * 100
 *     truncated.  Skipped (0 everywhere) for a pod with no request at all.
 *   TaintToleration: count of PreferNoSchedule taints the pod does not
 *     tolerate, normalised in reverse (100 when none anywhere).
 *   NodeAffinity: sum of weights of matching preferred terms, normalised to
 *     100 * s / max.
 *   PodTopologySpread and ImageLocality scores are 0 for every node.
 *
 * The highest total wins; where kube-scheduler picks among equal totals at
 * random, we take the smallest node name, so the result is reproducible.
 *
 * Failure message (pkg/scheduler/framework/types.go FitError.Error() and
 * DefaultPreemption.PostFilter):
 *   "0/N nodes are available: " + the reasons histogram ("COUNT REASON",
 *   sorted as strings, joined ", ") + "." + " preemption: 0/N nodes are
 *   available: " + preemption histogram + "."
 * Preemption is not simulated: bound pods are all taken as the same
 * priority, so a node rejected with an Unschedulable status reads "No
 * preemption victims found for incoming pod", one rejected as
 * UnschedulableAndUnresolvable "Preemption is not helpful for scheduling".
 * A pod with preemptionPolicy Never gets "preemption: not eligible due to
 * preemptionPolicy=Never.".  With no node at all the message is "no nodes
 * available to schedule pods".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/nodes.h"
#include "kube/quantity.h"
#include "kube/selector.h"
#include "scheduler.h"

#define MAX_SCORE 100
#define DEFAULT_CPU_M 100                       /* schedutil.DefaultMilliCPURequest */
#define DEFAULT_MEM (200LL * 1024 * 1024)       /* schedutil.DefaultMemoryRequest */
#define NREASONS 3
#define REASON_LEN 200

enum { ST_OK, ST_UNSCHED, ST_UNRESOLVABLE };

struct fstatus {
    int code;
    int n;
    char reason[NREASONS][REASON_LEN];
};

struct node_info {
    json_object *obj;
    const char *name;
    json_object *labels;
    json_object *taints;        /* spec.taints, may be NULL */
    const char *ready_taint;    /* synthetic not-ready/unreachable key or NULL */
    int64_t alloc_cpu, alloc_mem, alloc_pods;
    int64_t req_cpu, req_mem, nz_cpu, nz_mem;
    json_object **pods;
    size_t npods;
    struct fstatus st;
};

struct term {
    struct kube_selector *sel;      /* labelSelector; NULL matches nothing */
    struct kube_selector *ns_sel;   /* namespaceSelector; NULL: none */
    json_object *namespaces;        /* term.namespaces array, borrowed */
    const char *own_ns;             /* set when the term means "own ns" */
    const char *key;                /* topologyKey */
    int64_t weight;
};

struct terms {
    struct term *t;
    size_t n;
};

struct sched {
    json_object *pod;
    const char *ns, *name;
    json_object *ns_labels;         /* the pod's own namespace labels */
    const struct sim_sched_input *in;
    struct node_info *nodes;
    size_t nnodes;
    int64_t cpu, mem, nz_cpu, nz_mem;
    struct terms req_aff, req_anti, pref_aff, pref_anti;
};

/* ---- small JSON helpers ---- */

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o && json_object_is_type(o, json_type_object))
        json_object_object_get_ex(o, key, &v);
    return v;
}

static json_object *get2(json_object *o, const char *a, const char *b)
{
    return get(get(o, a), b);
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static size_t alen(json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static json_object *items(json_object *list)
{
    if (list && json_object_is_type(list, json_type_array))
        return list;
    return get(list, "items");
}

static int streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static const char *label(json_object *labels, const char *key)
{
    return key ? str(labels, key) : NULL;
}

static json_object *ns_labels(const struct sim_sched_input *in, const char *ns)
{
    if (!ns)
        return NULL;
    if (in->namespaces)
        return get(in->namespaces, ns);
    return in->ns_labels ? in->ns_labels(in->ns_userdata, ns) : NULL;
}

static int64_t qty(json_object *list, const char *res)
{
    const char *s = str(list, res);
    int64_t v = 0;
    struct os_error e;

    if (!s)
        return 0;
    if (!strcmp(res, "cpu"))
        kube_quantity_parse_milli(s, &v, &e);
    else
        kube_quantity_parse_int(s, &v, &e);
    return v;
}

static void set_reason(struct fstatus *st, int code, const char *text)
{
    if (st->n >= NREASONS)
        return;
    snprintf(st->reason[st->n++], REASON_LEN, "%s", text);
    if (code > st->code)
        st->code = code;
}

static void set_taint_reason(struct fstatus *st, const char *key, const char *value)
{
    char buf[REASON_LEN];
    snprintf(buf, sizeof(buf), "node(s) had untolerated taint {%s: %s}", key ? key : "",
             value ? value : "");
    set_reason(st, ST_UNRESOLVABLE, buf);
}

/* ---- affinity terms ---- */

static void terms_free(struct terms *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        kube_selector_free(ts->t[i].sel);
        kube_selector_free(ts->t[i].ns_sel);
    }
    free(ts->t);
    ts->t = NULL;
    ts->n = 0;
}

static int term_parse(json_object *j, int64_t weight, const char *pod_ns, struct term *t,
                      struct os_error *err)
{
    json_object *ns_sel = get(j, "namespaceSelector");

    memset(t, 0, sizeof(*t));
    t->weight = weight;
    t->key = str(j, "topologyKey");
    t->namespaces = get(j, "namespaces");
    if (!alen(t->namespaces) && !ns_sel)
        t->own_ns = pod_ns;
    if (kube_selector_from_json(get(j, "labelSelector"), &t->sel, err))
        return OS_ERR_INVALID;
    if (ns_sel && kube_selector_from_json(ns_sel, &t->ns_sel, err)) {
        kube_selector_free(t->sel);
        return OS_ERR_INVALID;
    }
    return 0;
}

/* Terms at affinity.<kind>.<field>; weighted ones carry podAffinityTerm. */
static int terms_parse(json_object *pod, const char *kind, const char *field, int weighted,
                       struct terms *out, struct os_error *err)
{
    json_object *arr = get(get2(get(pod, "spec"), "affinity", kind), field);
    const char *ns = str(get(pod, "metadata"), "namespace");
    size_t n = alen(arr);

    out->t = NULL;
    out->n = 0;
    if (!n)
        return 0;
    out->t = calloc(n, sizeof(*out->t));
    if (!out->t)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        json_object *w = get(e, "weight");
        int64_t weight = weighted ? (w ? json_object_get_int64(w) : 0) : 1;
        if (term_parse(weighted ? get(e, "podAffinityTerm") : e, weight, ns, &out->t[out->n], err)) {
            terms_free(out);
            return os_error_prefix(err, "%s.%s", kind, field);
        }
        out->n++;
    }
    return 0;
}

static int in_array(json_object *arr, const char *s)
{
    for (size_t i = 0; i < alen(arr); i++) {
        json_object *v = json_object_array_get_idx(arr, i);
        if (json_object_is_type(v, json_type_string) && streq(json_object_get_string(v), s))
            return 1;
    }
    return 0;
}

/* AffinityTerm.Matches: namespace first, then the label selector. */
static int term_matches(const struct term *t, json_object *pod, json_object *pod_ns_labels)
{
    json_object *md = get(pod, "metadata");
    const char *ns = str(md, "namespace");
    int ns_ok = streq(t->own_ns, ns) || in_array(t->namespaces, ns) ||
                (t->ns_sel && kube_selector_matches(t->ns_sel, pod_ns_labels));

    return ns_ok && kube_selector_matches(t->sel, get(md, "labels"));
}

/* Same topology domain: both nodes carry the key with the same value. */
static int same_domain(const struct node_info *a, const struct node_info *b, const char *key)
{
    const char *va = label(a->labels, key), *vb = label(b->labels, key);
    return va && vb && !strcmp(va, vb);
}

/* ---- node and pod folding ---- */

static const char *ready_taint(json_object *node)
{
    json_object *conds = get2(node, "status", "conditions");

    for (size_t i = 0; i < alen(conds); i++) {
        json_object *c = json_object_array_get_idx(conds, i);
        if (!streq(str(c, "type"), "Ready"))
            continue;
        if (streq(str(c, "status"), "True"))
            return NULL;
        return streq(str(c, "status"), "Unknown") ? "node.kubernetes.io/unreachable"
                                                   : "node.kubernetes.io/not-ready";
    }
    return "node.kubernetes.io/not-ready";
}

static int has_taint_key(json_object *taints, const char *key)
{
    for (size_t i = 0; i < alen(taints); i++)
        if (streq(str(json_object_array_get_idx(taints, i), "key"), key))
            return 1;
    return 0;
}

static void node_init(struct node_info *ni, json_object *node)
{
    json_object *alloc = get2(node, "status", "allocatable");

    memset(ni, 0, sizeof(*ni));
    ni->obj = node;
    ni->name = str(get(node, "metadata"), "name");
    ni->labels = get2(node, "metadata", "labels");
    ni->taints = get2(node, "spec", "taints");
    ni->ready_taint = ready_taint(node);
    if (ni->ready_taint && has_taint_key(ni->taints, ni->ready_taint))
        ni->ready_taint = NULL;
    ni->alloc_cpu = qty(alloc, "cpu");
    ni->alloc_mem = qty(alloc, "memory");
    ni->alloc_pods = qty(alloc, "pods");
}

static int64_t container_nz(json_object *c, const char *res)
{
    json_object *req = get2(c, "resources", "requests");
    if (!get(req, res))
        return !strcmp(res, "cpu") ? DEFAULT_CPU_M : DEFAULT_MEM;
    return qty(req, res);
}

/* Requests with the scheduler's non-zero defaults (scoring only). */
static int64_t pod_nonzero(json_object *pod, const char *res)
{
    json_object *spec = get(pod, "spec");
    json_object *cs = get(spec, "containers"), *inits = get(spec, "initContainers");
    int64_t sum = 0, init = 0;

    for (size_t i = 0; i < alen(cs); i++)
        sum += container_nz(json_object_array_get_idx(cs, i), res);
    for (size_t i = 0; i < alen(inits); i++) {
        int64_t v = container_nz(json_object_array_get_idx(inits, i), res);
        init = v > init ? v : init;
    }
    return (sum > init ? sum : init) + qty(get(spec, "overhead"), res);
}

static int pod_counts(json_object *p, const struct sched *s)
{
    json_object *md = get(p, "metadata");
    const char *phase = str(get(p, "status"), "phase");

    if (!str(get(p, "spec"), "nodeName"))
        return 0;
    if (streq(phase, "Succeeded") || streq(phase, "Failed"))
        return 0;
    return !(streq(str(md, "namespace"), s->ns) && streq(str(md, "name"), s->name));
}

static struct node_info *find_node(struct sched *s, const char *name)
{
    for (size_t i = 0; i < s->nnodes; i++)
        if (streq(s->nodes[i].name, name))
            return &s->nodes[i];
    return NULL;
}

static int fold_pods(struct sched *s, struct os_error *err)
{
    json_object *pods = items(s->in->pods);
    size_t n = alen(pods);

    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            json_object *p = json_object_array_get_idx(pods, i);
            struct node_info *ni;
            if (!pod_counts(p, s) || !(ni = find_node(s, str(get(p, "spec"), "nodeName"))))
                continue;
            if (pass == 0) {
                ni->npods++;
                continue;
            }
            ni->pods[ni->npods++] = p;
            ni->req_cpu += pod_resource(p, "requests", "cpu");
            ni->req_mem += pod_resource(p, "requests", "memory");
            ni->nz_cpu += pod_nonzero(p, "cpu");
            ni->nz_mem += pod_nonzero(p, "memory");
        }
        for (size_t k = 0; pass == 0 && k < s->nnodes; k++) {
            struct node_info *ni = &s->nodes[k];
            ni->pods = calloc(ni->npods ? ni->npods : 1, sizeof(*ni->pods));
            if (!ni->pods)
                return os_error_set(err, OS_ERR_NOMEM, "out of memory");
            ni->npods = 0;
        }
    }
    return 0;
}

static int cmp_node(const void *a, const void *b)
{
    const struct node_info *x = a, *y = b;
    return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static int build_nodes(struct sched *s, struct os_error *err)
{
    json_object *nodes = items(s->in->nodes);

    if (!nodes || !json_object_is_type(nodes, json_type_array))
        return os_error_set(err, OS_ERR_INVALID, "nodes: not a list of Node objects");
    s->nnodes = alen(nodes);
    s->nodes = calloc(s->nnodes ? s->nnodes : 1, sizeof(*s->nodes));
    if (!s->nodes)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < s->nnodes; i++) {
        node_init(&s->nodes[i], json_object_array_get_idx(nodes, i));
        if (!s->nodes[i].name)
            return os_error_set(err, OS_ERR_INVALID, "nodes[%zu]: no metadata.name", i);
    }
    qsort(s->nodes, s->nnodes, sizeof(*s->nodes), cmp_node);
    return fold_pods(s, err);
}

/* ---- filters ---- */

/* v1helper.TolerationsTolerateTaint */
static int tolerates(json_object *tolerations, const char *key, const char *value, const char *effect)
{
    for (size_t i = 0; i < alen(tolerations); i++) {
        json_object *t = json_object_array_get_idx(tolerations, i);
        const char *te = str(t, "effect"), *tk = str(t, "key"), *op = str(t, "operator");
        if (te && *te && !streq(te, effect))
            continue;
        if (tk && *tk && !streq(tk, key))
            continue;
        if (streq(op, "Exists"))
            return 1;
        if ((!op || !*op || streq(op, "Equal")) && !strcmp(str(t, "value") ? str(t, "value") : "",
                                                           value ? value : ""))
            return 1;
    }
    return 0;
}

static json_object *tolerations(const struct sched *s)
{
    return get2(s->pod, "spec", "tolerations");
}

static void f_unschedulable(const struct sched *s, struct node_info *ni)
{
    json_object *u = get2(ni->obj, "spec", "unschedulable");
    if (u && json_object_get_boolean(u) &&
        !tolerates(tolerations(s), "node.kubernetes.io/unschedulable", "", "NoSchedule"))
        set_reason(&ni->st, ST_UNRESOLVABLE, "node(s) were unschedulable");
}

static void f_node_name(const struct sched *s, struct node_info *ni)
{
    const char *want = str(get(s->pod, "spec"), "nodeName");
    if (want && *want && !streq(want, ni->name))
        set_reason(&ni->st, ST_UNRESOLVABLE, "node(s) didn't match the requested node name");
}

static void f_taints(const struct sched *s, struct node_info *ni)
{
    for (size_t i = 0; i < alen(ni->taints); i++) {
        json_object *t = json_object_array_get_idx(ni->taints, i);
        const char *eff = str(t, "effect");
        if (!streq(eff, "NoSchedule") && !streq(eff, "NoExecute"))
            continue;
        if (!tolerates(tolerations(s), str(t, "key"), str(t, "value"), eff)) {
            set_taint_reason(&ni->st, str(t, "key"), str(t, "value"));
            return;
        }
    }
    if (ni->ready_taint && !tolerates(tolerations(s), ni->ready_taint, "", "NoSchedule"))
        set_taint_reason(&ni->st, ni->ready_taint, "");
}

static int values_have(json_object *values, const char *v)
{
    return v && in_array(values, v);
}

static int parse_long(const char *s, long long *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    *out = strtoll(s, &end, 10);
    return *end ? -1 : 0;
}

/* One NodeSelectorRequirement against a label set (or {name} for fields). */
static int req_matches(json_object *r, json_object *labels)
{
    const char *op = str(r, "operator"), *v = label(labels, str(r, "key"));
    json_object *values = get(r, "values");
    long long a, b;

    if (streq(op, "In"))
        return values_have(values, v);
    if (streq(op, "NotIn"))
        return !values_have(values, v);
    if (streq(op, "Exists"))
        return v != NULL;
    if (streq(op, "DoesNotExist"))
        return v == NULL;
    if ((streq(op, "Gt") || streq(op, "Lt")) && alen(values) == 1 && !parse_long(v, &a) &&
        !parse_long(json_object_get_string(json_object_array_get_idx(values, 0)), &b))
        return streq(op, "Gt") ? a > b : a < b;
    return 0;
}

static int reqs_match(json_object *reqs, json_object *labels)
{
    for (size_t i = 0; i < alen(reqs); i++)
        if (!req_matches(json_object_array_get_idx(reqs, i), labels))
            return 0;
    return 1;
}

/* NodeSelectorTerm: expressions on labels AND fields on metadata.name;
 * a term with no requirement matches nothing. */
static int node_term_matches(json_object *term, const struct node_info *ni)
{
    json_object *exprs = get(term, "matchExpressions"), *fields = get(term, "matchFields");
    json_object *name = json_object_new_object();
    int ok;

    if (!alen(exprs) && !alen(fields)) {
        json_object_put(name);
        return 0;
    }
    json_object_object_add(name, "metadata.name", json_object_new_string(ni->name));
    ok = reqs_match(exprs, ni->labels) && reqs_match(fields, name);
    json_object_put(name);
    return ok;
}

static int node_affinity_ok(const struct sched *s, const struct node_info *ni)
{
    json_object *spec = get(s->pod, "spec");
    json_object *sel = get(spec, "nodeSelector");
    json_object *req = get2(get(spec, "affinity"), "nodeAffinity",
                            "requiredDuringSchedulingIgnoredDuringExecution");
    json_object *terms = get(req, "nodeSelectorTerms");

    if (sel && json_object_is_type(sel, json_type_object)) {
        json_object_object_foreach(sel, k, v) {
            if (!streq(label(ni->labels, k), json_object_get_string(v)))
                return 0;
        }
    }
    if (!req)
        return 1;
    for (size_t i = 0; i < alen(terms); i++)
        if (node_term_matches(json_object_array_get_idx(terms, i), ni))
            return 1;
    return 0;
}

static void f_node_affinity(const struct sched *s, struct node_info *ni)
{
    if (!node_affinity_ok(s, ni))
        set_reason(&ni->st, ST_UNRESOLVABLE, "node(s) didn't match Pod's node affinity/selector");
}

static void f_resources(const struct sched *s, struct node_info *ni)
{
    if ((int64_t)ni->npods + 1 > ni->alloc_pods)
        set_reason(&ni->st, ST_UNSCHED, "Too many pods");
    if (s->cpu > 0 && s->cpu > ni->alloc_cpu - ni->req_cpu)
        set_reason(&ni->st, s->cpu > ni->alloc_cpu ? ST_UNRESOLVABLE : ST_UNSCHED,
                   "Insufficient cpu");
    if (s->mem > 0 && s->mem > ni->alloc_mem - ni->req_mem)
        set_reason(&ni->st, s->mem > ni->alloc_mem ? ST_UNRESOLVABLE : ST_UNSCHED,
                   "Insufficient memory");
}

/* Pods matching a spread constraint in the pod's namespace, per domain. */
static int64_t spread_count(const struct sched *s, const struct kube_selector *sel,
                            const char *key, const struct node_info *domain)
{
    int64_t n = 0;
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct node_info *ni = &s->nodes[i];
        if (!node_affinity_ok(s, ni) || !same_domain(ni, domain, key))
            continue;
        for (size_t k = 0; k < ni->npods; k++) {
            json_object *md = get(ni->pods[k], "metadata");
            if (streq(str(md, "namespace"), s->ns) && kube_selector_matches(sel, get(md, "labels")))
                n++;
        }
    }
    return n;
}

/* Smallest count over the eligible domains; 0 when fewer than minDomains. */
static int64_t spread_min(const struct sched *s, const struct kube_selector *sel,
                          const char *key, int64_t min_domains)
{
    int64_t min = -1, domains = 0;

    for (size_t i = 0; i < s->nnodes; i++) {
        const struct node_info *ni = &s->nodes[i];
        int first = 1;
        if (!node_affinity_ok(s, ni) || !label(ni->labels, key))
            continue;
        for (size_t k = 0; k < i; k++)
            if (node_affinity_ok(s, &s->nodes[k]) && same_domain(&s->nodes[k], ni, key))
                first = 0;
        if (!first)
            continue;
        domains++;
        int64_t c = spread_count(s, sel, key, ni);
        min = min < 0 || c < min ? c : min;
    }
    return domains < min_domains || min < 0 ? 0 : min;
}

static void spread_one(const struct sched *s, struct node_info *ni, json_object *c)
{
    const char *key = str(c, "topologyKey");
    json_object *skew_j = get(c, "maxSkew"), *md_j = get(c, "minDomains");
    int64_t max_skew = skew_j ? json_object_get_int64(skew_j) : 1;
    int64_t min_domains = md_j ? json_object_get_int64(md_j) : 1;
    struct kube_selector *sel = NULL;
    struct os_error e;
    int64_t self, skew;

    if (!label(ni->labels, key)) {
        set_reason(&ni->st, ST_UNRESOLVABLE,
                   "node(s) didn't match pod topology spread constraints (missing required label)");
        return;
    }
    if (kube_selector_from_json(get(c, "labelSelector"), &sel, &e))
        sel = NULL;
    self = kube_selector_matches(sel, get2(s->pod, "metadata", "labels")) ? 1 : 0;
    skew = spread_count(s, sel, key, ni) + self - spread_min(s, sel, key, min_domains);
    if (skew > max_skew)
        set_reason(&ni->st, ST_UNSCHED, "node(s) didn't match pod topology spread constraints");
    kube_selector_free(sel);
}

static void f_spread(const struct sched *s, struct node_info *ni)
{
    json_object *cs = get2(s->pod, "spec", "topologySpreadConstraints");

    for (size_t i = 0; i < alen(cs) && ni->st.code == ST_OK; i++) {
        json_object *c = json_object_array_get_idx(cs, i);
        if (streq(str(c, "whenUnsatisfiable"), "DoNotSchedule"))
            spread_one(s, ni, c);
    }
}

/* Does some bound pod in ni's topology domain for t match t? */
static int domain_has_match(const struct sched *s, const struct node_info *ni, const struct term *t)
{
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct node_info *m = &s->nodes[i];
        if (!same_domain(m, ni, t->key))
            continue;
        for (size_t k = 0; k < m->npods; k++) {
            json_object *p = m->pods[k];
            if (term_matches(t, p, ns_labels(s->in, str(get(p, "metadata"), "namespace"))))
                return 1;
        }
    }
    return 0;
}

static int pod_matches_all(const struct sched *s, json_object *p, const struct terms *ts)
{
    json_object *nsl = ns_labels(s->in, str(get(p, "metadata"), "namespace"));
    for (size_t i = 0; i < ts->n; i++)
        if (!term_matches(&ts->t[i], p, nsl))
            return 0;
    return 1;
}

/* Required pod affinity, with upstream's "first pod of the group" rule. */
static int affinity_ok(const struct sched *s, const struct node_info *ni)
{
    int any = 0, ok = 1;

    if (!s->req_aff.n)
        return 1;
    for (size_t i = 0; i < s->nnodes; i++)
        for (size_t k = 0; k < s->nodes[i].npods; k++)
            any |= pod_matches_all(s, s->nodes[i].pods[k], &s->req_aff);
    for (size_t i = 0; i < s->req_aff.n; i++) {
        if (!label(ni->labels, s->req_aff.t[i].key))
            return 0;
        if (!domain_has_match(s, ni, &s->req_aff.t[i]))
            ok = 0;
    }
    return ok || (!any && pod_matches_all(s, s->pod, &s->req_aff));
}

static int anti_affinity_ok(const struct sched *s, const struct node_info *ni)
{
    for (size_t i = 0; i < s->req_anti.n; i++)
        if (label(ni->labels, s->req_anti.t[i].key) && domain_has_match(s, ni, &s->req_anti.t[i]))
            return 0;
    return 1;
}

/* Bound pods whose required anti-affinity rejects the pod on ni. */
static int existing_anti_ok(const struct sched *s, const struct node_info *ni)
{
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct node_info *m = &s->nodes[i];
        for (size_t k = 0; k < m->npods; k++) {
            struct terms ts;
            struct os_error e;
            int hit = 0;
            if (terms_parse(m->pods[k], "podAntiAffinity",
                            "requiredDuringSchedulingIgnoredDuringExecution", 0, &ts, &e))
                continue;
            for (size_t t = 0; t < ts.n && !hit; t++)
                hit = same_domain(m, ni, ts.t[t].key) &&
                      term_matches(&ts.t[t], s->pod, s->ns_labels);
            terms_free(&ts);
            if (hit)
                return 0;
        }
    }
    return 1;
}

static void f_inter_pod(const struct sched *s, struct node_info *ni)
{
    if (!affinity_ok(s, ni))
        set_reason(&ni->st, ST_UNRESOLVABLE, "node(s) didn't match pod affinity rules");
    else if (!anti_affinity_ok(s, ni))
        set_reason(&ni->st, ST_UNSCHED, "node(s) didn't match pod anti-affinity rules");
    else if (!existing_anti_ok(s, ni))
        set_reason(&ni->st, ST_UNSCHED, "node(s) didn't satisfy existing pods anti-affinity rules");
}

typedef void (*filter_fn)(const struct sched *, struct node_info *);

static const filter_fn filters[] = {
    f_unschedulable, f_node_name, f_taints, f_node_affinity, f_resources, f_spread, f_inter_pod,
};

static void run_filters(const struct sched *s, struct node_info *ni)
{
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]) && ni->st.code == ST_OK; i++)
        filters[i](s, ni);
}

/* ---- scores ---- */

static int64_t least_one(int64_t req, int64_t alloc)
{
    if (alloc == 0 || req > alloc)
        return 0;
    return (alloc - req) * MAX_SCORE / alloc;
}

static int64_t score_least(const struct sched *s, const struct node_info *ni)
{
    return (least_one(ni->nz_cpu + s->nz_cpu, ni->alloc_cpu) +
            least_one(ni->nz_mem + s->nz_mem, ni->alloc_mem)) / 2;
}

static int64_t score_balanced(const struct sched *s, const struct node_info *ni)
{
    double f[2];
    int n = 0;
    int64_t req[2] = {ni->req_cpu + s->cpu, ni->req_mem + s->mem};
    int64_t alloc[2] = {ni->alloc_cpu, ni->alloc_mem};

    if (s->cpu == 0 && s->mem == 0)
        return 0;
    for (int i = 0; i < 2; i++) {
        if (alloc[i] == 0)
            continue;
        f[n] = (double)req[i] / (double)alloc[i];
        if (f[n] > 1)
            f[n] = 1;
        n++;
    }
    double std = n == 2 ? (f[0] > f[1] ? f[0] - f[1] : f[1] - f[0]) / 2 : 0;
    return (int64_t)((1 - std) * MAX_SCORE);
}

static int64_t score_taints_raw(const struct sched *s, const struct node_info *ni)
{
    int64_t n = 0;
    json_object *tol = tolerations(s);

    for (size_t i = 0; i < alen(ni->taints); i++) {
        json_object *t = json_object_array_get_idx(ni->taints, i);
        if (streq(str(t, "effect"), "PreferNoSchedule") &&
            !tolerates(tol, str(t, "key"), str(t, "value"), "PreferNoSchedule"))
            n++;
    }
    return n;
}

static int64_t score_node_affinity_raw(const struct sched *s, const struct node_info *ni)
{
    json_object *pref = get2(get2(s->pod, "spec", "affinity"), "nodeAffinity",
                             "preferredDuringSchedulingIgnoredDuringExecution");
    int64_t sum = 0;

    for (size_t i = 0; i < alen(pref); i++) {
        json_object *e = json_object_array_get_idx(pref, i);
        json_object *w = get(e, "weight");
        if (w && node_term_matches(get(e, "preference"), ni))
            sum += json_object_get_int64(w);
    }
    return sum;
}

/* Contribution of the terms in ts (multiplier sign) for pod p on node m,
 * counted on node ni.  *any records that some term matched at all. */
static int64_t terms_weight(const struct terms *ts, json_object *p, json_object *p_ns_labels,
                            const struct node_info *m, const struct node_info *ni, int sign,
                            int *any)
{
    int64_t w = 0;
    for (size_t i = 0; i < ts->n; i++) {
        if (!label(m->labels, ts->t[i].key) || !term_matches(&ts->t[i], p, p_ns_labels))
            continue;
        *any = 1;
        if (same_domain(m, ni, ts->t[i].key))
            w += sign * ts->t[i].weight;
    }
    return w;
}

/* The existing pod's own terms, matched against the incoming pod. */
static int64_t existing_terms_weight(const struct sched *s, json_object *p,
                                     const struct node_info *m, const struct node_info *ni, int *any)
{
    static const struct { const char *kind, *field; int weighted, sign; } sets[] = {
        {"podAffinity", "requiredDuringSchedulingIgnoredDuringExecution", 0, 1},
        {"podAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 1, 1},
        {"podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 1, -1},
    };
    int64_t w = 0;

    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        struct terms ts;
        struct os_error e;
        if (terms_parse(p, sets[i].kind, sets[i].field, sets[i].weighted, &ts, &e))
            continue;
        w += terms_weight(&ts, s->pod, s->ns_labels, m, ni, sets[i].sign, any);
        terms_free(&ts);
    }
    return w;
}

static int64_t score_inter_pod_raw(const struct sched *s, const struct node_info *ni, int *any)
{
    int64_t sum = 0;

    for (size_t i = 0; i < s->nnodes; i++) {
        const struct node_info *m = &s->nodes[i];
        for (size_t k = 0; k < m->npods; k++) {
            json_object *p = m->pods[k];
            json_object *nsl = ns_labels(s->in, str(get(p, "metadata"), "namespace"));
            sum += terms_weight(&s->pref_aff, p, nsl, m, ni, 1, any);
            sum += terms_weight(&s->pref_anti, p, nsl, m, ni, -1, any);
            sum += existing_terms_weight(s, p, m, ni, any);
        }
    }
    return sum;
}

/* framework.DefaultNormalizeScore */
static void normalize_default(int64_t *v, size_t n, int reverse)
{
    int64_t max = 0;
    for (size_t i = 0; i < n; i++)
        max = v[i] > max ? v[i] : max;
    for (size_t i = 0; i < n; i++) {
        if (max == 0) {
            v[i] = reverse ? MAX_SCORE : v[i];
            continue;
        }
        v[i] = MAX_SCORE * v[i] / max;
        if (reverse)
            v[i] = MAX_SCORE - v[i];
    }
}

/* InterPodAffinity.NormalizeScore */
static void normalize_min_max(int64_t *v, size_t n, int any)
{
    int64_t min = INT64_MAX, max = INT64_MIN;

    for (size_t i = 0; i < n; i++) {
        min = v[i] < min ? v[i] : min;
        max = v[i] > max ? v[i] : max;
    }
    for (size_t i = 0; i < n; i++) {
        if (!any || max == min)
            v[i] = 0;
        else
            v[i] = (int64_t)((double)MAX_SCORE * ((double)(v[i] - min) / (double)(max - min)));
    }
}

static int score_nodes(const struct sched *s, struct sim_sched_result *out, struct os_error *err)
{
    size_t n = 0, k = 0;
    int any = 0;

    for (size_t i = 0; i < s->nnodes; i++)
        n += s->nodes[i].st.code == ST_OK;
    out->scores = calloc(n ? n : 1, sizeof(*out->scores));
    int64_t *ip = calloc(n ? n : 1, sizeof(int64_t)), *tt = calloc(n ? n : 1, sizeof(int64_t));
    int64_t *na = calloc(n ? n : 1, sizeof(int64_t));
    if (!out->scores || !ip || !tt || !na) {
        free(ip), free(tt), free(na);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct node_info *ni = &s->nodes[i];
        if (ni->st.code != ST_OK)
            continue;
        struct sim_node_score *sc = &out->scores[k];
        sc->node = strdup(ni->name);
        sc->least_alloc = score_least(s, ni);
        sc->balanced = score_balanced(s, ni);
        ip[k] = score_inter_pod_raw(s, ni, &any);
        tt[k] = score_taints_raw(s, ni);
        na[k] = score_node_affinity_raw(s, ni);
        out->nscores = ++k;
        if (!sc->node) {
            free(ip), free(tt), free(na);
            return os_error_set(err, OS_ERR_NOMEM, "out of memory");
        }
    }
    normalize_min_max(ip, n, any);
    normalize_default(tt, n, 1);
    normalize_default(na, n, 0);
    for (size_t i = 0; i < n; i++) {
        struct sim_node_score *sc = &out->scores[i];
        sc->inter_pod = ip[i];
        sc->taint = tt[i];
        sc->node_affinity = na[i];
        sc->total = 3 * sc->taint + 2 * sc->node_affinity + sc->least_alloc +
                    2 * sc->inter_pod + sc->balanced;
    }
    free(ip), free(tt), free(na);
    return 0;
}

/* ---- failure message ---- */

struct hist {
    const char *reason[64];
    int count[64];
    size_t n;
};

static void hist_add(struct hist *h, const char *reason)
{
    for (size_t i = 0; i < h->n; i++)
        if (!strcmp(h->reason[i], reason)) {
            h->count[i]++;
            return;
        }
    if (h->n < 64) {
        h->reason[h->n] = reason;
        h->count[h->n++] = 1;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "0/N nodes are available: C1 R1, C2 R2." into a malloc'd string. */
static char *hist_message(const struct hist *h, size_t nnodes)
{
    char *parts[64], *out = NULL;
    size_t len = 64;

    for (size_t i = 0; i < h->n; i++) {
        if (asprintf(&parts[i], "%d %s", h->count[i], h->reason[i]) < 0) {
            for (size_t k = 0; k < i; k++)
                free(parts[k]);
            return NULL;
        }
        len += strlen(parts[i]) + 2;
    }
    qsort(parts, h->n, sizeof(parts[0]), cmp_str);
    out = malloc(len);
    if (out) {
        int off = snprintf(out, len, "0/%zu nodes are available:", nnodes);
        for (size_t i = 0; i < h->n; i++)
            off += snprintf(out + off, len - (size_t)off, "%s %s", i ? "," : "", parts[i]);
        snprintf(out + off, len - (size_t)off, ".");
    }
    for (size_t i = 0; i < h->n; i++)
        free(parts[i]);
    return out;
}

static char *failure_message(const struct sched *s)
{
    struct hist filt = {0}, pre = {0};
    char *a, *b = NULL, *msg = NULL;

    if (s->nnodes == 0)
        return strdup("no nodes available to schedule pods");
    for (size_t i = 0; i < s->nnodes; i++) {
        const struct fstatus *st = &s->nodes[i].st;
        for (int r = 0; r < st->n; r++)
            hist_add(&filt, st->reason[r]);
        hist_add(&pre, st->code == ST_UNRESOLVABLE ? "Preemption is not helpful for scheduling"
                                                   : "No preemption victims found for incoming pod");
    }
    a = hist_message(&filt, s->nnodes);
    if (streq(str(get(s->pod, "spec"), "preemptionPolicy"), "Never"))
        b = strdup("not eligible due to preemptionPolicy=Never.");
    else
        b = hist_message(&pre, s->nnodes);
    if (a && b && asprintf(&msg, "%s preemption: %s", a, b) < 0)
        msg = NULL;
    free(a);
    free(b);
    return msg;
}

/* ---- driver ---- */

static void sched_free(struct sched *s)
{
    for (size_t i = 0; s->nodes && i < s->nnodes; i++)
        free(s->nodes[i].pods);
    free(s->nodes);
    terms_free(&s->req_aff);
    terms_free(&s->req_anti);
    terms_free(&s->pref_aff);
    terms_free(&s->pref_anti);
}

static int sched_init(struct sched *s, json_object *pod, const struct sim_sched_input *in,
                      struct os_error *err)
{
    const char *req = "requiredDuringSchedulingIgnoredDuringExecution";
    const char *pref = "preferredDuringSchedulingIgnoredDuringExecution";

    memset(s, 0, sizeof(*s));
    if (!pod || !in || !json_object_is_type(pod, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "sim_schedule: no pod");
    s->pod = pod;
    s->in = in;
    s->ns = str(get(pod, "metadata"), "namespace");
    s->name = str(get(pod, "metadata"), "name");
    s->ns_labels = ns_labels(in, s->ns);
    s->cpu = pod_resource(pod, "requests", "cpu");
    s->mem = pod_resource(pod, "requests", "memory");
    s->nz_cpu = pod_nonzero(pod, "cpu");
    s->nz_mem = pod_nonzero(pod, "memory");
    if (terms_parse(pod, "podAffinity", req, 0, &s->req_aff, err) ||
        terms_parse(pod, "podAntiAffinity", req, 0, &s->req_anti, err) ||
        terms_parse(pod, "podAffinity", pref, 1, &s->pref_aff, err) ||
        terms_parse(pod, "podAntiAffinity", pref, 1, &s->pref_anti, err))
        return os_error_prefix(err, "spec.affinity");
    return build_nodes(s, err);
}

static void choose(struct sim_sched_result *out)
{
    size_t best = 0;
    for (size_t i = 1; i < out->nscores; i++)
        if (out->scores[i].total > out->scores[best].total)
            best = i;   /* scores are sorted by name: ties keep the smaller */
    out->node = strdup(out->scores[best].node);
}

int sim_schedule(json_object *pod, const struct sim_sched_input *in,
                 struct sim_sched_result *out, struct os_error *err)
{
    struct sched s;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = sched_init(&s, pod, in, err);
    for (size_t i = 0; rc == 0 && i < s.nnodes; i++)
        run_filters(&s, &s.nodes[i]);
    if (rc == 0)
        rc = score_nodes(&s, out, err);
    if (rc == 0 && out->nscores) {
        choose(out);
        if (!out->node)
            rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
    } else if (rc == 0 && !(out->message = failure_message(&s))) {
        rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    sched_free(&s);
    if (rc)
        sim_sched_result_free(out);
    return rc;
}

void sim_sched_result_free(struct sim_sched_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nscores; i++)
        free(r->scores[i].node);
    free(r->scores);
    free(r->node);
    free(r->message);
    memset(r, 0, sizeof(*r));
}
