/*
 * app_commands.c - console actions beyond moving around: follow a log
 * (`:logs ID`), switch the colour theme at run time (`:theme NAME`, `T`),
 * and write the screen to a file (`:save-display FILE`).
 *
 * Themes are looked up where the console's start-up looks (the user's
 * $XDG_CONFIG_HOME/odoo-saas/themes, then the installed and the source
 * themes/ directory).  A theme that fails to load leaves the current one
 * in place: the status bar names the file and line, as at start-up.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* ---- switching ------------------------------------------------------------------ */

static int use_theme(struct app *a, const char *name)
{
    struct theme t;
    struct os_error err;

    if (theme_load(name, theme_search_dirs(), &t, &err) < 0) {
        /* theme_load's message is worded for start-up ("; using default") */
        char *tail = strstr(err.message, "; using default");
        if (tail)
            *tail = '\0';
        app_message(a, 1, "%s; keeping %s", err.message, a->theme.name);
        return APP_HANDLED | APP_REDRAW;
    }
    a->theme = t;
    theme_apply(&a->theme, a->colour);
    app_message(a, 0, "theme %s", a->theme.name);
    return APP_HANDLED | APP_REDRAW;
}

/* The theme after the current one, in name order. */
static int next_theme(struct app *a)
{
    size_t n, i = 0;
    char **names = theme_names(theme_search_dirs(), &n), next[64];

    if (!names) {
        app_message(a, 1, "no themes found");
        return APP_HANDLED | APP_REDRAW;
    }
    while (i < n && strcmp(names[i], a->theme.name) <= 0)
        i++;
    snprintf(next, sizeof(next), "%s", names[i % n]);
    theme_names_free(names, n);
    return use_theme(a, next);
}

int app_on_stack(const struct app *a, const struct view_ops *v)
{
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i] == v)
            return 1;
    return 0;
}

/* ---- the actions -------------------------------------------------------------------- */

static int logs(struct app *a, const char *id)
{
    if (!id || !*id) {
        app_message(a, 1, "which tenant? :logs ID (Tab completes)");
        return APP_HANDLED | APP_REDRAW;
    }
    if (!model_tenant(&a->model, id)) {
        app_message(a, 1, "no tenant \"%s\"", id);
        return APP_HANDLED | APP_REDRAW;
    }
    app_push(a, &view_logs, id);
    return APP_HANDLED | APP_REDRAW;
}

static int save_display(struct app *a, const char *path)
{
    if (!path || !*path) {
        app_message(a, 1, "save-display needs a file name");
        return APP_HANDLED | APP_REDRAW;
    }
    /* The screen as it is without the ':' line the command came from. */
    a->dirty = 1;
    app_draw(a);
    if (app_save_display(a, path) < 0)
        app_message(a, 1, "cannot write %s", path);
    else
        app_message(a, 0, "screen saved to %s", path);
    return APP_HANDLED | APP_REDRAW;
}

int app_command(struct app *a, enum action act, const char *arg)
{
    switch (act) {
    case ACTION_LOGS: return logs(a, arg);
    case ACTION_THEME:
        if (!arg || !*arg) {
            app_message(a, 0, "theme %s (:theme NAME, Tab completes; T cycles)", a->theme.name);
            return APP_HANDLED | APP_REDRAW;
        }
        return use_theme(a, arg);
    case ACTION_THEME_NEXT: return next_theme(a);
    case ACTION_SAVE_DISPLAY: return save_display(a, arg);
    default: return 0;
    }
}
