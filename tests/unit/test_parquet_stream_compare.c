/* pq_stream_identical (parquet/stream_compare.h): equal files are recognised in one streaming
 * pass whatever their row-group layouts; a single differing value anywhere (first row, a row
 * group boundary, the last row, inside a list) answers "cannot tell", as do other row counts
 * and schemas. Files are rewritten here from the pyarrow corpus with other row-group sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/parquet.h"
#include "parquet/stream_compare.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CORPUS "../shared/parquet-corpus/"

static char dir[] = "/tmp/kanalytic-stream-compare.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* src rewritten with `rows` per row group into dir/name; returns the path (static buffer). */
static const char *rewrite(const char *src, const char *name, size_t rows,
                           void (*edit)(struct pq_table *))
{
    static char path[512];
    struct pq_table t = PQ_TABLE_INIT;
    assert_int_equal(pq_read_file(src, &t), 0);
    if (edit)
        edit(&t);
    struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
    o.row_group_rows = rows;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(pq_write_file(path, &t, &o), 0);
    table_free(&t);
    return path;
}

static int identical(const char *a, const char *b, const struct compare_options *o)
{
    struct compare_options def = COMPARE_OPTIONS_INIT;
    struct compare_result r;
    int same = pq_stream_identical(a, b, o ? o : &def, &r);
    if (same) {
        assert_true(r.equal);
        assert_true(r.fast_path);
    }
    return same;
}

static size_t row_groups(const char *path)
{
    struct pq_reader *r;
    assert_int_equal(pq_reader_open(&r, path, NULL), 0);
    size_t n = pq_reader_num_row_groups(r);
    pq_reader_free(r);
    return n;
}

static void test_other_layouts_equal(void **state)
{
    (void)state;
    const char *a = CORPUS "nettraffic_snappy.parquet";
    const char *b = CORPUS "nettraffic_small_pages_rowgroups.parquet";
    assert_true(row_groups(b) > row_groups(a));
    assert_int_equal(identical(a, b, NULL), 1);
    assert_int_equal(identical(b, a, NULL), 1);
    /* two rewrites whose boundaries never meet (7 against 1000 rows per group) */
    char p7[512];
    snprintf(p7, sizeof p7, "%s", rewrite(a, "rg7.parquet", 7, NULL));
    const char *p1000 = rewrite(a, "rg1000.parquet", 1000, NULL);
    assert_int_equal(row_groups(p7), 429);
    assert_int_equal(identical(p7, p1000, NULL), 1);
    assert_int_equal(identical(p1000, a, NULL), 1);
}

static void test_lists_equal_across_layouts(void **state)
{
    (void)state;
    const char *a = CORPUS "lists_snappy.parquet";
    const char *b = rewrite(a, "lists3.parquet", 3, NULL);
    assert_true(row_groups(b) > 1);
    assert_int_equal(identical(a, b, NULL), 1);
}

static size_t edit_row;

static void change_last_byte(struct pq_table *t)
{
    /* the last byte of the first string value at or after edit_row, in the first string
     * column: a change the layouts' boundaries cannot hide */
    for (size_t c = 0; c < t->ncols; c++) {
        struct pq_column *col = &t->cols[c];
        if (col->is_list || col->values.type.physical != PQ_BYTE_ARRAY)
            continue;
        for (size_t i = edit_row; i < col->values.len; i++) {
            size_t len;
            if (vector_is_null(&col->values, i) || !vector_bytes(&col->values, i, &len) || !len)
                continue;
            col->values.data[col->values.offsets[i] + len - 1] ^= 1;
            return;
        }
    }
    fail_msg("no string value to change");
}

static void test_one_value_differs(void **state)
{
    (void)state;
    const char *a = CORPUS "nettraffic_snappy.parquet";
    const size_t rows[] = {0, 6, 7, 999, 1000, 2999};
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        edit_row = rows[k];
        const char *b = rewrite(a, "edited.parquet", 7, change_last_byte);
        assert_int_equal(identical(a, b, NULL), 0);
        assert_int_equal(identical(b, a, NULL), 0);
    }
}

static void drop_last_element(struct pq_table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        struct pq_column *col = &t->cols[c];
        if (!col->is_list)
            continue;
        /* the last row holding an element gives it up: same values array, other offsets */
        for (size_t r = col->list_len; r-- > 0;)
            if (col->list_offsets[r + 1] > col->list_offsets[r]) {
                for (size_t j = r + 1; j <= col->list_len; j++)
                    col->list_offsets[j]--;
                col->values.len--;
                return;
            }
    }
    fail_msg("no list element to drop");
}

static void test_list_differs(void **state)
{
    (void)state;
    const char *a = CORPUS "lists_snappy.parquet";
    const char *b = rewrite(a, "lists-edited.parquet", 2, drop_last_element);
    assert_int_equal(identical(a, b, NULL), 0);
}

static void test_other_rows_or_schema(void **state)
{
    (void)state;
    assert_int_equal(
        identical(CORPUS "nettraffic_snappy.parquet", CORPUS "process_gzip.parquet", NULL), 0);
    assert_int_equal(identical("tests/fixtures/diff/base.parquet",
                               "tests/fixtures/diff/dropped_row.parquet", NULL),
                     0);
    assert_int_equal(identical("tests/fixtures/diff/base.parquet",
                               "tests/fixtures/diff/extra_column.parquet", NULL),
                     0);
    const char *ignore[] = {"x_score"};
    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.ignore = ignore;
    o.nignore = 1;
    assert_int_equal(identical("tests/fixtures/diff/base.parquet",
                               "tests/fixtures/diff/extra_column.parquet", &o),
                     1);
    /* a key column neither file has: the full comparison must report it */
    const char *key[] = {"no_such_column"};
    struct compare_options k = COMPARE_OPTIONS_INIT;
    k.key = key;
    k.nkey = 1;
    assert_int_equal(
        identical("tests/fixtures/diff/base.parquet", "tests/fixtures/diff/base.parquet", &k), 0);
    assert_int_equal(identical("tests/fixtures/diff/base.parquet", "/nonexistent.parquet", NULL),
                     0);
}

static void test_nan_rule(void **state)
{
    (void)state;
    /* base.parquet holds a NaN */
    struct compare_options o = COMPARE_OPTIONS_INIT;
    assert_int_equal(
        identical("tests/fixtures/diff/base.parquet", "tests/fixtures/diff/base.parquet", &o), 1);
    o.nan_equal = false;
    assert_int_equal(
        identical("tests/fixtures/diff/base.parquet", "tests/fixtures/diff/base.parquet", &o), 0);
}

/* pq_compare_files: the streaming pass when it can tell, else both files decoded and
 * compare_tables, which says what differs; a file that cannot be read is an error */
static void test_compare_files(void **state)
{
    (void)state;
    struct compare_options o = COMPARE_OPTIONS_INIT;
    struct compare_result r;
    const char *a = CORPUS "nettraffic_snappy.parquet";
    const char *b = rewrite(a, "rg13.parquet", 13, NULL);
    assert_int_equal(pq_compare_files(a, b, &o, &r), 0);
    assert_true(r.equal);
    assert_true(r.fast_path);
    compare_result_free(&r);
    edit_row = 1234;
    b = rewrite(a, "edited13.parquet", 13, change_last_byte);
    assert_int_equal(pq_compare_files(a, b, &o, &r), 0);
    assert_false(r.equal);
    assert_false(r.fast_path);
    assert_int_equal(r.expected_rows, 3000);
    assert_int_equal(r.cells_total, 1);
    compare_result_free(&r);
    assert_int_equal(pq_compare_files("tests/fixtures/diff/base.parquet",
                                      "tests/fixtures/diff/dropped_row.parquet", &o, &r),
                     0);
    assert_false(r.equal);
    compare_result_free(&r);
    /* unreadable files, either side: the error names the file */
    assert_int_equal(pq_compare_files(a, "/nonexistent/b.parquet", &o, &r), -1);
    assert_non_null(strstr(err_last(), "/nonexistent/b.parquet"));
    assert_int_equal(pq_compare_files("/nonexistent/a.parquet", a, &o, &r), -1);
    assert_non_null(strstr(err_last(), "/nonexistent/a.parquet"));
    /* options that do not fit the files: compare_tables' error */
    o.rtol = -1;
    assert_int_equal(pq_compare_files(a, b, &o, &r), -1);
    assert_non_null(strstr(err_last(), "tolerances must be finite and not negative"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_layouts_equal),
        cmocka_unit_test(test_lists_equal_across_layouts),
        cmocka_unit_test(test_one_value_differs),
        cmocka_unit_test(test_list_differs),
        cmocka_unit_test(test_other_rows_or_schema),
        cmocka_unit_test(test_nan_rule),
        cmocka_unit_test(test_compare_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
