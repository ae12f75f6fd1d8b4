/* Parquet encodings: see encodings.h. Each section holds an encoding's decoder, then its
 * encoder when the writer has one. All reads are bounds-checked against the input; all sizes
 * that drive allocation are checked against the input length or a caller's cap. */
#include "encodings.h"

#include "metadata.h"

#include "util/error.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

size_t pqv_width(int physical)
{
    switch (physical) {
    case PQ_BOOLEAN: return 1;
    case PQ_INT32:
    case PQ_FLOAT: return 4;
    case PQ_INT64:
    case PQ_INT96:
    case PQ_DOUBLE: return 8;
    default: return 0;
    }
}

int pqv_reserve(struct pq_vector *v, size_t n)
{
    size_t need;
    if (size_add_overflow(v->len, n, &need) || need > SIZE_MAX / 16)
        return err_set("out of memory: %zu more values", n);
    if (need <= v->cap && v->cap) /* always allocated after the first call */
        return 0;
    size_t cap = v->cap ? v->cap * 2 : 16;
    if (cap < need)
        cap = need;
    size_t w = pqv_width(v->type.physical);
    if (w) {
        void *p = try_reallocarray(v->v.b, cap, w);
        if (!p)
            return -1;
        v->v.b = p;
        xalloc_hint_huge(v->v.b, cap * w);
    } else {
        uint64_t *o = try_reallocarray(v->offsets, cap + 1, sizeof *v->offsets);
        if (!o)
            return -1;
        v->offsets = o;
        xalloc_hint_huge(v->offsets, (cap + 1) * sizeof *v->offsets);
        if (v->cap == 0)
            v->offsets[0] = 0;
    }
    if (v->valid) {
        uint8_t *valid = try_realloc(v->valid, cap);
        if (!valid)
            return -1;
        v->valid = valid;
    }
    v->cap = cap;
    return 0;
}

int pqv_reserve_data(struct pq_vector *v, size_t bytes)
{
    size_t need;
    if (size_add_overflow(v->data_len, bytes, &need))
        return err_set("out of memory: %zu more bytes", bytes);
    if (need <= v->data_cap && v->data)
        return 0;
    size_t cap = v->data_cap ? v->data_cap * 2 : 256;
    if (cap < need)
        cap = need;
    uint8_t *d = try_realloc(v->data, cap);
    if (!d)
        return -1;
    v->data = d;
    xalloc_hint_huge(v->data, cap);
    v->data_cap = cap;
    return 0;
}

static bool uleb(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    const uint8_t *p = *pp;
    for (int i = 0; i < 10; i++) {
        if (p >= end)
            return false;
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *pp = p;
            *out = v;
            return true;
        }
    }
    return false;
}

static void uleb_put(struct buf *b, uint64_t v)
{
    while (v >= 0x80) {
        buf_addch(b, (char)(uint8_t)(v | 0x80));
        v >>= 7;
    }
    buf_addch(b, (char)(uint8_t)v);
}

static void u32le_store(void *at, uint32_t x)
{
    uint8_t t[4] = {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24)};
    memcpy(at, t, 4);
}

void enc_u32le_put(struct buf *b, uint32_t x)
{
    uint8_t t[4];
    u32le_store(t, x);
    buf_add(b, t, 4);
}

int pq_bit_width(uint64_t max)
{
    int w = 0;
    while (max) {
        w++;
        max >>= 1;
    }
    return w;
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Reads `width` (<= 64) bits at bit offset `bit` of p[0..len), LSB first. */
static inline __attribute__((always_inline)) uint64_t read_bits(const uint8_t *p, size_t len,
                                                                uint64_t bit, int width)
{
    size_t byte = (size_t)(bit >> 3);
    unsigned shift = (unsigned)(bit & 7);
    uint64_t v;
    if (width == 0)
        return 0;
    if (byte + 8 <= len && shift + (unsigned)width <= 64) {
        memcpy(&v, p + byte, 8);
        v >>= shift;
    } else {
        /* slow path near the end, or 57..64-bit values straddling 9 bytes */
        unsigned __int128 acc = 0;
        for (size_t i = 0; i < 9 && byte + i < len; i++)
            acc |= (unsigned __int128)p[byte + i] << (8 * i);
        v = (uint64_t)(acc >> shift);
    }
    return width == 64 ? v : v & ((UINT64_C(1) << width) - 1);
}

/* ---- RLE / bit-packed hybrid ---- */

void rle_init(struct rle_decoder *d, const uint8_t *p, size_t len, int width)
{
    memset(d, 0, sizeof *d);
    d->p = p;
    d->end = p + len;
    d->width = width;
}

static int rle_next_run(struct rle_decoder *d)
{
    uint64_t h;
    if (!uleb(&d->p, d->end, &h))
        return err_set("RLE data ends before all values are read");
    if (h & 1) {
        uint64_t groups = h >> 1;
        uint64_t bytes = groups * (uint64_t)d->width;
        size_t avail = (size_t)(d->end - d->p);
        if (groups == 0)
            return err_set("RLE bit-packed run of zero values");
        /* a last run may be cut short: take only the values whose bits are present */
        uint64_t values = groups * 8;
        if (bytes > avail) {
            if (d->width == 0)
                return err_set("RLE run is inconsistent");
            bytes = avail;
            values = (uint64_t)avail * 8 / (uint64_t)d->width;
            if (values == 0)
                return err_set("RLE bit-packed run truncated");
        }
        d->bp = d->p;
        d->bp_end = d->p + bytes;
        d->bp_bit = 0;
        d->bp_left = values > UINT32_MAX ? UINT32_MAX : (uint32_t)values;
        d->p += bytes;
    } else {
        uint64_t count = h >> 1;
        size_t nb = ((size_t)d->width + 7) / 8;
        if (count == 0)
            return err_set("RLE run of length zero");
        if ((size_t)(d->end - d->p) < nb)
            return err_set("RLE run value truncated");
        uint32_t v = 0;
        for (size_t i = 0; i < nb; i++)
            v |= (uint32_t)d->p[i] << (8 * i);
        d->p += nb;
        if (d->width < 32 && (v >> d->width))
            return err_set("RLE run value %u wider than %d bits", v, d->width);
        d->rle_value = v;
        d->rle_left = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
    }
    return 0;
}

int rle_get(struct rle_decoder *d, uint32_t *out, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (d->rle_left) {
            size_t k = n - i < d->rle_left ? n - i : d->rle_left;
            uint32_t v = d->rle_value;
            for (size_t j = 0; j < k; j++)
                out[i + j] = v;
            i += k;
            d->rle_left -= (uint32_t)k;
        } else if (d->bp_left) {
            size_t k = n - i < d->bp_left ? n - i : d->bp_left;
            size_t blen = (size_t)(d->bp_end - d->bp);
            int w = d->width;
            uint64_t bit = d->bp_bit;
            for (size_t j = 0; j < k; j++, bit += (uint64_t)w)
                out[i + j] = (uint32_t)read_bits(d->bp, blen, bit, w);
            d->bp_bit = bit;
            i += k;
            d->bp_left -= (uint32_t)k;
        } else if (rle_next_run(d) < 0) {
            return -1;
        }
    }
    return 0;
}

int rle_get_u8(struct rle_decoder *d, uint8_t *out, size_t n)
{
    uint32_t tmp[256];
    while (n) {
        size_t k = n < 256 ? n : 256;
        if (d->rle_left >= k) { /* fast path for long runs */
            memset(out, (int)(uint8_t)d->rle_value, k);
            if (d->rle_value > 255)
                return err_set("level %u out of range", d->rle_value);
            d->rle_left -= (uint32_t)k;
        } else {
            if (rle_get(d, tmp, k) < 0)
                return -1;
            for (size_t i = 0; i < k; i++) {
                if (tmp[i] > 255)
                    return err_set("level %u out of range", tmp[i]);
                out[i] = (uint8_t)tmp[i];
            }
        }
        out += k;
        n -= k;
    }
    return 0;
}

static void bitpack_run(struct buf *out, const uint32_t *v, size_t n, int width)
{
    if (n == 0)
        return;
    size_t groups = (n + 7) / 8;
    uleb_put(out, (uint64_t)groups << 1 | 1);
    uint64_t acc = 0;
    int bits = 0;
    for (size_t k = 0; k < groups * 8; k++) {
        uint64_t x = k < n ? v[k] : 0;
        acc |= x << bits;
        bits += width;
        while (bits >= 8) {
            buf_addch(out, (char)(uint8_t)acc);
            acc >>= 8;
            bits -= 8;
        }
    }
}

void rle_put(struct buf *out, const uint32_t *v, size_t n, int width)
{
    size_t bytes = (size_t)(width + 7) / 8;
    size_t i = 0, lit_start = 0, lit_n = 0;
    while (i < n) {
        size_t r = 1;
        while (i + r < n && v[i + r] == v[i])
            r++;
        if (r >= 8) {
            bitpack_run(out, v + lit_start, lit_n, width);
            lit_n = 0;
            uleb_put(out, (uint64_t)r << 1);
            for (size_t b = 0; b < bytes; b++)
                buf_addch(out, (char)(uint8_t)(v[i] >> (8 * b)));
            i += r;
        } else {
            size_t take = n - i < 8 ? n - i : 8;
            if (lit_n == 0)
                lit_start = i;
            lit_n += take;
            i += take;
        }
    }
    bitpack_run(out, v + lit_start, lit_n, width);
}

int enc_bitpacked_msb(const uint8_t *p, size_t len, int width, size_t n, uint8_t *out, size_t *used)
{
    uint64_t bits = (uint64_t)n * (uint64_t)width;
    uint64_t bytes = (bits + 7) / 8;
    if (bytes > len)
        return err_set("BIT_PACKED levels need %llu bytes, %zu present", (unsigned long long)bytes,
                       len);
    uint64_t bit = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int b = 0; b < width; b++, bit++)
            v = v << 1 | ((p[bit >> 3] >> (7 - (bit & 7))) & 1);
        out[i] = (uint8_t)v;
    }
    *used = (size_t)bytes;
    return 0;
}

/* ---- levels ---- */

int enc_levels(const uint8_t *p, size_t len, int enc, int max, size_t n, bool prefixed,
               uint8_t *out, size_t *used, const char *what)
{
    int w = pq_bit_width((uint64_t)max);
    if (enc == PQ_ENC_RLE) {
        size_t body = len, skip = 0;
        if (prefixed) {
            uint32_t l;
            if (len < 4)
                return err_set("%s levels: length prefix truncated", what);
            memcpy(&l, p, 4);
            if (l > len - 4)
                return err_set("%s levels: length %u past the end of the page", what, l);
            body = l;
            skip = 4;
        }
        struct rle_decoder d;
        rle_init(&d, p + skip, body, w);
        if (rle_get_u8(&d, out, n) < 0)
            return err_prefix("%s levels", what);
        *used = skip + body;
    } else if (enc == PQ_ENC_BIT_PACKED && prefixed) {
        if (enc_bitpacked_msb(p, len, w, n, out, used) < 0)
            return err_prefix("%s levels", what);
    } else {
        return err_set("%s levels: unsupported encoding %s", what, pq_encoding_name(enc));
    }
    for (size_t i = 0; i < n; i++)
        if (out[i] > max)
            return err_set("%s level %u at value %zu exceeds the maximum %d", what, out[i], i, max);
    return 0;
}

void enc_levels_put(struct buf *out, const uint32_t *lv, size_t n, int max)
{
    size_t at = out->len;
    enc_u32le_put(out, 0);
    rle_put(out, lv, n, pq_bit_width((uint64_t)max));
    u32le_store(out->data + at, (uint32_t)(out->len - at - 4));
}

/* ---- dictionary indices ---- */

int enc_dict_indices(const uint8_t *p, size_t len, size_t n, size_t dict_len, uint32_t *out)
{
    if (len < 1) {
        if (n == 0)
            return 0;
        return err_set("dictionary indices missing");
    }
    int w = p[0];
    if (w > 32)
        return err_set("dictionary index bit width %d exceeds 32", w);
    struct rle_decoder rd;
    rle_init(&rd, p + 1, len - 1, w);
    if (rle_get(&rd, out, n) < 0)
        return err_prefix("dictionary indices");
    for (size_t i = 0; i < n; i++)
        if (out[i] >= dict_len)
            return err_set("dictionary index %u out of range (dictionary has %zu entries)", out[i],
                           dict_len);
    return 0;
}

void enc_dict_indices_put(struct buf *out, const uint32_t *idx, size_t n, size_t dict_len)
{
    int width = pq_bit_width(dict_len ? dict_len - 1 : 0);
    if (width == 0)
        width = 1;
    buf_addch(out, (char)width);
    rle_put(out, idx, n, width);
}

/* ---- PLAIN ---- */

static int need_bytes(size_t n, size_t width, size_t len, const char *what)
{
    size_t need;
    if (size_mul_overflow(n, width, &need) || need > len)
        return err_set("PLAIN %s: %zu values need more than the %zu bytes present", what, n, len);
    return 0;
}

int enc_plain_fixed(const uint8_t *p, size_t len, size_t n, size_t width, void *out)
{
    if (need_bytes(n, width, len, "values") < 0)
        return -1;
    memcpy(out, p, n * width);
    return 0;
}

int enc_plain_bool(const uint8_t *p, size_t len, size_t n, uint8_t *out)
{
    if (len < n / 8 + (n % 8 != 0))
        return err_set("PLAIN booleans: %zu values need more than the %zu bytes present", n, len);
    for (size_t i = 0; i < n; i++)
        out[i] = (p[i >> 3] >> (i & 7)) & 1;
    return 0;
}

int64_t int96_to_ns(const uint8_t *p)
{
    uint64_t nanos;
    uint32_t jday;
    memcpy(&nanos, p, 8);
    memcpy(&jday, p + 8, 4);
    /* wrapping arithmetic: out-of-range dates wrap rather than invoke undefined behaviour */
    uint64_t days = (uint64_t)((int64_t)jday - 2440588);
    return (int64_t)(days * UINT64_C(86400000000000) + nanos);
}

int enc_plain_int96(const uint8_t *p, size_t len, size_t n, int64_t *out)
{
    if (need_bytes(n, 12, len, "INT96") < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = int96_to_ns(p + 12 * i);
    return 0;
}

int enc_plain_bytes(const uint8_t *p, size_t len, size_t n, int32_t fixed, struct pq_vector *v)
{
    uint64_t *off = v->offsets + v->len;
    if (fixed > 0) {
        if (need_bytes(n, (size_t)fixed, len, "fixed-length byte arrays") < 0)
            return -1;
        size_t total = n * (size_t)fixed;
        if (pqv_reserve_data(v, total) < 0)
            return -1;
        memcpy(v->data + v->data_len, p, total);
        uint64_t o = v->data_len;
        for (size_t i = 0; i < n; i++)
            off[i + 1] = (o += (uint64_t)fixed);
        v->data_len += total;
        return 0;
    }
    /* the strings together are never longer than the page: one reservation (+ the slack
     * the strided copy may write past the last string) */
    if (pqv_reserve_data(v, len + 16) < 0)
        return -1;
    uint8_t *dst = v->data + v->data_len;
    const uint8_t *q = p, *end = p + len;
    uint64_t o = v->data_len;
    for (size_t i = 0; i < n; i++) {
        uint32_t l;
        if (end - q < 4)
            return err_set("PLAIN byte array %zu: length truncated", i);
        memcpy(&l, q, 4);
        q += 4;
        if (l > (size_t)(end - q))
            return err_set("PLAIN byte array %zu: length %u past the end of the page", i, l);
        if (l <= 64 && (size_t)(end - q) >= (size_t)l + 15)
            pq_copy_overrun(dst, q, l);
        else
            memcpy(dst, q, l);
        dst += l;
        q += l;
        off[i + 1] = (o += l);
    }
    v->data_len = (size_t)o;
    return 0;
}

int enc_plain(const uint8_t *p, size_t len, size_t n, struct pq_vector *v)
{
    size_t w = pqv_width(v->type.physical);
    void *dst = w ? v->v.b + v->len * w : NULL;
    switch (v->type.physical) {
    case PQ_BOOLEAN: return enc_plain_bool(p, len, n, dst);
    case PQ_INT96: return enc_plain_int96(p, len, n, dst);
    case PQ_BYTE_ARRAY: return enc_plain_bytes(p, len, n, 0, v);
    case PQ_FIXED_LEN_BYTE_ARRAY: return enc_plain_bytes(p, len, n, v->type.type_length, v);
    default: return enc_plain_fixed(p, len, n, w, dst);
    }
}

void int96_from_ns(int64_t ns, uint8_t out[12])
{
    const int64_t day_ns = 86400LL * 1000000000LL;
    int64_t days = ns / day_ns, rem = ns % day_ns;
    if (rem < 0) {
        rem += day_ns;
        days--;
    }
    uint64_t r = (uint64_t)rem;
    uint32_t jd = (uint32_t)(days + 2440588);
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(r >> (8 * i));
    for (int i = 0; i < 4; i++)
        out[8 + i] = (uint8_t)(jd >> (8 * i));
}

size_t enc_plain_width(const struct pq_type *t)
{
    switch (t->physical) {
    case PQ_BOOLEAN: return 1;
    case PQ_INT32:
    case PQ_FLOAT: return 4;
    case PQ_INT64:
    case PQ_DOUBLE: return 8;
    case PQ_INT96: return 12;
    case PQ_FIXED_LEN_BYTE_ARRAY: return (size_t)t->type_length;
    case PQ_BYTE_ARRAY: return 0;
    }
    return 0;
}

const uint8_t *enc_plain_value(const struct pq_vector *v, size_t i, size_t *len, uint8_t tmp[12])
{
    switch (v->type.physical) {
    case PQ_BOOLEAN: *len = 1; return v->v.b + i;
    case PQ_INT32: *len = 4; return (const uint8_t *)(v->v.i32 + i);
    case PQ_FLOAT: *len = 4; return (const uint8_t *)(v->v.f32 + i);
    case PQ_INT64: *len = 8; return (const uint8_t *)(v->v.i64 + i);
    case PQ_DOUBLE: *len = 8; return (const uint8_t *)(v->v.f64 + i);
    case PQ_INT96:
        int96_from_ns(v->v.i64[i], tmp);
        *len = 12;
        return tmp;
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY: return vector_bytes(v, i, len);
    }
    *len = 0;
    return tmp;
}

size_t enc_plain_size(const struct pq_vector *v, size_t i)
{
    if (v->type.physical == PQ_BYTE_ARRAY)
        return 4 + (size_t)(v->offsets[i + 1] - v->offsets[i]);
    return enc_plain_width(&v->type);
}

void enc_plain_put(struct buf *out, const struct pq_vector *v, const size_t *idx, size_t n)
{
    if (v->type.physical == PQ_BOOLEAN) {
        uint8_t byte = 0;
        for (size_t k = 0; k < n; k++) {
            if (v->v.b[idx[k]])
                byte |= (uint8_t)(1u << (k % 8));
            if (k % 8 == 7) {
                buf_addch(out, (char)byte);
                byte = 0;
            }
        }
        if (n % 8)
            buf_addch(out, (char)byte);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        uint8_t tmp[12];
        size_t len;
        const uint8_t *p = enc_plain_value(v, idx[k], &len, tmp);
        if (v->type.physical == PQ_BYTE_ARRAY)
            enc_u32le_put(out, (uint32_t)len);
        buf_add(out, p, len);
    }
}

/* ---- DELTA_BINARY_PACKED ---- */

int enc_delta_binary(const uint8_t *p, size_t len, size_t n, int64_t *out, bool is32, size_t *used)
{
    const uint8_t *q = p, *end = p + len;
    uint64_t block, nmini, count, first;
    if (!uleb(&q, end, &block) || !uleb(&q, end, &nmini) || !uleb(&q, end, &count) ||
        !uleb(&q, end, &first))
        return err_set("DELTA_BINARY_PACKED header truncated");
    if (block == 0 || block % 128 || block > (1u << 20))
        return err_set("DELTA_BINARY_PACKED block size %llu is not a positive multiple of 128",
                       (unsigned long long)block);
    if (nmini == 0 || block % nmini || (block / nmini) % 32)
        return err_set("DELTA_BINARY_PACKED: %llu miniblocks do not split a block of %llu",
                       (unsigned long long)nmini, (unsigned long long)block);
    if (count != n)
        return err_set("DELTA_BINARY_PACKED holds %llu values, the page needs %zu",
                       (unsigned long long)count, n);
    size_t per_mini = (size_t)(block / nmini);
    uint64_t value = (uint64_t)unzigzag(first);
    size_t i = 0;
    if (n > 0)
        out[i++] = is32 ? (int64_t)(int32_t)(uint32_t)value : (int64_t)value;
    while (i < n) {
        uint64_t zmin;
        if (!uleb(&q, end, &zmin))
            return err_set("DELTA_BINARY_PACKED block header truncated");
        uint64_t min_delta = (uint64_t)unzigzag(zmin);
        if ((uint64_t)(end - q) < nmini)
            return err_set("DELTA_BINARY_PACKED miniblock widths truncated");
        const uint8_t *widths = q;
        q += nmini;
        for (size_t m = 0; m < nmini && i < n; m++) {
            int w = widths[m];
            if (w > (is32 ? 32 : 64))
                return err_set("DELTA_BINARY_PACKED bit width %d too large", w);
            size_t k = n - i < per_mini ? n - i : per_mini;
            size_t bytes = per_mini * (size_t)w / 8, avail = (size_t)(end - q);
            if (avail < (k * (size_t)w + 7) / 8)
                return err_set("DELTA_BINARY_PACKED miniblock truncated");
            if (bytes > avail) /* a last miniblock without its padding */
                bytes = avail;
            uint64_t bit = 0;
            for (size_t j = 0; j < k; j++, bit += (uint64_t)w) {
                value += min_delta + read_bits(q, bytes, bit, w);
                out[i++] = is32 ? (int64_t)(int32_t)(uint32_t)value : (int64_t)value;
            }
            q += bytes;
        }
    }
    *used = (size_t)(q - p);
    return 0;
}

/* Decodes a DBP run of n lengths into a fresh array (NULL + error on failure). */
static int64_t *delta_lengths(const uint8_t **pp, const uint8_t *end, size_t n, const char *what)
{
    size_t used;
    int64_t *lens = try_reallocarray(NULL, n ? n : 1, sizeof *lens);
    if (!lens)
        return NULL;
    if (enc_delta_binary(*pp, (size_t)(end - *pp), n, lens, true, &used) < 0) {
        err_prefix("%s", what);
        free(lens);
        return NULL;
    }
    *pp += used;
    return lens;
}

int enc_delta_length_bytes(const uint8_t *p, size_t len, size_t n, struct pq_vector *v,
                           size_t max_bytes)
{
    const uint8_t *q = p, *end = p + len;
    int64_t *lens = delta_lengths(&q, end, n, "DELTA_LENGTH_BYTE_ARRAY");
    if (!lens)
        return -1;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (lens[i] < 0 || (uint64_t)lens[i] > (uint64_t)(end - q) - total) {
            long long bad = (long long)lens[i];
            free(lens);
            return err_set("DELTA_LENGTH_BYTE_ARRAY value %zu: length %lld past the end of the "
                           "page",
                           i, bad);
        }
        total += (size_t)lens[i];
    }
    (void)max_bytes; /* bounded by the page itself */
    if (pqv_reserve_data(v, total) < 0) {
        free(lens);
        return -1;
    }
    memcpy(v->data + v->data_len, q, total);
    uint64_t o = v->data_len;
    for (size_t i = 0; i < n; i++)
        v->offsets[v->len + i + 1] = (o += (uint64_t)lens[i]);
    v->data_len += total;
    free(lens);
    return 0;
}

int enc_delta_bytes(const uint8_t *p, size_t len, size_t n, int32_t fixed, struct pq_vector *v,
                    size_t max_bytes)
{
    const uint8_t *q = p, *end = p + len;
    int64_t *pre = delta_lengths(&q, end, n, "DELTA_BYTE_ARRAY prefixes");
    if (!pre)
        return -1;
    int64_t *suf = delta_lengths(&q, end, n, "DELTA_BYTE_ARRAY suffixes");
    if (!suf) {
        free(pre);
        return -1;
    }
    /* Sizes first: prefixes can multiply a few input bytes into huge output. */
    uint64_t total = 0, sufs = 0, prev = 0;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        if (pre[i] < 0 || (uint64_t)pre[i] > prev) {
            err_set("DELTA_BYTE_ARRAY value %zu: prefix %lld longer than the previous value", i,
                    (long long)pre[i]);
            goto out;
        }
        if (suf[i] < 0 || (uint64_t)suf[i] > (uint64_t)(end - q) - sufs) {
            err_set("DELTA_BYTE_ARRAY value %zu: suffix length %lld past the end of the page", i,
                    (long long)suf[i]);
            goto out;
        }
        sufs += (uint64_t)suf[i];
        prev = (uint64_t)pre[i] + (uint64_t)suf[i];
        if (fixed > 0 && prev != (uint64_t)fixed) {
            err_set("DELTA_BYTE_ARRAY value %zu is %llu bytes, the column's fixed length is %d", i,
                    (unsigned long long)prev, fixed);
            goto out;
        }
        total += prev;
        if (total > max_bytes) {
            err_set("DELTA_BYTE_ARRAY values decode to more than the %zu-byte memory limit",
                    max_bytes);
            goto out;
        }
    }
    if (pqv_reserve_data(v, (size_t)total) < 0)
        goto out;
    uint64_t o = v->data_len, prev_off = v->data_len;
    for (size_t i = 0; i < n; i++) {
        uint8_t *dst = v->data + o;
        memcpy(dst, v->data + prev_off, (size_t)pre[i]);
        memcpy(dst + pre[i], q, (size_t)suf[i]);
        q += suf[i];
        prev_off = o;
        o += (uint64_t)(pre[i] + suf[i]);
        v->offsets[v->len + i + 1] = o;
    }
    v->data_len = (size_t)o;
    rc = 0;
out:
    free(pre);
    free(suf);
    return rc;
}

/* ---- BYTE_STREAM_SPLIT ---- */

int enc_byte_stream_split(const uint8_t *p, size_t len, size_t n, size_t width, void *out)
{
    size_t need;
    if (size_mul_overflow(n, width, &need) || need != len)
        return err_set("BYTE_STREAM_SPLIT: %zu values of %zu bytes need exactly %zu bytes, "
                       "page has %zu",
                       n, width, n * width, len);
    uint8_t *o = out;
    for (size_t k = 0; k < width; k++) {
        const uint8_t *s = p + k * n;
        for (size_t i = 0; i < n; i++)
            o[i * width + k] = s[i];
    }
    return 0;
}
