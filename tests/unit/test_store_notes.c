/* Unit tests of store_notes (tool/runner/store_notes.c): what Kestrel's store changes in an
 * output becomes a note, never a failure, and clean outputs get no note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "result/test_result.h"
#include "runner/store_notes.h"
#include "table/table.h"

#include <string.h>

static const struct pq_type string_type = {PQ_BYTE_ARRAY, 0, PQ_LOGICAL_STRING, 0, false, 0, 0, 0,
                                           false};
static const struct pq_type int64_type = {PQ_INT64, 0, PQ_LOGICAL_NONE, 0, false, 0, 0, 0, false};
static const struct pq_type ts_type = {PQ_INT64,  0,   PQ_LOGICAL_TIMESTAMP, 0, false, 0, 0,
                                       PQ_MICROS, true};
static const struct pq_type bool_type = {PQ_BOOLEAN, 0, PQ_LOGICAL_NONE, 0, false, 0, 0, 0, false};

/* A table with id/type columns holding ids[0..n). */
static void ids_table(struct pq_table *t, const char *const *ids, size_t n)
{
    table_add_column(t, "id", string_type, false);
    table_add_column(t, "type", string_type, false);
    struct pq_column *id = &t->cols[0], *type = &t->cols[1]; /* after the last realloc */
    for (size_t i = 0; i < n; i++) {
        vector_append_bytes(&id->values, ids[i], strlen(ids[i]));
        vector_append_bytes(&type->values, "process", 7);
    }
    t->nrows = n;
}

static const struct case_problem *note(const struct case_result *r, const char *rule)
{
    for (size_t i = 0; i < r->nnotes; i++)
        if (!strcmp(r->notes[i].rule, rule))
            return &r->notes[i];
    return NULL;
}

static void test_clean_output_has_no_note(void **state)
{
    (void)state;
    const char *ids[] = {"process--1", "process--2"};
    struct pq_table in = PQ_TABLE_INIT, out = PQ_TABLE_INIT;
    ids_table(&in, ids, 2);
    ids_table(&out, ids, 2);
    struct pq_column *n = table_add_column(&out, "x_count", int64_type, true);
    vector_append_i64(&n->values, 1);
    vector_append_i64(&n->values, 2);
    struct case_result r;
    case_result_init(&r, "a", "c");
    store_notes(&out, &in, "output/0.parquet.gz", 0, &r);
    assert_int_equal(r.nnotes, 0);
    assert_int_equal(r.status, CASE_PASS);
    case_result_free(&r);
    table_free(&in);
    table_free(&out);
}

static void test_bool_and_int_nulls(void **state)
{
    (void)state;
    const char *ids[] = {"process--1", "process--2"};
    struct pq_table out = PQ_TABLE_INIT;
    ids_table(&out, ids, 2);
    struct pq_column *b = table_add_column(&out, "x_bad", bool_type, false);
    vector_append_bool(&b->values, true);
    vector_append_bool(&b->values, false);
    struct pq_column *n = table_add_column(&out, "x_count", int64_type, true);
    vector_append_i64(&n->values, 7);
    vector_append_null(&n->values);
    /* a timestamp with nulls is not an integer to pandas: no int note */
    struct pq_column *ts = table_add_column(&out, "x_seen", ts_type, true);
    vector_append_null(&ts->values);
    vector_append_i64(&ts->values, 1);
    struct case_result r;
    case_result_init(&r, "a", "c");
    store_notes(&out, NULL, "output/0.parquet.gz", 0, &r);
    assert_int_equal(r.nnotes, 2);
    assert_int_equal(r.status, CASE_PASS); /* notes never fail a case */
    assert_int_equal(r.nproblems, 0);
    const struct case_problem *p = note(&r, RULE_STORE_BOOL);
    assert_non_null(p);
    assert_string_equal(p->file, "output/0.parquet.gz");
    assert_non_null(strstr(p->message, "column 'x_bad' is boolean"));
    p = note(&r, RULE_STORE_INT_NULLS);
    assert_non_null(p);
    assert_non_null(strstr(p->message, "column 'x_count' is int64 with 1 null"));
    assert_non_null(strstr(p->message, "double"));
    case_result_free(&r);
    table_free(&out);
}

static void test_dropped_rows_stay(void **state)
{
    (void)state;
    const char *in_ids[] = {"process--1", "process--2", "process--3", "process--2",
                            "process--4", "process--5", "process--6"};
    const char *out_ids[] = {"process--2", "process--9"};
    struct pq_table in = PQ_TABLE_INIT, out = PQ_TABLE_INIT;
    ids_table(&in, in_ids, 7);
    ids_table(&out, out_ids, 2);
    struct case_result r;
    case_result_init(&r, "a", "c");
    store_notes(&out, &in, "output/1.parquet.gz", 1, &r);
    assert_int_equal(r.nnotes, 1);
    const struct case_problem *p = note(&r, RULE_STORE_UPSERT);
    assert_non_null(p);
    assert_non_null(strstr(p->message, "5 ids of input 1 are not in output/1.parquet.gz "
                                       "('process--1', 'process--3', 'process--4', ...)"));
    assert_non_null(strstr(p->message, "stay in the variable"));
    case_result_free(&r);
    /* an input without id (Kestrel's empty variable: 0 columns) gives no note */
    struct pq_table empty = PQ_TABLE_INIT;
    case_result_init(&r, "a", "c");
    store_notes(&out, &empty, "output/0.parquet.gz", 0, &r);
    assert_int_equal(r.nnotes, 0);
    case_result_free(&r);
    table_free(&in);
    table_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_output_has_no_note),
        cmocka_unit_test(test_bool_and_int_nulls),
        cmocka_unit_test(test_dropped_rows_stay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
