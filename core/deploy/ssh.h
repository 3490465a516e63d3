/*
 * ssh.h - the SSH layer under the deployment engine (internal to
 * core/deploy): one connection (TCP + libssh2 session, host key checked
 * against known_hosts before any authentication, then agent or key
 * files), commands run on channels with both streams read as data
 * arrives, SFTP uploads, and SHA-256 fingerprints.
 *
 * The session is always in libssh2's non-blocking mode.  Every wait is a
 * poll() on the socket in the directions libssh2 asks for, bounded by an
 * absolute deadline (CLOCK_MONOTONIC milliseconds), so nothing here can
 * hang: a silent peer becomes OS_ERR_NET "timed out".
 */
#ifndef DEPLOY_SSH_H
#define DEPLOY_SSH_H

#include <stddef.h>
#include <stdint.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "error.h"

/* ---- clocks and waits ------------------------------------------------ */

/* Monotonic milliseconds. */
int64_t ssh_now_ms(void);

struct ssh_conn;

/* Wait until the socket is ready in the directions libssh2 last blocked
 * on, or the deadline passes (OS_ERR_NET).  0 when ready. */
int ssh_wait(struct ssh_conn *c, int64_t deadline_ms, struct os_error *err);

/* ---- fingerprints and known_hosts (known_hosts.c) ---------------------- */

#define SSH_FP_MAX 64   /* "SHA256:" + 43 base64 characters + NUL fits */

/* "SHA256:<base64 of the SHA-256 of blob, no padding>" as OpenSSH prints
 * it.  Pure.  0, or OS_ERR_LIMIT when out is too small. */
int ssh_fingerprint(const unsigned char *blob, size_t len, char *out, size_t outlen);
/* The same for a base64-encoded key blob (known_hosts' key field). */
int ssh_fingerprint_b64(const char *b64, char *out, size_t outlen);
/* The known_hosts host field for host and port: "host" on 22, else
 * "[host]:port".  Pure. */
void ssh_known_host_name(const char *host, int port, char *out, size_t outlen);

/* What one known_hosts line is.  For SSH_KH_REVOKED, key and keylen give
 * the base64 key field inside line.  Pure. */
enum ssh_kh_kind { SSH_KH_SKIP, SSH_KH_HOST, SSH_KH_REVOKED, SSH_KH_CA };
int ssh_known_hosts_classify(const char *line, const char **key, size_t *keylen);

enum ssh_hostkey_policy {
    SSH_HOSTKEY_STRICT,       /* unknown hosts are refused */
    SSH_HOSTKEY_ACCEPT_NEW,   /* unknown hosts are recorded; changed keys still refused */
};

/* Before the handshake: when known_hosts records keys for host, allow
 * only those key types' algorithms, so the server proves the key we know
 * (OpenSSH does the same).  0, or <0 with err set. */
int ssh_prefer_known_host_keys(LIBSSH2_SESSION *s, const char *known_hosts, const char *global,
                               const char *host, int port, struct os_error *err);

/* Check the session's host key against the known_hosts file (plain and
 * hashed entries), and the read-only global file when not NULL.  A mismatch fails with both fingerprints; an unknown
 * host fails with its fingerprint unless policy is ACCEPT_NEW, which
 * appends a line for it to the file (created if missing).  With expect_fp
 * (not NULL), ACCEPT_NEW records only a key of that fingerprint: the one
 * a person was shown and accepted, not whatever answers the next time.
 * *added is set to 1 when a line was written, -1 when the host was
 * refused as unknown.  Returns 0 when the key is trusted. */
int ssh_check_host_key(LIBSSH2_SESSION *s, const char *known_hosts, const char *global,
                       const char *host, int port, enum ssh_hostkey_policy policy,
                       const char *expect_fp, int *added, struct os_error *err);

/* ---- connection (ssh_session.c) -------------------------------------- */

/* Asks for the passphrase of key file path into buf (NUL-terminated);
 * returns 0, or -1 when none can be had (no terminal).  The caller wipes
 * buf after use. */
typedef int (*ssh_passphrase_fn)(void *ud, const char *path, char *buf, size_t len);

struct ssh_conn_opts {
    const char *user;
    const char *host;             /* an IP or a name */
    int port;                     /* 22 when 0 */
    const char *identity;         /* key file to try (after the agent), or NULL */
    const char *known_hosts;      /* NULL: ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts */
    enum ssh_hostkey_policy policy;
    int no_agent;                 /* skip ssh-agent (tests) */
    int timeout_ms;               /* connect + handshake + auth; 30 s when 0 */
    const char *accept_fingerprint;   /* ACCEPT_NEW records only this key, or NULL */
    ssh_passphrase_fn passphrase;
    void *passphrase_ud;
};

struct ssh_pending;

struct ssh_conn {
    int fd;
    LIBSSH2_SESSION *session;
    int state;                    /* private: where the connect is */
    struct ssh_pending *pending;  /* private: the connect in progress */
    char fingerprint[SSH_FP_MAX]; /* the server's host key (set before it is checked) */
    int host_key_added;           /* known_hosts got a new line */
    int host_unknown;             /* the connect failed: known_hosts lacks the host */
};

/* Start connecting (name resolution and the TCP connect are started
 * here); then call ssh_conn_pump() whenever ssh_conn_fd() is ready for
 * ssh_conn_events().  *out is new; free with ssh_conn_free(). */
int ssh_conn_start(const struct ssh_conn_opts *o, struct ssh_conn **out, struct os_error *err);
/* Advance the connect: 1 ready (host key trusted, authenticated), 0 call
 * again, <0 failed (err says which stage). */
int ssh_conn_pump(struct ssh_conn *c, struct os_error *err);
/* Blocking wrapper: connect, check the host key, authenticate.  *out is
 * new on success; free with ssh_conn_free(). */
int ssh_conn_open(const struct ssh_conn_opts *o, struct ssh_conn **out, struct os_error *err);
/* Disconnect politely (bounded) and free.  Safe on NULL. */
void ssh_conn_free(struct ssh_conn *c);
/* The socket, for callers that poll it themselves. */
int ssh_conn_fd(const struct ssh_conn *c);
/* POLLIN/POLLOUT the connection is waiting for. */
short ssh_conn_events(const struct ssh_conn *c);

/* ---- remote commands (ssh_exec.c) ------------------------------------ */

/* Output as it arrives: stream 1 stdout, 2 stderr. */
typedef void (*ssh_output_fn)(void *ud, int stream, const char *data, size_t len);

#define SSH_EXEC_TAIL 4096    /* how much of stderr is kept for messages */

struct ssh_exec;

/* Start command on a new channel; nothing blocks: call ssh_exec_pump()
 * whenever the socket is ready.  timeout_ms bounds the whole command.
 * *out is new; free with ssh_exec_free(). */
int ssh_exec_start(struct ssh_conn *c, const char *command, int timeout_ms, ssh_output_fn out_fn,
                   void *ud, struct ssh_exec **out, struct os_error *err);
/* Advance without blocking: 1 finished (see ssh_exec_status), 0 call
 * again when the socket is ready, <0 failed (err set: connection lost,
 * deadline, or the command ended without reporting an exit status:
 * neither the trailer nor a non-zero exit-status nor a signal). */
int ssh_exec_pump(struct ssh_exec *x, struct os_error *err);
/* After pump returned 1: the exit status, or -1 when killed by a signal
 * (its name, e.g. "KILL", in signal). */
int ssh_exec_status(const struct ssh_exec *x, const char **signal);
/* The last SSH_EXEC_TAIL bytes of stderr (NUL-terminated). */
const char *ssh_exec_stderr_tail(const struct ssh_exec *x);
void ssh_exec_free(struct ssh_exec *x);

/* Blocking wrapper: start, pump and wait.  Returns 0 when the command ran
 * to an end (status in *status, -1 for a signal named in sig[0..siglen)),
 * <0 with err set otherwise. */
int ssh_exec_run(struct ssh_conn *c, const char *command, int timeout_ms, ssh_output_fn out_fn,
                 void *ud, int *status, char *sig, size_t siglen, struct os_error *err);

/* ---- the exit status trailer (exit_trailer.c) ------------------------- */

/* Every command reports its status on a trailer line of stdout, since
 * libssh2 answers 0 for a channel that closed with no exit-status at all
 * (see exit_trailer.c). */
#define SSH_TRAILER_MAX 64

struct ssh_trailer {
    char nonce[17];
    char prefix[48];              /* "\n" RS "odoo-saas-exit:" NONCE ":" */
    size_t prefix_len;
    char hold[SSH_TRAILER_MAX];   /* stdout held back: maybe the trailer */
    size_t hold_len;
    int seen, status;             /* after ssh_trailer_end */
};

typedef void (*ssh_trailer_out_fn)(void *ud, const char *data, size_t len);

/* nonce: up to 16 characters of [0-9a-f], random per command.  Pure. */
void ssh_trailer_init(struct ssh_trailer *t, const char *nonce);
/* command in a subshell, then the trailer and `exit` with its status.
 * malloc'd; caller frees.  NULL when out of memory. */
char *ssh_trailer_wrap(const struct ssh_trailer *t, const char *command);
/* Stdout as it arrives: out gets every byte that is not (or can no
 * longer be) the trailer, in order.  Pure. */
void ssh_trailer_feed(struct ssh_trailer *t, const char *data, size_t len,
                      ssh_trailer_out_fn out, void *ud);
/* At the end of stdout: sets seen and status when the held bytes are the
 * trailer, else hands them to out.  Pure. */
void ssh_trailer_end(struct ssh_trailer *t, ssh_trailer_out_fn out, void *ud);

/* ---- SFTP (sftp_upload.c) -------------------------------------------- */

struct ssh_upload_file {
    const char *remote;           /* path relative to the upload directory */
    const char *local;            /* local file, or NULL to send data */
    const char *data;
    size_t len;
};

/* Upload files into remote_dir (made, with parents; relative paths are
 * under the login directory), write remote_dir/SHA256SUMS from the local
 * checksums and verify it there with `sha256sum -c`.  Bounded by
 * timeout_ms overall.  sums_hex (65 bytes) receives the SHA-256 of the
 * SHA256SUMS text itself, which identifies the whole upload. */
int ssh_upload(struct ssh_conn *c, const char *remote_dir, const struct ssh_upload_file *files,
               size_t n, int timeout_ms, char *sums_hex, struct os_error *err);

struct ssh_upload;

/* The same as a state machine: start (checksums are computed here; files
 * must stay valid until ssh_upload_free), then ssh_upload_pump() whenever
 * the socket is ready: 1 done and verified, 0 call again, <0 failed. */
int ssh_upload_start(struct ssh_conn *c, const char *remote_dir,
                     const struct ssh_upload_file *files, size_t n, int timeout_ms,
                     struct ssh_upload **out, struct os_error *err);
int ssh_upload_pump(struct ssh_upload *u, struct os_error *err);
const char *ssh_upload_sums_hex(const struct ssh_upload *u);
void ssh_upload_free(struct ssh_upload *u);

/* Build the SHA256SUMS text for files (local checksums).  *text is
 * malloc'd, caller frees; sums_hex as above.  Pure but for file reads. */
int ssh_upload_sums(const struct ssh_upload_file *files, size_t n, char **text, char *sums_hex,
                    struct os_error *err);

#endif
