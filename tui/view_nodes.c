/*
 * view_nodes.c - one row a node: Ready, role, CPU and memory (meters and
 * used/requested/allocatable), pods and tenants.  Enter lists the tenants
 * with a pod on the node.  Numbers come from cluster_nodes_build(), the
 * same as the CLI's `odoo-saas nodes`.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table_view.h"
#include "widgets.h"

/* The CPU and memory columns are meters with used/requested/allocatable
 * written over their right end. */
enum { C_NAME, C_STATUS, C_ROLE, C_CPU, C_MEM, C_PODS, C_TENANTS, C_N };

static const struct layout_col cols[C_N] = {
    [C_NAME] = {"NAME", 10, 40, 1, 0, 0},
    [C_STATUS] = {"STATUS", 6, 12, 0, 2, 0},
    [C_ROLE] = {"ROLE", 13, 13, 0, 6, 0},
    [C_CPU] = {"CPU used/req/alloc", 20, 60, 3, 1, 0},
    [C_MEM] = {"MEMORY used/req/alloc", 26, 60, 3, 1, 0},
    [C_PODS] = {"PODS", 6, 9, 0, 3, 1},
    [C_TENANTS] = {"TENANTS", 7, 7, 0, 4, 1},
};

/* Sortable columns, in the order 's' steps through them. */
static const int sort_cols[] = {C_NAME, C_STATUS, C_CPU, C_MEM, C_PODS, C_TENANTS};
#define NSORT (int)(sizeof(sort_cols) / sizeof(sort_cols[0]))

static const char *status_text(const struct node_usage *u)
{
    if (!u->ready)
        return u->unschedulable ? "NotReady,Cordoned" : "NotReady";
    return u->unschedulable ? "Ready,Cordoned" : "Ready";
}

static double ratio(int64_t a, int64_t b)
{
    return b > 0 ? (double)a / (double)b : 0;
}

static int order(const struct app *a, int xi, int yi, int col)
{
    const struct node_usage *x = &a->model.nodes.nodes[xi], *y = &a->model.nodes.nodes[yi];
    double d = 0;

    switch (col) {
    case C_STATUS: d = strcmp(status_text(x), status_text(y)); break;
    case C_CPU: d = ratio(x->cpu_requests_m, x->cpu_allocatable_m) - ratio(y->cpu_requests_m, y->cpu_allocatable_m); break;
    case C_MEM: d = ratio(x->mem_requests, x->mem_allocatable) - ratio(y->mem_requests, y->mem_allocatable); break;
    case C_PODS: d = x->pods - y->pods; break;
    case C_TENANTS: d = (double)x->ntenants - (double)y->ntenants; break;
    default: break;
    }
    if (d == 0)
        d = strcmp(x->name, y->name);
    return (d > 0) - (d < 0);
}

static size_t total(const struct app *a)
{
    return a->model.nodes.n;
}

static int keep(const struct app *a, size_t i, const char *f)
{
    const struct node_usage *u = &a->model.nodes.nodes[i];
    return !*f || strstr(u->name, f) || strstr(status_text(u), f) || strstr(u->role, f);
}

static void triplet(int64_t used, int64_t req, int64_t alloc, int bytes, char *buf, size_t len)
{
    size_t (*fmt)(int64_t, char *, size_t) = bytes ? kube_quantity_human_bytes : kube_quantity_human_milli;
    char u[16] = "-", r[16], al[16];

    if (used >= 0)
        fmt(used, u, sizeof(u));
    fmt(req, r, sizeof(r));
    fmt(alloc, al, sizeof(al));
    snprintf(buf, len, "%s/%s/%s", u, r, al);
}

static void draw_row(struct app *a, int y, int row, const int *w, int selected)
{
    const struct node_usage *u = &a->model.nodes.nodes[row];
    char cpu[64], mem[64], pods[32], tenants[16];
    const char *cells[C_N] = {u->name, status_text(u), u->role, "", "", pods, tenants};
    enum theme_role roles[C_N] = {THEME_ROW, u->ready && !u->unschedulable ? THEME_OK : THEME_ERROR,
                                  THEME_ROW, THEME_ROW, THEME_ROW, THEME_ROW, THEME_ROW};
    int x = 0;

    triplet(u->cpu_used_m, u->cpu_requests_m, u->cpu_allocatable_m, 0, cpu, sizeof(cpu));
    triplet(u->mem_used, u->mem_requests, u->mem_allocatable, 1, mem, sizeof(mem));
    snprintf(pods, sizeof(pods), "%d/%d", u->pods, u->pods_allocatable);
    snprintf(tenants, sizeof(tenants), "%zu", u->ntenants);
    widget_row(a, y, cols, w, C_N, cells, selected ? THEME_ROW_SELECTED : THEME_ROW, roles);
    for (int i = 0; i < C_N; i++) {
        if (w[i] && i == C_CPU)
            widget_meter(a, y, x, w[i], u->cpu_used_m, u->cpu_requests_m, u->cpu_allocatable_m, cpu);
        if (w[i] && i == C_MEM)
            widget_meter(a, y, x, w[i], u->mem_used, u->mem_requests, u->mem_allocatable, mem);
        x += w[i] ? w[i] + 1 : 0;
    }
}

static const struct table_view table = {
    .index = VI_NODES, .cols = cols, .ncols = C_N, .sort_cols = sort_cols, .nsort = NSORT,
    .total = total, .keep = keep, .order = order, .draw_row = draw_row,
};

static int count(struct app *a)
{
    return table_view_count(a, &table);
}

static void draw(struct app *a, int top, int rows)
{
    struct list_state *ls = &a->lists[VI_NODES];
    int n, *idx = table_view_rows(a, &table, &n);
    char title[160];

    table_view_draw(a, &table, top, rows - 1, idx, n);
    if (!n) {
        snprintf(title, sizeof(title), "%s", ls->filter[0] ? "no node matches the filter" :
                 model_connected(&a->model) ? "no nodes" : "waiting for the cluster");
        widget_text(a, top + 2, 2, a->cols - 4, THEME_DIM, title, 0);
    }
    if (ls->filter[0]) {
        snprintf(title, sizeof(title), " filter: %s  (%d of %zu) ", ls->filter, n, a->model.nodes.n);
        widget_text(a, top + rows - 1, a->cols - layout_width(title), layout_width(title), THEME_KEY, title, 0);
    }
    free(idx);
}

static int action(struct app *a, enum action act)
{
    struct list_state *ls = &a->lists[VI_NODES];
    int n, *idx, r;

    if ((r = table_view_sort(a, &table, act)))
        return r;
    switch (act) {
    case ACTION_OPEN:
        idx = table_view_rows(a, &table, &n);
        if (idx && ls->sel < n) {
            snprintf(a->node, sizeof(a->node), "%s", a->model.nodes.nodes[idx[ls->sel]].name);
            app_push(a, &view_tenants, NULL);
        }
        free(idx);
        return APP_HANDLED | APP_REDRAW;
    default: return 0;
    }
}

const struct view_ops view_nodes = {
    .name = "nodes",
    .title = "Nodes",
    .index = VI_NODES,
    .bit = VIEW_NODES,
    .draw = draw,
    .action = action,
    .count = count,
};
