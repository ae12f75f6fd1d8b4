/* Unit tests of the Thrift compact decoder (tool/parquet/thrift_read.c) and the footer and
 * page-header parsers on hand-assembled bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/metadata.h"
#include "parquet/thrift_read.h"
#include "util/error.h"

#include <string.h>

static void test_fields_and_skipping(void **state)
{
    (void)state;
    /* struct { 1: i32 = -3; <long form> 300: binary "ab"; 301: struct{1: list<bool>[T,F]};
     *          302: map<i32,i32>{1:2}; 303: true; 304: i32 = 7 } */
    const uint8_t in[] = {0x15, 0x05, /* id 1 (delta 1), i32 zigzag 5 = -3 */
                          0x08, 0xD8, 0x04, 0x02, 'a',
                          'b',                          /* long form: type 8, id zigzag(300)=600 */
                          0x1C,                         /* id 301 struct */
                          0x19, 0x21, 0x01, 0x02,       /* id 1 list of 2 bools (C++ style 1/2) */
                          0x00,                         /* end inner struct */
                          0x1B, 0x01, 0x55, 0x02, 0x04, /* id 302 map, 1 entry i32->i32: 1 -> 2 */
                          0x11,                         /* id 303 bool true */
                          0x15, 0x0E,                   /* id 304 i32 7 */
                          0x00};
    struct thrift_reader t;
    tr_init(&t, in, sizeof in);
    assert_true(tr_struct_begin(&t));
    int16_t last = 0, id;
    int type;
    assert_true(tr_field(&t, &last, &type, &id));
    assert_int_equal(id, 1);
    assert_int_equal(tr_i32(&t), -3);
    assert_true(tr_field(&t, &last, &type, &id));
    assert_int_equal(id, 300);
    uint32_t n;
    const uint8_t *p = tr_binary(&t, &n);
    assert_int_equal(n, 2);
    assert_memory_equal(p, "ab", 2);
    assert_true(tr_field(&t, &last, &type, &id));
    assert_int_equal(id, 301);
    tr_skip(&t, type); /* unknown struct with a bool list inside */
    assert_true(tr_field(&t, &last, &type, &id));
    assert_int_equal(id, 302);
    tr_skip(&t, type);
    assert_true(tr_field(&t, &last, &type, &id));
    assert_int_equal(id, 303);
    assert_true(tr_bool_field(type));
    assert_true(tr_field(&t, &last, &type, &id));
    assert_int_equal(id, 304);
    assert_int_equal(tr_i32(&t), 7);
    assert_false(tr_field(&t, &last, &type, &id));
    assert_false(t.failed);
}

static void test_bool_lists_both_encodings(void **state)
{
    (void)state;
    const uint8_t spec[] = {0x31, 0x01, 0x00, 0x01}; /* 3 bools, 1/0 style */
    const uint8_t cpp[] = {0x31, 0x01, 0x02, 0x01};  /* 3 bools, Thrift C++ 1/2 style */
    const uint8_t *cases[] = {spec, cpp};
    for (int c = 0; c < 2; c++) {
        struct thrift_reader t;
        tr_init(&t, cases[c], 4);
        int et;
        uint32_t n;
        assert_true(tr_list(&t, &et, &n));
        assert_int_equal(n, 3);
        assert_true(tr_bool_elem(&t));
        assert_false(tr_bool_elem(&t));
        assert_true(tr_bool_elem(&t));
    }
}

static void test_hostile_input(void **state)
{
    (void)state;
    struct thrift_reader t;
    /* varint longer than 10 bytes */
    const uint8_t longv[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    tr_init(&t, longv, sizeof longv);
    tr_i64(&t);
    assert_true(t.failed);
    /* i32 varint over 32 bits */
    const uint8_t big32[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    tr_init(&t, big32, sizeof big32);
    tr_i32(&t);
    assert_true(t.failed);
    /* string length past the end */
    const uint8_t str[] = {0x7F, 'a'};
    uint32_t n;
    tr_init(&t, str, sizeof str);
    assert_null(tr_binary(&t, &n));
    assert_non_null(strstr(tr_error(&t), "past the end"));
    /* list count past the end, and a STOP element type */
    const uint8_t lst[] = {0xF5, 0xFF, 0xFF, 0x03};
    int et;
    tr_init(&t, lst, sizeof lst);
    assert_false(tr_list(&t, &et, &n));
    const uint8_t stop_elem[] = {0x10, 0x00};
    tr_init(&t, stop_elem, sizeof stop_elem);
    assert_false(tr_list(&t, &et, &n));
    /* bad field type nibble */
    const uint8_t nib[] = {0x1E};
    int16_t last = 0, id;
    int type;
    tr_init(&t, nib, sizeof nib);
    assert_false(tr_field(&t, &last, &type, &id));
    assert_true(t.failed);
    /* structs nested 100 deep: skipping stops at the depth cap */
    uint8_t deep[101];
    deep[0] = 0x1C;
    memset(deep + 1, 0x1C, 99);
    deep[100] = 0;
    tr_init(&t, deep, sizeof deep);
    tr_skip(&t, TT_STRUCT);
    assert_true(t.failed);
    assert_non_null(strstr(tr_error(&t), "deeply"));
    /* no STOP: truncated */
    const uint8_t trunc[] = {0x15, 0x02};
    tr_init(&t, trunc, sizeof trunc);
    tr_skip(&t, TT_STRUCT);
    assert_true(t.failed);
}

static void test_page_header(void **state)
{
    (void)state;
    /* PageHeader{1: DATA_PAGE, 2: 10, 3: 8, 5: {1: 3, 2: PLAIN, 3: RLE, 4: RLE}, 99: i32} */
    const uint8_t in[] = {0x15, 0x00, 0x15, 0x14, 0x15, 0x10, 0x2C, 0x15, 0x06, 0x15, 0x00,
                          0x15, 0x06, 0x15, 0x06, 0x00, 0x05, 0xC6, 0x01, 0x02, 0x00};
    struct pq_page_header h;
    size_t used;
    assert_int_equal(pq_page_header_parse(&h, in, sizeof in, &used), 0);
    assert_int_equal(used, sizeof in);
    assert_int_equal(h.type, PQ_PAGE_DATA);
    assert_int_equal(h.uncompressed_size, 10);
    assert_int_equal(h.compressed_size, 8);
    assert_int_equal(h.num_values, 3);
    assert_int_equal(h.encoding, PQ_ENC_PLAIN);
    assert_int_equal(h.def_encoding, PQ_ENC_RLE);
    /* without the data page header struct it is incomplete */
    const uint8_t bare[] = {0x15, 0x00, 0x15, 0x14, 0x15, 0x10, 0x00};
    assert_int_equal(pq_page_header_parse(&h, bare, sizeof bare, &used), -1);
    assert_non_null(strstr(err_last(), "data page header"));
    /* negative size */
    const uint8_t neg[] = {0x15, 0x04, 0x15, 0x01, 0x15, 0x10, 0x00};
    assert_int_equal(pq_page_header_parse(&h, neg, sizeof neg, &used), -1);
}

static void test_footer_required_fields_and_enums(void **state)
{
    (void)state;
    struct pq_file_meta m;
    /* FileMetaData with only a version: required fields missing */
    const uint8_t onlyver[] = {0x15, 0x02, 0x00};
    assert_int_equal(pq_meta_parse(&m, onlyver, sizeof onlyver), -1);
    assert_non_null(strstr(err_last(), "required"));
    /* schema element with physical type -7 (PARQUET-1481) */
    const uint8_t badtype[] = {0x15, 0x02, 0x19, 0x1C, 0x15, 0x0D, 0x38, 0x01, 'x', 0x00, 0x00};
    assert_int_equal(pq_meta_parse(&m, badtype, sizeof badtype), -1);
    assert_non_null(strstr(err_last(), "physical type"));
    /* a minimal valid one: version 1, schema [root{name "s"}], num_rows 0, row_groups [] */
    const uint8_t ok[] = {0x15, 0x02, 0x19, 0x1C, 0x48, 0x01, 's',
                          0x00, 0x16, 0x00, 0x19, 0x0C, 0x00};
    assert_int_equal(pq_meta_parse(&m, ok, sizeof ok), 0);
    assert_int_equal(m.nschema, 1);
    assert_string_equal(m.schema[0].name, "s");
    assert_int_equal(m.nrow_groups, 0);
    pq_meta_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_and_skipping),
        cmocka_unit_test(test_bool_lists_both_encodings),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_page_header),
        cmocka_unit_test(test_footer_required_fields_and_enums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
