/*
 * metrics.h - simulated metrics-server figures (see metrics.c).  All
 * functions only read the JSON they are given (borrowed) and s->opt.
 */
#ifndef SIM_METRICS_H
#define SIM_METRICS_H

#include <stdint.h>

#include "sim.h"

/* The scrape instant of now (a multiple of 15 s). */
int64_t sim_metrics_sample_ms(int64_t now_ms);
/* One container's usage at t_ms: CPU in nanocores, memory in KiB. */
void sim_metrics_container(const struct sim *s, json_object *pod, json_object *container, int64_t t_ms,
                           uint64_t *cpu_n, uint64_t *mem_ki);
/* The sum over the pod's containers. */
void sim_metrics_pod(const struct sim *s, json_object *pod, int64_t t_ms, uint64_t *cpu_n, uint64_t *mem_ki);
/* 1 when metrics-server would have scraped the pod (phase Running). */
int sim_metrics_running(json_object *pod);
/* What a node uses besides its pods (system daemons). */
void sim_metrics_node_base(const struct sim *s, const char *node, int64_t t_ms, uint64_t *cpu_n,
                           uint64_t *mem_ki);

#endif
