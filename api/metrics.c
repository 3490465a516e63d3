/*
 * metrics.c - counters behind /metrics, in the Prometheus text format.
 *
 * A fixed table: per route, one counter per status code seen (a short
 * open list per route, bounded), plus one latency histogram for every
 * request with fixed buckets, and the count of connections refused by
 * --allow-from.  One mutex; observing is a few additions.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "tenant/tenant.h"

#define CODES_PER_ROUTE 16

static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct route_counts {
    int code[CODES_PER_ROUTE];
    unsigned long n[CODES_PER_ROUTE];
};

struct api_metrics {
    pthread_mutex_t lock;
    size_t nroutes;
    unsigned long bucket[NBUCKETS + 1];
    double sum;
    unsigned long count;
    unsigned long refused;      /* connections closed by the peer allowlist */
    struct route_counts routes[];
};

struct api_metrics *api_metrics_new(size_t nroutes)
{
    struct api_metrics *m = calloc(1, sizeof(*m) + (nroutes + 1) * sizeof(m->routes[0]));

    if (!m)
        return NULL;
    pthread_mutex_init(&m->lock, NULL);
    m->nroutes = nroutes;
    return m;
}

void api_metrics_free(struct api_metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void api_metrics_observe(struct api_metrics *m, size_t route, int status, double seconds)
{
    struct route_counts *rc;
    size_t b = 0;

    if (route > m->nroutes)
        route = m->nroutes;
    pthread_mutex_lock(&m->lock);
    rc = &m->routes[route];
    for (int i = 0; i < CODES_PER_ROUTE; i++) {
        if (rc->code[i] == status || rc->code[i] == 0 || i == CODES_PER_ROUTE - 1) {
            rc->code[i] = i == CODES_PER_ROUTE - 1 && rc->code[i] != status ? 0 : status;
            rc->n[i]++;
            break;
        }
    }
    while (b < NBUCKETS && seconds > buckets[b])
        b++;
    m->bucket[b]++;
    m->sum += seconds;
    m->count++;
    pthread_mutex_unlock(&m->lock);
}

void api_metrics_refused(struct api_metrics *m)
{
    pthread_mutex_lock(&m->lock);
    m->refused++;
    pthread_mutex_unlock(&m->lock);
}

struct out {
    char *buf;
    size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->buf ? o->cap - o->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (o->buf && o->len + (size_t)n < o->cap) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = (o->cap ? o->cap * 2 : 4096) + (size_t)n;
        char *nb = realloc(o->buf, cap);
        if (!nb)
            return;
        o->buf = nb;
        o->cap = cap;
    }
}

static void render_requests(struct api_metrics *m, struct out *o, const char *const *names)
{
    put(o, "# HELP odoo_saasd_requests_total HTTP requests answered, by route and status code.\n"
           "# TYPE odoo_saasd_requests_total counter\n");
    for (size_t r = 0; r <= m->nroutes; r++)
        for (int i = 0; i < CODES_PER_ROUTE && m->routes[r].n[i]; i++)
            put(o, "odoo_saasd_requests_total{route=\"%s\",code=\"%d\"} %lu\n",
                r < m->nroutes ? names[r] : "unmatched", m->routes[r].code[i], m->routes[r].n[i]);
}

static void render_latency(struct api_metrics *m, struct out *o)
{
    unsigned long cum = 0;

    put(o, "# HELP odoo_saasd_request_duration_seconds Time from the request to the end of the answer.\n"
           "# TYPE odoo_saasd_request_duration_seconds histogram\n");
    for (size_t b = 0; b < NBUCKETS; b++) {
        cum += m->bucket[b];
        put(o, "odoo_saasd_request_duration_seconds_bucket{le=\"%g\"} %lu\n", buckets[b], cum);
    }
    put(o, "odoo_saasd_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n"
           "odoo_saasd_request_duration_seconds_sum %.6f\n"
           "odoo_saasd_request_duration_seconds_count %lu\n", m->count, m->sum, m->count);
}

char *api_metrics_render(struct api_metrics *m, const char *const *route_names,
                         const int *by_phase, int nphases, int synced)
{
    struct out o = {0};

    pthread_mutex_lock(&m->lock);
    render_requests(m, &o, route_names);
    render_latency(m, &o);
    put(&o, "# HELP odoo_saasd_connections_refused_total Connections closed unread: peer not in --allow-from.\n"
            "# TYPE odoo_saasd_connections_refused_total counter\n"
            "odoo_saasd_connections_refused_total %lu\n", m->refused);
    pthread_mutex_unlock(&m->lock);
    put(&o, "# HELP odoo_saasd_tenants Tenants by phase, from the watch-fed model.\n"
            "# TYPE odoo_saasd_tenants gauge\n");
    for (int p = 0; p < nphases; p++)
        put(&o, "odoo_saasd_tenants{phase=\"%s\"} %d\n", tenant_phase_name((enum tenant_phase)p), by_phase[p]);
    put(&o, "# HELP odoo_saasd_model_synced 1 when every watch of the tenant model is in sync.\n"
            "# TYPE odoo_saasd_model_synced gauge\nodoo_saasd_model_synced %d\n", synced);
    return o.buf;
}
