/*
 * auth.h - the public interface of core/auth: who a caller is.
 *
 * Four small pieces, each usable alone:
 *   password   argon2id hashes (libsodium crypto_pwhash_str) at libsodium's
 *              INTERACTIVE limits (t=2, m=64 MiB), above OWASP's minimum
 *              (t=2, m=19 MiB);
 *   jwt        HS256 tokens (HMAC-SHA-256, base64url without padding) with
 *              the algorithm pinned and exp/iat/iss/aud/sub checked;
 *   ratelimit  token buckets keyed by a string (an IP, an account), pure:
 *              the caller passes the clock, so tests need no sleeping;
 *   accounts   the local account store: SQLite in WAL mode, prepared
 *              statements only, emails normalised (trimmed, lowercased).
 *
 * Nothing here logs, and no message carries a password, hash or token.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

#define AUTH_EMAIL_MAX 254
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 1024
#define AUTH_HASH_MAX 128            /* crypto_pwhash_STRBYTES */
#define AUTH_SECRET_MIN 32
#define AUTH_TOKEN_MAX 4096

/* ---- emails and passwords ------------------------------------------------ */

/* in trimmed of ASCII whitespace and lowercased into out (out_len bytes).
 * 0, or OS_ERR_INVALID when it is not a sane address (one '@', a dot in
 * the domain, printable ASCII only, at most AUTH_EMAIL_MAX bytes). */
int auth_email_normalize(const char *in, char *out, size_t out_len, struct os_error *err);

/* 0 when the length is within AUTH_PASSWORD_MIN..AUTH_PASSWORD_MAX bytes
 * and it holds no NUL or control characters. */
int auth_password_check(const char *password, struct os_error *err);

/* The argon2id string of password into out (AUTH_HASH_MAX bytes).  Slow
 * and memory hungry on purpose (about 64 MiB while it runs). */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], struct os_error *err);

/* 1 when password matches hash, 0 when not (or the hash is malformed). */
int auth_password_verify(const char *hash, const char *password);

/* ---- tokens -------------------------------------------------------------- */

struct auth_jwt_claims {
    char sub[AUTH_EMAIL_MAX + 1];   /* ours: the normalised email; Supabase: a user id */
    char email[AUTH_EMAIL_MAX + 1]; /* the "email" claim (Supabase), "" when absent */
    char iss[128];
    char aud[128];
    int64_t iat, exp;
};

struct auth_jwt_key {
    unsigned char secret[256];
    size_t len;                      /* at least AUTH_SECRET_MIN */
    char iss[128];                   /* issued and required */
    char aud[128];
};

/* "header.payload.signature" for claims (iss and aud from key).  *out is
 * malloc'd; the caller frees it. */
int auth_jwt_encode(const struct auth_jwt_key *key, const char *sub, int64_t now,
                    int64_t ttl_s, char **out, struct os_error *err);

/* Check token: HS256 only (alg none and every other one refused), the
 * signature in constant time, iss and aud equal to key's, sub present,
 * iat not in the future (60 s of skew), exp after now.  OS_ERR_AUTH with a
 * short reason ("expired", "bad signature") when refused; claims filled
 * on success. */
int auth_jwt_verify(const struct auth_jwt_key *key, const char *token, int64_t now,
                    struct auth_jwt_claims *claims, struct os_error *err);

/* Read the secret from path, or create it (32 random bytes, hex, mode
 * 0600) when create is set and it does not exist.  A secret shorter than
 * AUTH_SECRET_MIN bytes or a file readable by group or others is refused. */
int auth_jwt_key_load(const char *path, int create, struct auth_jwt_key *key,
                      struct os_error *err);

/* ---- rate limits --------------------------------------------------------- */

struct auth_ratelimit;

/* Buckets of burst tokens refilled at rate tokens per second, at most
 * capacity keys remembered (the fullest bucket is forgotten first: a full
 * bucket is the same as a new one).  Free with auth_ratelimit_free(). */
struct auth_ratelimit *auth_ratelimit_new(double rate, double burst, size_t capacity);
void auth_ratelimit_free(struct auth_ratelimit *rl);

/* Take one token for key at time now (seconds, any monotonic origin).
 * 1: allowed.  0: refused, *retry_after set to the whole seconds (>= 1)
 * until a token is back. */
int auth_ratelimit_take(struct auth_ratelimit *rl, const char *key, double now,
                        int *retry_after);

/* ---- Supabase (GoTrue) --------------------------------------------------- */

/* Accounts kept by a Supabase project's auth server (GoTrue REST): sign-up
 * and password login are forwarded to it; the access tokens it issues are
 * HS256 JWTs signed with the project's JWT secret (aud "authenticated",
 * iss URL/auth/v1, the email in the "email" claim) and are checked with
 * auth_jwt_verify() like ours.  Blocking libcurl calls, one easy handle per
 * call, so any thread may call (curl_global_init must have run). */
struct auth_supabase;

struct auth_supabase_opts {
    const char *url;          /* https://PROJECT.supabase.co (no trailing slash) */
    const char *anon_key;     /* the project's anon (public) API key */
    long timeout_ms;          /* per request; 0: 10 s */
};

int auth_supabase_new(const struct auth_supabase_opts *opts, struct auth_supabase **out,
                      struct os_error *err);
void auth_supabase_free(struct auth_supabase *sb);

/* POST /auth/v1/signup.  "AlreadyExists" in err->reason (OS_ERR_INVALID)
 * when GoTrue says the email is registered; OS_ERR_INVALID for a refused
 * email or password (GoTrue's message); OS_ERR_LIMIT when it rate limits;
 * OS_ERR_NET when it cannot be reached. */
int auth_supabase_signup(struct auth_supabase *sb, const char *email, const char *password,
                         struct os_error *err);

/* POST /auth/v1/token?grant_type=password.  *token is malloc'd (the
 * caller frees it); *expires_in in seconds.  OS_ERR_AUTH with the same
 * message as the local store for wrong credentials. */
int auth_supabase_login(struct auth_supabase *sb, const char *email, const char *password,
                        char **token, int *expires_in, struct os_error *err);

/* ---- accounts ------------------------------------------------------------ */

struct auth_account {
    int64_t id;
    char email[AUTH_EMAIL_MAX + 1];
    int admin;
    char created_at[32];             /* RFC 3339, UTC */
};

struct auth_accounts;

/* Open (creating) the SQLite database at path, WAL mode.  Safe to use
 * from several threads (one lock around the statements; hashing runs
 * outside it).  Free with auth_accounts_close(). */
int auth_accounts_open(const char *path, struct auth_accounts **out, struct os_error *err);
void auth_accounts_close(struct auth_accounts *a);

/* New account; email is normalised here.  "AlreadyExists" in err->reason
 * (OS_ERR_INVALID) when the email is taken. */
int auth_accounts_create(struct auth_accounts *a, const char *email, const char *password,
                         int admin, struct auth_account *out, struct os_error *err);

/* Check credentials.  An unknown email and a wrong password take the same
 * path (a dummy hash is verified) and give the same OS_ERR_AUTH message. */
int auth_accounts_login(struct auth_accounts *a, const char *email, const char *password,
                        struct auth_account *out, struct os_error *err);

/* The account with this (normalised) email: "NotFound" in err->reason
 * (OS_ERR_INVALID) when there is none. */
int auth_accounts_get(struct auth_accounts *a, const char *email, struct auth_account *out,
                      struct os_error *err);

/* Make an existing account an admin (or not). */
int auth_accounts_set_admin(struct auth_accounts *a, const char *email, int admin,
                            struct os_error *err);

/* Number of accounts, or a negative code. */
int64_t auth_accounts_count(struct auth_accounts *a, struct os_error *err);

#endif
