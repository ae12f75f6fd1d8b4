/* Unit tests of the comparator (table/compare.h): every option on hand-built tables, and a
 * mutation test over a real Kestrel golden: every single-cell change, dropped row, added row,
 * renamed column and type change must be caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/parquet.h"
#include "table/compare.h"
#include "table/table.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct pq_type T_STRING = {.physical = PQ_BYTE_ARRAY, .logical = PQ_LOGICAL_STRING};
static const struct pq_type T_INT64 = {.physical = PQ_INT64};
static const struct pq_type T_DOUBLE = {.physical = PQ_DOUBLE};

/* A small Kestrel-like table: id, type, port (int64), bytes (double, nullable), tags (list). */
static void make_table(struct pq_table *t, size_t rows, const size_t *order)
{
    *t = (struct pq_table)PQ_TABLE_INIT;
    table_add_column(t, "id", T_STRING, true);
    table_add_column(t, "type", T_STRING, true);
    table_add_column(t, "port", T_INT64, true);
    table_add_column(t, "bytes", T_DOUBLE, true);
    table_add_list_column(t, "tags", T_STRING, true, true);
    /* pointers only now: adding a column may move the array */
    struct pq_column *id = &t->cols[0], *ty = &t->cols[1], *port = &t->cols[2];
    struct pq_column *bytes = &t->cols[3], *tags = &t->cols[4];
    for (size_t k = 0; k < rows; k++) {
        size_t i = order ? order[k] : k;
        char s[32];
        snprintf(s, sizeof s, "nt--%03zu", i);
        vector_append_bytes(&id->values, s, strlen(s));
        vector_append_bytes(&ty->values, "network-traffic", 15);
        vector_append_i64(&port->values, (int64_t)(1000 + i));
        if (i % 4 == 3)
            vector_append_null(&bytes->values);
        else
            vector_append_f64(&bytes->values, i % 5 == 1 ? NAN : (double)i * 1.5);
        if (i % 3 == 2) {
            column_list_append_null(tags);
        } else {
            column_list_begin_row(tags);
            vector_append_bytes(&tags->values, "tcp", 3);
            if (i % 2)
                vector_append_bytes(&tags->values, "http", 4);
            column_list_end_row(tags);
        }
    }
    t->nrows = rows;
}

static struct compare_result cmp(const struct pq_table *e, const struct pq_table *a,
                                 const struct compare_options *o)
{
    struct compare_result r;
    assert_int_equal(compare_tables(e, a, o, &r), 0);
    return r;
}

static void test_identical_fast_path(void **state)
{
    (void)state;
    struct pq_table e, a;
    make_table(&e, 50, NULL);
    make_table(&a, 50, NULL);
    struct compare_result r = cmp(&e, &a, NULL);
    assert_true(r.equal);
    assert_true(r.fast_path);
    assert_int_equal(r.ncells, 0);
    assert_int_equal(r.compared_columns, 5);
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

static void test_nan_equal_option(void **state)
{
    (void)state;
    struct pq_table e, a;
    make_table(&e, 10, NULL); /* rows 1 and 6 hold NaN */
    make_table(&a, 10, NULL);
    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.nan_equal = false;
    struct compare_result r = cmp(&e, &a, &o);
    assert_false(r.equal);
    assert_false(r.fast_path);
    assert_int_equal(r.cells_total, 2);
    assert_string_equal(r.cells[0].row, "row 1");
    assert_string_equal(r.cells[0].column, "bytes");
    assert_string_equal(r.cells[0].expected, "\"NaN\"");
    assert_string_equal(r.cells[1].row, "row 6");
    compare_result_free(&r);
    o.nan_equal = true;
    r = cmp(&e, &a, &o);
    assert_true(r.equal);
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

static void test_cell_difference_reported(void **state)
{
    (void)state;
    struct pq_table e, a;
    make_table(&e, 10, NULL);
    make_table(&a, 10, NULL);
    a.cols[2].values.v.i64[4] = 80;
    a.cols[3].values.v.f64[2] = 3.25;
    struct compare_result r = cmp(&e, &a, NULL);
    assert_false(r.equal);
    assert_int_equal(r.cells_total, 2);
    assert_int_equal(r.rows_differing, 2);
    assert_string_equal(r.cells[0].row, "row 2");
    assert_string_equal(r.cells[0].column, "bytes");
    assert_string_equal(r.cells[0].expected, "3.0");
    assert_string_equal(r.cells[0].actual, "3.25");
    assert_string_equal(r.cells[1].row, "row 4");
    assert_string_equal(r.cells[1].column, "port");
    assert_string_equal(r.cells[1].expected, "1004");
    assert_string_equal(r.cells[1].actual, "80");
    assert_int_equal(r.column_diffs[2], 1); /* port */
    struct buf s = BUF_INIT;
    compare_summary(&r, &s);
    assert_string_equal(s.data, "2 cells differ in 2 rows");
    buf_free(&s);
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

static void test_tolerance_default_and_per_column(void **state)
{
    (void)state;
    struct pq_table e, a;
    make_table(&e, 10, NULL);
    make_table(&a, 10, NULL);
    a.cols[3].values.v.f64[2] = 3.0 + 1e-7; /* expected 3.0 */
    a.cols[2].values.v.i64[0] = 1002;       /* expected 1000 */
    struct compare_result r = cmp(&e, &a, NULL);
    assert_int_equal(r.cells_total, 2);
    compare_result_free(&r);

    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.rtol = 1e-6; /* 3e-6 allowed on 3.0; 1e-3 on 1000: not enough for port */
    r = cmp(&e, &a, &o);
    assert_int_equal(r.cells_total, 1);
    assert_string_equal(r.cells[0].column, "port");
    compare_result_free(&r);

    struct compare_tolerance per[] = {{"port", 0, 2.0}};
    o.tolerances = per;
    o.ntolerances = 1;
    r = cmp(&e, &a, &o);
    assert_true(r.equal);
    compare_result_free(&r);

    per[0].atol = 1.999; /* boundary: |1002-1000| = 2 > 1.999 */
    r = cmp(&e, &a, &o);
    assert_int_equal(r.cells_total, 1);
    compare_result_free(&r);

    /* atol alone on doubles, rtol relative to the expected value */
    o.tolerances = NULL;
    o.ntolerances = 0;
    o.rtol = 0;
    o.atol = 1e-9;
    r = cmp(&e, &a, &o);
    assert_int_equal(r.cells_total, 2);
    compare_result_free(&r);

    o.atol = -1;
    struct compare_result bad;
    assert_int_equal(compare_tables(&e, &a, &o, &bad), -1);
    assert_non_null(strstr(err_last(), "not negative"));
    table_free(&e);
    table_free(&a);
}

static void test_key_ignores_order_and_reports_rows(void **state)
{
    (void)state;
    size_t shuffled[] = {7, 2, 9, 0, 4, 1, 8, 3, 6, 5};
    struct pq_table e, a;
    make_table(&e, 10, NULL);
    make_table(&a, 10, shuffled);
    struct compare_result r = cmp(&e, &a, NULL);
    assert_false(r.equal); /* by position they differ */
    compare_result_free(&r);

    const char *key[] = {"id"};
    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.key = key;
    o.nkey = 1;
    r = cmp(&e, &a, &o);
    assert_true(r.equal);
    assert_false(r.fast_path);
    compare_result_free(&r);

    /* actual: row nt--004 dropped, a new one added, one value changed */
    size_t other[] = {7, 2, 9, 0, 11, 1, 8, 3, 6, 5};
    table_free(&a);
    make_table(&a, 10, other);
    a.cols[2].values.v.i64[0] = 1; /* nt--007's port */
    r = cmp(&e, &a, &o);
    assert_false(r.equal);
    assert_int_equal(r.missing_total, 1);
    assert_string_equal(r.missing[0].row, "id=\"nt--004\"");
    assert_int_equal(r.extra_total, 1);
    assert_string_equal(r.extra[0].row, "id=\"nt--011\"");
    assert_int_equal(r.cells_total, 1);
    assert_string_equal(r.cells[0].row, "id=\"nt--007\"");
    assert_string_equal(r.cells[0].column, "port");
    struct buf s = BUF_INIT;
    compare_summary(&r, &s);
    assert_string_equal(s.data, "1 cell differs in 1 row, 1 missing row, 1 extra row");
    buf_free(&s);
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

static void test_composite_and_duplicate_keys(void **state)
{
    (void)state;
    size_t rows[] = {0, 1, 1, 2};
    struct pq_table e, a;
    make_table(&e, 4, rows);
    make_table(&a, 4, rows);
    a.cols[3].values.v.f64[2] = 99; /* second occurrence of nt--001 */
    const char *key[] = {"id", "type"};
    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.key = key;
    o.nkey = 2;
    struct compare_result r = cmp(&e, &a, &o);
    assert_false(r.equal);
    assert_int_equal(r.duplicates_total, 2); /* one key, reported for each side */
    assert_string_equal(r.duplicates[0].row, "id=\"nt--001\", type=\"network-traffic\" (expected)");
    assert_string_equal(r.duplicates[1].row, "id=\"nt--001\", type=\"network-traffic\" (actual)");
    assert_int_equal(r.cells_total, 1); /* duplicates matched in order of appearance */
    compare_result_free(&r);

    const char *badkey[] = {"nope"};
    o.key = badkey;
    o.nkey = 1;
    r = cmp(&e, &e, &o);
    assert_false(r.equal);
    assert_int_equal(r.nschema, 1);
    assert_int_equal(r.schema[0].kind, SCHEMA_BAD_KEY);
    assert_non_null(strstr(r.schema[0].message, "key column 'nope' is missing"));
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

static void test_ignore_columns(void **state)
{
    (void)state;
    struct pq_table e, a;
    make_table(&e, 6, NULL);
    make_table(&a, 6, NULL);
    a.cols[3].values.v.f64[0] = 12345;
    free(a.cols[4].name);
    a.cols[4].name = strdup("labels"); /* tags renamed */
    const char *ignore[] = {"bytes", "tags", "labels"};
    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.ignore = ignore;
    o.nignore = 3;
    struct compare_result r = cmp(&e, &a, &o);
    assert_true(r.equal);
    assert_int_equal(r.compared_columns, 3);
    compare_result_free(&r);
    o.nignore = 1;
    r = cmp(&e, &a, &o);
    assert_false(r.equal);
    assert_int_equal(r.nschema, 2);
    assert_string_equal(r.schema[0].message, "column 'tags' (list<string>) is missing");
    assert_string_equal(r.schema[1].message, "column 'labels' (list<string>) is new");
    assert_int_equal(r.cells_total, 0);
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

static void test_type_change_and_column_order(void **state)
{
    (void)state;
    struct pq_table e, a;
    make_table(&e, 3, NULL);
    make_table(&a, 3, NULL);
    a.cols[2].values.type = T_DOUBLE; /* port: int64 became double */
    struct compare_result r = cmp(&e, &a, NULL);
    assert_false(r.equal);
    assert_int_equal(r.nschema, 1);
    assert_int_equal(r.schema[0].kind, SCHEMA_TYPE_CHANGED);
    assert_string_equal(r.schema[0].message, "column 'port': int64 became double");
    compare_result_free(&r);
    table_free(&a);

    /* swap two columns: equal unless the order is strict */
    make_table(&a, 3, NULL);
    struct pq_column tmp = a.cols[0];
    a.cols[0] = a.cols[1];
    a.cols[1] = tmp;
    r = cmp(&e, &a, NULL);
    assert_true(r.equal);
    compare_result_free(&r);
    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.strict_column_order = true;
    r = cmp(&e, &a, &o);
    assert_false(r.equal);
    assert_int_equal(r.schema[0].kind, SCHEMA_ORDER);
    assert_string_equal(r.schema[0].message, "column order changed: expected id, type, port, "
                                             "bytes, tags; actual type, id, port, bytes, tags");
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

static void test_row_count_and_caps(void **state)
{
    (void)state;
    struct pq_table e, a;
    make_table(&e, 40, NULL);
    make_table(&a, 10, NULL);
    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.max_rows = 5;
    struct compare_result r = cmp(&e, &a, &o);
    assert_false(r.equal);
    assert_int_equal(r.missing_total, 30);
    assert_int_equal(r.nmissing, 5);
    assert_string_equal(r.missing[0].row, "row 10");
    assert_int_equal(r.extra_total, 0);
    compare_result_free(&r);
    r = cmp(&a, &e, &o);
    assert_int_equal(r.extra_total, 30);
    compare_result_free(&r);

    /* every port differs: only max_cells kept, all counted */
    for (size_t i = 0; i < 10; i++)
        a.cols[2].values.v.i64[i] = -1;
    struct pq_table e10;
    make_table(&e10, 10, NULL);
    o.max_cells = 3;
    r = cmp(&e10, &a, &o);
    assert_int_equal(r.ncells, 3);
    assert_int_equal(r.cells_total, 10);
    compare_result_free(&r);
    table_free(&e10);
    table_free(&e);
    table_free(&a);
}

static void test_lists_and_nulls(void **state)
{
    (void)state;
    struct pq_table e, a;
    make_table(&e, 6, NULL);
    make_table(&a, 6, NULL);
    /* row 1 has ["tcp","http"]: change the second element */
    size_t el = (size_t)a.cols[4].list_offsets[1] + 1;
    size_t len;
    uint8_t *p = (uint8_t *)vector_bytes(&a.cols[4].values, el, &len);
    p[0] = 'H';
    /* row 0 bytes: 0.0 -> null */
    a.cols[3].values.valid[0] = 0;
    struct compare_result r = cmp(&e, &a, NULL);
    assert_int_equal(r.cells_total, 2);
    assert_string_equal(r.cells[0].column, "bytes");
    assert_string_equal(r.cells[0].actual, "null");
    assert_string_equal(r.cells[1].column, "tags");
    assert_string_equal(r.cells[1].expected, "[\"tcp\", \"http\"]");
    assert_string_equal(r.cells[1].actual, "[\"tcp\", \"Http\"]");
    compare_result_free(&r);
    table_free(&e);
    table_free(&a);
}

static void test_split_list(void **state)
{
    (void)state;
    size_t n;
    char **l = compare_split_list(" id, src_ref.value ,,type", &n);
    assert_int_equal(n, 3);
    assert_string_equal(l[0], "id");
    assert_string_equal(l[1], "src_ref.value");
    assert_string_equal(l[2], "type");
    assert_null(l[3]);
    compare_free_list(l);
}

/* ---- mutation test over a real golden ---- */

/* A copy of the first `limit` rows of src without row `skip` and with row `dup` appended again
 * (SIZE_MAX: none). */
static void copy_first(struct pq_table *dst, const struct pq_table *src, size_t limit, size_t skip,
                       size_t dup)
{
    size_t nrows = limit < src->nrows ? limit : src->nrows;
    *dst = (struct pq_table)PQ_TABLE_INIT;
    for (size_t c = 0; c < src->ncols; c++) {
        const struct pq_column *s = &src->cols[c];
        if (s->is_list)
            table_add_list_column(dst, s->name, s->values.type, s->optional, s->element_optional);
        else
            table_add_column(dst, s->name, s->values.type, s->optional);
    }
    for (size_t c = 0; c < src->ncols; c++) {
        const struct pq_column *s = &src->cols[c];
        struct pq_column *d = &dst->cols[c];
        size_t total = nrows + (dup != SIZE_MAX);
        for (size_t k = 0; k < total; k++) {
            size_t r = k < nrows ? k : dup;
            if (r == skip)
                continue;
            if (!s->is_list) {
                vector_append_from(&d->values, &s->values, r);
            } else if (column_is_null(s, r)) {
                column_list_append_null(d);
            } else {
                column_list_begin_row(d);
                for (uint64_t x = s->list_offsets[r]; x < s->list_offsets[r + 1]; x++)
                    vector_append_from(&d->values, &s->values, (size_t)x);
                column_list_end_row(d);
            }
        }
    }
    dst->nrows = nrows - (skip != SIZE_MAX) + (dup != SIZE_MAX);
}

static void copy_rows(struct pq_table *dst, const struct pq_table *src, size_t skip, size_t dup)
{
    copy_first(dst, src, SIZE_MAX, skip, dup);
}

static void ensure_valid(struct pq_vector *v)
{
    if (!v->valid) {
        v->valid = malloc(v->cap ? v->cap : 1);
        memset(v->valid, 1, v->len);
    }
}

/* Changes value i of a flat column in place; undo restores it. */
struct mutation {
    uint8_t valid;
    bool toggled; /* null <-> value rather than a changed value */
    double f64;
};

static void mutate(struct pq_vector *v, size_t i, struct mutation *m, bool undo)
{
    size_t len = 1;
    bool bytes = v->type.physical == PQ_BYTE_ARRAY || v->type.physical == PQ_FIXED_LEN_BYTE_ARRAY;
    if (!undo) {
        m->valid = v->valid[i];
        if (bytes)
            vector_bytes(v, i, &len);
        m->toggled = !m->valid || len == 0;
    }
    if (m->toggled) {
        v->valid[i] = undo ? m->valid : !m->valid;
        return;
    }
    switch (v->type.physical) {
    case PQ_BOOLEAN: v->v.b[i] ^= 1; break;
    case PQ_INT32: v->v.i32[i] ^= 1; break;
    case PQ_INT64:
    case PQ_INT96: v->v.i64[i] ^= 1; break;
    case PQ_FLOAT:
        if (undo) {
            v->v.f32[i] = (float)m->f64;
        } else {
            m->f64 = v->v.f32[i];
            v->v.f32[i] = isnan(v->v.f32[i]) ? 1.0f : v->v.f32[i] * 2 + 1;
        }
        break;
    case PQ_DOUBLE:
        if (undo) {
            v->v.f64[i] = m->f64;
        } else {
            m->f64 = v->v.f64[i];
            v->v.f64[i] = isnan(v->v.f64[i]) ? 1.0 : v->v.f64[i] * 2 + 1;
        }
        break;
    default: {
        uint8_t *p = (uint8_t *)vector_bytes(v, i, &len);
        p[len - 1] ^= 1;
    }
    }
}

static void assert_caught(const struct pq_table *e, const struct pq_table *a,
                          const struct compare_options *o, const char *what, size_t row,
                          const char *col)
{
    struct compare_result r;
    assert_int_equal(compare_tables(e, a, o, &r), 0);
    if (r.equal) {
        fail_msg("mutation not caught: %s (row %zu, column '%s')", what, row, col);
    }
    compare_result_free(&r);
}

static size_t mutation_suite(const struct pq_table *golden, const struct compare_options *o)
{
    size_t caught = 0;
    struct pq_table m;
    copy_rows(&m, golden, SIZE_MAX, SIZE_MAX);
    struct compare_result r;
    assert_int_equal(compare_tables(golden, &m, o, &r), 0);
    assert_true(r.equal);
    compare_result_free(&r);

    /* every single-cell change */
    for (size_t c = 0; c < m.ncols; c++) {
        struct pq_column *col = &m.cols[c];
        if (col->is_list)
            continue; /* list cells: covered by test_lists_and_nulls */
        ensure_valid(&col->values);
        for (size_t i = 0; i < m.nrows; i++) {
            struct mutation mu;
            mutate(&col->values, i, &mu, false);
            assert_caught(golden, &m, o, "cell change", i, col->name);
            mutate(&col->values, i, &mu, true);
            caught++;
        }
    }
    assert_int_equal(compare_tables(golden, &m, o, &r), 0);
    assert_true(r.equal); /* every undo restored the table */
    compare_result_free(&r);

    /* every renamed column and type change */
    for (size_t c = 0; c < m.ncols; c++) {
        struct pq_column *col = &m.cols[c];
        char *name = col->name;
        col->name = strdup("renamed");
        assert_caught(golden, &m, o, "renamed column", 0, name);
        free(col->name);
        col->name = name;
        struct pq_type t = col->values.type;
        struct pq_type other = t;
        switch (t.physical) {
        case PQ_INT64: other.physical = PQ_DOUBLE, other.logical = PQ_LOGICAL_NONE; break;
        case PQ_DOUBLE: other.physical = PQ_INT64; break;
        case PQ_BYTE_ARRAY:
            other.logical = t.logical == PQ_LOGICAL_STRING ? PQ_LOGICAL_NONE : PQ_LOGICAL_STRING;
            break;
        case PQ_INT32: other.physical = PQ_FLOAT, other.logical = PQ_LOGICAL_NONE; break;
        default: other.logical = t.logical == PQ_LOGICAL_NONE ? PQ_LOGICAL_JSON : PQ_LOGICAL_NONE;
        }
        col->values.type = other;
        struct compare_result tr;
        assert_int_equal(compare_tables(golden, &m, o, &tr), 0);
        assert_false(tr.equal);
        assert_true(tr.nschema >= 1);
        bool named = false;
        for (size_t s = 0; s < tr.nschema; s++)
            named |= tr.schema[s].column && !strcmp(tr.schema[s].column, name) &&
                     strstr(tr.schema[s].message, "became") != NULL;
        if (!named)
            fail_msg("type change of '%s' not reported as such", name);
        compare_result_free(&tr);
        col->values.type = t;
        caught += 2;
    }
    table_free(&m);

    /* every dropped row, every added (duplicated) row */
    for (size_t i = 0; i < golden->nrows; i++) {
        copy_rows(&m, golden, i, SIZE_MAX);
        assert_caught(golden, &m, o, "dropped row", i, "");
        table_free(&m);
        copy_rows(&m, golden, SIZE_MAX, i);
        assert_caught(golden, &m, o, "added row", i, "");
        table_free(&m);
        caught += 2;
    }
    return caught;
}

static void test_mutations_hand_built(void **state)
{
    (void)state;
    struct pq_table t;
    make_table(&t, 30, NULL);
    size_t n = mutation_suite(&t, NULL);
    assert_int_equal(n, 4 * 30 + 5 * 2 + 30 * 2);
    table_free(&t);
}

static void test_mutations_real_golden(void **state)
{
    (void)state;
    const char *path = "../shared/kestrel-testdata/nettraffic.parquet.gz";
    struct pq_table t = PQ_TABLE_INIT;
    if (pq_read_file(path, &t) < 0)
        fail_msg("%s", err_last());
    assert_true(t.nrows >= 400);
    assert_true(t.ncols >= 8);
    size_t flat = 0;
    for (size_t c = 0; c < t.ncols; c++)
        flat += !t.cols[c].is_list;
    size_t n = mutation_suite(&t, NULL);
    assert_int_equal(n, flat * t.nrows + t.ncols * 2 + t.nrows * 2);

    /* and matched by key: order ignored, still every change caught */
    const char *key[] = {"id"};
    struct compare_options o = COMPARE_OPTIONS_INIT;
    o.key = key;
    o.nkey = 1;
    struct pq_table small;
    copy_first(&small, &t, 120, SIZE_MAX, SIZE_MAX); /* keep the keyed run quick */
    table_free(&t);
    n = mutation_suite(&small, &o);
    assert_int_equal(n, flat * 120 + small.ncols * 2 + 120 * 2);
    table_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical_fast_path),
        cmocka_unit_test(test_nan_equal_option),
        cmocka_unit_test(test_cell_difference_reported),
        cmocka_unit_test(test_tolerance_default_and_per_column),
        cmocka_unit_test(test_key_ignores_order_and_reports_rows),
        cmocka_unit_test(test_composite_and_duplicate_keys),
        cmocka_unit_test(test_ignore_columns),
        cmocka_unit_test(test_type_change_and_column_order),
        cmocka_unit_test(test_row_count_and_caps),
        cmocka_unit_test(test_lists_and_nulls),
        cmocka_unit_test(test_split_list),
        cmocka_unit_test(test_mutations_hand_built),
        cmocka_unit_test(test_mutations_real_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
