/*
 * table_view.c - the shared body of the table views (see table_view.h).
 */
#include "config.h"

#include <stdlib.h>

#include "table_view.h"
#include "widgets.h"

struct sort_ctx {
    const struct app *a;
    const struct table_view *tv;
};

static int compare(const void *pa, const void *pb, void *ctx)
{
    const struct sort_ctx *c = ctx;
    const struct list_state *ls = &c->a->lists[c->tv->index];
    int d = c->tv->order(c->a, *(const int *)pa, *(const int *)pb, c->tv->sort_cols[ls->sort % c->tv->nsort]);

    return ls->reverse ? (d < 0) - (d > 0) : (d > 0) - (d < 0);
}

int *table_view_rows(struct app *a, const struct table_view *tv, int *n)
{
    size_t total = tv->total(a);
    const char *filter = a->lists[tv->index].filter;
    int *idx = malloc((total + 1) * sizeof(*idx));
    struct sort_ctx ctx = {a, tv};

    *n = 0;
    if (!idx)
        return NULL;
    for (size_t i = 0; i < total; i++)
        if (tv->keep(a, i, filter))
            idx[(*n)++] = (int)i;
    qsort_r(idx, (size_t)*n, sizeof(*idx), compare, &ctx);
    return idx;
}

int table_view_count(struct app *a, const struct table_view *tv)
{
    int n;
    free(table_view_rows(a, tv, &n));
    return n;
}

void table_view_draw(struct app *a, const struct table_view *tv, int top, int body, const int *idx, int n)
{
    struct list_state *ls = &a->lists[tv->index];
    int w[32];

    if (tv->ncols > 32)
        return;
    layout_columns(tv->cols, tv->ncols, a->cols, 1, w);
    widget_header(a, top, tv->cols, w, tv->ncols, tv->sort_cols[ls->sort % tv->nsort], ls->reverse);
    app_list_clamp(ls, n, body);
    ls->row_y = top + 1;
    ls->rows_shown = n - ls->top < body ? n - ls->top : body;
    for (int i = 0; i < body && ls->top + i < n; i++)
        tv->draw_row(a, top + 1 + i, idx[ls->top + i], w, ls->top + i == ls->sel);
}

int table_view_sort(struct app *a, const struct table_view *tv, enum action act)
{
    struct list_state *ls = &a->lists[tv->index];

    if (act == ACTION_SORT)
        ls->sort = (ls->sort + 1) % tv->nsort;
    else if (act == ACTION_SORT_REVERSE)
        ls->reverse = !ls->reverse;
    else
        return 0;
    return APP_HANDLED | APP_REDRAW;
}
