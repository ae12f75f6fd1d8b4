/* Tables of Parquet rows for a terminal: column widths from the header and the first rows,
 * shrunk (cells cut with …) and, past that, columns left out so a row fits the width.
 * Used by `show` and `run`. */
#ifndef KANALYTIC_TEXT_TABLE_H
#define KANALYTIC_TEXT_TABLE_H

#include "table/table.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

struct text_table {
    size_t width;       /* columns available; 0 = the terminal's (COLUMNS, else 120) */
    const bool *marked; /* per column: shown with a leading '+' (new columns), may be NULL */
    size_t *widths;
    size_t ncols; /* columns shown: those that fit */
    bool more;    /* columns left out on the right */
    bool ready;
};
#define TEXT_TABLE_INIT                                                                            \
    {                                                                                              \
        0, NULL, NULL, 0, false, false                                                             \
    }

/* Appends nrows rows of t; the first call lays out the columns and prints the header, so
 * later calls (next row groups) line up with it. Call with nrows 0 for a header alone. */
void text_table_rows(struct text_table *tp, struct buf *out, const struct pq_table *t,
                     size_t nrows);
void text_table_free(struct text_table *tp);
/* t's columns with the marked ones first, each group in t's order, so that a narrow terminal
 * still shows them: *view shares t's columns (free view->cols alone), (*view_marked)[c] (the
 * caller frees) says whether view's column c is marked. */
void text_table_marked_first(const struct pq_table *t, const bool *marked, struct pq_table *view,
                             bool **view_marked);
size_t text_table_terminal_width(void);

#endif
