/*
 * detail_fetch.c - events, quota and isolation of one tenant, fetched in
 * rounds of concurrent GETs (see detail_fetch.h).
 *
 * Each GET of a round fills one slot; the last to finish computes the
 * records.  A 404 (no NetworkPolicies API, no ingress namespace) leaves
 * its slot empty, which the evaluator treats as nothing there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster/cluster.h"
#include "detail_fetch.h"
#include "mono_clock.h"
#include "tenant/tenant.h"

enum slot {
    S_EVENTS, S_QUOTA,
    S_POL_OWN, S_POL_INGRESS, S_POL_DNS,
    S_PODS_OWN, S_PODS_INGRESS, S_PODS_DNS,
    S_NS_OWN, S_NS_INGRESS, S_NS_DNS,
};

struct detail_fetch;

struct slot_call {
    struct detail_fetch *f;
    enum slot slot;
    struct kube_call *call;
};

struct detail_fetch {
    struct kube_client *client;
    const struct os_config *cfg;
    char id[64], ns[80];
    int *dirty;
    struct slot_call calls[DETAIL_CALLS];
    struct json_object *got[DETAIL_CALLS];
    int pending, rounds;
    struct timespec due;
    char error[256];
    struct detail_info info;
};

/* ---- isolation from the slots ------------------------------------------- */

/* A new array of the items of the lists (or single objects) in slots. */
static struct json_object *merged(struct detail_fetch *f, enum slot first, enum slot last)
{
    struct json_object *out = json_object_new_array();

    for (int s = (int)first; out && s <= (int)last; s++) {
        struct json_object *items = NULL, *o = f->got[s];
        if (!o)
            continue;
        if (!json_object_object_get_ex(o, "items", &items)) {
            json_object_array_add(out, json_object_get(o));
            continue;
        }
        for (size_t i = 0; json_object_is_type(items, json_type_array) && i < json_object_array_length(items); i++)
            json_object_array_add(out, json_object_get(json_object_array_get_idx(items, i)));
    }
    return out;
}

/* The tenant as it was made, for its pod templates (as check-isolation). */
static struct json_object *template_pods(struct detail_fetch *f, struct os_error *err)
{
    struct json_object *ns = f->got[S_NS_OWN], *rendered = NULL, *pods = NULL;
    struct tenant_spec spec = {
        .id = f->id,
        .subdomain = kube_object_annotation(ns, "odoo-saas.io/subdomain"),
        .tier = kube_object_label(ns, "odoo-saas.io/tier"),
        .admin_email = kube_object_annotation(ns, "odoo-saas.io/admin-email"),
    };

    if (tenant_render(&spec, f->cfg, NULL, time(NULL), &rendered, err) == 0)
        isolation_template_pods(rendered, &pods, err);
    json_object_put(rendered);
    return pods;
}

static void isolation(struct detail_fetch *f)
{
    const struct os_tier *tier = f->cfg ? os_config_tier(f->cfg, kube_object_label(f->got[S_NS_OWN], "odoo-saas.io/tier")) : NULL;
    struct isolation_report report = {0};
    struct os_error err = {0};
    struct json_object *tpl = f->cfg && f->got[S_NS_OWN] ? template_pods(f, &err) : NULL;
    struct isolation_input in = {
        .tenant = f->id, .egress_expected = tier && tier->allow_egress,
        .policies = merged(f, S_POL_OWN, S_POL_DNS), .namespaces = merged(f, S_NS_OWN, S_NS_DNS),
        .pods = merged(f, S_PODS_OWN, S_PODS_DNS), .template_pods = tpl,
        .ingress_namespace = f->cfg ? f->cfg->ingress_namespace : NULL,
        .ingress_pod_label = f->cfg ? f->cfg->ingress_pod_label : NULL,
        .dns_namespace = f->cfg ? f->cfg->dns_namespace : NULL,
        .dns_pod_label = f->cfg ? f->cfg->dns_pod_label : NULL,
    };

    if (isolation_check_tenant(&in, &report, &err) == 0)
        detail_isolation_from(&report, &f->info);
    else
        snprintf(f->error, sizeof(f->error), "isolation: %.200s", err.message);
    isolation_report_free(&report);
    json_object_put(in.policies);
    json_object_put(in.namespaces);
    json_object_put(in.pods);
    json_object_put(tpl);
}

/* ---- a round -------------------------------------------------------------- */

static void round_done(struct detail_fetch *f)
{
    if (f->got[S_EVENTS])
        detail_events_from(f->got[S_EVENTS], &f->info);
    if (f->got[S_QUOTA])
        detail_quota_from(f->got[S_QUOTA], &f->info);
    if (f->rounds % DETAIL_ISOLATION_EVERY == 0 && !f->error[0])
        isolation(f);
    snprintf(f->info.error, sizeof(f->info.error), "%s", f->error);
    for (int s = 0; s < DETAIL_CALLS; s++) {
        json_object_put(f->got[s]);
        f->got[s] = NULL;
    }
    f->rounds++;
    mono_due_in(&f->due, DETAIL_REFRESH_MS);
    *f->dirty = 1;
}

static void on_done(void *ud, struct kube_response *resp)
{
    struct slot_call *sc = ud;
    struct detail_fetch *f = sc->f;

    sc->call = NULL;
    if (resp->status >= 200 && resp->status < 300 && resp->body)
        f->got[sc->slot] = json_tokener_parse(resp->body);
    else if (resp->status != 404 && !f->error[0])
        snprintf(f->error, sizeof(f->error), "%.200s", resp->err.message);
    if (--f->pending == 0)
        round_done(f);
}

static void start(struct detail_fetch *f, enum slot slot, const char *path)
{
    struct kube_call_spec spec = {.method = "GET", .path = path, .on_done = on_done};
    struct slot_call *sc = &f->calls[slot];
    struct os_error err;

    sc->f = f;
    sc->slot = slot;
    spec.userdata = sc;
    if ((sc->call = kube_call_start(f->client, &spec, &err)))
        f->pending++;
    else if (!f->error[0])
        snprintf(f->error, sizeof(f->error), "%.200s", err.message);
}

static const char *ns_of(const struct detail_fetch *f, int which)
{
    const char *ns = which == 0 ? f->ns : !f->cfg ? NULL : which == 1 ? f->cfg->ingress_namespace : f->cfg->dns_namespace;
    return ns && *ns ? ns : NULL;
}

static void start_round(struct detail_fetch *f)
{
    static const char *const prefix[3] = {"/apis/networking.k8s.io/v1/namespaces/", "/api/v1/namespaces/",
                                          "/api/v1/namespaces/"};
    static const char *const suffix[3] = {"/networkpolicies", "/pods", ""};
    char path[256];

    f->error[0] = '\0';
    f->pending = 1;     /* held until every call is started */
    snprintf(path, sizeof(path), "/api/v1/namespaces/%s/events", f->ns);
    start(f, S_EVENTS, path);
    snprintf(path, sizeof(path), "/api/v1/namespaces/%s/resourcequotas", f->ns);
    start(f, S_QUOTA, path);
    for (int kind = 0; f->rounds % DETAIL_ISOLATION_EVERY == 0 && kind < 3; kind++)
        for (int which = 0; which < 3; which++) {
            /* the same namespace twice (ingress in kube-system) would count twice */
            if (!ns_of(f, which) || (which == 2 && ns_of(f, 1) && !strcmp(ns_of(f, 1), ns_of(f, 2))))
                continue;
            snprintf(path, sizeof(path), "%s%.100s%s", prefix[kind], ns_of(f, which), suffix[kind]);
            start(f, (enum slot)(S_POL_OWN + kind * 3 + which), path);
        }
    if (--f->pending == 0)
        round_done(f);
}

/* ---- lifetime ------------------------------------------------------------------ */

struct detail_fetch *detail_fetch_new(struct kube_client *client, const struct os_config *cfg,
                                      const char *id, int *dirty)
{
    struct detail_fetch *f = calloc(1, sizeof(*f));

    if (!f)
        return NULL;
    f->client = client;
    f->cfg = cfg;
    f->dirty = dirty;
    snprintf(f->id, sizeof(f->id), "%s", id);
    snprintf(f->ns, sizeof(f->ns), TENANT_NS_PREFIX "%s", id);
    clock_gettime(CLOCK_MONOTONIC, &f->due);
    return f;
}

void detail_fetch_free(struct detail_fetch *f)
{
    if (!f)
        return;
    for (int s = 0; s < DETAIL_CALLS; s++) {
        if (f->calls[s].call)
            kube_call_cancel(f->client, f->calls[s].call);
        json_object_put(f->got[s]);
    }
    free(f);
}

void detail_fetch_tick(struct detail_fetch *f)
{
    if (f && f->client && !f->pending && mono_ms_since(&f->due) >= 0)
        start_round(f);
}

const char *detail_fetch_tenant(const struct detail_fetch *f)
{
    return f->id;
}

const struct detail_info *detail_fetch_info(const struct detail_fetch *f)
{
    return &f->info;
}
