/*
 * deploy.h - install the odoo-saas platform on an Ubuntu host over SSH
 * (libssh2 only: no ssh or rsync processes), and add nodes to it.
 *
 * A deployment is a fixed table of steps (steps.c).  Each step has a
 * check, a read-only remote command whose exit status 0 means "already
 * done", and the commands that do it.  A rerun, or a resume after a lost
 * connection, therefore does only what is missing.  Each step's output
 * is streamed to a callback as it arrives; the first failing step stops
 * the deployment, and the error carries the end of its stderr.
 *
 * The engine is a state machine: deploy_engine_step() advances it without
 * waiting on the network (connecting, checks, commands and the SFTP
 * upload all return as soon as the socket would block), so an event loop
 * can poll deploy_engine_fd() for deploy_engine_events() and call it
 * again.  It waits only for ssh-agent and a passphrase prompt (a host
 * name is resolved in the background: meanwhile deploy_engine_fd() is
 * -1, so call again within a few hundred ms).  deploy_run() is the
 * blocking wrapper the CLI uses.
 */
#ifndef DEPLOY_DEPLOY_H
#define DEPLOY_DEPLOY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* USER@HOST[:PORT] (HOST may be [v6]).  Pure. */
struct deploy_target {
    char user[64];
    char host[256];
    int port;                     /* 22 when not given */
};
int deploy_target_parse(const char *spec, struct deploy_target *t, struct os_error *err);

/* ---- the step table (steps.c) ---------------------------------------- */

#define DEPLOY_UPLOAD "@upload"   /* a run entry meaning "SFTP the bundle" */
#define DEPLOY_STEP_RUN_MAX 4

struct deploy_step {
    const char *name;             /* "microk8s-install" */
    const char *description;      /* one line for --plan and the console */
    const char *check;            /* exit 0: already satisfied; NULL: always run */
    const char *run[DEPLOY_STEP_RUN_MAX + 1];   /* NULL-terminated shell commands */
    int timeout_s;                /* per run command; checks get at most 120 s */
};

/* The deployment's steps, in order; *n gets the count.  Static data. */
const struct deploy_step *deploy_steps(size_t *n);
const struct deploy_step *deploy_step_find(const char *name);

/* Which steps a run selects: only is NULL (all) or "a,b,c".  Sets
 * selected[i] for each step i (the array has deploy_steps() entries).
 * An unknown name is an error listing the valid ones.  Pure. */
int deploy_select(const char *only, int *selected, struct os_error *err);

/* ---- events ---------------------------------------------------------- */

enum deploy_event_kind {
    DEPLOY_EV_CONNECTED,          /* text: the host key fingerprint */
    DEPLOY_EV_HOST_KEY_ADDED,     /* text: the fingerprint recorded */
    DEPLOY_EV_STEP_BEGIN,         /* the step will run (its check said no) */
    DEPLOY_EV_STEP_SKIP,          /* already satisfied */
    DEPLOY_EV_OUTPUT,             /* stream 1/2, data/len */
    DEPLOY_EV_STEP_DONE,          /* status 0 */
    DEPLOY_EV_STEP_FAILED,        /* status, signal (or NULL), text: stderr tail */
    DEPLOY_EV_PLAN,               /* --plan: would_run 0/1 */
};

/* data (OUTPUT) and text (FAILED) are the host's raw bytes: show them
 * through core/term_text.h (term_text_feed() with a state per stream for
 * data).  Pointers are valid during the callback only. */
struct deploy_event {
    enum deploy_event_kind kind;
    const struct deploy_step *step;   /* NULL for connection events */
    int stream;
    const char *data;
    size_t len;
    int status;                   /* exit status, -1 for a signal or no command */
    const char *signal;
    const char *text;
    int would_run;
};

typedef void (*deploy_event_fn)(void *ud, const struct deploy_event *ev);
typedef int (*deploy_passphrase_fn)(void *ud, const char *path, char *buf, size_t len);

/* ---- the engine (deploy.c) ------------------------------------------- */

struct deploy_opts {
    struct deploy_target target;
    const char *identity;         /* key file, or NULL for agent + ~/.ssh/id_* */
    const char *known_hosts;      /* NULL: ~/.ssh/known_hosts */
    int accept_new_host_key;
    const char *accept_fingerprint;   /* with accept_new_host_key: record only this key
                                       * (the one the console showed), or NULL */
    int no_agent;
    int plan;                     /* checks only; nothing is changed */
    const char *only;             /* "a,b" or NULL */
    const char *channel;          /* MicroK8s snap channel; NULL: "1.33/stable" */
    const char *bundle;           /* the source tarball (odoo-saas-*.tar.gz), or NULL */
    const char *platform_dir;     /* holds kubernetes/ and templates/ */
    const char *remote_dir;       /* bundle folder on the host; NULL: ".odoo-saas/bundle" */
    const char *remote_env;       /* shell assignments exported before every command */
    int connect_timeout_s;        /* 0: 30 */
    int worker;                   /* node add: join as a worker (no control plane) */
    deploy_event_fn on_event;
    deploy_passphrase_fn passphrase;
    void *ud;                     /* for both callbacks */
};

enum deploy_result { DEPLOY_FAILED = -1, DEPLOY_AGAIN = 0, DEPLOY_DONE = 1 };

struct deploy_engine;

/* A new engine for opts (strings are copied).  The bundle's checksums are
 * computed here.  Free with deploy_engine_free(). */
int deploy_engine_new(const struct deploy_opts *opts, struct deploy_engine **out,
                      struct os_error *err);
void deploy_engine_free(struct deploy_engine *e);
/* Advance: DEPLOY_AGAIN (poll the fd for the events, then call again:
 * when it is ready, and at least once a second, since deadlines are
 * checked on each call; calling early is harmless), DEPLOY_DONE, or
 * DEPLOY_FAILED (see deploy_engine_error).  Events are delivered from
 * inside this call. */
int deploy_engine_step(struct deploy_engine *e);
int deploy_engine_fd(const struct deploy_engine *e);          /* -1 before connecting */
short deploy_engine_events(const struct deploy_engine *e);    /* POLLIN/POLLOUT */
const struct os_error *deploy_engine_error(const struct deploy_engine *e);
/* After DEPLOY_FAILED: the host key's fingerprint when the run failed
 * because known_hosts does not know the host (so a person can be shown
 * it and asked), else NULL.  Valid until deploy_engine_free. */
const char *deploy_engine_unknown_host(const struct deploy_engine *e);

/* Blocking wrapper: 0 when every selected step is done (or, with plan,
 * was reported), else <0 with err set. */
int deploy_run(const struct deploy_opts *opts, struct os_error *err);

/* node add: make the host of opts a MicroK8s node (os, install, group,
 * ready), then, unless it joined before, run `microk8s add-node` on
 * primary and the printed `microk8s join` on the host; then, when the
 * primary runs odoo-saasd, wait for the node to register and run the
 * primary's daemon-address step (the node joins the daemon's
 * --allow-from).  Blocking.
 * primary's own target, identity and host key options are used for the
 * primary connection. */
int deploy_node_add(const struct deploy_opts *primary, const struct deploy_opts *node,
                    struct os_error *err);

/* The first "microk8s join ..." URL (ip:port/token/check) in add-node's
 * output, into url.  Pure.  0, or OS_ERR_PARSE. */
int deploy_parse_join(const char *output, char *url, size_t len, struct os_error *err);

#endif
