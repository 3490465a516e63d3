/*
 * discovery.c - the non-resource paths: health probes, /version, legacy
 * (unaggregated) discovery documents built from the shared resource table,
 * and the OpenAPI index.
 *
 * kubectl v1.32 first asks /api and /apis for aggregated discovery
 * (Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList
 * followed by plain application/json).  We answer the plain APIVersions /
 * APIGroupList with Content-Type application/json, and kubectl falls back to
 * reading /api/v1 and /apis/G/V one by one, as it does with older servers.
 * /openapi/v2 and /openapi/v3 answer 404: kubectl then skips client-side
 * schema work (see the handler below for what that implies).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static void text(struct sim_response *rs, int code, const char *body)
{
    rs->code = code;
    rs->text = strdup(body);
    rs->content_type = "text/plain; charset=utf-8";
}

int sim_group_version_served(const char *group, const char *version)
{
    for (const struct kube_resource *r = kube_resources(); r->kind; r++)
        if (!strcmp(r->group, group) && (!version || !strcmp(r->version, version)))
            return 1;
    return 0;
}

static json_object *str_array(const char *csv)
{
    json_object *a = json_object_new_array();
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", csv);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        json_object_array_add(a, json_object_new_string(t));
    return a;
}

/* The "all" category of kubectl get all. */
static int in_all(const struct kube_resource *r)
{
    static const char *all[] = {"pods", "services", "deployments", "statefulsets", "jobs", "cronjobs"};
    if (r->read_only)
        return 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (!strcmp(r->plural, all[i]))
            return 1;
    return 0;
}

static json_object *api_resource(const struct kube_resource *r, const char *sub,
                                 const char *verbs)
{
    json_object *o = json_object_new_object();
    char name[96];
    snprintf(name, sizeof(name), "%s%s%s", r->plural, sub ? "/" : "", sub ? sub : "");
    sim_json_set_str(o, "name", name);
    sim_json_set_str(o, "singularName", sub ? "" : (r->singular[0] ? r->singular : ""));
    json_object_object_add(o, "namespaced", json_object_new_boolean(r->namespaced));
    sim_json_set_str(o, "kind", r->kind);
    json_object_object_add(o, "verbs", str_array(verbs));
    if (!sub && r->short_names[0])
        json_object_object_add(o, "shortNames", str_array(r->short_names));
    if (!sub && in_all(r))
        json_object_object_add(o, "categories", str_array("all"));
    return o;
}

static json_object *resource_list(const char *group, const char *version)
{
    json_object *l = json_object_new_object(), *res = json_object_new_array();
    char gv[128];
    snprintf(gv, sizeof(gv), "%s%s%s", group, *group ? "/" : "", version);
    sim_json_set_str(l, "kind", "APIResourceList");
    sim_json_set_str(l, "apiVersion", "v1");
    sim_json_set_str(l, "groupVersion", gv);
    for (const struct kube_resource *r = kube_resources(); r->kind; r++) {
        if (strcmp(r->group, group) || strcmp(r->version, version))
            continue;
        json_object_array_add(res, api_resource(r, NULL, r->verbs));
        if (r->read_only)
            continue;
        if (!strcmp(r->plural, "pods"))
            json_object_array_add(res, api_resource(r, "log", "get"));
        if (!strcmp(r->plural, "namespaces"))
            json_object_array_add(res, api_resource(r, "finalize", "update"));
        json_object_array_add(res, api_resource(r, "status", "get,patch,update"));
    }
    json_object_object_add(l, "resources", res);
    return l;
}

static json_object *group_entry(const char *group)
{
    json_object *g = json_object_new_object(), *versions = json_object_new_array();
    json_object *preferred = NULL;
    const char *seen[8];
    size_t nseen = 0;

    sim_json_set_str(g, "name", group);
    for (const struct kube_resource *r = kube_resources(); r->kind; r++) {
        if (strcmp(r->group, group))
            continue;
        int dup = 0;
        for (size_t i = 0; i < nseen; i++)
            dup |= !strcmp(seen[i], r->version);
        if (dup || nseen == 8)
            continue;
        seen[nseen++] = r->version;
        json_object *v = json_object_new_object();
        char gv[128];
        snprintf(gv, sizeof(gv), "%s/%s", group, r->version);
        sim_json_set_str(v, "groupVersion", gv);
        sim_json_set_str(v, "version", r->version);
        json_object_array_add(versions, v);
        if (!preferred)
            json_object_deep_copy(v, &preferred, NULL);
    }
    json_object_object_add(g, "versions", versions);
    json_object_object_add(g, "preferredVersion", preferred);
    return g;
}

static json_object *group_list(void)
{
    json_object *l = json_object_new_object(), *groups = json_object_new_array();
    const char *seen[32];
    size_t nseen = 0;

    sim_json_set_str(l, "kind", "APIGroupList");
    sim_json_set_str(l, "apiVersion", "v1");
    for (const struct kube_resource *r = kube_resources(); r->kind; r++) {
        int dup = !r->group[0];
        for (size_t i = 0; i < nseen; i++)
            dup |= !strcmp(seen[i], r->group);
        if (dup || nseen == 32)
            continue;
        seen[nseen++] = r->group;
        json_object_array_add(groups, group_entry(r->group));
    }
    json_object_object_add(l, "groups", groups);
    return l;
}

static json_object *api_versions(const struct sim *s)
{
    json_object *l = json_object_new_object(), *cidrs = json_object_new_array();
    json_object *c = json_object_new_object();
    char addr[96];
    snprintf(addr, sizeof(addr), "%s:%u", s->opt.listen_host, s->port);
    sim_json_set_str(l, "kind", "APIVersions");
    json_object_object_add(l, "versions", str_array("v1"));
    sim_json_set_str(c, "clientCIDR", "0.0.0.0/0");
    sim_json_set_str(c, "serverAddress", addr);
    json_object_array_add(cidrs, c);
    json_object_object_add(l, "serverAddressByClientCIDRs", cidrs);
    return l;
}

static json_object *version_info(void)
{
    return json_tokener_parse(
        "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.3\","
        "\"gitCommit\":\"32cc146f75aad04beaaa245a7157eb35063a9f99\",\"gitTreeState\":\"clean\","
        "\"buildDate\":\"2025-03-11T19:52:21Z\",\"goVersion\":\"go1.23.6\",\"compiler\":\"gc\","
        "\"platform\":\"linux/amd64\"}");
}

int sim_discovery_handle(struct sim_request *rq, struct sim_response *rs)
{
    const char *u = rq->url;
    char group[128], version[64];

    if (!strcmp(u, "/healthz") || !strcmp(u, "/livez") || !strcmp(u, "/readyz")) {
        text(rs, 200, "ok");
        return 1;
    }
    if (!strcmp(u, "/version")) {
        sim_respond_json(rs, 200, version_info());
        return 1;
    }
    if (!strcmp(u, "/api") || !strcmp(u, "/api/")) {
        sim_respond_json(rs, 200, api_versions(rq->sim));
        return 1;
    }
    if (!strcmp(u, "/api/v1") || !strcmp(u, "/api/v1/")) {
        sim_respond_json(rs, 200, resource_list("", "v1"));
        return 1;
    }
    if (!strcmp(u, "/apis") || !strcmp(u, "/apis/")) {
        sim_respond_json(rs, 200, group_list());
        return 1;
    }
    if (!strncmp(u, "/openapi/", 9)) {
        /* Not published: kubectl treats a 404 as "no schema" and leaves
         * field validation to the server (fieldValidation=Strict). */
        sim_respond_status(rs, sim_status_path_not_found());
        return 1;
    }
    int n = sscanf(u, "/apis/%127[^/]/%63[^/]", group, version);
    size_t plen = 6 + strlen(group) + (n == 2 ? 1 + strlen(version) : 0);
    if (n >= 1 && (u[plen] == '\0' || (u[plen] == '/' && u[plen + 1] == '\0'))) {
        if (n == 1 && sim_group_version_served(group, NULL)) {
            json_object *g = group_entry(group);
            sim_json_set_str(g, "kind", "APIGroup");
            sim_json_set_str(g, "apiVersion", "v1");
            sim_respond_json(rs, 200, g);
        } else if (n == 2 && sim_group_version_served(group, version)) {
            sim_respond_json(rs, 200, resource_list(group, version));
        } else {
            sim_respond_status(rs, sim_status_path_not_found());
        }
        return 1;
    }
    return 0;
}
