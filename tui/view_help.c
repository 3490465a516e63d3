/*
 * view_help.c - `?`: every key of the view it was opened from, and the
 * ':' commands, generated from the action table and the live keymap, so
 * help cannot drift from what the keys do.  --readonly hides the actions
 * that change the cluster here too.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "widgets.h"

#define KEYS_W 18

/* The help lines: keys then commands; fills (when lines is not NULL) and
 * counts them.  A line is an action and whether it is the command form. */
struct help_line {
    enum action act;
    int command;
};

static int lines_of(struct app *a, struct help_line *lines, int max)
{
    int n = 0;
    char keys[96];

    for (int pass = 0; pass < 2; pass++)
        for (int act = ACTION_NONE + 1; act < ACTION_COUNT; act++) {
            const struct action_info *ai = action_info((enum action)act);
            if (a->readonly && (ai->flags & ACTION_WRITES))
                continue;
            if (pass == 0 && !*keymap_keys_of(&a->keymap, (enum action)act, a->help_for, keys, sizeof(keys)))
                continue;
            if (pass == 1 && (!ai->command || !strcmp(ai->command, "q")))
                continue;
            if (lines && n < max)
                lines[n] = (struct help_line){(enum action)act, pass};
            n++;
        }
    return n;
}

static int count(struct app *a)
{
    return lines_of(a, NULL, 0);
}

static const char *view_title(unsigned bit)
{
    static const struct view_ops *const views[] = {&view_overview, &view_nodes, &view_tenants,
                                                   &view_tenant, &view_create, &view_delete, &view_deploy};
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
        if (views[i]->bit == bit)
            return views[i]->title;
    return "";
}

static void draw_line(struct app *a, int y, const struct help_line *l, int selected)
{
    const struct action_info *ai = action_info(l->act);
    char keys[96];

    if (l->command)
        snprintf(keys, sizeof(keys), ":%s%s%s", ai->command, ai->args[0] ? " " : "", ai->args);
    else
        keymap_keys_of(&a->keymap, l->act, a->help_for, keys, sizeof(keys));
    widget_fill(a, y, 0, selected ? THEME_ROW_SELECTED : THEME_ROW);
    widget_text(a, y, 2, KEYS_W, selected ? THEME_ROW_SELECTED : THEME_KEY, keys, 0);
    widget_text(a, y, 2 + KEYS_W + 1, a->cols - KEYS_W - 4, selected ? THEME_ROW_SELECTED : THEME_ROW, ai->help, 0);
}

static void draw(struct app *a, int top, int rows)
{
    struct help_line lines[2 * ACTION_COUNT];
    struct list_state *ls = &a->lists[VI_HELP];
    int n = lines_of(a, lines, 2 * ACTION_COUNT), body = rows - 1, y = top + 1;
    char title[128];

    snprintf(title, sizeof(title), " Keys of the %s view   (Esc: back)%s", view_title(a->help_for),
             a->help_for & (VIEW_NODES | VIEW_TENANTS) ? "   mouse: click selects, again opens" : "");
    widget_text(a, top, 0, a->cols, THEME_VALUE, title, 0);
    app_list_clamp(ls, n, body);
    for (int i = ls->top; i < n && y < top + rows; i++) {
        if (i > 0 && lines[i].command && !lines[i - 1].command) {
            widget_text(a, y++, 2, a->cols - 4, THEME_LABEL, "Commands (: then Tab completes)", 0);
            if (y >= top + rows)
                break;
        }
        draw_line(a, y++, &lines[i], i == ls->sel);
    }
}

static void enter(struct app *a, const char *arg)
{
    (void)arg;
    a->lists[VI_HELP] = (struct list_state){0};
}

static int action(struct app *a, enum action act)
{
    if (act == ACTION_HELP || act == ACTION_BACK) {
        app_pop(a);
        return APP_HANDLED | APP_REDRAW;
    }
    return 0;
}

const struct view_ops view_help = {
    .name = "help",
    .title = "Help",
    .index = VI_HELP,
    .bit = VIEW_HELP,
    .enter = enter,
    .draw = draw,
    .action = action,
    .count = count,
};
