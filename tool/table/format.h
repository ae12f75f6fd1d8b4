/* Rendering one cell of a table as text: the canonical JSON form that
 * ../shared/parquet-corpus/README.md defines (used by `show --format jsonl`, the comparator's
 * reports and the JSON outputs), and a plain form for tables and CSV. */
#ifndef KANALYTIC_TABLE_FORMAT_H
#define KANALYTIC_TABLE_FORMAT_H

#include "table.h"
#include "util/buf.h"

/* Canonical JSON value of row `row` of column c (null, number, string, array). */
void format_cell_json(struct buf *out, const struct pq_column *c, size_t row);
/* The same value as plain text: strings unquoted, null as "" (CSV) or "null" (table). */
void format_cell_text(struct buf *out, const struct pq_column *c, size_t row, bool null_empty);
/* Row `row` of t as one canonical JSON Lines object (keys in schema order) plus "\n": the
 * form `show --format jsonl` and `convert` print. */
void format_row_jsonl(struct buf *out, const struct pq_table *t, size_t row);
/* One element of a vector, canonical JSON. */
void format_value_json(struct buf *out, const struct pq_vector *v, size_t i);

#endif
