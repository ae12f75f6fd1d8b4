/* Thrift compact protocol encoder: see thrift_write.h and
 * apache/thrift doc/specs/thrift-compact-protocol.md. */
#include "thrift_write.h"

#include <stdlib.h>

void tw_init(struct tw *w, struct buf *out)
{
    w->out = out;
    w->depth = 0;
    w->last_id[0] = 0;
}

void tw_varint(struct tw *w, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    buf_add(w->out, tmp, n);
}

static uint64_t zigzag64(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

void tw_i32(struct tw *w, int32_t v)
{
    tw_varint(w, (uint32_t)(((uint32_t)v << 1) ^ (uint32_t)(v >> 31)));
}

void tw_i64(struct tw *w, int64_t v)
{
    tw_varint(w, zigzag64(v));
}

void tw_binary(struct tw *w, const void *p, size_t n)
{
    tw_varint(w, n);
    buf_add(w->out, p, n);
}

void tw_struct_begin(struct tw *w)
{
    if (w->depth + 1 >= TW_MAX_DEPTH)
        abort();
    w->last_id[++w->depth] = 0;
}

void tw_struct_end(struct tw *w)
{
    buf_addch(w->out, 0);
    if (w->depth > 0)
        w->depth--;
}

/* Field header: a 4-bit id delta packed with the type when the delta is 1..15, else the type
 * byte followed by the zigzag i16 id. */
static void field_header(struct tw *w, int16_t id, enum tw_type type)
{
    int16_t *last = &w->last_id[w->depth];
    int delta = id - *last;
    if (delta > 0 && delta <= 15) {
        buf_addch(w->out, (char)(uint8_t)(delta << 4 | type));
    } else {
        buf_addch(w->out, (char)(uint8_t)type);
        tw_i32(w, id);
    }
    *last = id;
}

void tw_field_bool(struct tw *w, int16_t id, bool v)
{
    field_header(w, id, v ? TW_BOOL_TRUE : TW_BOOL_FALSE);
}

void tw_field_i8(struct tw *w, int16_t id, int8_t v)
{
    field_header(w, id, TW_I8);
    buf_addch(w->out, (char)v);
}

void tw_field_i32(struct tw *w, int16_t id, int32_t v)
{
    field_header(w, id, TW_I32);
    tw_i32(w, v);
}

void tw_field_i64(struct tw *w, int16_t id, int64_t v)
{
    field_header(w, id, TW_I64);
    tw_i64(w, v);
}

void tw_field_binary(struct tw *w, int16_t id, const void *p, size_t n)
{
    field_header(w, id, TW_BINARY);
    tw_binary(w, p, n);
}

void tw_field_string(struct tw *w, int16_t id, const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    tw_field_binary(w, id, s, n);
}

void tw_field_struct_begin(struct tw *w, int16_t id)
{
    field_header(w, id, TW_STRUCT);
    tw_struct_begin(w);
}

void tw_field_list_begin(struct tw *w, int16_t id, enum tw_type elem_type, size_t n)
{
    field_header(w, id, TW_LIST);
    if (n < 15) {
        buf_addch(w->out, (char)(uint8_t)(n << 4 | elem_type));
    } else {
        buf_addch(w->out, (char)(uint8_t)(0xf0 | elem_type));
        tw_varint(w, n);
    }
}
