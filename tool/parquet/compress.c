/* Page compression for the writer: see compress.h. */
#include "compress.h"
#include "util/error.h"

#include <limits.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

static int compress_snappy(const void *in, size_t n, struct buf *out)
{
    size_t cap = snappy_max_compressed_length(n);
    buf_grow(out, cap);
    size_t got = cap;
    if (snappy_compress(in, n, out->data + out->len, &got) != SNAPPY_OK)
        return err_set("snappy compression failed");
    buf_setlen(out, out->len + got);
    return 0;
}

static int compress_gzip(int level, const void *in, size_t n, struct buf *out)
{
    if (n > UINT_MAX)
        return err_set("gzip: page of %zu bytes is too large", n);
    z_stream z = {0};
    /* windowBits 15 + 16: a gzip (RFC 1952) wrapper, as Parquet's GZIP codec requires. */
    if (deflateInit2(&z, level ? level : 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return err_set("gzip: deflateInit2 failed");
    size_t cap = deflateBound(&z, (uLong)n);
    buf_grow(out, cap);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t got = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        return err_set("gzip compression failed (%d)", rc);
    buf_setlen(out, out->len + got);
    return 0;
}

static int compress_zstd(int level, const void *in, size_t n, struct buf *out)
{
    size_t cap = ZSTD_compressBound(n);
    buf_grow(out, cap);
    size_t got = ZSTD_compress(out->data + out->len, cap, in, n, level ? level : 3);
    if (ZSTD_isError(got))
        return err_set("zstd compression failed: %s", ZSTD_getErrorName(got));
    buf_setlen(out, out->len + got);
    return 0;
}

int pq_compress(enum pq_codec codec, int level, const void *in, size_t n, struct buf *out)
{
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED: buf_add(out, in, n); return 0;
    case PQ_CODEC_SNAPPY: return compress_snappy(in, n, out);
    case PQ_CODEC_GZIP: return compress_gzip(level, in, n, out);
    case PQ_CODEC_ZSTD: return compress_zstd(level, in, n, out);
    default: return err_set("cannot write codec %s", pq_codec_name(codec));
    }
}
