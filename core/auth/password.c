/*
 * password.c - argon2id password hashes and the checks on what people type.
 *
 * Hashes are libsodium's crypto_pwhash_str strings ("$argon2id$v=19$m=...")
 * which carry their own salt and parameters, so a later raise of the limits
 * keeps old hashes verifiable.  The limits are libsodium's INTERACTIVE ones
 * (t=2, m=64 MiB): above OWASP's argon2id minimum (t=2, m=19 MiB).
 * Emails are normalised here too (trim, lowercase), since an account is
 * found by its email.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"

static int sane_email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);

    if (!at || at == s || at == s + n - 1 || memchr(at + 1, '@', (size_t)(s + n - at - 1)))
        return 0;
    if (!memchr(at + 1, '.', (size_t)(s + n - at - 1)) || at[1] == '.' || s[n - 1] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || strchr("\"(),:;<>[\\]'`", c))
            return 0;
    }
    return 1;
}

int auth_email_normalize(const char *in, char *out, size_t out_len, struct os_error *err)
{
    size_t b = 0, e;

    if (!in)
        return os_error_set(err, OS_ERR_INVALID, "email is missing");
    e = strlen(in);
    while (b < e && isspace((unsigned char)in[b]))
        b++;
    while (e > b && isspace((unsigned char)in[e - 1]))
        e--;
    if (e == b)
        return os_error_set(err, OS_ERR_INVALID, "email is empty");
    if (e - b > AUTH_EMAIL_MAX || e - b >= out_len)
        return os_error_set(err, OS_ERR_INVALID, "email is longer than %d characters",
                            AUTH_EMAIL_MAX);
    if (!sane_email(in + b, e - b))
        return os_error_set(err, OS_ERR_INVALID, "email is not a valid address");
    for (size_t i = b; i < e; i++)
        out[i - b] = (char)tolower((unsigned char)in[i]);
    out[e - b] = '\0';
    return 0;
}

int auth_password_check(const char *password, struct os_error *err)
{
    size_t n = password ? strlen(password) : 0;

    if (n < AUTH_PASSWORD_MIN)
        return os_error_set(err, OS_ERR_INVALID, "password must have at least %d characters",
                            AUTH_PASSWORD_MIN);
    if (n > AUTH_PASSWORD_MAX)
        return os_error_set(err, OS_ERR_INVALID, "password must have at most %d characters",
                            AUTH_PASSWORD_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
            return os_error_set(err, OS_ERR_INVALID, "password holds a control character");
    return 0;
}

int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], struct os_error *err)
{
    _Static_assert(AUTH_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");

    if (sodium_init() < 0)
        return os_error_set(err, OS_ERR_IO, "libsodium failed to initialise");
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return os_error_set(err, OS_ERR_NOMEM, "password hashing ran out of memory");
    return 0;
}

int auth_password_verify(const char *hash, const char *password)
{
    if (!hash || !password || !memchr(hash, '\0', AUTH_HASH_MAX))
        return 0;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
