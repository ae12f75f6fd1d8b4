/* Unit tests of tool/table/format.c: the canonical JSON form of every type, against values
 * worked out by hand (and, for floats, Python's repr). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "table/format.h"
#include "table/table.h"

#include <math.h>
#include <string.h>

static struct pq_type ty(enum pq_physical p, enum pq_logical l)
{
    struct pq_type t = {0};
    t.physical = p;
    t.logical = l;
    return t;
}

/* Renders element i of v as JSON into a static buffer. */
static const char *json_of(const struct pq_vector *v, size_t i)
{
    static struct buf b = BUF_INIT;
    buf_reset(&b);
    format_value_json(&b, v, i);
    return b.data;
}

static void test_doubles_python_repr(void **state)
{
    (void)state;
    struct pq_vector v = {.type = ty(PQ_DOUBLE, PQ_LOGICAL_NONE)};
    const double in[] = {443.0,
                         0.1,
                         -431493196.01697665,
                         1e16,
                         1e15,
                         1.5e-5,
                         0.0001,
                         -0.0,
                         NAN,
                         INFINITY,
                         -INFINITY,
                         5e-324,
                         1.7976931348623157e308,
                         123456789012345680.0};
    const char *want[] = {"443.0",
                          "0.1",
                          "-431493196.01697665",
                          "1e+16",
                          "1000000000000000.0",
                          "1.5e-05",
                          "0.0001",
                          "-0.0",
                          "\"NaN\"",
                          "\"Infinity\"",
                          "\"-Infinity\"",
                          "5e-324",
                          "1.7976931348623157e+308",
                          "1.2345678901234568e+17"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        vector_append_f64(&v, in[i]);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        assert_string_equal(json_of(&v, i), want[i]);
    vector_free(&v);
}

static void test_floats_shortest(void **state)
{
    (void)state;
    struct pq_vector v = {.type = ty(PQ_FLOAT, PQ_LOGICAL_NONE)};
    vector_append_f32(&v, 0.1f);
    vector_append_f32(&v, -294668.53125f);
    vector_append_f32(&v, 3.4028235e38f);
    assert_string_equal(json_of(&v, 0), "0.1");
    assert_string_equal(json_of(&v, 1), "-294668.53"); /* float32 shortest */
    assert_string_equal(json_of(&v, 2), "3.4028235e+38");
    vector_free(&v);
}

static void test_integers_exact(void **state)
{
    (void)state;
    struct pq_type u64 = ty(PQ_INT64, PQ_LOGICAL_INTEGER);
    u64.bit_width = 64;
    struct pq_vector v = {.type = u64};
    vector_append_i64(&v, (int64_t)UINT64_C(18446744073709551615));
    assert_string_equal(json_of(&v, 0), "18446744073709551615");
    vector_free(&v);
    struct pq_type u32 = ty(PQ_INT32, PQ_LOGICAL_INTEGER);
    u32.bit_width = 32;
    struct pq_vector w = {.type = u32};
    vector_append_i32(&w, (int32_t)UINT32_C(3801127140));
    vector_append_null(&w);
    assert_string_equal(json_of(&w, 0), "3801127140");
    assert_string_equal(json_of(&w, 1), "null");
    vector_free(&w);
    struct pq_vector s = {.type = ty(PQ_INT64, PQ_LOGICAL_NONE)};
    vector_append_i64(&s, INT64_MIN);
    assert_string_equal(json_of(&s, 0), "-9223372036854775808");
    vector_free(&s);
}

static void test_decimals(void **state)
{
    (void)state;
    struct pq_type d = ty(PQ_FIXED_LEN_BYTE_ARRAY, PQ_LOGICAL_DECIMAL);
    d.scale = 4;
    d.precision = 9;
    struct pq_vector v = {.type = d};
    /* -630518078 = 0xDA6B0EC2 as 4-byte two's complement */
    const uint8_t neg[] = {0xDA, 0x6B, 0x0E, 0xC2};
    const uint8_t small[] = {0x00, 0x05}; /* 5 -> 0.0005 */
    const uint8_t minus1[] = {0xFF};      /* -1 -> -0.0001 */
    vector_append_bytes(&v, neg, sizeof neg);
    vector_append_bytes(&v, small, sizeof small);
    vector_append_bytes(&v, minus1, sizeof minus1);
    assert_string_equal(json_of(&v, 0), "\"-63051.8078\"");
    assert_string_equal(json_of(&v, 1), "\"0.0005\"");
    assert_string_equal(json_of(&v, 2), "\"-0.0001\"");
    vector_free(&v);
    /* 2^64 (17 bytes wide would be silly; 9 bytes is enough) with scale 0 */
    struct pq_type d0 = ty(PQ_BYTE_ARRAY, PQ_LOGICAL_DECIMAL);
    struct pq_vector w = {.type = d0};
    const uint8_t big[] = {0x01, 0, 0, 0, 0, 0, 0, 0, 0};
    vector_append_bytes(&w, big, sizeof big);
    assert_string_equal(json_of(&w, 0), "\"18446744073709551616\"");
    vector_free(&w);
    struct pq_type di = ty(PQ_INT32, PQ_LOGICAL_DECIMAL);
    di.scale = 2;
    struct pq_vector x = {.type = di};
    vector_append_i32(&x, -12345);
    assert_string_equal(json_of(&x, 0), "\"-123.45\"");
    vector_free(&x);
}

static void test_dates_and_timestamps(void **state)
{
    (void)state;
    struct pq_vector d = {.type = ty(PQ_INT32, PQ_LOGICAL_DATE)};
    vector_append_i32(&d, 0);
    vector_append_i32(&d, 13064); /* 2005-10-08 */
    vector_append_i32(&d, -1);
    assert_string_equal(json_of(&d, 0), "\"1970-01-01\"");
    assert_string_equal(json_of(&d, 1), "\"2005-10-08\"");
    assert_string_equal(json_of(&d, 2), "\"1969-12-31\"");
    vector_free(&d);

    struct pq_type ms = ty(PQ_INT64, PQ_LOGICAL_TIMESTAMP);
    ms.unit = PQ_MILLIS;
    ms.utc = true;
    struct pq_vector t = {.type = ms};
    vector_append_i64(&t, 1592883508671LL);
    vector_append_i64(&t, -1);
    assert_string_equal(json_of(&t, 0), "\"2020-06-23T03:38:28.671Z\"");
    assert_string_equal(json_of(&t, 1), "\"1969-12-31T23:59:59.999Z\"");
    vector_free(&t);

    struct pq_type ns = ty(PQ_INT64, PQ_LOGICAL_TIMESTAMP);
    ns.unit = PQ_NANOS;
    struct pq_vector n = {.type = ns};
    vector_append_i64(&n, 1831227280706640240LL);
    assert_string_equal(json_of(&n, 0), "\"2028-01-11T18:14:40.706640240\"");
    vector_free(&n);

    struct pq_type us = ty(PQ_INT64, PQ_LOGICAL_TIMESTAMP);
    us.unit = PQ_MICROS;
    struct pq_vector u = {.type = us};
    vector_append_i64(&u, 1600905283575350LL);
    assert_string_equal(json_of(&u, 0), "\"2020-09-23T23:54:43.575350\"");
    vector_free(&u);
}

static void test_strings_binary_lists(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT;
    table_add_column(&t, "s", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), true);
    table_add_column(&t, "b", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_NONE), true);
    table_add_list_column(&t, "l", ty(PQ_INT64, PQ_LOGICAL_NONE), true, true);
    struct pq_column *s = &t.cols[0], *b = &t.cols[1], *l = &t.cols[2];
    vector_append_bytes(&s->values, "é\"\n", 4);
    vector_append_bytes(&b->values, "\xb8\x60\x8f", 3);
    column_list_begin_row(l);
    vector_append_i64(&l->values, 5);
    vector_append_null(&l->values);
    column_list_end_row(l);
    t.nrows = 1;
    struct buf out = BUF_INIT;
    format_cell_json(&out, s, 0);
    assert_string_equal(out.data, "\"é\\\"\\n\"");
    buf_reset(&out);
    format_cell_text(&out, s, 0, true);
    assert_string_equal(out.data, "é\"\n");
    buf_reset(&out);
    format_cell_json(&out, b, 0);
    assert_string_equal(out.data, "\"uGCP\"");
    buf_reset(&out);
    format_cell_json(&out, l, 0);
    assert_string_equal(out.data, "[5, null]");
    buf_free(&out);
    table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubles_python_repr),  cmocka_unit_test(test_floats_shortest),
        cmocka_unit_test(test_integers_exact),       cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_dates_and_timestamps), cmocka_unit_test(test_strings_binary_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
