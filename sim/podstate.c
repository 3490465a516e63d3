/*
 * podstate.c - the simulated kubelet's pod status (see podstate.h).
 *
 * How it works.  Each container gets a "view" (struct cview): its state at
 * now (waiting/running/terminated with reason, message and times), its
 * lastState, restartCount, ready and started flags, and the next instant
 * its view changes.  Views come from a fixed timeline measured from the
 * bind time B:
 *
 *   [B, B+sandbox)        containers waiting ContainerCreating (or
 *                         PodInitializing when there are init containers);
 *                         PodReadyToStartContainers turns True at its end and
 *                         podIP appears.
 *   init containers       one after the other, init_ms each, terminated
 *                         Completed (exit 0).  A failing init container
 *                         (crashloop/doesnotexist) blocks the rest, as the
 *                         kubelet does ("Init:CrashLoopBackOff").
 *   app containers        all start together after the last init.  Normal:
 *                         running; ready at once, or after ready_ms when it
 *                         has a readinessProbe.  In a Job pod: terminated
 *                         Completed after job_ms.
 *   "crashloop" image     runs crash_ms, terminated Error exit 1; then
 *                         waiting CrashLoopBackOff for back-off b_k =
 *                         min(backoff * 2^k, backoff_max), message
 *                         "back-off 20s restarting failed container=NAME
 *                         pod=POD_NAMESPACE(UID)"; restarts with
 *                         restartCount k+1 and lastState.terminated of the
 *                         previous run.  restartPolicy Never: stays
 *                         terminated Error and the pod ends Failed.
 *   "doesnotexist" image  pull attempts of pull_ms each: ErrImagePull
 *                         (containerd's not-found wording) for pull_ms after
 *                         each failed attempt, ImagePullBackOff ("Back-off
 *                         pulling image \"IMG\": ErrImagePull: ...") until
 *                         the next attempt ends, back-off doubling as above.
 *
 * The pod phase is the kubelet's getPhase(): Pending while init containers
 * have not all completed or an app container waits without having run;
 * Running while one runs (or crash-loops under restartPolicy Always);
 * Succeeded / Failed when all app containers have terminated.  Conditions
 * come in the kubelet's order (PodReadyToStartContainers, Initialized,
 * Ready, ContainersReady, PodScheduled) with the reasons kubectl shows
 * (ContainersNotInitialized, ContainersNotReady, PodCompleted).  IDs are
 * hashes of the inputs ("containerd://<64 hex>", "<repo>@sha256:<64 hex>"),
 * so two calls agree.  Probes other than the readinessProbe's presence,
 * startupProbe, sidecar init containers and pod deletion are not modelled.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "podstate.h"

enum cstate { CS_WAITING, CS_RUNNING, CS_TERMINATED };
enum ckind { CK_NORMAL, CK_CRASH, CK_NOPULL };

struct cview {
    enum cstate state;
    const char *reason;
    char message[2048];
    int64_t started_at, finished_at;    /* running / terminated times */
    int exit_code;
    int has_last;                       /* lastState.terminated (Error) */
    int64_t last_start, last_finish;
    int restarts;
    int ready, started, ran;
    int64_t ready_at;                   /* when ready turned true */
    int64_t next;                       /* next change, -1 none */
};

struct podctx {
    json_object *pod;
    const struct sim_pod_facts *f;
    const struct sim_pod_timing *t;
    int64_t now;
    const char *ns, *name, *uid, *restart;
    int job;
};

/* ---- helpers ---- */

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o && json_object_is_type(o, json_type_object))
        json_object_object_get_ex(o, key, &v);
    return v;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static size_t alen(json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static int streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static int64_t pos(int64_t v)
{
    return v > 0 ? v : 1;
}

static void next_min(int64_t *next, int64_t at, int64_t now)
{
    if (at > now && (*next < 0 || at < *next))
        *next = at;
}

/* RFC 3339 UTC with second precision, as the API server stores times. */
static void rfc3339(int64_t ms, char *buf, size_t len)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_object *jtime(int64_t ms)
{
    char buf[32];
    rfc3339(ms, buf, sizeof(buf));
    return json_object_new_string(buf);
}

/* Go's time.Duration.String() for whole milliseconds: 100ms, 1.5s, 5m0s. */
static void go_duration(int64_t ms, char *buf, size_t len)
{
    int64_t s = ms / 1000, frac = ms % 1000, h = s / 3600, m = s / 60 % 60, sec = s % 60;
    char fr[8] = "";
    size_t off = 0;

    if (ms < 1000) {
        snprintf(buf, len, "%" PRId64 "ms", ms);
        return;
    }
    if (frac) {
        snprintf(fr, sizeof(fr), ".%03" PRId64, frac);
        for (size_t i = strlen(fr) - 1; fr[i] == '0'; i--)
            fr[i] = 0;
    }
    buf[0] = 0;
    if (h)
        off += (size_t)snprintf(buf + off, len - off, "%" PRId64 "h", h);
    if (h || m)
        off += (size_t)snprintf(buf + off, len - off, "%" PRId64 "m", m);
    snprintf(buf + off, len - off, "%" PRId64 "%ss", sec, fr);
}

static uint64_t fnv(const char *s, uint64_t h)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* 64 hex digits derived from the parts. */
static void hex64(const char *a, const char *b, const char *c, int n, char out[65])
{
    char num[16];
    snprintf(num, sizeof(num), "%d", n);
    for (int i = 0; i < 4; i++) {
        uint64_t h = 1469598103934665603ULL + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
        h = fnv(num, fnv(c, fnv(b, fnv(a, h))));
        snprintf(out + 16 * i, 17, "%016" PRIx64, h);
    }
}

/* docker.io/library/odoo:17.0 from odoo:17.0 (containerd's normal form). */
static void normalize_image(const char *image, char *out, size_t len)
{
    const char *slash = strchr(image, '/'), *last = strrchr(image, '/');
    const char *tail = last ? last + 1 : image;
    int domain = slash && (memchr(image, '.', (size_t)(slash - image)) ||
                           memchr(image, ':', (size_t)(slash - image)) ||
                           !strncmp(image, "localhost/", 10));
    const char *prefix = domain ? "" : slash ? "docker.io/" : "docker.io/library/";
    int tagged = strchr(tail, ':') || strchr(image, '@');

    snprintf(out, len, "%s%s%s", prefix, image, tagged ? "" : ":latest");
}

/* The repository part of a normalized image (no tag, no digest). */
static void image_repo(const char *norm, char *out, size_t len)
{
    const char *last = strrchr(norm, '/'), *at = strchr(norm, '@');
    const char *colon = strchr(last ? last : norm, ':');
    size_t n = at ? (size_t)(at - norm) : colon ? (size_t)(colon - norm) : strlen(norm);
    snprintf(out, len, "%.*s", (int)n, norm);
}

static enum ckind kind_of(json_object *c)
{
    const char *image = str(c, "image");
    if (image && strstr(image, "doesnotexist"))
        return CK_NOPULL;
    if (image && strstr(image, "crashloop"))
        return CK_CRASH;
    return CK_NORMAL;
}

static int64_t backoff(const struct sim_pod_timing *t, int k)
{
    int64_t b = pos(t->backoff_ms), max = pos(t->backoff_max_ms);
    for (int i = 0; i < k && b < max; i++)
        b *= 2;
    return b < max ? b : max;
}

/* ---- container timelines ---- */

static void view_waiting(struct cview *v, const char *reason, int64_t next, int64_t now)
{
    memset(v, 0, sizeof(*v));
    v->state = CS_WAITING;
    v->reason = reason;
    v->next = -1;
    next_min(&v->next, next, now);
}

/* A container that starts at s and runs for run_ms (-1: forever), ready
 * after ready_delay; terminated Completed at the end. */
static void view_run(struct cview *v, int64_t s, int64_t run_ms, int64_t ready_delay, int64_t now)
{
    memset(v, 0, sizeof(*v));
    v->next = -1;
    v->ran = 1;
    v->started_at = s;
    if (run_ms >= 0 && now >= s + run_ms) {
        v->state = CS_TERMINATED;
        v->reason = "Completed";
        v->finished_at = s + run_ms;
        v->ready = 0;
        return;
    }
    v->state = CS_RUNNING;
    v->started = 1;
    v->ready = now >= s + ready_delay;
    v->ready_at = s + ready_delay;
    next_min(&v->next, s + ready_delay, now);
    if (run_ms >= 0)
        next_min(&v->next, s + run_ms, now);
}

/* Find the crash cycle holding now: run r_k .. r_k+crash, back-off b_k. */
static void view_crash(const struct podctx *p, struct cview *v, json_object *c, int64_t s)
{
    int64_t crash = pos(p->t->crash_ms), r = s, b = 0;
    int k = 0;
    char d[32];

    memset(v, 0, sizeof(*v));
    v->next = -1;
    v->ran = 1;
    if (streq(p->restart, "Never")) {
        view_run(v, s, crash, crash + 1, p->now);
        if (v->state == CS_TERMINATED)
            v->reason = "Error", v->exit_code = 1;
        return;
    }
    for (;;) {
        b = backoff(p->t, k);
        if (r + crash + b > p->now)
            break;                  /* now is in cycle k */
        if (b == pos(p->t->backoff_max_ms)) {
            int64_t period = crash + b, skip = (p->now - r) / period;
            r += skip * period;     /* the cap reached: cycles are periodic */
            k += (int)skip;
            break;
        }
        r += crash + b;
        k++;
    }
    v->restarts = k;
    if (k > 0) {
        int64_t prev_b = backoff(p->t, k - 1);
        v->has_last = 1;
        v->last_start = r - prev_b - crash;
        v->last_finish = r - prev_b;
    }
    if (p->now < r + crash) {
        v->state = CS_RUNNING;
        v->started = 1;
        v->started_at = r;
        v->next = r + crash;
        return;
    }
    v->state = CS_WAITING;
    v->reason = "CrashLoopBackOff";
    v->has_last = 1;
    v->last_start = r;
    v->last_finish = r + crash;
    go_duration(b, d, sizeof(d));
    snprintf(v->message, sizeof(v->message), "back-off %s restarting failed container=%s pod=%s_%s(%s)",
             d, str(c, "name") ? str(c, "name") : "", p->name ? p->name : "", p->ns ? p->ns : "",
             p->uid ? p->uid : "");
    v->next = r + crash + b;
}

/* Failed pulls: attempt k ends at f_k; ErrImagePull for pull_ms, then
 * ImagePullBackOff until the next attempt fails. */
static void view_nopull(const struct podctx *p, struct cview *v, json_object *c, int64_t s)
{
    int64_t pull = pos(p->t->pull_ms), f = s + pull;
    const char *image = str(c, "image") ? str(c, "image") : "";
    char norm[256], err[1024];
    int k = 0;

    while (f + backoff(p->t, k) + pull <= p->now && k < 100000) {
        f += backoff(p->t, k) + pull;
        k++;
    }
    normalize_image(image, norm, sizeof(norm));
    snprintf(err, sizeof(err),
             "rpc error: code = NotFound desc = failed to pull and unpack image \"%s\": "
             "failed to resolve reference \"%s\": %s: not found", norm, norm, norm);
    if (p->now < f) {
        view_waiting(v, k == 0 ? "ContainerCreating" : "ImagePullBackOff", f, p->now);
    } else if (p->now < f + pull && p->now < f + backoff(p->t, k)) {
        int64_t b = backoff(p->t, k);
        view_waiting(v, "ErrImagePull", f + (pull < b ? pull : b), p->now);
        snprintf(v->message, sizeof(v->message), "%s", err);
        return;
    } else {
        view_waiting(v, "ImagePullBackOff", f + backoff(p->t, k) + pull, p->now);
    }
    if (strcmp(v->reason, "ContainerCreating"))
        snprintf(v->message, sizeof(v->message), "Back-off pulling image \"%s\": ErrImagePull: %s",
                 image, err);
}

static int has_probe(json_object *c)
{
    return get(c, "readinessProbe") != NULL;
}

/* An app container whose turn came at s. */
static void view_app(const struct podctx *p, struct cview *v, json_object *c, int64_t s)
{
    switch (kind_of(c)) {
    case CK_CRASH:
        view_crash(p, v, c, s);
        break;
    case CK_NOPULL:
        view_nopull(p, v, c, s);
        break;
    default:
        view_run(v, s, p->job ? pos(p->t->job_ms) : -1, has_probe(c) ? pos(p->t->ready_ms) : 0,
                 p->now);
    }
}

/* ---- the pod ---- */

struct pod_views {
    struct cview *init, *app;
    size_t ninit, napp;
    int inits_done;
    int64_t app_start;      /* when app containers start (valid if inits_done) */
    int64_t next;
};

static json_object *spec_list(json_object *pod, const char *key)
{
    return get(get(pod, "spec"), key);
}

static void views_init(const struct podctx *p, struct pod_views *pv)
{
    json_object *inits = spec_list(p->pod, "initContainers");
    int64_t s = p->f->bound_ms + p->t->sandbox_ms;
    int blocked = 0;

    pv->inits_done = 0;
    pv->next = -1;
    for (size_t i = 0; i < pv->ninit; i++) {
        json_object *c = json_object_array_get_idx(inits, i);
        struct cview *v = &pv->init[i];
        if (blocked || p->now < s) {
            view_waiting(v, "PodInitializing", blocked ? -1 : s, p->now);
            blocked = 1;
        } else if (kind_of(c) == CK_NORMAL) {
            view_run(v, s, pos(p->t->init_ms), 0, p->now);
            v->ready = v->state == CS_TERMINATED;
            blocked = v->state != CS_TERMINATED;
            s += pos(p->t->init_ms);
        } else {
            view_app(p, v, c, s);
            blocked = 1;
        }
        next_min(&pv->next, v->next, p->now);
    }
    pv->inits_done = !blocked;
    pv->app_start = s;
}

static void views_app(const struct podctx *p, struct pod_views *pv)
{
    json_object *cs = spec_list(p->pod, "containers");
    const char *waiting = pv->ninit ? "PodInitializing" : "ContainerCreating";

    for (size_t i = 0; i < pv->napp; i++) {
        struct cview *v = &pv->app[i];
        if (!pv->inits_done || p->now < pv->app_start)
            view_waiting(v, waiting, pv->inits_done ? pv->app_start : -1, p->now);
        else
            view_app(p, v, json_object_array_get_idx(cs, i), pv->app_start);
        next_min(&pv->next, v->next, p->now);
    }
}

/* kubelet getPhase() */
static const char *phase_of(const struct podctx *p, const struct pod_views *pv)
{
    int waiting = 0, running = 0, stopped = 0, succeeded = 0;

    for (size_t i = 0; i < pv->ninit; i++)
        if (pv->init[i].state == CS_TERMINATED && pv->init[i].exit_code && streq(p->restart, "Never"))
            return "Failed";
    if (!pv->inits_done)
        return "Pending";
    for (size_t i = 0; i < pv->napp; i++) {
        const struct cview *v = &pv->app[i];
        if (v->state == CS_RUNNING)
            running++;
        else if (v->state == CS_TERMINATED)
            stopped++, succeeded += v->exit_code == 0;
        else if (v->has_last)
            stopped++;
        else
            waiting++;
    }
    if (waiting)
        return "Pending";
    if (running)
        return "Running";
    if (streq(p->restart, "Always") || !p->restart)
        return "Running";
    if (stopped == succeeded)
        return "Succeeded";
    return streq(p->restart, "Never") ? "Failed" : "Running";
}

static json_object *state_json(const struct cview *v)
{
    json_object *st = json_object_new_object(), *in = json_object_new_object();

    if (v->state == CS_WAITING) {
        json_object_object_add(in, "reason", json_object_new_string(v->reason));
        if (v->message[0])
            json_object_object_add(in, "message", json_object_new_string(v->message));
        json_object_object_add(st, "waiting", in);
    } else if (v->state == CS_RUNNING) {
        json_object_object_add(in, "startedAt", jtime(v->started_at));
        json_object_object_add(st, "running", in);
    } else {
        json_object_object_add(in, "exitCode", json_object_new_int(v->exit_code));
        json_object_object_add(in, "reason", json_object_new_string(v->reason));
        json_object_object_add(in, "startedAt", jtime(v->started_at));
        json_object_object_add(in, "finishedAt", jtime(v->finished_at));
        json_object_object_add(st, "terminated", in);
    }
    return st;
}

static json_object *last_json(const struct cview *v)
{
    json_object *st = json_object_new_object(), *in;

    if (!v->has_last)
        return st;
    in = json_object_new_object();
    json_object_object_add(in, "exitCode", json_object_new_int(1));
    json_object_object_add(in, "reason", json_object_new_string("Error"));
    json_object_object_add(in, "startedAt", jtime(v->last_start));
    json_object_object_add(in, "finishedAt", jtime(v->last_finish));
    json_object_object_add(st, "terminated", in);
    return st;
}

static json_object *cstatus_json(const struct podctx *p, json_object *c, const struct cview *v)
{
    json_object *o = json_object_new_object();
    const char *name = str(c, "name") ? str(c, "name") : "";
    char norm[512], repo[512], hex[65], id[600];

    normalize_image(str(c, "image") ? str(c, "image") : "", norm, sizeof(norm));
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "state", state_json(v));
    json_object_object_add(o, "lastState", last_json(v));
    json_object_object_add(o, "ready", json_object_new_boolean(v->ready));
    json_object_object_add(o, "restartCount", json_object_new_int(v->restarts));
    json_object_object_add(o, "image", json_object_new_string(norm));
    image_repo(norm, repo, sizeof(repo));
    hex64(norm, "", "", 0, hex);
    snprintf(id, sizeof(id), "%s@sha256:%s", repo, hex);
    json_object_object_add(o, "imageID", json_object_new_string(v->ran ? id : ""));
    if (v->ran) {
        hex64(p->uid ? p->uid : p->name, p->ns, name, v->restarts, hex);
        snprintf(id, sizeof(id), "containerd://%s", hex);
        json_object_object_add(o, "containerID", json_object_new_string(id));
    }
    json_object_object_add(o, "started", json_object_new_boolean(v->started));
    return o;
}

static json_object *statuses_json(const struct podctx *p, const char *key, const struct cview *vs,
                                  size_t n)
{
    json_object *arr = json_object_new_array(), *cs = spec_list(p->pod, key);
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, cstatus_json(p, json_object_array_get_idx(cs, i), &vs[i]));
    return arr;
}

static json_object *condition(const char *type, int ok, int64_t at, const char *reason,
                              const char *message)
{
    json_object *c = json_object_new_object();
    json_object_object_add(c, "type", json_object_new_string(type));
    json_object_object_add(c, "status", json_object_new_string(ok ? "True" : "False"));
    json_object_object_add(c, "lastProbeTime", NULL);
    json_object_object_add(c, "lastTransitionTime", jtime(at));
    if (reason)
        json_object_object_add(c, "reason", json_object_new_string(reason));
    if (message)
        json_object_object_add(c, "message", json_object_new_string(message));
    return c;
}

/* "containers with unready status: [a b]" for the names not ok. */
static void names_msg(const char *prefix, json_object *cs, const struct cview *vs, size_t n,
                      int want_done, char *buf, size_t len)
{
    size_t off = (size_t)snprintf(buf, len, "%s: [", prefix);
    int first = 1;
    for (size_t i = 0; i < n && off < len; i++) {
        int ok = want_done ? vs[i].state == CS_TERMINATED && vs[i].exit_code == 0 : vs[i].ready;
        if (ok)
            continue;
        off += (size_t)snprintf(buf + off, len - off, "%s%s", first ? "" : " ",
                                str(json_object_array_get_idx(cs, i), "name"));
        first = 0;
    }
    if (off < len)
        snprintf(buf + off, len - off, "]");
}

static json_object *conditions_json(const struct podctx *p, const struct pod_views *pv,
                                    const char *phase)
{
    json_object *arr = json_object_new_array();
    int64_t b = p->f->bound_ms, sandbox = b + p->t->sandbox_ms, ready_at = b, done_at = b;
    int terminal = streq(phase, "Succeeded") || streq(phase, "Failed"), all_ready = pv->napp > 0;
    char msg[1024];

    for (size_t i = 0; i < pv->napp; i++) {
        all_ready &= pv->app[i].ready;
        ready_at = pv->app[i].ready_at > ready_at ? pv->app[i].ready_at : ready_at;
        done_at = pv->app[i].finished_at > done_at ? pv->app[i].finished_at : done_at;
    }
    json_object_array_add(arr, condition("PodReadyToStartContainers", p->now >= sandbox && !terminal,
                                         terminal ? done_at : p->now >= sandbox ? sandbox : b, NULL, NULL));
    names_msg("containers with incomplete status", spec_list(p->pod, "initContainers"), pv->init,
              pv->ninit, 1, msg, sizeof(msg));
    json_object_array_add(arr, condition("Initialized", pv->inits_done,
                                         pv->inits_done && pv->ninit ? pv->app_start : b,
                                         pv->inits_done ? (terminal ? "PodCompleted" : NULL)
                                                        : "ContainersNotInitialized",
                                         pv->inits_done ? NULL : msg));
    names_msg("containers with unready status", spec_list(p->pod, "containers"), pv->app, pv->napp,
              0, msg, sizeof(msg));
    for (int k = 0; k < 2; k++)
        json_object_array_add(arr, condition(k ? "ContainersReady" : "Ready", all_ready,
                                             terminal ? done_at : all_ready ? ready_at : b,
                                             all_ready ? NULL : terminal ? "PodCompleted" : "ContainersNotReady",
                                             all_ready || terminal ? NULL : msg));
    json_object_array_add(arr, condition("PodScheduled", 1, b, NULL, NULL));
    return arr;
}

/* ---- QoS ---- */

static int res_has(json_object *c, const char *which, const char *res)
{
    return get(get(get(c, "resources"), which), res) != NULL;
}

static const char *qos_class(json_object *pod)
{
    int any = 0, guaranteed = 1;
    const char *lists[] = {"containers", "initContainers"}, *res[] = {"cpu", "memory"};

    for (int l = 0; l < 2; l++) {
        json_object *cs = spec_list(pod, lists[l]);
        for (size_t i = 0; i < alen(cs); i++) {
            json_object *c = json_object_array_get_idx(cs, i);
            for (int r = 0; r < 2; r++) {
                const char *rq = str(get(get(c, "resources"), "requests"), res[r]);
                const char *lm = str(get(get(c, "resources"), "limits"), res[r]);
                any |= res_has(c, "requests", res[r]) || res_has(c, "limits", res[r]);
                if (!lm || (rq && strcmp(rq, lm)))
                    guaranteed = 0;
            }
        }
    }
    if (!any)
        return "BestEffort";
    return guaranteed ? "Guaranteed" : "Burstable";
}

/* ---- entry points ---- */

static int is_job(json_object *pod, const char *restart)
{
    json_object *owners = get(get(pod, "metadata"), "ownerReferences");
    for (size_t i = 0; i < alen(owners); i++)
        if (streq(str(json_object_array_get_idx(owners, i), "kind"), "Job"))
            return 1;
    return streq(restart, "Never") || streq(restart, "OnFailure");
}

static void ctx_init(struct podctx *p, json_object *pod, const struct sim_pod_facts *f,
                     int64_t now, const struct sim_pod_timing *t)
{
    json_object *md = get(pod, "metadata");

    p->pod = pod;
    p->f = f;
    p->t = t;
    p->now = now;
    p->ns = str(md, "namespace");
    p->name = str(md, "name");
    p->uid = str(md, "uid");
    p->restart = str(get(pod, "spec"), "restartPolicy");
    if (!p->restart)
        p->restart = "Always";
    p->job = is_job(pod, p->restart);
}

static const char *bound_node(json_object *pod, const struct sim_pod_facts *f)
{
    const char *n = f && f->node ? f->node : str(get(pod, "spec"), "nodeName");
    return n && *n ? n : NULL;
}

static int views_alloc(const struct podctx *p, struct pod_views *pv)
{
    pv->ninit = alen(spec_list(p->pod, "initContainers"));
    pv->napp = alen(spec_list(p->pod, "containers"));
    pv->init = calloc(pv->ninit ? pv->ninit : 1, sizeof(*pv->init));
    pv->app = calloc(pv->napp ? pv->napp : 1, sizeof(*pv->app));
    if (!pv->init || !pv->app) {
        free(pv->init);
        free(pv->app);
        return -1;
    }
    views_init(p, pv);
    views_app(p, pv);
    return 0;
}

static json_object *pending_status(json_object *pod, const struct sim_pod_facts *f)
{
    json_object *st = json_object_new_object(), *conds;

    json_object_object_add(st, "phase", json_object_new_string("Pending"));
    if (f && f->unschedulable) {
        conds = json_object_new_array();
        json_object_array_add(conds, condition("PodScheduled", 0, f->unschedulable_ms, "Unschedulable",
                                               f->unschedulable));
        json_object_object_add(st, "conditions", conds);
    }
    json_object_object_add(st, "qosClass", json_object_new_string(qos_class(pod)));
    return st;
}

static void add_ips(json_object *st, const char *key, const char *ip)
{
    json_object *arr = json_object_new_array(), *one = json_object_new_object();

    json_object_object_add(st, key, json_object_new_string(ip));
    json_object_object_add(one, "ip", json_object_new_string(ip));
    json_object_array_add(arr, one);
    json_object_object_add(st, strcmp(key, "hostIP") ? "podIPs" : "hostIPs", arr);
}

json_object *sim_pod_status(json_object *pod, const struct sim_pod_facts *f, int64_t now_ms,
                            const struct sim_pod_timing *t)
{
    struct sim_pod_timing def;
    struct podctx p;
    struct pod_views pv;
    json_object *st, *hn = get(get(pod, "spec"), "hostNetwork");
    const char *phase, *pod_ip;

    if (!pod || !f || !json_object_is_type(pod, json_type_object))
        return NULL;
    if (!t)
        sim_pod_timing_default(&def), t = &def;
    if (!bound_node(pod, f))
        return pending_status(pod, f);
    ctx_init(&p, pod, f, now_ms, t);
    if (views_alloc(&p, &pv))
        return NULL;
    phase = phase_of(&p, &pv);
    st = json_object_new_object();
    json_object_object_add(st, "phase", json_object_new_string(phase));
    json_object_object_add(st, "conditions", conditions_json(&p, &pv, phase));
    if (f->host_ip)
        add_ips(st, "hostIP", f->host_ip);
    pod_ip = hn && json_object_get_boolean(hn) ? f->host_ip : f->pod_ip;
    if (pod_ip && now_ms >= f->bound_ms + t->sandbox_ms)
        add_ips(st, "podIP", pod_ip);
    json_object_object_add(st, "startTime", jtime(f->bound_ms));
    if (pv.ninit)
        json_object_object_add(st, "initContainerStatuses",
                               statuses_json(&p, "initContainers", pv.init, pv.ninit));
    json_object_object_add(st, "containerStatuses", statuses_json(&p, "containers", pv.app, pv.napp));
    json_object_object_add(st, "qosClass", json_object_new_string(qos_class(pod)));
    free(pv.init);
    free(pv.app);
    return st;
}

int64_t sim_pod_next_change(json_object *pod, const struct sim_pod_facts *f, int64_t now_ms,
                            const struct sim_pod_timing *t)
{
    struct sim_pod_timing def;
    struct podctx p;
    struct pod_views pv;
    int64_t next;

    if (!pod || !f || !bound_node(pod, f))
        return -1;
    if (!t)
        sim_pod_timing_default(&def), t = &def;
    ctx_init(&p, pod, f, now_ms, t);
    if (views_alloc(&p, &pv))
        return -1;
    next = pv.next;
    next_min(&next, f->bound_ms + t->sandbox_ms, now_ms);   /* podIP, PodReadyToStart */
    free(pv.init);
    free(pv.app);
    return next;
}

void sim_pod_timing_default(struct sim_pod_timing *t)
{
    t->sandbox_ms = 1000;
    t->init_ms = 1000;
    t->ready_ms = 1000;
    t->job_ms = 2000;
    t->crash_ms = 1000;
    t->pull_ms = 1000;
    t->backoff_ms = 10000;
    t->backoff_max_ms = 300000;
}

/* ---- pod IPs ---- */

static int ip_ok(uint32_t i)
{
    return (i & 0xff) != 0 && (i & 0xff) != 255;
}

void sim_ip_pool_init(struct sim_ip_pool *p)
{
    memset(p, 0, sizeof(*p));
    p->next = 2;
}

int sim_ip_alloc(struct sim_ip_pool *p, char *buf, size_t len, struct os_error *err)
{
    for (uint32_t n = 0; n < 65536; n++) {
        uint32_t i = (p->next + n) & 0xffff;
        if (!ip_ok(i) || (p->used[i / 8] & (1u << (i % 8))))
            continue;
        p->used[i / 8] |= (unsigned char)(1u << (i % 8));
        p->next = (i + 1) & 0xffff;
        snprintf(buf, len, "10.1.%u.%u", i >> 8, i & 0xff);
        return 0;
    }
    return os_error_set(err, OS_ERR_LIMIT, "pod IP pool 10.1.0.0/16 exhausted");
}

void sim_ip_release(struct sim_ip_pool *p, const char *ip)
{
    unsigned x, y;
    char tail;

    if (!ip || sscanf(ip, "10.1.%u.%u%c", &x, &y, &tail) != 2 || x > 255 || y > 255)
        return;
    p->used[(x << 8 | y) / 8] &= (unsigned char)~(1u << ((x << 8 | y) % 8));
}
