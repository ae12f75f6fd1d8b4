/* The Kestrel contract on what a case hands to an analytic and what the analytic hands back,
 * as Kestrel 1.x's docker interface and its store (firepit, SQLite) enforce it (section 14 of
 * the Kestrel interface reference, measured by running Kestrel's own code):
 *   - every input an empty variable (0 rows, 0 columns): APPLY never starts the container;
 *   - an output is read with pandas.read_parquet: a column listed in the pandas metadata's
 *     index_columns is the index, not a column; 0 rows crash APPLY;
 *   - the store takes text, integers, floats and booleans: lists are kept as raw bytes,
 *     timestamps raise, structs and maps cannot be stored;
 *   - display/ holds nothing, or exactly one regular file whose name ends in ".html";
 *   - and the manifest's outputs, a contract of kanalytic's own: every declared attribute is
 *     written with its declared type, and nothing undeclared is added.
 * Each check adds its findings to a case_result (result/test_result.h) under a rule of its own;
 * nothing here prints. */
#ifndef KANALYTIC_RUNNER_CONTRACT_H
#define KANALYTIC_RUNNER_CONTRACT_H

#include "manifest/manifest.h"
#include "result/test_result.h"
#include "table/table.h"

#include <stdbool.h>
#include <stddef.h>

#define CONTRACT_SKIP_REASON                                                                       \
    "every input is an empty variable (0 rows, 0 columns): Kestrel does not run the analytic "     \
    "here (APPLY never starts the container and the variables stay as they were)"

/* true when every input file of tc is an empty variable as Kestrel sends it: readable Parquet
 * with 0 rows and 0 columns. An unreadable input is not empty (the run reports it). */
bool contract_inputs_all_empty(const struct test_case *tc);

/* The output at path (shown as name), already read into t, as Kestrel's APPLY and store take
 * it: rows, the pandas index metadata, the column types. false when a rule failed. */
bool contract_check_output(const char *path, const char *name, const struct pq_table *t,
                           struct case_result *r);

/* An output the reader refused (error text err) because of a column the store cannot take
 * (a struct, a map, nested lists): adds the store-type problem and returns true; false when
 * err is another failure. */
bool contract_explain_unreadable(const char *name, const char *err, struct case_result *r);

/* The manifest's outputs as a contract for output `index` (t, shown as name): each attribute
 * the manifest declares must be a column of its declared type (and format); a column that is
 * neither in the input (input_path, may be NULL) nor declared is a failure when strict
 * (--ci, kanalytic ci), else a note. */
void contract_check_attributes(const struct manifest *m, size_t index, const char *input_path,
                               const struct pq_table *t, const char *name, bool strict,
                               struct case_result *r);

/* display/ under data_dir: nothing, or exactly one regular file named *.html (Kestrel's test
 * of the suffix is case-sensitive). false when a rule failed. */
bool contract_check_display(const char *data_dir, struct case_result *r);

/* A value of format iso-8601 as the manifest means it: a date, optionally a time (T or space)
 * with seconds, fraction and a zone (Z or +hh:mm). Exposed for tests. */
bool contract_is_iso8601(const char *s, size_t len);

#endif
