/* Owns: telling CSV, JSON Lines and Parquet files apart (table/detect.h). */
#include "table/detect.h"
#include "util/str.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

enum detect_format detect_from_name(const char *path)
{
    if (ends_with_nocase(path, ".parquet") || ends_with_nocase(path, ".parquet.gz") ||
        ends_with_nocase(path, ".pq"))
        return DETECT_PARQUET;
    if (ends_with_nocase(path, ".csv"))
        return DETECT_CSV;
    if (ends_with_nocase(path, ".jsonl") || ends_with_nocase(path, ".ndjson") ||
        ends_with_nocase(path, ".json"))
        return DETECT_JSONL;
    return DETECT_NONE;
}

enum detect_format detect_from_word(const char *word)
{
    if (!strcasecmp(word, "csv"))
        return DETECT_CSV;
    if (!strcasecmp(word, "jsonl") || !strcasecmp(word, "ndjson"))
        return DETECT_JSONL;
    if (!strcasecmp(word, "parquet"))
        return DETECT_PARQUET;
    return DETECT_NONE;
}

enum detect_format detect_sniff(const char *data, size_t len)
{
    if (len >= 4 && !memcmp(data, "PAR1", 4))
        return DETECT_PARQUET;
    for (size_t i = 0; i < len; i++)
        if (!isspace((unsigned char)data[i]))
            return data[i] == '{' ? DETECT_JSONL : DETECT_CSV;
    return DETECT_CSV;
}
