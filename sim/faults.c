/*
 * faults.c - injected latency and failures (see faults.h).
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "faults.h"

static uint64_t next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void sim_faults_init(struct sim_faults *f, int latency_ms, double rate, uint64_t seed)
{
    memset(f, 0, sizeof(*f));
    f->latency_ms = latency_ms;
    f->rate = rate;
    /* Offset the seed so faults do not mirror the simulator's other draws. */
    f->rng = seed ^ 0x6a09e667f3bcc909ULL;
    pthread_mutex_init(&f->lock, NULL);
}

void sim_faults_destroy(struct sim_faults *f)
{
    pthread_mutex_destroy(&f->lock);
}

static int exempt(const char *url, int is_watch)
{
    static const char *const paths[] = {"/healthz", "/readyz", "/livez", "/version", NULL};
    if (is_watch)
        return 1;
    for (const char *const *p = paths; *p; p++) {
        size_t n = strlen(*p);
        if (!strncmp(url, *p, n) && (url[n] == '\0' || url[n] == '/'))
            return 1;     /* /healthz and /healthz/ping alike */
    }
    return 0;
}

struct sim_fault sim_faults_before(struct sim_faults *f, const char *url, int is_watch)
{
    struct sim_fault out = {0, NULL, NULL};
    uint64_t draw;

    if (f->latency_ms > 0) {
        struct timespec ts = {f->latency_ms / 1000, (long)(f->latency_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
    if (f->rate <= 0 || exempt(url, is_watch))
        return out;
    pthread_mutex_lock(&f->lock);
    draw = next(&f->rng);
    if ((double)(draw >> 11) / 9007199254740992.0 < f->rate) {
        f->injected++;
        if (draw & 1) {
            out = (struct sim_fault){429, "Too many requests, please try again later.\n", "1"};
        } else {
            out = (struct sim_fault){503, "service unavailable\n", NULL};
        }
    }
    pthread_mutex_unlock(&f->lock);
    return out;
}
