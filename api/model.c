/*
 * model.c - the model thread (see model.h).
 *
 * Stores: one per watched collection, a json-c object "ns/name" -> object,
 * swapped wholesale after a relist so objects deleted while disconnected
 * go away (the console's model works the same way).  Deriving groups the
 * workload objects by namespace, computes each tenant's status, overlays
 * the tenants this process is creating (so a POST is visible at once, and
 * a failed apply shows as Failed), and publishes a new snapshot.
 *
 * Jobs come in through a locked queue and an eventfd.  A create starts
 * tenant_apply_start() and is answered at once (202); delete, suspend and
 * resume start one or two asynchronous requests and are answered when the
 * API server has answered.  On stop every unanswered job gets a 503.
 *
 * tui/model.c keeps a store of its own.  One store in core (say
 * core/tenant/model_store.c) serving both would need: the console's
 * compact per-namespace records (generation sweep on relist, dirty
 * buckets) instead of the json-c objects kept here; the kinds as a table
 * each program picks from (the console adds nodes, every pod and node
 * metrics; both watch the managed workloads); an owner-thread API with a
 * publish step that hands immutable, reference-counted snapshots to other
 * threads (this file's snapshot/publish); the "creating" overlay staying
 * here.
 *
 * Events carry no tenant label, so they are watched by reason instead:
 * only FailedCreate (a quota refusing a pod), which tenant_status_compute()
 * turns into the phase and the reason a customer sees, as the console does.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "model.h"

#define MANAGED_SELECTOR "app.kubernetes.io/managed-by=odoo-saas"
#define NS_PREFIX "tenant-"
#define DERIVE_MIN_S 0.1

enum kind { K_NAMESPACES, K_PODS, K_DEPLOYMENTS, K_STATEFULSETS, K_JOBS, K_EVENTS, K_N };

#define FAILED_CREATE "reason=FailedCreate"

static const struct { const char *api, *kind, *labels, *fields; } watched[K_N] = {
    [K_NAMESPACES] = {"v1", "Namespace", MANAGED_SELECTOR, NULL},
    [K_PODS] = {"v1", "Pod", MANAGED_SELECTOR, NULL},
    [K_DEPLOYMENTS] = {"apps/v1", "Deployment", MANAGED_SELECTOR, NULL},
    [K_STATEFULSETS] = {"apps/v1", "StatefulSet", MANAGED_SELECTOR, NULL},
    [K_JOBS] = {"batch/v1", "Job", MANAGED_SELECTOR, NULL},
    [K_EVENTS] = {"v1", "Event", NULL, FAILED_CREATE},
};

struct store {
    struct api_model *m;
    struct json_object *objs, *pending;
    struct kube_watch *watch;
    int synced;
    char error[OS_ERROR_MSG_MAX];
};

/* A tenant this process is creating. */
struct creating {
    struct api_model *m;
    char id[48], owner[256], tier[32];
    struct tenant_apply *apply;      /* NULL once done */
    int failed;
    char reason[OS_ERROR_MSG_MAX];
    struct creating *next;
};

struct job {
    struct api_job_request req;
    char id[48], owner[256], tier[32];
    struct api_job_result res;
    int refs, done, calls_left;
    int stage;                       /* suspend/resume: which step */
    struct api_model *m;
    struct job *next;                /* queue, then the in-flight list */
};

struct api_model {
    struct kube_client *c;
    const struct os_config *cfg;
    pthread_t thread;
    int wake_fd;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    /* under lock */
    int stopping;
    struct job *queue;
    struct api_snapshot *snap;
    /* model thread only */
    struct store stores[K_N];
    int changed;
    double derived_at;
    struct creating *creating;
    struct job *in_flight;
};

/* ---- snapshots ------------------------------------------------------------ */

static void snapshot_free(struct api_snapshot *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->views && i < s->n; i++)
        free(s->views[i]);
    free(s->views);
    free(s->tenants);
    free(s);
}

/* Each tenant's answer to its owner, rendered once per snapshot rather
 * than once per GET.  Left NULL when memory is short: the handler then
 * renders it itself. */
static void render_views(struct api_snapshot *s)
{
    if (!(s->views = calloc(s->n + 1, sizeof(*s->views))))
        return;
    for (size_t i = 0; i < s->n; i++) {
        struct json_object *o = api_tenant_json(&s->tenants[i], 0);
        s->views[i] = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
    }
}

struct api_snapshot *api_model_snapshot(struct api_model *m)
{
    struct api_snapshot *s;

    pthread_mutex_lock(&m->lock);
    s = m->snap;
    s->refs++;
    pthread_mutex_unlock(&m->lock);
    return s;
}

void api_snapshot_release(struct api_model *m, struct api_snapshot *s)
{
    int last;

    pthread_mutex_lock(&m->lock);
    last = --s->refs == 0;
    pthread_mutex_unlock(&m->lock);
    if (last)
        snapshot_free(s);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct api_tenant *)a)->st.id, ((const struct api_tenant *)b)->st.id);
}

const struct api_tenant *api_snapshot_find(const struct api_snapshot *s, const char *id)
{
    struct api_tenant key;

    if (!s->n || strlen(id) >= sizeof(key.st.id))
        return NULL;
    snprintf(key.st.id, sizeof(key.st.id), "%s", id);
    return bsearch(&key, s->tenants, s->n, sizeof(key), by_id);
}

static void publish(struct api_model *m, struct api_snapshot *s)
{
    struct api_snapshot *old;
    int last;

    s->refs = 1;
    pthread_mutex_lock(&m->lock);
    old = m->snap;
    m->snap = s;
    last = old && --old->refs == 0;
    pthread_mutex_unlock(&m->lock);
    if (last)
        snapshot_free(old);
}

/* ---- watch handlers ------------------------------------------------------- */

static void on_event(void *ud, enum kube_event_type type, struct json_object *obj)
{
    struct store *s = ud;
    struct json_object *target = s->pending ? s->pending : s->objs;
    char key[512];

    if (type != KUBE_EVENT_ADDED && type != KUBE_EVENT_MODIFIED && type != KUBE_EVENT_DELETED)
        return;
    snprintf(key, sizeof(key), "%s/%s", kube_object_namespace(obj) ?: "", kube_object_name(obj) ?: "");
    if (type == KUBE_EVENT_DELETED)
        json_object_object_del(target, key);
    else
        json_object_object_add(target, key, json_object_get(obj));
    s->m->changed = 1;
}

static void on_sync(void *ud, int begin)
{
    struct store *s = ud;

    if (begin) {
        json_object_put(s->pending);
        s->pending = json_object_new_object();
        return;
    }
    if (s->pending) {
        json_object_put(s->objs);
        s->objs = s->pending;
        s->pending = NULL;
    }
    s->synced = 1;
    s->m->changed = 1;
}

static void on_state(void *ud, const struct os_error *err)
{
    struct store *s = ud;

    snprintf(s->error, sizeof(s->error), "%s", err ? (err->message[0] ? err->message : "disconnected") : "");
    s->m->changed = 1;
}

static void watches_start(struct api_model *m)
{
    static const struct kube_watch_handlers handlers = {on_event, on_sync, on_state};

    for (int k = 0; k < K_N; k++) {
        struct kube_watch_opts opts = {.label_selector = watched[k].labels,
                                       .field_selector = watched[k].fields};
        const struct kube_resource *r = kube_resource_by_kind(watched[k].api, watched[k].kind);
        struct os_error err;
        m->stores[k].watch = kube_watch_start(m->c, r, NULL, &opts, &handlers, &m->stores[k], &err);
        if (!m->stores[k].watch)
            snprintf(m->stores[k].error, sizeof(m->stores[k].error), "%s", err.message);
    }
}

/* ---- deriving ------------------------------------------------------------- */

struct group {
    struct json_object *ns;
    struct json_object *arr[K_N];
};

static void group_objects(struct api_model *m, struct json_object *index, struct group *g)
{
    for (int k = K_PODS; k < K_N; k++) {
        json_object_object_foreach(m->stores[k].objs, key, obj) {
            struct json_object *slot;
            (void)key;
            if (json_object_object_get_ex(index, kube_object_namespace(obj) ?: "", &slot))
                json_object_array_add(g[json_object_get_int(slot)].arr[k], json_object_get(obj));
        }
    }
}

static struct creating *creating_find(struct api_model *m, const char *id)
{
    for (struct creating *c = m->creating; c; c = c->next)
        if (!strcmp(c->id, id))
            return c;
    return NULL;
}

static void fill_from_ns(struct api_tenant *t, struct group *g)
{
    struct tenant_objects o = {.ns = g->ns, .pods = g->arr[K_PODS],
                               .deployments = g->arr[K_DEPLOYMENTS],
                               .statefulsets = g->arr[K_STATEFULSETS], .jobs = g->arr[K_JOBS],
                               .events = g->arr[K_EVENTS]};

    tenant_status_compute(&o, &t->st);
    snprintf(t->subdomain, sizeof(t->subdomain), "%s",
             kube_object_annotation(g->ns, "odoo-saas.io/subdomain") ?: t->st.id);
}

static size_t derive_namespaces(struct api_model *m, struct api_tenant *out)
{
    struct json_object *nss = m->stores[K_NAMESPACES].objs, *index = json_object_new_object();
    size_t n = (size_t)json_object_object_length(nss), i = 0;
    struct group *g = calloc(n ? n : 1, sizeof(*g));

    if (!g || !index) {
        free(g);
        json_object_put(index);
        return 0;
    }
    json_object_object_foreach(nss, key, ns) {
        (void)key;
        g[i].ns = ns;
        for (int k = 0; k < K_N; k++)
            g[i].arr[k] = json_object_new_array();
        json_object_object_add(index, kube_object_name(ns) ?: "", json_object_new_int((int)i));
        i++;
    }
    group_objects(m, index, g);
    for (i = 0; i < n; i++) {
        fill_from_ns(&out[i], &g[i]);
        for (int k = 0; k < K_N; k++)
            json_object_put(g[i].arr[k]);
    }
    free(g);
    json_object_put(index);
    return n;
}

static void fill_creating(struct api_model *m, const struct creating *c, struct api_tenant *t)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->st.id, sizeof(t->st.id), "%s", c->id);
    snprintf(t->st.owner, sizeof(t->st.owner), "%s", c->owner);
    snprintf(t->st.admin_email, sizeof(t->st.admin_email), "%s", c->owner);
    snprintf(t->st.tier, sizeof(t->st.tier), "%s", c->tier);
    snprintf(t->subdomain, sizeof(t->subdomain), "%s", c->id);
    snprintf(t->st.url, sizeof(t->st.url), "https://%s.%s/", c->id, m->cfg->base_domain);
    t->st.phase = TENANT_PROVISIONING;
    snprintf(t->st.step, sizeof(t->st.step), "applying");
    t->pending = 1;
}

/* The creating list laid over the namespaces: new entries, failures. */
static size_t overlay_creating(struct api_model *m, struct api_tenant *t, size_t n)
{
    size_t base = n;

    for (struct creating *c = m->creating; c; c = c->next) {
        struct api_tenant *hit = NULL;
        for (size_t i = 0; i < base; i++)
            if (!strcmp(t[i].st.id, c->id))
                hit = &t[i];
        if (!hit) {
            hit = &t[n++];
            fill_creating(m, c, hit);
        }
        if (c->failed && hit->st.phase == TENANT_PROVISIONING && !strcmp(hit->st.owner, c->owner)) {
            hit->st.phase = TENANT_FAILED;
            snprintf(hit->st.reason, sizeof(hit->st.reason), "%.300s", c->reason);
        }
    }
    return n;
}

/* Forget creations that finished and that the watch has seen, and failed
 * ones on a namespace another account owns (a lost race: not ours to show). */
static void prune_creating(struct api_model *m)
{
    struct creating **pp = &m->creating;
    char key[128];

    while (*pp) {
        struct creating *c = *pp;
        struct json_object *ns = NULL;
        snprintf(key, sizeof(key), "/" NS_PREFIX "%s", c->id);
        json_object_object_get_ex(m->stores[K_NAMESPACES].objs, key, &ns);
        /* done and seen; or failed on a namespace that is someone else's */
        if (!c->apply && ns && (!c->failed ||
                                strcmp(kube_object_annotation(ns, "odoo-saas.io/owner") ?: "", c->owner))) {
            *pp = c->next;
            free(c);
        } else {
            pp = &c->next;
        }
    }
}

static int all_synced(struct api_model *m, char *error, size_t len)
{
    int ok = 1;

    error[0] = '\0';
    for (int k = 0; k < K_N; k++) {
        if (m->stores[k].error[0] && !error[0])
            snprintf(error, len, "%s", m->stores[k].error);
        if (!m->stores[k].synced || m->stores[k].error[0])
            ok = 0;
    }
    return ok;
}

static void derive(struct api_model *m)
{
    struct api_snapshot *s = calloc(1, sizeof(*s));
    size_t ncreating = 0, nns = (size_t)json_object_object_length(m->stores[K_NAMESPACES].objs);

    prune_creating(m);
    for (struct creating *c = m->creating; c; c = c->next)
        ncreating++;
    if (!s || !(s->tenants = calloc(nns + ncreating + 1, sizeof(*s->tenants)))) {
        free(s);
        return;
    }
    s->n = derive_namespaces(m, s->tenants);
    s->n = overlay_creating(m, s->tenants, s->n);
    qsort(s->tenants, s->n, sizeof(*s->tenants), by_id);
    for (size_t i = 0; i < s->n; i++)
        s->by_phase[s->tenants[i].st.phase]++;
    s->synced = all_synced(m, s->error, sizeof(s->error));
    render_views(s);
    publish(m, s);
    m->changed = 0;
    m->derived_at = api_now_mono();
}

/* ---- jobs ----------------------------------------------------------------- */

static void job_put(struct api_model *m, struct job *j)
{
    int last;

    pthread_mutex_lock(&m->lock);
    last = --j->refs == 0;
    pthread_mutex_unlock(&m->lock);
    if (last)
        free(j);
}

static void job_answer(struct job *j, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void job_answer(struct job *j, int status, const char *code, const char *fmt, ...)
{
    va_list ap;

    j->res.status = status;
    snprintf(j->res.code, sizeof(j->res.code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(j->res.message, sizeof(j->res.message), fmt, ap);
    va_end(ap);
}

/* The job is answered: wake its HTTP thread and drop the model's ref. */
static void job_finish(struct api_model *m, struct job *j)
{
    for (struct job **pp = &m->in_flight; *pp; pp = &(*pp)->next) {
        if (*pp == j) {
            *pp = j->next;
            break;
        }
    }
    pthread_mutex_lock(&m->lock);
    j->done = 1;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    job_put(m, j);
}

static int owned_count(struct api_model *m, const char *owner)
{
    struct api_snapshot *s = m->snap;   /* only this thread replaces it */
    int n = 0;

    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->tenants[i].st.owner, owner) && s->tenants[i].st.phase != TENANT_TERMINATING)
            n++;
    for (struct creating *c = m->creating; c; c = c->next)
        if (!strcmp(c->owner, owner) && !api_snapshot_find(s, c->id))
            n++;
    return n;
}

static int tenant_exists(struct api_model *m, const char *id)
{
    char key[128];

    snprintf(key, sizeof(key), "/" NS_PREFIX "%s", id);
    return creating_find(m, id) || json_object_object_get_ex(m->stores[K_NAMESPACES].objs, key, NULL);
}

static void apply_progress(void *ud, const char *message)
{
    (void)ud;
    (void)message;
}

static void apply_done(void *ud, const struct os_error *err, int resumed)
{
    struct creating *c = ud;

    (void)resumed;
    c->apply = NULL;
    if (err && err->code) {
        c->failed = 1;
        snprintf(c->reason, sizeof(c->reason), "%s", err->message);
    }
    c->m->changed = 1;
}

static void do_create(struct api_model *m, struct job *j)
{
    struct tenant_spec spec = {.id = j->id, .subdomain = j->id, .tier = j->tier,
                               .admin_email = j->owner, .owner = j->owner};
    struct creating *c;
    struct os_error err;

    if (!m->snap->synced)   /* an existing namespace could be missed */
        return job_answer(j, 503, "unavailable", "the tenant model is not in sync with the cluster yet");
    if (tenant_exists(m, j->id))
        return job_answer(j, 409, "subdomain_taken", "the subdomain %s is taken", j->id);
    if (owned_count(m, j->owner) >= j->req.owner_limit)
        return job_answer(j, 403, "tenant_limit", "an account may have at most %d tenants",
                          j->req.owner_limit);
    c = calloc(1, sizeof(*c));
    if (!c)
        return job_answer(j, 503, "unavailable", "out of memory");
    *c = (struct creating){.m = m};
    snprintf(c->id, sizeof(c->id), "%s", j->id);
    snprintf(c->owner, sizeof(c->owner), "%s", j->owner);
    snprintf(c->tier, sizeof(c->tier), "%s", j->tier);
    c->apply = tenant_apply_start(m->c, m->cfg, &spec, apply_progress, apply_done, c, &err);
    if (!c->apply) {
        free(c);
        return job_answer(j, err.code == OS_ERR_INVALID ? 400 : 503,
                          err.code == OS_ERR_INVALID ? "invalid" : "unavailable", "%s", err.message);
    }
    c->next = m->creating;
    m->creating = c;
    m->changed = 1;
    job_answer(j, 202, "", "creating");
}

static int start_call(struct api_model *m, struct job *j, const char *method, const char *path,
                      const char *content_type, struct json_object *body);

/* Suspend and resume, one step at a time (stage 0, then 1):
 *   suspend: scale the odoo Deployment to 0, then annotate the namespace
 *            (a tenant without its Deployment yet is refused: 409);
 *   resume:  remove the annotation, then scale to 1 (a missing Deployment
 *            is fine: the apply will create it with one replica). */
static int suspend_step(struct api_model *m, struct job *j)
{
    int suspend = j->req.kind == API_JOB_SUSPEND;
    int scale = (j->stage == 0) == suspend;
    struct json_object *patch = json_object_new_object(), *inner = json_object_new_object();
    char path[256];
    int rc;

    if (scale) {
        json_object_object_add(inner, "replicas", json_object_new_int(suspend ? 0 : 1));
        json_object_object_add(patch, "spec", inner);
        snprintf(path, sizeof(path), "/apis/apps/v1/namespaces/" NS_PREFIX "%s/deployments/odoo", j->id);
    } else {
        struct json_object *ann = json_object_new_object();
        json_object_object_add(ann, TENANT_ANN_SUSPENDED, suspend ? json_object_new_string("true") : NULL);
        json_object_object_add(inner, "annotations", ann);
        json_object_object_add(patch, "metadata", inner);
        snprintf(path, sizeof(path), "/api/v1/namespaces/" NS_PREFIX "%s", j->id);
    }
    rc = start_call(m, j, "PATCH", path, "application/merge-patch+json", patch);
    json_object_put(patch);
    return rc;
}

/* A failed step: the answer for it, or 0 when it does not matter. */
static int step_failed(struct job *j, const struct os_error *err)
{
    int gone = err->http_status == 404;

    if (j->req.kind == API_JOB_RESUME && j->stage == 1 && gone)
        return 0;
    if (j->req.kind == API_JOB_SUSPEND && j->stage == 0 && gone)
        job_answer(j, 409, "not_ready", "the tenant has no Odoo Deployment yet; suspend it when it is Ready");
    else
        job_answer(j, gone ? 404 : 502, gone ? "not_found" : "cluster_error", "%s", err->message);
    return -1;
}

static void call_done(void *ud, struct json_object *obj, const struct os_error *err)
{
    struct job *j = ud;
    struct api_model *m = j->m;
    int failed = 0;

    (void)obj;
    j->calls_left--;
    if (err->code && !j->res.code[0])
        failed = step_failed(j, err) < 0;
    if (!failed && (j->req.kind == API_JOB_SUSPEND || j->req.kind == API_JOB_RESUME) && j->stage == 0) {
        j->stage = 1;
        if (suspend_step(m, j) == 0)
            return;
    }
    if (j->calls_left == 0) {
        if (!j->res.code[0])
            job_answer(j, j->req.kind == API_JOB_DELETE ? 202 : 200, "", "done");
        m->changed = 1;
        job_finish(m, j);
    }
}

static int start_call(struct api_model *m, struct job *j, const char *method, const char *path,
                      const char *content_type, struct json_object *body)
{
    struct os_error err;

    if (!kube_request_json_start(m->c, method, path, content_type, body, call_done, j, &err)) {
        job_answer(j, 503, "unavailable", "%s", err.message);
        return -1;
    }
    j->calls_left++;
    return 0;
}

static void do_delete(struct api_model *m, struct job *j)
{
    struct creating *c = creating_find(m, j->id);
    char path[256];

    if (c && c->apply) {
        tenant_apply_cancel(c->apply);
        c->apply = NULL;
    }
    if (c) {
        for (struct creating **pp = &m->creating; *pp; pp = &(*pp)->next)
            if (*pp == c) {
                *pp = c->next;
                free(c);
                break;
            }
        m->changed = 1;
    }
    snprintf(path, sizeof(path), "/api/v1/namespaces/" NS_PREFIX "%s?propagationPolicy=Foreground", j->id);
    start_call(m, j, "DELETE", path, NULL, NULL);
}

/* Start a job; answered now unless requests went out. */
static void job_start(struct api_model *m, struct job *j)
{
    j->m = m;
    j->next = NULL;
    switch (j->req.kind) {
    case API_JOB_CREATE: do_create(m, j); break;
    case API_JOB_DELETE: do_delete(m, j); break;
    case API_JOB_SUSPEND:
    case API_JOB_RESUME: suspend_step(m, j); break;
    }
    if (j->calls_left) {
        j->next = m->in_flight;
        m->in_flight = j;
        return;
    }
    if (!j->res.status)
        job_answer(j, 500, "internal", "job did nothing");
    job_finish(m, j);
}

static void take_jobs(struct api_model *m)
{
    struct job *list, *rev = NULL;
    uint64_t v;

    if (read(m->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
        return;
    pthread_mutex_lock(&m->lock);
    list = m->queue;
    m->queue = NULL;
    pthread_mutex_unlock(&m->lock);
    while (list) {             /* oldest first */
        struct job *next = list->next;
        list->next = rev;
        rev = list;
        list = next;
    }
    while (rev) {
        struct job *next = rev->next;
        job_start(m, rev);
        rev = next;
    }
    if (m->changed)
        derive(m);
}

void api_model_run(struct api_model *m, const struct api_job_request *req,
                   struct api_job_result *res, int timeout_ms)
{
    struct job *j = calloc(1, sizeof(*j));
    struct timespec until;
    uint64_t one = 1;
    int rc = 0;

    if (!m->c) {              /* api_model_fixed(): nothing to do, success */
        free(j);
        *res = (struct api_job_result){req->kind == API_JOB_CREATE || req->kind == API_JOB_DELETE ? 202 : 200,
                                       "", "done"};
        return;
    }
    if (!j) {
        *res = (struct api_job_result){503, "unavailable", "out of memory"};
        return;
    }
    j->req = *req;
    snprintf(j->id, sizeof(j->id), "%s", req->id ?: "");
    snprintf(j->owner, sizeof(j->owner), "%s", req->owner ?: "");
    snprintf(j->tier, sizeof(j->tier), "%s", req->tier ?: "");
    j->req.id = j->id;
    j->req.owner = j->owner;
    j->req.tier = j->tier;
    j->refs = 2;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    pthread_mutex_lock(&m->lock);
    if (m->stopping) {
        pthread_mutex_unlock(&m->lock);
        free(j);
        *res = (struct api_job_result){503, "unavailable", "shutting down"};
        return;
    }
    j->next = m->queue;
    m->queue = j;
    if (write(m->wake_fd, &one, sizeof(one)) < 0)
        rc = -1;
    while (!j->done && rc == 0)
        rc = pthread_cond_timedwait(&m->cond, &m->lock, &until);
    if (j->done)
        *res = j->res;
    else
        *res = (struct api_job_result){504, "timeout", "the cluster did not answer in time"};
    pthread_mutex_unlock(&m->lock);
    job_put(m, j);
}

/* ---- the thread ----------------------------------------------------------- */

static int stopping(struct api_model *m)
{
    int s;

    pthread_mutex_lock(&m->lock);
    s = m->stopping;
    pthread_mutex_unlock(&m->lock);
    return s;
}

static void *run(void *arg)
{
    struct api_model *m = arg;

    watches_start(m);
    while (!stopping(m)) {
        struct curl_waitfd fd = {.fd = m->wake_fd, .events = CURL_WAIT_POLLIN};
        kube_client_wait(m->c, 200, &fd, 1);
        take_jobs(m);
        if (m->changed && api_now_mono() - m->derived_at >= DERIVE_MIN_S)
            derive(m);
    }
    return NULL;
}

int api_model_start(struct kube_client *client, const struct os_config *cfg,
                     struct api_model **out, struct os_error *err)
{
    struct api_model *m = calloc(1, sizeof(*m));

    *out = NULL;
    if (!m || !(m->snap = calloc(1, sizeof(*m->snap)))) {
        free(m);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    m->snap->refs = 1;
    snprintf(m->snap->error, sizeof(m->snap->error), "connecting");
    m->c = client;
    m->cfg = cfg;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    for (int k = 0; k < K_N; k++)
        m->stores[k] = (struct store){.m = m, .objs = json_object_new_object()};
    m->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m->wake_fd < 0 || pthread_create(&m->thread, NULL, run, m) != 0) {
        os_error_set(err, OS_ERR_IO, "cannot start the model thread: %s", strerror(errno));
        m->c = NULL;
        api_model_stop(m);
        return err->code;
    }
    *out = m;
    return 0;
}

int api_model_fixed(const struct api_tenant *tenants, size_t n, struct api_model **out,
                    struct os_error *err)
{
    struct api_model *m = calloc(1, sizeof(*m));
    struct api_snapshot *s = calloc(1, sizeof(*s));

    *out = NULL;
    if (!m || !s || !(s->tenants = calloc(n + 1, sizeof(*s->tenants)))) {
        free(m);
        free(s);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    memcpy(s->tenants, tenants, n * sizeof(*tenants));
    s->n = n;
    qsort(s->tenants, n, sizeof(*s->tenants), by_id);
    for (size_t i = 0; i < n; i++)
        s->by_phase[s->tenants[i].st.phase]++;
    s->synced = 1;
    s->refs = 1;
    render_views(s);
    m->snap = s;
    m->wake_fd = -1;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    *out = m;
    return 0;
}

static void fail_all(struct api_model *m)
{
    struct job *q;

    pthread_mutex_lock(&m->lock);
    q = m->queue;
    m->queue = NULL;
    pthread_mutex_unlock(&m->lock);
    while (q) {
        struct job *next = q->next;
        job_answer(q, 503, "unavailable", "shutting down");
        q->next = NULL;
        job_finish(m, q);
        q = next;
    }
    while (m->in_flight) {
        job_answer(m->in_flight, 503, "unavailable", "shutting down");
        job_finish(m, m->in_flight);
    }
}

void api_model_stop(struct api_model *m)
{
    if (!m)
        return;
    if (m->c) {
        pthread_mutex_lock(&m->lock);
        m->stopping = 1;
        pthread_mutex_unlock(&m->lock);
        if (m->wake_fd >= 0 && write(m->wake_fd, &(uint64_t){1}, sizeof(uint64_t)) < 0)
            m->wake_fd = m->wake_fd;
        pthread_join(m->thread, NULL);
    }
    fail_all(m);
    while (m->creating) {
        struct creating *c = m->creating;
        m->creating = c->next;
        if (c->apply)
            tenant_apply_cancel(c->apply);
        free(c);
    }
    for (int k = 0; k < K_N; k++) {
        if (m->stores[k].watch)
            kube_watch_stop(m->stores[k].watch);
        json_object_put(m->stores[k].objs);
        json_object_put(m->stores[k].pending);
    }
    kube_client_free(m->c);
    if (m->wake_fd >= 0)
        close(m->wake_fd);
    snapshot_free(m->snap);
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
