/*
 * tenant_opts.h - the options `tenant create` and `tenant render` share.
 */
#ifndef TUI_TENANT_OPTS_H
#define TUI_TENANT_OPTS_H

#include "cli.h"
#include "os_config.h"
#include "tenant/tenant.h"

struct tenant_opts {
    struct tenant_spec spec;
    char *password;            /* read from --admin-password-file, wiped on free */
    int wait;                  /* --wait given */
    int wait_seconds;          /* 0: the default */
    struct os_config *cfg;
};

/* Parse "ID --tier T --admin-email E [--subdomain S] [--admin-password-file F]
 * [--wait[=SECONDS]] [-o FMT]".  Returns 0, 1 (failure, message printed) or
 * 2 (usage, message printed). */
int tenant_opts_parse(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
                      int allow_wait, struct tenant_opts *out);
void tenant_opts_free(struct tenant_opts *o);

#endif
