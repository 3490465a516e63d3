/*
 * auth_memo.h - what one connection remembers of the last bearer token it
 * presented, so that a client on a keep-alive connection is not verified
 * from scratch on every request.
 *
 * A token is only remembered after auth_jwt_verify() and the account
 * lookup accepted it, and it is remembered byte for byte: the next request
 * on the same connection with the same bytes would pass the same
 * signature, algorithm, iss, aud, sub and iat checks, so only what changes
 * with time is checked again: exp against the clock on every request, and
 * the account (it may have been removed or lost its admin mark) at most
 * API_AUTH_MEMO_S seconds after it was read.  Another token, or none,
 * goes the whole way.  A connection is served by one thread at a time, so
 * a memo needs no lock.
 */
#ifndef API_AUTH_MEMO_H
#define API_AUTH_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"

#define API_AUTH_MEMO_S 1.0

struct api_auth_memo {
    char *token;                 /* malloc'd copy, NULL when empty */
    size_t len;
    int64_t exp;                 /* the token's exp claim */
    double checked_at;           /* monotonic seconds of the account read */
    struct auth_account account;
};

/* 1 and *account filled when token is the remembered one, not expired at
 * now (wall clock seconds) and its account was read less than
 * API_AUTH_MEMO_S before mono (monotonic seconds); else 0. */
int api_auth_memo_get(const struct api_auth_memo *m, const char *token, int64_t now, double mono,
                      struct auth_account *account);

/* Remember token (copied) with its exp and account, read at mono.  On
 * failure to allocate the memo is just left empty. */
void api_auth_memo_put(struct api_auth_memo *m, const char *token, int64_t exp, double mono,
                       const struct auth_account *account);

/* Forget (and wipe) what m holds; m can be used again. */
void api_auth_memo_clear(struct api_auth_memo *m);

#endif
