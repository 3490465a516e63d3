/*
 * metrics.h - request counters and latency for /metrics (Prometheus text).
 */
#ifndef API_METRICS_H
#define API_METRICS_H

#include <stddef.h>

struct api_metrics;

/* Counters for nroutes routes (index nroutes: no route matched).  Free
 * with api_metrics_free(). */
struct api_metrics *api_metrics_new(size_t nroutes);
void api_metrics_free(struct api_metrics *m);

/* Count one answer; thread-safe. */
void api_metrics_observe(struct api_metrics *m, size_t route, int status, double seconds);
/* Count one connection closed unread because its peer is not allowed
 * (--allow-from); thread-safe. */
void api_metrics_refused(struct api_metrics *m);

/* The exposition text: requests by route and code, the latency histogram,
 * refused connections, tenants by phase (counts indexed by enum tenant_phase, nphases of them)
 * and whether the model is synced.  malloc'd; the caller frees it. */
char *api_metrics_render(struct api_metrics *m, const char *const *route_names,
                         const int *by_phase, int nphases, int synced);

#endif
