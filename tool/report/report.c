/* Console, JSON, JUnit and TAP renderers of test results and comparator results (report.h). */
#include "report.h"
#include "escape.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/quote.h"
#include "util/term.h"

#include <stdlib.h>
#include <string.h>

/* ---- comparator results ---- */

static size_t width_of(const char *s, size_t cap)
{
    size_t n = strlen(s);
    return n < cap ? n : cap;
}

void report_compare_text(const struct compare_result *c, FILE *out, const char *indent)
{
    if (c->equal) {
        struct buf s = BUF_INIT;
        compare_summary(c, &s);
        fprintf(out, "%s%s\n", indent, s.data);
        buf_free(&s);
        return;
    }
    for (size_t i = 0; i < c->nschema; i++)
        fprintf(out, "%sschema: %s\n", indent, c->schema[i].message);
    if (c->expected_rows != c->actual_rows)
        fprintf(out, "%srows: %zu expected, %zu actual\n", indent, c->expected_rows,
                c->actual_rows);
    if (c->ncells) {
        size_t wr = 3, wc = 6, we = 8;
        for (size_t i = 0; i < c->ncells; i++) {
            size_t a = width_of(c->cells[i].row, 40), b = width_of(qpath(c->cells[i].column), 30),
                   e = width_of(c->cells[i].expected, 30);
            wr = a > wr ? a : wr;
            wc = b > wc ? b : wc;
            we = e > we ? e : we;
        }
        fprintf(out, "%s%-*s  %-*s  %-*s  %s\n", indent, (int)wr, "row", (int)wc, "column", (int)we,
                "expected", "actual");
        for (size_t i = 0; i < c->ncells; i++)
            fprintf(out, "%s%-*s  %-*s  %-*s  %s\n", indent, (int)wr, c->cells[i].row, (int)wc,
                    qpath(c->cells[i].column), (int)we, c->cells[i].expected, c->cells[i].actual);
        if (c->cells_total > c->ncells)
            fprintf(out, "%s... %zu more differing cells\n", indent, c->cells_total - c->ncells);
    }
    if (c->missing_total) {
        fprintf(out, "%smissing rows (%zu):", indent, c->missing_total);
        for (size_t i = 0; i < c->nmissing; i++)
            fprintf(out, "%s %s", i ? ";" : "", c->missing[i].row);
        fprintf(out, "%s\n", c->missing_total > c->nmissing ? "; ..." : "");
    }
    if (c->extra_total) {
        fprintf(out, "%sextra rows (%zu):", indent, c->extra_total);
        for (size_t i = 0; i < c->nextra; i++)
            fprintf(out, "%s %s", i ? ";" : "", c->extra[i].row);
        fprintf(out, "%s\n", c->extra_total > c->nextra ? "; ..." : "");
    }
    if (c->duplicates_total) {
        fprintf(out, "%sduplicate keys (%zu):", indent, c->duplicates_total);
        for (size_t i = 0; i < c->nduplicates; i++)
            fprintf(out, "%s %s", i ? ";" : "", c->duplicates[i].row);
        fprintf(out, "\n");
    }
    if (c->cells_total) {
        fprintf(out, "%sdiffering cells per column:", indent);
        bool first = true;
        for (size_t i = 0; i < c->ncolumns; i++)
            if (c->column_diffs[i]) {
                fprintf(out, "%s %s %zu", first ? "" : ",", qpath(c->column_names[i]),
                        c->column_diffs[i]);
                first = false;
            }
        fprintf(out, "\n");
    }
    struct buf s = BUF_INIT;
    compare_summary(c, &s);
    fprintf(out, "%s%s\n", indent, s.data);
    buf_free(&s);
}

static json_t *row_list(const struct row_ref *rows, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(rows[i].row));
    return a;
}

static const char *schema_kind_name(enum schema_issue_kind k)
{
    switch (k) {
    case SCHEMA_MISSING_COLUMN: return "missing-column";
    case SCHEMA_EXTRA_COLUMN: return "extra-column";
    case SCHEMA_TYPE_CHANGED: return "type-changed";
    case SCHEMA_ORDER: return "column-order";
    case SCHEMA_BAD_KEY: return "bad-key";
    }
    return "?";
}

static json_t *json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *report_compare_json(const struct compare_result *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "equal", json_boolean(c->equal));
    struct buf s = BUF_INIT;
    compare_summary(c, &s);
    json_object_set_new(o, "summary", json_string(s.data));
    buf_free(&s);
    json_object_set_new(o, "expected_rows", json_integer((json_int_t)c->expected_rows));
    json_object_set_new(o, "actual_rows", json_integer((json_int_t)c->actual_rows));
    json_object_set_new(o, "compared_columns", json_integer((json_int_t)c->compared_columns));
    json_t *schema = json_array();
    for (size_t i = 0; i < c->nschema; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "kind", json_string(schema_kind_name(c->schema[i].kind)));
        json_object_set_new(x, "column", json_str_or_null(c->schema[i].column));
        json_object_set_new(x, "expected", json_str_or_null(c->schema[i].expected));
        json_object_set_new(x, "actual", json_str_or_null(c->schema[i].actual));
        json_object_set_new(x, "message", json_string(c->schema[i].message));
        json_array_append_new(schema, x);
    }
    json_object_set_new(o, "schema", schema);
    json_t *cells = json_array();
    for (size_t i = 0; i < c->ncells; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "row", json_string(c->cells[i].row));
        json_object_set_new(x, "column", json_string(c->cells[i].column));
        /* canonical JSON text of each value, kept as text so no precision is lost */
        json_object_set_new(x, "expected", json_string(c->cells[i].expected));
        json_object_set_new(x, "actual", json_string(c->cells[i].actual));
        json_array_append_new(cells, x);
    }
    json_object_set_new(o, "cells", cells);
    json_object_set_new(o, "cells_total", json_integer((json_int_t)c->cells_total));
    json_object_set_new(o, "rows_differing", json_integer((json_int_t)c->rows_differing));
    json_object_set_new(o, "missing_rows", row_list(c->missing, c->nmissing));
    json_object_set_new(o, "missing_total", json_integer((json_int_t)c->missing_total));
    json_object_set_new(o, "extra_rows", row_list(c->extra, c->nextra));
    json_object_set_new(o, "extra_total", json_integer((json_int_t)c->extra_total));
    json_object_set_new(o, "duplicate_keys", row_list(c->duplicates, c->nduplicates));
    json_t *per = json_object();
    for (size_t i = 0; i < c->ncolumns; i++)
        if (c->column_diffs[i])
            json_object_set_new(per, c->column_names[i],
                                json_integer((json_int_t)c->column_diffs[i]));
    json_object_set_new(o, "column_diffs", per);
    return o;
}

/* ---- console ---- */

void report_case_line(const struct case_result *c, FILE *out)
{
    enum term_color col = c->status == CASE_PASS                                ? TC_GREEN
                          : c->status == CASE_CREATED || c->status == CASE_SKIP ? TC_YELLOW
                                                                                : TC_RED;
    fprintf(out, "%s%-7s%s %s  (%.2fs", term_color(out, col), case_status_name(c->status),
            term_color(out, TC_RESET), qpath(c->id), c->seconds);
    if (c->runs > 1)
        fprintf(out, ", %u runs", c->runs);
    fprintf(out, ")");
    if (c->ncreated)
        fprintf(out, "  created %zu golden%s", c->ncreated, c->ncreated == 1 ? "" : "s");
    if (c->nupdated)
        fprintf(out, "  updated %zu golden%s", c->nupdated, c->nupdated == 1 ? "" : "s");
    fprintf(out, "\n");
}

static bool ci_logs;

void report_set_ci(bool on)
{
    ci_logs = on;
}

/* The last `lines` lines of text from a container, each prefixed, without terminal
 * sequences. */
static void print_tail(FILE *out, const char *text, int lines, const char *prefix)
{
    struct buf plain = BUF_INIT;
    quote_strip_terminal(&plain, text, strlen(text));
    const char *s = plain.data;
    size_t len = plain.len;
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    size_t start = len;
    int seen = 0;
    while (start > 0) {
        if (s[start - 1] == '\n' && ++seen == lines)
            break;
        start--;
    }
    if (start > 0)
        fprintf(out, "%s...\n", prefix);
    const char *p = s + start, *end = s + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        fprintf(out, "%s%.*s\n", prefix, (int)n, p);
        p += n + 1;
    }
    buf_free(&plain);
}

void report_case_notes(const struct case_result *c, FILE *out)
{
    for (size_t i = 0; i < c->nnotes; i++)
        fprintf(out, "    %snote [%s]%s %s\n", term_color(out, TC_BOLD), c->notes[i].rule,
                term_color(out, TC_RESET), c->notes[i].message);
}

/* What a case says comes from the container and the pull request (column names, messages,
 * its stderr): under CI it is all shown inside a stop-commands block, so nothing in it is
 * obeyed, and the container's log without terminal sequences. */
static void case_details(const struct case_result *c, FILE *out, bool guard)
{
    struct gh_block blk;
    if (guard)
        gh_block_begin(&blk, out);
    for (size_t i = 0; i < c->nproblems; i++) {
        const struct case_problem *p = &c->problems[i];
        fprintf(out, "    %s[%s]%s %s\n", term_color(out, TC_BOLD), p->rule,
                term_color(out, TC_RESET), p->message);
        if (p->cmp)
            report_compare_text(p->cmp, out, "        ");
        if (p->detail)
            print_tail(out, p->detail, 12, "        ");
    }
    if (c->skip_reason)
        fprintf(out, "    not run: %s\n", c->skip_reason);
    report_case_notes(c, out);
    for (size_t i = 0; i < c->ncreated; i++)
        fprintf(out, "    created %s\n", qpath(c->created[i]));
    for (size_t i = 0; i < c->nupdated; i++)
        fprintf(out, "    updated %s\n", qpath(c->updated[i]));
    if ((c->status == CASE_FAIL || c->status == CASE_ERROR) && c->stderr_text && *c->stderr_text) {
        fprintf(out, "    stderr (exit code %d):\n", c->exit_code);
        print_tail(out, c->stderr_text, 10, "      | ");
    }
    if (guard)
        gh_block_end(&blk, out);
}

void report_case_details(const struct case_result *c, FILE *out)
{
    case_details(c, out, ci_logs || gh_actions());
}

static bool has_manifest_note(const struct case_result *c)
{
    for (size_t i = 0; i < c->nnotes; i++)
        if (!strncmp(c->notes[i].rule, "manifest-", 9))
            return true;
    return false;
}

void report_console_summary(const struct run_result *r, FILE *out)
{
    bool header = false;
    for (size_t i = 0; i < r->ncases; i++) {
        const struct case_result *c = &r->cases[i];
        /* test -v shows a pass's notes; a finding on the manifest's outputs always */
        bool notes_only = c->nnotes && (term_verbosity > 0 || has_manifest_note(c));
        if ((c->status == CASE_PASS || (c->status == CASE_CREATED && !c->nproblems)) && !notes_only)
            continue;
        if (!header)
            fprintf(out, "\n");
        header = true;
        fprintf(out, "%s%s %s%s\n", term_color(out, TC_BOLD), case_status_name(c->status),
                qpath(c->id), term_color(out, TC_RESET));
        report_case_details(c, out);
    }
    size_t pass, fail, error;
    run_result_counts(r, &pass, &fail, &error);
    fprintf(out, "\n%zu passed, %zu failed, %zu error%s", pass, fail, error, error == 1 ? "" : "s");
    if (run_result_skipped(r))
        fprintf(out, ", %zu skipped (Kestrel would not run them)", run_result_skipped(r));
    fprintf(out, " in %.2fs", r->seconds);
    if (r->jobs > 1)
        fprintf(out, " (-j %u)", r->jobs);
    fprintf(out, "\n");
}

/* ---- JSON ---- */

/* Problems (or notes) as a JSON array: rule, file, message, diff, detail. */
static json_t *problems_json(const struct case_problem *list, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct case_problem *p = &list[i];
        json_t *x = json_object();
        json_object_set_new(x, "rule", json_string(p->rule));
        json_object_set_new(x, "file", json_str_or_null(p->file));
        json_object_set_new(x, "message", json_string(p->message));
        if (p->cmp)
            json_object_set_new(x, "diff", report_compare_json(p->cmp));
        if (p->detail)
            json_object_set_new(x, "detail", json_string(p->detail));
        json_array_append_new(a, x);
    }
    return a;
}

static json_t *case_json(const struct case_result *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "analytic", json_string(c->analytic));
    json_object_set_new(o, "case", json_string(c->case_name));
    json_object_set_new(o, "description", json_str_or_null(c->description));
    json_object_set_new(o, "status", json_string(case_status_name(c->status)));
    json_object_set_new(o, "seconds", json_real(c->seconds));
    json_object_set_new(o, "runs", json_integer(c->runs));
    json_object_set_new(o, "exit_code",
                        c->exit_code >= 0 ? json_integer(c->exit_code) : json_null());
    json_object_set_new(o, "timed_out", json_boolean(c->timed_out));
    json_object_set_new(o, "stderr", json_str_or_null(c->stderr_text));
    json_object_set_new(o, "problems", problems_json(c->problems, c->nproblems));
    json_object_set_new(o, "notes", problems_json(c->notes, c->nnotes));
    json_object_set_new(o, "skip_reason", json_str_or_null(c->skip_reason));
    json_t *created = json_array(), *updated = json_array();
    for (size_t i = 0; i < c->ncreated; i++)
        json_array_append_new(created, json_string(c->created[i]));
    for (size_t i = 0; i < c->nupdated; i++)
        json_array_append_new(updated, json_string(c->updated[i]));
    json_object_set_new(o, "created", created);
    json_object_set_new(o, "updated", updated);
    return o;
}

json_t *report_run_json(const struct run_result *r)
{
    json_t *o = json_object();
    size_t pass, fail, error;
    run_result_counts(r, &pass, &fail, &error);
    json_t *sum = json_object();
    json_object_set_new(sum, "total", json_integer((json_int_t)r->ncases));
    json_object_set_new(sum, "passed", json_integer((json_int_t)pass));
    json_object_set_new(sum, "failed", json_integer((json_int_t)fail));
    json_object_set_new(sum, "errors", json_integer((json_int_t)error));
    json_object_set_new(sum, "skipped", json_integer((json_int_t)run_result_skipped(r)));
    json_object_set_new(sum, "seconds", json_real(r->seconds));
    json_object_set_new(sum, "jobs", json_integer(r->jobs));
    json_object_set_new(o, "summary", sum);
    json_object_set_new(o, "exit_code", json_integer(run_result_exit_code(r)));
    json_t *cases = json_array();
    for (size_t i = 0; i < r->ncases; i++)
        json_array_append_new(cases, case_json(&r->cases[i]));
    json_object_set_new(o, "cases", cases);
    return o;
}

int report_json(const struct run_result *r, FILE *out)
{
    json_t *o = report_run_json(r);
    int rc = json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(o);
    return rc;
}

/* ---- JUnit ---- */

static void case_details_text(const struct case_result *c, struct buf *b)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return;
    case_details(c, f, false);
    fclose(f);
    xml_escape_str(b, text);
    free(text);
}

int report_junit(const struct run_result *r, const char *path)
{
    size_t pass, fail, error;
    run_result_counts(r, &pass, &fail, &error);
    struct buf b = BUF_INIT;
    buf_addstr(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    buf_addf(&b,
             "<testsuites name=\"kanalytic test\" tests=\"%zu\" failures=\"%zu\" "
             "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
             r->ncases, fail, error, run_result_skipped(r), r->seconds);
    /* one testsuite per analytic, in order of appearance */
    for (size_t i = 0; i < r->ncases; i++) {
        const char *a = r->cases[i].analytic;
        bool seen = false;
        for (size_t k = 0; k < i; k++)
            seen |= !strcmp(r->cases[k].analytic, a);
        if (seen)
            continue;
        size_t n = 0, f = 0, e = 0, sk = 0;
        double t = 0;
        for (size_t k = i; k < r->ncases; k++) {
            if (strcmp(r->cases[k].analytic, a))
                continue;
            n++;
            t += r->cases[k].seconds;
            f += r->cases[k].status == CASE_FAIL;
            e += r->cases[k].status == CASE_ERROR;
            sk += r->cases[k].status == CASE_SKIP;
        }
        buf_addstr(&b, "  <testsuite name=\"");
        xml_escape_str(&b, a);
        buf_addf(&b,
                 "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                 "time=\"%.3f\">\n",
                 n, f, e, sk, t);
        for (size_t k = i; k < r->ncases; k++) {
            const struct case_result *c = &r->cases[k];
            if (strcmp(c->analytic, a))
                continue;
            buf_addstr(&b, "    <testcase classname=\"");
            xml_escape_str(&b, c->analytic);
            buf_addstr(&b, "\" name=\"");
            xml_escape_str(&b, c->case_name);
            buf_addf(&b, "\" time=\"%.3f\"", c->seconds);
            if (c->status == CASE_SKIP) {
                buf_addstr(&b, ">\n      <skipped message=\"");
                xml_escape_str(&b, c->skip_reason);
                buf_addstr(&b, "\"/>\n    </testcase>\n");
                continue;
            }
            if ((c->status == CASE_PASS || c->status == CASE_CREATED) && c->nnotes) {
                buf_addstr(&b, ">\n      <system-out>");
                case_details_text(c, &b);
                buf_addstr(&b, "</system-out>\n    </testcase>\n");
                continue;
            }
            if (c->status == CASE_PASS || c->status == CASE_CREATED) {
                buf_addstr(&b, "/>\n");
                continue;
            }
            const char *tag = c->status == CASE_FAIL ? "failure" : "error";
            buf_addf(&b, ">\n      <%s message=\"", tag);
            xml_escape_str(&b, c->nproblems ? c->problems[0].message : "failed");
            buf_addstr(&b, "\" type=\"");
            xml_escape_str(&b, c->nproblems ? c->problems[0].rule : "failed");
            buf_addstr(&b, "\">");
            case_details_text(c, &b);
            buf_addf(&b, "</%s>\n", tag);
            if (c->stderr_text && *c->stderr_text) {
                buf_addstr(&b, "      <system-err>");
                struct buf plain = BUF_INIT;
                quote_strip_terminal(&plain, c->stderr_text, strlen(c->stderr_text));
                xml_escape_str(&b, plain.data);
                buf_free(&plain);
                buf_addstr(&b, "</system-err>\n");
            }
            buf_addstr(&b, "    </testcase>\n");
        }
        buf_addstr(&b, "  </testsuite>\n");
    }
    buf_addstr(&b, "</testsuites>\n");
    int rc = fs_write_atomic(path, b.data, b.len);
    buf_free(&b);
    return rc;
}

/* ---- TAP ---- */

void report_tap(const struct run_result *r, FILE *out)
{
    fprintf(out, "TAP version 13\n1..%zu\n", r->ncases);
    for (size_t i = 0; i < r->ncases; i++) {
        const struct case_result *c = &r->cases[i];
        bool ok = c->status == CASE_PASS || c->status == CASE_CREATED || c->status == CASE_SKIP;
        fprintf(out, "%s %zu - %s", ok ? "ok" : "not ok", i + 1, qpath(c->id));
        if (c->status == CASE_CREATED)
            fprintf(out, " # created %zu golden%s", c->ncreated, c->ncreated == 1 ? "" : "s");
        if (c->status == CASE_SKIP)
            fprintf(out, " # SKIP %s", c->skip_reason);
        fprintf(out, "\n");
        for (size_t k = 0; k < c->nnotes; k++)
            fprintf(out, "# note [%s] %s\n", c->notes[k].rule, c->notes[k].message);
        if (ok)
            continue;
        fprintf(out, "  ---\n  status: %s\n  seconds: %.3f\n  problems:\n",
                case_status_name(c->status), c->seconds);
        for (size_t k = 0; k < c->nproblems; k++) {
            json_t *m = json_string(c->problems[k].message);
            char *s = json_dumps(m, JSON_ENCODE_ANY);
            fprintf(out, "    - rule: %s\n      message: %s\n", c->problems[k].rule, s);
            free(s);
            json_decref(m);
        }
        fprintf(out, "  ...\n");
    }
}
