/* The C template's Kestrel contract helpers (template/c/src/kestrel.c), compiled here against
 * the library with /data moved to a temporary folder: kestrel_run writes an output per input,
 * and none for a result with no rows (Kestrel's APPLY crashes on a 0-row output). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define DATA_DIR "/tmp/kanalytic-unit-template-c"
#include "../../template/c/src/kestrel.c"

#include <stdlib.h>

static void write_input(size_t rows)
{
    assert_int_equal(system("rm -rf " DATA_DIR " && mkdir -p " DATA_DIR "/input"), 0);
    struct pq_table t = PQ_TABLE_INIT;
    struct pq_type s = {0};
    s.physical = PQ_BYTE_ARRAY;
    s.logical = PQ_LOGICAL_STRING;
    table_add_column(&t, "id", s, true);
    table_add_column(&t, "type", s, true); /* may move the first: take pointers after */
    struct pq_column *id = &t.cols[0], *ty = &t.cols[1];
    for (size_t i = 0; i < rows; i++) {
        vector_append_bytes(&id->values, "x--1", 4);
        vector_append_bytes(&ty->values, "x", 1);
    }
    t.nrows = rows;
    if (pq_write_file(DATA_DIR "/input/0.parquet.gz", &t, NULL) < 0)
        fail_msg("%s", err_last());
    table_free(&t);
}

static int keep(struct pq_table *t, const void *params)
{
    (void)t, (void)params;
    return 0;
}

static int drop_all(struct pq_table *t, const void *params)
{
    (void)params;
    for (size_t c = 0; c < t->ncols; c++) {
        struct pq_vector *v = &t->cols[c].values;
        v->len = 0;
        v->data_len = 0;
    }
    t->nrows = 0;
    return 0;
}

static void test_writes_each_output(void **state)
{
    (void)state;
    write_input(2);
    assert_int_equal(kestrel_run("t", keep, NULL), 0);
    struct pq_table out = PQ_TABLE_INIT;
    assert_int_equal(pq_read_file(DATA_DIR "/output/0.parquet.gz", &out), 0);
    assert_int_equal(out.nrows, 2);
    table_free(&out);
}

static void test_no_rows_writes_no_file(void **state)
{
    (void)state;
    write_input(2);
    assert_int_equal(kestrel_run("t", drop_all, NULL), 0);
    assert_false(fs_exists(DATA_DIR "/output/0.parquet.gz"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_each_output),
        cmocka_unit_test(test_no_rows_writes_no_file),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (system("rm -rf " DATA_DIR) != 0)
        return 1;
    return rc;
}
