/*
 * cmd_rebalance.c - `odoo-saas nodes --rebalance [--plan]`: even out the
 * Odoo pods of tenants across nodes, one tenant at a time.
 *
 * Each round lists nodes and Odoo pods, asks the planner (core/cluster/
 * rebalance.h) for the first move, restarts that tenant's Odoo pod, and
 * waits until a new Odoo pod is Ready before the next round, so at most one
 * tenant is down at once and every decision is made on the live state.
 * With node-local storage (microk8s-hostpath) a moved Odoo cannot follow its
 * filestore volume to another node; the planner is meant for clusters whose
 * storage class can attach on any node.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cluster/cluster.h"
#include "tenant/tenant.h"

#define ODOO_SELECTOR "odoo-saas.io/role=odoo"
#define MOVE_TIMEOUT_S 300

static int fetch(struct cli *cli, const char *ns, struct json_object **nodes,
                 struct json_object **pods, struct os_error *err)
{
    struct kube_list_opts odoo = {.label_selector = ODOO_SELECTOR};
    int rc = nodes ? kube_list(cli->client, kube_resource_by_kind("v1", "Node"), NULL, NULL, nodes, err) : 0;
    return rc < 0 ? rc : kube_list(cli->client, kube_resource_by_kind("v1", "Pod"), ns, &odoo, pods, err);
}

static int plan_now(struct cli *cli, struct rebalance_move **moves, size_t *n, struct os_error *err)
{
    struct json_object *nodes = NULL, *pods = NULL;
    int rc = fetch(cli, NULL, &nodes, &pods, err);
    if (rc == 0)
        rc = rebalance_plan(nodes, pods, moves, n, err);
    json_object_put(nodes);
    json_object_put(pods);
    return rc;
}

/* The node of a Ready Odoo pod of ns not in old_uids, or NULL. */
static const char *new_ready_pod(struct json_object *pods, struct json_object *old_uids)
{
    struct json_object *items;
    if (!json_object_object_get_ex(pods, "items", &items))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        struct json_object *pod = json_object_array_get_idx(items, i), *st, *conds;
        const char *uid = kube_object_str(pod, "metadata.uid") ?: "";
        if (json_object_object_get_ex(old_uids, uid, NULL) ||
            !json_object_object_get_ex(pod, "status", &st) ||
            !json_object_object_get_ex(st, "conditions", &conds))
            continue;
        for (size_t j = 0; j < json_object_array_length(conds); j++) {
            struct json_object *c = json_object_array_get_idx(conds, j);
            if (!strcmp(kube_object_str(c, "type") ?: "", "Ready") &&
                !strcmp(kube_object_str(c, "status") ?: "", "True"))
                return kube_object_str(pod, "spec.nodeName");
        }
    }
    return NULL;
}

/* Restart tenant's Odoo pods and wait for a new one to be Ready; the node
 * it landed on goes into landed. */
static int move(struct cli *cli, const char *tenant, char *landed, size_t len, struct os_error *err)
{
    const struct kube_resource *pod_res = kube_resource_by_kind("v1", "Pod");
    struct json_object *pods = NULL, *items, *old = json_object_new_object();
    time_t deadline = time(NULL) + MOVE_TIMEOUT_S;
    char ns[64];
    int rc;

    snprintf(ns, sizeof(ns), "tenant-%s", tenant);
    if ((rc = fetch(cli, ns, NULL, &pods, err)) == 0 && json_object_object_get_ex(pods, "items", &items)) {
        for (size_t i = 0; rc == 0 && i < json_object_array_length(items); i++) {
            struct json_object *pod = json_object_array_get_idx(items, i);
            json_object_object_add(old, kube_object_str(pod, "metadata.uid") ?: "", NULL);
            rc = kube_delete(cli->client, pod_res, ns, kube_object_name(pod), NULL, NULL, err);
        }
    }
    while (rc == 0) {
        const char *node;
        json_object_put(pods);
        pods = NULL;
        if ((rc = fetch(cli, ns, NULL, &pods, err)) < 0)
            break;
        if ((node = new_ready_pod(pods, old))) {
            snprintf(landed, len, "%s", node);
            break;
        }
        if (time(NULL) >= deadline)
            rc = os_error_set(err, OS_ERR_LIMIT, "tenant \"%s\": no new Odoo pod was Ready within %d s",
                              tenant, MOVE_TIMEOUT_S);
        else
            kube_client_wait(cli->client, 500, NULL, 0);
    }
    json_object_put(pods);
    json_object_put(old);
    return rc;
}

static int print_plan(struct cli *cli, const struct rebalance_move *m, size_t n)
{
    if (cli->json) {
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "tenant", json_object_new_string(m[i].tenant));
            json_object_object_add(o, "from", json_object_new_string(m[i].from));
            json_object_object_add(o, "to", json_object_new_string(m[i].to));
            json_object_array_add(arr, o);
        }
        cli_print_json(arr);
        json_object_put(arr);
        return 0;
    }
    if (n == 0) {
        printf("tenants are already spread evenly: nothing to move\n");
        return 0;
    }
    printf("%-40s %-24s %s\n", "TENANT", "FROM", "TO (expected)");
    for (size_t i = 0; i < n; i++)
        printf("%-40s %-24s %s\n", m[i].tenant, m[i].from, m[i].to);
    return 0;
}

int nodes_rebalance(struct cli *cli, int plan_only)
{
    struct rebalance_move *moves = NULL;
    struct os_error err;
    size_t n = 0, done = 0, bound;
    int rc;

    if (!plan_only && cli->readonly)
        return cli_failf("refusing to rebalance: --readonly");
    if (cli_connect(cli, &err) < 0 || plan_now(cli, &moves, &n, &err) < 0)
        return cli_fail(&err);
    if (plan_only) {
        rc = print_plan(cli, moves, n);
        free(moves);
        return rc;
    }
    /* Never more rounds than the first plan had moves, plus one: the
     * scheduler may place a pod elsewhere than expected, not loop forever. */
    bound = n + 1;
    while (n > 0 && done < bound) {
        char landed[256] = "";
        printf("moving tenant %s off %s ...", moves[0].tenant, moves[0].from);
        fflush(stdout);
        if (move(cli, moves[0].tenant, landed, sizeof(landed), &err) < 0) {
            printf("\n");
            free(moves);
            return cli_fail(&err);
        }
        printf(" Ready on %s\n", landed);
        done++;
        free(moves);
        moves = NULL;
        if (plan_now(cli, &moves, &n, &err) < 0)
            return cli_fail(&err);
    }
    free(moves);
    printf("%zu tenant%s moved; %s\n", done, done == 1 ? "" : "s",
           n == 0 ? "tenants are spread evenly" : "the scheduler kept some where they were");
    return 0;
}
