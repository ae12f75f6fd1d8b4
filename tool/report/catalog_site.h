/* The catalogue: a static site describing the analytics of a repository (`kanalytic
 * catalog`). It reads the manifests, READMEs, golden displays, the last test report
 * (`kanalytic test --format json` output) and the published-analytics index
 * (docs/sharing.md), and writes index.html (search and filters in inline JavaScript, its
 * data embedded as a JSON literal: it works from file:// with no network) plus one page per
 * analytic under analytics/. Everything that comes from an analytic is HTML-escaped; golden
 * displays are shown only in <iframe sandbox srcdoc>. */
#ifndef KANALYTIC_REPORT_CATALOG_SITE_H
#define KANALYTIC_REPORT_CATALOG_SITE_H

#include "util/buf.h"
#include "util/diag.h"

#include <stddef.h>

/* The file a catalogue directory holds so that a later run may replace it. */
#define CATALOG_SITE_MARKER ".kanalytic-catalog"

struct catalog_site_options {
    const char *root;        /* repository root (holds analytics/) */
    const char *report_path; /* test --format json output, or NULL */
    const char *index_path;  /* published index (format kanalytic-index), or NULL */
    const char *version;     /* kanalytic version for the footer, may be NULL */
};

struct catalog_site_stats {
    size_t analytics, cases, cases_with_result, versions;
};

/* Writes the site to out_dir atomically: built in a temporary folder beside it, then renamed
 * into place. An existing out_dir must be empty or a previous catalogue (it holds
 * CATALOG_SITE_MARKER); anything else is refused. Returns 0; 1 with findings in diags (an
 * analytic's manifest does not load: nothing is written); -1 with err_last() (I/O, a broken
 * report or index, a directory that is not a catalogue). */
int catalog_site_write(const struct catalog_site_options *o, const char *out_dir,
                       struct catalog_site_stats *stats, struct diag_list *diags);

/* A small, safe Markdown subset as HTML: headings, fenced code, "- " lists, "|" tables,
 * paragraphs, `code` and **bold**. Every character of text is escaped; no link, image or raw
 * HTML is ever emitted. Exposed for the unit tests. */
void catalog_markdown(struct buf *out, const char *text, size_t len);

#endif
