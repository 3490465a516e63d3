/*
 * table.h - plain-text tables for the CLI (kubectl-style columns).
 *
 * Cells are copied in; widths are computed when printed.  Layout is a pure
 * function of the cells, so tests check the text without a terminal.
 */
#ifndef TUI_TABLE_H
#define TUI_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 16

struct table {
    size_t ncols;
    const char *headers[TABLE_MAX_COLS];
    int right[TABLE_MAX_COLS];   /* right-align (numbers) */
    char **cells;                /* row-major, nrows * ncols */
    size_t nrows, cap;
};

/* headers: NULL-terminated; a header starting with '>' is right-aligned
 * (the '>' is not printed).  Static strings; not copied. */
void table_init(struct table *t, const char *const *headers);
/* Add a row of ncols cells (NULL prints as "-"). Returns 0 or -1 (memory). */
int table_add(struct table *t, const char *const *cells);
/* Columns separated by three spaces, no trailing spaces. */
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

#endif
