/*
 * test_status.c - Status bodies and plain-text failures become os_error.
 * Bodies are the literal examples of K8S-CONTRACT.md section 2.3.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kube/status.h"

static void map(long code, const char *body, const char *retry_after, struct os_error *err)
{
    assert_int_equal(kube_status_error(code, body, body ? strlen(body) : 0, retry_after, err),
                     OS_ERR_API);
    assert_int_equal(err->code, OS_ERR_API);
    assert_int_equal(err->http_status, code);
}

static void test_not_found(void **state)
{
    struct os_error err;
    map(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
             "\"message\":\"deployments.apps \\\"odoo\\\" not found\",\"reason\":\"NotFound\","
             "\"details\":{\"name\":\"odoo\",\"group\":\"apps\",\"kind\":\"deployments\"},\"code\":404}",
        NULL, &err);
    assert_string_equal(err.message, "deployments.apps \"odoo\" not found");
    assert_string_equal(err.reason, "NotFound");
    assert_string_equal(err.name, "odoo");
    assert_string_equal(err.group, "apps");
    assert_string_equal(err.kind, "deployments");
    assert_true(os_error_is(&err, "NotFound"));
    assert_false(os_error_is(&err, "AlreadyExists"));
    assert_int_equal(err.retry_after, -1);
}

static void test_invalid_with_causes(void **state)
{
    struct os_error err;
    map(422, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
             "\"message\":\"Deployment.apps \\\"odoo\\\" is invalid: [spec.selector: Required value, "
             "spec.template.metadata.labels: Invalid value: map[string]string{\\\"app\\\":\\\"x\\\"}: "
             "`selector` does not match template `labels`]\",\"reason\":\"Invalid\","
             "\"details\":{\"name\":\"odoo\",\"group\":\"apps\",\"kind\":\"Deployment\",\"causes\":["
             "{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":\"spec.selector\"},"
             "{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value\",\"field\":\"spec.template.metadata.labels\"}]},"
             "\"code\":422}",
        NULL, &err);
    assert_string_equal(err.reason, "Invalid");
    assert_string_equal(err.kind, "Deployment");
    assert_int_equal(err.ncauses, 2);
    assert_string_equal(err.causes[0].reason, "FieldValueRequired");
    assert_string_equal(err.causes[0].field, "spec.selector");
    assert_string_equal(err.causes[1].field, "spec.template.metadata.labels");
    assert_non_null(strstr(err.message, "is invalid: [spec.selector: Required value"));
}

static void test_many_causes_bounded(void **state)
{
    struct os_error err;
    map(422, "{\"kind\":\"Status\",\"message\":\"x is invalid\",\"reason\":\"Invalid\",\"code\":422,"
             "\"details\":{\"causes\":[{\"field\":\"a\"},{\"field\":\"b\"},{\"field\":\"c\"},"
             "{\"field\":\"d\"},{\"field\":\"e\"},{\"field\":\"f\"}]}}",
        NULL, &err);
    assert_int_equal(err.ncauses, OS_ERROR_CAUSES_MAX);
    assert_string_equal(err.causes[3].field, "d");
}

static void test_too_many_requests(void **state)
{
    struct os_error err;
    /* The max-in-flight filter: plain text and a Retry-After header. */
    map(429, "Too many requests, please try again later.\n", "1", &err);
    assert_string_equal(err.reason, "TooManyRequests");
    assert_int_equal(err.retry_after, 1);
    assert_non_null(strstr(err.message, "HTTP 429: Too many requests, please try again later."));
    assert_null(strchr(err.message, '\n'));

    /* A Status with details.retryAfterSeconds, and the header wins. */
    map(429, "{\"kind\":\"Status\",\"message\":\"Too many requests: slow down\",\"reason\":\"TooManyRequests\","
             "\"details\":{\"retryAfterSeconds\":3},\"code\":429}", NULL, &err);
    assert_int_equal(err.retry_after, 3);
    map(429, "{\"kind\":\"Status\",\"message\":\"x\",\"reason\":\"TooManyRequests\","
             "\"details\":{\"retryAfterSeconds\":3},\"code\":429}", "7", &err);
    assert_int_equal(err.retry_after, 7);
    map(429, "", "soon", &err);
    assert_int_equal(err.retry_after, -1);
}

static void test_plain_and_empty_bodies(void **state)
{
    struct os_error err;

    map(503, "service unavailable", NULL, &err);
    assert_string_equal(err.reason, "ServiceUnavailable");
    assert_string_equal(err.message,
                        "the server is currently unable to handle the request (HTTP 503: service unavailable)");
    map(401, NULL, NULL, &err);
    assert_string_equal(err.reason, "Unauthorized");
    assert_string_equal(err.message,
                        "the server has asked for the client to provide credentials (HTTP 401)");
    map(418, "<html>\n<b>teapot</b>", NULL, &err);
    assert_string_equal(err.reason, "");
    assert_string_equal(err.message, "the server answered HTTP 418: <html>");
    map(599, NULL, NULL, &err);
    assert_string_equal(err.message, "the server answered HTTP 599");
    /* JSON that is not a Status is treated as text. */
    map(500, "{\"error\":\"boom\"}", NULL, &err);
    assert_string_equal(err.reason, "InternalError");
}

static void test_status_message_one_line(void **state)
{
    struct os_error err;
    map(409, "{\"kind\":\"Status\",\"message\":\"Apply failed with 1 conflict: conflict with \\\"kubectl\\\" "
             "using apps/v1:\\n- .spec.replicas\",\"reason\":\"Conflict\",\"code\":409,"
             "\"details\":{\"causes\":[{\"reason\":\"FieldManagerConflict\",\"field\":\".spec.replicas\"}]}}",
        NULL, &err);
    assert_null(strchr(err.message, '\n'));
    assert_string_equal(err.causes[0].reason, "FieldManagerConflict");
}

static void test_from_json(void **state)
{
    struct os_error err;
    struct json_object *st = json_tokener_parse(
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        "\"message\":\"too old resource version: 10245 (12000)\",\"reason\":\"Expired\",\"code\":410}");
    struct json_object *notst = json_tokener_parse("{\"kind\":\"Pod\"}");

    assert_int_equal(kube_status_from_json(st, &err), OS_ERR_API);
    assert_int_equal(err.http_status, 410);
    assert_string_equal(err.reason, "Expired");
    assert_int_equal(kube_status_from_json(notst, &err), OS_ERR_PARSE);
    json_object_put(st);
    json_object_put(notst);
}

static void test_reason_for_code(void **state)
{
    assert_string_equal(kube_status_reason_for_code(409), "Conflict");
    assert_string_equal(kube_status_reason_for_code(504), "Timeout");
    assert_string_equal(kube_status_reason_for_code(200), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_invalid_with_causes),
        cmocka_unit_test(test_many_causes_bounded),
        cmocka_unit_test(test_too_many_requests),
        cmocka_unit_test(test_plain_and_empty_bodies),
        cmocka_unit_test(test_status_message_one_line),
        cmocka_unit_test(test_from_json),
        cmocka_unit_test(test_reason_for_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
