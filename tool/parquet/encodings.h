/* Parquet value and level encodings (Encodings.md), the decoder and the encoder of each side by
 * side; their names (PQ_ENC_*) are in metadata.h.
 *
 * Decoders (enc_NAME, rle_get) are pure functions over untrusted byte ranges: PLAIN, the
 * RLE/bit-packed hybrid, v1 levels (RLE or deprecated BIT_PACKED), dictionary indices,
 * DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Each
 * checks every length against the bytes present and returns -1 with the error slot set on bad
 * input. Byte-array decoders append to a pq_vector (offsets and data) without touching its
 * len; the caller reserves value slots with pqv_reserve() and sets len afterwards.
 *
 * Encoders (enc_NAME_put, rle_put) append to a struct buf and cannot fail: they encode the
 * writer's own table, checked before (writer.c). Those the writer uses: PLAIN, the hybrid,
 * v1 RLE levels and dictionary indices. */
#ifndef KANALYTIC_PARQUET_ENCODINGS_H
#define KANALYTIC_PARQUET_ENCODINGS_H

#include "table/table.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for n more values (value array, offsets, validity) / bytes of data in v; -1 with the
 * error slot set when the memory cannot be had (never an abort: n comes from the file). */
int pqv_reserve(struct pq_vector *v, size_t n);
int pqv_reserve_data(struct pq_vector *v, size_t bytes);
/* Bytes one value of physical type p occupies in a vector (0 for byte arrays). */
size_t pqv_width(int physical);

/* Copies n bytes in 16-byte strides: both src and dst must have 15 readable / writable bytes
 * past n (short strings copy without a libc call). */
static inline void pq_copy_overrun(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i += 16)
        __builtin_memcpy(dst + i, src + i, 16);
}

/* Appends x as 4 little-endian bytes: BYTE_ARRAY and v1 level lengths, the footer's length. */
void enc_u32le_put(struct buf *out, uint32_t x);
/* Bits needed for values 0..max (0 for max 0): the width of levels and dictionary indices. */
int pq_bit_width(uint64_t max);

/* ---- RLE / bit-packed hybrid ---- */

struct rle_decoder {
    const uint8_t *p, *end;
    int width;
    uint32_t rle_left, rle_value;
    uint32_t bp_left;
    const uint8_t *bp, *bp_end;
    uint64_t bp_bit;
};

/* width 0..32 (the caller checks). */
void rle_init(struct rle_decoder *d, const uint8_t *p, size_t len, int width);
int rle_get(struct rle_decoder *d, uint32_t *out, size_t n);
int rle_get_u8(struct rle_decoder *d, uint8_t *out, size_t n);
/* Encodes v[0..n) (each below 2^width): runs of 8 or more equal values as RLE
 * runs, the rest bit-packed in groups of 8 (only the last group is padded). Width 0..32. */
void rle_put(struct buf *out, const uint32_t *v, size_t n, int width);

/* Deprecated BIT_PACKED levels: n values of `width` bits, MSB first; *used = bytes. */
int enc_bitpacked_msb(const uint8_t *p, size_t len, int width, size_t n, uint8_t *out,
                      size_t *used);

/* ---- levels ---- */

/* n repetition or definition levels (each <= max) in encoding enc (PQ_ENC_RLE, or
 * PQ_ENC_BIT_PACKED when prefixed); prefixed: data page v1, whose RLE levels start with their
 * u32 length. *used = bytes consumed; errors start with `what` ("definition"). */
int enc_levels(const uint8_t *p, size_t len, int enc, int max, size_t n, bool prefixed,
               uint8_t *out, size_t *used, const char *what);
/* Data page v1 levels lv[0..n) in PQ_ENC_RLE: u32 length, then the hybrid at the width of max. */
void enc_levels_put(struct buf *out, const uint32_t *lv, size_t n, int max);

/* ---- dictionary indices (PQ_ENC_RLE_DICTIONARY, PQ_ENC_PLAIN_DICTIONARY) ---- */

/* n indices: a bit-width byte, then the hybrid; each index must be below dict_len. */
int enc_dict_indices(const uint8_t *p, size_t len, size_t n, size_t dict_len, uint32_t *out);
/* idx[0..n) into a dictionary of dict_len entries, at the width of dict_len - 1 (at least 1). */
void enc_dict_indices_put(struct buf *out, const uint32_t *idx, size_t n, size_t dict_len);

/* ---- PLAIN ---- */

/* n values of v's physical type into the slots after v->len (reserved by the caller). */
int enc_plain(const uint8_t *p, size_t len, size_t n, struct pq_vector *v);

int enc_plain_fixed(const uint8_t *p, size_t len, size_t n, size_t width, void *out);
int enc_plain_bool(const uint8_t *p, size_t len, size_t n, uint8_t *out);
/* INT96 (8 bytes nanoseconds of day, 4 bytes Julian day) to nanoseconds since the epoch. */
int enc_plain_int96(const uint8_t *p, size_t len, size_t n, int64_t *out);
int64_t int96_to_ns(const uint8_t *p);
/* Appends n BYTE_ARRAY values (u32 length + bytes), or FIXED_LEN ones when fixed > 0. */
int enc_plain_bytes(const uint8_t *p, size_t len, size_t n, int32_t fixed, struct pq_vector *v);

/* Nanoseconds since the epoch to INT96 (the inverse of int96_to_ns). */
void int96_from_ns(int64_t ns, uint8_t out[12]);
/* Bytes of one PLAIN value of type t, 0 for BYTE_ARRAY (whose values vary). */
size_t enc_plain_width(const struct pq_type *t);
/* Value i of v as its PLAIN bytes, without BYTE_ARRAY's length prefix (tmp holds an INT96):
 * the key of dictionaries and statistics. */
const uint8_t *enc_plain_value(const struct pq_vector *v, size_t i, size_t *len, uint8_t tmp[12]);
/* Bytes value i of v takes in PLAIN, length prefix included. */
size_t enc_plain_size(const struct pq_vector *v, size_t i);
/* Values idx[0..n) of v (none null) in PLAIN; booleans bit-packed LSB first. */
void enc_plain_put(struct buf *out, const struct pq_vector *v, const size_t *idx, size_t n);

/* ---- the encodings the writer does not write ---- */

/* DELTA_BINARY_PACKED: exactly n values (the header must say n); *used = bytes consumed.
 * is32: INT32 column (widths <= 32, values wrap at 32 bits). */
int enc_delta_binary(const uint8_t *p, size_t len, size_t n, int64_t *out, bool is32, size_t *used);
/* DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY: appends n values to v; decoded bytes may not
 * exceed max_bytes; fixed > 0 checks every value has that length (FLBA). */
int enc_delta_length_bytes(const uint8_t *p, size_t len, size_t n, struct pq_vector *v,
                           size_t max_bytes);
int enc_delta_bytes(const uint8_t *p, size_t len, size_t n, int32_t fixed, struct pq_vector *v,
                    size_t max_bytes);
/* BYTE_STREAM_SPLIT of n values of `width` bytes; len must be exactly n * width. */
int enc_byte_stream_split(const uint8_t *p, size_t len, size_t n, size_t width, void *out);

#endif
