/*
 * sftp_upload.c - copy files to the remote host over SFTP and prove they
 * arrived intact.
 *
 * Each file's SHA-256 is computed locally first; the list becomes a
 * SHA256SUMS file in sha256sum's own format ("<hex>  <path>").  The files
 * and SHA256SUMS are written through one SFTP session (parent folders
 * made on the way), then `sha256sum -c --quiet SHA256SUMS` runs in the
 * remote folder: the upload counts only when the remote side agrees.
 * The SHA-256 of the SHA256SUMS text names the whole upload, so a later
 * run can tell "already there" with one remote command.
 *
 * The upload is a state machine (INIT, MKDIR, OPEN, WRITE, CLOSE, per
 * file; SHUTDOWN; VERIFY) advanced by ssh_upload_pump() whenever the
 * socket is ready, so an event loop never waits on it; every SFTP call
 * that returns LIBSSH2_ERROR_EAGAIN is called again on the next pump, and
 * one deadline bounds the whole upload.  ssh_upload() is the blocking
 * wrapper.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "deploy/ssh.h"

#define CHUNK 32768

static void to_hex(const unsigned char *h, char *hex)
{
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

static int file_sha256(const struct ssh_upload_file *f, char *hex, struct os_error *err)
{
    crypto_hash_sha256_state st;
    unsigned char h[32], buf[CHUNK];
    size_t n;
    FILE *in;

    crypto_hash_sha256_init(&st);
    if (!f->local) {
        crypto_hash_sha256_update(&st, (const unsigned char *)f->data, f->len);
    } else {
        if (!(in = fopen(f->local, "rb")))
            return os_error_set(err, OS_ERR_IO, "cannot read %s: %s", f->local, strerror(errno));
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
            crypto_hash_sha256_update(&st, buf, n);
        int bad = ferror(in);
        fclose(in);
        if (bad)
            return os_error_set(err, OS_ERR_IO, "cannot read %s", f->local);
    }
    crypto_hash_sha256_final(&st, h);
    to_hex(h, hex);
    return 0;
}

int ssh_upload_sums(const struct ssh_upload_file *files, size_t n, char **text, char *sums_hex,
                    struct os_error *err)
{
    size_t cap = 1, len = 0;
    char hex[65], *t;
    unsigned char h[32];
    int rc;

    for (size_t i = 0; i < n; i++)
        cap += 64 + 2 + strlen(files[i].remote) + 1;
    if (!(t = malloc(cap)))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (strchr(files[i].remote, '\n') || strstr(files[i].remote, "..")) {
            free(t);
            return os_error_set(err, OS_ERR_INVALID, "bad upload path %s", files[i].remote);
        }
        if ((rc = file_sha256(&files[i], hex, err)) < 0) {
            free(t);
            return rc;
        }
        len += (size_t)snprintf(t + len, cap - len, "%s  %s\n", hex, files[i].remote);
    }
    t[len] = '\0';
    crypto_hash_sha256(h, (const unsigned char *)t, len);
    to_hex(h, sums_hex);
    *text = t;
    return 0;
}

enum up_state { U_INIT, U_MKDIR, U_OPEN, U_WRITE, U_CLOSE, U_SHUTDOWN, U_VERIFY, U_DONE };

struct ssh_upload {
    struct ssh_conn *c;
    LIBSSH2_SFTP *sftp;
    LIBSSH2_SFTP_HANDLE *h;
    enum up_state state;
    int64_t deadline;
    char dir[1024];
    const struct ssh_upload_file *files;
    size_t n, i;                  /* i == n is SHA256SUMS itself */
    struct ssh_upload_file sums;
    char *sums_text;
    char sums_hex[65];
    char path[1100];
    const char *mk;               /* next '/' in path to mkdir up to */
    FILE *in;
    size_t data_off;              /* for in-memory files */
    char buf[CHUNK];
    size_t buf_len, buf_off;
    struct ssh_exec *verify;
};

static const char *sftp_error(struct ssh_upload *u, char *buf, size_t len)
{
    char *msg = NULL;
    libssh2_session_last_error(u->c->session, &msg, NULL, 0);
    snprintf(buf, len, "%s (sftp status %lu)", msg ? msg : "?",
             u->sftp ? libssh2_sftp_last_error(u->sftp) : 0UL);
    return buf;
}

static int would_block(struct ssh_upload *u)
{
    return libssh2_session_last_errno(u->c->session) == LIBSSH2_ERROR_EAGAIN;
}

static const struct ssh_upload_file *current(const struct ssh_upload *u)
{
    return u->i < u->n ? &u->files[u->i] : &u->sums;
}

static void begin_file(struct ssh_upload *u)
{
    if (u->i > u->n) {
        u->state = U_SHUTDOWN;
        return;
    }
    snprintf(u->path, sizeof(u->path), "%s/%s", u->dir, current(u)->remote);
    u->mk = strchr(u->path + 1, '/');
    u->state = U_MKDIR;
}

/* mkdir -p, one folder per call; an existing folder is fine (the open
 * that follows reports a real problem). */
static int step_mkdir(struct ssh_upload *u)
{
    char dir[1100];
    int rc;

    if (!u->mk) {
        u->state = U_OPEN;
        return 1;
    }
    snprintf(dir, sizeof(dir), "%.*s", (int)(u->mk - u->path), u->path);
    rc = libssh2_sftp_mkdir(u->sftp, dir, 0755);
    if (rc == LIBSSH2_ERROR_EAGAIN)
        return 0;
    u->mk = strchr(u->mk + 1, '/');
    return 1;
}

static int step_open(struct ssh_upload *u, struct os_error *err)
{
    const struct ssh_upload_file *f = current(u);
    char msg[160];

    u->h = libssh2_sftp_open(u->sftp, u->path, LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
                             LIBSSH2_FXF_TRUNC, 0644);
    if (!u->h)
        return would_block(u) ? 0 : os_error_set(err, OS_ERR_IO, "sftp open %s: %s", u->path,
                                                 sftp_error(u, msg, sizeof(msg)));
    if (f->local && !(u->in = fopen(f->local, "rb")))
        return os_error_set(err, OS_ERR_IO, "cannot read %s: %s", f->local, strerror(errno));
    u->data_off = u->buf_len = u->buf_off = 0;
    u->state = U_WRITE;
    return 1;
}

/* Refill the buffer from the file or the data; 0 at the end. */
static size_t refill(struct ssh_upload *u)
{
    const struct ssh_upload_file *f = current(u);
    size_t n;

    if (u->in) {
        n = fread(u->buf, 1, sizeof(u->buf), u->in);
    } else {
        n = f->len - u->data_off < sizeof(u->buf) ? f->len - u->data_off : sizeof(u->buf);
        memcpy(u->buf, f->data + u->data_off, n);
        u->data_off += n;
    }
    u->buf_len = n;
    u->buf_off = 0;
    return n;
}

static int step_write(struct ssh_upload *u, struct os_error *err)
{
    char msg[160];
    ssize_t n;

    if (u->buf_off == u->buf_len && refill(u) == 0) {
        if (u->in && ferror(u->in))
            return os_error_set(err, OS_ERR_IO, "cannot read %s", current(u)->local);
        u->state = U_CLOSE;
        return 1;
    }
    n = libssh2_sftp_write(u->h, u->buf + u->buf_off, u->buf_len - u->buf_off);
    if (n == LIBSSH2_ERROR_EAGAIN)
        return 0;
    if (n < 0)
        return os_error_set(err, OS_ERR_IO, "sftp write %s: %s", u->path,
                            sftp_error(u, msg, sizeof(msg)));
    u->buf_off += (size_t)n;
    return 1;
}

static int step_close(struct ssh_upload *u)
{
    if (libssh2_sftp_close_handle(u->h) == LIBSSH2_ERROR_EAGAIN)
        return 0;
    u->h = NULL;
    if (u->in)
        fclose(u->in);
    u->in = NULL;
    u->i++;
    begin_file(u);
    return 1;
}

static int step_shutdown(struct ssh_upload *u, struct os_error *err)
{
    char cmd[1200];

    if (libssh2_sftp_shutdown(u->sftp) == LIBSSH2_ERROR_EAGAIN)
        return 0;
    u->sftp = NULL;
    snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum -c --quiet SHA256SUMS", u->dir);
    if (ssh_exec_start(u->c, cmd, (int)(u->deadline - ssh_now_ms()), NULL, NULL, &u->verify,
                       err) < 0)
        return err->code;
    u->state = U_VERIFY;
    return 1;
}

static int step_verify(struct ssh_upload *u, struct os_error *err)
{
    int rc = ssh_exec_pump(u->verify, err), status;

    if (rc <= 0)
        return rc;
    status = ssh_exec_status(u->verify, NULL);
    if (status != 0)
        return os_error_set(err, OS_ERR_IO, "the uploaded files in %s do not match their "
                            "checksums (sha256sum -c exited %d)", u->dir, status);
    u->state = U_DONE;
    return 1;
}

static int step_init(struct ssh_upload *u, struct os_error *err)
{
    char msg[160];

    if (!(u->sftp = libssh2_sftp_init(u->c->session)))
        return would_block(u) ? 0 : os_error_set(err, OS_ERR_NET, "cannot start SFTP: %s",
                                                 sftp_error(u, msg, sizeof(msg)));
    u->i = 0;
    begin_file(u);
    return 1;
}

int ssh_upload_pump(struct ssh_upload *u, struct os_error *err)
{
    int rc = 1;

    if (u->state != U_DONE && ssh_now_ms() > u->deadline)
        return os_error_set(err, OS_ERR_NET, "upload to %s timed out", u->dir);
    for (int i = 0; rc == 1 && u->state != U_DONE && i < 256; i++) {
        switch (u->state) {
        case U_INIT: rc = step_init(u, err); break;
        case U_MKDIR: rc = step_mkdir(u); break;
        case U_OPEN: rc = step_open(u, err); break;
        case U_WRITE: rc = step_write(u, err); break;
        case U_CLOSE: rc = step_close(u); break;
        case U_SHUTDOWN: rc = step_shutdown(u, err); break;
        case U_VERIFY: rc = step_verify(u, err); break;
        case U_DONE: break;
        }
    }
    if (rc < 0)
        return os_error_prefix(err, "uploading %s", current(u)->remote);
    return u->state == U_DONE;
}

int ssh_upload_start(struct ssh_conn *c, const char *remote_dir,
                     const struct ssh_upload_file *files, size_t n, int timeout_ms,
                     struct ssh_upload **out, struct os_error *err)
{
    struct ssh_upload *u;
    int rc;

    *out = NULL;
    os_error_clear(err);
    if (strchr(remote_dir, '\'') || strlen(remote_dir) >= sizeof(u->dir))
        return os_error_set(err, OS_ERR_INVALID, "bad remote folder %s", remote_dir);
    if (!(u = calloc(1, sizeof(*u))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    u->c = c;
    u->deadline = ssh_now_ms() + (timeout_ms > 0 ? timeout_ms : 600000);
    snprintf(u->dir, sizeof(u->dir), "%s", remote_dir);
    u->files = files;
    u->n = n;
    u->sums.remote = "SHA256SUMS";
    if ((rc = ssh_upload_sums(files, n, &u->sums_text, u->sums_hex, err)) < 0) {
        free(u);
        return rc;
    }
    u->sums.data = u->sums_text;
    u->sums.len = strlen(u->sums_text);
    *out = u;
    return 0;
}

const char *ssh_upload_sums_hex(const struct ssh_upload *u)
{
    return u->sums_hex;
}

void ssh_upload_free(struct ssh_upload *u)
{
    if (!u)
        return;
    if (u->in)
        fclose(u->in);
    if (u->h)
        libssh2_sftp_close_handle(u->h);   /* non-blocking: best effort */
    if (u->sftp)
        libssh2_sftp_shutdown(u->sftp);
    ssh_exec_free(u->verify);
    free(u->sums_text);
    free(u);
}

int ssh_upload(struct ssh_conn *c, const char *remote_dir, const struct ssh_upload_file *files,
               size_t n, int timeout_ms, char *sums_hex, struct os_error *err)
{
    struct ssh_upload *u;
    int rc;

    if ((rc = ssh_upload_start(c, remote_dir, files, n, timeout_ms, &u, err)) < 0)
        return rc;
    while ((rc = ssh_upload_pump(u, err)) == 0)
        if ((rc = ssh_wait(c, u->deadline, err)) < 0)
            break;
    if (rc == 1) {
        memcpy(sums_hex, u->sums_hex, 65);
        rc = 0;
    }
    ssh_upload_free(u);
    return rc;
}
