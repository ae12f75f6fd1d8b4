/* The renderers of `kanalytic ci`'s result (result/ci_result.h): the console summary, JSON,
 * JUnit XML, the Markdown summary (GitHub's step summary) and HTML. Renderers write to a FILE
 * (or a buf) and never exit. */
#ifndef KANALYTIC_CI_REPORT_H
#define KANALYTIC_CI_REPORT_H

#include "git/changes.h"
#include "result/ci_result.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stdio.h>

void ci_report_text(const struct ci_result *r, FILE *out);
int ci_report_json(const struct ci_result *r, FILE *out);
void ci_report_junit(const struct ci_result *r, FILE *out);
void ci_report_markdown(const struct ci_result *r, FILE *out);
/* One self-contained HTML page: the verdict, validate / policy findings, every step with
 * its output, and each analytic's `kanalytic test --html` report (read from
 * test_reports_dir/NAME.html when present) embedded in a sandboxed frame. */
void ci_report_html(const struct ci_result *r, const char *test_reports_dir, struct buf *out);
/* --list: the selection and why each analytic is in it. */
void ci_report_list(const struct changes *c, size_t total, unsigned shard_index,
                    unsigned shard_count, FILE *out);
int ci_report_list_json(const struct changes *c, size_t total, unsigned shard_index,
                        unsigned shard_count, FILE *out);
/* One step as it ends: "ok    build geo (1.2s)" (FAIL, ERROR, skip; ": note"), and with
 * with_output its output, indented, terminal sequences stripped, inside a stop-commands block
 * of its own (nothing a container or a name printed is obeyed by the CI). */
void ci_report_step(const struct ci_step *s, bool with_output, FILE *out);
/* The step's own annotations (ci_report_annotations_in of its output), to be printed where
 * GitHub obeys them; none from a truncated output (it may have lost a block's start). */
void ci_report_step_annotations(const struct ci_step *s, FILE *out);
/* Step 2 on the console: the policy's findings, why it could not run, or "ok". */
void ci_report_policy(const struct ci_result *r, FILE *out);
/* GitHub workflow annotations (::error file=...::message, one a line, names escaped by
 * diag.h's GitHub format) for the findings and for each build or test step that failed or
 * could not run (on its analytic.yaml). prefix turns root-relative paths into paths from the
 * git work tree ("" or "sub/dir/"). */
void ci_report_annotations(const struct ci_result *r, const char *prefix, FILE *out);
/* The ::error, ::warning and ::notice lines of text that stand outside every
 * ::stop-commands:: block (what GitHub would obey in it), one a line. */
void ci_report_annotations_in(const char *text, size_t len, FILE *out);
/* Renders r into path: written anew atomically, or appended to (GitHub's step summary,
 * shared by the job's steps). -1 with the error slot set. */
int ci_report_write(const char *path, void (*render)(const struct ci_result *, FILE *),
                    const struct ci_result *r, bool append);

#endif
