/*
 * widgets.c - shared drawing for the views (see widgets.h).
 *
 * Text goes through layout_fit(), so every cell is cut with an ellipsis
 * rather than wrapping; attributes come from the theme's roles.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "widgets.h"

#define CELL_MAX 1024

void widget_text(struct app *a, int y, int x, int width, enum theme_role role, const char *text,
                 int right)
{
    char buf[CELL_MAX];

    if (width <= 0 || y < 0 || y >= a->rows || x >= a->cols)
        return;
    if (x + width > a->cols)
        width = a->cols - x;
    layout_fit(text, width, right, a->utf8, buf, sizeof(buf));
    attrset(a->theme.attr[role]);
    mvaddstr(y, x, buf);
    attrset(A_NORMAL);
}

void widget_fill(struct app *a, int y, int x, enum theme_role role)
{
    widget_text(a, y, x, a->cols - x, role, "", 0);
}

void widget_header(struct app *a, int y, const struct layout_col *cols, const int *widths, int n,
                   int sort, int reverse)
{
    int x = 0;

    widget_fill(a, y, 0, THEME_HEADER);
    for (int i = 0; i < n; i++) {
        char title[64];
        if (!widths[i])
            continue;
        snprintf(title, sizeof(title), "%s%s", cols[i].title,
                 i == sort ? (reverse ? (a->utf8 ? "\xe2\x96\xb2" : "^") : (a->utf8 ? "\xe2\x96\xbc" : "v")) : "");
        widget_text(a, y, x, widths[i], THEME_HEADER, title, cols[i].right);
        x += widths[i] + 1;
    }
}

void widget_row(struct app *a, int y, const struct layout_col *cols, const int *widths, int n,
                const char *const *cells, enum theme_role role, const enum theme_role *cell_roles)
{
    int x = 0;

    widget_fill(a, y, 0, role);
    for (int i = 0; i < n; i++) {
        if (!widths[i])
            continue;
        enum theme_role r = role == THEME_ROW && cell_roles ? cell_roles[i] : role;
        widget_text(a, y, x, widths[i], r, cells[i] ? cells[i] : "-", cols[i].right);
        x += widths[i] + 1;
    }
}

void widget_meter(struct app *a, int y, int x, int width, int64_t used, int64_t requested,
                  int64_t total, const char *text)
{
    int inner = width - 2, u, r;
    char buf[CELL_MAX];

    if (inner < 1)
        return;
    layout_meter_cells(used, requested, total, inner, &u, &r);
    widget_text(a, y, x, 1, THEME_METER_FRAME, "[", 0);
    layout_meter_text(total, 0, total, u, a->utf8, buf, sizeof(buf));
    widget_text(a, y, x + 1, u, THEME_METER_USED, buf, 0);
    layout_meter_text(0, total, total, r, a->utf8, buf, sizeof(buf));
    widget_text(a, y, x + 1 + u, r, THEME_METER_REQUESTED, buf, 0);
    widget_text(a, y, x + 1 + u + r, inner - u - r, THEME_ROW, "", 0);
    widget_text(a, y, x + width - 1, 1, THEME_METER_FRAME, "]", 0);
    if (text && layout_width(text) <= inner)
        widget_text(a, y, x + 1 + inner - layout_width(text), layout_width(text), THEME_DIM, text, 0);
}

static const struct view_ops *const tabs[] = {&view_overview, &view_nodes, &view_tenants};
#define TABS_X 11      /* after " odoo-saas " */

int widget_title_tab_at(int x)
{
    char buf[64];
    int at = TABS_X;

    for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
        int w = snprintf(buf, sizeof(buf), " %zu %s ", i + 1, tabs[i]->title);
        if (x >= at && x < at + w)
            return (int)i;
        at += w + 1;
    }
    return -1;
}

void widget_title(struct app *a)
{
    const struct view_ops *v = app_view(a);
    const struct kube_config *kc = a->client ? kube_client_config(a->client) : NULL;
    char buf[256];
    int x;

    widget_fill(a, 0, 0, THEME_TITLE);
    widget_text(a, 0, 0, 10, THEME_TITLE, " odoo-saas", 0);
    x = TABS_X;
    for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
        int on = tabs[i] == v || (a->depth > 0 && tabs[i] == a->stack[0]);
        snprintf(buf, sizeof(buf), " %zu %s ", i + 1, tabs[i]->title);
        widget_text(a, 0, x, (int)strlen(buf), on ? THEME_TAB_ACTIVE : THEME_TAB, buf, 0);
        x += (int)strlen(buf) + 1;
    }
    snprintf(buf, sizeof(buf), "%s%s ", a->readonly ? "[readonly] " : "", kc ? kc->context : "no cluster");
    if (x + layout_width(buf) < a->cols)
        widget_text(a, 0, a->cols - layout_width(buf), layout_width(buf), THEME_TITLE, buf, 0);
}

/* The right side of the status bar: connection and latency. */
static void status_right(struct app *a, char *buf, size_t len)
{
    const struct kube_client_stats *s = a->client ? kube_client_stats(a->client) : NULL;

    if (!a->client)
        snprintf(buf, len, " no cluster ");
    else if (model_unreachable(&a->model))
        snprintf(buf, len, " unreachable, retrying ");
    else if (!model_connected(&a->model))
        snprintf(buf, len, " connecting ");
    else
        snprintf(buf, len, " connected %ldms ", s ? s->ewma_ms : 0);
}

void widget_status(struct app *a)
{
    int y = a->rows - 1, rw, bad = a->message[0] ? a->message_error : model_unreachable(&a->model);
    char right[128], left[OS_ERROR_MSG_MAX + 32];

    if (a->input) {
        if (a->message[0])      /* completions, or why the last Tab did nothing */
            widget_text(a, y - 1, 0, a->cols, a->message_error ? THEME_INPUT_ERROR : THEME_DIM, a->message, 0);
        widget_fill(a, y, 0, THEME_COMMAND);
        snprintf(left, sizeof(left), "%c%s", a->input, a->line);
        widget_text(a, y, 0, a->cols - 1, THEME_COMMAND, left, 0);
        move(y, layout_width(left) < a->cols ? layout_width(left) : a->cols - 1);
        return;
    }
    status_right(a, right, sizeof(right));
    rw = layout_width(right);
    if (a->message[0])
        snprintf(left, sizeof(left), " %s", a->message);
    else if (model_unreachable(&a->model))
        snprintf(left, sizeof(left), " cluster unreachable: %s", model_error(&a->model));
    else
        snprintf(left, sizeof(left), " ?:help  ::command  q:quit");
    widget_fill(a, y, 0, bad ? THEME_STATUS_ERROR : THEME_STATUS);
    widget_text(a, y, 0, a->cols - rw, bad ? THEME_STATUS_ERROR : THEME_STATUS, left, 0);
    widget_text(a, y, a->cols - rw, rw, model_unreachable(&a->model) ? THEME_STATUS_ERROR : THEME_STATUS, right, 0);
}

void widget_dialog(struct app *a, const char *title, const char *const *lines, int n)
{
    int w = layout_width(title) + 4, h = n + 2, y, x;

    for (int i = 0; i < n; i++)
        if (layout_width(lines[i]) + 4 > w)
            w = layout_width(lines[i]) + 4;
    if (w > a->cols)
        w = a->cols;
    y = (a->rows - h) / 2;
    x = (a->cols - w) / 2;
    attrset(a->theme.attr[THEME_DIALOG]);
    for (int i = 0; i < h; i++)
        mvhline(y + i, x, ' ', w);
    mvaddch(y, x, ACS_ULCORNER);
    mvhline(y, x + 1, ACS_HLINE, w - 2);
    mvaddch(y, x + w - 1, ACS_URCORNER);
    mvaddch(y + h - 1, x, ACS_LLCORNER);
    mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
    mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
    mvvline(y + 1, x, ACS_VLINE, h - 2);
    mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
    widget_text(a, y, x + 2, layout_width(title) < w - 4 ? layout_width(title) : w - 4, THEME_VALUE, title, 0);
    for (int i = 0; i < n; i++)
        widget_text(a, y + 1 + i, x + 2, w - 4, THEME_DIALOG, lines[i], 0);
}

int widget_steps(struct app *a, int y, int rows, const struct form_steps *s)
{
    int first = s->n > rows ? s->n - rows : 0;

    for (int i = first; i < s->n; i++)
        widget_text(a, y++, 4, a->cols - 6, THEME_ROW, s->line[i], 0);
    return y;
}

enum theme_role widget_phase_role(enum tenant_phase phase)
{
    switch (phase) {
    case TENANT_READY: return THEME_OK;
    case TENANT_PROVISIONING: return THEME_WARN;
    case TENANT_DEGRADED: case TENANT_FAILED: return THEME_ERROR;
    default: return THEME_DIM;
    }
}
