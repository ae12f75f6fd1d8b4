/* Unit tests of the Kestrel contract checks (runner/contract.c) on tables and folders made
 * here: the rule each check fails with, the advice in its message, and what it lets pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/parquet.h"
#include "report/html.h"
#include "report/report.h"
#include "runner/contract.h"
#include "result/test_result.h"
#include "util/error.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct pq_type text_type(void)
{
    struct pq_type t = {0};
    t.physical = PQ_BYTE_ARRAY;
    t.logical = PQ_LOGICAL_STRING;
    return t;
}

static struct pq_type int_type(void)
{
    struct pq_type t = {0};
    t.physical = PQ_INT64;
    t.logical = PQ_LOGICAL_INTEGER;
    t.bit_width = 64;
    t.is_signed = true;
    return t;
}

/* id, type and `rows` rows */
static void base_table(struct pq_table *t, size_t rows)
{
    *t = (struct pq_table)PQ_TABLE_INIT;
    table_add_column(t, "id", text_type(), true);
    table_add_column(t, "type", text_type(), true); /* may move cols */
    struct pq_column *id = &t->cols[0], *ty = &t->cols[1];
    for (size_t i = 0; i < rows; i++) {
        char s[32];
        snprintf(s, sizeof s, "process--%zu", i);
        vector_append_bytes(&id->values, s, strlen(s));
        vector_append_bytes(&ty->values, "process", 7);
    }
    t->nrows = rows;
}

static void add_text(struct pq_table *t, const char *name, const char *const *values)
{
    struct pq_column *c = table_add_column(t, name, text_type(), true);
    for (size_t i = 0; i < t->nrows; i++)
        vector_append_bytes(&c->values, values[i], strlen(values[i]));
}

static const struct case_problem *problem(const struct case_result *r, const char *rule)
{
    for (size_t i = 0; i < r->nproblems; i++)
        if (!strcmp(r->problems[i].rule, rule))
            return &r->problems[i];
    return NULL;
}

static char *tmpdir(void)
{
    char *d = xstrdup("/tmp/kanalytic-contract-XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static void test_output_rows_and_types(void **state)
{
    (void)state;
    struct case_result r;
    case_result_init(&r, "a", "c");
    struct pq_table t;
    base_table(&t, 0);
    assert_false(contract_check_output("/nonexistent", "output/0.parquet.gz", &t, &r));
    const struct case_problem *p = problem(&r, RULE_EMPTY_OUTPUT);
    assert_non_null(p);
    assert_non_null(strstr(p->message, "write no file to leave the variable unchanged"));
    table_free(&t);
    case_result_free(&r);

    /* a list and a timestamp column: each named, with what to write instead */
    case_result_init(&r, "a", "c");
    base_table(&t, 1);
    struct pq_column *l = table_add_list_column(&t, "x_tags", text_type(), true, true);
    column_list_begin_row(l);
    vector_append_bytes(&l->values, "a", 1);
    column_list_end_row(l);
    struct pq_type ts = int_type();
    ts.logical = PQ_LOGICAL_TIMESTAMP;
    ts.unit = PQ_MICROS;
    ts.utc = true;
    vector_append_i64(&table_add_column(&t, "x_seen", ts, true)->values, 0);
    vector_append_i64(&table_add_column(&t, "x_count", int_type(), true)->values, 3);
    assert_false(contract_check_output("/nonexistent", "output/0.parquet.gz", &t, &r));
    assert_int_equal(r.nproblems, 2);
    assert_string_equal(r.problems[0].rule, RULE_STORE_TYPE);
    assert_non_null(strstr(r.problems[0].message, "'x_tags'"));
    assert_non_null(strstr(r.problems[0].message, "write JSON text instead"));
    assert_non_null(strstr(r.problems[1].message, "'x_seen'"));
    assert_non_null(strstr(r.problems[1].message, "write ISO-8601 text instead"));
    table_free(&t);
    case_result_free(&r);

    /* text, integers: nothing to say */
    case_result_init(&r, "a", "c");
    base_table(&t, 1);
    vector_append_i64(&table_add_column(&t, "x_count", int_type(), true)->values, 3);
    assert_true(contract_check_output("/nonexistent", "output/0.parquet.gz", &t, &r));
    assert_int_equal(r.nproblems, 0);
    table_free(&t);
    case_result_free(&r);
}

static void test_struct_columns_explained(void **state)
{
    (void)state;
    struct case_result r;
    case_result_init(&r, "a", "c");
    assert_true(contract_explain_unreadable(
        "output/0.parquet.gz", "column 'x': nested group (struct/map) not supported", &r));
    assert_non_null(strstr(r.problems[0].message, "write JSON text instead"));
    assert_false(contract_explain_unreadable("output/0.parquet.gz", "bad magic", &r));
    assert_int_equal(r.nproblems, 1);
    case_result_free(&r);
}

static void test_attributes_contract(void **state)
{
    (void)state;
    struct manifest_attr attrs[] = {
        {"x_score", ATTR_NUMBER, ATTR_FORMAT_NONE, NULL},
        {"x_tags", ATTR_STRING, ATTR_FORMAT_JSON, NULL},
        {"x_seen_count", ATTR_INTEGER, ATTR_FORMAT_NONE, NULL},
    };
    struct manifest_output out = {0, attrs, 3};
    struct manifest m;
    memset(&m, 0, sizeof m);
    m.outputs = &out;
    m.n_outputs = 1;

    /* the input has id, type, name */
    char *dir = tmpdir();
    char *input = path_join(dir, "0.parquet");
    struct pq_table in;
    base_table(&in, 2);
    static const char *const names[] = {"bash", "sshd"};
    add_text(&in, "name", names);
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    if (pq_write_file(input, &in, &wo) < 0)
        fail_msg("%s", err_last());

    struct pq_table t;
    base_table(&t, 2);
    add_text(&t, "name", names);
    static const char *const scores[] = {"high", "low"};
    add_text(&t, "x_score", scores); /* text, declared number */
    static const char *const tags[] = {"[\"a\"]", "[oops"};
    add_text(&t, "x_tags", tags); /* row 2 is not JSON */
    static const char *const extra[] = {"1", "2"};
    add_text(&t, "x_extra", extra); /* undeclared */
    /* x_seen_count missing */

    struct case_result r;
    case_result_init(&r, "a", "c");
    contract_check_attributes(&m, 0, input, &t, "output/0.parquet.gz", false, &r);
    const struct case_problem *p = problem(&r, RULE_ATTR_MISSING);
    assert_non_null(p);
    assert_non_null(strstr(p->message, "no column 'x_seen_count'"));
    assert_int_equal(r.nproblems, 3);
    assert_non_null(strstr(r.problems[0].message, "column 'x_score' is string"));
    assert_non_null(strstr(r.problems[0].message, "declares number"));
    assert_non_null(strstr(r.problems[1].message, "'x_tags' row 2 is not JSON"));
    /* undeclared: a note, not a failure, without strict; 'name' came from the input */
    assert_int_equal(r.nnotes, 1);
    assert_string_equal(r.notes[0].rule, RULE_ATTR_UNDECLARED);
    assert_non_null(strstr(r.notes[0].message, "'x_extra'"));
    assert_null(strstr(r.notes[0].message, "'name'"));
    case_result_free(&r);

    case_result_init(&r, "a", "c");
    contract_check_attributes(&m, 0, input, &t, "output/0.parquet.gz", true, &r);
    assert_non_null(problem(&r, RULE_ATTR_UNDECLARED));
    assert_int_equal(r.nnotes, 0);
    case_result_free(&r);

    table_free(&t);
    table_free(&in);
    unlink(input);
    rmdir(dir);
    free(input);
    free(dir);
}

static void test_iso8601(void **state)
{
    (void)state;
    static const char *const good[] = {"2024-05-01", "2024-05-01T12:00", "2024-05-01T12:00:00Z",
                                       "2024-05-01 12:00:00.123456+02:00",
                                       "2024-05-01T12:00:00-0500"};
    static const char *const bad[] = {"",
                                      "2024-5-01",
                                      "yesterday",
                                      "2024-05-01T",
                                      "2024-05-01Z",
                                      "2024-05-01T12:00:00.Z",
                                      "2024-05-01T12:00:00+2",
                                      "1714564800"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (!contract_is_iso8601(good[i], strlen(good[i])))
            fail_msg("'%s' should be ISO-8601", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (contract_is_iso8601(bad[i], strlen(bad[i])))
            fail_msg("'%s' should not be ISO-8601", bad[i]);
}

static void test_display(void **state)
{
    (void)state;
    static const struct {
        const char *entry;
        bool dir;
        const char *rule; /* NULL: accepted */
    } cases[] = {
        {"plot.html", false, NULL},
        {"plot.HTML", false, RULE_DISPLAY_HTML},
        {"plot.htm", false, RULE_DISPLAY_HTML},
        {".html", false, RULE_DISPLAY_HTML},
        {"plot.html", true, RULE_DISPLAY_FILE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *dir = tmpdir();
        char *disp = path_join(dir, "display");
        assert_int_equal(mkdir(disp, 0755), 0);
        char *entry = path_join(disp, cases[i].entry);
        if (cases[i].dir)
            assert_int_equal(mkdir(entry, 0755), 0);
        else
            assert_int_equal(fs_write_atomic(entry, "<p>x</p>", 8), 0);
        struct case_result r;
        case_result_init(&r, "a", "c");
        bool ok = contract_check_display(dir, &r);
        if (cases[i].rule) {
            assert_false(ok);
            assert_int_equal(r.nproblems, 1);
            assert_string_equal(r.problems[0].rule, cases[i].rule);
        } else {
            assert_true(ok);
            assert_int_equal(r.nproblems, 0);
        }
        case_result_free(&r);
        assert_int_equal(fs_remove_tree(dir), 0);
        free(entry);
        free(disp);
        free(dir);
    }
}

static void test_all_inputs_empty(void **state)
{
    (void)state;
    char *dir = tmpdir();
    char *empty = path_join(dir, "empty.parquet"), *rows = path_join(dir, "rows.parquet");
    char *norows = path_join(dir, "norows.parquet");
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    /* what pandas writes for an empty DataFrame: the schema root alone, no row group */
    static const unsigned char empty_file[] = {
        'P',  'A',  'R',  '1',  0x15, 0x02, 0x19, 0x1c, 0x48, 0x06, 's',  'c',  'h', 'e', 'm', 'a',
        0x15, 0x00, 0x00, 0x16, 0x00, 0x19, 0x0c, 0x00, 0x14, 0x00, 0x00, 0x00, 'P', 'A', 'R', '1'};
    assert_int_equal(fs_write_atomic(empty, empty_file, sizeof empty_file), 0);
    struct pq_table t;
    base_table(&t, 0);
    assert_int_equal(pq_write_file(norows, &t, &wo), 0);
    table_free(&t);
    base_table(&t, 1);
    assert_int_equal(pq_write_file(rows, &t, &wo), 0);
    table_free(&t);

    char *both_empty[] = {empty, empty};
    char *one_empty[] = {empty, rows};
    char *columns_no_rows[] = {norows};
    struct test_case tc;
    memset(&tc, 0, sizeof tc);
    tc.inputs = both_empty;
    tc.n_inputs = 2;
    assert_true(contract_inputs_all_empty(&tc));
    tc.inputs = one_empty;
    assert_false(contract_inputs_all_empty(&tc));
    tc.inputs = columns_no_rows; /* 0 rows but columns: not what Kestrel sends when empty */
    tc.n_inputs = 1;
    assert_false(contract_inputs_all_empty(&tc));
    assert_int_equal(fs_remove_tree(dir), 0);
    free(empty);
    free(rows);
    free(norows);
    free(dir);
}

/* A skipped case in every renderer: counted apart, its reason shown, exit code 0. */
static void test_skip_in_reports(void **state)
{
    (void)state;
    struct run_result r = {0};
    r.cases = xcalloc(2, sizeof *r.cases);
    r.ncases = 2;
    case_result_init(&r.cases[0], "a", "empty");
    case_result_skip(&r.cases[0], CONTRACT_SKIP_REASON);
    case_result_init(&r.cases[1], "a", "ok");
    size_t pass, fail, error;
    run_result_counts(&r, &pass, &fail, &error);
    assert_int_equal(pass + fail + error, 1);
    assert_int_equal(run_result_skipped(&r), 1);
    assert_int_equal(run_result_exit_code(&r), 0);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_tap(&r, f);
    report_console_summary(&r, f);
    fclose(f);
    assert_non_null(strstr(text, "ok 1 - a/empty # SKIP every input is an empty variable"));
    assert_non_null(strstr(text, "not run: every input is an empty variable"));
    assert_non_null(strstr(text, "1 passed, 0 failed, 0 errors, 1 skipped"));
    free(text);

    json_t *j = report_run_json(&r);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"), "skipped")),
                     1);
    json_t *c0 = json_array_get(json_object_get(j, "cases"), 0);
    assert_string_equal(json_string_value(json_object_get(c0, "status")), "SKIP");
    assert_non_null(strstr(json_string_value(json_object_get(c0, "skip_reason")),
                           "Kestrel does not run the analytic here"));
    json_decref(j);

    char *dir = tmpdir();
    char *path = path_join(dir, "junit.xml");
    assert_int_equal(report_junit(&r, path), 0);
    struct buf x = BUF_INIT;
    assert_int_equal(fs_read_file(path, 1 << 20, &x), 0);
    assert_non_null(strstr(x.data, "skipped=\"1\""));
    assert_non_null(strstr(x.data, "<skipped message=\"every input is an empty variable"));
    buf_free(&x);

    struct buf h = BUF_INIT;
    report_html_render(&r, NULL, &h);
    assert_non_null(strstr(h.data, "badge skip"));
    assert_non_null(strstr(h.data, "1 skipped"));
    buf_free(&h);
    assert_int_equal(fs_remove_tree(dir), 0);
    free(path);
    free(dir);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_rows_and_types),
        cmocka_unit_test(test_struct_columns_explained),
        cmocka_unit_test(test_attributes_contract),
        cmocka_unit_test(test_iso8601),
        cmocka_unit_test(test_display),
        cmocka_unit_test(test_all_inputs_empty),
        cmocka_unit_test(test_skip_in_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
