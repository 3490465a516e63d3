/*
 * view_deploy.c - the Deploy screen (`:deploy [USER@HOST]`): install the
 * platform on a host of the config's deploy: section over SSH, with a
 * live step list and the remote output.
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

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deploy/deploy.h"
#include "deploy_cfg.h"
#include "deploy_log.h"
#include "widgets.h"

#define MAX_STEPS 64
#define HOST_ROWS 3
#define STEPS_W 30

enum mark { M_PENDING, M_SKIPPED, M_RUNNING, M_DONE, M_FAILED, M_WOULD_RUN, M_SATISFIED };
enum run_state { R_IDLE, R_RUNNING, R_DONE, R_FAILED, R_ASK_HOST, R_ASK_PASS };

struct deploy_screen {
    char adhoc[300];              /* a host from `:deploy USER@HOST`, or "" */
    int plan;                     /* the next run only checks */
    enum run_state state;
    char host[300];               /* the run's USER@HOST[:PORT] */
    int run_plan;                 /* the run is a plan */
    struct deploy_engine *engine; /* while running */
    enum mark marks[MAX_STEPS];
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

/* The screen's state, made on first use; NULL when out of memory. */
static struct deploy_screen *screen(struct app *a)
{
    if (!a->deploy)
        a->deploy = calloc(1, sizeof(*a->deploy));
    return a->deploy;
}

static const struct deploy_step *all_steps(size_t *n)
{
    const struct deploy_step *s = deploy_steps(n);
    if (*n > MAX_STEPS)
        *n = MAX_STEPS;
    return s;
}

/* ---- hosts --------------------------------------------------------------- */

static size_t config_hosts(const struct app *a)
{
    return a->cfg ? a->cfg->deploy.nhosts : 0;
}

static int count(struct app *a)
{
    struct deploy_screen *d = screen(a);
    return (int)config_hosts(a) + (d && d->adhoc[0] ? 1 : 0);
}

static const char *host_at(struct app *a, int i)
{
    if (i >= 0 && (size_t)i < config_hosts(a))
        return a->cfg->deploy.hosts[i];
    return a->deploy && a->deploy->adhoc[0] && i == (int)config_hosts(a) ? a->deploy->adhoc : NULL;
}

static void enter(struct app *a, const char *arg)
{
    struct deploy_screen *d = screen(a);
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

static void on_event(void *ud, const struct deploy_event *ev)
{
    struct app *a = ud;
    struct deploy_screen *d = a->deploy;
    size_t n;
    const struct deploy_step *steps = all_steps(&n);
    enum mark *m = NULL;
    char line[400];

    for (size_t i = 0; ev->step && i < n; i++)   /* compared, not subtracted: it may be no row */
        if (ev->step == &steps[i])
            m = &d->marks[i];

    a->dirty = 1;
    switch (ev->kind) {
    case DEPLOY_EV_CONNECTED:
        snprintf(line, sizeof(line), "connected to %s (host key %s)", d->host, ev->text);
        deploy_log_note(&d->log, line);
        return;
    case DEPLOY_EV_HOST_KEY_ADDED:
        snprintf(line, sizeof(line), "recorded the new host key %s", ev->text);
        deploy_log_note(&d->log, line);
        return;
    case DEPLOY_EV_OUTPUT:
        deploy_log_add(&d->log, ev->stream, ev->data, ev->len);
        return;
    default:
        break;
    }
    if (!m)
        return;
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
        if (ev->signal)
            snprintf(line, sizeof(line), "==> %s: FAILED (killed by signal %s)", ev->step->name,
                     ev->signal);
        else
            snprintf(line, sizeof(line), "==> %s: FAILED (exit %d)", ev->step->name, ev->status);
        deploy_log_note(&d->log, line);
        break;
    case DEPLOY_EV_PLAN:
        *m = ev->would_run ? M_WOULD_RUN : M_SATISFIED;
        d->would_run += ev->would_run;
        break;
    default: break;
    }
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

/* ---- a run --------------------------------------------------------------- */

static void forget_passphrase(struct deploy_screen *d)
{
    explicit_bzero(d->pass, sizeof(d->pass));
    d->pass_ready = 0;
}

static void finish(struct app *a, int rc)
{
    struct deploy_screen *d = a->deploy;
    const struct os_error *err = deploy_engine_error(d->engine);
    const char *fp = rc == DEPLOY_FAILED ? deploy_engine_unknown_host(d->engine) : NULL;

    if (rc == DEPLOY_DONE) {
        d->state = R_DONE;
        if (d->run_plan)
            snprintf(d->outcome, sizeof(d->outcome), "plan for %s: %d steps would run", d->host,
                     d->would_run);
        else
            snprintf(d->outcome, sizeof(d->outcome), "%s is deployed (%d steps run, %d already "
                     "done)", d->host, d->ran, d->skipped);
    } else if (fp) {
        d->state = R_ASK_HOST;
        d->key_moved = d->accepting && strcmp(d->fingerprint, fp) != 0;
        snprintf(d->fingerprint, sizeof(d->fingerprint), "%s", fp);
        snprintf(d->outcome, sizeof(d->outcome), "unknown host %s: accept its key?", d->host);
    } else if (d->wants_pass && err->code == OS_ERR_AUTH) {
        d->state = R_ASK_PASS;
        snprintf(d->outcome, sizeof(d->outcome), "%.300s needs its passphrase", d->key_path);
    } else {
        d->state = R_FAILED;
        snprintf(d->outcome, sizeof(d->outcome), "%s", err->message[0] ? err->message
                                                                      : "the deployment stopped");
        deploy_log_note(&d->log, d->outcome);
    }
    forget_passphrase(d);
    deploy_engine_free(d->engine);
    d->engine = NULL;
    app_message(a, d->state == R_FAILED, "deploy: %s", d->outcome);
}

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

static int start(struct app *a, int accept)
{
    struct deploy_screen *d = a->deploy;
    const char *host = host_at(a, a->lists[VI_DEPLOY].sel);
    struct deploy_opts o;
    struct os_error err;

    if (d->engine) {
        app_message(a, 1, "a deployment to %s is running", d->host);
        return APP_HANDLED | APP_REDRAW;
    }
    if (!accept && d->state != R_ASK_PASS) {
        if (!host) {
            app_message(a, 1, "no host: add deploy.hosts to the config, or :deploy USER@HOST");
            return APP_HANDLED | APP_REDRAW;
        }
        snprintf(d->host, sizeof(d->host), "%s", host);
    }
    if (a->readonly && !d->plan) {
        app_message(a, 1, "the console is --readonly: p for a plan (checks only)");
        return APP_HANDLED | APP_REDRAW;
    }
    memset(d->marks, 0, sizeof(d->marks));
    d->ran = d->skipped = d->would_run = d->scroll = d->wants_pass = 0;
    d->run_plan = d->plan;
    d->accepting = accept;
    deploy_log_clear(&d->log);
    d->state = R_FAILED;
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

static int key(struct app *a, int k)
{
    struct deploy_screen *d = screen(a);

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

static int action(struct app *a, enum action act)
{
    struct deploy_screen *d = screen(a);
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
    case ACTION_PAGE_UP: d->scroll += page; break;
    case ACTION_PAGE_DOWN: d->scroll -= page; break;
    default: return 0;
    }
    if (d->scroll > deploy_log_count(&d->log) - 1)
        d->scroll = deploy_log_count(&d->log) - 1;
    if (d->scroll < 0)
        d->scroll = 0;
    return APP_HANDLED | APP_REDRAW;
}

/* ---- drawing ------------------------------------------------------------- */

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
    int n = count(a);
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
        const char *h = host_at(a, i);
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
    const struct deploy_step *steps = all_steps(&n);
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

static void draw_ask(struct app *a)
{
    struct deploy_screen *d = a->deploy;
    char l1[400], l2[200], l3[300];

    if (d->state == R_ASK_HOST) {
        snprintf(l1, sizeof(l1), d->key_moved ? "%s offered another key: nothing recorded."
                 : "%s is not in known_hosts.", d->host);
        snprintf(l2, sizeof(l2), "Its host key: %s", d->fingerprint);
        const char *lines[] = {l1, l2, "Compare it with the server's own: ssh-keygen -lf "
                               "/etc/ssh/ssh_host_ed25519_key.pub", "",
                               "a: accept, record it and deploy    Esc: record nothing"};
        widget_dialog(a, "Unknown host key", lines, 5);
        return;
    }
    snprintf(l1, sizeof(l1), "Passphrase for %.300s:", d->key_path);
    memset(l2, '*', strlen(d->pass) < 64 ? strlen(d->pass) : 64);
    l2[strlen(d->pass) < 64 ? strlen(d->pass) : 64] = '\0';
    snprintf(l3, sizeof(l3), "[%s]", l2);
    const char *lines[] = {l1, l3, "", "Enter: unlock and deploy    Esc: cancel"};
    widget_dialog(a, "Encrypted key", lines, 4);
}

/* Top to bottom: the title, the hosts (two lines at least when there are
 * two, so another host is always in sight; the selection stays visible),
 * the steps beside the output (a window around the run's position when
 * they do not all fit), the outcome and the keys. */
static void draw(struct app *a, int top, int rows)
{
    struct deploy_screen *d = screen(a);
    size_t nsteps;
    char buf[300];
    int y, body, host_rows;

    if (!d)
        return;
    all_steps(&nsteps);
    snprintf(buf, sizeof(buf), " Deploy over SSH   plan: %s (p)   hosts: deploy.hosts in the config",
             d->plan ? "on, checks only" : "off");
    widget_text(a, top, 0, a->cols, THEME_VALUE, buf, 0);
    host_rows = rows - 4 - ((int)nsteps + 1);
    host_rows = host_rows > HOST_ROWS ? HOST_ROWS : host_rows < 2 ? 2 : host_rows;
    y = draw_hosts(a, top + 1, host_rows);
    body = top + rows - y - 2;
    draw_steps(a, y, body);
    draw_output(a, y, body);
    y += body;
    widget_text(a, y++, 1, a->cols - 2,
                d->state == R_DONE ? THEME_OK : d->state == R_RUNNING ? THEME_WARN
                : d->state == R_IDLE ? THEME_DIM : THEME_ERROR,
                d->state == R_IDLE ? "no run yet: Enter deploys to the selected host" : d->outcome, 0);
    widget_text(a, y, 1, a->cols - 2, THEME_DIM,
                "Enter: deploy  p: plan  PgUp/PgDn: output  Esc: back (a run goes on)", 0);
    if (d->state == R_ASK_HOST || d->state == R_ASK_PASS)
        draw_ask(a);
}

const struct view_ops view_deploy = {
    .name = "deploy",
    .title = "Deploy",
    .index = VI_DEPLOY,
    .bit = VIEW_DEPLOY,
    .enter = enter,
    .draw = draw,
    .key = key,
    .action = action,
    .count = count,
};
