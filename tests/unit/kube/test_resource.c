/*
 * test_resource.c - REST paths from the resource table (contract 1.1, 1.2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kube/resource.h"

static const char *path(const char *api, const char *kind, const char *ns, const char *name,
                        const char *sub)
{
    static char buf[512];
    struct os_error err;
    const struct kube_resource *r = kube_resource_by_kind(api, kind);

    assert_non_null(r);
    assert_int_equal(kube_resource_path(r, ns, name, sub, buf, sizeof(buf), &err), 0);
    return buf;
}

static void test_contract_paths(void **state)
{
    assert_string_equal(path("v1", "Namespace", NULL, NULL, NULL), "/api/v1/namespaces");
    assert_string_equal(path("v1", "Namespace", NULL, "tenant-acme", NULL), "/api/v1/namespaces/tenant-acme");
    assert_string_equal(path("v1", "Pod", NULL, NULL, NULL), "/api/v1/pods");
    assert_string_equal(path("v1", "Pod", "t", "odoo-1", "log"), "/api/v1/namespaces/t/pods/odoo-1/log");
    assert_string_equal(path("v1", "ResourceQuota", "t", "q", "status"), "/api/v1/namespaces/t/resourcequotas/q/status");
    assert_string_equal(path("apps/v1", "Deployment", "t", NULL, NULL), "/apis/apps/v1/namespaces/t/deployments");
    assert_string_equal(path("apps/v1", "StatefulSet", NULL, NULL, NULL), "/apis/apps/v1/statefulsets");
    assert_string_equal(path("apps/v1", "ReplicaSet", "t", "odoo-5b5d8bd7bd", NULL),
                        "/apis/apps/v1/namespaces/t/replicasets/odoo-5b5d8bd7bd");
    assert_string_equal(path("networking.k8s.io/v1", "NetworkPolicy", "t", "deny", NULL),
                        "/apis/networking.k8s.io/v1/namespaces/t/networkpolicies/deny");
    assert_string_equal(path("storage.k8s.io/v1", "StorageClass", NULL, "microk8s-hostpath", NULL),
                        "/apis/storage.k8s.io/v1/storageclasses/microk8s-hostpath");
    assert_string_equal(path("traefik.io/v1alpha1", "IngressRoute", "t", "odoo", NULL),
                        "/apis/traefik.io/v1alpha1/namespaces/t/ingressroutes/odoo");
    assert_string_equal(path("metrics.k8s.io/v1beta1", "PodMetrics", NULL, NULL, NULL),
                        "/apis/metrics.k8s.io/v1beta1/pods");
    assert_string_equal(path("metrics.k8s.io/v1beta1", "NodeMetrics", NULL, "n1", NULL),
                        "/apis/metrics.k8s.io/v1beta1/nodes/n1");
    /* An empty namespace is "all namespaces". */
    assert_string_equal(path("v1", "Secret", "", NULL, NULL), "/api/v1/secrets");
}

static void test_names_are_escaped(void **state)
{
    assert_string_equal(path("v1", "Secret", "a b", "x/y?z", NULL),
                        "/api/v1/namespaces/a%20b/secrets/x%2Fy%3Fz");
}

static void test_scope_errors(void **state)
{
    char buf[256];
    struct os_error err;
    const struct kube_resource *pod = kube_resource_by_kind("v1", "Pod");
    const struct kube_resource *node = kube_resource_by_kind("v1", "Node");

    assert_int_equal(kube_resource_path(pod, NULL, "p", NULL, buf, sizeof(buf), &err), OS_ERR_INVALID);
    assert_string_equal(err.message, "Pod \"p\" needs a namespace");
    assert_int_equal(kube_resource_path(node, "ns", "n", NULL, buf, sizeof(buf), &err), OS_ERR_INVALID);
    assert_string_equal(err.message, "Node is cluster-scoped and takes no namespace");
    assert_int_equal(kube_resource_path(pod, "ns", NULL, "log", buf, sizeof(buf), &err), OS_ERR_INVALID);
    assert_int_equal(kube_resource_path(pod, "ns", "p", NULL, buf, 20, &err), OS_ERR_LIMIT);
    assert_true(strlen(buf) < 20);
}

static void test_lookups(void **state)
{
    const struct kube_resource *r;
    char buf[64];

    assert_null(kube_resource_by_kind("apps/v1", "Pod"));
    assert_null(kube_resource_by_kind("v1", "Deployment"));
    assert_null(kube_resource_by_kind(NULL, "Pod"));
    assert_null(kube_resource_by_kind("apps/v1beta1", "Deployment"));
    r = kube_resource_by_plural("networking.k8s.io", "v1", "ingresses");
    assert_non_null(r);
    assert_string_equal(r->kind, "Ingress");
    kube_resource_qualified(r, buf, sizeof(buf));
    assert_string_equal(buf, "ingresses.networking.k8s.io");
    kube_resource_api_version(r, buf, sizeof(buf));
    assert_string_equal(buf, "networking.k8s.io/v1");
    r = kube_resource_by_plural("", "v1", "namespaces");
    kube_resource_qualified(r, buf, sizeof(buf));
    assert_string_equal(buf, "namespaces");
    assert_false(r->namespaced);
    /* pods exist twice: core and metrics; the group tells them apart */
    assert_false(kube_resource_by_plural("", "v1", "pods")->read_only);
    assert_true(kube_resource_by_plural("metrics.k8s.io", "v1beta1", "pods")->read_only);
}

static void test_table_is_consistent(void **state)
{
    int n = 0;
    for (const struct kube_resource *r = kube_resources(); r->kind; r++, n++) {
        assert_ptr_equal(kube_resource_by_plural(r->group, r->version, r->plural), r);
        char api[64];
        kube_resource_api_version(r, api, sizeof(api));
        assert_ptr_equal(kube_resource_by_kind(api, r->kind), r);
    }
    assert_true(n >= 22);
}

static void test_url_escape(void **state)
{
    char buf[64];
    assert_int_equal(kube_url_escape("app=odoo,odoo-saas.io/tenant in (a,b)", buf, sizeof(buf)),
                     strlen("app%3Dodoo%2Codoo-saas.io%2Ftenant%20in%20%28a%2Cb%29"));
    assert_string_equal(buf, "app%3Dodoo%2Codoo-saas.io%2Ftenant%20in%20%28a%2Cb%29");
    assert_int_equal(kube_url_escape("a=b", buf, 3), 5);
    assert_string_equal(buf, "a");  /* never half an escape */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_paths),
        cmocka_unit_test(test_names_are_escaped),
        cmocka_unit_test(test_scope_errors),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_table_is_consistent),
        cmocka_unit_test(test_url_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
