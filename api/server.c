/*
 * server.c - libmicrohttpd glue: bodies, limits, CORS, dispatch, the log.
 *
 * MHD runs an internal thread pool on epoll.  Per connection it enforces
 * the connection limits, the per-IP limit, the idle timeout and a memory
 * limit; per request we keep a small context: the body (at most 16 KiB:
 * a larger Content-Length is answered 413 at once, a larger chunked body
 * is read and dropped, then answered 413), the start time, and the route.
 * A count of requests in progress lets a graceful stop wait for them.
 * When the request completes, one log line goes to stderr (time, client,
 * method, path, status, milliseconds: never a header, body or token) in
 * batches (access_log.h) and the metrics are counted.  Each connection
 * keeps a small context of its own for as long as it is open: the memo of
 * the last bearer token it presented (auth_memo.h).  With --allow-from,
 * a peer outside the list is closed as it is accepted, before a byte of
 * HTTP is read (allow_list.h), and counted in the metrics.  Everything
 * between the parsed request and the answer's text is in dispatch.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "access_log.h"
#include "allow_list.h"
#include "auth_memo.h"
#include "dispatch.h"
#include "metrics.h"
#include "routes.h"
#include "server.h"

struct api_server {
    struct api *api;
    struct MHD_Daemon *d;
    int port;
    atomic_int in_flight;    /* requests begun and not yet completed */
    struct api_access_log *log;
    struct api_allow_list allow;   /* used only with --allow-from */
};

/* What outlives one request on a keep-alive connection. */
struct conn {
    struct api_auth_memo memo;
};

struct ctx {
    double start;
    char *body;
    size_t len;
    int too_big;
    size_t route;            /* index, or the route count: none */
    int status;
    char ip[64];             /* the peer */
    char method[8];
    char path[128];          /* printable, for the log */
};

static void client_ip(struct MHD_Connection *c, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    snprintf(buf, len, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)len);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)len);
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* The Origin when the config allows it, else NULL. */
static const char *allowed_origin(struct api *api, struct MHD_Connection *c)
{
    const char *origin = header(c, "Origin");

    if (!origin || !api->cfg->cors_origins)
        return NULL;
    for (char **o = api->cfg->cors_origins; *o; o++)
        if (!strcmp(*o, origin) || !strcmp(*o, "*"))
            return origin;
    return NULL;
}

static void add_common_headers(struct api *api, struct MHD_Connection *c, struct MHD_Response *resp)
{
    const char *origin = allowed_origin(api, c);

    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (origin) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(resp, "Vary", "Origin");
    }
}

static enum MHD_Result send_text(struct api *api, struct MHD_Connection *c, struct ctx *x, int status,
                                 const char *ctype, const char *text, size_t len,
                                 const struct api_request *r)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;
    char num[16];

    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", ctype);
    add_common_headers(api, c, resp);
    if (r && r->retry_after > 0) {
        snprintf(num, sizeof(num), "%d", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", num);
    }
    if (r && r->location[0])
        MHD_add_response_header(resp, "Location", r->location);
    x->status = status;
    ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_error(struct api *api, struct MHD_Connection *c, struct ctx *x,
                                  int status, const char *code, const char *msg)
{
    struct api_request r = {.api = api};
    const char *s;
    enum MHD_Result ret;

    api_error(&r, status, code, "%s", msg);
    s = json_object_to_json_string_ext(r.reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    ret = send_text(api, c, x, status, "application/json", s, strlen(s), NULL);
    json_object_put(r.reply);
    return ret;
}

static enum MHD_Result preflight(struct api *api, struct MHD_Connection *c, struct ctx *x)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (!resp)
        return MHD_NO;
    add_common_headers(api, c, resp);
    if (allowed_origin(api, c)) {
        MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Authorization, Content-Type");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
    }
    x->status = 204;
    ret = MHD_queue_response(c, 204, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The connection's context (notify_connection), or NULL. */
static struct conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return ci ? ci->socket_context : NULL;
}

static enum MHD_Result dispatch(struct api *api, struct MHD_Connection *c, struct ctx *x,
                                const char *url, const char *method)
{
    struct conn *cn = conn_of(c);
    struct api_request r = {.api = api, .method = method, .path = url, .body = x->body ? x->body : "",
                            .body_len = x->len, .auth_memo = cn ? &cn->memo : NULL};
    const struct api_route *route = api_dispatch_route(&r);
    const char *text, *ctype;
    size_t nroutes, len;
    const struct api_route *all = api_routes(&nroutes);
    char ip[64];
    enum MHD_Result ret;

    x->route = route ? (size_t)(route - all) : nroutes;
    if (route) {
        memcpy(ip, x->ip, sizeof(ip));
        if (api->cfg->trust_forwarded_for)
            api_forwarded_ip(header(c, "X-Forwarded-For"), ip, sizeof(ip));
        r.ip = ip;
        r.content_type = header(c, "Content-Type");
        r.authorization = header(c, "Authorization");
        api_dispatch_run(&r, route);
    }
    text = api_dispatch_body(&r, &len, &ctype);
    ret = send_text(api, c, x, r.status, ctype, text, len, route ? &r : NULL);
    api_dispatch_clear(&r);
    return ret;
}

/* path with anything unprintable replaced, cut short, for the log. */
static void log_safe(const char *in, char *out, size_t len)
{
    size_t i = 0;

    for (; in && *in && i + 1 < len; in++, i++)
        out[i] = (*in > 0x20 && *in < 0x7f && *in != '"') ? *in : '?';
    out[i] = '\0';
}

/* First call for a request: the context, and a Content-Length check. */
static enum MHD_Result begin(struct api *api, struct MHD_Connection *c, const char *url,
                             const char *method, void **con_cls)
{
    struct ctx *x = calloc(1, sizeof(*x));
    const char *cl = header(c, "Content-Length");
    size_t nroutes;

    if (!x)
        return MHD_NO;
    api_routes(&nroutes);
    x->start = api_now_mono();
    x->route = nroutes;
    client_ip(c, x->ip, sizeof(x->ip));
    log_safe(method, x->method, sizeof(x->method));
    log_safe(url, x->path, sizeof(x->path));
    *con_cls = x;
    if (cl && strtoull(cl, NULL, 10) > API_BODY_MAX)
        return send_error(api, c, x, 413, "body_too_large", "the body is larger than 16 KiB");
    return MHD_YES;
}

static void take_body(struct ctx *x, const char *data, size_t n)
{
    char *nb;

    if (x->too_big || x->len + n > API_BODY_MAX) {
        x->too_big = 1;
        return;
    }
    nb = realloc(x->body, x->len + n + 1);
    if (!nb) {
        x->too_big = 1;
        return;
    }
    memcpy(nb + x->len, data, n);
    x->body = nb;
    x->len += n;
    x->body[x->len] = '\0';
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    struct api_server *srv = cls;
    struct api *api = srv->api;
    struct ctx *x = *con_cls;

    (void)version;
    if (!x) {
        enum MHD_Result ret = begin(api, c, url, method, con_cls);
        if (*con_cls)          /* on_completed will count it out */
            atomic_fetch_add(&srv->in_flight, 1);
        return ret;
    }
    if (x->status)              /* answered early (413): drop the rest */
        return MHD_YES;
    if (*upload_size) {
        take_body(x, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (x->too_big)
        return send_error(api, c, x, 413, "body_too_large", "the body is larger than 16 KiB");
    if (!strcmp(method, "OPTIONS"))
        return preflight(api, c, x);
    return dispatch(api, c, x, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct api_server *srv = cls;
    struct ctx *x = *con_cls;
    double now, secs;
    int idle;

    (void)c;
    if (!x)
        return;
    now = api_now_mono();
    secs = now - x->start;
    idle = atomic_fetch_sub(&srv->in_flight, 1) == 1;
    api_access_log_request(srv->log, x->ip, x->method, x->path, x->status, secs * 1000,
                           toe != MHD_REQUEST_TERMINATED_COMPLETED_OK, now, idle);
    api_metrics_observe(srv->api->metrics, x->route, x->status, secs);
    free(x->body);
    free(x);
    *con_cls = NULL;
}

/* A connection opens or closes: its memo lives as long as it does. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct conn *cn = *socket_context;

    (void)cls;
    (void)c;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(struct conn));   /* NULL: no memo, still served */
    } else if (cn) {
        api_auth_memo_clear(&cn->memo);
        free(cn);
        *socket_context = NULL;
    }
}

/* MHD's accept policy, installed with --allow-from only: it runs right
 * after accept(), so a refused peer never gets to send a request, nor an
 * X-Forwarded-For we would believe. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    struct api_server *srv = cls;

    (void)addrlen;
    if (api_allow_list_match(&srv->allow, addr))
        return MHD_YES;
    api_metrics_refused(srv->api->metrics);
    return MHD_NO;
}

int api_server_start(struct api *api, const char *addr, int port,
                     const struct api_allow_list *allow, struct api_server **out,
                     struct os_error *err)
{
    struct api_server *s = calloc(1, sizeof(*s));
    struct sockaddr_storage ss = {0};
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
    const union MHD_DaemonInfo *di;
    const struct api_config *c = api->cfg;

    *out = NULL;
    if (!s)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        flags |= MHD_USE_IPv6;
    } else {
        free(s);
        return os_error_set(err, OS_ERR_INVALID, "--listen: %s is not an IP address", addr);
    }
    s->api = api;
    if (allow)
        s->allow = *allow;
    atomic_init(&s->in_flight, 0);
    if (!(s->log = api_access_log_new(STDERR_FILENO))) {
        free(s);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    s->d = MHD_start_daemon(flags, (uint16_t)port, allow ? on_accept : NULL, s, on_access, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)c->per_ip_connections,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout_s,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, c->connection_memory,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_END);
    if (!s->d) {
        api_access_log_free(s->log);
        free(s);
        return os_error_set(err, OS_ERR_IO, "cannot listen on %s:%d", addr, port);
    }
    di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : port;
    *out = s;
    return 0;
}

int api_server_port(const struct api_server *s)
{
    return s->port;
}

void api_server_quiesce(struct api_server *s, int wait_ms)
{
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    struct timespec tick = {0, 10 * 1000000};

    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    for (int waited = 0; atomic_load(&s->in_flight) > 0 && waited < wait_ms; waited += 10)
        nanosleep(&tick, NULL);
}

void api_server_stop(struct api_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    api_access_log_free(s->log);      /* after the last request's line */
    free(s);
}

void api_server_flush_log(struct api_server *s)
{
    api_access_log_flush(s->log);
}
