/* Unit tests of tool/parquet/encodings.c against byte vectors worked out by hand from
 * Encodings.md (its own RLE / BIT_PACKED / DELTA examples where it gives them), and round
 * trips of each encoding the writer writes: its encoder, then its decoder beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/encodings.h"
#include "parquet/metadata.h"
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

/* ---- encoder -> decoder round trips ---- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint32_t rnd32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* n values below 2^width in runs of random lengths (1..20) and random literals. */
static void runs_and_literals(uint32_t *v, size_t n, int width)
{
    uint32_t mask = width == 32 ? UINT32_MAX : (UINT32_C(1) << width) - 1;
    for (size_t i = 0; i < n;) {
        size_t run = rnd32() % 3 ? 1 : 1 + rnd32() % 20;
        uint32_t x = rnd32() & mask;
        if (rnd32() % 2) /* the extremes, where a bit too many or too few shows */
            x = rnd32() % 2 ? mask : 0;
        for (size_t k = 0; k < run && i < n; k++)
            v[i++] = x;
    }
}

static void test_rle_put_known_bytes(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    /* Encodings.md: 0..7 at width 3 is one bit-packed group, 10001000 11000110 11111010 */
    const uint32_t ramp[] = {0, 1, 2, 3, 4, 5, 6, 7};
    rle_put(&b, ramp, 8, 3);
    const uint8_t want_bp[] = {0x03, 0x88, 0xC6, 0xFA};
    assert_int_equal(b.len, sizeof want_bp);
    assert_memory_equal(b.data, want_bp, sizeof want_bp);
    /* 8 equal values are an RLE run: header 8 << 1, the value in (width + 7) / 8 bytes */
    buf_reset(&b);
    const uint32_t same[] = {300, 300, 300, 300, 300, 300, 300, 300};
    rle_put(&b, same, 8, 9);
    const uint8_t want_rle[] = {0x10, 0x2C, 0x01};
    assert_int_equal(b.len, sizeof want_rle);
    assert_memory_equal(b.data, want_rle, sizeof want_rle);
    /* 3 literals: one group padded to 8 values (readers stop at the value count) */
    buf_reset(&b);
    rle_put(&b, ramp + 1, 3, 2); /* 1 2 3 -> 01 10 11 00 -> 0x39, then 0x00 */
    const uint8_t want_pad[] = {0x03, 0x39, 0x00};
    assert_int_equal(b.len, sizeof want_pad);
    assert_memory_equal(b.data, want_pad, sizeof want_pad);
    buf_free(&b);
}

static void test_rle_round_trip(void **state)
{
    (void)state;
    enum { N = 1000 };
    uint32_t in[N], out[N];
    struct buf b = BUF_INIT;
    for (int width = 0; width <= 32; width++) {
        const size_t counts[] = {0, 1, 7, 8, 9, 63, 64, 65, 517, N};
        for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
            size_t n = counts[c];
            runs_and_literals(in, n, width);
            buf_reset(&b);
            rle_put(&b, in, n, width);
            struct rle_decoder d;
            rle_init(&d, (const uint8_t *)b.data, b.len, width);
            if (rle_get(&d, out, n) < 0)
                fail_msg("width %d, %zu values: %s", width, n, err_last());
            for (size_t i = 0; i < n; i++)
                if (out[i] != in[i])
                    fail_msg("width %d, %zu values: value %zu is %u, wrote %u", width, n, i, out[i],
                             in[i]);
            /* every byte written was read: no stray runs, only the last group padded */
            if (d.p != d.end)
                fail_msg("width %d, %zu values: %td bytes left unread", width, n, d.end - d.p);
        }
    }
    buf_free(&b);
}

static void test_levels_round_trip(void **state)
{
    (void)state;
    enum { N = 700 };
    uint32_t lv[N];
    uint8_t out[N];
    struct buf b = BUF_INIT;
    const int maxes[] = {1, 2, 3, 7, 100, 255};
    for (size_t m = 0; m < sizeof maxes / sizeof *maxes; m++) {
        int max = maxes[m];
        for (size_t i = 0; i < N; i++)
            lv[i] = i % 50 < 30 ? (uint32_t)max : rnd32() % (uint32_t)(max + 1);
        buf_reset(&b);
        buf_add(&b, "x", 1); /* the levels need not start the buffer */
        enc_levels_put(&b, lv, N, max);
        uint32_t len;
        memcpy(&len, b.data + 1, 4);
        assert_int_equal(len, b.len - 5); /* the u32 length covers the runs that follow */
        size_t used = 0;
        if (enc_levels((const uint8_t *)b.data + 1, b.len - 1, PQ_ENC_RLE, max, N, true, out, &used,
                       "definition") < 0)
            fail_msg("max %d: %s", max, err_last());
        assert_int_equal(used, b.len - 1);
        for (size_t i = 0; i < N; i++)
            assert_int_equal(out[i], lv[i]);
    }
    /* a level over the maximum (3 fits the 2 bits of max 2) is refused by name */
    const uint32_t over[] = {0, 1, 2, 3};
    buf_reset(&b);
    enc_levels_put(&b, over, 4, 2);
    size_t used;
    assert_int_equal(enc_levels((const uint8_t *)b.data, b.len, PQ_ENC_RLE, 2, 4, true, out, &used,
                                "definition"),
                     -1);
    assert_non_null(strstr(err_last(), "definition level 3 at value 3 exceeds the maximum 2"));
    /* and an encoding levels cannot have is named */
    assert_int_equal(enc_levels((const uint8_t *)b.data, b.len, PQ_ENC_RLE_DICTIONARY, 2, 4, true,
                                out, &used, "repetition"),
                     -1);
    assert_non_null(strstr(err_last(), "RLE_DICTIONARY"));
    buf_free(&b);
}

static void test_dict_indices_round_trip(void **state)
{
    (void)state;
    enum { N = 2000 };
    uint32_t in[N], out[N];
    struct buf b = BUF_INIT;
    /* dictionary sizes and the index width each asks for (at least 1, as Arrow writes) */
    const struct {
        size_t dict_len;
        int width;
    } cases[] = {{1, 1},
                 {2, 1},
                 {3, 2},
                 {4, 2},
                 {5, 3},
                 {256, 8},
                 {257, 9},
                 {70000, 17},
                 {(size_t)1 << 31, 31},
                 {((size_t)1 << 31) + 1, 32}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t dl = cases[c].dict_len;
        for (size_t i = 0; i < N; i++)
            in[i] = i % 40 < 10 ? (uint32_t)(dl - 1) : (uint32_t)(rnd32() % dl);
        buf_reset(&b);
        enc_dict_indices_put(&b, in, N, dl);
        assert_int_equal((uint8_t)b.data[0], cases[c].width);
        if (enc_dict_indices((const uint8_t *)b.data, b.len, N, dl, out) < 0)
            fail_msg("dictionary of %zu: %s", dl, err_last());
        assert_memory_equal(out, in, sizeof in);
    }
    /* an index past a smaller dictionary is refused */
    const uint32_t idx[] = {0, 4};
    buf_reset(&b);
    enc_dict_indices_put(&b, idx, 2, 5);
    assert_int_equal(enc_dict_indices((const uint8_t *)b.data, b.len, 2, 4, out), -1);
    assert_non_null(strstr(err_last(), "index 4 out of range"));
    buf_free(&b);
}

/* A vector of n values of type t: each physical type's extremes, then random values. */
static void plain_values(struct pq_vector *v, struct pq_type t, size_t n)
{
    memset(v, 0, sizeof *v);
    v->type = t;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = (uint64_t)rnd32() << 32 | rnd32();
        if (i < 2)
            r = i ? UINT64_MAX : 0;
        switch (t.physical) {
        case PQ_BOOLEAN: vector_append_bool(v, r & 1); break;
        case PQ_INT32: vector_append_i32(v, (int32_t)r); break;
        case PQ_INT64: vector_append_i64(v, (int64_t)r); break;
        case PQ_INT96: /* nanoseconds, before and after the epoch */
            vector_append_i64(v, (int64_t)(r % 4000000000000000000ULL) - 2000000000000000000LL);
            break;
        case PQ_FLOAT: {
            float f;
            uint32_t bits = (uint32_t)r;
            memcpy(&f, &bits, 4); /* any bits: NaN payloads, -0.0 and infinities survive */
            vector_append_f32(v, f);
            break;
        }
        case PQ_DOUBLE: {
            double d;
            memcpy(&d, &r, 8);
            vector_append_f64(v, d);
            break;
        }
        case PQ_BYTE_ARRAY:
        case PQ_FIXED_LEN_BYTE_ARRAY: {
            uint8_t bytes[40];
            size_t len = t.physical == PQ_FIXED_LEN_BYTE_ARRAY ? (size_t)t.type_length : r % 40;
            for (size_t k = 0; k < len; k++)
                bytes[k] = (uint8_t)rnd32();
            vector_append_bytes(v, bytes, len);
            break;
        }
        }
    }
}

static void test_plain_round_trip(void **state)
{
    (void)state;
    enum { N = 301 };
    const struct pq_type types[] = {
        {.physical = PQ_BOOLEAN},    {.physical = PQ_INT32},
        {.physical = PQ_INT64},      {.physical = PQ_INT96},
        {.physical = PQ_FLOAT},      {.physical = PQ_DOUBLE},
        {.physical = PQ_BYTE_ARRAY}, {.physical = PQ_FIXED_LEN_BYTE_ARRAY, .type_length = 5},
    };
    size_t idx[N];
    struct buf b = BUF_INIT;
    for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
        struct pq_vector in, out = {.type = types[t]};
        plain_values(&in, types[t], N);
        /* a dictionary page encodes some values in any order, a data page skips nulls */
        size_t n = 0, want_bytes = 0;
        for (size_t i = 0; i < N; i++)
            if (i % 3 != 1) {
                idx[n] = (i * 7) % N;
                want_bytes += enc_plain_size(&in, idx[n++]);
            }
        buf_reset(&b);
        enc_plain_put(&b, &in, idx, n);
        if (types[t].physical == PQ_BOOLEAN)
            want_bytes = (n + 7) / 8;
        assert_int_equal(b.len, want_bytes);
        assert_int_equal(pqv_reserve(&out, n), 0);
        if (enc_plain((const uint8_t *)b.data, b.len, n, &out) < 0)
            fail_msg("type %d: %s", types[t].physical, err_last());
        out.len = n;
        for (size_t k = 0; k < n; k++) {
            uint8_t ta[12], tb[12];
            size_t la, lb;
            const uint8_t *a = enc_plain_value(&in, idx[k], &la, ta);
            const uint8_t *o = enc_plain_value(&out, k, &lb, tb);
            if (la != lb || memcmp(a, o, la))
                fail_msg("type %d: value %zu differs after the round trip", types[t].physical, k);
            if (types[t].physical == PQ_INT96 && in.v.i64[idx[k]] != out.v.i64[k])
                fail_msg("INT96 value %zu: %lld, read %lld", k, (long long)in.v.i64[idx[k]],
                         (long long)out.v.i64[k]);
        }
        vector_free(&in);
        vector_free(&out);
    }
    buf_free(&b);
}

static void test_int96_both_ways(void **state)
{
    (void)state;
    /* 1970-01-01T00:00:00.000000001 and one nanosecond before the epoch: Julian day 2440588
     * (0x253D8C) with 1 ns, and day 2440587 with the day's last nanosecond */
    uint8_t b[12];
    int96_from_ns(1, b);
    const uint8_t one[] = {1, 0, 0, 0, 0, 0, 0, 0, 0x8C, 0x3D, 0x25, 0};
    assert_memory_equal(b, one, 12);
    assert_int_equal(int96_to_ns(b), 1);
    int96_from_ns(-1, b);
    const uint8_t before[] = {0xFF, 0xFF, 0x4E, 0x91, 0x94, 0x4E, 0, 0, 0x8B, 0x3D, 0x25, 0};
    assert_memory_equal(b, before, 12);
    assert_int_equal(int96_to_ns(b), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rle_bitpacked_and_runs),  cmocka_unit_test(test_rle_errors),
        cmocka_unit_test(test_bit_packed_msb),          cmocka_unit_test(test_plain),
        cmocka_unit_test(test_plain_byte_arrays),       cmocka_unit_test(test_delta_binary_packed),
        cmocka_unit_test(test_delta_length_byte_array), cmocka_unit_test(test_delta_byte_array),
        cmocka_unit_test(test_byte_stream_split),       cmocka_unit_test(test_rle_put_known_bytes),
        cmocka_unit_test(test_rle_round_trip),          cmocka_unit_test(test_levels_round_trip),
        cmocka_unit_test(test_dict_indices_round_trip), cmocka_unit_test(test_plain_round_trip),
        cmocka_unit_test(test_int96_both_ways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
