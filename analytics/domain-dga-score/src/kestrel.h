/* The Kestrel v1 docker contract for analytics written in C: WITH parameters from the
 * environment (typed, with defaults, clear errors), and the loop that reads every input
 * /data/input/N.parquet.gz, hands it to the analytic and writes /data/output/N.parquet.gz.
 * Functions return 0, or -1 with the message in err_last() (util/error.h). */
#ifndef KESTREL_H
#define KESTREL_H

#include "parquet/parquet.h"

#include <stdbool.h>
#include <stdint.h>

/* Each reads the environment variable `name`; unset or blank gives the default. */
int kestrel_param_string(const char *name, const char *def, const char **out);
int kestrel_param_choice(const char *name, const char *def, const char *const *choices,
                         const char **out); /* choices ends with NULL */
int kestrel_param_int(const char *name, int64_t def, int64_t min, int64_t max, int64_t *out);
int kestrel_param_double(const char *name, double def, double min, double max, double *out);
int kestrel_param_bool(const char *name, bool def, bool *out);
/* A list ("a,b,c"): *out is a heap copy of the raw text or NULL when unset; items via
 * kestrel_list_next. */
int kestrel_param_list(const char *name, char **out);
/* Splits the next item off *cursor (modifies the string); NULL at the end. */
char *kestrel_list_next(char **cursor);

/* The analytic: changes t in place (adds columns; keeps id and type). */
typedef int kestrel_analytic_fn(struct pq_table *t, const void *params);

/* Runs fn over every input and writes the outputs. A variable without id/type columns (an
 * empty variable arrives without columns) is left unchanged. Returns the exit code: 0, or 2
 * after printing "NAME: error: ..." on stderr. */
int kestrel_run(const char *name, kestrel_analytic_fn *fn, const void *params);

/* Convenience for analytics: the column named `name` when it is a string column, else NULL. */
const struct pq_column *kestrel_string_column(const struct pq_table *t, const char *name);

#endif
