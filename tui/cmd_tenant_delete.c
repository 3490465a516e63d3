/*
 * cmd_tenant_delete.c - `odoo-saas tenant delete ID [--yes] [--wait[=SECONDS]]`.
 *
 * Without --yes the operator confirms by typing the tenant id on the
 * terminal (the default answer is no); a script must say --yes.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tenant/tenant.h"

#define DEFAULT_WAIT_S 300

static void progress(void *ud, const char *message)
{
    if (*(int *)ud)
        fprintf(stderr, "  %s\n", message);
}

/* 1 when the operator typed the id back. */
static int confirmed(const char *id)
{
    char line[128];
    fprintf(stderr, "Delete tenant %s and all its data? Type the tenant id to confirm: ", id);
    fflush(stderr);
    if (!fgets(line, sizeof(line), stdin))
        return 0;
    line[strcspn(line, "\r\n")] = '\0';
    return strcmp(line, id) == 0;
}

int cmd_tenant_delete(struct cli *cli, int argc, char **argv)
{
    enum { O_YES = 256, O_WAIT };
    static const struct option opts[] = {
        {"yes", no_argument, NULL, O_YES},
        {"wait", optional_argument, NULL, O_WAIT},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    const struct cli_command *self = cli_command("tenant delete");
    int yes = 0, wait = 0, verbose = isatty(STDERR_FILENO), c;
    struct os_error err;
    const char *id;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == O_YES)
            yes = 1;
        else if (c == O_WAIT && (!optarg || sscanf(optarg, "%d", &wait) == 1) && wait >= 0)
            wait = optarg ? wait : DEFAULT_WAIT_S;
        else if (c == 'o' && cli_parse_output(cli, optarg) == 0)
            continue;
        else
            return cli_usage(self, "bad option '%s'", argv[optind - 1]);
    }
    if (optind >= argc)
        return cli_usage(self, "the tenant id is missing");
    if (optind + 1 < argc)
        return cli_usage(self, "unexpected argument '%s'", argv[optind + 1]);
    id = argv[optind];
    if (tenant_id_validate(id, &err) < 0)
        return cli_fail(&err);
    if (cli->readonly)
        return cli_failf("refusing to delete tenant \"%s\": --readonly", id);
    if (!yes && !isatty(STDIN_FILENO))
        return cli_usage(self, "refusing to delete tenant \"%s\" without --yes", id);
    if (!yes && !confirmed(id))
        return cli_failf("not deleted: the id typed did not match \"%s\"", id);
    if (cli_connect(cli, &err) < 0 ||
        tenant_delete(cli->client, id, wait, progress, &verbose, &err) < 0)
        return cli_fail(&err);
    if (cli->json)
        printf("{\"id\": \"%s\", \"deleted\": %s}\n", id, wait ? "true" : "false");
    else
        printf("tenant %s %s\n", id, wait ? "deleted" : "is being deleted");
    return 0;
}
