/* Renderers of the test result model (result/test_result.h) and of comparator results
 * (table/compare.h): console text, JSON, JUnit XML, TAP. They only read the model. */
#ifndef KANALYTIC_REPORT_H
#define KANALYTIC_REPORT_H

#include "result/test_result.h"
#include "table/compare.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* "PASS  name/case  (1.23s)" */
void report_case_line(const struct case_result *c, FILE *out);
/* The notes of a case (what does not fail it but the author should know), indented. */
void report_case_notes(const struct case_result *c, FILE *out);
/* The problems of a failed case, indented, with stderr's last lines (terminal sequences
 * stripped) and diff details; under CI (report_set_ci, or GITHUB_ACTIONS=true) inside a
 * ::stop-commands:: block, so nothing the container printed is obeyed. */
void report_case_details(const struct case_result *c, FILE *out);
/* Details of every failing case, then "3 passed, 1 failed, 0 errors in 4.2s (-j 2)". */
/* test --ci: container logs on the console are in stop-commands blocks. */
void report_set_ci(bool on);
void report_console_summary(const struct run_result *r, FILE *out);

/* A comparator result as text (first differing cells, missing / extra rows, counts). */
void report_compare_text(const struct compare_result *c, FILE *out, const char *indent);
/* ... and as a JSON object (new reference). */
json_t *report_compare_json(const struct compare_result *c);

json_t *report_run_json(const struct run_result *r);
int report_json(const struct run_result *r, FILE *out);
/* JUnit XML written atomically to path; -1 + err_set on failure. */
int report_junit(const struct run_result *r, const char *path);
void report_tap(const struct run_result *r, FILE *out);

#endif
