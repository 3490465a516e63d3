/*
 * ssh_session.c - one SSH connection: TCP connect, handshake, host key
 * check, authentication.
 *
 * The order is fixed and security-relevant: the host key is checked
 * against known_hosts (known_hosts.c) immediately after the handshake and
 * before any authentication, so nothing is offered to an unverified
 * server.  Authentication then tries ssh-agent (each identity it holds),
 * then key files: --identity when given, else ~/.ssh/id_ed25519,
 * id_ecdsa and id_rsa.  An encrypted key's passphrase is asked through a
 * callback (the CLI reads the terminal with echo off) and wiped right
 * after use.  When everything fails, one message lists what was tried and
 * why each failed, without key material.
 *
 * Connecting is a state machine (RESOLVE, TCP, HANDSHAKE, HOSTKEY,
 * METHODS, AGENT, KEYS, READY) advanced by ssh_conn_pump() whenever the
 * socket is ready, under one deadline for the whole connect;
 * ssh_conn_open() is the blocking wrapper.  The session stays in
 * non-blocking mode and every libssh2 call that returns
 * LIBSSH2_ERROR_EAGAIN is simply called again on the next pump.
 *
 * Names are resolved with glibc's getaddrinfo_a() (an address needs no
 * resolver and is taken at once): there is no socket to poll while it
 * runs, so ssh_conn_fd() is -1 and the caller just pumps again soon.  Two
 * things still wait inside one pump: the agent (libssh2 1.10 talks to it
 * synchronously, so the session is made blocking with the remaining
 * deadline as its timeout for that part only), and the passphrase
 * callback.  Freeing a connection while its name is being resolved waits
 * for the resolver (glibc cannot cancel a lookup in progress).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deploy/ssh.h"

#define AUTH_NOTES_MAX 400
#define NKEYS 3

enum conn_state { C_RESOLVE, C_TCP, C_HANDSHAKE, C_HOSTKEY, C_METHODS, C_AGENT, C_KEYS, C_READY };

/* The connect in progress; freed once the connection is ready. */
struct ssh_pending {
    struct ssh_conn_opts o;
    char *strings[4];
    struct addrinfo *res, *ai;
    int64_t deadline;
    char known_hosts[1024];
    const char *global;           /* /etc/ssh/ssh_known_hosts, or NULL */
    char keys[NKEYS][1024];
    int nkeys, key;               /* key files to try, the current one */
    int asked;                    /* the current key's passphrase was asked */
    char pass[256];
    char notes[AUTH_NOTES_MAX];
    char expect_fp[SSH_FP_MAX];   /* accept_fingerprint, or "" */
    struct gaicb req;             /* the name lookup (getaddrinfo_a) */
    struct addrinfo hints;
    char portstr[16];
    int resolving;                /* req is in glibc's hands */
};

int64_t ssh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

short ssh_conn_events(const struct ssh_conn *c)
{
    int dir;
    short ev = 0;

    if (c->state == C_TCP)
        return POLLOUT;
    if (c->state == C_RESOLVE)
        return POLLIN;            /* no socket yet */
    dir = libssh2_session_block_directions(c->session);
    if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
        ev |= POLLIN;
    if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
        ev |= POLLOUT;
    return ev ? ev : POLLIN;
}

int ssh_conn_fd(const struct ssh_conn *c)
{
    return c->fd;
}

int ssh_wait(struct ssh_conn *c, int64_t deadline_ms, struct os_error *err)
{
    struct pollfd p = {.fd = c->fd, .events = ssh_conn_events(c)};
    int64_t left = deadline_ms - ssh_now_ms();
    int n;

    if (left <= 0)
        return os_error_set(err, OS_ERR_NET, "timed out waiting for the SSH server");
    if (c->fd < 0) {              /* resolving a name: nothing to poll yet */
        poll(NULL, 0, left > 10 ? 10 : (int)left);
        return 0;
    }
    do {
        n = poll(&p, 1, left > 1000 ? 1000 : (int)left);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return os_error_set(err, OS_ERR_NET, "poll: %s", strerror(errno));
    return 0;
}

/* The text of libssh2's last error, for messages. */
static const char *last_error(LIBSSH2_SESSION *s)
{
    char *msg = NULL;
    libssh2_session_last_error(s, &msg, NULL, 0);
    return msg && *msg ? msg : "unknown error";
}

/* Append "what: why" (or "what") to the list of failed attempts. */
static void note(char *notes, const char *what, const char *why)
{
    size_t n = strlen(notes);
    snprintf(notes + n, AUTH_NOTES_MAX - n, "%s%s%s%s", n ? "; " : "", what, why ? ": " : "",
             why ? why : "");
}

/* ---- TCP ------------------------------------------------------------- */

/* Start a non-blocking connect to the next address: 0 started (or
 * connected), <0 when no address is left. */
static int tcp_next(struct ssh_conn *c, struct os_error *err)
{
    struct ssh_pending *p = c->pending;

    for (; p->ai; p->ai = p->ai->ai_next) {
        c->fd = socket(p->ai->ai_family, p->ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                       p->ai->ai_protocol);
        if (c->fd < 0)
            continue;
        if (connect(c->fd, p->ai->ai_addr, p->ai->ai_addrlen) == 0 || errno == EINPROGRESS)
            return 0;
        os_error_set(err, OS_ERR_NET, "%s:%d: %s", p->o.host, p->o.port, strerror(errno));
        close(c->fd);
        c->fd = -1;
    }
    return err->code ? err->code : os_error_set(err, OS_ERR_NET, "%s: no address", p->o.host);
}

/* The connect finished one way or the other? */
static int step_tcp(struct ssh_conn *c, struct os_error *err)
{
    struct pollfd pf = {.fd = c->fd, .events = POLLOUT};
    int soerr = 0;
    socklen_t sl = sizeof(soerr);

    if (poll(&pf, 1, 0) <= 0)
        return 0;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr) {
        os_error_set(err, OS_ERR_NET, "%s:%d: %s", c->pending->o.host, c->pending->o.port,
                     strerror(soerr));
        close(c->fd);
        c->fd = -1;
        c->pending->ai = c->pending->ai->ai_next;
        return tcp_next(c, err) < 0 ? err->code : 0;
    }
    if (!(c->session = libssh2_session_init()))
        return os_error_set(err, OS_ERR_NOMEM, "cannot start an SSH session");
    if (ssh_prefer_known_host_keys(c->session, c->pending->known_hosts, c->pending->global,
                                   c->pending->o.host,
                                   c->pending->o.port, err) < 0)
        return err->code;
    libssh2_session_set_blocking(c->session, 0);
    c->state = C_HANDSHAKE;
    return 1;
}

/* ---- authentication -------------------------------------------------- */

/* 1 authenticated, 0 not.  Synchronous (see the top of the file). */
static int try_agent(struct ssh_conn *c)
{
    struct ssh_pending *p = c->pending;
    struct libssh2_agent_publickey *id = NULL, *prev = NULL;
    LIBSSH2_AGENT *agent;
    int ok = 0;
    long left = (long)(p->deadline - ssh_now_ms());

    if (!getenv("SSH_AUTH_SOCK")) {
        note(p->notes, "ssh-agent", "not running (SSH_AUTH_SOCK unset)");
        return 0;
    }
    if (!(agent = libssh2_agent_init(c->session)))
        return 0;
    libssh2_session_set_blocking(c->session, 1);
    libssh2_session_set_timeout(c->session, left > 0 ? left : 1);
    if (libssh2_agent_connect(agent) != 0 || libssh2_agent_list_identities(agent) != 0) {
        note(p->notes, "ssh-agent", "cannot talk to the agent");
    } else {
        while (!ok && libssh2_agent_get_identity(agent, &id, prev) == 0) {
            ok = libssh2_agent_userauth(agent, p->o.user, id) == 0;
            prev = id;
        }
        if (!ok)
            note(p->notes, "ssh-agent", prev ? "no identity was accepted" : "holds no keys");
    }
    libssh2_agent_disconnect(agent);
    libssh2_agent_free(agent);
    libssh2_session_set_timeout(c->session, 0);
    libssh2_session_set_blocking(c->session, 0);
    return ok;
}

static void key_failed(struct ssh_conn *c, int rc)
{
    struct ssh_pending *p = c->pending;
    const char *path = p->keys[p->key];

    if (rc == LIBSSH2_ERROR_FILE)
        note(p->notes, path, "cannot use the key (wrong or missing passphrase, or an unsupported "
                             "format)");
    else if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
        note(p->notes, path, "refused by the server");
    else
        note(p->notes, path, last_error(c->session));
}

/* One attempt with the current key file: 1 authenticated, 0 call again
 * when the socket is ready, 2 this key is done (try the next), 3 try it
 * again now (a passphrase was just given), <0 fatal. */
static int try_key(struct ssh_conn *c)
{
    struct ssh_pending *p = c->pending;
    const char *path = p->keys[p->key], *user = p->o.user;
    int rc;

    if (!p->asked && access(path, R_OK) != 0) {
        note(p->notes, path, strerror(errno));
        return 2;
    }
    rc = libssh2_userauth_publickey_fromfile_ex(c->session, user, strlen(user), NULL, path,
                                                p->pass);
    if (rc == LIBSSH2_ERROR_EAGAIN)
        return 0;
    if (rc == 0)
        return 1;
    if (rc == LIBSSH2_ERROR_FILE && !p->asked && p->o.passphrase) {
        int64_t asked_at = ssh_now_ms();
        p->asked = 1;
        rc = p->o.passphrase(p->o.passphrase_ud, path, p->pass, sizeof(p->pass));
        p->deadline += ssh_now_ms() - asked_at;   /* a person's typing time is not the network's */
        if (rc == 0)
            return 3;
        rc = LIBSSH2_ERROR_FILE;
    }
    if (rc == LIBSSH2_ERROR_SOCKET_SEND || rc == LIBSSH2_ERROR_SOCKET_RECV ||
        rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_TIMEOUT)
        return -1;
    key_failed(c, rc);
    return 2;
}

static int step_keys(struct ssh_conn *c, struct os_error *err)
{
    struct ssh_pending *p = c->pending;
    int rc;

    while (p->key < p->nkeys) {
        rc = try_key(c);
        if (rc == 0)
            return 0;
        if (rc == 3)
            continue;
        if (rc == 1) {
            c->state = C_READY;
            return 1;
        }
        explicit_bzero(p->pass, sizeof(p->pass));
        if (rc < 0)
            return os_error_set(err, OS_ERR_NET, "authentication: %s", last_error(c->session));
        p->key++;
        p->asked = 0;
    }
    return os_error_set(err, OS_ERR_AUTH, "authentication failed for %s@%s: %s", p->o.user,
                        p->o.host, p->notes[0] ? p->notes : "no key to offer");
}

static int step_methods(struct ssh_conn *c, struct os_error *err)
{
    struct ssh_pending *p = c->pending;
    char *list = libssh2_userauth_list(c->session, p->o.user, strlen(p->o.user));

    if (!list) {
        if (libssh2_userauth_authenticated(c->session)) {
            c->state = C_READY;
            return 1;
        }
        if (libssh2_session_last_errno(c->session) == LIBSSH2_ERROR_EAGAIN)
            return 0;
        return os_error_set(err, OS_ERR_NET, "SSH: %s", last_error(c->session));
    }
    if (!strstr(list, "publickey"))
        return os_error_set(err, OS_ERR_AUTH, "%s@%s accepts no public key authentication "
                            "(offers: %s)", p->o.user, p->o.host, list);
    c->state = p->o.no_agent ? C_KEYS : C_AGENT;
    return 1;
}

/* ---- the machine ----------------------------------------------------- */

/* The name lookup finished?  Then start the TCP connect. */
static int step_resolve(struct ssh_conn *c, struct os_error *err)
{
    struct ssh_pending *p = c->pending;
    int rc = gai_error(&p->req);

    if (rc == EAI_INPROGRESS)
        return 0;
    p->resolving = 0;
    if (rc != 0)
        return os_error_set(err, OS_ERR_NET, "%s: %s", p->o.host, gai_strerror(rc));
    p->ai = p->res = p->req.ar_result;
    p->req.ar_result = NULL;
    if (tcp_next(c, err) < 0)
        return err->code;
    c->state = C_TCP;
    return 1;
}

static int step_handshake(struct ssh_conn *c, struct os_error *err)
{
    int rc = libssh2_session_handshake(c->session, c->fd);

    if (rc == LIBSSH2_ERROR_EAGAIN)
        return 0;
    if (rc)
        return os_error_set(err, OS_ERR_NET, "%s:%d: SSH handshake failed: %s",
                            c->pending->o.host, c->pending->o.port, last_error(c->session));
    c->state = C_HOSTKEY;
    return 1;
}

static int step_hostkey(struct ssh_conn *c, struct os_error *err)
{
    struct ssh_pending *p = c->pending;
    size_t klen = 0;
    int ktype, rc;
    const char *key;

    /* the fingerprint first: a refused unknown host shows it */
    key = libssh2_session_hostkey(c->session, &klen, &ktype);
    if (key)
        ssh_fingerprint((const unsigned char *)key, klen, c->fingerprint, sizeof(c->fingerprint));
    rc = ssh_check_host_key(c->session, p->known_hosts, p->global, p->o.host, p->o.port,
                            p->o.policy, p->expect_fp[0] ? p->expect_fp : NULL,
                            &c->host_key_added, err);
    if (c->host_key_added < 0) {
        c->host_unknown = 1;
        c->host_key_added = 0;
    }
    if (rc < 0)
        return rc;
    c->state = C_METHODS;
    return 1;
}

int ssh_conn_pump(struct ssh_conn *c, struct os_error *err)
{
    int rc = 1;

    if (c->state != C_READY && ssh_now_ms() > c->pending->deadline)
        return os_error_set(err, OS_ERR_NET, "%s:%d: timed out connecting",
                            c->pending->o.host, c->pending->o.port);
    while (rc == 1 && c->state != C_READY) {
        switch (c->state) {
        case C_RESOLVE: rc = step_resolve(c, err); break;
        case C_TCP: rc = step_tcp(c, err); break;
        case C_HANDSHAKE: rc = step_handshake(c, err); break;
        case C_HOSTKEY: rc = step_hostkey(c, err); break;
        case C_METHODS: rc = step_methods(c, err); break;
        case C_AGENT:
            c->state = try_agent(c) ? C_READY : C_KEYS;
            break;
        case C_KEYS: rc = step_keys(c, err); break;
        case C_READY: break;
        }
    }
    if (rc < 0)
        return rc;
    return c->state == C_READY;
}

static int known_hosts_path(const struct ssh_conn_opts *o, char *buf, size_t len,
                            struct os_error *err)
{
    const char *home = getenv("HOME");

    if (o->known_hosts) {
        snprintf(buf, len, "%s", o->known_hosts);
        return 0;
    }
    if (!home)
        return os_error_set(err, OS_ERR_INVALID, "HOME is not set: give --known-hosts FILE");
    snprintf(buf, len, "%s/.ssh/known_hosts", home);
    return 0;
}

static void key_list(struct ssh_pending *p)
{
    static const char *const defaults[] = {".ssh/id_ed25519", ".ssh/id_ecdsa", ".ssh/id_rsa"};
    const char *home = getenv("HOME");

    if (p->o.identity) {
        snprintf(p->keys[0], sizeof(p->keys[0]), "%s", p->o.identity);
        p->nkeys = 1;
        return;
    }
    for (int i = 0; home && i < NKEYS; i++)
        snprintf(p->keys[p->nkeys++], sizeof(p->keys[0]), "%s/%s", home, defaults[i]);
}

/* An address is used as it is; a name is looked up in the background. */
static int resolve_start(struct ssh_conn *c, struct os_error *err)
{
    struct ssh_pending *p = c->pending;
    struct addrinfo numeric = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
    struct gaicb *list[1] = {&p->req};
    struct sigevent none = {.sigev_notify = SIGEV_NONE};
    int rc;

    snprintf(p->portstr, sizeof(p->portstr), "%d", p->o.port);
    if (getaddrinfo(p->o.host, p->portstr, &numeric, &p->res) == 0) {
        p->ai = p->res;
        c->state = C_TCP;
        return tcp_next(c, err);
    }
    p->hints = (struct addrinfo){.ai_socktype = SOCK_STREAM};
    p->req = (struct gaicb){.ar_name = p->o.host, .ar_service = p->portstr,
                            .ar_request = &p->hints};
    if ((rc = getaddrinfo_a(GAI_NOWAIT, list, 1, &none)) != 0)
        return os_error_set(err, OS_ERR_NET, "%s: %s", p->o.host, gai_strerror(rc));
    p->resolving = 1;
    c->state = C_RESOLVE;
    return 0;
}

static int pending_init(struct ssh_conn *c, const struct ssh_conn_opts *o, struct os_error *err)
{
    struct ssh_pending *p;
    int rc;

    if (!(p = c->pending = calloc(1, sizeof(*p))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    p->o = *o;
    p->o.port = o->port > 0 ? o->port : 22;
    if (!(p->o.user = p->strings[0] = strdup(o->user)) ||
        !(p->o.host = p->strings[1] = strdup(o->host)))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    p->o.identity = p->o.known_hosts = p->o.accept_fingerprint = NULL;
    if (o->accept_fingerprint)
        snprintf(p->expect_fp, sizeof(p->expect_fp), "%s", o->accept_fingerprint);
    p->deadline = ssh_now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 30000);
    if ((rc = known_hosts_path(o, p->known_hosts, sizeof(p->known_hosts), err)) < 0)
        return rc;
    p->global = o->known_hosts ? NULL : "/etc/ssh/ssh_known_hosts";
    if (o->identity)
        p->o.identity = p->strings[2] = strdup(o->identity);
    key_list(p);
    return resolve_start(c, err);
}

static void pending_free(struct ssh_pending *p)
{
    if (!p)
        return;
    if (p->resolving && gai_cancel(&p->req) == EAI_NOTCANCELED) {
        const struct gaicb *list[1] = {&p->req};
        while (gai_error(&p->req) == EAI_INPROGRESS)
            gai_suspend(list, 1, NULL);    /* it owns req: wait (see the top) */
    }
    if (p->req.ar_result)
        freeaddrinfo(p->req.ar_result);
    if (p->res)
        freeaddrinfo(p->res);
    for (int i = 0; i < 4; i++)
        free(p->strings[i]);
    explicit_bzero(p, sizeof(*p));
    free(p);
}

int ssh_conn_start(const struct ssh_conn_opts *o, struct ssh_conn **out, struct os_error *err)
{
    struct ssh_conn *c = calloc(1, sizeof(*c));
    int rc;

    *out = NULL;
    os_error_clear(err);
    if (!c)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    c->fd = -1;
    if (libssh2_init(0) != 0) {
        free(c);
        return os_error_set(err, OS_ERR_IO, "libssh2 failed to initialise");
    }
    if ((rc = pending_init(c, o, err)) < 0) {
        ssh_conn_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int ssh_conn_open(const struct ssh_conn_opts *o, struct ssh_conn **out, struct os_error *err)
{
    struct ssh_conn *c;
    int rc;

    if ((rc = ssh_conn_start(o, &c, err)) < 0)
        return rc;
    while ((rc = ssh_conn_pump(c, err)) == 0)
        if ((rc = ssh_wait(c, c->pending->deadline, err)) < 0)
            break;
    if (rc < 0) {
        ssh_conn_free(c);
        return rc;
    }
    pending_free(c->pending);
    c->pending = NULL;
    *out = c;
    return 0;
}

void ssh_conn_free(struct ssh_conn *c)
{
    int64_t deadline;

    if (!c)
        return;
    if (c->session) {
        deadline = ssh_now_ms() + 2000;
        while (c->state >= C_HOSTKEY &&
               libssh2_session_disconnect(c->session, "bye") == LIBSSH2_ERROR_EAGAIN &&
               ssh_wait(c, deadline, NULL) == 0)
            ;
        /* A channel still open (a run stopped mid-command) must be closed
         * before the session can go: in non-blocking mode that may take
         * a few calls.  Past the deadline the socket is shut, so the close
         * fails at once and libssh2 frees everything anyway. */
        for (int i = 0; libssh2_session_free(c->session) == LIBSSH2_ERROR_EAGAIN && i < 1000; i++)
            if (ssh_wait(c, deadline, NULL) < 0 && c->fd >= 0)
                shutdown(c->fd, SHUT_RDWR);
    }
    if (c->fd >= 0)
        close(c->fd);
    pending_free(c->pending);
    free(c);
}
