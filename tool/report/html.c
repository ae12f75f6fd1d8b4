/* Self-contained HTML report of a test run: see html.h. Every string that comes from an
 * analytic (stderr, display HTML, cell values) is escaped; the display HTML is shown only
 * inside <iframe sandbox srcdoc=...>, so its scripts never run with the report's rights. */
#include "html.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/quote.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *status_class(enum case_status s)
{
    switch (s) {
    case CASE_PASS: return "pass";
    case CASE_CREATED: return "created";
    case CASE_FAIL: return "fail";
    case CASE_SKIP: return "skip";
    default: return "error";
    }
}

/* Anchors: the case id with anything but [A-Za-z0-9_-] replaced. */
static void anchor(struct buf *b, const char *id)
{
    buf_addstr(b, "case-");
    for (; id && *id; id++) {
        char c = *id;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        buf_addch(b, ok ? c : '_');
    }
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2327;background:#f6f7f7}"
    "header{background:#1d2327;color:#fff;padding:16px 24px}header h1{margin:0 0 6px;"
    "font-size:20px}.counts span{margin-right:16px}main{padding:16px 24px}"
    "table{border-collapse:collapse;background:#fff}td,th{border:1px solid #dcdcde;"
    "padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f0f1}"
    ".badge{display:inline-block;min-width:64px;text-align:center;border-radius:3px;"
    "padding:1px 6px;font-weight:600;color:#fff}.badge.pass{background:#00a32a}"
    ".badge.created{background:#2271b1}.badge.fail{background:#d63638}"
    ".badge.error{background:#996800}.badge.skip{background:#646970}"
    "section.case{background:#fff;border:1px solid #dcdcde;"
    "margin:16px 0;padding:12px 16px}section.case h2{font-size:16px;margin:0 0 8px}"
    "td.diff{background:#fcf0f1;font-weight:600}td.expected{background:#edfaef}"
    "pre{background:#1d2327;color:#f0f0f1;padding:8px;overflow:auto;max-height:320px}"
    "iframe{width:100%;height:420px;border:1px solid #dcdcde;background:#fff}"
    "code{font-family:ui-monospace,monospace}.muted{color:#646970}"
    "nav button{margin-right:6px}";

/* Filter buttons: plain inline script, no external assets. */
static const char script[] =
    "function show(k){document.querySelectorAll('section.case').forEach(function(s){"
    "s.style.display=(k==='all'||s.classList.contains(k))?'':'none';});}";

static void render_schema(struct buf *b, const struct compare_result *c)
{
    if (!c->nschema)
        return;
    buf_addstr(b, "<h3>Schema</h3><table class=\"schema\"><tr><th>column</th>"
                  "<th>expected</th><th>actual</th><th>what</th></tr>");
    for (size_t i = 0; i < c->nschema; i++) {
        const struct schema_issue *s = &c->schema[i];
        buf_addstr(b, "<tr><td><code>");
        html_escape(b, s->column ? s->column : "(column order)");
        buf_addstr(b, "</code></td><td class=\"expected\">");
        html_escape(b, s->expected ? s->expected : "—");
        buf_addstr(b, "</td><td class=\"diff\">");
        html_escape(b, s->actual ? s->actual : "—");
        buf_addstr(b, "</td><td>");
        html_escape(b, s->message);
        buf_addstr(b, "</td></tr>");
    }
    buf_addstr(b, "</table>");
}

static void render_rows(struct buf *b, const char *title, const char *cls,
                        const struct row_ref *rows, size_t n, size_t total)
{
    if (!total)
        return;
    buf_addf(b, "<h3>%s (%zu)</h3><ul class=\"%s\">", title, total, cls);
    for (size_t i = 0; i < n; i++) {
        buf_addstr(b, "<li><code>");
        html_escape(b, rows[i].row);
        buf_addstr(b, "</code></li>");
    }
    if (total > n)
        buf_addf(b, "<li class=\"muted\">… and %zu more</li>", total - n);
    buf_addstr(b, "</ul>");
}

static void render_compare(struct buf *b, const struct compare_result *c)
{
    struct buf sum = BUF_INIT;
    compare_summary(c, &sum);
    buf_addstr(b, "<p class=\"compare-summary\">");
    html_escape(b, sum.data);
    buf_addf(b, " <span class=\"muted\">(expected %zu rows, actual %zu)</span></p>",
             c->expected_rows, c->actual_rows);
    buf_free(&sum);
    render_schema(b, c);
    if (c->ncells) {
        buf_addstr(b, "<h3>Differing cells</h3><table class=\"cells\"><tr><th>row</th>"
                      "<th>column</th><th>expected</th><th>actual</th></tr>");
        for (size_t i = 0; i < c->ncells; i++) {
            const struct cell_diff *d = &c->cells[i];
            buf_addstr(b, "<tr><td><code>");
            html_escape(b, d->row);
            buf_addstr(b, "</code></td><td><code>");
            html_escape(b, d->column);
            buf_addstr(b, "</code></td><td class=\"expected\"><code>");
            html_escape(b, d->expected);
            buf_addstr(b, "</code></td><td class=\"diff\"><code>");
            html_escape(b, d->actual);
            buf_addstr(b, "</code></td></tr>");
        }
        buf_addstr(b, "</table>");
        if (c->cells_total > c->ncells)
            buf_addf(b, "<p class=\"muted\">%zu more differing cells not shown</p>",
                     c->cells_total - c->ncells);
    }
    render_rows(b, "Missing rows", "missing", c->missing, c->nmissing, c->missing_total);
    render_rows(b, "Extra rows", "extra", c->extra, c->nextra, c->extra_total);
    render_rows(b, "Duplicate keys", "duplicates", c->duplicates, c->nduplicates,
                c->duplicates_total);
}

/* A list of problems (or notes): rule, file, message, the comparator's and other details. */
static void render_problems(struct buf *b, const char *cls, const char *lead,
                            const struct case_problem *list, size_t n)
{
    if (!n)
        return;
    buf_addf(b, "<ul class=\"%s\">", cls);
    for (size_t i = 0; i < n; i++) {
        const struct case_problem *p = &list[i];
        buf_addf(b, "<li>%s<code class=\"rule\">", lead);
        html_escape(b, p->rule);
        buf_addstr(b, "</code> ");
        if (p->file) {
            buf_addstr(b, "<code>");
            html_escape(b, p->file);
            buf_addstr(b, "</code>: ");
        }
        html_escape(b, p->message);
        if (p->cmp)
            render_compare(b, p->cmp);
        if (p->detail) { /* e.g. the masked display difference */
            buf_addstr(b, "<pre class=\"detail\">");
            html_escape(b, p->detail);
            buf_addstr(b, "</pre>");
        }
        buf_addstr(b, "</li>");
    }
    buf_addstr(b, "</ul>");
}

static void render_case(struct buf *b, const struct case_result *c)
{
    const char *cls = status_class(c->status);
    buf_addstr(b, "<section class=\"case ");
    buf_addstr(b, cls);
    buf_addstr(b, "\" id=\"");
    anchor(b, c->id);
    buf_addf(b, "\"><h2><span class=\"badge %s\">%s</span> <code>", cls,
             case_status_name(c->status));
    html_escape(b, c->id);
    buf_addf(b, "</code> <span class=\"muted\">%.2fs", c->seconds);
    if (c->runs > 1)
        buf_addf(b, ", %u runs", c->runs);
    if (c->exit_code >= 0)
        buf_addf(b, ", exit %d", c->exit_code);
    buf_addstr(b, "</span></h2>");
    if (c->description) {
        buf_addstr(b, "<p class=\"description\">");
        html_escape(b, c->description);
        buf_addstr(b, "</p>");
    }
    render_problems(b, "problems", "", c->problems, c->nproblems);
    render_problems(b, "notes", "note ", c->notes, c->nnotes);
    if (c->skip_reason) {
        buf_addstr(b, "<p class=\"skip\">not run: ");
        html_escape(b, c->skip_reason);
        buf_addstr(b, "</p>");
    }
    for (size_t i = 0; i < c->ncreated; i++) {
        buf_addstr(b, "<p class=\"muted\">created golden <code>");
        html_escape(b, c->created[i]);
        buf_addstr(b, "</code></p>");
    }
    for (size_t i = 0; i < c->nupdated; i++) {
        buf_addstr(b, "<p class=\"muted\">updated golden <code>");
        html_escape(b, c->updated[i]);
        buf_addstr(b, "</code></p>");
    }
    if (c->stderr_text && *c->stderr_text) {
        buf_addstr(b, "<details class=\"logs\"");
        if (c->status == CASE_FAIL || c->status == CASE_ERROR)
            buf_addstr(b, " open");
        buf_addstr(b, "><summary>container stderr</summary><pre>");
        struct buf plain = BUF_INIT; /* no terminal sequences: someone may cat the file */
        quote_strip_terminal(&plain, c->stderr_text, strlen(c->stderr_text));
        html_escape(b, plain.data);
        buf_free(&plain);
        buf_addstr(b, "</pre></details>");
    }
    if (c->display_html) {
        /* sandbox="" : no scripts, no same-origin, no forms, no top navigation */
        buf_addstr(b, "<details class=\"display\" open><summary>display</summary>"
                      "<iframe class=\"display\" sandbox=\"\" title=\"analytic display\" "
                      "srcdoc=\"");
        html_escape(b, c->display_html);
        buf_addstr(b, "\"></iframe></details>");
    }
    buf_addstr(b, "</section>\n");
}

void report_html_render(const struct run_result *r, const struct html_report_options *o,
                        struct buf *b)
{
    const char *title = o && o->title ? o->title : "kanalytic test report";
    size_t pass = 0, fail = 0, error = 0;
    run_result_counts(r, &pass, &fail, &error);
    buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width\">"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
                  "frame-src 'self' about: data:\"><title>");
    html_escape(b, title);
    buf_addf(b, "</title><style>%s</style><script>%s</script></head><body>\n", style, script);
    buf_addstr(b, "<header><h1>");
    html_escape(b, title);
    buf_addf(b,
             "</h1><div class=\"counts\"><span id=\"total\">%zu cases</span>"
             "<span id=\"passed\">%zu passed</span><span id=\"failed\">%zu failed</span>"
             "<span id=\"errors\">%zu errors</span><span id=\"skipped\">%zu skipped</span>"
             "<span>%.1fs, -j %u</span></div></header>\n<main>",
             r->ncases, pass, fail, error, run_result_skipped(r), r->seconds,
             r->jobs ? r->jobs : 1);
    buf_addstr(b, "<nav><button onclick=\"show('all')\">all</button>"
                  "<button onclick=\"show('fail')\">failed</button>"
                  "<button onclick=\"show('error')\">errors</button>"
                  "<button onclick=\"show('pass')\">passed</button></nav>");
    buf_addstr(b, "<h2>Summary</h2><table id=\"summary\"><tr><th>status</th><th>case</th>"
                  "<th>time</th><th>first problem</th></tr>");
    for (size_t i = 0; i < r->ncases; i++) {
        const struct case_result *c = &r->cases[i];
        buf_addf(b, "<tr class=\"%s\"><td><span class=\"badge %s\">%s</span></td><td><a href=\"#",
                 status_class(c->status), status_class(c->status), case_status_name(c->status));
        anchor(b, c->id);
        buf_addstr(b, "\"><code>");
        html_escape(b, c->id);
        buf_addf(b, "</code></a></td><td>%.2fs</td><td>", c->seconds);
        if (c->nproblems)
            html_escape(b, c->problems[0].message);
        else if (c->skip_reason)
            html_escape(b, c->skip_reason);
        buf_addstr(b, "</td></tr>");
    }
    buf_addstr(b, "</table>\n");
    for (size_t i = 0; i < r->ncases; i++)
        render_case(b, &r->cases[i]);
    time_t now = time(NULL);
    struct tm tm;
    char when[64] = "";
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf_addstr(b, "</main><footer class=\"muted\" style=\"padding:0 24px 24px\">kanalytic ");
    html_escape(b, o && o->version ? o->version : "");
    buf_addf(b, " · %s</footer></body></html>\n", when);
}

int report_html(const struct run_result *r, const struct html_report_options *o, const char *path)
{
    struct buf b = BUF_INIT;
    report_html_render(r, o, &b);
    int rc = fs_write_atomic(path, b.data, b.len);
    buf_free(&b);
    return rc;
}
