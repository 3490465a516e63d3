/*
 * store.c - the object store: every object of every resource, the global
 * resourceVersion counter, and the ring of recent events watches resume from.
 *
 * Objects sit in one flat array; lookups are linear, which is plenty for the
 * few thousand objects a simulated cluster holds.  Every write takes the next
 * resourceVersion from one counter (so versions are comparable across
 * resources, like etcd's revision), stamps it into metadata, and appends an
 * event to the ring.  When the ring is full the oldest event falls out and
 * history_floor moves up: a watch asking for a version below the floor gets
 * "too old resource version".  Objects added while seeding make no events:
 * the floor then starts at the seeded version.
 *
 * Every function here runs with sim->lock held.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int sim_store_init(struct sim_store *st)
{
    memset(st, 0, sizeof(*st));
    return 0;
}

static void event_clear(struct sim_event *e)
{
    free(e->ns);
    free(e->json);
    json_object_put(e->obj);
    json_object_put(e->prev);
    memset(e, 0, sizeof(*e));
}

static void object_free(struct sim_object *o)
{
    free(o->item_json);
    free(o->ns);
    free(o->name);
    json_object_put(o->obj);
    free(o);
}

void sim_store_free(struct sim_store *st)
{
    for (size_t i = 0; i < st->nobjs; i++)
        object_free(st->objs[i]);
    free(st->objs);
    for (size_t i = 0; i < st->ring_len; i++)
        event_clear(&st->ring[(st->ring_start + i) % SIM_HISTORY]);
    memset(st, 0, sizeof(*st));
}

struct sim_object *sim_store_find(struct sim *s, const struct kube_resource *res,
                                  const char *ns, const char *name)
{
    struct sim_store *st = &s->store;
    if (!ns || !res->namespaced)
        ns = "";
    for (size_t i = 0; i < st->nobjs; i++) {
        struct sim_object *o = st->objs[i];
        if (o->res == res && !strcmp(o->name, name) && !strcmp(o->ns, ns))
            return o;
    }
    return NULL;
}

/* Record an event; obj/prev are referenced, not taken. */
static void record(struct sim *s, enum sim_event_type type, const struct sim_object *o,
                   json_object *prev)
{
    struct sim_store *st = &s->store;
    if (st->history_floor == 0)
        return;                           /* seeding: no history yet */
    if (st->ring_len == SIM_HISTORY) {
        struct sim_event *old = &st->ring[st->ring_start];
        st->history_floor = old->rv;
        event_clear(old);
        st->ring_start = (st->ring_start + 1) % SIM_HISTORY;
        st->ring_len--;
    }
    struct sim_event *e = &st->ring[(st->ring_start + st->ring_len) % SIM_HISTORY];
    e->rv = st->rv;
    e->type = type;
    e->res = o->res;
    e->ns = strdup(o->ns);
    e->obj = json_object_get(o->obj);
    e->prev = prev ? json_object_get(prev) : NULL;
    e->json = strdup(json_object_to_json_string_ext(o->obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    st->ring_len++;
    pthread_cond_broadcast(&s->changed);
}

void sim_store_seal_history(struct sim *s)
{
    s->store.history_floor = s->store.rv ? s->store.rv : 1;
}

static void stamp_rv(struct sim *s, json_object *obj)
{
    char rv[24];
    snprintf(rv, sizeof(rv), "%llu", (unsigned long long)++s->store.rv);
    sim_json_set_str(sim_json_obj(obj, "metadata"), "resourceVersion", rv);
}

/* Make room for one more object; -1 when out of memory. */
static int grow(struct sim_store *st)
{
    if (st->nobjs < st->cap)
        return 0;
    size_t nc = st->cap ? st->cap * 2 : 256;
    struct sim_object **n = realloc(st->objs, nc * sizeof(*n));
    if (!n)
        return -1;
    st->objs = n;
    st->cap = nc;
    return 0;
}

struct sim_object *sim_store_add(struct sim *s, const struct kube_resource *res,
                                 json_object *obj)
{
    struct sim_store *st = &s->store;
    json_object *meta = sim_json_obj(obj, "metadata");
    struct sim_object *o = calloc(1, sizeof(*o));

    if (!o || grow(st)) {
        free(o);
        json_object_put(obj);
        return NULL;
    }
    if (!sim_json_str(meta, "uid")) {
        char uid[37];
        sim_uuid(s, uid);
        sim_json_set_str(meta, "uid", uid);
    }
    if (!sim_json_str(meta, "creationTimestamp")) {
        char ts[32];
        sim_format_time(sim_now_ms(), ts, sizeof(ts));
        sim_json_set_str(meta, "creationTimestamp", ts);
    }
    stamp_rv(s, obj);
    o->res = res;
    o->ns = strdup(res->namespaced && sim_json_str(meta, "namespace") ? sim_json_str(meta, "namespace") : "");
    o->name = strdup(sim_json_str(meta, "name") ? sim_json_str(meta, "name") : "");
    o->obj = obj;
    o->rv = st->rv;
    st->objs[st->nobjs++] = o;
    record(s, SIM_ADDED, o, NULL);
    return o;
}

void sim_store_replace(struct sim *s, struct sim_object *o, json_object *obj)
{
    json_object *prev = o->obj;
    stamp_rv(s, obj);
    o->obj = obj;
    free(o->item_json);
    o->item_json = NULL;
    o->rv = s->store.rv;
    record(s, SIM_MODIFIED, o, prev);
    json_object_put(prev);
}

void sim_store_remove(struct sim *s, struct sim_object *o)
{
    struct sim_store *st = &s->store;
    /* The DELETED event carries the last state with a fresh version, as
     * etcd's delete revision does. */
    json_object *last = json_object_get(o->obj);
    json_object *copy = NULL;
    json_object_deep_copy(last, &copy, NULL);
    json_object_put(last);
    json_object_put(o->obj);
    o->obj = copy;
    stamp_rv(s, copy);
    record(s, SIM_DELETED, o, NULL);
    for (size_t i = 0; i < st->nobjs; i++) {
        if (st->objs[i] == o) {
            st->objs[i] = st->objs[--st->nobjs];
            break;
        }
    }
    object_free(o);
}

const char *sim_store_item_json(struct sim_object *o, size_t *len)
{
    if (!o->item_json) {
        /* A shallow envelope sharing o's members: serialising it reads
         * them (under the lock) and changes nothing stored. */
        json_object *env = json_object_new_object();
        int builtin = strcmp(o->res->group, "traefik.io") != 0;   /* as sim_object_export */
        json_object_object_foreach(o->obj, k, v) {
            if (builtin && (!strcmp(k, "kind") || !strcmp(k, "apiVersion")))
                continue;
            json_object_object_add(env, k, json_object_get(v));
        }
        size_t n = 0;
        const char *js = json_object_to_json_string_length(env, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
        o->item_json = malloc(n + 1);
        if (o->item_json) {
            memcpy(o->item_json, js, n + 1);
            o->item_len = n;
        }
        json_object_put(env);
    }
    *len = o->item_json ? o->item_len : 0;
    return o->item_json ? o->item_json : "{}";
}

/* One half of sim_store_warm(): every other object, from `first`. */
struct warm_half {
    struct sim_store *st;
    const struct kube_resource *res;
    size_t first;
};

static void *warm_half(void *arg)
{
    struct warm_half *h = arg;
    size_t len;
    for (size_t i = h->first; i < h->st->nobjs; i += 2)
        if (!h->res || h->st->objs[i]->res == h->res)
            sim_store_item_json(h->st->objs[i], &len);
    return NULL;
}

void sim_store_warm(struct sim *s, const struct kube_resource *res)
{
    /* Two threads, each on its own objects: serialising reads the trees
     * (shared subtrees included) and changes only the object's own
     * envelope and cache, and no other thread runs yet. */
    struct warm_half a = {&s->store, res, 0}, b = {&s->store, res, 1};
    pthread_t t;
    int started = pthread_create(&t, NULL, warm_half, &b) == 0;
    warm_half(&a);
    if (started)
        pthread_join(t, NULL);
    else
        warm_half(&b);
}

static int cmp_obj(const void *a, const void *b)
{
    const struct sim_object *x = *(const struct sim_object *const *)a;
    const struct sim_object *y = *(const struct sim_object *const *)b;
    int c = strcmp(x->ns, y->ns);
    return c ? c : strcmp(x->name, y->name);
}

size_t sim_store_collect(struct sim *s, const struct kube_resource *res, const char *ns,
                         struct sim_object ***out)
{
    struct sim_store *st = &s->store;
    size_t n = 0;
    struct sim_object **v = malloc((st->nobjs + 1) * sizeof(*v));

    *out = v;
    if (!v)
        return 0;
    for (size_t i = 0; i < st->nobjs; i++) {
        struct sim_object *o = st->objs[i];
        if (o->res == res && (!ns || !strcmp(o->ns, ns)))
            v[n++] = o;
    }
    qsort(v, n, sizeof(*v), cmp_obj);
    return n;
}
