/* The HTML report of a test run: one self-contained file (no external assets) with a
 * summary, every case with its status and timing, schema and cell differences side by side
 * with the differing cells highlighted, container logs, and the analytic's own display HTML
 * in a sandboxed iframe. It only reads the result model (result/test_result.h). */
#ifndef KANALYTIC_REPORT_HTML_H
#define KANALYTIC_REPORT_HTML_H

#include "escape.h" /* html_escape, for the pages that embed reports */

#include "result/test_result.h"
#include "util/buf.h"

struct html_report_options {
    const char *title;   /* NULL = "kanalytic test report" */
    const char *version; /* kanalytic version shown in the footer, may be NULL */
};

/* Renders the report into out. */
void report_html_render(const struct run_result *r, const struct html_report_options *o,
                        struct buf *out);
/* Renders it to path atomically; -1 with the error slot set on failure. */
int report_html(const struct run_result *r, const struct html_report_options *o, const char *path);

#endif
