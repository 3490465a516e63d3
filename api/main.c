/*
 * odoo-saasd - the headless signup API: options and lifecycle.
 *
 * Startup, in order: options; the data directory (0700); the config file
 * (its "api:" section and the platform config); the account store; the
 * token secret (generated 0600 on first run); the rate limiters; the
 * Kubernetes client, handed to the model thread; the HTTP server.  Then
 * main waits for SIGTERM or SIGINT with sigtimedwait(), flushing the
 * request log once a second meanwhile (the signals are blocked in every
 * thread, so no handler and no global flag are needed), stops accepting,
 * lets requests in flight finish, stops the model and exits 0.
 *
 * --allow-from LIST is parsed with the options, so a bad entry stops the
 * daemon (exit 2) before it opens anything; the server then closes every
 * connection from outside the list as it is accepted.
 *
 * --create-admin EMAIL reads a password from stdin and creates an admin
 * account (or makes an existing account an admin), then exits.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "allow_list.h"
#include "api.h"
#include "kube/kube.h"
#include "metrics.h"
#include "model.h"
#include "routes.h"
#include "server.h"

struct options {
    const char *listen, *kubeconfig, *context, *config, *data_dir, *create_admin;
    int restricted;                 /* --allow-from given: only its networks connect */
    struct api_allow_list allow;
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: odoo-saasd --listen ADDR:PORT [--allow-from LIST] [--kubeconfig K]\n"
            "                  [--context C] [--config F] [--data-dir DIR]\n"
            "       odoo-saasd --create-admin EMAIL [--config F] [--data-dir DIR] < password\n"
            "\n"
            "The odoo-saas signup API (HTTP+JSON); see docs/api.md.\n"
            "\n"
            "  -l, --listen ADDR:PORT   address to serve on (port 0: any free port)\n"
            "  -a, --allow-from LIST    only these peers may connect: ADDR[/BITS],... IPv4 or IPv6\n"
            "                           (repeatable; default: anyone)\n"
            "  -k, --kubeconfig FILE    kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)\n"
            "  -c, --context NAME       kubeconfig context\n"
            "  -f, --config FILE        config file (the \"api:\" section is the daemon's)\n"
            "  -d, --data-dir DIR       accounts database and token secret\n"
            "                           (default /var/lib/odoo-saasd, or $XDG_DATA_HOME/odoo-saasd)\n"
            "  -A, --create-admin EMAIL create an admin account; the password is read from stdin\n"
            "  -h, --help               show this help\n"
            "  -V, --version            show the version\n");
}

/* One --allow-from; repeated, the lists add up.  -1 once the error is said. */
static int add_allow_from(const char *list, struct options *o)
{
    struct os_error err;

    if (api_allow_list_parse(list, &o->allow, &err) < 0) {
        fprintf(stderr, "odoo-saasd: --allow-from: %s\n", err.message);
        return -1;
    }
    o->restricted = 1;
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},   {"kubeconfig", required_argument, NULL, 'k'},
        {"context", required_argument, NULL, 'c'},  {"config", required_argument, NULL, 'f'},
        {"data-dir", required_argument, NULL, 'd'}, {"create-admin", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},           {"version", no_argument, NULL, 'V'},
        {"allow-from", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "l:a:k:c:f:d:A:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o->listen = optarg; break;
        case 'a':
            if (add_allow_from(optarg, o) < 0)
                return 2;
            break;
        case 'k': o->kubeconfig = optarg; break;
        case 'c': o->context = optarg; break;
        case 'f': o->config = optarg; break;
        case 'd': o->data_dir = optarg; break;
        case 'A': o->create_admin = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("odoo-saasd %s\n", PACKAGE_VERSION); return 0;
        default:
            fprintf(stderr, "odoo-saasd: unknown option or missing value '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "odoo-saasd: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (!o->listen && !o->create_admin) {
        fprintf(stderr, "odoo-saasd: --listen ADDR:PORT is required (see --help)\n");
        return 2;
    }
    return -1;
}

/* "127.0.0.1:8080", "[::1]:8080" into addr and port. */
static int split_listen(const char *s, char *addr, size_t len, int *port)
{
    const char *colon = strrchr(s, ':');
    char *end;
    long p;

    if (!colon || colon == s)
        return -1;
    p = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || p < 0 || p > 65535)
        return -1;
    if (s[0] == '[' && colon[-1] == ']')
        snprintf(addr, len, "%.*s", (int)(colon - s - 2), s + 1);
    else
        snprintf(addr, len, "%.*s", (int)(colon - s), s);
    *port = (int)p;
    return 0;
}

static int make_dir(const char *dir)
{
    char buf[4096];

    snprintf(buf, sizeof(buf), "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

static int create_admin(struct api *api, const char *email)
{
    char pw[AUTH_PASSWORD_MAX + 2];
    struct auth_account acc;
    struct os_error err;
    size_t n;
    int rc;

    if (!fgets(pw, sizeof(pw), stdin)) {
        fprintf(stderr, "odoo-saasd: --create-admin reads the password from stdin; none was given\n");
        return 1;
    }
    n = strcspn(pw, "\r\n");
    pw[n] = '\0';
    rc = auth_accounts_create(api->accounts, email, pw, 1, &acc, &err);
    sodium_memzero(pw, sizeof(pw));
    if (rc < 0 && !strcmp(err.reason, "AlreadyExists")) {
        char norm[AUTH_EMAIL_MAX + 1];
        auth_email_normalize(email, norm, sizeof(norm), &err);
        if (auth_accounts_set_admin(api->accounts, norm, 1, &err) == 0) {
            printf("odoo-saasd: %s already existed and is now an admin (password unchanged)\n", norm);
            return 0;
        }
    }
    if (rc < 0) {
        fprintf(stderr, "odoo-saasd: %s\n", err.message);
        return 1;
    }
    printf("odoo-saasd: admin %s created\n", acc.email);
    return 0;
}

/* The Supabase client when the backend says so: its anon key from a file. */
static int supabase_start(struct api *api, struct os_error *err)
{
    struct auth_supabase_opts so = {.url = api->cfg->supabase_url};
    char key[2048];
    FILE *f;
    size_t n;
    int rc;

    if (strcmp(api->cfg->backend, "supabase"))
        return 0;
    f = fopen(api->cfg->supabase_anon_key_file, "r");
    if (!f)
        return os_error_set(err, OS_ERR_IO, "cannot read %s: %s", api->cfg->supabase_anon_key_file,
                            strerror(errno));
    n = fread(key, 1, sizeof(key) - 1, f);
    fclose(f);
    key[n] = '\0';
    key[strcspn(key, "\r\n")] = '\0';
    so.anon_key = key;
    rc = auth_supabase_new(&so, &api->supabase, err);
    sodium_memzero(key, sizeof(key));
    return rc;
}

static int limits_init(struct api *api)
{
    struct api_limits *l = &api->limits;
    const struct api_config *c = api->cfg;

    pthread_mutex_init(&l->lock, NULL);
    l->register_ip = auth_ratelimit_new(1.0 / c->register_every_s, c->register_burst, 4096);
    l->login_ip = auth_ratelimit_new(1.0 / c->login_ip_every_s, c->login_ip_burst, 4096);
    l->login_account = auth_ratelimit_new(1.0 / c->login_account_every_s, c->login_account_burst, 4096);
    l->create_account = auth_ratelimit_new(1.0 / c->create_every_s, c->create_burst, 4096);
    l->create_ip = auth_ratelimit_new(1.0 / c->create_every_s, c->create_burst * 4, 4096);
    return l->register_ip && l->login_ip && l->login_account && l->create_account && l->create_ip ? 0 : -1;
}

static void limits_free(struct api_limits *l)
{
    auth_ratelimit_free(l->register_ip);
    auth_ratelimit_free(l->login_ip);
    auth_ratelimit_free(l->login_account);
    auth_ratelimit_free(l->create_account);
    auth_ratelimit_free(l->create_ip);
    pthread_mutex_destroy(&l->lock);
}

/* The cluster: kubeconfig, client, model thread. */
static int start_model(struct api *api, const struct options *o, struct kube_config **kcfg,
                       struct os_error *err)
{
    struct kube_config_opts kopts = {.path = o->kubeconfig, .context = o->context,
                                     .kubeconfig_env = getenv("KUBECONFIG"), .home = getenv("HOME"),
                                     .service_host = getenv("KUBERNETES_SERVICE_HOST"),
                                     .service_port = getenv("KUBERNETES_SERVICE_PORT")};
    struct kube_client_opts copts = {0};
    struct kube_client *client;
    int rc;

    if ((rc = kube_config_load(&kopts, kcfg, err)) < 0)
        return rc;
    if ((rc = kube_client_new(*kcfg, &copts, &client, err)) < 0)
        return rc;
    if ((rc = api_model_start(client, api->oscfg, &api->model, err)) < 0)
        kube_client_free(client);
    return rc;
}

static int serve(struct api *api, const struct options *o)
{
    struct api_server *srv = NULL;
    struct kube_config *kcfg = NULL;
    struct os_error err;
    char addr[256];
    size_t nroutes;
    sigset_t set;
    int port, sig = 0, rc = 1;

    if (split_listen(o->listen, addr, sizeof(addr), &port) < 0) {
        fprintf(stderr, "odoo-saasd: --listen %s: want ADDR:PORT\n", o->listen);
        return 2;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    api_routes(&nroutes);
    api->metrics = api_metrics_new(nroutes);
    if (!api->metrics || limits_init(api) < 0) {
        fprintf(stderr, "odoo-saasd: out of memory\n");
        goto out;
    }
    if (start_model(api, o, &kcfg, &err) < 0 ||
        api_server_start(api, addr, port, o->restricted ? &o->allow : NULL, &srv, &err) < 0) {
        fprintf(stderr, "odoo-saasd: %s\n", err.message);
        goto out;
    }
    printf("listening on http://%s%s%s:%d\n", strchr(addr, ':') ? "[" : "", addr,
           strchr(addr, ':') ? "]" : "", api_server_port(srv));
    fflush(stdout);
    sigdelset(&set, SIGPIPE);
    while ((sig = sigtimedwait(&set, NULL, &(struct timespec){1, 0})) < 0)
        api_server_flush_log(srv);    /* lines held behind a slow request */
    fprintf(stderr, "odoo-saasd: %s: shutting down\n", strsignal(sig));
    api_server_quiesce(srv, 20000);
    rc = 0;
out:
    api_server_stop(srv);
    api_model_stop(api->model);
    kube_config_free(kcfg);
    limits_free(&api->limits);
    api_metrics_free(api->metrics);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    struct api_config ac;
    struct api api = {.cfg = &ac};
    struct os_error err;
    char data_dir[4096];
    int rc = parse_options(argc, argv, &o);

    if (rc >= 0)
        return rc;
    umask(077);   /* the database and the secret are for this user only */
    if (sodium_init() < 0) {
        fprintf(stderr, "odoo-saasd: libsodium failed to initialise\n");
        return 1;
    }
    api_default_data_dir(data_dir, sizeof(data_dir));
    if (o.data_dir)
        snprintf(data_dir, sizeof(data_dir), "%s", o.data_dir);
    if (make_dir(data_dir) < 0) {
        fprintf(stderr, "odoo-saasd: cannot create %s: %s\n", data_dir, strerror(errno));
        return 1;
    }
    if (api_config_load(o.config, data_dir, &ac, &api.oscfg, &err) < 0) {
        fprintf(stderr, "odoo-saasd: %s\n", err.message);
        return 1;
    }
    rc = 1;
    if (auth_accounts_open(ac.database, &api.accounts, &err) < 0) {
        fprintf(stderr, "odoo-saasd: %s\n", err.message);
    } else if (o.create_admin) {
        rc = create_admin(&api, o.create_admin);
    } else if (supabase_start(&api, &err) < 0) {
        fprintf(stderr, "odoo-saasd: %s\n", err.message);
    } else if (auth_jwt_key_load(ac.token_secret_file, !api.supabase, &api.key, &err) < 0) {
        fprintf(stderr, "odoo-saasd: %s\n", err.message);
    } else {
        snprintf(api.key.iss, sizeof(api.key.iss), "%s", ac.issuer);
        snprintf(api.key.aud, sizeof(api.key.aud), "%s", ac.audience);
        rc = serve(&api, &o);
    }
    sodium_memzero(&api.key, sizeof(api.key));
    auth_supabase_free(api.supabase);
    auth_accounts_close(api.accounts);
    os_config_free(api.oscfg);
    api_config_free(&ac);
    return rc;
}
