/* Terminal tables of Parquet rows: see text_table.h. */
#include "text_table.h"
#include "table/format.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t text_table_terminal_width(void)
{
    int w = term_columns(STDOUT_FILENO);
    if (w > 0)
        return (size_t)w;
    const char *cols = getenv("COLUMNS");
    if (cols && atoi(cols) > 0)
        return (size_t)atoi(cols);
    return 120;
}

/* Display columns of a UTF-8 string (one per code point; good enough for a preview). */
static size_t display_len(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            w++;
    return w;
}

/* Appends s padded or cut (with …) to exactly `width` display columns. */
static void add_cell(struct buf *out, const char *s, size_t n, size_t width, bool last)
{
    size_t w = display_len(s, n);
    if (w <= width) {
        buf_add(out, s, n);
        if (!last)
            for (size_t i = w; i < width; i++)
                buf_addch(out, ' ');
        return;
    }
    size_t keep = width ? width - 1 : 0, cols = 0, i = 0;
    for (; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (cols == keep)
                break;
            cols++;
        }
    }
    buf_add(out, s, i);
    if (width)
        buf_addstr(out, "…");
}

/* A cell as one line: control characters shown as escapes. */
static void table_cell_text(struct buf *cell, const struct pq_column *c, size_t row)
{
    struct buf raw = BUF_INIT;
    format_cell_text(&raw, c, row, false);
    for (size_t i = 0; i < raw.len; i++) {
        unsigned char ch = (unsigned char)raw.data[i];
        if (ch == '\n')
            buf_addstr(cell, "\\n");
        else if (ch == '\t')
            buf_addstr(cell, "\\t");
        else if (ch < 0x20)
            buf_addf(cell, "\\x%02x", ch);
        else
            buf_addch(cell, (char)ch);
    }
    buf_free(&raw);
}

/* Widths from the header and the first batch of rows, shrunk to fit the terminal. */
static void table_layout(struct text_table *tp, const struct pq_table *t, size_t nrows,
                         struct buf *out)
{
    tp->ncols = t->ncols;
    tp->widths = xcalloc(t->ncols + 1, sizeof *tp->widths);
    struct buf cell = BUF_INIT;
    for (size_t c = 0; c < t->ncols; c++) {
        tp->widths[c] = display_len(t->cols[c].name, strlen(t->cols[c].name)) +
                        (tp->marked && tp->marked[c] ? 1 : 0);
        for (size_t r = 0; r < nrows && r < 1000; r++) {
            buf_reset(&cell);
            table_cell_text(&cell, &t->cols[c], r);
            size_t w = display_len(cell.data, cell.len);
            if (w > tp->widths[c])
                tp->widths[c] = w;
        }
    }
    size_t avail = tp->width ? tp->width : text_table_terminal_width(), total = 0;
    for (size_t c = 0; c < t->ncols; c++)
        total += tp->widths[c] + (c ? 2 : 0);
    /* shave the widest shrinkable column until it fits; a column keeps at least its
     * name's first 8 characters (and 3 at worst) */
    while (total > avail) {
        size_t wi = t->ncols;
        for (size_t c = 0; c < t->ncols; c++) {
            size_t nl = display_len(t->cols[c].name, strlen(t->cols[c].name)) +
                        (tp->marked && tp->marked[c] ? 1 : 0);
            size_t min = nl < 3 ? 3 : nl > 9 ? 9 : nl;
            if (tp->widths[c] > min && (wi == t->ncols || tp->widths[c] > tp->widths[wi]))
                wi = c;
        }
        if (wi == t->ncols)
            break;
        tp->widths[wi]--;
        total--;
    }
    while (total > avail && tp->ncols > 1) { /* still too wide: leave columns out */
        tp->ncols--;
        total -= tp->widths[tp->ncols] + 2;
        tp->more = true;
    }
    if (tp->more)
        while (total + 3 > avail && tp->ncols > 1) /* room for the "  …" marker */
            total -= tp->widths[--tp->ncols] + 2;
    struct buf head = BUF_INIT;
    for (size_t c = 0; c < tp->ncols; c++) {
        buf_reset(&head);
        if (tp->marked && tp->marked[c])
            buf_addch(&head, '+');
        buf_addstr(&head, t->cols[c].name);
        add_cell(out, head.data, head.len, tp->widths[c], c + 1 == tp->ncols && !tp->more);
        if (c + 1 < tp->ncols)
            buf_addstr(out, "  ");
    }
    if (tp->more)
        buf_addstr(out, "  …");
    buf_addch(out, '\n');
    for (size_t c = 0; c < tp->ncols; c++) {
        for (size_t i = 0; i < tp->widths[c]; i++)
            buf_addstr(out, "─");
        if (c + 1 < tp->ncols)
            buf_addstr(out, "  ");
    }
    buf_addch(out, '\n');
    buf_free(&head);
    buf_free(&cell);
    tp->ready = true;
}

void text_table_rows(struct text_table *tp, struct buf *out, const struct pq_table *t, size_t nrows)
{
    if (!tp->ready)
        table_layout(tp, t, nrows, out);
    struct buf cell = BUF_INIT;
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < tp->ncols; c++) {
            buf_reset(&cell);
            table_cell_text(&cell, &t->cols[c], r);
            add_cell(out, cell.data, cell.len, tp->widths[c], c + 1 == tp->ncols && !tp->more);
            if (c + 1 < tp->ncols)
                buf_addstr(out, "  ");
        }
        if (tp->more)
            buf_addstr(out, "  …");
        buf_addch(out, '\n');
    }
    buf_free(&cell);
}

void text_table_free(struct text_table *tp)
{
    free(tp->widths);
    tp->widths = NULL;
    tp->ready = false;
}

void text_table_marked_first(const struct pq_table *t, const bool *marked, struct pq_table *view,
                             bool **view_marked)
{
    *view = *t;
    view->cols = xcalloc(t->ncols + 1, sizeof *view->cols);
    *view_marked = xcalloc(t->ncols + 1, sizeof **view_marked);
    size_t k = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (size_t c = 0; c < t->ncols; c++)
            if (marked[c] == (bool)pass) {
                (*view_marked)[k] = marked[c];
                view->cols[k++] = t->cols[c];
            }
}
