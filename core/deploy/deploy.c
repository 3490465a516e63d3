/*
 * deploy.c - the deployment engine: walks the step table (steps.c) over
 * one SSH connection, as a state machine an event loop can drive.
 *
 * States:  CONNECT -> NEXT -> CHECK -> RUN ... -> NEXT -> ... -> DONE
 *                                   \-> (satisfied) NEXT        \-> FAILED
 * NEXT picks the next selected step; CHECK runs its check (exit 0 means
 * satisfied: the step is skipped); RUN runs its commands one after the
 * other, streaming their output as events.  With --plan, CHECK only
 * reports whether the step would run and nothing else is executed.
 * Remote commands are ssh_exec state machines: deploy_engine_step()
 * pumps them and returns DEPLOY_AGAIN as soon as the socket would block.
 * Connecting and the SFTP upload are state machines too (ssh_session.c,
 * sftp_upload.c), so the engine waits only in the places those files
 * name: the agent and a passphrase prompt.
 *
 * Every command is sent as "<prelude>\n<command>", the prelude defining
 * the variables steps.c documents.  Values put in the prelude are
 * checked to contain no single quote, so they cannot break out of their
 * quoting.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deploy/deploy.h"
#include "deploy/ssh.h"
#include "term_text.h"

#define DEFAULT_CHANNEL "1.33/stable"
#define DEFAULT_REMOTE_DIR ".odoo-saas/bundle"
#define MAX_FILES 512
#define MAX_DEPTH 8
#define CHECK_TIMEOUT_S 120

enum engine_state { E_CONNECT, E_CONNECTING, E_NEXT, E_CHECK, E_RUN_START, E_RUN, E_UPLOAD, E_DONE,
                    E_FAILED };

struct deploy_engine {
    struct deploy_opts o;
    char *strings[9];             /* copies of the option strings */
    const struct deploy_step *steps;
    size_t nsteps, cur;
    int selected[64];
    int cmd;
    enum engine_state state;
    struct ssh_conn *conn;
    struct ssh_exec *x;
    struct ssh_upload *up;
    char *prelude;
    struct ssh_upload_file files[MAX_FILES];
    size_t nfiles;
    char sums_hex[65];
    struct os_error err;
};

static void emit(struct deploy_engine *e, struct deploy_event ev)
{
    if (e->o.on_event)
        e->o.on_event(e->o.ud, &ev);
}

/* ---- the bundle's file list ------------------------------------------ */

static int add_file(struct deploy_engine *e, const char *remote, const char *local,
                    struct os_error *err)
{
    struct ssh_upload_file *f;

    if (e->nfiles >= MAX_FILES)
        return os_error_set(err, OS_ERR_LIMIT, "more than %d files in the bundle", MAX_FILES);
    f = &e->files[e->nfiles];
    if (!(f->remote = strdup(remote)) || (local && !(f->local = strdup(local))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    e->nfiles++;
    return 0;
}

/* Every regular file under local/rel, as remote path rel/... */
static int add_tree(struct deploy_engine *e, const char *base, const char *rel, int depth,
                    struct os_error *err)
{
    char path[2048], sub[1024];
    struct dirent *d;
    struct stat st;
    DIR *dir;
    int rc = 0;

    snprintf(path, sizeof(path), "%s/%s", base, rel);
    if (depth > MAX_DEPTH || !(dir = opendir(path)))
        return os_error_set(err, OS_ERR_IO, "cannot read %s: %s", path,
                            depth > MAX_DEPTH ? "too deep" : strerror(errno));
    while (rc == 0 && (d = readdir(dir))) {
        if (d->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", rel, d->d_name);
        snprintf(path, sizeof(path), "%s/%s", base, sub);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = add_tree(e, base, sub, depth + 1, err);
        else if (S_ISREG(st.st_mode))
            rc = add_file(e, sub, path, err);
    }
    closedir(dir);
    return rc;
}

static int by_remote(const void *a, const void *b)
{
    return strcmp(((const struct ssh_upload_file *)a)->remote,
                  ((const struct ssh_upload_file *)b)->remote);
}

static int collect_bundle(struct deploy_engine *e, struct os_error *err)
{
    int rc;

    if (!e->o.bundle)
        return 0;
    if ((rc = add_file(e, "odoo-saas.tar.gz", e->o.bundle, err)) < 0)
        return rc;
    if (e->o.platform_dir && ((rc = add_tree(e, e->o.platform_dir, "kubernetes", 0, err)) < 0 ||
                              (rc = add_tree(e, e->o.platform_dir, "templates", 0, err)) < 0))
        return rc;
    qsort(e->files, e->nfiles, sizeof(e->files[0]), by_remote);
    char *text = NULL;
    rc = ssh_upload_sums(e->files, e->nfiles, &text, e->sums_hex, err);
    free(text);
    return rc;
}

/* ---- the prelude ----------------------------------------------------- */

static int quotable(const char *what, const char *s, struct os_error *err)
{
    if (strchr(s, '\'') || strchr(s, '\n'))
        return os_error_set(err, OS_ERR_INVALID, "%s must not contain quotes or newlines", what);
    return 0;
}

static int build_prelude(struct deploy_engine *e, struct os_error *err)
{
    const char *env = e->o.remote_env;
    size_t len;
    int rc;

    if ((rc = quotable("the channel", e->o.channel, err)) < 0 ||
        (rc = quotable("the remote folder", e->o.remote_dir, err)) < 0 ||
        (env && (rc = quotable("the remote environment", env, err)) < 0))
        return rc;
    len = 700 + strlen(e->o.channel) + strlen(e->o.remote_dir) + (env ? strlen(env) : 0);
    if (!(e->prelude = malloc(len)))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    snprintf(e->prelude, len,
             "%s%s%s"
             "SUDO=; [ \"$(id -u)\" = 0 ] || SUDO='sudo -n'\n"
             "M=\"$SUDO microk8s\"\n"
             "CHANNEL='%s'\n"
             "B='%s'; case $B in /*) ;; *) B=\"$PWD/$B\";; esac\n"
             "BUNDLE_SHA='%s'\n"
             "P=${ODOO_SAAS_PREFIX:-/usr/local}\n"
             "U=${ODOO_SAAS_UNIT_DIR:-/etc/systemd/system}\n"
             "E=${ODOO_SAAS_ETC:-/etc/odoo-saas}\n"
             "S=${ODOO_SAAS_SNAP_DATA:-/var/snap/microk8s/current}\n",
             env ? "export " : "", env ? env : "", env ? "\n" : "", e->o.channel,
             e->o.remote_dir, e->sums_hex);
    return 0;
}

/* "<prelude>\n<command>", malloc'd; caller frees. */
static char *with_prelude(const char *prelude, const char *command)
{
    size_t len = strlen(prelude) + strlen(command) + 2;
    char *s = malloc(len);

    if (s)
        snprintf(s, len, "%s%s\n", prelude, command);
    return s;
}

/* ---- engine life ----------------------------------------------------- */

static const char *keep(struct deploy_engine *e, int slot, const char *s)
{
    if (!s)
        return NULL;
    return e->strings[slot] = strdup(s);
}

static int copy_opts(struct deploy_engine *e, const struct deploy_opts *o)
{
    e->o = *o;
    e->o.identity = keep(e, 0, o->identity);
    e->o.known_hosts = keep(e, 1, o->known_hosts);
    e->o.only = keep(e, 2, o->only);
    e->o.channel = keep(e, 3, o->channel ? o->channel : DEFAULT_CHANNEL);
    e->o.bundle = keep(e, 4, o->bundle);
    e->o.platform_dir = keep(e, 5, o->platform_dir);
    e->o.remote_dir = keep(e, 6, o->remote_dir ? o->remote_dir : DEFAULT_REMOTE_DIR);
    e->o.remote_env = keep(e, 7, o->remote_env);
    e->o.accept_fingerprint = keep(e, 8, o->accept_fingerprint);
    return e->o.channel && e->o.remote_dir ? 0 : -1;
}

static int engine_init(struct deploy_engine *e, const struct deploy_opts *o, struct os_error *err)
{
    const struct deploy_step *bundle = deploy_step_find("bundle");
    int rc;

    if (copy_opts(e, o) < 0)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    e->steps = deploy_steps(&e->nsteps);
    if (e->nsteps > sizeof(e->selected) / sizeof(e->selected[0]))
        return os_error_set(err, OS_ERR_LIMIT, "too many steps");
    if ((rc = deploy_select(e->o.only, e->selected, err)) < 0)
        return rc;
    if (!e->o.plan && !e->o.bundle && e->selected[bundle - e->steps])
        return os_error_set(err, OS_ERR_INVALID, "the bundle step needs --bundle TARBALL "
                            "(make dist makes one), or leave it out with --only");
    if ((rc = collect_bundle(e, err)) < 0 || (rc = build_prelude(e, err)) < 0)
        return rc;
    return 0;
}

int deploy_engine_new(const struct deploy_opts *opts, struct deploy_engine **out,
                      struct os_error *err)
{
    struct deploy_engine *e = calloc(1, sizeof(*e));
    int rc;

    *out = NULL;
    if (!e)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if ((rc = engine_init(e, opts, err)) < 0) {
        deploy_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void deploy_engine_free(struct deploy_engine *e)
{
    if (!e)
        return;
    ssh_exec_free(e->x);
    ssh_upload_free(e->up);
    ssh_conn_free(e->conn);
    for (size_t i = 0; i < e->nfiles; i++) {
        free((char *)e->files[i].remote);
        free((char *)e->files[i].local);
    }
    for (size_t i = 0; i < sizeof(e->strings) / sizeof(e->strings[0]); i++)
        free(e->strings[i]);
    free(e->prelude);
    free(e);
}

int deploy_engine_fd(const struct deploy_engine *e)
{
    return e->conn ? ssh_conn_fd(e->conn) : -1;
}

short deploy_engine_events(const struct deploy_engine *e)
{
    return e->conn ? ssh_conn_events(e->conn) : POLLIN;
}

const struct os_error *deploy_engine_error(const struct deploy_engine *e)
{
    return &e->err;
}

const char *deploy_engine_unknown_host(const struct deploy_engine *e)
{
    return e->conn && e->conn->host_unknown ? e->conn->fingerprint : NULL;
}

/* ---- transitions ----------------------------------------------------- */

static int fail(struct deploy_engine *e)
{
    const struct deploy_step *s =
        e->state <= E_CONNECTING || e->cur >= e->nsteps ? NULL : &e->steps[e->cur];
    if (s && e->state != E_FAILED)
        os_error_prefix(&e->err, "step %s", s->name);
    ssh_exec_free(e->x);
    e->x = NULL;
    ssh_upload_free(e->up);
    e->up = NULL;
    e->state = E_FAILED;
    return DEPLOY_FAILED;
}

static int do_connect(struct deploy_engine *e)
{
    struct ssh_conn_opts co = {
        .user = e->o.target.user, .host = e->o.target.host, .port = e->o.target.port,
        .identity = e->o.identity, .known_hosts = e->o.known_hosts,
        .policy = e->o.accept_new_host_key && !e->o.plan ? SSH_HOSTKEY_ACCEPT_NEW
                                                          : SSH_HOSTKEY_STRICT,
        .no_agent = e->o.no_agent,
        .timeout_ms = (e->o.connect_timeout_s > 0 ? e->o.connect_timeout_s : 30) * 1000,
        .accept_fingerprint = e->o.accept_fingerprint,
        .passphrase = e->o.passphrase, .passphrase_ud = e->o.ud,
    };

    if (ssh_conn_start(&co, &e->conn, &e->err) < 0)
        return fail(e);
    e->state = E_CONNECTING;
    return DEPLOY_AGAIN;
}

static int do_connecting(struct deploy_engine *e)
{
    int rc = ssh_conn_pump(e->conn, &e->err);

    if (rc < 0)
        return fail(e);
    if (rc == 0)
        return DEPLOY_AGAIN;
    if (e->conn->host_key_added)
        emit(e, (struct deploy_event){.kind = DEPLOY_EV_HOST_KEY_ADDED,
                                      .text = e->conn->fingerprint});
    emit(e, (struct deploy_event){.kind = DEPLOY_EV_CONNECTED, .text = e->conn->fingerprint});
    e->state = E_NEXT;
    e->cur = 0;
    return DEPLOY_AGAIN;
}

static void on_output(void *ud, int stream, const char *data, size_t len)
{
    struct deploy_engine *e = ud;
    emit(e, (struct deploy_event){.kind = DEPLOY_EV_OUTPUT, .step = &e->steps[e->cur],
                                  .stream = stream, .data = data, .len = len});
}

static int start(struct deploy_engine *e, const char *command, int stream)
{
    char *full = with_prelude(e->prelude, command);
    int rc, timeout_s = e->steps[e->cur].timeout_s;

    if (!full)
        return os_error_set(&e->err, OS_ERR_NOMEM, "out of memory");
    /* a check only looks: it never needs a step's long timeout */
    if (!stream && timeout_s > CHECK_TIMEOUT_S)
        timeout_s = CHECK_TIMEOUT_S;
    rc = ssh_exec_start(e->conn, full, timeout_s * 1000,
                        stream ? on_output : NULL, e, &e->x, &e->err);
    free(full);
    return rc;
}

static void begin_run(struct deploy_engine *e)
{
    const struct deploy_step *s = &e->steps[e->cur];

    if (e->o.plan) {
        emit(e, (struct deploy_event){.kind = DEPLOY_EV_PLAN, .step = s, .would_run = 1});
        e->cur++;
        e->state = E_NEXT;
        return;
    }
    emit(e, (struct deploy_event){.kind = DEPLOY_EV_STEP_BEGIN, .step = s, .status = -1});
    e->cmd = 0;
    e->state = E_RUN_START;
}

static int do_next(struct deploy_engine *e)
{
    while (e->cur < e->nsteps && !e->selected[e->cur])
        e->cur++;
    if (e->cur >= e->nsteps) {
        e->state = E_DONE;
        return DEPLOY_DONE;
    }
    if (!e->steps[e->cur].check) {
        begin_run(e);
        return DEPLOY_AGAIN;
    }
    if (start(e, e->steps[e->cur].check, 0) < 0)
        return fail(e);
    e->state = E_CHECK;
    return DEPLOY_AGAIN;
}

/* Pump the running command: 1 finished, 0 would block, <0 failed. */
static int pump(struct deploy_engine *e)
{
    int rc = ssh_exec_pump(e->x, &e->err);
    return rc < 0 ? fail(e) : rc;
}

static int do_check(struct deploy_engine *e)
{
    const struct deploy_step *s = &e->steps[e->cur];
    int rc = pump(e), status;

    if (rc <= 0)
        return rc;
    status = ssh_exec_status(e->x, NULL);
    ssh_exec_free(e->x);
    e->x = NULL;
    if (status != 0) {
        begin_run(e);
        return DEPLOY_AGAIN;
    }
    emit(e, (struct deploy_event){.kind = e->o.plan ? DEPLOY_EV_PLAN : DEPLOY_EV_STEP_SKIP,
                                  .step = s, .status = 0});
    e->cur++;
    e->state = E_NEXT;
    return DEPLOY_AGAIN;
}

static int start_upload(struct deploy_engine *e)
{
    char dir[1100];

    snprintf(dir, sizeof(dir), "%s.new", e->o.remote_dir);
    if (ssh_upload_start(e->conn, dir, e->files, e->nfiles, e->steps[e->cur].timeout_s * 1000,
                         &e->up, &e->err) < 0)
        return fail(e);
    e->state = E_UPLOAD;
    return DEPLOY_AGAIN;
}

static int do_upload(struct deploy_engine *e)
{
    int rc = ssh_upload_pump(e->up, &e->err);

    if (rc < 0)
        return fail(e);
    if (rc == 0)
        return DEPLOY_AGAIN;
    ssh_upload_free(e->up);
    e->up = NULL;
    e->cmd++;
    e->state = E_RUN_START;
    return DEPLOY_AGAIN;
}

static int do_run_start(struct deploy_engine *e)
{
    const struct deploy_step *s = &e->steps[e->cur];
    const char *cmd = s->run[e->cmd];

    if (!cmd) {
        emit(e, (struct deploy_event){.kind = DEPLOY_EV_STEP_DONE, .step = s, .status = 0});
        e->cur++;
        e->state = E_NEXT;
        return DEPLOY_AGAIN;
    }
    if (!strcmp(cmd, DEPLOY_UPLOAD))
        return start_upload(e);
    if (start(e, cmd, 1) < 0)
        return fail(e);
    e->state = E_RUN;
    return DEPLOY_AGAIN;
}

/* The last non-empty line of text, for one-line messages. */
static void last_line(const char *text, char *out, size_t len)
{
    const char *end = text + strlen(text), *start;

    while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        end--;
    for (start = end; start > text && start[-1] != '\n'; start--)
        ;
    snprintf(out, len, "%.*s", (int)(end - start), start);
}

static int do_run(struct deploy_engine *e)
{
    const struct deploy_step *s = &e->steps[e->cur];
    const char *sig, *tail;
    char line[300];
    int rc = pump(e), status;

    if (rc <= 0)
        return rc;
    status = ssh_exec_status(e->x, &sig);
    if (status == 0) {
        ssh_exec_free(e->x);
        e->x = NULL;
        e->cmd++;
        e->state = E_RUN_START;
        return DEPLOY_AGAIN;
    }
    tail = ssh_exec_stderr_tail(e->x);
    emit(e, (struct deploy_event){.kind = DEPLOY_EV_STEP_FAILED, .step = s, .status = status,
                                  .signal = sig, .text = tail});
    last_line(tail, line, sizeof(line));
    term_text_clean(line, strlen(line), line, sizeof(line));
    if (sig)
        os_error_set(&e->err, OS_ERR_IO, "step %s: killed by signal %s%s%s", s->name, sig,
                     line[0] ? ": " : "", line);
    else
        os_error_set(&e->err, OS_ERR_IO, "step %s failed (exit %d)%s%s", s->name, status,
                     line[0] ? ": " : "", line);
    e->state = E_FAILED;
    return fail(e);
}

int deploy_engine_step(struct deploy_engine *e)
{
    int rc = DEPLOY_AGAIN;

    for (int i = 0; i < 64 && rc == DEPLOY_AGAIN; i++) {
        enum engine_state before = e->state;
        switch (e->state) {
        case E_CONNECT: rc = do_connect(e); break;
        case E_CONNECTING: rc = do_connecting(e); break;
        case E_NEXT: rc = do_next(e); break;
        case E_CHECK: rc = do_check(e); break;
        case E_RUN_START: rc = do_run_start(e); break;
        case E_RUN: rc = do_run(e); break;
        case E_UPLOAD: rc = do_upload(e); break;
        case E_DONE: return DEPLOY_DONE;
        case E_FAILED: return DEPLOY_FAILED;
        }
        if (rc == DEPLOY_AGAIN && before == e->state &&
            (before == E_CONNECTING || before == E_CHECK || before == E_RUN || before == E_UPLOAD))
            return DEPLOY_AGAIN;   /* it would block: poll the socket */
    }
    return rc;
}

/* Drive e until it is done or failed, waiting on its socket. */
static int drive(struct deploy_engine *e, struct os_error *err)
{
    struct pollfd p;
    int rc;

    while ((rc = deploy_engine_step(e)) == DEPLOY_AGAIN) {
        p = (struct pollfd){.fd = deploy_engine_fd(e), .events = deploy_engine_events(e)};
        /* no socket yet while a name is resolved: look again soon */
        if (poll(&p, p.fd >= 0 ? 1 : 0, p.fd >= 0 ? 1000 : 10) < 0 && errno != EINTR)
            break;
    }
    if (rc == DEPLOY_DONE)
        return 0;
    *err = e->err;
    if (!err->code)
        os_error_set(err, OS_ERR_IO, "deployment stopped");
    return err->code;
}

int deploy_run(const struct deploy_opts *opts, struct os_error *err)
{
    struct deploy_engine *e;
    int rc;

    if ((rc = deploy_engine_new(opts, &e, err)) < 0)
        return rc;
    rc = drive(e, err);
    deploy_engine_free(e);
    return rc;
}

/* ---- node add -------------------------------------------------------- */

static const struct deploy_step join_step = {
    "join", "join the MicroK8s cluster of the primary", "test -f \"$HOME/.odoo-saas/joined\"",
    {"$M join \"$JOIN_URL\" $WORKER && mkdir -p \"$HOME/.odoo-saas\" && date > \"$HOME/.odoo-saas/joined\"",
     NULL}, 900};

/* Connect and run the steps named in only ("" for none); *out keeps the
 * connection for more commands.  Caller frees *out. */
static int engine_connected(const struct deploy_opts *opts, const char *only,
                            struct deploy_engine **out, struct os_error *err)
{
    struct deploy_opts o = *opts;
    int rc;

    o.only = only;
    o.bundle = NULL;
    if ((rc = deploy_engine_new(&o, out, err)) < 0)
        return rc;
    if ((rc = drive(*out, err)) < 0) {
        deploy_engine_free(*out);
        *out = NULL;
    }
    return rc;
}

struct capture {
    struct deploy_engine *e;
    char buf[16384];
    size_t len;
};

/* add-node's stdout holds the join token: kept here, never shown. */
static void capture_out(void *ud, int stream, const char *data, size_t len)
{
    struct capture *c = ud;
    size_t room = sizeof(c->buf) - 1 - c->len;

    if (stream == 1) {
        memcpy(c->buf + c->len, data, len < room ? len : room);
        c->len += len < room ? len : room;
        c->buf[c->len] = '\0';
    } else {
        emit(c->e, (struct deploy_event){.kind = DEPLOY_EV_OUTPUT, .step = &join_step,
                                         .stream = stream, .data = data, .len = len});
    }
}

static void join_out(void *ud, int stream, const char *data, size_t len)
{
    emit(ud, (struct deploy_event){.kind = DEPLOY_EV_OUTPUT, .step = &join_step,
                                   .stream = stream, .data = data, .len = len});
}

/* Run command (with e's prelude) on e's connection: its exit status, or
 * <0 with err set. */
static int remote(struct deploy_engine *e, const char *command, ssh_output_fn fn, void *ud,
                  int timeout_s, struct os_error *err)
{
    char *full = with_prelude(e->prelude, command), sig[32];
    int status = -1, rc;

    if (!full)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    rc = ssh_exec_run(e->conn, full, timeout_s * 1000, fn, ud, &status, sig, sizeof(sig), err);
    free(full);
    if (rc < 0)
        return rc;
    return sig[0] ? os_error_set(err, OS_ERR_IO, "killed by signal %s", sig) : status;
}

static int join_url(const struct deploy_opts *primary, struct deploy_engine *node, char *url,
                    size_t len, struct os_error *err)
{
    struct deploy_engine *p;
    struct capture *cap = calloc(1, sizeof(*cap));
    int rc;

    if (!cap)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    cap->e = node;
    if ((rc = engine_connected(primary, "", &p, err)) == 0) {
        if (!strcmp(p->conn->fingerprint, node->conn->fingerprint))
            rc = os_error_set(err, OS_ERR_INVALID, "%s and %s are the same machine (same host "
                              "key %s): a node cannot join itself", primary->target.host,
                              node->o.target.host, p->conn->fingerprint);
        else
            rc = remote(p, "$M add-node", capture_out, cap, 120, err);
        if (rc > 0)
            rc = os_error_set(err, OS_ERR_IO, "microk8s add-node failed on %s (exit %d)",
                              primary->target.host, rc);
        deploy_engine_free(p);
    }
    if (rc == 0)
        rc = deploy_parse_join(cap->buf, url, len, err);
    explicit_bzero(cap, sizeof(*cap));
    free(cap);
    return rc < 0 ? os_error_prefix(err, "primary") : 0;
}

static int join(const struct deploy_opts *primary, struct deploy_engine *e, struct os_error *err)
{
    char url[512], cmd[1024];
    int rc;

    if (remote(e, join_step.check, NULL, NULL, 30, err) == 0) {
        emit(e, (struct deploy_event){.kind = e->o.plan ? DEPLOY_EV_PLAN : DEPLOY_EV_STEP_SKIP,
                                      .step = &join_step});
        return 0;
    }
    if (e->o.plan) {
        emit(e, (struct deploy_event){.kind = DEPLOY_EV_PLAN, .step = &join_step, .would_run = 1});
        return 0;
    }
    emit(e, (struct deploy_event){.kind = DEPLOY_EV_STEP_BEGIN, .step = &join_step, .status = -1});
    if ((rc = join_url(primary, e, url, sizeof(url), err)) < 0)
        return rc;
    snprintf(cmd, sizeof(cmd), "JOIN_URL='%s'\nWORKER='%s'\n%s", url,
             e->o.worker ? "--worker" : "", join_step.run[0]);
    explicit_bzero(url, sizeof(url));
    rc = remote(e, cmd, join_out, e, join_step.timeout_s, err);
    explicit_bzero(cmd, sizeof(cmd));
    if (rc == 0) {
        emit(e, (struct deploy_event){.kind = DEPLOY_EV_STEP_DONE, .step = &join_step});
        return 0;
    }
    if (rc > 0) {
        emit(e, (struct deploy_event){.kind = DEPLOY_EV_STEP_FAILED, .step = &join_step,
                                      .status = rc});
        return os_error_set(err, OS_ERR_IO, "step join failed (exit %d)", rc);
    }
    return os_error_prefix(err, "step join");
}

/* The node's name as the cluster knows it (its host name, lowercased)
 * into name, checked to be a DNS name.  0, or <0 with err set. */
static int node_name(struct deploy_engine *e, char *name, size_t len, struct os_error *err)
{
    struct capture *cap = calloc(1, sizeof(*cap));
    int rc;

    if (!cap)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    cap->e = e;
    rc = remote(e, "hostname | tr A-Z a-z", capture_out, cap, 30, err);
    cap->buf[strcspn(cap->buf, "\n")] = '\0';
    if (rc == 0 && (!cap->buf[0] || strspn(cap->buf, "abcdefghijklmnopqrstuvwxyz0123456789.-") !=
                    strlen(cap->buf) || strlen(cap->buf) >= len))
        rc = os_error_set(err, OS_ERR_PARSE, "the new node's host name is not a node name");
    else if (rc > 0)
        rc = os_error_set(err, OS_ERR_IO, "hostname failed on the new node (exit %d)", rc);
    if (rc == 0)
        snprintf(name, len, "%s", cap->buf);
    free(cap);
    return rc;
}

/* Pods on the new node reach odoo-saasd on the primary masqueraded as
 * their node, so its --allow-from must learn the node's address: when the
 * primary runs odoo-saasd, wait (bounded) until the new node has
 * registered with an InternalIP, then run the daemon-address step again
 * (whose check skips it when nothing changed). */
static int refresh_primary(const struct deploy_opts *primary, const char *node,
                           struct os_error *err)
{
    struct deploy_engine *p;
    char cmd[1024];
    int rc;

    if ((rc = engine_connected(primary, "", &p, err)) < 0)
        return os_error_prefix(err, "primary");
    rc = remote(p, "test -f \"$E/odoo-saasd.env\"", NULL, NULL, 30, err);
    if (rc == 0) {
        snprintf(cmd, sizeof(cmd),
                 "i=0; until $M kubectl get node '%s' -o jsonpath='{.status.addresses[?(@.type=="
                 "\"InternalIP\")].address}' 2>/dev/null | grep -q .; do i=$((i+1)); "
                 "if [ $i -ge 60 ]; then echo 'node %s has no InternalIP after 120 s' >&2; exit 1; fi; "
                 "sleep 2; done", node, node);
        rc = remote(p, cmd, join_out, p, 150, err);
        if (rc > 0)
            rc = os_error_set(err, OS_ERR_IO, "node %s did not register with the primary", node);
    } else if (rc > 0) {
        rc = 1;               /* no odoo-saasd on the primary: nothing to tell */
    }
    deploy_engine_free(p);
    if (rc != 0)
        return rc < 0 ? os_error_prefix(err, "primary") : 0;
    if ((rc = engine_connected(primary, "daemon-address", &p, err)) < 0)
        return os_error_prefix(err, "primary");
    deploy_engine_free(p);
    return 0;
}

int deploy_node_add(const struct deploy_opts *primary, const struct deploy_opts *node,
                    struct os_error *err)
{
    struct deploy_engine *e;
    char name[256];
    int rc;

    rc = engine_connected(node, "os-check,sudo,microk8s-install,microk8s-group,microk8s-ready",
                          &e, err);
    if (rc < 0)
        return rc;
    rc = join(primary, e, err);
    if (rc == 0 && !node->plan && (rc = node_name(e, name, sizeof(name), err)) == 0) {
        deploy_engine_free(e);
        return refresh_primary(primary, name, err);
    }
    deploy_engine_free(e);
    return rc;
}
