/* Unit tests of the Parquet writer at the byte level: the Thrift compact encoder against
 * hand-computed vectors, page headers, RLE/bit-packed levels, PLAIN and dictionary values,
 * the footer's start, the codecs (checked with the codec libraries themselves), and the
 * no-half-file guarantee. Round trips through kanalytic's reader live in
 * test_parquet_roundtrip.c; pyarrow and DuckDB read our files in tests/integration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/compress.h"
#include "parquet/parquet.h"
#include "parquet/thrift_write.h"
#include "util/error.h"
#include "util/fs.h"

#include <dirent.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static void expect_bytes(const struct buf *b, size_t at, const uint8_t *want, size_t n)
{
    assert_true(b->len >= at + n);
    if (memcmp(b->data + at, want, n)) {
        for (size_t i = 0; i < n; i++)
            print_error("%02x%s", (uint8_t)b->data[at + i], i + 1 < n ? " " : "\n");
        fail_msg("bytes at %zu differ", at);
    }
}

/* ---- Thrift compact protocol ---- */

static void test_thrift_varints(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct tw w;
    tw_init(&w, &b);
    tw_i32(&w, 0);         /* 00 */
    tw_i32(&w, -1);        /* zigzag 1: 01 */
    tw_i32(&w, 1);         /* zigzag 2: 02 */
    tw_i32(&w, 150);       /* zigzag 300 = 0b10_0101100: ac 02 */
    tw_i32(&w, INT32_MIN); /* zigzag 0xffffffff: ff ff ff ff 0f */
    tw_i64(&w, INT64_MIN); /* zigzag 2^64-1: nine ff then 01 */
    expect_bytes(&b, 0,
                 BYTES(0x00, 0x01, 0x02, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff,
                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    assert_int_equal(b.len, 20);
    buf_free(&b);
}

static void test_thrift_fields(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct tw w;
    tw_init(&w, &b);
    tw_struct_begin(&w);
    tw_field_i32(&w, 1, 5);                 /* delta 1, type 5: 15 0a */
    tw_field_bool(&w, 2, true);             /* delta 1, type TRUE: 11 */
    tw_field_bool(&w, 3, false);            /* delta 1, type FALSE: 12 */
    tw_field_i64(&w, 20, 1);                /* delta 17 > 15: 06, zigzag i16 20 = 28, value 02 */
    tw_field_string(&w, 21, "ab");          /* 18 02 'a' 'b' */
    tw_field_struct_begin(&w, 22);          /* 1c */
    tw_field_i8(&w, 1, -3);                 /*   13 fd */
    tw_struct_end(&w);                      /*   00 */
    tw_field_i32(&w, 23, 0);                /* delta back in the outer struct: 15 00 */
    tw_field_list_begin(&w, 24, TW_I32, 3); /* 19 35 */
    tw_i32(&w, 1), tw_i32(&w, 2), tw_i32(&w, 3); /* 02 04 06 */
    tw_field_list_begin(&w, 30, TW_BINARY, 15);  /* 69 f8 0f */
    for (int i = 0; i < 15; i++)
        tw_binary(&w, "", 0);
    tw_struct_end(&w);
    expect_bytes(&b, 0,
                 BYTES(0x15, 0x0a, 0x11, 0x12, 0x06, 0x28, 0x02, 0x18, 0x02, 'a', 'b', 0x1c, 0x13,
                       0xfd, 0x00, 0x15, 0x00, 0x19, 0x35, 0x02, 0x04, 0x06, 0x69, 0xf8, 0x0f));
    assert_int_equal(b.len, 25 + 15 + 1);
    assert_int_equal(b.data[b.len - 1], 0);
    buf_free(&b);
}

/* ---- pages ---- */

static struct pq_type ty(enum pq_physical p, enum pq_logical l)
{
    struct pq_type t = {0};
    t.physical = p;
    t.logical = l;
    return t;
}

static struct pq_writer_options plain_opts(void)
{
    struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
    o.codec = PQ_CODEC_UNCOMPRESSED;
    o.dictionary = false;
    return o;
}

static void test_required_int32_file_layout(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT;
    struct pq_column *c = table_add_column(&t, "x", ty(PQ_INT32, PQ_LOGICAL_NONE), false);
    vector_append_i32(&c->values, 1);
    vector_append_i32(&c->values, 2);
    t.nrows = 2;
    struct pq_writer_options o = plain_opts();
    struct buf b = BUF_INIT;
    assert_int_equal(pq_write_buffer(&b, &t, &o), 0);
    expect_bytes(&b, 0, BYTES('P', 'A', 'R', '1'));
    /* PageHeader{1: DATA_PAGE, 2: 8, 3: 8, 5: DataPageHeader{2 values, PLAIN, RLE, RLE}} */
    expect_bytes(&b, 4,
                 BYTES(0x15, 0x00, 0x15, 0x10, 0x15, 0x10, 0x2c, 0x15, 0x04, 0x15, 0x00, 0x15, 0x06,
                       0x15, 0x06, 0x00, 0x00,
                       /* no levels (REQUIRED, flat), PLAIN values */
                       1, 0, 0, 0, 2, 0, 0, 0));
    /* footer length and magic */
    uint32_t flen;
    memcpy(&flen, b.data + b.len - 8, 4);
    assert_memory_equal(b.data + b.len - 4, "PAR1", 4);
    assert_int_equal(flen, b.len - 8 - 29);
    /* FileMetaData{1: version 2, 2: [root "schema" with 1 child, INT32 REQUIRED "x"],
     * 3: num_rows 2, ...} */
    expect_bytes(&b, 29,
                 BYTES(0x15, 0x04, 0x19, 0x2c, 0x48, 0x06, 's', 'c', 'h', 'e', 'm', 'a', 0x15, 0x02,
                       0x00, 0x15, 0x02, 0x25, 0x00, 0x18, 0x01, 'x', 0x00, 0x16, 0x04));
    buf_free(&b);
    table_free(&t);
}

static void test_optional_levels_bitpacked_and_rle(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT;
    struct pq_column *c = table_add_column(&t, "x", ty(PQ_INT32, PQ_LOGICAL_NONE), true);
    vector_append_i32(&c->values, 1);
    vector_append_null(&c->values);
    vector_append_i32(&c->values, 3);
    t.nrows = 3;
    struct pq_writer_options o = plain_opts();
    struct buf b = BUF_INIT;
    assert_int_equal(pq_write_buffer(&b, &t, &o), 0);
    /* payload: levels length 2, bit-packed run of one group (03), bits 1,0,1 (05); values */
    size_t payload = 4 + 17;
    expect_bytes(&b, 4, BYTES(0x15, 0x00, 0x15, 0x1c, 0x15, 0x1c, 0x2c, 0x15, 0x06));
    expect_bytes(&b, payload, BYTES(2, 0, 0, 0, 0x03, 0x05, 1, 0, 0, 0, 3, 0, 0, 0));
    buf_free(&b);
    table_free(&t);

    /* ten present values: one RLE run of ten 1s (header 10 << 1 = 0x14, value 01) */
    c = table_add_column(&t, "x", ty(PQ_INT64, PQ_LOGICAL_NONE), true);
    for (int i = 0; i < 10; i++)
        vector_append_i64(&c->values, 7);
    vector_append_null(&c->values); /* keep it OPTIONAL with a null at the end */
    t.nrows = 11;
    assert_int_equal(pq_write_buffer(&b, &t, &o), 0);
    /* uncompressed size 4 + 4 + 80 = 88 = zigzag 0xb0 0x01 */
    expect_bytes(&b, 4, BYTES(0x15, 0x00, 0x15, 0xb0, 0x01, 0x15, 0xb0, 0x01, 0x2c, 0x15, 0x16));
    /* levels: RLE ten 1s, then a bit-packed group holding the final 0: 03 00 */
    expect_bytes(&b, 4 + 19, BYTES(4, 0, 0, 0, 0x14, 0x01, 0x03, 0x00, 7, 0, 0, 0, 0, 0, 0, 0));
    buf_free(&b);
    table_free(&t);
}

static void test_dictionary_and_boolean_pages(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT;
    struct pq_column *c = table_add_column(&t, "s", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), false);
    vector_append_bytes(&c->values, "a", 1);
    vector_append_bytes(&c->values, "b", 1);
    vector_append_bytes(&c->values, "a", 1);
    t.nrows = 3;
    struct pq_writer_options o = plain_opts();
    o.dictionary = true;
    struct buf b = BUF_INIT;
    assert_int_equal(pq_write_buffer(&b, &t, &o), 0);
    /* dictionary page: {1: DICTIONARY_PAGE (2 -> 04), 2: 10, 3: 10, 7: {2 values, PLAIN}} */
    expect_bytes(&b, 4,
                 BYTES(0x15, 0x04, 0x15, 0x14, 0x15, 0x14, 0x4c, 0x15, 0x04, 0x15, 0x00, 0x00, 0x00,
                       1, 0, 0, 0, 'a', 1, 0, 0, 0, 'b'));
    /* data page: 3 values RLE_DICTIONARY (8 -> 10); width 1, bit-packed 0,1,0 = 02 */
    expect_bytes(&b, 4 + 23,
                 BYTES(0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x2c, 0x15, 0x06, 0x15, 0x10, 0x15, 0x06,
                       0x15, 0x06, 0x00, 0x00, 0x01, 0x03, 0x02));
    buf_free(&b);
    table_free(&t);

    /* booleans are never dictionary-encoded; PLAIN packs them LSB first: 1,0,1,1 = 0x0d */
    c = table_add_column(&t, "b", ty(PQ_BOOLEAN, PQ_LOGICAL_NONE), false);
    vector_append_bool(&c->values, true);
    vector_append_bool(&c->values, false);
    vector_append_bool(&c->values, true);
    vector_append_bool(&c->values, true);
    t.nrows = 4;
    assert_int_equal(pq_write_buffer(&b, &t, &o), 0);
    expect_bytes(&b, 4,
                 BYTES(0x15, 0x00, 0x15, 0x02, 0x15, 0x02, 0x2c, 0x15, 0x08, 0x15, 0x00, 0x15, 0x06,
                       0x15, 0x06, 0x00, 0x00, 0x0d));
    buf_free(&b);
    table_free(&t);
}

static void test_list_levels(void **state)
{
    (void)state;
    /* rows [5, null], null, [] in an OPTIONAL list of OPTIONAL int32 elements:
     * rep 0 1 0 0, def 3 2 0 1 (max def 3, width 2) */
    struct pq_table t = PQ_TABLE_INIT;
    struct pq_column *c = table_add_list_column(&t, "l", ty(PQ_INT32, PQ_LOGICAL_NONE), true, true);
    column_list_begin_row(c);
    vector_append_i32(&c->values, 5);
    vector_append_null(&c->values);
    column_list_end_row(c);
    column_list_append_null(c);
    column_list_begin_row(c);
    column_list_end_row(c);
    t.nrows = 3;
    struct pq_writer_options o = plain_opts();
    struct buf b = BUF_INIT;
    assert_int_equal(pq_write_buffer(&b, &t, &o), 0);
    /* 4 level slots (08), payload 6 + 7 + 4 = 17 (zigzag 0x22) */
    expect_bytes(&b, 4, BYTES(0x15, 0x00, 0x15, 0x22, 0x15, 0x22, 0x2c, 0x15, 0x08));
    /* rep: width 1, bits 0,1,0,0 = 0x02; def: width 2, 3,2,0,1 = 0b01_00_10_11 = 0x4b, 0x00 */
    expect_bytes(&b, 4 + 17,
                 BYTES(2, 0, 0, 0, 0x03, 0x02, 3, 0, 0, 0, 0x03, 0x4b, 0x00, 5, 0, 0, 0));
    buf_free(&b);
    table_free(&t);
}

/* ---- codecs ---- */

static void test_codecs_round_trip(void **state)
{
    (void)state;
    char in[10000];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (char)("kanalytic parquet "[i % 18] + (i / 1000));
    struct buf out = BUF_INIT;
    char back[sizeof in];

    assert_int_equal(pq_compress(PQ_CODEC_SNAPPY, 0, in, sizeof in, &out), 0);
    size_t n = sizeof back;
    assert_int_equal(snappy_uncompress(out.data, out.len, back, &n), SNAPPY_OK);
    assert_int_equal(n, sizeof in);
    assert_memory_equal(back, in, sizeof in);
    assert_true(out.len < sizeof in / 2);

    buf_reset(&out);
    assert_int_equal(pq_compress(PQ_CODEC_GZIP, 0, in, sizeof in, &out), 0);
    expect_bytes(&out, 0, BYTES(0x1f, 0x8b, 0x08)); /* an RFC 1952 member */
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)out.data;
    z.avail_in = (uInt)out.len;
    z.next_out = (Bytef *)back;
    z.avail_out = sizeof back;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, sizeof in);
    inflateEnd(&z);
    assert_memory_equal(back, in, sizeof in);

    buf_reset(&out);
    assert_int_equal(pq_compress(PQ_CODEC_ZSTD, 0, in, sizeof in, &out), 0);
    expect_bytes(&out, 0, BYTES(0x28, 0xb5, 0x2f, 0xfd));
    assert_int_equal(ZSTD_decompress(back, sizeof back, out.data, out.len), sizeof in);
    assert_memory_equal(back, in, sizeof in);

    buf_reset(&out);
    assert_int_equal(pq_compress(PQ_CODEC_UNCOMPRESSED, 0, in, 5, &out), 0);
    assert_int_equal(out.len, 5);
    assert_int_equal(pq_compress(PQ_CODEC_BROTLI, 0, in, 5, &out), -1);
    assert_non_null(strstr(err_last(), "brotli"));
    buf_free(&out);
}

/* ---- errors and atomicity ---- */

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_failed_write_leaves_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/kanalytic-pqw.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.parquet", dir);

    struct pq_table t = PQ_TABLE_INIT;
    struct pq_column *c = table_add_column(&t, "x", ty(PQ_INT64, PQ_LOGICAL_NONE), false);
    vector_append_i64(&c->values, 1);
    vector_append_null(&c->values); /* a null in a REQUIRED column */
    t.nrows = 2;
    assert_int_equal(pq_write_file(path, &t, NULL), -1);
    assert_non_null(strstr(err_last(), "out.parquet"));
    assert_non_null(strstr(err_last(), "REQUIRED"));
    assert_int_equal(dir_entries(dir), 0);
    table_free(&t);

    /* a logical type that does not fit the physical one */
    c = table_add_column(&t, "x", ty(PQ_INT32, PQ_LOGICAL_STRING), true);
    vector_append_i32(&c->values, 1);
    t.nrows = 1;
    assert_int_equal(pq_write_file(path, &t, NULL), -1);
    assert_non_null(strstr(err_last(), "does not fit"));
    /* rows that disagree with the table */
    t.nrows = 2;
    c->values.type = ty(PQ_INT32, PQ_LOGICAL_NONE);
    assert_int_equal(pq_write_file(path, &t, NULL), -1);
    assert_int_equal(dir_entries(dir), 0);

    /* and a good write leaves exactly the file */
    t.nrows = 1;
    assert_int_equal(pq_write_file(path, &t, NULL), 0);
    assert_int_equal(dir_entries(dir), 1);
    unlink(path);
    rmdir(dir);
    table_free(&t);
}

static void test_rows_and_row_groups_in_footer(void **state)
{
    (void)state;
    /* 10 rows in groups of 4: three RowGroups with num_rows 4, 4, 2 */
    struct pq_table t = PQ_TABLE_INIT;
    struct pq_column *c = table_add_column(&t, "x", ty(PQ_INT64, PQ_LOGICAL_NONE), false);
    for (int i = 0; i < 10; i++)
        vector_append_i64(&c->values, i);
    t.nrows = 10;
    struct pq_writer_options o = plain_opts();
    o.row_group_rows = 4;
    o.created_by = "unit test";
    struct buf b = BUF_INIT;
    assert_int_equal(pq_write_buffer(&b, &t, &o), 0);
    uint32_t flen;
    memcpy(&flen, b.data + b.len - 8, 4);
    const char *footer = b.data + b.len - 8 - flen;
    /* after the schema: 3: num_rows 10 (16 14), 4: list of 3 structs (19 3c) */
    const char *p = memmem(footer, flen, "\x16\x14\x19\x3c", 4);
    assert_non_null(p);
    /* created_by is the last field: 6 after 4 -> delta 2, binary: 28 09 "unit test" 00 */
    assert_memory_equal(b.data + b.len - 8 - 12, "\x28\x09unit test\x00", 12);
    buf_free(&b);
    table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thrift_varints),
        cmocka_unit_test(test_thrift_fields),
        cmocka_unit_test(test_required_int32_file_layout),
        cmocka_unit_test(test_optional_levels_bitpacked_and_rle),
        cmocka_unit_test(test_dictionary_and_boolean_pages),
        cmocka_unit_test(test_list_levels),
        cmocka_unit_test(test_codecs_round_trip),
        cmocka_unit_test(test_failed_write_leaves_nothing),
        cmocka_unit_test(test_rows_and_row_groups_in_footer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
