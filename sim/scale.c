/*
 * scale.c - the /scale subresource of Deployments and StatefulSets
 * (autoscaling/v1 Scale), which "kubectl scale" patches.
 *
 * GET builds a Scale from the object; PUT and PATCH (merge, strategic or
 * JSON patch) compute the new Scale, copy spec.replicas into the object and
 * go through the common update path (resourceVersion precondition,
 * generation, managedFields), then answer the Scale of the updated object.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* The Scale view of a stored object (lock held); caller puts. */
static json_object *scale_of(json_object *obj)
{
    json_object *sc = json_object_new_object(), *meta = json_object_new_object();
    static const char *keep[] = {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"};
    char sel[512] = "";
    size_t pos = 0;

    sim_json_set_str(sc, "kind", "Scale");
    sim_json_set_str(sc, "apiVersion", "autoscaling/v1");
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        const char *v = sim_json_str(sim_json_path(obj, "metadata"), keep[i]);
        if (v)
            sim_json_set_str(meta, keep[i], v);
    }
    json_object_object_add(sc, "metadata", meta);
    json_object *r = sim_json_path(obj, "spec.replicas");
    json_object *spec = json_object_new_object();
    json_object_object_add(spec, "replicas", json_object_new_int64(r ? json_object_get_int64(r) : 1));
    json_object_object_add(sc, "spec", spec);
    json_object *st = json_object_new_object(), *sr = sim_json_path(obj, "status.replicas");
    json_object_object_add(st, "replicas", json_object_new_int64(sr ? json_object_get_int64(sr) : 0));
    json_object *ml = sim_json_path(obj, "spec.selector.matchLabels");
    if (ml && json_object_is_type(ml, json_type_object)) {
        json_object_object_foreach(ml, key, val) {
            if (pos < sizeof(sel))
                pos += (size_t)snprintf(sel + pos, sizeof(sel) - pos, "%s%s=%s", pos ? "," : "", key,
                                        json_object_get_string(val));
        }
    }
    sim_json_set_str(st, "selector", sel);
    json_object_object_add(sc, "status", st);
    return sc;
}

static int media_is(const char *ct, const char *type)
{
    return ct && !strncasecmp(ct, type, strlen(type));
}

/* The new Scale requested by a PUT or PATCH body; NULL with rs filled. */
static json_object *new_scale(struct sim_request *rq, struct sim_response *rs, json_object *cur)
{
    char msg[512] = "";
    json_object *body = json_tokener_parse(rq->body), *out = NULL;
    const char *ct = rq->content_type;

    if (!body) {
        sim_respond_status(rs, sim_status_bad_request("error decoding body: invalid JSON document"));
        return NULL;
    }
    if (!strcmp(rq->method, "PUT") && media_is(ct, "application/json"))
        out = json_object_get(body);
    else if (media_is(ct, "application/merge-patch+json"))
        out = sim_merge_patch(cur, body);
    else if (media_is(ct, "application/strategic-merge-patch+json"))
        out = sim_strategic_merge_patch(cur, body);
    else if (media_is(ct, "application/json-patch+json") && json_object_is_type(body, json_type_array)) {
        if (!(out = sim_json_patch(cur, body, msg, sizeof(msg))))
            sim_respond_status(rs, sim_status(422, "Invalid", msg));
    } else {
        sim_respond_status(rs, sim_status(415, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"));
    }
    json_object_put(body);
    json_object *r = out ? sim_json_path(out, "spec.replicas") : NULL;
    if (out && (!r || !json_object_is_type(r, json_type_int) || json_object_get_int64(r) < 0)) {
        json_object_put(out);
        out = NULL;
        sim_respond_status(rs, sim_status_bad_request("spec.replicas: Invalid value: must be a non-negative integer"));
    }
    return out;
}

void sim_scale(struct sim_request *rq, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    const struct sim_route *r = &rq->route;
    char manager[128];

    if (strcmp(r->res->kind, "Deployment") && strcmp(r->res->kind, "StatefulSet") && strcmp(r->res->kind, "ReplicaSet")) {
        sim_respond_status(rs, sim_status_path_not_found());
        return;
    }
    pthread_mutex_lock(&s->lock);
    struct sim_object *o = sim_store_find(s, r->res, r->ns, r->name);
    if (!o) {
        sim_respond_status(rs, sim_status_not_found(r->res, r->name));
    } else if (!strcmp(rq->method, "GET")) {
        sim_respond_json(rs, 200, scale_of(o->obj));
    } else {
        json_object *cur = scale_of(o->obj), *ns = new_scale(rq, rs, cur);
        if (ns) {
            const char *rv = sim_json_str(ns, "metadata.resourceVersion");
            char pre[32] = "";
            if (rv && !strcmp(rq->method, "PUT"))
                snprintf(pre, sizeof(pre), "%s", rv);
            json_object *nobj = NULL;
            json_object_deep_copy(o->obj, &nobj, NULL);
            json_object_object_add(sim_json_obj(nobj, "spec"), "replicas",
                                   json_object_new_int64(json_object_get_int64(sim_json_path(ns, "spec.replicas"))));
            sim_manager_name(rq, manager, sizeof(manager));
            struct sim_write_ctx w = {.manager = manager, .operation = "Update", .precondition_rv = pre,
                                      .dry_run = sim_query(rq, "dryRun") != NULL};
            sim_update_object(rq, rs, o, nobj, &w);
            if (rs->code == 200) {
                json_object *updated = rs->body;
                rs->body = scale_of(updated);
                json_object_put(updated);
            }
            json_object_put(ns);
        }
        json_object_put(cur);
    }
    pthread_mutex_unlock(&s->lock);
}
