/*
 * view_deploy.c - the Deploy screen (`:deploy [USER@HOST]`) drawn: the
 * host list, the step marks beside the run's output, the outcome, and the
 * dialogs a run stops for (an unknown host key, a key's passphrase); and
 * the view's registration.  What it draws is the screen's state, which
 * deploy_run.c keeps and drives (the engine, the answers, the keys).
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "deploy_run.h"
#include "widgets.h"

#define HOST_ROWS 3
#define STEPS_W 30

static const char *mark_text(const struct app *a, enum mark m, const char **word,
                             enum theme_role *role)
{
    static const char *const words[] = {"", "skipped", "running", "done", "FAILED", "would run",
                                        "satisfied"};
    static const enum theme_role roles[] = {THEME_DIM, THEME_DIM, THEME_WARN, THEME_OK,
                                            THEME_ERROR, THEME_WARN, THEME_OK};
    static const char *const utf8[] = {"\xc2\xb7", "-", "\xe2\x96\xb6", "\xe2\x9c\x93",
                                       "\xe2\x9c\x97", "*", "="};
    static const char *const ascii[] = {".", "-", ">", "+", "!", "*", "="};

    *word = words[m];
    *role = roles[m];
    return a->utf8 ? utf8[m] : ascii[m];
}

/* The host list in at most rows lines from y; returns the line after it. */
static int draw_hosts(struct app *a, int y, int rows)
{
    struct list_state *ls = &a->lists[VI_DEPLOY];
    struct deploy_screen *d = a->deploy;
    int n = deploy_run_host_count(a);
    char buf[400];

    if (!n) {
        widget_text(a, y, 3, a->cols - 4, THEME_DIM,
                    "no hosts: add deploy.hosts to the config, or :deploy USER@HOST", 0);
        return y + 1;
    }
    if (rows > n)
        rows = n;
    app_list_clamp(ls, n, rows);
    for (int i = ls->top; i < n && i < ls->top + rows; i++, y++) {
        const char *h = deploy_run_host(a, i);
        int running = d->engine && !strcmp(h, d->host);
        snprintf(buf, sizeof(buf), " %s %s%s", i == ls->sel ? ">" : " ", h,
                 running ? "   (running)" : "");
        widget_fill(a, y, 2, i == ls->sel ? THEME_ROW_SELECTED : THEME_ROW);
        widget_text(a, y, 2, a->cols - 4, i == ls->sel ? THEME_ROW_SELECTED : THEME_ROW, buf, 0);
    }
    return y;
}

/* The first step to show in fit lines: 0 when all fit, else a window
 * around the last step that has begun (running, done, failed, ...), so a
 * short screen still shows where the run is. */
static size_t steps_first(const struct deploy_screen *d, size_t n, size_t fit)
{
    size_t focus = 0;

    if (n <= fit)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (d->marks[i] != M_PENDING)
            focus = i;
    focus = focus > fit / 2 ? focus - fit / 2 : 0;
    return focus + fit > n ? n - fit : focus;
}

static void draw_steps(struct app *a, int y, int rows)
{
    size_t n, fit = rows > 1 ? (size_t)rows - 1 : 0, first;
    const struct deploy_step *steps = deploy_run_steps(&n);
    char buf[80];

    first = steps_first(a->deploy, n, fit);
    snprintf(buf, sizeof(buf), first || first + fit < n ? "Steps %zu-%zu of %zu" : "Steps",
             first + 1, first + fit < n ? first + fit : n, n);
    widget_text(a, y++, 1, STEPS_W - 1, THEME_LABEL, buf, 0);
    for (size_t i = first; i < n && i < first + fit; i++) {
        const char *word;
        enum theme_role role;
        const char *mark = mark_text(a, a->deploy->marks[i], &word, &role);
        snprintf(buf, sizeof(buf), "%s %-16s %s", mark, steps[i].name, word);
        widget_text(a, y + (int)(i - first), 1, STEPS_W - 1, role, buf, 0);
    }
}

static void draw_output(struct app *a, int y, int rows)
{
    struct deploy_log *l = &a->deploy->log;
    int x = STEPS_W + 1, w = a->cols - x - 1, n = deploy_log_count(l), stream;
    int last = n - a->deploy->scroll, first = last - (rows - 1);
    char title[80];

    snprintf(title, sizeof(title), "Output%s", a->deploy->scroll ? "   (scrolled back: PgDn)" : "");
    widget_text(a, y++, x, w, THEME_LABEL, title, 0);
    for (int i = first < 0 ? 0 : first; i < last; i++) {
        const char *text = deploy_log_line(l, i, &stream);
        widget_text(a, y + i - first, x, w,
                    stream == 2 ? THEME_WARN : stream == 0 ? THEME_VALUE : THEME_ROW, text, 0);
    }
}

/* The unknown host's key, to compare before accepting it. */
static void ask_host_dialog(struct app *a)
{
    struct deploy_screen *d = a->deploy;
    char l1[400], l2[200];

    snprintf(l1, sizeof(l1), d->key_moved ? "%s offered another key: nothing recorded."
             : "%s is not in known_hosts.", d->host);
    snprintf(l2, sizeof(l2), "Its host key: %s", d->fingerprint);
    const char *lines[] = {l1, l2, "Compare it with the server's own: ssh-keygen -lf "
                           "/etc/ssh/ssh_host_ed25519_key.pub", "",
                           "a: accept, record it and deploy    Esc: record nothing"};
    widget_dialog(a, "Unknown host key", lines, 5);
}

/* The typed passphrase shows as one '*' a character, 64 at most. */
static void ask_pass_dialog(struct app *a)
{
    struct deploy_screen *d = a->deploy;
    char l1[400], l2[200], l3[300];

    snprintf(l1, sizeof(l1), "Passphrase for %.300s:", d->key_path);
    memset(l2, '*', strlen(d->pass) < 64 ? strlen(d->pass) : 64);
    l2[strlen(d->pass) < 64 ? strlen(d->pass) : 64] = '\0';
    snprintf(l3, sizeof(l3), "[%s]", l2);
    const char *lines[] = {l1, l3, "", "Enter: unlock and deploy    Esc: cancel"};
    widget_dialog(a, "Encrypted key", lines, 4);
}

/* The run's outcome (or how to start one) and the keys, from line y. */
static void draw_status(struct app *a, int y)
{
    struct deploy_screen *d = a->deploy;

    widget_text(a, y++, 1, a->cols - 2,
                d->state == R_DONE ? THEME_OK : d->state == R_RUNNING ? THEME_WARN
                : d->state == R_IDLE ? THEME_DIM : THEME_ERROR,
                d->state == R_IDLE ? "no run yet: Enter deploys to the selected host" : d->outcome, 0);
    widget_text(a, y, 1, a->cols - 2, THEME_DIM,
                "Enter: deploy  p: plan  PgUp/PgDn: output  Esc: back (a run goes on)", 0);
}

/* Top to bottom: the title, the hosts (two lines at least when there are
 * two, so another host is always in sight; the selection stays visible),
 * the steps beside the output (a window around the run's position when
 * they do not all fit), the outcome and the keys. */
static void draw(struct app *a, int top, int rows)
{
    struct deploy_screen *d = deploy_run_screen(a);
    size_t nsteps;
    char buf[300];
    int y, body, host_rows;

    if (!d)
        return;
    deploy_run_steps(&nsteps);
    snprintf(buf, sizeof(buf), " Deploy over SSH   plan: %s (p)   hosts: deploy.hosts in the config",
             d->plan ? "on, checks only" : "off");
    widget_text(a, top, 0, a->cols, THEME_VALUE, buf, 0);
    host_rows = rows - 4 - ((int)nsteps + 1);
    host_rows = host_rows > HOST_ROWS ? HOST_ROWS : host_rows < 2 ? 2 : host_rows;
    y = draw_hosts(a, top + 1, host_rows);
    body = top + rows - y - 2;
    draw_steps(a, y, body);
    draw_output(a, y, body);
    draw_status(a, y + body);
    if (d->state == R_ASK_HOST)
        ask_host_dialog(a);
    else if (d->state == R_ASK_PASS)
        ask_pass_dialog(a);
}

const struct view_ops view_deploy = {
    .name = "deploy",
    .title = "Deploy",
    .index = VI_DEPLOY,
    .bit = VIEW_DEPLOY,
    .enter = deploy_run_enter,
    .draw = draw,
    .key = deploy_run_key,
    .action = deploy_run_action,
    .count = deploy_run_host_count,
};
