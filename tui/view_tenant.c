/*
 * view_tenant.c - one tenant in detail: phase and why, URL, admin email,
 * tier, owner, age, trial, quota used/hard and the isolation check, then
 * its pods with state, readiness, restarts, node and age, then the recent
 * events of its namespace, newest first.  Phase and pods come from the
 * model, so they follow the tenant live (through provisioning, or away
 * when it is deleted); events, quota and isolation are fetched for this
 * one tenant only, while its detail is on screen (detail_fetch.c), so the
 * model stays compact.  `l` follows the selected pod's log.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail_fetch.h"
#include "widgets.h"

#define INFO_LINES 9
#define LABEL_W 10

enum { C_NAME, C_STATE, C_READY, C_RESTARTS, C_NODE, C_AGE, C_N };

enum { E_AGE, E_REASON, E_OBJECT, E_MESSAGE, E_N };

static const struct layout_col event_cols[E_N] = {
    [E_AGE] = {"LAST", 5, 7, 0, 1, 1},
    [E_REASON] = {"REASON", 10, 22, 1, 0, 0},
    [E_OBJECT] = {"OBJECT", 12, 40, 1, 2, 0},
    [E_MESSAGE] = {"MESSAGE", 10, 0, 4, 0, 0},
};

static const struct layout_col cols[C_N] = {
    [C_NAME] = {"POD", 12, 60, 2, 0, 0},
    [C_STATE] = {"STATE", 16, 26, 1, 1, 0},
    [C_READY] = {"READY", 5, 5, 0, 3, 1},
    [C_RESTARTS] = {"RESTARTS", 8, 8, 0, 2, 1},
    [C_NODE] = {"NODE", 10, 30, 1, 4, 0},
    [C_AGE] = {"AGE", 6, 7, 0, 5, 1},
};

struct pods {
    const struct records_pod **v;
    int n, cap;
};

static void add_pod(void *ud, const struct records_pod *pod)
{
    struct pods *p = ud;
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 8;
        const struct records_pod **v = realloc(p->v, (size_t)cap * sizeof(*v));
        if (!v)
            return;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = pod;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const struct records_pod *const *)a)->name, (*(const struct records_pod *const *)b)->name);
}

static void collect(struct app *a, struct pods *p)
{
    char ns[128];

    memset(p, 0, sizeof(*p));
    snprintf(ns, sizeof(ns), TENANT_NS_PREFIX "%s", a->tenant);
    model_each_pod(&a->model, ns, add_pod, p);
    if (p->n)
        qsort(p->v, (size_t)p->n, sizeof(*p->v), by_name);
}

static int count(struct app *a)
{
    struct pods p;
    collect(a, &p);
    free(p.v);
    return p.n;
}

/* State of a pod: its phase, Terminating, or what a container waits for. */
static const char *pod_state(const struct records_pod *pod)
{
    if (pod->deleting)
        return "Terminating";
    return pod->waiting ? pod->waiting : records_pod_phase_name(pod) ?: "Unknown";
}

static void draw_pod(struct app *a, int y, const struct records_pod *pod, const int *w, int selected)
{
    int ready = pod->ready_containers, total = pod->containers, restarts = pod->restarts;
    const char *state = pod_state(pod);
    char r[32], rs[16], age[16] = "-";
    const char *cells[C_N] = {pod->name, state, r, rs, pod->node, age};
    enum theme_role roles[C_N] = {THEME_ROW, THEME_ROW, THEME_ROW, THEME_ROW, THEME_ROW, THEME_ROW};

    snprintf(r, sizeof(r), "%d/%d", ready, total);
    snprintf(rs, sizeof(rs), "%d", restarts);
    if (pod->created >= 0)
        layout_age((long)(time(NULL) - pod->created), age, sizeof(age));
    roles[C_STATE] = !strcmp(state, "Running") && ready == total ? THEME_OK
                     : !strcmp(state, "Succeeded") ? THEME_DIM
                     : !strcmp(state, "Pending") || !strcmp(state, "Running") || !strcmp(state, "ContainerCreating") ? THEME_WARN
                     : THEME_ERROR;
    if (restarts > 0)
        roles[C_RESTARTS] = THEME_WARN;
    widget_row(a, y, cols, w, C_N, cells, selected ? THEME_ROW_SELECTED : THEME_ROW, roles);
}

static void info(struct app *a, int y, const char *label, const char *value, enum theme_role role)
{
    widget_text(a, y, 1, LABEL_W, THEME_LABEL, label, 0);
    widget_text(a, y, 1 + LABEL_W, a->cols - LABEL_W - 2, role, value && *value ? value : "-", 0);
}

/* What detail_fetch.c has for this tenant, or NULL. */
static const struct detail_info *fetched(const struct app *a)
{
    if (!a->detail || strcmp(detail_fetch_tenant(a->detail), a->tenant))
        return NULL;
    return detail_fetch_info(a->detail);
}

/* The Quota and Isolation lines. */
static void draw_fetched(struct app *a, int y)
{
    const struct detail_info *d = fetched(a);
    char buf[512];

    if (!d || !d->have_quota)
        info(a, y, "Quota", a->client ? "fetching..." : "-", THEME_DIM);
    else
        info(a, y, "Quota", d->nquota ? detail_quota_line(d, buf, sizeof(buf)) : "no ResourceQuota", THEME_ROW);
    y++;
    if (d && d->error[0] && !d->have_isolation)
        info(a, y, "Isolation", d->error, THEME_ERROR);
    else
        info(a, y, "Isolation", d ? detail_isolation_line(d, buf, sizeof(buf)) : "-",
             !d || !d->have_isolation ? THEME_DIM : d->iso_failed ? THEME_ERROR : THEME_OK);
}

/* Recent events of the namespace, newest first, from line y for rows lines. */
static void draw_events(struct app *a, int y, int rows)
{
    const struct detail_info *d = fetched(a);
    int w[E_N];

    if (rows < 2)
        return;
    layout_columns(event_cols, E_N, a->cols, 1, w);
    widget_header(a, y, event_cols, w, E_N, -1, 0);
    if (!d || !d->have_events || !d->nevents) {
        widget_text(a, y + 1, 2, a->cols - 4, THEME_DIM, d && d->have_events ? "no events" : "fetching events...", 0);
        return;
    }
    for (int i = 0; i < d->nevents && i < rows - 1; i++) {
        const struct detail_event *e = &d->events[i];
        char age[16] = "-";
        time_t at = layout_parse_time(e->when);
        const char *cells[E_N] = {age, e->reason, e->object, e->message};
        enum theme_role roles[E_N] = {THEME_DIM, strcmp(e->type, "Warning") ? THEME_ROW : THEME_WARN, THEME_ROW,
                                      THEME_ROW};
        if (at > 0)
            layout_age((long)(time(NULL) - at), age, sizeof(age));
        widget_row(a, y + 1 + i, event_cols, w, E_N, cells, THEME_ROW, roles);
    }
}

static void draw_info(struct app *a, int y, const struct model_tenant *t)
{
    char buf[512], age[16] = "-", trial[16];
    time_t now = time(NULL);

    snprintf(buf, sizeof(buf), "%s%s%s%s%s", tenant_phase_name(t->st.phase), t->st.step[0] ? " (" : "",
             t->st.step, t->st.step[0] ? ")" : "", t->st.reason[0] ? ": " : "");
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s", t->st.reason);
    info(a, y++, "Phase", buf, widget_phase_role(t->st.phase));
    info(a, y++, "URL", t->st.url, THEME_VALUE);
    info(a, y++, "Admin", t->st.admin_email, THEME_ROW);
    snprintf(buf, sizeof(buf), "%s    owner %s", t->st.tier, t->st.owner[0] ? t->st.owner : "-");
    info(a, y++, "Tier", buf, THEME_ROW);
    if (t->created >= 0)
        layout_age((long)(now - t->created), age, sizeof(age));
    layout_until(t->trial_expires, now, trial, sizeof(trial));
    snprintf(buf, sizeof(buf), "%s (%s ago)    trial %s", t->st.created_at[0] ? t->st.created_at : "-", age, trial);
    info(a, y++, "Created", buf, THEME_ROW);
    snprintf(buf, sizeof(buf), "%d/%d ready, %d restarts, on %s", t->st.pods_ready, t->st.pods_total,
             t->st.restarts, t->nodes[0] ? t->nodes : "no node yet");
    info(a, y++, "Pods", buf, THEME_ROW);
    draw_fetched(a, y);
}

static void draw(struct app *a, int top, int rows)
{
    const struct model_tenant *t = model_tenant(&a->model, a->tenant);
    struct list_state *ls = &a->lists[VI_TENANT];
    struct pods p;
    int w[C_N], body = rows - INFO_LINES - 2;
    char buf[128];

    snprintf(buf, sizeof(buf), " tenant %s", a->tenant);
    widget_text(a, top, 0, a->cols, THEME_VALUE, buf, 0);
    if (!t) {
        widget_text(a, top + 2, 2, a->cols - 4, THEME_DIM,
                    model_connected(&a->model) ? "this tenant does not exist (any more)" : "waiting for the cluster", 0);
        return;
    }
    draw_info(a, top + 1, t);
    collect(a, &p);
    layout_columns(cols, C_N, a->cols, 1, w);
    widget_header(a, top + INFO_LINES + 1, cols, w, C_N, -1, 0);
    /* Pods first; events get what is left, but at least half of it. */
    int pod_rows = p.n > 0 ? p.n : 1;
    if (pod_rows > body - body / 2)
        pod_rows = body - body / 2;
    app_list_clamp(ls, p.n, pod_rows);
    for (int i = 0; i < pod_rows && ls->top + i < p.n; i++)
        draw_pod(a, top + INFO_LINES + 2 + i, p.v[ls->top + i], w, ls->top + i == ls->sel);
    if (!p.n)
        widget_text(a, top + INFO_LINES + 2, 2, a->cols - 4, THEME_DIM, "no pods", 0);
    free(p.v);
    draw_events(a, top + INFO_LINES + 3 + pod_rows, body - pod_rows);
}

/* Start on the Odoo pod: the one whose log `l` most often wants. */
static void select_odoo(struct app *a)
{
    struct pods p;

    collect(a, &p);
    for (int i = 0; i < p.n; i++)
        if (records_pod_is_odoo(p.v[i]->name)) {
            a->lists[VI_TENANT].sel = i;
            break;
        }
    free(p.v);
}

void view_tenant_close(struct app *a)
{
    detail_fetch_free(a->detail);
    a->detail = NULL;
}

void view_tenant_tick(struct app *a)
{
    if (!a->detail)
        return;
    if (!app_on_stack(a, &view_tenant))
        view_tenant_close(a);
    else if (app_view(a) == &view_tenant)
        detail_fetch_tick(a->detail);   /* refresh only while it is on screen */
}

static void enter(struct app *a, const char *arg)
{
    if (arg)
        snprintf(a->tenant, sizeof(a->tenant), "%s", arg);
    a->lists[VI_TENANT] = (struct list_state){0};
    select_odoo(a);
    view_tenant_close(a);
    if (a->client && !(a->detail = detail_fetch_new(a->client, a->cfg, a->tenant, &a->dirty)))
        app_message(a, 1, "out of memory");
    if (a->detail)
        detail_fetch_tick(a->detail);
}

/* "ID/POD" of the selected pod into buf; 0 when there is none. */
static int selected_pod(struct app *a, char *buf, size_t len)
{
    struct pods p;
    int sel = a->lists[VI_TENANT].sel, ok;

    collect(a, &p);
    ok = sel >= 0 && sel < p.n;
    if (ok)
        snprintf(buf, len, "%s/%s", a->tenant, p.v[sel]->name);
    free(p.v);
    return ok;
}

static int action(struct app *a, enum action act)
{
    char arg[320];

    if (act == ACTION_DELETE) {
        app_push(a, &view_delete, a->tenant);
        return APP_HANDLED | APP_REDRAW;
    }
    if (act == ACTION_LOGS) {
        app_push(a, &view_logs, selected_pod(a, arg, sizeof(arg)) ? arg : a->tenant);
        return APP_HANDLED | APP_REDRAW;
    }
    return 0;
}

const struct view_ops view_tenant = {
    .name = "tenant",
    .title = "Tenant",
    .index = VI_TENANT,
    .bit = VIEW_TENANT,
    .enter = enter,
    .draw = draw,
    .action = action,
    .count = count,
};
