/* kanalytic's Parquet library: a hardened streaming reader and a writer for flat tables and
 * lists of primitives, over the table model of table/table.h. Functions return 0 on success
 * and -1 with the error slot (util/error.h) set to a message naming the file and, where it
 * applies, the column, page and byte offset. */
#ifndef KANALYTIC_PARQUET_H
#define KANALYTIC_PARQUET_H

#include "table/table.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pq_codec {
    PQ_CODEC_UNCOMPRESSED = 0,
    PQ_CODEC_SNAPPY = 1,
    PQ_CODEC_GZIP = 2,
    PQ_CODEC_LZO = 3,
    PQ_CODEC_BROTLI = 4,
    PQ_CODEC_LZ4 = 5,
    PQ_CODEC_ZSTD = 6,
    PQ_CODEC_LZ4_RAW = 7,
};

const char *pq_codec_name(enum pq_codec c);
/* "snappy", "gzip", "zstd", "none"/"uncompressed" -> codec; -1 when unknown. */
int pq_codec_parse(const char *name, enum pq_codec *out);

/* ---- reading ---- */

/* Bounds on what one file may make the reader do (issue 13: a 2 KB file of 40 row groups
 * sharing one RLE page that claims 50 M list rows each asked for 8 GB). They hold for the whole
 * file, summed over every row group read through one reader, not only per row group:
 *  - decoded bytes (values, offsets, levels, dictionaries, as charged while decoding) at most
 *    max(PQ_DECODED_FLOOR, PQ_DECODED_PER_BYTE x file size), and never over file_limit;
 *  - rows (the footer's num_rows, checked at open) at most
 *    max(PQ_ROWS_FLOOR, PQ_ROWS_PER_BYTE x file size), and never over PQ_ROWS_MAX;
 *  - column chunks whose byte ranges overlap are refused at open;
 *  - every allocation sized from the file is fallible: "out of memory" is an error.
 * Real files stay below the ratios: pyarrow, parquet-mr and our writer start a page (a header
 * of 15 bytes or more) every 20,000 values at most, so even a constant column stays under
 * ~1,400 rows and ~15,000 decoded bytes per byte of file (docs/parquet.md, "Bounds"). */
#define PQ_DECODED_FLOOR ((size_t)256 << 20)
#define PQ_DECODED_PER_BYTE 16384
#define PQ_ROWS_FLOOR ((uint64_t)16 << 20)
#define PQ_ROWS_PER_BYTE 4096
#define PQ_ROWS_MAX ((uint64_t)1 << 31)

struct pq_reader_options {
    size_t memory_limit; /* cap on memory for one row group's decoded data (bytes) */
    bool verify_crc;     /* check page CRCs when present */
    size_t file_limit;   /* absolute cap on the bytes decoded from the whole file */
    /* pq_reader_open reads a file of at most this many bytes whole, in one read (0: never);
     * a larger one is read as needed (footer, then each column chunk asked for) */
    size_t whole_file_max;
};
#define PQ_READ_WHOLE_MAX ((size_t)256 << 10)
#define PQ_READER_OPTIONS_INIT                                                                     \
    {                                                                                              \
        (size_t)2 << 30, false, (size_t)4 << 30, PQ_READ_WHOLE_MAX                                 \
    }

/* A top-level column as the file's schema describes it. */
struct pq_schema_column {
    const char *name;
    struct pq_type type; /* of the leaf (element type for lists) */
    bool optional;
    bool is_list;
    bool element_optional;
};

struct pq_reader;

/* Opens path and reads its footer (or the whole file: whole_file_max); display_name (may be
 * NULL = path) prefixes errors. */
int pq_reader_open(struct pq_reader **out, const char *path, const struct pq_reader_options *opts);
/* Same over a caller-owned memory buffer that must outlive the reader (fuzzing, archives). */
int pq_reader_open_memory(struct pq_reader **out, const void *data, size_t len,
                          const char *display_name, const struct pq_reader_options *opts);
void pq_reader_free(struct pq_reader *r);

uint64_t pq_reader_num_rows(const struct pq_reader *r);
size_t pq_reader_num_row_groups(const struct pq_reader *r);
uint64_t pq_reader_row_group_rows(const struct pq_reader *r, size_t rg);
size_t pq_reader_num_columns(const struct pq_reader *r);
const struct pq_schema_column *pq_reader_column(const struct pq_reader *r, size_t i);
/* Codec of column i in the first row group (what `show --schema` reports). */
enum pq_codec pq_reader_column_codec(const struct pq_reader *r, size_t i);
const char *pq_reader_created_by(const struct pq_reader *r); /* may be NULL */
/* Key-value metadata: value of key, or NULL. */
const char *pq_reader_metadata(const struct pq_reader *r, const char *key);

/* The columns a comma list names ("a,b"), as an array of pq_reader_num_columns() + 1 flags
 * for pq_reader_read_row_group (caller frees); -1 when the file has no column of a name. */
int pq_reader_select_columns(const struct pq_reader *r, const char *list, bool **out);
/* A table of the wanted columns (want as above, NULL: all) with their types and no rows. */
void pq_reader_empty_table(const struct pq_reader *r, const bool *want, struct pq_table *out);
/* Hands the rows of the file to fn row group by row group (want as above), each decoded
 * only as far as the first max_rows rows of the file need: fn gets a table and n, how many
 * of its rows count (never more than max_rows in all). Row groups without rows are skipped. fn
 * returns 0 to go on, or a positive value that stops the scan and is returned; -1 with
 * err_last() when a row group cannot be read (fn has had the ones before). */
int pq_reader_scan(struct pq_reader *r, const bool *want, uint64_t max_rows,
                   int (*fn)(void *ctx, const struct pq_table *t, size_t n), void *ctx);

/* Decodes row group rg into *out (a fresh table: one column per wanted column, in schema
 * order). want: array of pq_reader_num_columns() flags, or NULL for every column. */
int pq_reader_read_row_group(struct pq_reader *r, size_t rg, const bool *want,
                             struct pq_table *out);
/* The same for only the first max_rows rows of the row group: pages past them are neither
 * read nor decompressed (what `show --head N` uses on large files). */
int pq_reader_read_row_group_head(struct pq_reader *r, size_t rg, const bool *want,
                                  uint64_t max_rows, struct pq_table *out);
/* Reads a whole file into one table. */
int pq_read_file(const char *path, struct pq_table *out);
/* The same from a caller-owned buffer; display_name prefixes errors. */
int pq_read_memory(const void *data, size_t len, const char *display_name, struct pq_table *out);

/* ---- writing ---- */

struct pq_writer_options {
    enum pq_codec codec;
    int compression_level;  /* 0 = codec default (gzip 6, zstd 3) */
    bool dictionary;        /* dictionary-encode (falls back to PLAIN past 1 MiB) */
    size_t row_group_rows;  /* rows per row group; 0 = 1 Mi rows */
    const char *created_by; /* NULL = "kanalytic version X" */
};
#define PQ_WRITER_OPTIONS_INIT                                                                     \
    {                                                                                              \
        PQ_CODEC_SNAPPY, 0, true, 0, NULL                                                          \
    }

/* Writes t to path atomically (temporary file + rename): never a half-written file. */
int pq_write_file(const char *path, const struct pq_table *t, const struct pq_writer_options *opts);
/* Serialises t into out (appended). */
int pq_write_buffer(struct buf *out, const struct pq_table *t,
                    const struct pq_writer_options *opts);

#endif
