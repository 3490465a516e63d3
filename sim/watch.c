/*
 * watch.c - chunked watch streams (?watch=1|true) on every collection.
 *
 * A watch is an MHD response whose content reader, sim_watch_read(), runs in
 * the connection's own thread: it hands out pending bytes, and when there
 * are none it sleeps on sim->changed (pthread_cond_timedwait) until a write
 * lands in the history ring, a bookmark is due, timeoutSeconds passes or the
 * server stops.  An idle watch costs no CPU.  Each event is one JSON object
 * plus "\n" and every wake-up returns what it has, so events are flushed as
 * they happen.
 *
 * Start points (K8S-CONTRACT.md 4.3): no resourceVersion or "0" sends
 * synthetic ADDED events for the current objects first; a specific version
 * replays only later events from the ring; a version below the ring's floor
 * gets a 200 stream holding one ERROR event with a 410 Expired Status, then
 * the stream ends.  With selectors, an object that starts or stops matching
 * is sent as ADDED or DELETED, as the watch cache does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "sim.h"

struct sim_watch {
    struct sim *sim;
    const struct kube_resource *res;
    char ns[254];
    int has_ns;
    struct sim_filter filter;
    uint64_t cursor;          /* events up to this rv have been considered */
    int64_t deadline;         /* monotonic ms, 0 = none */
    int64_t bookmark_every;   /* ms, 0 = no bookmarks */
    int64_t next_bookmark;    /* monotonic ms */
    char *buf;
    size_t len, off, cap;
    int done;
    int table;                /* events carry one-row Tables (kubectl -w) */
    char include[16];         /* includeObject for those Tables */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void append(struct sim_watch *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        size_t nc = (w->len + n + 1) * 2;
        char *nb = realloc(w->buf, nc);
        if (!nb)
            return;
        w->buf = nb;
        w->cap = nc;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void append_event(struct sim_watch *w, const char *type, const char *json)
{
    append(w, "{\"type\":\"", 9);
    append(w, type, strlen(type));
    append(w, "\",\"object\":", 11);
    append(w, json, strlen(json));
    append(w, "}\n", 2);
}

/* An event whose object is obj (lock held): plain, or as a one-row Table
 * when kubectl asked for Tables. */
static void append_object_event(struct sim_watch *w, const char *type, json_object *obj,
                                const char *json)
{
    if (!w->table) {
        append_event(w, type, json);
        return;
    }
    const char *rv = sim_json_str(obj, "metadata.resourceVersion");
    json_object *t = sim_table(w->include[0] ? w->include : NULL, w->res, &obj, 1, rv ? rv : "", NULL);
    append_event(w, type, json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(t);
}

static void append_status(struct sim_watch *w, json_object *st)
{
    append_event(w, "ERROR", json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(st);
}

static void append_bookmark(struct sim_watch *w, uint64_t rv, int initial_end)
{
    char av[96], buf[512];
    kube_resource_api_version(w->res, av, sizeof(av));
    snprintf(buf, sizeof(buf),
             "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%llu\"%s}}",
             w->res->kind, av, (unsigned long long)rv,
             initial_end ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "");
    append_event(w, "BOOKMARK", buf);
}

static int ns_match(const struct sim_watch *w, const char *ns)
{
    return !w->has_ns || !strcmp(w->ns, ns);
}

/* Synthetic ADDED events for the current state (lock held). */
static void initial_events(struct sim_watch *w)
{
    struct sim_object **objs;
    size_t n = sim_store_collect(w->sim, w->res, w->has_ns ? w->ns : NULL, &objs);
    for (size_t i = 0; i < n; i++)
        if (sim_filter_match(&w->filter, objs[i]->obj))
            append_object_event(w, "ADDED", objs[i]->obj,
                                json_object_to_json_string_ext(objs[i]->obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    free(objs);
    w->cursor = w->sim->store.rv;
}

/* Events after the cursor from the ring (lock held). */
static void ring_events(struct sim_watch *w)
{
    struct sim_store *st = &w->sim->store;
    if (w->cursor < st->history_floor) {
        char msg[128];
        snprintf(msg, sizeof(msg), "too old resource version: %llu (%llu)",
                 (unsigned long long)w->cursor, (unsigned long long)st->history_floor);
        append_status(w, sim_status_expired(msg));
        w->done = 1;
        return;
    }
    size_t i = st->ring_len;
    while (i > 0 && st->ring[(st->ring_start + i - 1) % SIM_HISTORY].rv > w->cursor)
        i--;
    for (; i < st->ring_len; i++) {
        const struct sim_event *e = &st->ring[(st->ring_start + i) % SIM_HISTORY];
        w->cursor = e->rv;
        if (e->res != w->res || !ns_match(w, e->ns))
            continue;
        int now_m = sim_filter_match(&w->filter, e->obj);
        int was_m = e->prev && sim_filter_match(&w->filter, e->prev);
        if (e->type == SIM_ADDED && now_m)
            append_object_event(w, "ADDED", e->obj, e->json);
        else if (e->type == SIM_DELETED && now_m)
            append_object_event(w, "DELETED", e->obj, e->json);
        else if (e->type == SIM_MODIFIED && now_m)
            append_object_event(w, was_m ? "MODIFIED" : "ADDED", e->obj, e->json);
        else if (e->type == SIM_MODIFIED && was_m)   /* left the selector: */
            append_object_event(w, "DELETED", e->prev,  /* last matching state */
                                json_object_to_json_string_ext(e->prev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    }
    if (st->rv > w->cursor)
        w->cursor = st->rv;
}

void sim_watch_start(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    struct sim_watch *w = calloc(1, sizeof(*w));
    const char *rv = sim_query(rq, "resourceVersion");
    const char *to = sim_query(rq, "timeoutSeconds");

    if (!w) {
        sim_respond_status(rs, sim_status(500, "InternalError", "Internal error occurred: out of memory"));
        return;
    }
    if (sim_filter_parse(rq, r->res, &w->filter, rs) < 0) {
        free(w);
        return;
    }
    w->sim = s;
    w->res = r->res;
    w->has_ns = r->has_ns;
    w->table = rq->want_table;
    const char *inc = sim_query(rq, "includeObject");
    snprintf(w->include, sizeof(w->include), "%s", inc ? inc : "");
    snprintf(w->ns, sizeof(w->ns), "%s", r->ns);
    if (to && atol(to) > 0)
        w->deadline = mono_ms() + atol(to) * 1000;
    if (sim_query_true(rq, "allowWatchBookmarks")) {
        w->bookmark_every = s->opt.bookmark_interval_ms;
        w->next_bookmark = mono_ms() + w->bookmark_every;
    }
    char *end = NULL;
    unsigned long long from = rv ? strtoull(rv, &end, 10) : 0;
    if (rv && *rv && (!end || *end || *rv < '0' || *rv > '9')) {
        char msg[300];
        snprintf(msg, sizeof(msg), "resourceVersion: Invalid value: \"%s\": must be a valid resource version", rv);
        sim_filter_free(&w->filter);
        free(w);
        sim_respond_status(rs, sim_status_bad_request(msg));
        return;
    }
    pthread_mutex_lock(&s->lock);
    s->nwatches++;
    if (!rv || !*rv || from == 0 || sim_query_true(rq, "sendInitialEvents")) {
        initial_events(w);
        if (sim_query_true(rq, "sendInitialEvents"))
            append_bookmark(w, w->cursor, 1);
    } else if (from > s->store.rv) {
        /* A real server waits up to 3 s for the version to appear. */
        unsigned long long cur = s->store.rv;
        s->nwatches--;
        pthread_mutex_unlock(&s->lock);
        sim_filter_free(&w->filter);
        free(w);
        sim_respond_status(rs, sim_status_too_large_rv(from, cur));
        return;
    } else {
        w->cursor = from;
        ring_events(w);
    }
    pthread_mutex_unlock(&s->lock);
    rs->code = 200;
    rs->watch = w;
}

/* Wait for something to send (lock held).  Leaves bytes in w->buf or sets
 * w->done. */
static void wait_for_work(struct sim_watch *w)
{
    struct sim *s = w->sim;
    for (;;) {
        if (s->stopping) {
            w->done = 1;
            return;
        }
        ring_events(w);
        if (w->len || w->done)
            return;
        int64_t now = mono_ms();
        if (w->deadline && now >= w->deadline) {
            w->done = 1;
            return;
        }
        if (w->bookmark_every && now >= w->next_bookmark) {
            append_bookmark(w, w->cursor, 0);
            w->next_bookmark = now + w->bookmark_every;
            return;
        }
        int64_t until = 0;
        if (w->deadline)
            until = w->deadline;
        if (w->bookmark_every && (!until || w->next_bookmark < until))
            until = w->next_bookmark;
        if (!until) {
            pthread_cond_wait(&s->changed, &s->lock);
        } else {
            struct timespec ts = {.tv_sec = (time_t)(until / 1000), .tv_nsec = (long)(until % 1000) * 1000000};
            pthread_cond_timedwait(&s->changed, &s->lock, &ts);
        }
    }
}

ssize_t sim_watch_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct sim_watch *w = cls;
    (void)pos;
    if (w->off == w->len) {
        w->off = w->len = 0;
        if (w->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        pthread_mutex_lock(&w->sim->lock);
        wait_for_work(w);
        pthread_mutex_unlock(&w->sim->lock);
        if (w->len == 0)
            return MHD_CONTENT_READER_END_OF_STREAM;
    }
    size_t n = w->len - w->off < max ? w->len - w->off : max;
    memcpy(out, w->buf + w->off, n);
    w->off += n;
    return (ssize_t)n;
}

void sim_watch_free(void *cls)
{
    struct sim_watch *w = cls;
    if (!w)
        return;
    pthread_mutex_lock(&w->sim->lock);
    w->sim->nwatches--;
    pthread_cond_broadcast(&w->sim->changed);
    pthread_mutex_unlock(&w->sim->lock);
    sim_filter_free(&w->filter);
    free(w->buf);
    free(w);
}
