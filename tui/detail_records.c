/*
 * detail_records.c - events, quota and isolation of one tenant, boiled
 * down for the detail view (see detail_records.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail_records.h"

static struct json_object *get(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *str(struct json_object *o, const char *key)
{
    struct json_object *v = get(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static struct json_object *items_of(struct json_object *list)
{
    if (list && json_object_is_type(list, json_type_array))
        return list;
    list = get(list, "items");
    return list && json_object_is_type(list, json_type_array) ? list : NULL;
}

/* ---- events ---------------------------------------------------------- */

static const char *event_time(struct json_object *e)
{
    const char *t = str(e, "lastTimestamp");
    if (!t || !*t)
        t = str(e, "eventTime");
    if (!t || !*t)
        t = str(get(e, "metadata"), "creationTimestamp");
    return t ? t : "";
}

/* Newest first: RFC 3339 times in UTC compare as text; then the
 * resourceVersion (later writes are larger on every real API server). */
static int newest_first(const void *pa, const void *pb)
{
    struct json_object *a = *(struct json_object *const *)pa, *b = *(struct json_object *const *)pb;
    int d = strcmp(event_time(b), event_time(a));
    const char *ra, *rb;

    if (d)
        return d;
    ra = str(get(a, "metadata"), "resourceVersion");
    rb = str(get(b, "metadata"), "resourceVersion");
    long long x = ra ? strtoll(ra, NULL, 10) : 0, y = rb ? strtoll(rb, NULL, 10) : 0;
    return (y > x) - (y < x);
}

static void event_record(struct json_object *e, struct detail_event *out)
{
    struct json_object *io = get(e, "involvedObject"), *count = get(e, "count");

    memset(out, 0, sizeof(*out));
    snprintf(out->when, sizeof(out->when), "%s", event_time(e));
    snprintf(out->type, sizeof(out->type), "%s", str(e, "type") ?: "");
    snprintf(out->reason, sizeof(out->reason), "%s", str(e, "reason") ?: "");
    snprintf(out->object, sizeof(out->object), "%s/%s", str(io, "kind") ?: "?", str(io, "name") ?: "?");
    snprintf(out->message, sizeof(out->message), "%s", str(e, "message") ?: "");
    for (char *p = out->message; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r')
            *p = ' ';
    out->count = count && json_object_is_type(count, json_type_int) && json_object_get_int(count) > 0
                     ? (unsigned)json_object_get_int(count) : 1;
}

void detail_events_from(struct json_object *list, struct detail_info *d)
{
    struct json_object *items = items_of(list), **v;
    size_t n = items ? json_object_array_length(items) : 0;

    d->have_events = 1;
    d->nevents = 0;
    if (!n || !(v = malloc(n * sizeof(*v))))
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_object_array_get_idx(items, i);
    qsort(v, n, sizeof(*v), newest_first);
    for (size_t i = 0; i < n && d->nevents < DETAIL_EVENTS; i++)
        if (json_object_is_type(v[i], json_type_object))
            event_record(v[i], &d->events[d->nevents++]);
    free(v);
}

/* ---- quota ----------------------------------------------------------- */

static const char *const first_keys[] = {"requests.cpu", "requests.memory", "requests.storage", "pods"};
static const char *const first_names[] = {"cpu", "memory", "storage", "pods"};
#define NFIRST (sizeof(first_keys) / sizeof(first_keys[0]))

static int have_quota(const struct detail_info *d, const char *name)
{
    for (int i = 0; i < d->nquota; i++)
        if (!strcmp(d->quota[i].name, name))
            return 1;
    return 0;
}

static void add_quota(struct detail_info *d, const char *name, struct json_object *status, const char *key)
{
    const char *hard = str(get(status, "hard"), key), *used = str(get(status, "used"), key);
    struct detail_quota *q;

    if (!hard || d->nquota == DETAIL_QUOTA || have_quota(d, name))
        return;
    q = &d->quota[d->nquota++];
    snprintf(q->name, sizeof(q->name), "%s", name);
    snprintf(q->used, sizeof(q->used), "%s", used ? used : "0");
    snprintf(q->hard, sizeof(q->hard), "%s", hard);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void add_rest(struct detail_info *d, struct json_object *status)
{
    struct json_object *hard = get(status, "hard");
    const char *keys[64];
    size_t n = 0;

    if (!hard || !json_object_is_type(hard, json_type_object))
        return;
    json_object_object_foreach(hard, key, val) {
        (void)val;
        int first = 0;
        for (size_t i = 0; i < NFIRST; i++)
            first |= !strcmp(key, first_keys[i]);
        if (!first && n < sizeof(keys) / sizeof(keys[0]))
            keys[n++] = key;
    }
    qsort(keys, n, sizeof(keys[0]), by_text);
    for (size_t i = 0; i < n; i++)
        add_quota(d, keys[i], status, keys[i]);
}

void detail_quota_from(struct json_object *list, struct detail_info *d)
{
    struct json_object *items = items_of(list);
    size_t n = items ? json_object_array_length(items) : 0;

    d->have_quota = 1;
    d->nquota = 0;
    for (size_t k = 0; k < NFIRST; k++)
        for (size_t i = 0; i < n; i++)
            add_quota(d, first_names[k], get(json_object_array_get_idx(items, i), "status"), first_keys[k]);
    for (size_t i = 0; i < n; i++)
        add_rest(d, get(json_object_array_get_idx(items, i), "status"));
}

char *detail_quota_line(const struct detail_info *d, char *buf, size_t len)
{
    size_t at = 0;

    if (len)
        buf[0] = '\0';
    for (int i = 0; i < d->nquota && at + 1 < len; i++) {
        int n = snprintf(buf + at, len - at, "%s%s %s/%s", i ? "  " : "", d->quota[i].name,
                         d->quota[i].used, d->quota[i].hard);
        if (n < 0 || (size_t)n >= len - at) {
            buf[at] = '\0';    /* whole entries only */
            break;
        }
        at += (size_t)n;
    }
    return buf;
}

/* ---- isolation ------------------------------------------------------- */

void detail_isolation_from(const struct isolation_report *r, struct detail_info *d)
{
    d->have_isolation = 1;
    d->iso_checks = r->n;
    d->iso_failed = r->failed;
    d->iso_first_failed[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        const struct isolation_check *c = &r->checks[i];
        if (c->ok)
            continue;
        snprintf(d->iso_first_failed, sizeof(d->iso_first_failed), "%.80s (%d/%s): %s", c->check, c->port,
                 c->protocol, c->actual == ISOLATION_MISSING ? "missing" : c->actual ? "allowed" : "denied");
        break;
    }
}

char *detail_isolation_line(const struct detail_info *d, char *buf, size_t len)
{
    if (!d->have_isolation)
        snprintf(buf, len, "checking...");
    else if (!d->iso_failed)
        snprintf(buf, len, "%zu checks, all pass", d->iso_checks);
    else
        snprintf(buf, len, "%zu of %zu checks FAIL: %s", d->iso_failed, d->iso_checks, d->iso_first_failed);
    return buf;
}
