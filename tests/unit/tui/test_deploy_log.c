/*
 * test_deploy_log.c - the Deploy screen's output pane: lines split across
 * chunks, streams kept apart, '\r' redraws, escapes defused, long lines
 * continued, the oldest lines dropped past the bound, and characters cut
 * between chunks kept whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "deploy_log.h"

static struct deploy_log log_;

static void add(int stream, const char *s)
{
    deploy_log_add(&log_, stream, s, strlen(s));
}

static void test_lines(void **state)
{
    int stream;

    deploy_log_clear(&log_);
    add(1, "Enabling d");
    add(1, "ns\nEnabling helm3\n");
    add(2, "warn\n");
    add(1, "\n");
    deploy_log_note(&log_, "==> addons: done");
    assert_int_equal(deploy_log_count(&log_), 5);
    assert_string_equal(deploy_log_line(&log_, 0, &stream), "Enabling dns");
    assert_int_equal(stream, 1);
    assert_string_equal(deploy_log_line(&log_, 1, NULL), "Enabling helm3");
    assert_string_equal(deploy_log_line(&log_, 2, &stream), "warn");
    assert_int_equal(stream, 2);
    assert_string_equal(deploy_log_line(&log_, 3, NULL), "");
    assert_string_equal(deploy_log_line(&log_, 4, &stream), "==> addons: done");
    assert_int_equal(stream, 0);
    assert_string_equal(deploy_log_line(&log_, 9, NULL), "");
}

static void test_streams_and_cr(void **state)
{
    deploy_log_clear(&log_);
    add(1, "out-partial");
    add(2, "err\n");
    add(1, " 10%\r 50%\r100%\n");
    add(1, "title \033]0;pwned\007 done\tx\n");
    assert_int_equal(deploy_log_count(&log_), 4);
    assert_string_equal(deploy_log_line(&log_, 0, NULL), "out-partial");
    assert_string_equal(deploy_log_line(&log_, 1, NULL), "err");
    assert_string_equal(deploy_log_line(&log_, 2, NULL), "100%");
    assert_string_equal(deploy_log_line(&log_, 3, NULL), "title ?]0;pwned? done x");
}

static void test_bounds(void **state)
{
    char big[1000], line[32];

    deploy_log_clear(&log_);
    memset(big, 'x', sizeof(big));
    deploy_log_add(&log_, 1, big, sizeof(big));
    assert_true(deploy_log_count(&log_) >= 5);
    for (int i = 0; i < deploy_log_count(&log_); i++)
        assert_true(strlen(deploy_log_line(&log_, i, NULL)) < DEPLOY_LOG_WIDTH);
    deploy_log_clear(&log_);
    for (int i = 0; i < DEPLOY_LOG_LINES + 20; i++) {
        snprintf(line, sizeof(line), "line %d\n", i);
        add(1, line);
    }
    assert_int_equal(deploy_log_count(&log_), DEPLOY_LOG_LINES);
    assert_int_equal(log_.dropped, 20);
    assert_string_equal(deploy_log_line(&log_, 0, NULL), "line 20");
    snprintf(line, sizeof(line), "line %d", DEPLOY_LOG_LINES + 19);
    assert_string_equal(deploy_log_line(&log_, DEPLOY_LOG_LINES - 1, NULL), line);
}

static void test_utf8_wrap(void **state)
{
    char text[DEPLOY_LOG_WIDTH * 2];
    size_t n = 0;

    deploy_log_clear(&log_);
    while (n + 2 < sizeof(text) - 1) {
        memcpy(text + n, "\xc3\xa9", 2);   /* é */
        n += 2;
    }
    deploy_log_add(&log_, 1, "a", 1);       /* odd start: a wrap falls mid-pair if careless */
    deploy_log_add(&log_, 1, text, n);
    for (int i = 0; i < deploy_log_count(&log_); i++) {
        const char *l = deploy_log_line(&log_, i, NULL);
        assert_true(((unsigned char)l[0] & 0xc0) != 0x80);
    }
}

/* A host's character cut between chunks shows whole, even with the other
 * stream's output in between (which ends the open line, so the character
 * starts the stream's next line); C1 controls (raw or as UTF-8) and a tail
 * a stream ended inside are defused. */
static void test_split_characters(void **state)
{
    static const char *const want[] = {
        "smile ", "caf", "\xf0\x9f\x98\x80 ok", "\xc3\xa9", "csi ??2J raw ? done", "cut ??",
        "==> step: done",
    };

    deploy_log_clear(&log_);
    add(1, "smile \xf0\x9f");
    add(2, "caf\xc3");
    add(1, "\x98\x80 ok\n");
    add(2, "\xa9\n");
    add(1, "csi \xc2\x9b" "2J raw \x9b done\n");
    add(1, "cut \xe2\x96");
    deploy_log_note(&log_, "==> step: done");
    assert_int_equal(deploy_log_count(&log_), (int)(sizeof(want) / sizeof(want[0])));
    for (int i = 0; i < deploy_log_count(&log_); i++)
        assert_string_equal(deploy_log_line(&log_, i, NULL), want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_streams_and_cr),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_utf8_wrap),
        cmocka_unit_test(test_split_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
