/* Unit tests of tool/fixture/fixture.c: test inputs from a STIX bundle, reshaped into
 * Kestrel's shape, or empty, each written atomically; which failure is the input's (-1) and
 * which the output's (FIXTURE_EWRITE). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture/fixture.h"
#include "parquet/parquet.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUNDLE "../shared/kestrel-testdata/log4shell_bundle.json"
#define SHAPES "tests/fixtures/kestrel-shape/"

static char dir[] = "/tmp/kanalytic-fixture.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return fs_remove_tree(dir);
}

static char *in_dir(const char *name)
{
    return path_join(dir, name);
}

static void read_back(const char *path, size_t rows, size_t cols)
{
    struct pq_table t = PQ_TABLE_INIT;
    if (pq_read_file(path, &t) < 0)
        fail_msg("%s", err_last());
    assert_int_equal(t.nrows, rows);
    assert_int_equal(t.ncols, cols);
    table_free(&t);
}

static void test_from_stix(void **state)
{
    (void)state;
    struct stix_options so = STIX_OPTIONS_INIT;
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    struct fixture_written w = FIXTURE_WRITTEN_INIT;
    char *out = in_dir("nt.parquet.gz");
    so.type = "network-traffic";
    assert_int_equal(fixture_from_stix(BUNDLE, &so, out, &wo, &w), 0);
    assert_int_equal(w.rows, 10);
    assert_true(w.cols > 2);
    read_back(out, w.rows, w.cols);
    fixture_written_free(&w);

    /* a type the bundle does not hold: the input's fault, nothing written */
    char *none = in_dir("none.parquet");
    so.type = "url";
    assert_int_equal(fixture_from_stix(BUNDLE, &so, none, &wo, &w), -1);
    assert_non_null(strstr(err_last(), "no 'url' objects"));
    assert_non_null(strstr(err_last(), "log4shell_bundle.json"));
    assert_false(fs_exists(none));
    /* an unreadable bundle */
    assert_int_equal(fixture_from_stix("no/such/bundle.json", &so, none, &wo, &w), -1);
    assert_false(fs_exists(none));
    /* a folder that does not exist: the output's fault */
    char *nodir = in_dir("no/such/x.parquet");
    so.type = "network-traffic";
    assert_int_equal(fixture_from_stix(BUNDLE, &so, nodir, &wo, &w), FIXTURE_EWRITE);
    fixture_written_free(&w);
    free(out);
    free(none);
    free(nodir);
}

static void test_reshape(void **state)
{
    (void)state;
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    struct fixture_written w = FIXTURE_WRITTEN_INIT;
    char *out = in_dir("shaped.parquet.gz");
    assert_int_equal(fixture_reshape(SHAPES "wrong-shape-flat.parquet", out, &wo, &w), 0);
    assert_non_null(strstr(w.changes.data, "dropped column 'x_contained_by_ref'"));
    assert_non_null(strstr(w.changes.data, "column 'is_local': bool -> int64\n"));
    assert_int_equal(w.rows, 2);
    assert_int_equal(w.cols, 11);
    read_back(out, 2, 11);
    fixture_written_free(&w);
    /* already in shape: no change, rewritten all the same */
    struct fixture_written again = FIXTURE_WRITTEN_INIT;
    assert_int_equal(fixture_reshape(out, out, &wo, &again), 0);
    assert_int_equal(again.changes.len, 0);
    assert_int_equal(again.rows, 2);
    fixture_written_free(&again);

    /* not Parquet: the input's fault, the output not made */
    char *bad = in_dir("bad.parquet"), *bad_out = in_dir("bad-out.parquet");
    assert_int_equal(fs_write_atomic(bad, "nope\n", 5), 0);
    struct fixture_written w2 = FIXTURE_WRITTEN_INIT;
    assert_int_equal(fixture_reshape(bad, bad_out, &wo, &w2), -1);
    assert_non_null(strstr(err_last(), "bad.parquet"));
    assert_false(fs_exists(bad_out));
    char *nodir = in_dir("no/such/x.parquet");
    assert_int_equal(fixture_reshape(SHAPES "kestrel-shaped.parquet", nodir, &wo, &w2),
                     FIXTURE_EWRITE);
    fixture_written_free(&w2);
    free(out);
    free(bad);
    free(bad_out);
    free(nodir);
}

static void test_empty(void **state)
{
    (void)state;
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    char *out = in_dir("empty.parquet.gz");
    assert_int_equal(fixture_empty(out, &wo), 0);
    read_back(out, 0, 0);
    char *nodir = in_dir("no/such/x.parquet");
    assert_int_equal(fixture_empty(nodir, &wo), FIXTURE_EWRITE);
    free(out);
    free(nodir);
}

/* convert's ends: text in (format by name, else by content), each format out and back. */
static void test_table_load_save(void **state)
{
    (void)state;
    char *csv = in_dir("in.csv"), *pq = in_dir("t.parquet"), *jl = in_dir("t.jsonl");
    char *sniffed = in_dir("no-extension");
    const char *text = "a,b\n1,x\n2,\"y\n";
    assert_int_equal(fs_write_atomic(csv, text, strlen(text)), 0);
    struct text_schema schema = {0};
    struct pq_table t = PQ_TABLE_INIT;
    assert_int_equal(fixture_table_load(csv, &schema, &t), FIXTURE_ETEXT);
    assert_ptr_equal(strstr(err_last(), csv), err_last()); /* IN:LINE: error: ... */
    assert_non_null(strstr(err_last(), ".csv:3: error: "));
    table_free(&t);

    text = "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": null}\n";
    assert_int_equal(fs_write_atomic(sniffed, text, strlen(text)), 0);
    assert_int_equal(fixture_table_load(sniffed, &schema, &t), 0); /* JSON Lines by content */
    assert_int_equal(t.nrows, 2);
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    assert_int_equal(fixture_table_save(pq, DETECT_PARQUET, &wo, &t), 0);
    assert_int_equal(fixture_table_save(jl, DETECT_JSONL, &wo, &t), 0);
    assert_int_equal(fixture_table_save(csv, DETECT_CSV, &wo, &t), 0);
    table_free(&t);
    struct buf b = BUF_INIT;
    assert_int_equal(fs_read_file(jl, 1 << 20, &b), 0);
    assert_string_equal(b.data, text);
    buf_reset(&b);
    assert_int_equal(fs_read_file(csv, 1 << 20, &b), 0);
    assert_string_equal(b.data, "a,b\n1,x\n2,\n");
    buf_free(&b);
    read_back(pq, 2, 2);
    assert_int_equal(fixture_table_load(pq, &schema, &t), 0);
    assert_int_equal(t.nrows, 2);
    table_free(&t);

    /* a schema with Parquet input is refused; a missing file names itself */
    assert_int_equal(text_schema_parse("a:int32", &schema), 0);
    assert_int_equal(fixture_table_load(pq, &schema, &t), -1);
    assert_non_null(strstr(err_last(), "--schema applies to CSV and JSON Lines input"));
    text_schema_free(&schema);
    assert_int_equal(fixture_table_load("/nonexistent/x.csv", &schema, &t), -1);
    assert_non_null(strstr(err_last(), "/nonexistent/x.csv"));
    assert_int_equal(fixture_table_save("/nonexistent/x.csv", DETECT_CSV, &wo, &t), -1);
    free(csv);
    free(pq);
    free(jl);
    free(sniffed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_stix),
        cmocka_unit_test(test_reshape),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_table_load_save),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
