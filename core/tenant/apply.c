/*
 * apply.c - the tenant apply state machine.
 *
 *   create namespace --201--> apply all objects at once --> mark provisioned
 *        |409
 *        v
 *   get namespace (refuse if finished, terminating or not ours)
 *        v
 *   list its secrets (reuse stored values: passwords must agree across the
 *   Secrets, and the database was initialised with the first ones)
 *        v
 *   apply namespace (keeping its creation time) --> apply all --> mark
 *
 * A fresh tenant is three round trips deep.  Every step is idempotent, so
 * a rerun after any failure converges.  All requests go through the
 * client's event loop; nothing here blocks except tenant_apply().
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "apply.h"
#include "kube/rest.h"
#include "render.h"
#include "status.h"

struct obj_ctx {
    struct tenant_apply *a;
    struct kube_call *call;
    const char *kind, *name;   /* borrowed from the rendered list */
    int is_secret;
};

struct tenant_apply {
    struct kube_client *c;
    const struct os_config *cfg;
    char *id, *subdomain, *tier, *email, *password, *owner;
    struct tenant_spec spec;
    struct tenant_secrets secrets;
    time_t created;
    char ns[64];
    struct json_object *list;     /* the rendered objects */
    struct kube_call *call;       /* the single-step request in flight */
    struct obj_ctx *objs;         /* the parallel batch */
    size_t nobjs;
    int outstanding, resumed;
    struct os_error first_err;
    tenant_progress_fn progress;
    tenant_done_fn done;
    void *userdata;
};

static void apply_free(struct tenant_apply *a)
{
    json_object_put(a->list);
    tenant_secrets_wipe(&a->secrets);
    if (a->password) {
        sodium_memzero(a->password, strlen(a->password));
        free(a->password);
    }
    free(a->id);
    free(a->subdomain);
    free(a->tier);
    free(a->email);
    free(a->owner);
    free(a->objs);
    free(a);
}

__attribute__((format(printf, 2, 3)))
static void say(struct tenant_apply *a, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (!a->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    a->progress(a->userdata, msg);
}

static void finish(struct tenant_apply *a, const struct os_error *err)
{
    struct os_error ok;
    os_error_clear(&ok);
    if (a->done)
        a->done(a->userdata, err ? err : &ok, a->resumed);
    apply_free(a);
}

static struct json_object *items(struct tenant_apply *a)
{
    struct json_object *arr = NULL;
    json_object_object_get_ex(a->list, "items", &arr);
    return arr;
}

static int render(struct tenant_apply *a, struct os_error *err)
{
    json_object_put(a->list);
    a->list = NULL;
    return tenant_render(&a->spec, a->cfg, &a->secrets, a->created, &a->list, err);
}

/* ---- step 4: mark provisioned ----------------------------------------- */

static void on_marked(void *ud, struct json_object *obj, const struct os_error *err)
{
    struct tenant_apply *a = ud;
    a->call = NULL;
    if (err->code) {
        struct os_error e = *err;
        os_error_prefix(&e, "marking tenant %s provisioned", a->id);
        finish(a, &e);
        return;
    }
    say(a, "tenant %s provisioned", a->id);
    finish(a, NULL);
}

static void mark(struct tenant_apply *a)
{
    char path[256];
    struct os_error err;
    struct json_object *patch = json_tokener_parse(
        "{\"metadata\":{\"annotations\":{\"" TENANT_ANN_PROVISIONED "\":\"true\"}}}");

    snprintf(path, sizeof(path), "/api/v1/namespaces/%s?fieldManager=odoo-saas-provisioner", a->ns);
    a->call = kube_request_json_start(a->c, "PATCH", path, "application/merge-patch+json", patch,
                                      on_marked, a, &err);
    json_object_put(patch);
    if (!a->call)
        finish(a, &err);
}

/* ---- step 3: everything else, at once -------------------------------- */

static void on_object(void *ud, struct json_object *obj, const struct os_error *err)
{
    struct obj_ctx *o = ud;
    struct tenant_apply *a = o->a;

    o->call = NULL;
    a->outstanding--;
    if (err->code && !(o->is_secret && os_error_is(err, "AlreadyExists"))) {
        if (!a->first_err.code) {
            a->first_err = *err;
            os_error_prefix(&a->first_err, "%s %s", o->kind, o->name);
        }
    } else {
        say(a, "%s %s %s", err->code ? "kept" : (o->is_secret ? "created" : "applied"), o->kind,
            o->name);
    }
    if (a->outstanding > 0)
        return;
    if (a->first_err.code)
        finish(a, &a->first_err);
    else
        mark(a);
}

static struct kube_call *start_secret(struct tenant_apply *a, struct json_object *obj,
                                      struct obj_ctx *o, struct os_error *err)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/namespaces/%s/secrets?fieldManager=odoo-saas&fieldValidation=Strict",
             a->ns);
    return kube_request_json_start(a->c, "POST", path, "application/json", obj, on_object, o, err);
}

static void apply_objects(struct tenant_apply *a)
{
    struct json_object *arr = items(a);
    size_t n = json_object_array_length(arr);
    struct os_error err;

    a->objs = calloc(n, sizeof(*a->objs));
    if (!a->objs) {
        os_error_set(&err, OS_ERR_NOMEM, "out of memory");
        finish(a, &err);
        return;
    }
    os_error_clear(&a->first_err);
    /* Count first: a callback can only run from the event loop, after this. */
    for (size_t i = 0; i < n; i++) {
        struct json_object *obj = json_object_array_get_idx(arr, i);
        struct obj_ctx *o = &a->objs[a->nobjs];
        if (!strcmp(kube_object_str(obj, "kind"), "Namespace"))
            continue;
        *o = (struct obj_ctx){a, NULL, kube_object_str(obj, "kind"), kube_object_name(obj), 0};
        o->is_secret = !strcmp(o->kind, "Secret");
        o->call = o->is_secret ? start_secret(a, obj, o, &err)
                               : kube_apply_start(a->c, obj, NULL, 1, on_object, o, &err);
        if (!o->call) {
            if (!a->first_err.code)
                a->first_err = err;
            continue;
        }
        a->nobjs++;
        a->outstanding++;
    }
    say(a, "applying %d objects", a->outstanding);
    if (a->outstanding == 0)
        finish(a, a->first_err.code ? &a->first_err : NULL);
}

/* ---- resume: an unfinished tenant ------------------------------------- */

static void on_ns_applied(void *ud, struct json_object *obj, const struct os_error *err)
{
    struct tenant_apply *a = ud;
    a->call = NULL;
    if (err->code) {
        finish(a, err);
        return;
    }
    say(a, "namespace %s applied", a->ns);
    apply_objects(a);
}

/* Copy a stored secret value (base64 in data) into dst when present. */
static void take(struct json_object *secret, const char *key, char *dst, size_t len)
{
    struct json_object *data, *v;
    char buf[256];
    size_t n = 0;

    if (!json_object_object_get_ex(secret, "data", &data) ||
        !json_object_object_get_ex(data, key, &v) || !json_object_is_type(v, json_type_string))
        return;
    if (sodium_base642bin((unsigned char *)buf, sizeof(buf) - 1, json_object_get_string(v),
                          strlen(json_object_get_string(v)), NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || n == 0 || n >= len)
        return;
    memcpy(dst, buf, n);
    dst[n] = '\0';
    sodium_memzero(buf, sizeof(buf));
}

static void reuse_secrets(struct tenant_apply *a, struct json_object *list)
{
    struct json_object *arr = NULL;
    struct tenant_secrets *s = &a->secrets;

    json_object_object_get_ex(list, "items", &arr);
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        struct json_object *sec = json_object_array_get_idx(arr, i);
        const char *name = kube_object_name(sec) ?: "";
        if (!strcmp(name, "odoo")) {
            take(sec, "db-password", s->db_password, sizeof(s->db_password));
            take(sec, "master-password", s->master_password, sizeof(s->master_password));
        } else if (!strcmp(name, "odoo-admin")) {
            take(sec, "password", s->admin_password, sizeof(s->admin_password));
        }
    }
    /* PostgreSQL's copy wins: the database role was made with it. */
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        struct json_object *sec = json_object_array_get_idx(arr, i);
        if (!strcmp(kube_object_name(sec) ?: "", "postgresql")) {
            take(sec, "superuser-password", s->pg_superuser_password, sizeof(s->pg_superuser_password));
            take(sec, "odoo-password", s->db_password, sizeof(s->db_password));
        }
    }
}

static void on_secrets(void *ud, struct json_object *list, const struct os_error *err)
{
    struct tenant_apply *a = ud;
    struct os_error e;
    struct json_object *ns;

    a->call = NULL;
    if (err->code) {
        finish(a, err);
        return;
    }
    reuse_secrets(a, list);
    if (render(a, &e) < 0) {
        finish(a, &e);
        return;
    }
    ns = json_object_array_get_idx(items(a), 0);
    a->call = kube_apply_start(a->c, ns, NULL, 1, on_ns_applied, a, &e);
    if (!a->call)
        finish(a, &e);
}

static time_t parse_time(const char *s)
{
    struct tm tm = {0};
    if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return 0;
    return timegm(&tm);
}

/* Why an existing namespace cannot be resumed, or 0. */
static int refuse_existing(struct tenant_apply *a, struct json_object *ns, struct os_error *err)
{
    if (strcmp(kube_object_label(ns, "app.kubernetes.io/managed-by") ?: "", "odoo-saas") ||
        strcmp(kube_object_label(ns, "odoo-saas.io/tenant") ?: "", a->id))
        return os_error_set(err, OS_ERR_INVALID,
                            "namespace %s already exists and is not an odoo-saas tenant", a->ns);
    if (kube_object_str(ns, "metadata.deletionTimestamp"))
        return os_error_set(err, OS_ERR_INVALID, "tenant \"%s\" is being deleted; try again when it is gone",
                            a->id);
    /* Someone else's unfinished tenant is not ours to finish: answer as if
     * it were complete, without saying whose it is. */
    if (!strcmp(kube_object_annotation(ns, TENANT_ANN_PROVISIONED) ?: "", "true") ||
        strcmp(kube_object_annotation(ns, "odoo-saas.io/owner") ?: "", a->spec.owner ?: "")) {
        os_error_set(err, OS_ERR_API, "tenant \"%s\" already exists", a->id);
        snprintf(err->reason, sizeof(err->reason), "AlreadyExists");
        err->http_status = 409;
        return err->code;
    }
    return 0;
}

static void on_ns_existing(void *ud, struct json_object *ns, const struct os_error *err)
{
    struct tenant_apply *a = ud;
    struct os_error e;
    char path[256];
    time_t created;

    a->call = NULL;
    if (err->code) {
        finish(a, err);
        return;
    }
    if (refuse_existing(a, ns, &e) < 0) {
        finish(a, &e);
        return;
    }
    a->resumed = 1;
    created = parse_time(kube_object_annotation(ns, "odoo-saas.io/created-at"));
    if (created)
        a->created = created;
    say(a, "resuming tenant %s created at %s", a->id,
        kube_object_annotation(ns, "odoo-saas.io/created-at") ?: "(unknown)");
    snprintf(path, sizeof(path), "/api/v1/namespaces/%s/secrets", a->ns);
    a->call = kube_request_json_start(a->c, "GET", path, NULL, NULL, on_secrets, a, &e);
    if (!a->call)
        finish(a, &e);
}

/* ---- step 1: the namespace ---------------------------------------------- */

static void on_ns_created(void *ud, struct json_object *obj, const struct os_error *err)
{
    struct tenant_apply *a = ud;
    struct os_error e;
    char path[256];

    a->call = NULL;
    if (!err->code) {
        say(a, "namespace %s created", a->ns);
        apply_objects(a);
        return;
    }
    if (!os_error_is(err, "AlreadyExists")) {
        finish(a, err);
        return;
    }
    snprintf(path, sizeof(path), "/api/v1/namespaces/%s", a->ns);
    a->call = kube_request_json_start(a->c, "GET", path, NULL, NULL, on_ns_existing, a, &e);
    if (!a->call)
        finish(a, &e);
}

static int copy_spec(struct tenant_apply *a, const struct tenant_spec *spec)
{
    int bad = 0;
#define DUP(dst, src) do { if ((src) && !((dst) = strdup(src))) bad = 1; } while (0)
    DUP(a->id, spec->id);
    DUP(a->subdomain, spec->subdomain);
    DUP(a->tier, spec->tier);
    DUP(a->email, spec->admin_email);
    DUP(a->password, spec->admin_password);
    DUP(a->owner, spec->owner);
#undef DUP
    a->spec = (struct tenant_spec){a->id, a->subdomain, a->tier, a->email, a->password, a->owner};
    return bad ? -1 : 0;
}

struct tenant_apply *tenant_apply_start(struct kube_client *c, const struct os_config *cfg,
                                        const struct tenant_spec *spec,
                                        tenant_progress_fn progress, tenant_done_fn done,
                                        void *userdata, struct os_error *err)
{
    struct tenant_apply *a;
    char path[] = "/api/v1/namespaces?fieldManager=odoo-saas&fieldValidation=Strict";

    if (tenant_spec_validate(spec, cfg, err) < 0)
        return NULL;
    if (!(a = calloc(1, sizeof(*a))) || copy_spec(a, spec) < 0) {
        if (a)
            apply_free(a);
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    a->c = c;
    a->cfg = cfg;
    a->progress = progress;
    a->done = done;
    a->userdata = userdata;
    a->created = time(NULL);
    snprintf(a->ns, sizeof(a->ns), "tenant-%s", a->id);
    if (tenant_secrets_generate(&a->secrets, a->password, err) < 0 || render(a, err) < 0) {
        apply_free(a);
        return NULL;
    }
    a->call = kube_request_json_start(c, "POST", path, "application/json",
                                      json_object_array_get_idx(items(a), 0), on_ns_created, a, err);
    if (!a->call) {
        apply_free(a);
        return NULL;
    }
    return a;
}

void tenant_apply_cancel(struct tenant_apply *a)
{
    if (!a)
        return;
    kube_call_cancel(a->c, a->call);
    for (size_t i = 0; i < a->nobjs; i++)
        kube_call_cancel(a->c, a->objs[i].call);
    apply_free(a);
}

/* ---- blocking form ------------------------------------------------------ */

struct sync_apply {
    tenant_progress_fn progress;
    void *userdata;
    int done, resumed;
    struct os_error err;
};

static void sync_progress(void *ud, const char *msg)
{
    struct sync_apply *s = ud;
    if (s->progress)
        s->progress(s->userdata, msg);
}

static void sync_done(void *ud, const struct os_error *err, int resumed)
{
    struct sync_apply *s = ud;
    s->err = *err;
    s->resumed = resumed;
    s->done = 1;
}

int tenant_apply(struct kube_client *c, const struct os_config *cfg,
                 const struct tenant_spec *spec, tenant_progress_fn progress, void *userdata,
                 int *resumed, struct os_error *err)
{
    struct sync_apply s = {.progress = progress, .userdata = userdata};

    if (!tenant_apply_start(c, cfg, spec, sync_progress, sync_done, &s, err))
        return err->code;
    while (!s.done)
        kube_client_wait(c, 1000, NULL, 0);
    if (resumed)
        *resumed = s.resumed;
    *err = s.err;
    return err->code;
}
