/*
 * logs.c - GET /api/v1/namespaces/NS/pods/NAME/log: what the simulated
 * containers "printed".
 *
 * A container's log is a pure function of the pod, the container and its
 * start time (status.containerStatuses[].state.running/terminated
 * .startedAt): a few start-up lines that depend on the image (Odoo,
 * PostgreSQL, anything else), 50 ms apart, then for a running container one
 * line per second (Odoo: werkzeug health checks; PostgreSQL: checkpoints).
 * Lines older than the last SIM_LOG_KEEP periodic ones have been "rotated
 * away".  A Job container that terminated prints its start-up and a
 * closing line.  Query parameters: container (required when the pod has
 * several), tailLines, timestamps, follow, timeoutSeconds (with follow).
 *
 * follow=true answers with a stream (MHD content reader, like watches):
 * the lines so far, then each new line when its second comes, until the
 * client goes, timeoutSeconds pass, the pod is gone or the server stops.
 * The stream counts in sim->nwatches so shutdown waits for it to end.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "logs.h"

#define SIM_LOG_KEEP 500        /* periodic lines kept before rotation */
#define SIM_LOG_STEP_MS 1000    /* one periodic line per second */

enum log_kind { LOG_ODOO, LOG_POSTGRES, LOG_DBINIT, LOG_GENERIC };

/* What a log is made from (copied out of the store). */
struct log_src {
    char ns[254], pod[254], container[254], image[256];
    char db[128];               /* the Odoo database (env DB_NAME / ODOO_DB) */
    enum log_kind kind;
    int64_t started_ms;         /* container start */
    int64_t finished_ms;        /* terminated: when; else 0 */
    uint64_t seed;
};

static const char *const odoo_start[] = {
    "INFO ? odoo: Odoo version 17.0-20241120",
    "INFO ? odoo: Using configuration file at /etc/odoo/odoo.conf",
    "INFO ? odoo: addons paths: ['/usr/lib/python3/dist-packages/odoo/addons', '/var/lib/odoo/addons/17.0', '/mnt/extra-addons']",
    "INFO ? odoo: database: odoo@postgresql:5432",
    "INFO ? odoo.addons.base.models.ir_actions_report: Will use the Wkhtmltopdf binary at /usr/local/bin/wkhtmltopdf",
    "INFO ? odoo.service.server: HTTP service (werkzeug) running on %s:8069",
    "INFO %s odoo.modules.loading: loading 1 modules...",
    "INFO %s odoo.modules.loading: 1 modules loaded in 0.01s, 0 queries (+0 extra)",
    "INFO %s odoo.modules.loading: loading 52 modules...",
    "INFO %s odoo.modules.loading: 52 modules loaded in 0.37s, 0 queries (+0 extra)",
    "INFO %s odoo.modules.loading: Modules loaded.",
    "INFO %s odoo.modules.registry: Registry loaded in 0.512s",
};
static const char *const pg_start[] = {
    "LOG:  starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
    "LOG:  listening on IPv4 address \"0.0.0.0\", port 5432",
    "LOG:  listening on IPv6 address \"::\", port 5432",
    "LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"",
    "LOG:  database system was shut down at %s",
    "LOG:  database system is ready to accept connections",
};
static const char *const dbinit_start[] = {
    "INFO ? odoo: Odoo version 17.0-20241120",
    "INFO ? odoo: database: odoo@postgresql:5432",
    "INFO %s odoo.modules.loading: init db",
    "INFO %s odoo.modules.loading: loading 1 modules...",
    "INFO %s odoo.modules.loading: loading 17 modules...",
    "INFO %s odoo.modules.loading: 17 modules loaded in 2.91s, 4125 queries (+4125 extra)",
    "INFO %s odoo.modules.loading: Modules loaded.",
    "INFO %s odoo.service.server: Initiating shutdown",
    "db-init: database %s initialised",
};
static const char *const generic_start[] = {
    "starting %s",
    "ready",
};

static size_t nstart(enum log_kind k)
{
    switch (k) {
    case LOG_ODOO: return sizeof(odoo_start) / sizeof(odoo_start[0]);
    case LOG_POSTGRES: return sizeof(pg_start) / sizeof(pg_start[0]);
    case LOG_DBINIT: return sizeof(dbinit_start) / sizeof(dbinit_start[0]);
    default: return sizeof(generic_start) / sizeof(generic_start[0]);
    }
}

static const char *start_line(enum log_kind k, size_t i)
{
    switch (k) {
    case LOG_ODOO: return odoo_start[i];
    case LOG_POSTGRES: return pg_start[i];
    case LOG_DBINIT: return dbinit_start[i];
    default: return generic_start[i];
    }
}

/* When line i is printed (ms since the epoch). */
static int64_t line_time(const struct log_src *l, uint64_t i)
{
    size_t ns = nstart(l->kind);
    if (i < ns)
        return l->started_ms + (int64_t)i * 50;
    return l->started_ms + (int64_t)ns * 50 + (int64_t)(i - ns + 1) * SIM_LOG_STEP_MS;
}

/* Lines printed by now (index of the next one). */
static uint64_t lines_by(const struct log_src *l, int64_t now)
{
    size_t ns = nstart(l->kind);
    if (now < l->started_ms)
        return 0;
    if (l->finished_ms || l->kind == LOG_DBINIT) {
        /* A terminated container printed its start-up, nothing more. */
        uint64_t n = 0;
        while (n < ns && line_time(l, n) <= now)
            n++;
        return n;
    }
    int64_t after = now - (l->started_ms + (int64_t)ns * 50);
    if (after < 0)
        return (uint64_t)((now - l->started_ms) / 50 + 1);
    return ns + (uint64_t)(after / SIM_LOG_STEP_MS);
}

static void fmt_time(int64_t ms, char *buf, size_t len, int odoo)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (odoo)
        snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d,%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
    else
        snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* Line i (without newline) into buf. */
static void format_line(const struct log_src *l, uint64_t i, int timestamps, char *buf, size_t len)
{
    int64_t at = line_time(l, i);
    char ts[48], body[700], prefix[64] = "";
    const char *db = l->db;
    size_t ns = nstart(l->kind);

    if (timestamps) {
        char r[32];
        sim_format_time(at, r, sizeof(r));
        /* RFC 3339 with nanoseconds, as the kubelet writes them. */
        snprintf(prefix, sizeof(prefix), "%.19s.%03d000000Z ", r, (int)(at % 1000));
    }
    if (i < ns) {
        const char *fmt = start_line(l->kind, i);
        char arg[300];
        if (l->kind == LOG_POSTGRES)
            fmt_time(at - 3600 * 1000, arg, sizeof(arg), 0);
        else if (l->kind == LOG_GENERIC)
            snprintf(arg, sizeof(arg), "%s", l->image);
        else if (strstr(fmt, "running on"))
            snprintf(arg, sizeof(arg), "%s", l->pod);
        else
            snprintf(arg, sizeof(arg), "%s", db);
        const char *hole = strstr(fmt, "%s");      /* at most one per line */
        if (hole)
            snprintf(body, sizeof(body), "%.*s%s%s", (int)(hole - fmt), fmt, arg, hole + 2);
        else
            snprintf(body, sizeof(body), "%s", fmt);
    } else if (l->kind == LOG_ODOO) {
        uint64_t h = (l->seed ^ i) * 0x9e3779b97f4a7c15ULL;
        char clf[40];
        time_t t = (time_t)(at / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(clf, sizeof(clf), "%d/%b/%Y %H:%M:%S", &tm);
        snprintf(body, sizeof(body),
                 "INFO %s werkzeug: 10.1.0.1 - - [%s] \"GET /web/health HTTP/1.1\" 200 - 1 0.00%" PRIu64 " 0.00%" PRIu64,
                 db, clf, h % 9 + 1, (h >> 8) % 9 + 1);
    } else if (l->kind == LOG_POSTGRES) {
        uint64_t h = (l->seed ^ i) * 0x9e3779b97f4a7c15ULL;
        if (i % 30 == 0)
            snprintf(body, sizeof(body), "LOG:  checkpoint complete: wrote %" PRIu64 " buffers (0.%" PRIu64 "%%); 0 WAL file(s) added, 0 removed, 0 recycled",
                     h % 200 + 3, h % 9);
        else
            snprintf(body, sizeof(body), "LOG:  connection received: host=10.1.0.%" PRIu64 " port=%" PRIu64, h % 250 + 2,
                     40000 + (h >> 16) % 20000);
    } else {
        snprintf(body, sizeof(body), "%s: alive (%" PRIu64 ")", l->container, i - ns + 1);
    }
    if (l->kind == LOG_ODOO || l->kind == LOG_DBINIT) {
        fmt_time(at, ts, sizeof(ts), 1);
        /* "INFO ? odoo: ..." -> "TIME 1 INFO ? odoo: ..." like Odoo's logger */
        snprintf(buf, len, "%s%s 1 %s", prefix, ts, body);
    } else if (l->kind == LOG_POSTGRES) {
        fmt_time(at, ts, sizeof(ts), 0);
        snprintf(buf, len, "%s%s [1] %s", prefix, ts, body);
    } else {
        snprintf(buf, len, "%s%s", prefix, body);
    }
}

/* ---- the request ---- */

static json_object *find_container(json_object *pod, const char *name, int *init)
{
    static const char *const lists[] = {"spec.containers", "spec.initContainers"};
    for (int k = 0; k < 2; k++) {
        json_object *cs = sim_json_path(pod, lists[k]);
        for (size_t i = 0; cs && i < json_object_array_length(cs); i++) {
            const char *n = sim_json_str(json_object_array_get_idx(cs, i), "name");
            if (n && !strcmp(n, name)) {
                *init = k;
                return json_object_array_get_idx(cs, i);
            }
        }
    }
    return NULL;
}

static json_object *container_status(json_object *pod, const char *name, int init)
{
    json_object *st = sim_json_path(pod, init ? "status.initContainerStatuses" : "status.containerStatuses");
    for (size_t i = 0; st && i < json_object_array_length(st); i++) {
        const char *n = sim_json_str(json_object_array_get_idx(st, i), "name");
        if (n && !strcmp(n, name))
            return json_object_array_get_idx(st, i);
    }
    return NULL;
}

/* Fill l from the pod (lock held).  Returns 0, or an error Status in *st. */
static int source_of(struct sim *s, json_object *pod, const char *want, struct log_src *l, json_object **st)
{
    char msg[1200];
    const char *name = sim_json_str(pod, "metadata.name");
    json_object *cs = sim_json_path(pod, "spec.containers");
    size_t n = cs ? json_object_array_length(cs) : 0;
    int init = 0;

    if (!want || !*want) {
        if (n != 1) {
            size_t at = (size_t)snprintf(msg, sizeof(msg), "a container name must be specified for pod %s, choose one of: [", name);
            for (size_t i = 0; i < n && at < sizeof(msg) - 64; i++)
                at += (size_t)snprintf(msg + at, sizeof(msg) - at, "%s%s", i ? " " : "",
                                       sim_json_str(json_object_array_get_idx(cs, i), "name"));
            snprintf(msg + at, sizeof(msg) - at, "]");
            *st = sim_status_bad_request(msg);
            return -1;
        }
        want = sim_json_str(json_object_array_get_idx(cs, 0), "name");
    }
    json_object *c = find_container(pod, want ? want : "", &init);
    if (!c) {
        snprintf(msg, sizeof(msg), "container %s is not valid for pod %s", want ? want : "", name);
        *st = sim_status_bad_request(msg);
        return -1;
    }
    json_object *cst = container_status(pod, want, init);
    const char *run = cst ? sim_json_str(cst, "state.running.startedAt") : NULL;
    const char *term = cst ? sim_json_str(cst, "state.terminated.startedAt") : NULL;
    const char *fin = cst ? sim_json_str(cst, "state.terminated.finishedAt") : NULL;
    if (!run && !term) {
        const char *why = cst ? sim_json_str(cst, "state.waiting.reason") : NULL;
        snprintf(msg, sizeof(msg), "container \"%s\" in pod \"%s\" is waiting to start: %s", want, name,
                 why ? why : "ContainerCreating");
        *st = sim_status_bad_request(msg);
        return -1;
    }
    memset(l, 0, sizeof(*l));
    snprintf(l->ns, sizeof(l->ns), "%s", sim_json_str(pod, "metadata.namespace"));
    snprintf(l->pod, sizeof(l->pod), "%s", name);
    snprintf(l->container, sizeof(l->container), "%s", want);
    snprintf(l->image, sizeof(l->image), "%s", sim_json_str(c, "image") ? sim_json_str(c, "image") : "");
    json_object *env = sim_json_path(c, "env");
    for (size_t i = 0; env && i < json_object_array_length(env); i++) {
        json_object *e = json_object_array_get_idx(env, i);
        const char *en = sim_json_str(e, "name"), *ev = sim_json_str(e, "value");
        if (en && ev && (!strcmp(en, "DB_NAME") || !strcmp(en, "ODOO_DB")))
            snprintf(l->db, sizeof(l->db), "%s", ev);
    }
    if (!l->db[0])
        snprintf(l->db, sizeof(l->db), "odoo_%.100s", strncmp(l->ns, "tenant-", 7) ? l->ns : l->ns + 7);
    l->started_ms = sim_parse_time(run ? run : term);
    l->finished_ms = fin ? sim_parse_time(fin) : 0;
    const char *role = NULL;
    json_object *labels = sim_json_path(pod, "metadata.labels"), *v;
    if (labels && json_object_object_get_ex(labels, "odoo-saas.io/role", &v))
        role = json_object_get_string(v);
    if (role && !strcmp(role, "db-init") && !init)
        l->kind = LOG_DBINIT;
    else if (strstr(l->image, "postgres"))
        l->kind = LOG_POSTGRES;
    else if (strstr(l->image, "odoo") && !init)
        l->kind = LOG_ODOO;
    else
        l->kind = LOG_GENERIC;
    uint64_t h = 1469598103934665603ULL ^ s->opt.seed;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    l->seed = h;
    return 0;
}

static void append_lines(const struct log_src *l, uint64_t from, uint64_t to, int ts, char **buf, size_t *len,
                         size_t *cap)
{
    char line[1200];
    for (uint64_t i = from; i < to; i++) {
        format_line(l, i, ts, line, sizeof(line));
        size_t n = strlen(line);
        if (*len + n + 2 > *cap) {
            size_t nc = (*len + n + 2) * 2;
            char *nb = realloc(*buf, nc);
            if (!nb)
                return;
            *buf = nb;
            *cap = nc;
        }
        memcpy(*buf + *len, line, n);
        (*buf)[*len + n] = '\n';
        *len += n + 1;
        (*buf)[*len] = '\0';
    }
}

/* The first line to show: rotation, then tailLines. */
static uint64_t first_line(const struct log_src *l, uint64_t count, long tail)
{
    size_t ns = nstart(l->kind);
    uint64_t first = count > ns + SIM_LOG_KEEP ? count - SIM_LOG_KEEP : 0;
    if (tail >= 0 && count - first > (uint64_t)tail)
        first = count - (uint64_t)tail;
    return first;
}

struct sim_log_stream {
    struct sim *sim;
    struct log_src src;
    uint64_t next;              /* next line index to send */
    int timestamps;
    int64_t deadline_ms;        /* wall clock; 0 = none */
    char *buf;
    size_t len, off, cap;
    int done;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct sim_log_stream *ls = cls;
    (void)pos;
    while (ls->off == ls->len) {
        ls->off = ls->len = 0;
        if (ls->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        struct sim *s = ls->sim;
        int64_t now = sim_now_ms();
        uint64_t count = lines_by(&ls->src, now);
        if (count > ls->next) {
            append_lines(&ls->src, ls->next, count, ls->timestamps, &ls->buf, &ls->len, &ls->cap);
            ls->next = count;
            continue;
        }
        if (ls->deadline_ms && now >= ls->deadline_ms) {
            ls->done = 1;
            continue;
        }
        /* Sleep until the next line (bounded by 1 s), waking on stop. */
        int64_t wake = line_time(&ls->src, ls->next);
        if (wake - now > 1000 || wake <= now)
            wake = now + 1000;
        if (ls->deadline_ms && wake > ls->deadline_ms)
            wake = ls->deadline_ms;
        pthread_mutex_lock(&s->lock);
        if (!s->stopping) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            int64_t until = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + (wake - now);
            ts.tv_sec = (time_t)(until / 1000);
            ts.tv_nsec = (long)(until % 1000) * 1000000;
            pthread_cond_timedwait(&s->changed, &s->lock, &ts);
        }
        int stop = s->stopping;
        int gone = !sim_store_find(s, kube_resource_by_kind("v1", "Pod"), ls->src.ns, ls->src.pod);
        pthread_mutex_unlock(&s->lock);
        if (stop || gone)
            ls->done = 1;
        if (ls->src.finished_ms || ls->src.kind == LOG_DBINIT) {
            if (lines_by(&ls->src, sim_now_ms()) >= nstart(ls->src.kind) && ls->next >= nstart(ls->src.kind))
                ls->done = 1;   /* a terminated container prints no more */
        }
    }
    size_t n = ls->len - ls->off < max ? ls->len - ls->off : max;
    memcpy(out, ls->buf + ls->off, n);
    ls->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct sim_log_stream *ls = cls;
    if (!ls)
        return;
    pthread_mutex_lock(&ls->sim->lock);
    ls->sim->nwatches--;
    pthread_cond_broadcast(&ls->sim->changed);
    pthread_mutex_unlock(&ls->sim->lock);
    free(ls->buf);
    free(ls);
}

void sim_pod_logs(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    struct log_src l;
    json_object *err = NULL;
    int found = 0, ok = 0;

    pthread_mutex_lock(&s->lock);
    struct sim_object *o = sim_store_find(s, r->res, r->ns, r->name);
    if (o) {
        found = 1;
        ok = source_of(s, o->obj, sim_query(rq, "container"), &l, &err) == 0;
    }
    pthread_mutex_unlock(&s->lock);
    if (!found) {
        sim_respond_status(rs, sim_status_not_found(r->res, r->name));
        return;
    }
    if (!ok) {
        sim_respond_status(rs, err);
        return;
    }
    const char *tl = sim_query(rq, "tailLines");
    long tail = tl ? strtol(tl, NULL, 10) : -1;
    int ts = sim_query_true(rq, "timestamps");
    uint64_t count = lines_by(&l, sim_now_ms());
    uint64_t first = first_line(&l, count, tail);

    if (!sim_query_true(rq, "follow")) {
        char *buf = NULL;
        size_t len = 0, cap = 0;
        append_lines(&l, first, count, ts, &buf, &len, &cap);
        rs->code = 200;
        rs->text = buf ? buf : strdup("");
        rs->text_len = len;
        rs->content_type = "text/plain";
        if (!len) {
            free(rs->text);
            rs->text = strdup("");
        }
        return;
    }
    struct sim_log_stream *ls = calloc(1, sizeof(*ls));
    if (!ls) {
        sim_respond_status(rs, sim_status(500, "InternalError", "out of memory"));
        return;
    }
    ls->sim = s;
    ls->src = l;
    ls->next = first;
    ls->timestamps = ts;
    const char *to = sim_query(rq, "timeoutSeconds");
    long secs = to ? strtol(to, NULL, 10) : 0;
    if (secs > 0)
        ls->deadline_ms = sim_now_ms() + secs * 1000;
    pthread_mutex_lock(&s->lock);
    s->nwatches++;
    pthread_mutex_unlock(&s->lock);
    rs->code = 200;
    rs->stream = ls;
    rs->stream_read = stream_read;
    rs->stream_free = stream_free;
    rs->content_type = "text/plain";
}
