/* A decoder for the Thrift compact protocol over an untrusted byte range: bounded varints,
 * lengths and counts checked against the bytes left and a cap, a nesting-depth limit,
 * unknown fields skipped by type. Errors are sticky: after the first one every read returns
 * zero and tr->failed stays set, so parsers check once per struct; tr_error() says what
 * went wrong and where. */
#ifndef KANALYTIC_THRIFT_READ_H
#define KANALYTIC_THRIFT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum thrift_type {
    TT_STOP = 0,
    TT_TRUE = 1,
    TT_FALSE = 2,
    TT_I8 = 3,
    TT_I16 = 4,
    TT_I32 = 5,
    TT_I64 = 6,
    TT_DOUBLE = 7,
    TT_BINARY = 8,
    TT_LIST = 9,
    TT_SET = 10,
    TT_MAP = 11,
    TT_STRUCT = 12,
    TT_UUID = 13,
};

#define THRIFT_MAX_DEPTH 64
#define THRIFT_MAX_STRING (100u << 20) /* bytes in one binary field */
#define THRIFT_MAX_ELEMENTS (1u << 20) /* elements in one list */

struct thrift_reader {
    const uint8_t *start, *p, *end;
    int depth;
    bool failed;
    char msg[160];
};

void tr_init(struct thrift_reader *t, const void *data, size_t len);
/* Records the first error (offset included); returns false. */
bool tr_fail(struct thrift_reader *t, const char *what);
const char *tr_error(const struct thrift_reader *t);
size_t tr_offset(const struct thrift_reader *t);

/* Struct framing: tr_struct_begin raises the depth (failing past the cap); tr_field reads
 * the next field header, returning false at STOP or on error; *last holds the previous
 * field id (start it at 0). */
bool tr_struct_begin(struct thrift_reader *t);
void tr_struct_end(struct thrift_reader *t);
bool tr_field(struct thrift_reader *t, int16_t *last, int *type, int16_t *id);

int64_t tr_i64(struct thrift_reader *t);
int32_t tr_i32(struct thrift_reader *t);
int8_t tr_i8(struct thrift_reader *t);
double tr_double(struct thrift_reader *t);
/* Field value of a boolean field (from its type nibble) or of a list element (byte). */
bool tr_bool_field(int type);
bool tr_bool_elem(struct thrift_reader *t);
/* A binary/string: pointer into the input and its length (NULL on error). */
const uint8_t *tr_binary(struct thrift_reader *t, uint32_t *len);
/* A NUL-terminated heap copy of a binary field (NULL on error). */
char *tr_string(struct thrift_reader *t);
/* List or set header: element type and count (count <= bytes left, <= the cap). */
bool tr_list(struct thrift_reader *t, int *elem_type, uint32_t *count);
/* Skips one value of the given type (structs, lists, maps recursively). */
void tr_skip(struct thrift_reader *t, int type);
/* Reads an integer field of any integer wire type (i8/i16/i32/i64) into int64. */
int64_t tr_int(struct thrift_reader *t, int type);

#endif
