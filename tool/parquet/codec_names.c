/* Codec names as the command line and `show --schema` spell them. */
#include "parquet.h"

#include <string.h>
#include <strings.h>

const char *pq_codec_name(enum pq_codec c)
{
    switch (c) {
    case PQ_CODEC_UNCOMPRESSED: return "uncompressed";
    case PQ_CODEC_SNAPPY: return "snappy";
    case PQ_CODEC_GZIP: return "gzip";
    case PQ_CODEC_LZO: return "lzo";
    case PQ_CODEC_BROTLI: return "brotli";
    case PQ_CODEC_LZ4: return "lz4";
    case PQ_CODEC_ZSTD: return "zstd";
    case PQ_CODEC_LZ4_RAW: return "lz4_raw";
    }
    return "unknown";
}

int pq_codec_parse(const char *name, enum pq_codec *out)
{
    static const struct {
        const char *name;
        enum pq_codec codec;
    } names[] = {
        {"uncompressed", PQ_CODEC_UNCOMPRESSED},
        {"none", PQ_CODEC_UNCOMPRESSED},
        {"snappy", PQ_CODEC_SNAPPY},
        {"gzip", PQ_CODEC_GZIP},
        {"zstd", PQ_CODEC_ZSTD},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcasecmp(name, names[i].name)) {
            *out = names[i].codec;
            return 0;
        }
    }
    return -1;
}
