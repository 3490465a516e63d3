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
 * The session stays in non-blocking mode; every libssh2 call that returns
 * LIBSSH2_ERROR_EAGAIN is retried after ssh_wait(), under one deadline for
 * the whole connect.  The agent is the exception: libssh2 1.10 talks to
 * it synchronously, so the session is made blocking with a timeout for
 * that part only.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deploy/ssh.h"

#define AUTH_NOTES_MAX 400

int64_t ssh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

short ssh_conn_events(const struct ssh_conn *c)
{
    int dir = libssh2_session_block_directions(c->session);
    short ev = 0;

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

static int wait_connected(int fd, int64_t deadline, const char *host, int port,
                          struct os_error *err)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int soerr = 0;
    socklen_t sl = sizeof(soerr);
    int64_t left = deadline - ssh_now_ms();

    if (left <= 0 || poll(&p, 1, (int)left) <= 0)
        return os_error_set(err, OS_ERR_NET, "%s:%d: connection timed out", host, port);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr)
        return os_error_set(err, OS_ERR_NET, "%s:%d: %s", host, port, strerror(soerr));
    return 0;
}

/* A connected, non-blocking TCP socket (first address that answers). */
static int tcp_connect(const char *host, int port, int64_t deadline, struct os_error *err)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
    char portstr[16];
    int fd = -1, rc;

    snprintf(portstr, sizeof(portstr), "%d", port);
    if ((rc = getaddrinfo(host, portstr, &hints, &res)) != 0)
        return os_error_set(err, OS_ERR_NET, "%s: %s", host, gai_strerror(rc));
    os_error_set(err, OS_ERR_NET, "%s: no address", host);
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
            (errno == EINPROGRESS && wait_connected(fd, deadline, host, port, err) == 0))
            break;
        if (errno != EINPROGRESS)
            os_error_set(err, OS_ERR_NET, "%s:%d: %s", host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd < 0 ? err->code : fd;
}

static int handshake(struct ssh_conn *c, int64_t deadline, struct os_error *err)
{
    int rc;

    while ((rc = libssh2_session_handshake(c->session, c->fd)) == LIBSSH2_ERROR_EAGAIN)
        if (ssh_wait(c, deadline, err) < 0)
            return os_error_prefix(err, "SSH handshake");
    if (rc)
        return os_error_set(err, OS_ERR_NET, "SSH handshake failed: %s", last_error(c->session));
    return 0;
}

/* Append "what: why" (or "what") to the list of failed attempts. */
static void note(char *notes, const char *what, const char *why)
{
    size_t n = strlen(notes);
    snprintf(notes + n, AUTH_NOTES_MAX - n, "%s%s%s%s", n ? "; " : "", what, why ? ": " : "",
             why ? why : "");
}

/* 1 authenticated, 0 not, <0 fatal (err). */
static int try_agent(struct ssh_conn *c, const char *user, int64_t deadline, char *notes)
{
    struct libssh2_agent_publickey *id = NULL, *prev = NULL;
    LIBSSH2_AGENT *agent;
    int ok = 0;
    long left = (long)(deadline - ssh_now_ms());

    if (!getenv("SSH_AUTH_SOCK")) {
        note(notes, "ssh-agent", "not running (SSH_AUTH_SOCK unset)");
        return 0;
    }
    if (!(agent = libssh2_agent_init(c->session)))
        return 0;
    libssh2_session_set_blocking(c->session, 1);
    libssh2_session_set_timeout(c->session, left > 0 ? left : 1);
    if (libssh2_agent_connect(agent) != 0 || libssh2_agent_list_identities(agent) != 0) {
        note(notes, "ssh-agent", "cannot talk to the agent");
    } else {
        while (!ok && libssh2_agent_get_identity(agent, &id, prev) == 0) {
            ok = libssh2_agent_userauth(agent, user, id) == 0;
            prev = id;
        }
        if (!ok)
            note(notes, "ssh-agent", prev ? "no identity was accepted" : "holds no keys");
    }
    libssh2_agent_disconnect(agent);
    libssh2_agent_free(agent);
    libssh2_session_set_timeout(c->session, 0);
    libssh2_session_set_blocking(c->session, 0);
    return ok;
}

static int pubkey_file(struct ssh_conn *c, const char *user, const char *path, const char *pass,
                       int64_t deadline, struct os_error *err)
{
    int rc;

    while ((rc = libssh2_userauth_publickey_fromfile_ex(c->session, user, strlen(user), NULL, path,
                                                        pass)) == LIBSSH2_ERROR_EAGAIN)
        if (ssh_wait(c, deadline, err) < 0)
            return OS_ERR_NET;
    return rc;
}

/* 1 authenticated, 0 not, <0 fatal.  Asks for a passphrase once when the
 * key cannot be read without one. */
static int try_key(struct ssh_conn *c, const struct ssh_conn_opts *o, const char *path,
                   int64_t deadline, char *notes, struct os_error *err)
{
    char pass[256] = "";
    int rc;

    if (access(path, R_OK) != 0) {
        note(notes, path, strerror(errno));
        return 0;
    }
    rc = pubkey_file(c, o->user, path, "", deadline, err);
    if (rc == LIBSSH2_ERROR_FILE && o->passphrase &&
        o->passphrase(o->passphrase_ud, path, pass, sizeof(pass)) == 0) {
        rc = pubkey_file(c, o->user, path, pass, deadline, err);
        explicit_bzero(pass, sizeof(pass));
    }
    if (rc == 0)
        return 1;
    if (rc == OS_ERR_NET)
        return rc;
    if (rc == LIBSSH2_ERROR_FILE)
        note(notes, path,
             "cannot use the key (wrong or missing passphrase, or an unsupported format)");
    else if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
        note(notes, path, "refused by the server");
    else
        note(notes, path, last_error(c->session));
    return 0;
}

/* The methods the server offers; NULL with *none_ok when "none" worked. */
static int auth_methods(struct ssh_conn *c, const char *user, int64_t deadline, char *buf,
                        size_t len, struct os_error *err)
{
    char *list;

    while (!(list = libssh2_userauth_list(c->session, user, strlen(user)))) {
        if (libssh2_userauth_authenticated(c->session))
            return 1;
        if (libssh2_session_last_errno(c->session) != LIBSSH2_ERROR_EAGAIN)
            return os_error_set(err, OS_ERR_NET, "SSH: %s", last_error(c->session));
        if (ssh_wait(c, deadline, err) < 0)
            return err->code;
    }
    snprintf(buf, len, "%s", list);
    return 0;
}

static int authenticate(struct ssh_conn *c, const struct ssh_conn_opts *o, int64_t deadline,
                        struct os_error *err)
{
    static const char *const defaults[] = {".ssh/id_ed25519", ".ssh/id_ecdsa", ".ssh/id_rsa"};
    char methods[256], notes[AUTH_NOTES_MAX] = "", path[1024];
    const char *home = getenv("HOME");
    int rc;

    if ((rc = auth_methods(c, o->user, deadline, methods, sizeof(methods), err)) != 0)
        return rc < 0 ? rc : 0;
    if (!strstr(methods, "publickey"))
        return os_error_set(err, OS_ERR_AUTH, "%s@%s accepts no public key authentication "
                            "(offers: %s)", o->user, o->host, methods);
    if (!o->no_agent && (rc = try_agent(c, o->user, deadline, notes)) != 0)
        return rc < 0 ? rc : 0;
    if (o->identity)
        rc = try_key(c, o, o->identity, deadline, notes, err);
    for (size_t i = 0; !o->identity && rc == 0 && home && i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", home, defaults[i]);
        rc = try_key(c, o, path, deadline, notes, err);
    }
    if (rc < 0)
        return os_error_prefix(err, "authentication");
    if (rc == 0)
        return os_error_set(err, OS_ERR_AUTH, "authentication failed for %s@%s: %s", o->user,
                            o->host, notes[0] ? notes : "no key to offer");
    return 0;
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

static int open_steps(struct ssh_conn *c, const struct ssh_conn_opts *o, struct os_error *err)
{
    int64_t deadline = ssh_now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 30000);
    int port = o->port > 0 ? o->port : 22, rc;
    char kh[1024];

    if ((rc = known_hosts_path(o, kh, sizeof(kh), err)) < 0)
        return rc;
    if ((c->fd = tcp_connect(o->host, port, deadline, err)) < 0)
        return c->fd;
    if (!(c->session = libssh2_session_init()))
        return os_error_set(err, OS_ERR_NOMEM, "cannot start an SSH session");
    if ((rc = ssh_prefer_known_host_keys(c->session, kh, o->host, port, err)) < 0)
        return rc;
    libssh2_session_set_blocking(c->session, 0);
    if ((rc = handshake(c, deadline, err)) < 0)
        return os_error_prefix(err, "%s:%d", o->host, port);
    if ((rc = ssh_check_host_key(c->session, kh, o->host, port, o->policy, &c->host_key_added,
                                 err)) < 0)
        return rc;
    size_t klen;
    int ktype;
    const char *key = libssh2_session_hostkey(c->session, &klen, &ktype);
    ssh_fingerprint((const unsigned char *)key, klen, c->fingerprint, sizeof(c->fingerprint));
    return authenticate(c, o, deadline, err);
}

int ssh_conn_open(const struct ssh_conn_opts *o, struct ssh_conn **out, struct os_error *err)
{
    struct ssh_conn *c = calloc(1, sizeof(*c));
    int rc;

    *out = NULL;
    if (!c)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    c->fd = -1;
    if (libssh2_init(0) != 0) {
        free(c);
        return os_error_set(err, OS_ERR_IO, "libssh2 failed to initialise");
    }
    if ((rc = open_steps(c, o, err)) < 0) {
        ssh_conn_free(c);
        return rc;
    }
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
        while (libssh2_session_disconnect(c->session, "bye") == LIBSSH2_ERROR_EAGAIN &&
               ssh_wait(c, deadline, NULL) == 0)
            ;
        libssh2_session_free(c->session);
    }
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}
