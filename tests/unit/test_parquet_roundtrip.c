/* Round trips writer -> reader: every type, codec, null pattern, lists (null and empty lists,
 * null elements), dictionary on/off and past its 1 MiB fallback, several row groups and many
 * pages, the empty table. The tables are built here from known values and compared value by
 * value (bit for bit for floats) with what the reader returns. One test reads the written pages
 * itself: each page names its encodings with metadata.h's PQ_PAGE_* / PQ_ENC_* numbers, and the
 * decoder beside the writer's encoder in encodings.c reads back what it wrote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/encodings.h"
#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const enum pq_codec codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP,
                                       PQ_CODEC_ZSTD};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static struct pq_type ty(enum pq_physical p, enum pq_logical l)
{
    struct pq_type t = {0};
    t.physical = p;
    t.logical = l;
    return t;
}

/* ---- comparing tables ---- */

static bool values_equal(const struct pq_vector *a, size_t i, const struct pq_vector *b, size_t j)
{
    if (vector_is_null(a, i) || vector_is_null(b, j))
        return vector_is_null(a, i) == vector_is_null(b, j);
    switch (a->type.physical) {
    case PQ_BOOLEAN: return a->v.b[i] == b->v.b[j];
    case PQ_INT32: return a->v.i32[i] == b->v.i32[j];
    case PQ_INT64:
    case PQ_INT96: return a->v.i64[i] == b->v.i64[j];
    case PQ_FLOAT: return !memcmp(&a->v.f32[i], &b->v.f32[j], 4);
    case PQ_DOUBLE: return !memcmp(&a->v.f64[i], &b->v.f64[j], 8);
    default: {
        size_t la, lb;
        const uint8_t *pa = vector_bytes(a, i, &la), *pb = vector_bytes(b, j, &lb);
        return la == lb && !memcmp(pa, pb, la);
    }
    }
}

static void assert_tables_equal(const struct pq_table *want, const struct pq_table *got)
{
    assert_int_equal(got->nrows, want->nrows);
    assert_int_equal(got->ncols, want->ncols);
    for (size_t c = 0; c < want->ncols; c++) {
        const struct pq_column *w = &want->cols[c], *g = &got->cols[c];
        assert_string_equal(g->name, w->name);
        assert_int_equal(g->optional, w->optional);
        assert_int_equal(g->is_list, w->is_list);
        if (!pq_type_equal(&g->values.type, &w->values.type)) {
            char a[64], b[64];
            pq_type_describe(&w->values.type, w->is_list, a, sizeof a);
            pq_type_describe(&g->values.type, g->is_list, b, sizeof b);
            fail_msg("column %s: wrote %s, read %s", w->name, a, b);
        }
        if (!w->is_list) {
            for (size_t r = 0; r < want->nrows; r++)
                if (!values_equal(&w->values, r, &g->values, r))
                    fail_msg("column %s row %zu differs", w->name, r);
            continue;
        }
        assert_int_equal(g->element_optional, w->element_optional);
        for (size_t r = 0; r < want->nrows; r++) {
            if (column_is_null(w, r) != column_is_null(g, r))
                fail_msg("column %s row %zu: null list differs", w->name, r);
            uint64_t wn = w->list_offsets[r + 1] - w->list_offsets[r];
            uint64_t gn = g->list_offsets[r + 1] - g->list_offsets[r];
            if (wn != gn)
                fail_msg("column %s row %zu: %llu elements, read %llu", w->name, r,
                         (unsigned long long)wn, (unsigned long long)gn);
            for (uint64_t e = 0; e < wn; e++)
                if (!values_equal(&w->values, (size_t)(w->list_offsets[r] + e), &g->values,
                                  (size_t)(g->list_offsets[r] + e)))
                    fail_msg("column %s row %zu element %llu differs", w->name, r,
                             (unsigned long long)e);
        }
    }
}

/* Writes t to memory with o, reads it back whole, compares; returns the reader for more
 * checks (the caller frees it and *bytes). */
static struct pq_reader *round_trip(const struct pq_table *t, const struct pq_writer_options *o,
                                    struct buf *bytes)
{
    buf_reset(bytes);
    if (pq_write_buffer(bytes, t, o) < 0)
        fail_msg("write: %s", err_last());
    struct pq_reader *r;
    struct pq_reader_options ro = PQ_READER_OPTIONS_INIT;
    if (pq_reader_open_memory(&r, bytes->data, bytes->len, "roundtrip", &ro) < 0)
        fail_msg("open: %s", err_last());
    assert_int_equal(pq_reader_num_rows(r), t->nrows);
    assert_int_equal(pq_reader_num_columns(r), t->ncols);
    struct pq_table all = PQ_TABLE_INIT;
    for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        struct pq_table part = PQ_TABLE_INIT;
        if (pq_reader_read_row_group(r, g, NULL, &part) < 0)
            fail_msg("row group %zu: %s", g, err_last());
        assert_int_equal(part.nrows, pq_reader_row_group_rows(r, g));
        if (g == 0) {
            all = part;
            continue;
        }
        assert_int_equal(table_append(&all, &part), 0);
        table_free(&part);
    }
    if (pq_reader_num_row_groups(r) == 0) {
        /* no row groups: the schema alone must still match */
        for (size_t c = 0; c < t->ncols; c++) {
            const struct pq_schema_column *sc = pq_reader_column(r, c);
            assert_string_equal(sc->name, t->cols[c].name);
            assert_true(pq_type_equal(&sc->type, &t->cols[c].values.type));
        }
    } else {
        assert_tables_equal(t, &all);
    }
    table_free(&all);
    return r;
}

/* ---- tables ---- */

static struct pq_type ty_int(enum pq_physical p, int bits, bool is_signed)
{
    struct pq_type t = ty(p, PQ_LOGICAL_INTEGER);
    t.bit_width = bits;
    t.is_signed = is_signed;
    return t;
}

static struct pq_type ty_time(enum pq_logical l, enum pq_physical p, enum pq_time_unit u, bool utc)
{
    struct pq_type t = ty(p, l);
    t.unit = u;
    t.utc = utc;
    return t;
}

static struct pq_type ty_dec(enum pq_physical p, int len, int precision, int scale)
{
    struct pq_type t = ty(p, PQ_LOGICAL_DECIMAL);
    t.type_length = len;
    t.precision = precision;
    t.scale = scale;
    return t;
}

/* A row of every type; null_every: 0 no nulls, k: every k-th row null (by column offset). */
static void build_all_types(struct pq_table *t, size_t rows, size_t null_every)
{
    struct pq_type types[] = {
        ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING),
        ty(PQ_BYTE_ARRAY, PQ_LOGICAL_NONE),
        ty(PQ_BYTE_ARRAY, PQ_LOGICAL_JSON),
        ty(PQ_BYTE_ARRAY, PQ_LOGICAL_ENUM),
        ty(PQ_BOOLEAN, PQ_LOGICAL_NONE),
        ty(PQ_INT32, PQ_LOGICAL_NONE),
        ty(PQ_INT64, PQ_LOGICAL_NONE),
        ty(PQ_FLOAT, PQ_LOGICAL_NONE),
        ty(PQ_DOUBLE, PQ_LOGICAL_NONE),
        ty_int(PQ_INT32, 8, true),
        ty_int(PQ_INT32, 16, true),
        ty_int(PQ_INT32, 8, false),
        ty_int(PQ_INT32, 16, false),
        ty_int(PQ_INT32, 32, false),
        ty_int(PQ_INT64, 64, false),
        ty(PQ_INT32, PQ_LOGICAL_DATE),
        ty_time(PQ_LOGICAL_TIME, PQ_INT32, PQ_MILLIS, false),
        ty_time(PQ_LOGICAL_TIME, PQ_INT64, PQ_MICROS, true),
        ty_time(PQ_LOGICAL_TIMESTAMP, PQ_INT64, PQ_MILLIS, false),
        ty_time(PQ_LOGICAL_TIMESTAMP, PQ_INT64, PQ_MICROS, true),
        ty_time(PQ_LOGICAL_TIMESTAMP, PQ_INT64, PQ_NANOS, false),
        ty_time(PQ_LOGICAL_TIMESTAMP, PQ_INT96, PQ_NANOS, false),
        ty_dec(PQ_INT32, 0, 9, 2),
        ty_dec(PQ_INT64, 0, 18, 4),
        ty_dec(PQ_FIXED_LEN_BYTE_ARRAY, 9, 20, 3),
        ty_dec(PQ_BYTE_ARRAY, 0, 30, 5),
        ty(PQ_FIXED_LEN_BYTE_ARRAY, PQ_LOGICAL_UUID),
        ty(PQ_FIXED_LEN_BYTE_ARRAY, PQ_LOGICAL_FLOAT16),
        ty(PQ_FIXED_LEN_BYTE_ARRAY, PQ_LOGICAL_NONE),
    };
    types[26].type_length = 16;
    types[27].type_length = 2;
    types[28].type_length = 5;
    size_t n = sizeof types / sizeof types[0];
    for (size_t c = 0; c < n; c++) {
        char name[16];
        snprintf(name, sizeof name, "c%02zu", c);
        table_add_column(t, name, types[c], null_every != 0 || c % 2 == 0);
    }
    for (size_t c = 0; c < n; c++) {
        struct pq_vector *v = &t->cols[c].values;
        for (size_t r = 0; r < rows; r++) {
            if (null_every && (r + c) % null_every == 0) {
                vector_append_null(v);
                continue;
            }
            uint64_t x = rnd();
            int64_t small = (int64_t)(x % 1000) - 500; /* repeats: dictionaries matter */
            switch (v->type.physical) {
            case PQ_BOOLEAN: vector_append_bool(v, x & 1); break;
            case PQ_INT32: {
                int32_t y = (int32_t)x;
                if (v->type.logical == PQ_LOGICAL_INTEGER && v->type.bit_width < 32)
                    y = v->type.is_signed ? (int32_t)(int8_t)x : (int32_t)(uint8_t)x;
                else if (v->type.logical == PQ_LOGICAL_DATE || v->type.logical == PQ_LOGICAL_TIME)
                    y = (int32_t)(x % 86400000);
                else if (r % 3)
                    y = (int32_t)small;
                vector_append_i32(v, y);
                break;
            }
            case PQ_INT64:
            case PQ_INT96:
                vector_append_i64(v, r % 3 ? small : (int64_t)(x >> 2) - (1LL << 60));
                break;
            case PQ_FLOAT: vector_append_f32(v, r % 7 == 0 ? -0.0f : (float)small / 8.0f); break;
            case PQ_DOUBLE: {
                double d;
                memcpy(&d, &x, 8);
                vector_append_f64(v, r % 2 ? (double)small * 1e-3 : d); /* any bit pattern */
                break;
            }
            case PQ_BYTE_ARRAY: {
                char s[64];
                int len = snprintf(s, sizeof s, "value-%lld-\xc3\xa9", (long long)small);
                vector_append_bytes(v, s, r % 11 == 0 ? 0 : (size_t)len);
                break;
            }
            case PQ_FIXED_LEN_BYTE_ARRAY: {
                uint8_t b[16];
                for (int i = 0; i < 16; i++)
                    b[i] = (uint8_t)(x >> (8 * (i % 8)) ^ (uint64_t)i);
                vector_append_bytes(v, b, (size_t)v->type.type_length);
                break;
            }
            }
        }
    }
    t->nrows = rows;
}

static void test_every_type_codec_dictionary(void **state)
{
    (void)state;
    struct buf bytes = BUF_INIT;
    for (size_t k = 0; k < sizeof codecs / sizeof codecs[0]; k++) {
        for (int dict = 0; dict < 2; dict++) {
            for (size_t nulls = 0; nulls < 3; nulls++) {
                struct pq_table t = PQ_TABLE_INIT;
                build_all_types(&t, 500, nulls == 0 ? 0 : nulls == 1 ? 2 : 7);
                struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
                o.codec = codecs[k];
                o.dictionary = dict;
                o.created_by = "roundtrip test";
                struct pq_reader *r = round_trip(&t, &o, &bytes);
                assert_int_equal(pq_reader_column_codec(r, 0), codecs[k]);
                assert_string_equal(pq_reader_created_by(r), "roundtrip test");
                pq_reader_free(r);
                table_free(&t);
            }
        }
    }
    buf_free(&bytes);
}

static void test_null_patterns(void **state)
{
    (void)state;
    struct buf bytes = BUF_INIT;
    /* 0 none, 1 all, 2 alternating, 3 first and last, 4 long runs, 5 random */
    for (int pattern = 0; pattern < 6; pattern++) {
        struct pq_table t = PQ_TABLE_INIT;
        table_add_column(&t, "i", ty(PQ_INT64, PQ_LOGICAL_NONE), true);
        table_add_column(&t, "s", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), true);
        table_add_column(&t, "b", ty(PQ_BOOLEAN, PQ_LOGICAL_NONE), true);
        size_t rows = 3001;
        for (size_t r = 0; r < rows; r++) {
            bool null = pattern == 1 || (pattern == 2 && r % 2) ||
                        (pattern == 3 && (r == 0 || r == rows - 1)) ||
                        (pattern == 4 && (r / 100) % 2) || (pattern == 5 && rnd() % 3 == 0);
            for (int c = 0; c < 3; c++) {
                struct pq_vector *v = &t.cols[c].values;
                if (null)
                    vector_append_null(v);
                else if (c == 0)
                    vector_append_i64(v, (int64_t)r);
                else if (c == 1)
                    vector_append_bytes(v, r % 2 ? "odd" : "even", r % 2 ? 3 : 4);
                else
                    vector_append_bool(v, r % 3 == 0);
            }
        }
        t.nrows = rows;
        struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
        pq_reader_free(round_trip(&t, &o, &bytes));
        o.dictionary = false;
        o.codec = PQ_CODEC_UNCOMPRESSED;
        pq_reader_free(round_trip(&t, &o, &bytes));
        table_free(&t);
    }
    buf_free(&bytes);
}

static void test_lists(void **state)
{
    (void)state;
    struct buf bytes = BUF_INIT;
    for (int shape = 0; shape < 4; shape++) {
        bool optional = shape & 1, element_optional = shape & 2;
        struct pq_table t = PQ_TABLE_INIT;
        table_add_list_column(&t, "li", ty(PQ_INT64, PQ_LOGICAL_NONE), optional, element_optional);
        table_add_list_column(&t, "ls", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), optional,
                              element_optional);
        table_add_list_column(&t, "lb", ty(PQ_BOOLEAN, PQ_LOGICAL_NONE), optional,
                              element_optional);
        table_add_list_column(&t, "ld", ty(PQ_DOUBLE, PQ_LOGICAL_NONE), optional, element_optional);
        table_add_column(&t, "id", ty(PQ_INT32, PQ_LOGICAL_NONE), false);
        size_t rows = 2000;
        for (size_t r = 0; r < rows; r++) {
            for (int c = 0; c < 4; c++) {
                struct pq_column *col = &t.cols[c];
                uint64_t x = rnd();
                if (optional && x % 5 == 0) {
                    column_list_append_null(col);
                    continue;
                }
                column_list_begin_row(col);
                size_t n = x % 7 == 0 ? 0 : (x >> 8) % 6; /* empty lists too */
                for (size_t e = 0; e < n; e++) {
                    if (element_optional && (x >> (16 + e)) % 4 == 0) {
                        vector_append_null(&col->values);
                        continue;
                    }
                    if (c == 0)
                        vector_append_i64(&col->values, (int64_t)(r * 10 + e));
                    else if (c == 1)
                        vector_append_bytes(&col->values, &"abc"[e % 3], 3 - e % 3);
                    else if (c == 2)
                        vector_append_bool(&col->values, (r + e) % 2);
                    else
                        vector_append_f64(&col->values, (double)r / (double)(e + 1));
                }
                column_list_end_row(col);
            }
            vector_append_i32(&t.cols[4].values, (int32_t)r);
        }
        t.nrows = rows;
        for (size_t k = 0; k < sizeof codecs / sizeof codecs[0]; k++) {
            struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
            o.codec = codecs[k];
            o.dictionary = k % 2;
            o.row_group_rows = k == 3 ? 333 : 0; /* rows never split across row groups */
            pq_reader_free(round_trip(&t, &o, &bytes));
        }
        table_free(&t);
    }
    buf_free(&bytes);
}

static size_t count_occurrences(const struct buf *b, const char *s)
{
    size_t n = 0, len = strlen(s);
    const char *p = b->data, *end = b->data + b->len;
    while ((p = memmem(p, (size_t)(end - p), s, len))) {
        n++;
        p += len;
    }
    return n;
}

static void test_dictionary_fallback_and_pages(void **state)
{
    (void)state;
    /* 60 000 distinct 40-byte strings (2.6 MB of dictionary: falls back to PLAIN after the
     * first MiB) and 400 000 int64s (3.2 MB: several pages) */
    struct pq_table t = PQ_TABLE_INIT;
    table_add_column(&t, "s", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), true);
    table_add_column(&t, "i", ty(PQ_INT64, PQ_LOGICAL_NONE), true);
    size_t rows = 400000;
    for (size_t r = 0; r < rows; r++) {
        char s[48];
        snprintf(s, sizeof s, "distinct-%031zu", r % 60000);
        vector_append_bytes(&t.cols[0].values, s, strlen(s));
        if (r % 17 == 0)
            vector_append_null(&t.cols[1].values);
        else
            vector_append_i64(&t.cols[1].values, (int64_t)(rnd() >> 1));
    }
    t.nrows = rows;
    struct buf dict = BUF_INIT, plain = BUF_INIT;
    struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
    o.codec = PQ_CODEC_UNCOMPRESSED;
    pq_reader_free(round_trip(&t, &o, &dict));
    o.dictionary = false;
    pq_reader_free(round_trip(&t, &o, &plain));
    /* Without the fallback every distinct string would sit once in the dictionary page
     * (plus once in the chunk's min/max statistics). With it (after ~24 000 entries) the late
     * ones never enter the dictionary and appear PLAIN at each of their 6 rows. */
    char late[48];
    snprintf(late, sizeof late, "distinct-%031d", 59999); /* also the max statistic */
    assert_int_equal(count_occurrences(&dict, late), 6 + 1);
    assert_int_equal(count_occurrences(&plain, late), 6 + 1);
    snprintf(late, sizeof late, "distinct-%031d", 0);            /* rows 0, 60000, ...; the min */
    assert_int_equal(count_occurrences(&dict, late), 1 + 6 + 1); /* dictionary, PLAIN, min */
    assert_int_equal(count_occurrences(&plain, late), 7 + 1);
    o.codec = PQ_CODEC_ZSTD;
    o.dictionary = true;
    o.row_group_rows = 150000;
    struct pq_reader *r = round_trip(&t, &o, &dict);
    assert_int_equal(pq_reader_num_row_groups(r), 3);
    assert_int_equal(pq_reader_row_group_rows(r, 2), 100000);
    pq_reader_free(r);
    buf_free(&dict);
    buf_free(&plain);
    table_free(&t);
}

static void test_row_groups_and_empty_table(void **state)
{
    (void)state;
    struct buf bytes = BUF_INIT;
    struct pq_table t = PQ_TABLE_INIT;
    build_all_types(&t, 10, 3);
    struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
    o.row_group_rows = 3;
    struct pq_reader *r = round_trip(&t, &o, &bytes);
    assert_int_equal(pq_reader_num_row_groups(r), 4);
    assert_int_equal(pq_reader_row_group_rows(r, 0), 3);
    assert_int_equal(pq_reader_row_group_rows(r, 3), 1);
    pq_reader_free(r);
    table_free(&t);

    build_all_types(&t, 0, 0);
    r = round_trip(&t, &o, &bytes);
    assert_int_equal(pq_reader_num_rows(r), 0);
    pq_reader_free(r);
    table_free(&t);
    buf_free(&bytes);
}

static void test_write_file_then_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/kanalytic-rt.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct pq_table t = PQ_TABLE_INIT, back = PQ_TABLE_INIT;
    build_all_types(&t, 100, 4);
    struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
    o.codec = PQ_CODEC_GZIP;
    assert_int_equal(pq_write_file(path, &t, &o), 0);
    if (pq_read_file(path, &back) < 0)
        fail_msg("%s", err_last());
    assert_tables_equal(&t, &back);
    unlink(path);
    table_free(&t);
    table_free(&back);
}

/* Arrow's null type: pyarrow writes an all-None column as INT32 with the UNKNOWN logical
 * type (an empty Kestrel variable is all such columns). It reads as "null", survives our
 * writer, differs from int32 in the comparator, and cannot hold a value. */
static void test_null_type(void **state)
{
    (void)state;
    struct pq_table py = PQ_TABLE_INIT;
    if (pq_read_file("tests/fixtures/parquet/pyarrow-null-columns.parquet", &py) < 0)
        fail_msg("%s", err_last());
    long c = table_find_column(&py, "src_ref.value");
    assert_true(c >= 0);
    char desc[64];
    pq_type_describe(&py.cols[c].values.type, false, desc, sizeof desc);
    assert_string_equal(desc, "null");
    table_free(&py);

    struct pq_type null_type = {0}, int32_type = {0};
    null_type.physical = int32_type.physical = PQ_INT32;
    null_type.logical = PQ_LOGICAL_NULL;
    assert_false(pq_type_equal(&null_type, &int32_type));
    struct pq_table t = PQ_TABLE_INIT;
    struct pq_vector *v = &table_add_column(&t, "nothing", null_type, true)->values;
    for (int i = 0; i < 3; i++)
        vector_append_null(v);
    t.nrows = 3;
    struct buf bytes = BUF_INIT;
    struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
    struct pq_reader *r = round_trip(&t, &o, &bytes);
    assert_int_equal(pq_reader_column(r, 0)->type.logical, PQ_LOGICAL_NULL);
    pq_reader_free(r);

    vector_append_i32(v, 7);
    t.nrows = 4;
    buf_reset(&bytes);
    assert_int_equal(pq_write_buffer(&bytes, &t, &o), -1);
    assert_non_null(strstr(err_last(), "column 'nothing' is of the null type but row 3 holds"));
    table_free(&t);
    buf_free(&bytes);
}

/* ---- pages decoded by the encodings they name ---- */

struct page_census {
    size_t dict_pages, plain_pages, dict_data_pages;
};

/* Checks that values[*next..] (nulls skipped) starts with got[j]; advances *next. */
static void expect_next(const struct pq_column *c, size_t *next, const struct pq_vector *got,
                        size_t j)
{
    const struct pq_vector *want = &c->values;
    while (*next < want->len && vector_is_null(want, *next))
        (*next)++;
    if (*next >= want->len)
        fail_msg("column %s: more values in the pages than in the table", c->name);
    if (!values_equal(want, *next, got, j))
        fail_msg("column %s: value %zu differs", c->name, *next);
    (*next)++;
}

/* Walks the pages of column chunk m (an uncompressed file) with the decoders of encodings.c,
 * dispatching on the encodings each page header names; compares the values with column c. */
static void walk_chunk(const struct buf *file, const struct pq_column_meta *m,
                       const struct pq_column *c, size_t *next, struct page_census *census)
{
    int max_rep = c->is_list, max_def = c->optional + (c->is_list ? 1 + c->element_optional : 0);
    struct pq_vector dict = {.type = c->values.type}, page = {.type = c->values.type};
    int64_t at = m->dictionary_page_offset >= 0 ? m->dictionary_page_offset : m->data_page_offset;
    int64_t end = at + m->total_compressed_size;
    assert_int_equal(m->codec, PQ_CODEC_UNCOMPRESSED);
    assert_true(end <= (int64_t)file->len);
    while (at < end) {
        const uint8_t *p = (const uint8_t *)file->data + at;
        struct pq_page_header h;
        size_t used;
        if (pq_page_header_parse(&h, p, (size_t)(end - at), &used) < 0)
            fail_msg("column %s: page header at %lld: %s", c->name, (long long)at, err_last());
        p += used;
        size_t len = (size_t)h.compressed_size, n;
        assert_int_equal(h.uncompressed_size, h.compressed_size);
        at += (int64_t)(used + len);
        if (h.type == PQ_PAGE_DICTIONARY) {
            assert_int_equal(h.dict_encoding, PQ_ENC_PLAIN);
            n = (size_t)h.dict_num_values;
            assert_int_equal(pqv_reserve(&dict, n), 0);
            if (enc_plain(p, len, n, &dict) < 0)
                fail_msg("column %s: dictionary: %s", c->name, err_last());
            dict.len = n;
            census->dict_pages++;
            continue;
        }
        assert_int_equal(h.type, PQ_PAGE_DATA);
        n = (size_t)h.num_values;
        uint8_t *rep = calloc(n + 1, 1), *def = calloc(n + 1, 1);
        size_t pos = 0, nn = n;
        if (max_rep) {
            assert_int_equal(h.rep_encoding, PQ_ENC_RLE);
            assert_int_equal(enc_levels(p, len, h.rep_encoding, max_rep, n, true, rep, &used, "r"),
                             0);
            pos += used;
        }
        if (max_def) {
            assert_int_equal(h.def_encoding, PQ_ENC_RLE);
            if (enc_levels(p + pos, len - pos, h.def_encoding, max_def, n, true, def, &used, "d") <
                0)
                fail_msg("column %s: %s", c->name, err_last());
            pos += used;
            nn = 0;
            for (size_t i = 0; i < n; i++)
                nn += def[i] == max_def;
        }
        page.len = 0;
        page.data_len = 0;
        assert_int_equal(pqv_reserve(&page, nn), 0);
        switch (h.encoding) {
        case PQ_ENC_PLAIN:
            if (enc_plain(p + pos, len - pos, nn, &page) < 0)
                fail_msg("column %s: PLAIN page: %s", c->name, err_last());
            page.len = nn;
            for (size_t j = 0; j < nn; j++)
                expect_next(c, next, &page, j);
            census->plain_pages++;
            break;
        case PQ_ENC_RLE_DICTIONARY: {
            uint32_t *idx = calloc(nn + 1, sizeof *idx);
            if (enc_dict_indices(p + pos, len - pos, nn, dict.len, idx) < 0)
                fail_msg("column %s: dictionary indices: %s", c->name, err_last());
            for (size_t j = 0; j < nn; j++)
                expect_next(c, next, &dict, idx[j]);
            free(idx);
            census->dict_data_pages++;
            break;
        }
        default: fail_msg("column %s: a data page in %s", c->name, pq_encoding_name(h.encoding));
        }
        free(rep);
        free(def);
    }
    assert_int_equal(at, end);
    vector_free(&dict);
    vector_free(&page);
}

static void walk_file(const struct buf *file, const struct pq_table *t, struct page_census *census)
{
    uint32_t flen;
    assert_true(file->len > 12);
    memcpy(&flen, file->data + file->len - 8, 4);
    assert_true(flen <= file->len - 12);
    struct pq_file_meta m;
    if (pq_meta_parse(&m, (const uint8_t *)file->data + file->len - 8 - flen, flen) < 0)
        fail_msg("footer: %s", err_last());
    for (size_t c = 0; c < t->ncols; c++) {
        struct page_census col = {0};
        size_t next = 0;
        for (uint32_t g = 0; g < m.nrow_groups; g++)
            walk_chunk(file, &m.row_groups[g].columns[c].meta, &t->cols[c], &next, &col);
        const struct pq_vector *v = &t->cols[c].values;
        while (next < v->len && vector_is_null(v, next))
            next++;
        if (next != v->len)
            fail_msg("column %s: the pages hold %zu of %zu values", t->cols[c].name, next, v->len);
        census[c] = col;
    }
    pq_meta_free(&m);
}

static void test_pages_decode_by_their_encoding_names(void **state)
{
    (void)state;
    /* every type, nulls, 45 000 rows (3 pages of at most 20 000 values per chunk), a list, and
     * 45 000 distinct 40-byte strings: past the 1 MiB dictionary, PLAIN pages follow */
    struct pq_table t = PQ_TABLE_INIT;
    size_t rows = 45000;
    build_all_types(&t, rows, 7);
    size_t flat = t.ncols;
    struct pq_column *s =
        table_add_column(&t, "distinct", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), false);
    for (size_t r = 0; r < rows; r++) {
        char str[48];
        snprintf(str, sizeof str, "distinct-%031zu", r);
        vector_append_bytes(&s->values, str, strlen(str));
    }
    struct pq_column *l =
        table_add_list_column(&t, "list", ty(PQ_INT32, PQ_LOGICAL_NONE), true, true);
    for (size_t r = 0; r < rows; r++) {
        if (r % 9 == 0) {
            column_list_append_null(l);
            continue;
        }
        column_list_begin_row(l);
        for (size_t e = 0; e < r % 4; e++) {
            if ((r + e) % 5 == 0)
                vector_append_null(&l->values);
            else
                vector_append_i32(&l->values, (int32_t)(r % 100 + e));
        }
        column_list_end_row(l);
    }
    struct page_census census[64];
    assert_true(t.ncols <= 64);
    struct buf bytes = BUF_INIT;
    for (int dict = 0; dict < 2; dict++) {
        struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
        o.codec = PQ_CODEC_UNCOMPRESSED;
        o.dictionary = dict;
        o.row_group_rows = 30000;
        buf_reset(&bytes);
        assert_int_equal(pq_write_buffer(&bytes, &t, &o), 0);
        walk_file(&bytes, &t, census);
        for (size_t c = 0; c < t.ncols; c++) {
            const struct page_census *k = &census[c];
            bool is_bool = t.cols[c].values.type.physical == PQ_BOOLEAN;
            /* 20 000 slots a page: 2 + 1 pages over the row groups, 3 + 2 for the list */
            size_t pages = c == flat + 1 ? 5 : 3;
            if (!dict || is_bool) {
                assert_int_equal(k->dict_pages + k->dict_data_pages, 0);
                assert_int_equal(k->plain_pages, pages);
            } else if (c == flat) {
                /* row group 1: 20 000 indices, the ~3 800 more that fit in 1 MiB of dictionary,
                 * the rest PLAIN; row group 2 starts a dictionary of its own */
                assert_int_equal(k->dict_pages, 2);
                assert_int_equal(k->dict_data_pages, 3);
                assert_int_equal(k->plain_pages, 1);
            } else {
                assert_int_equal(k->dict_pages, 2);
                assert_int_equal(k->dict_data_pages, pages);
                assert_int_equal(k->plain_pages, 0);
            }
        }
    }
    buf_free(&bytes);
    table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_type),
        cmocka_unit_test(test_every_type_codec_dictionary),
        cmocka_unit_test(test_null_patterns),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_dictionary_fallback_and_pages),
        cmocka_unit_test(test_row_groups_and_empty_table),
        cmocka_unit_test(test_write_file_then_read_file),
        cmocka_unit_test(test_pages_decode_by_their_encoding_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
