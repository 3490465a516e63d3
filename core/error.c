/*
 * error.c - filling struct os_error.  See error.h for the contract.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "error.h"

void os_error_clear(struct os_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof(*err));
    err->retry_after = -1;
}

/* Messages are for one line of a terminal or a log: fold control characters
 * (including newlines from server text) into spaces. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

int os_error_setv(struct os_error *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    os_error_clear(err);
    err->code = code;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    one_line(err->message);
    return code;
}

int os_error_set(struct os_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    os_error_setv(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int os_error_prefix(struct os_error *err, const char *fmt, ...)
{
    char prefix[OS_ERROR_MSG_MAX];
    char old[OS_ERROR_MSG_MAX];
    size_t room = sizeof(err->message), plen, olen;
    va_list ap;

    if (!err)
        return 0;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->message, sizeof(old));
    /* Keep the prefix whole and cut the old text if both do not fit. */
    plen = strnlen(prefix, room - 3);
    memcpy(err->message, prefix, plen);
    memcpy(err->message + plen, ": ", 2);
    olen = strnlen(old, room - 1 - plen - 2);
    memcpy(err->message + plen + 2, old, olen);
    err->message[plen + 2 + olen] = '\0';
    one_line(err->message);
    return err->code;
}

int os_error_is(const struct os_error *err, const char *reason)
{
    return err && err->code == OS_ERR_API && strcmp(err->reason, reason) == 0;
}

const char *os_err_code_name(int code)
{
    switch (code) {
    case OS_OK: return "ok";
    case OS_ERR_INVALID: return "invalid";
    case OS_ERR_NOMEM: return "out of memory";
    case OS_ERR_IO: return "io";
    case OS_ERR_PARSE: return "parse";
    case OS_ERR_NET: return "network";
    case OS_ERR_API: return "api";
    case OS_ERR_AUTH: return "auth";
    case OS_ERR_LIMIT: return "limit";
    }
    return "unknown";
}
