/*
 * test_json_util.c - body parsing and field checks: only a JSON object is
 * a body, depth is bounded, UTF-8 is checked, trailing whitespace is fine
 * and trailing data is not; fields are typed and bounded and unknown ones
 * refused (json-c's strict mode still takes 'single quotes': harmless,
 * the value is a string either way); every refusal is a {"error":{"code","message"}} answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "api/api.h"

static struct json_object *parse(const char *s)
{
    char why[160];
    return api_json_parse_object(s, strlen(s), why, sizeof(why));
}

static void test_parse(void **state)
{
    static const char *bad[] = {"", "{", "[]", "\"x\"", "1", "null", "{}{}", "{} x",
                                "{\"a\":1,}", "{\"a\":\"\xff\"}",
                                "{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}", NULL};
    struct json_object *o;

    (void)state;
    for (const char **b = bad; *b; b++) {
        o = parse(*b);
        if (o)
            fail_msg("accepted: %s", *b);
    }
    o = parse("{\"a\":\"\\u00e9\"} \n");
    assert_non_null(o);
    json_object_put(o);
}

static const char *error_code(struct api_request *r)
{
    struct json_object *e, *c;
    assert_true(json_object_object_get_ex(r->reply, "error", &e));
    assert_true(json_object_object_get_ex(e, "message", &c));
    assert_true(json_object_object_get_ex(e, "code", &c));
    return json_object_get_string(c);
}

static void test_fields(void **state)
{
    struct api_request r = {0};
    struct json_object *o = parse("{\"s\":\"abc\",\"n\":1,\"e\":\"\",\"z\":null,\"nul\":\"a\\u0000b\"}");
    static const char *const allowed[] = {"s", "n", "e", "z", NULL};

    (void)state;
    assert_string_equal(api_field_str(&r, o, "s", 10), "abc");
    assert_null(r.reply);
    assert_null(api_field_str(&r, o, "s", 2));
    assert_int_equal(r.status, 400);
    assert_string_equal(error_code(&r), "invalid_field");
    assert_null(api_field_str(&r, o, "n", 10));
    assert_string_equal(error_code(&r), "invalid_field");
    assert_null(api_field_str(&r, o, "e", 10));
    assert_null(api_field_str(&r, o, "z", 10));
    assert_string_equal(error_code(&r), "missing_field");
    assert_null(api_field_str(&r, o, "missing", 10));
    assert_string_equal(error_code(&r), "missing_field");
    assert_null(api_field_str(&r, o, "nul", 10));
    assert_string_equal(error_code(&r), "invalid_field");
    assert_int_equal(api_fields_only(&r, o, allowed), -1);
    assert_string_equal(error_code(&r), "unknown_field");
    json_object_put(r.reply);
    json_object_put(o);
}

static void test_need_json(void **state)
{
    struct api_request r = {.body = "{}", .body_len = 2};
    struct json_object *body;

    (void)state;
    r.content_type = "text/plain";
    assert_int_equal(api_need_json(&r, &body), -1);
    assert_int_equal(r.status, 415);
    r.content_type = "application/jsonx";
    assert_int_equal(api_need_json(&r, &body), -1);
    r.content_type = "application/json; charset=utf-8";
    assert_int_equal(api_need_json(&r, &body), 0);
    json_object_put(body);
    r.content_type = "Application/JSON";
    r.body = "[1]";
    r.body_len = 3;
    assert_int_equal(api_need_json(&r, &body), -1);
    assert_int_equal(r.status, 400);
    assert_string_equal(error_code(&r), "invalid_json");
    json_object_put(r.reply);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_need_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
