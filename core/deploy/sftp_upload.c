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
 * The session is non-blocking: every SFTP call is retried after
 * ssh_wait() under one deadline for the whole upload.
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

struct up {
    struct ssh_conn *c;
    LIBSSH2_SFTP *sftp;
    int64_t deadline;
};

static const char *sftp_error(struct up *u)
{
    static char buf[96];
    char *msg = NULL;
    libssh2_session_last_error(u->c->session, &msg, NULL, 0);
    snprintf(buf, sizeof(buf), "%s (sftp status %lu)", msg ? msg : "?",
             u->sftp ? libssh2_sftp_last_error(u->sftp) : 0UL);
    return buf;
}

/* Wait when the session asked to; 0 to retry, <0 on error or deadline. */
static int again(struct up *u, int rc, struct os_error *err)
{
    if (rc != LIBSSH2_ERROR_EAGAIN)
        return -1;
    return ssh_wait(u->c, u->deadline, err) < 0 ? -2 : 0;
}

/* mkdir -p of every parent of path (existing folders are fine). */
static int make_parents(struct up *u, const char *path, struct os_error *err)
{
    char dir[1024];
    int rc;

    for (const char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
        while ((rc = libssh2_sftp_mkdir(u->sftp, dir, 0755)) < 0)
            if (again(u, rc, err) != 0)
                break;
        if (err->code == OS_ERR_NET)
            return err->code;
    }
    return 0;
}

static int write_all(struct up *u, LIBSSH2_SFTP_HANDLE *h, const char *buf, size_t len,
                     struct os_error *err)
{
    ssize_t n;

    while (len > 0) {
        n = libssh2_sftp_write(h, buf, len);
        if (n == LIBSSH2_ERROR_EAGAIN) {
            if (ssh_wait(u->c, u->deadline, err) < 0)
                return err->code;
            continue;
        }
        if (n < 0)
            return os_error_set(err, OS_ERR_IO, "sftp write: %s", sftp_error(u));
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int copy_body(struct up *u, LIBSSH2_SFTP_HANDLE *h, const struct ssh_upload_file *f,
                     struct os_error *err)
{
    char buf[CHUNK];
    size_t n;
    int rc = 0;
    FILE *in;

    if (!f->local)
        return write_all(u, h, f->data, f->len, err);
    if (!(in = fopen(f->local, "rb")))
        return os_error_set(err, OS_ERR_IO, "cannot read %s: %s", f->local, strerror(errno));
    while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
        rc = write_all(u, h, buf, n, err);
    fclose(in);
    return rc;
}

static int put_file(struct up *u, const char *dir, const struct ssh_upload_file *f,
                    struct os_error *err)
{
    LIBSSH2_SFTP_HANDLE *h;
    char path[1024];
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, f->remote);
    if ((rc = make_parents(u, path, err)) < 0)
        return rc;
    while (!(h = libssh2_sftp_open(u->sftp, path, LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
                                   LIBSSH2_FXF_TRUNC, 0644)))
        if ((rc = again(u, libssh2_session_last_errno(u->c->session), err)) != 0)
            return rc == -2 ? err->code
                            : os_error_set(err, OS_ERR_IO, "sftp open %s: %s", path, sftp_error(u));
    rc = copy_body(u, h, f, err);
    while (libssh2_sftp_close_handle(h) == LIBSSH2_ERROR_EAGAIN)
        if (ssh_wait(u->c, u->deadline, err) < 0)
            return err->code;
    return rc < 0 ? os_error_prefix(err, "uploading %s", f->remote) : 0;
}

static int sftp_start(struct up *u, struct os_error *err)
{
    while (!(u->sftp = libssh2_sftp_init(u->c->session)))
        if (again(u, libssh2_session_last_errno(u->c->session), err) != 0)
            return err->code ? err->code
                             : os_error_set(err, OS_ERR_NET, "cannot start SFTP: %s", sftp_error(u));
    return 0;
}

static int verify_remote(struct ssh_conn *c, const char *dir, int64_t deadline,
                         struct os_error *err)
{
    char cmd[1200], sig[32];
    int status = -1, rc;

    snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum -c --quiet SHA256SUMS", dir);
    rc = ssh_exec_run(c, cmd, (int)(deadline - ssh_now_ms()), NULL, NULL, &status, sig,
                      sizeof(sig), err);
    if (rc < 0)
        return rc;
    if (status != 0)
        return os_error_set(err, OS_ERR_IO, "the uploaded files in %s do not match their "
                            "checksums (sha256sum -c exited %d)", dir, status);
    return 0;
}

int ssh_upload(struct ssh_conn *c, const char *remote_dir, const struct ssh_upload_file *files,
               size_t n, int timeout_ms, char *sums_hex, struct os_error *err)
{
    struct up u = {.c = c, .deadline = ssh_now_ms() + (timeout_ms > 0 ? timeout_ms : 600000)};
    struct ssh_upload_file sums = {.remote = "SHA256SUMS"};
    char *text = NULL;
    int rc;

    os_error_clear(err);
    if (strchr(remote_dir, '\''))
        return os_error_set(err, OS_ERR_INVALID, "bad remote folder %s", remote_dir);
    if ((rc = ssh_upload_sums(files, n, &text, sums_hex, err)) < 0)
        return rc;
    sums.data = text;
    sums.len = strlen(text);
    if ((rc = sftp_start(&u, err)) == 0)
        for (size_t i = 0; rc == 0 && i <= n; i++)
            rc = put_file(&u, remote_dir, i < n ? &files[i] : &sums, err);
    if (u.sftp)
        while (libssh2_sftp_shutdown(u.sftp) == LIBSSH2_ERROR_EAGAIN &&
               ssh_wait(c, u.deadline, NULL) == 0)
            ;
    free(text);
    if (rc == 0)
        rc = verify_remote(c, remote_dir, u.deadline, err);
    return rc;
}
