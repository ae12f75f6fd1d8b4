/* What Kestrel's store will change in an output the analytic wrote (firepit on SQLite, as
 * measured in docs/kestrel-interface.md section 14): booleans become integers, integer columns
 * with nulls become doubles, and rows of the input that the output dropped stay in the
 * variable (the output is upserted by id; nothing is deleted). None of this fails a case: each
 * is a note (case_result_note) so an author is not surprised in the hunt. */
#ifndef KANALYTIC_RUNNER_STORE_NOTES_H
#define KANALYTIC_RUNNER_STORE_NOTES_H

#include "result/test_result.h"
#include "table/table.h"

#define RULE_STORE_BOOL "kestrel-store-bool"
#define RULE_STORE_INT_NULLS "kestrel-store-int-nulls"
#define RULE_STORE_UPSERT "kestrel-store-upsert"

/* Adds the notes for output table `out`, written as `name` ("output/0.parquet.gz") for input
 * `index`; `in` is that input (NULL when there is none: no note on dropped rows). */
void store_notes(const struct pq_table *out, const struct pq_table *in, const char *name,
                 size_t index, struct case_result *r);

/* The notes for a run: for each N < ninputs, data_dir/output/N.parquet.gz (when written and
 * readable) against inputs[N]. Files that do not read are left to the output rules. */
void store_notes_for_run(const char *data_dir, char *const *inputs, size_t ninputs,
                         struct case_result *r);

#endif
