/*
 * view_overview.c - the start screen: which cluster, how fast its API
 * answers, how many nodes, tenants by phase, and cluster CPU and memory
 * (used, requested, allocatable) as meters.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "widgets.h"

#define LABEL_W 12
/* The widest meter text: "used 1023.9Gi  requested 1023.9Gi (100%)  allocatable 1023.9Gi". */
#define TEXT_RESERVE 64

static void line(struct app *a, int y, const char *label, const char *value, enum theme_role role)
{
    widget_text(a, y, 1, LABEL_W, THEME_LABEL, label, 0);
    widget_text(a, y, 1 + LABEL_W, a->cols - LABEL_W - 2, role, value, 0);
}

/* A meter over the usable width; its numbers beside it when there is
 * room (wide screens), else on the line below. */
static int draw_meter(struct app *a, int y, const char *label, int64_t used, int64_t req,
                      int64_t alloc, int bytes)
{
    size_t (*fmt)(int64_t, char *, size_t) = bytes ? kube_quantity_human_bytes : kube_quantity_human_milli;
    char u[16] = "-", r[16], al[16], pct[16], text[96];
    int avail = a->cols - LABEL_W - 2, text_w, meter_w;

    if (used >= 0)
        fmt(used, u, sizeof(u));
    fmt(req, r, sizeof(r));
    fmt(alloc, al, sizeof(al));
    layout_percent(req, alloc, pct, sizeof(pct));
    snprintf(text, sizeof(text), "used %s  requested %s (%s)  allocatable %s", u, r, pct, al);
    text_w = layout_width(text);
    widget_text(a, y, 1, LABEL_W, THEME_LABEL, label, 0);
    if (avail >= TEXT_RESERVE + 22) {
        /* the same width for every meter, whatever its numbers */
        meter_w = avail - TEXT_RESERVE - 2 < 80 ? avail - TEXT_RESERVE - 2 : 80;
        widget_meter(a, y, 1 + LABEL_W, meter_w, used, req, alloc, NULL);
        widget_text(a, y, 1 + LABEL_W + meter_w + 2, text_w, THEME_VALUE, text, 0);
        return 1;
    }
    widget_meter(a, y, 1 + LABEL_W, avail, used, req, alloc, NULL);
    widget_text(a, y + 1, 1 + LABEL_W, avail, THEME_VALUE, text, 0);
    return 2;
}

/* "5   Ready 3  Provisioning 1  Failed 1": the phases that have tenants. */
static void draw_phases(struct app *a, int y)
{
    const struct model *m = &a->model;
    static const enum tenant_phase order[] = {TENANT_READY, TENANT_PROVISIONING, TENANT_DEGRADED,
                                              TENANT_FAILED, TENANT_SUSPENDED, TENANT_TERMINATING};
    int x = 1 + LABEL_W;
    char buf[64];

    snprintf(buf, sizeof(buf), "%zu", m->ntenants);
    line(a, y, "Tenants", buf, THEME_VALUE);
    x += (int)strlen(buf) + 3;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (!m->by_phase[order[i]])
            continue;
        snprintf(buf, sizeof(buf), "%s %d", tenant_phase_name(order[i]), m->by_phase[order[i]]);
        if (x + (int)strlen(buf) >= a->cols)
            break;
        widget_text(a, y, x, (int)strlen(buf), widget_phase_role(order[i]), buf, 0);
        x += (int)strlen(buf) + 2;
    }
}

static void draw(struct app *a, int top, int rows)
{
    const struct model *m = &a->model;
    const struct kube_config *kc = a->client ? kube_client_config(a->client) : NULL;
    const struct kube_client_stats *s = a->client ? kube_client_stats(a->client) : NULL;
    char buf[512];
    int y = top + 1, ready = 0;

    (void)rows;
    snprintf(buf, sizeof(buf), "%s (context %s)  %s", kc ? kc->cluster : "-", kc ? kc->context : "-",
             kc ? kc->server : "");
    line(a, y++, "Cluster", kc ? buf : "no cluster configured", kc ? THEME_VALUE : THEME_ERROR);
    if (!model_connected(m))
        snprintf(buf, sizeof(buf), "%s", model_error(m));
    else
        snprintf(buf, sizeof(buf), "%ld ms (average)  %lu requests  %lu retries  %lu failures",
                 s->ewma_ms, s->requests, s->retries, s->failures);
    line(a, y++, "API", buf, model_unreachable(m) ? THEME_ERROR : model_connected(m) ? THEME_VALUE : THEME_WARN);
    for (size_t i = 0; i < m->nodes.n; i++)
        ready += m->nodes.nodes[i].ready;
    snprintf(buf, sizeof(buf), "%zu (%d ready)", m->nodes.n, ready);
    line(a, y++, "Nodes", buf, ready == (int)m->nodes.n ? THEME_VALUE : THEME_WARN);
    draw_phases(a, y++);
    y++;
    y += draw_meter(a, y, "CPU", m->cpu_used_m, m->cpu_req_m, m->cpu_alloc_m, 0) + 1;
    y += draw_meter(a, y, "Memory", m->mem_used, m->mem_req, m->mem_alloc, 1) + 1;
    if (m->metrics_missing)
        line(a, y, "", "no metrics API (metrics-server): usage is not shown", THEME_DIM);
    else
        line(a, y, "", a->utf8 ? "\xe2\x96\x88 used  \xe2\x96\x91 requested" : "| used  : requested", THEME_DIM);
}

const struct view_ops view_overview = {
    .name = "overview",
    .title = "Overview",
    .index = VI_OVERVIEW,
    .bit = VIEW_OVERVIEW,
    .draw = draw,
};
