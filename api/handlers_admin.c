/*
 * handlers_admin.c - the operator's endpoints (every tenant, suspend,
 * resume; admin accounts only) and the unauthenticated operational ones
 * (health, readiness, metrics, the OpenAPI document).
 *
 * Suspend scales the odoo Deployment to 0, then annotates the namespace
 * odoo-saas.io/suspended=true, which tenant_status_compute() reports as
 * Suspended; resume removes the annotation, then scales it back to 1
 * (the steps run on the model thread: model.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "metrics.h"
#include "model.h"
#include "routes.h"
#include "tenant/tenant.h"

#define JOB_TIMEOUT_MS 20000



void api_h_admin_list(struct api_request *r)
{
    struct api_snapshot *s;
    struct json_object *arr, *o;

    if (api_need_admin(r) < 0)
        return;
    s = api_model_snapshot(r->api->model);
    arr = json_object_new_array();
    for (size_t i = 0; i < s->n; i++)
        json_object_array_add(arr, api_tenant_json(&s->tenants[i], 1));
    api_snapshot_release(r->api->model, s);
    o = json_object_new_object();
    json_object_object_add(o, "tenants", arr);
    api_reply(r, 200, o);
}

static void suspend_resume(struct api_request *r, enum api_job_kind kind)
{
    struct api_job_request req = {.kind = kind};
    struct api_job_result res;
    struct api_snapshot *s;
    struct json_object *o;
    int known;

    if (api_need_admin(r) < 0)
        return;
    s = api_model_snapshot(r->api->model);
    known = api_snapshot_find(s, r->param) != NULL;
    api_snapshot_release(r->api->model, s);
    if (!known)
        return api_error(r, 404, "not_found", "no tenant with this id");
    req.id = r->param;
    api_model_run(r->api->model, &req, &res, JOB_TIMEOUT_MS);
    if (res.code[0])
        return api_error(r, res.status, res.code, "%s", res.message);
    o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(r->param));
    json_object_object_add(o, "suspended", json_object_new_boolean(kind == API_JOB_SUSPEND));
    api_reply(r, 200, o);
}

void api_h_admin_suspend(struct api_request *r)
{
    suspend_resume(r, API_JOB_SUSPEND);
}

void api_h_admin_resume(struct api_request *r)
{
    suspend_resume(r, API_JOB_RESUME);
}

void api_h_healthz(struct api_request *r)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "status", json_object_new_string("ok"));
    api_reply(r, 200, o);
}

void api_h_readyz(struct api_request *r)
{
    struct api_snapshot *s = api_model_snapshot(r->api->model);
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "status", json_object_new_string(s->synced ? "ready" : "not ready"));
    json_object_object_add(o, "model_synced", json_object_new_boolean(s->synced));
    if (s->error[0])
        json_object_object_add(o, "reason", json_object_new_string(s->error));
    api_reply(r, s->synced ? 200 : 503, o);
    api_snapshot_release(r->api->model, s);
}

void api_h_metrics(struct api_request *r)
{
    const char *names[64];
    size_t n;
    const struct api_route *routes = api_routes(&n);
    struct api_snapshot *s = api_model_snapshot(r->api->model);

    for (size_t i = 0; i < n && i < 64; i++)
        names[i] = routes[i].name;
    r->raw = api_metrics_render(r->api->metrics, names, s->by_phase, TENANT_FAILED + 1, s->synced);
    api_snapshot_release(r->api->model, s);
    r->content_type_out = "text/plain; version=0.0.4; charset=utf-8";
    r->status = r->raw ? 200 : 500;
}

void api_h_openapi(struct api_request *r)
{
    r->raw = strdup(api_openapi_json());
    r->status = r->raw ? 200 : 500;
}
