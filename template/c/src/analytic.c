/* {{name}}: a Kestrel analytic in C (made from kanalytic's C template).
 *
 * kestrel.c does the contract: WITH parameters from the environment, every input variable
 * read from /data/input/N.parquet.gz (any column may be missing; integer columns with nulls
 * arrive as doubles), the result written to /data/output/N.parquet.gz with id and type kept.
 * This file holds the analytic itself. Outputs must be deterministic (kanalytic test runs
 * every case twice): no clocks, no unseeded randomness.
 *
 * The example logic adds x_seen_count: how many rows of the variable share the row's id
 * (Kestrel gives one row per observation, so an entity seen often repeats). Replace it with
 * yours in analytics(). */
#include "kestrel.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "{{name}}"

/* The WITH parameters, as declared in analytic.yaml. */
struct params {
    int unused; /* keeps the struct non-empty when there are no parameters */
{{c_param_fields}}
};

static int read_params(struct params *p)
{
    memset(p, 0, sizeof *p);
{{c_param_reads}}
    return 0;
}

struct id_ref {
    const uint8_t *data;
    size_t len;
    size_t row;
};

static int id_ref_cmp(const void *a, const void *b)
{
    const struct id_ref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->data, y->data, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Adds x_seen_count (int64; null where id is null). */
static int analytics(struct pq_table *t, const void *params)
{
    (void)params;
    const struct pq_column *id = kestrel_string_column(t, "id");
    if (!id)
        return err_set("column id is not a string column");
    int64_t *count = xcalloc(t->nrows ? t->nrows : 1, sizeof *count);
    struct id_ref *refs = xcalloc(t->nrows ? t->nrows : 1, sizeof *refs);
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if (column_is_null(id, r))
            continue;
        refs[n].data = vector_bytes(&id->values, r, &refs[n].len);
        refs[n].row = r;
        n++;
    }
    qsort(refs, n, sizeof *refs, id_ref_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && refs[j].len == refs[i].len && !memcmp(refs[j].data, refs[i].data, refs[i].len))
            j++;
        for (size_t k = i; k < j; k++)
            count[refs[k].row] = (int64_t)(j - i);
        i = j;
    }
    /* Copy the null flags before adding a column: table_add_column may move t->cols. */
    uint8_t *is_null = xcalloc(t->nrows ? t->nrows : 1, 1);
    for (size_t r = 0; r < t->nrows; r++)
        is_null[r] = column_is_null(id, r);
    struct pq_type i64 = {.physical = PQ_INT64};
    struct pq_column *out = table_add_column(t, "x_seen_count", i64, true);
    for (size_t r = 0; r < t->nrows; r++) {
        if (is_null[r])
            vector_append_null(&out->values);
        else
            vector_append_i64(&out->values, count[r]);
    }
    free(is_null);
    free(refs);
    free(count);
    return 0;
}

int main(void)
{
    struct params p;
    if (read_params(&p) < 0) {
        fprintf(stderr, "%s: error: %s\n", NAME, err_last());
        return 2;
    }
    return kestrel_run(NAME, analytics, &p);
}
