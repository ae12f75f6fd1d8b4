/* Reading what a command asks of a file: columns chosen by name, the schema as an empty
 * table, the first rows row group by row group. See parquet.h. */
#include "parquet.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

int pq_reader_select_columns(const struct pq_reader *r, const char *list, bool **out)
{
    size_t nc = pq_reader_num_columns(r);
    bool *want = xcalloc(nc + 1, sizeof *want);
    char *copy = xstrdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < nc && strcmp(pq_reader_column(r, i)->name, tok))
            i++;
        if (i == nc) {
            err_set("no column '%s' in the file", tok);
            free(copy);
            free(want);
            return -1;
        }
        want[i] = true;
    }
    free(copy);
    *out = want;
    return 0;
}

void pq_reader_empty_table(const struct pq_reader *r, const bool *want, struct pq_table *out)
{
    struct pq_table t = PQ_TABLE_INIT;
    for (size_t i = 0; i < pq_reader_num_columns(r); i++) {
        const struct pq_schema_column *c = pq_reader_column(r, i);
        if (!want || want[i])
            table_add_column(&t, c->name, c->type, c->optional);
    }
    *out = t;
}

int pq_reader_scan(struct pq_reader *r, const bool *want, uint64_t max_rows,
                   int (*fn)(void *ctx, const struct pq_table *t, size_t n), void *ctx)
{
    uint64_t left = max_rows;
    size_t nrg = pq_reader_num_row_groups(r);
    for (size_t g = 0; g < nrg && left > 0; g++) {
        if (pq_reader_row_group_rows(r, g) == 0)
            continue;
        struct pq_table t;
        if (pq_reader_read_row_group_head(r, g, want, left, &t) < 0)
            return -1;
        size_t n = t.nrows < left ? t.nrows : (size_t)left;
        left -= n;
        int rc = fn(ctx, &t, n);
        table_free(&t);
        if (rc)
            return rc;
    }
    return 0;
}
