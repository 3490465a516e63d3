/*
 * nodes.c - per-node totals from node, pod and metrics lists.
 *
 * Requests follow the scheduler's rule (kube-scheduler's
 * computePodResourceRequest): the larger of the sum over app containers and
 * the largest init container, plus the pod overhead.  Tenants are counted
 * per node so placement skew is visible at a glance.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kube/quantity.h"
#include "kube/rest.h"
#include "nodes.h"

static struct json_object *get(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    if (obj && json_object_is_type(obj, json_type_object))
        json_object_object_get_ex(obj, key, &v);
    return v;
}

static int64_t quantity(struct json_object *list, const char *resource)
{
    struct json_object *v = get(list, resource);
    int64_t out = 0;
    struct os_error err;

    if (!v || !json_object_is_type(v, json_type_string))
        return 0;
    if (!strcmp(resource, "cpu"))
        kube_quantity_parse_milli(json_object_get_string(v), &out, &err);
    else
        kube_quantity_parse_int(json_object_get_string(v), &out, &err);
    return out;
}

static int64_t containers_sum(struct json_object *containers, const char *which,
                              const char *resource, int take_max)
{
    int64_t total = 0;
    size_t n = containers && json_object_is_type(containers, json_type_array)
                   ? json_object_array_length(containers) : 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *res = get(json_object_array_get_idx(containers, i), "resources");
        int64_t v = quantity(get(res, which), resource);
        if (take_max)
            total = v > total ? v : total;
        else
            total += v;
    }
    return total;
}

int64_t pod_resource(struct json_object *pod, const char *which, const char *resource)
{
    struct json_object *spec = get(pod, "spec");
    int64_t app = containers_sum(get(spec, "containers"), which, resource, 0);
    int64_t init = containers_sum(get(spec, "initContainers"), which, resource, 1);
    return (app > init ? app : init) + quantity(get(spec, "overhead"), resource);
}

const char *pod_tenant(struct json_object *pod)
{
    struct json_object *labels = get(get(pod, "metadata"), "labels");
    struct json_object *v = get(labels, TENANT_LABEL);
    const char *ns;

    if (v && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    ns = kube_object_namespace(pod);
    if (ns && !strncmp(ns, TENANT_NS_PREFIX, strlen(TENANT_NS_PREFIX)))
        return ns + strlen(TENANT_NS_PREFIX);
    return NULL;
}

static int node_ready(struct json_object *node)
{
    struct json_object *conds = get(get(node, "status"), "conditions");
    size_t n = conds && json_object_is_type(conds, json_type_array)
                   ? json_object_array_length(conds) : 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *c = json_object_array_get_idx(conds, i);
        const char *type = kube_object_str(c, "type");
        const char *status = kube_object_str(c, "status");
        if (type && !strcmp(type, "Ready"))
            return status && !strcmp(status, "True");
    }
    return 0;
}

/* MicroK8s labels its nodes itself (contract section 8); kubeadm-style
 * role labels are honoured too. */
static const char *node_role(struct json_object *node)
{
    struct json_object *labels = get(get(node, "metadata"), "labels");
    if (get(labels, "node.kubernetes.io/microk8s-controlplane") ||
        get(labels, "node-role.kubernetes.io/control-plane") ||
        get(labels, "node-role.kubernetes.io/master"))
        return "control-plane";
    return "worker";
}

static int cmp_usage(const void *a, const void *b)
{
    return strcmp(((const struct node_usage *)a)->name, ((const struct node_usage *)b)->name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct node_usage *find(struct cluster_nodes *cn, const char *name)
{
    struct node_usage key = {.name = (char *)name};
    if (!name)
        return NULL;
    return bsearch(&key, cn->nodes, cn->n, sizeof(key), cmp_usage);
}

static int add_tenant(struct node_usage *u, const char *tenant)
{
    char **grown;
    for (size_t i = 0; i < u->ntenants; i++)
        if (!strcmp(u->tenants[i], tenant))
            return 0;
    grown = realloc(u->tenants, (u->ntenants + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    u->tenants = grown;
    if (!(u->tenants[u->ntenants] = strdup(tenant)))
        return -1;
    u->ntenants++;
    return 0;
}

static size_t items(struct json_object *list, struct json_object **arr)
{
    *arr = get(list, "items");
    return *arr && json_object_is_type(*arr, json_type_array) ? json_object_array_length(*arr) : 0;
}

static int fill_nodes(struct cluster_nodes *cn, struct json_object *node_list)
{
    struct json_object *arr;
    size_t n = items(node_list, &arr);

    cn->nodes = calloc(n ? n : 1, sizeof(*cn->nodes));
    if (!cn->nodes)
        return -1;
    for (size_t i = 0; i < n; i++) {
        struct json_object *node = json_object_array_get_idx(arr, i);
        struct json_object *status = get(node, "status");
        const char *name = kube_object_name(node);
        struct json_object *unsched = get(get(node, "spec"), "unschedulable");
        struct node_usage *u = &cn->nodes[cn->n];

        if (!name || !(u->name = strdup(name)))
            continue;
        cn->n++;
        u->ready = node_ready(node);
        u->unschedulable = unsched && json_object_get_boolean(unsched);
        u->role = node_role(node);
        u->cpu_capacity_m = quantity(get(status, "capacity"), "cpu");
        u->mem_capacity = quantity(get(status, "capacity"), "memory");
        u->cpu_allocatable_m = quantity(get(status, "allocatable"), "cpu");
        u->mem_allocatable = quantity(get(status, "allocatable"), "memory");
        u->pods_allocatable = (int)quantity(get(status, "allocatable"), "pods");
        u->cpu_used_m = u->mem_used = -1;
    }
    qsort(cn->nodes, cn->n, sizeof(*cn->nodes), cmp_usage);
    return 0;
}

static int add_pods(struct cluster_nodes *cn, struct json_object *pod_list)
{
    struct json_object *arr;
    size_t n = items(pod_list, &arr);

    for (size_t i = 0; i < n; i++) {
        struct json_object *pod = json_object_array_get_idx(arr, i);
        const char *phase = kube_object_str(pod, "status.phase");
        struct node_usage *u = find(cn, kube_object_str(pod, "spec.nodeName"));
        const char *tenant;

        if (!u || (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))))
            continue;
        u->pods++;
        u->cpu_requests_m += pod_resource(pod, "requests", "cpu");
        u->mem_requests += pod_resource(pod, "requests", "memory");
        u->cpu_limits_m += pod_resource(pod, "limits", "cpu");
        u->mem_limits += pod_resource(pod, "limits", "memory");
        if ((tenant = pod_tenant(pod)) && add_tenant(u, tenant) < 0)
            return -1;
    }
    return 0;
}

static void add_metrics(struct cluster_nodes *cn, struct json_object *metrics_list)
{
    struct json_object *arr;
    size_t n = items(metrics_list, &arr);

    for (size_t i = 0; i < n; i++) {
        struct json_object *m = json_object_array_get_idx(arr, i);
        struct node_usage *u = find(cn, kube_object_name(m));
        if (!u)
            continue;
        u->cpu_used_m = quantity(get(m, "usage"), "cpu");
        u->mem_used = quantity(get(m, "usage"), "memory");
    }
}

void cluster_nodes_spread(struct cluster_nodes *cn)
{
    int first = 1;
    for (size_t i = 0; i < cn->n; i++) {
        struct node_usage *u = &cn->nodes[i];
        if (u->ntenants > 1)
            qsort(u->tenants, u->ntenants, sizeof(char *), cmp_str);
        if (u->unschedulable || !u->ready)
            continue;
        if (first || u->ntenants > cn->max_tenants)
            cn->max_tenants = u->ntenants;
        if (first || u->ntenants < cn->min_tenants)
            cn->min_tenants = u->ntenants;
        first = 0;
    }
}

int cluster_nodes_build(struct json_object *node_list, struct json_object *pod_list,
                        struct json_object *metrics_list, struct cluster_nodes *out,
                        struct os_error *err)
{
    memset(out, 0, sizeof(*out));
    if (fill_nodes(out, node_list) < 0 || add_pods(out, pod_list) < 0) {
        cluster_nodes_free(out);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    add_metrics(out, metrics_list);
    cluster_nodes_spread(out);
    return 0;
}

void cluster_nodes_free(struct cluster_nodes *cn)
{
    if (!cn)
        return;
    for (size_t i = 0; i < cn->n; i++) {
        for (size_t j = 0; j < cn->nodes[i].ntenants; j++)
            free(cn->nodes[i].tenants[j]);
        free(cn->nodes[i].tenants);
        free(cn->nodes[i].name);
    }
    free(cn->nodes);
    memset(cn, 0, sizeof(*cn));
}
