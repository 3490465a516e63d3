/*
 * faults.h - --latency-ms and --fail-rate: a slow and unreliable network,
 * reproducibly.
 *
 * Every request waits latency_ms before it is answered (each connection
 * has its own thread, so concurrent requests overlap like real round
 * trips).  A fraction fail_rate of non-watch API requests is answered with
 * a fault instead, alternating as a seeded generator decides between
 * 503 ServiceUnavailable and 429 TooManyRequests with "Retry-After: 1",
 * both with the plain-text bodies real servers send (contract 2.3).  The
 * generator is private to the faults, so the same --seed gives the same
 * faults whatever else draws random numbers.
 */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <pthread.h>
#include <stdint.h>

struct sim_faults {
    int latency_ms;
    double rate;              /* 0..1 */
    uint64_t rng;             /* splitmix64 state, seeded from --seed */
    unsigned long injected;   /* faults answered so far */
    pthread_mutex_t lock;
};

struct sim_fault {
    int code;                 /* 0: no fault; else 429 or 503 */
    const char *body;         /* plain-text body */
    const char *retry_after;  /* header value or NULL */
};

void sim_faults_init(struct sim_faults *f, int latency_ms, double rate, uint64_t seed);
void sim_faults_destroy(struct sim_faults *f);

/* Sleep the latency, then decide: watch requests and the health endpoints
 * (/healthz, /readyz, /livez, /version) are never failed. */
struct sim_fault sim_faults_before(struct sim_faults *f, const char *url, int is_watch);

#endif
