/*
 * test_log_ring.c - the log pane's line ring (tui/log_ring.c): lines cut
 * across chunks, the bound on lines and on line length, and sanitizing
 * (no byte that could drive the terminal survives; UTF-8 text does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "log_ring.h"

static void test_lines_across_chunks(void **state)
{
    struct log_ring r;
    (void)state;
    assert_int_equal(log_ring_init(&r, 10), 0);
    assert_int_equal(log_ring_feed(&r, "one\ntw", 6), 1);
    assert_int_equal(r.n, 1);
    assert_int_equal(log_ring_feed(&r, "o\nthree", 7), 1);
    assert_string_equal(log_ring_line(&r, 0), "one");
    assert_string_equal(log_ring_line(&r, 1), "two");
    assert_null(log_ring_line(&r, 2));
    assert_int_equal(log_ring_flush(&r), 1);
    assert_string_equal(log_ring_line(&r, 2), "three");
    assert_int_equal(log_ring_flush(&r), 0);
    assert_int_equal(log_ring_feed(&r, "\r\n\n", 3), 2);
    assert_string_equal(log_ring_line(&r, 3), "");
    assert_string_equal(log_ring_line(&r, 4), "");
    log_ring_free(&r);
}

static void test_bounded(void **state)
{
    struct log_ring r;
    char buf[32];
    (void)state;
    assert_int_equal(log_ring_init(&r, 3), 0);
    for (int i = 0; i < 10; i++) {
        int n = snprintf(buf, sizeof(buf), "line %d\n", i);
        assert_int_equal(log_ring_feed(&r, buf, (size_t)n), 1);
    }
    assert_int_equal(r.n, 3);
    assert_int_equal((int)r.total, 10);
    assert_string_equal(log_ring_line(&r, 0), "line 7");
    assert_string_equal(log_ring_line(&r, 2), "line 9");
    assert_int_equal(log_ring_push(&r, "marker\nignored"), 0);
    assert_string_equal(log_ring_line(&r, 2), "marker");
    log_ring_clear(&r);
    assert_int_equal(r.n, 0);
    assert_null(log_ring_line(&r, 0));
    log_ring_free(&r);
}

static void test_long_line_cut(void **state)
{
    static char big[3 * LOG_LINE_MAX];
    struct log_ring r;
    (void)state;
    memset(big, 'x', sizeof(big));
    big[sizeof(big) - 1] = '\n';
    assert_int_equal(log_ring_init(&r, 2), 0);
    assert_int_equal(log_ring_feed(&r, big, sizeof(big)), 1);
    assert_int_equal(strlen(log_ring_line(&r, 0)), LOG_LINE_MAX);
    assert_int_equal(log_ring_feed(&r, "next\n", 5), 1);
    assert_string_equal(log_ring_line(&r, 1), "next");
    log_ring_free(&r);
}

/* Each line is cleaned as it is kept (term_text_clean(); the byte-level
 * cases are in tests/unit/test_term_text.c). */
static void test_sanitize(void **state)
{
    struct log_ring r;
    (void)state;
    assert_int_equal(log_ring_init(&r, 10), 0);
    /* escape sequences, bell, backspace, DEL lose their control bytes */
    assert_int_equal(log_ring_feed(&r, "\x1b[2Jhi\x07\x08\x7f\n", 10), 1);
    assert_string_equal(log_ring_line(&r, 0), "?[2Jhi???");
    /* C1 controls (CSI as U+009B), bare 0x9b, invalid and overlong UTF-8 */
    assert_int_equal(log_ring_feed(&r, "a\xc2\x9b" "b\x9b" "c\xc0\xaf" "d\xed\xa0\x80\n", 13), 1);
    assert_string_equal(log_ring_line(&r, 1), "a??b?c??d???");
    /* UTF-8 text stays, even cut across chunks; a tab is a space, a CRLF's CR goes */
    assert_int_equal(log_ring_feed(&r, "caf\xc3\xa9\t\xe2\x96\x88 \xf0\x9f", 12), 0);
    assert_int_equal(log_ring_feed(&r, "\x98\x80\r\n", 4), 1);
    assert_string_equal(log_ring_line(&r, 2), "caf\xc3\xa9 \xe2\x96\x88 \xf0\x9f\x98\x80");
    /* a truncated sequence at the end of the stream */
    assert_int_equal(log_ring_feed(&r, "ok\xe2\x96", 4), 0);
    assert_int_equal(log_ring_flush(&r), 1);
    assert_string_equal(log_ring_line(&r, 3), "ok??");
    log_ring_free(&r);
}

static void test_timestamp(void **state)
{
    char key[24];
    (void)state;
    assert_int_equal(log_timestamp("2026-11-28T06:53:35.600000000Z hello", 36, key), 31);
    assert_string_equal(key, "20261128065335600000000");
    assert_int_equal(log_timestamp("2026-11-28T06:53:35.6Z x", 24, key), 23);
    assert_string_equal(key, "20261128065335600000000");
    assert_int_equal(log_timestamp("2026-11-28T06:53:35Z x", 22, key), 21);
    assert_string_equal(key, "20261128065335000000000");
    assert_int_equal(log_timestamp("2026-11-28 06:53:35,600 odoo", 28, key), 0);
    assert_int_equal(log_timestamp("2026-11-28T06:53:35.6Zx", 23, key), 0);
    assert_int_equal(log_timestamp("short", 5, key), 0);
}

/* A resumed stream repeats lines: only those after the newest kept one
 * are added; the time is taken off the shown text. */
static void test_resume(void **state)
{
    struct log_ring r;
    const char *first = "2026-01-01T00:00:01.5Z one\n2026-01-01T00:00:02Z two\n";
    const char *again = "2026-01-01T00:00:01.5Z one\n2026-01-01T00:00:02Z two\n2026-01-01T00:00:02.000000001Z three\n";
    (void)state;
    assert_int_equal(log_ring_init(&r, 10), 0);
    r.timestamps = 1;
    assert_int_equal(log_ring_feed(&r, first, strlen(first)), 2);
    assert_string_equal(log_ring_line(&r, 0), "one");
    log_ring_resume(&r);
    assert_int_equal(log_ring_feed(&r, again, strlen(again)), 1);
    assert_int_equal(r.n, 3);
    assert_string_equal(log_ring_line(&r, 2), "three");
    /* past the repeats, an equal time is a new line again */
    assert_int_equal(log_ring_feed(&r, "2026-01-01T00:00:02.000000001Z four\nno time\n", 44), 2);
    assert_string_equal(log_ring_line(&r, 4), "no time");
    log_ring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_across_chunks),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_long_line_cut),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_timestamp),
        cmocka_unit_test(test_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
