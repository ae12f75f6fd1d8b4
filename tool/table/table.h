/* The in-memory table: named, typed, nullable columns (flat, or lists of primitives), the one
 * model that the Parquet reader fills, the writer drains, the comparator compares and the
 * renderers print. Types follow Parquet's physical + logical type pair. */
#ifndef KANALYTIC_TABLE_H
#define KANALYTIC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pq_physical {
    PQ_BOOLEAN = 0,
    PQ_INT32 = 1,
    PQ_INT64 = 2,
    PQ_INT96 = 3,
    PQ_FLOAT = 4,
    PQ_DOUBLE = 5,
    PQ_BYTE_ARRAY = 6,
    PQ_FIXED_LEN_BYTE_ARRAY = 7,
};

enum pq_logical {
    PQ_LOGICAL_NONE = 0,
    PQ_LOGICAL_STRING,
    PQ_LOGICAL_ENUM,
    PQ_LOGICAL_JSON,
    PQ_LOGICAL_BSON,
    PQ_LOGICAL_UUID,
    PQ_LOGICAL_INTEGER,   /* bit_width, is_signed */
    PQ_LOGICAL_DECIMAL,   /* precision, scale */
    PQ_LOGICAL_DATE,      /* INT32 days since 1970-01-01 */
    PQ_LOGICAL_TIME,      /* unit, utc */
    PQ_LOGICAL_TIMESTAMP, /* unit, utc; INT96 columns read as TIMESTAMP(NANOS, utc=false) */
    PQ_LOGICAL_FLOAT16,   /* FLBA(2) */
    PQ_LOGICAL_NULL,      /* Arrow's null type (UNKNOWN): every value null; pyarrow uses INT32 */
};

enum pq_time_unit { PQ_MILLIS = 1, PQ_MICROS = 2, PQ_NANOS = 3 };

struct pq_type {
    enum pq_physical physical;
    int32_t type_length; /* FIXED_LEN_BYTE_ARRAY only */
    enum pq_logical logical;
    int bit_width;          /* INTEGER: 8, 16, 32, 64 */
    bool is_signed;         /* INTEGER */
    int precision;          /* DECIMAL */
    int scale;              /* DECIMAL */
    enum pq_time_unit unit; /* TIME, TIMESTAMP */
    bool utc;               /* TIME, TIMESTAMP: isAdjustedToUTC */
};

/* A run of nullable values of one type. Storage by physical type:
 *   BOOLEAN            b[i] is 0 or 1
 *   INT32              i32[i]   (DATE, INTEGER(8/16/32), TIME(MILLIS), DECIMAL as INT32)
 *   INT64              i64[i]   (TIMESTAMP, INTEGER(64), ...; unsigned values as their bits)
 *   INT96              i64[i]   nanoseconds since the Unix epoch (converted on read)
 *   FLOAT / DOUBLE     f32[i] / f64[i]
 *   BYTE_ARRAY, FLBA   bytes data[offsets[i] .. offsets[i+1])
 * A null slot has valid[i] == 0 and a zero / empty value. valid == NULL means no nulls. */
struct pq_vector {
    struct pq_type type;
    size_t len;
    size_t cap;
    uint8_t *valid;
    union {
        uint8_t *b;
        int32_t *i32;
        int64_t *i64;
        float *f32;
        double *f64;
    } v;
    uint64_t *offsets; /* len + 1 entries for BYTE_ARRAY / FLBA */
    uint8_t *data;
    size_t data_len;
    size_t data_cap;
};

/* A top-level column. Flat: values.len == table rows. LIST of primitives: row i holds the
 * elements values[list_offsets[i] .. list_offsets[i+1]); list_valid[i] == 0 is a null list
 * (list_valid == NULL: no null lists). */
struct pq_column {
    char *name;
    bool optional; /* OPTIONAL (else REQUIRED) at the top level */
    bool is_list;
    bool element_optional;
    struct pq_vector values;
    uint64_t *list_offsets;
    uint8_t *list_valid;
    size_t list_len; /* rows, for lists */
    size_t list_cap;
};

struct pq_table {
    size_t nrows;
    size_t ncols;
    struct pq_column *cols;
};

#define PQ_TABLE_INIT                                                                              \
    {                                                                                              \
        0, 0, NULL                                                                                 \
    }

/* Adds an empty column (name copied) and returns it. */
struct pq_column *table_add_column(struct pq_table *t, const char *name, struct pq_type type,
                                   bool optional);
struct pq_column *table_add_list_column(struct pq_table *t, const char *name,
                                        struct pq_type element_type, bool optional,
                                        bool element_optional);
/* Index of the column named `name`, or -1. */
long table_find_column(const struct pq_table *t, const char *name);
/* Checks that every column has nrows rows; sets the error slot otherwise. */
int table_check(const struct pq_table *t);
void table_free(struct pq_table *t);
/* Appends src's rows to dst (same column names and types, in order). */
int table_append(struct pq_table *dst, const struct pq_table *src);

/* Appending values (rows of a flat column, or elements of a list column). */
void vector_append_null(struct pq_vector *v);
void vector_append_bool(struct pq_vector *v, bool x);
void vector_append_i32(struct pq_vector *v, int32_t x);
void vector_append_i64(struct pq_vector *v, int64_t x);
void vector_append_f32(struct pq_vector *v, float x);
void vector_append_f64(struct pq_vector *v, double x);
void vector_append_bytes(struct pq_vector *v, const void *p, size_t n);
/* Appends element i of src (same physical type), null or not. */
void vector_append_from(struct pq_vector *dst, const struct pq_vector *src, size_t i);
void vector_free(struct pq_vector *v);
bool vector_is_null(const struct pq_vector *v, size_t i);
/* Bytes of a BYTE_ARRAY / FLBA value. */
const uint8_t *vector_bytes(const struct pq_vector *v, size_t i, size_t *len);

/* Lists: begin a row, append its elements to col->values, end it; or a null list. */
void column_list_begin_row(struct pq_column *c);
void column_list_end_row(struct pq_column *c);
void column_list_append_null(struct pq_column *c);
/* Rows in the column (values.len for flat, list_len for lists). */
size_t column_rows(const struct pq_column *c);
bool column_is_null(const struct pq_column *c, size_t row);

/* Type names as people read them: "string", "int64", "double", "timestamp[us, UTC]",
 * "decimal(10,2)", "list<string>". Writes into buf of size n. */
void pq_type_describe(const struct pq_type *t, bool is_list, char *out, size_t n);
bool pq_type_equal(const struct pq_type *a, const struct pq_type *b);

#endif
