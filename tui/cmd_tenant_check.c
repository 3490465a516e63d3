/*
 * cmd_tenant_check.c - `odoo-saas tenant check-isolation ID`: evaluate the
 * live NetworkPolicies of the cluster for every path that matters to one
 * tenant (core/cluster/isolation.h) and print what is allowed and denied.
 * Exit status 1 when any check fails, so scripts and monitoring can use it.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cluster/cluster.h"
#include "table.h"
#include "tenant/tenant.h"

struct cluster_view {
    struct json_object *ns, *policies, *namespaces, *pods, *rendered, *template_pods;
};

static void view_free(struct cluster_view *v)
{
    json_object_put(v->ns);
    json_object_put(v->policies);
    json_object_put(v->namespaces);
    json_object_put(v->pods);
    json_object_put(v->rendered);
    json_object_put(v->template_pods);
}

/* The tenant as it was made, for its pod templates: tier and email from
 * the namespace, placeholders for secrets (they do not matter here). */
static int render_tenant(const char *id, struct json_object *ns, const struct os_config *cfg,
                         struct cluster_view *v, struct os_error *err)
{
    struct tenant_spec spec = {
        .id = id,
        .subdomain = kube_object_annotation(ns, "odoo-saas.io/subdomain"),
        .tier = kube_object_label(ns, "odoo-saas.io/tier"),
        .admin_email = kube_object_annotation(ns, "odoo-saas.io/admin-email"),
    };
    int rc = tenant_render(&spec, cfg, NULL, time(NULL), &v->rendered, err);
    return rc < 0 ? rc : isolation_template_pods(v->rendered, &v->template_pods, err);
}

static int fetch(struct cli *cli, const char *id, const struct os_config *cfg,
                 struct cluster_view *v, struct os_error *err)
{
    char name[64];
    int rc;

    snprintf(name, sizeof(name), "tenant-%s", id);
    rc = kube_get(cli->client, kube_resource_by_kind("v1", "Namespace"), NULL, name, &v->ns, err);
    if (rc < 0 && os_error_is(err, "NotFound"))
        return os_error_set(err, OS_ERR_API, "tenant \"%s\" not found", id);
    if (rc < 0)
        return rc;
    if (strcmp(kube_object_label(v->ns, "odoo-saas.io/tenant") ?: "", id))
        return os_error_set(err, OS_ERR_INVALID, "namespace %s is not an odoo-saas tenant", name);
    if ((rc = kube_list(cli->client, kube_resource_by_kind("networking.k8s.io/v1", "NetworkPolicy"),
                        NULL, NULL, &v->policies, err)) < 0 ||
        (rc = kube_list(cli->client, kube_resource_by_kind("v1", "Namespace"), NULL, NULL,
                        &v->namespaces, err)) < 0 ||
        (rc = kube_list(cli->client, kube_resource_by_kind("v1", "Pod"), NULL, NULL, &v->pods, err)) < 0)
        return rc;
    return render_tenant(id, v->ns, cfg, v, err);
}

static void print_table(const struct isolation_report *r)
{
    static const char *const headers[] = {"CHECK", "FROM", "TO", ">PORT", "EXPECTED", "ACTUAL", "OK", NULL};
    struct table t;

    table_init(&t, headers);
    for (size_t i = 0; i < r->n; i++) {
        const struct isolation_check *c = &r->checks[i];
        char port[24];
        snprintf(port, sizeof(port), "%d/%s", c->port, c->protocol);
        const char *row[] = {c->check, c->from, c->to, port, c->expected ? "allowed" : "denied",
                             c->actual == ISOLATION_MISSING ? "missing"
                             : c->actual ? "allowed" : "denied",
                             c->ok ? "ok" : "FAIL"};
        table_add(&t, row);
    }
    table_print(&t, stdout);
    table_free(&t);
    printf("\n%zu checks, %zu failed\n", r->n, r->failed);
}

int cmd_tenant_check_isolation(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
    const struct cli_command *self = cli_command("tenant check-isolation");
    struct cluster_view v = {0};
    struct isolation_report report = {0};
    struct os_config *cfg = NULL;
    struct os_error err;
    int c, rc = 0;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
        if (c != 'o' || cli_parse_output(cli, optarg) < 0)
            return cli_usage(self, "bad option '%s'", argv[optind - 1]);
    if (optind + 1 != argc)
        return cli_usage(self, optind >= argc ? "the tenant id is missing" : "unexpected argument");
    if (tenant_id_validate(argv[optind], &err) < 0 || os_config_load(cli->config_path, &cfg, &err) < 0 ||
        cli_connect(cli, &err) < 0 || fetch(cli, argv[optind], cfg, &v, &err) < 0) {
        rc = cli_fail(&err);
    } else {
        const struct os_tier *tier = os_config_tier(cfg, kube_object_label(v.ns, "odoo-saas.io/tier"));
        struct isolation_input in = {
            .tenant = argv[optind], .egress_expected = tier && tier->allow_egress,
            .policies = v.policies, .namespaces = v.namespaces, .pods = v.pods,
            .template_pods = v.template_pods, .ingress_namespace = cfg->ingress_namespace,
            .ingress_pod_label = cfg->ingress_pod_label, .dns_namespace = cfg->dns_namespace,
            .dns_pod_label = cfg->dns_pod_label,
        };
        if (isolation_check_tenant(&in, &report, &err) < 0) {
            rc = cli_fail(&err);
        } else if (cli->json) {
            struct json_object *out = NULL;
            if (isolation_report_json(&report, &out, &err) == 0)
                cli_print_json(out);
            json_object_put(out);
        } else {
            print_table(&report);
        }
        if (rc == 0 && report.failed)
            rc = 1;
    }
    isolation_report_free(&report);
    view_free(&v);
    os_config_free(cfg);
    return rc;
}
