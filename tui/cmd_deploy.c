/*
 * cmd_deploy.c - `odoo-saas deploy` and `odoo-saas node add`: install the
 * platform on a host over SSH, and add a host to the cluster as a node.
 *
 * Both are thin: options become a struct deploy_opts and core/deploy does
 * the work (deploy_run / deploy_node_add).  What a flag leaves unset comes
 * from the config file's deploy: section (deploy_cfg.c): the MicroK8s
 * channel, the key, known_hosts, ...  This file prints the engine's
 * events: step headers and results on stderr, the steps' own output on
 * stdout/stderr as it arrives (control characters replaced, so a host
 * cannot drive the operator's terminal), and for --plan a table of the
 * steps and which would run.  With -o json, stdout carries only one JSON
 * array of the steps and their results; the steps' output goes to stderr.
 * Passphrases are read from the terminal with echo off and never printed.
 */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "deploy/deploy.h"
#include "deploy_cfg.h"
#include "term_text.h"

/* Remote output of one stream to out, cleaned for the terminal in bounded
 * chunks (term_text_feed(): tabs and line ends pass).  st is the stream's
 * state for the run, so a character the host's output was cut inside
 * shows whole.  data NULL: the stream ended (its step did), and a
 * character it ended inside shows as '?'. */
static void print_output(FILE *out, struct term_text_stream *st, const char *data, size_t len)
{
    enum { CHUNK = 4096 };
    char buf[TERM_TEXT_FEED_ROOM(CHUNK)];
    size_t n;

    fflush(stdout);
    if (!data)
        fwrite(buf, 1, term_text_flush(st, buf), out);
    while (len > 0) {
        n = len < CHUNK ? len : CHUNK;
        fwrite(buf, 1, term_text_feed(st, data, n, buf), out);
        data += n;
        len -= n;
    }
    fflush(out);
}

/* -o json: one object per step reported. */
static void json_event(struct json_object *steps, const struct deploy_event *ev)
{
    struct json_object *o = json_object_new_object();
    const char *result = ev->kind == DEPLOY_EV_PLAN ? (ev->would_run ? "would-run" : "satisfied")
                       : ev->kind == DEPLOY_EV_STEP_SKIP ? "skipped"
                       : ev->kind == DEPLOY_EV_STEP_DONE ? "done" : "failed";

    json_object_object_add(o, "step", json_object_new_string(ev->step->name));
    json_object_object_add(o, "description", json_object_new_string(ev->step->description));
    json_object_object_add(o, "result", json_object_new_string(result));
    if (ev->kind == DEPLOY_EV_STEP_FAILED) {
        json_object_object_add(o, "exitStatus", json_object_new_int(ev->status));
        if (ev->signal)
            json_object_object_add(o, "signal", json_object_new_string(ev->signal));
    }
    json_object_array_add(steps, o);
}

/* What the event printer keeps between events. */
struct report {
    struct json_object *steps;    /* -o json, else NULL */
    time_t began;                 /* the running step's start */
    int ran, skipped;
    struct term_text_stream text[2];   /* the remote stdout and stderr */
};

static void print_event(void *ud, const struct deploy_event *ev)
{
    struct report *r = ud;
    struct json_object *steps = r->steps;
    const char *name = ev->step ? ev->step->name : "";

    if (steps && ev->step && (ev->kind == DEPLOY_EV_PLAN || ev->kind == DEPLOY_EV_STEP_SKIP ||
                              ev->kind == DEPLOY_EV_STEP_DONE || ev->kind == DEPLOY_EV_STEP_FAILED))
        json_event(steps, ev);
    if (ev->kind == DEPLOY_EV_STEP_DONE || ev->kind == DEPLOY_EV_STEP_FAILED) {
        print_output(steps ? stderr : stdout, &r->text[0], NULL, 0);  /* the step's output ended */
        print_output(stderr, &r->text[1], NULL, 0);
    }
    switch (ev->kind) {
    case DEPLOY_EV_HOST_KEY_ADDED:
        fprintf(stderr, "odoo-saas: recorded the new host key %s\n", ev->text);
        break;
    case DEPLOY_EV_CONNECTED:
        fprintf(stderr, "odoo-saas: connected (host key %s)\n", ev->text);
        break;
    case DEPLOY_EV_STEP_BEGIN:
        r->began = time(NULL);
        fprintf(stderr, "==> %s: %s\n", name, ev->step->description);
        break;
    case DEPLOY_EV_STEP_SKIP:
        r->skipped++;
        fprintf(stderr, "--- %s: already done, skipped\n", name);
        break;
    case DEPLOY_EV_OUTPUT:
        print_output(ev->stream == 2 || steps ? stderr : stdout, &r->text[ev->stream == 2], ev->data,
                     ev->len);
        break;
    case DEPLOY_EV_STEP_DONE:
        r->ran++;
        fprintf(stderr, "==> %s: done (%lds)\n", name, (long)(time(NULL) - r->began));
        break;
    case DEPLOY_EV_STEP_FAILED:
        if (ev->signal)
            fprintf(stderr, "==> %s: FAILED (killed by signal %s)\n", name, ev->signal);
        else
            fprintf(stderr, "==> %s: FAILED (exit %d)\n", name, ev->status);
        break;
    case DEPLOY_EV_PLAN:
        if (!steps)
            printf("%-5s %-18s %s\n", ev->would_run ? "run" : "skip", name, ev->step->description);
        break;
    }
}

/* Read a passphrase from the terminal with echo off (ud is unused). */
static int ask_passphrase(void *ud, const char *path, char *buf, size_t len)
{
    struct termios old, quiet;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), ok;
    FILE *tty;
    (void)ud;

    if (fd < 0 || tcgetattr(fd, &old) != 0 || !(tty = fdopen(fd, "r+"))) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(tty, "Passphrase for %s: ", path);
    fflush(tty);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(fd, TCSAFLUSH, &quiet);
    ok = fgets(buf, (int)len, tty) != NULL;
    tcsetattr(fd, TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    if (!ok)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

enum { OPT_IDENTITY = 256, OPT_KNOWN_HOSTS, OPT_ACCEPT, OPT_PLAN, OPT_ONLY, OPT_CHANNEL,
       OPT_BUNDLE, OPT_PLATFORM, OPT_REMOTE_DIR, OPT_REMOTE_ENV, OPT_NO_AGENT, OPT_PRIMARY,
       OPT_HOST, OPT_WORKER, OPT_CONNECT_TIMEOUT };

static const struct option long_opts[] = {
    {"host", required_argument, NULL, OPT_HOST},
    {"primary", required_argument, NULL, OPT_PRIMARY},
    {"identity", required_argument, NULL, OPT_IDENTITY},
    {"known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS},
    {"accept-new-host-key", no_argument, NULL, OPT_ACCEPT},
    {"plan", no_argument, NULL, OPT_PLAN},
    {"only", required_argument, NULL, OPT_ONLY},
    {"channel", required_argument, NULL, OPT_CHANNEL},
    {"bundle", required_argument, NULL, OPT_BUNDLE},
    {"platform-dir", required_argument, NULL, OPT_PLATFORM},
    {"remote-dir", required_argument, NULL, OPT_REMOTE_DIR},
    {"remote-env", required_argument, NULL, OPT_REMOTE_ENV},
    {"no-agent", no_argument, NULL, OPT_NO_AGENT},
    {"worker", no_argument, NULL, OPT_WORKER},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {NULL, 0, NULL, 0},
};

struct deploy_args {
    const char *host, *primary;
    struct deploy_opts o;
    struct os_config *cfg;        /* holds the strings deploy_cfg_apply lends */
};

/* Options the flags left unset: from the config file, then the built-in
 * platform folder.  0, or the failure exit status. */
static int apply_config(struct cli *cli, struct deploy_args *a)
{
    struct os_error err;

    if (os_config_load(cli->config_path, &a->cfg, &err) < 0)
        return cli_fail(&err);
    deploy_cfg_apply(a->cfg, &a->o);
    if (!a->o.platform_dir)
        a->o.platform_dir = access("kubernetes", F_OK) == 0 ? "." : OS_DATADIR;
    return 0;
}

/* 0, or the usage exit status. */
static int parse(const struct cli_command *cmd, int argc, char **argv, struct deploy_args *a)
{
    int c;

    a->o.on_event = print_event;
    a->o.passphrase = ask_passphrase;
    a->o.ud = NULL;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_HOST: a->host = optarg; break;
        case OPT_PRIMARY: a->primary = optarg; break;
        case OPT_IDENTITY: a->o.identity = optarg; break;
        case OPT_KNOWN_HOSTS: a->o.known_hosts = optarg; break;
        case OPT_ACCEPT: a->o.accept_new_host_key = 1; break;
        case OPT_PLAN: a->o.plan = 1; break;
        case OPT_ONLY: a->o.only = optarg; break;
        case OPT_CHANNEL: a->o.channel = optarg; break;
        case OPT_BUNDLE: a->o.bundle = optarg; break;
        case OPT_PLATFORM: a->o.platform_dir = optarg; break;
        case OPT_REMOTE_DIR: a->o.remote_dir = optarg; break;
        case OPT_REMOTE_ENV: a->o.remote_env = optarg; break;
        case OPT_NO_AGENT: a->o.no_agent = 1; break;
        case OPT_WORKER: a->o.worker = 1; break;
        case OPT_CONNECT_TIMEOUT:
            a->o.connect_timeout_s = atoi(optarg);
            if (a->o.connect_timeout_s < 1 || a->o.connect_timeout_s > 3600)
                return cli_usage(cmd, "--connect-timeout takes 1 to 3600 seconds");
            break;
        default: return cli_usage(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (!a->host)
        return cli_usage(cmd, "--host USER@HOST[:PORT] is required");
    return 0;
}

/* Deploy (or add a node when primary is given), collecting the step
 * results for -o json when asked.  r->ran and r->skipped count the steps. */
static int run_reported(struct cli *cli, struct deploy_args *a, const struct deploy_opts *primary,
                        struct report *r, struct os_error *err)
{
    struct deploy_opts p;
    int rc;

    r->steps = cli->json ? json_object_new_array() : NULL;
    a->o.ud = r;
    if (primary) {
        p = *primary;
        p.ud = r;
        rc = deploy_node_add(&p, &a->o, err);
    } else {
        rc = deploy_run(&a->o, err);
    }
    if (r->steps) {
        cli_print_json(r->steps);
        json_object_put(r->steps);
    }
    return rc;
}

int cmd_deploy(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_command("deploy");
    struct deploy_args a = {0};
    struct report r = {0};
    struct os_error err;
    int rc;

    if ((rc = parse(cmd, argc, argv, &a)) != 0)
        return rc;
    if (a.primary || a.o.worker)
        return cli_usage(cmd, "--primary and --worker belong to node add");
    if (cli->readonly && !a.o.plan)
        return cli_failf("refusing to deploy: --readonly (--plan is allowed)");
    if (deploy_target_parse(a.host, &a.o.target, &err) < 0)
        return cli_fail(&err);
    if ((rc = apply_config(cli, &a)) != 0)
        return rc;
    rc = run_reported(cli, &a, NULL, &r, &err);
    os_config_free(a.cfg);
    if (rc < 0)
        return cli_fail(&err);
    if (!a.o.plan)
        fprintf(stderr, "odoo-saas: %s is deployed (%d steps run, %d already done)\n",
                a.o.target.host, r.ran, r.skipped);
    return 0;
}

int cmd_node_add(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *cmd = cli_command("node add");
    struct deploy_args a = {0};
    struct report r = {0};
    struct deploy_opts primary;
    struct os_error err;
    int rc;

    if ((rc = parse(cmd, argc, argv, &a)) != 0)
        return rc;
    if (!a.primary)
        return cli_usage(cmd, "--primary USER@HOST[:PORT] is required");
    if (a.o.bundle || a.o.only || a.o.remote_dir)
        return cli_usage(cmd, "--bundle, --only and --remote-dir belong to deploy");
    if (cli->readonly && !a.o.plan)
        return cli_failf("refusing to add a node: --readonly");
    if ((rc = apply_config(cli, &a)) != 0)
        return rc;
    primary = a.o;
    if (deploy_target_parse(a.host, &a.o.target, &err) < 0 ||
        deploy_target_parse(a.primary, &primary.target, &err) < 0 ||
        run_reported(cli, &a, &primary, &r, &err) < 0) {
        os_config_free(a.cfg);
        return cli_fail(&err);
    }
    os_config_free(a.cfg);
    if (!a.o.plan)
        fprintf(stderr, "odoo-saas: %s is a node of %s's cluster\n", a.o.target.host,
                primary.target.host);
    return 0;
}
