/*
 * log_ring.h - the last N lines of a followed log, safe to show.
 *
 * A pod's log arrives as arbitrary bytes in arbitrary chunks.  The ring
 * cuts them into lines (a line split across chunks is held until its
 * newline), makes each line harmless for the terminal (term_text_clean(),
 * core/term_text.h), and keeps at most cap lines: the oldest go first, so
 * a chatty pod costs a bounded amount of memory.  `total` counts every
 * line ever added, so a reader can keep its place while old lines drop
 * off the front.
 *
 * With timestamps set, each line starts with the API server's RFC 3339
 * time (`timestamps=true`): the ring takes it off the shown text and
 * remembers the newest, so that after log_ring_resume() a stream asked
 * again from a little earlier (sinceTime, or tailLines on a server without
 * it) adds only the lines after the last one shown: no gap, no repeat.
 *
 * Pure: no I/O, no terminal; tests/unit/tui/test_log_ring.c.
 */
#ifndef TUI_LOG_RING_H
#define TUI_LOG_RING_H

#include <stddef.h>

#define LOG_LINE_MAX 2048      /* longer lines are cut (the rest until '\n' dropped) */

struct log_ring {
    char **line;               /* cap slots; line[(start + i) % cap], owned */
    size_t cap, start, n;
    unsigned long long total;  /* lines ever added */
    char part[LOG_LINE_MAX];   /* the unfinished last line */
    size_t plen;
    int timestamps;            /* lines start with "RFC3339 " (see above) */
    char last[24];             /* newest timestamp seen, as log_timestamp's key */
    char since[24];            /* after a resume: drop lines up to this key */
};

/* An empty ring of cap (>= 1) lines.  0, or -1 when out of memory.  Free
 * with log_ring_free(). */
int log_ring_init(struct log_ring *r, size_t cap);
void log_ring_free(struct log_ring *r);
/* Drop every line and the unfinished one (cap stays). */
void log_ring_clear(struct log_ring *r);

/* Add len bytes of log text: each finished line is sanitized and kept
 * (unless a resume drops it).  Returns the number of lines added, or -1
 * when out of memory. */
int log_ring_feed(struct log_ring *r, const char *data, size_t len);
/* The stream ended: an unfinished line becomes a line.  1 when one did. */
int log_ring_flush(struct log_ring *r);
/* Add one whole line (sanitized; a '\n' in it ends it), after flushing
 * an unfinished one.  0 or -1. */
int log_ring_push(struct log_ring *r, const char *text);

/* A stream starts again: drop the lines it repeats (timestamps up to the
 * newest seen). */
void log_ring_resume(struct log_ring *r);

/* The length of the "2026-11-28T06:53:35.6Z " time at the start of line
 * (len bytes), space included, or 0 when it has none.  key gets a form
 * that sorts as the times do: 14 digits of date and time, 9 of
 * nanoseconds. */
size_t log_timestamp(const char *line, size_t len, char key[24]);

/* Line i, 0 the oldest kept (borrowed until the ring changes), or NULL. */
const char *log_ring_line(const struct log_ring *r, size_t i);

#endif
