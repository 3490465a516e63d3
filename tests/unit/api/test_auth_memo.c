/*
 * test_auth_memo.c - a connection's remembered token: only the very same
 * bytes hit, never after exp, never once the account read is a second old;
 * a new token replaces the old one; clearing forgets it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "api/auth_memo.h"

static void remember(struct api_auth_memo *m, const char *token, int64_t exp, double mono)
{
    struct auth_account a = {.id = 7, .admin = 1};

    strcpy(a.email, "a@example.com");
    api_auth_memo_put(m, token, exp, mono, &a);
}

static void test_hit_and_miss(void **state)
{
    struct api_auth_memo m = {0};
    struct auth_account got;

    (void)state;
    assert_int_equal(api_auth_memo_get(&m, "aaa.bbb.ccc", 100, 10.0, &got), 0);   /* empty */
    remember(&m, "aaa.bbb.ccc", 200, 10.0);
    memset(&got, 0, sizeof(got));
    assert_int_equal(api_auth_memo_get(&m, "aaa.bbb.ccc", 100, 10.5, &got), 1);
    assert_string_equal(got.email, "a@example.com");
    assert_int_equal(got.admin, 1);
    assert_int_equal(api_auth_memo_get(&m, "aaa.bbb.ccd", 100, 10.5, &got), 0);  /* one byte off */
    assert_int_equal(api_auth_memo_get(&m, "aaa.bbb.cc", 100, 10.5, &got), 0);   /* a prefix */
    assert_int_equal(api_auth_memo_get(&m, "aaa.bbb.cccc", 100, 10.5, &got), 0); /* longer */
    assert_int_equal(api_auth_memo_get(&m, NULL, 100, 10.5, &got), 0);
    api_auth_memo_clear(&m);
    assert_null(m.token);
    assert_int_equal(api_auth_memo_get(&m, "aaa.bbb.ccc", 100, 10.5, &got), 0);
}

static void test_time_limits(void **state)
{
    struct api_auth_memo m = {0};
    struct auth_account got;

    (void)state;
    remember(&m, "t.o.k", 200, 10.0);
    assert_int_equal(api_auth_memo_get(&m, "t.o.k", 199, 10.0, &got), 1);
    assert_int_equal(api_auth_memo_get(&m, "t.o.k", 200, 10.0, &got), 0);   /* exp reached */
    assert_int_equal(api_auth_memo_get(&m, "t.o.k", 100, 10.0 + API_AUTH_MEMO_S, &got), 0);  /* account stale */
    assert_int_equal(api_auth_memo_get(&m, "t.o.k", 100, 9.0, &got), 0);    /* clock went back */
    remember(&m, "t.o.k", 200, 11.0);                                       /* account re-read */
    assert_int_equal(api_auth_memo_get(&m, "t.o.k", 100, 11.5, &got), 1);
    remember(&m, "other.token.x", 300, 12.0);                               /* replaced */
    assert_int_equal(api_auth_memo_get(&m, "t.o.k", 100, 12.0, &got), 0);
    assert_int_equal(api_auth_memo_get(&m, "other.token.x", 100, 12.0, &got), 1);
    api_auth_memo_clear(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_and_miss),
        cmocka_unit_test(test_time_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
