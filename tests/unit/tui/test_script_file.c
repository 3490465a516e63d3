/*
 * test_script_file.c - ODOO_SAAS_SCRIPT as inline keys or as a file
 * (tui/script_file.c): comments and line breaks in a file, keys kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "script_file.h"

static void test_text(void **state)
{
    char *s;
    (void)state;
    s = script_from_text("# a comment\n3<waitfor:acme>\r\n/ac<Enter>\n# another\n<dump>");
    assert_string_equal(s, "3<waitfor:acme>/ac<Enter><dump>");
    free(s);
    s = script_from_text("");
    assert_string_equal(s, "");
    free(s);
}

static void test_load(void **state)
{
    char path[] = "/tmp/test_script_fileXXXXXX";
    struct os_error err;
    int fd = mkstemp(path);
    char *s;
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "# keys\n2\n<dump>\n", 16), 16);
    close(fd);
    s = script_load(path, &err);
    assert_non_null(s);
    assert_string_equal(s, "2<dump>");
    free(s);
    unlink(path);
    /* not a file: the value is the keys */
    s = script_load("3<Enter>", &err);
    assert_string_equal(s, "3<Enter>");
    free(s);
    s = script_load("/tmp", &err);
    assert_string_equal(s, "/tmp");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
