/*
 * test_error.c - struct os_error stays one bounded line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "error.h"

static void test_set_and_clear(void **state)
{
    struct os_error err;
    assert_int_equal(os_error_set(&err, OS_ERR_INVALID, "bad %s: %d", "tier", 7), OS_ERR_INVALID);
    assert_string_equal(err.message, "bad tier: 7");
    assert_int_equal(err.retry_after, -1);
    os_error_clear(&err);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.message, "");
    /* NULL is allowed so optional reporting stays one line at the caller */
    assert_int_equal(os_error_set(NULL, OS_ERR_IO, "x"), OS_ERR_IO);
}

static void test_one_line(void **state)
{
    struct os_error err;
    os_error_set(&err, OS_ERR_PARSE, "line one\nline two\r\tend");
    assert_string_equal(err.message, "line one line two  end");
}

static void test_prefix(void **state)
{
    struct os_error err;
    char big[2000];

    os_error_set(&err, OS_ERR_NET, "connection refused");
    assert_int_equal(os_error_prefix(&err, "tenant %s", "acme"), OS_ERR_NET);
    assert_string_equal(err.message, "tenant acme: connection refused");

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    os_error_set(&err, OS_ERR_NET, "%s", big);
    assert_int_equal(strlen(err.message), OS_ERROR_MSG_MAX - 1);
    os_error_prefix(&err, "ctx");
    assert_int_equal(strlen(err.message), OS_ERROR_MSG_MAX - 1);
    assert_memory_equal(err.message, "ctx: xxx", 8);
    os_error_prefix(&err, "%s", big);
    assert_int_equal(strlen(err.message), OS_ERROR_MSG_MAX - 1);
}

static void test_is_and_names(void **state)
{
    struct os_error err;
    os_error_set(&err, OS_ERR_API, "x");
    strcpy(err.reason, "NotFound");
    assert_true(os_error_is(&err, "NotFound"));
    err.code = OS_ERR_NET;
    assert_false(os_error_is(&err, "NotFound"));
    assert_false(os_error_is(NULL, "NotFound"));
    assert_string_equal(os_err_code_name(OS_ERR_NET), "network");
    assert_string_equal(os_err_code_name(-99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_and_clear),
        cmocka_unit_test(test_one_line),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_is_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
