/* Parquet value and level encodings (Encodings.md) as pure functions over untrusted byte
 * ranges: PLAIN, the RLE/bit-packed hybrid, deprecated BIT_PACKED levels, DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Each checks every length
 * against the bytes present and returns -1 with the error slot set on bad input. Byte-array
 * decoders append to a pq_vector (offsets and data) without touching its len; the caller
 * reserves value slots with pqv_reserve() and sets len afterwards. */
#ifndef KANALYTIC_PARQUET_ENCODINGS_H
#define KANALYTIC_PARQUET_ENCODINGS_H

#include "table/table.h"

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

/* Deprecated BIT_PACKED levels: n values of `width` bits, MSB first; *used = bytes. */
int enc_bitpacked_msb(const uint8_t *p, size_t len, int width, size_t n, uint8_t *out,
                      size_t *used);

int enc_plain_fixed(const uint8_t *p, size_t len, size_t n, size_t width, void *out);
int enc_plain_bool(const uint8_t *p, size_t len, size_t n, uint8_t *out);
/* INT96 (8 bytes nanoseconds of day, 4 bytes Julian day) to nanoseconds since the epoch. */
int enc_plain_int96(const uint8_t *p, size_t len, size_t n, int64_t *out);
int64_t int96_to_ns(const uint8_t *p);
/* Appends n BYTE_ARRAY values (u32 length + bytes), or FIXED_LEN ones when fixed > 0. */
int enc_plain_bytes(const uint8_t *p, size_t len, size_t n, int32_t fixed, struct pq_vector *v);

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
