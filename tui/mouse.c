/*
 * mouse.c - clicks: on a tab of the title bar, that view (as its key
 * 1, 2 or 3 would); in the table views (nodes, tenants) a click selects
 * the row under the pointer, a second click on the same row soon after
 * opens it, as Enter would.  Rows are where table_view_draw() last put
 * them (it records that in the view's list state), so a click can never
 * pick a row that is not on the screen.  Other views ignore clicks.
 */
#include "config.h"


#include "app.h"
#include "mono_clock.h"
#include "widgets.h"

#define DOUBLE_CLICK_MS 400

/* The row of the current list view at screen line y, or -1. */
static int row_at(struct app *a, int y)
{
    const struct list_state *ls = app_list(a);

    if (!ls || ls->rows_shown <= 0 || y < ls->row_y || y >= ls->row_y + ls->rows_shown)
        return -1;
    return ls->top + (y - ls->row_y);
}

/* A tab of the title bar: only where its key means the view (a form
 * would take the digit as text). */
static int click_tab(struct app *a, int x)
{
    int tab = widget_title_tab_at(x);

    if (tab < 0 || !(app_view(a)->bit & VIEW_BROWSE))
        return 0;
    app_key(a, '1' + tab);
    return 1;
}

int app_click(struct app *a, int y, int x)
{
    struct list_state *ls = app_list(a);
    int row = row_at(a, y), again;

    if (a->input || a->confirm_quit)
        return 0;
    if (y == 0)
        return click_tab(a, x);
    if (row < 0)
        return 0;
    again = row == ls->sel && a->click_row == row && mono_ms_since(&a->click_at) < DOUBLE_CLICK_MS;
    ls->sel = row;
    a->click_row = again ? -1 : row;
    mono_due_in(&a->click_at, 0);
    a->dirty = 1;
    if (again)
        app_key(a, '\n');     /* what Enter does in this view */
    return 1;
}
