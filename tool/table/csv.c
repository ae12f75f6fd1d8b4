/* CSV reading and writing: see csv.h. */
#include "csv.h"

#include "table/format.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <string.h>

/* ---- reading ---- */

struct csv_field {
    size_t off, len;
    bool quoted;
};

/* Parses one record starting at *pos into fields (unescaping quoted fields in place, which
 * only ever shortens them); advances *pos and *line past it. */
static int csv_record(char *d, size_t n, size_t *pos, size_t *line, struct csv_field **fields,
                      size_t *nf, size_t *cap)
{
    size_t i = *pos, start_line = *line;
    *nf = 0;
    for (;;) {
        ARRAY_GROW(*fields, *nf + 1, *cap);
        struct csv_field *f = &(*fields)[(*nf)++];
        f->quoted = false;
        if (i < n && d[i] == '"') {
            size_t quote_line = *line;
            f->quoted = true;
            f->off = ++i;
            size_t w = i;
            for (;;) {
                if (i >= n)
                    return text_line_error(quote_line, "unterminated quoted field");
                if (d[i] == '"') {
                    if (i + 1 < n && d[i + 1] == '"') {
                        d[w++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (d[i] == '\n')
                    (*line)++;
                d[w++] = d[i++];
            }
            f->len = w - f->off;
            if (i < n && d[i] != ',' && d[i] != '\n' &&
                !(d[i] == '\r' && i + 1 < n && d[i + 1] == '\n') && !(d[i] == '\r' && i + 1 == n))
                return text_line_error(*line, "unexpected character after a closing quote");
        } else {
            f->off = i;
            while (i < n && d[i] != ',' && d[i] != '\n') {
                if (d[i] == '"')
                    return text_line_error(*line, "quote inside an unquoted field");
                if (d[i] == '\r' && (i + 1 == n || d[i + 1] == '\n'))
                    break;
                i++;
            }
            f->len = i - f->off;
        }
        if (i < n && d[i] == ',') {
            i++;
            continue;
        }
        if (i < n && d[i] == '\r')
            i++;
        if (i < n && d[i] == '\n') {
            i++;
            (*line)++;
        }
        break;
    }
    (void)start_line;
    *pos = i;
    return 0;
}

int csv_parse(char *d, size_t n, struct text_grid *g)
{
    size_t pos = 0, line = 1;
    if (n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3))
        pos = 3;
    if (pos >= n)
        return text_line_error(1, "empty input: a header row is needed");
    struct csv_field *f = NULL;
    size_t nf = 0, cap = 0;
    int rc = -1;
    if (csv_record(d, n, &pos, &line, &f, &nf, &cap) < 0)
        goto out;
    g->from_text = true;
    g->text = d;
    g->ncols = nf;
    g->names = xcalloc(nf, sizeof *g->names);
    for (size_t i = 0; i < nf; i++) {
        g->names[i] = xstrndup(d + f[i].off, f[i].len);
        if (!g->names[i][0]) {
            text_line_error(1, "column %zu has an empty name", i + 1);
            goto out;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(g->names[j], g->names[i])) {
                text_line_error(1, "column '%s' appears twice", g->names[i]);
                goto out;
            }
    }
    while (pos < n) {
        size_t row_line = line;
        if (csv_record(d, n, &pos, &line, &f, &nf, &cap) < 0)
            goto out;
        if (nf == 1 && f[0].len == 0 && !f[0].quoted)
            continue; /* a blank line */
        if (nf != g->ncols) {
            text_line_error(row_line, "%zu field%s, the header has %zu", nf, nf == 1 ? "" : "s",
                            g->ncols);
            goto out;
        }
        struct text_cell *row = grid_add_row(g, row_line);
        for (size_t i = 0; i < nf; i++) {
            row[i].off = f[i].off;
            row[i].len = f[i].len;
            row[i].quoted = f[i].quoted;
            row[i].state = f[i].len || f[i].quoted ? CELL_TEXT : CELL_NULL;
        }
    }
    rc = 0;
out:
    free(f);
    return rc;
}

/* ---- writing ---- */

void csv_write_field(struct buf *out, const char *s, size_t n, bool force_quotes)
{
    bool quote = force_quotes;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        buf_add(out, s, n);
        return;
    }
    buf_addch(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            buf_addch(out, '"');
        buf_addch(out, s[i]);
    }
    buf_addch(out, '"');
}

void csv_write_header(struct buf *out, const struct pq_table *t, const char *eol)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            buf_addch(out, ',');
        csv_write_field(out, t->cols[c].name, strlen(t->cols[c].name), false);
    }
    buf_addstr(out, eol);
}

void csv_write_rows(struct buf *out, const struct pq_table *t, size_t first, size_t n,
                    const char *eol)
{
    struct buf cell = BUF_INIT;
    for (size_t r = first; r < first + n; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                buf_addch(out, ',');
            buf_reset(&cell);
            bool null = column_is_null(&t->cols[c], r);
            if (!null)
                format_cell_text(&cell, &t->cols[c], r, true);
            csv_write_field(out, cell.data, cell.len, !null && cell.len == 0);
        }
        buf_addstr(out, eol);
    }
    buf_free(&cell);
}
