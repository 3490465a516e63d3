/*
 * watch_stream.c - turn watch response bytes into events.
 *
 * json-c's tokener is incremental: it can be fed any prefix of a document
 * and told "continue" until the object closes.  That is exactly what a
 * chunked watch body needs, and it does not depend on newlines (a server
 * that omits them still works).  After each complete object the tokener is
 * reset and the rest of the chunk is parsed as the start of the next event.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "watch_stream.h"

#define DEFAULT_MAX_EVENT (16u << 20)
#define MAX_DEPTH 128
#define RV_MAX 64

struct kube_watch_stream {
    struct json_tokener *tok;
    size_t max_event;
    size_t event_bytes;     /* bytes fed into the unfinished event */
    kube_event_cb cb;
    void *userdata;
    char rv[RV_MAX];
};

static const char *const type_names[] = {
    [KUBE_EVENT_ADDED] = "ADDED",
    [KUBE_EVENT_MODIFIED] = "MODIFIED",
    [KUBE_EVENT_DELETED] = "DELETED",
    [KUBE_EVENT_BOOKMARK] = "BOOKMARK",
    [KUBE_EVENT_ERROR] = "ERROR",
};

const char *kube_event_type_name(enum kube_event_type type)
{
    if ((unsigned)type < sizeof(type_names) / sizeof(type_names[0]))
        return type_names[type];
    return "UNKNOWN";
}

static int parse_type(const char *s, enum kube_event_type *out)
{
    for (unsigned i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (!strcmp(s, type_names[i])) {
            *out = (enum kube_event_type)i;
            return 0;
        }
    }
    return -1;
}

struct kube_watch_stream *kube_watch_stream_new(size_t max_event_bytes,
                                                kube_event_cb cb, void *userdata)
{
    struct kube_watch_stream *ws = calloc(1, sizeof(*ws));
    if (!ws)
        return NULL;
    ws->tok = json_tokener_new_ex(MAX_DEPTH);
    if (!ws->tok) {
        free(ws);
        return NULL;
    }
    ws->max_event = max_event_bytes ? max_event_bytes : DEFAULT_MAX_EVENT;
    ws->cb = cb;
    ws->userdata = userdata;
    return ws;
}

void kube_watch_stream_free(struct kube_watch_stream *ws)
{
    if (!ws)
        return;
    json_tokener_free(ws->tok);
    free(ws);
}

static void remember_rv(struct kube_watch_stream *ws, struct json_object *object)
{
    struct json_object *meta, *rv;
    const char *s;

    if (!json_object_object_get_ex(object, "metadata", &meta) ||
        !json_object_object_get_ex(meta, "resourceVersion", &rv) ||
        !json_object_is_type(rv, json_type_string))
        return;
    s = json_object_get_string(rv);
    if (strlen(s) < sizeof(ws->rv))
        memcpy(ws->rv, s, strlen(s) + 1);
}

/* Check the shape of one decoded event and hand it to the callback. */
static int dispatch(struct kube_watch_stream *ws, struct json_object *event,
                    struct os_error *err)
{
    struct json_object *type, *object;
    enum kube_event_type t;

    if (!json_object_is_type(event, json_type_object) ||
        !json_object_object_get_ex(event, "type", &type) ||
        !json_object_is_type(type, json_type_string))
        return os_error_set(err, OS_ERR_PARSE, "watch event without a type");
    if (parse_type(json_object_get_string(type), &t) < 0)
        return os_error_set(err, OS_ERR_PARSE, "watch event of unknown type \"%.40s\"",
                            json_object_get_string(type));
    if (!json_object_object_get_ex(event, "object", &object) ||
        !json_object_is_type(object, json_type_object))
        return os_error_set(err, OS_ERR_PARSE, "%s watch event without an object",
                            type_names[t]);
    if (t != KUBE_EVENT_ERROR)
        remember_rv(ws, object);
    if (ws->cb && ws->cb(ws->userdata, t, object) != 0)
        return os_error_set(err, OS_ERR_INVALID, "stopped by callback");
    return 0;
}

static size_t skip_space(const char *data, size_t len)
{
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
        i++;
    return i;
}

int kube_watch_stream_feed(struct kube_watch_stream *ws, const char *data,
                           size_t len, struct os_error *err)
{
    while (len > 0) {
        struct json_object *event;
        enum json_tokener_error jerr;
        size_t used;

        if (ws->event_bytes == 0) {
            size_t sp = skip_space(data, len);
            data += sp;
            len -= sp;
            if (len == 0)
                break;
        }
        if (len > (size_t)INT32_MAX)
            return os_error_set(err, OS_ERR_LIMIT, "watch chunk too large");
        event = json_tokener_parse_ex(ws->tok, data, (int)len);
        jerr = json_tokener_get_error(ws->tok);
        if (jerr == json_tokener_continue) {
            ws->event_bytes += len;
            if (ws->event_bytes > ws->max_event)
                return os_error_set(err, OS_ERR_LIMIT,
                                    "watch event larger than %zu bytes", ws->max_event);
            return 0;
        }
        if (jerr != json_tokener_success)
            return os_error_set(err, OS_ERR_PARSE, "watch stream is not JSON: %s",
                                json_tokener_error_desc(jerr));
        used = json_tokener_get_parse_end(ws->tok);
        json_tokener_reset(ws->tok);
        if (ws->event_bytes + used > ws->max_event) {
            json_object_put(event);
            return os_error_set(err, OS_ERR_LIMIT,
                                "watch event larger than %zu bytes", ws->max_event);
        }
        ws->event_bytes = 0;
        int rc = dispatch(ws, event, err);
        json_object_put(event);
        if (rc < 0)
            return rc;
        data += used;
        len -= used;
    }
    return 0;
}

int kube_watch_stream_pending(const struct kube_watch_stream *ws)
{
    return ws->event_bytes > 0;
}

const char *kube_watch_stream_resource_version(const struct kube_watch_stream *ws)
{
    return ws->rv;
}
