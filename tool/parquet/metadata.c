/* FileMetaData and PageHeader parsing over thrift_read.h: known fields by id and type,
 * everything else skipped; required fields and enum ranges checked. See metadata.h. */
#include "metadata.h"

#include "thrift_read.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pq_encoding_name(int e)
{
    switch (e) {
    case PQ_ENC_PLAIN: return "PLAIN";
    case PQ_ENC_PLAIN_DICTIONARY: return "PLAIN_DICTIONARY";
    case PQ_ENC_RLE: return "RLE";
    case PQ_ENC_BIT_PACKED: return "BIT_PACKED";
    case PQ_ENC_DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
    case PQ_ENC_DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
    case PQ_ENC_RLE_DICTIONARY: return "RLE_DICTIONARY";
    case PQ_ENC_BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
    default: return "unknown";
    }
}

const char *pq_physical_name(int p)
{
    switch (p) {
    case PQ_BOOLEAN: return "BOOLEAN";
    case PQ_INT32: return "INT32";
    case PQ_INT64: return "INT64";
    case PQ_INT96: return "INT96";
    case PQ_FLOAT: return "FLOAT";
    case PQ_DOUBLE: return "DOUBLE";
    case PQ_BYTE_ARRAY: return "BYTE_ARRAY";
    case PQ_FIXED_LEN_BYTE_ARRAY: return "FIXED_LEN_BYTE_ARRAY";
    default: return "?";
    }
}

/* Room for a list of n elements read from the file: fallible (n is capped by the Thrift reader
 * at 1 Mi and the bytes left, but a footer may nest many such lists). */
static void *list_alloc(struct thrift_reader *t, size_t n, size_t size)
{
    void *p = try_calloc(n ? n : 1, size);
    if (!p) {
        char what[96];
        snprintf(what, sizeof what, "out of memory for a list of %zu elements", n);
        tr_fail(t, what);
    }
    return p;
}

static bool is_int(int type)
{
    return type == TT_I8 || type == TT_I16 || type == TT_I32 || type == TT_I64;
}

/* A known field of an unexpected wire type is skipped like an unknown one. */
#define WANT(cond)                                                                                 \
    if (!(cond)) {                                                                                 \
        tr_skip(t, type);                                                                          \
        break;                                                                                     \
    }

static int32_t int_field32(struct thrift_reader *t, int type)
{
    int64_t v = tr_int(t, type);
    if (v < INT32_MIN || v > INT32_MAX) {
        tr_fail(t, "integer out of range");
        return 0;
    }
    return (int32_t)v;
}

/* An enum value, checked against [0, max]. */
static int enum_field(struct thrift_reader *t, int type, int max, const char *what)
{
    int64_t v = tr_int(t, type);
    if (v < 0 || v > max) {
        tr_fail(t, what);
        return 0;
    }
    return (int)v;
}

/* TimeUnit union: MILLIS 1, MICROS 2, NANOS 3, each an empty struct. */
static int parse_time_unit(struct thrift_reader *t)
{
    int unit = 0;
    if (!tr_struct_begin(t))
        return 0;
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        if (type == TT_STRUCT && id >= 1 && id <= 3)
            unit = id;
        tr_skip(t, type);
    }
    tr_struct_end(t);
    return unit;
}

static void parse_logical(struct thrift_reader *t, struct pq_logical_type *lt)
{
    memset(lt, 0, sizeof *lt);
    if (!tr_struct_begin(t))
        return;
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        if (type != TT_STRUCT) {
            tr_skip(t, type);
            continue;
        }
        lt->id = id;
        if (id != PQ_LT_DECIMAL && id != PQ_LT_TIME && id != PQ_LT_TIMESTAMP &&
            id != PQ_LT_INTEGER) {
            tr_skip(t, type); /* empty or unknown member: its id is all we keep */
            continue;
        }
        if (!tr_struct_begin(t))
            break;
        int16_t l2 = 0, f;
        int ft;
        while (tr_field(t, &l2, &ft, &f)) {
            if (id == PQ_LT_DECIMAL && f == 1 && is_int(ft))
                lt->scale = int_field32(t, ft);
            else if (id == PQ_LT_DECIMAL && f == 2 && is_int(ft))
                lt->precision = int_field32(t, ft);
            else if ((id == PQ_LT_TIME || id == PQ_LT_TIMESTAMP) && f == 1 &&
                     (ft == TT_TRUE || ft == TT_FALSE))
                lt->utc = tr_bool_field(ft);
            else if ((id == PQ_LT_TIME || id == PQ_LT_TIMESTAMP) && f == 2 && ft == TT_STRUCT)
                lt->unit = parse_time_unit(t);
            else if (id == PQ_LT_INTEGER && f == 1 && ft == TT_I8)
                lt->bit_width = tr_i8(t);
            else if (id == PQ_LT_INTEGER && f == 2 && (ft == TT_TRUE || ft == TT_FALSE))
                lt->is_signed = tr_bool_field(ft);
            else
                tr_skip(t, ft);
        }
        tr_struct_end(t);
    }
    tr_struct_end(t);
}

static void parse_schema_element(struct thrift_reader *t, struct pq_schema_element *e)
{
    memset(e, 0, sizeof *e);
    e->type = -1;
    e->repetition = -1;
    e->converted_type = -1;
    if (!tr_struct_begin(t))
        return;
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        switch (id) {
        case 1:
            WANT(is_int(type));
            e->type = enum_field(t, type, PQ_FIXED_LEN_BYTE_ARRAY, "invalid physical type");
            break;
        case 2:
            WANT(is_int(type));
            e->type_length = int_field32(t, type);
            break;
        case 3:
            WANT(is_int(type));
            e->repetition = enum_field(t, type, PQ_REP_REPEATED, "invalid repetition type");
            break;
        case 4:
            WANT(type == TT_BINARY);
            free(e->name);
            e->name = tr_string(t);
            break;
        case 5:
            WANT(is_int(type));
            e->num_children = int_field32(t, type);
            break;
        case 6:
            WANT(is_int(type));
            e->converted_type = enum_field(t, type, PQ_CT_INTERVAL, "invalid converted type");
            break;
        case 7:
            WANT(is_int(type));
            e->scale = int_field32(t, type);
            break;
        case 8:
            WANT(is_int(type));
            e->precision = int_field32(t, type);
            break;
        case 10:
            WANT(type == TT_STRUCT);
            parse_logical(t, &e->logical);
            break;
        default: tr_skip(t, type);
        }
    }
    tr_struct_end(t);
    if (!t->failed && !e->name)
        tr_fail(t, "schema element without a name");
}

static void free_column_meta(struct pq_column_meta *m)
{
    for (uint32_t i = 0; i < m->path_len; i++)
        free(m->path[i]);
    free(m->path);
    m->path = NULL;
    m->path_len = 0;
}

static void parse_column_meta(struct thrift_reader *t, struct pq_column_meta *m)
{
    unsigned seen = 0;
    m->dictionary_page_offset = -1;
    if (!tr_struct_begin(t))
        return;
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        switch (id) {
        case 1:
            WANT(is_int(type));
            m->type = enum_field(t, type, PQ_FIXED_LEN_BYTE_ARRAY, "invalid column type");
            seen |= 1;
            break;
        case 3: {
            WANT(type == TT_LIST && m->path == NULL);
            int et;
            uint32_t n;
            if (!tr_list(t, &et, &n))
                break;
            if (et != TT_BINARY) {
                tr_fail(t, "path_in_schema is not a list of strings");
                break;
            }
            m->path = list_alloc(t, n, sizeof *m->path);
            for (uint32_t i = 0; i < n && !t->failed; i++) {
                m->path[i] = tr_string(t);
                m->path_len = i + 1;
            }
            seen |= 2;
            break;
        }
        case 4:
            WANT(is_int(type));
            m->codec = enum_field(t, type, PQ_CODEC_LZ4_RAW, "invalid compression codec");
            seen |= 4;
            break;
        case 5:
            WANT(is_int(type));
            m->num_values = tr_int(t, type);
            seen |= 8;
            break;
        case 6:
            WANT(is_int(type));
            m->total_uncompressed_size = tr_int(t, type);
            break;
        case 7:
            WANT(is_int(type));
            m->total_compressed_size = tr_int(t, type);
            seen |= 16;
            break;
        case 9:
            WANT(is_int(type));
            m->data_page_offset = tr_int(t, type);
            seen |= 32;
            break;
        case 11:
            WANT(is_int(type));
            m->dictionary_page_offset = tr_int(t, type);
            break;
        default: tr_skip(t, type);
        }
    }
    tr_struct_end(t);
    if (!t->failed && seen != 63)
        tr_fail(t, "column metadata lacks a required field");
}

static void parse_column_chunk(struct thrift_reader *t, struct pq_column_chunk *c)
{
    memset(c, 0, sizeof *c);
    if (!tr_struct_begin(t))
        return;
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        switch (id) {
        case 1:
            c->has_file_path = true;
            tr_skip(t, type);
            break;
        case 2:
            WANT(is_int(type));
            c->file_offset = tr_int(t, type);
            break;
        case 3:
            WANT(type == TT_STRUCT && !c->has_meta);
            c->has_meta = true;
            parse_column_meta(t, &c->meta);
            break;
        case 8:
        case 9:
            c->encrypted = true;
            tr_skip(t, type);
            break;
        default: tr_skip(t, type);
        }
    }
    tr_struct_end(t);
}

static void free_row_group(struct pq_row_group *g)
{
    for (uint32_t i = 0; i < g->ncolumns; i++)
        free_column_meta(&g->columns[i].meta);
    free(g->columns);
    g->columns = NULL;
    g->ncolumns = 0;
}

static void parse_row_group(struct thrift_reader *t, struct pq_row_group *g)
{
    unsigned seen = 0;
    memset(g, 0, sizeof *g);
    if (!tr_struct_begin(t))
        return;
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        switch (id) {
        case 1: {
            WANT(type == TT_LIST && g->columns == NULL);
            int et;
            uint32_t n;
            if (!tr_list(t, &et, &n))
                break;
            if (et != TT_STRUCT) {
                tr_fail(t, "row group columns are not structures");
                break;
            }
            g->columns = list_alloc(t, n, sizeof *g->columns);
            for (uint32_t i = 0; i < n && !t->failed; i++) {
                g->ncolumns = i + 1;
                parse_column_chunk(t, &g->columns[i]);
            }
            seen |= 1;
            break;
        }
        case 2:
            WANT(is_int(type));
            g->total_byte_size = tr_int(t, type);
            break;
        case 3:
            WANT(is_int(type));
            g->num_rows = tr_int(t, type);
            seen |= 2;
            break;
        default: tr_skip(t, type);
        }
    }
    tr_struct_end(t);
    if (!t->failed && seen != 3)
        tr_fail(t, "row group lacks columns or num_rows");
}

static void parse_kv(struct thrift_reader *t, struct pq_key_value *kv)
{
    memset(kv, 0, sizeof *kv);
    if (!tr_struct_begin(t))
        return;
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        if (id == 1 && type == TT_BINARY && !kv->key)
            kv->key = tr_string(t);
        else if (id == 2 && type == TT_BINARY && !kv->value)
            kv->value = tr_string(t);
        else
            tr_skip(t, type);
    }
    tr_struct_end(t);
    if (!t->failed && !kv->key)
        tr_fail(t, "key-value metadata without a key");
}

void pq_meta_free(struct pq_file_meta *m)
{
    for (uint32_t i = 0; i < m->nschema; i++)
        free(m->schema[i].name);
    free(m->schema);
    for (uint32_t i = 0; i < m->nrow_groups; i++)
        free_row_group(&m->row_groups[i]);
    free(m->row_groups);
    for (uint32_t i = 0; i < m->nkv; i++) {
        free(m->kv[i].key);
        free(m->kv[i].value);
    }
    free(m->kv);
    free(m->created_by);
    memset(m, 0, sizeof *m);
}

/* Reads a list-of-structs field header; returns the count or -1. */
static long struct_list(struct thrift_reader *t, const char *what)
{
    int et;
    uint32_t n;
    if (!tr_list(t, &et, &n))
        return -1;
    if (et != TT_STRUCT) {
        tr_fail(t, what);
        return -1;
    }
    return (long)n;
}

int pq_meta_parse(struct pq_file_meta *m, const uint8_t *p, size_t n)
{
    struct thrift_reader tr, *t = &tr;
    unsigned seen = 0;
    memset(m, 0, sizeof *m);
    tr_init(t, p, n);
    tr_struct_begin(t);
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        long cnt;
        switch (id) {
        case 1:
            WANT(is_int(type));
            m->version = int_field32(t, type);
            seen |= 1;
            break;
        case 2:
            WANT(type == TT_LIST && !m->schema);
            if ((cnt = struct_list(t, "schema is not a list of structures")) < 0)
                break;
            m->schema = list_alloc(t, (size_t)cnt + 1, sizeof *m->schema);
            for (long i = 0; i < cnt && !t->failed; i++) {
                m->nschema = (uint32_t)i + 1;
                parse_schema_element(t, &m->schema[i]);
            }
            seen |= 2;
            break;
        case 3:
            WANT(is_int(type));
            m->num_rows = tr_int(t, type);
            seen |= 4;
            break;
        case 4:
            WANT(type == TT_LIST && !m->row_groups);
            if ((cnt = struct_list(t, "row_groups is not a list of structures")) < 0)
                break;
            m->row_groups = list_alloc(t, (size_t)cnt + 1, sizeof *m->row_groups);
            for (long i = 0; i < cnt && !t->failed; i++) {
                m->nrow_groups = (uint32_t)i + 1;
                parse_row_group(t, &m->row_groups[i]);
            }
            seen |= 8;
            break;
        case 5:
            WANT(type == TT_LIST && !m->kv);
            if ((cnt = struct_list(t, "key_value_metadata is not a list of structures")) < 0)
                break;
            m->kv = list_alloc(t, (size_t)cnt + 1, sizeof *m->kv);
            for (long i = 0; i < cnt && !t->failed; i++) {
                m->nkv = (uint32_t)i + 1;
                parse_kv(t, &m->kv[i]);
            }
            break;
        case 6:
            WANT(type == TT_BINARY && !m->created_by);
            m->created_by = tr_string(t);
            break;
        case 8:
        case 9:
            m->encrypted = true;
            tr_skip(t, type);
            break;
        default: tr_skip(t, type);
        }
    }
    tr_struct_end(t);
    if (!t->failed && seen != 15)
        tr_fail(t, "FileMetaData lacks a required field (version, schema, num_rows or row_groups)");
    if (t->failed) {
        err_set("corrupt footer: %s", tr_error(t));
        pq_meta_free(m);
        return -1;
    }
    return 0;
}

int pq_page_header_parse(struct pq_page_header *h, const uint8_t *p, size_t n, size_t *used)
{
    struct thrift_reader tr, *t = &tr;
    unsigned seen = 0, sub = 0;
    memset(h, 0, sizeof *h);
    h->is_compressed = true;
    h->type = -1;
    tr_init(t, p, n);
    tr_struct_begin(t);
    int16_t last = 0, id;
    int type;
    while (tr_field(t, &last, &type, &id)) {
        switch (id) {
        case 1:
            WANT(is_int(type));
            h->type = int_field32(t, type); /* unknown page types are skipped by the reader */
            seen |= 1;
            break;
        case 2:
            WANT(is_int(type));
            h->uncompressed_size = int_field32(t, type);
            seen |= 2;
            break;
        case 3:
            WANT(is_int(type));
            h->compressed_size = int_field32(t, type);
            seen |= 4;
            break;
        case 4:
            WANT(is_int(type));
            h->crc = (uint32_t)int_field32(t, type);
            h->has_crc = true;
            break;
        case 5:
        case 7:
        case 8: {
            WANT(type == TT_STRUCT);
            if (!tr_struct_begin(t))
                break;
            int16_t l2 = 0, f;
            int ft;
            while (tr_field(t, &l2, &ft, &f)) {
                if (!is_int(ft) && !(id == 8 && f == 7 && (ft == TT_TRUE || ft == TT_FALSE))) {
                    tr_skip(t, ft);
                    continue;
                }
                if (id == 5) { /* DataPageHeader */
                    if (f == 1) {
                        h->num_values = int_field32(t, ft);
                        sub |= 1;
                    } else if (f == 2) {
                        h->encoding = int_field32(t, ft);
                        sub |= 2;
                    } else if (f == 3) {
                        h->def_encoding = int_field32(t, ft);
                        sub |= 4;
                    } else if (f == 4) {
                        h->rep_encoding = int_field32(t, ft);
                        sub |= 8;
                    } else
                        tr_skip(t, ft);
                } else if (id == 7) { /* DictionaryPageHeader */
                    if (f == 1) {
                        h->dict_num_values = int_field32(t, ft);
                        sub |= 16;
                    } else if (f == 2) {
                        h->dict_encoding = int_field32(t, ft);
                        sub |= 32;
                    } else
                        tr_skip(t, ft);
                } else { /* DataPageHeaderV2 */
                    if (f == 1) {
                        h->num_values = int_field32(t, ft);
                        sub |= 64;
                    } else if (f == 2) {
                        h->num_nulls = int_field32(t, ft);
                        sub |= 128;
                    } else if (f == 3) {
                        h->num_rows = int_field32(t, ft);
                        sub |= 256;
                    } else if (f == 4) {
                        h->encoding = int_field32(t, ft);
                        sub |= 512;
                    } else if (f == 5) {
                        h->def_len = int_field32(t, ft);
                        sub |= 1024;
                    } else if (f == 6) {
                        h->rep_len = int_field32(t, ft);
                        sub |= 2048;
                    } else if (f == 7)
                        h->is_compressed = tr_bool_field(ft);
                    else
                        tr_skip(t, ft);
                }
            }
            tr_struct_end(t);
            break;
        }
        default: tr_skip(t, type);
        }
    }
    tr_struct_end(t);
    if (!t->failed && seen != 7)
        tr_fail(t, "page header lacks type or sizes");
    if (!t->failed && (h->uncompressed_size < 0 || h->compressed_size < 0))
        tr_fail(t, "negative page size");
    if (!t->failed && h->type == PQ_PAGE_DATA && (sub & 15) != 15)
        tr_fail(t, "data page header missing or incomplete");
    if (!t->failed && h->type == PQ_PAGE_DICTIONARY && (sub & 48) != 48)
        tr_fail(t, "dictionary page header missing or incomplete");
    if (!t->failed && h->type == PQ_PAGE_DATA_V2 && (sub & 0xfc0) != 0xfc0)
        tr_fail(t, "data page v2 header missing or incomplete");
    if (!t->failed && (h->num_values < 0 || h->num_nulls < 0 || h->num_rows < 0 || h->def_len < 0 ||
                       h->rep_len < 0 || h->dict_num_values < 0))
        tr_fail(t, "negative count in page header");
    if (t->failed)
        return err_set("corrupt page header: %s", tr_error(t));
    *used = tr_offset(t);
    return 0;
}
