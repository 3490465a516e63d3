/*
 * table_view.h - what the sortable, filterable table views (nodes,
 * tenants) share: the rows shown (filtered, then sorted by the column 's'
 * picked, 'S' reversing), the header and the visible rows with the
 * selection kept in view, and the sort keys.  A view describes its table
 * in a const struct table_view and keeps only what is its own: the
 * columns, how a row matches the filter, how two rows compare, how a row
 * is drawn.
 */
#ifndef TUI_TABLE_VIEW_H
#define TUI_TABLE_VIEW_H

#include <stddef.h>

#include "app.h"
#include "layout.h"

struct table_view {
    enum view_index index;            /* whose list state (selection, sort, filter) */
    const struct layout_col *cols;
    int ncols;
    const int *sort_cols;             /* the columns 's' steps through */
    int nsort;
    /* How many rows there are before filtering. */
    size_t (*total)(const struct app *a);
    /* 1 when row i is shown (filter is the '/' text, maybe ""). */
    int (*keep)(const struct app *a, size_t i, const char *filter);
    /* Rows x and y by column col: < 0, 0 or > 0 (ties broken by the view). */
    int (*order)(const struct app *a, int x, int y, int col);
    /* Draw row i at line y in the widths w. */
    void (*draw_row)(struct app *a, int y, int i, const int *w, int selected);
};

/* The rows shown, in order: a new array of *n row numbers (the caller
 * frees it), or NULL when out of memory (*n is then 0). */
int *table_view_rows(struct app *a, const struct table_view *tv, int *n);
/* How many rows are shown (a view's count callback). */
int table_view_count(struct app *a, const struct table_view *tv);
/* The header at line top and the rows idx (n of them) below it, in body
 * lines, the selection kept in view. */
void table_view_draw(struct app *a, const struct table_view *tv, int top, int body, const int *idx, int n);
/* ACTION_SORT and ACTION_SORT_REVERSE: APP_* flags, 0 for other actions. */
int table_view_sort(struct app *a, const struct table_view *tv, enum action act);

#endif
