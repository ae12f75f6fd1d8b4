/* The result model of `kanalytic test`: one case_result per test case, each with the problems
 * found (the rule broken, the file, a message, and the comparator's result for golden
 * mismatches). The runner fills it; the renderers in report/ (console, JSON, JUnit, TAP, and
 * later HTML) only read it. */
#ifndef KANALYTIC_RESULT_TEST_RESULT_H
#define KANALYTIC_RESULT_TEST_RESULT_H

#include "table/compare.h"

#include <stdbool.h>
#include <stddef.h>

enum case_status {
    CASE_PASS,    /* everything as the case expects */
    CASE_CREATED, /* passed, and missing goldens were written (not under --ci) */
    CASE_FAIL,    /* the analytic did not do what the case expects */
    CASE_ERROR,   /* the case could not be run: engine, image, bad case.yaml */
    CASE_SKIP,    /* not run, as Kestrel would not run it (every input empty): skip_reason */
};

/* Short rule ids, stable for machines (JSON, JUnit) */
#define RULE_EXIT_CODE "exit-code"
#define RULE_TIMEOUT "timeout"
#define RULE_STDERR "stderr"
#define RULE_OUTPUT_MISSING "output-missing"
#define RULE_OUTPUT_UNEXPECTED "output-unexpected"
#define RULE_PARQUET "kestrel-readable-parquet"
#define RULE_ID_TYPE "kestrel-id-type"
#define RULE_ONE_TYPE "kestrel-one-type"
#define RULE_DISPLAY_COUNT "kestrel-one-display"
#define RULE_DISPLAY_HTML "kestrel-display-html"
#define RULE_ARCHIVE "untrusted-archive"
#define RULE_GOLDEN "golden-mismatch"
#define RULE_GOLDEN_MISSING "golden-missing"
#define RULE_DISPLAY_GOLDEN "display-mismatch"
#define RULE_REPEAT "repeat-differs"
#define RULE_ENGINE "engine"
#define RULE_CASE "case"
#define RULE_IMAGE "image"
#define RULE_INTERRUPTED "interrupted"
/* the Kestrel contract checks of runner/contract.h */
#define RULE_EMPTY_OUTPUT "kestrel-empty-output"
#define RULE_PANDAS_INDEX "kestrel-pandas-index"
#define RULE_STORE_TYPE "kestrel-store-type"
#define RULE_DISPLAY_FILE "kestrel-display-file"
#define RULE_ATTR_MISSING "manifest-attribute-missing"
#define RULE_ATTR_TYPE "manifest-attribute-type"
#define RULE_ATTR_UNDECLARED "manifest-attribute-undeclared"

struct case_problem {
    char *rule;
    char *file;                 /* "output/0.parquet.gz", "display/plot.html", or NULL */
    char *message;              /* one line */
    struct compare_result *cmp; /* RULE_GOLDEN / RULE_REPEAT details, or NULL */
    char *detail;               /* multi-line text (a masked display diff), or NULL */
};

struct case_result {
    char *analytic;
    char *case_name;
    char *id;          /* "analytic/case" */
    char *description; /* may be NULL */
    enum case_status status;
    double seconds;
    int exit_code; /* of the container; -1 when it never ran to the end */
    bool timed_out;
    unsigned runs;
    char *stderr_text;  /* the container's stderr (capped), may be NULL */
    char *display_html; /* the display the analytic wrote (last run), may be NULL */
    struct case_problem *problems;
    size_t nproblems;
    char *skip_reason; /* CASE_SKIP: why the case was not run */
    char **created;    /* goldens written because they were missing */
    size_t ncreated;
    char **updated; /* goldens rewritten by --update */
    size_t nupdated;
    /* notes: what the author should know but that does not fail the case (what Kestrel's
     * store will change in an output, ...); rule and message as for problems, never cmp */
    struct case_problem *notes;
    size_t nnotes;
};

struct run_result {
    struct case_result *cases;
    size_t ncases;
    double seconds;
    unsigned jobs;
};

void case_result_init(struct case_result *r, const char *analytic, const char *case_name);
/* Adds a problem (takes ownership of cmp) and marks the case failed unless it is already an
 * error. */
void case_result_fail(struct case_result *r, const char *rule, const char *file,
                      struct compare_result *cmp, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Same, marking the case an error (it could not be run). */
void case_result_error(struct case_result *r, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a note; the status does not change. */
void case_result_note(struct case_result *r, const char *rule, const char *file, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));
/* Sets the detail text of the last problem added (copied). */
void case_result_set_detail(struct case_result *r, const char *detail);
/* Marks the case not run (CASE_SKIP), with the reason. */
void case_result_skip(struct case_result *r, const char *reason);
bool case_result_has_rule(const struct case_result *r, const char *rule);
/* Drops every problem (before a rerun) */
void case_result_clear_problems(struct case_result *r);
void case_result_free(struct case_result *r);
void run_result_free(struct run_result *r);

const char *case_status_name(enum case_status s); /* "PASS", "CREATED", "FAIL", "ERROR" */
/* Counts by status (skipped cases are in none of them). */
void run_result_counts(const struct run_result *r, size_t *pass, size_t *fail, size_t *error);
size_t run_result_skipped(const struct run_result *r);
/* 0 all passed, 1 a case failed, 2 a case could not be run */
int run_result_exit_code(const struct run_result *r);

#endif
