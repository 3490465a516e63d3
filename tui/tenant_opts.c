/*
 * tenant_opts.c - parsing and checking the options that describe a tenant.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tenant_opts.h"

/* The password file: one line, the newline dropped, at most 128 bytes. */
static int read_password(const char *path, char **out, struct os_error *err)
{
    char buf[256];
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return os_error_set(err, OS_ERR_IO, "admin password file %s: %s", path, strerror(errno));
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    *out = strdup(buf);
    sodium_memzero(buf, sizeof(buf));
    return *out ? 0 : os_error_set(err, OS_ERR_NOMEM, "out of memory");
}

int tenant_opts_parse(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
                      int allow_wait, struct tenant_opts *o)
{
    enum { O_TIER = 256, O_EMAIL, O_SUB, O_PWFILE, O_WAIT, O_OWNER };
    static const struct option opts[] = {
        {"tier", required_argument, NULL, O_TIER},
        {"admin-email", required_argument, NULL, O_EMAIL},
        {"subdomain", required_argument, NULL, O_SUB},
        {"admin-password-file", required_argument, NULL, O_PWFILE},
        {"owner", required_argument, NULL, O_OWNER},
        {"wait", optional_argument, NULL, O_WAIT},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    const char *pwfile = NULL;
    struct os_error err;
    int c;

    memset(o, 0, sizeof(*o));
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case O_TIER: o->spec.tier = optarg; break;
        case O_EMAIL: o->spec.admin_email = optarg; break;
        case O_SUB: o->spec.subdomain = optarg; break;
        case O_PWFILE: pwfile = optarg; break;
        case O_OWNER: o->spec.owner = optarg; break;
        case O_WAIT:
            if (!allow_wait)
                return cli_usage(cmd, "--wait is not an option of this command");
            o->wait = 1;
            if (optarg && (sscanf(optarg, "%d", &o->wait_seconds) != 1 || o->wait_seconds <= 0))
                return cli_usage(cmd, "--wait takes a number of seconds");
            break;
        case 'o':
            if (cli_parse_output(cli, optarg) < 0)
                return cli_usage(cmd, "-o takes json or table");
            break;
        default:
            return cli_usage(cmd, "bad option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage(cmd, "the tenant id is missing");
    if (optind + 1 < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind + 1]);
    o->spec.id = argv[optind];
    if (pwfile && read_password(pwfile, &o->password, &err) < 0)
        return cli_fail(&err);
    o->spec.admin_password = o->password;
    if (os_config_load(cli->config_path, &o->cfg, &err) < 0)
        return cli_fail(&err);
    if (tenant_spec_validate(&o->spec, o->cfg, &err) < 0)
        return cli_fail(&err);
    return 0;
}

void tenant_opts_free(struct tenant_opts *o)
{
    if (o->password) {
        sodium_memzero(o->password, strlen(o->password));
        free(o->password);
    }
    os_config_free(o->cfg);
    memset(o, 0, sizeof(*o));
}
