/* domain-dga-score: a DGA (domain generation algorithm) likelihood for domain names.
 *
 * Reads domain-name `value`, or network-traffic `dst_ref.value` (or the column named by the
 * `attribute` parameter), and adds x_dga_score (double in [0, 1]) and x_dga_suspect (bool,
 * score >= threshold). IP addresses, nulls and empty values get nulls in both columns; a
 * variable without the column gets all-null columns. The contract (parameters, /data) is in
 * kestrel.c, the scoring in dga.c. */
#include "dga.h"
#include "kestrel.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME "domain-dga-score"

struct params {
    double threshold;
    const char *attribute; /* NULL: value, else dst_ref.value */
};

static int read_params(struct params *p)
{
    if (kestrel_param_double("threshold", 0.5, 0.0, 1.0, &p->threshold) < 0)
        return -1;
    return kestrel_param_string("attribute", NULL, &p->attribute);
}

static const char *pick_column(const struct pq_table *t, const struct params *p)
{
    if (p->attribute)
        return p->attribute;
    if (table_find_column(t, "value") >= 0)
        return "value";
    return "dst_ref.value";
}

static int analytics(struct pq_table *t, const void *params)
{
    const struct params *p = params;
    const char *name = pick_column(t, p);
    long at = table_find_column(t, name);
    if (at >= 0 && !kestrel_string_column(t, name))
        return err_set("attribute %s is not a string column", name);
    if (at < 0 && p->attribute)
        return err_set("attribute %s is not in the input", name);
    if (table_find_column(t, "x_dga_score") >= 0 || table_find_column(t, "x_dga_suspect") >= 0)
        return err_set("the input already has x_dga_score or x_dga_suspect");
    size_t rows = t->nrows;
    double *score = xcalloc(rows ? rows : 1, sizeof *score);
    uint8_t *has = xcalloc(rows ? rows : 1, 1);
    if (at >= 0) {
        const struct pq_column *c = &t->cols[at];
        char label[DGA_LABEL_MAX + 1];
        for (size_t r = 0; r < rows; r++) {
            size_t len;
            if (column_is_null(c, r))
                continue;
            const uint8_t *v = vector_bytes(&c->values, r, &len);
            if (dga_label((const char *)v, len, label)) {
                score[r] = dga_score(label);
                has[r] = 1;
            }
        }
    } else {
        fprintf(stderr, "%s: no %s column; scores are null\n", NAME, name);
    }
    struct pq_type f64 = {.physical = PQ_DOUBLE};
    struct pq_type boolean = {.physical = PQ_BOOLEAN};
    struct pq_column *s = table_add_column(t, "x_dga_score", f64, true);
    for (size_t r = 0; r < rows; r++) {
        if (has[r])
            vector_append_f64(&s->values, score[r]);
        else
            vector_append_null(&s->values);
    }
    struct pq_column *b = table_add_column(t, "x_dga_suspect", boolean, true);
    for (size_t r = 0; r < rows; r++) {
        if (has[r])
            vector_append_bool(&b->values, score[r] >= p->threshold);
        else
            vector_append_null(&b->values);
    }
    free(has);
    free(score);
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
