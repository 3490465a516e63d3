/*
 * test_isolation.c - the isolation report on real renders: two tenants
 * (basic and premium) made by tenant_render() pass every check, and taking
 * one policy away makes exactly the checks that depend on it fail, so a
 * template regression cannot go unnoticed.  Also: live pods before
 * template pods, missing pods, the synthesized neighbour, and the JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cluster/isolation.h"
#include "tenant/render.h"

/* MicroK8s' own ingress addon: a non-default namespace and label, so the
 * test also proves the config reaches both the templates and the report. */
static const char config_yaml[] =
    "ingress:\n  namespace: ingress\n  pod_label: name=nginx-ingress-microk8s\n";

struct fixture {
    struct os_config *cfg;
    struct json_object *objects;    /* both tenants' rendered objects */
    struct json_object *templates;  /* isolation_template_pods(objects) */
};

static struct json_object *render(const struct os_config *cfg, const char *id, const char *tier)
{
    struct tenant_spec spec = {.id = id, .tier = tier, .admin_email = "admin@example.com"};
    struct json_object *out = NULL;
    struct os_error err;

    if (tenant_render(&spec, cfg, NULL, 1700000000, &out, &err) < 0)
        fail_msg("render %s: %s", id, err.message);
    return out;
}

/* Append every item of a rendered List to arr. */
static void add_items(struct json_object *arr, struct json_object *list)
{
    struct json_object *items = NULL;

    assert_true(json_object_object_get_ex(list, "items", &items));
    for (size_t i = 0; i < json_object_array_length(items); i++)
        json_object_array_add(arr, json_object_get(json_object_array_get_idx(items, i)));
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct json_object *acme, *zeta;
    struct os_error err;

    if (!f || os_config_load_text("test", config_yaml, strlen(config_yaml), &f->cfg, &err) < 0)
        return -1;
    acme = render(f->cfg, "acme", "basic");
    zeta = render(f->cfg, "zeta", "premium");
    f->objects = json_object_new_array();
    add_items(f->objects, acme);
    add_items(f->objects, zeta);
    json_object_put(acme);
    json_object_put(zeta);
    if (isolation_template_pods(f->objects, &f->templates, &err) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    json_object_put(f->objects);
    json_object_put(f->templates);
    os_config_free(f->cfg);
    free(f);
    return 0;
}

static const char *meta(struct json_object *obj, const char *key)
{
    struct json_object *m = NULL, *v = NULL;
    json_object_object_get_ex(obj, "metadata", &m);
    json_object_object_get_ex(m, key, &v);
    return v ? json_object_get_string(v) : "";
}

static const char *kind_of(struct json_object *obj)
{
    struct json_object *v = NULL;
    json_object_object_get_ex(obj, "kind", &v);
    return v ? json_object_get_string(v) : "";
}

/* The objects without the NetworkPolicies whose namespace/name is listed
 * (NULL-terminated); a new array. */
static struct json_object *without(struct json_object *objects, const char *const *drop)
{
    struct json_object *out = json_object_new_array();

    for (size_t i = 0; i < json_object_array_length(objects); i++) {
        struct json_object *o = json_object_array_get_idx(objects, i);
        char id[160];
        int skip = 0;
        snprintf(id, sizeof(id), "%s/%s", meta(o, "namespace"), meta(o, "name"));
        for (size_t k = 0; drop && drop[k]; k++)
            skip |= !strcmp(kind_of(o), "NetworkPolicy") && !strcmp(id, drop[k]);
        if (!skip)
            json_object_array_add(out, json_object_get(o));
    }
    return out;
}

static void run(const struct fixture *f, const char *tenant, struct json_object *policies,
                struct json_object *pods, struct json_object *templates,
                struct isolation_report *r)
{
    const struct os_tier *tier = os_config_tier(f->cfg, strcmp(tenant, "zeta") ? "basic" : "premium");
    struct isolation_input in = {
        .tenant = tenant,
        .egress_expected = tier->allow_egress,
        .policies = policies,
        .namespaces = f->objects,
        .pods = pods,
        .template_pods = templates,
        .ingress_namespace = f->cfg->ingress_namespace,
        .ingress_pod_label = f->cfg->ingress_pod_label,
        .dns_namespace = f->cfg->dns_namespace,
        .dns_pod_label = f->cfg->dns_pod_label,
    };
    struct os_error err;

    if (isolation_check_tenant(&in, r, &err) < 0)
        fail_msg("check-isolation %s: %s", tenant, err.message);
}

static void print_failures(const struct isolation_report *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (!r->checks[i].ok)
            print_message("# FAIL %s: %s -> %s %d/%s: %s\n", r->checks[i].check,
                          r->checks[i].from, r->checks[i].to, r->checks[i].port,
                          r->checks[i].protocol, r->checks[i].reason);
}

static const struct isolation_check *find(const struct isolation_report *r, const char *check,
                                          int port, const char *proto)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->checks[i].check, check) && r->checks[i].port == port &&
            !strcmp(r->checks[i].protocol, proto))
            return &r->checks[i];
    fail_msg("no check \"%s\" %d/%s", check, port, proto);
    return NULL;
}

static void expect_verdict(const struct isolation_report *r, const char *check, int port,
                         const char *proto, int expected, int actual)
{
    const struct isolation_check *k = find(r, check, port, proto);

    if (k->expected != expected || k->actual != actual)
        fail_msg("%s %d/%s: expected %d actual %d (%s)", check, port, proto, k->expected,
                 k->actual, k->reason);
}

static void test_rendered_tenants_pass(void **state)
{
    struct fixture *f = *state;
    struct isolation_report r;
    const char *tenants[] = {"acme", "zeta"};

    for (size_t t = 0; t < 2; t++) {
        run(f, tenants[t], f->objects, NULL, f->templates, &r);
        print_failures(&r);
        assert_int_equal(r.failed, 0);
        assert_int_equal(r.n, 26);
        for (size_t i = 0; i < r.n; i++)
            assert_true(r.checks[i].ok);
        /* the paths the tenant needs */
        expect_verdict(&r, "odoo -> own postgresql", 5432, "TCP", 1, ISOLATION_ALLOWED);
        expect_verdict(&r, "db-init -> own postgresql", 5432, "TCP", 1, ISOLATION_ALLOWED);
        expect_verdict(&r, "ingress controller -> odoo http", 8069, "TCP", 1, ISOLATION_ALLOWED);
        expect_verdict(&r, "ingress controller -> odoo websocket", 8072, "TCP", 1, ISOLATION_ALLOWED);
        expect_verdict(&r, "postgresql -> dns", 53, "UDP", 1, ISOLATION_ALLOWED);
        expect_verdict(&r, "db-init -> dns", 53, "TCP", 1, ISOLATION_ALLOWED);
        /* the neighbours are the other real tenant */
        assert_non_null(strstr(find(&r, "odoo -> other tenant's odoo", 8069, "TCP")->to,
                               t ? "tenant-acme/" : "tenant-zeta/"));
        expect_verdict(&r, "other tenant's odoo -> postgresql", 5432, "TCP", 0, ISOLATION_DENIED);
        expect_verdict(&r, "unlabelled ingress namespace pod -> odoo", 8069, "TCP", 0,
                       ISOLATION_DENIED);
        /* the internet: only premium, only mail and HTTPS, never private */
        expect_verdict(&r, "odoo -> internet", 443, "TCP", t == 1, t == 1);
        expect_verdict(&r, "odoo -> internet", 587, "TCP", t == 1, t == 1);
        expect_verdict(&r, "odoo -> internet", 80, "TCP", 0, ISOLATION_DENIED);
        expect_verdict(&r, "odoo -> private range", 443, "TCP", 0, ISOLATION_DENIED);
        expect_verdict(&r, "odoo -> cloud metadata", 80, "TCP", 0, ISOLATION_DENIED);
        expect_verdict(&r, "postgresql -> internet", 443, "TCP", 0, ISOLATION_DENIED);
        isolation_report_free(&r);
    }
}

/* Drop policies, check tenant: exactly the named checks fail. */
static void expect_failing(const struct fixture *f, const char *tenant, const char *const *drop,
                           const char *const *failing, size_t nfailing)
{
    struct json_object *policies = without(f->objects, drop);
    struct isolation_report r;

    run(f, tenant, policies, NULL, f->templates, &r);
    for (size_t i = 0; i < r.n; i++) {
        int want_fail = 0;
        for (size_t k = 0; k < nfailing; k++)
            want_fail |= strstr(r.checks[i].check, failing[k]) != NULL;
        if (r.checks[i].ok == want_fail)
            fail_msg("without %s: check \"%s\" %d/%s ok=%d (%s)", drop[0], r.checks[i].check,
                     r.checks[i].port, r.checks[i].protocol, r.checks[i].ok, r.checks[i].reason);
    }
    isolation_report_free(&r);
    json_object_put(policies);
}

static void test_missing_ingress_policy_is_caught(void **state)
{
    static const char *const drop[] = {"tenant-acme/odoo-from-ingress", NULL};
    static const char *const failing[] = {"ingress controller -> odoo"};
    struct fixture *f = *state;
    struct json_object *policies = without(f->objects, drop);
    struct isolation_report r;

    expect_failing(f, "acme", drop, failing, 1);
    run(f, "acme", policies, NULL, f->templates, &r);
    assert_int_equal(r.failed, 2);
    assert_int_equal(find(&r, "ingress controller -> odoo http", 8069, "TCP")->actual,
                     ISOLATION_DENIED);
    assert_non_null(strstr(find(&r, "ingress controller -> odoo websocket", 8072, "TCP")->reason,
                           "no ingress rule of tenant-acme/default-deny allows it"));
    isolation_report_free(&r);
    /* the other tenant is untouched */
    run(f, "zeta", policies, NULL, f->templates, &r);
    assert_int_equal(r.failed, 0);
    isolation_report_free(&r);
    json_object_put(policies);
}

static void test_missing_dns_policy_is_caught(void **state)
{
    static const char *const drop[] = {"tenant-zeta/allow-dns", NULL};
    static const char *const failing[] = {"-> dns"};
    struct fixture *f = *state;
    struct json_object *policies = without(f->objects, drop);
    struct isolation_report r;

    expect_failing(f, "zeta", drop, failing, 1);
    run(f, "zeta", policies, NULL, f->templates, &r);
    assert_int_equal(r.failed, 6);   /* odoo, postgresql, db-init; UDP and TCP */
    isolation_report_free(&r);
    json_object_put(policies);
}

static void test_other_missing_policies_are_caught(void **state)
{
    static const char *const no_pg_in[] = {"tenant-acme/postgresql-from-odoo", NULL};
    static const char *const pg_failing[] = {"-> own postgresql"};
    static const char *const no_pg_out[] = {"tenant-acme/odoo-to-postgresql", NULL};
    static const char *const no_internet[] = {"tenant-zeta/odoo-egress-internet", NULL};
    struct fixture *f = *state;
    struct json_object *policies = without(f->objects, no_internet);
    struct isolation_report r;

    expect_failing(f, "acme", no_pg_in, pg_failing, 1);
    expect_failing(f, "acme", no_pg_out, pg_failing, 1);
    /* premium without its internet policy: 443, 25, 465, 587 fail; 80 still denied */
    run(f, "zeta", policies, NULL, f->templates, &r);
    assert_int_equal(r.failed, 4);
    for (size_t i = 0; i < r.n; i++)
        if (!r.checks[i].ok && (strcmp(r.checks[i].check, "odoo -> internet") ||
                                r.checks[i].port == 80 || !r.checks[i].expected))
            fail_msg("unexpected failure: %s %d", r.checks[i].check, r.checks[i].port);
    isolation_report_free(&r);
    json_object_put(policies);
}

static void test_denial_must_come_from_the_tenant(void **state)
{
    /* acme's egress wide open: the neighbour still denies its ingress, but
     * that is not acme's isolation */
    static const char *const drop[] = {
        "tenant-acme/default-deny", "tenant-acme/allow-dns", "tenant-acme/odoo-to-postgresql", NULL,
    };
    struct fixture *f = *state;
    struct json_object *policies = without(f->objects, drop);
    struct isolation_report r;
    const struct isolation_check *k;

    run(f, "acme", policies, NULL, f->templates, &r);
    k = find(&r, "odoo -> other tenant's odoo", 8069, "TCP");
    assert_int_equal(k->actual, ISOLATION_DENIED);
    assert_false(k->ok);
    assert_non_null(strstr(k->reason, "only the other end denies it"));
    k = find(&r, "odoo -> internet", 443, "TCP");
    assert_int_equal(k->actual, ISOLATION_ALLOWED);
    assert_false(k->ok);
    isolation_report_free(&r);
    json_object_put(policies);
}

static void test_synthesized_neighbour(void **state)
{
    /* only acme exists: the neighbour is a copy of acme in a namespace
     * without policies, which acme must still keep out */
    struct fixture *f = *state;
    static const char *const drop[] = {"tenant-acme/odoo-from-ingress", NULL};
    struct json_object *policies = without(f->objects, drop), *acme_only = json_object_new_array();
    struct isolation_report r;
    const struct isolation_check *k;

    for (size_t i = 0; i < json_object_array_length(f->templates); i++) {
        struct json_object *p = json_object_array_get_idx(f->templates, i);
        if (!strcmp(meta(p, "namespace"), "tenant-acme"))
            json_object_array_add(acme_only, json_object_get(p));
    }
    run(f, "acme", f->objects, NULL, acme_only, &r);
    print_failures(&r);
    assert_int_equal(r.failed, 0);
    k = find(&r, "other tenant's odoo -> postgresql", 5432, "TCP");
    assert_non_null(strstr(k->from, "odoo-saas-isolation-probe/"));
    isolation_report_free(&r);
    run(f, "acme", policies, NULL, acme_only, &r);
    assert_int_equal(r.failed, 2);
    isolation_report_free(&r);
    json_object_put(acme_only);
    json_object_put(policies);
}

static struct json_object *parse(const char *text)
{
    struct json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

static void test_live_pods_first(void **state)
{
    struct fixture *f = *state;
    struct json_object *pods = parse(
        "{\"kind\":\"PodList\",\"items\":["
        "{\"metadata\":{\"namespace\":\"tenant-acme\",\"name\":\"odoo-old\",\"labels\":"
        "{\"odoo-saas.io/role\":\"odoo\",\"odoo-saas.io/db-client\":\"true\"}},"
        "\"status\":{\"phase\":\"Failed\"}},"
        "{\"metadata\":{\"namespace\":\"tenant-acme\",\"name\":\"odoo-7d9f\",\"labels\":"
        "{\"odoo-saas.io/role\":\"odoo\",\"odoo-saas.io/db-client\":\"true\"}},"
        "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.1.0.5\"}},"
        "{\"metadata\":{\"namespace\":\"ingress\",\"name\":\"nginx-ingress-microk8s-controller-x\","
        "\"labels\":{\"name\":\"nginx-ingress-microk8s\"}},\"status\":{\"phase\":\"Running\"}}]}");
    struct isolation_report r;

    run(f, "acme", f->objects, pods, NULL, &r);
    /* running pods win over finished ones; the controller is the live one */
    assert_string_equal(find(&r, "odoo -> internet", 443, "TCP")->from, "tenant-acme/odoo-7d9f");
    assert_string_equal(find(&r, "ingress controller -> odoo http", 8069, "TCP")->from,
                        "ingress/nginx-ingress-microk8s-controller-x");
    assert_true(find(&r, "ingress controller -> odoo http", 8069, "TCP")->ok);
    /* no postgresql anywhere: not evaluated, and not ok */
    assert_int_equal(find(&r, "odoo -> own postgresql", 5432, "TCP")->actual, ISOLATION_MISSING);
    assert_false(find(&r, "odoo -> own postgresql", 5432, "TCP")->ok);
    assert_non_null(strstr(find(&r, "db-init -> own postgresql", 5432, "TCP")->reason,
                           "no db-init pod in tenant-acme"));
    /* dns: the live odoo pods that are not finished, only */
    assert_int_equal(find(&r, "odoo -> dns", 53, "UDP")->ok, 1);
    assert_string_equal(find(&r, "odoo -> dns", 53, "UDP")->from, "tenant-acme/odoo-7d9f");
    isolation_report_free(&r);
    json_object_put(pods);
}

static void test_template_pods(void **state)
{
    struct fixture *f = *state;
    size_t n = json_object_array_length(f->templates);
    int seen = 0;

    /* odoo (Deployment), postgresql (StatefulSet), db-init (Job) per tenant */
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(f->templates, i), *spec = NULL;
        assert_string_equal(kind_of(p), "Pod");
        assert_true(json_object_object_get_ex(p, "spec", &spec));
        if (!strcmp(meta(p, "name"), "odoo-template") && !strcmp(meta(p, "namespace"), "tenant-acme"))
            seen++;
    }
    assert_int_equal(seen, 1);
}

static void test_json_and_bad_input(void **state)
{
    struct fixture *f = *state;
    struct isolation_report r;
    struct json_object *arr, *o, *v;
    struct isolation_input in = {.tenant = "acme"};
    struct os_error err;
    static const char *const keys[] = {"check", "from", "to", "port", "protocol", "expected",
                                       "actual", "ok", "reason"};

    run(f, "acme", f->objects, NULL, f->templates, &r);
    assert_int_equal(isolation_report_json(&r, &arr, &err), 0);
    assert_int_equal(json_object_array_length(arr), r.n);
    o = json_object_array_get_idx(arr, 0);
    for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
        assert_true(json_object_object_get_ex(o, keys[i], &v));
    json_object_object_get_ex(o, "port", &v);
    assert_int_equal(json_object_get_int(v), 5432);
    json_object_object_get_ex(o, "expected", &v);
    assert_string_equal(json_object_get_string(v), "allowed");
    json_object_object_get_ex(o, "ok", &v);
    assert_true(json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v));
    json_object_put(arr);
    isolation_report_free(&r);
    /* missing configuration and a malformed policy are errors */
    assert_int_equal(isolation_check_tenant(&in, &r, &err), OS_ERR_INVALID);
    in = (struct isolation_input){.tenant = "acme", .ingress_namespace = "traefik",
        .ingress_pod_label = "a=b", .dns_namespace = "kube-system", .dns_pod_label = "c=d"};
    in.policies = parse("[{\"metadata\":{\"namespace\":\"tenant-acme\",\"name\":\"bad\"},"
                        "\"spec\":{\"ingress\":[{\"from\":[{}]}]}}]");
    assert_int_equal(isolation_check_tenant(&in, &r, &err), OS_ERR_INVALID);
    assert_non_null(strstr(err.message, "tenant-acme/bad"));
    assert_null(r.checks);
    json_object_put(in.policies);
    isolation_report_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_pods),
        cmocka_unit_test(test_rendered_tenants_pass),
        cmocka_unit_test(test_missing_ingress_policy_is_caught),
        cmocka_unit_test(test_missing_dns_policy_is_caught),
        cmocka_unit_test(test_other_missing_policies_are_caught),
        cmocka_unit_test(test_denial_must_come_from_the_tenant),
        cmocka_unit_test(test_synthesized_neighbour),
        cmocka_unit_test(test_live_pods_first),
        cmocka_unit_test(test_json_and_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
