/*
 * watch.h - keep a live view of one collection: list, then watch, forever.
 *
 * The informer pattern of client-go, in callbacks: LIST (paged) and hand
 * every object over between on_sync(begin) and on_sync(end); then WATCH from
 * the list's resourceVersion with bookmarks.  A stream that ends cleanly
 * (timeoutSeconds) is resumed from the last resourceVersion seen; a dropped
 * connection is resumed after a backoff; "410 Gone" (as an ERROR event or an
 * HTTP status) means history was lost, so the collection is listed again and
 * the consumer re-synced.  Everything runs on the client's event loop.
 */
#ifndef KUBE_WATCH_H
#define KUBE_WATCH_H

#include <json-c/json.h>

#include "error.h"
#include "resource.h"
#include "transport.h"
#include "watch_stream.h"

struct kube_watch_handlers {
    /* ADDED, MODIFIED or DELETED; obj is borrowed and carries kind and
     * apiVersion.  During a (re)list every object arrives as ADDED. */
    void (*on_event)(void *userdata, enum kube_event_type type, struct json_object *obj);
    /* begin=1 before a (re)list, begin=0 after it: an object the consumer
     * holds that was not ADDED in between is gone. */
    void (*on_sync)(void *userdata, int begin);
    /* err NULL: connected and in sync; else why it is retrying. */
    void (*on_state)(void *userdata, const struct os_error *err);
};

struct kube_watch_opts {
    const char *label_selector;   /* or NULL */
    const char *field_selector;   /* or NULL */
    int timeout_s;                /* per watch request; 0: 240-300 s */
    int page_size;                /* list page; 0: 500 */
    long backoff_base_ms;         /* 0: 500 ms */
    long backoff_cap_ms;          /* 0: 30 s */
    /* Resume: watch from this resourceVersion without listing first (the
     * consumer kept its state).  If the server no longer has it (410), the
     * collection is listed as usual.  NULL: list first. */
    const char *resource_version;
};

struct kube_watch;

/* Start watching r in ns (NULL: all namespaces).  The watch belongs to the
 * caller: stop it with kube_watch_stop(), never from inside its own
 * handlers.  NULL on error. */
struct kube_watch *kube_watch_start(struct kube_client *c, const struct kube_resource *r,
                                    const char *ns, const struct kube_watch_opts *opts,
                                    const struct kube_watch_handlers *handlers,
                                    void *userdata, struct os_error *err);
void kube_watch_stop(struct kube_watch *w);

/* The last resourceVersion seen ("" before the first list ends). */
const char *kube_watch_resource_version(const struct kube_watch *w);
/* 1 once a list has been delivered and the watch stream is open. */
int kube_watch_synced(const struct kube_watch *w);
/* How many times the collection was listed (1 after the first sync). */
int kube_watch_lists(const struct kube_watch *w);

#endif
