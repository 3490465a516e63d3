/*
 * test_yaml_json.c - YAML to JSON: types, documents, limits, errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "yaml_json.h"

static struct json_object *parse(const char *text, int typed, int all)
{
    struct yaml_json_opts o = {.what = "template", .typed = typed, .all_documents = all};
    struct os_error err;
    struct json_object *out = NULL;
    assert_int_equal(yaml_json_parse("t.yaml", text, strlen(text), &o, &out, &err), 0);
    return out;
}

static const char *json(struct json_object *o)
{
    return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void test_typed_scalars(void **state)
{
    struct json_object *o = parse(
        "a: 8069\nb: -5\nc: true\nd: False\ne: ~\nf: null\ng: 1.5\nh: \"8069\"\ni: '17.0'\n"
        "j: 0x1F\nk: 0o17\nl: 1e3\nm: yes\nn: 10.0.0.1\no: .inf\np: 99999999999999999999\n"
        "q: !!str 42\nr:\ns: 2Gi\n", 1, 0);
    assert_string_equal(json(o),
        "{\"a\":8069,\"b\":-5,\"c\":true,\"d\":false,\"e\":null,\"f\":null,\"g\":1.5,\"h\":\"8069\","
        "\"i\":\"17.0\",\"j\":31,\"k\":15,\"l\":1e3,\"m\":\"yes\",\"n\":\"10.0.0.1\",\"o\":\".inf\","
        "\"p\":\"99999999999999999999\",\"q\":\"42\",\"r\":null,\"s\":\"2Gi\"}");
    json_object_put(o);
}

static void test_untyped_keeps_strings(void **state)
{
    struct json_object *o = parse("a: 8069\nb: true\nc: ~\nlist: [1, x]\n", 0, 0);
    assert_string_equal(json(o), "{\"a\":\"8069\",\"b\":\"true\",\"c\":null,\"list\":[\"1\",\"x\"]}");
    json_object_put(o);
}

static void test_documents(void **state)
{
    const char *text = "a: 1\n---\n---\nb: 2\n...\n---\n- x\n";
    struct json_object *all = parse(text, 1, 1);
    struct json_object *first = parse(text, 1, 0);
    assert_string_equal(json(all), "[{\"a\":1},{\"b\":2},[\"x\"]]");
    assert_string_equal(json(first), "{\"a\":1}");
    json_object_put(all);
    json_object_put(first);
    /* An empty text: no document at all. */
    all = parse("", 1, 1);
    assert_string_equal(json(all), "[]");
    json_object_put(all);
    assert_null(parse("# only a comment\n", 1, 0));
}

static void test_anchors(void **state)
{
    struct json_object *o = parse("base: &b {cpu: 1}\nx: *b\ny: *b\n", 1, 0);
    assert_string_equal(json(o), "{\"base\":{\"cpu\":1},\"x\":{\"cpu\":1},\"y\":{\"cpu\":1}}");
    json_object_put(o);
}

static void expect_error(const char *text, int code, const char *msg)
{
    struct yaml_json_opts o = {.what = "template", .typed = 1};
    struct os_error err;
    struct json_object *out = (struct json_object *)1;
    assert_int_equal(yaml_json_parse("t.yaml", text, strlen(text), &o, &out, &err), code);
    assert_null(out);
    if (!strstr(err.message, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, msg);
}

static void test_errors(void **state)
{
    expect_error("a: 1\nb: [1,\n", OS_ERR_PARSE, "template t.yaml: line 3:");
    expect_error("a: b: c\n", OS_ERR_PARSE, "line 1: mapping values are not allowed");
    expect_error("x: *nope\n", OS_ERR_PARSE, "alias to an unknown");
    expect_error("? [a]\n: 1\n", OS_ERR_PARSE, "only a string can be a mapping key");
    expect_error("a: &x [1, *x]\n", OS_ERR_PARSE, "alias to an unknown (or unfinished) anchor");
    expect_error("a: \"\\xff\\xfe\"\nb: \xff\n", OS_ERR_PARSE, "template t.yaml");
}

static void test_refuse_aliases(void **state)
{
    struct yaml_json_opts o = {.what = "body", .typed = 1, .refuse_aliases = 1};
    struct os_error err;
    struct json_object *out = NULL;
    const char *text = "a: &x [1]\nb: *x\n";
    assert_int_equal(yaml_json_parse("req", text, strlen(text), &o, &out, &err), OS_ERR_PARSE);
    assert_null(out);
    assert_string_equal(err.message, "body req: line 2: aliases are not allowed");
}

static void test_depth_limit(void **state)
{
    char deep[400];
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    expect_error(deep, OS_ERR_LIMIT, "nested too deeply");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_scalars),
        cmocka_unit_test(test_untyped_keeps_strings),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_refuse_aliases),
        cmocka_unit_test(test_depth_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
