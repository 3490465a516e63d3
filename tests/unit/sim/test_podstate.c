/*
 * test_podstate.c - the simulated kubelet: pod status over time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podstate.h"

#define T0 1764288000000LL      /* 2025-11-28T00:00:00Z */

static json_object *parse(const char *text)
{
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

/* Value at "a.b[1].c", or NULL. */
static json_object *jpath(json_object *o, const char *path)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save)) {
        char *br = strchr(tok, '[');
        json_object *v = NULL;
        if (br)
            *br = 0;
        if (!json_object_object_get_ex(o, tok, &v))
            return NULL;
        o = v;
        if (br)
            o = json_object_array_get_idx(o, (size_t)atoi(br + 1));
    }
    return o;
}

static const char *jstr(json_object *o, const char *path)
{
    json_object *v = jpath(o, path);
    return v ? json_object_get_string(v) : NULL;
}

static int jint(json_object *o, const char *path)
{
    json_object *v = jpath(o, path);
    assert_non_null(v);
    return json_object_get_int(v);
}

static void expect_str(json_object *o, const char *path, const char *want)
{
    const char *got = jstr(o, path);
    if (!got || strcmp(got, want))
        fail_msg("%s: expected \"%s\", got \"%s\"", path, want, got ? got : "(none)");
}

/* The condition of the given type. */
static json_object *cond(json_object *st, const char *type)
{
    json_object *conds = jpath(st, "conditions");
    for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
        json_object *c = json_object_array_get_idx(conds, i);
        if (!strcmp(jstr(c, "type"), type))
            return c;
    }
    fail_msg("no condition %s", type);
    return NULL;
}

static struct sim_pod_facts facts(void)
{
    struct sim_pod_facts f = {.host_ip = "10.0.0.11", .pod_ip = "10.1.0.7", .bound_ms = T0};
    return f;
}

static json_object *status_at(json_object *pod, const struct sim_pod_facts *f, int64_t dt,
                              const struct sim_pod_timing *t)
{
    json_object *st = sim_pod_status(pod, f, T0 + dt, t);
    assert_non_null(st);
    return st;
}

/* The Odoo pod of the rendered Deployment, bound to n1. */
#define ODOO_POD \
    "{\"metadata\":{\"namespace\":\"tenant-a\",\"name\":\"odoo-7d9f5c-abcde\",\"uid\":\"uid-1\"}," \
    "\"spec\":{\"nodeName\":\"n1\",\"initContainers\":[" \
    "{\"name\":\"render-config\",\"image\":\"odoo:17.0\",\"resources\":{\"requests\":{\"cpu\":\"50m\",\"memory\":\"64Mi\"},\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}," \
    "{\"name\":\"wait-db-init\",\"image\":\"odoo:17.0\",\"resources\":{\"requests\":{\"cpu\":\"50m\",\"memory\":\"64Mi\"},\"limits\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]," \
    "\"containers\":[{\"name\":\"odoo\",\"image\":\"odoo:17.0\",\"readinessProbe\":{\"exec\":{\"command\":[\"true\"]}}," \
    "\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"1536Mi\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"1536Mi\"}}}]}}"

static void test_unbound_pending(void **state)
{
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"tenant-a\",\"name\":\"p\"},\"spec\":{\"containers\":"
        "[{\"name\":\"c\",\"image\":\"odoo:17.0\",\"resources\":{\"requests\":{\"cpu\":\"3\"}}}]}}");
    struct sim_pod_facts f = {0};
    json_object *st;
    const char *msg = "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. "
                      "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
                      "1 Preemption is not helpful for scheduling.";

    st = sim_pod_status(pod, &f, T0, NULL);
    expect_str(st, "phase", "Pending");
    assert_null(jpath(st, "conditions"));
    expect_str(st, "qosClass", "Burstable");
    json_object_put(st);

    f.unschedulable = msg;
    f.unschedulable_ms = T0 + 1500;
    st = sim_pod_status(pod, &f, T0 + 5000, NULL);
    expect_str(st, "phase", "Pending");
    expect_str(st, "conditions[0].type", "PodScheduled");
    expect_str(st, "conditions[0].status", "False");
    expect_str(st, "conditions[0].reason", "Unschedulable");
    expect_str(st, "conditions[0].message", msg);
    expect_str(st, "conditions[0].lastTransitionTime", "2025-11-28T00:00:01Z");
    assert_null(jpath(st, "containerStatuses"));
    assert_null(jpath(st, "podIP"));
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 5000, NULL), -1);
    json_object_put(st);
    json_object_put(pod);
}

static void test_creating_then_running_then_ready(void **state)
{
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"t\",\"name\":\"web\",\"uid\":\"u\"},\"spec\":{\"nodeName\":\"n1\","
        "\"containers\":[{\"name\":\"web\",\"image\":\"nginx\",\"readinessProbe\":{}}]}}");
    struct sim_pod_facts f = facts();
    struct sim_pod_timing t;
    json_object *st, *again;

    sim_pod_timing_default(&t);
    st = status_at(pod, &f, 500, &t);
    expect_str(st, "phase", "Pending");
    expect_str(st, "containerStatuses[0].state.waiting.reason", "ContainerCreating");
    expect_str(st, "containerStatuses[0].image", "docker.io/library/nginx:latest");
    expect_str(st, "containerStatuses[0].imageID", "");
    assert_null(jpath(st, "containerStatuses[0].containerID"));
    expect_str(st, "hostIP", "10.0.0.11");
    assert_null(jpath(st, "podIP"));
    expect_str(cond(st, "PodReadyToStartContainers"), "status", "False");
    expect_str(cond(st, "PodScheduled"), "status", "True");
    expect_str(st, "startTime", "2025-11-28T00:00:00Z");
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 500, &t), T0 + 1000);
    json_object_put(st);

    st = status_at(pod, &f, 1000, &t);
    expect_str(st, "phase", "Running");
    expect_str(st, "podIP", "10.1.0.7");
    expect_str(st, "podIPs[0].ip", "10.1.0.7");
    expect_str(st, "containerStatuses[0].state.running.startedAt", "2025-11-28T00:00:01Z");
    assert_true(json_object_get_boolean(jpath(st, "containerStatuses[0].started")));
    assert_false(json_object_get_boolean(jpath(st, "containerStatuses[0].ready")));
    assert_int_equal(jint(st, "containerStatuses[0].restartCount"), 0);
    assert_non_null(strstr(jstr(st, "containerStatuses[0].containerID"), "containerd://"));
    expect_str(cond(st, "Ready"), "status", "False");
    expect_str(cond(st, "Ready"), "reason", "ContainersNotReady");
    expect_str(cond(st, "Ready"), "message", "containers with unready status: [web]");
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 1000, &t), T0 + 2000);
    json_object_put(st);

    st = status_at(pod, &f, 2000, &t);
    assert_true(json_object_get_boolean(jpath(st, "containerStatuses[0].ready")));
    expect_str(cond(st, "Ready"), "status", "True");
    expect_str(cond(st, "ContainersReady"), "status", "True");
    expect_str(cond(st, "Ready"), "lastTransitionTime", "2025-11-28T00:00:02Z");
    assert_null(jpath(cond(st, "Ready"), "reason"));
    expect_str(st, "qosClass", "BestEffort");
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 2000, &t), -1);
    /* deterministic: same inputs, same JSON */
    again = status_at(pod, &f, 2000, &t);
    assert_string_equal(json_object_to_json_string(st), json_object_to_json_string(again));
    json_object_put(again);
    json_object_put(st);
    json_object_put(pod);
}

static void test_init_containers_run_first(void **state)
{
    json_object *pod = parse(ODOO_POD);
    struct sim_pod_facts f = facts();
    json_object *st;

    st = status_at(pod, &f, 1200, NULL);
    expect_str(st, "phase", "Pending");
    expect_str(st, "initContainerStatuses[0].state.running.startedAt", "2025-11-28T00:00:01Z");
    expect_str(st, "initContainerStatuses[1].state.waiting.reason", "PodInitializing");
    expect_str(st, "containerStatuses[0].state.waiting.reason", "PodInitializing");
    expect_str(cond(st, "Initialized"), "status", "False");
    expect_str(cond(st, "Initialized"), "reason", "ContainersNotInitialized");
    expect_str(cond(st, "Initialized"), "message",
               "containers with incomplete status: [render-config wait-db-init]");
    json_object_put(st);

    st = status_at(pod, &f, 2500, NULL);
    expect_str(st, "initContainerStatuses[0].state.terminated.reason", "Completed");
    assert_int_equal(jint(st, "initContainerStatuses[0].state.terminated.exitCode"), 0);
    expect_str(st, "initContainerStatuses[0].state.terminated.finishedAt", "2025-11-28T00:00:02Z");
    assert_true(json_object_get_boolean(jpath(st, "initContainerStatuses[0].ready")));
    expect_str(st, "initContainerStatuses[1].state.running.startedAt", "2025-11-28T00:00:02Z");
    expect_str(cond(st, "Initialized"), "message", "containers with incomplete status: [wait-db-init]");
    expect_str(st, "phase", "Pending");
    json_object_put(st);

    st = status_at(pod, &f, 3000, NULL);
    expect_str(st, "phase", "Running");
    expect_str(cond(st, "Initialized"), "status", "True");
    expect_str(cond(st, "Initialized"), "lastTransitionTime", "2025-11-28T00:00:03Z");
    expect_str(st, "containerStatuses[0].state.running.startedAt", "2025-11-28T00:00:03Z");
    expect_str(cond(st, "Ready"), "status", "False");
    json_object_put(st);

    st = status_at(pod, &f, 4000, NULL);
    expect_str(cond(st, "Ready"), "status", "True");
    expect_str(st, "qosClass", "Burstable");
    json_object_put(st);
    json_object_put(pod);
}

static void test_job_pod_succeeds(void **state)
{
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"tenant-a\",\"name\":\"odoo-db-init-x\",\"ownerReferences\":"
        "[{\"kind\":\"Job\",\"name\":\"odoo-db-init\",\"controller\":true}]},\"spec\":{\"nodeName\":\"n1\","
        "\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"db-init\",\"image\":\"odoo:17.0\"}]}}");
    struct sim_pod_facts f = facts();
    json_object *st;

    st = status_at(pod, &f, 2000, NULL);
    expect_str(st, "phase", "Running");
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 2000, NULL), T0 + 3000);
    json_object_put(st);
    st = status_at(pod, &f, 3000, NULL);
    expect_str(st, "phase", "Succeeded");
    expect_str(st, "containerStatuses[0].state.terminated.reason", "Completed");
    assert_int_equal(jint(st, "containerStatuses[0].state.terminated.exitCode"), 0);
    expect_str(st, "containerStatuses[0].state.terminated.finishedAt", "2025-11-28T00:00:03Z");
    assert_false(json_object_get_boolean(jpath(st, "containerStatuses[0].started")));
    expect_str(cond(st, "Ready"), "status", "False");
    expect_str(cond(st, "Ready"), "reason", "PodCompleted");
    expect_str(cond(st, "PodReadyToStartContainers"), "status", "False");
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 3000, NULL), -1);
    json_object_put(st);
    json_object_put(pod);
}

#define CRASH_POD(policy) \
    "{\"metadata\":{\"namespace\":\"tenant-a\",\"name\":\"web-1\",\"uid\":\"uid-9\"},\"spec\":{\"nodeName\":\"n1\"," \
    "\"restartPolicy\":\"" policy "\",\"containers\":[{\"name\":\"app\",\"image\":\"registry.local:5000/crashloop:v1\"}]}}"

/* Restarts expected at dt by the kubelet rule, computed independently:
 * run 1 s, back-off 10 s doubling to 300 s. */
static int expected_restarts(int64_t dt)
{
    int64_t at = 1000, b = 10000;
    int k = 0;
    for (;;) {
        at += 1000 + b;          /* next start */
        if (at > dt)
            return k;
        k++;
        b = b * 2 > 300000 ? 300000 : b * 2;
    }
}

static void test_crashloop_backoff(void **state)
{
    json_object *pod = parse(CRASH_POD("Always"));
    struct sim_pod_facts f = facts();
    json_object *st;

    st = status_at(pod, &f, 1500, NULL);
    expect_str(st, "containerStatuses[0].state.running.startedAt", "2025-11-28T00:00:01Z");
    json_object_put(st);

    st = status_at(pod, &f, 2500, NULL);
    expect_str(st, "phase", "Running");
    expect_str(st, "containerStatuses[0].state.waiting.reason", "CrashLoopBackOff");
    expect_str(st, "containerStatuses[0].state.waiting.message",
               "back-off 10s restarting failed container=app pod=web-1_tenant-a(uid-9)");
    assert_int_equal(jint(st, "containerStatuses[0].restartCount"), 0);
    assert_int_equal(jint(st, "containerStatuses[0].lastState.terminated.exitCode"), 1);
    expect_str(st, "containerStatuses[0].lastState.terminated.reason", "Error");
    expect_str(st, "containerStatuses[0].lastState.terminated.startedAt", "2025-11-28T00:00:01Z");
    expect_str(st, "containerStatuses[0].lastState.terminated.finishedAt", "2025-11-28T00:00:02Z");
    expect_str(st, "containerStatuses[0].image", "registry.local:5000/crashloop:v1");
    assert_false(json_object_get_boolean(jpath(st, "containerStatuses[0].ready")));
    expect_str(cond(st, "Ready"), "status", "False");
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 2500, NULL), T0 + 12000);
    json_object_put(st);

    st = status_at(pod, &f, 12500, NULL);
    expect_str(st, "containerStatuses[0].state.running.startedAt", "2025-11-28T00:00:12Z");
    assert_int_equal(jint(st, "containerStatuses[0].restartCount"), 1);
    expect_str(st, "containerStatuses[0].lastState.terminated.finishedAt", "2025-11-28T00:00:02Z");
    json_object_put(st);

    st = status_at(pod, &f, 20000, NULL);
    assert_int_equal(jint(st, "containerStatuses[0].restartCount"), 1);
    expect_str(st, "containerStatuses[0].state.waiting.message",
               "back-off 20s restarting failed container=app pod=web-1_tenant-a(uid-9)");
    expect_str(st, "containerStatuses[0].lastState.terminated.startedAt", "2025-11-28T00:00:12Z");
    json_object_put(st);

    /* an hour on: capped at 5m0s, the count follows the same rule */
    for (int64_t dt = 600000; dt <= 3600000; dt += 600000) {
        st = status_at(pod, &f, dt, NULL);
        assert_int_equal(jint(st, "containerStatuses[0].restartCount"), expected_restarts(dt));
        json_object_put(st);
    }
    st = status_at(pod, &f, 3600000, NULL);
    assert_true(expected_restarts(3600000) >= 14);
    if (jpath(st, "containerStatuses[0].state.waiting"))
        assert_non_null(strstr(jstr(st, "containerStatuses[0].state.waiting.message"), "back-off 5m0s "));
    json_object_put(st);
    json_object_put(pod);
}

static void test_crash_with_restart_never_fails(void **state)
{
    json_object *pod = parse(CRASH_POD("Never"));
    struct sim_pod_facts f = facts();
    json_object *st = status_at(pod, &f, 5000, NULL);

    expect_str(st, "phase", "Failed");
    expect_str(st, "containerStatuses[0].state.terminated.reason", "Error");
    assert_int_equal(jint(st, "containerStatuses[0].state.terminated.exitCode"), 1);
    assert_int_equal(jint(st, "containerStatuses[0].restartCount"), 0);
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 5000, NULL), -1);
    json_object_put(st);
    json_object_put(pod);
}

static void test_custom_backoff_durations(void **state)
{
    json_object *pod = parse(CRASH_POD("Always"));
    struct sim_pod_facts f = facts();
    struct sim_pod_timing t;
    const char *want[] = {"1.5s", "3s", "6s", "12s", "24s", "48s", "1m36s", "3m12s", "6m24s", "12m48s",
                          "25m36s", "51m12s", "1h0m0s"};
    int64_t at;

    sim_pod_timing_default(&t);
    t.backoff_ms = 1500;
    t.backoff_max_ms = 3600000;
    at = 1000 + 1000;           /* first crash */
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        json_object *st = status_at(pod, &f, at, &t);
        char msg[128];
        snprintf(msg, sizeof(msg), "back-off %s restarting failed container=app pod=web-1_tenant-a(uid-9)",
                 want[k]);
        expect_str(st, "containerStatuses[0].state.waiting.message", msg);
        assert_int_equal(jint(st, "containerStatuses[0].restartCount"), (int)k);
        json_object_put(st);
        at += (k < 12 ? 1500LL << k : 3600000) + 1000;
    }
    json_object_put(pod);
}

static void test_image_pull_failure(void **state)
{
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"tenant-a\",\"name\":\"odoo-x\"},\"spec\":{\"nodeName\":\"n1\","
        "\"containers\":[{\"name\":\"odoo\",\"image\":\"doesnotexist\"}]}}");
    struct sim_pod_facts f = facts();
    const char *err =
        "rpc error: code = NotFound desc = failed to pull and unpack image "
        "\"docker.io/library/doesnotexist:latest\": failed to resolve reference "
        "\"docker.io/library/doesnotexist:latest\": docker.io/library/doesnotexist:latest: not found";
    char backoff_msg[512];
    json_object *st;

    snprintf(backoff_msg, sizeof(backoff_msg), "Back-off pulling image \"doesnotexist\": ErrImagePull: %s", err);
    st = status_at(pod, &f, 1500, NULL);
    expect_str(st, "containerStatuses[0].state.waiting.reason", "ContainerCreating");
    json_object_put(st);

    st = status_at(pod, &f, 2000, NULL);
    expect_str(st, "phase", "Pending");
    expect_str(st, "containerStatuses[0].state.waiting.reason", "ErrImagePull");
    expect_str(st, "containerStatuses[0].state.waiting.message", err);
    expect_str(st, "containerStatuses[0].imageID", "");
    assert_int_equal(jint(st, "containerStatuses[0].restartCount"), 0);
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 2000, NULL), T0 + 3000);
    json_object_put(st);

    st = status_at(pod, &f, 3000, NULL);
    expect_str(st, "containerStatuses[0].state.waiting.reason", "ImagePullBackOff");
    expect_str(st, "containerStatuses[0].state.waiting.message", backoff_msg);
    expect_str(st, "phase", "Pending");
    expect_str(cond(st, "Ready"), "status", "False");
    /* next attempt: 10 s back-off, 1 s pull -> fails again at 13 s */
    assert_int_equal(sim_pod_next_change(pod, &f, T0 + 3000, NULL), T0 + 13000);
    json_object_put(st);
    st = status_at(pod, &f, 13000, NULL);
    expect_str(st, "containerStatuses[0].state.waiting.reason", "ErrImagePull");
    json_object_put(st);
    st = status_at(pod, &f, 14000, NULL);
    expect_str(st, "containerStatuses[0].state.waiting.reason", "ImagePullBackOff");
    json_object_put(st);
    json_object_put(pod);
}

static void test_failing_init_blocks_app(void **state)
{
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"t\",\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\","
        "\"initContainers\":[{\"name\":\"i\",\"image\":\"crashloop\"}],"
        "\"containers\":[{\"name\":\"c\",\"image\":\"odoo:17.0\"}]}}");
    struct sim_pod_facts f = facts();
    json_object *st = status_at(pod, &f, 5000, NULL);

    expect_str(st, "phase", "Pending");
    expect_str(st, "initContainerStatuses[0].state.waiting.reason", "CrashLoopBackOff");
    expect_str(st, "containerStatuses[0].state.waiting.reason", "PodInitializing");
    expect_str(cond(st, "Initialized"), "status", "False");
    json_object_put(st);
    json_object_put(pod);
}

static void test_qos_and_host_network(void **state)
{
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"kube-system\",\"name\":\"calico-node-x\"},\"spec\":{\"nodeName\":\"n1\","
        "\"hostNetwork\":true,\"containers\":[{\"name\":\"c\",\"image\":\"calico/node:v3\","
        "\"resources\":{\"limits\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"}}}]}}");
    struct sim_pod_facts f = facts();
    json_object *st = status_at(pod, &f, 5000, NULL);

    expect_str(st, "qosClass", "Guaranteed");
    expect_str(st, "podIP", "10.0.0.11");
    expect_str(st, "containerStatuses[0].image", "docker.io/calico/node:v3");
    json_object_put(st);
    assert_null(sim_pod_status(NULL, &f, T0, NULL));
    json_object_put(pod);
}

static void test_ip_pool(void **state)
{
    struct sim_ip_pool *pool = malloc(sizeof(*pool));
    struct os_error err;
    char ip[16];
    int n = 0;

    assert_non_null(pool);
    sim_ip_pool_init(pool);
    assert_int_equal(sim_ip_alloc(pool, ip, sizeof(ip), &err), 0);
    assert_string_equal(ip, "10.1.0.2");
    for (int i = 3; i <= 254; i++)
        assert_int_equal(sim_ip_alloc(pool, ip, sizeof(ip), &err), 0);
    assert_string_equal(ip, "10.1.0.254");
    assert_int_equal(sim_ip_alloc(pool, ip, sizeof(ip), &err), 0);
    assert_string_equal(ip, "10.1.1.1");          /* .255 and .0 skipped */
    sim_ip_release(pool, "10.1.0.2");
    sim_ip_release(pool, "192.168.0.1");          /* ignored */
    assert_int_equal(sim_ip_alloc(pool, ip, sizeof(ip), &err), 0);
    assert_string_equal(ip, "10.1.1.2");          /* no immediate reuse */

    sim_ip_pool_init(pool);
    while (sim_ip_alloc(pool, ip, sizeof(ip), &err) == 0)
        n++;
    assert_int_equal(n, 256 * 254);
    assert_int_equal(err.code, OS_ERR_LIMIT);
    sim_ip_release(pool, "10.1.7.9");
    assert_int_equal(sim_ip_alloc(pool, ip, sizeof(ip), &err), 0);
    assert_string_equal(ip, "10.1.7.9");
    free(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unbound_pending),
        cmocka_unit_test(test_creating_then_running_then_ready),
        cmocka_unit_test(test_init_containers_run_first),
        cmocka_unit_test(test_job_pod_succeeds),
        cmocka_unit_test(test_crashloop_backoff),
        cmocka_unit_test(test_crash_with_restart_never_fails),
        cmocka_unit_test(test_custom_backoff_durations),
        cmocka_unit_test(test_image_pull_failure),
        cmocka_unit_test(test_failing_init_blocks_app),
        cmocka_unit_test(test_qos_and_host_network),
        cmocka_unit_test(test_ip_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
