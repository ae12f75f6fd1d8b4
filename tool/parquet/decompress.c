/* Page decompression: SNAPPY (raw blocks), GZIP (RFC 1952, several members), ZSTD (one or
 * more frames), LZ4_RAW (one block). Each must produce exactly the declared size. LZO,
 * BROTLI and Hadoop-framed LZ4 are refused with a clear message. */
#include "decompress.h"

#include "util/error.h"
#include "util/xalloc.h"

#include <limits.h>
#include <string.h>
#include <lz4.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

struct pq_decompressor {
    ZSTD_DCtx *zstd;
    z_stream z;
    bool z_ready;
};

struct pq_decompressor *pq_decompressor_new(void)
{
    return xcalloc(1, sizeof(struct pq_decompressor));
}

void pq_decompressor_free(struct pq_decompressor *d)
{
    if (!d)
        return;
    if (d->zstd)
        ZSTD_freeDCtx(d->zstd);
    if (d->z_ready)
        inflateEnd(&d->z);
    free(d);
}

int pq_codec_check(int c)
{
    switch (c) {
    case PQ_CODEC_UNCOMPRESSED:
    case PQ_CODEC_SNAPPY:
    case PQ_CODEC_GZIP:
    case PQ_CODEC_ZSTD:
    case PQ_CODEC_LZ4_RAW: return 0;
    case PQ_CODEC_LZ4:
        return err_set("unsupported compression codec LZ4 (the deprecated Hadoop framing; "
                       "LZ4_RAW is supported)");
    case PQ_CODEC_LZO: return err_set("unsupported compression codec LZO");
    case PQ_CODEC_BROTLI: return err_set("unsupported compression codec BROTLI");
    default: return err_set("unsupported compression codec %d", c);
    }
}

static int gunzip(struct pq_decompressor *d, const uint8_t *in, size_t in_len, uint8_t *out,
                  size_t out_len)
{
    z_stream *z = &d->z;
    if (!d->z_ready) {
        memset(z, 0, sizeof *z);
        if (inflateInit2(z, 15 + 32) != Z_OK) /* gzip or zlib headers */
            return err_set("gzip: cannot initialise zlib");
        d->z_ready = true;
    } else if (inflateReset(z) != Z_OK) {
        return err_set("gzip: cannot reset zlib");
    }
    if (in_len > UINT_MAX || out_len > UINT_MAX)
        return err_set("gzip: page over 4 GiB");
    z->next_in = (Bytef *)in;
    z->avail_in = (uInt)in_len;
    z->next_out = out;
    z->avail_out = (uInt)out_len;
    for (;;) {
        int rc = inflate(z, Z_FINISH);
        if (rc == Z_STREAM_END) {
            /* Another member may follow (concatenated gzip); trailing zeros are padding. */
            while (z->avail_in && *z->next_in == 0) {
                z->next_in++;
                z->avail_in--;
            }
            if (!z->avail_in)
                break;
            if (inflateReset(z) != Z_OK)
                return err_set("gzip: cannot reset zlib");
            continue;
        }
        if (rc == Z_BUF_ERROR && z->avail_out == 0)
            return err_set("gzip: page decompresses to more than its declared %zu bytes", out_len);
        if (rc == Z_OK)
            continue;
        if (rc == Z_BUF_ERROR)
            return err_set("gzip: truncated compressed data");
        return err_set("gzip: corrupt compressed data (%s)", z->msg ? z->msg : "inflate failed");
    }
    size_t got = out_len - z->avail_out;
    if (got != out_len)
        return err_set("gzip: page decompressed to %zu bytes, header declares %zu", got, out_len);
    return 0;
}

int pq_decompress(struct pq_decompressor *d, int codec, const uint8_t *in, size_t in_len,
                  uint8_t *out, size_t out_len)
{
    if (out_len == 0 && in_len == 0)
        return 0;
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        if (in_len != out_len)
            return err_set("uncompressed page is %zu bytes, header declares %zu", in_len, out_len);
        memcpy(out, in, in_len);
        return 0;
    case PQ_CODEC_SNAPPY: {
        size_t n;
        if (snappy_uncompressed_length((const char *)in, in_len, &n) != SNAPPY_OK)
            return err_set("snappy: corrupt compressed data");
        if (n != out_len)
            return err_set("snappy: page decompresses to %zu bytes, header declares %zu", n,
                           out_len);
        if (snappy_uncompress((const char *)in, in_len, (char *)out, &n) != SNAPPY_OK ||
            n != out_len)
            return err_set("snappy: corrupt compressed data");
        return 0;
    }
    case PQ_CODEC_GZIP: return gunzip(d, in, in_len, out, out_len);
    case PQ_CODEC_ZSTD: {
        if (!d->zstd && !(d->zstd = ZSTD_createDCtx()))
            return err_set("zstd: cannot allocate a context");
        size_t n = ZSTD_decompressDCtx(d->zstd, out, out_len, in, in_len);
        if (ZSTD_isError(n)) {
            if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall)
                return err_set("zstd: page decompresses to more than its declared %zu bytes",
                               out_len);
            return err_set("zstd: %s", ZSTD_getErrorName(n));
        }
        if (n != out_len)
            return err_set("zstd: page decompressed to %zu bytes, header declares %zu", n, out_len);
        return 0;
    }
    case PQ_CODEC_LZ4_RAW: {
        if (in_len > INT_MAX || out_len > INT_MAX)
            return err_set("lz4: page over 2 GiB");
        int n = LZ4_decompress_safe((const char *)in, (char *)out, (int)in_len, (int)out_len);
        if (n < 0)
            return err_set("lz4: corrupt compressed data (or larger than the declared %zu "
                           "bytes)",
                           out_len);
        if ((size_t)n != out_len)
            return err_set("lz4: page decompressed to %d bytes, header declares %zu", n, out_len);
        return 0;
    }
    default: return pq_codec_check(codec);
    }
}
