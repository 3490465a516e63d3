/*
 * widgets.h - drawing pieces every view shares: text in a theme role,
 * table header and rows, meters, the title and status bars, dialogs.
 *
 * Everything draws into stdscr with colours from the app's theme roles
 * only; nothing refreshes (the loop in app.c does one doupdate per frame).
 */
#ifndef TUI_WIDGETS_H
#define TUI_WIDGETS_H

#include <stdint.h>

#include "app.h"
#include "layout.h"

/* text cut or padded to width columns at (y, x) in role. */
void widget_text(struct app *a, int y, int x, int width, enum theme_role role, const char *text,
                 int right);
/* Fill line y with role from x to the right edge. */
void widget_fill(struct app *a, int y, int x, enum theme_role role);

/* A table: header at y; cells per row.  widths from layout_columns. */
void widget_header(struct app *a, int y, const struct layout_col *cols, const int *widths, int n,
                   int sort, int reverse);
/* One row of n cells; role for the whole row (selected rows use
 * THEME_ROW_SELECTED), cell_roles[i] (or NULL) override per cell. */
void widget_row(struct app *a, int y, const struct layout_col *cols, const int *widths, int n,
                const char *const *cells, enum theme_role role, const enum theme_role *cell_roles);

/* "[||||:::    text]" meter in width columns at (y, x); text (or NULL)
 * is written over the right end of the bar, as htop does. */
void widget_meter(struct app *a, int y, int x, int width, int64_t used, int64_t requested,
                  int64_t total, const char *text);

/* The title bar (line 0) and the status bar (last line). */
void widget_title(struct app *a);
void widget_status(struct app *a);
/* The title bar's tab at column x: 0 overview, 1 nodes, 2 tenants, or -1. */
int widget_title_tab_at(int x);

/* A boxed dialog of n lines centred on the screen. */
void widget_dialog(struct app *a, const char *title, const char *const *lines, int n);

/* The last lines of a step list that fit in rows lines from y; returns
 * the line after the last one drawn. */
int widget_steps(struct app *a, int y, int rows, const struct form_steps *s);

/* The role a tenant phase is shown in. */
enum theme_role widget_phase_role(enum tenant_phase phase);

#endif
