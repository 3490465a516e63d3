/*
 * console.c - set up and tear down the console around the loop of app.c.
 *
 * Order matters: configuration and the cluster client first (failures
 * become a status-bar message, never a refusal to open), then the
 * terminal (a real one, or an off-screen one on /dev/null for scripts),
 * the theme and the keymap; at the end, work in flight is cancelled before
 * the model and the terminal go.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "console.h"

struct terminal {
    SCREEN *screen;
    FILE *out, *in;     /* /dev/null in scripted mode, else NULL */
};

static int terminal_open(struct terminal *t, int scripted, struct os_error *err)
{
    const char *term = getenv("TERM");

    memset(t, 0, sizeof(*t));
    if (scripted) {
        t->out = fopen("/dev/null", "w");
        t->in = fopen("/dev/null", "r");
        if (!t->out || !t->in)
            return os_error_set(err, OS_ERR_IO, "cannot open /dev/null");
        t->screen = newterm(term && *term && strcmp(term, "dumb") ? term : "xterm", t->out, t->in);
    } else {
        t->screen = newterm(NULL, stdout, stdin);
    }
    if (!t->screen)
        return os_error_set(err, OS_ERR_IO, "cannot use the terminal (TERM=%s)", term ? term : "");
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    /* Presses only, reported at once: mouse.c tells a double click itself
     * (ncurses' click resolution would hold every click back). */
    mousemask(BUTTON1_PRESSED, NULL);
    mouseinterval(0);
    curs_set(0);
    return 0;
}

static void terminal_close(struct terminal *t)
{
    if (t->screen) {
        endwin();
        delscreen(t->screen);
    }
    if (t->out)
        fclose(t->out);
    if (t->in)
        fclose(t->in);
}

/* The theme, and a message when it could not be used as asked.  Without
 * colour (NO_COLOR, or a terminal that has none) the default is the
 * monochrome theme.  After terminal_open(): has_colors() needs it. */
static void load_theme(struct app *a, const char *name)
{
    const char *nc = getenv("NO_COLOR");
    struct os_error err;

    a->colour = !(nc && *nc) && has_colors();
    if (!name)
        name = a->colour ? "default" : "monochrome";
    if (theme_load(name, theme_search_dirs(), &a->theme, &err) < 0 && (a->colour || strcmp(name, "monochrome")))
        app_message(a, 1, "%s", err.message);
}

static void load_config(struct app *a)
{
    struct os_error err;

    if (os_config_load(a->cli->config_path, &a->cfg, &err) == 0)
        return;
    app_message(a, 1, "%s (using the built-in defaults)", err.message);
    if (os_config_load_text("defaults", "", 0, &a->cfg, &err) < 0)
        a->cfg = NULL;
}

static void connect_cluster(struct app *a)
{
    struct os_error err;

    if (cli_connect(a->cli, &err) < 0) {
        snprintf(a->model.start_error, sizeof(a->model.start_error), "%s", err.message);
        app_message(a, 1, "no cluster: %s", err.message);
        return;
    }
    a->client = a->cli->client;
    model_free(&a->model);
    if (model_start(&a->model, a->client, &err) < 0)
        app_message(a, 1, "%s", err.message);
}

/* SIGINT, SIGTERM and SIGHUP end the loop like :q (without asking), so
 * the terminal is restored and main() stops a --demo simulator. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void stop_on_signals(struct app *a)
{
    struct sigaction sa = {0};

    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    a->stop = &stop_signal;
}

static void stop_work(struct app *a)
{
    if (a->create.apply)
        tenant_apply_cancel(a->create.apply);
    if (a->del.call && a->client)
        kube_call_cancel(a->client, a->del.call);
    a->create.apply = NULL;
    a->del.call = NULL;
    view_deploy_free(a);
    view_logs_close(a);
    view_tenant_close(a);
}

int console_run(struct cli *cli, const char *theme)
{
    const char *script = getenv("ODOO_SAAS_SCRIPT");
    struct app *a = calloc(1, sizeof(*a));
    struct terminal term;
    struct os_error err;
    int rc;

    if (!a)
        return 1;
    setlocale(LC_ALL, "");
    a->cli = cli;
    a->readonly = cli->readonly;
    a->click_row = -1;
    a->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
    a->dump_path = getenv("ODOO_SAAS_DUMP");
    model_start(&a->model, NULL, &err);
    load_config(a);
    connect_cluster(a);
    keymap_init(&a->keymap, a->readonly);
    if (terminal_open(&term, script != NULL, &err) < 0) {
        fprintf(stderr, "odoo-saas: %s\n", err.message);
        rc = 1;
    } else {
        stop_on_signals(a);
        load_theme(a, theme);
        theme_apply(&a->theme, a->colour);
        getmaxyx(stdscr, a->rows, a->cols);
        app_switch(a, &view_overview, NULL);
        rc = app_run(a, script);
    }
    stop_work(a);
    model_free(&a->model);
    terminal_close(&term);
    if (a->cfg)
        os_config_free(a->cfg);
    free(a);
    return rc;
}
