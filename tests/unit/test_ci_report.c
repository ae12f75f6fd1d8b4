/* Unit tests of the CI gate's result and reports (tool/result/ci_result.c,
 * tool/report/ci_report.c): verdicts, JUnit escaping of whatever a container printed,
 * Markdown and JSON shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/ci_report.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_junit_escapes),
        cmocka_unit_test(test_markdown_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
