/* Page decompression for the reader: every codec decodes to exactly the size the page header
 * declares (the decompression-bomb guard), never more. */
#ifndef KANALYTIC_PARQUET_DECOMPRESS_H
#define KANALYTIC_PARQUET_DECOMPRESS_H

#include "parquet.h"

#include <stddef.h>
#include <stdint.h>

struct pq_decompressor;

struct pq_decompressor *pq_decompressor_new(void);
void pq_decompressor_free(struct pq_decompressor *d);
/* 0 when the reader can decode codec c; else -1 with "unsupported compression codec ...". */
int pq_codec_check(int c);
/* Decompresses in[0..in_len) into out, which must come out exactly out_len bytes long. */
int pq_decompress(struct pq_decompressor *d, int codec, const uint8_t *in, size_t in_len,
                  uint8_t *out, size_t out_len);

#endif
