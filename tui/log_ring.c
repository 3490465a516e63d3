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
#include "term_text.h"

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
    n = term_text_clean(r->part + skip, r->plen - skip, clean, sizeof(clean));
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
