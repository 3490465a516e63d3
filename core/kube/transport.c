/*
 * transport.c - the libcurl multi engine behind every API request.
 *
 * A call is one logical request; each try of it is an "attempt" on a fresh
 * setup of the same easy handle (curl_easy_reset), so credentials that
 * changed between tries (a rotated token file, a re-run exec plugin) are
 * picked up.  Calls waiting for a retry sit in the client's list with a due
 * time; kube_client_wait() starts them when due and never sleeps past the
 * next one.  The multi handle keeps the connections, so consecutive calls
 * reuse them and HTTP/2 streams share one.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "status.h"
#include "transport.h"

#define DEFAULT_CONNECT_MS 10000
#define DEFAULT_TIMEOUT_MS 60000
#define DEFAULT_ATTEMPTS 6
#define DEFAULT_BASE_MS 250
#define DEFAULT_CAP_MS 8000
#define DEFAULT_BUDGET_MS 30000
#define DEFAULT_HOST_CONNS 24
#define DEFAULT_MAX_BODY ((size_t)64 << 20)
#define TOKEN_FILE_REFRESH_MS 60000
#define EXEC_REFRESH_SLACK_S 10

enum call_state { CALL_RUNNING, CALL_WAITING };

struct kube_call {
    struct kube_call *prev, *next;
    struct kube_client *client;
    enum call_state state;
    CURL *easy;
    struct curl_slist *headers;
    char *method, *path, *content_type, *accept, *body;
    size_t body_len;
    int stream, no_retry;
    long timeout_ms;
    kube_data_fn on_data;
    kube_done_fn on_done;
    void (*on_cancel)(void *userdata);
    void *userdata;

    unsigned long id;         /* per client, for the trace */
    int attempts;
    int streamed;             /* data went to on_data in this attempt */
    int reauthed;             /* the exec plugin was re-run after a 401 */
    long start_ms, attempt_ms, due_ms, waited_ms;
    char *buf;                /* response body of this attempt */
    size_t len, cap;
    int over_limit, aborted;
    char errbuf[CURL_ERROR_SIZE];
};

struct kube_client {
    const struct kube_config *cfg;
    struct kube_client_opts opts;
    CURLM *multi;
    struct kube_call *calls;  /* running and waiting */
    int ncalls;
    char *url_base;           /* server URL, host swapped for tls-server-name */
    struct curl_slist *connect_to; /* "name:port:host:port" for tls-server-name */
    char *token;              /* current bearer token or NULL */
    long token_read_ms;
    time_t token_expires;     /* exec credentials; 0: none */
    char *exec_cert, *exec_key;
    struct kube_client_stats stats;
    unsigned long next_call_id;
    char user_agent[64];
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

__attribute__((format(printf, 2, 3)))
static void warn(struct kube_client *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c->opts.warn)
        c->opts.warn(c->opts.warn_userdata, msg);
    else
        fprintf(stderr, "warning: %s\n", msg);
}

/* ---- credentials ---------------------------------------------------- */

/* Credentials are wiped before their memory is given back. */
static void free_secret(char *s)
{
    if (!s)
        return;
    sodium_memzero(s, strlen(s));
    free(s);
}

static int refresh_exec(struct kube_client *c, struct os_error *err)
{
    struct kube_exec_credential cred = {0};
    int rc = kube_exec_run(c->cfg, 0, &cred, err);
    if (rc < 0)
        return rc;
    free_secret(c->token);
    free(c->exec_cert);
    free_secret(c->exec_key);
    c->token = cred.token;
    c->exec_cert = cred.cert_pem;
    c->exec_key = cred.key_pem;
    c->token_expires = cred.expires;
    return 0;
}

static int refresh_token_file(struct kube_client *c, struct os_error *err)
{
    char *token = NULL;
    int rc = kube_config_read_token_file(c->cfg->token_file, &token, err);
    if (rc < 0)
        return rc;
    free_secret(c->token);
    c->token = token;
    c->token_read_ms = now_ms();
    return 0;
}

/* Make sure the credentials are fresh before an attempt. */
static int credentials(struct kube_client *c, struct os_error *err)
{
    if (c->cfg->exec) {
        if (!c->token && !c->exec_cert)
            return refresh_exec(c, err);
        if (c->token_expires && time(NULL) + EXEC_REFRESH_SLACK_S >= c->token_expires)
            return refresh_exec(c, err);
        return 0;
    }
    if (c->cfg->token_file && (!c->token || now_ms() - c->token_read_ms > TOKEN_FILE_REFRESH_MS)) {
        /* A rotated file that is briefly unreadable keeps the old token. */
        if (refresh_token_file(c, err) < 0 && !c->token)
            return err->code;
    }
    return 0;
}

/* ---- setup ---------------------------------------------------------- */

/* Split the server URL so tls-server-name can be honoured: the URL carries
 * the name (for SNI and certificate checks) and CONNECT_TO the real host. */
static int build_base(struct kube_client *c, struct os_error *err)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *url = NULL;
    int rc = 0;

    if (!u)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (curl_url_set(u, CURLUPART_URL, c->cfg->server, 0) != CURLUE_OK) {
        rc = os_error_set(err, OS_ERR_INVALID, "server \"%s\" in %s is not a URL",
                          c->cfg->server, c->cfg->source);
        goto out;
    }
    if (c->cfg->tls_server_name && *c->cfg->tls_server_name) {
        curl_url_get(u, CURLUPART_HOST, &host, 0);
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
        char map[512];
        snprintf(map, sizeof(map), "%s:%s:%s:%s", c->cfg->tls_server_name,
                 port ? port : "443", host ? host : "", port ? port : "443");
        c->connect_to = curl_slist_append(NULL, map);
        curl_url_set(u, CURLUPART_HOST, c->cfg->tls_server_name, 0);
    }
    curl_url_set(u, CURLUPART_PATH, "", 0);
    if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK || !url) {
        rc = os_error_set(err, OS_ERR_INVALID, "server \"%s\" in %s is not a URL",
                          c->cfg->server, c->cfg->source);
        goto out;
    }
    /* Drop the trailing slash: paths start with one. */
    if (url[0] && url[strlen(url) - 1] == '/')
        url[strlen(url) - 1] = '\0';
    c->url_base = strdup(url);
    if (!c->url_base)
        rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
out:
    curl_free(host);
    curl_free(port);
    curl_free(url);
    curl_url_cleanup(u);
    return rc;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
    struct kube_call *call = ud;
    size_t n = size * nmemb;
    long status = 0;

    curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
    if (call->stream && status >= 200 && status < 300 && call->on_data) {
        call->streamed = 1;
        if (call->on_data(call->userdata, data, n) != 0) {
            call->aborted = 1;
            return 0;
        }
        return n;
    }
    if (call->len + n > call->client->opts.max_body) {
        call->over_limit = 1;
        return 0;
    }
    if (call->len + n + 1 > call->cap) {
        size_t cap = call->cap ? call->cap : 16384;
        while (cap < call->len + n + 1)
            cap *= 2;
        char *p = realloc(call->buf, cap);
        if (!p)
            return 0;
        call->buf = p;
        call->cap = cap;
    }
    memcpy(call->buf + call->len, data, n);
    call->len += n;
    call->buf[call->len] = '\0';
    return n;
}

static struct curl_slist *add_header(struct curl_slist *list, const char *name, const char *value)
{
    char *line = NULL;
    struct curl_slist *next = NULL;

    if (asprintf(&line, "%s: %s", name, value) >= 0) {
        next = curl_slist_append(list, line);
        sodium_memzero(line, strlen(line));  /* may hold the token */
        free(line);
    }
    if (!next) {
        curl_slist_free_all(list);
        return NULL;
    }
    return next;
}

static int set_headers(struct kube_call *call, struct os_error *err)
{
    struct kube_client *c = call->client;
    struct curl_slist *h = NULL;

    curl_slist_free_all(call->headers);
    call->headers = NULL;
    h = add_header(h, "Accept", call->accept ? call->accept : "application/json");
    if (h && call->content_type)
        h = add_header(h, "Content-Type", call->content_type);
    if (h && c->token) {
        char *bearer = NULL;
        if (asprintf(&bearer, "Bearer %s", c->token) < 0) {
            curl_slist_free_all(h);
            return os_error_set(err, OS_ERR_NOMEM, "out of memory");
        }
        h = add_header(h, "Authorization", bearer);
        sodium_memzero(bearer, strlen(bearer));
        free(bearer);
    }
    /* No "Expect: 100-continue" round trip on writes. */
    if (h)
        h = add_header(h, "Expect", "");
    if (!h)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    call->headers = h;
    return 0;
}

static void set_tls(struct kube_call *call)
{
    struct kube_client *c = call->client;
    const struct kube_config *cfg = c->cfg;
    CURL *e = call->easy;

    if (cfg->insecure_skip_tls_verify) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (cfg->ca_pem) {
        struct curl_blob ca = {cfg->ca_pem, cfg->ca_pem_len, CURL_BLOB_COPY};
        curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &ca);
    }
    const char *cert = c->exec_cert ? c->exec_cert : (const char *)cfg->cert_pem;
    const char *key = c->exec_key ? c->exec_key : (const char *)cfg->key_pem;
    size_t cert_len = c->exec_cert ? strlen(c->exec_cert) : cfg->cert_pem_len;
    size_t key_len = c->exec_key ? strlen(c->exec_key) : cfg->key_pem_len;
    if (cert && key) {
        struct curl_blob cb = {(void *)cert, cert_len, CURL_BLOB_COPY};
        struct curl_blob kb = {(void *)key, key_len, CURL_BLOB_COPY};
        curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &cb);
        curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &kb);
        curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
    }
}

static int setup_attempt(struct kube_call *call, struct os_error *err)
{
    struct kube_client *c = call->client;
    CURL *e = call->easy;
    char *url;
    int rc;

    if ((rc = credentials(c, err)) < 0 || (rc = set_headers(call, err)) < 0)
        return rc;
    if (asprintf(&url, "%s%s", c->url_base, call->path) < 0)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    free(url);  /* curl copies the URL */
    curl_easy_setopt(e, CURLOPT_PRIVATE, call);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, call->method);
    if (!strcmp(call->method, "GET"))
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    if (call->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, call->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, call->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, call);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, call->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->opts.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https,http");
    if (!call->stream || call->timeout_ms)
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                         call->timeout_ms ? call->timeout_ms : c->opts.timeout_ms);
    if (c->connect_to)
        curl_easy_setopt(e, CURLOPT_CONNECT_TO, c->connect_to);
    if (c->cfg->proxy_url)
        curl_easy_setopt(e, CURLOPT_PROXY, c->cfg->proxy_url);
    set_tls(call);

    call->errbuf[0] = '\0';
    call->len = 0;
    call->streamed = call->over_limit = call->aborted = 0;
    call->attempts++;
    call->attempt_ms = now_ms();
    c->stats.requests++;
    return 0;
}

/* ---- the call list -------------------------------------------------- */

static void link_call(struct kube_client *c, struct kube_call *call)
{
    call->prev = NULL;
    call->next = c->calls;
    if (c->calls)
        c->calls->prev = call;
    c->calls = call;
    c->ncalls++;
}

static void unlink_call(struct kube_client *c, struct kube_call *call)
{
    if (call->prev)
        call->prev->next = call->next;
    else
        c->calls = call->next;
    if (call->next)
        call->next->prev = call->prev;
    call->prev = call->next = NULL;
    c->ncalls--;
}

static void free_call(struct kube_call *call)
{
    if (!call)
        return;
    curl_easy_cleanup(call->easy);
    curl_slist_free_all(call->headers);
    free(call->method);
    free(call->path);
    free(call->content_type);
    free(call->accept);
    free(call->body);
    free(call->buf);
    free(call);
}

static char *dup_or_null(const char *s, int *failed)
{
    char *d;
    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        *failed = 1;
    return d;
}

static struct kube_call *new_call(struct kube_client *c, const struct kube_call_spec *spec)
{
    struct kube_call *call = calloc(1, sizeof(*call));
    int failed = 0;

    if (!call)
        return NULL;
    call->client = c;
    call->id = ++c->next_call_id;
    call->easy = curl_easy_init();
    call->method = dup_or_null(spec->method, &failed);
    call->path = dup_or_null(spec->path, &failed);
    call->content_type = dup_or_null(spec->content_type, &failed);
    call->accept = dup_or_null(spec->accept, &failed);
    if (spec->body) {
        call->body = malloc(spec->body_len + 1);
        if (call->body) {
            memcpy(call->body, spec->body, spec->body_len);
            call->body[spec->body_len] = '\0';
        } else {
            failed = 1;
        }
        call->body_len = spec->body_len;
    }
    if (failed || !call->easy) {
        free_call(call);
        return NULL;
    }
    call->stream = spec->stream;
    call->no_retry = spec->no_retry;
    call->timeout_ms = spec->timeout_ms;
    call->on_data = spec->on_data;
    call->on_done = spec->on_done;
    call->on_cancel = spec->on_cancel;
    call->userdata = spec->userdata;
    call->start_ms = now_ms();
    return call;
}

static int launch(struct kube_call *call, struct os_error *err)
{
    int rc = setup_attempt(call, err);
    if (rc < 0)
        return rc;
    if (curl_multi_add_handle(call->client->multi, call->easy) != CURLM_OK)
        return os_error_set(err, OS_ERR_NOMEM, "cannot start request %s %s", call->method,
                            call->path);
    call->state = CALL_RUNNING;
    return 0;
}

struct kube_call *kube_call_start(struct kube_client *c, const struct kube_call_spec *spec,
                                  struct os_error *err)
{
    struct kube_call *call;

    if (!spec->method || !spec->path || spec->path[0] != '/') {
        os_error_set(err, OS_ERR_INVALID, "request needs a method and a path starting with /");
        return NULL;
    }
    call = new_call(c, spec);
    if (!call) {
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (spec->delay_ms > 0) {
        call->state = CALL_WAITING;
        call->due_ms = now_ms() + spec->delay_ms;
    } else if (launch(call, err) < 0) {
        free_call(call);
        return NULL;
    }
    link_call(c, call);
    return call;
}

void kube_call_cancel(struct kube_client *c, struct kube_call *call)
{
    if (!call)
        return;
    if (call->state == CALL_RUNNING)
        curl_multi_remove_handle(c->multi, call->easy);
    unlink_call(c, call);
    if (call->on_cancel)
        call->on_cancel(call->userdata);
    free_call(call);
}

/* ---- finishing and retrying ----------------------------------------- */

static int idempotent(const struct kube_call *call)
{
    if (!strcmp(call->method, "GET") || !strcmp(call->method, "HEAD") ||
        !strcmp(call->method, "PUT") || !strcmp(call->method, "DELETE"))
        return 1;
    return !strcmp(call->method, "PATCH") && call->content_type &&
           !strcmp(call->content_type, "application/apply-patch+yaml");
}

/* Whether this outcome may be tried again (budget aside). */
static int retryable(const struct kube_call *call, CURLcode cc, long status)
{
    if (call->no_retry || call->streamed || call->aborted || call->over_limit)
        return 0;
    if (cc == CURLE_OK) {
        if (status == 429 || status == 503)
            return 1;
        return (status == 500 || status == 502 || status == 504) && idempotent(call);
    }
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
        return 1;   /* nothing reached the server */
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return idempotent(call);
    default:
        return 0;
    }
}

static long backoff_ms(struct kube_client *c, const struct kube_call *call, int retry_after)
{
    long delay;

    if (retry_after >= 0)
        return (long)retry_after * 1000 > c->opts.retry_cap_ms ? c->opts.retry_cap_ms
                                                                : (long)retry_after * 1000;
    delay = c->opts.retry_base_ms;
    for (int i = 1; i < call->attempts && delay < c->opts.retry_cap_ms; i++)
        delay *= 2;
    if (delay > c->opts.retry_cap_ms)
        delay = c->opts.retry_cap_ms;
    /* Full jitter over the upper half keeps clients from retrying in step. */
    return delay / 2 + (long)randombytes_uniform((uint32_t)(delay / 2 + 1));
}

static const char *header(CURL *e, const char *name)
{
    struct curl_header *h;
    if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
        return h->value;
    return NULL;
}

static void forward_warnings(struct kube_call *call)
{
    struct curl_header *h;
    size_t i = 0;

    while (curl_easy_header(call->easy, "Warning", i, CURLH_HEADER, -1, &h) == CURLHE_OK) {
        warn(call->client, "%s", h->value);
        if (++i >= h->amount)
            break;
    }
}

static void net_error(struct kube_call *call, CURLcode cc, struct os_error *err)
{
    const struct kube_config *cfg = call->client->cfg;
    const char *detail = call->errbuf[0] ? call->errbuf : curl_easy_strerror(cc);

    if (call->over_limit)
        os_error_set(err, OS_ERR_LIMIT, "response to %s %s is larger than %zu bytes",
                     call->method, call->path, call->client->opts.max_body);
    else if (call->aborted)
        os_error_set(err, OS_ERR_INVALID, "%s %s stopped by its reader", call->method, call->path);
    else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
        os_error_set(err, OS_ERR_NET, "TLS: cannot verify %s against the CA of %s: %s",
                     cfg->server, cfg->source, detail);
    else if (cc == CURLE_OPERATION_TIMEDOUT)
        os_error_set(err, OS_ERR_NET, "%s %s timed out: %s", call->method, call->path, detail);
    else
        os_error_set(err, OS_ERR_NET, "cannot reach %s: %s", cfg->server, detail);
}

static void trace(struct kube_client *c, const struct kube_call *call, long status, long ms)
{
    struct timespec ts;
    struct tm tm;
    char when[16];

    if (!c->opts.trace)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    fprintf(c->opts.trace, "%s.%03ld %s %s %ld %ldms attempt=%d call=%lu\n", when,
            ts.tv_nsec / 1000000, call->method, call->path, status, ms, call->attempts, call->id);
    fflush(c->opts.trace);
}

static void finish(struct kube_client *c, struct kube_call *call, struct kube_response *resp)
{
    resp->attempts = call->attempts;
    resp->elapsed_ms = now_ms() - call->start_ms;
    if (resp->err.code)
        c->stats.failures++;
    unlink_call(c, call);
    if (call->on_done)
        call->on_done(call->userdata, resp);
    free(resp->body);
    free_call(call);
}

/* Schedule another attempt; 0 when scheduled, -1 when out of budget. */
static int schedule_retry(struct kube_client *c, struct kube_call *call, int retry_after)
{
    long delay;

    if (call->attempts >= c->opts.max_attempts)
        return -1;
    delay = backoff_ms(c, call, retry_after);
    if (call->waited_ms + delay > c->opts.retry_budget_ms)
        return -1;
    call->waited_ms += delay;
    call->due_ms = now_ms() + delay;
    call->state = CALL_WAITING;
    c->stats.retries++;
    return 0;
}

static void on_complete(struct kube_client *c, struct kube_call *call, CURLcode cc)
{
    struct kube_response resp = {0};
    long status = 0, ms = now_ms() - call->attempt_ms;
    const char *ctype = NULL;

    os_error_clear(&resp.err);
    long version = 0, connects = 0;

    curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(call->easy, CURLINFO_CONTENT_TYPE, &ctype);
    curl_easy_getinfo(call->easy, CURLINFO_HTTP_VERSION, &version);
    curl_easy_getinfo(call->easy, CURLINFO_NUM_CONNECTS, &connects);
    curl_multi_remove_handle(c->multi, call->easy);
    c->stats.connections += (unsigned long)connects;
    resp.http_version = version == CURL_HTTP_VERSION_1_0 ? 10 : version == CURL_HTTP_VERSION_1_1 ? 11
                        : version == CURL_HTTP_VERSION_2_0 ? 20 : version == CURL_HTTP_VERSION_3 ? 30 : 0;
    c->stats.last_ms = ms;
    c->stats.ewma_ms = c->stats.ewma_ms ? (c->stats.ewma_ms * 7 + ms) / 8 : ms;
    trace(c, call, cc == CURLE_OK ? status : 0, ms);
    if (cc == CURLE_OK)
        forward_warnings(call);

    resp.status = cc == CURLE_OK ? status : 0;
    if (ctype)
        snprintf(resp.content_type, sizeof(resp.content_type), "%s", ctype);
    if (cc != CURLE_OK && !(call->aborted && call->streamed))
        net_error(call, cc, &resp.err);
    else if (status >= 400)
        kube_status_error(status, call->buf, call->len, header(call->easy, "Retry-After"),
                          &resp.err);

    /* A 401 with an exec plugin: the credential may have expired early. */
    if (cc == CURLE_OK && status == 401 && c->cfg->exec && !call->reauthed) {
        struct os_error e2;
        call->reauthed = 1;
        if (refresh_exec(c, &e2) == 0 && launch(call, &e2) == 0)
            return;
    }
    if (resp.err.code && retryable(call, cc, status) &&
        schedule_retry(c, call, resp.err.retry_after) == 0)
        return;
    if (resp.err.code && call->attempts > 1)
        os_error_prefix(&resp.err, "after %d attempts", call->attempts);
    resp.body = call->buf;
    resp.len = call->len;
    call->buf = NULL;
    call->len = call->cap = 0;
    if (!resp.body && (resp.body = strdup("")) == NULL)
        resp.len = 0;
    finish(c, call, &resp);
}

/* Start every waiting call whose time has come; returns ms to the next. */
static long start_due(struct kube_client *c)
{
    long now = now_ms(), next = -1;
    struct kube_call *call = c->calls, *following;

    for (; call; call = following) {
        following = call->next;
        if (call->state != CALL_WAITING)
            continue;
        if (call->due_ms <= now) {
            struct kube_response resp = {0};
            if (launch(call, &resp.err) < 0) {
                resp.body = strdup("");
                finish(c, call, &resp);
            }
        } else if (next < 0 || call->due_ms - now < next) {
            next = call->due_ms - now;
        }
    }
    return next;
}

/* Hand every finished transfer to on_complete; returns how many. */
static int drain(struct kube_client *c)
{
    CURLMsg *msg;
    int left, n = 0;

    while ((msg = curl_multi_info_read(c->multi, &left))) {
        struct kube_call *call = NULL;
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&call);
        if (call) {
            on_complete(c, call, msg->data.result);
            n++;
        }
    }
    return n;
}

int kube_client_wait(struct kube_client *c, int timeout_ms, struct curl_waitfd *fds, unsigned nfds)
{
    int running, numfds;
    long next;

    curl_multi_perform(c->multi, &running);
    /* Something finished already: let the caller look before sleeping,
     * or a blocking call would wait out the whole timeout for nothing. */
    if (drain(c) > 0)
        timeout_ms = 0;
    next = start_due(c);
    if (next >= 0 && next < timeout_ms)
        timeout_ms = (int)next;
    curl_multi_poll(c->multi, fds, nfds, timeout_ms, &numfds);
    curl_multi_perform(c->multi, &running);
    drain(c);
    start_due(c);
    return c->ncalls;
}

int kube_client_in_flight(const struct kube_client *c)
{
    return c->ncalls;
}

/* ---- blocking calls ------------------------------------------------- */

struct sync_result {
    int done;
    struct kube_response *resp;
};

static void sync_done(void *ud, struct kube_response *resp)
{
    struct sync_result *r = ud;
    *r->resp = *resp;
    resp->body = NULL;  /* ownership moves to the caller's response */
    r->done = 1;
}

int kube_client_call(struct kube_client *c, const struct kube_call_spec *spec,
                     struct kube_response *resp, struct os_error *err)
{
    struct kube_call_spec s = *spec;
    struct sync_result r = {0, resp};

    memset(resp, 0, sizeof(*resp));
    os_error_clear(&resp->err);
    s.on_done = sync_done;
    s.on_cancel = NULL;
    s.userdata = &r;
    if (!kube_call_start(c, &s, err)) {
        resp->err = *err;
        return err->code;
    }
    while (!r.done)
        kube_client_wait(c, 1000, NULL, 0);
    if (resp->err.code && err)
        *err = resp->err;
    return resp->err.code;
}

void kube_response_clear(struct kube_response *resp)
{
    if (!resp)
        return;
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

/* ---- the client ----------------------------------------------------- */

static void apply_defaults(struct kube_client_opts *o)
{
    if (!o->connect_timeout_ms) o->connect_timeout_ms = DEFAULT_CONNECT_MS;
    if (!o->timeout_ms) o->timeout_ms = DEFAULT_TIMEOUT_MS;
    if (!o->max_attempts) o->max_attempts = DEFAULT_ATTEMPTS;
    if (!o->retry_base_ms) o->retry_base_ms = DEFAULT_BASE_MS;
    if (!o->retry_cap_ms) o->retry_cap_ms = DEFAULT_CAP_MS;
    if (!o->retry_budget_ms) o->retry_budget_ms = DEFAULT_BUDGET_MS;
    if (!o->max_host_connections) o->max_host_connections = DEFAULT_HOST_CONNS;
    if (!o->max_body) o->max_body = DEFAULT_MAX_BODY;
}

int kube_client_new(const struct kube_config *cfg, const struct kube_client_opts *opts,
                    struct kube_client **out, struct os_error *err)
{
    struct kube_client *c;
    int rc;

    *out = NULL;
    if (!cfg || !cfg->server)
        return os_error_set(err, OS_ERR_INVALID, "no API server configured");
    if (sodium_init() < 0)
        return os_error_set(err, OS_ERR_IO, "libsodium failed to initialise");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return os_error_set(err, OS_ERR_IO, "libcurl failed to initialise");
    c = calloc(1, sizeof(*c));
    if (!c) {
        curl_global_cleanup();
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    c->cfg = cfg;
    if (opts)
        c->opts = *opts;
    apply_defaults(&c->opts);
    snprintf(c->user_agent, sizeof(c->user_agent), "odoo-saas/%s", PACKAGE_VERSION);
    c->multi = curl_multi_init();
    if (!c->multi) {
        kube_client_free(c);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, c->opts.max_host_connections);
    if ((rc = build_base(c, err)) < 0) {
        kube_client_free(c);
        return rc;
    }
    if (cfg->token && !(c->token = strdup(cfg->token))) {
        kube_client_free(c);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    c->token_read_ms = now_ms();
    if (cfg->exec && (rc = refresh_exec(c, err)) < 0) {
        kube_client_free(c);
        return rc;
    }
    if (cfg->insecure_skip_tls_verify)
        warn(c, "TLS certificate verification is disabled by insecure-skip-tls-verify in %s",
             cfg->source);
    *out = c;
    return 0;
}

void kube_client_free(struct kube_client *c)
{
    if (!c)
        return;
    while (c->calls)
        kube_call_cancel(c, c->calls);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    curl_slist_free_all(c->connect_to);
    free(c->url_base);
    free_secret(c->token);
    free(c->exec_cert);
    free_secret(c->exec_key);
    free(c);
    curl_global_cleanup();
}

const struct kube_config *kube_client_config(const struct kube_client *c)
{
    return c->cfg;
}

const struct kube_client_stats *kube_client_stats(const struct kube_client *c)
{
    return &c->stats;
}
