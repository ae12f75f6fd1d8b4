/* Columns of a file chosen by name, and a file's schema as an empty table: see parquet.h. */
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
