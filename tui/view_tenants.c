/*
 * view_tenants.c - one row a tenant: id, phase (coloured), tier, nodes,
 * age, trial expiry, URL.  's' sorts by the next column, 'S' reverses, '/'
 * filters on every text column, Enter opens the tenant.  Opened from a
 * node (view_nodes.c), it shows only the tenants with a pod there.  The
 * rows come from the watch-fed model, so they update live.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table_view.h"
#include "widgets.h"

enum { C_ID, C_PHASE, C_TIER, C_NODES, C_AGE, C_TRIAL, C_URL, C_N };

static const struct layout_col cols[C_N] = {
    [C_ID] = {"ID", 8, 40, 2, 0, 0},
    [C_PHASE] = {"PHASE", 12, 12, 0, 1, 0},
    [C_TIER] = {"TIER", 8, 10, 0, 3, 0},
    [C_NODES] = {"NODES", 10, 40, 1, 5, 0},
    [C_AGE] = {"AGE", 6, 7, 0, 4, 1},
    [C_TRIAL] = {"TRIAL", 8, 8, 0, 6, 0},
    [C_URL] = {"URL", 12, 0, 3, 2, 0},
};

static const int sort_cols[] = {C_ID, C_PHASE, C_TIER, C_NODES, C_AGE, C_TRIAL};
#define NSORT (int)(sizeof(sort_cols) / sizeof(sort_cols[0]))

static int order(const struct app *a, int xi, int yi, int col)
{
    const struct model_tenant *x = &a->model.tenants[xi], *y = &a->model.tenants[yi];
    long d = 0;

    switch (col) {
    case C_PHASE: d = (long)x->st.phase - (long)y->st.phase; break;
    case C_TIER: d = strcmp(x->st.tier, y->st.tier); break;
    case C_NODES: d = strcmp(x->nodes, y->nodes); break;
    case C_AGE: d = (long)(y->created - x->created); break;
    case C_TRIAL: d = (long)(x->trial_expires - y->trial_expires); break;
    default: break;
    }
    if (d == 0)
        d = strcmp(x->st.id, y->st.id);
    return (d > 0) - (d < 0);
}

static int matches(const struct model_tenant *t, const char *f)
{
    return !*f || strstr(t->st.id, f) || strstr(tenant_phase_name(t->st.phase), f) ||
           strstr(t->st.tier, f) || strstr(t->nodes, f) || strstr(t->st.url, f) ||
           strstr(t->st.admin_email, f);
}

static size_t total(const struct app *a)
{
    return a->model.ntenants;
}

/* The filter, and on a node's list (a->node) only the tenants there. */
static int keep(const struct app *a, size_t i, const char *f)
{
    const struct model_tenant *t = &a->model.tenants[i];
    return matches(t, f) && (!a->node[0] || layout_list_has(t->nodes, a->node));
}

static void draw_row(struct app *a, int y, int i, const int *w, int selected)
{
    const struct model_tenant *t = &a->model.tenants[i];
    char age[16] = "-", trial[16];
    const char *cells[C_N] = {t->st.id, tenant_phase_name(t->st.phase), t->st.tier, t->nodes, age,
                              trial, t->st.url};
    enum theme_role roles[C_N] = {THEME_ROW, widget_phase_role(t->st.phase), THEME_ROW, THEME_ROW,
                                  THEME_ROW, THEME_ROW, THEME_ROW};
    time_t now = time(NULL);

    if (t->created >= 0)
        layout_age((long)(now - t->created), age, sizeof(age));
    layout_until(t->trial_expires, now, trial, sizeof(trial));
    if (t->trial_expires >= 0 && t->trial_expires - now < 3 * 86400)
        roles[C_TRIAL] = THEME_WARN;
    widget_row(a, y, cols, w, C_N, cells, selected ? THEME_ROW_SELECTED : THEME_ROW, roles);
}

static void draw_footer(struct app *a, int y, int n)
{
    struct list_state *ls = &a->lists[VI_TENANTS];
    char buf[320];
    int at = 0;

    if (!ls->filter[0] && !a->node[0])
        return;
    at += snprintf(buf + at, sizeof(buf) - (size_t)at, " ");
    if (a->node[0])
        at += snprintf(buf + at, sizeof(buf) - (size_t)at, "on node %.100s  ", a->node);
    if (ls->filter[0])
        at += snprintf(buf + at, sizeof(buf) - (size_t)at, "filter: %.100s  ", ls->filter);
    snprintf(buf + at, sizeof(buf) - (size_t)at, "(%d of %zu) ", n, a->model.ntenants);
    widget_text(a, y, a->cols - layout_width(buf), layout_width(buf), THEME_KEY, buf, 0);
}

static const struct table_view table = {
    .index = VI_TENANTS, .cols = cols, .ncols = C_N, .sort_cols = sort_cols, .nsort = NSORT,
    .total = total, .keep = keep, .order = order, .draw_row = draw_row,
};

static int *visible(struct app *a, int *n)
{
    return table_view_rows(a, &table, n);
}

static int count(struct app *a)
{
    return table_view_count(a, &table);
}

static void draw(struct app *a, int top, int rows)
{
    struct list_state *ls = &a->lists[VI_TENANTS];
    int n, *idx = visible(a, &n);

    table_view_draw(a, &table, top, rows - 1, idx, n);
    if (!n)
        widget_text(a, top + 2, 2, a->cols - 4, THEME_DIM,
                    ls->filter[0] || a->node[0] ? "no tenant matches"
                    : model_connected(&a->model) ? (a->readonly ? "no tenants yet" : "no tenants yet: c creates one")
                    : "waiting for the cluster", 0);
    draw_footer(a, top + rows - 1, n);
    free(idx);
}

/* The id of the selected tenant into buf; 0 when there is none. */
static int selected(struct app *a, char *buf, size_t len)
{
    int n, *idx = visible(a, &n), sel = a->lists[VI_TENANTS].sel, ok = idx && sel < n;

    if (ok)
        snprintf(buf, len, "%s", a->model.tenants[idx[sel]].st.id);
    free(idx);
    return ok;
}

static int action(struct app *a, enum action act)
{
    struct list_state *ls = &a->lists[VI_TENANTS];
    char id[48];
    int r;

    if ((r = table_view_sort(a, &table, act)))
        return r;
    switch (act) {
    case ACTION_OPEN:
        if (selected(a, id, sizeof(id)))
            app_push(a, &view_tenant, id);
        return APP_HANDLED | APP_REDRAW;
    case ACTION_DELETE:
        if (selected(a, id, sizeof(id)))
            app_push(a, &view_delete, id);
        return APP_HANDLED | APP_REDRAW;
    case ACTION_LOGS:
        if (selected(a, id, sizeof(id)))
            app_push(a, &view_logs, id);
        return APP_HANDLED | APP_REDRAW;
    case ACTION_BACK:
        if (!ls->filter[0] && a->node[0] && a->depth > 1) {
            a->node[0] = '\0';
            app_pop(a);
            return APP_HANDLED | APP_REDRAW;
        }
        return 0;
    default: return 0;
    }
}

const struct view_ops view_tenants = {
    .name = "tenants",
    .title = "Tenants",
    .index = VI_TENANTS,
    .bit = VIEW_TENANTS,
    .draw = draw,
    .action = action,
    .count = count,
};
