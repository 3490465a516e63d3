/*
 * test_dispatch.c - the socket-free request path: the early answers (413,
 * a NUL in the body, 405 against 404), a handler that answers nothing
 * becomes a 500, the answer's text and type, and the X-Forwarded-For rule
 * (the last entry, and only when it is an address).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "api/dispatch.h"

static void silent(struct api_request *r)
{
    (void)r;
}

static void test_early_answers(void **state)
{
    static char big[API_BODY_MAX + 2];
    struct api_request r = {.method = "GET", .path = "/healthz", .body = "", .body_len = 0};
    const struct api_route *route;
    const char *text, *ctype;
    size_t len;

    (void)state;
    route = api_dispatch_route(&r);
    assert_non_null(route);
    assert_string_equal(route->name, "healthz");
    memset(big, 'x', sizeof(big) - 1);
    r.body = big;
    r.body_len = API_BODY_MAX + 1;
    assert_null(api_dispatch_route(&r));
    assert_int_equal(r.status, 413);
    api_dispatch_clear(&r);
    r.body = "{\"a\":\0}";
    r.body_len = 7;
    assert_null(api_dispatch_route(&r));
    assert_int_equal(r.status, 400);
    text = api_dispatch_body(&r, &len, &ctype);
    assert_string_equal(ctype, "application/json");
    assert_int_equal(len, strlen(text));
    assert_non_null(strstr(text, "\"invalid_json\""));
    api_dispatch_clear(&r);
    assert_null(r.reply);
    r.body = "";
    r.body_len = 0;
    r.method = "PATCH";
    assert_null(api_dispatch_route(&r));
    assert_int_equal(r.status, 405);
    api_dispatch_clear(&r);
    r.path = "/nowhere";
    assert_null(api_dispatch_route(&r));
    assert_int_equal(r.status, 404);
    api_dispatch_clear(&r);
}

static void test_no_answer(void **state)
{
    struct api_route route = {"GET", "/x", "x", silent};
    struct api_request r = {.method = "GET", .path = "/x", .body = ""};
    const char *text, *ctype;
    size_t len;

    (void)state;
    api_dispatch_run(&r, &route);
    assert_int_equal(r.status, 500);
    api_dispatch_clear(&r);
    r.raw = strdup("text");
    r.status = 200;
    r.content_type_out = "text/plain";
    text = api_dispatch_body(&r, &len, &ctype);
    assert_string_equal(text, "text");
    assert_string_equal(ctype, "text/plain");
    assert_int_equal(len, 4);
    api_dispatch_clear(&r);
    assert_null(r.raw);
}

static void test_forwarded(void **state)
{
    char ip[64] = "peer";

    (void)state;
    assert_int_equal(api_forwarded_ip("203.0.113.9", ip, sizeof(ip)), 0);
    assert_string_equal(ip, "203.0.113.9");
    assert_int_equal(api_forwarded_ip("1.2.3.4, 2001:db8::7", ip, sizeof(ip)), 0);
    assert_string_equal(ip, "2001:db8::7");
    strcpy(ip, "peer");
    assert_int_equal(api_forwarded_ip("1.2.3.4, evil", ip, sizeof(ip)), -1);
    assert_int_equal(api_forwarded_ip("1.2.3.4,", ip, sizeof(ip)), -1);
    assert_int_equal(api_forwarded_ip("", ip, sizeof(ip)), -1);
    assert_int_equal(api_forwarded_ip(NULL, ip, sizeof(ip)), -1);
    assert_string_equal(ip, "peer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_early_answers),
        cmocka_unit_test(test_no_answer),
        cmocka_unit_test(test_forwarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
