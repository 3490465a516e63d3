/*
 * access_log.h - odoo-saasd's one line per request, written in batches.
 *
 * A write(2) per request (stderr is unbuffered) cost as much as a small
 * answer itself under load, so lines gather in a buffer and go out in one
 * write when it is nearly full, when the oldest line has waited
 * API_LOG_HOLD_S, or when the caller says the server has gone idle (no
 * request in progress): a quiet server's log is always up to date, a busy
 * one's at most a moment behind.  odoo-saasd's main thread also flushes it
 * every second, for lines held while one slow request stays in progress.
 * Thread-safe (one short lock).
 */
#ifndef API_ACCESS_LOG_H
#define API_ACCESS_LOG_H

#include <stddef.h>

#define API_LOG_HOLD_S 0.25

struct api_access_log;

/* A log writing to fd (borrowed; stays open).  Free with
 * api_access_log_free(), which writes what is left. */
struct api_access_log *api_access_log_new(int fd);
void api_access_log_free(struct api_access_log *l);

/* One request: "TIME IP \"METHOD PATH\" STATUS MSms[ aborted]".  method
 * and path must be printable already (server.c cleans them).  mono is
 * monotonic seconds (api_now_mono()), for the hold time.  idle: nothing
 * else in progress, write now. */
void api_access_log_request(struct api_access_log *l, const char *ip, const char *method,
                            const char *path, int status, double ms, int aborted, double mono,
                            int idle);

/* Write what is buffered. */
void api_access_log_flush(struct api_access_log *l);

#endif
