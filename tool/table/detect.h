/* Which of the table file formats `kanalytic convert` reads and writes a file holds: from its
 * name, from a --format word, or from its first bytes. */
#ifndef KANALYTIC_TABLE_DETECT_H
#define KANALYTIC_TABLE_DETECT_H

#include <stddef.h>

enum detect_format { DETECT_NONE, DETECT_CSV, DETECT_JSONL, DETECT_PARQUET };

/* From the extension, letters in any case: .parquet, .parquet.gz, .pq; .csv; .jsonl, .ndjson,
 * .json. DETECT_NONE for any other name. */
enum detect_format detect_from_name(const char *path);
/* A format's name: csv, jsonl (or ndjson), parquet, in any case; DETECT_NONE otherwise. */
enum detect_format detect_from_word(const char *word);
/* From the content: the Parquet magic "PAR1", else JSON Lines when the first character that is
 * not white space is '{', else CSV (also for empty or all-blank data). */
enum detect_format detect_sniff(const char *data, size_t len);

#endif
