/*
 * table.c - column layout for CLI tables.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "table.h"

void table_init(struct table *t, const char *const *headers)
{
    memset(t, 0, sizeof(*t));
    for (; headers[t->ncols] && t->ncols < TABLE_MAX_COLS; t->ncols++) {
        const char *h = headers[t->ncols];
        t->right[t->ncols] = h[0] == '>';
        t->headers[t->ncols] = h + (h[0] == '>');
    }
}

int table_add(struct table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->cells, cap * t->ncols * sizeof(char *));
        if (!grown)
            return -1;
        t->cells = grown;
        t->cap = cap;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        char *copy = strdup(cells[c] ? cells[c] : "-");
        if (!copy) {
            for (size_t k = 0; k < c; k++)
                free(t->cells[t->nrows * t->ncols + k]);
            return -1;
        }
        t->cells[t->nrows * t->ncols + c] = copy;
    }
    t->nrows++;
    return 0;
}

static void print_row(const struct table *t, const char *const *row, const size_t *w, FILE *out)
{
    for (size_t c = 0; c < t->ncols; c++) {
        int last = c + 1 == t->ncols;
        int pad = (int)(w[c] - strlen(row[c]));
        if (t->right[c])
            fprintf(out, "%*s%s", pad, "", row[c]);
        else
            fprintf(out, "%s%*s", row[c], last ? 0 : pad, "");
        fputs(last ? "\n" : "   ", out);
    }
}

void table_print(const struct table *t, FILE *out)
{
    size_t w[TABLE_MAX_COLS];

    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = strlen(t->headers[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t len = strlen(t->cells[r * t->ncols + c]);
            if (len > w[c])
                w[c] = len;
        }
    }
    print_row(t, t->headers, w, out);
    for (size_t r = 0; r < t->nrows; r++)
        print_row(t, (const char *const *)&t->cells[r * t->ncols], w, out);
}

void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof(*t));
}
