/*
 * layout.h - the console's pure layout and formatting functions.
 *
 * Column widths, truncation with an ellipsis, meter cells, ages and
 * percentages: everything a view needs to turn numbers and strings into
 * cells, computed without a terminal so cmocka tests can check the text
 * (the vifm habit).  Widths are in terminal columns; strings are UTF-8 and
 * each code point counts as one column (tenant ids, node names and emails
 * are ASCII in practice; wide CJK glyphs would be under-counted).
 */
#ifndef TUI_LAYOUT_H
#define TUI_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Decode one UTF-8 character at s into *cp; returns the bytes it takes
 * (a stray or truncated byte counts as one character by itself). */
int layout_utf8_decode(const char *s, int *cp);

/* 1 when item is one of the comma-separated entries of list. */
int layout_list_has(const char *list, const char *item);

/* Columns s takes: code points, not bytes. */
int layout_width(const char *s);

/* s after its first cols columns (a scrolled pane's left edge); the end
 * of s when it is shorter.  Never splits a character.  Borrowed from s. */
const char *layout_skip(const char *s, int cols);

/* Copy s into out so it takes exactly width columns: cut with an ellipsis
 * ("…" when utf8, else "~") when longer, padded with spaces when shorter
 * (right-aligned when right).  out is always NUL-terminated when len > 0;
 * returns out. */
char *layout_fit(const char *s, int width, int right, int utf8, char *out, size_t len);

/* One table column: a title, the narrowest and widest it may be (max 0:
 * no bound), a weight for sharing spare room, and a priority: when the
 * columns do not fit, the highest priority numbers are hidden first. */
struct layout_col {
    const char *title;
    int min, max;
    int weight;
    int priority;
    int right;
};

/* Widths of n columns in width columns of screen, gap columns between
 * visible ones.  Hidden columns get 0.  Returns how many are visible. */
int layout_columns(const struct layout_col *cols, int n, int width, int gap, int *widths);

/* "45s", "12m", "3h20m", "5d3h"; negative seconds count as 0. */
char *layout_age(long seconds, char *buf, size_t len);

/* "42%" of part over whole; "-" when whole <= 0 or part < 0. */
char *layout_percent(int64_t part, int64_t whole, char *buf, size_t len);

/* How a meter of width cells splits: *used cells for the used amount (-1:
 * unknown, none) and *requested cells for what is requested beyond it,
 * both over total, clamped to the width. */
void layout_meter_cells(int64_t used, int64_t requested, int64_t total, int width,
                        int *used_cells, int *requested_cells);

/* The meter's text, for tests and monochrome: used cells "|" ("█" in
 * UTF-8), requested ":" ("░"), the rest spaces.  Returns buf. */
char *layout_meter_text(int64_t used, int64_t requested, int64_t total, int width, int utf8,
                        char *buf, size_t len);

/* RFC 3339 "2026-11-28T04:05:06Z" to seconds since the epoch; -1 when
 * it is not one. */
time_t layout_parse_time(const char *s);

/* "in 12d", "in 5h", "expired" for a deadline relative to now; "-" for
 * no deadline (t < 0). */
char *layout_until(time_t t, time_t now, char *buf, size_t len);

#endif
