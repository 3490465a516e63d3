/*
 * watch.c - list-then-watch with resume, re-list on 410, and backoff.
 *
 * States: LISTING (pages in flight) -> WATCHING (a stream open) -> back to
 * WATCHING on a clean end, or LISTING on 410.  Exactly one request is in
 * flight at a time; w->call is it.  A failure waits backoff before the next
 * request (the transport's delayed start), doubling up to a cap and reset
 * by any success, so a cluster that is down costs a request every 30 s.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "rest.h"
#include "status.h"
#include "watch.h"

#define PATH_LEN 2048
#define RV_LEN 64
#define RELIST_AFTER_FAILURES 5

enum watch_state { W_LISTING, W_WATCHING };

struct kube_watch {
    struct kube_client *client;
    const struct kube_resource *res;
    char *ns, *label_selector, *field_selector;
    struct kube_watch_opts opts;
    struct kube_watch_handlers h;
    void *userdata;

    enum watch_state state;
    struct kube_call *call;
    struct kube_watch_stream *stream;
    char rv[RV_LEN];
    char *cont;               /* continue token of the list in progress */
    int synced, lists, failures;
    int relist;               /* an ERROR 410 arrived on the stream */
    char api_version[96];
};

static void start_list(struct kube_watch *w, long delay_ms);
static void start_watch(struct kube_watch *w, long delay_ms);

static long backoff(struct kube_watch *w)
{
    long d = w->opts.backoff_base_ms;
    for (int i = 1; i < w->failures && d < w->opts.backoff_cap_ms; i++)
        d *= 2;
    if (d > w->opts.backoff_cap_ms)
        d = w->opts.backoff_cap_ms;
    return d / 2 + (long)randombytes_uniform((uint32_t)(d / 2 + 1));
}

static void report(struct kube_watch *w, const struct os_error *err)
{
    if (w->h.on_state)
        w->h.on_state(w->userdata, err);
}

/* Record a failure and go again: re-watch from rv, or list again when
 * there is no rv or the watch keeps failing. */
static void retry_later(struct kube_watch *w, const struct os_error *err)
{
    w->failures++;
    w->synced = 0;
    report(w, err);
    if (!w->rv[0] || w->state == W_LISTING || w->failures >= RELIST_AFTER_FAILURES)
        start_list(w, backoff(w));
    else
        start_watch(w, backoff(w));
}

static void append(char *buf, size_t len, const char *key, const char *value)
{
    char esc[1024];
    size_t pos = strlen(buf);

    if (!value || !*value)
        return;
    kube_url_escape(value, esc, sizeof(esc));
    snprintf(buf + pos, len - pos, "%s%s=%s", strchr(buf, '?') ? "&" : "?", key, esc);
}

static int base_path(struct kube_watch *w, char *buf, size_t len, struct os_error *err)
{
    int rc = kube_resource_path(w->res, w->ns, NULL, NULL, buf, len, err);
    if (rc < 0)
        return rc;
    append(buf, len, "labelSelector", w->label_selector);
    append(buf, len, "fieldSelector", w->field_selector);
    return 0;
}

/* Items of built-in lists lack kind and apiVersion; consumers get both. */
static void stamp(struct kube_watch *w, struct json_object *obj)
{
    if (!json_object_object_get_ex(obj, "kind", NULL))
        json_object_object_add(obj, "kind", json_object_new_string(w->res->kind));
    if (!json_object_object_get_ex(obj, "apiVersion", NULL))
        json_object_object_add(obj, "apiVersion", json_object_new_string(w->api_version));
}

/* ---- listing -------------------------------------------------------- */

static void deliver_page(struct kube_watch *w, struct json_object *page)
{
    struct json_object *items;

    if (!json_object_object_get_ex(page, "items", &items) ||
        !json_object_is_type(items, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        struct json_object *obj = json_object_array_get_idx(items, i);
        if (!json_object_is_type(obj, json_type_object))
            continue;
        stamp(w, obj);
        if (w->h.on_event)
            w->h.on_event(w->userdata, KUBE_EVENT_ADDED, obj);
    }
}

static void on_list_page(void *ud, struct kube_response *resp)
{
    struct kube_watch *w = ud;
    struct os_error err = resp->err;
    struct json_object *page = NULL;
    const char *next, *rv;

    w->call = NULL;
    if (!err.code && !(page = kube_response_json(resp, &err)) && !err.code)
        os_error_set(&err, OS_ERR_PARSE, "empty list response");
    if (err.code) {
        json_object_put(page);
        free(w->cont);
        w->cont = NULL;
        retry_later(w, &err);
        return;
    }
    if (!w->cont && w->h.on_sync)
        w->h.on_sync(w->userdata, 1);
    deliver_page(w, page);
    free(w->cont);
    w->cont = NULL;
    next = kube_object_str(page, "metadata.continue");
    if (next && *next && (w->cont = strdup(next))) {
        json_object_put(page);
        start_list(w, 0);
        return;
    }
    rv = kube_object_str(page, "metadata.resourceVersion");
    snprintf(w->rv, sizeof(w->rv), "%s", rv ? rv : "");
    json_object_put(page);
    w->lists++;
    if (w->h.on_sync)
        w->h.on_sync(w->userdata, 0);
    w->synced = 1;
    w->failures = 0;
    report(w, NULL);
    start_watch(w, 0);
}

static void start_list(struct kube_watch *w, long delay_ms)
{
    char path[PATH_LEN + 1100], limit[16];
    struct kube_call_spec spec = {0};
    struct os_error err;

    w->state = W_LISTING;
    w->relist = 0;
    if (base_path(w, path, PATH_LEN, &err) < 0) {
        report(w, &err);
        return;
    }
    snprintf(limit, sizeof(limit), "%d", w->opts.page_size);
    append(path, sizeof(path), "limit", limit);
    append(path, sizeof(path), "continue", w->cont);
    spec.method = "GET";
    spec.path = path;
    spec.delay_ms = delay_ms;
    spec.on_done = on_list_page;
    spec.userdata = w;
    w->call = kube_call_start(w->client, &spec, &err);
    if (!w->call)
        report(w, &err);
}

/* ---- watching ------------------------------------------------------- */

static int on_event(void *ud, enum kube_event_type type, struct json_object *obj)
{
    struct kube_watch *w = ud;
    struct os_error err;

    switch (type) {
    case KUBE_EVENT_BOOKMARK:
        break;
    case KUBE_EVENT_ERROR:
        kube_status_from_json(obj, &err);
        if (err.http_status == 410 || os_error_is(&err, "Expired") || os_error_is(&err, "Gone"))
            w->relist = 1;
        else
            report(w, &err);
        return 1;   /* the stream is done either way */
    default:
        stamp(w, obj);
        if (w->h.on_event)
            w->h.on_event(w->userdata, type, obj);
    }
    return 0;
}

static int on_data(void *ud, const char *data, size_t len)
{
    struct kube_watch *w = ud;
    struct os_error err;

    if (w->failures) {
        /* Data on a resumed stream: the server is back. */
        w->synced = 1;
        w->failures = 0;
        report(w, NULL);
    }
    if (kube_watch_stream_feed(w->stream, data, len, &err) < 0)
        return 1;
    return 0;
}

static void on_watch_done(void *ud, struct kube_response *resp)
{
    struct kube_watch *w = ud;
    const char *rv = kube_watch_stream_resource_version(w->stream);

    w->call = NULL;
    if (rv[0])
        snprintf(w->rv, sizeof(w->rv), "%s", rv);
    if (w->relist || resp->err.http_status == 410) {
        w->rv[0] = '\0';
        start_list(w, 0);
    } else if (resp->err.code) {
        retry_later(w, &resp->err);
    } else {
        /* A clean end (timeoutSeconds): resume where we were. */
        start_watch(w, 0);
    }
}

static void start_watch(struct kube_watch *w, long delay_ms)
{
    char path[PATH_LEN + 1100], timeout[16];
    struct kube_call_spec spec = {0};
    struct os_error err;
    int t = w->opts.timeout_s;

    w->state = W_WATCHING;
    kube_watch_stream_free(w->stream);
    w->stream = kube_watch_stream_new(0, on_event, w);
    if (!w->stream || base_path(w, path, PATH_LEN, &err) < 0) {
        if (!w->stream)
            os_error_set(&err, OS_ERR_NOMEM, "out of memory");
        report(w, &err);
        return;
    }
    if (!t)
        t = 240 + (int)randombytes_uniform(61);
    snprintf(timeout, sizeof(timeout), "%d", t);
    append(path, sizeof(path), "watch", "1");
    append(path, sizeof(path), "resourceVersion", w->rv);
    append(path, sizeof(path), "allowWatchBookmarks", "true");
    append(path, sizeof(path), "timeoutSeconds", timeout);
    spec.method = "GET";
    spec.path = path;
    spec.stream = 1;
    spec.no_retry = 1;  /* the watch has its own resume logic */
    spec.timeout_ms = (t + 30) * 1000L;
    spec.delay_ms = delay_ms;
    spec.on_data = on_data;
    spec.on_done = on_watch_done;
    spec.userdata = w;
    w->call = kube_call_start(w->client, &spec, &err);
    if (!w->call)
        report(w, &err);
}

/* ---- lifetime ------------------------------------------------------- */

static char *dup_opt(const char *s, int *failed)
{
    char *d;
    if (!s || !*s)
        return NULL;
    if (!(d = strdup(s)))
        *failed = 1;
    return d;
}

struct kube_watch *kube_watch_start(struct kube_client *c, const struct kube_resource *r,
                                    const char *ns, const struct kube_watch_opts *opts,
                                    const struct kube_watch_handlers *handlers,
                                    void *userdata, struct os_error *err)
{
    struct kube_watch *w = calloc(1, sizeof(*w));
    int failed = 0;

    if (!w) {
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->client = c;
    w->res = r;
    if (opts)
        w->opts = *opts;
    w->ns = dup_opt(ns, &failed);
    w->label_selector = dup_opt(w->opts.label_selector, &failed);
    w->field_selector = dup_opt(w->opts.field_selector, &failed);
    w->opts.label_selector = w->opts.field_selector = NULL;
    if (!w->opts.page_size)
        w->opts.page_size = 500;
    if (!w->opts.backoff_base_ms)
        w->opts.backoff_base_ms = 500;
    if (!w->opts.backoff_cap_ms)
        w->opts.backoff_cap_ms = 30000;
    if (handlers)
        w->h = *handlers;
    w->userdata = userdata;
    kube_resource_api_version(r, w->api_version, sizeof(w->api_version));
    if (failed) {
        kube_watch_stop(w);
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (w->opts.resource_version && *w->opts.resource_version) {
        snprintf(w->rv, sizeof(w->rv), "%s", w->opts.resource_version);
        start_watch(w, 0);
    } else {
        start_list(w, 0);
    }
    w->opts.resource_version = NULL;
    if (!w->call) {
        os_error_set(err, OS_ERR_INVALID, "cannot start watching %s", r->plural);
        kube_watch_stop(w);
        return NULL;
    }
    return w;
}

void kube_watch_stop(struct kube_watch *w)
{
    if (!w)
        return;
    kube_call_cancel(w->client, w->call);
    kube_watch_stream_free(w->stream);
    free(w->ns);
    free(w->label_selector);
    free(w->field_selector);
    free(w->cont);
    free(w);
}

const char *kube_watch_resource_version(const struct kube_watch *w)
{
    return w->rv;
}

int kube_watch_synced(const struct kube_watch *w)
{
    return w->synced;
}

int kube_watch_lists(const struct kube_watch *w)
{
    return w->lists;
}
