/*
 * test_nodes.c - per-node totals: scheduler request rule, tenants, spread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cluster/nodes.h"

static const char nodes_json[] =
    "{\"kind\":\"NodeList\",\"items\":["
    "{\"metadata\":{\"name\":\"n2\",\"labels\":{\"node.kubernetes.io/microk8s-worker\":\"microk8s-worker\"}},"
    " \"spec\":{\"unschedulable\":true},"
    " \"status\":{\"capacity\":{\"cpu\":\"4\",\"memory\":\"16Gi\",\"pods\":\"110\"},"
    "  \"allocatable\":{\"cpu\":\"3900m\",\"memory\":\"16318864Ki\",\"pods\":\"110\"},"
    "  \"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}},"
    "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"node.kubernetes.io/microk8s-controlplane\":\"microk8s-controlplane\"}},"
    " \"status\":{\"capacity\":{\"cpu\":\"8\",\"memory\":\"32Gi\",\"pods\":\"110\"},"
    "  \"allocatable\":{\"cpu\":\"8\",\"memory\":\"32Gi\",\"pods\":\"100\"},"
    "  \"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}]}},"
    "{\"metadata\":{\"name\":\"n3\"},"
    " \"status\":{\"allocatable\":{\"cpu\":\"2\",\"memory\":\"4Gi\",\"pods\":\"110\"},"
    "  \"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}]}";

#define POD(ns, name, node, phase, labels, spec) \
    "{\"metadata\":{\"namespace\":\"" ns "\",\"name\":\"" name "\",\"labels\":{" labels "}}," \
    "\"spec\":{\"nodeName\":\"" node "\"," spec "},\"status\":{\"phase\":\"" phase "\"}}"
#define RES(req_cpu, req_mem, lim_cpu, lim_mem) \
    "{\"name\":\"c\",\"image\":\"x\",\"resources\":{\"requests\":{\"cpu\":\"" req_cpu "\",\"memory\":\"" req_mem "\"}," \
    "\"limits\":{\"cpu\":\"" lim_cpu "\",\"memory\":\"" lim_mem "\"}}}"

static const char pods_json[] =
    "{\"kind\":\"PodList\",\"items\":["
    /* two containers: 250m+250m, 256Mi+256Mi; an init container of 1 cpu wins for cpu only */
    POD("tenant-acme", "odoo-1", "n1", "Running", "\"odoo-saas.io/tenant\":\"acme\"",
        "\"initContainers\":[" RES("1", "128Mi", "1", "128Mi") "],"
        "\"containers\":[" RES("250m", "256Mi", "500m", "512Mi") "," RES("250m", "256Mi", "500m", "512Mi") "]") ","
    /* same tenant on the same node counts once; overhead is added */
    POD("tenant-acme", "pg-0", "n1", "Running", "\"odoo-saas.io/tenant\":\"acme\"",
        "\"overhead\":{\"cpu\":\"10m\",\"memory\":\"1Mi\"},\"containers\":[" RES("100m", "128Mi", "200m", "256Mi") "]") ","
    /* tenant from the namespace when the label is missing */
    POD("tenant-zeta", "odoo-2", "n1", "Pending", "\"app\":\"odoo\"",
        "\"containers\":[" RES("100m", "100Mi", "100m", "100Mi") "]") ","
    /* finished pods hold nothing */
    POD("tenant-acme", "init-db", "n1", "Succeeded", "\"odoo-saas.io/tenant\":\"acme\"",
        "\"containers\":[" RES("4", "4Gi", "4", "4Gi") "]") ","
    /* a system pod: counted, no tenant */
    POD("kube-system", "coredns", "n2", "Running", "\"k8s-app\":\"kube-dns\"",
        "\"containers\":[" RES("100m", "70Mi", "100m", "170Mi") "]") ","
    /* unscheduled and on an unknown node: ignored */
    "{\"metadata\":{\"namespace\":\"tenant-x\",\"name\":\"p\"},\"spec\":{\"containers\":[]},\"status\":{\"phase\":\"Pending\"}},"
    POD("tenant-x", "ghost", "n9", "Running", "", "\"containers\":[]")
    "]}";

static const char metrics_json[] =
    "{\"kind\":\"NodeMetricsList\",\"items\":["
    "{\"metadata\":{\"name\":\"n1\"},\"usage\":{\"cpu\":\"245718223n\",\"memory\":\"3261020Ki\"}}]}";

static void build(struct cluster_nodes *cn, int with_metrics)
{
    struct os_error err;
    struct json_object *n = json_tokener_parse(nodes_json);
    struct json_object *p = json_tokener_parse(pods_json);
    struct json_object *m = json_tokener_parse(metrics_json);

    assert_non_null(n);
    assert_non_null(p);
    assert_non_null(m);
    assert_int_equal(cluster_nodes_build(n, p, with_metrics ? m : NULL, cn, &err), 0);
    json_object_put(n);
    json_object_put(p);
    json_object_put(m);
}

static void test_nodes_sorted_with_state(void **state)
{
    struct cluster_nodes cn;
    build(&cn, 1);
    assert_int_equal(cn.n, 3);
    assert_string_equal(cn.nodes[0].name, "n1");
    assert_string_equal(cn.nodes[0].role, "control-plane");
    assert_true(cn.nodes[0].ready);
    assert_false(cn.nodes[0].unschedulable);
    assert_string_equal(cn.nodes[1].role, "worker");
    assert_true(cn.nodes[1].unschedulable);
    assert_false(cn.nodes[2].ready);
    assert_int_equal(cn.nodes[1].cpu_allocatable_m, 3900);
    assert_int_equal(cn.nodes[1].mem_allocatable, 16318864LL * 1024);
    assert_int_equal(cn.nodes[0].pods_allocatable, 100);
    cluster_nodes_free(&cn);
}

static void test_requests_follow_scheduler_rule(void **state)
{
    struct cluster_nodes cn;
    build(&cn, 1);
    /* n1: odoo-1 cpu max(500m, 1000m init)=1000m, mem max(512Mi,128Mi)=512Mi;
     *     pg-0 100m+10m overhead, 128Mi+1Mi; odoo-2 100m, 100Mi. */
    assert_int_equal(cn.nodes[0].cpu_requests_m, 1000 + 110 + 100);
    assert_int_equal(cn.nodes[0].mem_requests, (512LL + 129 + 100) << 20);
    assert_int_equal(cn.nodes[0].cpu_limits_m, 1000 + 210 + 100);
    assert_int_equal(cn.nodes[0].pods, 3);
    assert_int_equal(cn.nodes[1].pods, 1);
    assert_int_equal(cn.nodes[1].cpu_requests_m, 100);
    cluster_nodes_free(&cn);
}

static void test_tenants_and_spread(void **state)
{
    struct cluster_nodes cn;
    build(&cn, 0);
    assert_int_equal(cn.nodes[0].ntenants, 2);
    assert_string_equal(cn.nodes[0].tenants[0], "acme");
    assert_string_equal(cn.nodes[0].tenants[1], "zeta");
    assert_int_equal(cn.nodes[1].ntenants, 0);
    /* cordoned n2 and NotReady n3 do not count towards the spread */
    assert_int_equal(cn.max_tenants, 2);
    assert_int_equal(cn.min_tenants, 2);
    cluster_nodes_free(&cn);
}

static void test_metrics(void **state)
{
    struct cluster_nodes cn;
    build(&cn, 1);
    assert_int_equal(cn.nodes[0].cpu_used_m, 246);  /* rounded up from nanocores */
    assert_int_equal(cn.nodes[0].mem_used, 3261020LL * 1024);
    assert_int_equal(cn.nodes[1].cpu_used_m, -1);
    cluster_nodes_free(&cn);
    build(&cn, 0);
    assert_int_equal(cn.nodes[0].mem_used, -1);
    cluster_nodes_free(&cn);
}

static void test_empty_and_garbage(void **state)
{
    struct cluster_nodes cn;
    struct os_error err;
    struct json_object *junk = json_object_new_string("nope");

    assert_int_equal(cluster_nodes_build(NULL, NULL, NULL, &cn, &err), 0);
    assert_int_equal(cn.n, 0);
    cluster_nodes_free(&cn);
    assert_int_equal(cluster_nodes_build(junk, junk, junk, &cn, &err), 0);
    assert_int_equal(cn.n, 0);
    cluster_nodes_free(&cn);
    json_object_put(junk);
}

static void test_pod_tenant(void **state)
{
    struct json_object *p = json_tokener_parse(
        "{\"metadata\":{\"namespace\":\"tenant-acme\",\"labels\":{\"odoo-saas.io/tenant\":\"other\"}}}");
    struct json_object *q = json_tokener_parse("{\"metadata\":{\"namespace\":\"default\"}}");
    assert_string_equal(pod_tenant(p), "other");
    assert_null(pod_tenant(q));
    json_object_put(p);
    json_object_put(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodes_sorted_with_state),
        cmocka_unit_test(test_requests_follow_scheduler_rule),
        cmocka_unit_test(test_tenants_and_spread),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_empty_and_garbage),
        cmocka_unit_test(test_pod_tenant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
