/*
 * status.c - a tenant's phase from its live objects.
 *
 * Order of the questions, first answer wins:
 *   namespace Terminating                       -> Terminating
 *   suspended annotation                        -> Suspended
 *   db-init Job failed (backoff exhausted)      -> Failed
 *   a container stuck (crash loop, image pull,
 *   missing config), a pod that cannot be
 *   scheduled, or a quota refusal               -> Degraded, with the reason
 *   objects not all applied yet                 -> Provisioning (applying)
 *   PostgreSQL not ready                        -> Provisioning (database)
 *   database not initialised                    -> Provisioning (init job)
 *   Odoo not available                          -> Provisioning (odoo)
 *   otherwise                                   -> Ready
 * The Job may be gone (ttlSecondsAfterFinished): an available Odoo implies
 * it succeeded, since Odoo waits for the database marker the Job writes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/rest.h"
#include "status.h"

#define MANAGED_SELECTOR "app.kubernetes.io/managed-by=odoo-saas"
#define NS_PREFIX "tenant-"

static const char *const phase_names[] = {
    [TENANT_PROVISIONING] = "Provisioning", [TENANT_READY] = "Ready",
    [TENANT_DEGRADED] = "Degraded",         [TENANT_SUSPENDED] = "Suspended",
    [TENANT_TERMINATING] = "Terminating",   [TENANT_FAILED] = "Failed",
};

const char *tenant_phase_name(enum tenant_phase phase)
{
    return (unsigned)phase < sizeof(phase_names) / sizeof(phase_names[0]) ? phase_names[phase] : "?";
}

static size_t count(struct json_object *arr)
{
    return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

static struct json_object *at(struct json_object *arr, size_t i)
{
    return json_object_array_get_idx(arr, i);
}

static int64_t num(struct json_object *obj, const char *a, const char *b)
{
    struct json_object *x, *y;
    if (json_object_object_get_ex(obj, a, &x) && json_object_object_get_ex(x, b, &y))
        return json_object_get_int64(y);
    return 0;
}

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

static struct json_object *by_name(struct json_object *arr, const char *name)
{
    for (size_t i = 0; i < count(arr); i++)
        if (!strcmp(kube_object_name(at(arr, i)) ?: "", name))
            return at(arr, i);
    return NULL;
}

/* The condition of that type with status True, or NULL. */
static struct json_object *condition(struct json_object *obj, const char *type)
{
    struct json_object *st, *conds;
    if (!json_object_object_get_ex(obj, "status", &st) ||
        !json_object_object_get_ex(st, "conditions", &conds))
        return NULL;
    for (size_t i = 0; i < count(conds); i++) {
        const char *t = kube_object_str(at(conds, i), "type");
        const char *s = kube_object_str(at(conds, i), "status");
        if (t && s && !strcmp(t, type) && !strcmp(s, "True"))
            return at(conds, i);
    }
    return NULL;
}

static int condition_true(struct json_object *obj, const char *type)
{
    return condition(obj, type) != NULL;
}

static const char *const stuck_reasons[] = {
    "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError",
    "CreateContainerError", "InvalidImageName", "RunContainerError", NULL,
};

int tenant_reason_is_stuck(const char *reason)
{
    for (const char *const *r = stuck_reasons; reason && *r; r++)
        if (!strcmp(*r, reason))
            return 1;
    return 0;
}

/* A stuck container (init containers too) as "pod/container: Reason". */
static int pod_stuck(struct json_object *pod, struct tenant_status *st)
{
    static const char *const lists[] = {"initContainerStatuses", "containerStatuses"};
    struct json_object *status, *cs;

    if (!json_object_object_get_ex(pod, "status", &status))
        return 0;
    for (size_t l = 0; l < 2; l++) {
        if (!json_object_object_get_ex(status, lists[l], &cs))
            continue;
        for (size_t i = 0; i < count(cs); i++) {
            const char *reason = kube_object_str(at(cs, i), "state.waiting.reason");
            if (tenant_reason_is_stuck(reason)) {
                snprintf(st->reason, sizeof(st->reason), "pod %s, container %s: %s",
                         kube_object_name(pod), kube_object_str(at(cs, i), "name"), reason);
                return 1;
            }
        }
    }
    return 0;
}

static time_t rfc3339(const char *s)
{
    struct tm tm = {0};
    return s && strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) ? timegm(&tm) : 0;
}

/* An Unschedulable pod: its message in st->reason, and how long it has been
 * so in *since_s (0 when the condition carries no time). */
static int pod_unschedulable(struct json_object *pod, struct tenant_status *st, time_t now,
                             long *since_s)
{
    struct json_object *conds;
    struct json_object *status;

    if (!json_object_object_get_ex(pod, "status", &status) ||
        !json_object_object_get_ex(status, "conditions", &conds))
        return 0;
    for (size_t i = 0; i < count(conds); i++) {
        const char *reason = kube_object_str(at(conds, i), "reason");
        if (reason && !strcmp(reason, "Unschedulable")) {
            time_t t = rfc3339(kube_object_str(at(conds, i), "lastTransitionTime"));
            *since_s = t ? (long)(now - t) : 0;
            snprintf(st->reason, sizeof(st->reason), "pod %s cannot be scheduled: %s",
                     kube_object_name(pod), kube_object_str(at(conds, i), "message") ?: "");
            return 1;
        }
    }
    return 0;
}

/* FailedCreate events carry quota refusals ("exceeded quota", "failed quota"). */
static int quota_refused(struct json_object *events, struct tenant_status *st)
{
    for (size_t i = count(events); i-- > 0;) {
        const char *reason = kube_object_str(at(events, i), "reason");
        const char *msg = kube_object_str(at(events, i), "message");
        if (reason && !strcmp(reason, "FailedCreate") && msg && strstr(msg, "quota")) {
            snprintf(st->reason, sizeof(st->reason), "quota: %s", msg);
            return 1;
        }
    }
    return 0;
}

static void pod_counts(struct json_object *pods, struct tenant_status *st)
{
    for (size_t i = 0; i < count(pods); i++) {
        struct json_object *pod = at(pods, i), *status, *cs;
        const char *phase = kube_object_str(pod, "status.phase");
        if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
            continue;
        st->pods_total++;
        st->pods_ready += condition_true(pod, "Ready");
        if (json_object_object_get_ex(pod, "status", &status) &&
            json_object_object_get_ex(status, "containerStatuses", &cs))
            for (size_t j = 0; j < count(cs); j++)
                st->restarts += json_object_get_int(json_object_object_get(at(cs, j), "restartCount"));
    }
}

static void describe(const struct tenant_objects *o, struct tenant_status *st)
{
    const char *name = kube_object_name(o->ns);
    copy(st->id, sizeof(st->id), kube_object_label(o->ns, "odoo-saas.io/tenant"));
    if (!st->id[0] && name && !strncmp(name, NS_PREFIX, strlen(NS_PREFIX)))
        copy(st->id, sizeof(st->id), name + strlen(NS_PREFIX));
    copy(st->tier, sizeof(st->tier), kube_object_label(o->ns, "odoo-saas.io/tier"));
    copy(st->url, sizeof(st->url), kube_object_annotation(o->ns, "odoo-saas.io/url"));
    copy(st->admin_email, sizeof(st->admin_email), kube_object_annotation(o->ns, "odoo-saas.io/admin-email"));
    copy(st->owner, sizeof(st->owner), kube_object_annotation(o->ns, "odoo-saas.io/owner"));
    copy(st->created_at, sizeof(st->created_at), kube_object_annotation(o->ns, "odoo-saas.io/created-at"));
    copy(st->trial_expires_at, sizeof(st->trial_expires_at),
         kube_object_annotation(o->ns, "odoo-saas.io/trial-expires-at"));
}

static int is_true(const char *v)
{
    return v && !strcmp(v, "true");
}

/* 1 Degraded, 0 fine, -1 waiting for the scheduler (still provisioning). */
static int degraded(const struct tenant_objects *o, struct tenant_status *st)
{
    time_t now = o->now ? o->now : time(NULL);
    int waiting = 0;

    for (size_t i = 0; i < count(o->pods); i++) {
        long since = 0;
        if (pod_stuck(at(o->pods, i), st))
            return 1;
        if (pod_unschedulable(at(o->pods, i), st, now, &since)) {
            if (since >= TENANT_UNSCHEDULABLE_GRACE_S)
                return 1;
            waiting = 1;
        }
    }
    return waiting ? -1 : 0;
}

static void provisioning(struct tenant_status *st, const char *step, const char *reason)
{
    st->phase = TENANT_PROVISIONING;
    copy(st->step, sizeof(st->step), step);
    if (reason)
        copy(st->reason, sizeof(st->reason), reason);
}

void tenant_status_compute(const struct tenant_objects *o, struct tenant_status *st)
{
    struct json_object *sts = by_name(o->statefulsets, "postgresql");
    struct json_object *dep = by_name(o->deployments, "odoo");
    struct json_object *job = by_name(o->jobs, "odoo-db-init");
    int odoo_up = dep && num(dep, "status", "availableReplicas") >= 1;

    memset(st, 0, sizeof(*st));
    describe(o, st);
    pod_counts(o->pods, st);
    if (kube_object_str(o->ns, "metadata.deletionTimestamp") ||
        !strcmp(kube_object_str(o->ns, "status.phase") ?: "", "Terminating")) {
        st->phase = TENANT_TERMINATING;
        return;
    }
    if (is_true(kube_object_annotation(o->ns, TENANT_ANN_SUSPENDED))) {
        st->phase = TENANT_SUSPENDED;
        return;
    }
    if (job && condition_true(job, "Failed")) {
        st->phase = TENANT_FAILED;
        snprintf(st->reason, sizeof(st->reason), "database initialisation failed: %s",
                 kube_object_str(condition(job, "Failed"), "message") ?: "the job gave up");
        return;
    }
    int bad = degraded(o, st);
    if (bad > 0 || (!odoo_up && quota_refused(o->events, st))) {
        st->phase = TENANT_DEGRADED;
        return;
    }
    if (bad < 0)
        return provisioning(st, "scheduling", NULL);   /* keeps the scheduler's message */
    if (!is_true(kube_object_annotation(o->ns, TENANT_ANN_PROVISIONED)))
        return provisioning(st, "applying", "objects are being created");
    if (!sts || num(sts, "status", "readyReplicas") < 1)
        return provisioning(st, "database", "waiting for PostgreSQL to be ready");
    if (!odoo_up && !(job && num(job, "status", "succeeded") >= 1))
        return provisioning(st, "init job", "initialising the database");
    if (!odoo_up)
        return provisioning(st, "odoo", "waiting for Odoo to be available");
    st->phase = TENANT_READY;
}

/* ---- fetching ----------------------------------------------------------- */

struct tenant_lists {
    struct json_object *ns, *pods, *deployments, *statefulsets, *jobs, *events;
};

static void lists_free(struct tenant_lists *l)
{
    json_object_put(l->ns);
    json_object_put(l->pods);
    json_object_put(l->deployments);
    json_object_put(l->statefulsets);
    json_object_put(l->jobs);
    json_object_put(l->events);
    memset(l, 0, sizeof(*l));
}

/* List the workload objects of one namespace (ns) or of every tenant (NULL,
 * by label).  Events carry no tenant label, so across tenants they are
 * listed in all namespaces and grouped later. */
static int fetch_workloads(struct kube_client *c, const char *ns, struct tenant_lists *l,
                           struct os_error *err)
{
    struct kube_list_opts by_label = {.label_selector = ns ? NULL : MANAGED_SELECTOR};
    struct kube_list_opts events = {.field_selector = "reason=FailedCreate"};
    struct {
        const char *api, *kind;
        struct json_object **out;
        const struct kube_list_opts *opts;
    } want[] = {
        {"v1", "Pod", &l->pods, &by_label},
        {"apps/v1", "Deployment", &l->deployments, &by_label},
        {"apps/v1", "StatefulSet", &l->statefulsets, &by_label},
        {"batch/v1", "Job", &l->jobs, &by_label},
        {"v1", "Event", &l->events, &events},
    };
    int rc;

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        rc = kube_list(c, kube_resource_by_kind(want[i].api, want[i].kind), ns, want[i].opts,
                       want[i].out, err);
        /* Event field selectors are optional in some servers: fall back to all. */
        if (rc < 0 && want[i].out == &l->events && err->http_status == 400)
            rc = kube_list(c, kube_resource_by_kind("v1", "Event"), ns, NULL, want[i].out, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static struct json_object *items(struct json_object *list)
{
    struct json_object *arr = NULL;
    if (list)
        json_object_object_get_ex(list, "items", &arr);
    return arr;
}

/* One tenant's objects, fetched concurrently: a namespace holds a handful
 * of each, so one page each, all in one round trip. */
struct fetch_one {
    struct json_object **out;
    struct os_error err;
    int done;
};

static void fetched(void *ud, struct json_object *obj, const struct os_error *err)
{
    struct fetch_one *f = ud;
    f->err = *err;
    *f->out = json_object_get(obj);
    f->done = 1;
}

static int fetch_tenant(struct kube_client *c, const char *ns, struct tenant_lists *l,
                        struct os_error *err)
{
    char paths[6][256];
    struct json_object **outs[6] = {&l->ns, &l->pods, &l->deployments, &l->statefulsets,
                                    &l->jobs, &l->events};
    struct fetch_one f[6];
    int started = 0, rc = 0;

    snprintf(paths[0], sizeof(paths[0]), "/api/v1/namespaces/%s", ns);
    snprintf(paths[1], sizeof(paths[1]), "/api/v1/namespaces/%s/pods?limit=500", ns);
    snprintf(paths[2], sizeof(paths[2]), "/apis/apps/v1/namespaces/%s/deployments?limit=500", ns);
    snprintf(paths[3], sizeof(paths[3]), "/apis/apps/v1/namespaces/%s/statefulsets?limit=500", ns);
    snprintf(paths[4], sizeof(paths[4]), "/apis/batch/v1/namespaces/%s/jobs?limit=500", ns);
    snprintf(paths[5], sizeof(paths[5]), "/api/v1/namespaces/%s/events?limit=500", ns);
    for (int i = 0; i < 6; i++) {
        f[i] = (struct fetch_one){.out = outs[i]};
        if (!kube_request_json_start(c, "GET", paths[i], NULL, NULL, fetched, &f[i], err))
            break;
        started++;
    }
    for (int i = 0; i < started; i++)
        while (!f[i].done)
            kube_client_wait(c, 1000, NULL, 0);
    if (started < 6)
        return err->code;
    for (int i = 0; i < 6 && rc == 0; i++)
        if (f[i].err.code) {
            *err = f[i].err;
            rc = err->code;
        }
    return rc;
}

int tenant_status_get(struct kube_client *c, const char *id, struct tenant_status *st,
                      struct os_error *err)
{
    struct tenant_lists l = {0};
    struct tenant_objects o;
    char ns[128];
    int rc;

    snprintf(ns, sizeof(ns), NS_PREFIX "%s", id);
    rc = fetch_tenant(c, ns, &l, err);
    if (rc < 0 && os_error_is(err, "NotFound")) {
        os_error_set(err, OS_ERR_API, "tenant \"%s\" not found", id);
        strcpy(err->reason, "NotFound");
        err->http_status = 404;
    }
    if (rc == 0 && strcmp(kube_object_label(l.ns, "app.kubernetes.io/managed-by") ?: "", "odoo-saas"))
        rc = os_error_set(err, OS_ERR_INVALID, "namespace %s exists but is not managed by odoo-saas", ns);
    if (rc == 0) {
        o = (struct tenant_objects){.ns = l.ns, .pods = items(l.pods),
                                    .deployments = items(l.deployments),
                                    .statefulsets = items(l.statefulsets), .jobs = items(l.jobs),
                                    .events = items(l.events)};
        tenant_status_compute(&o, st);
    }
    lists_free(&l);
    return rc;
}

/* The items of list that live in namespace ns, as a new array. */
static struct json_object *in_ns(struct json_object *list, const char *ns)
{
    struct json_object *arr = json_object_new_array(), *all = items(list);
    for (size_t i = 0; i < count(all); i++)
        if (!strcmp(kube_object_namespace(at(all, i)) ?: "", ns))
            json_object_array_add(arr, json_object_get(at(all, i)));
    return arr;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct tenant_status *)a)->id, ((const struct tenant_status *)b)->id);
}

int tenant_status_list(struct kube_client *c, struct tenant_status **out, size_t *n,
                       struct os_error *err)
{
    struct kube_list_opts managed = {.label_selector = MANAGED_SELECTOR};
    struct tenant_lists l = {0};
    struct json_object *nss;
    int rc;

    *out = NULL;
    *n = 0;
    rc = kube_list(c, kube_resource_by_kind("v1", "Namespace"), NULL, &managed, &l.ns, err);
    if (rc == 0)
        rc = fetch_workloads(c, NULL, &l, err);
    nss = items(l.ns);
    if (rc == 0 && !(*out = calloc(count(nss) ? count(nss) : 1, sizeof(**out))))
        rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < count(nss); i++) {
        const char *name = kube_object_name(at(nss, i)) ?: "";
        struct tenant_objects o = {.ns = at(nss, i), .pods = in_ns(l.pods, name),
                                   .deployments = in_ns(l.deployments, name),
                                   .statefulsets = in_ns(l.statefulsets, name),
                                   .jobs = in_ns(l.jobs, name), .events = in_ns(l.events, name)};
        tenant_status_compute(&o, &(*out)[(*n)++]);
        json_object_put(o.pods);
        json_object_put(o.deployments);
        json_object_put(o.statefulsets);
        json_object_put(o.jobs);
        json_object_put(o.events);
    }
    lists_free(&l);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    qsort(*out, *n, sizeof(**out), by_id);
    return 0;
}

static void add_str(struct json_object *o, const char *key, const char *value)
{
    json_object_object_add(o, key, value && *value ? json_object_new_string(value) : NULL);
}

struct json_object *tenant_status_json(const struct tenant_status *st)
{
    struct json_object *o = json_object_new_object();
    add_str(o, "id", st->id);
    add_str(o, "phase", tenant_phase_name(st->phase));
    add_str(o, "step", st->step);
    add_str(o, "reason", st->reason);
    add_str(o, "tier", st->tier);
    add_str(o, "url", st->url);
    add_str(o, "adminEmail", st->admin_email);
    add_str(o, "owner", st->owner);
    add_str(o, "createdAt", st->created_at);
    add_str(o, "trialExpiresAt", st->trial_expires_at);
    json_object_object_add(o, "podsReady", json_object_new_int(st->pods_ready));
    json_object_object_add(o, "podsTotal", json_object_new_int(st->pods_total));
    json_object_object_add(o, "restarts", json_object_new_int(st->restarts));
    return o;
}
