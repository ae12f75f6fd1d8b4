/* Writes the Parquet files that tests/integration/test_interop.sh hands to pyarrow and DuckDB:
 * every type the writer supports, lists, every codec, dictionary on/off and fallback, several
 * row groups. The values here are the inputs; the expect/ files and the formula checks in the
 * test script are derived from them by hand, not from kanalytic's reader.
 * Usage: gen_files OUTDIR */
#include "parquet/parquet.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct pq_type ty(enum pq_physical p, enum pq_logical l)
{
    struct pq_type t = {0};
    t.physical = p;
    t.logical = l;
    return t;
}

static struct pq_type ty_int(enum pq_physical p, int bits, bool is_signed)
{
    struct pq_type t = ty(p, PQ_LOGICAL_INTEGER);
    t.bit_width = bits;
    t.is_signed = is_signed;
    return t;
}

static struct pq_type ty_ts(enum pq_time_unit u, bool utc)
{
    struct pq_type t = ty(PQ_INT64, PQ_LOGICAL_TIMESTAMP);
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

static void add_str(struct pq_vector *v, const char *s)
{
    if (s)
        vector_append_bytes(v, s, strlen(s));
    else
        vector_append_null(v);
}

/* 4 rows of every scalar type (row 3 or 2 null in the optional ones). */
static void build_types(struct pq_table *t)
{
    struct pq_vector *v;
    v = &table_add_column(t, "s", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), true)->values;
    add_str(v, "a"), add_str(v, NULL), add_str(v, "h\xc3\xa9llo"), add_str(v, "");
    v = &table_add_column(t, "i64", ty(PQ_INT64, PQ_LOGICAL_NONE), true)->values;
    vector_append_i64(v, 1), vector_append_i64(v, -2), vector_append_null(v),
        vector_append_i64(v, INT64_MAX);
    v = &table_add_column(t, "i32", ty(PQ_INT32, PQ_LOGICAL_NONE), true)->values;
    vector_append_i32(v, 1), vector_append_null(v), vector_append_i32(v, INT32_MIN),
        vector_append_i32(v, 7);
    v = &table_add_column(t, "i8", ty_int(PQ_INT32, 8, true), true)->values;
    vector_append_i32(v, -128), vector_append_i32(v, 127), vector_append_null(v),
        vector_append_i32(v, 0);
    v = &table_add_column(t, "i16", ty_int(PQ_INT32, 16, true), true)->values;
    vector_append_i32(v, -32768), vector_append_i32(v, 32767), vector_append_i32(v, 1),
        vector_append_null(v);
    v = &table_add_column(t, "u8", ty_int(PQ_INT32, 8, false), true)->values;
    vector_append_i32(v, 255), vector_append_i32(v, 0), vector_append_null(v),
        vector_append_i32(v, 1);
    v = &table_add_column(t, "u32", ty_int(PQ_INT32, 32, false), true)->values;
    vector_append_i32(v, -1), vector_append_i32(v, 0), vector_append_i32(v, 5),
        vector_append_null(v);
    v = &table_add_column(t, "u64", ty_int(PQ_INT64, 64, false), true)->values;
    vector_append_i64(v, -1), vector_append_null(v), vector_append_i64(v, 0),
        vector_append_i64(v, 42);
    v = &table_add_column(t, "f32", ty(PQ_FLOAT, PQ_LOGICAL_NONE), true)->values;
    vector_append_f32(v, 1.5f), vector_append_f32(v, -0.25f), vector_append_null(v),
        vector_append_f32(v, 3.0f);
    v = &table_add_column(t, "f64", ty(PQ_DOUBLE, PQ_LOGICAL_NONE), true)->values;
    vector_append_f64(v, 0.1), vector_append_null(v), vector_append_f64(v, -1e300),
        vector_append_f64(v, 2.5);
    v = &table_add_column(t, "b", ty(PQ_BOOLEAN, PQ_LOGICAL_NONE), true)->values;
    vector_append_bool(v, true), vector_append_bool(v, false), vector_append_null(v),
        vector_append_bool(v, true);
    v = &table_add_column(t, "d", ty(PQ_INT32, PQ_LOGICAL_DATE), true)->values;
    vector_append_i32(v, 0), vector_append_i32(v, 19000), vector_append_null(v),
        vector_append_i32(v, -1);
    v = &table_add_column(t, "ts_ms", ty_ts(PQ_MILLIS, false), true)->values;
    vector_append_i64(v, 0), vector_append_i64(v, 1700000000123LL), vector_append_null(v),
        vector_append_i64(v, -1);
    v = &table_add_column(t, "ts_us_utc", ty_ts(PQ_MICROS, true), true)->values;
    vector_append_i64(v, 1700000000123456LL), vector_append_null(v), vector_append_i64(v, 0),
        vector_append_i64(v, 86400000000LL);
    v = &table_add_column(t, "ts_ns", ty_ts(PQ_NANOS, false), true)->values;
    vector_append_i64(v, 1700000000123456789LL), vector_append_i64(v, 1), vector_append_null(v),
        vector_append_i64(v, -1000000000LL);
    v = &table_add_column(t, "int96", ty_ts(PQ_NANOS, false), true)->values;
    v->type.physical = PQ_INT96;
    vector_append_i64(v, 1700000000123456789LL), vector_append_null(v),
        vector_append_i64(v, -86400000000001LL), vector_append_i64(v, 0);
    v = &table_add_column(t, "dec32", ty_dec(PQ_INT32, 0, 9, 2), true)->values;
    vector_append_i32(v, 12345), vector_append_i32(v, -5), vector_append_null(v),
        vector_append_i32(v, 0);
    v = &table_add_column(t, "dec64", ty_dec(PQ_INT64, 0, 18, 4), true)->values;
    vector_append_i64(v, -630518078LL), vector_append_null(v), vector_append_i64(v, 1),
        vector_append_i64(v, 999999999999999999LL);
    v = &table_add_column(t, "decflba", ty_dec(PQ_FIXED_LEN_BYTE_ARRAY, 9, 20, 3), true)->values;
    /* 1234567 (1234.567) and -1 (-0.001), big-endian two's complement in 9 bytes */
    vector_append_bytes(v, "\0\0\0\0\0\0\x12\xd6\x87", 9);
    vector_append_bytes(v, "\xff\xff\xff\xff\xff\xff\xff\xff\xff", 9);
    vector_append_null(v);
    vector_append_bytes(v, "\0\0\0\0\0\0\0\0\0", 9);
    v = &table_add_column(t, "bin", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_NONE), true)->values;
    vector_append_bytes(v, "\x00\x01\xff", 3), vector_append_null(v), vector_append_bytes(v, "", 0),
        vector_append_bytes(v, "abc", 3);
    v = &table_add_column(t, "flba", ty(PQ_FIXED_LEN_BYTE_ARRAY, PQ_LOGICAL_NONE), true)->values;
    v->type.type_length = 4;
    vector_append_bytes(v, "abcd", 4), vector_append_bytes(v, "\0\0\0\0", 4),
        vector_append_bytes(v, "wxyz", 4), vector_append_null(v);
    v = &table_add_column(t, "nul", ty(PQ_INT32, PQ_LOGICAL_NULL), true)->values;
    vector_append_null(v), vector_append_null(v), vector_append_null(v), vector_append_null(v);
    v = &table_add_column(t, "req", ty(PQ_INT64, PQ_LOGICAL_NONE), false)->values;
    vector_append_i64(v, 10), vector_append_i64(v, 20), vector_append_i64(v, 30),
        vector_append_i64(v, 40);
    t->nrows = 4;
}

/* [1,2], null, [], [null,3] and friends. */
static void build_lists(struct pq_table *t)
{
    struct pq_column *c = table_add_list_column(t, "li", ty(PQ_INT64, PQ_LOGICAL_NONE), true, true);
    column_list_begin_row(c), vector_append_i64(&c->values, 1), vector_append_i64(&c->values, 2),
        column_list_end_row(c);
    column_list_append_null(c);
    column_list_begin_row(c), column_list_end_row(c);
    column_list_begin_row(c), vector_append_null(&c->values), vector_append_i64(&c->values, 3),
        column_list_end_row(c);
    c = table_add_list_column(t, "ls", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), true, true);
    column_list_begin_row(c), add_str(&c->values, "a"), column_list_end_row(c);
    column_list_begin_row(c), add_str(&c->values, "b"), add_str(&c->values, NULL),
        column_list_end_row(c);
    column_list_append_null(c);
    column_list_begin_row(c), column_list_end_row(c);
    c = table_add_list_column(t, "ld", ty(PQ_DOUBLE, PQ_LOGICAL_NONE), false, false);
    column_list_begin_row(c), vector_append_f64(&c->values, 0.5), column_list_end_row(c);
    column_list_begin_row(c), column_list_end_row(c);
    column_list_begin_row(c), vector_append_f64(&c->values, -1), vector_append_f64(&c->values, 2),
        vector_append_f64(&c->values, 3), column_list_end_row(c);
    column_list_begin_row(c), vector_append_f64(&c->values, 4), column_list_end_row(c);
    c = table_add_list_column(t, "lb", ty(PQ_BOOLEAN, PQ_LOGICAL_NONE), true, true);
    column_list_begin_row(c), vector_append_bool(&c->values, true),
        vector_append_bool(&c->values, false), column_list_end_row(c);
    column_list_begin_row(c), vector_append_null(&c->values), column_list_end_row(c);
    column_list_begin_row(c), column_list_end_row(c);
    column_list_append_null(c);
    t->nrows = 4;
}

/* BIG_ROWS rows: i = row*7 - 3 (null when row % 13 == 0), s = "v" + (row*31 % 50021) padded
 * to 40 characters (about 2 MB of distinct values: the dictionary falls back to PLAIN),
 * k = "k" + row % 5 (a small dictionary), f = row / 4.0. */
#define BIG_ROWS 250000
static void build_big(struct pq_table *t)
{
    /* table_add_column moves the columns: take the pointers once all are added */
    table_add_column(t, "i", ty(PQ_INT64, PQ_LOGICAL_NONE), true);
    table_add_column(t, "s", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), true);
    table_add_column(t, "k", ty(PQ_BYTE_ARRAY, PQ_LOGICAL_STRING), true);
    table_add_column(t, "f", ty(PQ_DOUBLE, PQ_LOGICAL_NONE), true);
    struct pq_vector *i = &t->cols[0].values, *s = &t->cols[1].values, *k = &t->cols[2].values,
                     *f = &t->cols[3].values;
    char tmp[64];
    for (long r = 0; r < BIG_ROWS; r++) {
        if (r % 13 == 0)
            vector_append_null(i);
        else
            vector_append_i64(i, r * 7 - 3);
        snprintf(tmp, sizeof tmp, "v%039ld", r * 31 % 50021);
        add_str(s, tmp);
        snprintf(tmp, sizeof tmp, "k%ld", r % 5);
        add_str(k, tmp);
        vector_append_f64(f, (double)r / 4.0);
    }
    t->nrows = BIG_ROWS;
}

static int write_one(const char *dir, const char *name, const struct pq_table *t,
                     enum pq_codec codec, bool dictionary, size_t rg_rows)
{
    struct pq_writer_options o = PQ_WRITER_OPTIONS_INIT;
    o.codec = codec;
    o.dictionary = dictionary;
    o.row_group_rows = rg_rows;
    char *path = path_join(dir, name);
    int rc = pq_write_file(path, t, &o);
    if (rc < 0)
        fprintf(stderr, "gen_files: %s\n", err_last());
    free(path);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_files OUTDIR\n");
        return 2;
    }
    const char *dir = argv[1];
    struct pq_table types = PQ_TABLE_INIT, lists = PQ_TABLE_INIT, big = PQ_TABLE_INIT;
    build_types(&types);
    build_lists(&lists);
    build_big(&big);
    int rc = 0;
    rc |= write_one(dir, "types_snappy_dict.parquet", &types, PQ_CODEC_SNAPPY, true, 0);
    rc |= write_one(dir, "types_none_plain.parquet", &types, PQ_CODEC_UNCOMPRESSED, false, 0);
    rc |= write_one(dir, "types_gzip_rg1.parquet", &types, PQ_CODEC_GZIP, true, 1);
    rc |= write_one(dir, "types_zstd_plain.parquet", &types, PQ_CODEC_ZSTD, false, 3);
    rc |= write_one(dir, "lists_snappy.parquet", &lists, PQ_CODEC_SNAPPY, true, 0);
    rc |= write_one(dir, "lists_gzip_rg2.parquet", &lists, PQ_CODEC_GZIP, false, 2);
    rc |= write_one(dir, "big_snappy_rg.parquet", &big, PQ_CODEC_SNAPPY, true, 100000);
    rc |= write_one(dir, "big_zstd_plain.parquet", &big, PQ_CODEC_ZSTD, false, 0);
    table_free(&types);
    table_free(&lists);
    table_free(&big);
    return rc ? 1 : 0;
}
