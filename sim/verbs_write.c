/*
 * verbs_write.c - create (POST), replace (PUT), patch (PATCH, except apply
 * which lives in apply.c), delete and deletecollection.
 *
 * The order of checks follows kube-apiserver: decode the body (400/415),
 * strict field validation (400), admission (namespace missing 404,
 * terminating 403), validation (422), then storage (409 AlreadyExists or the
 * optimistic-lock Conflict).  Creates and updates share two functions,
 * sim_create_object() and sim_update_object(), so apply, PUT and every patch
 * type end in the same place: server-set metadata is kept, status is kept
 * on main-resource writes of kinds with a /status subresource, generation
 * goes up when anything outside metadata and status changed, managedFields
 * record the writer, and a no-op write does not bump the resourceVersion.
 *
 * Namespace deletion only marks the namespace Terminating (200 with the
 * object); lifecycle.c removes it and its content after --ns-delete-delay-ms.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sim.h"

#define OPTIMISTIC_LOCK "the object has been modified; please apply your changes to the latest version and try again"
#define NS_TERMINATING_MSG "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."

static int media_is(const char *ct, const char *type)
{
    size_t n = strlen(type);
    return ct && !strncasecmp(ct, type, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void unsupported_media(struct sim_response *rs, const char *accepted)
{
    char msg[512];
    snprintf(msg, sizeof(msg), "the body of the request was in an unknown format - accepted media types include: %s",
             accepted);
    sim_respond_status(rs, sim_status(415, "UnsupportedMediaType", msg));
}

/* Decode a POST/PUT body (JSON or YAML): a new tree the caller puts, or
 * NULL with rs filled. */
static json_object *decode_body(struct sim_request *rq, struct sim_response *rs)
{
    char msg[512];
    json_object *obj;

    if (!media_is(rq->content_type, "application/json") &&
        !media_is(rq->content_type, "application/yaml")) {
        /* Protobuf (kubectl's typed imperative commands) lands here too. */
        unsupported_media(rs, "application/json, application/yaml");
        return NULL;
    }
    obj = sim_yaml_to_json(rq->body, rq->body_len, msg, sizeof(msg));
    if (!obj || !json_object_is_type(obj, json_type_object)) {
        char full[700];
        snprintf(full, sizeof(full), "couldn't get version/kind; json parse error: %s",
                 obj ? "expected an object" : msg);
        json_object_put(obj);
        sim_respond_status(rs, sim_status_bad_request(full));
        return NULL;
    }
    return obj;
}

/* kind/apiVersion must match the URL's resource; missing ones are filled. */
static int check_type(const struct kube_resource *res, json_object *obj, struct sim_response *rs)
{
    char av[96], msg[512];
    const char *kind = sim_json_str(obj, "kind"), *got = sim_json_str(obj, "apiVersion");

    kube_resource_api_version(res, av, sizeof(av));
    if (got && strcmp(got, av)) {
        snprintf(msg, sizeof(msg), "the API version in the data (%s) does not match the expected API version (%s)", got, av);
        sim_respond_status(rs, sim_status_bad_request(msg));
        return -1;
    }
    if (kind && strcmp(kind, res->kind)) {
        snprintf(msg, sizeof(msg), "the kind in the data (%s) does not match the expected kind (%s)", kind, res->kind);
        sim_respond_status(rs, sim_status_bad_request(msg));
        return -1;
    }
    sim_json_set_str(obj, "kind", res->kind);
    sim_json_set_str(obj, "apiVersion", av);
    if (!json_object_is_type(sim_json_path(obj, "metadata"), json_type_object))
        json_object_object_add(obj, "metadata", json_object_new_object());
    return 0;
}

/* The namespace in the body must match the URL; a missing one is filled. */
static int check_namespace(const struct sim_route *r, json_object *obj, struct sim_response *rs)
{
    json_object *meta = sim_json_obj(obj, "metadata");
    const char *ns = sim_json_str(meta, "namespace");
    if (!r->res->namespaced) {
        json_object_object_del(meta, "namespace");
        return 0;
    }
    if (ns && *ns && strcmp(ns, r->ns)) {
        sim_respond_status(rs, sim_status_bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"));
        return -1;
    }
    sim_json_set_str(meta, "namespace", r->ns);
    return 0;
}

int sim_check_unknown_fields(struct sim_request *rq, struct sim_response *rs, json_object *obj)
{
    const char *mode = sim_query(rq, "fieldValidation");
    char *names[16];
    size_t n;

    if (mode && !strcmp(mode, "Ignore")) {
        sim_prune_unknown_fields(rq->route.res, obj);
        return 0;
    }
    if (mode && strcmp(mode, "Strict") && strcmp(mode, "Warn")) {
        char msg[256];
        snprintf(msg, sizeof(msg), "fieldValidation parameter unsupported: %s", mode);
        sim_respond_status(rs, sim_status_bad_request(msg));
        return -1;
    }
    n = sim_unknown_fields(rq->route.res, obj, names, 16);
    if (n == 0)
        return 0;
    if (mode && !strcmp(mode, "Strict")) {
        char msg[2048];
        size_t pos = (size_t)snprintf(msg, sizeof(msg), "strict decoding error: ");
        for (size_t i = 0; i < n && pos < sizeof(msg); i++)
            pos += (size_t)snprintf(msg + pos, sizeof(msg) - pos, "%sunknown field \"%s\"",
                                    i ? ", " : "", names[i]);
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        sim_respond_status(rs, sim_status_bad_request(msg));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        sim_add_warning(rs, "299 - \"unknown field \\\"%s\\\"\"", names[i]);
        free(names[i]);
    }
    sim_prune_unknown_fields(rq->route.res, obj);   /* never stored */
    return 0;
}

/* 422 when obj is invalid (rs filled, returns -1); old is the stored
 * state on an update (immutable fields), NULL on a create. */
static int validate(const struct kube_resource *res, json_object *obj, json_object *old,
                    struct sim_response *rs)
{
    struct sim_invalid inv = {0};
    if (old)
        sim_validate_update(res, obj, old, &inv);
    else
        sim_validate(res, obj, &inv);
    if (inv.n == 0)
        return 0;
    const char *name = sim_json_str(obj, "metadata.name");
    sim_respond_status(rs, sim_status_invalid(res, name ? name : "", inv.causes, inv.n));
    return -1;
}

/* Next free ClusterIP in 10.152.183.0/24 (lock held): .1 is the API server
 * and .10 CoreDNS in MicroK8s, so allocation starts above them.  One scan
 * of the store marks the addresses in use; the choice is a random free one
 * of the /24.  When the /24 is full (a demo cluster of hundreds of tenants,
 * which a real MicroK8s could not hold) the next free address from
 * 10.152.184.0 up is used, as --seed-tenants does. */
static void alloc_cluster_ip(struct sim *s, char *buf, size_t len)
{
    const struct kube_resource *svc = kube_resource_by_plural("", "v1", "services");
    unsigned char *used = calloc(65536 / 8, 1);
    int free24 = 0;
    if (!used) {
        snprintf(buf, len, "10.152.183.%d", 11 + (int)(sim_rand(s) % 243));
        return;
    }
    for (size_t i = 0; i < s->store.nobjs; i++) {
        unsigned x, y;
        const char *ip = s->store.objs[i]->res == svc ? sim_json_str(s->store.objs[i]->obj, "spec.clusterIP") : NULL;
        if (ip && sscanf(ip, "10.152.%u.%u", &x, &y) == 2 && x < 256 && y < 256)
            used[(x << 8 | y) / 8] |= (unsigned char)(1u << ((x << 8 | y) % 8));
    }
#define IP_USED(v) ((used[(v) / 8] >> ((v) % 8)) & 1)
    for (unsigned h = 11; h <= 253; h++)
        free24 += !IP_USED(183u << 8 | h);
    if (free24) {
        int pick = (int)(sim_rand(s) % (uint64_t)free24);
        for (unsigned h = 11; h <= 253; h++) {
            if (!IP_USED(183u << 8 | h) && pick-- == 0) {
                snprintf(buf, len, "10.152.183.%u", h);
                break;
            }
        }
    } else {
        unsigned v = 184u << 8 | 1;
        while (v < 65535 && (IP_USED(v) || (v & 0xff) == 0 || (v & 0xff) == 255))
            v++;
        snprintf(buf, len, "10.152.%u.%u", v >> 8, v & 0xff);
    }
#undef IP_USED
    free(used);
}

static void default_if_missing(json_object *o, const char *key, json_object *v)
{
    if (!json_object_object_get_ex(o, key, NULL))
        json_object_object_add(o, key, v);
    else
        json_object_put(v);
}

static void default_service(struct sim *s, json_object *spec)
{
    char ip[32];
    default_if_missing(spec, "type", json_object_new_string("ClusterIP"));
    default_if_missing(spec, "sessionAffinity", json_object_new_string("None"));
    if (strcmp(sim_json_str(spec, "type"), "ExternalName")) {
        if (!sim_json_str(spec, "clusterIP")) {
            alloc_cluster_ip(s, ip, sizeof(ip));
            sim_json_set_str(spec, "clusterIP", ip);
        }
        json_object *ips = json_object_new_array();
        json_object_array_add(ips, json_object_new_string(sim_json_str(spec, "clusterIP")));
        default_if_missing(spec, "clusterIPs", ips);
        default_if_missing(spec, "ipFamilies", json_tokener_parse("[\"IPv4\"]"));
        default_if_missing(spec, "ipFamilyPolicy", json_object_new_string("SingleStack"));
        default_if_missing(spec, "internalTrafficPolicy", json_object_new_string("Cluster"));
    }
    json_object *ports = sim_json_path(spec, "ports");
    size_t n = ports && json_object_is_type(ports, json_type_array) ? json_object_array_length(ports) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *p = json_object_array_get_idx(ports, i), *port;
        if (!json_object_is_type(p, json_type_object))
            continue;
        default_if_missing(p, "protocol", json_object_new_string("TCP"));
        if (json_object_object_get_ex(p, "port", &port))
            default_if_missing(p, "targetPort", json_object_get(port));
    }
}

/* Secrets: stringData is write-only; the server folds it into data
 * (base64) and drops it, on every write. */
static void fold_string_data(json_object *obj)
{
    json_object *sd;
    if (!json_object_object_get_ex(obj, "stringData", &sd) || !json_object_is_type(sd, json_type_object)) {
        json_object_object_del(obj, "stringData");
        return;
    }
    json_object *data = sim_json_obj(obj, "data");
    json_object_object_foreach(sd, key, val) {
        const char *v = val ? json_object_get_string(val) : "";
        size_t n = strlen(v);
        size_t blen = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
        char *b = malloc(blen);
        if (!b)
            continue;
        sodium_bin2base64(b, blen, (const unsigned char *)v, n, sodium_base64_VARIANT_ORIGINAL);
        sim_json_set_str(data, key, b);
        free(b);
    }
    json_object_object_del(obj, "stringData");
}

/* Server-side defaults of a new object (lock held). */
static void apply_defaults(struct sim *s, const struct kube_resource *res, json_object *obj)
{
    const char *k = res->kind;
    json_object *meta = sim_json_obj(obj, "metadata");

    if (!strcmp(k, "Namespace")) {
        sim_json_set_str(sim_json_obj(meta, "labels"), "kubernetes.io/metadata.name",
                         sim_json_str(meta, "name"));
        default_if_missing(sim_json_obj(obj, "spec"), "finalizers", json_tokener_parse("[\"kubernetes\"]"));
        json_object_object_add(obj, "status", json_tokener_parse("{\"phase\":\"Active\"}"));
    } else if (!strcmp(k, "Deployment") || !strcmp(k, "StatefulSet")) {
        json_object *spec = sim_json_obj(obj, "spec");
        default_if_missing(spec, "replicas", json_object_new_int(1));
        default_if_missing(spec, "revisionHistoryLimit", json_object_new_int(10));
        if (!strcmp(k, "Deployment")) {
            default_if_missing(spec, "progressDeadlineSeconds", json_object_new_int(600));
            /* SetDefaults_Deployment: type RollingUpdate; a RollingUpdate
             * gets rollingUpdate with the missing values at 25%. */
            json_object *st = sim_json_obj(spec, "strategy");
            const char *type = sim_json_str(st, "type");
            if (!type || !*type)
                sim_json_set_str(st, "type", "RollingUpdate");
            if (!strcmp(sim_json_str(st, "type"), "RollingUpdate")) {
                json_object *ru = sim_json_path(st, "rollingUpdate");
                if (!ru || !json_object_is_type(ru, json_type_object))
                    json_object_object_add(st, "rollingUpdate", ru = json_object_new_object());
                static const char *keys[] = {"maxSurge", "maxUnavailable"};
                for (size_t i = 0; i < 2; i++) {
                    json_object *x = NULL;
                    if (!json_object_object_get_ex(ru, keys[i], &x) || !x)   /* absent or null */
                        json_object_object_add(ru, keys[i], json_object_new_string("25%"));
                }
            }
        } else {
            default_if_missing(spec, "podManagementPolicy", json_object_new_string("OrderedReady"));
            default_if_missing(spec, "updateStrategy", json_tokener_parse(
                "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}"));
        }
        json_object_object_add(obj, "status", json_object_new_object());
    } else if (!strcmp(k, "ReplicaSet")) {
        default_if_missing(sim_json_obj(obj, "spec"), "replicas", json_object_new_int(1));
        json_object_object_add(obj, "status", json_tokener_parse("{\"replicas\":0}"));
    } else if (!strcmp(k, "Service")) {
        default_service(s, sim_json_obj(obj, "spec"));
        json_object_object_add(obj, "status", json_tokener_parse("{\"loadBalancer\":{}}"));
    } else if (!strcmp(k, "Pod")) {
        json_object *spec = sim_json_obj(obj, "spec");
        default_if_missing(spec, "restartPolicy", json_object_new_string("Always"));
        default_if_missing(spec, "schedulerName", json_object_new_string("default-scheduler"));
        default_if_missing(spec, "serviceAccountName", json_object_new_string("default"));
        default_if_missing(obj, "status", json_tokener_parse("{\"phase\":\"Pending\",\"qosClass\":\"BestEffort\"}"));
    } else if (!strcmp(k, "PersistentVolumeClaim")) {
        json_object_object_add(obj, "status", json_tokener_parse("{\"phase\":\"Pending\"}"));
    } else if (!strcmp(k, "Secret")) {
        default_if_missing(obj, "type", json_object_new_string("Opaque"));
        fold_string_data(obj);
    } else if (sim_has_status(res)) {
        json_object_object_add(obj, "status", json_object_new_object());
    }
    if (sim_kind_has_generation(res))
        json_object_object_add(meta, "generation", json_object_new_int64(1));
}

void sim_object_defaults(struct sim *s, const struct kube_resource *res, json_object *obj)
{
    apply_defaults(s, res, obj);
}

/* Strip what a client may not set on create. */
static void strip_server_fields(json_object *meta)
{
    static const char *server[] = {"uid", "resourceVersion", "generation", "creationTimestamp",
                                   "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
                                   "managedFields"};
    for (size_t i = 0; i < sizeof(server) / sizeof(server[0]); i++)
        json_object_object_del(meta, server[i]);
}

/* Namespace admission for a create (lock held): 0 or -1 with rs filled. */
static int admit_namespace(struct sim *s, const struct sim_route *r, const char *name,
                           struct sim_response *rs)
{
    if (!r->res->namespaced)
        return 0;
    const struct kube_resource *nsres = kube_resource_by_plural("", "v1", "namespaces");
    struct sim_object *ns = sim_store_find(s, nsres, "", r->ns);
    if (!ns) {
        sim_respond_status(rs, sim_status_ns_not_found(r->ns));
        return -1;
    }
    if (sim_json_path(ns->obj, "metadata.deletionTimestamp")) {
        sim_respond_status(rs, sim_status_ns_terminating(r->res, name, r->ns));
        return -1;
    }
    return 0;
}

void sim_create_object(struct sim_request *rq, struct sim_response *rs, json_object *obj,
                       const struct sim_write_ctx *w)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    json_object *meta = sim_json_obj(obj, "metadata");
    char name[300], av[96];

    strip_server_fields(meta);
    pthread_mutex_lock(&s->lock);
    const char *gen = sim_json_str(meta, "generateName");
    if (!sim_json_str(meta, "name") && gen && *gen) {
        char suffix[6];
        sim_rand_suffix(s, suffix, 5);
        snprintf(name, sizeof(name), "%s%s", gen, suffix);
        sim_json_set_str(meta, "name", name);
    }
    snprintf(name, sizeof(name), "%s", sim_json_str(meta, "name") ? sim_json_str(meta, "name") : "");
    /* A create by apply is checked for "create" after validation, as the
     * registry runs createValidation (withAuthorization) after BeforeCreate. */
    if (admit_namespace(s, r, name, rs) || validate(r->res, obj, NULL, rs) ||
        (w->authorize_create && sim_authorize_create(rq, rs)))
        goto out;
    struct sim_object *old = sim_store_find(s, r->res, r->ns, name);
    if (old) {
        sim_respond_status(rs, sim_status_already_exists(
            r->res, name, sim_json_path(old->obj, "metadata.deletionTimestamp") != NULL));
        goto out;
    }
    /* Ownership first: server defaults belong to no manager. */
    kube_resource_api_version(r->res, av, sizeof(av));
    if (w->managed) {
        /* A copy: the caller's tree must share nothing with a stored one. */
        json_object *mf = NULL;
        json_object_deep_copy(w->managed, &mf, NULL);
        json_object_object_add(meta, "managedFields", mf);
    } else
        sim_managed_update(obj, NULL, w->manager, w->operation, av, sim_now_ms());
    apply_defaults(s, r->res, obj);
    if (w->dry_run) {
        char uid[37], ts[32];
        sim_uuid(s, uid);
        sim_format_time(sim_now_ms(), ts, sizeof(ts));
        sim_json_set_str(meta, "uid", uid);
        sim_json_set_str(meta, "creationTimestamp", ts);
        sim_respond_json(rs, 201, obj);
        obj = NULL;
        goto out;
    }
    struct sim_object *o = sim_store_add(s, r->res, obj);
    obj = NULL;
    if (o)
        sim_respond_json(rs, 201, sim_object_export(o, 1));
out:
    pthread_mutex_unlock(&s->lock);
    json_object_put(obj);
}

void sim_verb_create(struct sim_request *rq, struct sim_response *rs)
{
    char manager[128];
    json_object *obj;

    if (rq->route.sub[0]) {
        sim_respond_status(rs, sim_status_method_not_allowed(rq->route.res, "POST"));
        return;
    }
    if (!(obj = decode_body(rq, rs)))
        return;
    if (check_type(rq->route.res, obj, rs) || check_namespace(&rq->route, obj, rs) ||
        sim_check_unknown_fields(rq, rs, obj)) {
        json_object_put(obj);
        return;
    }
    sim_manager_name(rq, manager, sizeof(manager));
    struct sim_write_ctx w = {.manager = manager, .operation = "Update",
                              .dry_run = sim_query(rq, "dryRun") != NULL};
    sim_create_object(rq, rs, obj, &w);
}

/* Everything outside metadata and status, for generation and no-op checks. */
static int spec_equal(json_object *a, json_object *b)
{
    int eq = 1;
    json_object_object_foreach(a, key, va) {
        if (!strcmp(key, "metadata") || !strcmp(key, "status"))
            continue;
        json_object *vb;
        if (!json_object_object_get_ex(b, key, &vb) || !json_object_equal(va, vb))
            eq = 0;
    }
    json_object_object_foreach(b, keyb, vb2) {
        (void)vb2;
        if (strcmp(keyb, "metadata") && strcmp(keyb, "status") && !json_object_object_get_ex(a, keyb, NULL))
            eq = 0;
    }
    return eq;
}

static void keep_member(json_object *dst, json_object *src, const char *key)
{
    json_object *v;
    if (json_object_object_get_ex(src, key, &v)) {
        json_object *copy = NULL;
        json_object_deep_copy(v, &copy, NULL);
        json_object_object_add(dst, key, copy);
    } else {
        json_object_object_del(dst, key);
    }
}

/* 1 when obj's metadata.finalizers is a non-empty array. */
static int has_finalizers(json_object *obj)
{
    json_object *f = sim_json_path(obj, "metadata.finalizers");
    return f && json_object_is_type(f, json_type_array) && json_object_array_length(f) > 0;
}

/* A copy of o's object stamped as being deleted now (grace 0); the
 * caller owns it. */
static json_object *deletion_stamped(const struct sim_object *o)
{
    json_object *n = NULL, *meta;
    char ts[32];

    json_object_deep_copy(o->obj, &n, NULL);
    sim_format_time(sim_now_ms(), ts, sizeof(ts));
    meta = sim_json_obj(n, "metadata");
    sim_json_set_str(meta, "deletionTimestamp", ts);
    json_object_object_add(meta, "deletionGracePeriodSeconds", json_object_new_int(0));
    return n;
}

/* DELETE of an object with metadata.finalizers (lock held): it stays,
 * with deletionTimestamp (once), until an update removes the last
 * finalizer; the answer is the object, 200, as kube-apiserver's. */
static void delete_pending(struct sim *s, struct sim_object *o, struct sim_response *rs, int dry_run)
{
    if (sim_json_path(o->obj, "metadata.deletionTimestamp")) {
        sim_respond_json(rs, 200, sim_object_export(o, 1));
        return;
    }
    json_object *n = deletion_stamped(o);
    if (dry_run) {
        sim_respond_json(rs, 200, n);
        return;
    }
    sim_store_replace(s, o, n);
    sim_respond_json(rs, 200, sim_object_export(o, 1));
}

/* Copy the server-owned metadata of old into nobj. */
static void keep_server_meta(json_object *nobj, json_object *old)
{
    static const char *keep[] = {"uid", "creationTimestamp", "generation", "deletionTimestamp",
                                 "deletionGracePeriodSeconds", "name", "namespace"};
    json_object *nm = sim_json_obj(nobj, "metadata"), *om = sim_json_obj(old, "metadata");
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        keep_member(nm, om, keep[i]);
}

/* Drop managedFields[].time, so a write that only refreshes times is a no-op. */
static void strip_times(json_object *obj)
{
    json_object *mf = sim_json_path(obj, "metadata.managedFields");
    size_t n = mf && json_object_is_type(mf, json_type_array) ? json_object_array_length(mf) : 0;
    for (size_t i = 0; i < n; i++)
        json_object_object_del(json_object_array_get_idx(mf, i), "time");
}

/* The tree to store for a write of nobj (owned) over o: the new status
 * only for /status, else the new object with server metadata and status
 * kept.  Returns the tree to use (owned). */
static json_object *merge_server_state(const struct sim_object *o, json_object *nobj, int status_only)
{
    if (status_only) {
        json_object *merged = NULL;
        json_object_deep_copy(o->obj, &merged, NULL);
        keep_member(merged, nobj, "status");
        json_object_put(nobj);
        nobj = merged;
    } else {
        keep_server_meta(nobj, o->obj);
        if (sim_has_status(o->res))
            keep_member(nobj, o->obj, "status");
    }
    if (!strcmp(o->res->kind, "Namespace"))
        sim_json_set_str(sim_json_obj(sim_json_obj(nobj, "metadata"), "labels"),
                         "kubernetes.io/metadata.name", o->name);
    return nobj;
}

/* 1 when storing nobj would change nothing but managedFields times. */
static int is_noop(json_object *nobj, json_object *old)
{
    json_object *a = NULL, *b = NULL;
    json_object_deep_copy(nobj, &a, NULL);
    json_object_deep_copy(old, &b, NULL);
    strip_times(a);
    strip_times(b);
    json_object_object_del(sim_json_obj(a, "metadata"), "resourceVersion");
    json_object_object_del(sim_json_obj(b, "metadata"), "resourceVersion");
    int same = json_object_equal(a, b);
    json_object_put(a);
    json_object_put(b);
    return same;
}

void sim_update_object(struct sim_request *rq, struct sim_response *rs, struct sim_object *o,
                       json_object *nobj, const struct sim_write_ctx *w)
{
    const struct kube_resource *res = o->res;
    const char *cur_rv = sim_json_str(o->obj, "metadata.resourceVersion");
    char av[96];

    if (w->precondition_rv && *w->precondition_rv && cur_rv && strcmp(w->precondition_rv, cur_rv)) {
        sim_respond_status(rs, sim_status_conflict(res, o->name, OPTIMISTIC_LOCK));
        json_object_put(nobj);
        return;
    }
    nobj = merge_server_state(o, nobj, w->status_only);
    if (!strcmp(res->kind, "Secret"))
        fold_string_data(nobj);
    if (validate(res, nobj, o->obj, rs)) {
        json_object_put(nobj);
        return;
    }
    kube_resource_api_version(res, av, sizeof(av));
    if (strcmp(w->operation, "Apply")) {   /* apply.c computed its own */
        keep_member(sim_json_obj(nobj, "metadata"), sim_json_obj(o->obj, "metadata"), "managedFields");
        sim_managed_update(nobj, o->obj, w->manager, w->operation, av, sim_now_ms());
    }
    if (sim_kind_has_generation(res) && !spec_equal(nobj, o->obj)) {
        json_object *g = sim_json_path(nobj, "metadata.generation");
        json_object_object_add(sim_json_obj(nobj, "metadata"), "generation",
                               json_object_new_int64((g ? json_object_get_int64(g) : 0) + 1));
    }
    if (is_noop(nobj, o->obj)) {
        json_object_put(nobj);
        sim_respond_json(rs, 200, sim_object_export(o, 1));
    } else if (w->dry_run) {
        sim_respond_json(rs, 200, nobj);
    } else {
        /* The last finalizer of an object being deleted is gone: the
         * update is stored (MODIFIED), then the object goes (DELETED). */
        int gone = strcmp(res->kind, "Namespace") && sim_json_path(nobj, "metadata.deletionTimestamp") &&
                   !has_finalizers(nobj);
        sim_store_replace(rq->sim, o, nobj);
        sim_respond_json(rs, 200, sim_object_export(o, 1));
        if (gone)
            sim_store_remove(rq->sim, o);
    }
}

static int subresource_ok(const struct sim_route *r, struct sim_response *rs, int *status_only)
{
    *status_only = 0;
    if (!r->sub[0])
        return 0;
    if (!strcmp(r->sub, "status") && sim_has_status(r->res)) {
        *status_only = 1;
        return 0;
    }
    sim_respond_status(rs, sim_status_path_not_found());
    return -1;
}

void sim_verb_replace(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    char manager[128], rv[32] = "", msg[700];
    json_object *obj;
    int status_only;

    if (!strcmp(r->sub, "finalize") && !strcmp(r->res->plural, "namespaces"))
        status_only = 0;       /* PUT /finalize: treated as a plain update */
    else if (subresource_ok(r, rs, &status_only))
        return;
    if (!(obj = decode_body(rq, rs)))
        return;
    if (check_type(r->res, obj, rs) || check_namespace(r, obj, rs) ||
        sim_check_unknown_fields(rq, rs, obj)) {
        json_object_put(obj);
        return;
    }
    const char *name = sim_json_str(obj, "metadata.name");
    if (name && strcmp(name, r->name)) {
        snprintf(msg, sizeof(msg), "the name of the object (%s) does not match the name on the URL (%s)", name, r->name);
        sim_respond_status(rs, sim_status_bad_request(msg));
        json_object_put(obj);
        return;
    }
    if (sim_json_str(obj, "metadata.resourceVersion"))
        snprintf(rv, sizeof(rv), "%s", sim_json_str(obj, "metadata.resourceVersion"));
    sim_manager_name(rq, manager, sizeof(manager));
    struct sim_write_ctx w = {.manager = manager, .operation = "Update", .precondition_rv = rv,
                              .dry_run = sim_query(rq, "dryRun") != NULL, .status_only = status_only};
    pthread_mutex_lock(&s->lock);
    struct sim_object *o = sim_store_find(s, r->res, r->ns, r->name);
    if (!o) {
        sim_respond_status(rs, sim_status_not_found(r->res, r->name));
        json_object_put(obj);
    } else {
        sim_update_object(rq, rs, o, obj, &w);
    }
    pthread_mutex_unlock(&s->lock);
}

void sim_verb_patch(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    const char *ct = rq->content_type;
    int crd = !strcmp(r->res->group, "traefik.io"), status_only;
    int merge = media_is(ct, "application/merge-patch+json");
    int jsonp = media_is(ct, "application/json-patch+json");
    int strategic = media_is(ct, "application/strategic-merge-patch+json");
    char manager[128], msg[512], rv[32] = "";

    if (media_is(ct, "application/apply-patch+yaml")) {
        sim_apply(rq, rs);
        return;
    }
    if (!merge && !jsonp && (!strategic || crd)) {
        unsupported_media(rs, crd ? "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
                                  : "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
        return;
    }
    if (subresource_ok(r, rs, &status_only))
        return;
    json_object *patch = json_tokener_parse(rq->body);
    if (!patch || (jsonp && !json_object_is_type(patch, json_type_array)) ||
        (!jsonp && !json_object_is_type(patch, json_type_object))) {
        json_object_put(patch);
        sim_respond_status(rs, sim_status_bad_request(jsonp ? "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
                                                            : "error decoding patch: invalid JSON document"));
        return;
    }
    if (!jsonp && sim_json_str(patch, "metadata.resourceVersion"))
        snprintf(rv, sizeof(rv), "%s", sim_json_str(patch, "metadata.resourceVersion"));
    sim_manager_name(rq, manager, sizeof(manager));
    struct sim_write_ctx w = {.manager = manager, .operation = "Update", .precondition_rv = rv,
                              .dry_run = sim_query(rq, "dryRun") != NULL, .status_only = status_only};
    pthread_mutex_lock(&s->lock);
    struct sim_object *o = sim_store_find(s, r->res, r->ns, r->name);
    json_object *nobj = NULL;
    if (!o) {
        sim_respond_status(rs, sim_status_not_found(r->res, r->name));
    } else if (jsonp) {
        msg[0] = '\0';
        if (!(nobj = sim_json_patch(o->obj, patch, msg, sizeof(msg))))
            sim_respond_status(rs, sim_status(422, "Invalid", msg));
    } else {
        nobj = strategic ? sim_strategic_merge_patch(o->obj, patch) : sim_merge_patch(o->obj, patch);
    }
    if (nobj && (!json_object_is_type(nobj, json_type_object) ||
                 check_type(r->res, nobj, rs) || sim_check_unknown_fields(rq, rs, nobj))) {
        json_object_put(nobj);
        nobj = NULL;
        if (!rs->code)
            sim_respond_status(rs, sim_status_bad_request("the patch produced an invalid object"));
    }
    if (nobj)
        sim_update_object(rq, rs, o, nobj, &w);
    pthread_mutex_unlock(&s->lock);
    json_object_put(patch);
}

/* propagationPolicy from the query or a DeleteOptions body; NULL = default. */
static const char *propagation(struct sim_request *rq, json_object *opts)
{
    const char *p = sim_query(rq, "propagationPolicy");
    if (!p && opts)
        p = sim_json_str(opts, "propagationPolicy");
    return p;
}

static int protected_namespace(const char *name)
{
    return !strcmp(name, "default") || !strcmp(name, "kube-system") || !strcmp(name, "kube-public");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The namespace controller's status conditions while content is being
 * removed (lock held): which resources remain, with counts.  A new array
 * the caller puts. */
static json_object *termination_conditions(struct sim *s, const char *ns, const char *ts)
{
    char remaining[1024] = "", msg[1100], items[32][96];
    size_t pos = 0, nitems = 0;
    for (const struct kube_resource *r = kube_resources(); r->kind && nitems < 32; r++) {
        size_t n = 0;
        if (!r->namespaced || r->read_only)
            continue;
        for (size_t i = 0; i < s->store.nobjs; i++)
            n += s->store.objs[i]->res == r && !strcmp(s->store.objs[i]->ns, ns);
        if (n)   /* GroupResource.String() of the contract: "pods." for core */
            snprintf(items[nitems++], sizeof(items[0]), "%s.%s has %zu resource instances", r->plural, r->group, n);
    }
    qsort(items, nitems, sizeof(items[0]), cmp_str);
    for (size_t i = 0; i < nitems && pos < sizeof(remaining); i++)
        pos += (size_t)snprintf(remaining + pos, sizeof(remaining) - pos, "%s%s", i ? ", " : "", items[i]);
    json_object *c = json_object_new_array();
    static const char *fixed[][4] = {
        {"NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"},
        {"NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed"},
        {"NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"},
        {"NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished"},
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        json_object *e = json_object_new_object();
        sim_json_set_str(e, "type", fixed[i][0]);
        sim_json_set_str(e, "status", fixed[i][1]);
        sim_json_set_str(e, "lastTransitionTime", ts);
        sim_json_set_str(e, "reason", fixed[i][2]);
        sim_json_set_str(e, "message", fixed[i][3]);
        json_object_array_add(c, e);
    }
    json_object *e = json_object_new_object();
    sim_json_set_str(e, "type", "NamespaceContentRemaining");
    sim_json_set_str(e, "status", pos ? "True" : "False");
    sim_json_set_str(e, "lastTransitionTime", ts);
    sim_json_set_str(e, "reason", pos ? "SomeResourcesRemain" : "ContentRemoved");
    snprintf(msg, sizeof(msg), "%s%s", pos ? "Some resources are remaining: " : "All content successfully removed", remaining);
    sim_json_set_str(e, "message", msg);
    json_object_array_add(c, e);
    return c;
}

/* Mark namespace o Terminating (lock held). */
static void namespace_terminate(struct sim *s, struct sim_object *o, struct sim_response *rs,
                                int dry_run)
{
    json_object *n = deletion_stamped(o);
    const char *ts = sim_json_str(sim_json_obj(n, "metadata"), "deletionTimestamp");
    json_object *st = sim_json_obj(n, "status");
    sim_json_set_str(st, "phase", "Terminating");
    json_object_object_add(st, "conditions", termination_conditions(s, o->name, ts));
    if (dry_run) {
        sim_respond_json(rs, 200, n);
        return;
    }
    o->purge_at_ms = sim_now_ms() + s->opt.ns_delete_delay_ms;
    sim_store_replace(s, o, n);
    sim_respond_json(rs, 200, sim_object_export(o, 1));
}

/* DELETE of a Namespace (lock held): 403 for the protected ones, 409 when
 * already terminating, else Terminating. */
static void delete_namespace(struct sim *s, struct sim_object *o, struct sim_response *rs, int dry_run)
{
    if (protected_namespace(o->name))
        sim_respond_status(rs, sim_status_forbidden(o->res, o->name, "this namespace may not be deleted"));
    else if (sim_json_path(o->obj, "metadata.deletionTimestamp"))
        sim_respond_status(rs, sim_status_conflict(o->res, o->name, NS_TERMINATING_MSG));
    else
        namespace_terminate(s, o, rs, dry_run);
}

/* Foreground/Orphan (lock held): a real server answers with the object
 * carrying deletionTimestamp and the finalizer, then the garbage collector
 * finishes.  Phase 1 has no dependents to wait for, so the object goes at
 * once; the answer keeps the real shape. */
static void delete_with_finalizer(struct sim *s, struct sim_object *o, const char *policy,
                                  struct sim_response *rs, int dry_run)
{
    json_object *copy = sim_object_export(o, 1), *meta = sim_json_obj(copy, "metadata");
    json_object *fin = json_object_new_array();
    char ts[32];

    sim_format_time(sim_now_ms(), ts, sizeof(ts));
    sim_json_set_str(meta, "deletionTimestamp", ts);
    json_object_array_add(fin, json_object_new_string(!strcmp(policy, "Foreground") ? "foregroundDeletion" : "orphan"));
    json_object_object_add(meta, "finalizers", fin);
    if (!dry_run)
        sim_store_remove(s, o);
    sim_respond_json(rs, 200, copy);
}

void sim_verb_delete(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    json_object *opts = rq->body_len ? json_tokener_parse(rq->body) : NULL;
    const char *policy = propagation(rq, opts);
    int dry_run = sim_query(rq, "dryRun") != NULL ||
                  (opts && json_object_is_type(sim_json_path(opts, "dryRun"), json_type_array));

    if (r->sub[0]) {
        sim_respond_status(rs, sim_status_method_not_allowed(r->res, "DELETE"));
        goto done;
    }
    if (rq->body_len && !json_object_is_type(opts, json_type_object)) {
        sim_respond_status(rs, sim_status_bad_request("error decoding DeleteOptions: invalid JSON document"));
        goto done;
    }
    if (policy && strcmp(policy, "Orphan") && strcmp(policy, "Background") && strcmp(policy, "Foreground")) {
        char msg[256];
        snprintf(msg, sizeof(msg), "propagationPolicy: Unsupported value: \"%s\": supported values: \"Foreground\", \"Background\", \"Orphan\"", policy);
        sim_respond_status(rs, sim_status_bad_request(msg));
        goto done;
    }
    pthread_mutex_lock(&s->lock);
    struct sim_object *o = sim_store_find(s, r->res, r->ns, r->name);
    const char *pre_rv = opts ? sim_json_str(opts, "preconditions.resourceVersion") : NULL;
    if (!o) {
        sim_respond_status(rs, sim_status_not_found(r->res, r->name));
    } else if (pre_rv && strcmp(pre_rv, sim_json_str(o->obj, "metadata.resourceVersion"))) {
        sim_respond_status(rs, sim_status_conflict(r->res, r->name, OPTIMISTIC_LOCK));
    } else if (!strcmp(r->res->kind, "Namespace")) {
        delete_namespace(s, o, rs, dry_run);
    } else if (has_finalizers(o->obj)) {
        delete_pending(s, o, rs, dry_run);
    } else if (policy && strcmp(policy, "Background")) {
        delete_with_finalizer(s, o, policy, rs, dry_run);
    } else {
        const char *uid = sim_json_str(o->obj, "metadata.uid");
        sim_respond_status(rs, sim_status_success(r->res, r->name, uid));
        if (!dry_run)
            sim_store_remove(s, o);
    }
    pthread_mutex_unlock(&s->lock);
done:
    json_object_put(opts);
}

void sim_verb_delete_collection(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    struct sim_filter f;
    struct sim_object **objs;
    char rv[24], av[96], kind[96];

    if (!strcmp(r->res->kind, "Namespace") || r->sub[0]) {
        sim_respond_status(rs, sim_status_method_not_allowed(r->res, "DELETE"));
        return;
    }
    if (sim_filter_parse(rq, r->res, &f, rs) < 0)
        return;
    int dry_run = sim_query(rq, "dryRun") != NULL;
    json_object *items = json_object_new_array();
    pthread_mutex_lock(&s->lock);
    size_t n = sim_store_collect(s, r->res, r->has_ns ? r->ns : NULL, &objs);
    for (size_t i = 0; i < n; i++) {
        if (!sim_filter_match(&f, objs[i]->obj))
            continue;
        json_object_array_add(items, sim_object_export(objs[i], 0));
        if (!dry_run)
            sim_store_remove(s, objs[i]);
    }
    snprintf(rv, sizeof(rv), "%llu", (unsigned long long)s->store.rv);
    pthread_mutex_unlock(&s->lock);
    free(objs);
    sim_filter_free(&f);
    json_object *l = json_object_new_object();
    snprintf(kind, sizeof(kind), "%sList", r->res->kind);
    kube_resource_api_version(r->res, av, sizeof(av));
    sim_json_set_str(l, "kind", kind);
    sim_json_set_str(l, "apiVersion", av);
    json_object_object_add(l, "metadata", json_object_new_object());
    sim_json_set_str(sim_json_obj(l, "metadata"), "resourceVersion", rv);
    json_object_object_add(l, "items", items);
    sim_respond_json(rs, 200, l);
}

void sim_namespace_purge(struct sim *s, struct sim_object *ns)
{
    char name[254];
    snprintf(name, sizeof(name), "%s", ns->name);
    for (size_t i = 0; i < s->store.nobjs;) {
        struct sim_object *o = s->store.objs[i];
        if (o->res->namespaced && !strcmp(o->ns, name))
            sim_store_remove(s, o);   /* swaps the last entry into slot i */
        else
            i++;
    }
    /* The namespace controller's last step: finalizers gone, then deleted. */
    json_object *n = NULL;
    json_object_deep_copy(ns->obj, &n, NULL);
    json_object_object_add(sim_json_obj(n, "spec"), "finalizers", json_object_new_array());
    sim_store_replace(s, ns, n);
    sim_store_remove(s, ns);
}
