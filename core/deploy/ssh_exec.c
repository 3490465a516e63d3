/*
 * ssh_exec.c - run one remote command on an SSH channel without blocking.
 *
 * A small state machine (open the channel, exec, send EOF on stdin, read,
 * close, wait for the close) advanced by ssh_exec_pump() whenever the
 * session socket is ready; every state retries its libssh2 call on
 * LIBSSH2_ERROR_EAGAIN.  While reading, stdout and stderr are both drained
 * on every pump, so a command that floods both streams can never stall on
 * a full channel window.  Output goes to a callback as it arrives, and
 * the last SSH_EXEC_TAIL bytes of stderr are kept for failure messages.
 *
 * The end is judged strictly: a command ends only when the server sent
 * EOF and closed the channel.  A killed command reports its signal name
 * (exit-signal).  A lost connection, the deadline, or a close without
 * EOF is an error, never status 0.  libssh2 1.10 answers 0 for a channel
 * that closed with no exit-status at all, so every command is wrapped to
 * report its status on a trailer the remote shell prints last on stdout
 * (exit_trailer.c, cut from the output here): status 0 with neither the
 * trailer nor a signal is "ended without an exit status", a failure.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "deploy/ssh.h"

enum exec_state { X_OPEN, X_EXEC, X_SEND_EOF, X_READ, X_CLOSE, X_WAIT_CLOSED, X_DONE };

struct ssh_exec {
    struct ssh_conn *conn;
    LIBSSH2_CHANNEL *ch;
    enum exec_state state;
    char *command;
    int64_t deadline;
    ssh_output_fn out_fn;
    void *ud;
    int status;
    char signal[32];
    char tail[SSH_EXEC_TAIL + 1];
    size_t tail_len;
    struct ssh_trailer trailer;   /* the status the remote shell reports */
};

static const char *last_error(LIBSSH2_SESSION *s)
{
    char *msg = NULL;
    libssh2_session_last_error(s, &msg, NULL, 0);
    return msg && *msg ? msg : "unknown error";
}

/* 16 hex digits, random: the trailer's nonce. */
static void new_nonce(char nonce[17])
{
    unsigned char r[8];

    if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
        uint64_t v = (uint64_t)ssh_now_ms() * 2654435761u ^ (uint64_t)getpid() << 32;
        memcpy(r, &v, sizeof(r));
    }
    for (int i = 0; i < 8; i++)
        snprintf(nonce + 2 * i, 3, "%02x", r[i]);
}

int ssh_exec_start(struct ssh_conn *c, const char *command, int timeout_ms, ssh_output_fn out_fn,
                   void *ud, struct ssh_exec **out, struct os_error *err)
{
    struct ssh_exec *x = calloc(1, sizeof(*x));
    char nonce[17];

    *out = NULL;
    if (x) {
        new_nonce(nonce);
        ssh_trailer_init(&x->trailer, nonce);
    }
    if (!x || !(x->command = ssh_trailer_wrap(&x->trailer, command))) {
        free(x);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    x->conn = c;
    x->deadline = ssh_now_ms() + (timeout_ms > 0 ? timeout_ms : 300000);
    x->out_fn = out_fn;
    x->ud = ud;
    x->status = -1;
    *out = x;
    return 0;
}

static void keep_tail(struct ssh_exec *x, const char *data, size_t len)
{
    if (len >= SSH_EXEC_TAIL) {
        memcpy(x->tail, data + len - SSH_EXEC_TAIL, SSH_EXEC_TAIL);
        x->tail_len = SSH_EXEC_TAIL;
    } else {
        size_t keep = x->tail_len + len > SSH_EXEC_TAIL ? SSH_EXEC_TAIL - len : x->tail_len;
        memmove(x->tail, x->tail + x->tail_len - keep, keep);
        memcpy(x->tail + keep, data, len);
        x->tail_len = keep + len;
    }
    x->tail[x->tail_len] = '\0';
}

/* Stdout that is not the trailer, to the caller. */
static void out_stdout(void *ud, const char *data, size_t len)
{
    struct ssh_exec *x = ud;
    if (x->out_fn)
        x->out_fn(x->ud, 1, data, len);
}

/* Drain one stream: 1 data was read, 0 would block or EOF, <0 error. */
static int drain(struct ssh_exec *x, int stream, struct os_error *err)
{
    char buf[32768];
    ssize_t n;
    int got = 0;

    for (int i = 0; i < 64; i++) {
        n = libssh2_channel_read_ex(x->ch, stream == 2 ? SSH_EXTENDED_DATA_STDERR : 0, buf,
                                    sizeof(buf));
        if (n == LIBSSH2_ERROR_EAGAIN || n == 0)
            return got;
        if (n < 0)
            return os_error_set(err, OS_ERR_NET, "reading the output of the remote command: %s",
                                last_error(x->conn->session));
        if (stream == 2)
            keep_tail(x, buf, (size_t)n);
        if (stream == 2 && x->out_fn)
            x->out_fn(x->ud, stream, buf, (size_t)n);
        else if (stream == 1)
            ssh_trailer_feed(&x->trailer, buf, (size_t)n, out_stdout, x);
        got = 1;
    }
    return got;
}

static int step_read(struct ssh_exec *x, struct os_error *err)
{
    int a, b;

    do {
        if ((a = drain(x, 1, err)) < 0 || (b = drain(x, 2, err)) < 0)
            return err->code;
    } while (a || b);
    if (libssh2_channel_eof(x->ch)) {
        ssh_trailer_end(&x->trailer, out_stdout, x);
        x->state = X_CLOSE;
    }
    return 0;
}

/* The verdict (see the top of exit_trailer.c): 0, or -1 when the
 * command ended without saying how. */
static int collect_status(struct ssh_exec *x)
{
    char *sig = NULL;
    size_t siglen = 0;

    x->status = libssh2_channel_get_exit_status(x->ch);
    if (libssh2_channel_get_exit_signal(x->ch, &sig, &siglen, NULL, NULL, NULL, NULL) == 0 && sig) {
        snprintf(x->signal, sizeof(x->signal), "%.*s", (int)siglen, sig);
        x->status = -1;
        free(sig);   /* allocated with the default allocator */
        return 0;
    }
    free(sig);
    if (x->trailer.seen)
        x->status = x->trailer.status;
    return x->trailer.seen || x->status != 0 ? 0 : -1;
}

/* One state transition; rc is the libssh2 result of the state's call. */
static int advance(struct ssh_exec *x, struct os_error *err)
{
    LIBSSH2_SESSION *s = x->conn->session;
    int rc = 0;

    switch (x->state) {
    case X_OPEN:
        if (!(x->ch = libssh2_channel_open_session(s)))
            rc = libssh2_session_last_errno(s);
        break;
    case X_EXEC: rc = libssh2_channel_exec(x->ch, x->command); break;
    case X_SEND_EOF: rc = libssh2_channel_send_eof(x->ch); break;
    case X_READ: return step_read(x, err) < 0 ? err->code : 1;
    case X_CLOSE: rc = libssh2_channel_close(x->ch); break;
    case X_WAIT_CLOSED: rc = libssh2_channel_wait_closed(x->ch); break;
    case X_DONE: return 1;
    }
    if (rc == LIBSSH2_ERROR_EAGAIN)
        return 0;
    if (rc < 0)
        return os_error_set(err, OS_ERR_NET, "remote command: %s", last_error(s));
    if (x->state == X_WAIT_CLOSED && collect_status(x) < 0)
        return os_error_set(err, OS_ERR_IO, "the remote command ended without reporting an exit "
                            "status (the channel closed without one): treated as a failure");
    x->state++;
    return 1;
}

int ssh_exec_pump(struct ssh_exec *x, struct os_error *err)
{
    int rc;

    if (ssh_now_ms() > x->deadline && x->state != X_DONE)
        return os_error_set(err, OS_ERR_NET, "remote command timed out");
    for (int i = 0; i < 16 && x->state != X_DONE; i++) {
        enum exec_state before = x->state;
        if ((rc = advance(x, err)) < 0)
            return rc;
        if (rc == 0 || (before == X_READ && x->state == X_READ))
            return 0;
    }
    return x->state == X_DONE;
}

int ssh_exec_status(const struct ssh_exec *x, const char **signal)
{
    if (signal)
        *signal = x->signal[0] ? x->signal : NULL;
    return x->status;
}

const char *ssh_exec_stderr_tail(const struct ssh_exec *x)
{
    return x->tail;
}

void ssh_exec_free(struct ssh_exec *x)
{
    if (!x)
        return;
    if (x->ch)
        libssh2_channel_free(x->ch);   /* non-blocking: never waits */
    free(x->command);
    free(x);
}

int ssh_exec_run(struct ssh_conn *c, const char *command, int timeout_ms, ssh_output_fn out_fn,
                 void *ud, int *status, char *sig, size_t siglen, struct os_error *err)
{
    struct ssh_exec *x;
    const char *name;
    int rc;

    if ((rc = ssh_exec_start(c, command, timeout_ms, out_fn, ud, &x, err)) < 0)
        return rc;
    while ((rc = ssh_exec_pump(x, err)) == 0)
        if ((rc = ssh_wait(c, x->deadline, err)) < 0)
            break;
    if (rc == 1) {
        *status = ssh_exec_status(x, &name);
        if (sig && siglen)
            snprintf(sig, siglen, "%s", name ? name : "");
        rc = 0;
    }
    ssh_exec_free(x);
    return rc;
}
