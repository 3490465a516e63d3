/*
 * fuzz_request.c - libFuzzer target: one HTTP request to odoo-saasd, from
 * bytes to answer, with no socket, no cluster and no data directory.
 *
 * The input is read like a request on the wire:
 *
 *     METHOD SP PATH LF
 *     Name: value LF          (Content-Type, Authorization, X-Forwarded-For;
 *     ...                      others are ignored)
 *     LF
 *     body (any bytes, NULs included)
 *
 * It goes through what server.c does after libmicrohttpd has parsed it
 * (dispatch.h: body limits, route matching with its path parameter, 404
 * versus 405, the handler, the answer's text), against a fixed model
 * (api_model_fixed: three tenants, two owners, every job a success) and an
 * SQLite account store in memory holding a user and an admin.  Register and
 * login stop after their body is parsed and checked (api_credentials, the
 * email and password rules): past that is argon2id, 64 MiB and tens of
 * milliseconds a call, which would starve the fuzzer.  The bearer values
 * FUZZ-USER-TOKEN and FUZZ-ADMIN-TOKEN are swapped for valid tokens minted
 * at start, so the corpus reaches the authenticated handlers whatever the
 * date; any other token is verified as it is.
 *
 * Every answer is checked: a status from 200 to 599, JSON that parses to an
 * object, and an {"error":{"code","message"}} envelope on every 4xx/5xx.
 * FUZZ_REQUEST_VERBOSE=1 in the environment prints each answer (run the
 * binary on a file or the corpus directory to see them).
 *
 * libFuzzer calls a plain function, so the world built once at start lives
 * in a static pointer: the one piece of global state, and only here.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "api/api.h"
#include "api/dispatch.h"
#include "api/metrics.h"
#include "api/model.h"
#include "api/routes.h"

#define USER "fuzz@example.com"
#define ADMIN "admin@example.com"
#define PATH_MAX_FUZZ 4096

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct world {
    struct api api;
    struct api_config cfg;
    char *user_token, *admin_token;
};

static struct world *world;

static void die(const char *what, const struct os_error *err)
{
    fprintf(stderr, "fuzz_request: %s: %s\n", what, err ? err->message : "failed");
    abort();
}

static void add_tenant(struct api_tenant *t, const char *id, const char *owner, enum tenant_phase phase)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->st.id, sizeof(t->st.id), "%s", id);
    snprintf(t->subdomain, sizeof(t->subdomain), "%s", id);
    snprintf(t->st.owner, sizeof(t->st.owner), "%s", owner);
    snprintf(t->st.tier, sizeof(t->st.tier), "basic");
    snprintf(t->st.url, sizeof(t->st.url), "https://%s.odoo.localhost/", id);
    snprintf(t->st.created_at, sizeof(t->st.created_at), "2026-01-01T00:00:00Z");
    t->st.phase = phase;
}

static void limits_init(struct api *api)
{
    struct api_limits *l = &api->limits;

    /* generous buckets: a 429 would hide the handler behind it */
    pthread_mutex_init(&l->lock, NULL);
    l->register_ip = auth_ratelimit_new(1e6, 1e9, 64);
    l->login_ip = auth_ratelimit_new(1e6, 1e9, 64);
    l->login_account = auth_ratelimit_new(1e6, 1e9, 64);
    l->create_account = auth_ratelimit_new(1e6, 1e9, 64);
    l->create_ip = auth_ratelimit_new(1e6, 1e9, 64);
    if (!l->register_ip || !l->login_ip || !l->login_account || !l->create_account || !l->create_ip)
        die("rate limits", NULL);
}

static void accounts_init(struct world *w)
{
    struct auth_account acc;
    struct os_error err;

    if (auth_accounts_open(":memory:", &w->api.accounts, &err) < 0)
        die("accounts", &err);
    if (auth_accounts_create(w->api.accounts, USER, "fuzz password", 0, &acc, &err) < 0 ||
        auth_accounts_create(w->api.accounts, ADMIN, "admin password", 1, &acc, &err) < 0)
        die("accounts", &err);
}

static void key_init(struct world *w)
{
    struct auth_jwt_key *k = &w->api.key;
    struct os_error err;
    int64_t now = (int64_t)time(NULL);

    /* The seed corpus's literal tokens are signed with this secret. */
    memset(k->secret, 'k', 32);
    k->len = 32;
    snprintf(k->iss, sizeof(k->iss), "%s", w->cfg.issuer);
    snprintf(k->aud, sizeof(k->aud), "%s", w->cfg.audience);
    if (auth_jwt_encode(k, USER, now, 30 * 86400, &w->user_token, &err) < 0 ||
        auth_jwt_encode(k, ADMIN, now, 30 * 86400, &w->admin_token, &err) < 0)
        die("tokens", &err);
}

static void model_init(struct world *w)
{
    struct api_tenant t[3];
    struct os_error err;

    add_tenant(&t[0], "acme", USER, TENANT_READY);
    add_tenant(&t[1], "other", "someone@example.com", TENANT_PROVISIONING);
    add_tenant(&t[2], "beta", ADMIN, TENANT_SUSPENDED);
    if (api_model_fixed(t, 3, &w->api.model, &err) < 0)
        die("model", &err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct world *w = calloc(1, sizeof(*w));
    struct os_error err;
    size_t nroutes;

    (void)argc;
    (void)argv;
    if (!w || sodium_init() < 0)
        die("init", NULL);
    if (api_config_init(&w->cfg, "/nonexistent/odoo-saasd-fuzz", NULL, &err) < 0 ||
        os_config_load_text("fuzz", NULL, 0, &w->api.oscfg, &err) < 0)
        die("config", &err);
    w->api.cfg = &w->cfg;
    api_routes(&nroutes);
    if (!(w->api.metrics = api_metrics_new(nroutes)))
        die("metrics", NULL);
    limits_init(&w->api);
    accounts_init(w);
    key_init(w);
    model_init(w);
    world = w;
    return 0;
}

/* The next line of [*at, end) as a new NUL-terminated string (cut at a NUL
 * byte, as a C string from libmicrohttpd would be; CR dropped); *at moves
 * past its LF.  NULL at the end of the input. */
static char *next_line(const uint8_t **at, const uint8_t *end, size_t max)
{
    const uint8_t *lf, *start = *at;
    size_t n;
    char *s;

    if (start >= end)
        return NULL;
    lf = memchr(start, '\n', (size_t)(end - start));
    n = (size_t)((lf ? lf : end) - start);
    *at = lf ? lf + 1 : end;
    if (n && start[n - 1] == '\r')
        n--;
    n = strnlen((const char *)start, n < max ? n : max);
    if (!(s = malloc(n + 1)))
        abort();
    memcpy(s, start, n);
    s[n] = '\0';
    return s;
}

struct parsed {
    char *line, *headers[3];   /* Content-Type, Authorization, X-Forwarded-For */
    char *body;
    size_t body_len;
};

static void take_header(struct parsed *p, char *h)
{
    static const char *const names[] = {"Content-Type:", "Authorization:", "X-Forwarded-For:"};

    for (int i = 0; i < 3; i++) {
        size_t n = strlen(names[i]);
        if (!strncasecmp(h, names[i], n) && !p->headers[i]) {
            memmove(h, h + n + strspn(h + n, " "), strlen(h + n + strspn(h + n, " ")) + 1);
            p->headers[i] = h;
            return;
        }
    }
    free(h);
}

static void parse(const uint8_t *data, size_t size, struct parsed *p)
{
    const uint8_t *at = data, *end = data + size;
    char *h;

    memset(p, 0, sizeof(*p));
    p->line = next_line(&at, end, 16 + PATH_MAX_FUZZ);
    while ((h = next_line(&at, end, 8192)) && *h)
        take_header(p, h);
    free(h);
    p->body_len = (size_t)(end - at);
    if (!(p->body = malloc(p->body_len + 1)))
        abort();
    memcpy(p->body, at, p->body_len);
    p->body[p->body_len] = '\0';
}

static void parsed_free(struct parsed *p)
{
    free(p->line);
    for (int i = 0; i < 3; i++)
        free(p->headers[i]);
    free(p->body);
}

/* The placeholders of the corpus become real tokens. */
static const char *authorization(const char *h, char *buf, size_t len)
{
    if (h && !strcmp(h, "Bearer FUZZ-USER-TOKEN"))
        snprintf(buf, len, "Bearer %s", world->user_token);
    else if (h && !strcmp(h, "Bearer FUZZ-ADMIN-TOKEN"))
        snprintf(buf, len, "Bearer %s", world->admin_token);
    else
        return h;
    return buf;
}

/* Register and login up to argon2id: the body and the rules for its fields. */
static void credentials_only(struct api_request *r)
{
    struct json_object *body = NULL;
    const char *email, *password;
    char norm[AUTH_EMAIL_MAX + 1];
    struct os_error err;

    if (api_credentials(r, &body, &email, &password) == 0) {
        if (auth_email_normalize(email, norm, sizeof(norm), &err) < 0 ||
            auth_password_check(password, &err) < 0)
            api_error(r, 400, "invalid_field", "%s", err.message);
        else
            api_reply(r, 200, json_object_new_object());
    }
    json_object_put(body);
}

/* The oracle: what every answer must look like. */
static void check_answer(struct api_request *r, const char *text, size_t len, const char *ctype)
{
    struct json_object *o, *e, *v;

    if (r->status < 200 || r->status > 599)
        abort();
    if (strcmp(ctype, "application/json"))
        return;
    o = json_tokener_parse(text);
    if (!o || !json_object_is_type(o, json_type_object) || strlen(text) != len)
        abort();
    if (r->status >= 400 &&
        (!json_object_object_get_ex(o, "error", &e) || !json_object_object_get_ex(e, "code", &v) ||
         !json_object_is_type(v, json_type_string) || !json_object_object_get_ex(e, "message", &v) ||
         !json_object_is_type(v, json_type_string)))
        abort();
    json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct parsed p;
    struct api_request r = {.api = &world->api};
    const struct api_route *route;
    char *sp, ip[64] = "192.0.2.1", auth[AUTH_TOKEN_MAX + 16];
    const char *text, *ctype;
    size_t len, nroutes;

    parse(data, size, &p);
    if (!p.line) {
        parsed_free(&p);
        return 0;
    }
    sp = strchr(p.line, ' ');
    if (sp)
        *sp = '\0';
    r.method = p.line;
    r.path = sp ? sp + 1 : "";
    r.content_type = p.headers[0];
    r.authorization = authorization(p.headers[1], auth, sizeof(auth));
    api_forwarded_ip(p.headers[2], ip, sizeof(ip));
    r.ip = ip;
    r.body = p.body;
    r.body_len = p.body_len;
    route = api_dispatch_route(&r);
    if (route && (route->fn == api_h_register || route->fn == api_h_login))
        credentials_only(&r);
    else if (route)
        api_dispatch_run(&r, route);
    text = api_dispatch_body(&r, &len, &ctype);
    check_answer(&r, text, len, ctype);
    if (getenv("FUZZ_REQUEST_VERBOSE"))     /* what a reproducer was answered */
        fprintf(stderr, "fuzz_request: %s %s -> %d %.200s\n", r.method, r.path, r.status, text);
    api_metrics_observe(world->api.metrics, route ? (size_t)(route - api_routes(&nroutes)) : SIZE_MAX,
                        r.status, 0.001);
    api_dispatch_clear(&r);
    parsed_free(&p);
    return 0;
}
