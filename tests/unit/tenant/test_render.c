/*
 * test_render.c - the render engine (substitution, conditions, purity) and
 * what the embedded templates must guarantee for every tier.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kube/rest.h"
#include "tenant/render.h"
#include "yaml_json.h"

static struct os_config *cfg;

static int setup(void **state)
{
    struct os_error err;
    return os_config_load_text("defaults", NULL, 0, &cfg, &err);
}

static int teardown(void **state)
{
    os_config_free(cfg);
    return 0;
}

static const char *plain(struct json_object *o)
{
    return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Render one YAML document against a small variable set. */
static int render_text(const char *yaml, struct json_object **out, struct os_error *err)
{
    struct yaml_json_opts yo = {.what = "template", .typed = 1};
    struct json_object *vars = json_tokener_parse(
        "{\"ID\":\"acme\",\"PORT\":8069,\"ON\":true,\"OFF\":false,\"NONE\":null,"
        "\"EVIL\":\"x\\n kind: Secret\\n---\",\"MODE\":\"route\",\"OBJ\":{\"a\":1}}");
    int rc;

    assert_int_equal(yaml_json_parse("t.yaml", yaml, strlen(yaml), &yo, out, err), 0);
    rc = tenant_render_doc(out, vars, "t.yaml", err);
    json_object_put(vars);
    return rc;
}

static void expect_render(const char *yaml, const char *want)
{
    struct json_object *out = NULL;
    struct os_error err;
    if (render_text(yaml, &out, &err) < 0)
        fail_msg("render failed: %s", err.message);
    assert_string_equal(out ? plain(out) : "(dropped)", want);
    json_object_put(out);
}

static void expect_fail(const char *yaml, const char *msg)
{
    struct json_object *out = NULL;
    struct os_error err;
    assert_int_equal(render_text(yaml, &out, &err), OS_ERR_INVALID);
    if (!strstr(err.message, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, msg);
    json_object_put(out);
}

static void test_substitution(void **state)
{
    /* whole values keep their type; spliced values become text */
    expect_render("port: ${PORT}\nname: ns-${ID}\nurl: \"http://${ID}:${PORT}/\"\non: ${ON}\n",
                  "{\"port\":8069,\"name\":\"ns-acme\",\"url\":\"http://acme:8069/\",\"on\":true}");
    /* quoted whole references are still typed (the quote is YAML's, not ours) */
    expect_render("port: \"${PORT}\"\n", "{\"port\":8069}");
    /* "$${" escapes; lone dollars pass through */
    expect_render("cmd: echo $${HOME} $PATH $\n", "{\"cmd\":\"echo ${HOME} $PATH $\"}");
    /* a null drops the key; in a list it drops the item */
    expect_render("a: ${NONE}\nb: [x, \"${NONE}\", y]\n", "{\"b\":[\"x\",\"y\"]}");
    /* keys are never substituted */
    expect_render("${ID}: 1\n", "{\"${ID}\":1}");
    /* objects as whole values are deep copies */
    expect_render("o: ${OBJ}\n", "{\"o\":{\"a\":1}}");
}

static void test_no_injection(void **state)
{
    /* A value with newlines and YAML syntax stays one string. */
    expect_render("v: ${EVIL}\nw: pre-${EVIL}\n",
                  "{\"v\":\"x\\n kind: Secret\\n---\",\"w\":\"pre-x\\n kind: Secret\\n---\"}");
}

static void test_conditions(void **state)
{
    expect_render("_when: ON\nkind: A\n", "{\"kind\":\"A\"}");
    expect_render("_when: OFF\nkind: A\n", "(dropped)");
    expect_render("_when: \"!OFF\"\nkind: A\n", "{\"kind\":\"A\"}");
    expect_render("_when: MODE=route\nkind: A\n", "{\"kind\":\"A\"}");
    expect_render("_when: MODE=ingress\nkind: A\n", "(dropped)");
    expect_render("list:\n- {_when: OFF, a: 1}\n- {_when: ON, b: 2}\n- c\nmap: {_when: OFF, x: 1}\n",
                  "{\"list\":[{\"b\":2},\"c\"]}");
}

static void test_template_bugs(void **state)
{
    expect_fail("a: ${NOPE}\n", "template t.yaml: unknown variable ${NOPE}");
    expect_fail("a: x-${NOPE}\n", "unknown variable ${NOPE}");
    expect_fail("a: ${lower}\n", "malformed variable reference");
    expect_fail("a: ${ID\n", "malformed variable reference");
    expect_fail("a: x-${OBJ}\n", "${OBJ} is not a scalar");
    expect_fail("_when: NOPE\na: 1\n", "_when names unknown variable NOPE");
    expect_fail("_when: [1]\na: 1\n", "_when must be a string");
}

/* ---- the real templates ------------------------------------------------ */

static struct json_object *render_tenant(const char *tier, const char *mode_yaml)
{
    struct tenant_spec spec = {.id = "acme", .tier = tier, .admin_email = "admin@acme.com"};
    struct tenant_secrets sec;
    struct os_config *c = cfg;
    struct json_object *list = NULL;
    struct os_error err;

    if (mode_yaml)
        assert_int_equal(os_config_load_text("t", mode_yaml, strlen(mode_yaml), &c, &err), 0);
    assert_int_equal(tenant_secrets_generate(&sec, NULL, &err), 0);
    if (tenant_render(&spec, c, &sec, 1790000000, &list, &err) < 0)
        fail_msg("render: %s", err.message);
    if (c != cfg)
        os_config_free(c);
    return list;
}

static struct json_object *find(struct json_object *list, const char *kind, const char *name)
{
    struct json_object *items;
    json_object_object_get_ex(list, "items", &items);
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        struct json_object *o = json_object_array_get_idx(items, i);
        if (!strcmp(kube_object_str(o, "kind"), kind) && !strcmp(kube_object_name(o), name))
            return o;
    }
    return NULL;
}

static int count(struct json_object *list, const char *kind)
{
    struct json_object *items;
    int n = 0;
    json_object_object_get_ex(list, "items", &items);
    for (size_t i = 0; i < json_object_array_length(items); i++)
        n += !strcmp(kube_object_str(json_object_array_get_idx(items, i), "kind"), kind);
    return n;
}

static void test_tenant_objects(void **state)
{
    struct json_object *list = render_tenant("basic", NULL);
    struct json_object *ns = find(list, "Namespace", "tenant-acme");

    assert_string_equal(kube_object_str(list, "kind"), "List");
    assert_non_null(ns);
    assert_string_equal(kube_object_str(ns, "metadata.labels.app\\.kubernetes\\.io/managed-by") ?: "x", "x");
    assert_non_null(find(list, "ResourceQuota", "tenant-quota"));
    assert_non_null(find(list, "StatefulSet", "postgresql"));
    assert_non_null(find(list, "Deployment", "odoo"));
    assert_non_null(find(list, "Job", "odoo-db-init"));
    assert_non_null(find(list, "IngressRoute", "odoo"));
    assert_int_equal(count(list, "Ingress"), 0);
    assert_int_equal(count(list, "Secret"), 3);
    /* basic has no egress to the internet */
    assert_null(find(list, "NetworkPolicy", "odoo-egress-internet"));
    assert_int_equal(count(list, "NetworkPolicy"), 5);
    /* namespace first: apply relies on it */
    struct json_object *items;
    json_object_object_get_ex(list, "items", &items);
    assert_string_equal(kube_object_str(json_object_array_get_idx(items, 0), "kind"), "Namespace");
    json_object_put(list);

    list = render_tenant("premium", "ingress: {mode: ingress, tls_secret: wildcard-tls}\n");
    assert_non_null(find(list, "NetworkPolicy", "odoo-egress-internet"));
    assert_int_equal(count(list, "IngressRoute"), 0);
    assert_non_null(find(list, "Ingress", "odoo"));
    json_object_put(list);
}

static void test_secrets_and_placeholders(void **state)
{
    struct tenant_spec spec = {.id = "acme", .tier = "basic", .admin_email = "admin@acme.com"};
    struct tenant_secrets a, b;
    struct json_object *l1, *l2;
    struct os_error err;

    assert_int_equal(tenant_secrets_generate(&a, NULL, &err), 0);
    assert_int_equal(tenant_secrets_generate(&b, "my own password", &err), 0);
    assert_int_equal(strlen(a.db_password), TENANT_SECRET_LEN);
    assert_string_not_equal(a.db_password, b.db_password);
    assert_string_not_equal(a.db_password, a.master_password);
    assert_string_equal(b.admin_password, "my own password");
    assert_int_equal(tenant_render(&spec, cfg, &a, 1790000000, &l1, &err), 0);
    assert_string_equal(kube_object_str(find(l1, "Secret", "odoo"), "stringData.db-password"),
                        a.db_password);
    assert_string_equal(kube_object_str(find(l1, "Secret", "postgresql"), "stringData.odoo-password"),
                        a.db_password);
    assert_int_equal(tenant_render(&spec, cfg, NULL, 1790000000, &l2, &err), 0);
    assert_string_equal(kube_object_str(find(l2, "Secret", "odoo-admin"), "stringData.password"),
                        TENANT_PLACEHOLDER);
    /* no secret appears anywhere but in the Secrets */
    const char *text = plain(l1);
    assert_non_null(strstr(text, a.master_password));
    assert_ptr_equal(strstr(text, a.master_password), strstr(text, a.master_password));
    json_object_put(l1);
    json_object_put(l2);
    tenant_secrets_wipe(&a);
    assert_int_equal(a.db_password[0], 0);
}

static void test_pure(void **state)
{
    struct tenant_spec spec = {.id = "acme", .tier = "standard", .admin_email = "admin@acme.com"};
    struct json_object *l1, *l2;
    struct os_error err;
    char *t1;

    assert_int_equal(tenant_render(&spec, cfg, NULL, 1790000000, &l1, &err), 0);
    assert_int_equal(tenant_render(&spec, cfg, NULL, 1790000000, &l2, &err), 0);
    t1 = strdup(plain(l1));
    assert_string_equal(t1, plain(l2));
    assert_non_null(strstr(t1, "\"odoo-saas.io/created-at\":\"2026-09-21T"));
    free(t1);
    json_object_put(l1);
    json_object_put(l2);
}

static void test_render_refuses_bad_spec(void **state)
{
    struct tenant_spec spec = {.id = "Bad", .tier = "basic", .admin_email = "admin@acme.com"};
    struct json_object *list = (struct json_object *)1;
    struct os_error err;
    assert_int_equal(tenant_render(&spec, cfg, NULL, 0, &list, &err), OS_ERR_INVALID);
    assert_null(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_substitution),
        cmocka_unit_test(test_no_injection),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_template_bugs),
        cmocka_unit_test(test_tenant_objects),
        cmocka_unit_test(test_secrets_and_placeholders),
        cmocka_unit_test(test_pure),
        cmocka_unit_test(test_render_refuses_bad_spec),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
