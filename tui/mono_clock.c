/*
 * mono_clock.c - monotonic deadlines (see mono_clock.h).
 */
#include "config.h"

#include "mono_clock.h"

long mono_ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

void mono_due_in(struct timespec *t, long in_ms)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_sec += in_ms / 1000;
    t->tv_nsec += in_ms % 1000 * 1000000;
    if (t->tv_nsec >= 1000000000) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000;
    }
}
