/*
 * server.c - the HTTPS front door: libmicrohttpd setup, request bodies,
 * bearer-token auth, content negotiation and dispatch to the verbs.
 *
 * MHD runs one thread per connection (MHD_USE_THREAD_PER_CONNECTION with an
 * internal polling thread for accepts), TLS from the in-memory PEMs of
 * tls.c.  A request is handled in three calls of the access handler: the
 * first allocates a small per-request context, the middle ones append body
 * bytes (anything past SIM_MAX_BODY is dropped and the request answered
 * 413), the last one checks auth and headers, routes, and queues one
 * response.  Handlers fill a struct sim_response; this file alone turns it
 * into an MHD response, so phase-2 concerns such as latency or fault
 * injection have one place to hook in (sim_dispatch()).
 *
 * Health probes and /version answer without a token, as kube-apiserver's
 * system:public-info-viewer role allows; everything else needs
 * "Authorization: Bearer <token>" or gets the 401 Status of the contract.
 * The token is the admin's (all rights) or a ServiceAccount's (auth.c),
 * whose resource requests RBAC authorizes after routing (403 when denied).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "sim.h"
#include "logs.h"
#include "rbac.h"

struct conn_ctx {
    char *body;
    size_t len, cap;
    int too_large;
};

const char *sim_query(const struct sim_request *rq, const char *key)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)rq->conn,
                                       MHD_GET_ARGUMENT_KIND, key);
}

int sim_query_true(const struct sim_request *rq, const char *key)
{
    const char *v = sim_query(rq, key);
    return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "True"));
}

void sim_respond_json(struct sim_response *rs, int code, json_object *body)
{
    json_object_put(rs->body);
    rs->code = code;
    rs->body = body;
}

void sim_respond_status(struct sim_response *rs, json_object *status)
{
    json_object *c;
    int code = json_object_object_get_ex(status, "code", &c) ? json_object_get_int(c) : 500;
    sim_respond_json(rs, code, status);
}

void sim_add_warning(struct sim_response *rs, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    if (rs->nwarnings >= (int)(sizeof(rs->warnings) / sizeof(rs->warnings[0])))
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    rs->warnings[rs->nwarnings++] = strdup(buf);
}

static void response_clear(struct sim_response *rs)
{
    json_object_put(rs->body);
    free(rs->text);
    for (int i = 0; i < rs->nwarnings; i++)
        free(rs->warnings[i]);
    if (rs->watch)
        sim_watch_free(rs->watch);
    if (rs->stream && rs->stream_free)
        rs->stream_free(rs->stream);
}

/* 1 when the Accept header allows a JSON answer.  We only produce JSON; a
 * client that lists protobuf or YAML alongside JSON gets JSON, and kubectl
 * accepts JSON for protobuf requests (contract 1.1b). */
static int accept_ok(const char *accept)
{
    static const char *ok[] = {"application/json", "*/*", "application/*",
                               "application/vnd.kubernetes.protobuf", "application/yaml"};
    if (!accept || !*accept)
        return 1;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strstr(accept, ok[i]))
            return 1;
    return 0;
}

/* auth.c: 1 admin, 0 a ServiceAccount (u filled), -1 nobody. */
static int authenticate(const struct sim_request *rq, struct sim_user *u)
{
    const char *h = MHD_lookup_connection_value((struct MHD_Connection *)rq->conn,
                                                MHD_HEADER_KIND, "Authorization");
    return sim_authenticate(rq->sim, h, u);
}

static int public_path(const char *url)
{
    return !strcmp(url, "/healthz") || !strcmp(url, "/livez") || !strcmp(url, "/readyz") ||
           !strcmp(url, "/version") || !strncmp(url, "/healthz/", 9) ||
           !strncmp(url, "/livez/", 7) || !strncmp(url, "/readyz/", 8);
}

static void dispatch_resource(struct sim_request *rq, struct sim_response *rs)
{
    const struct sim_route *r = &rq->route;
    const char *m = rq->method;
    int is_get = !strcmp(m, "GET") || !strcmp(m, "HEAD");

    if (r->res->read_only) {
        if (!is_get)
            sim_respond_status(rs, sim_status_method_not_allowed(r->res, m));
        else if (r->has_name)
            sim_metrics_get(rq, rs);
        else if (sim_query_true(rq, "watch"))
            sim_respond_status(rs, sim_status_method_not_allowed(r->res, "watch"));
        else
            sim_metrics_list(rq, rs);
        return;
    }
    if (r->res->namespaced && !r->has_ns && !is_get)   /* e.g. POST /api/v1/pods */
        sim_respond_status(rs, sim_status_method_not_allowed(r->res, m));
    else if (!strcmp(r->sub, "scale") && (is_get || !strcmp(m, "PUT") || !strcmp(m, "PATCH")))
        sim_scale(rq, rs);
    else if (!strcmp(r->sub, "log") && r->has_name && !strcmp(r->res->kind, "Pod") && is_get)
        sim_pod_logs(rq, rs);       /* logs.c */
    else if (is_get && r->has_name)
        sim_verb_get(rq, rs);
    else if (is_get && sim_query_true(rq, "watch"))
        sim_watch_start(rq, rs);
    else if (is_get)
        sim_verb_list(rq, rs);
    else if (!strcmp(m, "POST") && !r->has_name)
        sim_verb_create(rq, rs);
    else if (!strcmp(m, "PUT") && r->has_name)
        sim_verb_replace(rq, rs);
    else if (!strcmp(m, "PATCH") && r->has_name)
        sim_verb_patch(rq, rs);
    else if (!strcmp(m, "DELETE") && r->has_name)
        sim_verb_delete(rq, rs);
    else if (!strcmp(m, "DELETE"))
        sim_verb_delete_collection(rq, rs);
    else
        sim_respond_status(rs, sim_status_method_not_allowed(r->res, m));
}

/* --latency-ms and --fail-rate: wait, then maybe answer 429/503 with the
 * plain-text body real servers send.  Health probes and watches are never
 * failed (faults.c decides).  Returns 1 when rs holds a fault. */
static int inject_fault(struct sim_request *rq, struct sim_response *rs)
{
    struct sim_faults *f = &rq->sim->faults;
    if (!rq->sim->faults_ready || (f->latency_ms <= 0 && f->rate <= 0))
        return 0;
    struct sim_fault ft = sim_faults_before(f, rq->url, sim_query_true(rq, "watch"));
    if (!ft.code)
        return 0;
    rs->code = ft.code;
    rs->text = strdup(ft.body);
    rs->content_type = "text/plain; charset=utf-8";
    rs->retry_after = ft.retry_after;
    return 1;
}

/* Everything between "the request is complete" and "queue the answer". */
static void sim_dispatch(struct sim_request *rq, struct sim_response *rs, int too_large)
{
    struct sim_user user;
    int who = public_path(rq->url) ? 1 : authenticate(rq, &user);
    if (who < 0) {
        sim_respond_status(rs, sim_status_unauthorized());
        return;
    }
    if (inject_fault(rq, rs))
        return;
    if (strcmp(rq->url, "/openapi/v2") && !accept_ok(rq->accept)) {
        sim_respond_status(rs, sim_status(406, "NotAcceptable",
            "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"));
        return;
    }
    if (too_large) {
        sim_respond_status(rs, sim_status(413, "RequestEntityTooLarge",
                                          "Request entity too large: limit is 3145728"));
        return;
    }
    if (sim_discovery_handle(rq, rs))
        return;
    if (sim_route_parse(rq->url, &rq->route) < 0) {
        sim_respond_status(rs, sim_status_path_not_found());
        return;
    }
    /* Only ServiceAccounts are subject to RBAC; the admin token is the
     * tests' cluster-admin. */
    if (who == 0 && sim_authorize(rq, &user, rs) < 0)
        return;
    rq->user = who == 0 ? &user : NULL;
    dispatch_resource(rq, rs);
    rq->user = NULL;   /* user ends with this call */
}

static struct MHD_Response *build_response(struct sim_response *rs)
{
    struct MHD_Response *r;

    if (rs->watch) {
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, sim_watch_read,
                                              rs->watch, sim_watch_free);
        if (r) {
            rs->watch = NULL;    /* MHD owns it now */
            MHD_add_response_header(r, "Content-Type", "application/json");
        }
        return r;
    }
    if (rs->stream) {
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4 * 1024, rs->stream_read,
                                              rs->stream, rs->stream_free);
        if (r) {
            rs->stream = NULL;   /* MHD owns it now */
            MHD_add_response_header(r, "Content-Type", rs->content_type ? rs->content_type : "text/plain");
        }
        return r;
    }
    if (rs->text) {
        r = MHD_create_response_from_buffer(rs->text_len ? rs->text_len : strlen(rs->text), rs->text,
                                            MHD_RESPMEM_MUST_FREE);
        if (r)
            rs->text = NULL;
    } else {
        const char *s = json_object_to_json_string_ext(rs->body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        r = MHD_create_response_from_buffer(strlen(s), (void *)s, MHD_RESPMEM_MUST_COPY);
    }
    if (r)
        MHD_add_response_header(r, "Content-Type",
                                rs->content_type ? rs->content_type : "application/json");
    for (int i = 0; r && i < rs->nwarnings; i++)
        MHD_add_response_header(r, "Warning", rs->warnings[i]);
    if (r && rs->retry_after)
        MHD_add_response_header(r, "Retry-After", rs->retry_after);
    return r;
}

/* Keep body bytes up to SIM_MAX_BODY; past it only remember that it was
 * too large (the request is then answered 413).  -1 when out of memory. */
static int append_body(struct conn_ctx *ctx, const char *data, size_t n)
{
    if (ctx->too_large || ctx->len + n > SIM_MAX_BODY) {
        ctx->too_large = 1;
        return 0;
    }
    if (ctx->len + n + 1 > ctx->cap) {
        size_t nc = (ctx->len + n + 1) * 2;
        char *nb = realloc(ctx->body, nc);
        if (!nb)
            return -1;
        ctx->body = nb;
        ctx->cap = nc;
    }
    memcpy(ctx->body + ctx->len, data, n);
    ctx->len += n;
    ctx->body[ctx->len] = '\0';
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    struct sim *s = cls;
    struct conn_ctx *ctx = *con_cls;

    if (!ctx) {
        if (!(ctx = calloc(1, sizeof(*ctx))))
            return MHD_NO;
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_size) {
        int rc = append_body(ctx, upload, *upload_size);
        *upload_size = 0;
        return rc < 0 ? MHD_NO : MHD_YES;
    }

    struct sim_request rq = {
        .sim = s, .method = method, .url = url, .conn = conn,
        .body = ctx->body ? ctx->body : "", .body_len = ctx->len,
        .content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"),
        .accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept"),
        .user_agent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent"),
    };
    struct sim_response rs = {0};
    rq.want_table = rq.accept && strstr(rq.accept, "as=Table") != NULL;
    sim_dispatch(&rq, &rs, ctx->too_large);
    if (!rs.code)
        sim_respond_status(&rs, sim_status(500, "InternalError", "Internal error occurred: no response"));

    struct MHD_Response *r = build_response(&rs);
    enum MHD_Result ret = r ? MHD_queue_response(conn, (unsigned)rs.code, r) : MHD_NO;
    if (r)
        MHD_destroy_response(r);
    response_clear(&rs);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn_ctx *ctx = *con_cls;
    if (ctx) {
        free(ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

/* Bind and listen on the --listen address ourselves, so the port (also
 * when 0 was asked) is known before any request thread can read it. */
static int listen_socket(struct sim *s, struct os_error *err)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->opt.port)};
    socklen_t alen = sizeof(addr);
    int one = 1;

    if (inet_pton(AF_INET, s->opt.listen_host, &addr.sin_addr) != 1)
        return os_error_set(err, OS_ERR_INVALID, "--listen: %s is not an IPv4 address",
                            s->opt.listen_host);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return os_error_set(err, OS_ERR_NET, "socket: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 128) < 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &alen) < 0) {
        close(fd);
        return os_error_set(err, OS_ERR_NET, "cannot listen on %s:%u", s->opt.listen_host, s->opt.port);
    }
    s->port = ntohs(addr.sin_port);
    return fd;
}

int sim_server_start(struct sim *s, struct os_error *err)
{
    int fd = listen_socket(s, err);
    if (fd < 0)
        return fd;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS,
        0, NULL, NULL, on_request, s,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_HTTPS_MEM_KEY, s->tls.key_pem,
        MHD_OPTION_HTTPS_MEM_CERT, s->tls.cert_pem,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
        MHD_OPTION_END);
    if (!d) {
        close(fd);
        return os_error_set(err, OS_ERR_NET, "cannot start the HTTPS server on %s:%u",
                            s->opt.listen_host, s->port);
    }
    s->daemon = d;
    return 0;
}

void sim_server_stop(struct sim *s)
{
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
}
