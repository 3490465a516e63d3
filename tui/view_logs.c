/*
 * view_logs.c - follow one pod's log in a scrollable pane.
 *
 * Opened with `l` on a tenant (its Odoo pod) or on a pod of the tenant
 * detail, or `:logs ID`.  The lines come from log_follow.c (a streaming
 * GET that resumes by itself) into a bounded ring; the pane sticks to the
 * newest line until the operator scrolls up, and End (or scrolling back
 * down to the bottom) sticks to it again; Left and Right scroll long
 * lines sideways.  `p` moves to the tenant's next pod.  The stream lives while the view is on the stack: view_logs_tick()
 * stops it once the view is gone.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_follow.h"
#include "widgets.h"

struct logs_state {
    char tenant[48];
    char pod[256];
    int chosen;                     /* the operator picked the pod (else: follow Odoo) */
    int started;
    struct log_follow follow;
    int tail;                       /* stick to the newest line */
    unsigned long long first;       /* line number (of all ever added) at the top */
    int body;                       /* lines of the pane at the last draw */
    int hscroll;                    /* columns scrolled off the left edge */
};

#define HSCROLL_STEP 20

/* ---- pods of the tenant ------------------------------------------------- */

struct pod_names {
    const char *v[64];
    int n;
};

static void add_name(void *ud, const struct records_pod *pod)
{
    struct pod_names *p = ud;
    if (p->n < 64 && pod->name)
        p->v[p->n++] = pod->name;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The tenant's pods by name (borrowed from the model until its next tick). */
static void pods_of(struct app *a, const char *tenant, struct pod_names *p)
{
    char ns[128];

    p->n = 0;
    snprintf(ns, sizeof(ns), TENANT_NS_PREFIX "%s", tenant);
    model_each_pod(&a->model, ns, add_name, p);
    qsort(p->v, (size_t)p->n, sizeof(p->v[0]), by_text);
}

/* The tenant's Odoo pod, or with any != 0 its first pod, or NULL. */
static const char *default_pod(struct app *a, const char *tenant, int any)
{
    struct pod_names p;

    pods_of(a, tenant, &p);
    for (int i = 0; i < p.n; i++)
        if (records_pod_is_odoo(p.v[i]))
            return p.v[i];
    return p.n && any ? p.v[0] : NULL;
}

static int pod_exists(struct app *a, const char *tenant, const char *pod)
{
    struct pod_names p;

    pods_of(a, tenant, &p);
    for (int i = 0; i < p.n; i++)
        if (!strcmp(p.v[i], pod))
            return 1;
    return 0;
}

struct pod_find {
    const char *name;
    const struct records_pod *found;
};

static void find_pod(void *ud, const struct records_pod *pod)
{
    struct pod_find *pf = ud;
    if (pod->name && !strcmp(pod->name, pf->name))
        pf->found = pod;
}

/* "Succeeded" or "Failed" when the pod has finished (its log is whole,
 * the stream ends at once), else NULL. */
static const char *finished(struct app *a, const struct logs_state *s)
{
    struct pod_find pf = {s->pod, NULL};
    char ns[128];

    snprintf(ns, sizeof(ns), TENANT_NS_PREFIX "%s", s->tenant);
    model_each_pod(&a->model, ns, find_pod, &pf);
    if (!pf.found || (pf.found->phase != POD_PHASE_SUCCEEDED && pf.found->phase != POD_PHASE_FAILED))
        return NULL;
    return records_pod_phase_name(pf.found);
}

/* ---- the stream ------------------------------------------------------------- */

static void stop(struct logs_state *s)
{
    if (s->started)
        log_follow_stop(&s->follow);
    s->started = 0;
}

/* Follow pod (NULL: the tenant's default pod, when it has one yet). */
static void follow(struct app *a, struct logs_state *s, const char *pod)
{
    char ns[128];
    struct os_error err;

    stop(s);
    s->tail = 1;
    s->first = 0;
    if (!pod)
        pod = default_pod(a, s->tenant, 1);
    if (!pod) {
        s->pod[0] = '\0';
        return;
    }
    snprintf(s->pod, sizeof(s->pod), "%s", pod);
    snprintf(ns, sizeof(ns), TENANT_NS_PREFIX "%s", s->tenant);
    if (log_follow_start(&s->follow, a->client, ns, s->pod, &a->dirty, &err) < 0)
        app_message(a, 1, "logs: %s", err.message);
    else
        s->started = 1;
}

void view_logs_close(struct app *a)
{
    if (!a->logs)
        return;
    stop(a->logs);
    free(a->logs);
    a->logs = NULL;
}

void view_logs_tick(struct app *a)
{
    struct logs_state *s = a->logs;

    if (!s)
        return;
    if (!app_on_stack(a, &view_logs)) {
        view_logs_close(a);
        return;
    }
    if (!model_connected(&a->model))
        return;
    /* A tenant still provisioning: its first pod until Odoo's comes (when
     * the operator picked none).  The followed Odoo pod replaced (a
     * rollout, a deleted pod): the new one.  Other pods keep their names
     * (postgresql-0) or are gone for good (a Job's): the stream keeps
     * retrying them by name. */
    const char *odoo = default_pod(a, s->tenant, 0);
    if ((!s->pod[0] && !s->chosen && default_pod(a, s->tenant, 1)) ||
        (odoo && !s->chosen && !records_pod_is_odoo(s->pod)) ||
        (odoo && records_pod_is_odoo(s->pod) && !pod_exists(a, s->tenant, s->pod))) {
        follow(a, s, odoo);
        a->dirty = 1;
    }
}

/* ---- the view ------------------------------------------------------------------- */

static void enter(struct app *a, const char *arg)
{
    struct logs_state *s;
    const char *slash = arg ? strchr(arg, '/') : NULL;

    view_logs_close(a);
    if (!(s = calloc(1, sizeof(*s)))) {
        app_message(a, 1, "out of memory");
        return;
    }
    a->logs = s;
    snprintf(s->tenant, sizeof(s->tenant), "%.*s", slash ? (int)(slash - arg) : (int)strlen(arg ? arg : ""),
             arg ? arg : "");
    s->chosen = slash != NULL;
    follow(a, s, slash ? slash + 1 : NULL);
}

/* The first line shown (a number of all lines ever added), clamped. */
static unsigned long long first_line(struct logs_state *s, int body)
{
    const struct log_ring *r = &s->follow.ring;
    unsigned long long oldest = r->total - r->n, last_top = r->total > (unsigned)body ? r->total - (unsigned)body : 0;

    if (last_top < oldest)
        last_top = oldest;
    if (s->tail || s->first > last_top)
        s->first = last_top;
    if (s->first < oldest)
        s->first = oldest;
    return s->first;
}

static void draw_header(struct app *a, struct logs_state *s, int y)
{
    const struct log_follow *f = &s->follow;
    char buf[512], state[320];
    enum theme_role role = THEME_OK;

    snprintf(buf, sizeof(buf), " logs %s  pod %s", s->tenant, s->pod[0] ? s->pod : "-");
    widget_text(a, y, 0, a->cols, THEME_VALUE, buf, 0);
    if (!s->pod[0]) {
        snprintf(state, sizeof(state), "waiting for a pod ");
        role = THEME_DIM;
    } else if (f->error[0] && finished(a, s)) {
        snprintf(state, sizeof(state), "the pod has %s ", finished(a, s));
        role = THEME_DIM;
    } else if (f->error[0]) {
        snprintf(state, sizeof(state), "reconnecting: %.200s ", f->error);
        role = THEME_WARN;
    } else if (!f->streaming) {
        snprintf(state, sizeof(state), "connecting ");
        role = THEME_DIM;
    } else {
        snprintf(state, sizeof(state), s->tail ? "following " : "paused (End follows) ");
    }
    int w = layout_width(state), x = layout_width(buf) + 2;
    if (x + w > a->cols)
        w = a->cols - x;
    if (w > 0)
        widget_text(a, y, a->cols - w, w, role, state, 0);
}

static void draw(struct app *a, int top, int rows)
{
    struct logs_state *s = a->logs;
    int body = rows - 2;
    char buf[160], col[40] = "";

    if (!s)
        return;
    s->body = body > 1 ? body : 1;
    draw_header(a, s, top);
    const struct log_ring *r = &s->follow.ring;
    unsigned long long first = first_line(s, s->body), oldest = r->total - r->n;
    int shown = 0;
    for (; shown < body && first + (unsigned)shown < r->total; shown++)
        widget_text(a, top + 1 + shown, 0, a->cols, THEME_ROW,
                    layout_skip(log_ring_line(r, (size_t)(first - oldest) + (size_t)shown), s->hscroll), 0);
    if (!r->n)
        widget_text(a, top + 2, 2, a->cols - 4, THEME_DIM,
                    s->pod[0] ? "no log lines yet" : "this tenant has no pod yet", 0);
    if (s->hscroll)
        snprintf(col, sizeof(col), "from column %d   ", s->hscroll + 1);
    if (r->n)
        snprintf(buf, sizeof(buf), " %slines %llu-%llu of %zu   p next pod   End follows ", col,
                 first - oldest + 1, first - oldest + (unsigned)shown, r->n);
    else
        snprintf(buf, sizeof(buf), " p next pod ");
    widget_text(a, top + rows - 1, a->cols - layout_width(buf), layout_width(buf), THEME_KEY, buf, 0);
}

static void next_pod(struct app *a, struct logs_state *s)
{
    struct pod_names p;
    int i = 0;

    pods_of(a, s->tenant, &p);
    if (!p.n) {
        app_message(a, 1, "%s has no pods", s->tenant);
        return;
    }
    while (i < p.n && strcmp(p.v[i], s->pod) <= 0)
        i++;
    s->chosen = 1;
    follow(a, s, p.v[i % p.n]);
}

static int scroll_pane(struct logs_state *s, enum action act)
{
    const struct log_ring *r = &s->follow.ring;
    unsigned long long first = first_line(s, s->body), oldest = r->total - r->n;
    long long d = 0;

    switch (act) {
    case ACTION_UP: d = -1; break;
    case ACTION_DOWN: d = 1; break;
    case ACTION_PAGE_UP: d = -s->body; break;
    case ACTION_PAGE_DOWN: d = s->body; break;
    case ACTION_HOME: s->tail = 0; s->first = oldest; return APP_HANDLED | APP_REDRAW;
    case ACTION_END: s->tail = 1; return APP_HANDLED | APP_REDRAW;
    default: return 0;
    }
    s->tail = 0;
    s->first = d < 0 && (unsigned long long)-d > first - oldest ? oldest : first + (unsigned long long)d;
    /* back at the bottom: follow again */
    if (s->first + (unsigned)s->body >= r->total)
        s->tail = 1;
    return APP_HANDLED | APP_REDRAW;
}

static int action(struct app *a, enum action act)
{
    struct logs_state *s = a->logs;

    if (!s)
        return 0;
    if (act == ACTION_NEXT_POD) {
        next_pod(a, s);
        return APP_HANDLED | APP_REDRAW;
    }
    if (act == ACTION_SCROLL_LEFT || act == ACTION_SCROLL_RIGHT) {
        s->hscroll += act == ACTION_SCROLL_RIGHT ? HSCROLL_STEP : -HSCROLL_STEP;
        if (s->hscroll < 0)
            s->hscroll = 0;
        if (s->hscroll > LOG_LINE_MAX)
            s->hscroll = LOG_LINE_MAX;
        return APP_HANDLED | APP_REDRAW;
    }
    return scroll_pane(s, act);
}

const struct view_ops view_logs = {
    .name = "logs",
    .title = "Logs",
    .index = VI_LOGS,
    .bit = VIEW_LOGS,
    .enter = enter,
    .draw = draw,
    .action = action,
};
