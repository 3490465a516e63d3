/*
 * test_quota.c - ResourceQuota admission messages and status.used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "quota.h"

static json_object *parse(const char *text)
{
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

static const char *field(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v ? json_object_get_string(v) : NULL;
}

/* The tenant quota exactly as `odoo-saas tenant render` writes it. */
#define TENANT_QUOTA \
    "{\"apiVersion\":\"v1\",\"kind\":\"ResourceQuota\"," \
    "\"metadata\":{\"name\":\"tenant-quota\",\"namespace\":\"tenant-acme\"}," \
    "\"spec\":{\"hard\":{\"requests.cpu\":\"1\",\"limits.cpu\":\"2\",\"requests.memory\":\"3Gi\"," \
    "\"limits.memory\":\"3Gi\",\"requests.storage\":\"10Gi\",\"persistentvolumeclaims\":\"4\"," \
    "\"pods\":\"10\",\"services\":\"4\",\"services.nodeports\":\"0\",\"services.loadbalancers\":\"0\"," \
    "\"secrets\":\"16\",\"configmaps\":\"16\"}}}"

#define RES(rc, rm, lc, lm) \
    "\"resources\":{\"requests\":{\"cpu\":\"" rc "\",\"memory\":\"" rm "\"}," \
    "\"limits\":{\"cpu\":\"" lc "\",\"memory\":\"" lm "\"}}"

/* Odoo and PostgreSQL pods of the rendered templates. */
#define ODOO_POD(name, phase) \
    "{\"metadata\":{\"namespace\":\"tenant-acme\",\"name\":\"" name "\"},\"spec\":{" \
    "\"initContainers\":[{\"name\":\"render-config\"," RES("50m", "64Mi", "100m", "64Mi") "}," \
    "{\"name\":\"wait-db-init\"," RES("50m", "64Mi", "100m", "64Mi") "}]," \
    "\"containers\":[{\"name\":\"odoo\"," RES("500m", "1536Mi", "1", "1536Mi") "}]}," \
    "\"status\":{\"phase\":\"" phase "\"}}"
#define PG_POD \
    "{\"metadata\":{\"namespace\":\"tenant-acme\",\"name\":\"postgresql-0\"},\"spec\":{" \
    "\"containers\":[{\"name\":\"postgresql\"," RES("250m", "768Mi", "500m", "768Mi") "}]}," \
    "\"status\":{\"phase\":\"Running\"}}"

static void expect_refusal(json_object *st, const char *name, const char *kind, const char *msg)
{
    json_object *details = NULL, *code = NULL;

    assert_non_null(st);
    assert_string_equal(field(st, "kind"), "Status");
    assert_string_equal(field(st, "apiVersion"), "v1");
    assert_string_equal(field(st, "status"), "Failure");
    assert_string_equal(field(st, "reason"), "Forbidden");
    assert_true(json_object_object_get_ex(st, "code", &code));
    assert_int_equal(json_object_get_int(code), 403);
    assert_true(json_object_object_get_ex(st, "details", &details));
    assert_string_equal(field(details, "kind"), kind);
    assert_string_equal(field(details, "name"), name);
    assert_null(field(details, "group"));
    assert_string_equal(field(st, "message"), msg);
}

static void test_must_specify_limits(void **state)
{
    json_object *quotas = parse("[" TENANT_QUOTA "]");
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"tenant-acme\",\"name\":\"x\"},\"spec\":{\"containers\":["
        "{\"name\":\"odoo\",\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}}}]}}");
    json_object *st = NULL;
    struct os_error err;

    assert_int_equal(sim_quota_admit_pod(pod, quotas, NULL, &st, &err), 0);
    expect_refusal(st, "x", "pods",
        "pods \"x\" is forbidden: failed quota: tenant-quota: must specify "
        "limits.cpu for: odoo; limits.memory for: odoo");
    json_object_put(st);
    json_object_put(pod);
    json_object_put(quotas);
}

static void test_must_specify_lists_containers_sorted(void **state)
{
    json_object *quotas = parse("[" TENANT_QUOTA "]");
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"tenant-acme\",\"generateName\":\"odoo-7d9f5c-\"},\"spec\":{"
        "\"initContainers\":[{\"name\":\"render-config\"}],"
        "\"containers\":[{\"name\":\"odoo\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}},"
        "{\"name\":\"cron\"," RES("10m", "10Mi", "10m", "10Mi") "}]}}");
    json_object *st = NULL;
    struct os_error err;

    assert_int_equal(sim_quota_admit_pod(pod, quotas, NULL, &st, &err), 0);
    /* name from generateName, as for a ReplicaSet's pod */
    expect_refusal(st, "odoo-7d9f5c-", "pods",
        "pods \"odoo-7d9f5c-\" is forbidden: failed quota: tenant-quota: must specify "
        "limits.cpu for: render-config; limits.memory for: odoo,render-config; "
        "requests.cpu for: odoo,render-config; requests.memory for: odoo,render-config");
    json_object_put(st);
    json_object_put(pod);
    json_object_put(quotas);
}

static void test_constraints_only_for_constrained_resources(void **state)
{
    /* a quota on pods only: no container needs resources */
    json_object *quotas = parse("[{\"metadata\":{\"name\":\"count\"},\"spec\":{\"hard\":{\"pods\":\"5\"}}}]");
    json_object *pod = parse("{\"metadata\":{\"name\":\"bare\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
    json_object *st = NULL;
    struct os_error err;

    assert_int_equal(sim_quota_admit_pod(pod, quotas, NULL, &st, &err), 0);
    assert_null(st);
    /* no quota at all */
    assert_int_equal(sim_quota_admit_pod(pod, NULL, NULL, &st, &err), 0);
    assert_null(st);
    json_object_put(pod);
    json_object_put(quotas);
}

static void test_exceeded_limits_memory(void **state)
{
    json_object *quotas = parse(
        "[{\"metadata\":{\"name\":\"tenant-quota\"},\"spec\":{\"hard\":{\"limits.memory\":\"2Gi\",\"pods\":\"10\"}}}]");
    json_object *pods = parse(
        "[{\"metadata\":{\"namespace\":\"t\",\"name\":\"a\"},\"spec\":{\"containers\":["
        "{\"name\":\"c\",\"resources\":{\"limits\":{\"memory\":\"1Gi\"}}}]},\"status\":{\"phase\":\"Running\"}},"
        "{\"metadata\":{\"namespace\":\"t\",\"name\":\"old\"},\"spec\":{\"containers\":["
        "{\"name\":\"c\",\"resources\":{\"limits\":{\"memory\":\"1Gi\"}}}]},\"status\":{\"phase\":\"Succeeded\"}}]");
    json_object *pod = parse(
        "{\"metadata\":{\"namespace\":\"t\",\"name\":\"x\"},\"spec\":{\"containers\":["
        "{\"name\":\"c\",\"resources\":{\"limits\":{\"memory\":\"2Gi\"}}}]}}");
    json_object *small = parse(
        "{\"metadata\":{\"namespace\":\"t\",\"name\":\"y\"},\"spec\":{\"containers\":["
        "{\"name\":\"c\",\"resources\":{\"limits\":{\"memory\":\"1Gi\"}}}]}}");
    json_object *st = NULL;
    struct os_error err;

    assert_int_equal(sim_quota_admit_pod(pod, quotas, pods, &st, &err), 0);
    expect_refusal(st, "x", "pods",
        "pods \"x\" is forbidden: exceeded quota: tenant-quota, requested: limits.memory=2Gi, "
        "used: limits.memory=1Gi, limited: limits.memory=2Gi");
    json_object_put(st);
    /* exactly at the limit is fine; the Succeeded pod holds nothing */
    assert_int_equal(sim_quota_admit_pod(small, quotas, pods, &st, &err), 0);
    assert_null(st);
    json_object_put(small);
    json_object_put(pod);
    json_object_put(pods);
    json_object_put(quotas);
}

static void test_exceeded_several_sorted(void **state)
{
    json_object *quotas = parse("[" TENANT_QUOTA "]");
    json_object *pods = parse("[" ODOO_POD("odoo-1", "Running") "," PG_POD "]");
    json_object *pod = parse(ODOO_POD("odoo-2", "Pending"));
    json_object *st = NULL;
    struct os_error err;

    /* used 750m/1500m/2304Mi/2304Mi; + 500m/1/1536Mi/1536Mi:
     * requests.cpu 1250m > 1, limits.cpu 2500m > 2, memory 3840Mi > 3Gi */
    assert_int_equal(sim_quota_admit_pod(pod, quotas, pods, &st, &err), 0);
    expect_refusal(st, "odoo-2", "pods",
        "pods \"odoo-2\" is forbidden: exceeded quota: tenant-quota, "
        "requested: limits.cpu=1,limits.memory=1536Mi,requests.cpu=500m,requests.memory=1536Mi, "
        "used: limits.cpu=1500m,limits.memory=2304Mi,requests.cpu=750m,requests.memory=2304Mi, "
        "limited: limits.cpu=2,limits.memory=3Gi,requests.cpu=1,requests.memory=3Gi");
    json_object_put(st);
    /* the pod already in the list (same name) is not counted twice */
    json_object_put(pod);
    pod = parse(ODOO_POD("odoo-1", "Pending"));
    assert_int_equal(sim_quota_admit_pod(pod, quotas, pods, &st, &err), 0);
    assert_null(st);
    json_object_put(pod);
    json_object_put(pods);
    json_object_put(quotas);
}

static void test_exceeded_pod_count_second_quota(void **state)
{
    json_object *quotas = parse(
        "{\"kind\":\"ResourceQuotaList\",\"items\":["
        "{\"metadata\":{\"name\":\"roomy\"},\"spec\":{\"hard\":{\"pods\":\"10\"}}},"
        "{\"metadata\":{\"name\":\"tight\"},\"spec\":{\"hard\":{\"count/pods\":\"3\",\"pods\":\"2\"}}}]}");
    json_object *pods = parse(
        "[{\"metadata\":{\"name\":\"a\"},\"spec\":{},\"status\":{\"phase\":\"Running\"}},"
        "{\"metadata\":{\"name\":\"b\"},\"spec\":{},\"status\":{\"phase\":\"Running\"}},"
        "{\"metadata\":{\"name\":\"c\"},\"spec\":{},\"status\":{\"phase\":\"Failed\"}}]");
    json_object *pod = parse("{\"metadata\":{\"name\":\"d\"},\"spec\":{}}");
    json_object *st = NULL;
    struct os_error err;

    assert_int_equal(sim_quota_admit_pod(pod, quotas, pods, &st, &err), 0);
    expect_refusal(st, "d", "pods",
        "pods \"d\" is forbidden: exceeded quota: tight, requested: count/pods=1,pods=1, "
        "used: count/pods=3,pods=2, limited: count/pods=3,pods=2");
    json_object_put(st);
    json_object_put(pod);
    json_object_put(pods);
    json_object_put(quotas);
}

static struct sim_quota_objects tenant_objects(void)
{
    struct sim_quota_objects o = {
        .pods = parse("[" ODOO_POD("odoo-1", "Running") "," PG_POD ","
                      ODOO_POD("odoo-db-init-x", "Succeeded") "]"),
        .pvcs = parse("[{\"metadata\":{\"name\":\"data-postgresql-0\"},\"spec\":{\"resources\":"
                      "{\"requests\":{\"storage\":\"7680Mi\"}}}},"
                      "{\"metadata\":{\"name\":\"odoo-filestore\"},\"spec\":{\"resources\":"
                      "{\"requests\":{\"storage\":\"2Gi\"}}}}]"),
        .services = parse("{\"items\":[{\"metadata\":{\"name\":\"odoo\"},\"spec\":{\"ports\":[{\"port\":8069}]}},"
                          "{\"metadata\":{\"name\":\"postgresql\"},\"spec\":{\"type\":\"ClusterIP\","
                          "\"ports\":[{\"port\":5432}]}}]}"),
        .secrets = parse("[{\"metadata\":{\"name\":\"odoo\"}},{\"metadata\":{\"name\":\"odoo-admin\"}},"
                         "{\"metadata\":{\"name\":\"postgresql\"}}]"),
        .configmaps = parse("[{\"metadata\":{\"name\":\"odoo-config\"}},{\"metadata\":{\"name\":\"postgresql-init\"}},"
                            "{\"metadata\":{\"name\":\"kube-root-ca.crt\"}}]"),
    };
    return o;
}

static void objects_free(struct sim_quota_objects *o)
{
    json_object_put(o->pods);
    json_object_put(o->pvcs);
    json_object_put(o->services);
    json_object_put(o->secrets);
    json_object_put(o->configmaps);
}

static void test_used_for_tenant_quota(void **state)
{
    json_object *quota = parse(TENANT_QUOTA), *used = NULL;
    struct sim_quota_objects objs = tenant_objects();
    struct os_error err;

    assert_int_equal(sim_quota_used(quota, &objs, &used, &err), 0);
    assert_string_equal(field(used, "pods"), "2");          /* the Succeeded one is out */
    assert_string_equal(field(used, "requests.cpu"), "750m");
    assert_string_equal(field(used, "limits.cpu"), "1500m");
    assert_string_equal(field(used, "requests.memory"), "2304Mi");
    assert_string_equal(field(used, "limits.memory"), "2304Mi");
    assert_string_equal(field(used, "requests.storage"), "9728Mi");
    assert_string_equal(field(used, "persistentvolumeclaims"), "2");
    assert_string_equal(field(used, "services"), "2");
    assert_string_equal(field(used, "services.nodeports"), "0");
    assert_string_equal(field(used, "services.loadbalancers"), "0");
    assert_string_equal(field(used, "secrets"), "3");
    assert_string_equal(field(used, "configmaps"), "3");
    assert_int_equal(json_object_object_length(used), 12);
    json_object_put(used);

    /* nothing in the namespace: every hard key reads "0" */
    assert_int_equal(sim_quota_used(quota, NULL, &used, &err), 0);
    assert_string_equal(field(used, "limits.memory"), "0");
    assert_string_equal(field(used, "requests.cpu"), "0");
    json_object_put(used);
    objects_free(&objs);
    json_object_put(quota);
}

static void test_status_hard_canonical_and_unknown_keys(void **state)
{
    json_object *quota = parse(
        "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"limits.memory\":\"3072Mi\","
        "\"requests.cpu\":\"1.5\",\"count/secrets\":\"20\",\"services.nodeports\":\"2\","
        "\"services.loadbalancers\":\"1\",\"requests.nvidia.com/gpu\":\"1\"}}}");
    json_object *st = NULL, *hard = NULL, *used = NULL;
    struct sim_quota_objects objs = tenant_objects();
    struct os_error err;

    json_object_put(objs.services);
    objs.services = parse("[{\"metadata\":{\"name\":\"np\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":1},{\"port\":2}]}},"
                          "{\"metadata\":{\"name\":\"lb\"},\"spec\":{\"type\":\"LoadBalancer\","
                          "\"allocateLoadBalancerNodePorts\":false,\"ports\":[{\"port\":1,\"nodePort\":30001},{\"port\":2}]}}]");
    assert_int_equal(sim_quota_status(quota, &objs, &st, &err), 0);
    assert_true(json_object_object_get_ex(st, "hard", &hard));
    assert_true(json_object_object_get_ex(st, "used", &used));
    assert_string_equal(field(hard, "limits.memory"), "3Gi");
    assert_string_equal(field(hard, "requests.cpu"), "1500m");
    assert_string_equal(field(hard, "requests.nvidia.com/gpu"), "1");   /* kept as written */
    assert_string_equal(field(used, "count/secrets"), "3");
    assert_string_equal(field(used, "services.nodeports"), "3");
    assert_string_equal(field(used, "services.loadbalancers"), "1");
    assert_null(field(used, "requests.nvidia.com/gpu"));
    json_object_put(st);
    objects_free(&objs);
    json_object_put(quota);
}

static void test_other_kinds(void **state)
{
    json_object *quotas = parse("[" TENANT_QUOTA "]");
    json_object *secret = parse("{\"metadata\":{\"namespace\":\"tenant-acme\",\"name\":\"s17\"}}");
    json_object *svc = parse("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80}]}}");
    json_object *pvc = parse("{\"metadata\":{\"name\":\"big\"},\"spec\":{\"resources\":{\"requests\":{\"storage\":\"512Mi\"}}}}");
    json_object *nopvc = parse("{\"metadata\":{\"name\":\"nosize\"},\"spec\":{}}");
    struct sim_quota_objects objs = tenant_objects();
    json_object *many = json_object_new_array(), *st = NULL;
    struct os_error err;

    for (int i = 0; i < 16; i++) {
        char buf[96];
        snprintf(buf, sizeof(buf), "{\"metadata\":{\"namespace\":\"tenant-acme\",\"name\":\"s%d\"}}", i);
        json_object_array_add(many, parse(buf));
    }
    json_object_put(objs.secrets);
    objs.secrets = many;
    assert_int_equal(sim_quota_admit(secret, "secrets", quotas, &objs, &st, &err), 0);
    expect_refusal(st, "s17", "secrets",
        "secrets \"s17\" is forbidden: exceeded quota: tenant-quota, requested: secrets=1, "
        "used: secrets=16, limited: secrets=16");
    json_object_put(st);
    assert_int_equal(sim_quota_admit(svc, "services", quotas, &objs, &st, &err), 0);
    expect_refusal(st, "web", "services",
        "services \"web\" is forbidden: exceeded quota: tenant-quota, requested: services.nodeports=1, "
        "used: services.nodeports=0, limited: services.nodeports=0");
    json_object_put(st);
    /* 9728Mi + 512Mi = 10Gi: exactly at the limit */
    assert_int_equal(sim_quota_admit(pvc, "persistentvolumeclaims", quotas, &objs, &st, &err), 0);
    assert_null(st);
    assert_int_equal(sim_quota_admit(nopvc, "persistentvolumeclaims", quotas, &objs, &st, &err), 0);
    expect_refusal(st, "nosize", "persistentvolumeclaims",
        "persistentvolumeclaims \"nosize\" is forbidden: failed quota: tenant-quota: must specify requests.storage");
    json_object_put(st);
    /* a kind quotas do not track here */
    assert_int_equal(sim_quota_admit(secret, "ingresses", quotas, &objs, &st, &err), 0);
    assert_null(st);
    objects_free(&objs);
    json_object_put(nopvc);
    json_object_put(pvc);
    json_object_put(svc);
    json_object_put(secret);
    json_object_put(quotas);
}

static void test_forbidden_helper_and_errors(void **state)
{
    json_object *st = sim_quota_forbidden("pods", NULL, "exceeded quota: q");
    json_object *details = NULL, *used = NULL;
    json_object *nohard = parse("{\"metadata\":{\"name\":\"q\"},\"spec\":{}}");
    struct os_error err;

    assert_non_null(st);
    assert_string_equal(field(st, "message"), "pods is forbidden: exceeded quota: q");
    assert_true(json_object_object_get_ex(st, "details", &details));
    assert_null(field(details, "name"));
    assert_string_equal(field(details, "kind"), "pods");
    json_object_put(st);
    assert_int_equal(sim_quota_used(nohard, NULL, &used, &err), OS_ERR_INVALID);
    assert_null(used);
    assert_int_equal(sim_quota_admit(NULL, "pods", NULL, NULL, &st, &err), OS_ERR_INVALID);
    json_object_put(nohard);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_must_specify_limits),
        cmocka_unit_test(test_must_specify_lists_containers_sorted),
        cmocka_unit_test(test_constraints_only_for_constrained_resources),
        cmocka_unit_test(test_exceeded_limits_memory),
        cmocka_unit_test(test_exceeded_several_sorted),
        cmocka_unit_test(test_exceeded_pod_count_second_quota),
        cmocka_unit_test(test_used_for_tenant_quota),
        cmocka_unit_test(test_status_hard_canonical_and_unknown_keys),
        cmocka_unit_test(test_other_kinds),
        cmocka_unit_test(test_forbidden_helper_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
