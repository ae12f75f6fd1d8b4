/* Text tables into typed tables, the library behind `kanalytic convert` (and its fuzz target):
 * a whole CSV (RFC 4180, header row) or JSON Lines input, checked for UTF-8, split into cells
 * (table/csv.h, table/jsonl.h), typed (inferred as pandas would, or given by a schema like
 * "port:int32,ts:timestamp[us,utc],tags:list<string>") and appended to a pq_table. Errors go to
 * the error slot as "LINE: error: message" (the caller prefixes the file name). Works in
 * memory only: no file, no stderr. */
#ifndef KANALYTIC_TABLE_INFER_H
#define KANALYTIC_TABLE_INFER_H

#include "table/table.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The type of a column: given with --schema ("name:type"), or inferred like pandas. */
enum text_kind { K_STRING, K_INT64, K_INT32, K_DOUBLE, K_FLOAT, K_BOOL, K_DATE, K_TIMESTAMP };

struct text_spec {
    enum text_kind kind;
    enum pq_time_unit unit;
    bool utc;
    bool is_list;
};

/* --schema: name:type pairs separated by commas outside [] and <>. */
struct text_schema_entry {
    char *name;
    struct text_spec spec;
    bool used;
};

struct text_schema {
    struct text_schema_entry *e;
    size_t n, cap;
};

/* A cell of the input: a null, text from the CSV buffer, or a JSON value (JSON Lines). */
enum cell_state { CELL_NULL, CELL_TEXT, CELL_JSON };

struct text_cell {
    json_t *j;
    size_t off, len;
    uint8_t state;
    bool quoted;
};

/* The cells of a text table, row-major, with the line each row starts at. */
struct text_grid {
    const char *text; /* the CSV input */
    char **names;
    size_t ncols;
    struct text_cell *cells; /* row-major, nrows * ncols */
    size_t nrows, cap;       /* cap in rows */
    size_t *lines;           /* line where each row starts */
    json_t **objects;        /* JSON Lines: the row objects (owned) */
    bool from_text;          /* cells are text to parse (CSV) */
};

#define TEXT_SCHEMA_INIT                                                                           \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

enum text_format { TEXT_CSV, TEXT_JSONL };

/* text[0..len) (modified in place: CSV fields are unquoted where they lie) into *out, a fresh
 * table with one nullable column per input column. schema may be NULL; its entries are marked
 * used, and naming a column the input lacks is an error. 0, or -1 with the error slot set. */
int table_from_text(char *text, size_t len, enum text_format format, struct text_schema *schema,
                    struct pq_table *out);

/* One column type ("int64", "timestamp[ms]", "list<string>", ...). */
int text_spec_parse(const char *text, struct text_spec *out);
/* A --schema value into *out (appended); text_schema_free releases it. */
int text_schema_parse(const char *text, struct text_schema *out);
void text_schema_free(struct text_schema *s);

/* The steps of table_from_text, for the readers of table/csv.h and table/jsonl.h. */
int text_check_utf8(const char *data, size_t len);
int grid_to_table(const struct text_grid *g, struct text_schema *schema, struct pq_table *t);
struct text_cell *grid_add_row(struct text_grid *g, size_t line);
long grid_column(struct text_grid *g, const char *name);
void grid_free(struct text_grid *g);
/* Sets the error slot to "LINE: error: MSG"; returns -1. */
int text_line_error(size_t line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
