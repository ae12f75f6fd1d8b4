/* Renderers of the CI gate's result: see ci_report.h. */
#include "ci_report.h"
#include "report/escape.h"
#include "report/html.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/quote.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *verdict(int exit_code)
{
    return exit_code == 0 ? "mergeable" : exit_code == 1 ? "NOT mergeable" : "could not run";
}

static size_t count_status(const struct ci_result *r, const char *check, enum ci_status st)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nsteps; i++)
        n += r->steps[i].status == st && (!check || !strcmp(r->steps[i].check, check));
    return n;
}

/* The last `max_lines` lines of s. */
static const char *tail_lines(const struct buf *s, int max_lines)
{
    const char *p = s->data + s->len;
    int n = 0;
    while (p > s->data) {
        if (p[-1] == '\n' && p != s->data + s->len && ++n >= max_lines)
            break;
        p--;
    }
    return p;
}

/* ---- console ---------------------------------------------------------------------------- */

void ci_report_list(const struct changes *c, size_t total, unsigned shard_index,
                    unsigned shard_count, FILE *out)
{
    fprintf(out, "base: %.7s (%s)\n", c->base_oid, c->base_desc ? c->base_desc : "");
    fprintf(out, "selected %zu of %zu analytics", c->count, total);
    if (shard_count)
        fprintf(out, " (shard %u/%u)", shard_index, shard_count);
    fprintf(out, "%s\n", c->count ? ":" : "");
    size_t w = 0;
    for (size_t i = 0; i < c->count; i++)
        w = strlen(qpath(c->items[i].name)) > w ? strlen(qpath(c->items[i].name)) : w;
    for (size_t i = 0; i < c->nskipped; i++)
        w = strlen(qpath(c->skipped[i].name)) > w ? strlen(qpath(c->skipped[i].name)) : w;
    for (size_t i = 0; i < c->count; i++)
        fprintf(out, "  %-*s  %s\n", (int)w, qpath(c->items[i].name), c->items[i].reason);
    if (c->nskipped) {
        fprintf(out, "skipped:\n");
        for (size_t i = 0; i < c->nskipped; i++)
            fprintf(out, "  %-*s  %s\n", (int)w, qpath(c->skipped[i].name), c->skipped[i].reason);
    }
}

void ci_report_text(const struct ci_result *r, FILE *out)
{
    const char *bold = term_color(out, TC_BOLD), *reset = term_color(out, TC_RESET);
    fprintf(out, "\n%ssummary%s: base %.7s (%s), %zu of %zu analytics selected", bold, reset,
            r->changes->base_oid, r->changes->base_desc, r->changes->count, r->total_analytics);
    if (r->shard_count)
        fprintf(out, ", shard %u/%u", r->shard_index, r->shard_count);
    fprintf(out, "\n");
    for (size_t i = 0; i < r->nsteps; i++) {
        const struct ci_step *s = &r->steps[i];
        if (s->analytic)
            continue;
        fprintf(out, "  %-28s %s%s%s\n", s->command, ci_status_name(s->status), s->note ? ": " : "",
                s->note ? s->note : "");
    }
    if (r->policy_error)
        fprintf(out, "  %-28s error: %s\n", "policy", r->policy_error);
    else {
        size_t nerr = diag_count(&r->findings, DIAG_ERROR);
        size_t nwarn = diag_count(&r->findings, DIAG_WARNING);
        fprintf(out, "  %-28s %zu finding%s", "policy", nerr, nerr == 1 ? "" : "s");
        if (nwarn)
            fprintf(out, ", %zu warning%s for the reviewer", nwarn, nwarn == 1 ? "" : "s");
        fputc('\n', out);
    }
    for (size_t i = 0; i < r->changes->count; i++) {
        const char *name = r->changes->items[i].name;
        fprintf(out, "  %-28s", qpath(name));
        const char *sep = " ";
        for (size_t j = 0; j < r->nsteps; j++) {
            const struct ci_step *s = &r->steps[j];
            if (!s->analytic || strcmp(s->analytic, name))
                continue;
            fprintf(out, "%s%s %s", sep, s->check, ci_status_name(s->status));
            sep = ", ";
        }
        fprintf(out, "\n");
    }
    size_t failed_steps = count_status(r, NULL, CI_FAIL),
           err_steps = count_status(r, NULL, CI_ERROR);
    fprintf(out, "%s%s%s%s", bold,
            term_color(out, r->exit_code == 0   ? TC_GREEN
                            : r->exit_code == 1 ? TC_RED
                                                : TC_YELLOW),
            verdict(r->exit_code), reset);
    if (r->exit_code)
        fprintf(out, " (%zu policy finding%s, %zu failed step%s, %zu step%s could not run)",
                diag_count(&r->findings, DIAG_ERROR),
                diag_count(&r->findings, DIAG_ERROR) == 1 ? "" : "s", failed_steps,
                failed_steps == 1 ? "" : "s", err_steps, err_steps == 1 ? "" : "s");
    fprintf(out, "\n");
}

void ci_report_step(const struct ci_step *s, bool with_output, FILE *out)
{
    enum term_color col = s->status == CI_PASS   ? TC_GREEN
                          : s->status == CI_FAIL ? TC_RED
                                                 : TC_YELLOW;
    fprintf(out, "%s%-5s%s %s (%.1fs)%s%s\n", term_color(out, col),
            s->status == CI_PASS    ? "ok"
            : s->status == CI_FAIL  ? "FAIL"
            : s->status == CI_ERROR ? "ERROR"
                                    : "skip",
            term_color(out, TC_RESET), s->command, s->seconds, s->note ? ": " : "",
            s->note ? s->note : "");
    if (!with_output || !s->output.len)
        return;
    struct buf plain = BUF_INIT;
    quote_strip_terminal(&plain, s->output.data, s->output.len);
    struct gh_block blk;
    gh_block_begin(&blk, out);
    if (s->truncated)
        fprintf(out, "    [... earlier output dropped ...]\n");
    const char *p = plain.data, *end = p + plain.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        fprintf(out, "    %.*s\n", (int)(e - p), p);
        p = nl ? nl + 1 : end;
    }
    gh_block_end(&blk, out);
    buf_free(&plain);
}

void ci_report_step_annotations(const struct ci_step *s, FILE *out)
{
    /* a truncated output may have lost the start of a block: its annotations stay unsaid */
    if (s->truncated)
        return;
    struct buf plain = BUF_INIT;
    quote_strip_terminal(&plain, s->output.data, s->output.len);
    ci_report_annotations_in(plain.data, plain.len, out);
    buf_free(&plain);
}

void ci_report_policy(const struct ci_result *r, FILE *out)
{
    size_t n = r->changes->count;
    if (r->policy_error)
        fprintf(out, "ERROR policy: %s\n", r->policy_error);
    else if (r->findings.count)
        diag_print(&r->findings, DIAG_FORMAT_TEXT, out);
    else
        fprintf(out, "ok    policy (%zu analytic%s with changes)\n", n, n == 1 ? "" : "s");
}

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *selection_json(const struct changes *c, size_t total, unsigned si, unsigned sn)
{
    json_t *o = json_object();
    json_object_set_new(o, "base", json_string(c->base_oid));
    json_object_set_new(o, "base_description", json_string(c->base_desc ? c->base_desc : ""));
    json_object_set_new(o, "analytics_total", json_integer((json_int_t)total));
    if (sn)
        json_object_set_new(o, "shard", json_pack("{s:i,s:i}", "index", (int)si, "count", (int)sn));
    json_t *sel = json_array();
    for (size_t i = 0; i < c->count; i++) {
        const struct selected_analytic *s = &c->items[i];
        json_t *files = json_array();
        for (size_t j = 0; j < s->nfiles; j++) {
            char st[2] = {s->files[j].status, '\0'};
            json_t *f = json_pack("{s:s,s:s}", "path", s->files[j].path, "status", st);
            if (s->files[j].old_path)
                json_object_set_new(f, "old_path", json_string(s->files[j].old_path));
            json_array_append_new(files, f);
        }
        json_array_append_new(sel,
                              json_pack("{s:s,s:s,s:b,s:b,s:s,s:o}", "name", s->name, "base_name",
                                        s->base_name, "new", s->is_new, "own_change", s->own_change,
                                        "reason", s->reason, "files", files));
    }
    json_object_set_new(o, "selected", sel);
    json_t *sk = json_array();
    for (size_t i = 0; i < c->nskipped; i++)
        json_array_append_new(
            sk, json_pack("{s:s,s:s}", "name", c->skipped[i].name, "reason", c->skipped[i].reason));
    json_object_set_new(o, "skipped", sk);
    json_t *tp = json_array();
    for (size_t i = 0; i < c->ntrigger; i++)
        json_array_append_new(tp, json_string(c->trigger_paths[i]));
    json_object_set_new(o, "trigger_paths", tp);
    return o;
}

static int dump(json_t *o, FILE *out)
{
    int r = json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fputc('\n', out);
    json_decref(o);
    return r;
}

int ci_report_list_json(const struct changes *c, size_t total, unsigned shard_index,
                        unsigned shard_count, FILE *out)
{
    return dump(selection_json(c, total, shard_index, shard_count), out);
}

/* Output as a JSON string; bytes that are not UTF-8 are replaced with '?'. */
static json_t *output_json(const struct buf *b)
{
    json_t *s = json_stringn(b->data, b->len);
    if (s)
        return s;
    char *copy = xmalloc(b->len + 1);
    for (size_t i = 0; i < b->len; i++)
        copy[i] = (b->data[i] & 0x80) || !b->data[i] ? '?' : b->data[i];
    copy[b->len] = '\0';
    s = json_string(copy);
    free(copy);
    return s;
}

int ci_report_json(const struct ci_result *r, FILE *out)
{
    json_t *o = selection_json(r->changes, r->total_analytics, r->shard_index, r->shard_count);
    json_t *steps = json_array();
    for (size_t i = 0; i < r->nsteps; i++) {
        const struct ci_step *s = &r->steps[i];
        json_t *j = json_pack("{s:s,s:s,s:s,s:i,s:f,s:b}", "check", s->check, "command", s->command,
                              "status", ci_status_name(s->status), "exit_code", s->exit_code,
                              "seconds", s->seconds, "truncated", s->truncated);
        json_object_set_new(j, "analytic", s->analytic ? json_string(s->analytic) : json_null());
        json_object_set_new(j, "note", s->note ? json_string(s->note) : json_null());
        json_object_set_new(j, "output", output_json(&s->output));
        json_array_append_new(steps, j);
    }
    json_object_set_new(o, "steps", steps);
    json_t *f = json_array();
    for (size_t i = 0; i < r->findings.count; i++) {
        const struct diag *d = &r->findings.items[i];
        json_array_append_new(f, json_pack("{s:s,s:i,s:i,s:s,s:s,s:s}", "file", d->file, "line",
                                           d->line, "column", d->col, "severity",
                                           diag_severity_name(d->severity), "rule",
                                           d->rule ? d->rule : "", "message", d->message));
    }
    json_object_set_new(o, "findings", f);
    json_object_set_new(o, "policy_error",
                        r->policy_error ? json_string(r->policy_error) : json_null());
    json_object_set_new(o, "result",
                        json_string(r->exit_code == 0   ? "mergeable"
                                    : r->exit_code == 1 ? "not-mergeable"
                                                        : "error"));
    json_object_set_new(o, "exit_code", json_integer(r->exit_code));
    return dump(o, out);
}

/* ---- JUnit ------------------------------------------------------------------------------ */

/* XML text into out, through report/escape.h's one escaper. */
static void xml_escape_to(FILE *out, const char *s, size_t n)
{
    struct buf b = BUF_INIT;
    xml_escape(&b, s, n);
    fwrite(b.data, 1, b.len, out);
    buf_free(&b);
}

static void xml_str(FILE *out, const char *s)
{
    xml_escape_to(out, s, strlen(s));
}

static void junit_step(FILE *out, const struct ci_step *s)
{
    fputs("    <testcase classname=\"", out);
    xml_str(out, s->analytic ? s->analytic : "repository");
    fputs("\" name=\"", out);
    xml_str(out, s->check);
    fprintf(out, "\" time=\"%.3f\">\n", s->seconds);
    if (s->status != CI_PASS) {
        const char *tag = s->status == CI_FAIL    ? "failure"
                          : s->status == CI_ERROR ? "error"
                                                  : "skipped";
        fprintf(out, "      <%s message=\"", tag);
        if (s->note)
            xml_str(out, s->note);
        else
            fprintf(out, "exit %d", s->exit_code);
        fputs("\"", out);
        if (s->output.len) {
            fputs(">", out);
            xml_escape_to(out, s->output.data, s->output.len);
            fprintf(out, "</%s>\n", tag);
        } else {
            fputs("/>\n", out);
        }
    }
    if (s->output.len && s->status == CI_PASS) {
        fputs("      <system-out>", out);
        xml_escape_to(out, s->output.data, s->output.len);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

void ci_report_junit(const struct ci_result *r, FILE *out)
{
    size_t policy_cases = 0, policy_failed = 0;
    for (size_t i = 0; i < r->changes->count; i++) {
        const struct selected_analytic *s = &r->changes->items[i];
        if (!s->own_change)
            continue;
        policy_cases++;
        char prefix[512];
        snprintf(prefix, sizeof prefix, "analytics/%s/", s->name);
        for (size_t j = 0; j < r->findings.count; j++)
            if (!strncmp(r->findings.items[j].file, prefix, strlen(prefix))) {
                policy_failed++;
                break;
            }
    }
    size_t tests = r->nsteps + policy_cases + (r->policy_error ? 1 : 0);
    size_t failures = count_status(r, NULL, CI_FAIL) + policy_failed;
    size_t errors = count_status(r, NULL, CI_ERROR) + (r->policy_error ? 1 : 0);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out,
            "<testsuites name=\"kanalytic ci\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
            tests, failures, errors);

    fprintf(out, "  <testsuite name=\"policy\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\">\n",
            policy_cases + (r->policy_error ? 1 : 0), policy_failed, r->policy_error ? 1 : 0);
    if (r->policy_error) {
        fputs("    <testcase classname=\"repository\" name=\"policy\">\n      <error message=\"",
              out);
        xml_str(out, r->policy_error);
        fputs("\"/>\n    </testcase>\n", out);
    }
    for (size_t i = 0; i < r->changes->count; i++) {
        const struct selected_analytic *s = &r->changes->items[i];
        if (!s->own_change)
            continue;
        fputs("    <testcase classname=\"", out);
        xml_str(out, s->name);
        fputs("\" name=\"policy\">\n", out);
        char prefix[512];
        snprintf(prefix, sizeof prefix, "analytics/%s/", s->name);
        bool open = false;
        for (size_t j = 0; j < r->findings.count; j++) {
            const struct diag *d = &r->findings.items[j];
            if (strncmp(d->file, prefix, strlen(prefix)))
                continue;
            if (!open) {
                fputs("      <failure message=\"", out);
                xml_str(out, d->message);
                fputs("\">", out);
                open = true;
            }
            xml_str(out, d->file);
            fprintf(out, ":%d: ", d->line);
            xml_str(out, d->rule ? d->rule : "policy");
            fputs(": ", out);
            xml_str(out, d->message);
            fputs("\n", out);
        }
        if (open)
            fputs("</failure>\n", out);
        fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n", out);

    fprintf(out,
            "  <testsuite name=\"checks\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "skipped=\"%zu\">\n",
            r->nsteps, count_status(r, NULL, CI_FAIL), count_status(r, NULL, CI_ERROR),
            count_status(r, NULL, CI_SKIP));
    for (size_t i = 0; i < r->nsteps; i++)
        junit_step(out, &r->steps[i]);
    fputs("  </testsuite>\n</testsuites>\n", out);
}

/* ---- Markdown --------------------------------------------------------------------------- */

/* Untrusted text (names, messages) as Markdown that renders as itself. */
static void md_text(FILE *out, const char *s)
{
    struct buf b = BUF_INIT;
    quote_markdown(&b, s);
    fputs(b.data, out);
    buf_free(&b);
}

/* A path in a code span (outside tables). */
static void md_code(FILE *out, const char *s)
{
    struct buf b = BUF_INIT;
    quote_markdown_code(&b, s);
    fputs(b.data, out);
    buf_free(&b);
}

/* A step's output in a fenced block: terminal sequences stripped, and a fence longer than
 * any run of backticks inside, so the output cannot end the block. */
static void md_output(FILE *out, const char *s, size_t n)
{
    struct buf plain = BUF_INIT;
    quote_strip_terminal(&plain, s, n);
    size_t run = 0, longest = 0;
    for (size_t i = 0; i < plain.len; i++) {
        run = plain.data[i] == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    size_t fence = longest >= 3 ? longest + 1 : 3;
    for (size_t i = 0; i < fence; i++)
        fputc('`', out);
    fprintf(out, "\n%s", plain.data);
    if (plain.len && plain.data[plain.len - 1] != '\n')
        fputc('\n', out);
    for (size_t i = 0; i < fence; i++)
        fputc('`', out);
    fputc('\n', out);
    buf_free(&plain);
}

void ci_report_markdown(const struct ci_result *r, FILE *out)
{
    const struct changes *c = r->changes;
    fprintf(out, "## kanalytic ci: %s\n\n",
            r->exit_code == 0   ? "mergeable"
            : r->exit_code == 1 ? "not mergeable"
                                : "could not run");
    fprintf(out, "Base `%.7s` (", c->base_oid);
    md_text(out, c->base_desc ? c->base_desc : "");
    fprintf(out, "). %zu of %zu analytics selected", c->count, r->total_analytics);
    if (r->shard_count)
        fprintf(out, " (shard %u/%u)", r->shard_index, r->shard_count);
    fprintf(out, ".\n\n| check | analytic | result | time |\n|---|---|---|---|\n");
    for (size_t i = 0; i < r->nsteps; i++) {
        const struct ci_step *s = &r->steps[i];
        fputs("| ", out);
        md_text(out, s->check);
        fputs(" | ", out);
        md_text(out, s->analytic ? s->analytic : "(all)");
        fprintf(out, " | **%s**", ci_status_name(s->status));
        if (s->note) {
            fputs(": ", out);
            md_text(out, s->note);
        }
        fprintf(out, " | %.1fs |\n", s->seconds);
    }
    size_t nf = diag_count(&r->findings, DIAG_ERROR);
    fprintf(out, "| policy | (changed) | **%s** | |\n\n",
            r->policy_error ? "error"
            : nf            ? "fail"
                            : "pass");
    if (c->count) {
        fputs("### Selected analytics\n\n", out);
        for (size_t i = 0; i < c->count; i++) {
            fputs("- ", out);
            md_code(out, qpath(c->items[i].name));
            fputs(": ", out);
            md_text(out, c->items[i].reason);
            fputc('\n', out);
        }
        fputc('\n', out);
    }
    if (c->nskipped) {
        fputs("### Skipped\n\n", out);
        for (size_t i = 0; i < c->nskipped; i++) {
            fputs("- ", out);
            md_code(out, qpath(c->skipped[i].name));
            fputs(": ", out);
            md_text(out, c->skipped[i].reason);
            fputc('\n', out);
        }
        fputc('\n', out);
    }
    if (r->policy_error) {
        fputs("### Policy could not run\n\n", out);
        md_text(out, r->policy_error);
        fputs("\n\n", out);
    }
    if (r->findings.count) {
        fputs("### Policy findings\n\n", out);
        for (size_t i = 0; i < r->findings.count; i++) {
            const struct diag *d = &r->findings.items[i];
            struct buf at = BUF_INIT;
            quote_path(&at, d->file);
            if (d->line > 0)
                buf_addf(&at, ":%d", d->line);
            fputs("- ", out);
            md_code(out, at.data);
            buf_free(&at);
            fprintf(out, " (%s): ", d->rule ? d->rule : "policy"); /* our own ids */
            md_text(out, d->message);
            fputc('\n', out);
        }
        fputc('\n', out);
    }
    bool header = false;
    for (size_t i = 0; i < r->nsteps; i++) {
        const struct ci_step *s = &r->steps[i];
        if (s->status != CI_FAIL && s->status != CI_ERROR)
            continue;
        if (!header) {
            fputs("### Failures\n\n", out);
            header = true;
        }
        /* an HTML block: Markdown is not read inside it, HTML is */
        struct buf cmd = BUF_INIT;
        html_escape(&cmd, s->command);
        fprintf(out, "<details><summary><code>%s</code>: %s</summary>\n\n", cmd.data,
                ci_status_name(s->status));
        buf_free(&cmd);
        const char *t = tail_lines(&s->output, 60);
        md_output(out, t, (size_t)(s->output.data + s->output.len - t));
        fputs("</details>\n\n", out);
    }
}

/* ---- HTML ---- */

static const char *ci_status_class(enum ci_status s)
{
    switch (s) {
    case CI_PASS: return "pass";
    case CI_FAIL: return "fail";
    case CI_SKIP: return "created";
    default: return "error";
    }
}

void ci_report_html(const struct ci_result *r, const char *test_reports_dir, struct buf *b)
{
    const char *verdict = r->exit_code == 0   ? "mergeable"
                          : r->exit_code == 1 ? "not mergeable"
                                              : "could not run";
    buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<title>kanalytic ci</title><style>"
                  "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2327;"
                  "background:#f6f7f7}header{background:#1d2327;color:#fff;padding:16px 24px}"
                  "main{padding:16px 24px}table{border-collapse:collapse;background:#fff}"
                  "td,th{border:1px solid #dcdcde;padding:4px 8px;text-align:left}"
                  ".badge{display:inline-block;min-width:56px;text-align:center;border-radius:3px;"
                  "padding:1px 6px;font-weight:600;color:#fff}.pass{background:#00a32a}"
                  ".fail{background:#d63638}.error{background:#996800}.created{background:#8c8f94}"
                  "pre{background:#1d2327;color:#f0f0f1;padding:8px;overflow:auto;max-height:320px}"
                  "iframe{width:100%;height:640px;border:1px solid #dcdcde;background:#fff}"
                  "</style></head><body>\n<header><h1 id=\"verdict\">");
    html_escape(b, verdict);
    buf_addf(b, "</h1><div>%zu analytic%s selected of %zu</div></header><main>",
             r->changes ? r->changes->count : 0, r->changes && r->changes->count == 1 ? "" : "s",
             r->total_analytics);
    if (r->policy_error || r->findings.count) {
        buf_addstr(b, "<h2>Policy</h2><ul id=\"findings\">");
        if (r->policy_error) {
            buf_addstr(b, "<li>");
            html_escape(b, r->policy_error);
            buf_addstr(b, "</li>");
        }
        for (size_t i = 0; i < r->findings.count; i++) {
            const struct diag *d = &r->findings.items[i];
            buf_addf(b, "<li><code>");
            html_escape(b, d->file);
            buf_addf(b, ":%d:%d</code> %s: ", d->line, d->col, diag_severity_name(d->severity));
            html_escape(b, d->message);
            buf_addstr(b, "</li>");
        }
        buf_addstr(b, "</ul>");
    }
    buf_addstr(b, "<h2>Steps</h2><table id=\"steps\"><tr><th>status</th><th>step</th>"
                  "<th>time</th></tr>");
    for (size_t i = 0; i < r->nsteps; i++) {
        const struct ci_step *s = &r->steps[i];
        buf_addf(b, "<tr><td><span class=\"badge %s\">%s</span></td><td><code>",
                 ci_status_class(s->status), ci_status_name(s->status));
        html_escape(b, s->command);
        buf_addf(b, "</code>%s", s->note ? " — " : "");
        if (s->note)
            html_escape(b, s->note);
        buf_addf(b, "</td><td>%.1fs</td></tr>", s->seconds);
    }
    buf_addstr(b, "</table>");
    for (size_t i = 0; i < r->nsteps; i++) {
        const struct ci_step *s = &r->steps[i];
        bool failed = s->status == CI_FAIL || s->status == CI_ERROR;
        struct buf report = BUF_INIT;
        if (s->analytic && !strcmp(s->check, "test") && test_reports_dir) {
            char *name = xmalloc(strlen(s->analytic) + 6);
            sprintf(name, "%s.html", s->analytic);
            char *path = path_join(test_reports_dir, name);
            if (fs_read_file(path, (size_t)64 << 20, &report) < 0)
                buf_reset(&report);
            free(path);
            free(name);
        }
        if (!failed && !report.len) {
            buf_free(&report);
            continue;
        }
        buf_addstr(b, "<section class=\"step\"><h2><code>");
        html_escape(b, s->command);
        buf_addstr(b, "</code></h2>");
        if (report.len) {
            /* the test report runs its own filter script, but never with this page's rights */
            buf_addstr(b, "<iframe class=\"test-report\" sandbox=\"allow-scripts\" srcdoc=\"");
            html_escape(b, report.data);
            buf_addstr(b, "\"></iframe>");
        } else if (s->output.len) {
            struct buf plain = BUF_INIT;
            quote_strip_terminal(&plain, s->output.data, s->output.len);
            buf_addstr(b, "<pre>");
            html_escape(b, plain.data);
            buf_addstr(b, "</pre>");
            buf_free(&plain);
        }
        buf_addstr(b, "</section>\n");
        buf_free(&report);
    }
    buf_addstr(b, "</main></body></html>\n");
}

/* ---- GitHub annotations ----------------------------------------------------------------- */

void ci_report_annotations_in(const char *text, size_t len, FILE *out)
{
    const char *p = text, *end = text + len;
    char inner[80] = "";
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        if (*inner) {
            if (n == strlen(inner) + 4 && !strncmp(p, "::", 2) && !strncmp(p + 2, inner, n - 4) &&
                !strncmp(e - 2, "::", 2))
                inner[0] = '\0';
        } else if (n > 17 && n - 17 < sizeof inner && !strncmp(p, "::stop-commands::", 17)) {
            memcpy(inner, p + 17, n - 17);
            inner[n - 17] = '\0';
        } else if (!strncmp(p, "::error ", 8) || !strncmp(p, "::warning ", 10) ||
                   !strncmp(p, "::notice ", 9)) {
            fprintf(out, "%.*s\n", (int)n, p);
        }
        p = nl ? nl + 1 : end;
    }
}

void ci_report_annotations(const struct ci_result *r, const char *prefix, FILE *out)
{
    struct diag_list gh = DIAG_LIST_INIT;
    struct buf f = BUF_INIT;
    for (size_t i = 0; i < r->findings.count; i++) {
        const struct diag *d = &r->findings.items[i];
        buf_reset(&f);
        buf_addf(&f, "%s%s", prefix, d->file);
        diag_add(&gh, d->severity, f.data, d->line, d->col, d->rule, "%s", d->message);
    }
    for (size_t i = 0; i < r->nsteps; i++) {
        const struct ci_step *s = &r->steps[i];
        if (!s->analytic || (s->status != CI_FAIL && s->status != CI_ERROR))
            continue;
        buf_reset(&f);
        buf_addf(&f, "%sanalytics/%s/analytic.yaml", prefix, s->analytic);
        diag_add(&gh, DIAG_ERROR, f.data, 0, 0, s->check, "%s of %s %s (exit %d); see the log",
                 s->check, s->analytic, s->status == CI_FAIL ? "failed" : "could not run",
                 s->exit_code);
    }
    buf_free(&f);
    /* diag_print's GitHub format writes the text lines as well; only the annotations here */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        diag_print(&gh, DIAG_FORMAT_GITHUB, mem);
        fclose(mem);
        ci_report_annotations_in(text, len, out);
        free(text);
    }
    diag_list_free(&gh);
}

int ci_report_write(const char *path, void (*render)(const struct ci_result *, FILE *),
                    const struct ci_result *r, bool append)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return err_errno("open_memstream");
    render(r, mem);
    fclose(mem);
    int rc = 0;
    if (append) {
        /* GitHub's step summary is shared by the job's steps: add to it */
        FILE *f = fopen(path, "a");
        if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
            rc = err_errno(path);
    } else {
        rc = fs_write_atomic(path, text, len);
    }
    free(text);
    return rc;
}
