/*
 * test_ratelimit.c - token buckets: the burst, the refill, Retry-After,
 * keys kept apart, and a table far smaller than the number of keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "auth/auth.h"

static void test_burst_then_refill(void **state)
{
    struct auth_ratelimit *rl = auth_ratelimit_new(0.5, 3, 64);   /* one token per 2 s */
    int retry = 0;

    (void)state;
    assert_non_null(rl);
    for (int i = 0; i < 3; i++)
        assert_int_equal(auth_ratelimit_take(rl, "ip:1.2.3.4", 100.0, &retry), 1);
    assert_int_equal(auth_ratelimit_take(rl, "ip:1.2.3.4", 100.0, &retry), 0);
    assert_int_equal(retry, 2);
    assert_int_equal(auth_ratelimit_take(rl, "ip:1.2.3.4", 101.0, &retry), 0);
    assert_int_equal(retry, 1);
    assert_int_equal(auth_ratelimit_take(rl, "ip:1.2.3.4", 102.0, &retry), 1);
    assert_int_equal(auth_ratelimit_take(rl, "ip:1.2.3.4", 102.0, &retry), 0);
    /* a long pause refills to the burst, not beyond */
    for (int i = 0; i < 3; i++)
        assert_int_equal(auth_ratelimit_take(rl, "ip:1.2.3.4", 1000.0, &retry), 1);
    assert_int_equal(auth_ratelimit_take(rl, "ip:1.2.3.4", 1000.0, &retry), 0);
    auth_ratelimit_free(rl);
}

static void test_keys_apart(void **state)
{
    struct auth_ratelimit *rl = auth_ratelimit_new(1, 1, 64);
    int retry;

    (void)state;
    assert_int_equal(auth_ratelimit_take(rl, "a", 0, &retry), 1);
    assert_int_equal(auth_ratelimit_take(rl, "a", 0, &retry), 0);
    assert_int_equal(auth_ratelimit_take(rl, "b", 0, &retry), 1);
    assert_int_equal(auth_ratelimit_take(rl, "b", 0, &retry), 0);
    auth_ratelimit_free(rl);
}

static void test_small_table(void **state)
{
    struct auth_ratelimit *rl = auth_ratelimit_new(0.01, 2, 16);
    char key[32];
    int retry, limited = 0;

    (void)state;
    /* 1000 distinct keys through a 16-slot table: each new key is allowed */
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(auth_ratelimit_take(rl, key, 5.0, &retry), 1);
    }
    /* one hot key stays limited while others come and go */
    for (int i = 0; i < 50; i++) {
        limited += !auth_ratelimit_take(rl, "hot", 6.0, &retry);
        snprintf(key, sizeof(key), "x%d", i);
        auth_ratelimit_take(rl, key, 6.0, &retry);
    }
    assert_true(limited >= 40);
    assert_null(auth_ratelimit_new(0, 1, 16));
    assert_null(auth_ratelimit_new(1, 1, 2));
    auth_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_refill),
        cmocka_unit_test(test_keys_apart),
        cmocka_unit_test(test_small_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
