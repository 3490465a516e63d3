/*
 * cmd_tenant_create.c - `odoo-saas tenant create ID --tier T --admin-email E
 * [--admin-password-file F] [--subdomain S] [--wait[=SECONDS]]`.
 *
 * Creates (or resumes) the tenant; with --wait, follows it until Ready and
 * prints each step on stderr when stderr is a terminal.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tenant_opts.h"

#define DEFAULT_WAIT_S 900
/* --wait asks for the status every POLL_FIRST_MS at first, then less and
 * less often up to POLL_MAX_MS: a tenant that is Ready in half a second is
 * reported then, one that takes minutes costs a request a second. */
#define POLL_FIRST_MS 100
#define POLL_MAX_MS 1000

static void progress(void *ud, const char *message)
{
    (void)ud;
    fprintf(stderr, "  %s\n", message);
}

/* Follow the tenant until Ready (0), Failed or the deadline (1). */
static int wait_ready(struct cli *cli, const char *id, int seconds, int verbose,
                      struct tenant_status *st)
{
    time_t deadline = time(NULL) + seconds;
    char last[400] = "";
    struct os_error err;
    int poll_ms = POLL_FIRST_MS;

    for (;;) {
        char now[400];
        if (tenant_status_get(cli->client, id, st, &err) < 0)
            return cli_fail(&err);
        snprintf(now, sizeof(now), "%s%s%s%s%s", tenant_phase_name(st->phase),
                 st->step[0] ? " (" : "", st->step, st->step[0] ? ")" : "",
                 st->reason[0] && st->phase != TENANT_PROVISIONING ? ": " : "");
        if (st->phase != TENANT_PROVISIONING)
            snprintf(now + strlen(now), sizeof(now) - strlen(now), "%s", st->reason);
        if (verbose && strcmp(now, last))
            fprintf(stderr, "  %s\n", now);
        snprintf(last, sizeof(last), "%s", now);
        if (st->phase == TENANT_READY)
            return 0;
        if (st->phase == TENANT_FAILED || st->phase == TENANT_TERMINATING)
            return cli_failf("tenant \"%s\" is %s", id, now);
        if (time(NULL) >= deadline)
            return cli_failf("tenant \"%s\" is not ready after %d s: %s", id, seconds, now);
        kube_client_wait(cli->client, poll_ms, NULL, 0);
        poll_ms = poll_ms * 3 / 2 < POLL_MAX_MS ? poll_ms * 3 / 2 : POLL_MAX_MS;
    }
}

static void print_result(struct cli *cli, const struct tenant_opts *o,
                         const struct tenant_status *st, int resumed, int waited)
{
    const char *id = o->spec.id;
    char url[320];

    if (cli->json) {
        struct json_object *out = tenant_status_json(st);
        json_object_object_add(out, "resumed", json_object_new_boolean(resumed));
        cli_print_json(out);
        json_object_put(out);
        return;
    }
    tenant_url(&o->spec, o->cfg, url, sizeof(url));
    printf("tenant %s %s%s\n", id, resumed ? "resumed and completed" : "created",
           waited ? ", ready" : "");
    printf("url: %s\nadmin: %s (password in Secret odoo-admin of namespace tenant-%s)\n", url,
           o->spec.admin_email, id);
}

int cmd_tenant_create(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *self = cli_command("tenant create");
    int verbose = isatty(STDERR_FILENO), resumed = 0, rc;
    struct tenant_status st = {0};
    struct tenant_opts o;
    struct os_error err;

    rc = tenant_opts_parse(cli, self, argc, argv, 1, &o);
    if (rc == 0 && cli->readonly)
        rc = cli_failf("refusing to create tenant \"%s\": --readonly", o.spec.id);
    if (rc == 0 && cli_connect(cli, &err) < 0)
        rc = cli_fail(&err);
    if (rc == 0 && tenant_apply(cli->client, o.cfg, &o.spec, verbose ? progress : NULL, NULL,
                                &resumed, &err) < 0)
        rc = cli_fail(&err);
    if (rc == 0 && o.wait)
        rc = wait_ready(cli, o.spec.id, o.wait_seconds ? o.wait_seconds : DEFAULT_WAIT_S, verbose, &st);
    /* A script asking for JSON gets the live status; a person gets the
     * answer without another round trip. */
    else if (rc == 0 && cli->json && tenant_status_get(cli->client, o.spec.id, &st, &err) < 0)
        rc = cli_fail(&err);
    if (rc == 0)
        print_result(cli, &o, &st, resumed, o.wait);
    tenant_opts_free(&o);
    return rc;
}
