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
 * /openapi/v3 publishes a minimal document per group/version: only the
 * write operations of each resource with their x-kubernetes-group-version-
 * kind and query parameters, no schemas.  That is what kubectl's
 * QueryParamVerifier reads to learn that the server validates fields itself
 * (fieldValidation=Strict); without it kubectl falls back to downloading the
 * protobuf /openapi/v2, which we do not serve (406), and refuses to create.
 *
 * Every builder below returns a new json tree that the caller puts
 * (normally by handing it to sim_respond_json()).
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
    static const char *all[] = {"pods", "services", "deployments", "replicasets", "statefulsets", "jobs", "cronjobs"};
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
        if (!strcmp(r->kind, "Deployment") || !strcmp(r->kind, "StatefulSet") || !strcmp(r->kind, "ReplicaSet")) {
            json_object *sc = api_resource(r, "scale", "get,patch,update");
            sim_json_set_str(sc, "group", "autoscaling");
            sim_json_set_str(sc, "version", "v1");
            sim_json_set_str(sc, "kind", "Scale");
            json_object_array_add(res, sc);
        }
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

/* {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}}} */
static json_object *openapi_root(void)
{
    json_object *root = json_object_new_object(), *paths = json_object_new_object();
    for (const struct kube_resource *r = kube_resources(); r->kind; r++) {
        char key[160], url[200];
        snprintf(key, sizeof(key), "%s%s%s%s", r->group[0] ? "apis/" : "api", r->group,
                 r->group[0] ? "/" : "/", r->version);
        if (json_object_object_get_ex(paths, key, NULL))
            continue;
        json_object *e = json_object_new_object();
        snprintf(url, sizeof(url), "/openapi/v3/%s?hash=0SIMULATOR", key);
        sim_json_set_str(e, "serverRelativeURL", url);
        json_object_object_add(paths, key, e);
    }
    json_object_object_add(root, "paths", paths);
    return root;
}

static json_object *openapi_op(const struct kube_resource *r, const char *id)
{
    static const char *params[] = {"dryRun", "fieldManager", "fieldValidation", "force"};
    json_object *op = json_object_new_object(), *gvk = json_object_new_object();
    json_object *ps = json_object_new_array();
    sim_json_set_str(op, "operationId", id);
    sim_json_set_str(gvk, "group", r->group);
    sim_json_set_str(gvk, "version", r->version);
    sim_json_set_str(gvk, "kind", r->kind);
    json_object_object_add(op, "x-kubernetes-group-version-kind", gvk);
    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
        json_object *p = json_object_new_object();
        sim_json_set_str(p, "name", params[i]);
        sim_json_set_str(p, "in", "query");
        json_object_object_add(p, "schema", json_tokener_parse("{\"type\":\"string\"}"));
        json_object_array_add(ps, p);
    }
    json_object_object_add(op, "parameters", ps);
    json_object_object_add(op, "responses", json_object_new_object());
    return op;
}

/* A minimal OpenAPI 3 document for one group/version: write operations
 * with their GVK and query parameters (what kubectl's verifier reads). */
static json_object *openapi_gv(const char *group, const char *version)
{
    json_object *doc = json_object_new_object(), *paths = json_object_new_object();
    sim_json_set_str(doc, "openapi", "3.0.0");
    json_object_object_add(doc, "info", json_tokener_parse("{\"title\":\"Kubernetes\",\"version\":\"v1.32.3\"}"));
    for (const struct kube_resource *r = kube_resources(); r->kind; r++) {
        char base[256], item[300];
        if (strcmp(r->group, group) || strcmp(r->version, version) || r->read_only)
            continue;
        if (r->group[0])
            snprintf(base, sizeof(base), "/apis/%s/%s%s/%s", r->group, r->version,
                     r->namespaced ? "/namespaces/{namespace}" : "", r->plural);
        else
            snprintf(base, sizeof(base), "/api/%s%s/%s", r->version,
                     r->namespaced ? "/namespaces/{namespace}" : "", r->plural);
        snprintf(item, sizeof(item), "%s/{name}", base);
        json_object *coll = json_object_new_object(), *it = json_object_new_object();
        json_object_object_add(coll, "post", openapi_op(r, "create"));
        json_object_object_add(it, "put", openapi_op(r, "replace"));
        json_object_object_add(it, "patch", openapi_op(r, "patch"));
        json_object_object_add(paths, base, coll);
        json_object_object_add(paths, item, it);
    }
    json_object_object_add(doc, "paths", paths);
    json_object_object_add(doc, "components", json_tokener_parse("{\"schemas\":{}}"));
    return doc;
}

/* /openapi/v2 as the protobuf kubectl asks for, with no definitions.
 * kubectl validates client-side only what the v3 index does not cover (a
 * v1 List read from a file is the common case); with an empty schema it
 * skips every object, and the server still applies fieldValidation.
 * Hand-encoded gnostic openapi_v2.Document: swagger (1) = "2.0",
 * info (2) = {title (1), version (2)}, paths (8) = {}. */
static void openapi_v2(struct sim_response *rs)
{
    static const char doc[] =
        "\x0a\x03" "2.0"
        "\x12\x15" "\x0a\x0a" "Kubernetes" "\x12\x07" "v1.32.3"
        "\x42\x00";
    rs->code = 200;
    rs->text = malloc(sizeof(doc) - 1 + 1);
    if (rs->text)
        memcpy(rs->text, doc, sizeof(doc));
    rs->text_len = sizeof(doc) - 1;
    /* Go's mime parser refuses the "@" of the requested type. */
    rs->content_type = "application/octet-stream";
}

int sim_discovery_handle(struct sim_request *rq, struct sim_response *rs)
{
    const char *u = rq->url;
    char group[128] = "", version[64] = "";   /* read by strlen even when sscanf fails */

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
    if (!strcmp(u, "/openapi/v3") || !strcmp(u, "/openapi/v3/")) {
        sim_respond_json(rs, 200, openapi_root());
        return 1;
    }
    if (!strncmp(u, "/openapi/v3/api/", 16) || !strncmp(u, "/openapi/v3/apis/", 17)) {
        json_object *doc = NULL;
        if (!strncmp(u, "/openapi/v3/api/", 16))
            doc = sim_group_version_served("", u + 16) ? openapi_gv("", u + 16) : NULL;
        else if (sscanf(u, "/openapi/v3/apis/%127[^/]/%63[^/]", group, version) == 2 &&
                 sim_group_version_served(group, version))
            doc = openapi_gv(group, version);
        if (doc)
            sim_respond_json(rs, 200, doc);
        else
            sim_respond_status(rs, sim_status_path_not_found());
        return 1;
    }
    if (!strcmp(u, "/openapi/v2")) {
        openapi_v2(rs);
        return 1;
    }
    if (!strncmp(u, "/openapi/", 9)) {
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
