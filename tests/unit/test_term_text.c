/*
 * test_term_text.c - untrusted text made safe for a terminal: control
 * bytes (C0, DEL, C1 raw and as UTF-8) and invalid UTF-8 (overlong,
 * surrogates, past U+10FFFF, cut) become '?', valid UTF-8 stays whole,
 * and a stream cut anywhere gives what the whole buffer gives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "term_text.h"

/* term_text_clean() of a NUL-free string, into a static buffer. */
static const char *clean(const char *s)
{
    static char out[256];
    term_text_clean(s, strlen(s), out, sizeof(out));
    return out;
}

/* The stream of chunks (NULL-ended) fed one by one, then flushed. */
static const char *stream(const char *const *chunk)
{
    static char out[256];
    struct term_text_stream st = {0};
    char buf[TERM_TEXT_FEED_ROOM(64)];
    size_t at = 0;

    for (; *chunk; chunk++) {
        size_t n = term_text_feed(&st, *chunk, strlen(*chunk), buf);
        assert_int_equal(n, strlen(buf));
        memcpy(out + at, buf, n);
        at += n;
    }
    at += term_text_flush(&st, out + at);
    assert_int_equal(st.n, 0);
    return out;
}

static void test_controls(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(term_text_clean("\x1b[2Jhi\x07\x08\x7f", 9, out, sizeof(out)), 9);
    assert_string_equal(out, "?[2Jhi???");
    /* NUL is a byte like the others */
    assert_int_equal(term_text_clean("a\0b", 3, out, sizeof(out)), 3);
    assert_string_equal(out, "a?b");
    /* a tab is a space, a trailing CR goes, any other CR is a control */
    assert_string_equal(clean("a\tb\rc\r"), "a b?c");
}

static void test_c1(void **state)
{
    (void)state;
    /* U+0080, U+009B (CSI), U+009F as UTF-8: both bytes '?' */
    assert_string_equal(clean("a\xc2\x80" "b\xc2\x9b[31m" "c\xc2\x9f"), "a??b??[31mc??");
    /* raw C1 bytes, and a bare continuation byte */
    assert_string_equal(clean("\x80\x9b\x9f\xbf"), "????");
    /* U+00A0, the first character past C1, is text */
    assert_string_equal(clean("\xc2\xa0\xc2\xbf"), "\xc2\xa0\xc2\xbf");
}

static void test_invalid(void **state)
{
    (void)state;
    /* overlong: '/' in two, three and four bytes; 0xc0/0xc1 never lead */
    assert_string_equal(clean("\xc0\xaf|\xe0\x80\xaf|\xf0\x80\x80\xaf|\xc1\xbf"),
                        "??|???|????|??");
    /* the shortest forms at each length's bottom are valid */
    assert_string_equal(clean("\xe0\xa0\x80\xf0\x90\x80\x80"), "\xe0\xa0\x80\xf0\x90\x80\x80");
    /* surrogates U+D800 and U+DFFF; U+D7FF and U+E000 around them are text */
    assert_string_equal(clean("\xed\xa0\x80|\xed\xbf\xbf"), "???|???");
    assert_string_equal(clean("\xed\x9f\xbf\xee\x80\x80"), "\xed\x9f\xbf\xee\x80\x80");
    /* past U+10FFFF: 0xf4 0x90.., and leads 0xf5-0xff; U+10FFFF is text */
    assert_string_equal(clean("\xf4\x90\x80\x80|\xf5\x80\x80\x80|\xff"), "????|????|?");
    assert_string_equal(clean("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");
    /* a character broken by an ASCII byte, and one cut at the end */
    assert_string_equal(clean("\xe2\x96x\xf0\x9f\x98"), "??x???");
}

static void test_valid_kept(void **state)
{
    char out[8];
    (void)state;
    assert_string_equal(clean("caf\xc3\xa9 \xe2\x96\x88 \xf0\x9f\x98\x80 \xe4\xb8\xad"),
                        "caf\xc3\xa9 \xe2\x96\x88 \xf0\x9f\x98\x80 \xe4\xb8\xad");
    /* a small buffer never splits a character and stays terminated */
    assert_int_equal(term_text_clean("ab\xf0\x9f\x98\x80", 6, out, 6), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(term_text_clean("ab\xf0\x9f\x98\x80", 6, out, 7), 6);
    assert_int_equal(term_text_clean("abc", 3, out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(term_text_clean("abc", 3, out, 0), 0);
}

static void test_in_place(void **state)
{
    char buf[] = "\x1b[1m\xc3\xa9\xc2\x9b\t\xf0\x9f\x98\x80\r";
    (void)state;
    assert_int_equal(term_text_clean(buf, strlen(buf), buf, sizeof(buf)), 13);
    assert_string_equal(buf, "?[1m\xc3\xa9?? \xf0\x9f\x98\x80");
}

static void test_stream_whitespace(void **state)
{
    const char *c[] = {"a\tb\r\n", "\x1b]0;x\x07\x7f\n", NULL};
    (void)state;
    /* tab, CR and LF pass: the caller lays out lines; ESC, BEL, DEL do not */
    assert_string_equal(stream(c), "a\tb\r\n?]0;x??\n");
}

static void test_stream_split_emoji(void **state)
{
    const char *emoji = "\xf0\x9f\x98\x80";
    char a[8], b[8];
    (void)state;
    for (size_t cut = 0; cut <= 4; cut++) {
        const char *c[] = {a, b, NULL};
        snprintf(a, sizeof(a), "<%.*s", (int)cut, emoji);
        snprintf(b, sizeof(b), "%s>", emoji + cut);
        assert_string_equal(stream(c), "<\xf0\x9f\x98\x80>");
    }
    /* one byte a chunk */
    const char *bytes[] = {"\xf0", "\x9f", "\x98", "\x80", "\xc3", "\xa9", NULL};
    assert_string_equal(stream(bytes), "\xf0\x9f\x98\x80\xc3\xa9");
}

static void test_stream_split_invalid(void **state)
{
    const char *cut_by_ascii[] = {"ok\xe2\x96", "x", NULL};
    const char *c1[] = {"\xc2", "\x9b[31m", NULL};
    const char *surrogate[] = {"\xed", "\xa0\x80", NULL};
    const char *overlong[] = {"\xf0\x80", "\x80\xaf", NULL};
    const char *too_big[] = {"\xf4", "\x90\x80\x80", NULL};
    const char *new_lead[] = {"\xf0\x9f\x98", "\xc3\xa9", NULL};
    (void)state;
    assert_string_equal(stream(cut_by_ascii), "ok??x");
    assert_string_equal(stream(c1), "??[31m");
    assert_string_equal(stream(surrogate), "???");
    assert_string_equal(stream(overlong), "????");
    assert_string_equal(stream(too_big), "????");
    /* a lead byte that cuts a held character short starts its own */
    assert_string_equal(stream(new_lead), "???\xc3\xa9");
}

static void test_stream_flush(void **state)
{
    struct term_text_stream st = {0};
    char out[TERM_TEXT_FEED_ROOM(8)];
    (void)state;
    assert_int_equal(term_text_feed(&st, "ab\xf0\x9f\x98", 5, out), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(st.n, 3);
    assert_int_equal(term_text_flush(&st, out), 3);
    assert_string_equal(out, "???");
    /* a new stream again: nothing held, nothing to flush */
    assert_int_equal(term_text_flush(&st, out), 0);
    assert_string_equal(out, "");
    assert_int_equal(term_text_feed(&st, "\x80", 1, out), 1);
    assert_string_equal(out, "?");
}

/* Any cut of a mixed text, into two or three chunks, gives what the
 * whole text gives. */
static void test_stream_matches_clean(void **state)
{
    static const char text[] =
        "a\xc3\xa9\xc2\x9b\xe2\x96\x88\xed\xa0\x80\xf0\x9f\x98\x80\xf4\x90\x80\x80"
        "\xe0\x80\xaf\xf0\x9f\x98z\xc2\x1b\xff\x80\xe4\xb8\xad";
    size_t len = sizeof(text) - 1;
    char whole[128], part[3][sizeof(text)];
    (void)state;
    term_text_clean(text, len, whole, sizeof(whole));
    for (size_t i = 0; i <= len; i++)
        for (size_t j = i; j <= len; j++) {
            const char *c[] = {part[0], part[1], part[2], NULL};
            memcpy(part[0], text, i);
            part[0][i] = '\0';
            memcpy(part[1], text + i, j - i);
            part[1][j - i] = '\0';
            memcpy(part[2], text + j, len - j);
            part[2][len - j] = '\0';
            assert_string_equal(stream(c), whole);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_c1),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_valid_kept),
        cmocka_unit_test(test_in_place),
        cmocka_unit_test(test_stream_whitespace),
        cmocka_unit_test(test_stream_split_emoji),
        cmocka_unit_test(test_stream_split_invalid),
        cmocka_unit_test(test_stream_flush),
        cmocka_unit_test(test_stream_matches_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
