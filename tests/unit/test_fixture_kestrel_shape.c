/* Unit tests of Kestrel's input shape (tool/fixture/kestrel_shape.c): the findings of the check
 * on files pandas wrote (tests/fixtures/kestrel-shape, made with pandas 2.3 / pyarrow 25 as
 * Kestrel's own to_parquet would), and the rewrite into the shape the check accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture/kestrel_shape.h"
#include "parquet/parquet.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIX "tests/fixtures/kestrel-shape/"

/* The finding of `rule` in diags that mentions `needle`, or NULL. */
static const struct diag *finding(const struct diag_list *d, const char *rule, const char *needle)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].rule && !strcmp(d->items[i].rule, rule) &&
            strstr(d->items[i].message, needle))
            return &d->items[i];
    return NULL;
}

static void expect(const struct diag_list *d, const char *rule, const char *needle,
                   enum diag_severity sev)
{
    const struct diag *f = finding(d, rule, needle);
    if (!f)
        fail_msg("no %s finding mentioning %s", rule, needle);
    assert_int_equal(f->severity, sev);
}

static void dump(const struct diag_list *d)
{
    for (size_t i = 0; i < d->count; i++)
        fprintf(stderr, "  %s: %s [%s]\n", diag_severity_name(d->items[i].severity),
                d->items[i].message, d->items[i].rule);
}

static void test_bare_ref_names(void **state)
{
    (void)state;
    assert_true(kestrel_is_bare_ref("x_contained_by_ref"));
    assert_true(kestrel_is_bare_ref("src_ref"));
    assert_true(kestrel_is_bare_ref("parent_ref.binary_ref"));
    assert_true(kestrel_is_bare_ref("opened_connection_refs"));
    assert_true(kestrel_is_bare_ref("x.'odd_ref'"));
    assert_false(kestrel_is_bare_ref("src_ref.value"));
    assert_false(kestrel_is_bare_ref("x_contained_by_ref.id"));
    assert_false(kestrel_is_bare_ref("parent_ref.binary_ref.name"));
    assert_false(kestrel_is_bare_ref("opened_connection_refs_count"));
    assert_false(kestrel_is_bare_ref("opened_connection_ref_0.src_ref.value"));
    assert_false(kestrel_is_bare_ref("hashes.'a_ref.x'"));
    assert_false(kestrel_is_bare_ref("ref"));
    assert_false(kestrel_is_bare_ref("_re"));
}

/* Every rule of the check, on one pandas file with a column of each wrong shape. */
static void test_check_wrong_shape(void **state)
{
    (void)state;
    struct diag_list d = DIAG_LIST_INIT;
    kestrel_shape_check(FIX "wrong-shape-flat.parquet", &d);
    dump(&d);
    expect(&d, KSHAPE_RULE_REF, "'x_contained_by_ref', 'opened_connection_refs'", DIAG_ERROR);
    expect(&d, KSHAPE_RULE_INT_NULLS, "'src_port'", DIAG_WARNING);
    expect(&d, KSHAPE_RULE_BOOL, "'is_local'", DIAG_WARNING);
    expect(&d, KSHAPE_RULE_NESTED, "'protocols' is list<string>", DIAG_ERROR);
    expect(&d, KSHAPE_RULE_TYPE, "'first_observed' is timestamp[ns, UTC]", DIAG_ERROR);
    expect(&d, KSHAPE_RULE_TYPE, "'ratio32' is float", DIAG_WARNING);
    expect(&d, KSHAPE_RULE_TYPE, "'small' is int32", DIAG_WARNING);
    /* the shapes Kestrel does send are not findings */
    assert_null(finding(&d, KSHAPE_RULE_INT_NULLS, "'dst_port'"));
    for (size_t i = 0; i < d.count; i++) {
        assert_string_equal(d.items[i].file, FIX "wrong-shape-flat.parquet");
        assert_null(strstr(d.items[i].message, "column 'src_ref.value'"));
        assert_null(strstr(d.items[i].message, "SHA-256"));
        assert_null(strstr(d.items[i].message, "column 'id'"));
    }
    assert_int_equal(d.count, 7);
    diag_list_free(&d);

    /* a struct column: unreadable by kanalytic, and never sent by Kestrel */
    kestrel_shape_check(FIX "wrong-shape.parquet", &d);
    expect(&d, KSHAPE_RULE_PARQUET, "column 'ext'", DIAG_ERROR);
    expect(&d, KSHAPE_RULE_PARQUET, "lists, structs and maps as JSON text", DIAG_ERROR);
    diag_list_free(&d);
}

static void test_check_empty_and_index(void **state)
{
    (void)state;
    struct diag_list d = DIAG_LIST_INIT;
    kestrel_shape_check(FIX "empty-variable.parquet", &d); /* pd.DataFrame().to_parquet() */
    dump(&d);
    assert_int_equal(d.count, 0);
    kestrel_shape_check(FIX "zero-rows.parquet", &d);
    expect(&d, KSHAPE_RULE_EMPTY, "0 rows but 2 column(s)", DIAG_ERROR);
    assert_int_equal(d.count, 1);
    diag_list_free(&d);

    kestrel_shape_check(FIX "id-index.parquet", &d); /* df.set_index('id') */
    expect(&d, KSHAPE_RULE_INDEX, "sees no 'id' column", DIAG_ERROR);
    assert_int_equal(d.count, 1);
    diag_list_free(&d);
    kestrel_shape_check(FIX "level-index.parquet", &d);
    expect(&d, KSHAPE_RULE_INDEX, "'__index_level_0__'", DIAG_ERROR);
    assert_int_equal(d.count, 1);
    diag_list_free(&d);

    kestrel_shape_check(FIX "no-such-file.parquet", &d);
    expect(&d, KSHAPE_RULE_PARQUET, "no-such-file", DIAG_ERROR);
    diag_list_free(&d);
}

static const struct pq_column *col(const struct pq_table *t, const char *name)
{
    long i = table_find_column(t, name);
    if (i < 0)
        fail_msg("no column %s", name);
    return &t->cols[i];
}

static void assert_text(const struct pq_column *c, size_t row, const char *want)
{
    size_t n;
    assert_int_equal(c->values.type.physical, PQ_BYTE_ARRAY);
    assert_int_equal(c->values.type.logical, PQ_LOGICAL_STRING);
    assert_false(c->is_list);
    assert_false(vector_is_null(&c->values, row));
    const uint8_t *p = vector_bytes(&c->values, row, &n);
    if (n != strlen(want) || memcmp(p, want, n))
        fail_msg("column %s row %zu: '%.*s', want '%s'", c->name, row, (int)n, p, want);
}

/* Rewritten, every file passes the check, and the values are those of the store. */
static void test_apply(void **state)
{
    (void)state;
    char tmp[] = "/tmp/kshape-XXXXXX.parquet";
    int fd = mkstemps(tmp, 8);
    assert_true(fd >= 0);
    close(fd);
    static const char *const files[] = {"wrong-shape-flat", "zero-rows", "level-index",
                                        "empty-variable"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        char in[256];
        snprintf(in, sizeof in, FIX "%s.parquet", files[f]);
        struct pq_table t = PQ_TABLE_INIT;
        assert_int_equal(pq_read_file(in, &t), 0);
        struct buf changes = BUF_INIT;
        kestrel_shape_apply(&t, &changes);
        assert_int_equal(table_check(&t), 0);
        if (f < 3)
            assert_true(changes.len > 0);
        else
            assert_int_equal(changes.len, 0);
        if (pq_write_file(tmp, &t, NULL) < 0)
            fail_msg("%s: %s", in, err_last());
        struct diag_list d = DIAG_LIST_INIT;
        kestrel_shape_check(tmp, &d);
        dump(&d);
        assert_int_equal(d.count, 0);
        diag_list_free(&d);

        if (!strcmp(files[f], "wrong-shape-flat")) {
            assert_int_equal(t.nrows, 2);
            assert_true(table_find_column(&t, "x_contained_by_ref") < 0);
            assert_true(table_find_column(&t, "opened_connection_refs") < 0);
            assert_text(col(&t, "src_ref.value"), 1, "10.0.0.2");
            assert_text(col(&t, "hashes.'SHA-256'"), 0, "ab");
            const struct pq_column *c = col(&t, "src_port"); /* Int64 [80, <NA>] */
            assert_int_equal(c->values.type.physical, PQ_DOUBLE);
            assert_true(c->values.v.f64[0] == 80.0);
            assert_true(vector_is_null(&c->values, 1));
            c = col(&t, "dst_port");
            assert_int_equal(c->values.type.physical, PQ_INT64);
            assert_int_equal(c->values.v.i64[1], 22);
            c = col(&t, "is_local");
            assert_int_equal(c->values.type.physical, PQ_INT64);
            assert_int_equal(c->values.v.i64[0], 1);
            assert_int_equal(c->values.v.i64[1], 0);
            assert_text(col(&t, "protocols"), 1, "[\"udp\", \"tcp\"]");
            assert_text(col(&t, "first_observed"), 0, "2020-06-23T01:02:59.000000000Z");
            c = col(&t, "ratio32");
            assert_int_equal(c->values.type.physical, PQ_DOUBLE);
            assert_true(c->values.v.f64[1] == 2.5);
            c = col(&t, "small");
            assert_int_equal(c->values.type.physical, PQ_INT64);
            assert_int_equal(c->values.v.i64[1], 2);
            for (size_t i = 0; i < t.ncols; i++)
                assert_true(t.cols[i].optional);
            assert_non_null(strstr(changes.data, "'x_contained_by_ref'"));
            assert_non_null(strstr(changes.data, "'is_local': bool -> int64"));
        } else if (!strcmp(files[f], "level-index")) {
            assert_int_equal(t.ncols, 2);
            assert_true(table_find_column(&t, "__index_level_0__") < 0);
        } else {
            assert_int_equal(t.nrows, 0);
            assert_int_equal(t.ncols, 0);
        }
        buf_free(&changes);
        table_free(&t);
    }
    unlink(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bare_ref_names),
        cmocka_unit_test(test_check_wrong_shape),
        cmocka_unit_test(test_check_empty_and_index),
        cmocka_unit_test(test_apply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
