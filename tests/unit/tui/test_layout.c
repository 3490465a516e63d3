/*
 * test_layout.c - the console's pure layout functions (tui/layout.c):
 * widths, truncation, column sizing, ages, percentages, meters, times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(layout_width(""), 0);
    assert_int_equal(layout_width("acme"), 4);
    assert_int_equal(layout_width("caf\xc3\xa9"), 4);
    assert_int_equal(layout_width("\xe2\x96\x88\xe2\x96\x88"), 2);
}

static void test_skip(void **state)
{
    (void)state;
    assert_string_equal(layout_skip("acme-industries", 5), "industries");
    assert_string_equal(layout_skip("acme", 0), "acme");
    assert_string_equal(layout_skip("acme", 9), "");
    assert_string_equal(layout_skip("caf\xc3\xa9 bar", 4), " bar");
    assert_string_equal(layout_skip("\xe2\x96\x88\xe2\x96\x88x", 1), "\xe2\x96\x88x");
}

static void test_fit(void **state)
{
    char buf[64];
    (void)state;
    assert_string_equal(layout_fit("acme", 6, 0, 0, buf, sizeof(buf)), "acme  ");
    assert_string_equal(layout_fit("acme", 6, 1, 0, buf, sizeof(buf)), "  acme");
    assert_string_equal(layout_fit("acme", 4, 0, 0, buf, sizeof(buf)), "acme");
    assert_string_equal(layout_fit("acme-industries", 6, 0, 0, buf, sizeof(buf)), "acme-~");
    assert_string_equal(layout_fit("acme-industries", 6, 0, 1, buf, sizeof(buf)), "acme-\xe2\x80\xa6");
    assert_int_equal(layout_width(layout_fit("acme-industries", 6, 0, 1, buf, sizeof(buf))), 6);
    assert_string_equal(layout_fit("acme", 0, 0, 0, buf, sizeof(buf)), "");
    assert_string_equal(layout_fit(NULL, 3, 0, 0, buf, sizeof(buf)), "   ");
    /* a small buffer is never overrun and stays terminated */
    assert_string_equal(layout_fit("abcdefgh", 8, 0, 0, buf, 4), "abc");
    /* multi-byte characters are never split */
    assert_string_equal(layout_fit("\xc3\xa9\xc3\xa9\xc3\xa9", 2, 0, 0, buf, sizeof(buf)), "\xc3\xa9~");
}

static const struct layout_col cols[] = {
    {"ID", 8, 40, 2, 0, 0},
    {"PHASE", 12, 12, 0, 1, 0},
    {"NODES", 10, 0, 1, 5, 0},
    {"URL", 12, 0, 3, 2, 0},
};

static void test_columns_fit_exactly(void **state)
{
    int w[4], sum = 0;
    (void)state;
    assert_int_equal(layout_columns(cols, 4, 80, 1, w), 4);
    for (int i = 0; i < 4; i++) {
        assert_true(w[i] >= cols[i].min);
        sum += w[i];
    }
    assert_int_equal(sum + 3, 80);
    assert_int_equal(w[1], 12);          /* max respected, no weight */
    assert_true(w[3] > w[2]);            /* URL weighs more than NODES */
}

static void test_columns_hide_by_priority(void **state)
{
    int w[4];
    (void)state;
    /* 8+12+10+12 + 3 gaps = 45: at 40 NODES (priority 5) goes first */
    assert_int_equal(layout_columns(cols, 4, 40, 1, w), 3);
    assert_int_equal(w[2], 0);
    assert_true(w[0] >= 8 && w[1] == 12 && w[3] >= 12);
    /* then URL (priority 2) */
    assert_int_equal(layout_columns(cols, 4, 25, 1, w), 2);
    assert_int_equal(w[3], 0);
    /* one column narrower than its minimum is cut to the screen */
    assert_int_equal(layout_columns(cols, 4, 5, 1, w), 1);
    assert_int_equal(w[0], 5);
}

static void test_columns_wide(void **state)
{
    int w[4];
    (void)state;
    layout_columns(cols, 4, 250, 1, w);
    assert_int_equal(w[0], 40);           /* ID capped at its max */
    assert_int_equal(w[0] + w[1] + w[2] + w[3] + 3, 250);
}

static void test_age(void **state)
{
    char buf[16];
    (void)state;
    assert_string_equal(layout_age(-5, buf, sizeof(buf)), "0s");
    assert_string_equal(layout_age(45, buf, sizeof(buf)), "45s");
    assert_string_equal(layout_age(12 * 60 + 5, buf, sizeof(buf)), "12m");
    assert_string_equal(layout_age(3 * 3600 + 20 * 60, buf, sizeof(buf)), "3h20m");
    assert_string_equal(layout_age(5 * 86400 + 3 * 3600, buf, sizeof(buf)), "5d3h");
    assert_string_equal(layout_age(400L * 86400, buf, sizeof(buf)), "400d");
}

static void test_percent(void **state)
{
    char buf[16];
    (void)state;
    assert_string_equal(layout_percent(1, 4, buf, sizeof(buf)), "25%");
    assert_string_equal(layout_percent(5, 4, buf, sizeof(buf)), "125%");
    assert_string_equal(layout_percent(1, 0, buf, sizeof(buf)), "-");
    assert_string_equal(layout_percent(-1, 4, buf, sizeof(buf)), "-");
}

static void test_meter(void **state)
{
    char buf[128];
    int u, r;
    (void)state;
    layout_meter_cells(250, 500, 1000, 20, &u, &r);
    assert_int_equal(u, 5);
    assert_int_equal(r, 5);
    assert_string_equal(layout_meter_text(250, 500, 1000, 20, 0, buf, sizeof(buf)), "|||||:::::          ");
    /* unknown usage: requested only */
    assert_string_equal(layout_meter_text(-1, 500, 1000, 10, 0, buf, sizeof(buf)), ":::::     ");
    /* over-commit is clamped to the width */
    assert_string_equal(layout_meter_text(2000, 3000, 1000, 4, 0, buf, sizeof(buf)), "||||");
    /* a little use still shows one cell */
    layout_meter_cells(1, 0, 1000000, 10, &u, &r);
    assert_int_equal(u, 1);
    /* nothing allocatable: empty */
    assert_string_equal(layout_meter_text(5, 5, 0, 3, 0, buf, sizeof(buf)), "   ");
    assert_string_equal(layout_meter_text(500, 500, 1000, 2, 1, buf, sizeof(buf)), "\xe2\x96\x88 ");
}

static void test_time(void **state)
{
    char buf[16];
    (void)state;
    assert_int_equal(layout_parse_time("1970-01-02T00:00:00Z"), 86400);
    assert_int_equal(layout_parse_time("1970-01-02T00:00:00.123Z"), 86400);
    assert_int_equal(layout_parse_time("yesterday"), -1);
    assert_int_equal(layout_parse_time("1970-01-02T00:00:00+02:00"), -1);
    assert_int_equal(layout_parse_time(NULL), -1);
    assert_string_equal(layout_until(-1, 100, buf, sizeof(buf)), "-");
    assert_string_equal(layout_until(50, 100, buf, sizeof(buf)), "expired");
    assert_string_equal(layout_until(100 + 90, 100, buf, sizeof(buf)), "in 2m");
    assert_string_equal(layout_until(100 + 5 * 3600, 100, buf, sizeof(buf)), "in 5h");
    assert_string_equal(layout_until(100 + 14 * 86400, 100, buf, sizeof(buf)), "in 14d");
}

static void test_utf8_and_lists(void **state)
{
    int cp;
    (void)state;
    assert_int_equal(layout_utf8_decode("a", &cp), 1);
    assert_int_equal(cp, 'a');
    assert_int_equal(layout_utf8_decode("\xe2\x96\x88", &cp), 3);
    assert_int_equal(cp, 0x2588);
    assert_int_equal(layout_utf8_decode("\xe2\x96", &cp), 1);     /* truncated: one stray byte */
    assert_int_equal(cp, 0xe2);
    assert_true(layout_list_has("sim-node-1,sim-node-2", "sim-node-2"));
    assert_true(layout_list_has("sim-node-1", "sim-node-1"));
    assert_false(layout_list_has("sim-node-10,sim-node-2", "sim-node-1"));
    assert_false(layout_list_has("xsim-node-1", "sim-node-1"));
    assert_false(layout_list_has("", "a"));
    assert_false(layout_list_has("a", ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_skip),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_columns_fit_exactly),
        cmocka_unit_test(test_columns_hide_by_priority),
        cmocka_unit_test(test_columns_wide),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_meter),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_utf8_and_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
