/*
 * cmd_nodes.c - `odoo-saas nodes`: capacity, requests, usage and tenants
 * per node, and how evenly tenants are spread.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cluster/cluster.h"
#include "table.h"

/* Metrics are optional: metrics-server may be missing (404) or not ready
 * (503); the table then shows "-" for usage. */
static struct json_object *fetch_metrics(struct cli *cli)
{
    const struct kube_resource *r = kube_resource_by_kind("metrics.k8s.io/v1beta1", "NodeMetrics");
    struct json_object *list = NULL;
    struct os_error err;

    if (kube_list(cli->client, r, NULL, NULL, &list, &err) < 0)
        return NULL;
    return list;
}

static int fetch(struct cli *cli, struct cluster_nodes *cn, struct os_error *err)
{
    struct json_object *nodes = NULL, *pods = NULL, *metrics;
    int rc;

    if ((rc = kube_list(cli->client, kube_resource_by_kind("v1", "Node"), NULL, NULL, &nodes, err)) < 0)
        return rc;
    rc = kube_list(cli->client, kube_resource_by_kind("v1", "Pod"), NULL, NULL, &pods, err);
    if (rc == 0) {
        metrics = fetch_metrics(cli);
        rc = cluster_nodes_build(nodes, pods, metrics, cn, err);
        json_object_put(metrics);
    }
    json_object_put(nodes);
    json_object_put(pods);
    return rc;
}

static const char *status_text(const struct node_usage *u)
{
    if (!u->ready)
        return u->unschedulable ? "NotReady,SchedulingDisabled" : "NotReady";
    return u->unschedulable ? "Ready,SchedulingDisabled" : "Ready";
}

static void cpu_triplet(const struct node_usage *u, char *buf, size_t len)
{
    char used[16] = "-", req[16], alloc[16];
    if (u->cpu_used_m >= 0)
        kube_quantity_human_milli(u->cpu_used_m, used, sizeof(used));
    kube_quantity_human_milli(u->cpu_requests_m, req, sizeof(req));
    kube_quantity_human_milli(u->cpu_allocatable_m, alloc, sizeof(alloc));
    snprintf(buf, len, "%s/%s/%s", used, req, alloc);
}

static void mem_triplet(const struct node_usage *u, char *buf, size_t len)
{
    char used[16] = "-", req[16], alloc[16];
    if (u->mem_used >= 0)
        kube_quantity_human_bytes(u->mem_used, used, sizeof(used));
    kube_quantity_human_bytes(u->mem_requests, req, sizeof(req));
    kube_quantity_human_bytes(u->mem_allocatable, alloc, sizeof(alloc));
    snprintf(buf, len, "%s/%s/%s", used, req, alloc);
}

static void print_table(const struct cluster_nodes *cn)
{
    static const char *const headers[] = {"NAME", "STATUS", "ROLE", "CPU USED/REQ/ALLOC",
                                          "MEMORY USED/REQ/ALLOC", ">PODS", ">TENANTS", NULL};
    struct table t;

    table_init(&t, headers);
    for (size_t i = 0; i < cn->n; i++) {
        const struct node_usage *u = &cn->nodes[i];
        char cpu[64], mem[64], pods[32], tenants[16];
        cpu_triplet(u, cpu, sizeof(cpu));
        mem_triplet(u, mem, sizeof(mem));
        snprintf(pods, sizeof(pods), "%d/%d", u->pods, u->pods_allocatable);
        snprintf(tenants, sizeof(tenants), "%zu", u->ntenants);
        const char *row[] = {u->name, status_text(u), u->role, cpu, mem, pods, tenants};
        table_add(&t, row);
    }
    table_print(&t, stdout);
    table_free(&t);
    printf("\ntenants per node: max %zu, min %zu\n", cn->max_tenants, cn->min_tenants);
}

static struct json_object *usage_json(int64_t cap, int64_t alloc, int64_t req, int64_t lim,
                                      int64_t used, const char *unit)
{
    struct json_object *o = json_object_new_object();
    char key[32];
#define ADD(name, v) (snprintf(key, sizeof(key), "%s%s", name, unit), \
                      json_object_object_add(o, key, json_object_new_int64(v)))
    ADD("capacity", cap);
    ADD("allocatable", alloc);
    ADD("requests", req);
    ADD("limits", lim);
    snprintf(key, sizeof(key), "used%s", unit);
    json_object_object_add(o, key, used >= 0 ? json_object_new_int64(used) : NULL);
#undef ADD
    return o;
}

static void print_json(const struct cluster_nodes *cn)
{
    struct json_object *root = json_object_new_object();
    struct json_object *arr = json_object_new_array();
    struct json_object *spread = json_object_new_object();

    for (size_t i = 0; i < cn->n; i++) {
        const struct node_usage *u = &cn->nodes[i];
        struct json_object *o = json_object_new_object();
        struct json_object *tenants = json_object_new_array();
        json_object_object_add(o, "name", json_object_new_string(u->name));
        json_object_object_add(o, "ready", json_object_new_boolean(u->ready));
        json_object_object_add(o, "unschedulable", json_object_new_boolean(u->unschedulable));
        json_object_object_add(o, "role", json_object_new_string(u->role));
        json_object_object_add(o, "cpu", usage_json(u->cpu_capacity_m, u->cpu_allocatable_m,
                                                     u->cpu_requests_m, u->cpu_limits_m,
                                                     u->cpu_used_m, "Millicores"));
        json_object_object_add(o, "memory", usage_json(u->mem_capacity, u->mem_allocatable,
                                                        u->mem_requests, u->mem_limits,
                                                        u->mem_used, "Bytes"));
        json_object_object_add(o, "pods", json_object_new_int(u->pods));
        json_object_object_add(o, "podsAllocatable", json_object_new_int(u->pods_allocatable));
        for (size_t j = 0; j < u->ntenants; j++)
            json_object_array_add(tenants, json_object_new_string(u->tenants[j]));
        json_object_object_add(o, "tenants", tenants);
        json_object_array_add(arr, o);
    }
    json_object_object_add(spread, "maxTenantsPerNode", json_object_new_int64((int64_t)cn->max_tenants));
    json_object_object_add(spread, "minTenantsPerNode", json_object_new_int64((int64_t)cn->min_tenants));
    json_object_object_add(root, "nodes", arr);
    json_object_object_add(root, "spread", spread);
    cli_print_json(root);
    json_object_put(root);
}

int cmd_nodes(struct cli *cli, int argc, char **argv)
{
    enum { O_REBALANCE = 256, O_PLAN };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"rebalance", no_argument, NULL, O_REBALANCE},
        {"plan", no_argument, NULL, O_PLAN},
        {NULL, 0, NULL, 0},
    };
    const struct cli_command *self = cli_command("nodes");
    struct cluster_nodes cn;
    struct os_error err;
    int c, rebalance = 0, plan = 0;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o' && cli_parse_output(cli, optarg) == 0)
            continue;
        if (c == O_REBALANCE || c == O_PLAN) {
            *(c == O_REBALANCE ? &rebalance : &plan) = 1;
            continue;
        }
        return cli_usage(self, "bad option '%s'", argv[optind - 1]);
    }
    if (optind < argc)
        return cli_usage(self, "unexpected argument '%s'", argv[optind]);
    if (plan && !rebalance)
        return cli_usage(self, "--plan goes with --rebalance");
    if (rebalance)
        return nodes_rebalance(cli, plan);
    if (cli_connect(cli, &err) < 0 || fetch(cli, &cn, &err) < 0)
        return cli_fail(&err);
    if (cli->json)
        print_json(&cn);
    else
        print_table(&cn);
    cluster_nodes_free(&cn);
    return 0;
}
