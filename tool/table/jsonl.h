/* JSON Lines: the reader behind `kanalytic convert` (one JSON object a line; columns in
 * first-seen key order) and the writer (canonical rows of table/format.h). */
#ifndef KANALYTIC_TABLE_JSONL_H
#define KANALYTIC_TABLE_JSONL_H

#include "table/infer.h"
#include "table/table.h"
#include "util/buf.h"

#include <stddef.h>

/* Splits d[0..n) into g: 0, or -1 with "LINE: error: ...". */
int jsonl_parse(const char *d, size_t n, struct text_grid *g);
/* Rows [first, first + n) of t as canonical JSON Lines. */
void jsonl_write_rows(struct buf *out, const struct pq_table *t, size_t first, size_t n);

#endif
