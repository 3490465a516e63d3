/*
 * odoo-saas-sim - a loopback Kubernetes API server stand-in.
 *
 * main() owns the one struct sim: it parses the options (one table feeds
 * getopt and --help), makes the TLS material and the bearer token, seeds the
 * cluster, starts the lifecycle thread and the HTTPS server, writes the
 * kubeconfig and prints "listening on https://HOST:PORT".  Then it waits for
 * SIGINT or SIGTERM with sigwait(): the signals are blocked before any thread
 * starts, so no handler and no global flag are needed.  Shutdown wakes every
 * watch stream (they end cleanly), stops the daemon and frees everything.
 *
 * --latency-ms and --fail-rate feed sim/faults.c (applied in server.c's
 * sim_dispatch after authentication).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <sodium.h>

#include "sim.h"
#include "controllers.h"
#include "state.h"

enum { O_LISTEN = 256, O_NODES, O_KCFG, O_SEED, O_STATE, O_LAT, O_FAIL, O_TENANTS, O_NSDELAY, O_BOOKMARK, O_CONTTTL, O_PODSTART, O_NOCTL };

/* One table feeds getopt_long() and --help, so they cannot disagree. */
struct sim_opt {
    const char *name;
    int val;
    const char *arg;      /* NULL: no argument */
    const char *text;
};

static const struct sim_opt options[] = {
    {"listen", O_LISTEN, "HOST:PORT", "address to listen on (IPv4; port 0 picks a free port) [127.0.0.1:0]"},
    {"nodes", O_NODES, "N", "number of simulated nodes [1]"},
    {"kubeconfig-out", O_KCFG, "PATH", "write a kubeconfig for this server (mode 0600)"},
    {"seed", O_SEED, "S", "seed for every random choice, for reproducible runs [1]"},
    {"ns-delete-delay-ms", O_NSDELAY, "N", "how long a deleted namespace stays Terminating [2000]"},
    {"bookmark-interval-ms", O_BOOKMARK, "N", "interval of watch BOOKMARK events [1000]"},
    {"continue-ttl-ms", O_CONTTTL, "N", "age at which list continue tokens expire with 410 [300000]"},
    {"pod-start-ms", O_PODSTART, "N", "duration of each simulated pod start-up step (sandbox, init, readiness) [1500]"},
    {"no-controllers", O_NOCTL, NULL, "API server only: nothing creates, schedules or starts pods"},
    {"state", O_STATE, "PATH", "keep the cluster in PATH: loaded at start when it exists (instead of seeding), saved every 2 s when changed and at exit"},
    {"latency-ms", O_LAT, "N", "added latency per request, in ms [0]"},
    {"fail-rate", O_FAIL, "F", "fraction of API requests answered 429 or 503 (seeded; never health checks or watches), 0..1 [0]"},
    {"seed-tenants", O_TENANTS, "N", "create N demo tenants demo-001.. at start, rendered by the product, Running at once [0]"},
    {"help", 'h', NULL, "show this help"},
    {"version", 'V', NULL, "show the version"},
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *out)
{
    fprintf(out, "Usage: odoo-saas-sim --listen 127.0.0.1:0 --nodes N --kubeconfig-out PATH [--seed S]\n"
                 "                     [--state PATH] [--latency-ms N] [--fail-rate F] [--seed-tenants N]\n"
                 "                     [--pod-start-ms N] [--no-controllers]\n\n"
                 "A simulated MicroK8s API server (HTTPS, bearer token) for the demo and the tests.\n\n");
    for (size_t i = 0; i < NOPTIONS; i++) {
        char flags[64];
        const struct sim_opt *o = &options[i];
        if (o->val < 256)
            snprintf(flags, sizeof(flags), "-%c, --%s", o->val, o->name);
        else
            snprintf(flags, sizeof(flags), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(out, "  %-26s %s\n", flags, o->text);
    }
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "odoo-saas-sim: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see --help)\n");
    return 2;
}

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !*s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_listen(const char *arg, struct sim_options *o)
{
    const char *colon = strrchr(arg, ':');
    long port;
    if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(o->listen_host) ||
        parse_long(colon + 1, 0, 65535, &port))
        return -1;
    snprintf(o->listen_host, sizeof(o->listen_host), "%.*s", (int)(colon - arg), arg);
    o->port = (unsigned)port;
    return 0;
}

/* Returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, struct sim_options *o)
{
    struct option opts[NOPTIONS + 1];
    int c;
    long v;

    for (size_t i = 0; i < NOPTIONS; i++)
        opts[i] = (struct option){options[i].name, options[i].arg ? required_argument : no_argument,
                                  NULL, options[i].val};
    opts[NOPTIONS] = (struct option){NULL, 0, NULL, 0};
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'V': printf("odoo-saas-sim %s\n", PACKAGE_VERSION); return 0;
        case O_LISTEN:
            if (parse_listen(optarg, o)) return bad("--listen: '%s' is not HOST:PORT", optarg);
            break;
        case O_NODES:
            if (parse_long(optarg, 1, 500, &v)) return bad("--nodes: '%s' is not a number from 1 to 500", optarg);
            o->nodes = (int)v;
            break;
        case O_KCFG: o->kubeconfig_out = optarg; break;
        case O_SEED: {
            char *end;
            errno = 0;
            o->seed = strtoull(optarg, &end, 10);
            if (errno || !*optarg || *end) return bad("--seed: '%s' is not a number", optarg);
            break;
        }
        case O_STATE: o->state_path = optarg; break;
        case O_LAT:
            if (parse_long(optarg, 0, 60000, &v)) return bad("--latency-ms: '%s' is not a number from 0 to 60000", optarg);
            o->latency_ms = (int)v;
            break;
        case O_FAIL: {
            char *end;
            o->fail_rate = strtod(optarg, &end);
            if (!*optarg || *end || o->fail_rate < 0 || o->fail_rate > 1)
                return bad("--fail-rate: '%s' is not a number from 0 to 1", optarg);
            break;
        }
        case O_TENANTS:
            if (parse_long(optarg, 0, 10000, &v)) return bad("--seed-tenants: '%s' is not a number from 0 to 10000", optarg);
            o->seed_tenants = (int)v;
            break;
        case O_NSDELAY:
            if (parse_long(optarg, 0, 3600000, &v)) return bad("--ns-delete-delay-ms: '%s' is not a number from 0 to 3600000", optarg);
            o->ns_delete_delay_ms = (int)v;
            break;
        case O_BOOKMARK:
            if (parse_long(optarg, 10, 3600000, &v)) return bad("--bookmark-interval-ms: '%s' is not a number from 10 to 3600000", optarg);
            o->bookmark_interval_ms = (int)v;
            break;
        case O_PODSTART:
            if (parse_long(optarg, 0, 600000, &v)) return bad("--pod-start-ms: '%s' is not a number from 0 to 600000", optarg);
            o->pod_start_ms = (int)v;
            break;
        case O_NOCTL: o->no_controllers = 1; break;
        case O_CONTTTL:
            if (parse_long(optarg, 0, 86400000, &v)) return bad("--continue-ttl-ms: '%s' is not a number from 0 to 86400000", optarg);
            o->continue_ttl_ms = (int)v;
            break;
        default:
            return bad("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bad("unexpected argument '%s'", argv[optind]);
    return -1;
}

static int sim_init(struct sim *s)
{
    pthread_condattr_t ca;
    memset(s, 0, sizeof(*s));
    snprintf(s->opt.listen_host, sizeof(s->opt.listen_host), "127.0.0.1");
    s->opt.nodes = 1;
    s->opt.seed = 1;
    s->opt.ns_delete_delay_ms = 2000;
    s->opt.bookmark_interval_ms = 1000;
    s->opt.continue_ttl_ms = 300000;
    s->opt.pod_start_ms = 1500;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);   /* watch.c, lifecycle.c */
    pthread_cond_init(&s->changed, &ca);
    pthread_condattr_destroy(&ca);
    return sim_store_init(&s->store);
}

static void sim_fini(struct sim *s)
{
    sim_lifecycle_stop(s, 3000);
    sim_server_stop(s);
    if (s->opt.state_path && s->state_saved_rv != s->store.rv) {
        struct os_error err = {0};
        if (sim_state_save(s, 0, &err) < 0)
            fprintf(stderr, "odoo-saas-sim: %s\n", err.message);
    }
    sim_store_free(&s->store);
    sim_ctl_free(s->ctl);
    s->ctl = NULL;
    if (s->faults_ready)
        sim_faults_destroy(&s->faults);
    sim_tls_free(&s->tls);
    sodium_memzero(s->token, sizeof(s->token));
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
}

static void make_token(struct sim *s)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(s->token, sizeof(s->token), raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
}

/* Start everything; on error fills err. */
static int sim_start(struct sim *s, struct os_error *err)
{
    s->rng = s->opt.seed;
    sim_faults_init(&s->faults, s->opt.latency_ms, s->opt.fail_rate, s->opt.seed);
    s->faults_ready = 1;
    if (!s->opt.no_controllers && !(s->ctl = sim_ctl_new(s->opt.pod_start_ms)))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    s->start_ms = sim_now_ms();
    make_token(s);
    int loaded = 0;
    if (sim_tls_generate(&s->tls, err) || sim_state_load(s, &loaded, err) || (!loaded && sim_seed(s, err)))
        return -1;
    /* The first list of pods would serialise every pod: do it now. */
    sim_store_warm(s, kube_resource_by_plural("", "v1", "pods"));
    if (sim_lifecycle_start(s, err) ||
        sim_server_start(s, err))
        return -1;
    if (s->opt.kubeconfig_out && sim_kubeconfig_write(s, s->opt.kubeconfig_out, err))
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    struct sim s;
    struct os_error err = {0};
    sigset_t set;
    int sig = 0;

    sim_init(&s);
    int rc = parse_options(argc, argv, &s.opt);
    if (rc >= 0) {
        sim_fini(&s);
        return rc;
    }
    if (sodium_init() < 0 || gnutls_global_init() < 0) {
        fprintf(stderr, "odoo-saas-sim: cannot initialise the crypto libraries\n");
        return 1;
    }
    /* Block the stop signals in every thread; main collects them below. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (sim_start(&s, &err) < 0) {
        fprintf(stderr, "odoo-saas-sim: %s\n", err.message);
        sim_fini(&s);
        gnutls_global_deinit();
        return 1;
    }
    printf("listening on https://%s:%u\n", s.opt.listen_host, s.port);
    fflush(stdout);
    while (sigwait(&set, &sig) != 0)
        ;
    fprintf(stderr, "odoo-saas-sim: %s received, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    sim_fini(&s);
    gnutls_global_deinit();
    return 0;
}
