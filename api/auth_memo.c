/*
 * auth_memo.c - a connection's remembered token (auth_memo.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth_memo.h"

int api_auth_memo_get(const struct api_auth_memo *m, const char *token, int64_t now, double mono,
                      struct auth_account *account)
{
    size_t len;

    if (!m->token || !token)
        return 0;
    len = strnlen(token, m->len + 1);
    if (len != m->len || sodium_memcmp(token, m->token, len) != 0)
        return 0;
    if (m->exp <= now || mono - m->checked_at >= API_AUTH_MEMO_S || mono < m->checked_at)
        return 0;
    *account = m->account;
    return 1;
}

void api_auth_memo_put(struct api_auth_memo *m, const char *token, int64_t exp, double mono,
                       const struct auth_account *account)
{
    size_t len = strlen(token);

    if (!m->token || m->len != len || memcmp(m->token, token, len)) {
        api_auth_memo_clear(m);
        if (!(m->token = malloc(len + 1)))
            return;
        memcpy(m->token, token, len + 1);
        m->len = len;
    }
    m->exp = exp;
    m->checked_at = mono;
    m->account = *account;
}

void api_auth_memo_clear(struct api_auth_memo *m)
{
    if (m->token) {
        sodium_memzero(m->token, m->len);
        free(m->token);
    }
    memset(m, 0, sizeof(*m));
}
