/* CSV (RFC 4180): the reader behind `kanalytic convert` (a header row, then records; quoted
 * fields unescaped in place) and the one CSV writer, used by `convert` and `show`. */
#ifndef KANALYTIC_TABLE_CSV_H
#define KANALYTIC_TABLE_CSV_H

#include "table/infer.h"
#include "table/table.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Splits d[0..n) into g (a header row, then records): 0, or -1 with "LINE: error: ...". */
int csv_parse(char *d, size_t n, struct text_grid *g);

/* One field, quoted when it holds a comma, a quote or a line break, or when force_quotes. */
void csv_write_field(struct buf *out, const char *s, size_t n, bool force_quotes);
/* The header row (column names) of t, ended by eol ("\n" or "\r\n"). */
void csv_write_header(struct buf *out, const struct pq_table *t, const char *eol);
/* Rows [first, first + n) of t, each ended by eol. A null is an empty field; an empty value that
 * is not null is written "" so that it reads back as an empty string. */
void csv_write_rows(struct buf *out, const struct pq_table *t, size_t first, size_t n,
                    const char *eol);

#endif
