/*
 * watch_stream.h - framing for a Kubernetes watch response body.
 *
 * A watch body is a stream of JSON objects {"type":..., "object":...}, each
 * followed by a newline, cut into chunks anywhere: one event may span many
 * reads and one read may hold many events.  Feed the bytes as they arrive;
 * the callback sees each complete event once.  The parser keeps the
 * resourceVersion of the last object seen (BOOKMARK included), which is where
 * a reconnect resumes.
 */
#ifndef KUBE_WATCH_STREAM_H
#define KUBE_WATCH_STREAM_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

enum kube_event_type {
    KUBE_EVENT_ADDED,
    KUBE_EVENT_MODIFIED,
    KUBE_EVENT_DELETED,
    KUBE_EVENT_BOOKMARK,
    KUBE_EVENT_ERROR,
};

/* "ADDED" ... for logs. */
const char *kube_event_type_name(enum kube_event_type type);

/* Called once per complete event.  object is borrowed: take a reference
 * with json_object_get() to keep it.  Return 0 to go on, non-zero to stop
 * the feed (kube_watch_stream_feed then returns OS_ERR_INVALID with the
 * message "stopped by callback"). */
typedef int (*kube_event_cb)(void *userdata, enum kube_event_type type,
                             struct json_object *object);

struct kube_watch_stream;

/* max_event_bytes bounds one event (0 picks 16 MiB): a server that sends
 * more without finishing an object is cut off with OS_ERR_LIMIT.
 * Returns NULL on allocation failure; free with kube_watch_stream_free(). */
struct kube_watch_stream *kube_watch_stream_new(size_t max_event_bytes,
                                                kube_event_cb cb, void *userdata);
void kube_watch_stream_free(struct kube_watch_stream *ws);

/* Feed bytes.  Returns 0, OS_ERR_PARSE for text that is not JSON or an
 * event without a known type or an object, OS_ERR_LIMIT for an oversized
 * event.  After an error the stream must be dropped (the connection is out
 * of sync). */
int kube_watch_stream_feed(struct kube_watch_stream *ws, const char *data,
                           size_t len, struct os_error *err);

/* True when bytes of an unfinished event are buffered. */
int kube_watch_stream_pending(const struct kube_watch_stream *ws);

/* The metadata.resourceVersion of the last ADDED/MODIFIED/DELETED/BOOKMARK
 * object, or "" before any.  Borrowed; valid until the next feed. */
const char *kube_watch_stream_resource_version(const struct kube_watch_stream *ws);

#endif
