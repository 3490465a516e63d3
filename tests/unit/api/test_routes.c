/*
 * test_routes.c - the route table: every endpoint matches with its
 * parameter, a known path under another method is told apart (405 rather
 * than 404), and odd paths match nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "api/routes.h"

static const char *name_of(const char *method, const char *path, char *param, int *other)
{
    const struct api_route *r = api_route_match(method, path, param, 128, other);
    return r ? r->name : NULL;
}

static void test_every_route(void **state)
{
    char param[128];
    int other;
    size_t n;
    const struct api_route *all = api_routes(&n);

    (void)state;
    assert_true(n >= 16);
    assert_string_equal(name_of("POST", "/api/auth/login", param, &other), "auth_login");
    assert_string_equal(param, "");
    assert_string_equal(name_of("GET", "/api/tenants/acme", param, &other), "tenant_get");
    assert_string_equal(param, "acme");
    assert_string_equal(name_of("DELETE", "/api/tenants/acme", param, &other), "tenant_delete");
    assert_string_equal(name_of("POST", "/api/admin/tenants/acme/suspend", param, &other), "admin_suspend");
    assert_string_equal(param, "acme");
    assert_string_equal(name_of("GET", "/api/subdomains/x-y", param, &other), "subdomain");
    assert_string_equal(param, "x-y");
    assert_string_equal(name_of("HEAD", "/healthz", param, &other), "healthz");
    for (size_t i = 0; i < n; i++) {
        assert_non_null(all[i].fn);
        assert_non_null(strstr(all[i].pattern, "/"));
    }
}

static void test_other_method(void **state)
{
    char param[128];
    int other;

    (void)state;
    assert_null(name_of("PUT", "/api/tenants", param, &other));
    assert_int_equal(other, 1);
    assert_null(name_of("POST", "/api/tenants/acme", param, &other));
    assert_int_equal(other, 1);
    assert_null(name_of("GET", "/api/nothing", param, &other));
    assert_int_equal(other, 0);
}

static void test_odd_paths(void **state)
{
    char param[128], big[300];
    int other;

    (void)state;
    assert_null(name_of("GET", "/api/tenants/", param, &other));
    assert_null(name_of("GET", "/api/tenants/a/b", param, &other));
    assert_null(name_of("GET", "/api/tenants/acme/", param, &other));
    assert_null(name_of("POST", "/api/admin/tenants//suspend", param, &other));
    assert_null(name_of("GET", "/api/me/", param, &other));
    assert_null(name_of("GET", "api/me", param, &other));
    assert_null(name_of("GET", "", param, &other));
    memset(big, 'a', sizeof(big));
    memcpy(big, "/api/tenants/", 13);
    big[sizeof(big) - 1] = '\0';
    assert_null(name_of("GET", big, param, &other));   /* longer than the parameter buffer */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route),
        cmocka_unit_test(test_other_method),
        cmocka_unit_test(test_odd_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
