/*
 * verbs_read.c - get and list, their selectors and paging, and the
 * read-only metrics.k8s.io endpoints.
 *
 * Lists are built under the store lock from deep copies, sorted by
 * namespace and name (etcd key order).  Paging: a continue token is the
 * URL-safe base64 of "RV\nNAMESPACE/NAME" - the list's resourceVersion and
 * the last key served.  The next page starts after that key and reports the
 * same list resourceVersion; objects changed in between appear in their
 * current state (a real server would serve the old snapshot: a documented
 * simplification).  Field selectors accept metadata.name everywhere,
 * metadata.namespace for namespaced kinds, and the per-kind fields of
 * K8S-CONTRACT.md 3.3; anything else is 400 "field label not supported".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sim.h"
#include "metrics.h"

#define CONTINUE_EXPIRED "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."

static int is_crd(const struct kube_resource *res)
{
    return !strcmp(res->group, "traefik.io");
}

json_object *sim_object_export(const struct sim_object *o, int with_type)
{
    json_object *copy = NULL;
    json_object_deep_copy(o->obj, &copy, NULL);
    if (!with_type && !is_crd(o->res)) {
        json_object_object_del(copy, "kind");
        json_object_object_del(copy, "apiVersion");
    }
    return copy;
}

/* Supported field labels beyond metadata.name/metadata.namespace. */
static int field_supported(const struct kube_resource *res, const char *f)
{
    static const char *pod[] = {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                                "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                                "status.podIP", "status.podIPs", "status.nominatedNodeName",
                                "spec.host", NULL};
    static const char *node[] = {"spec.unschedulable", NULL};
    static const char *ns[] = {"status.phase", NULL};
    static const char *secret[] = {"type", NULL};
    static const char *event[] = {"involvedObject.kind", "involvedObject.namespace",
                                  "involvedObject.name", "involvedObject.uid",
                                  "involvedObject.apiVersion", "involvedObject.resourceVersion",
                                  "involvedObject.fieldPath", "reason", "reportingComponent",
                                  "source", "type", NULL};
    const char **list = NULL;

    if (!strcmp(f, "metadata.name") || (res->namespaced && !strcmp(f, "metadata.namespace")))
        return 1;
    if (res->group[0])
        return 0;
    if (!strcmp(res->plural, "pods")) list = pod;
    else if (!strcmp(res->plural, "nodes")) list = node;
    else if (!strcmp(res->plural, "namespaces")) list = ns;
    else if (!strcmp(res->plural, "secrets")) list = secret;
    else if (!strcmp(res->plural, "events")) list = event;
    for (; list && *list; list++)
        if (!strcmp(*list, f))
            return 1;
    return 0;
}

int sim_filter_parse(struct sim_request *rq, const struct kube_resource *res,
                     struct sim_filter *f, struct sim_response *rs)
{
    struct os_error err = {0};
    memset(f, 0, sizeof(*f));
    if (kube_selector_parse(sim_query(rq, "labelSelector"), &f->labels, &err) ||
        kube_field_selector_parse(sim_query(rq, "fieldSelector"), &f->fields, &err)) {
        sim_respond_status(rs, sim_status_bad_request(err.message));
        sim_filter_free(f);
        return -1;
    }
    for (size_t i = 0; i < f->fields->nterms; i++) {
        if (!field_supported(res, f->fields->terms[i].field)) {
            char msg[512];
            snprintf(msg, sizeof(msg), "field label not supported: %s", f->fields->terms[i].field);
            sim_respond_status(rs, sim_status_bad_request(msg));
            sim_filter_free(f);
            return -1;
        }
    }
    return 0;
}

/* The string value of a field label in obj ("" when absent). */
static const char *field_value(json_object *obj, const char *field, char *buf, size_t len)
{
    if (!strcmp(field, "spec.host"))
        field = "spec.nodeName";
    if (!strcmp(field, "status.podIPs"))
        field = "status.podIP";
    json_object *v = sim_json_path(obj, field);
    if (!v)
        return !strcmp(field, "spec.hostNetwork") || !strcmp(field, "spec.unschedulable") ? "false" : "";
    if (json_object_is_type(v, json_type_boolean))
        return json_object_get_boolean(v) ? "true" : "false";
    snprintf(buf, len, "%s", json_object_get_string(v));
    return buf;
}

int sim_filter_match(const struct sim_filter *f, json_object *obj)
{
    char buf[512];
    if (f->labels && !kube_selector_matches(f->labels, sim_json_path(obj, "metadata.labels")))
        return 0;
    for (size_t i = 0; f->fields && i < f->fields->nterms; i++) {
        const struct kube_field_term *t = &f->fields->terms[i];
        int eq = !strcmp(field_value(obj, t->field, buf, sizeof(buf)), t->value);
        if (eq == t->negate)
            return 0;
    }
    return 1;
}

void sim_filter_free(struct sim_filter *f)
{
    kube_selector_free(f->labels);
    kube_field_selector_free(f->fields);
    memset(f, 0, sizeof(*f));
}

void sim_verb_get(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    json_object *copy = NULL;

    if (r->sub[0] && strcmp(r->sub, "status")) {
        sim_respond_status(rs, sim_status_path_not_found());
        return;
    }
    pthread_mutex_lock(&s->lock);
    struct sim_object *o = sim_store_find(s, r->res, r->ns, r->name);
    if (o)
        copy = sim_object_export(o, 1);
    pthread_mutex_unlock(&s->lock);
    if (!copy) {
        sim_respond_status(rs, sim_status_not_found(r->res, r->name));
        return;
    }
    if (rq->want_table) {
        const char *rv = sim_json_str(copy, "metadata.resourceVersion");
        sim_respond_json(rs, 200, sim_table(sim_query(rq, "includeObject"), r->res, &copy, 1, rv ? rv : "", NULL));
        json_object_put(copy);
        return;
    }
    sim_respond_json(rs, 200, copy);
}

/* Continue tokens: base64url of "RV\nISSUED_MS\nNS/NAME" - the list's
 * resourceVersion, when the token was made (tokens expire after
 * --continue-ttl-ms, as etcd compaction makes them expire after about five
 * minutes), and the last key served. */
/* A new token (malloc'd; the caller frees it). */
static char *token_encode(uint64_t rv, int64_t issued, const char *key)
{
    char raw[700];
    int n = snprintf(raw, sizeof(raw), "%llu\n%lld\n%s", (unsigned long long)rv, (long long)issued, key);
    size_t len = sodium_base64_encoded_len((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(len);
    if (out)
        sodium_bin2base64(out, len, (const unsigned char *)raw, (size_t)n,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

static int token_decode(const char *tok, uint64_t *rv, int64_t *issued, char *key, size_t keylen)
{
    unsigned char raw[700];
    size_t n;
    char *end;
    if (sodium_base642bin(raw, sizeof(raw) - 1, tok, strlen(tok), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    raw[n] = '\0';
    char *nl1 = strchr((char *)raw, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    if (!nl2 || nl1 == (char *)raw)
        return -1;
    *nl1 = *nl2 = '\0';
    *rv = strtoull((char *)raw, &end, 10);
    if (*end)
        return -1;
    *issued = strtoll(nl1 + 1, &end, 10);
    if (*end)
        return -1;
    snprintf(key, keylen, "%s", nl2 + 1);
    return 0;
}

/* An empty XList with its kind, apiVersion and resourceVersion: a new
 * tree the caller puts. */
static json_object *list_object(const struct kube_resource *res, const char *rv)
{
    json_object *l = json_object_new_object();
    char kind[96], av[96];
    snprintf(kind, sizeof(kind), "%sList", res->kind);
    kube_resource_api_version(res, av, sizeof(av));
    sim_json_set_str(l, "kind", kind);
    sim_json_set_str(l, "apiVersion", av);
    json_object *meta = json_object_new_object();
    sim_json_set_str(meta, "resourceVersion", rv);
    json_object_object_add(l, "metadata", meta);
    return l;
}

struct page {
    json_object **items;
    int as_text;             /* items as cached JSON text in text instead */
    char *text;
    size_t text_len, text_cap;
    size_t n;
    uint64_t rv;
    char *cont;
    long remaining;
};

/* Collect one page under the lock.  Returns 0, -1 for a bad token, or -2
 * for an expired one (pg->cont then holds a fresh token for the rest). */
static int collect_page(struct sim *s, const struct kube_resource *res, const char *ns,
                        const struct sim_filter *f, long limit, const char *cont,
                        struct page *pg)
{
    char start[600] = "";
    struct sim_object **objs;
    int64_t issued = 0, now = sim_now_ms();

    int as_text = pg->as_text;
    memset(pg, 0, sizeof(*pg));
    pg->as_text = as_text;
    if (cont && *cont && token_decode(cont, &pg->rv, &issued, start, sizeof(start)) < 0)
        return -1;
    pthread_mutex_lock(&s->lock);
    if (cont && *cont && now - issued > s->opt.continue_ttl_ms) {
        pg->cont = token_encode(s->store.rv, now, start);
        pthread_mutex_unlock(&s->lock);
        return -2;
    }
    if (!issued)
        issued = now;
    if (!pg->rv)
        pg->rv = s->store.rv;
    size_t n = sim_store_collect(s, res, ns, &objs);
    pg->items = calloc(n + 1, sizeof(*pg->items));
    for (size_t i = 0; pg->items && i < n; i++) {
        char key[600];
        snprintf(key, sizeof(key), "%s/%s", objs[i]->ns, objs[i]->name);
        if (start[0] && strcmp(key, start) <= 0)
            continue;
        if (!sim_filter_match(f, objs[i]->obj))
            continue;
        if (limit > 0 && (long)pg->n == limit) {
            pg->remaining++;
            continue;
        }
        if (pg->as_text) {
            size_t len;
            const char *js = sim_store_item_json(objs[i], &len);
            if (pg->text_len + len + 2 > pg->text_cap) {
                size_t nc = (pg->text_len + len + 2) * 2;
                char *nt = realloc(pg->text, nc);
                if (!nt)
                    continue;
                pg->text = nt;
                pg->text_cap = nc;
            }
            if (pg->n)
                pg->text[pg->text_len++] = ',';
            memcpy(pg->text + pg->text_len, js, len);
            pg->text_len += len;
            pg->n++;
        } else {
            pg->items[pg->n++] = sim_object_export(objs[i], 0);
        }
        if (limit > 0 && (long)pg->n == limit)
            pg->cont = token_encode(pg->rv, issued, key);
    }
    pthread_mutex_unlock(&s->lock);
    free(objs);
    if (!pg->remaining) {
        free(pg->cont);
        pg->cont = NULL;
    }
    return 0;
}

/* resourceVersion on a list: not with continue (400); newer than the
 * store is a 504 (a real server waits up to 3 s first).  Otherwise the
 * answer is always the most recent state. */
static int list_rv_check(struct sim_request *rq, struct sim_response *rs)
{
    const char *rv = sim_query(rq, "resourceVersion"), *cont = sim_query(rq, "continue");
    char *end;
    if (!rv || !*rv)
        return 0;
    if (cont && *cont) {
        sim_respond_status(rs, sim_status_bad_request("specifying resource version is not allowed when using continue"));
        return -1;
    }
    unsigned long long want = strtoull(rv, &end, 10);
    if (*end || *rv < '0' || *rv > '9') {
        char msg[300];
        snprintf(msg, sizeof(msg), "resourceVersion: Invalid value: \"%.200s\": must be a valid resource version", rv);
        sim_respond_status(rs, sim_status_bad_request(msg));
        return -1;
    }
    pthread_mutex_lock(&rq->sim->lock);
    unsigned long long cur = rq->sim->store.rv;
    pthread_mutex_unlock(&rq->sim->lock);
    if (want > cur) {
        sim_respond_status(rs, sim_status_too_large_rv(want, cur));
        return -1;
    }
    return 0;
}

void sim_verb_list(struct sim_request *rq, struct sim_response *rs)
{
    const struct sim_route *r = &rq->route;
    struct sim_filter f;
    struct page pg;
    const char *lim = sim_query(rq, "limit");
    long limit = lim ? strtol(lim, NULL, 10) : 0;
    char rv[24];

    if (list_rv_check(rq, rs) < 0 || sim_filter_parse(rq, r->res, &f, rs) < 0)
        return;
    /* A plain list is spliced from each object's cached JSON text: no deep
     * copy and no re-serialisation of thousands of pods per request. */
    pg.as_text = !rq->want_table;
    int rc = collect_page(rq->sim, r->res, r->has_ns ? r->ns : NULL, &f, limit,
                          sim_query(rq, "continue"), &pg);
    if (rc == -2) {
        json_object *st = sim_status_expired(CONTINUE_EXPIRED);
        sim_json_set_str(sim_json_obj(st, "metadata"), "continue", pg.cont ? pg.cont : "");
        free(pg.cont);
        free(pg.text);
        sim_filter_free(&f);
        sim_respond_status(rs, st);
        return;
    }
    if (rc < 0) {
        free(pg.text);
        sim_filter_free(&f);
        sim_respond_status(rs, sim_status_bad_request("continue key is not valid: illegal base64 data"));
        return;
    }
    sim_filter_free(&f);
    snprintf(rv, sizeof(rv), "%llu", (unsigned long long)pg.rv);
    if (rq->want_table) {
        sim_respond_json(rs, 200, sim_table(sim_query(rq, "includeObject"), r->res, pg.items, pg.n, rv, pg.cont));
        for (size_t i = 0; i < pg.n; i++)
            json_object_put(pg.items[i]);
    } else if (pg.as_text) {
        json_object *l = list_object(r->res, rv);
        json_object *meta = sim_json_obj(l, "metadata");
        if (pg.cont) {
            sim_json_set_str(meta, "continue", pg.cont);
            json_object_object_add(meta, "remainingItemCount", json_object_new_int64(pg.remaining));
        }
        size_t hlen = 0;
        const char *head = json_object_to_json_string_length(l, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &hlen);
        size_t total = hlen - 1 + strlen(",\"items\":[") + pg.text_len + 2;
        char *out = malloc(total + 1);
        if (out) {
            size_t at = hlen - 1;                     /* drop the closing brace */
            memcpy(out, head, at);
            at += (size_t)sprintf(out + at, ",\"items\":[");
            if (pg.text_len)
                memcpy(out + at, pg.text, pg.text_len);
            at += pg.text_len;
            out[at++] = ']';
            out[at++] = '}';
            out[at] = '\0';
            rs->code = 200;
            rs->text = out;
            rs->text_len = at;
            rs->content_type = "application/json";
        } else {
            sim_respond_status(rs, sim_status(500, "InternalError", "out of memory"));
        }
        json_object_put(l);
    } else {
        json_object *l = list_object(r->res, rv), *items = json_object_new_array();
        json_object *meta = sim_json_obj(l, "metadata");
        if (pg.cont) {
            sim_json_set_str(meta, "continue", pg.cont);
            json_object_object_add(meta, "remainingItemCount", json_object_new_int64(pg.remaining));
        }
        for (size_t i = 0; i < pg.n; i++)
            json_object_array_add(items, pg.items[i]);
        json_object_object_add(l, "items", items);
        sim_respond_json(rs, 200, l);
    }
    free(pg.items);
    free(pg.cont);
    free(pg.text);
}

/* ---- metrics.k8s.io/v1beta1: figures from metrics.c (seeded, slowly
 * varying, bounded by the limits; a node is its base plus its Running
 * pods).  The builders return new trees the caller puts. ---- */

static json_object *usage(uint64_t cpu_n, uint64_t mem_ki)
{
    json_object *u = json_object_new_object();
    char buf[32];
    snprintf(buf, sizeof(buf), "%llun", (unsigned long long)cpu_n);
    sim_json_set_str(u, "cpu", buf);
    snprintf(buf, sizeof(buf), "%lluKi", (unsigned long long)mem_ki);
    sim_json_set_str(u, "memory", buf);
    return u;
}

static json_object *metrics_meta(json_object *src, const char *now)
{
    json_object *m = json_object_new_object(), *v;
    sim_json_set_str(m, "name", sim_json_str(src, "metadata.name"));
    if (sim_json_str(src, "metadata.namespace"))
        sim_json_set_str(m, "namespace", sim_json_str(src, "metadata.namespace"));
    sim_json_set_str(m, "creationTimestamp", now);
    if ((v = sim_json_path(src, "metadata.labels"))) {
        json_object *copy = NULL;
        json_object_deep_copy(v, &copy, NULL);
        json_object_object_add(m, "labels", copy);
    }
    return m;
}

/* NodeMetrics or PodMetrics for a stored Node/Pod (lock held). */
static json_object *metrics_item(struct sim *s, const struct sim_object *o, int with_type)
{
    json_object *m = json_object_new_object();
    char now[32], stamp[32];
    int64_t t = sim_now_ms();
    sim_format_time(t, now, sizeof(now));
    sim_format_time(t - t % 15000, stamp, sizeof(stamp));
    int pod = !strcmp(o->res->plural, "pods");
    if (with_type) {
        sim_json_set_str(m, "kind", pod ? "PodMetrics" : "NodeMetrics");
        sim_json_set_str(m, "apiVersion", "metrics.k8s.io/v1beta1");
    }
    json_object_object_add(m, "metadata", metrics_meta(o->obj, now));
    sim_json_set_str(m, "timestamp", stamp);
    sim_json_set_str(m, "window", pod ? "15.012s" : "20.041s");
    int64_t at = sim_metrics_sample_ms(t);
    if (!pod) {
        uint64_t cpu, mem;
        sim_metrics_node_base(s, o->name, at, &cpu, &mem);
        for (size_t i = 0; i < s->store.nobjs; i++) {
            const struct sim_object *p = s->store.objs[i];
            const char *node = p->res == o->res ? NULL : sim_json_str(p->obj, "spec.nodeName");
            if (node && !strcmp(p->res->plural, "pods") && !strcmp(node, o->name) && sim_metrics_running(p->obj)) {
                uint64_t pc, pm;
                sim_metrics_pod(s, p->obj, at, &pc, &pm);
                cpu += pc;
                mem += pm;
            }
        }
        json_object_object_add(m, "usage", usage(cpu, mem));
        return m;
    }
    json_object *cs = json_object_new_array();
    json_object *spec_cs = sim_json_path(o->obj, "spec.containers");
    size_t n = spec_cs && json_object_is_type(spec_cs, json_type_array) ? json_object_array_length(spec_cs) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_new_object();
        json_object *sc = json_object_array_get_idx(spec_cs, i);
        const char *cname = sim_json_str(sc, "name");
        uint64_t cpu, mem;
        sim_metrics_container(s, o->obj, sc, at, &cpu, &mem);
        sim_json_set_str(c, "name", cname ? cname : "");
        json_object_object_add(c, "usage", usage(cpu, mem));
        json_object_array_add(cs, c);
    }
    json_object_object_add(m, "containers", cs);
    return m;
}

static int scraped(const struct sim_object *o)
{
    if (strcmp(o->res->plural, "pods"))
        return 1;
    const char *phase = sim_json_str(o->obj, "status.phase");
    return phase && !strcmp(phase, "Running");
}

static const struct kube_resource *source_of(const struct kube_resource *metrics)
{
    return kube_resource_by_plural("", "v1", metrics->plural);
}

void sim_metrics_get(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    json_object *m = NULL;

    pthread_mutex_lock(&s->lock);
    struct sim_object *o = sim_store_find(s, source_of(r->res), r->ns, r->name);
    if (o && scraped(o))
        m = metrics_item(s, o, 1);
    pthread_mutex_unlock(&s->lock);
    if (m) {
        sim_respond_json(rs, 200, m);
        return;
    }
    char msg[600];
    int pod = r->res->namespaced;
    snprintf(msg, sizeof(msg), "%s.metrics.k8s.io \"%s%s%s\" not found", pod ? "podmetrics" : "nodemetrics",
             pod ? r->ns : "", pod ? "/" : "", r->name);
    json_object *st = sim_status(404, "NotFound", msg);
    json_object *d = json_object_new_object();
    sim_json_set_str(d, "name", r->name);
    sim_json_set_str(d, "group", "metrics.k8s.io");
    sim_json_set_str(d, "kind", pod ? "pods" : "nodes");
    json_object_object_add(st, "details", d);
    json_object *code = json_object_new_int(404);   /* "code" stays last */
    json_object_object_del(st, "code");
    json_object_object_add(st, "code", code);
    sim_respond_status(rs, st);
}

void sim_metrics_list(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    struct sim_filter f;
    struct sim_object **objs;
    char rv[24];

    if (sim_filter_parse(rq, r->res, &f, rs) < 0)
        return;
    json_object *items = json_object_new_array();
    pthread_mutex_lock(&s->lock);
    snprintf(rv, sizeof(rv), "%llu", (unsigned long long)s->store.rv);
    size_t n = sim_store_collect(s, source_of(r->res), r->has_ns ? r->ns : NULL, &objs);
    for (size_t i = 0; i < n; i++)
        if (scraped(objs[i]) && sim_filter_match(&f, objs[i]->obj))
            json_object_array_add(items, metrics_item(s, objs[i], 0));
    pthread_mutex_unlock(&s->lock);
    free(objs);
    sim_filter_free(&f);
    json_object *l = list_object(r->res, rv);
    json_object_object_del(sim_json_obj(l, "metadata"), "resourceVersion");
    json_object_object_add(l, "items", items);
    sim_respond_json(rs, 200, l);
}
