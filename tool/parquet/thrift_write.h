/* Thrift compact protocol encoder: just enough of it to write Parquet's footer and page
 * headers. Structs nest through a small stack of "last field id" frames; the caller writes
 * fields in increasing id order as Parquet's structs define them. Writing never fails (the
 * buffer grows), except for nesting deeper than TW_MAX_DEPTH, which is a programming error
 * and aborts. */
#ifndef KANALYTIC_PARQUET_THRIFT_WRITE_H
#define KANALYTIC_PARQUET_THRIFT_WRITE_H

#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tw_type {
    TW_BOOL_TRUE = 1,
    TW_BOOL_FALSE = 2,
    TW_I8 = 3,
    TW_I16 = 4,
    TW_I32 = 5,
    TW_I64 = 6,
    TW_DOUBLE = 7,
    TW_BINARY = 8,
    TW_LIST = 9,
    TW_SET = 10,
    TW_MAP = 11,
    TW_STRUCT = 12,
};

#define TW_MAX_DEPTH 16

struct tw {
    struct buf *out;
    int depth;
    int16_t last_id[TW_MAX_DEPTH];
};

void tw_init(struct tw *w, struct buf *out);

/* Raw values (list elements, or after a field header). */
void tw_varint(struct tw *w, uint64_t v);
void tw_i32(struct tw *w, int32_t v);
void tw_i64(struct tw *w, int64_t v);
void tw_binary(struct tw *w, const void *p, size_t n);

/* A struct: begin (a top-level struct or a list element), fields, end (writes STOP). */
void tw_struct_begin(struct tw *w);
void tw_struct_end(struct tw *w);

/* Fields of the current struct. */
void tw_field_bool(struct tw *w, int16_t id, bool v);
void tw_field_i8(struct tw *w, int16_t id, int8_t v);
void tw_field_i32(struct tw *w, int16_t id, int32_t v);
void tw_field_i64(struct tw *w, int16_t id, int64_t v);
void tw_field_binary(struct tw *w, int16_t id, const void *p, size_t n);
void tw_field_string(struct tw *w, int16_t id, const char *s);
/* A struct-valued field: follow with its fields and tw_struct_end. */
void tw_field_struct_begin(struct tw *w, int16_t id);
/* A list-valued field of n elements of elem_type: follow with exactly n elements. */
void tw_field_list_begin(struct tw *w, int16_t id, enum tw_type elem_type, size_t n);

#endif
