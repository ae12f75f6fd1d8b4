/* Are two Parquet files equal? Decided in one streaming pass when they are: each file is
 * decoded column chunk by column chunk by its own thread, and the chunks are compared window by
 * window over the rows both hold, so the two files' row groups need not line up (an analytic's
 * output written by pyarrow against a golden written with other row-group sizes). Memory stays
 * at a few column chunks per file. Anything else (other schemas or row counts, a difference,
 * an unreadable file) answers "cannot tell": the caller then decodes and compares the tables
 * (table/compare.h), which also says what differs. */
#ifndef KANALYTIC_PARQUET_STREAM_COMPARE_H
#define KANALYTIC_PARQUET_STREAM_COMPARE_H

#include "table/compare.h"

/* 1 when the files are equal under o (res filled: equal, fast_path, rows, compared columns),
 * 0 when it cannot tell. Honours o's ignored columns, column order and NaN rule; keys and
 * tolerances need not be consulted, since identical values are equal under any of them. */
int pq_stream_identical(const char *expected, const char *actual, const struct compare_options *o,
                        struct compare_result *res);

/* The whole comparison (what `kanalytic diff` does): the streaming pass above, and when it
 * cannot tell, both files decoded in parallel (one thread each) and compared by
 * compare_tables, which says what differs. 0 (res filled: equal or not), or -1 when a file
 * cannot be read (its error) or the options do not fit the files (compare_tables' error). */
int pq_compare_files(const char *expected, const char *actual, const struct compare_options *o,
                     struct compare_result *res);

#endif
