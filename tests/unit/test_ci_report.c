/* Unit tests of the CI gate's result and reports (tool/result/ci_result.c,
 * tool/report/ci_report.c): verdicts, JUnit escaping of whatever a container printed,
 * Markdown and JSON shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/ci_report.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static char *render(void (*fn)(const struct ci_result *, FILE *), const struct ci_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fn(r, f);
    fclose(f);
    return text;
}

static void fill(struct ci_result *r, struct changes *ch)
{
    memset(ch, 0, sizeof *ch);
    memset(r, 0, sizeof *r);
    strcpy(ch->base_oid, "0123456789abcdef0123456789abcdef01234567");
    ch->base_desc = strdup("origin/main");
    ch->items = calloc(1, sizeof *ch->items);
    ch->count = ch->cap = 1;
    ch->items[0].name = strdup("geo");
    ch->items[0].base_name = strdup("geo");
    ch->items[0].reason = strdup("1 file changed: Dockerfile(M)");
    ch->items[0].own_change = true;
    r->changes = ch;
    r->total_analytics = 5;
    struct ci_step *v = ci_result_add_step(r, "validate", NULL, "validate --strict");
    v->status = CI_PASS;
    v->exit_code = 0;
    struct ci_step *b = ci_result_add_step(r, "build", "geo", "build geo");
    b->status = CI_PASS;
    b->exit_code = 0;
    struct ci_step *t = ci_result_add_step(r, "test", "geo", "test --ci --repeat 2 geo");
    t->status = CI_FAIL;
    t->exit_code = 1;
    /* markup, an invalid byte, a control character, an overlong encoding, valid UTF-8 */
    const char out[] = "case <basic> & \"x\": \xff\x01 \xc0\xaf caf\xc3\xa9\n```\n";
    buf_add(&t->output, out, sizeof out - 1);
}

static void test_verdicts(void **state)
{
    (void)state;
    struct ci_result r;
    struct changes ch;
    fill(&r, &ch);
    ci_result_conclude(&r);
    assert_int_equal(r.exit_code, 1);
    r.steps[2].status = CI_ERROR;
    ci_result_conclude(&r);
    assert_int_equal(r.exit_code, 2); /* could not run, nothing failed */
    diag_add(&r.findings, DIAG_ERROR, "analytics/geo/analytic.yaml", 4, 1, "version-not-bumped",
             "x");
    ci_result_conclude(&r);
    assert_int_equal(r.exit_code, 1); /* a finding outweighs trouble */
    r.steps[2].status = CI_PASS;
    diag_list_free(&r.findings);
    ci_result_conclude(&r);
    assert_int_equal(r.exit_code, 0);
    ci_result_free(&r);
    changes_free(&ch);
}

static void test_junit_escapes(void **state)
{
    (void)state;
    struct ci_result r;
    struct changes ch;
    fill(&r, &ch);
    ci_result_conclude(&r);
    char *x = render(ci_report_junit, &r);
    assert_non_null(strstr(x, "case &lt;basic&gt; &amp; &quot;x&quot;: ? ?? caf\xc3\xa9\n"));
    assert_null(strstr(x, "\xff"));
    assert_null(strstr(x, "\x01"));
    assert_non_null(strstr(x, "<testsuites name=\"kanalytic ci\" tests=\"4\" failures=\"1\" "
                              "errors=\"0\">"));
    assert_non_null(strstr(x, "<testcase classname=\"geo\" name=\"test\""));
    assert_non_null(strstr(x, "<failure message=\"exit 1\">"));
    free(x);
    ci_result_free(&r);
    changes_free(&ch);
}

static void test_markdown_and_json(void **state)
{
    (void)state;
    struct ci_result r;
    struct changes ch;
    fill(&r, &ch);
    diag_add(&r.findings, DIAG_ERROR, "analytics/geo/analytic.yaml", 4, 1, "version-not-bumped",
             "geo changed | but");
    ci_result_conclude(&r);
    char *md = render(ci_report_markdown, &r);
    assert_non_null(strstr(md, "## kanalytic ci: not mergeable\n"));
    assert_non_null(strstr(md, "Base `0123456` (origin\\/main). 1 of 5 analytics selected."));
    assert_non_null(strstr(md, "| test | geo | **fail** |"));
    assert_non_null(strstr(md, "- `analytics/geo/analytic.yaml:4` (version-not-bumped): geo "
                               "changed \\| but\n"));
    /* the fence in the output cannot close the block early: a longer fence around it */
    assert_non_null(strstr(md, "\n````\n"));
    assert_non_null(strstr(md, "\n```\n````\n</details>"));
    free(md);

    char *js = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&js, &len);
    assert_int_equal(ci_report_json(&r, f), 0);
    fclose(f);
    json_error_t err;
    json_t *o = json_loads(js, 0, &err);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "result")), "not-mergeable");
    assert_int_equal(json_integer_value(json_object_get(o, "exit_code")), 1);
    json_t *steps = json_object_get(o, "steps");
    assert_int_equal(json_array_size(steps), 3);
    /* invalid UTF-8 in an output still gives valid JSON */
    const char *out = json_string_value(json_object_get(json_array_get(steps, 2), "output"));
    assert_non_null(strstr(out, "case <basic>"));
    json_t *finding = json_array_get(json_object_get(o, "findings"), 0);
    assert_int_equal(json_integer_value(json_object_get(finding, "line")), 4);
    json_decref(o);
    free(js);
    ci_result_free(&r);
    changes_free(&ch);
}

/* The lines of text, split at '\n' (the last one unterminated when text does not end so). */
static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

static char *render_annotations(const struct ci_result *r, const char *prefix)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ci_report_annotations(r, prefix, f);
    fclose(f);
    return text;
}

/* Names from the pull request (analytic folders, files in them) may hold line breaks and
 * "::": each annotation stays one line, and nothing in a name starts a command of its own. */
static void test_annotations_hostile_names(void **state)
{
    (void)state;
    struct ci_result r = {0};
    struct changes ch = {0};
    r.changes = &ch;
    diag_add(&r.findings, DIAG_ERROR, "analytics/ev\nil/::error file=x::pwned.yaml", 3, 2,
             "version-not-bumped", "msg\n::warning::boom");
    diag_add(&r.findings, DIAG_WARNING, "kanalytic.yaml", 1, 1, "policy-file-changed", "w");
    struct ci_step *b = ci_result_add_step(&r, "build", "a\r\n::error::b,c", "build a");
    b->status = CI_FAIL;
    b->exit_code = 1;
    struct ci_step *t = ci_result_add_step(&r, "test", "ok", "test ok");
    t->status = CI_PASS;
    t->exit_code = 0;
    struct ci_step *v = ci_result_add_step(&r, "validate", NULL, "validate --strict");
    v->status = CI_ERROR; /* repository-wide: annotated by its own output, not here */

    char *text = render_annotations(&r, "sub/");
    assert_int_equal(count_lines(text), 3);
    const char *want[] = {
        "::error file=sub/analytics/ev%0Ail/%3A%3Aerror file=x%3A%3Apwned.yaml,line=3,col=2::",
        "::warning file=sub/kanalytic.yaml,line=1,col=1::w\n",
        "::error file=sub/analytics/a%0D%0A%3A%3Aerror%3A%3Ab%2Cc/analytic.yaml::build of a",
    };
    const char *line = text;
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        assert_memory_equal(line, want[i], strlen(want[i]));
        line = strchr(line, '\n') + 1;
    }
    assert_string_equal(line, "");
    assert_non_null(strstr(text, "(exit 1); see the log\n"));
    free(text);

    /* no prefix: the root is the work tree */
    ci_result_free(&r);
    r.changes = &ch;
    b = ci_result_add_step(&r, "test", "geo", "test geo");
    b->status = CI_ERROR;
    b->exit_code = 2;
    text = render_annotations(&r, "");
    assert_string_equal(text, "::error file=analytics/geo/analytic.yaml::test of geo could not "
                              "run (exit 2); see the log\n");
    free(text);
    ci_result_free(&r);
}

/* What a step printed: its annotations outside stop-commands blocks are said again; inside
 * one (up to its own token) they are not. */
static void test_annotations_in_output(void **state)
{
    (void)state;
    const char text[] = "::error file=a::one\n"
                        "::stop-commands::abc123\n"
                        "::error file=b::hidden\n"
                        "::other::\n"
                        "::abc123::\n"
                        "  ::error file=c::indented\n"
                        "::warning file=d::two\n"
                        "::debug::x\n"
                        "::error::no properties\n"
                        "::notice file=e::three";
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ci_report_annotations_in(text, sizeof text - 1, f);
    fclose(f);
    assert_string_equal(out,
                        "::error file=a::one\n::warning file=d::two\n::notice file=e::three\n");
    free(out);
}

/* A step's line and output: the output indented, terminal sequences gone, inside a
 * stop-commands block whose token closes it. */
static void test_step_output_guarded(void **state)
{
    (void)state;
    struct ci_result r = {0};
    struct ci_step *s = ci_result_add_step(&r, "test", "geo", "test geo");
    s->status = CI_FAIL;
    s->exit_code = 1;
    s->seconds = 1.25;
    const char out[] = "::error file=x::y\n\x1b[31mred\x1b[0m\n::stop-commands::zz\nlast";
    buf_add(&s->output, out, sizeof out - 1);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ci_report_step(s, true, f);
    ci_report_step(s, false, f);
    fclose(f);
    const char *p = strstr(text, "FAIL  test geo (1.2s)\n::stop-commands::");
    assert_non_null(p);
    char token[33] = "";
    const char *tok = p + strlen("FAIL  test geo (1.2s)\n::stop-commands::");
    assert_non_null(strchr(tok, '\n'));
    assert_int_equal(strchr(tok, '\n') - tok, 32);
    memcpy(token, tok, 32);
    char want[512];
    snprintf(want, sizeof want,
             "\n    ::error file=x::y\n    red\n    ::stop-commands::zz\n    last\n::%s::\n"
             "FAIL  test geo (1.2s)\n",
             token);
    assert_string_equal(tok + 32, want);
    free(text);

    /* its own annotations, for GitHub to obey; none from a truncated output */
    f = open_memstream(&text, &len);
    ci_report_step_annotations(s, f);
    s->truncated = true;
    ci_report_step_annotations(s, f);
    fclose(f);
    assert_string_equal(text, "::error file=x::y\n");
    free(text);
    ci_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_junit_escapes),
        cmocka_unit_test(test_markdown_and_json),
        cmocka_unit_test(test_annotations_hostile_names),
        cmocka_unit_test(test_annotations_in_output),
        cmocka_unit_test(test_step_output_guarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
