/* The in-memory table model: see table.h. */
#include "table.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t value_width(enum pq_physical p)
{
    switch (p) {
    case PQ_BOOLEAN: return 1;
    case PQ_INT32: return 4;
    case PQ_FLOAT: return 4;
    case PQ_INT64:
    case PQ_INT96:
    case PQ_DOUBLE: return 8;
    default: return 0; /* bytes */
    }
}

static bool is_bytes(enum pq_physical p)
{
    return p == PQ_BYTE_ARRAY || p == PQ_FIXED_LEN_BYTE_ARRAY;
}

struct pq_column *table_add_column(struct pq_table *t, const char *name, struct pq_type type,
                                   bool optional)
{
    t->cols = xreallocarray(t->cols, t->ncols + 1, sizeof *t->cols);
    struct pq_column *c = &t->cols[t->ncols++];
    memset(c, 0, sizeof *c);
    c->name = xstrdup(name);
    c->optional = optional;
    c->values.type = type;
    return c;
}

struct pq_column *table_add_list_column(struct pq_table *t, const char *name,
                                        struct pq_type element_type, bool optional,
                                        bool element_optional)
{
    struct pq_column *c = table_add_column(t, name, element_type, optional);
    c->is_list = true;
    c->element_optional = element_optional;
    c->list_offsets = xmalloc(sizeof *c->list_offsets);
    c->list_offsets[0] = 0;
    c->list_cap = 0;
    return c;
}

long table_find_column(const struct pq_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i].name, name))
            return (long)i;
    return -1;
}

size_t column_rows(const struct pq_column *c)
{
    return c->is_list ? c->list_len : c->values.len;
}

int table_check(const struct pq_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (column_rows(&t->cols[i]) != t->nrows)
            return err_set("column '%s' has %zu rows, the table %zu", t->cols[i].name,
                           column_rows(&t->cols[i]), t->nrows);
    return 0;
}

void vector_free(struct pq_vector *v)
{
    free(v->valid);
    free(v->v.b);
    free(v->offsets);
    free(v->data);
    struct pq_type type = v->type;
    memset(v, 0, sizeof *v);
    v->type = type;
}

void table_free(struct pq_table *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        struct pq_column *c = &t->cols[i];
        free(c->name);
        vector_free(&c->values);
        free(c->list_offsets);
        free(c->list_valid);
    }
    free(t->cols);
    t->cols = NULL;
    t->ncols = t->nrows = 0;
}

/* Makes room for one more value (and its validity byte and offset). */
static void vector_reserve_one(struct pq_vector *v)
{
    if (v->len + 1 <= v->cap)
        return;
    size_t cap = v->cap ? v->cap * 2 : 16;
    size_t w = value_width(v->type.physical);
    if (w)
        v->v.b = xreallocarray(v->v.b, cap, w);
    if (is_bytes(v->type.physical)) {
        v->offsets = xreallocarray(v->offsets, cap + 1, sizeof *v->offsets);
        if (v->cap == 0)
            v->offsets[0] = 0;
    }
    if (v->valid)
        v->valid = xrealloc(v->valid, cap);
    v->cap = cap;
}

static void mark_valid(struct pq_vector *v, bool valid)
{
    if (!valid && !v->valid) {
        v->valid = xmalloc(v->cap ? v->cap : 1);
        memset(v->valid, 1, v->len);
    }
    if (v->valid)
        v->valid[v->len] = valid;
}

static void push_bytes(struct pq_vector *v, const void *p, size_t n)
{
    size_t need;
    if (size_add_overflow(v->data_len, n, &need))
        xmalloc(SIZE_MAX);
    if (need > v->data_cap) {
        size_t cap = v->data_cap ? v->data_cap : 256;
        while (cap < need)
            cap *= 2;
        v->data = xrealloc(v->data, cap);
        v->data_cap = cap;
    }
    if (n)
        memcpy(v->data + v->data_len, p, n);
    v->data_len += n;
    v->offsets[v->len + 1] = v->data_len;
}

void vector_append_null(struct pq_vector *v)
{
    vector_reserve_one(v);
    mark_valid(v, false);
    size_t w = value_width(v->type.physical);
    if (w)
        memset(v->v.b + v->len * w, 0, w);
    else
        push_bytes(v, NULL, 0);
    v->len++;
}

#define DEFINE_APPEND(fn, ctype, member)                                                           \
    void fn(struct pq_vector *v, ctype x)                                                          \
    {                                                                                              \
        vector_reserve_one(v);                                                                     \
        mark_valid(v, true);                                                                       \
        v->v.member[v->len++] = x;                                                                 \
    }
DEFINE_APPEND(vector_append_i32, int32_t, i32)
DEFINE_APPEND(vector_append_i64, int64_t, i64)
DEFINE_APPEND(vector_append_f32, float, f32)
DEFINE_APPEND(vector_append_f64, double, f64)

void vector_append_bool(struct pq_vector *v, bool x)
{
    vector_reserve_one(v);
    mark_valid(v, true);
    v->v.b[v->len++] = x ? 1 : 0;
}

void vector_append_bytes(struct pq_vector *v, const void *p, size_t n)
{
    vector_reserve_one(v);
    mark_valid(v, true);
    push_bytes(v, p, n);
    v->len++;
}

bool vector_is_null(const struct pq_vector *v, size_t i)
{
    return v->valid && !v->valid[i];
}

const uint8_t *vector_bytes(const struct pq_vector *v, size_t i, size_t *len)
{
    *len = (size_t)(v->offsets[i + 1] - v->offsets[i]);
    return v->data ? v->data + v->offsets[i] : (const uint8_t *)"";
}

void column_list_begin_row(struct pq_column *c)
{
    if (c->list_len + 1 >= c->list_cap) {
        size_t cap = c->list_cap ? c->list_cap * 2 : 16;
        c->list_offsets = xreallocarray(c->list_offsets, cap + 1, sizeof *c->list_offsets);
        if (c->list_valid)
            c->list_valid = xrealloc(c->list_valid, cap);
        c->list_cap = cap;
    }
    if (c->list_valid)
        c->list_valid[c->list_len] = 1;
}

void column_list_end_row(struct pq_column *c)
{
    c->list_offsets[++c->list_len] = c->values.len;
}

void column_list_append_null(struct pq_column *c)
{
    column_list_begin_row(c);
    if (!c->list_valid) {
        c->list_valid = xmalloc(c->list_cap);
        memset(c->list_valid, 1, c->list_len);
    }
    c->list_valid[c->list_len] = 0;
    column_list_end_row(c);
}

bool column_is_null(const struct pq_column *c, size_t row)
{
    if (c->is_list)
        return c->list_valid && !c->list_valid[row];
    return vector_is_null(&c->values, row);
}

void vector_append_from(struct pq_vector *dst, const struct pq_vector *src, size_t i)
{
    if (vector_is_null(src, i)) {
        vector_append_null(dst);
        return;
    }
    switch (src->type.physical) {
    case PQ_BOOLEAN: vector_append_bool(dst, src->v.b[i]); break;
    case PQ_INT32: vector_append_i32(dst, src->v.i32[i]); break;
    case PQ_INT64:
    case PQ_INT96: vector_append_i64(dst, src->v.i64[i]); break;
    case PQ_FLOAT: vector_append_f32(dst, src->v.f32[i]); break;
    case PQ_DOUBLE: vector_append_f64(dst, src->v.f64[i]); break;
    default: {
        size_t n;
        const uint8_t *p = vector_bytes(src, i, &n);
        vector_append_bytes(dst, p, n);
    }
    }
}

int table_append(struct pq_table *dst, const struct pq_table *src)
{
    if (dst->ncols != src->ncols)
        return err_set("cannot append a table of %zu columns to one of %zu", src->ncols,
                       dst->ncols);
    for (size_t c = 0; c < src->ncols; c++) {
        const struct pq_column *s = &src->cols[c];
        const struct pq_column *d = &dst->cols[c];
        if (strcmp(s->name, d->name) || s->is_list != d->is_list ||
            !pq_type_equal(&s->values.type, &d->values.type))
            return err_set("column %zu ('%s') differs between the tables", c, s->name);
    }
    for (size_t c = 0; c < src->ncols; c++) {
        const struct pq_column *s = &src->cols[c];
        struct pq_column *d = &dst->cols[c];
        if (!s->is_list) {
            for (size_t i = 0; i < s->values.len; i++)
                vector_append_from(&d->values, &s->values, i);
            continue;
        }
        for (size_t r = 0; r < s->list_len; r++) {
            if (column_is_null(s, r)) {
                column_list_append_null(d);
                continue;
            }
            column_list_begin_row(d);
            for (uint64_t e = s->list_offsets[r]; e < s->list_offsets[r + 1]; e++)
                vector_append_from(&d->values, &s->values, (size_t)e);
            column_list_end_row(d);
        }
    }
    dst->nrows += src->nrows;
    return 0;
}

bool pq_type_equal(const struct pq_type *a, const struct pq_type *b)
{
    if (a->physical != b->physical || a->logical != b->logical)
        return false;
    if (a->physical == PQ_FIXED_LEN_BYTE_ARRAY && a->type_length != b->type_length)
        return false;
    switch (a->logical) {
    case PQ_LOGICAL_INTEGER: return a->bit_width == b->bit_width && a->is_signed == b->is_signed;
    case PQ_LOGICAL_DECIMAL: return a->precision == b->precision && a->scale == b->scale;
    case PQ_LOGICAL_TIME:
    case PQ_LOGICAL_TIMESTAMP: return a->unit == b->unit && a->utc == b->utc;
    default: return true;
    }
}

static const char *unit_name(enum pq_time_unit u)
{
    return u == PQ_MILLIS ? "ms" : u == PQ_MICROS ? "us" : "ns";
}

static void describe_scalar(const struct pq_type *t, char *out, size_t n)
{
    switch (t->logical) {
    case PQ_LOGICAL_STRING: snprintf(out, n, "string"); return;
    case PQ_LOGICAL_ENUM: snprintf(out, n, "enum"); return;
    case PQ_LOGICAL_JSON: snprintf(out, n, "json"); return;
    case PQ_LOGICAL_BSON: snprintf(out, n, "bson"); return;
    case PQ_LOGICAL_UUID: snprintf(out, n, "uuid"); return;
    case PQ_LOGICAL_INTEGER:
        snprintf(out, n, "%sint%d", t->is_signed ? "" : "u", t->bit_width);
        return;
    case PQ_LOGICAL_DECIMAL: snprintf(out, n, "decimal(%d,%d)", t->precision, t->scale); return;
    case PQ_LOGICAL_DATE: snprintf(out, n, "date"); return;
    case PQ_LOGICAL_TIME:
        snprintf(out, n, "time[%s%s]", unit_name(t->unit), t->utc ? ", UTC" : "");
        return;
    case PQ_LOGICAL_TIMESTAMP:
        snprintf(out, n, "timestamp[%s%s]", unit_name(t->unit), t->utc ? ", UTC" : "");
        return;
    case PQ_LOGICAL_FLOAT16: snprintf(out, n, "float16"); return;
    case PQ_LOGICAL_NULL: snprintf(out, n, "null"); return;
    case PQ_LOGICAL_NONE: break;
    }
    switch (t->physical) {
    case PQ_BOOLEAN: snprintf(out, n, "bool"); return;
    case PQ_INT32: snprintf(out, n, "int32"); return;
    case PQ_INT64: snprintf(out, n, "int64"); return;
    case PQ_INT96: snprintf(out, n, "int96"); return;
    case PQ_FLOAT: snprintf(out, n, "float"); return;
    case PQ_DOUBLE: snprintf(out, n, "double"); return;
    case PQ_BYTE_ARRAY: snprintf(out, n, "binary"); return;
    case PQ_FIXED_LEN_BYTE_ARRAY: snprintf(out, n, "fixed_size_binary[%d]", t->type_length); return;
    }
    snprintf(out, n, "?");
}

void pq_type_describe(const struct pq_type *t, bool is_list, char *out, size_t n)
{
    if (!is_list) {
        describe_scalar(t, out, n);
        return;
    }
    char inner[64];
    describe_scalar(t, inner, sizeof inner);
    snprintf(out, n, "list<%s>", inner);
}
