/*
 * log_follow.c - a pod's log, followed and resumed (see log_follow.h).
 *
 * The call is started with the transport's own retry off: a log stream
 * resumes here, where it is known to ask for new lines only.  on_done
 * decides the next attempt; the ring keeps what was shown.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log_follow.h"

#define BACKOFF_FIRST_MS 1000
#define BACKOFF_MAX_MS 10000

static void start_call(struct log_follow *f, long delay_ms);

static int on_data(void *ud, const char *data, size_t len)
{
    struct log_follow *f = ud;

    if (!f->streaming) {
        f->streaming = 1;
        f->connects++;
        f->backoff_ms = 0;
        f->error[0] = '\0';
    }
    if (log_ring_feed(&f->ring, data, len) < 0)
        return 1;
    *f->dirty = 1;
    return 0;
}

static void on_done(void *ud, struct kube_response *resp)
{
    struct log_follow *f = ud;

    f->call = NULL;
    log_ring_flush(&f->ring);
    if (resp->err.code)
        snprintf(f->error, sizeof(f->error), "%s", resp->err.message);
    else
        snprintf(f->error, sizeof(f->error), "the log stream ended");
    f->backoff_ms = f->backoff_ms ? f->backoff_ms * 2 : BACKOFF_FIRST_MS;
    if (f->backoff_ms > BACKOFF_MAX_MS)
        f->backoff_ms = BACKOFF_MAX_MS;
    /* Lines shown stay; the ring drops what the next stream repeats. */
    log_ring_resume(&f->ring);
    start_call(f, f->backoff_ms);
    *f->dirty = 1;
}

/* "&sinceTime=..." from the second of the newest line, or "". */
static void since(const struct log_follow *f, char *buf, size_t len)
{
    const char *k = f->ring.last;
    char t[32];

    buf[0] = '\0';
    if (strlen(k) < 14)
        return;
    snprintf(t, sizeof(t), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", k, k + 4, k + 6, k + 8, k + 10, k + 12);
    snprintf(buf, len, "&sinceTime=");
    kube_url_escape(t, buf + strlen(buf), len - strlen(buf));
}

static void start_call(struct log_follow *f, long delay_ms)
{
    char path[1024], ns[300], pod[600], from[96];
    struct kube_call_spec spec = {0};
    struct os_error err;

    kube_url_escape(f->ns, ns, sizeof(ns));
    kube_url_escape(f->pod, pod, sizeof(pod));
    since(f, from, sizeof(from));
    snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods/%s/log?follow=true&timestamps=true&tailLines=%d%s",
             ns, pod, LOG_FOLLOW_TAIL, from);
    spec.method = "GET";
    spec.path = path;
    spec.accept = "text/plain, */*";
    spec.stream = 1;
    spec.no_retry = 1;
    spec.delay_ms = delay_ms;
    spec.on_data = on_data;
    spec.on_done = on_done;
    spec.userdata = f;
    f->streaming = 0;
    f->call = kube_call_start(f->client, &spec, &err);
    if (!f->call)
        snprintf(f->error, sizeof(f->error), "%s", err.message);
}

int log_follow_start(struct log_follow *f, struct kube_client *client, const char *ns,
                     const char *pod, int *dirty, struct os_error *err)
{
    memset(f, 0, sizeof(*f));
    if (!client)
        return os_error_set(err, OS_ERR_INVALID, "no cluster");
    if (log_ring_init(&f->ring, LOG_FOLLOW_LINES) < 0)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    f->ring.timestamps = 1;
    f->client = client;
    f->dirty = dirty;
    snprintf(f->ns, sizeof(f->ns), "%s", ns);
    snprintf(f->pod, sizeof(f->pod), "%s", pod);
    start_call(f, 0);
    if (!f->call) {
        os_error_set(err, OS_ERR_IO, "%s", f->error);
        log_ring_free(&f->ring);
        return -1;
    }
    return 0;
}

void log_follow_stop(struct log_follow *f)
{
    if (f->call && f->client)
        kube_call_cancel(f->client, f->call);
    f->call = NULL;
    log_ring_free(&f->ring);
}
