/*
 * cli.c - shared plumbing of the scriptable CLI.
 *
 * Exit codes everywhere: 0 success, 1 failure (one line on stderr),
 * 2 usage.  The connection to the cluster is made only by commands that
 * need one, so `--help` and `tenant render` work with no kubeconfig.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_command commands[] = {
    {"nodes", "[-o json|table] [--rebalance [--plan]]",
     "nodes with capacity, requests, usage and tenants, and the tenant spread; "
     "--rebalance moves tenants (one at a time) until they are spread evenly", cmd_nodes},
    {"tenant create",
     "ID --tier T --admin-email E [--subdomain S] [--admin-password-file F] [--owner EMAIL] [--wait[=SECONDS]]",
     "create a tenant (or finish one a failed create left behind)", cmd_tenant_create},
    {"tenant list", "[-o json|table]", "every tenant with its phase", cmd_tenant_list},
    {"tenant show", "ID [-o json|table]", "one tenant in detail", cmd_tenant_show},
    {"tenant delete", "ID [--yes] [--wait[=SECONDS]]",
     "delete a tenant and all its data (asks unless --yes)", cmd_tenant_delete},
    {"tenant check-isolation", "ID [-o json|table]",
     "evaluate the NetworkPolicies for every path that matters to a tenant", cmd_tenant_check_isolation},
    {"tenant render",
     "ID --tier T --admin-email E [--subdomain S] [--owner EMAIL] [-o json|table]",
     "print every object of a tenant (secret values are placeholders)", cmd_tenant_render},
    {"deploy",
     "--host USER@HOST[:PORT] [--identity KEY] [--known-hosts FILE] [--accept-new-host-key] [--plan] [--only STEP,...] [--bundle TARBALL] [--channel C] [--platform-dir DIR] [--remote-dir DIR] [--remote-env ASSIGNMENTS] [--no-agent] [--connect-timeout SECONDS]",
     "install MicroK8s, Traefik and odoo-saasd on a host over SSH (reruns do only what is missing)", cmd_deploy},
    {"node add",
     "--host USER@HOST[:PORT] --primary USER@HOST[:PORT] [--worker] [--plan] [--identity KEY] [--known-hosts FILE] [--accept-new-host-key] [--channel C] [--remote-env ASSIGNMENTS] [--no-agent] [--connect-timeout SECONDS]",
     "make a host a MicroK8s node and join it to the primary's cluster", cmd_node_add},
    {NULL, NULL, NULL, NULL},
};

const struct cli_command *cli_commands(void)
{
    return commands;
}

const struct cli_command *cli_command(const char *name)
{
    for (const struct cli_command *c = commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

int cli_connect(struct cli *cli, struct os_error *err)
{
    struct kube_config_opts kopts = {.path = cli->kubeconfig, .context = cli->context};
    struct kube_client_opts copts = {0};
    int rc;

    if (cli->client)
        return 0;
    if (cli->trace_path && !cli->trace) {
        cli->trace = fopen(cli->trace_path, "a");
        if (!cli->trace)
            return os_error_set(err, OS_ERR_IO, "cannot open trace file %s", cli->trace_path);
    }
    if ((rc = kube_config_load(&kopts, &cli->kcfg, err)) < 0)
        return rc;
    copts.trace = cli->trace;
    return kube_client_new(cli->kcfg, &copts, &cli->client, err);
}

void cli_close(struct cli *cli)
{
    kube_client_free(cli->client);
    kube_config_free(cli->kcfg);
    if (cli->trace)
        fclose(cli->trace);
    cli->client = NULL;
    cli->kcfg = NULL;
    cli->trace = NULL;
}

int cli_fail(const struct os_error *err)
{
    fprintf(stderr, "odoo-saas: %s\n", err->message[0] ? err->message : "failed");
    return 1;
}

int cli_failf(const char *fmt, ...)
{
    struct os_error err;
    va_list ap;

    va_start(ap, fmt);
    os_error_setv(&err, OS_ERR_INVALID, fmt, ap);
    va_end(ap);
    return cli_fail(&err);
}

int cli_usage(const struct cli_command *cmd, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "odoo-saas %s: %s (usage: odoo-saas %s %s)\n", cmd->name, msg, cmd->name,
            cmd->args);
    return 2;
}

int cli_parse_output(struct cli *cli, const char *value)
{
    if (!strcmp(value, "json"))
        cli->json = 1;
    else if (!strcmp(value, "table") || !strcmp(value, "wide"))
        cli->json = 0;
    else
        return -1;
    return 0;
}

void cli_print_json(struct json_object *obj)
{
    puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
                                                 JSON_C_TO_STRING_SPACED |
                                                 JSON_C_TO_STRING_NOSLASHESCAPE));
}
