/*
 * cmd_tenant_list.c - `odoo-saas tenant list` and `odoo-saas tenant show ID`.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "table.h"
#include "tenant/tenant.h"

/* "45s", "12m", "3h", "5d" since an RFC 3339 time, kubectl style. */
static void age(const char *since, char *buf, size_t len)
{
    struct tm tm = {0};
    long secs;

    if (!since || !*since || !strptime(since, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
        snprintf(buf, len, "-");
        return;
    }
    secs = (long)(time(NULL) - timegm(&tm));
    if (secs < 0)
        secs = 0;
    if (secs < 120)
        snprintf(buf, len, "%lds", secs);
    else if (secs < 7200)
        snprintf(buf, len, "%ldm", secs / 60);
    else if (secs < 172800)
        snprintf(buf, len, "%ldh", secs / 3600);
    else
        snprintf(buf, len, "%ldd", secs / 86400);
}

static int parse_common(struct cli *cli, const struct cli_command *self, int argc, char **argv,
                        int want_id)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o' && cli_parse_output(cli, optarg) == 0)
            continue;
        return cli_usage(self, "bad option '%s'", argv[optind - 1]);
    }
    if (want_id && optind >= argc)
        return cli_usage(self, "the tenant id is missing");
    if (optind + want_id < argc)
        return cli_usage(self, "unexpected argument '%s'", argv[optind + want_id]);
    return 0;
}

int cmd_tenant_list(struct cli *cli, int argc, char **argv)
{
    static const char *const headers[] = {"ID", "PHASE", "TIER", ">PODS", ">RESTARTS", ">AGE",
                                          "TRIAL ENDS", "URL", NULL};
    struct tenant_status *all = NULL;
    struct os_error err;
    struct table t;
    size_t n = 0;
    int rc = parse_common(cli, cli_command("tenant list"), argc, argv, 0);

    if (rc)
        return rc;
    if (cli_connect(cli, &err) < 0 || tenant_status_list(cli->client, &all, &n, &err) < 0)
        return cli_fail(&err);
    if (cli->json) {
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; i < n; i++)
            json_object_array_add(arr, tenant_status_json(&all[i]));
        cli_print_json(arr);
        json_object_put(arr);
    } else {
        table_init(&t, headers);
        for (size_t i = 0; i < n; i++) {
            char pods[32], restarts[16], when[24], trial[16];
            snprintf(pods, sizeof(pods), "%d/%d", all[i].pods_ready, all[i].pods_total);
            snprintf(restarts, sizeof(restarts), "%d", all[i].restarts);
            age(all[i].created_at, when, sizeof(when));
            snprintf(trial, sizeof(trial), "%.10s", all[i].trial_expires_at[0] ? all[i].trial_expires_at : "-");
            const char *row[] = {all[i].id, tenant_phase_name(all[i].phase), all[i].tier, pods,
                                 restarts, when, trial, all[i].url};
            table_add(&t, row);
        }
        if (n)
            table_print(&t, stdout);
        else
            printf("no tenants\n");
        table_free(&t);
    }
    free(all);
    return 0;
}

int cmd_tenant_show(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *self = cli_command("tenant show");
    struct tenant_status st;
    struct os_error err;
    char when[24];
    int rc = parse_common(cli, self, argc, argv, 1);

    if (rc)
        return rc;
    if (tenant_id_validate(argv[optind], &err) < 0 || cli_connect(cli, &err) < 0 ||
        tenant_status_get(cli->client, argv[optind], &st, &err) < 0)
        return cli_fail(&err);
    if (cli->json) {
        struct json_object *o = tenant_status_json(&st);
        cli_print_json(o);
        json_object_put(o);
        return 0;
    }
    age(st.created_at, when, sizeof(when));
    printf("id:           %s\n", st.id);
    printf("phase:        %s%s%s%s\n", tenant_phase_name(st.phase), st.step[0] ? " (" : "", st.step,
           st.step[0] ? ")" : "");
    if (st.reason[0])
        printf("reason:       %s\n", st.reason);
    printf("tier:         %s\n", st.tier);
    printf("url:          %s\n", st.url);
    printf("admin email:  %s\n", st.admin_email);
    if (st.owner[0])
        printf("owner:        %s\n", st.owner);
    printf("created:      %s (%s ago)\n", st.created_at, when);
    printf("trial ends:   %s\n", st.trial_expires_at[0] ? st.trial_expires_at : "-");
    printf("pods ready:   %d/%d (%d restarts)\n", st.pods_ready, st.pods_total, st.restarts);
    printf("namespace:    tenant-%s\n", st.id);
    return 0;
}
