/* The semantic comparator (compare.h): a schema pass, a one-pass fast path for identical
 * tables, then row matching (by position or by key through a hash index) and cell-by-cell
 * comparison with tolerances. Cells are rendered (table/format.h) only when they differ. */
#include "compare.h"
#include "format.h"
#include "util/error.h"
#include "util/quote.h"
#include "util/xalloc.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A column compared on both sides. */
struct pair {
    const struct pq_column *e;
    const struct pq_column *a;
    double rtol, atol;
    size_t result_index;
};

struct keyset {
    const struct pq_column **cols; /* nkey columns of one table */
    size_t n;
};

/* ---- option helpers ---- */

static bool in_list(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

static void tolerance_for(const struct compare_options *o, const char *column, double *rtol,
                          double *atol)
{
    *rtol = o->rtol;
    *atol = o->atol;
    for (size_t i = 0; i < o->ntolerances; i++)
        if (!strcmp(o->tolerances[i].column, column)) {
            *rtol = o->tolerances[i].rtol;
            *atol = o->tolerances[i].atol;
        }
}

static bool bad_tolerance(double x)
{
    return isnan(x) || x < 0 || isinf(x);
}

static int check_options(const struct compare_options *o)
{
    if (bad_tolerance(o->rtol) || bad_tolerance(o->atol))
        return err_set("tolerances must be finite and not negative (rtol %g, atol %g)", o->rtol,
                       o->atol);
    for (size_t i = 0; i < o->ntolerances; i++)
        if (bad_tolerance(o->tolerances[i].rtol) || bad_tolerance(o->tolerances[i].atol))
            return err_set("column '%s': tolerances must be finite and not negative",
                           o->tolerances[i].column);
    return 0;
}

/* ---- schema ---- */

static void add_issue(struct compare_result *r, enum schema_issue_kind kind, const char *column,
                      const char *expected, const char *actual, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void add_issue(struct compare_result *r, enum schema_issue_kind kind, const char *column,
                      const char *expected, const char *actual, const char *fmt, ...)
{
    r->schema = xreallocarray(r->schema, r->nschema + 1, sizeof *r->schema);
    struct schema_issue *s = &r->schema[r->nschema++];
    s->kind = kind;
    s->column = column ? xstrdup(column) : NULL;
    s->expected = expected ? xstrdup(expected) : NULL;
    s->actual = actual ? xstrdup(actual) : NULL;
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    struct buf one = BUF_INIT; /* column names come from the container: one line */
    quote_controls(&one, b.data, b.len);
    s->message = buf_detach(&one, NULL);
    buf_free(&b);
}

static void describe(const struct pq_column *c, char *out, size_t n)
{
    pq_type_describe(&c->values.type, c->is_list, out, n);
}

static bool same_type(const struct pq_column *a, const struct pq_column *b)
{
    return a->is_list == b->is_list && pq_type_equal(&a->values.type, &b->values.type);
}

/* Column names of t not ignored, in order, joined by ", ". */
static void column_order(const struct pq_table *t, const struct compare_options *o,
                         const struct pq_table *other, struct buf *out)
{
    for (size_t i = 0; i < t->ncols; i++) {
        const char *name = t->cols[i].name;
        if (in_list(o->ignore, o->nignore, name) || table_find_column(other, name) < 0)
            continue;
        if (out->len)
            buf_addstr(out, ", ");
        buf_addstr(out, name);
    }
}

/* Fills the pairs of comparable columns and the schema issues. */
static void plan_columns(const struct pq_table *e, const struct pq_table *a,
                         const struct compare_options *o, struct compare_result *r,
                         struct pair **pairs, size_t *npairs)
{
    char te[96], ta[96];
    *pairs = xcalloc(e->ncols ? e->ncols : 1, sizeof **pairs);
    *npairs = 0;
    r->column_names = xcalloc(e->ncols ? e->ncols : 1, sizeof *r->column_names);
    r->column_diffs = xcalloc(e->ncols ? e->ncols : 1, sizeof *r->column_diffs);
    for (size_t i = 0; i < e->ncols; i++) {
        const struct pq_column *ec = &e->cols[i];
        if (in_list(o->ignore, o->nignore, ec->name))
            continue;
        long j = table_find_column(a, ec->name);
        describe(ec, te, sizeof te);
        if (j < 0) {
            add_issue(r, SCHEMA_MISSING_COLUMN, ec->name, te, NULL, "column '%s' (%s) is missing",
                      ec->name, te);
            continue;
        }
        const struct pq_column *ac = &a->cols[j];
        if (!same_type(ec, ac)) {
            describe(ac, ta, sizeof ta);
            add_issue(r, SCHEMA_TYPE_CHANGED, ec->name, te, ta, "column '%s': %s became %s",
                      ec->name, te, ta);
            continue;
        }
        struct pair *p = &(*pairs)[(*npairs)++];
        p->e = ec;
        p->a = ac;
        tolerance_for(o, ec->name, &p->rtol, &p->atol);
        p->result_index = r->ncolumns;
        r->column_names[r->ncolumns++] = xstrdup(ec->name);
    }
    for (size_t j = 0; j < a->ncols; j++) {
        const struct pq_column *ac = &a->cols[j];
        if (in_list(o->ignore, o->nignore, ac->name) || table_find_column(e, ac->name) >= 0)
            continue;
        describe(ac, ta, sizeof ta);
        add_issue(r, SCHEMA_EXTRA_COLUMN, ac->name, NULL, ta, "column '%s' (%s) is new", ac->name,
                  ta);
    }
    if (o->strict_column_order) {
        struct buf be = BUF_INIT, ba = BUF_INIT;
        column_order(e, o, a, &be);
        column_order(a, o, e, &ba);
        if (strcmp(be.data, ba.data))
            add_issue(r, SCHEMA_ORDER, NULL, be.data, ba.data,
                      "column order changed: expected %s; actual %s", be.data, ba.data);
        buf_free(&be);
        buf_free(&ba);
    }
    r->compared_columns = *npairs;
}

/* Resolves the key columns on both sides; -1 (with a schema issue) when one is unusable. */
static int plan_keys(const struct pq_table *e, const struct pq_table *a,
                     const struct compare_options *o, struct compare_result *r, struct keyset *ke,
                     struct keyset *ka)
{
    ke->cols = xcalloc(o->nkey, sizeof *ke->cols);
    ka->cols = xcalloc(o->nkey, sizeof *ka->cols);
    ke->n = ka->n = o->nkey;
    int rc = 0;
    for (size_t k = 0; k < o->nkey; k++) {
        long i = table_find_column(e, o->key[k]);
        long j = table_find_column(a, o->key[k]);
        if (i < 0 || j < 0) {
            add_issue(r, SCHEMA_BAD_KEY, o->key[k], NULL, NULL,
                      "key column '%s' is missing from the %s table", o->key[k],
                      i < 0 && j < 0 ? "expected and the actual"
                      : i < 0        ? "expected"
                                     : "actual");
            rc = -1;
            continue;
        }
        if (!same_type(&e->cols[i], &a->cols[j])) {
            /* reported as a type change already unless ignored; say why rows cannot match */
            add_issue(r, SCHEMA_BAD_KEY, o->key[k], NULL, NULL,
                      "key column '%s' has different types: rows cannot be matched", o->key[k]);
            rc = -1;
            continue;
        }
        ke->cols[k] = &e->cols[i];
        ka->cols[k] = &a->cols[j];
    }
    return rc;
}

/* ---- values ---- */

static bool numbers_close(double e, double a, double rtol, double atol, bool nan_equal)
{
    if (isnan(e) || isnan(a))
        return isnan(e) && isnan(a) && nan_equal;
    if (e == a)
        return true;
    if (isinf(e) || isinf(a))
        return false;
    return fabs(a - e) <= atol + rtol * fabs(e);
}

static double scale_of(const struct pq_type *t)
{
    return t->logical == PQ_LOGICAL_DECIMAL ? pow(10.0, -t->scale) : 1.0;
}

/* Value i of e against value j of a (same type). */
static bool value_equal(const struct pq_vector *e, size_t i, const struct pq_vector *a, size_t j,
                        double rtol, double atol, bool nan_equal)
{
    bool ne = vector_is_null(e, i), na = vector_is_null(a, j);
    if (ne || na)
        return ne && na;
    const struct pq_type *t = &e->type;
    bool tol = rtol > 0 || atol > 0;
    bool is_unsigned = t->logical == PQ_LOGICAL_INTEGER && !t->is_signed;
    switch (t->physical) {
    case PQ_BOOLEAN: return e->v.b[i] == a->v.b[j];
    case PQ_INT32:
        if (e->v.i32[i] == a->v.i32[j])
            return true;
        if (!tol)
            return false;
        if (is_unsigned)
            return numbers_close((double)(uint32_t)e->v.i32[i], (double)(uint32_t)a->v.i32[j], rtol,
                                 atol, nan_equal);
        return numbers_close(e->v.i32[i] * scale_of(t), a->v.i32[j] * scale_of(t), rtol, atol,
                             nan_equal);
    case PQ_INT64:
    case PQ_INT96:
        if (e->v.i64[i] == a->v.i64[j])
            return true;
        if (!tol)
            return false;
        if (is_unsigned)
            return numbers_close((double)(uint64_t)e->v.i64[i], (double)(uint64_t)a->v.i64[j], rtol,
                                 atol, nan_equal);
        return numbers_close((double)e->v.i64[i] * scale_of(t), (double)a->v.i64[j] * scale_of(t),
                             rtol, atol, nan_equal);
    case PQ_FLOAT: return numbers_close(e->v.f32[i], a->v.f32[j], rtol, atol, nan_equal);
    case PQ_DOUBLE: return numbers_close(e->v.f64[i], a->v.f64[j], rtol, atol, nan_equal);
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY: {
        size_t le, la;
        const uint8_t *pe = vector_bytes(e, i, &le);
        const uint8_t *pa = vector_bytes(a, j, &la);
        return le == la && (le == 0 || !memcmp(pe, pa, le));
    }
    }
    return false;
}

/* Row i of column e against row j of column a (same type, flat or list). */
static bool cell_equal(const struct pq_column *e, size_t i, const struct pq_column *a, size_t j,
                       double rtol, double atol, bool nan_equal)
{
    if (!e->is_list)
        return value_equal(&e->values, i, &a->values, j, rtol, atol, nan_equal);
    bool ne = column_is_null(e, i), na = column_is_null(a, j);
    if (ne || na)
        return ne && na;
    uint64_t eb = e->list_offsets[i], ee = e->list_offsets[i + 1];
    uint64_t ab = a->list_offsets[j], ae = a->list_offsets[j + 1];
    if (ee - eb != ae - ab)
        return false;
    for (uint64_t k = 0; k < ee - eb; k++)
        if (!value_equal(&e->values, (size_t)(eb + k), &a->values, (size_t)(ab + k), rtol, atol,
                         nan_equal))
            return false;
    return true;
}

/* ---- fast path: byte-identical columns ---- */

static bool all_set(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!p[i])
            return false;
    return true;
}

/* Validity of rows [ei, ei+n) of e against [ai, ai+n) of a (NULL: every row valid). */
static bool validity_identical(const uint8_t *e, size_t ei, const uint8_t *a, size_t ai, size_t n)
{
    if (!e && !a)
        return true;
    if (!e)
        return all_set(a + ai, n);
    if (!a)
        return all_set(e + ei, n);
    return n == 0 || !memcmp(e + ei, a + ai, n);
}

static size_t value_width(enum pq_physical p)
{
    switch (p) {
    case PQ_BOOLEAN: return 1;
    case PQ_INT32:
    case PQ_FLOAT: return 4;
    case PQ_INT64:
    case PQ_INT96:
    case PQ_DOUBLE: return 8;
    default: return 0;
    }
}

static bool has_nan(const struct pq_vector *v, size_t from, size_t n)
{
    for (size_t i = from; i < from + n; i++) {
        if (vector_is_null(v, i))
            continue;
        if (v->type.physical == PQ_DOUBLE ? isnan(v->v.f64[i]) : isnan(v->v.f32[i]))
            return true;
    }
    return false;
}

/* Offsets [ei, ei+n] of e and [ai, ai+n] of a describe the same lengths (the bases may
 * differ: a window of one chunk against a window of another). */
static bool offsets_identical(const uint64_t *e, size_t ei, const uint64_t *a, size_t ai, size_t n)
{
    if (e[ei] == a[ai])
        return !memcmp(e + ei, a + ai, (n + 1) * sizeof *e);
    uint64_t be = e[ei], ba = a[ai];
    for (size_t k = 1; k <= n; k++)
        if (e[ei + k] - be != a[ai + k] - ba)
            return false;
    return true;
}

/* true only when values [ei, ei+n) of e and [ai, ai+n) of a are the same bytes (then they are
 * equal, NaN aside). */
static bool vector_identical(const struct pq_vector *e, size_t ei, const struct pq_vector *a,
                             size_t ai, size_t n, bool nan_equal)
{
    if (e->len < ei || e->len - ei < n || a->len < ai || a->len - ai < n)
        return false;
    if (n == 0)
        return true;
    if (!validity_identical(e->valid, ei, a->valid, ai, n))
        return false;
    size_t w = value_width(e->type.physical);
    if (w) {
        if (memcmp(e->v.b + ei * w, a->v.b + ai * w, n * w))
            return false;
        if (!nan_equal && (e->type.physical == PQ_DOUBLE || e->type.physical == PQ_FLOAT))
            return !has_nan(e, ei, n);
        return true;
    }
    if (!offsets_identical(e->offsets, ei, a->offsets, ai, n))
        return false;
    uint64_t lo = e->offsets[ei], hi = e->offsets[ei + n];
    if (hi == lo)
        return true;
    return e->data && a->data && !memcmp(e->data + lo, a->data + a->offsets[ai], (size_t)(hi - lo));
}

static bool column_identical(const struct pq_column *e, size_t ei, const struct pq_column *a,
                             size_t ai, size_t rows, bool nan_equal)
{
    if (!e->is_list)
        return vector_identical(&e->values, ei, &a->values, ai, rows, nan_equal);
    if (e->list_len < ei || e->list_len - ei < rows || a->list_len < ai || a->list_len - ai < rows)
        return false;
    if (rows == 0)
        return true;
    if (!validity_identical(e->list_valid, ei, a->list_valid, ai, rows))
        return false;
    if (!offsets_identical(e->list_offsets, ei, a->list_offsets, ai, rows))
        return false;
    uint64_t elo = e->list_offsets[ei], ehi = e->list_offsets[ei + rows];
    return vector_identical(&e->values, (size_t)elo, &a->values, (size_t)a->list_offsets[ai],
                            (size_t)(ehi - elo), nan_equal);
}

bool compare_column_identical(const struct pq_column *e, const struct pq_column *a, size_t rows,
                              bool nan_equal)
{
    return same_type(e, a) && column_identical(e, 0, a, 0, rows, nan_equal);
}

bool compare_column_range_identical(const struct pq_column *e, size_t ei, const struct pq_column *a,
                                    size_t ai, size_t rows, bool nan_equal)
{
    return same_type(e, a) && column_identical(e, ei, a, ai, rows, nan_equal);
}

/* The fast path over every column pair; large tables are split between two threads (the
 * check is bound by memory bandwidth and page walks, and this is what `diff` of two equal
 * files spends its time on after decoding). */
struct identical_job {
    const struct pair *pairs;
    size_t from, to;
    size_t rows;
    bool nan_equal;
    bool same;
};

static void *identical_run(void *arg)
{
    struct identical_job *j = arg;
    j->same = true;
    for (size_t p = j->from; p < j->to && j->same; p++)
        j->same = column_identical(j->pairs[p].e, 0, j->pairs[p].a, 0, j->rows, j->nan_equal);
    return NULL;
}

static bool all_identical(const struct pair *pairs, size_t npairs, size_t rows, bool nan_equal)
{
    struct identical_job jobs[2] = {{pairs, 0, npairs, rows, nan_equal, true},
                                    {pairs, npairs, npairs, rows, nan_equal, true}};
    pthread_t th;
    bool threaded = false;
    if (rows >= 100000 && npairs >= 2) {
        jobs[0].to = jobs[1].from = npairs / 2;
        threaded = pthread_create(&th, NULL, identical_run, &jobs[1]) == 0;
        if (!threaded)
            jobs[0].to = npairs;
    }
    identical_run(&jobs[0]);
    if (threaded)
        pthread_join(th, NULL);
    return jobs[0].same && jobs[1].same;
}

/* ---- keys ---- */

static uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdULL;
}

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
    uint64_t f = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        f = (f ^ p[i]) * 0x100000001b3ULL;
    return mix(h, f ^ n);
}

static uint64_t hash_double(uint64_t h, double d)
{
    if (isnan(d))
        return mix(h, 0x7ff8000000000000ULL);
    if (d == 0)
        d = 0; /* -0.0 and 0.0 are one key */
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return mix(h, bits);
}

static uint64_t hash_value(uint64_t h, const struct pq_vector *v, size_t i)
{
    if (vector_is_null(v, i))
        return mix(h, 0x6e756c6cULL);
    switch (v->type.physical) {
    case PQ_BOOLEAN: return mix(h, v->v.b[i]);
    case PQ_INT32: return mix(h, (uint64_t)(uint32_t)v->v.i32[i]);
    case PQ_INT64:
    case PQ_INT96: return mix(h, (uint64_t)v->v.i64[i]);
    case PQ_FLOAT: return hash_double(h, v->v.f32[i]);
    case PQ_DOUBLE: return hash_double(h, v->v.f64[i]);
    default: {
        size_t n;
        const uint8_t *p = vector_bytes(v, i, &n);
        return hash_bytes(h, p, n);
    }
    }
}

static uint64_t hash_cell(uint64_t h, const struct pq_column *c, size_t row)
{
    if (!c->is_list)
        return hash_value(h, &c->values, row);
    if (column_is_null(c, row))
        return mix(h, 0x6e756c6c4cULL);
    uint64_t b = c->list_offsets[row], e = c->list_offsets[row + 1];
    h = mix(h, e - b);
    for (uint64_t k = b; k < e; k++)
        h = hash_value(h, &c->values, (size_t)k);
    return h;
}

static uint64_t hash_key(const struct keyset *k, size_t row)
{
    uint64_t h = 0x84222325cbf29ce4ULL;
    for (size_t i = 0; i < k->n; i++)
        h = hash_cell(h, k->cols[i], row);
    return h;
}

static bool keys_equal(const struct keyset *x, size_t i, const struct keyset *y, size_t j)
{
    for (size_t k = 0; k < x->n; k++)
        if (!cell_equal(x->cols[k], i, y->cols[k], j, 0, 0, true))
            return false;
    return true;
}

/* Open addressing over row numbers; equal keys lie on one probe sequence in row order. */
struct key_index {
    size_t *slots; /* row + 1, 0 = empty */
    uint64_t *hashes;
    size_t mask;
};

static void render_key(const struct keyset *k, size_t row, struct buf *out)
{
    for (size_t i = 0; i < k->n; i++) {
        if (i)
            buf_addstr(out, ", ");
        buf_addf(out, "%s=", k->cols[i]->name);
        format_cell_json(out, k->cols[i], row);
    }
}

static void add_row_ref(struct row_ref **list, size_t *n, size_t *total, size_t max, char *row)
{
    (*total)++;
    if (*n >= max) {
        free(row);
        return;
    }
    *list = xreallocarray(*list, *n + 1, sizeof **list);
    (*list)[(*n)++].row = row;
}

/* Builds the index of rows [0, nrows) of k; notes keys seen twice as duplicates. */
static void index_build(struct key_index *ix, const struct keyset *k, size_t nrows,
                        const char *side, const struct compare_options *o, struct compare_result *r)
{
    size_t cap = 16;
    while (cap < nrows * 2)
        cap *= 2;
    ix->slots = xcalloc(cap, sizeof *ix->slots);
    ix->hashes = xcalloc(cap, sizeof *ix->hashes);
    ix->mask = cap - 1;
    for (size_t row = 0; row < nrows; row++) {
        uint64_t h = hash_key(k, row);
        size_t s = (size_t)h & ix->mask;
        size_t seen = 0;
        for (; ix->slots[s]; s = (s + 1) & ix->mask)
            if (ix->hashes[s] == h && keys_equal(k, ix->slots[s] - 1, k, row))
                seen++;
        ix->slots[s] = row + 1;
        ix->hashes[s] = h;
        if (seen == 1) {
            struct buf b = BUF_INIT;
            render_key(k, row, &b);
            buf_addf(&b, " (%s)", side);
            add_row_ref(&r->duplicates, &r->nduplicates, &r->duplicates_total, o->max_rows,
                        buf_detach(&b, NULL));
        }
    }
}

static void index_free(struct key_index *ix)
{
    free(ix->slots);
    free(ix->hashes);
}

/* First row of the indexed table with the key of row `row` of q not yet taken; SIZE_MAX if
 * none. */
static size_t index_take(const struct key_index *ix, const struct keyset *k, const struct keyset *q,
                         size_t row, uint8_t *taken)
{
    uint64_t h = hash_key(q, row);
    for (size_t s = (size_t)h & ix->mask; ix->slots[s]; s = (s + 1) & ix->mask) {
        size_t cand = ix->slots[s] - 1;
        if (ix->hashes[s] == h && !taken[cand] && keys_equal(q, row, k, cand)) {
            taken[cand] = 1;
            return cand;
        }
    }
    return SIZE_MAX;
}

/* ---- comparing matched rows ---- */

static char *row_label(const struct keyset *k, bool keyed, size_t row)
{
    struct buf b = BUF_INIT;
    if (keyed)
        render_key(k, row, &b);
    else
        buf_addf(&b, "row %zu", row);
    return buf_detach(&b, NULL);
}

static void compare_rows(const struct pair *pairs, size_t npairs, size_t er, size_t ar,
                         const struct keyset *ke, bool keyed, const struct compare_options *o,
                         struct compare_result *r)
{
    bool differs = false;
    for (size_t p = 0; p < npairs; p++) {
        const struct pair *pp = &pairs[p];
        if (cell_equal(pp->e, er, pp->a, ar, pp->rtol, pp->atol, o->nan_equal))
            continue;
        differs = true;
        r->cells_total++;
        r->column_diffs[pp->result_index]++;
        if (r->ncells >= o->max_cells)
            continue;
        r->cells = xreallocarray(r->cells, r->ncells + 1, sizeof *r->cells);
        struct cell_diff *d = &r->cells[r->ncells++];
        struct buf b = BUF_INIT;
        d->row = row_label(ke, keyed, er);
        if (!keyed && er != ar) {
            free(d->row);
            struct buf l = BUF_INIT;
            buf_addf(&l, "row %zu / %zu", er, ar);
            d->row = buf_detach(&l, NULL);
        }
        d->column = xstrdup(pp->e->name);
        format_cell_json(&b, pp->e, er);
        d->expected = buf_detach(&b, NULL);
        format_cell_json(&b, pp->a, ar);
        d->actual = buf_detach(&b, NULL);
    }
    if (differs)
        r->rows_differing++;
}

static void compare_by_position(const struct pq_table *e, const struct pq_table *a,
                                const struct pair *pairs, size_t npairs,
                                const struct compare_options *o, struct compare_result *r)
{
    size_t common = e->nrows < a->nrows ? e->nrows : a->nrows;
    for (size_t i = 0; i < common; i++)
        compare_rows(pairs, npairs, i, i, NULL, false, o, r);
    for (size_t i = common; i < e->nrows; i++)
        add_row_ref(&r->missing, &r->nmissing, &r->missing_total, o->max_rows,
                    row_label(NULL, false, i));
    for (size_t i = common; i < a->nrows; i++)
        add_row_ref(&r->extra, &r->nextra, &r->extra_total, o->max_rows, row_label(NULL, false, i));
}

static void compare_by_key(const struct pq_table *e, const struct pq_table *a,
                           const struct keyset *ke, const struct keyset *ka,
                           const struct pair *pairs, size_t npairs, const struct compare_options *o,
                           struct compare_result *r)
{
    struct key_index ie, ia;
    index_build(&ie, ke, e->nrows, "expected", o, r);
    index_build(&ia, ka, a->nrows, "actual", o, r);
    uint8_t *taken = xcalloc(a->nrows ? a->nrows : 1, 1);
    for (size_t i = 0; i < e->nrows; i++) {
        size_t j = index_take(&ia, ka, ke, i, taken);
        if (j == SIZE_MAX)
            add_row_ref(&r->missing, &r->nmissing, &r->missing_total, o->max_rows,
                        row_label(ke, true, i));
        else
            compare_rows(pairs, npairs, i, j, ke, true, o, r);
    }
    for (size_t j = 0; j < a->nrows; j++)
        if (!taken[j])
            add_row_ref(&r->extra, &r->nextra, &r->extra_total, o->max_rows,
                        row_label(ka, true, j));
    free(taken);
    index_free(&ie);
    index_free(&ia);
}

int compare_tables(const struct pq_table *expected, const struct pq_table *actual,
                   const struct compare_options *opts, struct compare_result *out)
{
    struct compare_options o = opts ? *opts : (struct compare_options)COMPARE_OPTIONS_INIT;
    if (!o.max_cells)
        o.max_cells = 20;
    if (!o.max_rows)
        o.max_rows = 20;
    memset(out, 0, sizeof *out);
    if (check_options(&o) < 0)
        return -1;
    if (table_check(expected) < 0)
        return err_prefix("expected table");
    if (table_check(actual) < 0)
        return err_prefix("actual table");
    out->expected_rows = expected->nrows;
    out->actual_rows = actual->nrows;

    struct pair *pairs;
    size_t npairs;
    plan_columns(expected, actual, &o, out, &pairs, &npairs);
    struct keyset ke = {NULL, 0}, ka = {NULL, 0};
    int keys_ok = o.nkey ? plan_keys(expected, actual, &o, out, &ke, &ka) : 0;

    if (out->nschema == 0 && expected->nrows == actual->nrows) {
        if (all_identical(pairs, npairs, expected->nrows, o.nan_equal)) {
            out->equal = out->fast_path = true;
            goto cleanup;
        }
    }
    if (o.nkey && keys_ok == 0)
        compare_by_key(expected, actual, &ke, &ka, pairs, npairs, &o, out);
    else if (!o.nkey)
        compare_by_position(expected, actual, pairs, npairs, &o, out);
    out->equal = out->nschema == 0 && out->cells_total == 0 && out->missing_total == 0 &&
                 out->extra_total == 0;
cleanup:
    free(pairs);
    free(ke.cols);
    free(ka.cols);
    return 0;
}

void compare_result_free(struct compare_result *r)
{
    for (size_t i = 0; i < r->nschema; i++) {
        free(r->schema[i].column);
        free(r->schema[i].expected);
        free(r->schema[i].actual);
        free(r->schema[i].message);
    }
    free(r->schema);
    for (size_t i = 0; i < r->ncells; i++) {
        free(r->cells[i].row);
        free(r->cells[i].column);
        free(r->cells[i].expected);
        free(r->cells[i].actual);
    }
    free(r->cells);
    for (size_t i = 0; i < r->nmissing; i++)
        free(r->missing[i].row);
    free(r->missing);
    for (size_t i = 0; i < r->nextra; i++)
        free(r->extra[i].row);
    free(r->extra);
    for (size_t i = 0; i < r->nduplicates; i++)
        free(r->duplicates[i].row);
    free(r->duplicates);
    for (size_t i = 0; i < r->ncolumns; i++)
        free(r->column_names[i]);
    free(r->column_names);
    free(r->column_diffs);
    memset(r, 0, sizeof *r);
}

static void plural(struct buf *b, size_t n, const char *one, const char *many)
{
    if (b->len)
        buf_addstr(b, ", ");
    buf_addf(b, "%zu %s", n, n == 1 ? one : many);
}

void compare_summary(const struct compare_result *r, struct buf *out)
{
    if (r->equal) {
        buf_addf(out, "equal (%zu rows, %zu columns)", r->expected_rows, r->compared_columns);
        return;
    }
    struct buf b = BUF_INIT;
    if (r->nschema)
        plural(&b, r->nschema, "schema difference", "schema differences");
    if (r->expected_rows != r->actual_rows) {
        if (b.len)
            buf_addstr(&b, ", ");
        buf_addf(&b, "%zu rows expected, %zu actual", r->expected_rows, r->actual_rows);
    }
    if (r->cells_total) {
        plural(&b, r->cells_total, "cell differs", "cells differ");
        buf_addf(&b, " in %zu row%s", r->rows_differing, r->rows_differing == 1 ? "" : "s");
    }
    if (r->missing_total)
        plural(&b, r->missing_total, "missing row", "missing rows");
    if (r->extra_total)
        plural(&b, r->extra_total, "extra row", "extra rows");
    buf_addstr(out, b.len ? b.data : "differ");
    buf_free(&b);
}

char **compare_split_list(const char *s, size_t *n)
{
    char **list = xcalloc(1, sizeof *list);
    *n = 0;
    while (s && *s) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len) {
            list = xreallocarray(list, *n + 2, sizeof *list);
            list[(*n)++] = xstrndup(s, len);
            list[*n] = NULL;
        }
        if (!end)
            break;
        s = end + 1;
    }
    return list;
}

void compare_free_list(char **list)
{
    if (!list)
        return;
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}
