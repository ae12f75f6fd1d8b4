/* The semantic comparator: does an actual table say what the expected (golden) one says?
 * Checks the schema first (column names and types), then the row count, then the values;
 * rows are matched by position or by key columns; floating point within a tolerance.
 * It fills a compare_result that renderers print (report/, cmd/diff.c); it never prints. */
#ifndef KANALYTIC_COMPARE_H
#define KANALYTIC_COMPARE_H

#include "table.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* A tolerance for one column: |actual - expected| <= atol + rtol * |expected|. */
struct compare_tolerance {
    const char *column;
    double rtol;
    double atol;
};

struct compare_options {
    const char *const *key; /* key columns: rows matched by key, order ignored */
    size_t nkey;
    const char *const *ignore; /* columns left out on both sides */
    size_t nignore;
    double rtol; /* default tolerance of numeric columns */
    double atol;
    const struct compare_tolerance *tolerances; /* per column, override the default */
    size_t ntolerances;
    bool nan_equal;           /* NaN equals NaN (default true) */
    bool strict_column_order; /* column order must match (default false) */
    size_t max_cells;         /* differing cells kept in the result (0 = 20) */
    size_t max_rows;          /* missing / extra / duplicate rows kept (0 = 20) */
};
#define COMPARE_OPTIONS_INIT                                                                       \
    {                                                                                              \
        NULL, 0, NULL, 0, 0.0, 0.0, NULL, 0, true, false, 20, 20                                   \
    }

enum schema_issue_kind {
    SCHEMA_MISSING_COLUMN, /* in expected, not in actual */
    SCHEMA_EXTRA_COLUMN,   /* in actual, not in expected */
    SCHEMA_TYPE_CHANGED,   /* same name, other type */
    SCHEMA_ORDER,          /* same columns, other order (strict_column_order only) */
    SCHEMA_BAD_KEY,        /* a key column missing from either side */
};

struct schema_issue {
    enum schema_issue_kind kind;
    char *column;   /* NULL for SCHEMA_ORDER */
    char *expected; /* type (or column order) on the expected side, may be NULL */
    char *actual;
    char *message; /* "column 'bytes': int64 became double" */
};

struct cell_diff {
    char *row; /* "id=\"a\", port=80" with keys, else "row 12" (0-based) */
    char *column;
    char *expected; /* canonical JSON (table/format.h) */
    char *actual;
};

/* A row present on one side only (by key, or beyond the other side's row count). */
struct row_ref {
    char *row;
};

struct compare_result {
    bool equal;
    bool fast_path; /* decided equal in one pass, no diff built */
    size_t expected_rows;
    size_t actual_rows;
    size_t compared_columns;

    struct schema_issue *schema;
    size_t nschema;

    struct cell_diff *cells; /* the first max_cells differing cells */
    size_t ncells;
    size_t cells_total;    /* every differing cell */
    size_t rows_differing; /* matched rows with at least one differing cell */

    struct row_ref *missing; /* expected rows absent from actual (first max_rows) */
    size_t nmissing;
    size_t missing_total;
    struct row_ref *extra; /* actual rows absent from expected */
    size_t nextra;
    size_t extra_total;
    struct row_ref *duplicates; /* keys seen more than once (either side) */
    size_t nduplicates;
    size_t duplicates_total;

    /* differing cells per compared column, parallel to column_names */
    char **column_names;
    size_t *column_diffs;
    size_t ncolumns;
};

/* Compares actual against expected. Returns 0 with *out filled (equal or not), or -1 with the
 * error slot set when the options cannot apply (e.g. a negative tolerance). */
int compare_tables(const struct pq_table *expected, const struct pq_table *actual,
                   const struct compare_options *opts, struct compare_result *out);
void compare_result_free(struct compare_result *r);
/* true only when the first `rows` rows of two columns of the same type are byte for byte the
 * same (hence equal; with !nan_equal, NaN-free too): the fast path, usable on a stream of row
 * groups. false says nothing: compare the tables. */
bool compare_column_identical(const struct pq_column *e, const struct pq_column *a, size_t rows,
                              bool nan_equal);
/* The same for rows [ei, ei+rows) of e against rows [ai, ai+rows) of a: windows of column
 * chunks cut from files whose row groups do not line up. */
bool compare_column_range_identical(const struct pq_column *e, size_t ei, const struct pq_column *a,
                                    size_t ai, size_t rows, bool nan_equal);

/* One-line summary: "equal (1000 rows)" or "3 cells differ in 2 rows, 1 missing row, ...". */
void compare_summary(const struct compare_result *r, struct buf *out);
/* Parses "a,b,c" into a NULL-terminated array of strings (caller frees with
 * compare_free_list); empty items are skipped. */
char **compare_split_list(const char *s, size_t *n);
void compare_free_list(char **list);

#endif
