/*
 * test_quantity.c - resource.Quantity parsing and formatting, exactly.
 *
 * The parser vectors are K8S-CONTRACT.md 7.2's, checked at the three scales
 * the product uses (whole units, milli, nano).  Expected values were worked
 * out by hand from the grammar: value * 10^scale, rounded towards +inf.
 * Formatting is checked against literal strings, for truncation of the
 * buffer, and by round trips through the parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kube/quantity.h"

#define SENTINEL ((int64_t)0x5a5a5a5a5a5a5a5a)
#define KiB ((int64_t)1 << 10)
#define MiB ((int64_t)1 << 20)
#define GiB ((int64_t)1 << 30)
#define EiB ((int64_t)1 << 60)
#define OVERFLOW INT64_C(0x7eadbeef7eadbeef)   /* "expect OS_ERR_LIMIT" in tables */

/* ---- helpers ---- */

static void want_value(const char *text, int scale, int64_t want)
{
    struct os_error err;
    int64_t got = SENTINEL;
    int rc;

    os_error_clear(&err);
    rc = kube_quantity_parse_scaled(text, scale, &got, &err);
    if (rc != 0 || got != want)
        fail_msg("\"%s\" at scale %d: rc %d (%s), got %" PRId64 ", want %" PRId64,
                 text, scale, rc, err.message, got, want);
}

/* The call fails with code, fills err with one line quoting the text, and
 * leaves *out alone. */
static void want_error(const char *text, int scale, int code)
{
    struct os_error err;
    int64_t got = SENTINEL;
    char quoted[80];
    int rc;

    os_error_clear(&err);
    rc = kube_quantity_parse_scaled(text, scale, &got, &err);
    if (rc != code)
        fail_msg("\"%s\" at scale %d: rc %d, want %d (got %" PRId64 ", %s)",
                 text ? text : "(null)", scale, rc, code, got, err.message);
    assert_int_equal(err.code, code);
    assert_true(got == SENTINEL);
    assert_true(err.message[0] != '\0');
    assert_null(strchr(err.message, '\n'));
    /* error.c folds control characters, so only look for clean text. */
    if (text && text[0] && strlen(text) <= 64 && !strpbrk(text, "\t\n\r")) {
        snprintf(quoted, sizeof(quoted), "\"%s\"", text);
        if (!strstr(err.message, quoted))
            fail_msg("message for \"%s\" does not quote it: %s", text, err.message);
    }
}

/* A table value is either a number or OVERFLOW. */
static void want_entry(const char *text, int scale, int64_t want)
{
    if (want == OVERFLOW)
        want_error(text, scale, OS_ERR_LIMIT);
    else
        want_value(text, scale, want);
}

typedef size_t (*format_fn)(int64_t, char *, size_t);

static void want_text(format_fn fn, int64_t v, const char *want)
{
    char buf[64];
    size_t n;

    memset(buf, 'X', sizeof(buf));
    n = fn(v, buf, sizeof(buf));
    if (strcmp(buf, want) != 0 || n != strlen(want))
        fail_msg("%" PRId64 ": got \"%s\" (returned %zu), want \"%s\"", v, buf, n, want);
}

/* ---- parsing ---- */

struct vector {
    const char *text;
    int64_t units;   /* scale 0 */
    int64_t milli;   /* scale 3 */
    int64_t nano;    /* scale 9 */
};

static const struct vector contract_vectors[] = {
    {"0", 0, 0, 0},
    {"100m", 1, 100, 100000000},
    {"1", 1, 1000, 1000000000},
    {"2.5", 3, 2500, 2500000000},
    {"250000000n", 1, 250, 250000000},
    {"1500u", 1, 2, 1500000},
    {"128974848", 128974848, 128974848000, 128974848000000000},
    {"129e6", 129000000, 129000000000, 129000000000000000},
    {"129M", 129000000, 129000000000, 129000000000000000},
    {"123Mi", 128974848, 128974848000, 128974848000000000},
    {"1Gi", 1073741824, 1073741824000, 1073741824000000000},
    {"12345Ki", 12641280, 12641280000, 12641280000000000},
    {"1.5Gi", 1610612736, 1610612736000, 1610612736000000000},
    {"-1", -1, -1000, -1000000000},
    {"+5", 5, 5000, 5000000000},
    {".5", 1, 500, 500000000},
    {"1e3", 1000, 1000000, 1000000000000},
    {"1E-3", 1, 1, 1000000},
    {"5.", 5, 5000, 5000000000},
    {"0.1m", 1, 1, 100000},
    {"1Ei", EiB, OVERFLOW, OVERFLOW},
    /* metrics-server and node status encodings (contract 7.1 and 8) */
    {"1620307n", 1, 2, 1620307},
    {"244564Ki", 250433536, 250433536000, 250433536000000000},
    {"16318864Ki", 16710516736, 16710516736000, OVERFLOW},
    {"93654326933", 93654326933, 93654326933000, OVERFLOW},
    {"110", 110, 110000, 110000000000},
};

static void check_table(const struct vector *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        want_entry(v[i].text, 0, v[i].units);
        want_entry(v[i].text, 3, v[i].milli);
        want_entry(v[i].text, 9, v[i].nano);
    }
}

static void test_contract_vectors(void **state)
{
    check_table(contract_vectors, sizeof(contract_vectors) / sizeof(contract_vectors[0]));
}

/* The shorthands are the same parser at 0, 3 and 9, errors included. */
static void test_shorthands(void **state)
{
    struct os_error err;
    int64_t v = SENTINEL;

    assert_int_equal(kube_quantity_parse_int("1.5Gi", &v, &err), 0);
    assert_true(v == 1610612736);
    assert_int_equal(kube_quantity_parse_milli("250m", &v, &err), 0);
    assert_true(v == 250);
    assert_int_equal(kube_quantity_parse_milli("1500u", &v, &err), 0);
    assert_true(v == 2);
    assert_int_equal(kube_quantity_parse_nano("1620307n", &v, &err), 0);
    assert_true(v == 1620307);
    assert_int_equal(kube_quantity_parse_nano("0.1n", &v, &err), 0);
    assert_true(v == 1);

    v = SENTINEL;
    assert_int_equal(kube_quantity_parse_int("1Kb", &v, &err), OS_ERR_INVALID);
    assert_int_equal(kube_quantity_parse_milli("1Ei", &v, &err), OS_ERR_LIMIT);
    assert_int_equal(kube_quantity_parse_nano("10", &v, &err), 0);
    assert_true(v == 10000000000);
    assert_int_equal(kube_quantity_parse_nano("10G", &v, &err), OS_ERR_LIMIT);
    assert_true(v == 10000000000);
}

/* Every suffix of suffix.go, once. */
static const struct vector suffix_vectors[] = {
    {"1n", 1, 1, 1},
    {"1u", 1, 1, 1000},
    {"1m", 1, 1, 1000000},
    {"1k", 1000, 1000000, 1000000000000},
    {"1M", 1000000, 1000000000, 1000000000000000},
    {"1G", 1000000000, 1000000000000, 1000000000000000000},
    {"1T", 1000000000000, 1000000000000000, OVERFLOW},
    {"1P", 1000000000000000, 1000000000000000000, OVERFLOW},
    {"1E", 1000000000000000000, OVERFLOW, OVERFLOW},
    {"1Ki", 1024, 1024000, 1024000000000},
    {"1Mi", MiB, MiB * 1000, MiB * 1000000000},
    {"1Gi", GiB, GiB * 1000, GiB * 1000000000},
    {"1Ti", (int64_t)1 << 40, ((int64_t)1 << 40) * 1000, OVERFLOW},
    {"1Pi", (int64_t)1 << 50, ((int64_t)1 << 50) * 1000, OVERFLOW},
    {"1Ei", EiB, OVERFLOW, OVERFLOW},
};

static void test_every_suffix(void **state)
{
    check_table(suffix_vectors, sizeof(suffix_vectors) / sizeof(suffix_vectors[0]));
}

static const struct vector exponent_vectors[] = {
    {"1e+3", 1000, 1000000, 1000000000000},
    {"1e0", 1, 1000, 1000000000},
    {"1E0", 1, 1000, 1000000000},
    {"1e-0", 1, 1000, 1000000000},
    {"1e003", 1000, 1000000, 1000000000000},
    {"12e6", 12000000, 12000000000, 12000000000000000},
    {"1.5e3", 1500, 1500000, 1500000000000},
    {"-2.5e-1", 0, -250, -250000000},
    {"25e-2", 1, 250, 250000000},
    {"1e-9", 1, 1, 1},
    {"1e-10", 1, 1, 1},
    {"1e18", 1000000000000000000, OVERFLOW, OVERFLOW},
    {"1e19", OVERFLOW, OVERFLOW, OVERFLOW},
    /* Exponents far beyond any int: clamped while read, still exact. */
    {"0e99999999999999999999", 0, 0, 0},
    {"1e-99999999999999999999", 1, 1, 1},
    {"-1e-99999999999999999999", 0, 0, 0},
    {"1e99999999999999999999", OVERFLOW, OVERFLOW, OVERFLOW},
    {"10000000000000000000000e-22", 1, 1000, 1000000000},
    {"123456789012345678901234567890e-29", 2, 1235, 1234567891},
};

static void test_exponents(void **state)
{
    check_table(exponent_vectors, sizeof(exponent_vectors) / sizeof(exponent_vectors[0]));
}

/* Towards +inf at the requested scale; negatives towards zero. */
static const struct vector rounding_vectors[] = {
    {"1.0001", 2, 1001, 1000100000},
    {"0.0001", 1, 1, 100000},
    {"1n", 1, 1, 1},
    {"-1n", 0, 0, -1},
    {"-1.5", -1, -1500, -1500000000},
    {"-0.5", 0, -500, -500000000},
    {"-2.5", -2, -2500, -2500000000},
    {"-1500u", 0, -1, -1500000},
    {"-0.1m", 0, 0, -100000},
    {"0.5Ki", 512, 512000, 512000000000},
    {"0.3Ki", 308, 307200, 307200000000},        /* 307.2 bytes */
    {"-0.3Ki", -307, -307200, -307200000000},
    {"0.001Ki", 2, 1024, 1024000000},             /* 1.024 bytes */
    {"0.0001Ki", 1, 103, 102400000},              /* 0.1024 bytes */
    {"0.05Ki", 52, 51200, 51200000000},           /* 51.2: the .2 comes from the leading zero */
    {"-0.05Ki", -51, -51200, -51200000000},
    {"0.000000000001Ki", 1, 1, 2},                /* 1.024e-9 bytes */
    {"0.0000000000000000000000000000000000000001Ei", 1, 1, 1},
    {"1.999999999999999999999999999999", 2, 2000, 2000000000},
    {"-1.999999999999999999999999999999", -1, -1999, -1999999999},
    {"0.0009765625Ki", 1, 1000, 1000000000},      /* exactly 1 byte */
    {"-0.0009765625Ki", -1, -1000, -1000000000},
    {"007", 7, 7000, 7000000000},
    {"0.000", 0, 0, 0},
    {"-0", 0, 0, 0},
    {"+.5m", 1, 1, 500000},
};

static void test_rounding(void **state)
{
    check_table(rounding_vectors, sizeof(rounding_vectors) / sizeof(rounding_vectors[0]));
}

/* Scales other than the three named ones work, within 10^-18..10^18. */
static void test_other_scales(void **state)
{
    want_value("1500", -3, 2);          /* kilo units, rounded up */
    want_value("1G", -9, 1);
    want_value("1", 18, 1000000000000000000);
    want_value("9", 18, 9000000000000000000);
    want_error("10", 18, OS_ERR_LIMIT);
    want_value("1E", -18, 1);
    want_value("1", -18, 1);            /* 1e-18, rounded up */
    want_value("-1", -18, 0);
    want_error("1", 19, OS_ERR_INVALID);
    want_error("1", -19, OS_ERR_INVALID);
}

static void test_int64_limits(void **state)
{
    want_value("9223372036854775807", 0, INT64_MAX);
    want_value("-9223372036854775808", 0, INT64_MIN);
    want_value("+9223372036854775807", 0, INT64_MAX);
    want_value("9223372036854775806.5", 0, INT64_MAX);
    want_value("-9223372036854775808.9", 0, INT64_MIN);
    want_value("-9223372036854775807.5", 0, INT64_MAX * -1);
    want_value("9223372036854775807m", 3, INT64_MAX);
    want_value("-9223372036854775808m", 3, INT64_MIN);
    want_value("9223372036854775807n", 9, INT64_MAX);
    want_value("9223372036854775807n", 0, 9223372037);
    want_value("9223372036854775807000n", 0, 9223372036855);
    want_value("9223372036854775807000000000n", 0, INT64_MAX);
    want_value("9.223372036854775807e18", 0, INT64_MAX);
    want_value("7Ei", 0, 7 * EiB);
    want_value("7.5Ei", 0, 7 * EiB + EiB / 2);
    want_value("-8Ei", 0, INT64_MIN);
    /* (2^63-1) / 2^40 written out exactly, then cut short (rounds up to
     * the same value), then one unit too large in the last place. */
    want_value("8388607.9999999999990905052982270717620849609375Ti", 0, INT64_MAX);
    want_value("8388607.99999999999909050529Ti", 0, INT64_MAX);
    want_error("8388607.9999999999990905052982270717620849609376Ti", 0, OS_ERR_LIMIT);
    want_value("0000000000000000000000000000000000000000000001", 0, 1);
}

static void test_overflow(void **state)
{
    static const struct {
        const char *text;
        int scale;
    } cases[] = {
        {"9223372036854775808", 0},
        {"-9223372036854775809", 0},
        {"9223372036854775807.1", 0},       /* rounding up crosses the limit */
        {"-9223372036854775809.5", 0},
        {"99999999999999999999", 0},
        {"99999999999999999999999999999999999999999999", 0},
        {"8Ei", 0},
        {"-8.1Ei", 0},
        {"8192Pi", 0},
        {"9223372036854775807", 3},
        {"9223372036854775808m", 3},
        {"9223372036854776", 3},
        {"9223372036854775807m", 9},
        {"9.3e18", 0},
        {"10E", 0},
        {"1e20", 0},
        {"1e300", 0},
        {"1Gi", 10},
        {"100P", 3},
    };
    struct os_error err;
    int64_t v;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        want_error(cases[i].text, cases[i].scale, OS_ERR_LIMIT);

    /* The message says what was too big and why, on one line. */
    assert_int_equal(kube_quantity_parse_milli("1Ei", &v, &err), OS_ERR_LIMIT);
    assert_non_null(strstr(err.message, "\"1Ei\""));
    assert_non_null(strstr(err.message, "64-bit"));
    /* No error struct is fine too. */
    assert_int_equal(kube_quantity_parse_int("8Ei", &v, NULL), OS_ERR_LIMIT);
}

static void test_rejections(void **state)
{
    static const char *const bad[] = {
        /* the contract's */
        "", "1.2.3", "1Kb", "Mi", "1 Mi", "1i",
        /* no K, no digits, doubled signs, empty exponents */
        "K", "1K", "--1", "-+1", "+-1", "1e", "1e+", "1e-", "1E+", "e3", "-e3",
        /* spaces anywhere */
        " 1", "1 ", " ", "1 e3", "1e 3", "- 1", "\t1", "1\n",
        /* a number needs a digit */
        ".", "-", "+", "-.", ".Ki", "+m",
        /* suffix mistakes */
        "1ki", "1mi", "1KI", "1MiB", "1Mi5", "1m5", "1mm", "1Gii", "1B", "1b",
        "1x", "1e3k", "1ke3", "1ee3", "1e3.5", "1e3e3", "1.5.", "1..5", "..5",
        "1e1.", "1E3i", "0x10", "1,5", "1_000", "١", "abc", "inf", "NaN", "1/2",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        want_error(bad[i], 0, OS_ERR_INVALID);
        want_error(bad[i], 3, OS_ERR_INVALID);
    }
}

static void test_null_arguments(void **state)
{
    struct os_error err;
    int64_t v = SENTINEL;

    want_error(NULL, 0, OS_ERR_INVALID);
    assert_int_equal(kube_quantity_parse_scaled("1", 0, NULL, &err), OS_ERR_INVALID);
    assert_int_equal(err.code, OS_ERR_INVALID);
    assert_int_equal(kube_quantity_parse_milli(NULL, &v, &err), OS_ERR_INVALID);
    assert_int_equal(kube_quantity_parse_nano(NULL, &v, NULL), OS_ERR_INVALID);
    assert_int_equal(kube_quantity_parse_int("1Kb", &v, NULL), OS_ERR_INVALID);
    assert_true(v == SENTINEL);
    assert_int_equal(kube_quantity_parse_int("2Ki", &v, NULL), 0);
    assert_true(v == 2048);
}

/* 64 characters is the most accepted; longer text is refused before it is
 * read, and the message quotes only a bounded prefix. */
static void test_length_bound(void **state)
{
    char text[2048];
    struct os_error err;
    int64_t v = SENTINEL;

    memset(text, '0', 63);
    text[63] = '7';
    text[64] = '\0';
    want_value(text, 0, 7);

    memset(text, '0', 64);
    text[64] = '7';
    text[65] = '\0';
    want_error(text, 0, OS_ERR_INVALID);

    memset(text, '9', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    assert_int_equal(kube_quantity_parse_int(text, &v, &err), OS_ERR_INVALID);
    assert_true(v == SENTINEL);
    assert_non_null(strstr(err.message, "64"));
    assert_true(strlen(err.message) < 120);
    assert_non_null(strstr(err.message, "\"999999999999999999999999...\""));
}

/* ---- canonical formatting ---- */

static void test_format_milli(void **state)
{
    want_text(kube_quantity_format_milli, 1500, "1500m");
    want_text(kube_quantity_format_milli, 2000, "2");
    want_text(kube_quantity_format_milli, 0, "0");
    want_text(kube_quantity_format_milli, -500, "-500m");
    want_text(kube_quantity_format_milli, 1, "1m");
    want_text(kube_quantity_format_milli, 10, "10m");
    want_text(kube_quantity_format_milli, 100, "100m");
    want_text(kube_quantity_format_milli, 1000, "1");
    want_text(kube_quantity_format_milli, -2000, "-2");
    want_text(kube_quantity_format_milli, 10000, "10");
    want_text(kube_quantity_format_milli, 1234567, "1234567m");
    want_text(kube_quantity_format_milli, 1500000, "1500");
    want_text(kube_quantity_format_milli, 2000000, "2k");
    want_text(kube_quantity_format_milli, 120000000, "120k");
    want_text(kube_quantity_format_milli, 1000000000, "1M");
    want_text(kube_quantity_format_milli, 9000000000000000000, "9P");
    want_text(kube_quantity_format_milli, INT64_MAX, "9223372036854775807m");
    want_text(kube_quantity_format_milli, INT64_MIN, "-9223372036854775808m");
}

static void test_format_bytes(void **state)
{
    want_text(kube_quantity_format_bytes, 0, "0");
    want_text(kube_quantity_format_bytes, 1, "1");
    want_text(kube_quantity_format_bytes, 1000, "1000");
    want_text(kube_quantity_format_bytes, 1023, "1023");
    want_text(kube_quantity_format_bytes, 1024, "1Ki");
    want_text(kube_quantity_format_bytes, 1536, "1536");
    want_text(kube_quantity_format_bytes, 2048, "2Ki");
    want_text(kube_quantity_format_bytes, 12641280, "12345Ki");
    want_text(kube_quantity_format_bytes, 128974848, "123Mi");
    want_text(kube_quantity_format_bytes, 1073741824, "1Gi");
    want_text(kube_quantity_format_bytes, 1610612736, "1536Mi");
    want_text(kube_quantity_format_bytes, 93654326933, "93654326933");
    want_text(kube_quantity_format_bytes, EiB, "1Ei");
    want_text(kube_quantity_format_bytes, 4 * EiB, "4Ei");
    want_text(kube_quantity_format_bytes, -1024, "-1Ki");
    want_text(kube_quantity_format_bytes, -1610612736, "-1536Mi");
    want_text(kube_quantity_format_bytes, INT64_MAX, "9223372036854775807");
    want_text(kube_quantity_format_bytes, INT64_MAX - 1023, "9007199254740991Ki");
    want_text(kube_quantity_format_bytes, INT64_MIN, "-8Ei");
}

/* ---- human formatting ---- */

static void test_human_bytes(void **state)
{
    want_text(kube_quantity_human_bytes, 0, "0");
    want_text(kube_quantity_human_bytes, 12, "12");
    want_text(kube_quantity_human_bytes, 1023, "1023");
    want_text(kube_quantity_human_bytes, 1024, "1Ki");
    want_text(kube_quantity_human_bytes, 1126, "1Ki");          /* 1.0996 */
    want_text(kube_quantity_human_bytes, 1127, "1.1Ki");        /* 1.1006 */
    want_text(kube_quantity_human_bytes, 1535, "1.4Ki");        /* 1.499: truncated */
    want_text(kube_quantity_human_bytes, 1536, "1.5Ki");
    want_text(kube_quantity_human_bytes, 980 * KiB, "980Ki");
    want_text(kube_quantity_human_bytes, 512 * MiB, "512Mi");
    want_text(kube_quantity_human_bytes, 1610612736, "1.5Gi");
    want_text(kube_quantity_human_bytes, 2 * GiB - 1, "1.9Gi");
    want_text(kube_quantity_human_bytes, MiB - 1, "1023.9Ki");
    want_text(kube_quantity_human_bytes, 250433536, "238.8Mi");
    want_text(kube_quantity_human_bytes, 16710516736, "15.5Gi");
    want_text(kube_quantity_human_bytes, EiB, "1Ei");
    want_text(kube_quantity_human_bytes, INT64_MAX, "7.9Ei");
    want_text(kube_quantity_human_bytes, INT64_MIN, "-8Ei");
    want_text(kube_quantity_human_bytes, -1536, "-1.5Ki");
    want_text(kube_quantity_human_bytes, -1535, "-1.4Ki");
    want_text(kube_quantity_human_bytes, -12, "-12");
}

static void test_human_milli(void **state)
{
    want_text(kube_quantity_human_milli, 0, "0");
    want_text(kube_quantity_human_milli, 1, "1m");
    want_text(kube_quantity_human_milli, 250, "250m");
    want_text(kube_quantity_human_milli, 999, "999m");
    want_text(kube_quantity_human_milli, 1000, "1");
    want_text(kube_quantity_human_milli, 1050, "1");
    want_text(kube_quantity_human_milli, 1500, "1.5");
    want_text(kube_quantity_human_milli, 1999, "1.9");
    want_text(kube_quantity_human_milli, 12000, "12");
    want_text(kube_quantity_human_milli, 999999, "999.9");
    want_text(kube_quantity_human_milli, 1000000, "1k");
    want_text(kube_quantity_human_milli, 1500000000, "1.5M");
    want_text(kube_quantity_human_milli, INT64_MAX, "9.2P");
    want_text(kube_quantity_human_milli, INT64_MIN, "-9.2P");
    want_text(kube_quantity_human_milli, -250, "-250m");
    want_text(kube_quantity_human_milli, -1500, "-1.5");
    want_text(kube_quantity_human_milli, -1999, "-1.9");
}

/* ---- round trips ---- */

/* Deterministic spread: small values, powers of two and ten and their
 * neighbours, multiples of 1024^k, and pseudo-random values of every bit
 * length, all in both signs. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

#define SPREAD_MAX 2048

static size_t value_spread(int64_t *out)
{
    static const int64_t fixed[] = {
        0, 1, 2, 9, 10, 999, 1000, 1001, 1023, 1024, 1025, 1536, 2047,
        1536 * MiB, 1610612736, 128974848, 12641280, 93654326933,
        1000000000000000000, EiB, 4 * EiB, 7 * EiB + 1, INT64_MAX, INT64_MAX - 1,
        INT64_MIN, INT64_MIN + 1,
    };
    uint64_t seed = 0x9e3779b97f4a7c15u;
    size_t n = 0, i;
    int bits, shift;
    int64_t p;

    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        out[n++] = fixed[i];
    for (p = 1; p <= INT64_MAX / 10; p *= 10) {
        out[n++] = p * 10 - 1;
        out[n++] = -(p * 10 + 1);
    }
    for (bits = 0; bits < 63; bits++) {
        out[n++] = (int64_t)1 << bits;
        out[n++] = -(((int64_t)1 << bits) - 1);
    }
    while (n < SPREAD_MAX) {
        uint64_t r = next_random(&seed);
        bits = (int)(r % 63) + 1;
        shift = (int)((r >> 8) % 4) * 10;          /* sometimes a multiple of 1024^k */
        r = next_random(&seed) >> (64 - bits);
        if (shift && bits + shift < 63)
            r <<= shift;
        out[n++] = (next_random(&seed) & 1) ? -(int64_t)(r >> 1) : (int64_t)(r >> 1);
    }
    return n;
}

static void test_round_trip_canonical(void **state)
{
    int64_t values[SPREAD_MAX], got;
    char text[64];
    struct os_error err;
    size_t n = value_spread(values), i;

    for (i = 0; i < n; i++) {
        kube_quantity_format_bytes(values[i], text, sizeof(text));
        got = SENTINEL;
        if (kube_quantity_parse_int(text, &got, &err) != 0 || got != values[i])
            fail_msg("bytes %" PRId64 " -> \"%s\" -> %" PRId64 " (%s)",
                     values[i], text, got, err.message);

        kube_quantity_format_milli(values[i], text, sizeof(text));
        got = SENTINEL;
        if (kube_quantity_parse_milli(text, &got, &err) != 0 || got != values[i])
            fail_msg("milli %" PRId64 " -> \"%s\" -> %" PRId64 " (%s)",
                     values[i], text, got, err.message);
    }
}

/* Human text loses at most a tenth of its unit, never gains, stays short
 * and still parses: 0 <= |x| - |parse(human(x))| < unit / 10 (+1 for the
 * rounding of a negative tenth). */
static int64_t human_unit_bytes(uint64_t mag)
{
    int64_t unit = 1;

    while (unit < EiB && mag >= (uint64_t)unit * 1024)
        unit *= 1024;
    return unit;
}

static int64_t human_unit_milli(uint64_t mag)
{
    int64_t unit = 1;

    if (mag < 1000)
        return 0;
    while (unit < 1000000000000000000 && mag / (uint64_t)unit >= 1000)
        unit *= 1000;
    return unit;
}

static void check_human(const char *what, int64_t x, const char *text, int scale,
                        int64_t unit)
{
    struct os_error err;
    uint64_t mx = x < 0 ? 0 - (uint64_t)x : (uint64_t)x, mg;
    int64_t got = SENTINEL;
    size_t sign = x < 0, digits = strspn(text + sign, "0123456789.");

    if (kube_quantity_parse_scaled(text, scale, &got, &err) != 0)
        fail_msg("%s %" PRId64 " -> \"%s\" does not parse: %s", what, x, text, err.message);
    mg = got < 0 ? 0 - (uint64_t)got : (uint64_t)got;
    if ((got < 0) != (x < 0) && got != 0)
        fail_msg("%s %" PRId64 " -> \"%s\" changed sign", what, x, text);
    if (mg > mx || mx - mg > (uint64_t)(unit / 10) + 1)
        fail_msg("%s %" PRId64 " -> \"%s\" -> %" PRId64 " is too far off", what, x, text, got);
    if (digits > 6 || strlen(text) > sign + digits + 2)
        fail_msg("%s %" PRId64 " -> \"%s\" is too long", what, x, text);
}

static void test_round_trip_human(void **state)
{
    int64_t values[SPREAD_MAX];
    char text[64];
    size_t n = value_spread(values), i;

    for (i = 0; i < n; i++) {
        int64_t x = values[i];
        uint64_t mag = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;

        kube_quantity_human_bytes(x, text, sizeof(text));
        check_human("human_bytes", x, text, 0, human_unit_bytes(mag));
        kube_quantity_human_milli(x, text, sizeof(text));
        check_human("human_milli", x, text, 3, human_unit_milli(mag));
    }
}

/* ---- buffers ---- */

/* Every formatter at every buffer size from 0 to beyond the text: returns
 * the full length, writes a prefix and a NUL, and nothing past len. */
static void check_truncation(format_fn fn, int64_t v)
{
    char full[64], buf[64];
    size_t need = fn(v, full, sizeof(full)), len, i;

    assert_int_equal(need, strlen(full));
    assert_int_equal(fn(v, NULL, 0), need);
    for (len = 0; len <= need + 2; len++) {
        memset(buf, 'X', sizeof(buf));
        assert_int_equal(fn(v, buf, len), need);
        if (len == 0) {
            assert_int_equal(buf[0], 'X');
            continue;
        }
        i = len - 1 < need ? len - 1 : need;
        assert_int_equal(buf[i], '\0');
        assert_memory_equal(buf, full, i);
        assert_int_equal(buf[len], 'X');
    }
}

static void test_buffer_truncation(void **state)
{
    static const int64_t values[] = {0, 1, -500, 1500, 1536, 1610612736, INT64_MAX, INT64_MIN};
    static const format_fn fns[] = {
        kube_quantity_format_milli, kube_quantity_format_bytes,
        kube_quantity_human_bytes, kube_quantity_human_milli,
    };
    char buf[8];
    size_t f, v;

    for (f = 0; f < sizeof(fns) / sizeof(fns[0]); f++)
        for (v = 0; v < sizeof(values) / sizeof(values[0]); v++)
            check_truncation(fns[f], values[v]);

    /* The cases a caller meets: an exact fit, one byte short, one byte. */
    assert_int_equal(kube_quantity_format_milli(1500, buf, 6), 5);
    assert_string_equal(buf, "1500m");
    assert_int_equal(kube_quantity_format_milli(1500, buf, 5), 5);
    assert_string_equal(buf, "1500");
    assert_int_equal(kube_quantity_human_bytes(1610612736, buf, 1), 5);
    assert_string_equal(buf, "");
    assert_int_equal(kube_quantity_format_bytes(INT64_MIN, buf, sizeof(buf)), 4);
    assert_string_equal(buf, "-8Ei");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract_vectors),
        cmocka_unit_test(test_shorthands),
        cmocka_unit_test(test_every_suffix),
        cmocka_unit_test(test_exponents),
        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_other_scales),
        cmocka_unit_test(test_int64_limits),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_length_bound),
        cmocka_unit_test(test_format_milli),
        cmocka_unit_test(test_format_bytes),
        cmocka_unit_test(test_human_bytes),
        cmocka_unit_test(test_human_milli),
        cmocka_unit_test(test_round_trip_canonical),
        cmocka_unit_test(test_round_trip_human),
        cmocka_unit_test(test_buffer_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
