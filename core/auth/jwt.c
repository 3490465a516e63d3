/*
 * jwt.c - HS256 JSON Web Tokens: encode, verify, and the secret's file.
 *
 * A token is base64url(header) "." base64url(payload) "." base64url(mac),
 * without padding, where mac is HMAC-SHA-256 (libsodium) over the first two
 * parts.  Verification pins the algorithm: the header must say "HS256"
 * (alg none, RS256 and every other value are refused before the signature
 * is looked at), the signature is compared in constant time, and only then
 * are the claims trusted: iss and aud must match ours, sub must be there,
 * iat may not lie in the future and exp must not have passed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sodium.h>

#include "auth.h"

#define SKEW_S 60
#define HEADER_JSON "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static void mac(const struct auth_jwt_key *key, const char *data, size_t len,
                unsigned char out[crypto_auth_hmacsha256_BYTES])
{
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, key->secret, key->len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)data, len);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(&st, sizeof(st));
}

/* base64url of bin appended at buf+*at (buf has room: callers size it). */
static void b64_append(char *buf, size_t *at, size_t cap, const void *bin, size_t len)
{
    sodium_bin2base64(buf + *at, cap - *at, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    *at += strlen(buf + *at);
}

int auth_jwt_encode(const struct auth_jwt_key *key, const char *sub, int64_t now,
                    int64_t ttl_s, char **out, struct os_error *err)
{
    unsigned char sig[crypto_auth_hmacsha256_BYTES];
    struct json_object *p = json_object_new_object();
    const char *payload;
    size_t at = 0, cap;
    char *buf;

    *out = NULL;
    if (!p)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    json_object_object_add(p, "iss", json_object_new_string(key->iss));
    json_object_object_add(p, "aud", json_object_new_string(key->aud));
    json_object_object_add(p, "sub", json_object_new_string(sub));
    json_object_object_add(p, "iat", json_object_new_int64(now));
    json_object_object_add(p, "exp", json_object_new_int64(now + ttl_s));
    payload = json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN);
    cap = sodium_base64_ENCODED_LEN(strlen(HEADER_JSON), sodium_base64_VARIANT_URLSAFE_NO_PADDING) +
          sodium_base64_ENCODED_LEN(strlen(payload), sodium_base64_VARIANT_URLSAFE_NO_PADDING) +
          sodium_base64_ENCODED_LEN(sizeof(sig), sodium_base64_VARIANT_URLSAFE_NO_PADDING) + 4;
    buf = malloc(cap);
    if (!buf) {
        json_object_put(p);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    b64_append(buf, &at, cap, HEADER_JSON, strlen(HEADER_JSON));
    buf[at++] = '.';
    b64_append(buf, &at, cap, payload, strlen(payload));
    json_object_put(p);
    mac(key, buf, at, sig);
    buf[at++] = '.';
    b64_append(buf, &at, cap, sig, sizeof(sig));
    *out = buf;
    return 0;
}

/* Decode one base64url part (no padding) into a new NUL-terminated buffer. */
static unsigned char *b64_decode(const char *s, size_t len, size_t *out_len)
{
    unsigned char *bin = malloc(len + 1);
    const char *end = NULL;

    if (!bin)
        return NULL;
    if (sodium_base642bin(bin, len, s, len, NULL, out_len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || end != s + len) {
        free(bin);
        return NULL;
    }
    bin[*out_len] = '\0';
    return bin;
}

static struct json_object *part_json(const char *s, size_t len)
{
    size_t n;
    unsigned char *bin = b64_decode(s, len, &n);
    struct json_object *obj;

    if (!bin)
        return NULL;
    obj = strlen((char *)bin) == n ? json_tokener_parse((char *)bin) : NULL;
    free(bin);
    if (obj && !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return NULL;
    }
    return obj;
}

static int check_header(const char *s, size_t len)
{
    struct json_object *h = part_json(s, len), *alg, *typ;
    int ok;

    if (!h)
        return 0;
    ok = json_object_object_get_ex(h, "alg", &alg) && json_object_is_type(alg, json_type_string) &&
         !strcmp(json_object_get_string(alg), "HS256");
    if (ok && json_object_object_get_ex(h, "typ", &typ))
        ok = json_object_is_type(typ, json_type_string) && !strcmp(json_object_get_string(typ), "JWT");
    if (ok && json_object_object_get_ex(h, "crit", &typ))
        ok = 0;
    json_object_put(h);
    return ok;
}

static int check_sig(const struct auth_jwt_key *key, const char *token, size_t signed_len,
                     const char *sig_b64, size_t sig_len)
{
    unsigned char want[crypto_auth_hmacsha256_BYTES];
    size_t n;
    unsigned char *got = b64_decode(sig_b64, sig_len, &n);
    int ok;

    if (!got)
        return 0;
    mac(key, token, signed_len, want);
    ok = n == sizeof(want) && crypto_verify_32(got, want) == 0;
    free(got);
    return ok;
}

static int get_str(struct json_object *p, const char *name, char *out, size_t len)
{
    struct json_object *v;

    if (!json_object_object_get_ex(p, name, &v) || !json_object_is_type(v, json_type_string) ||
        (size_t)json_object_get_string_len(v) >= len || !json_object_get_string_len(v))
        return 0;
    memcpy(out, json_object_get_string(v), (size_t)json_object_get_string_len(v) + 1);
    return 1;
}

static int get_int(struct json_object *p, const char *name, int64_t *out)
{
    struct json_object *v;

    if (!json_object_object_get_ex(p, name, &v) || !json_object_is_type(v, json_type_int))
        return 0;
    *out = json_object_get_int64(v);
    return 1;
}

static int check_claims(const struct auth_jwt_key *key, struct json_object *p, int64_t now,
                        struct auth_jwt_claims *c, struct os_error *err)
{
    if (!get_str(p, "iss", c->iss, sizeof(c->iss)) || strcmp(c->iss, key->iss))
        return os_error_set(err, OS_ERR_AUTH, "token issuer is wrong");
    if (!get_str(p, "aud", c->aud, sizeof(c->aud)) || strcmp(c->aud, key->aud))
        return os_error_set(err, OS_ERR_AUTH, "token audience is wrong");
    if (!get_str(p, "sub", c->sub, sizeof(c->sub)))
        return os_error_set(err, OS_ERR_AUTH, "token has no subject");
    if (!get_str(p, "email", c->email, sizeof(c->email)))
        c->email[0] = '\0';
    if (!get_int(p, "iat", &c->iat) || c->iat > now + SKEW_S)
        return os_error_set(err, OS_ERR_AUTH, "token issue time is wrong");
    if (!get_int(p, "exp", &c->exp))
        return os_error_set(err, OS_ERR_AUTH, "token has no expiry");
    if (c->exp <= now)
        return os_error_set(err, OS_ERR_AUTH, "token expired");
    return 0;
}

int auth_jwt_verify(const struct auth_jwt_key *key, const char *token, int64_t now,
                    struct auth_jwt_claims *claims, struct os_error *err)
{
    const char *d1, *d2;
    struct json_object *p;
    size_t len;
    int rc;

    memset(claims, 0, sizeof(*claims));
    if (!token || (len = strnlen(token, AUTH_TOKEN_MAX + 1)) > AUTH_TOKEN_MAX)
        return os_error_set(err, OS_ERR_AUTH, "token is missing or too long");
    d1 = strchr(token, '.');
    d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.'))
        return os_error_set(err, OS_ERR_AUTH, "token is malformed");
    if (!check_header(token, (size_t)(d1 - token)))
        return os_error_set(err, OS_ERR_AUTH, "token algorithm is not HS256");
    if (!check_sig(key, token, (size_t)(d2 - token), d2 + 1, (size_t)(token + len - d2 - 1)))
        return os_error_set(err, OS_ERR_AUTH, "token signature is wrong");
    p = part_json(d1 + 1, (size_t)(d2 - d1 - 1));
    if (!p)
        return os_error_set(err, OS_ERR_AUTH, "token payload is malformed");
    rc = check_claims(key, p, now, claims, err);
    json_object_put(p);
    return rc;
}

static int key_create(const char *path, struct os_error *err)
{
    unsigned char raw[32];
    char hex[sizeof(raw) * 2 + 2];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ssize_t w;

    if (fd < 0)
        return os_error_set(err, OS_ERR_IO, "cannot create token secret %s: %s", path, strerror(errno));
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    strcat(hex, "\n");
    w = write(fd, hex, strlen(hex));
    sodium_memzero(raw, sizeof(raw));
    sodium_memzero(hex, sizeof(hex));
    if (close(fd) < 0 || w < 0)
        return os_error_set(err, OS_ERR_IO, "cannot write token secret %s", path);
    return 0;
}

int auth_jwt_key_load(const char *path, int create, struct auth_jwt_key *key,
                      struct os_error *err)
{
    struct stat st;
    ssize_t n;
    int fd;

    if (sodium_init() < 0)
        return os_error_set(err, OS_ERR_IO, "libsodium failed to initialise");
    if (create && access(path, F_OK) != 0 && key_create(path, err) < 0)
        return err->code;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return os_error_set(err, OS_ERR_IO, "cannot open token secret %s: %s", path, strerror(errno));
    if (fstat(fd, &st) < 0 || (st.st_mode & 077)) {
        close(fd);
        return os_error_set(err, OS_ERR_AUTH, "token secret %s must not be readable by group or others (chmod 600)", path);
    }
    n = read(fd, key->secret, sizeof(key->secret));
    close(fd);
    while (n > 0 && (key->secret[n - 1] == '\n' || key->secret[n - 1] == '\r'))
        n--;
    if (n < AUTH_SECRET_MIN) {
        sodium_memzero(key->secret, sizeof(key->secret));
        return os_error_set(err, OS_ERR_AUTH, "token secret %s is shorter than %d bytes", path, AUTH_SECRET_MIN);
    }
    key->len = (size_t)n;
    return 0;
}
