/*
 * error.h - the one error type every fallible call in odoo-saas fills.
 *
 * Functions return 0 on success or a negative enum os_err_code, and write a
 * one-line, human-readable message into a caller-owned struct os_error.  When
 * the failure came from a Kubernetes API server, the Status fields (HTTP code,
 * reason, details) are kept too, so callers can branch on "NotFound" or
 * "AlreadyExists" without parsing text.  The struct is fixed-size: filling it
 * never allocates, so error paths cannot fail a second time.
 *
 * Messages never contain secrets (tokens, passwords, key material): callers
 * pass only names and paths.
 */
#ifndef OS_ERROR_H
#define OS_ERROR_H

#include <stdarg.h>

enum os_err_code {
    OS_OK = 0,
    OS_ERR_INVALID = -1,   /* bad input from a person or a caller */
    OS_ERR_NOMEM = -2,     /* allocation failed */
    OS_ERR_IO = -3,        /* a file, pipe or process failed */
    OS_ERR_PARSE = -4,     /* malformed external data (YAML, JSON, ...) */
    OS_ERR_NET = -5,       /* connection, TLS, DNS or timeout */
    OS_ERR_API = -6,       /* the API server answered with a failure */
    OS_ERR_AUTH = -7,      /* credentials missing or refused */
    OS_ERR_LIMIT = -8,     /* a size or count bound was exceeded */
};

#define OS_ERROR_MSG_MAX 512
#define OS_ERROR_NAME_MAX 256
#define OS_ERROR_CAUSES_MAX 4

struct os_error_cause {
    char reason[48];       /* FieldValueInvalid, NamespaceTerminating, ... */
    char field[128];       /* metadata.name, spec.selector, ... */
};

struct os_error {
    int code;              /* enum os_err_code, 0 when clear */
    int http_status;       /* HTTP status when the server answered, else 0 */
    int retry_after;       /* seconds the server asked us to wait, -1 if none */
    char reason[48];       /* Status.reason ("NotFound"), or "" */
    char message[OS_ERROR_MSG_MAX];
    char name[OS_ERROR_NAME_MAX];   /* Status.details.name */
    char kind[64];                  /* Status.details.kind */
    char group[64];                 /* Status.details.group */
    int ncauses;
    struct os_error_cause causes[OS_ERROR_CAUSES_MAX];
};

/* Reset to "no error". Safe on NULL. */
void os_error_clear(struct os_error *err);

/* Set code and a printf-style message (truncated to one line); returns code.
 * Safe on a NULL err, so optional error reporting stays one line. */
int os_error_set(struct os_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int os_error_setv(struct os_error *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Prefix the existing message with "what: " so context can be added on the
 * way up without losing the original text. Returns err->code. */
int os_error_prefix(struct os_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* True when the error is an API Status with this reason ("NotFound", ...). */
int os_error_is(const struct os_error *err, const char *reason);

/* A short name for a code, for logs: "invalid", "network", ... */
const char *os_err_code_name(int code);

#endif
