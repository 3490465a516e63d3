/*
 * theme.h - the console's colour themes: semantic roles, never raw colours.
 *
 * A theme file is a few lines of text, one role each:
 *
 *     # comment
 *     title        = white on blue, bold
 *     row-selected = black on cyan
 *     dim          = bright-black
 *     meter-used   = color34, bold
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-<name> (8-15), colorN or N (0-255).  Attributes: bold, dim,
 * reverse, underline, standout, italic, normal.  Roles not named keep the
 * built-in default.  theme_parse() is pure (tested without a terminal);
 * theme_apply() turns a theme into ncurses attributes for the terminal at
 * hand: colours above what it has are brought down (bright -> base + bold,
 * 256 -> nearest of 8), and with no colour (or NO_COLOR) only the
 * attributes are used.
 */
#ifndef TUI_THEME_H
#define TUI_THEME_H

#include <stddef.h>

#include "error.h"

#define THEME_ROLES(X) \
    X(TITLE, "title") \
    X(TAB, "tab") \
    X(TAB_ACTIVE, "tab-active") \
    X(HEADER, "header") \
    X(ROW, "row") \
    X(ROW_SELECTED, "row-selected") \
    X(OK, "ok") \
    X(WARN, "warn") \
    X(ERROR, "error") \
    X(DIM, "dim") \
    X(LABEL, "label") \
    X(VALUE, "value") \
    X(METER_USED, "meter-used") \
    X(METER_REQUESTED, "meter-requested") \
    X(METER_FRAME, "meter-frame") \
    X(STATUS, "status") \
    X(STATUS_ERROR, "status-error") \
    X(COMMAND, "command") \
    X(INPUT, "input") \
    X(INPUT_ERROR, "input-error") \
    X(KEY, "key") \
    X(DIALOG, "dialog")

enum theme_role {
#define X(id, name) THEME_##id,
    THEME_ROLES(X)
#undef X
    THEME_NROLES
};

#define THEME_DEFAULT_COLOR (-1)

struct theme_style {
    short fg, bg;          /* -1: terminal default; 0-255 */
    unsigned attrs;        /* THEME_A_* bits */
};

enum {
    THEME_A_BOLD = 1, THEME_A_DIM = 2, THEME_A_REVERSE = 4,
    THEME_A_UNDERLINE = 8, THEME_A_STANDOUT = 16, THEME_A_ITALIC = 32,
};

struct theme {
    char name[64];
    struct theme_style style[THEME_NROLES];
    int attr[THEME_NROLES];    /* ncurses attributes, set by theme_apply() */
};

/* The role's file name ("row-selected"), or NULL. */
const char *theme_role_name(enum theme_role role);

/* The built-in default theme (also what a failed load leaves). */
void theme_default(struct theme *t);

/* Parse text over t (roles it does not name keep their value).  On a bad
 * line: OS_ERR_PARSE with "NAME:LINE: why" in err, t untouched. */
int theme_parse(const char *name, const char *text, struct theme *t, struct os_error *err);

/* Find and load theme NAME: a path when it holds a '/', else NAME.theme in
 * $XDG_CONFIG_HOME/odoo-saas/themes (~/.config/...), then each directory
 * of dirs (NULL-terminated).  On failure t is the default theme and err
 * says why. */
int theme_load(const char *name, const char *const *dirs, struct theme *t, struct os_error *err);

/* Where themes are looked for after the user's folder: the installed and
 * the source themes/ folders (NULL-terminated, static). */
const char *const *theme_search_dirs(void);

/* The name of every NAME.theme in the user's folder and in dirs, sorted,
 * each once: a new array of *n new strings (theme_names_free), or NULL
 * when there are none. */
char **theme_names(const char *const *dirs, size_t *n);
void theme_names_free(char **names, size_t n);

/* Apply t to the running terminal (after initscr): colour pairs when colour
 * is non-zero and the terminal has colours, and t->attr for every role. */
void theme_apply(struct theme *t, int colour);

/* The nearest of the 8 basic colours to xterm colour c (0-255), and
 * whether it is a bright one.  Pure; used when the terminal has 8. */
int theme_color_down(int c, int colors, int *bold);

#endif
