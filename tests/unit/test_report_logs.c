/* What a container printed, shown by the test renderers (issue 13, item 4): terminal
 * sequences stripped on the console, in JUnit and in HTML; under CI (test --ci or
 * GITHUB_ACTIONS=true) the case's details inside a ::stop-commands:: block with a fresh token,
 * so a log line "::add-mask::x" is shown and never obeyed; names quoted as git does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/html.h"
#include "report/report.h"
#include "result/test_result.h"
#include "table/compare.h"
#include "table/table.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void hostile_case(struct case_result *c)
{
    case_result_init(c, "evil", "x\n::error::case");
    case_result_fail(c, "exit-code", NULL, NULL, "exit 3, stderr says %s", "a\n::warning::b");
    c->exit_code = 3;
    c->stderr_text = xstrdup("start\n\033[2J\033[H::add-mask::x\n\033]0;title\007"
                             "red \033[31mtext\033[0m\r::notice::cr\nend\n");
}

/* The details and the case line, in a buffer of the caller's (a pointer captured by
 * open_memstream inside a helper reads as dangling to gcc's analysis). */
static char *details_into(const struct case_result *c, char **text)
{
    size_t len = 0;
    FILE *f = open_memstream(text, &len);
    report_case_details(c, f);
    report_case_line(c, f);
    fclose(f);
    return *text;
}
#define details(c) details_into((c), &(char *){NULL})

static void test_console_log_in_stop_commands_under_ci(void **state)
{
    (void)state;
    unsetenv("GITHUB_ACTIONS");
    struct case_result c;
    hostile_case(&c);
    report_set_ci(true);
    char *out = details(&c);
    report_set_ci(false);
    assert_null(strchr(out, '\033'));
    assert_null(strchr(out, '\r'));
    char tok[33];
    assert_int_equal(sscanf(out, "::stop-commands::%32[0-9a-f]\n", tok), 1);
    char end[40];
    snprintf(end, sizeof end, "\n::%s::\n", tok);
    assert_non_null(strstr(out, end));
    size_t close = (size_t)(strstr(out, end) - out); /* offsets: out is the heap text */
    assert_non_null(strstr(out, "      | ::add-mask::x\n"));
    assert_true((size_t)(strstr(out, "      | ::add-mask::x\n") - out) < close);
    assert_non_null(strstr(out, "      | red text::notice::cr\n"));
    /* the problem message stays one line; the case's name is quoted */
    assert_non_null(strstr(out, "exit 3, stderr says a\\n::warning::b\n"));
    assert_non_null(strstr(out, "\"evil/x\\n::error::case\""));
    /* nothing outside the block starts a line with :: but the block's own lines */
    for (size_t at = 0; out[at];) {
        const char *p = out + at, *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        bool inside = at > 0 && at <= close;
        if (!inside && n >= 2 && p[0] == ':' && p[1] == ':')
            assert_true(at == 0 || at == close + 1);
        at += nl ? n + 1 : n;
    }
    free(out);

    /* a second block gets a token of its own */
    report_set_ci(true);
    out = details(&c);
    report_set_ci(false);
    char tok2[33];
    assert_int_equal(sscanf(out, "::stop-commands::%32[0-9a-f]\n", tok2), 1);
    assert_string_not_equal(tok, tok2);
    free(out);

    /* GITHUB_ACTIONS=true alone also wraps */
    setenv("GITHUB_ACTIONS", "true", 1);
    out = details(&c);
    unsetenv("GITHUB_ACTIONS");
    assert_int_equal(strncmp(out, "::stop-commands::", 17), 0);
    free(out);

    /* locally: no block, still no terminal sequences */
    out = details(&c);
    assert_null(strstr(out, "::stop-commands::"));
    assert_null(strchr(out, '\033'));
    assert_non_null(strstr(out, "      | ::add-mask::x\n"));
    free(out);
    case_result_free(&c);
}

static void test_junit_and_html_logs_stripped(void **state)
{
    (void)state;
    struct case_result c;
    hostile_case(&c);
    struct run_result run = {.cases = &c, .ncases = 1, .jobs = 1};
    char dir[] = "/tmp/kanalytic-logs.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/j.xml", dir);
    report_set_ci(true); /* a report file is no log: no blocks in it */
    assert_int_equal(report_junit(&run, path), 0);
    report_set_ci(false);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char xml[8192];
    size_t n = fread(xml, 1, sizeof xml - 1, f);
    xml[n] = '\0';
    fclose(f);
    unlink(path);
    rmdir(dir);
    assert_null(strstr(xml, "[2J"));
    assert_null(strstr(xml, "\\x1b"));
    assert_null(strstr(xml, "stop-commands"));
    assert_non_null(strstr(xml, "::add-mask::x"));

    struct buf html = BUF_INIT;
    struct html_report_options o = {0};
    report_html_render(&run, &o, &html);
    assert_null(strchr(html.data, '\033'));
    assert_null(strstr(html.data, "[2J"));
    assert_non_null(strstr(html.data, "red text::notice::cr"));
    buf_free(&html);
    case_result_free(&c);
}

/* Column names are the container's too: a diff shows them on one line, escaped. */
static void test_compare_text_column_names(void **state)
{
    (void)state;
    const struct pq_type str = {.physical = PQ_BYTE_ARRAY, .logical = PQ_LOGICAL_STRING};
    const char *evil = "c\n::add-mask::y\033[2J";
    struct pq_table e = PQ_TABLE_INIT, a = PQ_TABLE_INIT;
    table_add_column(&e, evil, str, true);
    table_add_column(&e, "gone\n::error::z", str, true);
    table_add_column(&a, evil, str, true);
    vector_append_bytes(&e.cols[0].values, "a", 1);
    vector_append_bytes(&e.cols[1].values, "g", 1);
    vector_append_bytes(&a.cols[0].values, "b\n::warning::w", 14);
    e.nrows = a.nrows = 1;
    struct compare_result r;
    assert_int_equal(compare_tables(&e, &a, NULL, &r), 0);
    assert_false(r.equal);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_compare_text(&r, f, "");
    fclose(f);
    assert_null(strchr(text, '\033'));
    for (const char *p = text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
        assert_false(p[0] == ':' && p[1] == ':');
    assert_non_null(strstr(text, "\"c\\n::add-mask::y\\033[2J\""));
    assert_non_null(strstr(text, "gone\\n::error::z"));
    free(text);
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_log_in_stop_commands_under_ci),
        cmocka_unit_test(test_junit_and_html_logs_stripped),
        cmocka_unit_test(test_compare_text_column_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
