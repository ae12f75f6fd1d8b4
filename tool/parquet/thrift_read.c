/* Thrift compact protocol decoding (apache/thrift doc/specs/thrift-compact-protocol.md),
 * hardened for untrusted input: see thrift_read.h. */
#include "thrift_read.h"

#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>

void tr_init(struct thrift_reader *t, const void *data, size_t len)
{
    t->start = t->p = data;
    t->end = t->p + len;
    t->depth = 0;
    t->failed = false;
    t->msg[0] = '\0';
}

size_t tr_offset(const struct thrift_reader *t)
{
    return (size_t)(t->p - t->start);
}

bool tr_fail(struct thrift_reader *t, const char *what)
{
    if (!t->failed) {
        snprintf(t->msg, sizeof t->msg, "%s at byte %zu", what, tr_offset(t));
        t->failed = true;
        t->p = t->end;
    }
    return false;
}

const char *tr_error(const struct thrift_reader *t)
{
    return t->failed ? t->msg : "no error";
}

static uint64_t read_uleb(struct thrift_reader *t, int max_bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < max_bytes; i++) {
        if (t->p >= t->end) {
            tr_fail(t, "truncated varint");
            return 0;
        }
        uint8_t b = *t->p++;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            return v;
    }
    tr_fail(t, "varint too long");
    return 0;
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

int64_t tr_i64(struct thrift_reader *t)
{
    return unzigzag(read_uleb(t, 10));
}

int32_t tr_i32(struct thrift_reader *t)
{
    uint64_t v = read_uleb(t, 5);
    if (v > UINT32_MAX) {
        tr_fail(t, "i32 varint out of range");
        return 0;
    }
    return (int32_t)unzigzag(v);
}

int8_t tr_i8(struct thrift_reader *t)
{
    if (t->p >= t->end) {
        tr_fail(t, "truncated byte");
        return 0;
    }
    return (int8_t)*t->p++;
}

double tr_double(struct thrift_reader *t)
{
    if (t->end - t->p < 8) {
        tr_fail(t, "truncated double");
        return 0;
    }
    double d;
    memcpy(&d, t->p, 8); /* little-endian hosts only, as is the rest of the reader */
    t->p += 8;
    return d;
}

int64_t tr_int(struct thrift_reader *t, int type)
{
    switch (type) {
    case TT_I8: return tr_i8(t);
    case TT_I16:
    case TT_I32: return tr_i32(t);
    case TT_I64: return tr_i64(t);
    default: tr_fail(t, "integer field has a non-integer type"); return 0;
    }
}

bool tr_bool_field(int type)
{
    return type == TT_TRUE;
}

/* The spec writes list booleans as 1/0, Thrift C++ as 1/2: 1 is true either way. */
bool tr_bool_elem(struct thrift_reader *t)
{
    return tr_i8(t) == 1;
}

const uint8_t *tr_binary(struct thrift_reader *t, uint32_t *len)
{
    uint64_t n = read_uleb(t, 5);
    *len = 0;
    if (t->failed)
        return NULL;
    if (n > THRIFT_MAX_STRING) {
        tr_fail(t, "string length over the 100 MiB cap");
        return NULL;
    }
    if (n > (uint64_t)(t->end - t->p)) {
        tr_fail(t, "string length past the end of the data");
        return NULL;
    }
    const uint8_t *p = t->p;
    t->p += n;
    *len = (uint32_t)n;
    return p;
}

char *tr_string(struct thrift_reader *t)
{
    uint32_t n;
    const uint8_t *p = tr_binary(t, &n);
    if (!p)
        return NULL;
    char *s = try_malloc((size_t)n + 1); /* n bytes present in the input: fallible all the same */
    if (!s) {
        tr_fail(t, "out of memory for a string");
        return NULL;
    }
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static bool valid_elem_type(int type)
{
    return type >= TT_TRUE && type <= TT_UUID;
}

bool tr_list(struct thrift_reader *t, int *elem_type, uint32_t *count)
{
    *count = 0;
    *elem_type = 0;
    if (t->p >= t->end)
        return tr_fail(t, "truncated list header");
    uint8_t h = *t->p++;
    uint64_t n = h >> 4;
    if (n == 15)
        n = read_uleb(t, 5);
    if (t->failed)
        return false;
    *elem_type = h & 15;
    if (!valid_elem_type(*elem_type))
        return tr_fail(t, "bad list element type");
    /* Every element takes at least one byte, except booleans in some encodings: cap both. */
    if (n > THRIFT_MAX_ELEMENTS)
        return tr_fail(t, "list longer than the 1 Mi element cap");
    if (n > (uint64_t)(t->end - t->p))
        return tr_fail(t, "list longer than the data left");
    *count = (uint32_t)n;
    return true;
}

bool tr_struct_begin(struct thrift_reader *t)
{
    if (++t->depth > THRIFT_MAX_DEPTH)
        return tr_fail(t, "structures nested too deeply");
    return !t->failed;
}

void tr_struct_end(struct thrift_reader *t)
{
    t->depth--;
}

bool tr_field(struct thrift_reader *t, int16_t *last, int *type, int16_t *id)
{
    if (t->failed)
        return false;
    if (t->p >= t->end)
        return tr_fail(t, "truncated structure (no STOP)");
    uint8_t h = *t->p++;
    if (h == 0)
        return false;
    *type = h & 15;
    if (!valid_elem_type(*type))
        return tr_fail(t, "bad field type");
    int delta = h >> 4;
    if (delta) {
        int nid = *last + delta;
        if (nid > INT16_MAX)
            return tr_fail(t, "field id out of range");
        *id = (int16_t)nid;
    } else {
        int32_t v = tr_i32(t);
        if (v < INT16_MIN || v > INT16_MAX)
            return tr_fail(t, "field id out of range");
        *id = (int16_t)v;
    }
    *last = *id;
    return !t->failed;
}

void tr_skip(struct thrift_reader *t, int type)
{
    uint32_t n;
    int et;
    switch (type) {
    case TT_TRUE:
    case TT_FALSE: return; /* field booleans have no payload */
    case TT_I8: tr_i8(t); return;
    case TT_I16:
    case TT_I32:
    case TT_I64: read_uleb(t, 10); return;
    case TT_DOUBLE: tr_double(t); return;
    case TT_BINARY: tr_binary(t, &n); return;
    case TT_UUID:
        if (t->end - t->p < 16)
            tr_fail(t, "truncated uuid");
        else
            t->p += 16;
        return;
    case TT_LIST:
    case TT_SET:
        if (!tr_list(t, &et, &n))
            return;
        if (!tr_struct_begin(t))
            return;
        for (uint32_t i = 0; i < n && !t->failed; i++)
            tr_skip(t, et == TT_TRUE || et == TT_FALSE ? TT_I8 : et);
        tr_struct_end(t);
        return;
    case TT_MAP: {
        uint64_t cnt = read_uleb(t, 5);
        if (t->failed || cnt == 0)
            return;
        if (cnt > THRIFT_MAX_ELEMENTS || cnt > (uint64_t)(t->end - t->p)) {
            tr_fail(t, "map larger than the data left");
            return;
        }
        uint8_t kv = (uint8_t)tr_i8(t);
        int kt = kv >> 4, vt = kv & 15;
        if (!valid_elem_type(kt) || !valid_elem_type(vt)) {
            tr_fail(t, "bad map key or value type");
            return;
        }
        if (!tr_struct_begin(t))
            return;
        for (uint64_t i = 0; i < cnt && !t->failed; i++) {
            tr_skip(t, kt == TT_TRUE || kt == TT_FALSE ? TT_I8 : kt);
            tr_skip(t, vt == TT_TRUE || vt == TT_FALSE ? TT_I8 : vt);
        }
        tr_struct_end(t);
        return;
    }
    case TT_STRUCT: {
        if (!tr_struct_begin(t))
            return;
        int16_t last = 0, id;
        int ft;
        while (tr_field(t, &last, &ft, &id))
            tr_skip(t, ft);
        tr_struct_end(t);
        return;
    }
    default: tr_fail(t, "bad type to skip");
    }
}
