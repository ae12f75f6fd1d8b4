/* The one-off case of `kanalytic run` (adhoc.h): inputs checked, the case made, the outputs
 * taken back. */
#include "adhoc.h"

#include "manifest/kestrel_with.h"
#include "runner/runner.h"
#include "table/format.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/quote.h"
#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES 8 /* distinct entity types read from an input */
#define MAX_SLOTS 66
#define MAX_COPY ((size_t)4 << 30)

static bool has_name(const struct fs_names *n, const char *name)
{
    for (size_t i = 0; i < n->count; i++)
        if (!strcmp(n->names[i], name))
            return true;
    return false;
}

/* The distinct values of the `type` column of a Parquet file (at most MAX_TYPES), whether it
 * has one, and its row count; -1 + err_set. */
static int input_types(const char *path, struct fs_names *types, bool *has_type, uint64_t *rows)
{
    struct pq_reader *r;
    struct pq_reader_options ro = PQ_READER_OPTIONS_INIT;
    *has_type = false;
    if (pq_reader_open(&r, path, &ro) < 0)
        return -1;
    *rows = pq_reader_num_rows(r);
    size_t ncols = pq_reader_num_columns(r);
    bool *want = xcalloc(ncols + 1, sizeof *want);
    for (size_t i = 0; i < ncols; i++)
        if (!strcmp(pq_reader_column(r, i)->name, "type") && !pq_reader_column(r, i)->is_list)
            *has_type = want[i] = true;
    int rc = 0;
    for (size_t rg = 0; *has_type && rc == 0 && rg < pq_reader_num_row_groups(r); rg++) {
        struct pq_table t = PQ_TABLE_INIT;
        rc = pq_reader_read_row_group(r, rg, want, &t);
        for (size_t row = 0; rc == 0 && t.ncols && row < t.nrows && types->count < MAX_TYPES;
             row++) {
            struct buf v = BUF_INIT;
            format_cell_text(&v, &t.cols[0], row, false);
            if (v.len && !has_name(types, v.data)) {
                ARRAY_GROW(types->names, types->count + 1, types->cap);
                types->names[types->count++] = buf_detach(&v, NULL);
            }
            buf_free(&v);
        }
        table_free(&t);
    }
    free(want);
    pq_reader_free(r);
    return rc;
}

/* Kestrel hands an analytic any variable; the manifest says which entity types input n
 * takes. A variable's entity type is the value of its `type` column. */
static int check_entity_type(const struct manifest *m, size_t n, const char *path)
{
    const struct strlist *want = &m->inputs[n].entity_types;
    for (size_t k = 0; k < want->count; k++)
        if (!strcmp(want->items[k], "*"))
            return 0;
    struct fs_names types = {0};
    bool has_type;
    uint64_t rows;
    if (input_types(path, &types, &has_type, &rows) < 0) {
        fs_names_free(&types);
        return err_prefix("input %zu", n);
    }
    for (size_t t = 0; t < types.count; t++) { /* text from a file: keep it on its line */
        struct buf q = BUF_INIT;
        quote_controls(&q, types.names[t], strlen(types.names[t]));
        free(types.names[t]);
        types.names[t] = buf_detach(&q, NULL);
    }
    struct buf declared = BUF_INIT;
    for (size_t k = 0; k < want->count; k++)
        buf_addf(&declared, "%s%s", k ? ", " : "", want->items[k]);
    int rc = 0;
    if (!has_type && rows > 0) /* an empty variable arrives as 0 rows and 0 columns */
        rc = err_set("input %zu (%s) has no 'type' column: a Kestrel variable always has one; "
                     "%s takes %s here (kanalytic fixture makes Kestrel-shaped inputs)",
                     n, qpath(path), m->name, declared.data);
    for (size_t t = 0; rc == 0 && t < types.count; t++) {
        bool ok = false;
        for (size_t k = 0; k < want->count && !ok; k++)
            ok = !strcmp(want->items[k], types.names[t]);
        if (!ok)
            rc = err_set("input %zu (%s) holds %s entities, but %s takes %s there "
                         "(inputs[%zu].entity_types in its analytic.yaml)",
                         n, qpath(path), types.names[t], m->name, declared.data, n);
    }
    buf_free(&declared);
    fs_names_free(&types);
    return rc;
}

int runner_adhoc_check_inputs(const struct manifest *m, const struct runner_adhoc *a)
{
    if (a->n_inputs != m->n_inputs)
        return err_set("%s takes %zu input%s (APPLY docker://%s ON %s), %zu given with --input",
                       m->name, m->n_inputs, m->n_inputs == 1 ? "" : "s", m->name,
                       m->n_inputs == 1   ? "v0"
                       : m->n_inputs == 2 ? "v0, v1"
                                          : "v0, v1, ...",
                       a->n_inputs);
    for (size_t i = 0; i < a->n_inputs; i++) {
        struct pq_reader *r;
        struct pq_reader_options ro = PQ_READER_OPTIONS_INIT;
        if (pq_reader_open(&r, a->inputs[i], &ro) < 0)
            return err_prefix("input %zu", i);
        pq_reader_free(r);
        if (check_entity_type(m, i, a->inputs[i]) < 0)
            return -1;
    }
    return 0;
}

int runner_adhoc_case(const struct manifest *m, const struct runner_adhoc *a, const char *dir,
                      struct test_case **out, struct diag_list *diags)
{
    struct test_case *tc = xcalloc(1, sizeof *tc);
    tc->name = xstrdup("run");
    tc->dir = xstrdup(dir);
    tc->nan_equal = true;
    tc->timeout = a->timeout ? a->timeout : m->runtime.timeout;
    struct param_value *with = NULL;
    size_t nwith = 0;
    int rc = -1;
    if (a->with && kestrel_with_parse(a->with, "--with", &with, &nwith, diags) < 0)
        goto cleanup;
    tc->params = xcalloc(nwith + a->n_params + 1, sizeof *tc->params);
    if (nwith)
        memcpy(tc->params, with, nwith * sizeof *with);
    tc->n_params = nwith;
    free(with); /* the values now belong to tc */
    for (size_t i = 0; i < a->n_params; i++) {
        if (params_parse_arg(a->params[i], &tc->params[tc->n_params]) < 0) {
            diag_add(diags, DIAG_ERROR, "--param", 0, 0, "param", "%s", err_last());
            goto cleanup;
        }
        tc->n_params++;
    }
    if (params_render(m, tc->params, tc->n_params, &tc->env, diags) < 0 ||
        diag_count(diags, DIAG_ERROR))
        goto cleanup;
    tc->inputs = xcalloc(a->n_inputs + 1, sizeof *tc->inputs);
    for (size_t i = 0; i < a->n_inputs; i++) {
        char real[PATH_MAX];
        if (!realpath(a->inputs[i], real)) {
            diag_add(diags, DIAG_ERROR, a->inputs[i], 0, 0, "input", "cannot read the input: %s",
                     strerror(errno));
            goto cleanup;
        }
        tc->inputs[tc->n_inputs++] = xstrdup(real);
    }
    *out = tc;
    tc = NULL;
    rc = 0;
cleanup:
    test_case_free(tc);
    return rc;
}

void runner_adhoc_run(struct docker *d, const struct manifest *m, const char *analytic_dir,
                      const char *name, struct test_case *tc, struct case_result *res)
{
    struct runner_case c = {m, (char *)analytic_dir, tc->dir, (char *)name, "run", tc, NULL};
    struct runner_options o = RUNNER_OPTIONS_INIT;
    case_result_init(res, name, "run");
    runner_install_signal_handlers();
    runner_run_case(d, &c, &o, res);
    runner_cleanup(d);
}

size_t runner_adhoc_output_slots(const struct manifest *m, size_t n_inputs)
{
    size_t n = n_inputs > m->n_outputs + 1 ? n_inputs : m->n_outputs + 1;
    return n < MAX_SLOTS ? n : MAX_SLOTS;
}

/* Copies DIR/FROM to OUTDIR/TO (folders made): 1, 0 when there is no DIR/FROM, -1. */
static int take(const char *dir, const char *from, const char *outdir, const char *to, char **out)
{
    char *src = path_join(dir, from), *dst = path_join(outdir, to);
    int rc = 0;
    if (!fs_is_file(src))
        goto cleanup;
    char *parent = xstrdup(dst);
    *strrchr(parent, '/') = '\0'; /* path_join put one there */
    rc = fs_mkdirs(parent, 0755);
    free(parent);
    if (rc == 0)
        rc = fs_copy_file(src, dst, MAX_COPY);
    if (rc == 0) {
        *out = dst;
        dst = NULL;
        rc = 1;
    }
cleanup:
    free(src);
    free(dst);
    return rc;
}

int runner_adhoc_take_output(const char *dir, const char *outdir, size_t n, char **out)
{
    struct buf from = BUF_INIT, to = BUF_INIT;
    buf_addf(&from, "expected/output/%zu.parquet.gz", n);
    buf_addf(&to, "output/%zu.parquet.gz", n);
    int rc = take(dir, from.data, outdir, to.data, out);
    buf_free(&from);
    buf_free(&to);
    return rc;
}

int runner_adhoc_take_display(const char *dir, const char *outdir, char **out)
{
    return take(dir, "expected/display.html", outdir, "display/display.html", out);
}

int runner_adhoc_new_columns(const char *input, const struct pq_table *t, bool *marked)
{
    for (size_t c = 0; c < t->ncols; c++)
        marked[c] = false;
    if (!input)
        return 0;
    struct pq_reader *r;
    struct pq_reader_options ro = PQ_READER_OPTIONS_INIT;
    if (pq_reader_open(&r, input, &ro) < 0)
        return -1;
    for (size_t c = 0; c < t->ncols; c++) {
        marked[c] = true;
        for (size_t i = 0; i < pq_reader_num_columns(r) && marked[c]; i++)
            marked[c] = strcmp(pq_reader_column(r, i)->name, t->cols[c].name) != 0;
    }
    pq_reader_free(r);
    return 0;
}

int runner_adhoc_read_output(const char *path, const char *input, struct pq_table *t, bool **marked)
{
    struct pq_table out = PQ_TABLE_INIT;
    if (pq_read_file(path, &out) < 0)
        goto fail;
    bool *m = xcalloc(out.ncols + 1, sizeof *m);
    if (runner_adhoc_new_columns(input, &out, m) < 0) {
        free(m);
        goto fail;
    }
    *t = out;
    *marked = m;
    return 0;
fail:
    table_free(&out);
    return -1;
}
