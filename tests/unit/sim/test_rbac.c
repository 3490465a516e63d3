/*
 * test_rbac.c - the simulator's RBAC authorizer (sim/rbac.c): verbs of
 * requests, rule matching (groups, resources, subresources, wildcards,
 * resourceNames), subjects, binding scope, the denial text, the name of
 * a fieldSelector list, the create check of an apply that creates, and
 * when a legacy ServiceAccount token Secret still authenticates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rbac.h"

static json_object *parse(const char *text)
{
    json_object *o = json_tokener_parse(text);
    assert_non_null(o);
    return o;
}

static struct sim_rbac_request req(const char *verb, const char *group, const char *res,
                                   const char *sub, const char *ns, const char *name)
{
    struct sim_rbac_request r = {verb, group, res, sub, ns, name};
    return r;
}

static int rule_allows(const char *rule, struct sim_rbac_request r)
{
    json_object *o = parse(rule);
    int ok = sim_rbac_rule_allows(o, &r);
    json_object_put(o);
    return ok;
}

static void test_verbs(void **state)
{
    (void)state;
    assert_string_equal(sim_rbac_verb("GET", 1, 0), "get");
    assert_string_equal(sim_rbac_verb("GET", 0, 0), "list");
    assert_string_equal(sim_rbac_verb("GET", 0, 1), "watch");
    /* ?watch=true on a named GET is still a get (only collections watch) */
    assert_string_equal(sim_rbac_verb("GET", 1, 1), "get");
    assert_string_equal(sim_rbac_verb("HEAD", 0, 0), "list");
    assert_string_equal(sim_rbac_verb("HEAD", 1, 0), "get");
    assert_string_equal(sim_rbac_verb("POST", 0, 0), "create");
    assert_string_equal(sim_rbac_verb("PUT", 1, 0), "update");
    assert_string_equal(sim_rbac_verb("PATCH", 1, 0), "patch");
    assert_string_equal(sim_rbac_verb("DELETE", 1, 0), "delete");
    assert_string_equal(sim_rbac_verb("DELETE", 0, 0), "deletecollection");
}

static void test_rule_groups_resources_verbs(void **state)
{
    const char *rule = "{\"apiGroups\":[\"apps\"],\"resources\":[\"deployments\"],\"verbs\":[\"get\",\"list\"]}";
    (void)state;
    assert_true(rule_allows(rule, req("get", "apps", "deployments", "", "t", "odoo")));
    assert_true(rule_allows(rule, req("list", "apps", "deployments", "", "", "")));
    assert_false(rule_allows(rule, req("delete", "apps", "deployments", "", "t", "odoo")));
    assert_false(rule_allows(rule, req("get", "", "deployments", "", "t", "odoo")));
    assert_false(rule_allows(rule, req("get", "apps", "statefulsets", "", "t", "x")));
    /* "" is the core group and must be listed to match it */
    assert_true(rule_allows("{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"list\"]}",
                            req("list", "", "pods", "", "t", "")));
}

static void test_rule_wildcards(void **state)
{
    (void)state;
    assert_true(rule_allows("{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}",
                            req("deletecollection", "batch", "jobs", "", "t", "")));
    /* "*" as a resource covers subresources too */
    assert_true(rule_allows("{\"apiGroups\":[\"\"],\"resources\":[\"*\"],\"verbs\":[\"get\"]}",
                            req("get", "", "pods", "log", "t", "p")));
    assert_false(rule_allows("{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"get\"]}",
                             req("watch", "", "pods", "", "t", "")));
}

static void test_rule_subresources(void **state)
{
    (void)state;
    /* pods does not cover pods/log, and the reverse */
    assert_false(rule_allows("{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]}",
                             req("get", "", "pods", "log", "t", "p")));
    assert_true(rule_allows("{\"apiGroups\":[\"\"],\"resources\":[\"pods/log\"],\"verbs\":[\"get\"]}",
                            req("get", "", "pods", "log", "t", "p")));
    assert_false(rule_allows("{\"apiGroups\":[\"\"],\"resources\":[\"pods/log\"],\"verbs\":[\"get\"]}",
                             req("get", "", "pods", "", "t", "p")));
    /* "*" + "/scale" covers the scale of every resource of the group */
    assert_true(rule_allows("{\"apiGroups\":[\"apps\"],\"resources\":[\"*/scale\"],\"verbs\":[\"patch\"]}",
                            req("patch", "apps", "deployments", "scale", "t", "odoo")));
    assert_false(rule_allows("{\"apiGroups\":[\"apps\"],\"resources\":[\"*/scale\"],\"verbs\":[\"patch\"]}",
                             req("patch", "apps", "deployments", "status", "t", "odoo")));
}

static void test_rule_resource_names(void **state)
{
    const char *rule = "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\",\"list\",\"create\"],"
                       "\"resourceNames\":[\"settings\"]}";
    (void)state;
    assert_true(rule_allows(rule, req("get", "", "configmaps", "", "t", "settings")));
    assert_false(rule_allows(rule, req("get", "", "configmaps", "", "t", "other")));
    /* a list or a create names nothing, so a named rule never covers it */
    assert_false(rule_allows(rule, req("list", "", "configmaps", "", "t", "")));
    assert_false(rule_allows(rule, req("create", "", "configmaps", "", "t", "")));
}

static void test_subjects(void **state)
{
    struct sim_user u;
    (void)state;
    sim_user_for_sa(&u, "odoo-saas", "odoo-saasd");
    assert_string_equal(u.name, "system:serviceaccount:odoo-saas:odoo-saasd");

    json_object *b = parse("{\"metadata\":{\"name\":\"b\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"odoo-saasd\",\"namespace\":\"odoo-saas\"}]}");
    assert_true(sim_rbac_subject_matches(b, &u));
    json_object_put(b);
    b = parse("{\"metadata\":{\"name\":\"b\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"odoo-saasd\",\"namespace\":\"other\"}]}");
    assert_false(sim_rbac_subject_matches(b, &u));
    json_object_put(b);
    /* a RoleBinding's ServiceAccount subject defaults to the binding's namespace */
    b = parse("{\"metadata\":{\"name\":\"b\",\"namespace\":\"odoo-saas\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"odoo-saasd\"}]}");
    assert_true(sim_rbac_subject_matches(b, &u));
    json_object_put(b);
    b = parse("{\"metadata\":{\"name\":\"b\"},\"subjects\":[{\"kind\":\"Group\",\"name\":\"system:serviceaccounts:odoo-saas\"}]}");
    assert_true(sim_rbac_subject_matches(b, &u));
    json_object_put(b);
    b = parse("{\"metadata\":{\"name\":\"b\"},\"subjects\":[{\"kind\":\"Group\",\"name\":\"system:masters\"},"
              "{\"kind\":\"User\",\"name\":\"odoo-saasd\"}]}");
    assert_false(sim_rbac_subject_matches(b, &u));
    json_object_put(b);
    b = parse("{\"metadata\":{\"name\":\"b\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"system:serviceaccount:odoo-saas:odoo-saasd\"}]}");
    assert_true(sim_rbac_subject_matches(b, &u));
    json_object_put(b);
}

/* Roles for the allows() tests: the daemon's ClusterRole (a part of
 * kubernetes/odoo-saasd/10-rbac.yaml), and a Role in t-acme. */
struct roles {
    json_object *cluster_role, *role;
};

static json_object *find(void *ctx, const char *kind, const char *ns, const char *name)
{
    struct roles *r = ctx;
    if (!strcmp(kind, "ClusterRole") && !*ns && !strcmp(name, "odoo-saasd-api"))
        return r->cluster_role;
    if (!strcmp(kind, "Role") && !strcmp(ns, "t-acme") && !strcmp(name, "reader"))
        return r->role;
    return NULL;
}

static int allows(struct roles *r, json_object *binding, struct sim_rbac_request rq)
{
    struct sim_user u;
    sim_user_for_sa(&u, "odoo-saas", "odoo-saasd");
    return sim_rbac_allows(&u, &rq, &binding, 1, find, r);
}

#define SA_SUBJECT "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"odoo-saasd\",\"namespace\":\"odoo-saas\"}]"

static void test_allows(void **state)
{
    struct roles r = {
        parse("{\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"namespaces\"],\"verbs\":[\"get\",\"list\",\"watch\",\"create\",\"patch\",\"delete\"]},"
              "{\"apiGroups\":[\"\"],\"resources\":[\"secrets\"],\"verbs\":[\"list\",\"create\"]}]}"),
        parse("{\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\"],\"verbs\":[\"get\"]}]}"),
    };
    (void)state;
    json_object *crb = parse("{\"metadata\":{\"name\":\"x\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                             "\"kind\":\"ClusterRole\",\"name\":\"odoo-saasd-api\"}," SA_SUBJECT "}");
    assert_true(allows(&r, crb, req("list", "", "namespaces", "", "", "")));
    assert_true(allows(&r, crb, req("create", "", "secrets", "", "t-acme", "")));
    assert_true(allows(&r, crb, req("list", "", "secrets", "", "t-other", "")));
    assert_false(allows(&r, crb, req("get", "", "secrets", "", "t-acme", "db")));
    assert_false(allows(&r, crb, req("list", "", "nodes", "", "", "")));
    json_object_put(crb);

    /* a RoleBinding to the ClusterRole grants it in its namespace only */
    json_object *rb = parse("{\"metadata\":{\"name\":\"x\",\"namespace\":\"t-acme\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                            "\"kind\":\"ClusterRole\",\"name\":\"odoo-saasd-api\"}," SA_SUBJECT "}");
    assert_true(allows(&r, rb, req("create", "", "secrets", "", "t-acme", "")));
    assert_false(allows(&r, rb, req("create", "", "secrets", "", "t-other", "")));
    assert_false(allows(&r, rb, req("list", "", "namespaces", "", "", "")));
    json_object_put(rb);

    /* a RoleBinding to a Role of its namespace */
    rb = parse("{\"metadata\":{\"name\":\"x\",\"namespace\":\"t-acme\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
               "\"kind\":\"Role\",\"name\":\"reader\"}," SA_SUBJECT "}");
    assert_true(allows(&r, rb, req("get", "", "pods", "log", "t-acme", "odoo-0")));
    assert_false(allows(&r, rb, req("list", "", "pods", "", "t-acme", "")));
    json_object_put(rb);

    /* a binding to a role that does not exist grants nothing; nor does a
     * ClusterRoleBinding naming a Role */
    rb = parse("{\"metadata\":{\"name\":\"x\",\"namespace\":\"t-acme\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
               "\"kind\":\"Role\",\"name\":\"missing\"}," SA_SUBJECT "}");
    assert_false(allows(&r, rb, req("get", "", "pods", "", "t-acme", "p")));
    json_object_put(rb);
    crb = parse("{\"metadata\":{\"name\":\"x\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                "\"kind\":\"Role\",\"name\":\"reader\"}," SA_SUBJECT "}");
    assert_false(allows(&r, crb, req("get", "", "pods", "", "t-acme", "p")));
    json_object_put(crb);

    /* a binding for another ServiceAccount grants this one nothing */
    crb = parse("{\"metadata\":{\"name\":\"x\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                "\"kind\":\"ClusterRole\",\"name\":\"odoo-saasd-api\"},"
                "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"other\",\"namespace\":\"odoo-saas\"}]}");
    assert_false(allows(&r, crb, req("list", "", "namespaces", "", "", "")));
    json_object_put(crb);
    json_object_put(r.cluster_role);
    json_object_put(r.role);
}

static void test_forbidden_message(void **state)
{
    struct sim_user u;
    char buf[512];
    (void)state;
    sim_user_for_sa(&u, "saas", "provisioner");
    struct sim_rbac_request a = req("get", "apps", "deployments", "", "t-acme", "odoo");
    assert_string_equal(sim_rbac_forbidden_message(&u, &a, buf, sizeof(buf)),
                        "User \"system:serviceaccount:saas:provisioner\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"t-acme\"");
    a = req("list", "", "nodes", "", "", "");
    assert_string_equal(sim_rbac_forbidden_message(&u, &a, buf, sizeof(buf)),
                        "User \"system:serviceaccount:saas:provisioner\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
    a = req("patch", "apps", "deployments", "scale", "t", "odoo");
    assert_string_equal(sim_rbac_forbidden_message(&u, &a, buf, sizeof(buf)),
                        "User \"system:serviceaccount:saas:provisioner\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"t\"");
}

static void test_selector_name(void **state)
{
    char buf[64];
    (void)state;
    assert_string_equal(sim_rbac_selector_name("metadata.name=odoo-0", buf, sizeof(buf)), "odoo-0");
    assert_string_equal(sim_rbac_selector_name("metadata.name==odoo-0", buf, sizeof(buf)), "odoo-0");
    assert_string_equal(sim_rbac_selector_name("status.phase=Running,metadata.name=y", buf, sizeof(buf)), "y");
    assert_string_equal(sim_rbac_selector_name("metadata.name=y,status.phase=Running", buf, sizeof(buf)), "y");
    assert_null(sim_rbac_selector_name(NULL, buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("", buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("metadata.name!=y", buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("metadata.namespace=y", buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("spec.metadata.name=y", buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("metadata.name=", buf, sizeof(buf)));
    /* not a valid path segment name: the request names nothing */
    assert_null(sim_rbac_selector_name("metadata.name=..", buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("metadata.name=a/b", buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("metadata.name=a%2F", buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("metadata.name=a\\,b", buf, sizeof(buf)));
    assert_null(sim_rbac_selector_name("metadata.name=0123456789012345678901234567890123456789012345678901234567890123456789",
                                       buf, sizeof(buf)));
}

/* A Role with patch but not create on configmaps, bound in t-acme. */
static json_object *patch_only_role;

static json_object *find_patch_only(void *ctx, const char *kind, const char *ns, const char *name)
{
    (void)ctx;
    return !strcmp(kind, "Role") && !strcmp(ns, "t-acme") && !strcmp(name, "cm-patcher") ? patch_only_role : NULL;
}

static void test_create_on_update(void **state)
{
    struct sim_user u;
    char buf[512];
    (void)state;
    patch_only_role = parse("{\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\",\"patch\"]}]}");
    json_object *rb = parse("{\"metadata\":{\"name\":\"x\",\"namespace\":\"t-acme\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
                            "\"kind\":\"Role\",\"name\":\"cm-patcher\"}," SA_SUBJECT "}");
    sim_user_for_sa(&u, "odoo-saas", "odoo-saasd");
    struct sim_rbac_request a = req("patch", "", "configmaps", "", "t-acme", "settings");
    struct sim_rbac_request c = sim_rbac_create_on_update(&a);
    /* same attributes, verb create */
    assert_string_equal(c.verb, "create");
    assert_string_equal(c.resource, "configmaps");
    assert_string_equal(c.ns, "t-acme");
    assert_string_equal(c.name, "settings");
    assert_string_equal(a.verb, "patch");
    /* patch is allowed, the create it needs when the object is missing is not */
    assert_true(sim_rbac_allows(&u, &a, &rb, 1, find_patch_only, NULL));
    assert_false(sim_rbac_allows(&u, &c, &rb, 1, find_patch_only, NULL));
    /* withAuthorization: NewForbidden with RBAC's (empty) reason */
    assert_string_equal(sim_rbac_forbidden_status_message(&c, "", buf, sizeof(buf)),
                        "configmaps \"settings\" is forbidden: ");
    json_object_put(rb);
    json_object_put(patch_only_role);
}

static void test_forbidden_status_message(void **state)
{
    struct sim_user u;
    char why[512], buf[800];
    (void)state;
    sim_user_for_sa(&u, "saas", "provisioner");
    struct sim_rbac_request a = req("create", "rbac.authorization.k8s.io", "roles", "", "t", "r");
    assert_string_equal(sim_rbac_forbidden_status_message(&a, "", buf, sizeof(buf)),
                        "roles.rbac.authorization.k8s.io \"r\" is forbidden: ");
    a = req("list", "", "nodes", "", "", "");
    assert_string_equal(sim_rbac_forbidden_status_message(&a, sim_rbac_forbidden_message(&u, &a, why, sizeof(why)), buf, sizeof(buf)),
                        "nodes is forbidden: User \"system:serviceaccount:saas:provisioner\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
    a = req("patch", "apps", "deployments", "scale", "t", "odoo");
    assert_string_equal(sim_rbac_forbidden_status_message(&a, "why", buf, sizeof(buf)),
                        "deployments.apps \"odoo\" is forbidden: why");
}

#define TOKEN_SECRET(extra_meta) \
    "{\"type\":\"kubernetes.io/service-account-token\",\"metadata\":{\"name\":\"t\",\"namespace\":\"n\"," extra_meta \
    "\"annotations\":{\"kubernetes.io/service-account.name\":\"sa\",\"kubernetes.io/service-account.uid\":\"u1\"}}}"
#define SA(extra_meta) "{\"metadata\":{\"name\":\"sa\",\"namespace\":\"n\",\"uid\":\"u1\"" extra_meta "}}"

static int token_valid(const char *secret, const char *sa)
{
    json_object *s = parse(secret), *a = sa ? parse(sa) : NULL;
    int ok = sim_rbac_sa_token_valid(s, a);
    json_object_put(s);
    json_object_put(a);
    return ok;
}

static void test_sa_token_valid(void **state)
{
    (void)state;
    assert_true(token_valid(TOKEN_SECRET(""), SA("")));
    assert_false(token_valid(TOKEN_SECRET(""), NULL));
    /* a ServiceAccount being deleted (a finalizer holds it): 401 */
    assert_false(token_valid(TOKEN_SECRET(""), SA(",\"deletionTimestamp\":\"2025-01-01T00:00:00Z\",\"finalizers\":[\"x/y\"]")));
    /* a Secret being deleted: "Token has been invalidated" */
    assert_false(token_valid(TOKEN_SECRET("\"deletionTimestamp\":\"2025-01-01T00:00:00Z\","), SA("")));
    /* a null deletionTimestamp is no deletion */
    assert_true(token_valid(TOKEN_SECRET("\"deletionTimestamp\":null,"), SA("")));
    /* a new ServiceAccount of the same name (another uid) */
    assert_false(token_valid(TOKEN_SECRET(""), "{\"metadata\":{\"name\":\"sa\",\"uid\":\"u2\"}}"));
    /* a Secret with no uid annotation yet, or of another type, or for another name */
    assert_false(token_valid("{\"type\":\"kubernetes.io/service-account-token\",\"metadata\":{\"annotations\":"
                             "{\"kubernetes.io/service-account.name\":\"sa\"}}}", SA("")));
    assert_false(token_valid("{\"type\":\"Opaque\",\"metadata\":{\"annotations\":{\"kubernetes.io/service-account.name\":\"sa\","
                             "\"kubernetes.io/service-account.uid\":\"u1\"}}}", SA("")));
    assert_false(token_valid(TOKEN_SECRET(""), "{\"metadata\":{\"name\":\"other\",\"uid\":\"u1\"}}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verbs),
        cmocka_unit_test(test_rule_groups_resources_verbs),
        cmocka_unit_test(test_rule_wildcards),
        cmocka_unit_test(test_rule_subresources),
        cmocka_unit_test(test_rule_resource_names),
        cmocka_unit_test(test_subjects),
        cmocka_unit_test(test_allows),
        cmocka_unit_test(test_forbidden_message),
        cmocka_unit_test(test_selector_name),
        cmocka_unit_test(test_create_on_update),
        cmocka_unit_test(test_forbidden_status_message),
        cmocka_unit_test(test_sa_token_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
