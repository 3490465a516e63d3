/*
 * known_hosts.c - host key trust: OpenSSH known_hosts files and SHA-256
 * fingerprints.
 *
 * The file is read line by line here and each host line handed to
 * libssh2_knownhost_readline(), which understands plain and hashed
 * (|1|salt|hash) host fields and the [host]:port form.  A line libssh2
 * cannot use (a key type it lacks) is skipped rather than failing the
 * whole file, as OpenSSH does; @revoked keys are refused for every host;
 * @cert-authority lines are ignored.  With the default user file, the
 * system-wide /etc/ssh/ssh_known_hosts is trusted too (read only).
 * The server's key is checked with libssh2_knownhost_checkp() right after
 * the handshake, before any authentication is attempted, so a spoofed
 * server never sees a signature or a key offer.
 *
 * Before the handshake, the host key algorithms are limited to the key
 * types known_hosts already records for the host (as OpenSSH does), so a
 * server offering another type is not mistaken for an unknown host, and
 * --accept-new-host-key cannot be used to slip in a second key.
 *
 * Fingerprints are printed the way OpenSSH prints them: "SHA256:" and the
 * base64 (no padding) of the SHA-256 of the key blob.  For a mismatch,
 * both the offered key's and the recorded key's fingerprints are shown.
 * Accepting a new host appends one plain line (written by libssh2) to the
 * file; existing lines, comments and hashes are left untouched.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "deploy/ssh.h"

int ssh_fingerprint(const unsigned char *blob, size_t len, char *out, size_t outlen)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    const int variant = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;

    if (outlen < 7 + sodium_base64_ENCODED_LEN(sizeof(hash), variant))
        return OS_ERR_LIMIT;
    crypto_hash_sha256(hash, blob, len);
    memcpy(out, "SHA256:", 7);
    sodium_bin2base64(out + 7, outlen - 7, hash, sizeof(hash), variant);
    return 0;
}

int ssh_fingerprint_b64(const char *b64, char *out, size_t outlen)
{
    size_t cap = strlen(b64), len = 0;
    unsigned char *blob;
    int rc;

    if (cap == 0 || cap > 16384)
        return OS_ERR_PARSE;
    if (!(blob = malloc(cap)))
        return OS_ERR_NOMEM;
    if (sodium_base642bin(blob, cap, b64, cap, " \n", &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        free(blob);
        return OS_ERR_PARSE;
    }
    rc = ssh_fingerprint(blob, len, out, outlen);
    free(blob);
    return rc;
}

void ssh_known_host_name(const char *host, int port, char *out, size_t outlen)
{
    if (port == 0 || port == 22)
        snprintf(out, outlen, "%s", host);
    else
        snprintf(out, outlen, "[%s]:%d", host, port);
}

/* libssh2's host key type to the known_hosts key type bits. */
static int knownhost_key_type(int type)
{
    switch (type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
#ifdef LIBSSH2_KNOWNHOST_KEY_ECDSA_256
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
#endif
#ifdef LIBSSH2_KNOWNHOST_KEY_ED25519
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
#endif
    default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

/* The folder of path (~/.ssh), made private when missing. */
static void make_parent(const char *path)
{
    char dir[1024];
    const char *slash = strrchr(path, '/');

    if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir))
        return;
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    mkdir(dir, 0700);   /* an existing folder is fine */
}

/* Append the line for the new host; the file and its folder are made
 * private when missing, as OpenSSH does. */
static int record_host(LIBSSH2_KNOWNHOSTS *kh, const char *path, const char *name, const char *key,
                       size_t keylen, int keytype, struct os_error *err)
{
    struct libssh2_knownhost *entry = NULL;
    char line[16384];
    size_t linelen = 0;
    FILE *f;
    int mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | keytype;

    if (libssh2_knownhost_addc(kh, name, NULL, key, keylen, NULL, 0, mask, &entry) != 0 ||
        libssh2_knownhost_writeline(kh, entry, line, sizeof(line), &linelen,
                                    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0)
        return os_error_set(err, OS_ERR_IO, "cannot format a known_hosts line for %s", name);
    make_parent(path);
    if (!(f = fopen(path, "a")))
        return os_error_set(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    chmod(path, 0600);
    if (fwrite(line, 1, linelen, f) != linelen) {
        fclose(f);
        return os_error_set(err, OS_ERR_IO, "cannot write %s", path);
    }
    if (fclose(f) != 0)
        return os_error_set(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

int ssh_known_hosts_classify(const char *line, const char **key, size_t *keylen)
{
    const char *p = line, *f;
    size_t len;
    int field;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '\n' || *p == '\r' || *p == '#')
        return SSH_KH_SKIP;
    if (*p != '@')
        return SSH_KH_HOST;
    if (!strncmp(p, "@cert-authority", 15) && (p[15] == ' ' || p[15] == '\t'))
        return SSH_KH_CA;
    if (strncmp(p, "@revoked", 8) || (p[8] != ' ' && p[8] != '\t'))
        return SSH_KH_SKIP;   /* a marker we do not know */
    /* @revoked HOSTS KEYTYPE KEY [comment]: the fourth field */
    for (field = 0, f = p; field < 4; field++) {
        while (*f == ' ' || *f == '\t')
            f++;
        len = strcspn(f, " \t\r\n");
        if (len == 0)
            return SSH_KH_SKIP;   /* malformed: nothing to revoke */
        if (field == 3) {
            *key = f;
            *keylen = len;
        }
        f += len;
    }
    return SSH_KH_REVOKED;
}

#define KH_LINE_MAX 16384
#define KH_REVOKED_MAX 64

struct kh_file {
    char *revoked[KH_REVOKED_MAX];
    int nrevoked;
    int skipped;                  /* lines libssh2 could not use */
};

static void kh_file_free(struct kh_file *f)
{
    for (int i = 0; i < f->nrevoked; i++)
        free(f->revoked[i]);
    f->nrevoked = 0;
}

static void load_line(LIBSSH2_KNOWNHOSTS *kh, struct kh_file *f, const char *line)
{
    const char *key = NULL;
    size_t keylen = 0;

    switch (ssh_known_hosts_classify(line, &key, &keylen)) {
    case SSH_KH_HOST:
        if (libssh2_knownhost_readline(kh, line, strlen(line), LIBSSH2_KNOWNHOST_FILE_OPENSSH))
            f->skipped++;    /* e.g. a key type libssh2 does not know: OpenSSH skips it too */
        break;
    case SSH_KH_REVOKED:
        if (f->nrevoked < KH_REVOKED_MAX && (f->revoked[f->nrevoked] = strndup(key, keylen)))
            f->nrevoked++;
        break;
    default:
        break;
    }
}

/* Read known_hosts line by line (a missing file is empty).  Lines
 * libssh2 cannot parse are skipped, as OpenSSH skips them, instead of
 * failing the whole file; @revoked keys are collected; @cert-authority
 * lines are ignored (certificates are not used). */
static int load_file(LIBSSH2_KNOWNHOSTS *kh, const char *path, struct kh_file *kf,
                     struct os_error *err)
{
    char *line = malloc(KH_LINE_MAX);
    FILE *in = fopen(path, "r");
    size_t len;
    int toolong = 0;

    if (!in) {
        free(line);
        return errno == ENOENT ? 0 : os_error_set(err, OS_ERR_IO, "cannot read %s: %s", path,
                                                  strerror(errno));
    }
    if (!line) {
        fclose(in);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    while (fgets(line, KH_LINE_MAX, in)) {
        len = strlen(line);
        if (len && line[len - 1] != '\n' && !feof(in)) {
            toolong = 1;          /* skip the rest of an overlong line */
            continue;
        }
        if (!toolong)
            load_line(kh, kf, line);
        toolong = 0;
    }
    fclose(in);
    free(line);
    return 0;
}

/* Is the offered key marked @revoked? */
static int is_revoked(const struct kh_file *kf, const char *key, size_t keylen)
{
    const int variant = sodium_base64_VARIANT_ORIGINAL;
    size_t cap = sodium_base64_ENCODED_LEN(keylen, variant);
    char *b64 = malloc(cap);
    int hit = 0;

    if (!b64)
        return 1;   /* cannot tell: refuse */
    sodium_bin2base64(b64, cap, (const unsigned char *)key, keylen, variant);
    for (int i = 0; i < kf->nrevoked && !hit; i++)
        hit = !strcmp(kf->revoked[i], b64);
    free(b64);
    return hit;
}

/* The parts of the request the verdict needs. */
struct ssh_conn_opts_view {
    const char *path, *name, *key, *fp;
    size_t keylen;
    int keytype;
    enum ssh_hostkey_policy policy;
    const char *expect_fp;
    int *added;
};

static int verdict(LIBSSH2_KNOWNHOSTS *kh, int check, struct libssh2_knownhost *known,
                   const struct ssh_conn_opts_view *v, struct os_error *err);

int ssh_check_host_key(LIBSSH2_SESSION *s, const char *known_hosts, const char *global,
                       const char *host, int port, enum ssh_hostkey_policy policy,
                       const char *expect_fp, int *added, struct os_error *err)
{
    struct libssh2_knownhost *known = NULL;
    LIBSSH2_KNOWNHOSTS *kh;
    char name[300], fp[SSH_FP_MAX];
    size_t keylen = 0;
    int type = 0, rc, check, keytype;
    const char *key = libssh2_session_hostkey(s, &keylen, &type);

    *added = 0;
    if (!key || ssh_fingerprint((const unsigned char *)key, keylen, fp, sizeof(fp)) < 0)
        return os_error_set(err, OS_ERR_NET, "%s: the server sent no usable host key", host);
    keytype = knownhost_key_type(type);
    if (!(kh = libssh2_knownhost_init(s)))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    ssh_known_host_name(host, port, name, sizeof(name));
    struct kh_file kf = {0};
    if ((rc = load_file(kh, known_hosts, &kf, err)) < 0 ||
        (global && (rc = load_file(kh, global, &kf, err)) < 0)) {
        kh_file_free(&kf);
        libssh2_knownhost_free(kh);
        return rc;
    }
    if (is_revoked(&kf, key, keylen)) {
        kh_file_free(&kf);
        libssh2_knownhost_free(kh);
        return os_error_set(err, OS_ERR_AUTH, "the host key of %s (%s) is marked @revoked in %s; "
                            "refusing to connect", name, fp, known_hosts);
    }
    kh_file_free(&kf);
    check = libssh2_knownhost_checkp(kh, host, port ? port : 22, key, keylen,
                                     LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                         keytype,
                                     &known);
    struct ssh_conn_opts_view v = {known_hosts, name, key, fp, keylen, keytype, policy, expect_fp,
                                   added};
    rc = verdict(kh, check, known, &v, err);
    libssh2_knownhost_free(kh);
    return rc;
}

static int verdict(LIBSSH2_KNOWNHOSTS *kh, int check, struct libssh2_knownhost *known,
                   const struct ssh_conn_opts_view *v, struct os_error *err)
{
    char oldfp[SSH_FP_MAX] = "(unreadable)";

    switch (check) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        return 0;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        if (known && known->key)
            ssh_fingerprint_b64(known->key, oldfp, sizeof(oldfp));
        return os_error_set(err, OS_ERR_AUTH,
                            "HOST KEY CHANGED for %s: the server offers %s but %s records %s; "
                            "refusing to connect (someone may be intercepting the connection; "
                            "if the host was reinstalled, remove its line from %s)",
                            v->name, v->fp, v->path, oldfp, v->path);
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        if (v->policy == SSH_HOSTKEY_ACCEPT_NEW && v->expect_fp && strcmp(v->expect_fp, v->fp)) {
            *v->added = -1;
            return os_error_set(err, OS_ERR_AUTH,
                                "unknown host %s now offers %s, not the %s that was accepted; "
                                "nothing recorded", v->name, v->fp, v->expect_fp);
        }
        if (v->policy != SSH_HOSTKEY_ACCEPT_NEW) {
            *v->added = -1;
            return os_error_set(err, OS_ERR_AUTH,
                                "unknown host %s (key fingerprint %s) is not in %s; check the "
                                "fingerprint and rerun with --accept-new-host-key to record it",
                                v->name, v->fp, v->path);
        }
        if (record_host(kh, v->path, v->name, v->key, v->keylen, v->keytype, err) < 0)
            return err->code;
        *v->added = 1;
        return 0;
    default:
        return os_error_set(err, OS_ERR_AUTH, "cannot check the host key of %s against %s",
                            v->name, v->path);
    }
}

/* Key types, their known_hosts bits and their host key algorithm names. */
static const struct {
    int type;
    const char *methods;
} known_types[] = {
#ifdef LIBSSH2_KNOWNHOST_KEY_ED25519
    {LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519"},
#endif
#ifdef LIBSSH2_KNOWNHOST_KEY_ECDSA_256
    {LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256"},
    {LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384"},
    {LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521"},
#endif
    {LIBSSH2_KNOWNHOST_KEY_SSHRSA, "rsa-sha2-512,rsa-sha2-256,ssh-rsa"},
};

int ssh_prefer_known_host_keys(LIBSSH2_SESSION *s, const char *known_hosts, const char *global,
                               const char *host, int port, struct os_error *err)
{
    static const char probe[] = "not-a-key";   /* never matches: MISMATCH means "known" */
    char methods[256] = "";
    LIBSSH2_KNOWNHOSTS *kh;
    size_t off = 0;
    int rc, check;

    if (!(kh = libssh2_knownhost_init(s)))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    struct kh_file kf = {0};
    rc = load_file(kh, known_hosts, &kf, err);
    if (rc == 0 && global)
        rc = load_file(kh, global, &kf, err);
    kh_file_free(&kf);
    if (rc < 0) {
        libssh2_knownhost_free(kh);
        return rc;
    }
    for (size_t i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++) {
        check = libssh2_knownhost_checkp(kh, host, port ? port : 22, probe, sizeof(probe) - 1,
                                         LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                                             LIBSSH2_KNOWNHOST_KEYENC_RAW | known_types[i].type,
                                         NULL);
        if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH && off < sizeof(methods))
            off += (size_t)snprintf(methods + off, sizeof(methods) - off, "%s%s", off ? "," : "",
                                    known_types[i].methods);
    }
    libssh2_knownhost_free(kh);
    if (off && off < sizeof(methods) &&
        libssh2_session_method_pref(s, LIBSSH2_METHOD_HOSTKEY, methods) != 0)
        return os_error_set(err, OS_ERR_AUTH, "%s is known only with host key types this "
                            "libssh2 cannot use (%s)", host, methods);
    return 0;
}
