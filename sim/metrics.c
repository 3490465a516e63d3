/*
 * metrics.c - what metrics-server would report for the simulated pods and
 * nodes: plausible, slowly varying, reproducible.
 *
 * Each container gets a base level from a hash of --seed, namespace, pod
 * and container name: CPU 5-40 % and memory 30-80 % of its limit (of its
 * request when it has no limit, of 100m / 128Mi when it has neither).  The
 * level then drifts by up to +-30 % along a sine with a period of 4-10
 * minutes and a phase from the same hash, sampled at the 15 s scrape
 * instants (metrics-server's --metric-resolution), so two reads within a
 * window agree.  Values never exceed the limit.  A node reports a base for
 * the system (kubelet, containerd) plus the sum of its Running pods.
 * Pure functions over the stored objects; the caller holds sim->lock.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "kube/quantity.h"
#include "metrics.h"

static uint64_t mix(uint64_t h, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return (h ^ 0xff) * 1099511628211ULL;
}

static int64_t res_value(json_object *c, const char *which, const char *res, int mem)
{
    json_object *r = sim_json_path(c, "resources"), *w, *q;
    int64_t v = 0;
    if (!r || !json_object_object_get_ex(r, which, &w) || !json_object_object_get_ex(w, res, &q))
        return 0;
    struct os_error err = {0};
    const char *s = json_object_get_string(q);
    if (mem ? kube_quantity_parse_int(s, &v, &err) : kube_quantity_parse_nano(s, &v, &err))
        return 0;
    return v;
}

/* Fraction in [lo, hi) from 16 bits of h. */
static double frac(uint64_t h, int shift, double lo, double hi)
{
    return lo + (hi - lo) * (double)((h >> shift) & 0xffff) / 65536.0;
}

int64_t sim_metrics_sample_ms(int64_t now_ms)
{
    return now_ms - now_ms % 15000;
}

void sim_metrics_container(const struct sim *s, json_object *pod, json_object *c, int64_t t_ms,
                           uint64_t *cpu_n, uint64_t *mem_ki)
{
    uint64_t h = mix(mix(mix(1469598103934665603ULL ^ s->opt.seed, sim_json_str(pod, "metadata.namespace")),
                         sim_json_str(pod, "metadata.name")), sim_json_str(c, "name"));
    int64_t cpu_lim = res_value(c, "limits", "cpu", 0), cpu_req = res_value(c, "requests", "cpu", 0);
    int64_t mem_lim = res_value(c, "limits", "memory", 1), mem_req = res_value(c, "requests", "memory", 1);
    double cpu_ref = cpu_lim ? cpu_lim : cpu_req ? cpu_req : 100000000.0;          /* 100m */
    double mem_ref = mem_lim ? mem_lim : mem_req ? mem_req : 128.0 * 1024 * 1024;  /* 128Mi */
    double period = 240000.0 + (double)(h % 360000);                               /* 4-10 min */
    double phase = frac(h, 8, 0, 2 * M_PI);
    double wave = sin(2 * M_PI * (double)t_ms / period + phase);
    double wave2 = sin(2 * M_PI * (double)t_ms / (period * 2.7) + phase * 1.3);
    double cpu = cpu_ref * frac(h, 24, 0.05, 0.40) * (1 + 0.3 * wave);
    double mem = mem_ref * frac(h, 40, 0.30, 0.80) * (1 + 0.1 * wave2);
    if (cpu_lim && cpu > cpu_lim)
        cpu = (double)cpu_lim;
    if (mem_lim && mem > mem_lim)
        mem = (double)mem_lim;
    *cpu_n = cpu < 0 ? 0 : (uint64_t)cpu;
    *mem_ki = mem < 0 ? 0 : (uint64_t)(mem / 1024);
}

void sim_metrics_pod(const struct sim *s, json_object *pod, int64_t t_ms, uint64_t *cpu_n, uint64_t *mem_ki)
{
    json_object *cs = sim_json_path(pod, "spec.containers");
    *cpu_n = *mem_ki = 0;
    for (size_t i = 0; cs && json_object_is_type(cs, json_type_array) && i < json_object_array_length(cs); i++) {
        uint64_t c, m;
        sim_metrics_container(s, pod, json_object_array_get_idx(cs, i), t_ms, &c, &m);
        *cpu_n += c;
        *mem_ki += m;
    }
}

int sim_metrics_running(json_object *pod)
{
    const char *phase = sim_json_str(pod, "status.phase");
    return phase && !strcmp(phase, "Running");
}

void sim_metrics_node_base(const struct sim *s, const char *node, int64_t t_ms, uint64_t *cpu_n,
                           uint64_t *mem_ki)
{
    uint64_t h = mix(1469598103934665603ULL ^ s->opt.seed ^ 0x5bd1e995, node);
    double wave = sin(2 * M_PI * (double)t_ms / 300000.0 + frac(h, 8, 0, 2 * M_PI));
    *cpu_n = (uint64_t)((120000000.0 + (double)(h % 80000000)) * (1 + 0.2 * wave));
    *mem_ki = 900000 + (h >> 20) % 400000;
}
