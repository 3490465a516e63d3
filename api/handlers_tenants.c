/*
 * handlers_tenants.c - a customer's tenants: tiers, subdomain check,
 * create, list, status, delete.
 *
 * Reads come from the model's snapshot (never the API server); a
 * tenant's GET answer, and the list of mine, are made of the text the
 * snapshot rendered when it was published.  A tenant
 * belongs to the account whose email is its owner annotation; another
 * account's tenant is answered exactly like a missing one (404).  The id
 * of a tenant created here is its subdomain, so checking the subdomain is
 * checking the namespace name.  Everything a customer sends goes through
 * tenant_spec_validate(), the one gate, before the model thread sees it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "model.h"
#include "tenant/tenant.h"

#define JOB_TIMEOUT_MS 20000

static const char *const create_fields[] = {"subdomain", "tier", NULL};

static void add_str(struct json_object *o, const char *key, const char *v)
{
    json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

/* A tenant as the API shows it; admin adds the owner and pod counts. */
struct json_object *api_tenant_json(const struct api_tenant *t, int admin)
{
    struct json_object *o = json_object_new_object(), *links = json_object_new_object();
    char self[128];

    add_str(o, "id", t->st.id);
    add_str(o, "subdomain", t->subdomain);
    add_str(o, "tier", t->st.tier);
    add_str(o, "phase", tenant_phase_name(t->st.phase));
    add_str(o, "step", t->st.step);
    add_str(o, "reason", t->st.reason);
    add_str(o, "url", t->st.url);
    add_str(o, "created_at", t->st.created_at);
    add_str(o, "trial_expires_at", t->st.trial_expires_at);
    if (admin) {
        add_str(o, "owner", t->st.owner);
        json_object_object_add(o, "pods_ready", json_object_new_int(t->st.pods_ready));
        json_object_object_add(o, "pods_total", json_object_new_int(t->st.pods_total));
    }
    snprintf(self, sizeof(self), "/api/tenants/%s", t->st.id);
    json_object_object_add(links, "self", json_object_new_string(self));
    json_object_object_add(o, "links", links);
    return o;
}

void api_h_tiers(struct api_request *r)
{
    const struct os_config *c = r->api->oscfg;
    struct json_object *arr = json_object_new_array(), *o = json_object_new_object();

    for (size_t i = 0; i < c->ntiers; i++) {
        const struct os_tier *t = &c->tiers[i];
        struct json_object *e = json_object_new_object();
        json_object_object_add(e, "name", json_object_new_string(t->name));
        json_object_object_add(e, "cpu_millicores", json_object_new_int64(t->cpu_m));
        json_object_object_add(e, "memory_bytes", json_object_new_int64(t->memory));
        json_object_object_add(e, "storage_bytes", json_object_new_int64(t->storage));
        json_object_object_add(e, "workers", json_object_new_int(t->workers));
        json_object_array_add(arr, e);
    }
    json_object_object_add(o, "tiers", arr);
    json_object_object_add(o, "trial_days", json_object_new_int(c->trial_days));
    api_reply(r, 200, o);
}

/* 1 when a tenant uses name as its id or subdomain. */
static int subdomain_used(struct api_request *r, const char *name)
{
    struct api_snapshot *s = api_model_snapshot(r->api->model);
    int used = api_snapshot_find(s, name) != NULL;

    for (size_t i = 0; !used && i < s->n; i++)
        used = !strcmp(s->tenants[i].subdomain, name);
    api_snapshot_release(r->api->model, s);
    return used;
}

void api_h_subdomain(struct api_request *r)
{
    struct json_object *o = json_object_new_object();
    struct os_error err;
    int valid = tenant_subdomain_validate(r->param, &err) == 0 && tenant_id_validate(r->param, &err) == 0;
    int free_ = valid && !subdomain_used(r, r->param);

    json_object_object_add(o, "name", json_object_new_string(r->param));
    json_object_object_add(o, "valid", json_object_new_boolean(valid));
    json_object_object_add(o, "available", json_object_new_boolean(free_));
    if (!valid)
        json_object_object_add(o, "reason", json_object_new_string(err.message));
    else if (!free_)
        json_object_object_add(o, "reason", json_object_new_string("taken"));
    api_reply(r, 200, o);
}

static void created(struct api_request *r, const char *id)
{
    struct json_object *o = json_object_new_object(), *links = json_object_new_object();
    char url[320], self[128];

    snprintf(url, sizeof(url), "https://%s.%s/", id, r->api->oscfg->base_domain);
    snprintf(self, sizeof(self), "/api/tenants/%s", id);
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "status", json_object_new_string("Provisioning"));
    json_object_object_add(o, "url", json_object_new_string(url));
    json_object_object_add(links, "self", json_object_new_string(self));
    json_object_object_add(o, "links", links);
    snprintf(r->location, sizeof(r->location), "%s", self);
    api_reply(r, 202, o);
}

static void job_reply(struct api_request *r, const struct api_job_result *res)
{
    if (res->status == 503)
        r->retry_after = 2;
    if (res->code[0])
        api_error(r, res->status, res->code, "%s", res->message);
}

void api_h_tenant_create(struct api_request *r)
{
    struct json_object *body = NULL;
    struct api_job_request req = {.kind = API_JOB_CREATE};
    struct api_job_result res;
    struct os_error err;
    const char *sub, *tier;

    if (api_need_account(r) < 0 || api_rate(r, r->api->limits.create_ip, "create-ip", r->ip) < 0 ||
        api_rate(r, r->api->limits.create_account, "create", r->account.email) < 0 ||
        api_need_json(r, &body) < 0 || api_fields_only(r, body, create_fields) < 0)
        goto out;
    if (!(sub = api_field_str(r, body, "subdomain", 63)) || !(tier = api_field_str(r, body, "tier", 31)))
        goto out;
    struct tenant_spec spec = {.id = sub, .subdomain = sub, .tier = tier,
                               .admin_email = r->account.email, .owner = r->account.email};
    if (tenant_spec_validate(&spec, r->api->oscfg, &err) < 0) {
        api_error(r, 400, "invalid_tenant", "%s", err.message);
        goto out;
    }
    req.id = sub;
    req.owner = r->account.email;
    req.tier = tier;
    req.owner_limit = r->api->cfg->tenants_per_account;
    api_model_run(r->api->model, &req, &res, JOB_TIMEOUT_MS);
    if (res.code[0])
        job_reply(r, &res);
    else
        created(r, sub);
out:
    json_object_put(body);
}

static int is_mine(const struct api_request *r, const struct api_tenant *t)
{
    return !strcmp(t->st.owner, r->account.email);
}

/* {"tenants":[...]} of the caller's tenants, joined from the snapshot's
 * rendered views, into r->raw; 0, or -1 when a view is missing or memory
 * is short (the caller then builds it with json-c). */
static int list_from_views(struct api_request *r, const struct api_snapshot *s)
{
    static const char head[] = "{\"tenants\":[", tail[] = "]}";
    size_t len = sizeof(head) + sizeof(tail), at = 0, n = 0;
    char *buf;

    if (!s->views)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        if (is_mine(r, &s->tenants[i]) && !s->views[i])
            return -1;
        if (is_mine(r, &s->tenants[i]))
            len += strlen(s->views[i]) + 1;
    }
    if (!(buf = malloc(len)))
        return -1;
    memcpy(buf, head, sizeof(head) - 1);
    at = sizeof(head) - 1;
    for (size_t i = 0; i < s->n; i++) {
        size_t vl;
        if (!is_mine(r, &s->tenants[i]))
            continue;
        if (n++)
            buf[at++] = ',';
        vl = strlen(s->views[i]);
        memcpy(buf + at, s->views[i], vl);
        at += vl;
    }
    memcpy(buf + at, tail, sizeof(tail));
    r->raw = buf;
    r->status = 200;
    return 0;
}

void api_h_tenant_list(struct api_request *r)
{
    struct api_snapshot *s;
    struct json_object *arr, *o;

    if (api_need_account(r) < 0)
        return;
    s = api_model_snapshot(r->api->model);
    if (list_from_views(r, s) == 0) {
        api_snapshot_release(r->api->model, s);
        return;
    }
    arr = json_object_new_array();
    for (size_t i = 0; i < s->n; i++)
        if (is_mine(r, &s->tenants[i]))
            json_object_array_add(arr, api_tenant_json(&s->tenants[i], 0));
    api_snapshot_release(r->api->model, s);
    o = json_object_new_object();
    json_object_object_add(o, "tenants", arr);
    api_reply(r, 200, o);
}

/* The caller's tenant r->param: 1 (copied into *out unless NULL), or 0
 * answered 404.
 * view: also answer 200 with it (the snapshot's rendering when there is
 * one), so a GET needs no JSON work of its own. */
static int own_tenant(struct api_request *r, struct api_tenant *out, int view)
{
    struct api_snapshot *s = api_model_snapshot(r->api->model);
    const struct api_tenant *t = api_snapshot_find(s, r->param);
    int mine = t && !strcmp(t->st.owner, r->account.email);
    const char *text = mine && view && s->views ? s->views[t - s->tenants] : NULL;

    if (mine && out)
        *out = *t;
    if (text && (r->raw = strdup(text)))
        r->status = 200;
    else if (mine && view)
        api_reply(r, 200, api_tenant_json(t, 0));
    api_snapshot_release(r->api->model, s);
    if (!mine)
        api_error(r, 404, "not_found", "no tenant with this id");
    return mine;
}

void api_h_tenant_get(struct api_request *r)
{
    if (api_need_account(r) == 0)
        own_tenant(r, NULL, 1);
}

void api_h_tenant_delete(struct api_request *r)
{
    struct api_job_request req = {.kind = API_JOB_DELETE};
    struct api_job_result res;
    struct api_tenant t;
    struct json_object *o;

    if (api_need_account(r) < 0 || !own_tenant(r, &t, 0))
        return;
    req.id = t.st.id;
    api_model_run(r->api->model, &req, &res, JOB_TIMEOUT_MS);
    if (res.code[0] && !(t.pending && res.status == 404))
        return job_reply(r, &res);
    o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(t.st.id));
    json_object_object_add(o, "status", json_object_new_string("Terminating"));
    api_reply(r, 202, o);
}
