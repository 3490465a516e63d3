/*
 * lifecycle.c - the simulator's background thread: things that happen after
 * a request has been answered.
 *
 * Phase 1 has one job: a namespace marked Terminating by DELETE is purged
 * (its content deleted, then the namespace) once --ns-delete-delay-ms has
 * passed.  The thread sleeps on sim->changed until the earliest deadline, so
 * it costs nothing while idle.  Work is a const table of controllers (name
 * and step function); phase 2 adds its own (scheduler, Deployment/
 * StatefulSet, quota, node heartbeats) to that table.
 */
#include "config.h"

#include <time.h>

#include "sim.h"
#include "controllers.h"
#include "state.h"

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A controller: one step of background work, run with the lock held.
 * It returns the wall-clock ms at which it wants to run again, or 0 when
 * it has nothing pending (it will still run after the next store change). */
struct sim_controller {
    const char *name;
    int64_t (*step)(struct sim *s, int64_t now_ms);
};

/* Namespaces past their Terminating delay: purge content, then them. */
static int64_t namespace_purger(struct sim *s, int64_t now)
{
    int64_t next = 0;
    for (size_t i = 0; i < s->store.nobjs;) {
        struct sim_object *o = s->store.objs[i];
        if (o->purge_at_ms && o->purge_at_ms <= now) {
            sim_namespace_purge(s, o);
            i = 0;                      /* the array changed under us */
            continue;
        }
        if (o->purge_at_ms && (!next || o->purge_at_ms < next))
            next = o->purge_at_ms;
        i++;
    }
    return next;
}

/* Phase 2 appends its controllers (scheduler, workloads, kubelet, quota,
 * garbage collector) here; they run in this order on every pass. */
static const struct sim_controller controllers[] = {
    {"namespace-purger", namespace_purger},
    {"workloads", sim_controllers_step},   /* controllers.c */
    {"tokens", sim_tokens_step},           /* tokens.c: also with --no-controllers */
    {"state-saver", sim_state_step},       /* state.c: last, it drops the lock to write */
};

/* One pass over every controller (lock held).  Returns the earliest
 * deadline any of them asked for, or 0. */
static int64_t lifecycle_tick(struct sim *s)
{
    int64_t now = sim_now_ms(), next = 0;
    for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++) {
        int64_t t = controllers[i].step(s, now);
        if (t && (!next || t < next))
            next = t;
    }
    return next;
}

static void *lifecycle_main(void *arg)
{
    struct sim *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        int64_t next = lifecycle_tick(s);
        /* The state saver drops the lock to write: a stop that came
         * meanwhile was broadcast to nobody, so look before sleeping. */
        if (s->stopping)
            break;
        if (!next) {
            pthread_cond_wait(&s->changed, &s->lock);
            continue;
        }
        int64_t until = mono_ms() + (next - sim_now_ms());
        struct timespec ts = {.tv_sec = (time_t)(until / 1000), .tv_nsec = (long)(until % 1000) * 1000000};
        pthread_cond_timedwait(&s->changed, &s->lock, &ts);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int sim_lifecycle_start(struct sim *s, struct os_error *err)
{
    if (pthread_create(&s->lifecycle, NULL, lifecycle_main, s) != 0)
        return os_error_set(err, OS_ERR_IO, "cannot start the lifecycle thread");
    s->lifecycle_started = 1;
    return 0;
}

void sim_lifecycle_stop(struct sim *s, int max_wait_ms)
{
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    if (s->lifecycle_started)
        pthread_join(s->lifecycle, NULL);
    s->lifecycle_started = 0;
    /* Watch streams see "stopping", end their chunked body and are freed by
     * MHD (sim_watch_free wakes us); only then is it safe to stop the
     * daemon without cutting a stream in the middle. */
    int64_t until = mono_ms() + max_wait_ms;
    pthread_mutex_lock(&s->lock);
    while (s->nwatches > 0 && mono_ms() < until) {
        struct timespec ts = {.tv_sec = (time_t)(until / 1000), .tv_nsec = (long)(until % 1000) * 1000000};
        pthread_cond_timedwait(&s->changed, &s->lock, &ts);
    }
    pthread_mutex_unlock(&s->lock);
}
