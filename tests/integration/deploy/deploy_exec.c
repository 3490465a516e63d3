/*
 * deploy_exec.c - test helper: connect with core/deploy's SSH layer and
 * run one command, so the integration tests can check host keys,
 * authentication, exit statuses, signals and large output directly.
 *
 *   deploy_exec HOST PORT USER KEY KNOWN_HOSTS [accept|strict] [count|pass] COMMAND
 *
 * Prints "status N" or "signal NAME" (and with count, "stdout N stderr N"
 * byte counts instead of the output itself); exit 0 when the command ran
 * to an end, 1 with the error on stderr otherwise.
 *
 * Environment: DEPLOY_EXEC_TIMEOUT_MS bounds the command (60000),
 * DEPLOY_EXEC_CONNECT_MS the connect (15000), DEPLOY_EXEC_PASSPHRASE is
 * what the passphrase callback answers (unset: no passphrase to give),
 * DEPLOY_EXEC_AGENT=1 tries ssh-agent first.  KEY "-" means no key file
 * (then ~/.ssh/id_* are tried).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy/ssh.h"

struct counts {
    int pass;
    size_t out, err;
};

static void on_output(void *ud, int stream, const char *data, size_t len)
{
    struct counts *c = ud;

    if (stream == 2)
        c->err += len;
    else
        c->out += len;
    if (c->pass) {
        /* flushed: a test waits for a line before it cuts the connection */
        fwrite(data, 1, len, stream == 2 ? stderr : stdout);
        fflush(stream == 2 ? stderr : stdout);
    }
}

static int env_passphrase(void *ud, const char *path, char *buf, size_t len)
{
    const char *p = getenv("DEPLOY_EXEC_PASSPHRASE");
    (void)ud;
    (void)path;

    if (!p)
        return -1;
    snprintf(buf, len, "%s", p);
    return 0;
}

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

int main(int argc, char **argv)
{
    struct ssh_conn_opts o = {0};
    struct counts counts = {0};
    struct ssh_conn *c;
    struct os_error err;
    char sig[32];
    int status, rc;

    if (argc != 9) {
        fprintf(stderr, "usage: deploy_exec HOST PORT USER KEY KNOWN_HOSTS accept|strict "
                        "count|pass COMMAND\n");
        return 2;
    }
    o.host = argv[1];
    o.port = atoi(argv[2]);
    o.user = argv[3];
    o.identity = strcmp(argv[4], "-") ? argv[4] : NULL;
    o.known_hosts = argv[5];
    o.policy = !strcmp(argv[6], "accept") ? SSH_HOSTKEY_ACCEPT_NEW : SSH_HOSTKEY_STRICT;
    o.no_agent = env_int("DEPLOY_EXEC_AGENT", 0) == 0;
    o.timeout_ms = env_int("DEPLOY_EXEC_CONNECT_MS", 15000);
    o.passphrase = env_passphrase;
    counts.pass = !strcmp(argv[7], "pass");
    if (ssh_conn_open(&o, &c, &err) < 0) {
        fprintf(stderr, "deploy_exec: %s\n", err.message);
        return 1;
    }
    if (c->host_key_added)
        printf("recorded %s\n", c->fingerprint);
    rc = ssh_exec_run(c, argv[8], env_int("DEPLOY_EXEC_TIMEOUT_MS", 60000), on_output, &counts, &status, sig, sizeof(sig), &err);
    ssh_conn_free(c);
    if (rc < 0) {
        fprintf(stderr, "deploy_exec: %s\n", err.message);
        return 1;
    }
    fflush(stdout);
    if (!counts.pass)
        printf("stdout %zu stderr %zu\n", counts.out, counts.err);
    if (sig[0])
        printf("signal %s\n", sig);
    else
        printf("status %d\n", status);
    return 0;
}
