/* Parquet footer and page-header structures (parquet.thrift), the enums and Thrift field ids
 * shared by the reader and the writer, and the parsers that fill them from compact-protocol
 * bytes. Parsers check required fields and enum ranges; they set the error slot with a
 * message that says which structure and byte offset (the caller adds the file name). */
#ifndef KANALYTIC_PARQUET_METADATA_H
#define KANALYTIC_PARQUET_METADATA_H

#include "parquet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pq_page_type {
    PQ_PAGE_DATA = 0,
    PQ_PAGE_INDEX = 1,
    PQ_PAGE_DICTIONARY = 2,
    PQ_PAGE_DATA_V2 = 3,
};

enum pq_encoding {
    PQ_ENC_PLAIN = 0,
    PQ_ENC_PLAIN_DICTIONARY = 2,
    PQ_ENC_RLE = 3,
    PQ_ENC_BIT_PACKED = 4,
    PQ_ENC_DELTA_BINARY_PACKED = 5,
    PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    PQ_ENC_DELTA_BYTE_ARRAY = 7,
    PQ_ENC_RLE_DICTIONARY = 8,
    PQ_ENC_BYTE_STREAM_SPLIT = 9,
};
const char *pq_encoding_name(int e);
/* The physical type as parquet.thrift spells it ("INT64", "BYTE_ARRAY", ...); "?" otherwise. */
const char *pq_physical_name(int p);

enum pq_repetition { PQ_REP_REQUIRED = 0, PQ_REP_OPTIONAL = 1, PQ_REP_REPEATED = 2 };

enum pq_converted {
    PQ_CT_UTF8 = 0,
    PQ_CT_MAP = 1,
    PQ_CT_MAP_KEY_VALUE = 2,
    PQ_CT_LIST = 3,
    PQ_CT_ENUM = 4,
    PQ_CT_DECIMAL = 5,
    PQ_CT_DATE = 6,
    PQ_CT_TIME_MILLIS = 7,
    PQ_CT_TIME_MICROS = 8,
    PQ_CT_TIMESTAMP_MILLIS = 9,
    PQ_CT_TIMESTAMP_MICROS = 10,
    PQ_CT_UINT_8 = 11,
    PQ_CT_UINT_16 = 12,
    PQ_CT_UINT_32 = 13,
    PQ_CT_UINT_64 = 14,
    PQ_CT_INT_8 = 15,
    PQ_CT_INT_16 = 16,
    PQ_CT_INT_32 = 17,
    PQ_CT_INT_64 = 18,
    PQ_CT_JSON = 19,
    PQ_CT_BSON = 20,
    PQ_CT_INTERVAL = 21,
};

/* LogicalType union member ids. */
enum pq_logical_id {
    PQ_LT_STRING = 1,
    PQ_LT_MAP = 2,
    PQ_LT_LIST = 3,
    PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5,
    PQ_LT_DATE = 6,
    PQ_LT_TIME = 7,
    PQ_LT_TIMESTAMP = 8,
    PQ_LT_INTEGER = 10,
    PQ_LT_UNKNOWN = 11,
    PQ_LT_JSON = 12,
    PQ_LT_BSON = 13,
    PQ_LT_UUID = 14,
    PQ_LT_FLOAT16 = 15,
};

struct pq_logical_type {
    int id;                   /* enum pq_logical_id, 0 when absent; unknown ids are kept as read */
    int32_t scale, precision; /* DECIMAL */
    int bit_width;            /* INTEGER */
    bool is_signed;           /* INTEGER */
    bool utc;                 /* TIME, TIMESTAMP */
    int unit;                 /* TIME, TIMESTAMP: enum pq_time_unit, 0 unknown */
};

struct pq_schema_element {
    int type; /* enum pq_physical, -1 for groups */
    int32_t type_length;
    int repetition; /* enum pq_repetition, -1 when absent (root) */
    char *name;
    int32_t num_children;
    int converted_type; /* -1 when absent */
    int32_t scale, precision;
    struct pq_logical_type logical;
};

struct pq_column_meta {
    int type;
    int codec;
    char **path;
    uint32_t path_len;
    int64_t num_values;
    int64_t total_uncompressed_size;
    int64_t total_compressed_size;
    int64_t data_page_offset;
    int64_t dictionary_page_offset; /* -1 when absent */
};

struct pq_column_chunk {
    bool has_file_path;
    bool encrypted; /* crypto_metadata or encrypted_column_metadata present */
    bool has_meta;
    int64_t file_offset;
    struct pq_column_meta meta;
};

struct pq_row_group {
    struct pq_column_chunk *columns;
    uint32_t ncolumns;
    int64_t total_byte_size;
    int64_t num_rows;
};

struct pq_key_value {
    char *key;
    char *value; /* NULL when absent */
};

struct pq_file_meta {
    int32_t version;
    struct pq_schema_element *schema;
    uint32_t nschema;
    int64_t num_rows;
    struct pq_row_group *row_groups;
    uint32_t nrow_groups;
    struct pq_key_value *kv;
    uint32_t nkv;
    char *created_by;
    bool encrypted; /* encryption_algorithm present (plaintext footer of an encrypted file) */
};

struct pq_page_header {
    int type;
    int32_t uncompressed_size;
    int32_t compressed_size;
    bool has_crc;
    uint32_t crc;
    /* DATA_PAGE (v1) and DATA_PAGE_V2 */
    int32_t num_values;
    int encoding;
    int def_encoding, rep_encoding; /* v1 */
    int32_t num_nulls, num_rows;    /* v2 */
    int32_t def_len, rep_len;       /* v2 */
    bool is_compressed;             /* v2, default true */
    /* DICTIONARY_PAGE */
    int32_t dict_num_values;
    int dict_encoding;
};

/* Parses a FileMetaData from p[0..n); on failure frees what it built. */
int pq_meta_parse(struct pq_file_meta *m, const uint8_t *p, size_t n);
void pq_meta_free(struct pq_file_meta *m);
/* Parses a PageHeader at the start of p[0..n); *used = its length in bytes. */
int pq_page_header_parse(struct pq_page_header *h, const uint8_t *p, size_t n, size_t *used);

#endif
