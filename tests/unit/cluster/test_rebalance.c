/*
 * test_rebalance.c - the rebalance planner evens out Odoo pods per node.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/rebalance.h"

static struct json_object *node(const char *name, int ready, int cordoned)
{
    char buf[512];
    snprintf(buf, sizeof(buf),
             "{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"unschedulable\":%s},"
             "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\"}]}}",
             name, cordoned ? "true" : "false", ready ? "True" : "False");
    return json_tokener_parse(buf);
}

static struct json_object *pod(const char *tenant, const char *node_name, const char *phase)
{
    char buf[512];
    snprintf(buf, sizeof(buf),
             "{\"metadata\":{\"namespace\":\"tenant-%s\",\"name\":\"odoo-x\",\"labels\":"
             "{\"odoo-saas.io/tenant\":\"%s\",\"odoo-saas.io/role\":\"odoo\"}},"
             "\"spec\":{\"nodeName\":\"%s\"},\"status\":{\"phase\":\"%s\"}}",
             tenant, tenant, node_name, phase);
    return json_tokener_parse(buf);
}

static void plan(struct json_object *nodes, struct json_object *pods, struct rebalance_move **m,
                 size_t *n)
{
    struct os_error err;
    assert_int_equal(rebalance_plan(nodes, pods, m, n, &err), 0);
}

static void test_skewed_two_nodes(void **state)
{
    struct json_object *nodes = json_object_new_array(), *pods = json_object_new_array();
    struct rebalance_move *m;
    size_t n;
    const char *ids[] = {"a", "b", "c", "d", "e"};

    json_object_array_add(nodes, node("n2", 1, 0));
    json_object_array_add(nodes, node("n1", 1, 0));
    for (int i = 0; i < 5; i++)
        json_object_array_add(pods, pod(ids[i], "n1", "Running"));
    plan(nodes, pods, &m, &n);
    /* 5/0 -> 3/2: two moves, greatest ids first, to n2 */
    assert_int_equal(n, 2);
    assert_string_equal(m[0].tenant, "e");
    assert_string_equal(m[0].from, "n1");
    assert_string_equal(m[0].to, "n2");
    assert_string_equal(m[1].tenant, "d");
    free(m);
    json_object_put(nodes);
    json_object_put(pods);
}

static void test_balanced_and_edge_cases(void **state)
{
    struct json_object *nodes = json_object_new_array(), *pods = json_object_new_array();
    struct rebalance_move *m;
    size_t n;

    /* 2/1 is as even as it gets */
    json_object_array_add(nodes, node("n1", 1, 0));
    json_object_array_add(nodes, node("n2", 1, 0));
    json_object_array_add(pods, pod("a", "n1", "Running"));
    json_object_array_add(pods, pod("b", "n1", "Running"));
    json_object_array_add(pods, pod("c", "n2", "Pending"));
    plan(nodes, pods, &m, &n);
    assert_int_equal(n, 0);
    assert_null(m);
    /* finished pods, unbound pods and pods on unknown nodes do not count */
    json_object_array_add(pods, pod("d", "n1", "Succeeded"));
    json_object_array_add(pods, pod("e", "", "Pending"));
    json_object_array_add(pods, pod("f", "n9", "Running"));
    plan(nodes, pods, &m, &n);
    assert_int_equal(n, 0);
    json_object_put(nodes);
    json_object_put(pods);
}

static void test_cordoned_and_notready_are_not_targets(void **state)
{
    struct json_object *nodes = json_object_new_array(), *pods = json_object_new_array();
    struct rebalance_move *m;
    size_t n;
    const char *ids[] = {"a", "b", "c", "d"};

    json_object_array_add(nodes, node("n1", 1, 0));
    json_object_array_add(nodes, node("n2", 1, 1));   /* cordoned */
    json_object_array_add(nodes, node("n3", 0, 0));   /* not ready */
    json_object_array_add(nodes, node("n4", 1, 0));
    for (int i = 0; i < 4; i++)
        json_object_array_add(pods, pod(ids[i], "n1", "Running"));
    plan(nodes, pods, &m, &n);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].to, "n4");
    assert_string_equal(m[1].to, "n4");
    free(m);
    /* one usable node: nothing to do */
    json_object_put(nodes);
    nodes = json_object_new_array();
    json_object_array_add(nodes, node("n1", 1, 0));
    plan(nodes, pods, &m, &n);
    assert_int_equal(n, 0);
    json_object_put(nodes);
    json_object_put(pods);
}

static void test_three_nodes_seven_tenants(void **state)
{
    struct json_object *nodes = json_object_new_array(), *pods = json_object_new_array();
    struct rebalance_move *m;
    size_t n;
    char id[8];

    json_object_array_add(nodes, node("n1", 1, 0));
    json_object_array_add(nodes, node("n2", 1, 0));
    json_object_array_add(nodes, node("n3", 1, 0));
    for (int i = 0; i < 7; i++) {
        snprintf(id, sizeof(id), "t%d", i);
        json_object_array_add(pods, pod(id, i < 6 ? "n1" : "n2", "Running"));
    }
    plan(nodes, pods, &m, &n);
    /* 6/1/0 -> three moves; afterwards no node above 3 and max - min <= 1 */
    assert_int_equal(n, 3);
    int count[3] = {6, 1, 0};
    for (size_t i = 0; i < n; i++) {
        count[m[i].from[1] - '1']--;
        count[m[i].to[1] - '1']++;
        assert_string_equal(m[i].from, "n1");
    }
    for (int i = 0; i < 3; i++)
        assert_true(count[i] >= 2 && count[i] <= 3);
    free(m);
    json_object_put(nodes);
    json_object_put(pods);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skewed_two_nodes),
        cmocka_unit_test(test_balanced_and_edge_cases),
        cmocka_unit_test(test_cordoned_and_notready_are_not_targets),
        cmocka_unit_test(test_three_nodes_seven_tenants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
