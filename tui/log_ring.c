/*
 * log_ring.c - a bounded ring of sanitized log lines (see log_ring.h).
 *
 * Lines are kept as separate heap strings sized to fit, so 5,000 short
 * lines cost a few hundred KB, not 5,000 times LOG_LINE_MAX.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log_ring.h"

int log_ring_init(struct log_ring *r, size_t cap)
{
    memset(r, 0, sizeof(*r));
    if (cap < 1)
        cap = 1;
    r->line = calloc(cap, sizeof(*r->line));
    if (!r->line)
        return -1;
    r->cap = cap;
    return 0;
}

void log_ring_clear(struct log_ring *r)
{
    for (size_t i = 0; r->line && i < r->cap; i++) {
        free(r->line[i]);
        r->line[i] = NULL;
    }
    r->start = r->n = 0;
    r->plen = 0;
    r->last[0] = r->since[0] = '\0';
}

void log_ring_free(struct log_ring *r)
{
    log_ring_clear(r);
    free(r->line);
    r->line = NULL;
    r->cap = 0;
}

const char *log_ring_line(const struct log_ring *r, size_t i)
{
    return i < r->n ? r->line[(r->start + i) % r->cap] : NULL;
}

/* Length of the valid UTF-8 sequence at s (len bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t len)
{
    size_t n;
    unsigned long c;

    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    if (n > len)
        return 0;
    c = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    /* overlong forms, surrogates, beyond U+10FFFF, and the C1 controls */
    if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
        c > 0x10ffff || (c >= 0x80 && c <= 0x9f))
        return 0;
    return n;
}

size_t log_sanitize(const char *in, size_t len, char *out, size_t outlen)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, at = 0;

    if (!outlen)
        return 0;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    while (i < len && at + 1 < outlen) {
        size_t n = s[i] < 0x80 ? 1 : utf8_len(s + i, len - i);
        if (n > 1 && at + n < outlen) {
            memcpy(out + at, s + i, n);
            at += n;
            i += n;
            continue;
        }
        if (n > 1)
            break;      /* no room for the whole character: never split it */
        out[at++] = s[i] == '\t' ? ' ' : (s[i] < 0x20 || s[i] >= 0x7f) ? '?' : (char)s[i];
        i++;
    }
    out[at] = '\0';
    return at;
}

/* Keep an already sanitized line of len bytes. */
static int keep(struct log_ring *r, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    size_t slot;

    if (!copy)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (r->n == r->cap) {
        free(r->line[r->start]);
        r->line[r->start] = NULL;
        r->start = (r->start + 1) % r->cap;
        r->n--;
    }
    slot = (r->start + r->n) % r->cap;
    r->line[slot] = copy;
    r->n++;
    r->total++;
    return 0;
}

size_t log_timestamp(const char *line, size_t len, char key[24])
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    size_t i, k = 0, frac = 0;

    if (len < sizeof(shape))
        return 0;
    for (i = 0; i < sizeof(shape) - 1; i++) {
        int digit = line[i] >= '0' && line[i] <= '9';
        if (shape[i] == 'd' ? !digit : line[i] != shape[i])
            return 0;
        if (digit)
            key[k++] = line[i];
    }
    if (i < len && line[i] == '.')
        for (i++; i < len && line[i] >= '0' && line[i] <= '9'; i++)
            if (frac < 9)
                key[k + frac++] = line[i];
    while (frac < 9)
        key[k + frac++] = '0';
    key[k + 9] = '\0';
    if (i + 1 >= len || line[i] != 'Z' || line[i + 1] != ' ')
        return 0;
    return i + 2;
}

void log_ring_resume(struct log_ring *r)
{
    memcpy(r->since, r->last, sizeof(r->since));
}

/* The unfinished line is done: sanitize and keep it.  1 when kept, 0
 * when a resume drops it as a repeat, -1 when out of memory. */
static int finish(struct log_ring *r)
{
    char clean[LOG_LINE_MAX + 1], key[24];
    size_t skip = r->timestamps ? log_timestamp(r->part, r->plen, key) : 0, n;

    if (skip && r->since[0] && strcmp(key, r->since) <= 0) {
        r->plen = 0;
        return 0;
    }
    if (skip) {
        memcpy(r->last, key, sizeof(r->last));
        r->since[0] = '\0';     /* past the repeats */
    }
    n = log_sanitize(r->part + skip, r->plen - skip, clean, sizeof(clean));
    r->plen = 0;
    return keep(r, clean, n) < 0 ? -1 : 1;
}

int log_ring_feed(struct log_ring *r, const char *data, size_t len)
{
    int added = 0;

    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n') {
            int kept = finish(r);
            if (kept < 0)
                return -1;
            added += kept;
        } else if (r->plen < sizeof(r->part)) {
            r->part[r->plen++] = data[i];
        }
    }
    return added;
}

int log_ring_flush(struct log_ring *r)
{
    if (!r->plen)
        return 0;
    return finish(r);
}

int log_ring_push(struct log_ring *r, const char *text)
{
    size_t len = strcspn(text, "\n");

    if (log_ring_flush(r) < 0)
        return -1;
    if (len > sizeof(r->part))
        len = sizeof(r->part);
    memcpy(r->part, text, len);
    r->plen = len;
    return finish(r) < 0 ? -1 : 0;
}
