/*
 * deploy_run.c - the Deploy screen's run (`:deploy [USER@HOST]`): the
 * hosts to pick from, core/deploy's engine started, stepped and ended,
 * its events turned into step marks and output lines, and the keys,
 * including the answers a run stops for.  view_deploy.c draws the result.
 *
 * The run is core/deploy's engine, driven by the console's one loop: the
 * loop waits on the engine's socket beside the terminal and the cluster
 * (view_deploy_fd) and calls view_deploy_pump() each time it wakes, at
 * least every 250 ms, which steps the engine (deploy_engine_step never
 * waits on the network), so keys and the other views stay live.  The run
 * belongs to the app, not to the screen: Esc leaves it running, and its
 * end shows in the status bar wherever the operator is; q asks first.
 *
 * Two things need a person, and the engine cannot wait for one without
 * stopping the loop, so the run stops there and the screen asks:
 *  - an unknown host: the run fails with the key's fingerprint; `a`
 *    reruns with accept-new bound to exactly that fingerprint (another
 *    key answering the rerun is refused), Esc records nothing;
 *  - an encrypted key: the passphrase callback answers "none" and notes
 *    which key wanted one; the screen asks for it (masked), and the rerun's
 *    callback hands over what was typed, wiped once used.
 * A rerun costs one more connection; each step's check makes it resume
 * where the first one stopped.
 *
 * Waits that remain: the polite disconnect when a run ends (at most 2 s,
 * on a dead link only), and quitting while a host name is being looked up
 * waits for the resolver.  The lookup itself runs in the background
 * (getaddrinfo_a); the engine has no socket then and is stepped on the
 * loop's 250 ms turn.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deploy_cfg.h"
#include "deploy_run.h"

struct deploy_screen *deploy_run_screen(struct app *a)
{
    if (!a->deploy)
        a->deploy = calloc(1, sizeof(*a->deploy));
    return a->deploy;
}

const struct deploy_step *deploy_run_steps(size_t *n)
{
    const struct deploy_step *s = deploy_steps(n);
    if (*n > DEPLOY_RUN_MAX_STEPS)
        *n = DEPLOY_RUN_MAX_STEPS;
    return s;
}

/* ---- hosts --------------------------------------------------------------- */

static size_t config_hosts(const struct app *a)
{
    return a->cfg ? a->cfg->deploy.nhosts : 0;
}

int deploy_run_host_count(struct app *a)
{
    struct deploy_screen *d = deploy_run_screen(a);
    return (int)config_hosts(a) + (d && d->adhoc[0] ? 1 : 0);
}

const char *deploy_run_host(struct app *a, int i)
{
    if (i >= 0 && (size_t)i < config_hosts(a))
        return a->cfg->deploy.hosts[i];
    return a->deploy && a->deploy->adhoc[0] && i == (int)config_hosts(a) ? a->deploy->adhoc : NULL;
}

void deploy_run_enter(struct app *a, const char *arg)
{
    struct deploy_screen *d = deploy_run_screen(a);
    struct deploy_target t;
    struct os_error err;

    if (!d || !arg || !*arg)
        return;
    for (size_t i = 0; i < config_hosts(a); i++)
        if (!strcmp(a->cfg->deploy.hosts[i], arg)) {
            a->lists[VI_DEPLOY].sel = (int)i;
            return;
        }
    if (deploy_target_parse(arg, &t, &err) < 0) {
        app_message(a, 1, "%s", err.message);
        return;
    }
    snprintf(d->adhoc, sizeof(d->adhoc), "%s", arg);
    a->lists[VI_DEPLOY].sel = (int)config_hosts(a);
}

/* ---- the engine's callbacks --------------------------------------------- */

/* The mark of step, or NULL when it is no row (an event of the run's). */
static enum mark *step_mark(struct deploy_screen *d, const struct deploy_step *step)
{
    size_t n;
    const struct deploy_step *steps = deploy_run_steps(&n);

    for (size_t i = 0; step && i < n; i++)   /* compared, not subtracted: it may be no row */
        if (step == &steps[i])
            return &d->marks[i];
    return NULL;
}

/* The connection and the remote output go to the output pane; 1 when ev
 * was one of those. */
static int log_event(struct deploy_screen *d, const struct deploy_event *ev)
{
    char line[400];

    switch (ev->kind) {
    case DEPLOY_EV_CONNECTED:
        snprintf(line, sizeof(line), "connected to %s (host key %s)", d->host, ev->text);
        deploy_log_note(&d->log, line);
        return 1;
    case DEPLOY_EV_HOST_KEY_ADDED:
        snprintf(line, sizeof(line), "recorded the new host key %s", ev->text);
        deploy_log_note(&d->log, line);
        return 1;
    case DEPLOY_EV_OUTPUT:
        deploy_log_add(&d->log, ev->stream, ev->data, ev->len);
        return 1;
    default:
        return 0;
    }
}

static void note_failed(struct deploy_screen *d, const struct deploy_event *ev)
{
    char line[400];

    if (ev->signal)
        snprintf(line, sizeof(line), "==> %s: FAILED (killed by signal %s)", ev->step->name,
                 ev->signal);
    else
        snprintf(line, sizeof(line), "==> %s: FAILED (exit %d)", ev->step->name, ev->status);
    deploy_log_note(&d->log, line);
}

/* A step's event: its mark m, the counts, a line in the output pane. */
static void mark_step(struct deploy_screen *d, enum mark *m, const struct deploy_event *ev)
{
    char line[400];

    switch (ev->kind) {
    case DEPLOY_EV_STEP_BEGIN:
        *m = M_RUNNING;
        snprintf(line, sizeof(line), "==> %s: %s", ev->step->name, ev->step->description);
        deploy_log_note(&d->log, line);
        break;
    case DEPLOY_EV_STEP_SKIP: *m = M_SKIPPED; d->skipped++; break;
    case DEPLOY_EV_STEP_DONE:
        *m = M_DONE;
        d->ran++;
        snprintf(line, sizeof(line), "==> %s: done", ev->step->name);
        deploy_log_note(&d->log, line);
        break;
    case DEPLOY_EV_STEP_FAILED:
        *m = M_FAILED;
        note_failed(d, ev);
        break;
    case DEPLOY_EV_PLAN:
        *m = ev->would_run ? M_WOULD_RUN : M_SATISFIED;
        d->would_run += ev->would_run;
        break;
    default: break;
    }
}

static void on_event(void *ud, const struct deploy_event *ev)
{
    struct app *a = ud;
    struct deploy_screen *d = a->deploy;
    enum mark *m;

    a->dirty = 1;
    if (log_event(d, ev))
        return;
    if ((m = step_mark(d, ev->step)))
        mark_step(d, m, ev);
}

/* The engine asks for a key's passphrase: hand over what was typed for
 * this run, else note the key and answer "none" (the screen asks). */
static int give_passphrase(void *ud, const char *path, char *buf, size_t len)
{
    struct deploy_screen *d = ((struct app *)ud)->deploy;

    if (d->pass_ready && !strcmp(path, d->key_path)) {
        snprintf(buf, len, "%s", d->pass);
        explicit_bzero(d->pass, sizeof(d->pass));
        d->pass_ready = 0;
        return 0;
    }
    snprintf(d->key_path, sizeof(d->key_path), "%s", path);
    d->wants_pass = 1;
    return -1;
}

/* ---- a run's end --------------------------------------------------------- */

static void forget_passphrase(struct deploy_screen *d)
{
    explicit_bzero(d->pass, sizeof(d->pass));
    d->pass_ready = 0;
}

static void outcome_done(struct deploy_screen *d)
{
    d->state = R_DONE;
    if (d->run_plan)
        snprintf(d->outcome, sizeof(d->outcome), "plan for %s: %d steps would run", d->host,
                 d->would_run);
    else
        snprintf(d->outcome, sizeof(d->outcome), "%s is deployed (%d steps run, %d already "
                 "done)", d->host, d->ran, d->skipped);
}

/* The host showed the unknown key fp: ask whether to accept it. */
static void ask_host(struct deploy_screen *d, const char *fp)
{
    d->state = R_ASK_HOST;
    d->key_moved = d->accepting && strcmp(d->fingerprint, fp) != 0;
    snprintf(d->fingerprint, sizeof(d->fingerprint), "%s", fp);
    snprintf(d->outcome, sizeof(d->outcome), "unknown host %s: accept its key?", d->host);
}

static void outcome_failed(struct deploy_screen *d, const struct os_error *err)
{
    d->state = R_FAILED;
    snprintf(d->outcome, sizeof(d->outcome), "%s", err->message[0] ? err->message
                                                                  : "the deployment stopped");
    deploy_log_note(&d->log, d->outcome);
}

/* The engine returned rc (done or failed): the outcome, or a question. */
static void finish(struct app *a, int rc)
{
    struct deploy_screen *d = a->deploy;
    const struct os_error *err = deploy_engine_error(d->engine);
    const char *fp = rc == DEPLOY_FAILED ? deploy_engine_unknown_host(d->engine) : NULL;

    if (rc == DEPLOY_DONE) {
        outcome_done(d);
    } else if (fp) {
        ask_host(d, fp);
    } else if (d->wants_pass && err->code == OS_ERR_AUTH) {
        d->state = R_ASK_PASS;
        snprintf(d->outcome, sizeof(d->outcome), "%.300s needs its passphrase", d->key_path);
    } else {
        outcome_failed(d, err);
    }
    forget_passphrase(d);
    deploy_engine_free(d->engine);
    d->engine = NULL;
    app_message(a, d->state == R_FAILED, "deploy: %s", d->outcome);
}

/* ---- the console loop's side (declared in app.h) ------------------------- */

void view_deploy_pump(struct app *a)
{
    struct deploy_screen *d = a->deploy;
    int rc;

    if (!d || !d->engine)
        return;
    if ((rc = deploy_engine_step(d->engine)) != DEPLOY_AGAIN)
        finish(a, rc);
}

int view_deploy_fd(const struct app *a, short *events)
{
    const struct deploy_screen *d = a->deploy;
    int fd = d && d->engine ? deploy_engine_fd(d->engine) : -1;

    *events = fd >= 0 ? deploy_engine_events(d->engine) : 0;
    return fd;
}

int view_deploy_busy(const struct app *a)
{
    return a->deploy && a->deploy->engine;
}

void view_deploy_free(struct app *a)
{
    if (!a->deploy)
        return;
    deploy_engine_free(a->deploy->engine);
    forget_passphrase(a->deploy);
    free(a->deploy);
    a->deploy = NULL;
}

/* ---- a run's start ------------------------------------------------------- */

/* The options of a run to d->host; 0, or a message in d->outcome. */
static int run_opts(struct app *a, int accept, struct deploy_opts *o)
{
    struct deploy_screen *d = a->deploy;
    struct os_error err;

    memset(o, 0, sizeof(*o));
    if (deploy_target_parse(d->host, &o->target, &err) < 0) {
        snprintf(d->outcome, sizeof(d->outcome), "%s", err.message);
        return -1;
    }
    o->plan = d->plan;
    o->accept_new_host_key = accept;
    o->accept_fingerprint = accept ? d->fingerprint : NULL;
    o->on_event = on_event;
    o->passphrase = give_passphrase;
    o->ud = a;
    deploy_cfg_apply(a->cfg, o);
    if (!o->platform_dir)
        o->platform_dir = access("kubernetes", F_OK) == 0 ? "." : OS_DATADIR;
    if (!o->plan && !o->bundle) {
        snprintf(d->outcome, sizeof(d->outcome), "no bundle to upload: set deploy.bundle in the "
                 "config to a make dist tarball (p: a plan needs none)");
        return -1;
    }
    return 0;
}

/* Whether a run may start, and to which host (d->host: the selected one,
 * unless this is a rerun that answers a question); 0, or -1 once the
 * status bar says why not. */
static int aim(struct app *a, int accept)
{
    struct deploy_screen *d = a->deploy;
    const char *host = deploy_run_host(a, a->lists[VI_DEPLOY].sel);

    if (d->engine) {
        app_message(a, 1, "a deployment to %s is running", d->host);
        return -1;
    }
    if (!accept && d->state != R_ASK_PASS) {
        if (!host) {
            app_message(a, 1, "no host: add deploy.hosts to the config, or :deploy USER@HOST");
            return -1;
        }
        snprintf(d->host, sizeof(d->host), "%s", host);
    }
    if (a->readonly && !d->plan) {
        app_message(a, 1, "the console is --readonly: p for a plan (checks only)");
        return -1;
    }
    return 0;
}

/* A new run's marks, counts and output; failed until its engine exists. */
static void reset_run(struct deploy_screen *d, int accept)
{
    memset(d->marks, 0, sizeof(d->marks));
    d->ran = d->skipped = d->would_run = d->scroll = d->wants_pass = 0;
    d->run_plan = d->plan;
    d->accepting = accept;
    deploy_log_clear(&d->log);
    d->state = R_FAILED;
}

/* Start a run to the selected host, or rerun the last one accepting its
 * host key (accept) or with the typed passphrase; APP_* flags. */
static int start(struct app *a, int accept)
{
    struct deploy_screen *d = a->deploy;
    struct deploy_opts o;
    struct os_error err;

    if (aim(a, accept) < 0)
        return APP_HANDLED | APP_REDRAW;
    reset_run(d, accept);
    if (run_opts(a, accept, &o) == 0 && deploy_engine_new(&o, &d->engine, &err) < 0)
        snprintf(d->outcome, sizeof(d->outcome), "%s", err.message);
    if (!d->engine) {
        forget_passphrase(d);
        app_message(a, 1, "deploy: %s", d->outcome);
        return APP_HANDLED | APP_REDRAW;
    }
    d->state = R_RUNNING;
    snprintf(d->outcome, sizeof(d->outcome), "%s %s...", d->run_plan ? "checking" : "deploying to",
             d->host);
    view_deploy_pump(a);    /* resolve and start connecting now */
    return APP_HANDLED | APP_REDRAW;
}

/* ---- keys ---------------------------------------------------------------- */

/* The masked passphrase prompt takes every key. */
static int pass_key(struct app *a, int k)
{
    struct deploy_screen *d = a->deploy;
    size_t len = strlen(d->pass);
    int ch = keymap_key_char(k);

    if (k == KEY_ESCAPE) {
        forget_passphrase(d);
        d->state = R_FAILED;
        snprintf(d->outcome, sizeof(d->outcome), "no passphrase given for %.300s", d->key_path);
    } else if (keymap_is_enter(k)) {
        d->pass_ready = 1;
        return start(a, 0);
    } else if (keymap_is_backspace(k)) {
        if (len)
            d->pass[len - 1] = '\0';
    } else if (ch >= 0x20 && ch < 0x7f && len + 1 < sizeof(d->pass)) {
        d->pass[len] = (char)ch;
        d->pass[len + 1] = '\0';
    }
    return APP_HANDLED | APP_REDRAW;
}

int deploy_run_key(struct app *a, int k)
{
    struct deploy_screen *d = deploy_run_screen(a);

    if (!d)
        return 0;
    if (d->state == R_ASK_PASS)
        return pass_key(a, k);
    if (d->state != R_ASK_HOST)
        return 0;
    if (k == 'a' && !d->plan)
        return start(a, 1);
    if (k == 'a') {
        app_message(a, 1, "a plan records nothing: p turns the plan off, then a accepts");
    } else if (k == KEY_ESCAPE) {
        d->state = R_FAILED;
        snprintf(d->outcome, sizeof(d->outcome), "host key of %s not accepted; nothing recorded",
                 d->host);
    } else if (k == 'p') {
        d->plan = !d->plan;
    }
    return APP_HANDLED | APP_REDRAW;
}

/* Scroll the output pane back by lines (forward when negative), within
 * what it holds. */
static int scroll_output(struct deploy_screen *d, int lines)
{
    d->scroll += lines;
    if (d->scroll > deploy_log_count(&d->log) - 1)
        d->scroll = deploy_log_count(&d->log) - 1;
    if (d->scroll < 0)
        d->scroll = 0;
    return APP_HANDLED | APP_REDRAW;
}

int deploy_run_action(struct app *a, enum action act)
{
    struct deploy_screen *d = deploy_run_screen(a);
    int page = a->rows > 12 ? a->rows - 12 : 1;

    if (!d)
        return 0;
    switch (act) {
    case ACTION_DEPLOY_START: return start(a, 0);
    case ACTION_DEPLOY_PLAN:
        d->plan = !d->plan;
        app_message(a, 0, "plan %s: %s", d->plan ? "on" : "off",
                    d->plan ? "the next run only checks" : "the next run deploys");
        return APP_HANDLED | APP_REDRAW;
    case ACTION_DEPLOY_ACCEPT:
        app_message(a, 1, "no unknown host key to accept (a run asks when it meets one)");
        return APP_HANDLED | APP_REDRAW;
    case ACTION_PAGE_UP: return scroll_output(d, page);
    case ACTION_PAGE_DOWN: return scroll_output(d, -page);
    default: return 0;
    }
}
