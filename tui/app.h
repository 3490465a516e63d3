/*
 * app.h - the console's one piece of mutable state, and the view "class".
 *
 * struct app holds everything the console knows: the model, the theme, the
 * keymap, the stack of views, per-view list positions, the forms, the
 * ':' and '/' input line and the status message.  Views are const tables
 * of callbacks (struct view_ops, one per view_*.c); their handlers return
 * APP_* flags and only the loop in app.c acts on them (redraw, quit), the
 * htop habit.
 */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "actions.h"
#include "cli.h"
#include "keymap.h"
#include "model.h"
#include "os_config.h"
#include "theme.h"

enum {
    APP_HANDLED = 1,   /* the key was used */
    APP_REDRAW = 2,    /* the screen must be drawn again */
    APP_QUIT = 4,      /* leave the console */
};

enum view_index {
    VI_OVERVIEW, VI_NODES, VI_TENANTS, VI_TENANT, VI_CREATE, VI_DELETE, VI_HELP, VI_LOGS, VI_DEPLOY, VI_COUNT
};

struct app;
struct logs_state;
struct detail_fetch;

struct view_ops {
    const char *name;             /* "tenants" */
    const char *title;            /* "Tenants" */
    enum view_index index;
    unsigned bit;                 /* VIEW_* of actions.h */
    /* Shown (pushed or returned to); arg from ':tenant ID' and the like. */
    void (*enter)(struct app *a, const char *arg);
    /* Draw rows lines from line top, full width. */
    void (*draw)(struct app *a, int top, int rows);
    /* Raw keys first (forms type text): flags, 0 when not used. */
    int (*key)(struct app *a, int key);
    /* An action of the keymap: flags, 0 when not used. */
    int (*action)(struct app *a, enum action act);
    /* List views: how many rows (the loop moves the selection). */
    int (*count)(struct app *a);
};

struct list_state {
    int sel, top;
    int sort, reverse;
    char filter[128];
    int row_y, rows_shown;          /* where the table rows were last drawn (mouse.c) */
};

#define FORM_STEPS 40
#define FORM_FIELDS 4

enum form_state { FORM_EDIT, FORM_RUNNING, FORM_DONE, FORM_FAILED };

/* What a running create or delete has done so far, newest last; the
 * oldest lines make room when it is full. */
struct form_steps {
    char line[FORM_STEPS][160];
    int n;
};

struct create_form {
    char field[FORM_FIELDS][128];   /* id, subdomain, (tier), admin email */
    int focus;
    int tier;                       /* index into cfg->tiers */
    char error[FORM_FIELDS][OS_ERROR_MSG_MAX];
    enum form_state state;
    struct form_steps steps;
    char outcome[OS_ERROR_MSG_MAX];
    struct tenant_apply *apply;
};

struct delete_form {
    char id[48];
    char typed[64];
    enum form_state state;
    struct form_steps steps;
    char outcome[OS_ERROR_MSG_MAX];
    struct kube_call *call;
};

#define APP_STACK 8

struct app {
    struct cli *cli;
    struct kube_client *client;     /* cli->client, or NULL */
    struct os_config *cfg;
    struct model model;
    struct theme theme;
    struct keymap keymap;
    int utf8, colour, readonly;
    int rows, cols;

    const struct view_ops *stack[APP_STACK];
    int depth;
    struct list_state lists[VI_COUNT];
    char node[128];                 /* tenants of this node only, or "" */
    char tenant[48];                /* the tenant detail's id */
    unsigned help_for;              /* VIEW_* bit the help describes */
    struct create_form create;
    struct delete_form del;
    struct deploy_screen *deploy;   /* the Deploy screen and its run (deploy_run.c), or NULL */

    int input;                      /* 0, ':' or '/' */
    char line[128];
    char message[OS_ERROR_MSG_MAX];
    int message_error;
    int confirm_quit;
    int dirty, quit;
    volatile sig_atomic_t *stop;    /* set by a signal: leave the loop */
    int click_row;                  /* the row clicked last (mouse.c), or -1 */
    struct timespec click_at;       /* when */
    int cursor_y, cursor_x;         /* where a form wants the cursor, or -1 */

    const char *dump_path;          /* scripted mode */
    int dumps;

    struct logs_state *logs;        /* the Logs view's stream (view_logs.c), or NULL */
    struct detail_fetch *detail;    /* the tenant detail's events etc. (view_tenant.c), or NULL */
    long max_frames, frames;        /* --max-frames: quit after that many frames (0: never) */
};

/* The view on top, and moving between views (they mark the app dirty). */
const struct view_ops *app_view(const struct app *a);
void app_push(struct app *a, const struct view_ops *v, const char *arg);
void app_pop(struct app *a);
/* Replace the whole stack with v (the 1/2/3 and ':' view switches). */
void app_switch(struct app *a, const struct view_ops *v, const char *arg);

/* Show a one-line message in the status bar. */
void app_message(struct app *a, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* True when an apply or a delete is running. */
int app_busy(const struct app *a);

/* The list state of the view on top. */
struct list_state *app_list(struct app *a);

/* Add a step (a repeat of the last one is dropped). */
void form_steps_add(struct form_steps *s, const char *msg);

/* Keep ls's selection inside n rows and visible in rows lines. */
void app_list_clamp(struct list_state *ls, int n, int rows);

/* Handle one key as if typed (the loop and the scripted mode use it). */
void app_key(struct app *a, int key);
/* Draw the screen when dirty (one doupdate). */
void app_draw(struct app *a);
/* Run the loop until quit: keys from the terminal, or from script (the
 * ODOO_SAAS_SCRIPT text) when it is not NULL.  0, or 1 on a script error. */
int app_run(struct app *a, const char *script);

/* Follow a running delete through the model (view_delete.c). */
void view_delete_follow(struct app *a);

/* The Deploy screen's run (deploy_run.c): its socket for the loop to
 * wait on (-1 when none; *events for poll), one engine step each time
 * the loop wakes, whether a run is in flight, and freeing it at exit. */
int view_deploy_fd(const struct app *a, short *events);
void view_deploy_pump(struct app *a);
int view_deploy_busy(const struct app *a);
void view_deploy_free(struct app *a);
extern const struct view_ops view_deploy;

/* Once per loop turn: keep the log stream and the detail's fetches going
 * while their view is on the stack, stop them when it is not.  _close
 * stops them for good (the console is ending). */
void view_logs_tick(struct app *a);
void view_logs_close(struct app *a);
void view_tenant_tick(struct app *a);
void view_tenant_close(struct app *a);

/* The actions of app_commands.c (logs, themes, save-display); arg from
 * the ':' line or NULL.  APP_* flags, 0 when act is not one of them. */
int app_command(struct app *a, enum action act, const char *arg);
/* 1 when v is anywhere on the view stack (shown, or under a view pushed
 * over it, such as help). */
int app_on_stack(const struct app *a, const struct view_ops *v);
/* Write the screen as text to path, in the dump format.  0 or -1. */
int app_save_display(struct app *a, const char *path);
/* A click at screen line y, column x (mouse.c): selects the table row
 * there, a second click on it opens it.  1 when it was used. */
int app_click(struct app *a, int y, int x);

extern const struct view_ops view_overview, view_nodes, view_tenants, view_tenant,
    view_create, view_delete, view_help;
extern const struct view_ops view_logs;

#endif
