/*
 * theme.c - theme files: parse, find, load, and apply to ncurses.
 *
 * The default theme is text compiled in (the same text as
 * themes/default.theme, which a unit test checks), so a missing or broken
 * theme file always leaves a working console.  Parsing is line by line:
 * "role = [FG [on BG]] [, ATTR]...", '#' starts a comment.  Applying makes
 * one colour pair per role (pair number role + 1).
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

#define THEME_MAX_BYTES 65536

static const char *const role_names[] = {
#define X(id, name) name,
    THEME_ROLES(X)
#undef X
};

static const char default_text[] =
    "title = black on cyan\n"
    "tab = black on cyan\n"
    "tab-active = white on blue, bold\n"
    "header = black on green\n"
    "row = default\n"
    "row-selected = black on cyan\n"
    "ok = green\n"
    "warn = yellow, bold\n"
    "error = red, bold\n"
    "dim = bright-black\n"
    "label = cyan\n"
    "value = default, bold\n"
    "meter-used = green, bold\n"
    "meter-requested = yellow\n"
    "meter-frame = default, bold\n"
    "status = black on cyan\n"
    "status-error = white on red, bold\n"
    "command = default\n"
    "input = black on white\n"
    "input-error = red, bold\n"
    "key = cyan, bold\n"
    "dialog = default\n";

static const char *const color_names[] = {"black", "red",     "green", "yellow",
                                          "blue",  "magenta", "cyan",  "white"};

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", THEME_A_BOLD},           {"dim", THEME_A_DIM},
    {"reverse", THEME_A_REVERSE},     {"underline", THEME_A_UNDERLINE},
    {"standout", THEME_A_STANDOUT},   {"italic", THEME_A_ITALIC},
    {"normal", 0},
};

const char *theme_role_name(enum theme_role role)
{
    return (unsigned)role < THEME_NROLES ? role_names[role] : NULL;
}

void theme_default(struct theme *t)
{
    struct os_error err;

    memset(t, 0, sizeof(*t));
    for (int i = 0; i < THEME_NROLES; i++)
        t->style[i] = (struct theme_style){THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0};
    theme_parse("default", default_text, t, &err);
}

/* A colour word: 0 and *c set, or -1. */
static int parse_color(const char *w, short *c)
{
    char *end;
    long v;

    if (!strcmp(w, "default")) {
        *c = THEME_DEFAULT_COLOR;
        return 0;
    }
    for (int i = 0; i < 8; i++) {
        if (!strcmp(w, color_names[i])) {
            *c = i;
            return 0;
        }
        if (!strncmp(w, "bright-", 7) && !strcmp(w + 7, color_names[i])) {
            *c = i + 8;
            return 0;
        }
    }
    if (!strncmp(w, "color", 5))
        w += 5;
    if (!isdigit((unsigned char)*w))
        return -1;
    errno = 0;
    v = strtol(w, &end, 10);
    if (errno || *end || v < 0 || v > 255)
        return -1;
    *c = (short)v;
    return 0;
}

static int parse_attr(const char *w, unsigned *attrs)
{
    for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
        if (!strcmp(w, attr_names[i].name)) {
            *attrs |= attr_names[i].bit;
            return 0;
        }
    return -1;
}

static int find_role(const char *name)
{
    for (int i = 0; i < THEME_NROLES; i++)
        if (!strcmp(role_names[i], name))
            return i;
    return -1;
}

/* Split off the next word of *p (letters, digits, '-'), lowercased. */
static int next_word(char **p, char *w, size_t len)
{
    size_t n = 0;
    while (**p == ' ' || **p == '\t')
        (*p)++;
    while (**p && (isalnum((unsigned char)**p) || **p == '-') && n + 1 < len)
        w[n++] = (char)tolower((unsigned char)*(*p)++);
    w[n] = '\0';
    return (int)n;
}

/* "FG [on BG] [, ATTR]..." into st; NULL or the reason it is wrong. */
static const char *parse_value(char *p, struct theme_style *st)
{
    char w[32];
    struct theme_style s = {THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0};

    if (next_word(&p, w, sizeof(w)) && parse_color(w, &s.fg) < 0 && parse_attr(w, &s.attrs) < 0)
        return "unknown colour or attribute";
    if (next_word(&p, w, sizeof(w))) {
        if (strcmp(w, "on"))
            return "expected 'on BACKGROUND' or ', ATTRIBUTE'";
        if (!next_word(&p, w, sizeof(w)) || parse_color(w, &s.bg) < 0)
            return "unknown background colour";
    }
    while (*p == ' ' || *p == '\t')
        p++;
    while (*p == ',') {
        p++;
        if (!next_word(&p, w, sizeof(w)) || parse_attr(w, &s.attrs) < 0)
            return "unknown attribute";
        while (*p == ' ' || *p == '\t')
            p++;
    }
    if (*p)
        return "unexpected text after the value";
    *st = s;
    return NULL;
}

/* One line (comments and blanks allowed): NULL or why it is wrong. */
static const char *parse_line(char *line, struct theme_style *styles)
{
    char *hash = strchr(line, '#'), *eq, *p = line, w[48];
    int role;

    if (hash)
        *hash = '\0';
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    if (!*p)
        return NULL;
    for (char *e = p + strlen(p); e > p && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    if (!(eq = strchr(p, '=')))
        return "expected 'role = colour'";
    *eq = '\0';
    if (!next_word(&p, w, sizeof(w)) || (role = find_role(w)) < 0)
        return "unknown role";
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return "unknown role";
    return parse_value(eq + 1, &styles[role]);
}

int theme_parse(const char *name, const char *text, struct theme *t, struct os_error *err)
{
    struct theme_style styles[THEME_NROLES];
    const char *p = text;
    char line[512];
    int lineno = 0;

    memcpy(styles, t->style, sizeof(styles));
    while (*p) {
        size_t n = strcspn(p, "\n");
        const char *why;
        lineno++;
        if (n >= sizeof(line))
            return os_error_set(err, OS_ERR_PARSE, "%s:%d: line too long", name, lineno);
        memcpy(line, p, n);
        line[n] = '\0';
        if ((why = parse_line(line, styles)))
            return os_error_set(err, OS_ERR_PARSE, "theme %s:%d: %s", name, lineno, why);
        p += n + (p[n] == '\n');
    }
    memcpy(t->style, styles, sizeof(styles));
    snprintf(t->name, sizeof(t->name), "%s", name);
    return 0;
}

/* Read a whole (small) file; NULL when it cannot (errno set). */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    size_t n;

    if (!f)
        return NULL;
    buf = malloc(THEME_MAX_BYTES + 1);
    n = buf ? fread(buf, 1, THEME_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (buf && n > THEME_MAX_BYTES) {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* The user's theme folder: $XDG_CONFIG_HOME/odoo-saas/themes, else
 * ~/.config/odoo-saas/themes. */
static void user_dir(char *dir, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

    if (xdg && *xdg)
        snprintf(dir, len, "%s/odoo-saas/themes", xdg);
    else
        snprintf(dir, len, "%s/.config/odoo-saas/themes", home ? home : ".");
}

/* The text of theme name from the search path; path gets where. */
static char *find_theme(const char *name, const char *const *dirs, char *path, size_t len)
{
    char dir[900];
    char *text;

    if (strchr(name, '/')) {
        snprintf(path, len, "%s", name);
        return read_file(path);
    }
    user_dir(dir, sizeof(dir));
    snprintf(path, len, "%s/%s.theme", dir, name);
    if ((text = read_file(path)))
        return text;
    for (; dirs && *dirs; dirs++) {
        snprintf(path, len, "%s/%s.theme", *dirs, name);
        if ((text = read_file(path)))
            return text;
    }
    return NULL;
}

int theme_load(const char *name, const char *const *dirs, struct theme *t, struct os_error *err)
{
    char path[1024];
    char *text;
    int rc;

    theme_default(t);
    if (!strcmp(name, "default"))
        return 0;
    if (!(text = find_theme(name, dirs, path, sizeof(path))))
        return os_error_set(err, OS_ERR_IO, "theme %s not found (looked in ~/.config/odoo-saas/themes and the installed themes); using default",
                            name);
    rc = theme_parse(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, text, t, err);
    free(text);
    if (rc < 0) {
        theme_default(t);
        snprintf(err->message + strlen(err->message), sizeof(err->message) - strlen(err->message),
                 "; using default");
        return rc;
    }
    snprintf(t->name, sizeof(t->name), "%s", name);
    return 0;
}

int theme_color_down(int c, int colors, int *bold)
{
    static const int level[] = {0, 95, 135, 175, 215, 255};
    int r, g, b, bright;

    *bold = 0;
    if (c < 0 || c < colors)
        return c;
    if (c < 16) {
        *bold = 1;
        return c - 8;
    }
    if (c < 232) {
        r = level[(c - 16) / 36];
        g = level[(c - 16) / 6 % 6];
        b = level[(c - 16) % 6];
    } else {
        r = g = b = 8 + 10 * (c - 232);
    }
    bright = r > 200 || g > 200 || b > 200;
    c = (r >= 128) | (g >= 128) << 1 | (b >= 128) << 2;
    if (c == 0 && (r > 60 || g > 60 || b > 60))
        bright = 1;
    if (colors >= 16 && bright)
        return c + 8;
    *bold = bright;
    return c;
}

static int curses_attrs(unsigned a)
{
    return (a & THEME_A_BOLD ? A_BOLD : 0) | (a & THEME_A_DIM ? A_DIM : 0) |
           (a & THEME_A_REVERSE ? A_REVERSE : 0) | (a & THEME_A_UNDERLINE ? A_UNDERLINE : 0) |
           (a & THEME_A_STANDOUT ? A_STANDOUT : 0) | (a & THEME_A_ITALIC ? A_ITALIC : 0);
}

/* Without colour a role keeps its attributes, and one with a background
 * colour (a bar, a selection) becomes reverse video so it still shows. */
void theme_apply(struct theme *t, int colour)
{
    int use = colour && has_colors() && start_color() == OK;

    if (use)
        use_default_colors();
    for (int i = 0; i < THEME_NROLES; i++) {
        const struct theme_style *s = &t->style[i];
        int a = curses_attrs(s->attrs), bf = 0, bb = 0;
        if (!use) {
            t->attr[i] = a | (s->bg != THEME_DEFAULT_COLOR ? A_REVERSE : 0);
            continue;
        }
        short fg = (short)theme_color_down(s->fg, COLORS, &bf);
        short bg = (short)theme_color_down(s->bg, COLORS, &bb);
        init_pair((short)(i + 1), fg, bg);
        t->attr[i] = a | COLOR_PAIR(i + 1) | (bf ? A_BOLD : 0);
    }
}

/* ---- the themes there are -------------------------------------------------- */

#ifndef OS_THEMES_SRCDIR
#define OS_THEMES_SRCDIR OS_DATADIR "/themes"
#endif

#define THEME_SUFFIX ".theme"
#define MAX_THEMES 128

const char *const *theme_search_dirs(void)
{
    static const char *const dirs[] = {OS_DATADIR "/themes", OS_THEMES_SRCDIR, NULL};
    return dirs;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add NAME for every NAME.theme in dir (at most MAX_THEMES in all). */
static void scan(const char *dir, char **names, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d)) && *n < MAX_THEMES) {
        size_t len = strlen(e->d_name), sl = strlen(THEME_SUFFIX);
        if (len > sl && !strcmp(e->d_name + len - sl, THEME_SUFFIX) && e->d_name[0] != '.')
            if ((names[*n] = strndup(e->d_name, len - sl)))
                (*n)++;
    }
    closedir(d);
}

char **theme_names(const char *const *dirs, size_t *n)
{
    char **names = calloc(MAX_THEMES, sizeof(*names)), user[1024];
    size_t out = 0;

    *n = 0;
    if (!names)
        return NULL;
    user_dir(user, sizeof(user));
    scan(user, names, n);
    for (; dirs && *dirs; dirs++)
        scan(*dirs, names, n);
    if (!*n) {
        free(names);
        return NULL;
    }
    qsort(names, *n, sizeof(*names), by_text);
    for (size_t i = 0; i < *n; i++) {
        if (out && !strcmp(names[out - 1], names[i]))
            free(names[i]);
        else
            names[out++] = names[i];
    }
    *n = out;
    return names;
}

void theme_names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}
