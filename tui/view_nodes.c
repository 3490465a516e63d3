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

static int compare(const void *pa, const void *pb, void *ctx)
{
    const struct app *a = ctx;
    const struct list_state *ls = &a->lists[VI_NODES];
    const struct node_usage *x = &a->model.nodes.nodes[*(const int *)pa];
    const struct node_usage *y = &a->model.nodes.nodes[*(const int *)pb];
    double d = 0;

    switch (sort_cols[ls->sort % NSORT]) {
    case C_STATUS: d = strcmp(status_text(x), status_text(y)); break;
    case C_CPU: d = ratio(x->cpu_requests_m, x->cpu_allocatable_m) - ratio(y->cpu_requests_m, y->cpu_allocatable_m); break;
    case C_MEM: d = ratio(x->mem_requests, x->mem_allocatable) - ratio(y->mem_requests, y->mem_allocatable); break;
    case C_PODS: d = x->pods - y->pods; break;
    case C_TENANTS: d = (double)x->ntenants - (double)y->ntenants; break;
    default: break;
    }
    if (d == 0)
        d = strcmp(x->name, y->name);
    return ls->reverse ? (d < 0) - (d > 0) : (d > 0) - (d < 0);
}

/* Indexes of the nodes shown (filtered, sorted); caller frees. */
static int *visible(struct app *a, int *n)
{
    const struct cluster_nodes *cn = &a->model.nodes;
    const char *f = a->lists[VI_NODES].filter;
    int *idx = malloc((cn->n + 1) * sizeof(*idx));

    *n = 0;
    if (!idx)
        return NULL;
    for (size_t i = 0; i < cn->n; i++)
        if (!*f || strstr(cn->nodes[i].name, f) || strstr(status_text(&cn->nodes[i]), f) ||
            strstr(cn->nodes[i].role, f))
            idx[(*n)++] = (int)i;
    qsort_r(idx, (size_t)*n, sizeof(*idx), compare, a);
    return idx;
}

static int count(struct app *a)
{
    int n;
    free(visible(a, &n));
    return n;
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

static void draw_row(struct app *a, int y, const struct node_usage *u, const int *w, int selected)
{
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

static void draw(struct app *a, int top, int rows)
{
    struct list_state *ls = &a->lists[VI_NODES];
    int w[C_N], n, *idx = visible(a, &n), body = rows - 1;
    char title[160];

    layout_columns(cols, C_N, a->cols, 1, w);
    widget_header(a, top, cols, w, C_N, sort_cols[ls->sort % NSORT], ls->reverse);
    app_list_clamp(ls, n, body);
    for (int i = 0; i < body && ls->top + i < n; i++) {
        const struct node_usage *u = &a->model.nodes.nodes[idx[ls->top + i]];
        draw_row(a, top + 1 + i, u, w, ls->top + i == ls->sel);
    }
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
    int n, *idx;

    switch (act) {
    case ACTION_SORT: ls->sort = (ls->sort + 1) % NSORT; return APP_HANDLED | APP_REDRAW;
    case ACTION_SORT_REVERSE: ls->reverse = !ls->reverse; return APP_HANDLED | APP_REDRAW;
    case ACTION_OPEN:
        idx = visible(a, &n);
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
