/* `kanalytic run`'s one-off case: the user's Parquet files and WITH parameters made into a
 * test case the runner runs like any other, with no goldens and its own folder DIR, so that
 * what the runner would "create" as goldens under DIR/expected/ are the outputs. The inputs
 * are checked against the manifest before anything runs (their number, that each is Parquet,
 * and their entity type); after the run the outputs are taken from DIR/expected/ to where the
 * user wants them. Never prints. */
#ifndef KANALYTIC_RUNNER_ADHOC_H
#define KANALYTIC_RUNNER_ADHOC_H

#include "docker/docker.h"
#include "manifest/manifest.h"
#include "parquet/parquet.h"
#include "result/test_result.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct runner_adhoc {
    char **inputs; /* Parquet files, in APPLY ... ON order (input N is /data/input/N) */
    size_t n_inputs;
    char **params; /* --param K=V, after the --with ones */
    size_t n_params;
    const char *with; /* Kestrel's WITH text, or NULL */
    unsigned timeout; /* seconds; 0: the manifest's */
};

/* One input per manifest input, each a Parquet file whose `type` column (a Kestrel variable's
 * entity type) holds only types that input takes; an input with rows and no `type` column is
 * refused, an empty one (0 rows) is not checked. 0, or -1 with err_last() saying which input
 * and why (a sentence to print after "kanalytic run: "). */
int runner_adhoc_check_inputs(const struct manifest *m, const struct runner_adhoc *a);

/* The case in dir: the inputs by their real paths, the parameters of a->with then a->params
 * checked against the manifest and rendered as Kestrel renders them, no goldens, NaN equal,
 * the timeout. 0, or -1 with at least one error in diags (a WITH syntax error at its
 * line:col in a->with under file "--with", a bad --param, a parameter the manifest refuses,
 * an input that cannot be read). Notes and warnings about the parameters may be added on
 * success too. */
int runner_adhoc_case(const struct manifest *m, const struct runner_adhoc *a, const char *dir,
                      struct test_case **out, struct diag_list *diags);

/* Runs the case of analytic NAME (its folder analytic_dir) as APPLY would: the runner's
 * default options, Ctrl-C handled, every container removed after. Fills res (the caller
 * frees it with case_result_free). */
void runner_adhoc_run(struct docker *d, const struct manifest *m, const char *analytic_dir,
                      const char *name, struct test_case *tc, struct case_result *res);

/* How many outputs to look for after a run: one per input, and at least one past the
 * manifest's outputs (what it does not declare breaks a rule, but is shown), 66 at most. */
size_t runner_adhoc_output_slots(const struct manifest *m, size_t n_inputs);
/* Copies what the run left as output n (DIR/expected/output/N.parquet.gz) to
 * OUTDIR/output/N.parquet.gz, making the folders. 1 copied (*out: the copy's path, the caller
 * frees), 0 the run left no such output, -1 with err_last(). */
int runner_adhoc_take_output(const char *dir, const char *outdir, size_t n, char **out);
/* The same for the display: DIR/expected/display.html to OUTDIR/display/display.html. */
int runner_adhoc_take_display(const char *dir, const char *outdir, char **out);

/* Marks (marked[c] true) each column of t, an output, that input, the Parquet file it came
 * from, does not have: the columns the analytic added. input NULL marks none. 0, or -1 with
 * err_last() when input cannot be read. */
int runner_adhoc_new_columns(const char *input, const struct pq_table *t, bool *marked);

/* Reads output path into *t and marks its new columns against input (as above) in *marked,
 * an array of t->ncols + 1 flags (the caller frees both). 0, or -1 with err_last() when the
 * output or the input cannot be read. */
int runner_adhoc_read_output(const char *path, const char *input, struct pq_table *t,
                             bool **marked);

#endif
