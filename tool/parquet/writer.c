/* The Parquet writer: turns a table (table/table.h) into a Parquet file the way pyarrow lays
 * one out: row groups of row_group_rows rows, one column chunk per column, an optional PLAIN
 * dictionary page followed by data pages v1 (RLE levels; RLE_DICTIONARY indices or PLAIN
 * values) cut at about 1 MiB on row boundaries, a fall-back to PLAIN once the dictionary
 * passes 1 MiB, column statistics, and a Thrift compact footer. LIST columns are written in
 * the standard 3-level form with the leaf named `element`. The encoders are in encodings.c,
 * beside their decoders; the enums are metadata.h's. */
#include "compress.h"
#include "encodings.h"
#include "metadata.h"
#include "parquet.h"
#include "thrift_write.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KANALYTIC_VERSION
#define KANALYTIC_VERSION "0.1.0"
#endif

#define PAGE_TARGET_BYTES ((size_t)1 << 20)
/* At most this many values per data page, as pyarrow (data_page_row_count_limit) and
 * parquet-mr (page.row.count.limit) write: a page header per 20,000 values keeps the rows a
 * file may claim per byte under the reader's bound (PQ_ROWS_PER_BYTE) even for constant
 * columns. */
#define PAGE_MAX_VALUES ((size_t)20000)
#define DICT_LIMIT_BYTES ((size_t)1 << 20)
#define DEFAULT_ROW_GROUP_ROWS ((size_t)1 << 20)
#define STATS_MAX_BYTES 4096
#define NO_VALUE SIZE_MAX

/* Where the bytes go: a memory buffer or a file descriptor; offset counts what was written. */
struct sink {
    struct buf *buf;
    int fd;
    const char *name;
    uint64_t offset;
};

static int sink_write(struct sink *s, const void *p, size_t n)
{
    if (s->buf) {
        buf_add(s->buf, p, n);
    } else {
        const char *c = p;
        size_t left = n;
        while (left) {
            ssize_t w = write(s->fd, c, left);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return err_errno(s->name);
            }
            c += w;
            left -= (size_t)w;
        }
    }
    s->offset += n;
    return 0;
}

/* ---- dictionary ---- */

struct dict {
    const struct pq_vector *v;
    size_t *entries; /* value index of each entry's first occurrence */
    size_t count, cap;
    uint32_t *slots; /* open addressing: entry + 1, 0 = empty */
    size_t nslots;
    size_t plain_bytes;
};

/* 8 bytes at a time, then murmur3's finalizer so that the low bits used as the slot index
 * depend on every input bit (FNV alone clusters badly on near-identical keys). */
static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

static void dict_rehash(struct dict *d, size_t nslots)
{
    free(d->slots);
    d->slots = xcalloc(nslots, sizeof *d->slots);
    d->nslots = nslots;
    for (size_t e = 0; e < d->count; e++) {
        uint8_t tmp[12];
        size_t len;
        const uint8_t *p = enc_plain_value(d->v, d->entries[e], &len, tmp);
        size_t s = hash_bytes(p, len) & (nslots - 1);
        while (d->slots[s])
            s = (s + 1) & (nslots - 1);
        d->slots[s] = (uint32_t)(e + 1);
    }
}

/* Index of value i in the dictionary, adding it when new. */
static uint32_t dict_index(struct dict *d, size_t i)
{
    if ((d->count + 1) * 2 > d->nslots)
        dict_rehash(d, d->nslots ? d->nslots * 2 : 1024);
    uint8_t tmp[12], tmp2[12];
    size_t len;
    const uint8_t *p = enc_plain_value(d->v, i, &len, tmp);
    size_t s = hash_bytes(p, len) & (d->nslots - 1);
    while (d->slots[s]) {
        size_t e = d->slots[s] - 1, elen;
        const uint8_t *q = enc_plain_value(d->v, d->entries[e], &elen, tmp2);
        if (elen == len && !memcmp(p, q, len))
            return (uint32_t)e;
        s = (s + 1) & (d->nslots - 1);
    }
    ARRAY_GROW(d->entries, d->count + 1, d->cap);
    d->entries[d->count] = i;
    d->slots[s] = (uint32_t)(d->count + 1);
    d->plain_bytes += enc_plain_size(d->v, i);
    return (uint32_t)d->count++;
}

static void dict_free(struct dict *d)
{
    free(d->entries);
    free(d->slots);
}

/* ---- statistics ---- */

struct stats {
    uint64_t null_count;
    bool has_minmax;
    size_t min_i, max_i;
};

/* -1, 0, 1 comparing values a and b of v in the column's sort order. */
static int value_cmp(const struct pq_vector *v, size_t a, size_t b)
{
    const struct pq_type *t = &v->type;
    bool is_unsigned = t->logical == PQ_LOGICAL_INTEGER && !t->is_signed;
    switch (t->physical) {
    case PQ_BOOLEAN: return (v->v.b[a] > v->v.b[b]) - (v->v.b[a] < v->v.b[b]);
    case PQ_INT32:
        if (is_unsigned)
            return ((uint32_t)v->v.i32[a] > (uint32_t)v->v.i32[b]) -
                   ((uint32_t)v->v.i32[a] < (uint32_t)v->v.i32[b]);
        return (v->v.i32[a] > v->v.i32[b]) - (v->v.i32[a] < v->v.i32[b]);
    case PQ_INT64:
        if (is_unsigned)
            return ((uint64_t)v->v.i64[a] > (uint64_t)v->v.i64[b]) -
                   ((uint64_t)v->v.i64[a] < (uint64_t)v->v.i64[b]);
        return (v->v.i64[a] > v->v.i64[b]) - (v->v.i64[a] < v->v.i64[b]);
    case PQ_FLOAT: return (v->v.f32[a] > v->v.f32[b]) - (v->v.f32[a] < v->v.f32[b]);
    case PQ_DOUBLE: return (v->v.f64[a] > v->v.f64[b]) - (v->v.f64[a] < v->v.f64[b]);
    default: {
        size_t la, lb;
        const uint8_t *pa = vector_bytes(v, a, &la), *pb = vector_bytes(v, b, &lb);
        int c = memcmp(pa, pb, la < lb ? la : lb);
        if (c)
            return c < 0 ? -1 : 1;
        return (la > lb) - (la < lb);
    }
    }
}

/* Whether min/max are written for this type: the orders readers agree on. */
static bool stats_supported(const struct pq_type *t)
{
    switch (t->physical) {
    case PQ_BOOLEAN:
    case PQ_INT32:
    case PQ_INT64:
    case PQ_FLOAT:
    case PQ_DOUBLE: return true;
    case PQ_BYTE_ARRAY:
        return t->logical == PQ_LOGICAL_NONE || t->logical == PQ_LOGICAL_STRING ||
               t->logical == PQ_LOGICAL_ENUM || t->logical == PQ_LOGICAL_JSON ||
               t->logical == PQ_LOGICAL_BSON;
    default: return false;
    }
}

static bool value_is_nan(const struct pq_vector *v, size_t i)
{
    if (v->type.physical == PQ_FLOAT)
        return isnan(v->v.f32[i]);
    if (v->type.physical == PQ_DOUBLE)
        return isnan(v->v.f64[i]);
    return false;
}

static void stats_add(struct stats *s, const struct pq_vector *v, size_t i)
{
    if (!stats_supported(&v->type) || value_is_nan(v, i))
        return;
    if (!s->has_minmax) {
        s->has_minmax = true;
        s->min_i = s->max_i = i;
        return;
    }
    if (value_cmp(v, i, s->min_i) < 0)
        s->min_i = i;
    if (value_cmp(v, i, s->max_i) > 0)
        s->max_i = i;
}

/* Statistics struct (ColumnMetaData field 12): null_count, max_value, min_value. Zeros of
 * floating types are widened as the spec asks (min -0.0, max +0.0). */
static void stats_write(struct tw *w, const struct stats *s, const struct pq_vector *v)
{
    tw_field_struct_begin(w, 12);
    tw_field_i64(w, 3, (int64_t)s->null_count);
    if (s->has_minmax) {
        uint8_t tmp[12], zmin[8], zmax[8];
        size_t lmin, lmax;
        const uint8_t *pmin = enc_plain_value(v, s->min_i, &lmin, tmp);
        const uint8_t *pmax = enc_plain_value(v, s->max_i, &lmax, tmp);
        if (v->type.physical == PQ_FLOAT || v->type.physical == PQ_DOUBLE) {
            double mn = v->type.physical == PQ_FLOAT ? v->v.f32[s->min_i] : v->v.f64[s->min_i];
            double mx = v->type.physical == PQ_FLOAT ? v->v.f32[s->max_i] : v->v.f64[s->max_i];
            if (mn == 0) {
                if (v->type.physical == PQ_FLOAT) {
                    float z = -0.0f;
                    memcpy(zmin, &z, 4);
                } else {
                    double z = -0.0;
                    memcpy(zmin, &z, 8);
                }
                pmin = zmin;
            }
            if (mx == 0) {
                memset(zmax, 0, sizeof zmax);
                pmax = zmax;
            }
        }
        if (lmin <= STATS_MAX_BYTES && lmax <= STATS_MAX_BYTES) {
            tw_field_binary(w, 5, pmax, lmax);
            tw_field_binary(w, 6, pmin, lmin);
        }
    }
    tw_struct_end(w);
}

/* ---- column chunks ---- */

/* The leaf slots of one column chunk: levels and, for non-null slots, the value index. */
struct slots {
    uint32_t *def, *rep;
    size_t *vi;
    size_t n, cap;
    int max_def, max_rep;
};

static void slots_push(struct slots *s, uint32_t def, uint32_t rep, size_t vi)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->def = xreallocarray(s->def, s->cap, sizeof *s->def);
        s->rep = xreallocarray(s->rep, s->cap, sizeof *s->rep);
        s->vi = xreallocarray(s->vi, s->cap, sizeof *s->vi);
    }
    s->def[s->n] = def;
    s->rep[s->n] = rep;
    s->vi[s->n] = vi;
    s->n++;
}

static void slots_free(struct slots *s)
{
    free(s->def);
    free(s->rep);
    free(s->vi);
}

/* Shreds rows [r0, r1) of c into levels (LogicalTypes.md: def 0 null list, 1 empty list,
 * 2 null element, 3 value, each step present only when that node is OPTIONAL). */
static int slots_build(struct slots *s, const struct pq_column *c, size_t r0, size_t r1)
{
    const struct pq_vector *v = &c->values;
    if (!c->is_list) {
        s->max_def = c->optional;
        s->max_rep = 0;
        for (size_t r = r0; r < r1; r++) {
            bool null = vector_is_null(v, r);
            if (null && !c->optional)
                return err_set("column '%s': null in REQUIRED column at row %zu", c->name, r);
            slots_push(s, null ? 0 : (uint32_t)s->max_def, 0, null ? NO_VALUE : r);
        }
        return 0;
    }
    uint32_t d_list = c->optional; /* empty list */
    uint32_t d_elem = d_list + 1;  /* present element (null when element_optional) */
    s->max_def = (int)d_elem + c->element_optional;
    s->max_rep = 1;
    for (size_t r = r0; r < r1; r++) {
        if (column_is_null(c, r)) {
            if (!c->optional)
                return err_set("column '%s': null list in REQUIRED column at row %zu", c->name, r);
            slots_push(s, 0, 0, NO_VALUE);
            continue;
        }
        uint64_t e0 = c->list_offsets[r], e1 = c->list_offsets[r + 1];
        if (e1 < e0 || e1 > v->len)
            return err_set("column '%s': bad list offsets at row %zu", c->name, r);
        if (e0 == e1) {
            slots_push(s, d_list, 0, NO_VALUE);
            continue;
        }
        for (uint64_t e = e0; e < e1; e++) {
            uint32_t rep = e == e0 ? 0 : 1;
            if (vector_is_null(v, (size_t)e)) {
                if (!c->element_optional)
                    return err_set("column '%s': null element in a REQUIRED element at row %zu",
                                   c->name, r);
                slots_push(s, d_elem, rep, NO_VALUE);
            } else {
                slots_push(s, (uint32_t)s->max_def, rep, (size_t)e);
            }
        }
    }
    return 0;
}

/* One column chunk being encoded: its pages accumulate in `pages`. */
struct chunk {
    const struct pq_writer_options *opts;
    const struct pq_column *col;
    struct slots slots;
    struct dict dict;
    bool use_dict;      /* dictionary mode for the pages being built now */
    bool any_dict_page; /* some data page is dictionary-encoded */
    bool any_plain_page;
    struct buf pages;            /* encoded data pages (headers + compressed payloads) */
    uint64_t uncompressed_total; /* headers + uncompressed payloads */
    struct buf payload, compressed, header;
    size_t *page_vi;   /* PLAIN page: value indexes */
    uint32_t *page_di; /* dictionary page: indices */
    size_t page_nvals, page_cap;
    struct stats stats;
};

static void page_header_write(struct buf *out, int type, size_t usize, size_t csize, int32_t nvals,
                              int encoding)
{
    struct tw w;
    tw_init(&w, out);
    tw_struct_begin(&w);
    tw_field_i32(&w, 1, type);
    tw_field_i32(&w, 2, (int32_t)usize);
    tw_field_i32(&w, 3, (int32_t)csize);
    if (type == PQ_PAGE_DATA) {
        tw_field_struct_begin(&w, 5);
        tw_field_i32(&w, 1, nvals);
        tw_field_i32(&w, 2, encoding);
        tw_field_i32(&w, 3, PQ_ENC_RLE);
        tw_field_i32(&w, 4, PQ_ENC_RLE);
        tw_struct_end(&w);
    } else {
        tw_field_struct_begin(&w, 7);
        tw_field_i32(&w, 1, nvals);
        tw_field_i32(&w, 2, encoding);
        tw_struct_end(&w);
    }
    tw_struct_end(&w);
}

/* Compresses ch->payload and appends header + body to out. */
static int page_emit(struct chunk *ch, struct buf *out, int type, size_t nvals, int encoding)
{
    if (ch->payload.len > INT32_MAX || nvals > INT32_MAX)
        return err_set("column '%s': page too large", ch->col->name);
    const struct buf *body = &ch->payload; /* UNCOMPRESSED: no copy */
    if (ch->opts->codec != PQ_CODEC_UNCOMPRESSED) {
        buf_reset(&ch->compressed);
        if (pq_compress(ch->opts->codec, ch->opts->compression_level, ch->payload.data,
                        ch->payload.len, &ch->compressed) < 0)
            return err_prefix("column '%s'", ch->col->name);
        if (ch->compressed.len > INT32_MAX)
            return err_set("column '%s': page too large", ch->col->name);
        body = &ch->compressed;
    }
    buf_reset(&ch->header);
    page_header_write(&ch->header, type, ch->payload.len, body->len, (int32_t)nvals, encoding);
    buf_add(out, ch->header.data, ch->header.len);
    buf_add(out, body->data, body->len);
    ch->uncompressed_total += ch->header.len + ch->payload.len;
    return 0;
}

/* Writes slots [s0, s1) as one data page from the values gathered in page_vi / page_di. */
static int data_page_flush(struct chunk *ch, size_t s0, size_t s1)
{
    if (s1 == s0)
        return 0;
    struct slots *s = &ch->slots;
    buf_reset(&ch->payload);
    if (s->max_rep > 0)
        enc_levels_put(&ch->payload, s->rep + s0, s1 - s0, s->max_rep);
    if (s->max_def > 0)
        enc_levels_put(&ch->payload, s->def + s0, s1 - s0, s->max_def);
    int encoding;
    if (ch->use_dict) {
        enc_dict_indices_put(&ch->payload, ch->page_di, ch->page_nvals, ch->dict.count);
        encoding = PQ_ENC_RLE_DICTIONARY;
        ch->any_dict_page = true;
    } else {
        enc_plain_put(&ch->payload, &ch->col->values, ch->page_vi, ch->page_nvals);
        encoding = PQ_ENC_PLAIN;
        ch->any_plain_page = true;
    }
    ch->page_nvals = 0;
    return page_emit(ch, &ch->pages, PQ_PAGE_DATA, s1 - s0, encoding);
}

static bool dict_allowed(const struct pq_column *c, const struct pq_writer_options *o)
{
    return o->dictionary && c->values.type.physical != PQ_BOOLEAN;
}

/* Encodes the chunk's slots into pages, switching from dictionary to PLAIN when the
 * dictionary grows past its limit (checked on row boundaries). */
static int chunk_encode(struct chunk *ch)
{
    struct slots *s = &ch->slots;
    const struct pq_vector *v = &ch->col->values;
    size_t page_start = 0, est = 0;
    ch->dict.v = v;
    for (size_t i = 0; i < s->n; i++) {
        if (s->rep[i] == 0 && i > page_start) {
            bool fallback = ch->use_dict && ch->dict.plain_bytes > DICT_LIMIT_BYTES;
            if (est >= PAGE_TARGET_BYTES || i - page_start >= PAGE_MAX_VALUES || fallback) {
                if (data_page_flush(ch, page_start, i) < 0)
                    return -1;
                page_start = i;
                est = 0;
            }
            if (fallback)
                ch->use_dict = false;
        }
        if ((int)s->def[i] != s->max_def)
            continue;
        size_t vi = s->vi[i];
        stats_add(&ch->stats, v, vi);
        if (ch->page_nvals == ch->page_cap) {
            ch->page_cap = ch->page_cap ? ch->page_cap * 2 : 1024;
            ch->page_vi = xreallocarray(ch->page_vi, ch->page_cap, sizeof *ch->page_vi);
            ch->page_di = xreallocarray(ch->page_di, ch->page_cap, sizeof *ch->page_di);
        }
        if (ch->use_dict) {
            ch->page_di[ch->page_nvals++] = dict_index(&ch->dict, vi);
            est += (size_t)pq_bit_width(ch->dict.count) / 8 + 1;
        } else {
            ch->page_vi[ch->page_nvals++] = vi;
            est += enc_plain_size(v, vi);
        }
    }
    return data_page_flush(ch, page_start, s->n);
}

static void schema_path_write(struct tw *w, const struct pq_column *c)
{
    if (c->is_list) {
        tw_field_list_begin(w, 3, TW_BINARY, 3);
        tw_binary(w, c->name, strlen(c->name));
        tw_binary(w, "list", 4);
        tw_binary(w, "element", 7);
    } else {
        tw_field_list_begin(w, 3, TW_BINARY, 1);
        tw_binary(w, c->name, strlen(c->name));
    }
}

/* Encodes and writes one column chunk; appends its ColumnChunk struct to meta and adds its
 * sizes to *uncompressed / *compressed. */
static int chunk_write(struct sink *sink, const struct pq_column *c, size_t r0, size_t r1,
                       const struct pq_writer_options *opts, struct buf *meta,
                       uint64_t *uncompressed, uint64_t *compressed)
{
    struct chunk ch = {0};
    ch.opts = opts;
    ch.col = c;
    buf_init(&ch.pages);
    buf_init(&ch.payload);
    buf_init(&ch.compressed);
    buf_init(&ch.header);
    struct buf dict_page = BUF_INIT;
    int rc = -1;

    if (slots_build(&ch.slots, c, r0, r1) < 0)
        goto out;
    size_t nonnull = 0;
    for (size_t i = 0; i < ch.slots.n; i++)
        nonnull += (int)ch.slots.def[i] == ch.slots.max_def;
    ch.stats.null_count = ch.slots.n - nonnull;
    ch.use_dict = dict_allowed(c, opts) && nonnull > 0;
    bool has_dict = ch.use_dict;
    if (chunk_encode(&ch) < 0)
        goto out;

    if (has_dict) {
        buf_reset(&ch.payload);
        enc_plain_put(&ch.payload, &c->values, ch.dict.entries, ch.dict.count);
        if (page_emit(&ch, &dict_page, PQ_PAGE_DICTIONARY, ch.dict.count, PQ_ENC_PLAIN) < 0)
            goto out;
    }
    uint64_t start = sink->offset;
    uint64_t data_offset = start + dict_page.len;
    if (sink_write(sink, dict_page.data, dict_page.len) < 0 ||
        sink_write(sink, ch.pages.data, ch.pages.len) < 0)
        goto out;
    uint64_t csize = dict_page.len + ch.pages.len;

    struct tw w;
    tw_init(&w, meta);
    tw_struct_begin(&w); /* ColumnChunk */
    tw_field_i64(&w, 2, (int64_t)start);
    tw_field_struct_begin(&w, 3); /* ColumnMetaData */
    tw_field_i32(&w, 1, c->values.type.physical);
    int encs[3], nenc = 0;
    if (has_dict || ch.any_plain_page)
        encs[nenc++] = PQ_ENC_PLAIN;
    encs[nenc++] = PQ_ENC_RLE;
    if (ch.any_dict_page)
        encs[nenc++] = PQ_ENC_RLE_DICTIONARY;
    tw_field_list_begin(&w, 2, TW_I32, (size_t)nenc);
    for (int i = 0; i < nenc; i++)
        tw_i32(&w, encs[i]);
    schema_path_write(&w, c);
    tw_field_i32(&w, 4, opts->codec);
    tw_field_i64(&w, 5, (int64_t)ch.slots.n);
    tw_field_i64(&w, 6, (int64_t)ch.uncompressed_total);
    tw_field_i64(&w, 7, (int64_t)csize);
    tw_field_i64(&w, 9, (int64_t)data_offset);
    if (has_dict)
        tw_field_i64(&w, 11, (int64_t)start);
    stats_write(&w, &ch.stats, &c->values);
    tw_struct_end(&w); /* ColumnMetaData */
    tw_struct_end(&w); /* ColumnChunk */
    *uncompressed += ch.uncompressed_total;
    *compressed += csize;
    rc = 0;
out:
    slots_free(&ch.slots);
    dict_free(&ch.dict);
    free(ch.page_vi);
    free(ch.page_di);
    buf_free(&ch.pages);
    buf_free(&ch.payload);
    buf_free(&ch.compressed);
    buf_free(&ch.header);
    buf_free(&dict_page);
    return rc;
}

/* ---- schema ---- */

/* Checks that the logical type fits the physical one (LogicalTypes.md). */
static int type_check(const struct pq_column *c)
{
    const struct pq_type *t = &c->values.type;
    enum pq_physical p = t->physical;
    bool ok = true;
    if ((unsigned)p > PQ_FIXED_LEN_BYTE_ARRAY)
        return err_set("column '%s': unknown physical type %d", c->name, (int)p);
    if (p == PQ_FIXED_LEN_BYTE_ARRAY && t->type_length <= 0)
        return err_set("column '%s': FIXED_LEN_BYTE_ARRAY needs a positive length", c->name);
    switch (t->logical) {
    case PQ_LOGICAL_NONE:
    case PQ_LOGICAL_NULL: break; /* pyarrow: INT32; any physical type reads back */
    case PQ_LOGICAL_STRING:
    case PQ_LOGICAL_ENUM:
    case PQ_LOGICAL_JSON:
    case PQ_LOGICAL_BSON: ok = p == PQ_BYTE_ARRAY; break;
    case PQ_LOGICAL_UUID: ok = p == PQ_FIXED_LEN_BYTE_ARRAY && t->type_length == 16; break;
    case PQ_LOGICAL_FLOAT16: ok = p == PQ_FIXED_LEN_BYTE_ARRAY && t->type_length == 2; break;
    case PQ_LOGICAL_INTEGER:
        ok = (t->bit_width == 64 && p == PQ_INT64) ||
             ((t->bit_width == 8 || t->bit_width == 16 || t->bit_width == 32) && p == PQ_INT32);
        break;
    case PQ_LOGICAL_DECIMAL:
        ok = (p == PQ_INT32 || p == PQ_INT64 || p == PQ_BYTE_ARRAY ||
              p == PQ_FIXED_LEN_BYTE_ARRAY) &&
             t->precision > 0 && t->scale >= 0 && t->scale <= t->precision;
        break;
    case PQ_LOGICAL_DATE: ok = p == PQ_INT32; break;
    case PQ_LOGICAL_TIME: ok = t->unit == PQ_MILLIS ? p == PQ_INT32 : p == PQ_INT64; break;
    case PQ_LOGICAL_TIMESTAMP:
        /* INT96 columns are read as TIMESTAMP(NANOS); they are written back as INT96. */
        ok = p == PQ_INT64 || p == PQ_INT96;
        break;
    default: ok = false;
    }
    if (!ok) {
        char desc[64];
        pq_type_describe(t, false, desc, sizeof desc);
        return err_set("column '%s': logical type %s does not fit physical type %d", c->name, desc,
                       (int)p);
    }
    if (t->logical == PQ_LOGICAL_NULL) {
        const struct pq_vector *v = &c->values;
        for (size_t i = 0; i < v->len; i++)
            if (!v->valid || v->valid[i])
                return err_set("column '%s' is of the null type but row %zu holds a value", c->name,
                               i);
    }
    if ((t->logical == PQ_LOGICAL_TIME || t->logical == PQ_LOGICAL_TIMESTAMP) &&
        (t->unit < PQ_MILLIS || t->unit > PQ_NANOS))
        return err_set("column '%s': bad time unit", c->name);
    if (p == PQ_FIXED_LEN_BYTE_ARRAY) {
        const struct pq_vector *v = &c->values;
        for (size_t i = 0; i < v->len; i++)
            if (!vector_is_null(v, i) &&
                v->offsets[i + 1] - v->offsets[i] != (uint64_t)t->type_length)
                return err_set("column '%s': value %zu is not %d bytes long", c->name, i,
                               (int)t->type_length);
    }
    return 0;
}

static void time_unit_write(struct tw *w, int16_t id, enum pq_time_unit u)
{
    tw_field_struct_begin(w, id);
    tw_field_struct_begin(w, (int16_t)u); /* MILLIS 1, MICROS 2, NANOS 3: empty structs */
    tw_struct_end(w);
    tw_struct_end(w);
}

static int converted_type(const struct pq_type *t)
{
    switch (t->logical) {
    case PQ_LOGICAL_STRING: return PQ_CT_UTF8;
    case PQ_LOGICAL_ENUM: return PQ_CT_ENUM;
    case PQ_LOGICAL_JSON: return PQ_CT_JSON;
    case PQ_LOGICAL_BSON: return PQ_CT_BSON;
    case PQ_LOGICAL_DECIMAL: return PQ_CT_DECIMAL;
    case PQ_LOGICAL_DATE: return PQ_CT_DATE;
    case PQ_LOGICAL_INTEGER: {
        int k = t->bit_width == 8 ? 0 : t->bit_width == 16 ? 1 : t->bit_width == 32 ? 2 : 3;
        return (t->is_signed ? PQ_CT_INT_8 : PQ_CT_UINT_8) + k;
    }
    case PQ_LOGICAL_TIME:
        return t->unit == PQ_MILLIS   ? PQ_CT_TIME_MILLIS
               : t->unit == PQ_MICROS ? PQ_CT_TIME_MICROS
                                      : -1;
    case PQ_LOGICAL_TIMESTAMP:
        if (t->physical == PQ_INT96)
            return -1;
        return t->unit == PQ_MILLIS   ? PQ_CT_TIMESTAMP_MILLIS
               : t->unit == PQ_MICROS ? PQ_CT_TIMESTAMP_MICROS
                                      : -1;
    default: return -1;
    }
}

static void logical_type_write(struct tw *w, const struct pq_type *t)
{
    if (t->logical == PQ_LOGICAL_NONE || t->physical == PQ_INT96)
        return;
    tw_field_struct_begin(w, 10); /* LogicalType union */
    switch (t->logical) {
    case PQ_LOGICAL_STRING: tw_field_struct_begin(w, 1); break;
    case PQ_LOGICAL_ENUM: tw_field_struct_begin(w, 4); break;
    case PQ_LOGICAL_DECIMAL:
        tw_field_struct_begin(w, 5);
        tw_field_i32(w, 1, t->scale);
        tw_field_i32(w, 2, t->precision);
        break;
    case PQ_LOGICAL_DATE: tw_field_struct_begin(w, 6); break;
    case PQ_LOGICAL_TIME:
    case PQ_LOGICAL_TIMESTAMP:
        tw_field_struct_begin(w, t->logical == PQ_LOGICAL_TIME ? 7 : 8);
        tw_field_bool(w, 1, t->utc);
        time_unit_write(w, 2, t->unit);
        break;
    case PQ_LOGICAL_INTEGER:
        tw_field_struct_begin(w, 10);
        tw_field_i8(w, 1, (int8_t)t->bit_width);
        tw_field_bool(w, 2, t->is_signed);
        break;
    case PQ_LOGICAL_JSON: tw_field_struct_begin(w, 12); break;
    case PQ_LOGICAL_BSON: tw_field_struct_begin(w, 13); break;
    case PQ_LOGICAL_UUID: tw_field_struct_begin(w, 14); break;
    case PQ_LOGICAL_FLOAT16: tw_field_struct_begin(w, 15); break;
    case PQ_LOGICAL_NULL: tw_field_struct_begin(w, 11); break; /* UNKNOWN */
    case PQ_LOGICAL_NONE: return;                              /* not reached */
    }
    tw_struct_end(w);
    tw_struct_end(w);
}

static void leaf_element_write(struct tw *w, const char *name, const struct pq_type *t,
                               int repetition)
{
    tw_struct_begin(w);
    tw_field_i32(w, 1, t->physical);
    if (t->physical == PQ_FIXED_LEN_BYTE_ARRAY)
        tw_field_i32(w, 2, t->type_length);
    tw_field_i32(w, 3, repetition);
    tw_field_string(w, 4, name);
    int ct = converted_type(t);
    if (ct >= 0)
        tw_field_i32(w, 6, ct);
    if (t->logical == PQ_LOGICAL_DECIMAL) {
        tw_field_i32(w, 7, t->scale);
        tw_field_i32(w, 8, t->precision);
    }
    logical_type_write(w, t);
    tw_struct_end(w);
}

static size_t schema_count(const struct pq_table *t)
{
    size_t n = 1;
    for (size_t i = 0; i < t->ncols; i++)
        n += t->cols[i].is_list ? 3 : 1;
    return n;
}

static void schema_write(struct tw *w, const struct pq_table *t)
{
    tw_field_list_begin(w, 2, TW_STRUCT, schema_count(t));
    tw_struct_begin(w); /* root */
    tw_field_string(w, 4, "schema");
    tw_field_i32(w, 5, (int32_t)t->ncols);
    tw_struct_end(w);
    for (size_t i = 0; i < t->ncols; i++) {
        const struct pq_column *c = &t->cols[i];
        int rep = c->optional ? PQ_REP_OPTIONAL : PQ_REP_REQUIRED;
        if (!c->is_list) {
            leaf_element_write(w, c->name, &c->values.type, rep);
            continue;
        }
        tw_struct_begin(w); /* <rep> group name (LIST) */
        tw_field_i32(w, 3, rep);
        tw_field_string(w, 4, c->name);
        tw_field_i32(w, 5, 1);
        tw_field_i32(w, 6, PQ_CT_LIST);
        tw_field_struct_begin(w, 10);
        tw_field_struct_begin(w, 3); /* LIST */
        tw_struct_end(w);
        tw_struct_end(w);
        tw_struct_end(w);
        tw_struct_begin(w); /* repeated group list */
        tw_field_i32(w, 3, PQ_REP_REPEATED);
        tw_field_string(w, 4, "list");
        tw_field_i32(w, 5, 1);
        tw_struct_end(w);
        leaf_element_write(w, "element", &c->values.type,
                           c->element_optional ? PQ_REP_OPTIONAL : PQ_REP_REQUIRED);
    }
}

/* ---- the file ---- */

static int table_validate(const struct pq_table *t)
{
    if (table_check(t) < 0)
        return -1;
    /* 0 columns only for 0 rows: Kestrel's empty variable (pandas writes it so) */
    if (t->ncols == 0 && t->nrows > 0)
        return err_set("a table of %zu rows needs at least one column", t->nrows);
    if (t->ncols > INT32_MAX)
        return err_set("too many columns");
    for (size_t i = 0; i < t->ncols; i++) {
        const struct pq_column *c = &t->cols[i];
        if (!c->name || !c->name[0])
            return err_set("column %zu has no name", i);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(t->cols[j].name, c->name))
                return err_set("column '%s' appears twice", c->name);
        if (type_check(c) < 0)
            return -1;
    }
    return 0;
}

static int write_table(struct sink *sink, const struct pq_table *t,
                       const struct pq_writer_options *opts_in)
{
    struct pq_writer_options opts = PQ_WRITER_OPTIONS_INIT;
    if (opts_in)
        opts = *opts_in;
    if (opts.codec != PQ_CODEC_UNCOMPRESSED && opts.codec != PQ_CODEC_SNAPPY &&
        opts.codec != PQ_CODEC_GZIP && opts.codec != PQ_CODEC_ZSTD)
        return err_set("cannot write codec %s", pq_codec_name(opts.codec));
    if (table_validate(t) < 0)
        return -1;
    size_t rg_rows = opts.row_group_rows ? opts.row_group_rows : DEFAULT_ROW_GROUP_ROWS;

    struct buf row_groups = BUF_INIT, columns = BUF_INIT, footer = BUF_INIT;
    size_t nrg = 0;
    int rc = -1;
    if (sink_write(sink, "PAR1", 4) < 0)
        goto out;
    for (size_t r0 = 0; r0 < t->nrows; r0 += rg_rows) {
        size_t r1 = t->nrows - r0 < rg_rows ? t->nrows : r0 + rg_rows;
        uint64_t rg_start = sink->offset, usize = 0, csize = 0;
        buf_reset(&columns);
        for (size_t i = 0; i < t->ncols; i++)
            if (chunk_write(sink, &t->cols[i], r0, r1, &opts, &columns, &usize, &csize) < 0)
                goto out;
        struct tw w;
        tw_init(&w, &row_groups);
        tw_struct_begin(&w);
        tw_field_list_begin(&w, 1, TW_STRUCT, t->ncols);
        buf_add(&row_groups, columns.data, columns.len);
        tw_field_i64(&w, 2, (int64_t)usize);
        tw_field_i64(&w, 3, (int64_t)(r1 - r0));
        tw_field_i64(&w, 5, (int64_t)rg_start);
        tw_field_i64(&w, 6, (int64_t)csize);
        tw_field_i32(&w, 7, (int32_t)nrg);
        tw_struct_end(&w);
        nrg++;
    }

    struct tw w;
    tw_init(&w, &footer);
    tw_struct_begin(&w);
    tw_field_i32(&w, 1, 2);
    schema_write(&w, t);
    tw_field_i64(&w, 3, (int64_t)t->nrows);
    tw_field_list_begin(&w, 4, TW_STRUCT, nrg);
    buf_add(&footer, row_groups.data, row_groups.len);
    tw_field_string(&w, 6,
                    opts.created_by ? opts.created_by : "kanalytic version " KANALYTIC_VERSION);
    tw_struct_end(&w);
    if (footer.len > UINT32_MAX) {
        err_set("footer too large");
        goto out;
    }
    enc_u32le_put(&footer, (uint32_t)footer.len);
    buf_add(&footer, "PAR1", 4);
    if (sink_write(sink, footer.data, footer.len) < 0)
        goto out;
    rc = 0;
out:
    buf_free(&row_groups);
    buf_free(&columns);
    buf_free(&footer);
    return rc;
}

int pq_write_buffer(struct buf *out, const struct pq_table *t, const struct pq_writer_options *opts)
{
    size_t at = out->len;
    struct sink s = {out, -1, "buffer", 0};
    if (write_table(&s, t, opts) < 0) {
        buf_setlen(out, at);
        return -1;
    }
    return 0;
}

int pq_write_file(const char *path, const struct pq_table *t, const struct pq_writer_options *opts)
{
    struct fs_atomic a;
    if (fs_atomic_open(&a, path) < 0)
        return -1;
    struct sink s = {NULL, a.fd, "write", 0};
    if (write_table(&s, t, opts) < 0) {
        fs_atomic_abort(&a);
        return err_prefix("%s", path);
    }
    return fs_atomic_commit(&a);
}
