/*
 * test_selector.c - label selector (string and JSON forms) and field
 * selector parsing and matching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kube/selector.h"

static json_object *labels(const char *json)
{
    return json_tokener_parse(json);
}

/* Parse sel and match it against the labels in json; asserts the parse. */
static int match(const char *sel_text, const char *json)
{
    struct kube_selector *sel = NULL;
    struct os_error err = {0};
    json_object *l = labels(json);

    assert_int_equal(kube_selector_parse(sel_text, &sel, &err), 0);
    int m = kube_selector_matches(sel, l);
    kube_selector_free(sel);
    json_object_put(l);
    return m;
}

static void test_equality(void **state)
{
    (void)state;
    assert_true(match("app=odoo", "{\"app\":\"odoo\"}"));
    assert_true(match("app==odoo", "{\"app\":\"odoo\"}"));
    assert_false(match("app=odoo", "{\"app\":\"pg\"}"));
    assert_false(match("app=odoo", "{}"));
    assert_true(match("tier!=db", "{}"));
    assert_true(match("tier!=db", "{\"tier\":\"web\"}"));
    assert_false(match("tier!=db", "{\"tier\":\"db\"}"));
    assert_true(match("app=odoo,saas/tenant=acme", "{\"app\":\"odoo\",\"saas/tenant\":\"acme\"}"));
    assert_false(match("app=odoo,saas/tenant=acme", "{\"app\":\"odoo\",\"saas/tenant\":\"x\"}"));
    assert_true(match(" app = odoo ", "{\"app\":\"odoo\"}"));
    assert_true(match("app=", "{\"app\":\"\"}"));
}

static void test_sets_and_exists(void **state)
{
    (void)state;
    assert_true(match("env in (prod,stage)", "{\"env\":\"stage\"}"));
    assert_false(match("env in (prod,stage)", "{\"env\":\"dev\"}"));
    assert_false(match("env in (prod)", "{}"));
    assert_true(match("env notin (dev)", "{}"));
    assert_false(match("env notin (dev, test)", "{\"env\":\"test\"}"));
    assert_true(match("saas/tenant", "{\"saas/tenant\":\"a\"}"));
    assert_false(match("saas/tenant", "{}"));
    assert_true(match("!saas/tenant", "{}"));
    assert_false(match("!saas/tenant", "{\"saas/tenant\":\"a\"}"));
    assert_true(match("a,!b,c in (1)", "{\"a\":\"x\",\"c\":\"1\"}"));
}

static void test_empty_and_null(void **state)
{
    (void)state;
    assert_true(match("", "{}"));
    assert_true(match(NULL, "{\"x\":\"y\"}"));
    assert_false(kube_selector_matches(NULL, NULL));
}

static void expect_parse_error(const char *text)
{
    struct kube_selector *sel = (struct kube_selector *)1;
    struct os_error err = {0};

    assert_int_equal(kube_selector_parse(text, &sel, &err), OS_ERR_INVALID);
    assert_null(sel);
    assert_int_equal(strncmp(err.message, "unable to parse requirement: ", 29), 0);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_parse_error("=x");
    expect_parse_error("app in prod");
    expect_parse_error("app in ()");
    expect_parse_error("app in (a");
    expect_parse_error("app=a b");
    expect_parse_error("app=odoo,");
    expect_parse_error("bad key!=x");
    expect_parse_error("app=bad value!");
    expect_parse_error("!a=b");
    expect_parse_error("-app=x");
    expect_parse_error("app=-x");
    expect_parse_error("Bad_Prefix/app=x");      /* prefix must be a DNS subdomain */
    expect_parse_error("a234567890123456789012345678901234567890123456789012345678901234=x"); /* 64 */
    expect_parse_error("app=a234567890123456789012345678901234567890123456789012345678901234");
    expect_parse_error("!");
    expect_parse_error("app notin (a,,b");
}

static void test_valid_keys(void **state)
{
    (void)state;
    assert_true(match("example.com/My_Key.x=V-1", "{\"example.com/My_Key.x\":\"V-1\"}"));
    assert_true(match("in=x", "{\"in\":\"x\"}"));           /* keyword as a key */
    assert_true(match("a in (x,)", "{\"a\":\"\"}"));          /* empty value in a set */
    assert_true(match("a!=", "{\"a\":\"x\"}"));
}

static struct kube_selector *from_json(const char *json, int want_rc)
{
    struct kube_selector *sel = NULL;
    struct os_error err = {0};
    json_object *j = json ? json_tokener_parse(json) : NULL;

    assert_int_equal(kube_selector_from_json(j, &sel, &err), want_rc);
    json_object_put(j);
    return sel;
}

static void test_json_form(void **state)
{
    (void)state;
    struct kube_selector *s = from_json(
        "{\"matchLabels\":{\"app\":\"odoo\"},\"matchExpressions\":["
        "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"web\",\"api\"]},"
        "{\"key\":\"gone\",\"operator\":\"DoesNotExist\"},"
        "{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"dev\"]},"
        "{\"key\":\"team\",\"operator\":\"Exists\"}]}", 0);
    json_object *yes = labels("{\"app\":\"odoo\",\"tier\":\"api\",\"team\":\"x\"}");
    json_object *no1 = labels("{\"app\":\"odoo\",\"tier\":\"db\",\"team\":\"x\"}");
    json_object *no2 = labels("{\"app\":\"odoo\",\"tier\":\"web\",\"team\":\"x\",\"gone\":\"1\"}");
    json_object *no3 = labels("{\"app\":\"odoo\",\"tier\":\"web\",\"team\":\"x\",\"env\":\"dev\"}");
    json_object *no4 = labels("{\"app\":\"odoo\",\"tier\":\"web\"}");
    assert_true(kube_selector_matches(s, yes));
    assert_false(kube_selector_matches(s, no1));
    assert_false(kube_selector_matches(s, no2));
    assert_false(kube_selector_matches(s, no3));
    assert_false(kube_selector_matches(s, no4));
    json_object_put(yes); json_object_put(no1); json_object_put(no2);
    json_object_put(no3); json_object_put(no4);
    kube_selector_free(s);

    s = from_json("{}", 0);            /* empty selects everything */
    assert_non_null(s);
    assert_true(kube_selector_is_empty(s));
    assert_true(kube_selector_matches(s, NULL));
    kube_selector_free(s);

    s = from_json(NULL, 0);            /* absent selects nothing */
    assert_null(s);
    assert_false(kube_selector_matches(s, NULL));

    assert_null(from_json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Bogus\"}]}", OS_ERR_INVALID));
    assert_null(from_json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}", OS_ERR_INVALID));
    assert_null(from_json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}", OS_ERR_INVALID));
    assert_null(from_json("{\"matchLabels\":{\"a\":1}}", OS_ERR_INVALID));
}

static void test_field_selector(void **state)
{
    (void)state;
    struct kube_field_selector *fs = NULL;
    struct os_error err = {0};

    assert_int_equal(kube_field_selector_parse("spec.nodeName=node1,status.phase!=Succeeded,metadata.name==x",
                                               &fs, &err), 0);
    assert_int_equal(fs->nterms, 3);
    assert_string_equal(fs->terms[0].field, "spec.nodeName");
    assert_string_equal(fs->terms[0].value, "node1");
    assert_false(fs->terms[0].negate);
    assert_string_equal(fs->terms[1].field, "status.phase");
    assert_string_equal(fs->terms[1].value, "Succeeded");
    assert_true(fs->terms[1].negate);
    assert_string_equal(fs->terms[2].field, "metadata.name");
    assert_string_equal(fs->terms[2].value, "x");
    kube_field_selector_free(fs);

    assert_int_equal(kube_field_selector_parse("", &fs, &err), 0);
    assert_int_equal(fs->nterms, 0);
    kube_field_selector_free(fs);

    assert_int_equal(kube_field_selector_parse("metadata.name", &fs, &err), OS_ERR_INVALID);
    assert_null(fs);
    assert_string_equal(err.message, "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    assert_int_equal(kube_field_selector_parse("=x", &fs, &err), OS_ERR_INVALID);
    assert_int_equal(kube_field_selector_parse("a=b,", &fs, &err), OS_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equality),
        cmocka_unit_test(test_sets_and_exists),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_valid_keys),
        cmocka_unit_test(test_json_form),
        cmocka_unit_test(test_field_selector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
