/* Unit tests of tool/report/text_table.c: the terminal table of `show` and `run` (widths from
 * the header and the first rows, cells cut with …, columns left out past the width). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/text_table.h"
#include "table/table.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

static struct pq_type string_type(void)
{
    struct pq_type t = {0};
    t.physical = PQ_BYTE_ARRAY;
    t.logical = PQ_LOGICAL_STRING;
    return t;
}

/* id int64, name string, note string; three rows, the second with a null name. */
static void make_table(struct pq_table *t)
{
    struct pq_type i64 = {0};
    i64.physical = PQ_INT64;
    table_add_column(t, "id", i64, false);
    table_add_column(t, "name", string_type(), true);
    table_add_column(t, "note", string_type(), true);
    /* after the last add: adding may move the columns */
    struct pq_column *id = &t->cols[0], *name = &t->cols[1], *note = &t->cols[2];
    const char *names[] = {"alice", NULL, "bob\tby"};
    const char *notes[] = {"short", "a much longer note", "x"};
    for (int i = 0; i < 3; i++) {
        vector_append_i64(&id->values, 10 * (i + 1));
        if (names[i])
            vector_append_bytes(&name->values, names[i], strlen(names[i]));
        else
            vector_append_null(&name->values);
        vector_append_bytes(&note->values, notes[i], strlen(notes[i]));
    }
    t->nrows = 3;
    assert_int_equal(table_check(t), 0);
}

static void test_rows_fit(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT;
    make_table(&t);
    struct text_table tp = TEXT_TABLE_INIT;
    tp.width = 80;
    struct buf out = BUF_INIT;
    text_table_rows(&tp, &out, &t, 3);
    const char *want = "id  name     note\n"
                       "──  ───────  ──────────────────\n"
                       "10  alice    short\n"
                       "20  null     a much longer note\n"
                       "30  bob\\tby  x\n";
    assert_string_equal(out.data, want);
    assert_int_equal(tp.ncols, 3);
    assert_false(tp.more);
    /* a later batch lines up with the first layout (no second header) */
    buf_reset(&out);
    text_table_rows(&tp, &out, &t, 1);
    assert_string_equal(out.data, "10  alice    short\n");
    text_table_free(&tp);
    buf_free(&out);
    table_free(&t);
}

static void test_rows_shrink_and_leave_out(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT;
    make_table(&t);
    /* 24 columns: the note column (the widest) is cut to 2+2+7+2+11 = 24, ending in … */
    struct text_table tp = TEXT_TABLE_INIT;
    tp.width = 24;
    struct buf out = BUF_INIT;
    text_table_rows(&tp, &out, &t, 3);
    const char *want = "id  name     note\n"
                       "──  ───────  ───────────\n"
                       "10  alice    short\n"
                       "20  null     a much lon…\n"
                       "30  bob\\tby  x\n";
    assert_string_equal(out.data, want);
    text_table_free(&tp);
    /* 11 columns: id, name and note at their least (2+2+4+2+4 = 14) do not fit, so note is
     * left out and "  …" marks it (2+2+4+3 = 11) */
    struct text_table narrow = TEXT_TABLE_INIT;
    narrow.width = 11;
    buf_reset(&out);
    text_table_rows(&narrow, &out, &t, 3);
    assert_true(narrow.more);
    assert_int_equal(narrow.ncols, 2);
    assert_non_null(strstr(out.data, "  …\n"));
    assert_null(strstr(out.data, "note"));
    text_table_free(&narrow);
    buf_free(&out);
    table_free(&t);
}

static void test_header_alone_and_marks(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT;
    make_table(&t);
    bool marked[] = {false, true, false};
    struct text_table tp = TEXT_TABLE_INIT;
    tp.width = 80;
    tp.marked = marked;
    struct buf out = BUF_INIT;
    text_table_rows(&tp, &out, &t, 0);
    /* no rows: widths from the names alone; a marked column shows a leading + */
    assert_string_equal(out.data, "id  +name  note\n──  ─────  ────\n");
    text_table_free(&tp);
    buf_free(&out);
    table_free(&t);
}

/* The marked columns first, each group in its order; the view shares the columns. */
static void test_marked_first(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT, view;
    make_table(&t);
    bool marked[] = {false, true, true}, *view_marked;
    text_table_marked_first(&t, marked, &view, &view_marked);
    assert_int_equal(view.ncols, 3);
    assert_int_equal(view.nrows, t.nrows);
    assert_ptr_equal(view.cols[0].name, t.cols[1].name);
    assert_ptr_equal(view.cols[1].name, t.cols[2].name);
    assert_ptr_equal(view.cols[2].name, t.cols[0].name);
    assert_true(view_marked[0] && view_marked[1] && !view_marked[2]);
    struct text_table tp = TEXT_TABLE_INIT;
    tp.width = 80;
    tp.marked = view_marked;
    struct buf out = BUF_INIT;
    text_table_rows(&tp, &out, &view, 0);
    assert_string_equal(out.data, "+name  +note  id\n─────  ─────  ──\n");
    text_table_free(&tp);
    buf_free(&out);
    free(view.cols);
    free(view_marked);
    table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_fit),
        cmocka_unit_test(test_rows_shrink_and_leave_out),
        cmocka_unit_test(test_header_alone_and_marks),
        cmocka_unit_test(test_marked_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
