/* Tests of the Parquet reader (tool/parquet/reader.c) on the pyarrow corpus, Apache's
 * parquet-testing files, the Kestrel test data and hand-made corrupt files. Run from the
 * repository root (reads ../shared). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "parquet/thrift_write.h"
#include "table/format.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define SHARED "../shared"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(&b, tmp, n);
    fclose(f);
    return buf_detach(&b, len);
}

/* Every row of t as canonical JSON Lines; FLOAT columns widened to DOUBLE first when widen
 * (the README lets a FLOAT print as its float32 or its widened double). */
static void table_jsonl(struct buf *out, struct pq_table *t, bool widen)
{
    if (widen) {
        for (size_t c = 0; c < t->ncols; c++) {
            struct pq_vector *v = &t->cols[c].values;
            if (v->type.physical != PQ_FLOAT)
                continue;
            double *d = calloc(v->cap ? v->cap : 1, sizeof *d);
            for (size_t i = 0; i < v->len; i++)
                d[i] = (double)v->v.f32[i];
            free(v->v.f32);
            v->v.f64 = d;
            v->type.physical = PQ_DOUBLE;
        }
    }
    for (size_t r = 0; r < t->nrows; r++) {
        buf_addch(out, '{');
        for (size_t c = 0; c < t->ncols; c++) {
            buf_addf(out, "%s\"%s\": ", c ? ", " : "", t->cols[c].name);
            format_cell_json(out, &t->cols[c], r);
        }
        buf_addstr(out, "}\n");
    }
}

/* Calls fn for every FILE.parquet of the corpus with FILE.expect.jsonl; returns how many. */
static int for_each_corpus_file(void (*fn)(const char *path, const char *expect))
{
    DIR *d = opendir(SHARED "/parquet-corpus");
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 9 || strcmp(e->d_name + l - 8, ".parquet"))
            continue;
        char path[512], expect[512];
        snprintf(path, sizeof path, SHARED "/parquet-corpus/%s", e->d_name);
        snprintf(expect, sizeof expect, SHARED "/parquet-corpus/%.*s.expect.jsonl", (int)(l - 8),
                 e->d_name);
        fn(path, expect);
        files++;
    }
    closedir(d);
    return files;
}

static void matches_expect_jsonl(const char *path, const char *expect)
{
    struct pq_table t;
    if (pq_read_file(path, &t) < 0)
        fail_msg("%s: %s", path, err_last());
    size_t elen;
    char *want = slurp(expect, &elen);
    assert_non_null(want);
    struct buf got = BUF_INIT;
    table_jsonl(&got, &t, true);
    if (got.len != elen || memcmp(got.data, want, elen))
        fail_msg("%s: output differs from %s", path, expect);
    buf_free(&got);
    free(want);
    table_free(&t);
}

static void test_corpus_matches_expect_jsonl(void **state)
{
    (void)state;
    assert_true(for_each_corpus_file(matches_expect_jsonl) >= 14);
}

/* The corpus's FLOAT values print as the shortest float32 form that reads back exactly. */
static void test_corpus_float32_shortest(void **state)
{
    (void)state;
    struct pq_table t;
    assert_int_equal(pq_read_file(SHARED "/parquet-corpus/typed_snappy.parquet", &t), 0);
    long c = table_find_column(&t, "f32");
    assert_true(c >= 0);
    struct buf b = BUF_INIT;
    for (size_t r = 0; r < t.nrows; r++) {
        if (column_is_null(&t.cols[c], r))
            continue;
        buf_reset(&b);
        format_cell_json(&b, &t.cols[c], r);
        if (b.data[0] == '"')
            continue;
        assert_true(strtof(b.data, NULL) == t.cols[c].values.v.f32[r]);
    }
    buf_free(&b);
    table_free(&t);
}

/* Parses one CSV line (RFC 4180 quoting, no embedded newlines) into fields; "" unquoted
 * and quoted both give empty strings. */
static size_t csv_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line, *w;
    while (n < max) {
        fields[n++] = w = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (!*p) {
                    break;
                } else {
                    *w++ = *p++;
                }
            }
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        bool more = *p == ',';
        *w = '\0';
        if (!more)
            break;
        p++;
    }
    return n;
}

static void compare_with_csv(const char *parquet, const char *csv)
{
    struct pq_table t;
    if (pq_read_file(parquet, &t) < 0)
        fail_msg("%s: %s", parquet, err_last());
    size_t len;
    char *text = slurp(csv, &len);
    assert_non_null(text);
    char *save = NULL, *fields[256];
    char *line = strtok_r(text, "\n", &save); /* header */
    assert_non_null(line);
    size_t row = 0;
    struct buf cell = BUF_INIT;
    while ((line = strtok_r(NULL, "\n", &save))) {
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[l - 1] = '\0';
        size_t n = csv_split(line, fields, 256);
        assert_int_equal(n, t.ncols);
        assert_true(row < t.nrows);
        for (size_t c = 0; c < n; c++) {
            buf_reset(&cell);
            format_cell_text(&cell, &t.cols[c], row, true);
            if (strcmp(cell.data, fields[c]))
                fail_msg("%s row %zu column %s: got '%s', expected '%s'", parquet, row,
                         t.cols[c].name, cell.data, fields[c]);
        }
        row++;
    }
    assert_int_equal(row, t.nrows);
    buf_free(&cell);
    free(text);
    table_free(&t);
}

static void test_parquet_testing_expect_csv(void **state)
{
    (void)state;
    static const char *names[] = {"delta_binary_packed", "delta_byte_array",
                                  "delta_encoding_optional_column",
                                  "delta_encoding_required_column"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[256], c[256];
        snprintf(p, sizeof p, SHARED "/parquet-testing/data/%s.parquet", names[i]);
        snprintf(c, sizeof c, SHARED "/parquet-testing/data/%s_expect.csv", names[i]);
        compare_with_csv(p, c);
    }
}

/* Files that must fail, with a word the message must contain. */
static const struct {
    const char *name;
    const char *why;
} refused[] = {
    {"hadoop_lz4_compressed.parquet", "unsupported compression codec LZ4"},
    {"hadoop_lz4_compressed_larger.parquet", "unsupported compression codec LZ4"},
    {"non_hadoop_lz4_compressed.parquet", "unsupported compression codec LZ4"},
    {"large_string_map.brotli.parquet", "nested"},
    {"incorrect_map_schema.parquet", "nested"},
    {"map_no_value.parquet", "nested"},
    {"nested_lists.snappy.parquet", "nested"},
    {"nested_maps.snappy.parquet", "nested"},
    {"nested_structs.rust.parquet", "nested"},
    {"nonnullable.impala.parquet", "nested"},
    {"nullable.impala.parquet", "nested"},
    {"nulls.snappy.parquet", "nested"},
    {"old_list_structure.parquet", "nested"},
    {"repeated_no_annotation.parquet", "nested"},
    {"repeated_primitive_no_list.parquet", "nested"},
};

static bool is_refused(const char *name, const char **why)
{
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (!strcmp(refused[i].name, name)) {
            *why = refused[i].why;
            return true;
        }
    if (strstr(name, ".encrypted")) {
        *why = "encrypted";
        return true;
    }
    return false;
}

/* Reads every row group of a file through the streaming API; returns rows or -1. */
static long long read_all(const char *path)
{
    struct pq_reader *r;
    if (pq_reader_open(&r, path, NULL) < 0)
        return -1;
    long long rows = 0;
    for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        struct pq_table t;
        if (pq_reader_read_row_group(r, g, NULL, &t) < 0) {
            pq_reader_free(r);
            return -1;
        }
        /* render every cell so formatting is exercised on every type */
        struct buf b = BUF_INIT;
        for (size_t c = 0; c < t.ncols; c++)
            for (size_t i = 0; i < t.nrows; i++)
                format_cell_json(&b, &t.cols[c], i);
        buf_free(&b);
        rows += (long long)t.nrows;
        table_free(&t);
    }
    long long want = (long long)pq_reader_num_rows(r);
    pq_reader_free(r);
    return rows == want ? rows : -1;
}

static void test_parquet_testing_data(void **state)
{
    (void)state;
    DIR *d = opendir(SHARED "/parquet-testing/data");
    assert_non_null(d);
    struct dirent *e;
    int ok = 0, bad = 0;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".parquet"))
            continue;
        char path[512];
        snprintf(path, sizeof path, SHARED "/parquet-testing/data/%s", e->d_name);
        const char *why;
        long long rows = read_all(path);
        if (is_refused(e->d_name, &why)) {
            if (rows >= 0)
                fail_msg("%s: read, but should be refused (%s)", e->d_name, why);
            if (!strstr(err_last(), why) || !strstr(err_last(), e->d_name))
                fail_msg("%s: error '%s' lacks '%s' or the file name", e->d_name, err_last(), why);
            bad++;
        } else {
            if (rows < 0)
                fail_msg("%s: %s", e->d_name, err_last());
            ok++;
        }
    }
    closedir(d);
    assert_true(ok >= 50);
    assert_true(bad >= 20);
}

static void test_known_values(void **state)
{
    (void)state;
    struct pq_table t;
    struct buf b = BUF_INIT;
    /* alltypes_plain: Impala, INT96 timestamps; row 0 is id 4, 2009-03-01 00:00:00 */
    assert_int_equal(pq_read_file(SHARED "/parquet-testing/data/alltypes_plain.parquet", &t), 0);
    assert_int_equal(t.nrows, 8);
    long c = table_find_column(&t, "timestamp_col");
    assert_true(c >= 0);
    format_cell_json(&b, &t.cols[c], 0);
    assert_string_equal(b.data, "\"2009-03-01T00:00:00.000000000\"");
    table_free(&t);
    /* concatenated gzip members: 513 rows, values 1..513 */
    assert_int_equal(
        pq_read_file(SHARED "/parquet-testing/data/concatenated_gzip_members.parquet", &t), 0);
    assert_int_equal(t.nrows, 513);
    assert_int_equal(t.cols[0].values.v.i64[512], 513);
    table_free(&t);
    /* decimals stored in INT32, INT64, FLBA and BYTE_ARRAY all print 1.00 .. 24.00 */
    const char *dec[] = {"int32_decimal", "int64_decimal", "fixed_length_decimal",
                         "byte_array_decimal", "fixed_length_decimal_legacy"};
    for (size_t i = 0; i < 5; i++) {
        char p[256];
        snprintf(p, sizeof p, SHARED "/parquet-testing/data/%s.parquet", dec[i]);
        assert_int_equal(pq_read_file(p, &t), 0);
        assert_int_equal(t.nrows, 24);
        buf_reset(&b);
        format_cell_json(&b, &t.cols[0], 23);
        assert_string_equal(b.data, "\"24.00\"");
        table_free(&t);
    }
    /* a list column: lists_snappy row 1 is ["process", "process"] / [50889, 6878, 17542, null] */
    assert_int_equal(pq_read_file(SHARED "/parquet-corpus/lists_snappy.parquet", &t), 0);
    buf_reset(&b);
    format_cell_json(&b, &t.cols[2], 1);
    assert_string_equal(b.data, "[50889, 6878, 17542, null]");
    table_free(&t);
    buf_free(&b);
}

static void test_kestrel_testdata(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        long long rows;
    } files[] = {{"nettraffic.parquet.gz", 474},
                 {"nettraffic-exfil-qradar.parquet.gz", 18},
                 {"procs.parquet.gz", 5},
                 {"procs_python.parquet.gz", 60}};
    for (size_t i = 0; i < 4; i++) {
        char p[256];
        snprintf(p, sizeof p, SHARED "/kestrel-testdata/%s", files[i].name);
        long long rows = read_all(p);
        if (rows != files[i].rows)
            fail_msg("%s: %lld rows (%s)", p, rows, err_last());
    }
}

/* pyarrow writes the column chunks of a 0-row row group with data_page_offset 0; such a
 * file (an empty Kestrel variable that still has its columns) must read as 0 rows, typed. */
static void test_zero_row_pyarrow_file(void **state)
{
    (void)state;
    /* 0 rows, three typed string columns (pa.table(...) written by pyarrow) */
    static const char *const path = "tests/fixtures/parquet/pyarrow-zero-rows.parquet";
    struct pq_table t;
    if (pq_read_file(path, &t) < 0)
        fail_msg("%s: %s", path, err_last());
    assert_int_equal(t.nrows, 0);
    assert_int_equal(t.ncols, 3);
    assert_string_equal(t.cols[0].name, "id");
    assert_string_equal(t.cols[2].name, "value");
    assert_int_equal(t.cols[2].values.type.physical, PQ_BYTE_ARRAY);
    assert_int_equal(t.cols[2].values.type.logical, PQ_LOGICAL_STRING);
    table_free(&t);
    /* Kestrel's empty variable: pandas' DataFrame().to_parquet(), 0 rows and 0 columns */
    static const char *const empty =
        "analytics/domain-dga-score/tests/empty-input/input/0.parquet.gz";
    if (pq_read_file(empty, &t) < 0)
        fail_msg("%s: %s", empty, err_last());
    assert_int_equal(t.nrows, 0);
    assert_int_equal(t.ncols, 0);
    table_free(&t);
}

static void test_bad_data_rejected(void **state)
{
    (void)state;
    DIR *d = opendir(SHARED "/parquet-testing/bad_data");
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".parquet"))
            continue;
        /* ARROW-GH-43605 is a valid file (dictionary index width 0) that broke Arrow */
        if (!strcmp(e->d_name, "ARROW-GH-43605.parquet"))
            continue;
        char path[512];
        snprintf(path, sizeof path, SHARED "/parquet-testing/bad_data/%s", e->d_name);
        if (read_all(path) >= 0)
            fail_msg("%s: accepted", e->d_name);
        if (!strstr(err_last(), e->d_name))
            fail_msg("%s: error does not name the file: %s", e->d_name, err_last());
        n++;
    }
    closedir(d);
    assert_true(n >= 7);
    assert_true(read_all(SHARED "/parquet-testing/bad_data/ARROW-GH-43605.parquet") > 0);
}

/* ---- hand-made files: one INT32 column "x" ---- */

struct page {
    int type; /* PQ_PAGE_DATA or PQ_PAGE_DICTIONARY */
    int32_t num_values;
    int encoding;
    int32_t unc;  /* -1: payload length */
    int32_t comp; /* -1: payload length */
    const void *payload;
    size_t len;
};

static void put_page(struct buf *out, const struct page *p)
{
    struct tw w;
    tw_init(&w, out);
    tw_struct_begin(&w);
    tw_field_i32(&w, 1, p->type);
    tw_field_i32(&w, 2, p->unc >= 0 ? p->unc : (int32_t)p->len);
    tw_field_i32(&w, 3, p->comp >= 0 ? p->comp : (int32_t)p->len);
    if (p->type == PQ_PAGE_DICTIONARY) {
        tw_field_struct_begin(&w, 7);
        tw_field_i32(&w, 1, p->num_values);
        tw_field_i32(&w, 2, PQ_ENC_PLAIN);
        tw_struct_end(&w);
    } else {
        tw_field_struct_begin(&w, 5);
        tw_field_i32(&w, 1, p->num_values);
        tw_field_i32(&w, 2, p->encoding);
        tw_field_i32(&w, 3, PQ_ENC_RLE);
        tw_field_i32(&w, 4, PQ_ENC_RLE);
        tw_struct_end(&w);
    }
    tw_struct_end(&w);
    buf_add(out, p->payload, p->len);
}

/* A file with column x (INT32, `rep`), `rows` rows, the given pages and codec. */
static void make_file(struct buf *out, int rep, int64_t rows, int codec, const struct page *pages,
                      size_t npages)
{
    buf_reset(out);
    buf_add(out, "PAR1", 4);
    for (size_t i = 0; i < npages; i++)
        put_page(out, &pages[i]);
    int64_t chunk_len = (int64_t)out->len - 4;
    size_t footer = out->len;
    struct tw w;
    tw_init(&w, out);
    tw_struct_begin(&w);
    tw_field_i32(&w, 1, 1);
    tw_field_list_begin(&w, 2, TW_STRUCT, 2);
    tw_struct_begin(&w);
    tw_field_string(&w, 4, "schema");
    tw_field_i32(&w, 5, 1);
    tw_struct_end(&w);
    tw_struct_begin(&w);
    tw_field_i32(&w, 1, PQ_INT32);
    tw_field_i32(&w, 3, rep);
    tw_field_string(&w, 4, "x");
    tw_struct_end(&w);
    tw_field_i64(&w, 3, rows);
    tw_field_list_begin(&w, 4, TW_STRUCT, 1);
    tw_struct_begin(&w);
    tw_field_list_begin(&w, 1, TW_STRUCT, 1);
    tw_struct_begin(&w);
    tw_field_i64(&w, 2, 4 + chunk_len);
    tw_field_struct_begin(&w, 3);
    tw_field_i32(&w, 1, PQ_INT32);
    tw_field_list_begin(&w, 2, TW_I32, 1);
    tw_i32(&w, PQ_ENC_PLAIN);
    tw_field_list_begin(&w, 3, TW_BINARY, 1);
    tw_binary(&w, "x", 1);
    tw_field_i32(&w, 4, codec);
    tw_field_i64(&w, 5, rows);
    tw_field_i64(&w, 6, chunk_len);
    tw_field_i64(&w, 7, chunk_len);
    tw_field_i64(&w, 9, 4);
    tw_struct_end(&w);
    tw_struct_end(&w);
    tw_field_i64(&w, 2, chunk_len);
    tw_field_i64(&w, 3, rows);
    tw_struct_end(&w);
    tw_struct_end(&w);
    uint32_t flen = (uint32_t)(out->len - footer);
    buf_add(out, &flen, 4);
    buf_add(out, "PAR1", 4);
}

/* Opens and reads the in-memory file; returns 0 or -1 (error slot set). */
static int read_mem(const struct buf *f, const struct pq_reader_options *o, struct pq_table *t)
{
    struct pq_reader *r;
    if (pq_reader_open_memory(&r, f->data, f->len, "hand.parquet", o) < 0)
        return -1;
    int rc = pq_reader_read_row_group(r, 0, NULL, t);
    pq_reader_free(r);
    return rc;
}

static void expect_error(const struct buf *f, const struct pq_reader_options *o, const char *what)
{
    struct pq_table t;
    if (read_mem(f, o, &t) == 0) {
        table_free(&t);
        fail_msg("accepted; expected an error with '%s'", what);
    }
    if (!strstr(err_last(), what) || !strstr(err_last(), "hand.parquet"))
        fail_msg("error '%s' lacks '%s' or the file name", err_last(), what);
}

static const uint8_t plain123[] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};

static void test_hand_made_valid(void **state)
{
    (void)state;
    struct buf f = BUF_INIT;
    struct page p = {PQ_PAGE_DATA, 3, PQ_ENC_PLAIN, -1, -1, plain123, sizeof plain123};
    make_file(&f, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, &p, 1);
    struct pq_table t;
    assert_int_equal(read_mem(&f, NULL, &t), 0);
    assert_int_equal(t.nrows, 3);
    assert_int_equal(t.cols[0].values.v.i32[2], 3);
    table_free(&t);
    /* dictionary + RLE_DICTIONARY indices 2,0,1 at width 2 (bit-packed run of 8) */
    const uint8_t idx[] = {2, 0x03, 0x12, 0x00};
    struct page dp[2] = {{PQ_PAGE_DICTIONARY, 3, PQ_ENC_PLAIN, -1, -1, plain123, 12},
                         {PQ_PAGE_DATA, 3, PQ_ENC_RLE_DICTIONARY, -1, -1, idx, sizeof idx}};
    make_file(&f, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, dp, 2);
    assert_int_equal(read_mem(&f, NULL, &t), 0);
    assert_int_equal(t.cols[0].values.v.i32[0], 3);
    assert_int_equal(t.cols[0].values.v.i32[1], 1);
    assert_int_equal(t.cols[0].values.v.i32[2], 2);
    table_free(&t);
    /* OPTIONAL with def levels 1,0,1 (4-byte length + bit-packed run) and 2 values */
    const uint8_t opt[] = {2, 0, 0, 0, 0x03, 0x05, 7, 0, 0, 0, 9, 0, 0, 0};
    struct page op = {PQ_PAGE_DATA, 3, PQ_ENC_PLAIN, -1, -1, opt, sizeof opt};
    make_file(&f, PQ_REP_OPTIONAL, 3, PQ_CODEC_UNCOMPRESSED, &op, 1);
    assert_int_equal(read_mem(&f, NULL, &t), 0);
    assert_false(column_is_null(&t.cols[0], 0));
    assert_true(column_is_null(&t.cols[0], 1));
    assert_int_equal(t.cols[0].values.v.i32[2], 9);
    table_free(&t);
    buf_free(&f);
}

static void test_hand_made_corrupt(void **state)
{
    (void)state;
    struct buf f = BUF_INIT, g = BUF_INIT;
    struct page p = {PQ_PAGE_DATA, 3, PQ_ENC_PLAIN, -1, -1, plain123, sizeof plain123};
    make_file(&f, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, &p, 1);

    /* truncated: the last 8 bytes kept, 20 bytes of footer cut out of the middle */
    buf_add(&g, f.data, f.len - 28);
    buf_add(&g, f.data + f.len - 8, 8);
    expect_error(&g, NULL, "footer");
    /* too short, and a forged footer length */
    buf_reset(&g);
    buf_add(&g, "PAR1PAR1", 8);
    expect_error(&g, NULL, "too short");
    buf_reset(&g);
    buf_add(&g, f.data, f.len);
    uint32_t huge = 0x7fffffff;
    memcpy(g.data + g.len - 8, &huge, 4);
    expect_error(&g, NULL, "footer length");
    /* a forged string length inside the footer: "x" (length 1) claims 127 bytes */
    buf_reset(&g);
    buf_add(&g, f.data, f.len);
    char *name = memmem(g.data + 16, g.len - 16, "\x01x", 2);
    assert_non_null(name);
    name[0] = 0x7f;
    expect_error(&g, NULL, "string length past the end");

    /* a page whose compressed size runs past the chunk */
    struct page forged = {PQ_PAGE_DATA, 3, PQ_ENC_PLAIN, -1, 1000000, plain123, sizeof plain123};
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, &forged, 1);
    expect_error(&g, NULL, "runs past the end of the column chunk");

    /* decompression bomb: 16 MiB of zeros gzipped, the header declares 12 bytes */
    size_t big = 16 << 20;
    uint8_t *zeros = calloc(1, big);
    uLongf zlen = compressBound(big) + 64;
    uint8_t *z = malloc(zlen);
    z_stream zs = {0};
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = zeros;
    zs.avail_in = (uInt)big;
    zs.next_out = z;
    zs.avail_out = (uInt)zlen;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    zlen = zs.total_out;
    deflateEnd(&zs);
    struct page bomb = {PQ_PAGE_DATA, 3, PQ_ENC_PLAIN, 12, -1, z, zlen};
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_GZIP, &bomb, 1);
    expect_error(&g, NULL, "more than its declared 12 bytes");
    /* ... and declaring the real size trips the memory cap instead */
    struct pq_reader_options small = PQ_READER_OPTIONS_INIT;
    small.memory_limit = 1 << 20;
    bomb.unc = (int32_t)big;
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_GZIP, &bomb, 1);
    expect_error(&g, &small, "memory limit");
    free(zeros);
    free(z);

    /* dictionary index bit width 33 */
    const uint8_t w33[] = {33, 0x06, 0x00};
    struct page dp[2] = {{PQ_PAGE_DICTIONARY, 3, PQ_ENC_PLAIN, -1, -1, plain123, 12},
                         {PQ_PAGE_DATA, 3, PQ_ENC_RLE_DICTIONARY, -1, -1, w33, sizeof w33}};
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, dp, 2);
    expect_error(&g, NULL, "bit width 33 exceeds 32");
    /* dictionary index out of range: an RLE run of 3 copies of index 3 */
    const uint8_t oob[] = {2, 0x06, 0x03};
    dp[1].payload = oob;
    dp[1].len = sizeof oob;
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, dp, 2);
    expect_error(&g, NULL, "column 'x', row group 0, page 1 at offset");
    expect_error(&g, NULL, "dictionary index 3 out of range (dictionary has 3 entries)");
    /* indices without a dictionary page */
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, &dp[1], 1);
    expect_error(&g, NULL, "without a dictionary");

    /* level counts: fewer values than rows, more values than rows */
    struct page two = {PQ_PAGE_DATA, 2, PQ_ENC_PLAIN, -1, -1, plain123, 8};
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, &two, 1);
    expect_error(&g, NULL, "column has 2 values, the row group 3 rows");
    struct page five = {PQ_PAGE_DATA, 5, PQ_ENC_PLAIN, -1, -1, plain123, 12};
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, &five, 1);
    expect_error(&g, NULL, "more than the row group's 3 rows");
    /* definition levels that run out */
    const uint8_t short_def[] = {2, 0, 0, 0, 0x02, 0x01};
    struct page sd = {PQ_PAGE_DATA, 3, PQ_ENC_PLAIN, -1, -1, short_def, sizeof short_def};
    make_file(&g, PQ_REP_OPTIONAL, 3, PQ_CODEC_UNCOMPRESSED, &sd, 1);
    expect_error(&g, NULL, "definition levels");
    /* PLAIN values missing */
    struct page few = {PQ_PAGE_DATA, 3, PQ_ENC_PLAIN, -1, -1, plain123, 10};
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_UNCOMPRESSED, &few, 1);
    expect_error(&g, NULL, "PLAIN");
    /* an unsupported codec */
    make_file(&g, PQ_REP_REQUIRED, 3, PQ_CODEC_BROTLI, &p, 1);
    expect_error(&g, NULL, "unsupported compression codec BROTLI");
    buf_free(&f);
    buf_free(&g);
}

static void test_streaming_api(void **state)
{
    (void)state;
    struct pq_reader *r;
    const char *path = SHARED "/parquet-corpus/nettraffic_small_pages_rowgroups.parquet";
    assert_int_equal(pq_reader_open(&r, path, NULL), 0);
    assert_true(pq_reader_num_row_groups(r) > 1);
    assert_int_equal(pq_reader_num_rows(r), 3000);
    assert_non_null(pq_reader_created_by(r));
    assert_non_null(pq_reader_metadata(r, "ARROW:schema"));
    size_t nc = pq_reader_num_columns(r);
    bool *want = calloc(nc, sizeof *want);
    long src = -1;
    for (size_t i = 0; i < nc; i++)
        if (!strcmp(pq_reader_column(r, i)->name, "src_port"))
            src = (long)i;
    assert_true(src >= 0);
    want[src] = true;
    uint64_t total = 0;
    for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        struct pq_table t;
        assert_int_equal(pq_reader_read_row_group(r, g, want, &t), 0);
        assert_int_equal(t.ncols, 1);
        assert_string_equal(t.cols[0].name, "src_port");
        assert_int_equal(t.nrows, pq_reader_row_group_rows(r, g));
        total += t.nrows;
        table_free(&t);
    }
    assert_int_equal(total, 3000);
    struct pq_table t;
    assert_int_equal(pq_reader_read_row_group(r, 999, NULL, &t), -1);
    free(want);
    pq_reader_free(r);
}

/* Head reads return exactly the first rows: compared with the expected lines. */
static void test_head_reads(void **state)
{
    (void)state;
    static const char *names[] = {"nettraffic_snappy",
                                  "nettraffic_zstd_v2pages",
                                  "lists_snappy",
                                  "typed_delta",
                                  "process_dict_fallback",
                                  "typed_plain_gzip",
                                  "nettraffic_small_pages_rowgroups"};
    static const uint64_t heads[] = {0, 1, 7, 1000, 100000};
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        char path[256], expect[256];
        snprintf(path, sizeof path, SHARED "/parquet-corpus/%s.parquet", names[f]);
        snprintf(expect, sizeof expect, SHARED "/parquet-corpus/%s.expect.jsonl", names[f]);
        size_t elen;
        char *want = slurp(expect, &elen);
        assert_non_null(want);
        for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
            struct pq_reader *r;
            assert_int_equal(pq_reader_open(&r, path, NULL), 0);
            struct pq_table t;
            if (pq_reader_read_row_group_head(r, 0, NULL, heads[h], &t) < 0)
                fail_msg("%s head %llu: %s", path, (unsigned long long)heads[h], err_last());
            uint64_t rg0 = pq_reader_row_group_rows(r, 0);
            assert_int_equal(t.nrows, heads[h] < rg0 ? heads[h] : rg0);
            assert_int_equal(table_check(&t), 0);
            struct buf got = BUF_INIT;
            table_jsonl(&got, &t, true);
            if (got.len > elen || memcmp(got.data, want, got.len) ||
                (got.len < elen && got.len && want[got.len - 1] != '\n'))
                fail_msg("%s head %llu differs from the expected first rows", path,
                         (unsigned long long)heads[h]);
            buf_free(&got);
            table_free(&t);
            pq_reader_free(r);
        }
        free(want);
    }
}

/* ---- hostile files (issue 13): tests/fixtures/parquet/hostile/, see make_hostile.py ---- */

#define HOSTILE "tests/fixtures/parquet/hostile/"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* pq_read_file refuses the file fast, with `what` and the file's name in the error. */
static void expect_refused(const char *name, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, HOSTILE "%s", name);
    struct pq_table t;
    double t0 = now_s();
    if (pq_read_file(path, &t) == 0) {
        table_free(&t);
        fail_msg("%s: accepted", name);
    }
    double dt = now_s() - t0;
    if (!strstr(err_last(), what) || !strstr(err_last(), path))
        fail_msg("%s: error '%s' lacks '%s' or the file name", name, err_last(), what);
    if (dt > 5)
        fail_msg("%s: refused after %.1f s", name, dt);
}

static void test_hostile_whole_file_bounds(void **state)
{
    (void)state;
    /* 40 row groups sharing one page that claims 50 M list rows each: 2 G rows from 2 KB */
    expect_refused("shared-pages.parquet", "the footer claims 2000000000 rows for a file of "
                                           "2280 bytes, more than its limit of 16777216");
    expect_refused("huge-rows.parquet", "claims 50000000 rows");
    expect_refused("overlap.parquet", "column chunks share bytes: row group 0, column 'x' "
                                      "[4, 53) and row group 1, column 'x' [4, 53) overlap");
    expect_refused("huge-list.parquet", "decoding needs more than this file's limit of "
                                        "268435456 bytes");
    /* each row group alone is within the per-row-group limit; the file as a whole is not */
    struct pq_reader *r;
    assert_int_equal(pq_reader_open(&r, HOSTILE "many-groups.parquet", NULL), 0);
    struct pq_table t;
    assert_int_equal(pq_reader_read_row_group(r, 0, NULL, &t), 0);
    assert_int_equal(t.nrows, 1);
    assert_int_equal(t.cols[0].list_offsets[1], 10000000);
    table_free(&t);
    assert_int_equal(pq_reader_read_row_group(r, 1, NULL, &t), -1);
    assert_non_null(strstr(err_last(), "row group 1"));
    assert_non_null(strstr(err_last(), "this file's limit"));
    pq_reader_free(r);
    /* the absolute cap (options.file_limit) holds for legitimate files too */
    struct pq_reader_options o = PQ_READER_OPTIONS_INIT;
    o.file_limit = 64 << 10;
    assert_int_equal(pq_reader_open(&r, SHARED "/parquet-corpus/nettraffic_snappy.parquet", &o), 0);
    int rc = 0;
    for (size_t g = 0; g < pq_reader_num_row_groups(r) && rc == 0; g++)
        if ((rc = pq_reader_read_row_group(r, g, NULL, &t)) == 0)
            table_free(&t);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err_last(), "at most 0 MiB"));
    pq_reader_free(r);
}

/* A failed allocation is an error, never an abort: read a file that is within every bound
 * (a 15 M-element list, ~110 MB) in a child whose address space has only 32 MiB to spare. */
static void test_allocation_failure_is_an_error(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip(); /* ASan reserves terabytes of address space: RLIMIT_AS cannot be used */
#else
    struct pq_table t;
    assert_int_equal(pq_read_file(HOSTILE "big-list.parquet", &t), 0);
    assert_int_equal(t.cols[0].values.len, 15000000);
    table_free(&t);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        long pages = 0;
        FILE *f = fopen("/proc/self/statm", "r");
        if (!f || fscanf(f, "%ld", &pages) != 1)
            _exit(3);
        fclose(f);
        struct rlimit rl;
        rl.rlim_cur = rl.rlim_max = (rlim_t)pages * 4096 + (32u << 20);
        if (setrlimit(RLIMIT_AS, &rl) < 0)
            _exit(3);
        if (pq_read_file(HOSTILE "big-list.parquet", &t) == 0)
            _exit(4);
        if (!strstr(err_last(), "out of memory allocating") ||
            !strstr(err_last(), "big-list.parquet")) {
            fprintf(stderr, "unexpected error: %s\n", err_last());
            _exit(5);
        }
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (WIFSIGNALED(st))
        fail_msg("the reader died of signal %d instead of returning an error", WTERMSIG(st));
    assert_int_equal(WEXITSTATUS(st), 0);
#endif
}

/* Every file of the corpus reads the same whole (one read at open, the default for small
 * files) and as needed (footer, then chunks: larger files), whole row groups and heads;
 * a file read whole is not read again (a copy truncated after opening still reads). */
static void render_all(struct pq_reader *r, uint64_t head, struct buf *out)
{
    for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        struct pq_table t;
        int rc = head ? pq_reader_read_row_group_head(r, g, NULL, head, &t)
                      : pq_reader_read_row_group(r, g, NULL, &t);
        if (rc < 0)
            fail_msg("row group %zu: %s", g, err_last());
        table_jsonl(out, &t, true);
        table_free(&t);
    }
}

static void whole_and_as_needed_agree(const char *path, const char *expect)
{
    (void)expect;
    for (uint64_t head = 0; head <= 7; head += 7) {
        struct buf whole = BUF_INIT, chunks = BUF_INIT;
        struct pq_reader_options o = PQ_READER_OPTIONS_INIT;
        o.whole_file_max = SIZE_MAX;
        struct pq_reader *r;
        assert_int_equal(pq_reader_open(&r, path, &o), 0);
        render_all(r, head, &whole);
        pq_reader_free(r);
        o.whole_file_max = 0;
        assert_int_equal(pq_reader_open(&r, path, &o), 0);
        render_all(r, head, &chunks);
        pq_reader_free(r);
        if (whole.len != chunks.len || memcmp(whole.data, chunks.data, whole.len))
            fail_msg("%s (head %llu): read whole and read as needed differ", path,
                     (unsigned long long)head);
        buf_free(&whole);
        buf_free(&chunks);
    }
}

static void test_whole_read_and_file_mode(void **state)
{
    (void)state;
    assert_true(for_each_corpus_file(whole_and_as_needed_agree) >= 14);

    char tmp[] = "/tmp/kanalytic-whole.XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    size_t len;
    char *data = slurp(SHARED "/parquet-corpus/typed_snappy.parquet", &len);
    assert_true(len <= PQ_READ_WHOLE_MAX);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    struct pq_reader *r, *f;
    struct pq_reader_options o = PQ_READER_OPTIONS_INIT;
    o.whole_file_max = 0;
    assert_int_equal(pq_reader_open(&r, tmp, NULL), 0); /* the default: read whole */
    assert_int_equal(pq_reader_open(&f, tmp, &o), 0);
    assert_int_equal(truncate(tmp, 0), 0);
    struct pq_table t;
    assert_int_equal(pq_reader_read_row_group(r, 0, NULL, &t), 0);
    assert_true(t.nrows > 0);
    table_free(&t);
    assert_int_equal(pq_reader_read_row_group(f, 0, NULL, &t), -1); /* reads the file again */
    pq_reader_free(r);
    pq_reader_free(f);
    unlink(tmp);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_matches_expect_jsonl),
        cmocka_unit_test(test_whole_read_and_file_mode),
        cmocka_unit_test(test_corpus_float32_shortest),
        cmocka_unit_test(test_parquet_testing_expect_csv),
        cmocka_unit_test(test_parquet_testing_data),
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_kestrel_testdata),
        cmocka_unit_test(test_zero_row_pyarrow_file),
        cmocka_unit_test(test_bad_data_rejected),
        cmocka_unit_test(test_hand_made_valid),
        cmocka_unit_test(test_hand_made_corrupt),
        cmocka_unit_test(test_streaming_api),
        cmocka_unit_test(test_head_reads),
        cmocka_unit_test(test_hostile_whole_file_bounds),
        cmocka_unit_test(test_allocation_failure_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
