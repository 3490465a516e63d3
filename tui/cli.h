/*
 * cli.h - what every `odoo-saas` subcommand shares: the global options,
 * the connection to the cluster (made on first use), and output helpers.
 */
#ifndef TUI_CLI_H
#define TUI_CLI_H

#include <stdio.h>

#include "error.h"
#include "kube/kube.h"

struct cli {
    /* global options */
    const char *kubeconfig;
    const char *context;
    const char *config_path;
    const char *trace_path;
    int json;                 /* -o json */
    int readonly;
    long max_frames;          /* console: exit 0 after this many frames (0: never) */
    /* made by cli_connect() */
    FILE *trace;
    struct kube_config *kcfg;
    struct kube_client *client;
};

struct cli_command {
    const char *name;         /* "nodes", "tenant create" */
    const char *args;         /* synopsis after the name */
    const char *help;         /* one line */
    int (*run)(struct cli *cli, int argc, char **argv);
};

/* Load the kubeconfig and build the client, once. 0 or err set. */
int cli_connect(struct cli *cli, struct os_error *err);
void cli_close(struct cli *cli);

/* Print "odoo-saas: <message>" on stderr and return 1 (the failure exit). */
int cli_fail(const struct os_error *err);
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage error for cmd and return 2. */
int cli_usage(const struct cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parse "-o json|table" style values; 0 or -1. */
int cli_parse_output(struct cli *cli, const char *value);

/* Print obj as pretty JSON with a newline. */
void cli_print_json(struct json_object *obj);

/* The command table (NULL-terminated by name) and its lookup. */
const struct cli_command *cli_commands(void);
const struct cli_command *cli_command(const char *name);

/* Commands, one file each (cmd_*.c). */
int cmd_nodes(struct cli *cli, int argc, char **argv);
/* nodes --rebalance: plan only, or move tenants one at a time. */
int nodes_rebalance(struct cli *cli, int plan_only);
int cmd_tenant_render(struct cli *cli, int argc, char **argv);
int cmd_tenant_create(struct cli *cli, int argc, char **argv);
int cmd_tenant_list(struct cli *cli, int argc, char **argv);
int cmd_tenant_show(struct cli *cli, int argc, char **argv);
int cmd_tenant_delete(struct cli *cli, int argc, char **argv);
int cmd_tenant_check_isolation(struct cli *cli, int argc, char **argv);
int cmd_deploy(struct cli *cli, int argc, char **argv);
int cmd_node_add(struct cli *cli, int argc, char **argv);

#endif
