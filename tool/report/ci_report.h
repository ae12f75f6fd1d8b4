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

#endif
