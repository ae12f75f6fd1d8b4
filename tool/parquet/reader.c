/* The Parquet reader: footer and schema at open, then one row group at a time, column chunk
 * by column chunk, page by page, into the table model. Only the byte ranges of the wanted
 * chunks are ever read: a whole chunk with one pread into a buffer reused across chunks, a
 * head read by mapping the chunk and touching only its first pages. Memory is bounded by one
 * row group's decoded data (checked against options.memory_limit before allocating) plus one
 * chunk, and the whole file's decoding by the file-wide bounds of parquet.h (decoded bytes and
 * rows in proportion to the file's size, no two chunks sharing bytes); every allocation sized
 * from the file is fallible. Flat columns and LISTs of primitives (3-level and legacy 2-level);
 * every other nesting is refused at open. */
#include "parquet.h"

#include "decompress.h"
#include "encodings.h"
#include "metadata.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct rcol {
    struct pq_schema_column pub;
    int max_def, max_rep;
    int list_def; /* lists: definition level from which the list is non-null */
    int elem_def; /* lists: definition level from which an element exists */
};

struct pq_reader {
    char *name;
    const uint8_t *data; /* the whole file in memory mode, else NULL */
    uint8_t *owned;      /* data when pq_reader_open read a small file whole */
    size_t size;
    int fd; /* file mode: chunks are mapped one at a time */
    size_t footer_start;
    struct pq_file_meta meta;
    struct rcol *cols;
    size_t ncols;
    struct pq_reader_options opts;
    struct pq_decompressor *dec;
    /* scratch reused across pages */
    uint8_t *page;
    size_t page_cap;
    uint8_t *defs, *reps, *present;
    size_t lv_cap;
    uint32_t *idx;
    size_t idx_cap;
    int64_t *tmp64;
    size_t tmp_cap;
    uint8_t *chunk; /* file mode: the column chunk being decoded */
    size_t chunk_cap;
    size_t decoded;       /* bytes charged so far, over every row group read */
    size_t decode_budget; /* the file-wide cap on `decoded` (parquet.h) */
};

/* Per-chunk decoding state. */
struct chunk {
    struct pq_reader *r;
    size_t rg;
    const struct rcol *col;
    struct pq_column *out;
    const struct pq_column_meta *m;
    size_t page_no;
    uint64_t page_off;
    bool in_page;
    struct pq_vector dict;
    bool has_dict;
    size_t *used; /* bytes charged to this row group */
    uint64_t levels;
    uint64_t rows;
    bool row_open, row_valid;
    uint64_t limit; /* rows wanted from the row group (<= its rows) */
};

/* ---- small helpers ---- */

static void vector_truncate(struct pq_vector *v, size_t n);

static int budget_error(const struct pq_reader *r)
{
    return err_set("decoding needs more than this file's limit of %zu bytes (%d per byte of "
                   "its %zu bytes, at least %zu MiB, at most %zu MiB): refused as a "
                   "decompression bomb",
                   r->decode_budget, PQ_DECODED_PER_BYTE, r->size, PQ_DECODED_FLOOR >> 20,
                   r->opts.file_limit >> 20);
}

/* Counts bytes about to be decoded against the row group's and the whole file's limits. */
static int charge(struct chunk *c, size_t bytes)
{
    struct pq_reader *r = c->r;
    size_t sum, total;
    if (size_add_overflow(*c->used, bytes, &sum) || sum > r->opts.memory_limit)
        return err_set("row group needs more than the memory limit of %zu bytes",
                       r->opts.memory_limit);
    if (size_add_overflow(r->decoded, bytes, &total) || total > r->decode_budget)
        return budget_error(r);
    *c->used = sum;
    r->decoded = total;
    return 0;
}

/* Scratch of at least need elements (contents not kept); NULL with the error set. */
static void *grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return *p;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    free(*p);
    *cap = 0;
    *p = try_calloc(n, elem);
    if (*p)
        *cap = n;
    return *p;
}

/* ---- schema ---- */

static bool logical_fits(const struct pq_type *t)
{
    switch (t->logical) {
    case PQ_LOGICAL_STRING:
    case PQ_LOGICAL_ENUM:
    case PQ_LOGICAL_JSON:
    case PQ_LOGICAL_BSON: return t->physical == PQ_BYTE_ARRAY;
    case PQ_LOGICAL_UUID: return t->physical == PQ_FIXED_LEN_BYTE_ARRAY && t->type_length == 16;
    case PQ_LOGICAL_FLOAT16: return t->physical == PQ_FIXED_LEN_BYTE_ARRAY && t->type_length == 2;
    case PQ_LOGICAL_INTEGER:
        return (t->physical == PQ_INT32 &&
                (t->bit_width == 8 || t->bit_width == 16 || t->bit_width == 32)) ||
               (t->physical == PQ_INT64 && (t->bit_width == 64 || t->bit_width == 32));
    case PQ_LOGICAL_DECIMAL:
        return (t->physical == PQ_INT32 || t->physical == PQ_INT64 ||
                t->physical == PQ_BYTE_ARRAY || t->physical == PQ_FIXED_LEN_BYTE_ARRAY) &&
               t->scale >= 0 && t->scale <= 1000 && t->precision >= 0;
    case PQ_LOGICAL_DATE: return t->physical == PQ_INT32;
    case PQ_LOGICAL_TIME:
        return (t->physical == PQ_INT32 && t->unit == PQ_MILLIS) ||
               (t->physical == PQ_INT64 && t->unit != PQ_MILLIS && t->unit != 0);
    case PQ_LOGICAL_TIMESTAMP: return t->physical == PQ_INT64 && t->unit != 0;
    case PQ_LOGICAL_NONE:
    case PQ_LOGICAL_NULL: return true;
    }
    return false;
}

static void converted_type(const struct pq_schema_element *e, struct pq_type *t)
{
    static const int widths[] = {8, 16, 32, 64};
    int ct = e->converted_type;
    switch (ct) {
    case PQ_CT_UTF8: t->logical = PQ_LOGICAL_STRING; break;
    case PQ_CT_ENUM: t->logical = PQ_LOGICAL_ENUM; break;
    case PQ_CT_JSON: t->logical = PQ_LOGICAL_JSON; break;
    case PQ_CT_BSON: t->logical = PQ_LOGICAL_BSON; break;
    case PQ_CT_DECIMAL:
        t->logical = PQ_LOGICAL_DECIMAL;
        t->scale = e->scale;
        t->precision = e->precision;
        break;
    case PQ_CT_DATE: t->logical = PQ_LOGICAL_DATE; break;
    case PQ_CT_TIME_MILLIS:
    case PQ_CT_TIME_MICROS:
        t->logical = PQ_LOGICAL_TIME;
        t->unit = ct == PQ_CT_TIME_MILLIS ? PQ_MILLIS : PQ_MICROS;
        t->utc = true;
        break;
    case PQ_CT_TIMESTAMP_MILLIS:
    case PQ_CT_TIMESTAMP_MICROS:
        t->logical = PQ_LOGICAL_TIMESTAMP;
        t->unit = ct == PQ_CT_TIMESTAMP_MILLIS ? PQ_MILLIS : PQ_MICROS;
        t->utc = true;
        break;
    default:
        if (ct >= PQ_CT_UINT_8 && ct <= PQ_CT_INT_64) {
            t->logical = PQ_LOGICAL_INTEGER;
            t->is_signed = ct >= PQ_CT_INT_8;
            t->bit_width = widths[(ct - PQ_CT_UINT_8) % 4];
        }
    }
}

/* The leaf's type: LogicalType when present and understood, else ConvertedType; an
 * annotation that does not fit the physical type is dropped (the physical type stands). */
static void leaf_type(const struct pq_schema_element *e, struct pq_type *t)
{
    memset(t, 0, sizeof *t);
    t->physical = (enum pq_physical)e->type;
    t->type_length = e->type_length;
    if (e->type == PQ_INT96) {
        t->logical = PQ_LOGICAL_TIMESTAMP;
        t->unit = PQ_NANOS;
        return;
    }
    const struct pq_logical_type *l = &e->logical;
    switch (l->id) {
    case PQ_LT_STRING: t->logical = PQ_LOGICAL_STRING; break;
    case PQ_LT_ENUM: t->logical = PQ_LOGICAL_ENUM; break;
    case PQ_LT_JSON: t->logical = PQ_LOGICAL_JSON; break;
    case PQ_LT_BSON: t->logical = PQ_LOGICAL_BSON; break;
    case PQ_LT_UUID: t->logical = PQ_LOGICAL_UUID; break;
    case PQ_LT_FLOAT16: t->logical = PQ_LOGICAL_FLOAT16; break;
    case PQ_LT_DATE: t->logical = PQ_LOGICAL_DATE; break;
    case PQ_LT_DECIMAL:
        t->logical = PQ_LOGICAL_DECIMAL;
        t->scale = l->scale;
        t->precision = l->precision;
        break;
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        t->logical = l->id == PQ_LT_TIME ? PQ_LOGICAL_TIME : PQ_LOGICAL_TIMESTAMP;
        t->unit = (enum pq_time_unit)l->unit;
        t->utc = l->utc;
        break;
    case PQ_LT_INTEGER:
        t->logical = PQ_LOGICAL_INTEGER;
        t->bit_width = l->bit_width;
        t->is_signed = l->is_signed;
        break;
    case PQ_LT_UNKNOWN: t->logical = PQ_LOGICAL_NULL; break;
    case 0: converted_type(e, t); break;
    default: break; /* a type newer than us: the physical type */
    }
    if (!logical_fits(t)) {
        struct pq_type plain = {0};
        plain.physical = t->physical;
        plain.type_length = t->type_length;
        *t = plain;
    }
}

static bool is_list_annotated(const struct pq_schema_element *e)
{
    return e->logical.id == PQ_LT_LIST || e->converted_type == PQ_CT_LIST;
}

static int check_leaf(const struct pq_schema_element *e)
{
    if (e->type < 0)
        return err_set("schema element '%s' has neither a type nor children", e->name);
    if (e->type == PQ_FIXED_LEN_BYTE_ARRAY && (e->type_length <= 0 || e->type_length > (1 << 24)))
        return err_set("column '%s': FIXED_LEN_BYTE_ARRAY of invalid length %d", e->name,
                       e->type_length);
    return 0;
}

static int nested_error(const char *name, const char *what)
{
    return err_set("column '%s': nested %s not supported (flat columns and lists of "
                   "primitives only)",
                   name, what);
}

/* One top-level field at *i: a primitive, or a LIST of a primitive. */
static int build_column(struct pq_reader *r, uint32_t *i, struct rcol *c)
{
    const struct pq_file_meta *m = &r->meta;
    if (*i >= m->nschema)
        return err_set("schema tree is truncated");
    const struct pq_schema_element *e = &m->schema[*i];
    memset(c, 0, sizeof *c);
    c->pub.name = e->name;
    if (e->num_children < 0)
        return err_set("schema element '%s' has %d children", e->name, e->num_children);
    if (e->num_children == 0) {
        if (check_leaf(e) < 0)
            return -1;
        leaf_type(e, &c->pub.type);
        (*i)++;
        if (e->repetition == PQ_REP_REPEATED) { /* legacy: a repeated primitive is a list */
            c->pub.is_list = true;
            c->list_def = 0;
            c->elem_def = c->max_def = c->max_rep = 1;
            return 0;
        }
        c->pub.optional = e->repetition == PQ_REP_OPTIONAL;
        c->max_def = c->pub.optional ? 1 : 0;
        return 0;
    }
    if (!is_list_annotated(e) || e->num_children != 1 || e->repetition == PQ_REP_REPEATED)
        return nested_error(e->name, is_list_annotated(e) ? "list shape" : "group (struct/map)");
    if (*i + 1 >= m->nschema)
        return err_set("schema tree is truncated");
    const struct pq_schema_element *rep = &m->schema[*i + 1];
    if (rep->repetition != PQ_REP_REPEATED)
        return nested_error(e->name, "list shape");
    c->pub.is_list = true;
    c->pub.optional = e->repetition == PQ_REP_OPTIONAL;
    c->list_def = c->pub.optional ? 1 : 0;
    c->elem_def = c->list_def + 1;
    c->max_rep = 1;
    if (rep->num_children == 0) { /* 2-level: the repeated field is the element */
        if (check_leaf(rep) < 0)
            return -1;
        leaf_type(rep, &c->pub.type);
        c->max_def = c->elem_def;
        *i += 2;
        return 0;
    }
    char tuple[512];
    snprintf(tuple, sizeof tuple, "%s_tuple", e->name);
    if (rep->num_children != 1 || !strcmp(rep->name, "array") || !strcmp(rep->name, tuple) ||
        *i + 2 >= m->nschema)
        return nested_error(e->name, "list of structs");
    const struct pq_schema_element *el = &m->schema[*i + 2];
    if (el->num_children != 0 || el->repetition == PQ_REP_REPEATED)
        return nested_error(e->name, "list of lists or structs");
    if (check_leaf(el) < 0)
        return -1;
    leaf_type(el, &c->pub.type);
    c->pub.element_optional = el->repetition == PQ_REP_OPTIONAL;
    c->max_def = c->elem_def + (c->pub.element_optional ? 1 : 0);
    *i += 3;
    return 0;
}

static int build_schema(struct pq_reader *r)
{
    const struct pq_file_meta *m = &r->meta;
    if (m->nschema == 0)
        return err_set("empty schema");
    int32_t n = m->schema[0].num_children;
    if (n < 0 || (uint32_t)n >= m->nschema + 1u)
        return err_set("schema root claims %d children for %u elements", n, m->nschema);
    r->cols = try_calloc((size_t)n + 1, sizeof *r->cols);
    if (!r->cols)
        return -1;
    uint32_t i = 1;
    for (int32_t k = 0; k < n; k++) {
        if (build_column(r, &i, &r->cols[k]) < 0)
            return -1;
        r->ncols++;
    }
    if (i != m->nschema)
        return err_set("schema has %u elements, its tree uses %u", m->nschema, i);
    return 0;
}

/* ---- open ---- */

/* Copies len bytes at off into out (from memory or with pread). */
static int read_range(struct pq_reader *r, size_t off, size_t len, uint8_t *out)
{
    if (r->data) {
        memcpy(out, r->data + off, len);
        return 0;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(r->fd, out + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? err_errno("read") : err_set("file shrank while reading");
        done += (size_t)n;
    }
    return 0;
}

/* The byte range [*start, *start + *len) of a column chunk: from the dictionary page when its
 * offset is set, positive and before the data pages (parquet.md, "Traps"). Checked to lie in
 * the data area [4, footer). */
static int chunk_range(const struct pq_reader *r, const struct pq_column_meta *m, size_t *start,
                       size_t *len)
{
    int64_t s = m->data_page_offset;
    if (m->dictionary_page_offset > 0 && m->dictionary_page_offset < m->data_page_offset)
        s = m->dictionary_page_offset;
    int64_t l = m->total_compressed_size;
    if (s < 4 || l < 0 || (uint64_t)s > r->footer_start ||
        (uint64_t)l > r->footer_start - (uint64_t)s)
        return err_set("chunk byte range [%lld, +%lld) outside the file's data area [4, %zu)",
                       (long long)s, (long long)l, r->footer_start);
    *start = (size_t)s;
    *len = (size_t)l;
    return 0;
}

struct range {
    size_t start, end;
    uint32_t rg, col;
};

static int range_cmp(const void *a, const void *b)
{
    const struct range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* Refuses column chunks that share bytes: each page is then decoded at most once, so what a
 * file can make us decode grows with its size. Chunks of empty row groups (pyarrow writes
 * them page-less, at offset 0) and of length 0 hold no pages and are left out. */
static int check_chunk_ranges(struct pq_reader *r)
{
    const struct pq_file_meta *m = &r->meta;
    size_t n = 0, cap = 0;
    for (uint32_t g = 0; g < m->nrow_groups; g++)
        if (m->row_groups[g].num_rows > 0)
            cap += m->row_groups[g].ncolumns;
    struct range *v = try_calloc(cap ? cap : 1, sizeof *v);
    if (!v)
        return -1;
    int rc = 0;
    for (uint32_t g = 0; g < m->nrow_groups && rc == 0; g++) {
        const struct pq_row_group *rg = &m->row_groups[g];
        if (rg->num_rows <= 0)
            continue;
        for (uint32_t k = 0; k < rg->ncolumns; k++) {
            size_t start, len;
            if (!rg->columns[k].has_meta)
                continue; /* refused when the chunk is read */
            if (chunk_range(r, &rg->columns[k].meta, &start, &len) < 0) {
                rc = err_prefix("row group %u, column '%s'", g, r->cols[k].pub.name);
                break;
            }
            if (len > 0)
                v[n++] = (struct range){start, start + len, g, k};
        }
    }
    if (rc == 0)
        qsort(v, n, sizeof *v, range_cmp);
    for (size_t i = 1; i < n && rc == 0; i++)
        if (v[i].start < v[i - 1].end)
            rc = err_set("column chunks share bytes: row group %u, column '%s' [%zu, %zu) and "
                         "row group %u, column '%s' [%zu, %zu) overlap (a page would be "
                         "decoded twice)",
                         v[i - 1].rg, r->cols[v[i - 1].col].pub.name, v[i - 1].start, v[i - 1].end,
                         v[i].rg, r->cols[v[i].col].pub.name, v[i].start, v[i].end);
    free(v);
    return rc;
}

static int reader_init(struct pq_reader *r)
{
    static const uint8_t magic[4] = {'P', 'A', 'R', '1'};
    size_t size = r->size;
    uint8_t head[4], tail[8];
    if (size < 12)
        return err_set("not a Parquet file (%zu bytes, too short)", size);
    if (read_range(r, 0, 4, head) < 0 || read_range(r, size - 8, 8, tail) < 0)
        return -1;
    if (!memcmp(tail + 4, "PARE", 4))
        return err_set("unsupported: encrypted Parquet file (encrypted footer)");
    if (memcmp(head, magic, 4) || memcmp(tail + 4, magic, 4))
        return err_set("not a Parquet file (no PAR1 magic at %s)",
                       memcmp(head, magic, 4) ? "the start" : "the end");
    uint32_t flen;
    memcpy(&flen, tail, 4);
    if (flen > size - 12)
        return err_set("footer length %u larger than the file (%zu bytes)", flen, size);
    if (flen > r->opts.memory_limit || flen > (1u << 30))
        return err_set("footer length %u over the limit", flen);
    r->footer_start = size - 8 - flen;
    uint8_t *footer = try_malloc(flen ? flen : 1);
    if (!footer)
        return -1;
    int rc = read_range(r, r->footer_start, flen, footer);
    if (rc == 0 && pq_meta_parse(&r->meta, footer, flen) < 0)
        rc = err_prefix("footer at offset %zu", r->footer_start);
    free(footer);
    if (rc < 0)
        return -1;
    struct pq_file_meta *m = &r->meta;
    if (m->encrypted)
        return err_set("unsupported: encrypted Parquet file (plaintext footer)");
    if (m->num_rows < 0)
        return err_set("negative row count %lld", (long long)m->num_rows);
    if (build_schema(r) < 0)
        return -1;
    uint64_t total = 0;
    for (uint32_t g = 0; g < m->nrow_groups; g++) {
        const struct pq_row_group *rg = &m->row_groups[g];
        if (rg->num_rows < 0)
            return err_set("row group %u: negative row count", g);
        total += (uint64_t)rg->num_rows;
        if (rg->ncolumns != r->ncols)
            return err_set("row group %u has %u column chunks, the schema %zu columns", g,
                           rg->ncolumns, r->ncols);
    }
    if (total != (uint64_t)m->num_rows)
        return err_set("row groups hold %llu rows, the footer says %lld", (unsigned long long)total,
                       (long long)m->num_rows);
    uint64_t max_rows = (uint64_t)size > PQ_ROWS_MAX / PQ_ROWS_PER_BYTE
                            ? PQ_ROWS_MAX
                            : (uint64_t)size * PQ_ROWS_PER_BYTE;
    if (max_rows < PQ_ROWS_FLOOR)
        max_rows = PQ_ROWS_FLOOR;
    if (total > max_rows)
        return err_set("the footer claims %llu rows for a file of %zu bytes, more than its limit "
                       "of %llu (%d per byte, at least %llu, at most %llu)",
                       (unsigned long long)total, size, (unsigned long long)max_rows,
                       PQ_ROWS_PER_BYTE, (unsigned long long)PQ_ROWS_FLOOR,
                       (unsigned long long)PQ_ROWS_MAX);
    r->decode_budget = size > r->opts.file_limit / PQ_DECODED_PER_BYTE ? r->opts.file_limit
                                                                       : size * PQ_DECODED_PER_BYTE;
    if (r->decode_budget < PQ_DECODED_FLOOR)
        r->decode_budget = PQ_DECODED_FLOOR;
    if (r->decode_budget > r->opts.file_limit)
        r->decode_budget = r->opts.file_limit;
    if (check_chunk_ranges(r) < 0)
        return -1;
    r->dec = pq_decompressor_new();
    return 0;
}

static void opts_or_default(struct pq_reader *r, const struct pq_reader_options *opts)
{
    struct pq_reader_options def = PQ_READER_OPTIONS_INIT;
    r->opts = opts ? *opts : def;
    if (r->opts.memory_limit == 0)
        r->opts.memory_limit = def.memory_limit;
    if (r->opts.file_limit == 0)
        r->opts.file_limit = def.file_limit;
}

int pq_reader_open_memory(struct pq_reader **out, const void *data, size_t len,
                          const char *display_name, const struct pq_reader_options *opts)
{
    struct pq_reader *r = xcalloc(1, sizeof *r);
    r->name = xstrdup(display_name ? display_name : "<memory>");
    r->data = len ? data : (const uint8_t *)"";
    r->size = len;
    r->fd = -1;
    opts_or_default(r, opts);
    *out = NULL;
    if (reader_init(r) < 0) {
        err_prefix("%s", r->name);
        pq_reader_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

int pq_reader_open(struct pq_reader **out, const char *path, const struct pq_reader_options *opts)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_errno(path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        err_errno(path);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return err_set("%s: not a regular file", path);
    }
    struct pq_reader *r = xcalloc(1, sizeof *r);
    r->name = xstrdup(path);
    r->size = (size_t)st.st_size;
    r->fd = fd;
    opts_or_default(r, opts);
    /* a small file (test inputs and goldens are) in one read: magic, footer and chunks
     * would take a read each (validate opens every input of every case) */
    if (r->size <= r->opts.whole_file_max) {
        r->owned = xmalloc(r->size ? r->size : 1);
        if (read_range(r, 0, r->size, r->owned) < 0) {
            err_prefix("%s", r->name);
            pq_reader_free(r);
            return -1;
        }
        r->data = r->owned;
        close(r->fd);
        r->fd = -1;
    }
    if (reader_init(r) < 0) {
        err_prefix("%s", r->name);
        pq_reader_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

void pq_reader_free(struct pq_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    free(r->owned);
    pq_meta_free(&r->meta);
    pq_decompressor_free(r->dec);
    free(r->cols);
    free(r->name);
    free(r->page);
    free(r->defs);
    free(r->reps);
    free(r->present);
    free(r->idx);
    free(r->tmp64);
    free(r->chunk);
    free(r);
}

uint64_t pq_reader_num_rows(const struct pq_reader *r)
{
    return (uint64_t)r->meta.num_rows;
}

size_t pq_reader_num_row_groups(const struct pq_reader *r)
{
    return r->meta.nrow_groups;
}

uint64_t pq_reader_row_group_rows(const struct pq_reader *r, size_t rg)
{
    return rg < r->meta.nrow_groups ? (uint64_t)r->meta.row_groups[rg].num_rows : 0;
}

size_t pq_reader_num_columns(const struct pq_reader *r)
{
    return r->ncols;
}

const struct pq_schema_column *pq_reader_column(const struct pq_reader *r, size_t i)
{
    return i < r->ncols ? &r->cols[i].pub : NULL;
}

enum pq_codec pq_reader_column_codec(const struct pq_reader *r, size_t i)
{
    if (r->meta.nrow_groups == 0 || i >= r->meta.row_groups[0].ncolumns ||
        !r->meta.row_groups[0].columns[i].has_meta)
        return PQ_CODEC_UNCOMPRESSED;
    return (enum pq_codec)r->meta.row_groups[0].columns[i].meta.codec;
}

const char *pq_reader_created_by(const struct pq_reader *r)
{
    return r->meta.created_by;
}

const char *pq_reader_metadata(const struct pq_reader *r, const char *key)
{
    for (uint32_t i = 0; i < r->meta.nkv; i++)
        if (!strcmp(r->meta.kv[i].key, key))
            return r->meta.kv[i].value;
    return NULL;
}

/* ---- values ---- */

static int decode_dictionary_page(struct chunk *c, const struct pq_page_header *h, const uint8_t *p,
                                  size_t len)
{
    if (c->has_dict)
        return err_set("second dictionary page");
    if (c->page_no != 0)
        return err_set("dictionary page is not the first page of the chunk");
    if (h->dict_encoding != PQ_ENC_PLAIN && h->dict_encoding != PQ_ENC_PLAIN_DICTIONARY)
        return err_set("dictionary page in unsupported encoding %s",
                       pq_encoding_name(h->dict_encoding));
    size_t n = (size_t)h->dict_num_values;
    struct pq_vector *d = &c->dict;
    size_t w = pqv_width(d->type.physical);
    size_t minw = d->type.physical == PQ_BYTE_ARRAY             ? 4
                  : d->type.physical == PQ_INT96                ? 12
                  : d->type.physical == PQ_FIXED_LEN_BYTE_ARRAY ? (size_t)d->type.type_length
                  : d->type.physical == PQ_BOOLEAN              ? 0
                                                                : w;
    if (minw && n > len / minw)
        return err_set("dictionary of %zu entries does not fit in %zu bytes", n, len);
    if (charge(c, n * (w ? w : 8) + len) < 0 || pqv_reserve(d, n) < 0)
        return -1;
    if (enc_plain(p, len, n, d) < 0)
        return err_prefix("dictionary");
    if (!w && pqv_reserve_data(d, 16) < 0) /* slack for the strided copies of decode_dict_indices */
        return -1;
    d->len = n;
    c->has_dict = true;
    return 0;
}

static int decode_dict_indices(struct chunk *c, const uint8_t *p, size_t len, size_t nn)
{
    struct pq_reader *r = c->r;
    struct pq_vector *v = &c->out->values;
    const struct pq_vector *d = &c->dict;
    if (!c->has_dict)
        return err_set("dictionary-encoded page without a dictionary page");
    if (!grow((void **)&r->idx, &r->idx_cap, nn ? nn : 1, sizeof *r->idx) ||
        enc_dict_indices(p, len, nn, d->len, r->idx) < 0)
        return -1;
    const uint32_t *idx = r->idx;
    size_t w8 = pqv_width(v->type.physical);
    switch (w8) {
    case 1:
        for (size_t i = 0; i < nn; i++)
            v->v.b[v->len + i] = d->v.b[idx[i]];
        return 0;
    case 4: {
        int32_t *o = v->v.i32 + v->len;
        const int32_t *s = d->v.i32;
        for (size_t i = 0; i < nn; i++)
            o[i] = s[idx[i]];
        return 0;
    }
    case 8: {
        int64_t *o = v->v.i64 + v->len;
        const int64_t *s = d->v.i64;
        for (size_t i = 0; i < nn; i++)
            o[i] = s[idx[i]];
        return 0;
    }
    default: break;
    }
    /* byte arrays: sizes first (a short page can repeat a long entry many times) */
    const uint64_t *doff = d->offsets;
    size_t total = 0;
    for (size_t i = 0; i < nn; i++)
        total += (size_t)(doff[idx[i] + 1] - doff[idx[i]]);
    if (charge(c, total) < 0 || pqv_reserve_data(v, total + 16) < 0)
        return -1;
    uint8_t *dst = v->data + v->data_len;
    uint64_t o = v->data_len;
    uint64_t *off = v->offsets + v->len;
    for (size_t i = 0; i < nn; i++) {
        size_t l = (size_t)(doff[idx[i] + 1] - doff[idx[i]]);
        if (l <= 64)
            pq_copy_overrun(dst, d->data + doff[idx[i]], l); /* dictionary has 16 spare */
        else
            memcpy(dst, d->data + doff[idx[i]], l);
        dst += l;
        off[i + 1] = (o += l);
    }
    v->data_len = (size_t)o;
    return 0;
}

/* Decodes nn values in encoding enc into the slots after v->len (v->len unchanged). */
static int decode_values(struct chunk *c, const uint8_t *p, size_t len, int enc, size_t nn)
{
    struct pq_reader *r = c->r;
    struct pq_vector *v = &c->out->values;
    enum pq_physical ph = v->type.physical;
    size_t w = pqv_width(ph);
    void *dst = w ? v->v.b + v->len * w : NULL;
    size_t used;
    switch (enc) {
    case PQ_ENC_PLAIN: return enc_plain(p, len, nn, v);
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_RLE_DICTIONARY: return decode_dict_indices(c, p, len, nn);
    case PQ_ENC_RLE:
        if (ph == PQ_BOOLEAN) {
            uint32_t l;
            if (len < 4)
                return err_set("RLE booleans: length prefix truncated");
            memcpy(&l, p, 4);
            if (l > len - 4)
                return err_set("RLE booleans: length %u past the end of the page", l);
            struct rle_decoder d;
            rle_init(&d, p + 4, l, 1);
            return rle_get_u8(&d, dst, nn);
        }
        break;
    case PQ_ENC_DELTA_BINARY_PACKED:
        if (ph == PQ_INT32 || ph == PQ_INT64) {
            if (!grow((void **)&r->tmp64, &r->tmp_cap, nn ? nn : 1, sizeof *r->tmp64))
                return -1;
            if (enc_delta_binary(p, len, nn, r->tmp64, ph == PQ_INT32, &used) < 0)
                return -1;
            if (ph == PQ_INT64) {
                memcpy(dst, r->tmp64, nn * 8);
            } else {
                int32_t *o = dst;
                for (size_t i = 0; i < nn; i++)
                    o[i] = (int32_t)r->tmp64[i];
            }
            return 0;
        }
        break;
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        if (ph == PQ_BYTE_ARRAY)
            return enc_delta_length_bytes(p, len, nn, v, r->opts.memory_limit);
        break;
    case PQ_ENC_DELTA_BYTE_ARRAY:
        if (ph == PQ_BYTE_ARRAY || ph == PQ_FIXED_LEN_BYTE_ARRAY) {
            size_t room = r->opts.memory_limit - *c->used;
            size_t before = v->data_len;
            int rc = enc_delta_bytes(
                p, len, nn, ph == PQ_FIXED_LEN_BYTE_ARRAY ? v->type.type_length : 0, v, room);
            return rc < 0 ? rc : charge(c, v->data_len - before);
        }
        break;
    case PQ_ENC_BYTE_STREAM_SPLIT:
        if (ph == PQ_FLOAT || ph == PQ_DOUBLE || ph == PQ_INT32 || ph == PQ_INT64)
            return enc_byte_stream_split(p, len, nn, w, dst);
        if (ph == PQ_FIXED_LEN_BYTE_ARRAY) {
            size_t fl = (size_t)v->type.type_length;
            if (nn && len / nn != fl)
                return err_set("BYTE_STREAM_SPLIT: %zu bytes for %zu values of %zu bytes", len, nn,
                               fl);
            uint8_t *tmp = try_malloc(len ? len : 1);
            if (!tmp)
                return -1;
            int rc = enc_byte_stream_split(p, len, nn, fl, tmp);
            if (rc == 0)
                rc = enc_plain_bytes(tmp, len, nn, (int32_t)fl, v);
            free(tmp);
            return rc;
        }
        break;
    default: return err_set("unsupported encoding %s (%d)", pq_encoding_name(enc), enc);
    }
    return err_set("encoding %s is not valid for this column's type", pq_encoding_name(enc));
}

/* Spreads the nn decoded values (at slots len..len+nn) over m slots where present[] says,
 * nulls in between, and sets the validity bytes; v->len grows by m. */
static int spread_nulls(struct pq_vector *v, const uint8_t *present, size_t m, size_t nn)
{
    size_t base = v->len;
    if (nn < m) {
        size_t w = pqv_width(v->type.physical);
        size_t k = nn;
        if (w) {
            uint8_t *b = v->v.b;
            for (size_t i = m; i-- > 0;) {
                if (present[i])
                    memmove(b + (base + i) * w, b + (base + --k) * w, w);
                else
                    memset(b + (base + i) * w, 0, w);
            }
        } else {
            /* off[j + 1] is the end of value j; slot i ends where its last value does */
            uint64_t *off = v->offsets + base;
            for (size_t i = m; i-- > 0;) {
                off[i + 1] = off[k];
                if (present[i])
                    k--;
            }
        }
        if (!v->valid) {
            v->valid = try_malloc(v->cap);
            if (!v->valid)
                return -1;
            memset(v->valid, 1, base);
        }
        memcpy(v->valid + base, present, m);
    } else if (v->valid) {
        memset(v->valid + base, 1, m);
    }
    v->len = base + m;
    return 0;
}

/* Pushes one list row ending at element `end`. */
static int list_push(struct pq_column *c, uint64_t end, bool valid)
{
    if (c->list_len + 1 > c->list_cap) {
        size_t cap = c->list_cap ? c->list_cap * 2 : 16;
        uint64_t *o = try_reallocarray(c->list_offsets, cap + 1, sizeof *c->list_offsets);
        if (!o)
            return -1;
        c->list_offsets = o;
        if (c->list_valid) {
            uint8_t *lv = try_realloc(c->list_valid, cap);
            if (!lv)
                return -1;
            c->list_valid = lv;
        }
        c->list_cap = cap;
    }
    if (!valid && !c->list_valid) {
        c->list_valid = try_malloc(c->list_cap);
        if (!c->list_valid)
            return -1;
        memset(c->list_valid, 1, c->list_len);
    }
    if (c->list_valid)
        c->list_valid[c->list_len] = valid;
    c->list_offsets[++c->list_len] = end;
    return 0;
}

/* ---- pages ---- */

/* The scratch buffer for a decompressed page; NULL with the error set. */
static uint8_t *page_buffer(struct chunk *c, size_t n)
{
    struct pq_reader *r = c->r;
    if (n > r->page_cap) {
        free(r->page);
        r->page_cap = 0;
        r->page = try_malloc(n);
        if (!r->page)
            return NULL;
        xalloc_hint_huge(r->page, n);
        r->page_cap = n;
    }
    return r->page;
}

static int decode_data_page(struct chunk *c, const struct pq_page_header *h, const uint8_t *payload)
{
    struct pq_reader *r = c->r;
    const struct rcol *col = c->col;
    size_t n = (size_t)h->num_values;
    const uint64_t rg_rows = (uint64_t)r->meta.row_groups[c->rg].num_rows;
    bool v2 = h->type == PQ_PAGE_DATA_V2;
    if (!col->pub.is_list && c->levels + n > rg_rows)
        return err_set("page holds %zu values, more than the row group's %llu rows", n,
                       (unsigned long long)rg_rows);
    /* A head read of a flat column decodes only the rows it wants from a page whose values
     * are sequential (PLAIN, dictionary indices); other encodings decode the whole page. */
    int enc = h->encoding;
    bool partial =
        !col->pub.is_list && c->levels + n > c->limit &&
        (enc == PQ_ENC_PLAIN || enc == PQ_ENC_PLAIN_DICTIONARY || enc == PQ_ENC_RLE_DICTIONARY) &&
        (v2 || h->def_encoding == PQ_ENC_RLE || col->max_def == 0);
    if (partial)
        n = (size_t)(c->limit - c->levels);
    /* each level takes at least one bit of the uncompressed page, except in RLE runs: cap
     * by the memory budget before allocating anything proportional to n */
    if (charge(c, n * (pqv_width(c->out->values.type.physical) + 10)) < 0)
        return -1;
    if (n > r->lv_cap) {
        size_t cap = r->lv_cap, cap2 = r->lv_cap, cap3 = r->lv_cap;
        bool ok = grow((void **)&r->defs, &cap, n, 1) && grow((void **)&r->reps, &cap2, n, 1) &&
                  grow((void **)&r->present, &cap3, n, 1);
        r->lv_cap = ok ? cap : 0;
        if (!ok)
            return -1;
    }
    uint8_t *defs = r->defs, *reps = r->reps;
    const uint8_t *vals;
    size_t vals_len;
    size_t comp = (size_t)h->compressed_size, unc = (size_t)h->uncompressed_size;
    int codec = c->m->codec;
    if (!v2) {
        const uint8_t *p = payload;
        size_t len = comp;
        if (codec != PQ_CODEC_UNCOMPRESSED) {
            uint8_t *buf = page_buffer(c, unc);
            if (!buf || pq_decompress(r->dec, codec, payload, comp, buf, unc) < 0)
                return -1;
            p = buf;
            len = unc;
        }
        size_t pos = 0, used = 0;
        if (col->max_rep > 0) {
            if (enc_levels(p, len, h->rep_encoding, col->max_rep, n, true, reps, &used,
                           "repetition") < 0)
                return -1;
            pos += used;
        }
        if (col->max_def > 0) {
            if (enc_levels(p + pos, len - pos, h->def_encoding, col->max_def, n, true, defs, &used,
                           "definition") < 0)
                return -1;
            pos += used;
        }
        vals = p + pos;
        vals_len = len - pos;
    } else {
        size_t rl = (size_t)h->rep_len, dl = (size_t)h->def_len;
        if (rl + dl > comp || rl + dl > unc)
            return err_set("level lengths %zu + %zu exceed the page size", rl, dl);
        size_t used;
        if (col->max_rep > 0) {
            if (enc_levels(payload, rl, PQ_ENC_RLE, col->max_rep, n, false, reps, &used,
                           "repetition") < 0)
                return -1;
        } /* else: some writers store width-0 levels anyway; skip them */
        if (col->max_def > 0) {
            if (enc_levels(payload + rl, dl, PQ_ENC_RLE, col->max_def, n, false, defs, &used,
                           "definition") < 0)
                return -1;
        }
        const uint8_t *in = payload + rl + dl;
        size_t in_len = comp - rl - dl, out_len = unc - rl - dl;
        if (h->is_compressed && codec != PQ_CODEC_UNCOMPRESSED) {
            uint8_t *buf = page_buffer(c, out_len ? out_len : 1);
            if (!buf || pq_decompress(r->dec, codec, in, in_len, buf, out_len) < 0)
                return -1;
            vals = buf;
            vals_len = out_len;
        } else {
            vals = in;
            vals_len = in_len;
        }
    }
    /* which slots hold values */
    uint8_t *present = r->present;
    size_t m = 0, nn = 0;
    int maxd = col->max_def;
    if (!col->pub.is_list) {
        m = n;
        if (maxd == 0) {
            if (n) /* present is NULL until a page holds values */
                memset(present, 1, n);
            nn = n;
        } else {
            for (size_t i = 0; i < n; i++) {
                present[i] = defs[i] == maxd;
                nn += present[i];
            }
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            if (defs[i] >= col->elem_def) {
                present[m] = defs[i] == maxd;
                nn += present[m++];
            }
        }
    }
    if (v2 && !partial && !col->pub.is_list && (size_t)h->num_nulls != n - nn)
        return err_set("page header says %d nulls, the definition levels %zu", h->num_nulls,
                       n - nn);
    struct pq_vector *v = &c->out->values;
    if (pqv_reserve(v, m) < 0)
        return -1;
    size_t data_before = v->data_len;
    if (decode_values(c, vals, vals_len, enc, nn) < 0)
        return err_prefix("%s values", pq_encoding_name(enc));
    if (enc != PQ_ENC_PLAIN_DICTIONARY && enc != PQ_ENC_RLE_DICTIONARY &&
        enc != PQ_ENC_DELTA_BYTE_ARRAY && charge(c, v->data_len - data_before) < 0)
        return -1;
    uint64_t elem_base = v->len;
    if (spread_nulls(v, present, m, nn) < 0)
        return -1;
    if (!col->pub.is_list) {
        c->levels += n;
        return 0;
    }
    /* list rows from repetition and definition levels */
    struct pq_column *out = c->out;
    uint64_t e = elem_base;
    for (size_t i = 0; i < n; i++) {
        if (reps[i] == 0) {
            if (c->row_open && list_push(out, e, c->row_valid) < 0)
                return -1;
            c->row_open = true;
            c->row_valid = defs[i] >= col->list_def;
            c->rows++;
        } else if (!c->row_open) {
            return err_set("first value of the column chunk continues a row (repetition "
                           "level %u)",
                           reps[i]);
        } else if (defs[i] < col->elem_def) {
            return err_set("repeated value %zu is an empty or null list", i);
        }
        if (defs[i] >= col->elem_def)
            e++;
    }
    c->levels += n;
    if (c->rows > rg_rows)
        return err_set("column holds more rows than the row group's %llu",
                       (unsigned long long)rg_rows);
    return 0;
}

/* Old parquet-mr (PARQUET-816, IMPALA-694) left the dictionary page header out of
 * total_compressed_size: like Arrow, let a page run up to 100 bytes past the declared end,
 * never past the data area. */
static int read_pages(struct chunk *c, const uint8_t *start, size_t len, uint64_t file_off)
{
    struct pq_reader *r = c->r;
    size_t pos = 0;
    size_t slack = r->footer_start - (size_t)file_off - len;
    if (slack > 100)
        slack = 100;
    const uint64_t rg_rows = (uint64_t)r->meta.row_groups[c->rg].num_rows;
    while (pos < len) {
        if (!c->col->pub.is_list && c->levels >= c->limit)
            break; /* all rows read; ignore trailing index pages */
        if (c->col->pub.is_list && c->limit < rg_rows && c->rows > c->limit)
            break; /* a row past the limit has started: the first `limit` are complete */
        struct pq_page_header h;
        size_t hlen;
        c->page_off = file_off + pos;
        c->in_page = true;
        if (pq_page_header_parse(&h, start + pos, len + slack - pos, &hlen) < 0)
            return -1;
        size_t comp = (size_t)h.compressed_size;
        if (comp > len - pos - hlen && comp > slack + len - pos - hlen)
            return err_set("page of %zu bytes runs past the end of the column chunk", comp);
        if ((uint64_t)h.uncompressed_size > (uint64_t)r->opts.memory_limit)
            return err_set("page declares %d uncompressed bytes, over the memory limit",
                           h.uncompressed_size);
        if ((uint64_t)h.uncompressed_size > (uint64_t)(r->decode_budget - r->decoded))
            return budget_error(r);
        const uint8_t *payload = start + pos + hlen;
        if (r->opts.verify_crc && h.has_crc && (uint32_t)crc32(0, payload, (uInt)comp) != h.crc)
            return err_set("page CRC mismatch");
        if (h.type == PQ_PAGE_DICTIONARY) {
            const uint8_t *p = payload;
            size_t plen = comp;
            if (c->m->codec != PQ_CODEC_UNCOMPRESSED) {
                uint8_t *buf = page_buffer(c, (size_t)h.uncompressed_size + 1);
                if (!buf || pq_decompress(r->dec, c->m->codec, payload, comp, buf,
                                          (size_t)h.uncompressed_size) < 0)
                    return -1;
                p = buf;
                plen = (size_t)h.uncompressed_size;
            }
            if (decode_dictionary_page(c, &h, p, plen) < 0)
                return -1;
        } else if (h.type == PQ_PAGE_DATA || h.type == PQ_PAGE_DATA_V2) {
            if (decode_data_page(c, &h, payload) < 0)
                return -1;
        } /* index pages and unknown page types are skipped */
        pos += hlen + comp;
        c->page_no++;
    }
    c->in_page = false;
    return 0;
}

static int read_chunk(struct chunk *c)
{
    struct pq_reader *r = c->r;
    const struct pq_column_chunk *cc = &r->meta.row_groups[c->rg].columns[c->col - r->cols];
    const struct pq_column_meta *m = &cc->meta;
    c->m = m;
    if (cc->encrypted)
        return err_set("unsupported: encrypted column");
    if (!cc->has_meta)
        return err_set("column chunk without metadata");
    if (cc->has_file_path)
        return err_set("unsupported: column chunk in another file (file_path)");
    if (m->type != (int)c->col->pub.type.physical)
        return err_set("chunk type %d differs from the schema's %d", m->type,
                       (int)c->col->pub.type.physical);
    if (m->path_len == 0 || strcmp(m->path[0], c->col->pub.name))
        return err_set("chunk path '%s' does not match the column", m->path_len ? m->path[0] : "");
    if (pq_codec_check(m->codec) < 0)
        return -1;
    size_t start, len;
    if (chunk_range(r, m, &start, &len) < 0)
        return -1;
    /* Flat columns know their length: size the vector once (bounded by the memory cap and
     * what is left of the file's decoding budget: the sizes are the footer's word). */
    const uint64_t rows = (uint64_t)r->meta.row_groups[c->rg].num_rows;
    size_t w = pqv_width(c->col->pub.type.physical);
    size_t room = r->decode_budget - r->decoded;
    if (!c->col->pub.is_list && c->limit && c->limit <= r->opts.memory_limit / 16 &&
        c->limit <= room / 16 && pqv_reserve(&c->out->values, (size_t)c->limit) < 0)
        return -1;
    if (!w && c->limit == rows && m->total_uncompressed_size > 0 &&
        (uint64_t)m->total_uncompressed_size <= r->opts.memory_limit / 4 &&
        (uint64_t)m->total_uncompressed_size <= room &&
        pqv_reserve_data(&c->out->values, (size_t)m->total_uncompressed_size) < 0)
        return -1;
    /* Fault the reserved memory in now, in one call per buffer rather than a trap per page
     * (docs/parquet.md, "Memory and I/O"); the sizes come from the footer, so at most 64
     * bytes per byte of the chunk, so that a lying footer cannot make us commit memory. */
    if (c->limit == rows && len > 0) {
        struct pq_vector *v = &c->out->values;
        size_t budget = len > SIZE_MAX / 64 ? SIZE_MAX : len * 64;
        size_t slots = w ? v->cap * w : (v->cap + 1) * sizeof *v->offsets;
        void *p = w ? (void *)v->v.b : (void *)v->offsets;
        if (v->len == 0 && slots <= budget && p)
            xalloc_prefault(p, slots);
        if (!w && v->data_len == 0 && v->data_cap <= budget)
            xalloc_prefault(v->data, v->data_cap);
    }
    /* File mode maps just this chunk (and the up to 100 bytes of slack read_pages may use),
     * pre-faulted in one call: no per-page faults, nothing else of the file is read, and the
     * mapping goes away with the chunk. */
    const uint8_t *base = r->data ? r->data + start : NULL;
    void *map = NULL;
    size_t map_len = 0;
    size_t slack_all = r->footer_start - start - len;
    if (!base && c->limit == rows) {
        /* a whole chunk: one pread into a buffer reused across chunks (cheaper than mapping
         * and unmapping every page of it) */
        size_t want = len + (slack_all > 100 ? 100 : slack_all);
        if (want > r->chunk_cap) {
            free(r->chunk);
            r->chunk_cap = 0;
            r->chunk = try_malloc(want ? want : 1);
            if (!r->chunk)
                return -1;
            xalloc_hint_huge(r->chunk, want);
            r->chunk_cap = want;
        }
        xalloc_prefault(r->chunk, want);
        if (read_range(r, start, want, r->chunk) < 0)
            return -1;
        base = r->chunk;
    }
    if (!base) {
        size_t pad = start & 4095, slack = slack_all;
        map_len = pad + len + (slack > 100 ? 100 : slack);
        /* pre-fault the whole chunk only when all of it will be read */
        int flags = MAP_PRIVATE | (c->limit < rows ? 0 : MAP_POPULATE);
        map = mmap(NULL, map_len ? map_len : 1, PROT_READ, flags, r->fd, (off_t)(start - pad));
        if (map == MAP_FAILED)
            return err_errno("mmap");
        base = (const uint8_t *)map + pad;
    }
    int rc = read_pages(c, base, len, (uint64_t)start);
    if (map)
        munmap(map, map_len ? map_len : 1);
    if (rc < 0)
        return -1;
    const uint64_t rg_rows = rows;
    struct pq_vector *v = &c->out->values;
    if (c->col->pub.is_list) {
        bool cut = c->limit < rg_rows && c->rows > c->limit;
        if (c->row_open && !cut && list_push(c->out, v->len, c->row_valid) < 0)
            return -1;
        if (!cut && c->rows != rg_rows)
            return err_set("column has %llu rows, the row group %llu", (unsigned long long)c->rows,
                           (unsigned long long)rg_rows);
        if (c->limit < rg_rows && c->out->list_len > c->limit) {
            c->out->list_len = (size_t)c->limit;
            vector_truncate(v, (size_t)c->out->list_offsets[c->limit]);
        }
    } else if (c->limit < rg_rows) {
        if (c->levels < c->limit)
            return err_set("column has %llu values, the row group %llu rows",
                           (unsigned long long)c->levels, (unsigned long long)rg_rows);
        vector_truncate(v, (size_t)c->limit);
    } else if (c->levels != rg_rows) {
        return err_set("column has %llu values, the row group %llu rows",
                       (unsigned long long)c->levels, (unsigned long long)rg_rows);
    }
    return 0;
}

/* Drops the values past the first n (a head read decodes whole pages). */
static void vector_truncate(struct pq_vector *v, size_t n)
{
    if (n >= v->len)
        return;
    if (v->offsets)
        v->data_len = (size_t)v->offsets[n];
    v->len = n;
}

static void empty_table(const struct pq_reader *r, const bool *want, struct pq_table *out)
{
    *out = (struct pq_table)PQ_TABLE_INIT;
    for (size_t i = 0; i < r->ncols; i++) {
        if (want && !want[i])
            continue;
        const struct pq_schema_column *s = &r->cols[i].pub;
        if (s->is_list)
            table_add_list_column(out, s->name, s->type, s->optional, s->element_optional);
        else
            table_add_column(out, s->name, s->type, s->optional);
    }
}

int pq_reader_read_row_group(struct pq_reader *r, size_t rg, const bool *want, struct pq_table *out)
{
    return pq_reader_read_row_group_head(r, rg, want, UINT64_MAX, out);
}

/* Decodes row group rg, appending its rows to out (whose columns are the wanted ones). A head
 * read (max_rows under the row group's rows) only into a table without rows. On failure out
 * is freed. */
static int read_row_group_into(struct pq_reader *r, size_t rg, const bool *want, uint64_t max_rows,
                               struct pq_table *out)
{
    if (rg >= r->meta.nrow_groups) {
        table_free(out);
        return err_set("%s: no row group %zu (the file has %u)", r->name, rg, r->meta.nrow_groups);
    }
    size_t used = 0, k = 0;
    const uint64_t rg_rows = (uint64_t)r->meta.row_groups[rg].num_rows;
    /* A row group without rows has nothing to decode; pyarrow writes its (page-less) column
     * chunks with a data_page_offset of 0, which the range check in read_chunk refuses. */
    if (rg_rows == 0 || max_rows == 0)
        return 0;
    for (size_t i = 0; i < r->ncols; i++) {
        if (want && !want[i])
            continue;
        struct chunk c = {0};
        c.r = r;
        c.rg = rg;
        c.col = &r->cols[i];
        c.out = &out->cols[k++];
        c.used = &used;
        c.dict.type = c.col->pub.type;
        c.limit = rg_rows < max_rows ? rg_rows : max_rows;
        int rc = read_chunk(&c);
        vector_free(&c.dict);
        if (rc < 0) {
            if (c.in_page)
                err_prefix("%s: column '%s', row group %zu, page %zu at offset %llu", r->name,
                           c.col->pub.name, rg, c.page_no, (unsigned long long)c.page_off);
            else
                err_prefix("%s: column '%s', row group %zu", r->name, c.col->pub.name, rg);
            table_free(out);
            return -1;
        }
    }
    out->nrows += (size_t)(rg_rows < max_rows ? rg_rows : max_rows);
    if (table_check(out) < 0) {
        err_prefix("%s: row group %zu", r->name, rg);
        table_free(out);
        return -1;
    }
    return 0;
}

int pq_reader_read_row_group_head(struct pq_reader *r, size_t rg, const bool *want,
                                  uint64_t max_rows, struct pq_table *out)
{
    empty_table(r, want, out);
    return read_row_group_into(r, rg, want, max_rows, out);
}

/* Every row group of r into *out, decoded one after the other into the same table (no copy of
 * the rows read so far, and every allocation on the way fallible); frees r. */
static int read_whole(struct pq_reader *r, struct pq_table *out)
{
    empty_table(r, NULL, out);
    int rc = 0;
    for (size_t g = 0; g < pq_reader_num_row_groups(r) && rc == 0; g++)
        rc = read_row_group_into(r, g, NULL, UINT64_MAX, out);
    pq_reader_free(r);
    return rc;
}

int pq_read_file(const char *path, struct pq_table *out)
{
    struct pq_reader *r;
    *out = (struct pq_table)PQ_TABLE_INIT;
    if (pq_reader_open(&r, path, NULL) < 0)
        return -1;
    return read_whole(r, out);
}

int pq_read_memory(const void *data, size_t len, const char *display_name, struct pq_table *out)
{
    struct pq_reader *r;
    *out = (struct pq_table)PQ_TABLE_INIT;
    if (pq_reader_open_memory(&r, data, len, display_name, NULL) < 0)
        return -1;
    return read_whole(r, out);
}
