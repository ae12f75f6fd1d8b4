/* Page compression for the writer: SNAPPY (raw block), GZIP (one RFC 1952 member) and ZSTD
 * (one frame); UNCOMPRESSED copies. */
#ifndef KANALYTIC_PARQUET_COMPRESS_H
#define KANALYTIC_PARQUET_COMPRESS_H

#include "parquet.h"
#include "util/buf.h"

#include <stddef.h>

/* Appends the compressed form of in[0..n) to out. level 0 = the codec's default (gzip 6,
 * zstd 3; snappy has none). Unsupported codecs fail with the error slot set. */
int pq_compress(enum pq_codec codec, int level, const void *in, size_t n, struct buf *out);

#endif
