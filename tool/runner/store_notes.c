/* Notes on what Kestrel's store changes in an output: see store_notes.h. */
#include "store_notes.h"
#include "parquet/parquet.h"
#include "table/format.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* An integer column as pandas reads it: INT32/INT64 that is not a date, time, timestamp or
 * decimal (those are other pandas types). */
static bool is_plain_integer(const struct pq_type *t)
{
    if (t->physical != PQ_INT32 && t->physical != PQ_INT64)
        return false;
    return t->logical == PQ_LOGICAL_NONE || t->logical == PQ_LOGICAL_INTEGER;
}

static size_t count_nulls(const struct pq_column *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->values.len; i++)
        n += vector_is_null(&c->values, i);
    return n;
}

/* The id values of a column as text (nulls skipped), sorted. */
struct id_set {
    char **ids;
    size_t count;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void id_set_of(const struct pq_column *c, struct id_set *s)
{
    s->ids = xcalloc(c->values.len + 1, sizeof *s->ids);
    s->count = 0;
    for (size_t i = 0; i < c->values.len; i++) {
        if (vector_is_null(&c->values, i))
            continue;
        struct buf b = BUF_INIT;
        format_cell_text(&b, c, i, false);
        s->ids[s->count++] = buf_detach(&b, NULL);
    }
    qsort(s->ids, s->count, sizeof *s->ids, cmp_str);
}

static bool id_set_has(const struct id_set *s, const char *id)
{
    return bsearch(&id, s->ids, s->count, sizeof *s->ids, cmp_str) != NULL;
}

static void id_set_free(struct id_set *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->ids[i]);
    free(s->ids);
}

/* Input rows whose id the output does not have: they stay in the variable. */
static void note_dropped(const struct pq_table *out, const struct pq_table *in, const char *name,
                         size_t index, struct case_result *r)
{
    long oc = table_find_column(out, "id"), ic = table_find_column(in, "id");
    if (oc < 0 || ic < 0 || in->cols[ic].is_list || out->cols[oc].is_list)
        return;
    struct id_set have, want;
    id_set_of(&out->cols[oc], &have);
    id_set_of(&in->cols[ic], &want);
    size_t dropped = 0;
    struct buf examples = BUF_INIT;
    for (size_t i = 0; i < want.count; i++) {
        if (i > 0 && !strcmp(want.ids[i], want.ids[i - 1]))
            continue; /* an id repeated in the input counts once */
        if (id_set_has(&have, want.ids[i]))
            continue;
        if (dropped < 3)
            buf_addf(&examples, "%s'%s'", dropped ? ", " : "", want.ids[i]);
        dropped++;
    }
    if (dropped)
        case_result_note(r, RULE_STORE_UPSERT, name,
                         "%zu id%s of input %zu %s not in %s (%s%s): Kestrel upserts the output "
                         "by id and deletes nothing, so those rows stay in the variable after "
                         "APPLY",
                         dropped, dropped == 1 ? "" : "s", index, dropped == 1 ? "is" : "are", name,
                         examples.data, dropped > 3 ? ", ..." : "");
    buf_free(&examples);
    id_set_free(&have);
    id_set_free(&want);
}

void store_notes(const struct pq_table *out, const struct pq_table *in, const char *name,
                 size_t index, struct case_result *r)
{
    for (size_t i = 0; i < out->ncols; i++) {
        const struct pq_column *c = &out->cols[i];
        if (c->is_list)
            continue; /* lists are a rule of their own, not a note */
        if (c->values.type.physical == PQ_BOOLEAN) {
            case_result_note(r, RULE_STORE_BOOL, name,
                             "column '%s' is boolean: Kestrel's store keeps it as an integer "
                             "(True -> 1, False -> 0), so the hunt sees 1 and 0",
                             c->name);
            continue;
        }
        size_t nulls = is_plain_integer(&c->values.type) ? count_nulls(c) : 0;
        if (nulls) {
            char type[64];
            pq_type_describe(&c->values.type, false, type, sizeof type);
            case_result_note(r, RULE_STORE_INT_NULLS, name,
                             "column '%s' is %s with %zu null%s: Kestrel reads it with pandas "
                             "and stores it as double (7 -> 7.0)",
                             c->name, type, nulls, nulls == 1 ? "" : "s");
        }
    }
    if (in)
        note_dropped(out, in, name, index, r);
}

void store_notes_for_run(const char *data_dir, char *const *inputs, size_t ninputs,
                         struct case_result *r)
{
    for (size_t i = 0; i < ninputs; i++) {
        struct buf name = BUF_INIT;
        buf_addf(&name, "output/%zu.parquet.gz", i);
        char *path = path_join(data_dir, name.data);
        struct pq_table out = PQ_TABLE_INIT, in = PQ_TABLE_INIT;
        if (fs_is_file(path) && pq_read_file(path, &out) == 0) {
            bool have_in = inputs[i] && pq_read_file(inputs[i], &in) == 0;
            store_notes(&out, have_in ? &in : NULL, name.data, i, r);
        }
        table_free(&out);
        table_free(&in);
        free(path);
        buf_free(&name);
    }
}
