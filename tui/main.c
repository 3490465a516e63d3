/*
 * odoo-saas - the operator's console and scriptable CLI.
 *
 * With no command it opens the console (its issue); with a command it runs
 * that command and exits: 0 success, 1 failure, 2 usage.  Global options
 * come before the command; -o may also follow it.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "console.h"
#include "demo.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: odoo-saas [GLOBAL OPTIONS] [COMMAND [ARGS]]\n"
            "\n"
            "Run an Odoo hosting platform on Kubernetes.\n"
            "\n"
            "Commands:\n");
    for (const struct cli_command *c = cli_commands(); c->name; c++)
        fprintf(out, "  %-16s %s\n      %s\n", c->name, c->args, c->help);
    fprintf(out,
            "\n"
            "Global options:\n"
            "  --kubeconfig FILE   kubeconfig to use (default $KUBECONFIG, ~/.kube/config)\n"
            "  --context NAME      kubeconfig context (default: current-context)\n"
            "  --config FILE       odoo-saas configuration file\n"
            "  -o, --output FMT    table (default) or json\n"
            "  --trace FILE        append one line per API request: method path status ms\n"
            "  --readonly          refuse every change to the cluster\n"
            "  --demo              run against a private simulated cluster (odoo-saas-sim)\n"
            "  --theme NAME        console colours: default, dark, light, solarized-dark,\n"
            "                      monochrome, or NAME.theme in ~/.config/odoo-saas/themes\n"
            "  --max-frames N      console: exit 0 after drawing N frames (smoke runs)\n"
            "  -h, --help          show this help\n"
            "  -V, --version       show the version\n"
            "\n"
            "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

/* A positive count of frames; -1 when s is not one. */
static int parse_frames(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (end == s || *end || v < 1)
        return -1;
    *out = v;
    return 0;
}

/* Find the command named by argv[0] (and argv[1] for two-word commands).
 * *used is how many words the name took. */
static const struct cli_command *find_command(int argc, char **argv, int *used)
{
    char two[128];

    if (argc >= 2) {
        snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
        for (const struct cli_command *c = cli_commands(); c->name; c++)
            if (!strcmp(c->name, two)) {
                *used = 2;
                return c;
            }
    }
    for (const struct cli_command *c = cli_commands(); c->name; c++)
        if (!strcmp(c->name, argv[0])) {
            *used = 1;
            return c;
        }
    return NULL;
}

/* Whether a command's arguments ask for its help (-h or --help anywhere,
 * before a "--"). */
static int asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

/* "odoo-saas deploy --help": the synopsis and the one line, on stdout. */
static int command_help(const struct cli_command *cmd)
{
    printf("Usage: odoo-saas %s %s\n\n%s\n", cmd->name, cmd->args, cmd->help);
    return 0;
}

int main(int argc, char **argv)
{
    enum { OPT_KUBECONFIG = 256, OPT_CONTEXT, OPT_CONFIG, OPT_TRACE, OPT_READONLY, OPT_DEMO, OPT_THEME, OPT_MAX_FRAMES };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"output", required_argument, NULL, 'o'},
        {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
        {"context", required_argument, NULL, OPT_CONTEXT},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"trace", required_argument, NULL, OPT_TRACE},
        {"readonly", no_argument, NULL, OPT_READONLY},
        {"demo", no_argument, NULL, OPT_DEMO},
        {"theme", required_argument, NULL, OPT_THEME},
        {"max-frames", required_argument, NULL, OPT_MAX_FRAMES},
        {NULL, 0, NULL, 0},
    };
    struct cli cli = {0};
    const struct cli_command *cmd;
    struct demo demo = {0};
    struct os_error err;
    const char *theme = NULL;
    int c, used = 0, rc, want_demo = 0;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+hVo:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'V': printf("odoo-saas %s\n", PACKAGE_VERSION); return 0;
        case 'o':
            if (cli_parse_output(&cli, optarg) < 0) {
                fprintf(stderr, "odoo-saas: -o takes json or table, not '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_KUBECONFIG: cli.kubeconfig = optarg; break;
        case OPT_CONTEXT: cli.context = optarg; break;
        case OPT_CONFIG: cli.config_path = optarg; break;
        case OPT_TRACE: cli.trace_path = optarg; break;
        case OPT_READONLY: cli.readonly = 1; break;
        case OPT_DEMO: want_demo = 1; break;
        case OPT_THEME: theme = optarg; break;
        case OPT_MAX_FRAMES:
            if (parse_frames(optarg, &cli.max_frames) < 0) {
                fprintf(stderr, "odoo-saas: --max-frames takes a number from 1, not '%s'\n", optarg);
                return 2;
            }
            break;
        default:
            fprintf(stderr, "odoo-saas: unknown or incomplete option '%s' (see --help)\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    cmd = optind < argc ? find_command(argc - optind, argv + optind, &used) : NULL;
    if (optind < argc && !cmd) {
        fprintf(stderr, "odoo-saas: unknown command '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (cmd && asks_help(argc - optind - used, argv + optind + used))
        return command_help(cmd);
    if (want_demo) {
        if (cli.kubeconfig) {
            fprintf(stderr, "odoo-saas: --demo and --kubeconfig exclude each other\n");
            return 2;
        }
        /* Two nodes and a handful of ready tenants, so there is something to see. */
        static const char *const demo_args[] = {"--seed-tenants", "6", NULL};
        if (demo_start(&demo, 2, demo_args, &err) < 0)
            return cli_fail(&err);
        cli.kubeconfig = demo.kubeconfig;
    }
    /* No command: the console.  A command sees its own name as argv[0],
     * like a program. */
    if (!cmd)
        rc = console_run(&cli, theme);
    else
        rc = cmd->run(&cli, argc - optind - used + 1, argv + optind + used - 1);
    cli_close(&cli);
    if (want_demo)
        demo_stop(&demo);
    return rc;
}
