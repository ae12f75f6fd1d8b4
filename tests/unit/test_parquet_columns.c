/* Columns of a Parquet file chosen by name and its schema as an empty table
 * (parquet/columns.c), and the physical type names of parquet.thrift (parquet/metadata.c):
 * what `kanalytic show --columns` and `show --schema` use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdlib.h>
#include <string.h>

#define NETTRAFFIC "../shared/parquet-corpus/nettraffic_snappy.parquet"
#define SMALL_GROUPS "../shared/parquet-corpus/nettraffic_small_pages_rowgroups.parquet"

static struct pq_reader *open_file(const char *path)
{
    struct pq_reader *r = NULL;
    if (pq_reader_open(&r, path, NULL) < 0)
        fail_msg("%s", err_last());
    return r;
}

static void test_select_columns(void **state)
{
    (void)state;
    struct pq_reader *r = open_file(NETTRAFFIC);
    size_t nc = pq_reader_num_columns(r);
    assert_int_equal(nc, 11);
    bool *want = NULL;
    /* names in any order; the flags follow the schema */
    assert_int_equal(pq_reader_select_columns(r, "src_port,id", &want), 0);
    for (size_t i = 0; i <= nc; i++)
        assert_int_equal(want[i], i == 1 || i == 5);
    free(want);
    /* a dotted name is one column; empty items are passed over */
    assert_int_equal(pq_reader_select_columns(r, ",src_ref.value,,", &want), 0);
    for (size_t i = 0; i <= nc; i++)
        assert_int_equal(want[i], i == 2);
    free(want);
    /* a name the file does not have: an error naming it, *out untouched */
    bool sentinel;
    want = &sentinel;
    assert_int_equal(pq_reader_select_columns(r, "id,src_ref", &want), -1);
    assert_ptr_equal(want, &sentinel);
    assert_string_equal(err_last(), "no column 'src_ref' in the file");
    assert_int_equal(pq_reader_select_columns(r, "ID", &want), -1);
    pq_reader_free(r);
}

static void test_empty_table(void **state)
{
    (void)state;
    struct pq_reader *r = open_file(NETTRAFFIC);
    bool *want = NULL;
    assert_int_equal(pq_reader_select_columns(r, "first_observed,type,dst_port", &want), 0);
    struct pq_table t;
    pq_reader_empty_table(r, want, &t);
    assert_int_equal(t.nrows, 0);
    assert_int_equal(t.ncols, 3);
    const char *names[] = {"type", "dst_port", "first_observed"};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(t.cols[i].name, names[i]);
        assert_true(t.cols[i].optional);
        assert_int_equal(column_rows(&t.cols[i]), 0);
    }
    assert_int_equal(t.cols[0].values.type.physical, PQ_BYTE_ARRAY);
    assert_int_equal(t.cols[1].values.type.physical, PQ_DOUBLE);
    assert_int_equal(t.cols[2].values.type.physical, PQ_INT64);
    assert_int_equal(t.cols[2].values.type.logical, PQ_LOGICAL_TIMESTAMP);
    table_free(&t);
    free(want);
    /* no selection: every column */
    pq_reader_empty_table(r, NULL, &t);
    assert_int_equal(t.ncols, 11);
    assert_string_equal(t.cols[10].name, "first_observed");
    table_free(&t);
    pq_reader_free(r);
}

static void test_physical_names(void **state)
{
    (void)state;
    const char *names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                           "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    for (int p = 0; p < 8; p++)
        assert_string_equal(pq_physical_name(p), names[p]);
    assert_int_equal(PQ_FIXED_LEN_BYTE_ARRAY, 7);
    assert_string_equal(pq_physical_name(8), "?");
    assert_string_equal(pq_physical_name(-1), "?");
}

struct scan_log {
    size_t calls, rows, last_n, stop_at;
};

static int log_rows(void *ctx, const struct pq_table *t, size_t n)
{
    struct scan_log *l = ctx;
    assert_true(n <= t->nrows);
    assert_true(n > 0);
    l->calls++;
    l->rows += n;
    l->last_n = n;
    return l->calls == l->stop_at ? 7 : 0;
}

/* pq_reader_scan: row group by row group, only as far as max_rows, stopped by fn */
static void test_scan(void **state)
{
    (void)state;
    struct pq_reader *r = open_file(SMALL_GROUPS);
    size_t nrg = pq_reader_num_row_groups(r);
    uint64_t rows = pq_reader_num_rows(r), first = pq_reader_row_group_rows(r, 0);
    assert_true(nrg > 2);
    assert_true(first < rows);
    struct scan_log l = {0};
    assert_int_equal(pq_reader_scan(r, NULL, UINT64_MAX, log_rows, &l), 0);
    assert_int_equal(l.rows, rows);
    assert_int_equal(l.calls, nrg);
    /* one row past the first row group: two calls, the second counting one row */
    memset(&l, 0, sizeof l);
    assert_int_equal(pq_reader_scan(r, NULL, first + 1, log_rows, &l), 0);
    assert_int_equal(l.calls, 2);
    assert_int_equal(l.rows, first + 1);
    assert_int_equal(l.last_n, 1);
    memset(&l, 0, sizeof l);
    assert_int_equal(pq_reader_scan(r, NULL, 0, log_rows, &l), 0);
    assert_int_equal(l.calls, 0);
    /* fn stops it: its value comes back, nothing more is read */
    memset(&l, 0, sizeof l);
    l.stop_at = 2;
    assert_int_equal(pq_reader_scan(r, NULL, UINT64_MAX, log_rows, &l), 7);
    assert_int_equal(l.calls, 2);
    pq_reader_free(r);
    /* a row group decoded past max_rows (whole pages): only max_rows count */
    r = open_file(NETTRAFFIC);
    memset(&l, 0, sizeof l);
    assert_int_equal(pq_reader_scan(r, NULL, 5, log_rows, &l), 0);
    assert_int_equal(l.calls, 1);
    assert_int_equal(l.rows, 5);
    pq_reader_free(r);

    /* a row group that cannot be read: -1 with the error, fn not called for it */
    struct buf b = BUF_INIT;
    assert_int_equal(fs_read_file(SMALL_GROUPS, 1 << 24, &b), 0);
    memset(b.data + 4, 0xff, 64); /* the first page header */
    assert_int_equal(pq_reader_open_memory(&r, b.data, b.len, "broken.parquet", NULL), 0);
    memset(&l, 0, sizeof l);
    assert_int_equal(pq_reader_scan(r, NULL, UINT64_MAX, log_rows, &l), -1);
    assert_int_equal(l.calls, 0);
    assert_non_null(strstr(err_last(), "broken.parquet"));
    pq_reader_free(r);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_columns),
        cmocka_unit_test(test_empty_table),
        cmocka_unit_test(test_physical_names),
        cmocka_unit_test(test_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
