/* Unit tests of tool/parquet/encodings.c against byte vectors worked out by hand from
 * Encodings.md (its own RLE / BIT_PACKED / DELTA examples where it gives them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/encodings.h"
#include "util/error.h"

#include <string.h>

static void test_rle_bitpacked_and_runs(void **state)
{
    (void)state;
    /* Encodings.md: 0..7 bit-packed at width 3 is 10001000 11000110 11111010 */
    const uint8_t in[] = {0x03, 0x88, 0xC6, 0xFA, 0x0A, 0x07};
    uint32_t out[13];
    struct rle_decoder d;
    rle_init(&d, in, sizeof in, 3);
    assert_int_equal(rle_get(&d, out, 13), 0);
    for (uint32_t i = 0; i < 8; i++)
        assert_int_equal(out[i], i);
    for (int i = 8; i < 13; i++)
        assert_int_equal(out[i], 7);
    /* asking for more than the data holds fails */
    assert_int_equal(rle_get(&d, out, 1), -1);
    assert_non_null(strstr(err_last(), "RLE"));
}

static void test_rle_errors(void **state)
{
    (void)state;
    uint32_t out[4];
    struct rle_decoder d;
    const uint8_t novalue[] = {0x0A}; /* run of 5, value byte missing */
    rle_init(&d, novalue, sizeof novalue, 3);
    assert_int_equal(rle_get(&d, out, 4), -1);
    const uint8_t wide[] = {0x0A, 0x09}; /* value 9 does not fit 3 bits */
    rle_init(&d, wide, sizeof wide, 3);
    assert_int_equal(rle_get(&d, out, 4), -1);
    const uint8_t zero[] = {0x00, 0x01}; /* run of zero values */
    rle_init(&d, zero, sizeof zero, 1);
    assert_int_equal(rle_get(&d, out, 1), -1);
    /* width 0: every value is 0 and a run takes no value bytes */
    const uint8_t w0[] = {0x08};
    rle_init(&d, w0, sizeof w0, 0);
    assert_int_equal(rle_get(&d, out, 4), 0);
    assert_int_equal(out[3], 0);
    /* levels over 255 are refused by the u8 reader */
    const uint8_t big[] = {0x02, 0x00, 0x01};
    uint8_t lv[1];
    rle_init(&d, big, sizeof big, 9);
    assert_int_equal(rle_get_u8(&d, lv, 1), -1);
}

static void test_bit_packed_msb(void **state)
{
    (void)state;
    /* Encodings.md: 0..7 at width 3, MSB first: 00000101 00111001 01110111 */
    const uint8_t in[] = {0x05, 0x39, 0x77};
    uint8_t out[8];
    size_t used;
    assert_int_equal(enc_bitpacked_msb(in, sizeof in, 3, 8, out, &used), 0);
    assert_int_equal(used, 3);
    for (int i = 0; i < 8; i++)
        assert_int_equal(out[i], i);
    assert_int_equal(enc_bitpacked_msb(in, 2, 3, 8, out, &used), -1);
}

static void test_plain(void **state)
{
    (void)state;
    uint8_t b[10];
    const uint8_t bits[] = {0x05, 0x02};
    assert_int_equal(enc_plain_bool(bits, sizeof bits, 10, b), 0);
    const uint8_t want[] = {1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
    assert_memory_equal(b, want, 10);
    assert_int_equal(enc_plain_bool(bits, 1, 10, b), -1);

    int32_t i32[2];
    const uint8_t le[] = {0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF};
    assert_int_equal(enc_plain_fixed(le, sizeof le, 2, 4, i32), 0);
    assert_int_equal(i32[0], 1);
    assert_int_equal(i32[1], -1);
    assert_int_equal(enc_plain_fixed(le, 7, 2, 4, i32), -1);

    /* INT96: 1000 ns into Julian day 2440589 (1970-01-02) */
    uint8_t i96[12] = {0xE8, 0x03, 0, 0, 0, 0, 0, 0};
    uint32_t jd = 2440589;
    memcpy(i96 + 8, &jd, 4);
    int64_t ns;
    assert_int_equal(enc_plain_int96(i96, 12, 1, &ns), 0);
    assert_int_equal(ns, 86400000000000LL + 1000);
}

static void test_plain_byte_arrays(void **state)
{
    (void)state;
    struct pq_vector v = {.type = {.physical = PQ_BYTE_ARRAY}};
    const uint8_t in[] = {2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 3, 0, 0, 0, 'a', 'b', 'c'};
    pqv_reserve(&v, 3);
    assert_int_equal(enc_plain_bytes(in, sizeof in, 3, 0, &v), 0);
    v.len = 3;
    size_t n;
    const uint8_t *p = vector_bytes(&v, 0, &n);
    assert_int_equal(n, 2);
    assert_memory_equal(p, "hi", 2);
    vector_bytes(&v, 1, &n);
    assert_int_equal(n, 0);
    p = vector_bytes(&v, 2, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(p, "abc", 3);
    /* a forged length past the page */
    const uint8_t bad[] = {0xFF, 0xFF, 0xFF, 0x7F, 'x'};
    pqv_reserve(&v, 1);
    assert_int_equal(enc_plain_bytes(bad, sizeof bad, 1, 0, &v), -1);
    assert_non_null(strstr(err_last(), "past the end"));
    vector_free(&v);
}

static void test_delta_binary_packed(void **state)
{
    (void)state;
    int64_t out[8];
    size_t used;
    /* Encodings.md example 1: 1 2 3 4 5 (min delta 1, widths 0) */
    const uint8_t ex1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
    assert_int_equal(enc_delta_binary(ex1, sizeof ex1, 5, out, false, &used), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(out[i], i + 1);
    assert_int_equal(used, sizeof ex1);
    /* example 2: 7 5 3 1 2 3 4 5: min delta -2, relative 0 0 0 3 3 3 3 at width 2 */
    const uint8_t ex2[] = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00,
                           0x00, 0xC0, 0x3F, 0,    0,    0,    0,    0,    0};
    const int64_t want2[] = {7, 5, 3, 1, 2, 3, 4, 5};
    assert_int_equal(enc_delta_binary(ex2, sizeof ex2, 8, out, true, &used), 0);
    assert_memory_equal(out, want2, sizeof want2);
    assert_int_equal(used, sizeof ex2);
    /* wrong count, bad block size, width over 32 for INT32 */
    assert_int_equal(enc_delta_binary(ex1, sizeof ex1, 4, out, false, &used), -1);
    const uint8_t badblock[] = {0x64, 0x04, 0x01, 0x00};
    assert_int_equal(enc_delta_binary(badblock, sizeof badblock, 1, out, false, &used), -1);
    const uint8_t wide[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00};
    assert_int_equal(enc_delta_binary(wide, sizeof wide, 2, out, true, &used), -1);
    assert_non_null(strstr(err_last(), "bit width 33"));
}

static void test_delta_length_byte_array(void **state)
{
    (void)state;
    /* lengths 5 5 6 6: first 5, deltas 0 1 0 (min 0, width 1: bits 010) */
    const uint8_t in[] = {0x80, 0x01, 0x04, 0x04, 0x0A, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00,
                          0x00, 0x00, 'H',  'e',  'l',  'l',  'o',  'W',  'o',  'r',  'l',  'd',
                          'F',  'o',  'o',  'b',  'a',  'r',  'A',  'B',  'C',  'D',  'E',  'F'};
    struct pq_vector v = {.type = {.physical = PQ_BYTE_ARRAY}};
    pqv_reserve(&v, 4);
    assert_int_equal(enc_delta_length_bytes(in, sizeof in, 4, &v, 1 << 20), 0);
    v.len = 4;
    const char *want[] = {"Hello", "World", "Foobar", "ABCDEF"};
    for (size_t i = 0; i < 4; i++) {
        size_t n;
        const uint8_t *p = vector_bytes(&v, i, &n);
        assert_int_equal(n, strlen(want[i]));
        assert_memory_equal(p, want[i], n);
    }
    /* the strings are one byte short */
    v.len = 0;
    v.data_len = 0;
    assert_int_equal(enc_delta_length_bytes(in, sizeof in - 1, 4, &v, 1 << 20), -1);
    vector_free(&v);
}

static void test_delta_byte_array(void **state)
{
    (void)state;
    /* axis axle babble babyhood: prefixes 0 2 0 3, suffixes axis le babble yhood */
    const uint8_t in[] = {
        0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, /* prefixes */
        0x44, 0x01, 0,    0,    0,    0,    0,    0,    0,    0,    0,   0,   0x80, 0x01, 0x04,
        0x04, 0x08, 0x03, 0x03, 0x00, 0x00, 0x00, /* suffix lengths */
        0x70, 0x00, 0,    0,    0,    0,    0,    0,    0,    0,    0,   0,   'a',  'x',  'i',
        's',  'l',  'e',  'b',  'a',  'b',  'b',  'l',  'e',  'y',  'h', 'o', 'o',  'd'};
    struct pq_vector v = {.type = {.physical = PQ_BYTE_ARRAY}};
    pqv_reserve(&v, 4);
    assert_int_equal(enc_delta_bytes(in, sizeof in, 4, 0, &v, 1 << 20), 0);
    v.len = 4;
    const char *want[] = {"axis", "axle", "babble", "babyhood"};
    for (size_t i = 0; i < 4; i++) {
        size_t n;
        const uint8_t *p = vector_bytes(&v, i, &n);
        assert_int_equal(n, strlen(want[i]));
        assert_memory_equal(p, want[i], n);
    }
    /* output over the cap is refused before anything is allocated */
    v.len = 0;
    v.data_len = 0;
    assert_int_equal(enc_delta_bytes(in, sizeof in, 4, 0, &v, 10), -1);
    assert_non_null(strstr(err_last(), "memory limit"));
    /* a prefix longer than the previous value (first prefix 2, nothing before) */
    uint8_t bad[sizeof in];
    memcpy(bad, in, sizeof in);
    bad[4] = 0x04; /* first prefix zigzag 4 = 2 */
    assert_int_equal(enc_delta_bytes(bad, sizeof bad, 4, 0, &v, 1 << 20), -1);
    assert_non_null(strstr(err_last(), "prefix"));
    vector_free(&v);
}

static void test_byte_stream_split(void **state)
{
    (void)state;
    /* 1.0f = 00 00 80 3F, 2.0f = 00 00 00 40 (little-endian) */
    const uint8_t in[] = {0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0x40};
    float out[2];
    assert_int_equal(enc_byte_stream_split(in, sizeof in, 2, 4, out), 0);
    assert_true(out[0] == 1.0f);
    assert_true(out[1] == 2.0f);
    assert_int_equal(enc_byte_stream_split(in, 7, 2, 4, out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rle_bitpacked_and_runs),  cmocka_unit_test(test_rle_errors),
        cmocka_unit_test(test_bit_packed_msb),          cmocka_unit_test(test_plain),
        cmocka_unit_test(test_plain_byte_arrays),       cmocka_unit_test(test_delta_binary_packed),
        cmocka_unit_test(test_delta_length_byte_array), cmocka_unit_test(test_delta_byte_array),
        cmocka_unit_test(test_byte_stream_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
