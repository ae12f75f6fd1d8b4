/* Unit tests of tool/runner/adhoc.c, `kanalytic run`'s one-off case, in a temporary folder:
 * the inputs checked against the manifest (their number, Parquet, the entity type of their
 * `type` column), the case made from --with and --param (rendered as Kestrel renders them,
 * the inputs in APPLY order, the folder the runner writes into), the outputs taken from where
 * the runner leaves them (expected/output/N.parquet.gz, expected/display.html) to OUTDIR's
 * output/ and display/, and the new columns of an output found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/manifest.h"
#include "parquet/parquet.h"
#include "runner/adhoc.h"
#include "table/table.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "tree_fixture.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];
static struct manifest *m; /* tests/fixtures/manifest/good/base.yaml: takes network-traffic */

static struct pq_type text_type(void)
{
    struct pq_type t = {0};
    t.physical = PQ_BYTE_ARRAY;
    t.logical = PQ_LOGICAL_STRING;
    return t;
}

/* DIR/NAME, a Parquet file with the columns (comma-separated) and `rows` rows whose cells
 * are "value"; a column named type holds `type`. Returns its path (caller frees). */
static char *parquet(const char *name, const char *columns, size_t rows, const char *type)
{
    struct pq_table t = PQ_TABLE_INIT;
    char *cols = xstrdup(columns);
    for (char *c = strtok(cols, ","); c; c = strtok(NULL, ",")) {
        struct pq_column *col = table_add_column(&t, c, text_type(), true);
        const char *v = strcmp(c, "type") ? "value" : type;
        for (size_t r = 0; r < rows; r++)
            vector_append_bytes(&col->values, v, strlen(v));
    }
    t.nrows = rows;
    free(cols);
    char *path = path_join(dir, name);
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    if (pq_write_file(path, &t, &wo) < 0)
        fail_msg("%s", err_last());
    table_free(&t);
    return path;
}

static char *slurp(const char *path)
{
    struct buf b = BUF_INIT;
    if (fs_read_file(path, 1 << 20, &b) < 0)
        fail_msg("%s", err_last());
    return buf_detach(&b, NULL);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kanalytic-adhoc.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    struct diag_list diags = DIAG_LIST_INIT;
    int rc = manifest_load("tests/fixtures/manifest/good/base.yaml", &m, &diags);
    diag_list_free(&diags);
    return rc == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    manifest_free(m);
    m = NULL;
    return fs_remove_tree(dir);
}

static void assert_err_has(const char *text)
{
    if (!strstr(err_last(), text))
        fail_msg("error '%s' lacks '%s'", err_last(), text);
}

/* The number of inputs, a file that is not Parquet, and the entity types in `type`. */
static void test_check_inputs(void **state)
{
    (void)state;
    char *nt = parquet("nt.parquet", "id,type", 3, "network-traffic");
    char *proc = parquet("proc.parquet", "id,type", 2, "process");
    char *notype = parquet("notype.parquet", "id,name", 2, NULL);
    char *empty = parquet("empty.parquet", "id", 0, NULL);
    tree_put(dir, "junk.parquet", "not parquet");
    char *junk = path_join(dir, "junk.parquet");

    struct runner_adhoc a = {0};
    assert_int_equal(runner_adhoc_check_inputs(m, &a), -1);
    assert_err_has("good takes 1 input (APPLY docker://good ON v0), 0 given with --input");
    char *two[] = {nt, nt};
    a.inputs = two, a.n_inputs = 2;
    assert_int_equal(runner_adhoc_check_inputs(m, &a), -1);
    assert_err_has("2 given");

    a.n_inputs = 1;
    assert_int_equal(runner_adhoc_check_inputs(m, &a), 0);
    char *one[1];
    a.inputs = one;
    one[0] = proc;
    assert_int_equal(runner_adhoc_check_inputs(m, &a), -1);
    char want[512];
    snprintf(want, sizeof want,
             "input 0 (%s) holds process entities, but good takes network-traffic there "
             "(inputs[0].entity_types in its analytic.yaml)",
             proc);
    assert_string_equal(err_last(), want);
    one[0] = notype;
    assert_int_equal(runner_adhoc_check_inputs(m, &a), -1);
    assert_err_has("has no 'type' column: a Kestrel variable always has one; good takes "
                   "network-traffic here");
    one[0] = empty; /* an empty variable: nothing to check */
    assert_int_equal(runner_adhoc_check_inputs(m, &a), 0);
    one[0] = junk;
    assert_int_equal(runner_adhoc_check_inputs(m, &a), -1);
    assert_err_has("input 0: ");

    /* an input that takes any entity type */
    free(m->inputs[0].entity_types.items[0]);
    m->inputs[0].entity_types.items[0] = xstrdup("*");
    one[0] = proc;
    assert_int_equal(runner_adhoc_check_inputs(m, &a), 0);
    one[0] = notype;
    assert_int_equal(runner_adhoc_check_inputs(m, &a), 0);
    free(nt);
    free(proc);
    free(notype);
    free(empty);
    free(junk);
}

static bool has_diag(const struct diag_list *d, const char *file, int line, int col,
                     const char *rule, const char *text)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == DIAG_ERROR && !strcmp(d->items[i].file, file) &&
            d->items[i].line == line && d->items[i].col == col &&
            (!rule || (d->items[i].rule && !strcmp(d->items[i].rule, rule))) &&
            strstr(d->items[i].message, text))
            return true;
    return false;
}

/* The case: --with then --param rendered, the inputs by their real path in APPLY order, the
 * folder the runner writes the outputs into, the timeout; what Kestrel would refuse refused. */
static void test_case_made(void **state)
{
    (void)state;
    char *nt = parquet("nt.parquet", "id,type", 1, "network-traffic");
    char *dotted = path_join(dir, "./nt.parquet");
    char *real = realpath(nt, NULL);
    char *inputs[] = {dotted};
    char *params[] = {"n_clusters=4"};
    struct runner_adhoc a = {inputs, 1, params, 1, "columns=(src_port, 'dst port')", 0};
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(runner_adhoc_case(m, &a, dir, &tc, &diags), 0);
    assert_int_equal(diag_count(&diags, DIAG_ERROR), 0);
    assert_string_equal(tc->dir, dir);
    assert_int_equal(tc->n_inputs, 1);
    assert_string_equal(tc->inputs[0], real);
    assert_string_equal(env_list_get(&tc->env, "columns"), "src_port,dst port");
    assert_string_equal(env_list_get(&tc->env, "n_clusters"), "4");
    assert_int_equal(tc->timeout, 60); /* the manifest's */
    assert_true(tc->nan_equal);
    test_case_free(tc);
    tc = NULL;

    a.timeout = 7;
    a.n_params = 0;
    assert_int_equal(runner_adhoc_case(m, &a, dir, &tc, &diags), 0);
    assert_int_equal(tc->timeout, 7);
    test_case_free(tc);
    tc = NULL;

    /* a WITH syntax error at its line:col, under --with */
    a.with = "columns=(a, b),\n  n_clusters=-5";
    assert_int_equal(runner_adhoc_case(m, &a, dir, &tc, &diags), -1);
    assert_null(tc);
    assert_true(has_diag(&diags, "--with", 2, 14, "with-syntax", "signed numbers"));
    diag_list_free(&diags);
    /* given twice, out of range, unknown */
    a.with = "columns=(a, b), n_clusters=3";
    a.n_params = 1;
    assert_int_equal(runner_adhoc_case(m, &a, dir, &tc, &diags), -1);
    assert_true(diag_count(&diags, DIAG_ERROR) > 0);
    diag_list_free(&diags);
    a.with = "columns=(a, b), n_clusters=11";
    a.n_params = 0;
    assert_int_equal(runner_adhoc_case(m, &a, dir, &tc, &diags), -1);
    diag_list_free(&diags);
    char *bad[] = {"=3"};
    a.with = "columns=a";
    a.params = bad, a.n_params = 1;
    assert_int_equal(runner_adhoc_case(m, &a, dir, &tc, &diags), -1);
    assert_true(has_diag(&diags, "--param", 0, 0, "param", ""));
    diag_list_free(&diags);
    /* an input that went away */
    char *gone[] = {"/nonexistent/x.parquet"};
    a.n_params = 0, a.inputs = gone;
    assert_int_equal(runner_adhoc_case(m, &a, dir, &tc, &diags), -1);
    assert_true(has_diag(&diags, "/nonexistent/x.parquet", 0, 0, "input", "cannot read the input"));
    assert_null(tc);
    diag_list_free(&diags);
    free(nt);
    free(dotted);
    free(real);
}

/* What the runner left in DIR/expected/ goes to OUTDIR/output/N.parquet.gz and
 * OUTDIR/display/display.html, folders made; what it did not leave is not invented. */
static void test_outputs_taken(void **state)
{
    (void)state;
    assert_int_equal(runner_adhoc_output_slots(m, 1), 2); /* one output declared, one more */
    assert_int_equal(runner_adhoc_output_slots(m, 5), 5);
    assert_int_equal(runner_adhoc_output_slots(m, 1000), 66);

    tree_put(dir, "expected/output/0.parquet.gz", "zero");
    tree_put(dir, "expected/output/2.parquet.gz", "two");
    tree_put(dir, "expected/display.html", "<p>hi</p>");
    char *out = path_join(dir, "out/deeper");
    char *path = NULL;
    assert_int_equal(runner_adhoc_take_output(dir, out, 0, &path), 1);
    char *want = path_join(out, "output/0.parquet.gz");
    assert_string_equal(path, want);
    char *got = slurp(path);
    assert_string_equal(got, "zero");
    free(got);
    free(want);
    free(path);
    path = NULL;
    assert_int_equal(runner_adhoc_take_output(dir, out, 1, &path), 0);
    assert_null(path);
    char *one = path_join(out, "output/1.parquet.gz");
    assert_false(fs_exists(one));
    free(one);
    assert_int_equal(runner_adhoc_take_output(dir, out, 2, &path), 1);
    got = slurp(path);
    assert_string_equal(got, "two");
    free(got);
    free(path);
    assert_int_equal(runner_adhoc_take_display(dir, out, &path), 1);
    want = path_join(out, "display/display.html");
    assert_string_equal(path, want);
    got = slurp(path);
    assert_string_equal(got, "<p>hi</p>");
    free(got);
    free(want);
    free(path);
    path = NULL;
    /* no display left: nothing; an OUTDIR that is a file: an error */
    char *other = path_join(dir, "expected/output");
    assert_int_equal(runner_adhoc_take_display(other, out, &path), 0);
    tree_put(dir, "file", "x");
    char *file = path_join(dir, "file");
    assert_int_equal(runner_adhoc_take_output(dir, file, 0, &path), -1);
    assert_null(path);
    free(file);
    free(other);
    free(out);
}

/* The columns of an output its input does not have. */
static void test_new_columns(void **state)
{
    (void)state;
    char *in = parquet("in.parquet", "id,type", 1, "process");
    struct pq_table t = PQ_TABLE_INIT;
    table_add_column(&t, "cluster", text_type(), true);
    table_add_column(&t, "id", text_type(), true);
    table_add_column(&t, "type", text_type(), true);
    table_add_column(&t, "score", text_type(), true);
    bool marked[4] = {false, true, true, false};
    assert_int_equal(runner_adhoc_new_columns(in, &t, marked), 0);
    assert_true(marked[0]);
    assert_false(marked[1]);
    assert_false(marked[2]);
    assert_true(marked[3]);
    assert_int_equal(runner_adhoc_new_columns(NULL, &t, marked), 0);
    for (size_t c = 0; c < 4; c++)
        assert_false(marked[c]);
    char *missing = path_join(dir, "missing.parquet");
    assert_int_equal(runner_adhoc_new_columns(missing, &t, marked), -1);
    free(missing);
    table_free(&t);
    free(in);
}

static void test_read_output(void **state)
{
    (void)state;
    char *in = parquet("in.parquet", "id,type", 2, "process");
    char *out = parquet("out.parquet", "id,cluster,type", 2, "process");
    struct pq_table t;
    bool *marked = NULL;
    assert_int_equal(runner_adhoc_read_output(out, in, &t, &marked), 0);
    assert_int_equal(t.nrows, 2);
    assert_int_equal(t.ncols, 3);
    assert_string_equal(t.cols[1].name, "cluster");
    assert_false(marked[0]);
    assert_true(marked[1]);
    assert_false(marked[2]);
    assert_false(marked[3]);
    free(marked);
    table_free(&t);
    /* no input to hold it against (an output past the inputs): nothing is new */
    assert_int_equal(runner_adhoc_read_output(out, NULL, &t, &marked), 0);
    for (size_t c = 0; c < 3; c++)
        assert_false(marked[c]);
    free(marked);
    table_free(&t);
    /* an output that is no Parquet, or an input that is gone: the error names it */
    char *bad = path_join(dir, "bad.parquet"), *gone = path_join(dir, "gone.parquet");
    assert_int_equal(fs_write_atomic(bad, "nope", 4), 0);
    marked = NULL;
    assert_int_equal(runner_adhoc_read_output(bad, in, &t, &marked), -1);
    assert_non_null(strstr(err_last(), "bad.parquet"));
    assert_null(marked);
    assert_int_equal(runner_adhoc_read_output(out, gone, &t, &marked), -1);
    assert_non_null(strstr(err_last(), "gone.parquet"));
    assert_null(marked);
    free(bad);
    free(gone);
    free(in);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_check_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_made, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outputs_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_output, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
