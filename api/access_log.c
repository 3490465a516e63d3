/*
 * access_log.c - batched request log lines (access_log.h).
 *
 * The UTC timestamp is formatted once per second and reused.  A line that
 * does not fit the buffer (it cannot: method and path are bounded by the
 * caller) would be cut, never overflow.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access_log.h"

#define BUF_SIZE 16384
#define LINE_MAX_LEN 512

struct api_access_log {
    pthread_mutex_t lock;
    int fd;
    size_t len;
    double first_at;           /* mono time of the oldest buffered line */
    time_t stamp_sec;
    char stamp[32];
    char buf[BUF_SIZE];
};

struct api_access_log *api_access_log_new(int fd)
{
    struct api_access_log *l = calloc(1, sizeof(*l));

    if (!l)
        return NULL;
    pthread_mutex_init(&l->lock, NULL);
    l->fd = fd;
    l->stamp_sec = (time_t)-1;
    return l;
}

/* Under the lock. */
static void write_out(struct api_access_log *l)
{
    size_t done = 0;

    while (done < l->len) {
        ssize_t n = write(l->fd, l->buf + done, l->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;              /* a log that cannot be written is dropped */
        done += (size_t)n;
    }
    l->len = 0;
}

/* Under the lock. */
static const char *stamp(struct api_access_log *l)
{
    time_t now = time(NULL);
    struct tm tm;

    if (now != l->stamp_sec) {
        gmtime_r(&now, &tm);
        strftime(l->stamp, sizeof(l->stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
        l->stamp_sec = now;
    }
    return l->stamp;
}

void api_access_log_request(struct api_access_log *l, const char *ip, const char *method,
                            const char *path, int status, double ms, int aborted, double mono,
                            int idle)
{
    int n;

    pthread_mutex_lock(&l->lock);
    if (l->len + LINE_MAX_LEN > sizeof(l->buf))
        write_out(l);
    if (l->len == 0)
        l->first_at = mono;
    n = snprintf(l->buf + l->len, LINE_MAX_LEN, "%s %s \"%s %s\" %d %.1fms%s\n", stamp(l), ip, method,
                 path, status, ms, aborted ? " aborted" : "");
    if (n > 0)
        l->len += (size_t)n < LINE_MAX_LEN ? (size_t)n : LINE_MAX_LEN - 1;
    if (idle || mono - l->first_at >= API_LOG_HOLD_S)
        write_out(l);
    pthread_mutex_unlock(&l->lock);
}

void api_access_log_flush(struct api_access_log *l)
{
    pthread_mutex_lock(&l->lock);
    write_out(l);
    pthread_mutex_unlock(&l->lock);
}

void api_access_log_free(struct api_access_log *l)
{
    if (!l)
        return;
    api_access_log_flush(l);
    pthread_mutex_destroy(&l->lock);
    free(l);
}
