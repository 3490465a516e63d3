/*
 * quantity.c - Kubernetes resource.Quantity text to exact int64 and back.
 *
 * Parsing happens in two steps.  scan_text() checks the text against the
 * grammar of K8S-CONTRACT.md 7.2 and reduces it to a string of significant
 * decimal digits S (no leading or trailing zeros), a power of ten and a power
 * of two, so that the value is  sign * S * 10^exp10 * 2^exp2.  The caller's
 * scale is then added to exp10 and to_magnitude() turns the product into an
 * integer using integer arithmetic only:
 *
 *  - exp10 >= 0: the value is a whole number.  Its digit count bounds it
 *    before anything is multiplied, so a value that cannot fit is refused
 *    without ever computing it.
 *  - exp10 < 0: the digits split into a whole part and a fraction.  The
 *    fraction is multiplied by 2^exp2 one digit at a time, right to left,
 *    like long multiplication on paper: the carry out of the top digit is
 *    floor(fraction * 2^exp2), and any non-zero digit left behind means the
 *    value is not a whole number and must be rounded.
 *
 * Magnitudes live in unsigned __int128: a whole part below 10^19 times 2^60
 * stays below 2^124, so nothing wraps and one comparison against 2^63 - 1
 * (2^63 for negative values) catches every overflow.  Rounding is towards
 * +inf as the header promises: a positive magnitude is rounded up, a negative
 * one down (ceil(-1.5) = -1).
 *
 * Formatting works on the unsigned magnitude, so INT64_MIN needs no special
 * case, and writes through emit(), which gives every function snprintf's
 * contract.  Human text truncates with integer division; nothing in this
 * file uses floating point.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "quantity.h"

__extension__ typedef unsigned __int128 u128;

/* Real quantities are short ("16318864Ki"); a bound keeps error messages
 * and the digit buffer small and refuses garbage early. */
#define QTY_MAX_TEXT 64
/* With at most 64 digits, an exponent beyond +-1000 can only overflow or
 * round to 0 or 1, so larger ones are clamped while they are read. */
#define QTY_EXP_CLAMP 1000
/* 10^18 is the largest power of ten an int64 holds. */
#define QTY_SCALE_MAX 18
/* 10^19 > 2^63: a whole number with this many digits cannot fit. */
#define QTY_TOO_MANY_DIGITS 20

struct qty_text {
    int negative;
    char digits[QTY_MAX_TEXT + 1];  /* significant digits, '0'..'9' */
    int ndigits;
    int exp10;
    int exp2;
};

struct qty_suffix {
    const char *text;
    int exp10;
    int exp2;
};

/* suffix.go's table: decimal SI including n and u, and binary SI.  There is
 * no "K"; "k" is 1000 and "Ki" 1024. */
static const struct qty_suffix suffixes[] = {
    {"", 0, 0},
    {"n", -9, 0}, {"u", -6, 0}, {"m", -3, 0},
    {"k", 3, 0}, {"M", 6, 0}, {"G", 9, 0}, {"T", 12, 0}, {"P", 15, 0}, {"E", 18, 0},
    {"Ki", 0, 10}, {"Mi", 0, 20}, {"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60},
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Read [+-]digits[.digits] into q; returns where the suffix starts.  Leading
 * zeros are dropped here and trailing ones later, so S is minimal. */
static const char *scan_number(const char *s, struct qty_text *q, int *seen_digit)
{
    int in_fraction = 0;

    if (*s == '+' || *s == '-')
        q->negative = *s++ == '-';
    for (;; s++) {
        if (is_digit(*s)) {
            *seen_digit = 1;
            if (in_fraction)
                q->exp10--;
            if (q->ndigits > 0 || *s != '0')
                q->digits[q->ndigits++] = *s;
        } else if (*s == '.' && !in_fraction) {
            in_fraction = 1;
        } else {
            return s;
        }
    }
}

/* "e" or "E" already consumed: [+-]digits to the end of the text. */
static int scan_exponent(const char *s, int *exp)
{
    int negative = 0, value = 0;

    if (*s == '+' || *s == '-')
        negative = *s++ == '-';
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (!is_digit(*s))
            return -1;
        if (value < QTY_EXP_CLAMP)
            value = value * 10 + (*s - '0');
    }
    if (value > QTY_EXP_CLAMP)
        value = QTY_EXP_CLAMP;
    *exp = negative ? -value : value;
    return 0;
}

static int scan_suffix(const char *s, struct qty_text *q)
{
    size_t i;
    int exp;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        if (strcmp(s, suffixes[i].text) == 0) {
            q->exp10 += suffixes[i].exp10;
            q->exp2 = suffixes[i].exp2;
            return 0;
        }
    }
    /* A lone "E" is exa and matched above; "e3", "E-3" are exponents. */
    if ((s[0] == 'e' || s[0] == 'E') && scan_exponent(s + 1, &exp) == 0) {
        q->exp10 += exp;
        return 0;
    }
    return -1;
}

static int scan_text(const char *s, struct qty_text *q, struct os_error *err)
{
    const char *suffix;
    int seen_digit = 0;

    memset(q, 0, sizeof(*q));
    suffix = scan_number(s, q, &seen_digit);
    if (!seen_digit)
        return os_error_set(err, OS_ERR_INVALID,
                            "quantity \"%s\" has no digits", s);
    if (scan_suffix(suffix, q) != 0)
        return os_error_set(err, OS_ERR_INVALID,
                            "quantity \"%s\" has an unknown suffix \"%s\" "
                            "(expected n u m k M G T P E, Ki..Ei or an exponent)",
                            s, suffix);
    while (q->ndigits > 0 && q->digits[q->ndigits - 1] == '0') {
        q->ndigits--;
        q->exp10++;
    }
    return 0;
}

/* Value of the first n digits; the caller keeps n below 20. */
static u128 digits_value(const char *digits, int n)
{
    u128 v = 0;
    int i;

    for (i = 0; i < n; i++)
        v = v * 10 + (unsigned)(digits[i] - '0');
    return v;
}

/* floor(0.000ddd * 2^exp2) for the digits from first on, preceded by
 * `zeros` zeros after the point: long multiplication, right to left.  Any
 * non-zero digit left behind sets *inexact. */
static u128 fraction_times_pow2(const struct qty_text *q, int first, int zeros,
                                int *inexact)
{
    u128 carry = 0;
    int i;

    for (i = q->ndigits - 1; i >= first; i--) {
        u128 x = ((u128)(unsigned)(q->digits[i] - '0') << q->exp2) + carry;
        if (x % 10 != 0)
            *inexact = 1;
        carry = x / 10;
    }
    /* The leading zeros only shift the carry down; it is below 2^60 <
     * 10^19, so twenty shifts empty it however many zeros there are. */
    for (i = 0; i < zeros && carry != 0; i++) {
        if (carry % 10 != 0)
            *inexact = 1;
        carry /= 10;
    }
    return carry;
}

/* floor(S * 10^exp10 * 2^exp2) into *mag, *inexact set when something was
 * cut off.  Returns -1 when the value is certainly beyond 2^63. */
static int to_magnitude(const struct qty_text *q, int exp10, u128 *mag, int *inexact)
{
    int whole_len = q->ndigits + exp10, i;
    u128 whole;

    *inexact = 0;
    *mag = 0;
    if (q->ndigits == 0)
        return 0;
    if (whole_len >= QTY_TOO_MANY_DIGITS)
        return -1;
    if (exp10 >= 0) {
        whole = digits_value(q->digits, q->ndigits);
        for (i = 0; i < exp10; i++)
            whole *= 10;
        *mag = whole << q->exp2;
        return 0;
    }
    if (whole_len <= 0) {
        *mag = fraction_times_pow2(q, 0, -whole_len, inexact);
        return 0;
    }
    whole = digits_value(q->digits, whole_len);
    *mag = (whole << q->exp2) + fraction_times_pow2(q, whole_len, 0, inexact);
    return 0;
}

int kube_quantity_parse_scaled(const char *s, int scale, int64_t *out,
                               struct os_error *err)
{
    const u128 max_positive = ((u128)1 << 63) - 1;
    struct qty_text q;
    u128 mag;
    int inexact;

    if (!s || !out)
        return os_error_set(err, OS_ERR_INVALID, "quantity text or result pointer is NULL");
    if (scale < -QTY_SCALE_MAX || scale > QTY_SCALE_MAX)
        return os_error_set(err, OS_ERR_INVALID, "quantity \"%.*s\": scale %d is outside -%d..%d",
                            QTY_MAX_TEXT, s, scale, QTY_SCALE_MAX, QTY_SCALE_MAX);
    if (strnlen(s, QTY_MAX_TEXT + 1) > QTY_MAX_TEXT)
        return os_error_set(err, OS_ERR_INVALID,
                            "quantity \"%.24s...\" is longer than %d characters",
                            s, QTY_MAX_TEXT);
    if (!*s)
        return os_error_set(err, OS_ERR_INVALID, "quantity is empty");
    if (scan_text(s, &q, err) != 0)
        return OS_ERR_INVALID;
    if (to_magnitude(&q, q.exp10 + scale, &mag, &inexact) == 0) {
        if (!q.negative && inexact)
            mag++;   /* ceil for positive values; negatives were floored in magnitude */
        if (mag <= max_positive) {
            *out = q.negative ? -(int64_t)mag : (int64_t)mag;
            return 0;
        }
        if (q.negative && mag == max_positive + 1) {
            *out = INT64_MIN;
            return 0;
        }
    }
    return os_error_set(err, OS_ERR_LIMIT,
                        "quantity \"%s\" does not fit in a 64-bit integer at scale 10^%d",
                        s, scale);
}

int kube_quantity_parse_milli(const char *s, int64_t *milli, struct os_error *err)
{
    return kube_quantity_parse_scaled(s, 3, milli, err);
}

int kube_quantity_parse_nano(const char *s, int64_t *nano, struct os_error *err)
{
    return kube_quantity_parse_scaled(s, 9, nano, err);
}

int kube_quantity_parse_int(const char *s, int64_t *units, struct os_error *err)
{
    return kube_quantity_parse_scaled(s, 0, units, err);
}

/* ---- formatting ---- */

/* Longest text any formatter builds: "-9223372036854775808m" plus room. */
#define QTY_TEXT_BUF 32

/* snprintf's contract for a finished string: copy what fits, always
 * terminate when len > 0, return the full length. */
static size_t emit(char *buf, size_t len, const char *text)
{
    size_t n = strlen(text);

    if (len > 0) {
        size_t copy = n < len - 1 ? n : len - 1;
        memcpy(buf, text, copy);
        buf[copy] = '\0';
    }
    return n;
}

/* |v| without the undefined -INT64_MIN. */
static uint64_t magnitude_of(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static const char *const binary_suffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
/* Decimal SI by (exponent + 3) / 3, starting at milli. */
static const char *const decimal_suffix[] = {"m", "", "k", "M", "G", "T", "P", "E"};

/* Like the server's AsCanonicalBytes: strip every factor of ten, then put
 * back just enough to land on an exponent that is a multiple of three.
 * Putting back never exceeds the original magnitude, so it cannot wrap. */
size_t kube_quantity_format_milli(int64_t milli, char *buf, size_t len)
{
    char text[QTY_TEXT_BUF];
    uint64_t mag = magnitude_of(milli);
    int exp = -3;

    if (mag == 0)
        return emit(buf, len, "0");
    while (mag % 10 == 0) {
        mag /= 10;
        exp++;
    }
    while ((exp + 3) % 3 != 0) {
        mag *= 10;
        exp--;
    }
    snprintf(text, sizeof(text), "%s%" PRIu64 "%s", milli < 0 ? "-" : "", mag,
             decimal_suffix[(exp + 3) / 3]);
    return emit(buf, len, text);
}

/* Like AsCanonicalBase1024Bytes: strip every factor of 1024. */
size_t kube_quantity_format_bytes(int64_t bytes, char *buf, size_t len)
{
    char text[QTY_TEXT_BUF];
    uint64_t mag = magnitude_of(bytes);
    int unit = 0;

    if (mag == 0)
        return emit(buf, len, "0");
    while (unit < 6 && mag % 1024 == 0) {
        mag /= 1024;
        unit++;
    }
    snprintf(text, sizeof(text), "%s%" PRIu64 "%s", bytes < 0 ? "-" : "", mag,
             binary_suffix[unit]);
    return emit(buf, len, text);
}

/* "[-]whole[.tenth]suffix", the tenth left out when it is zero. */
static size_t emit_human(int negative, uint64_t whole, unsigned tenth,
                         const char *suffix, char *buf, size_t len)
{
    char text[QTY_TEXT_BUF];

    if (tenth)
        snprintf(text, sizeof(text), "%s%" PRIu64 ".%u%s", negative ? "-" : "",
                 whole, tenth, suffix);
    else
        snprintf(text, sizeof(text), "%s%" PRIu64 "%s", negative ? "-" : "",
                 whole, suffix);
    return emit(buf, len, text);
}

size_t kube_quantity_human_bytes(int64_t bytes, char *buf, size_t len)
{
    uint64_t mag = magnitude_of(bytes), rest;
    int unit = 0, shift;

    while (unit < 6 && (mag >> (10 * (unit + 1))) != 0)
        unit++;
    shift = 10 * unit;
    rest = mag & (((uint64_t)1 << shift) - 1);
    /* rest < 2^60, so rest * 10 < 2^64: the tenth is exact and truncated. */
    return emit_human(bytes < 0, mag >> shift, (unsigned)((rest * 10) >> shift),
                      binary_suffix[unit], buf, len);
}

size_t kube_quantity_human_milli(int64_t milli, char *buf, size_t len)
{
    uint64_t mag = magnitude_of(milli), unit = 1;
    int step = 0;

    if (mag < 1000)   /* milli has no tenths to show; 0 prints as "0" */
        return emit_human(milli < 0, mag, 0, mag ? "m" : "", buf, len);
    while (step < 6 && mag / unit >= 1000) {
        unit *= 1000;
        step++;
    }
    return emit_human(milli < 0, mag / unit, (unsigned)(mag % unit / (unit / 10)),
                      decimal_suffix[step], buf, len);
}
