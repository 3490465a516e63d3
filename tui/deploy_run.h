/*
 * deploy_run.h - what the Deploy screen's two halves share: the screen's
 * state (struct deploy_screen), which deploy_run.c drives (the hosts, the
 * engine, the answers a run waits for, the keys) and view_deploy.c draws.
 *
 * The state belongs to the app (a->deploy, made on first use, freed by
 * view_deploy_free()); the functions that run the engine from the
 * console's loop (view_deploy_fd/pump/busy/free) are declared in app.h.
 */
#ifndef TUI_DEPLOY_RUN_H
#define TUI_DEPLOY_RUN_H

#include <stddef.h>

#include "app.h"
#include "deploy/deploy.h"
#include "deploy_log.h"

#define DEPLOY_RUN_MAX_STEPS 64

enum mark { M_PENDING, M_SKIPPED, M_RUNNING, M_DONE, M_FAILED, M_WOULD_RUN, M_SATISFIED };
enum run_state { R_IDLE, R_RUNNING, R_DONE, R_FAILED, R_ASK_HOST, R_ASK_PASS };

struct deploy_screen {
    char adhoc[300];              /* a host from `:deploy USER@HOST`, or "" */
    int plan;                     /* the next run only checks */
    enum run_state state;
    char host[300];               /* the run's USER@HOST[:PORT] */
    int run_plan;                 /* the run is a plan */
    struct deploy_engine *engine; /* while running */
    enum mark marks[DEPLOY_RUN_MAX_STEPS];
    int ran, skipped, would_run;
    int scroll;                   /* output lines scrolled back from the end */
    char outcome[OS_ERROR_MSG_MAX];
    char fingerprint[80];         /* an unknown host's key, while asking */
    int accepting;                /* the run records fingerprint if the host shows it */
    int key_moved;                /* ... and the host showed another key */
    char key_path[1024];          /* the key that wants a passphrase */
    int wants_pass;               /* the run's callback was asked and had none */
    char pass[256];               /* typed, masked; wiped once handed over */
    int pass_ready;
    struct deploy_log log;
};

/* The screen's state (a->deploy), made on first use; NULL when out of
 * memory.  The app owns it. */
struct deploy_screen *deploy_run_screen(struct app *a);
/* core/deploy's steps, at most DEPLOY_RUN_MAX_STEPS of them in *n. */
const struct deploy_step *deploy_run_steps(size_t *n);

/* The hosts: the config's deploy.hosts, then the `:deploy USER@HOST`
 * one if any.  How many (the view's count callback; makes the state). */
int deploy_run_host_count(struct app *a);
/* Host i, or NULL when there is none; the text is the config's or a's. */
const char *deploy_run_host(struct app *a, int i);

/* The view's callbacks for `:deploy ARG`, keys and actions (APP_* flags). */
void deploy_run_enter(struct app *a, const char *arg);
int deploy_run_key(struct app *a, int k);
int deploy_run_action(struct app *a, enum action act);

#endif
