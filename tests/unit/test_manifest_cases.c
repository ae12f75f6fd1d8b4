/* Unit tests of test-case loading (tool/manifest/testcase.c) and of the whole-analytic and
 * repository checks (tool/manifest/analytic.c), on analytics built in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/check.h"
#include "manifest/manifest.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "tree_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static char root[64];

static void put(const char *rel, const char *text)
{
    tree_put(root, rel, text);
}

/* A file of tests/fixtures/kestrel-shape as `rel`. */
static void put_fixture(const char *rel, const char *fixture)
{
    struct buf b = BUF_INIT;
    char *src = path_join("tests/fixtures/kestrel-shape", fixture);
    assert_int_equal(fs_read_file(src, 1 << 20, &b), 0);
    char *p = path_join(root, rel);
    assert_int_equal(fs_write_atomic(p, b.data, b.len), 0);
    free(p);
    free(src);
    buf_free(&b);
}

static char *manifest_text(const char *name)
{
    struct buf b = BUF_INIT;
    assert_int_equal(fs_read_file("tests/fixtures/manifest/good/base.yaml", 1 << 16, &b), 0);
    char *at = strstr(b.data, "name: good");
    assert_non_null(at);
    struct buf out = BUF_INIT;
    buf_add(&out, b.data, (size_t)(at - b.data));
    buf_addf(&out, "name: %s", name);
    buf_addstr(&out, at + strlen("name: good"));
    buf_free(&b);
    return buf_detach(&out, NULL);
}

/* analytics/NAME with a manifest (named `name`), Dockerfile, README.md. */
static void make_analytic(const char *folder, const char *name)
{
    char rel[256];
    char *text = manifest_text(name);
    snprintf(rel, sizeof rel, "analytics/%s/analytic.yaml", folder);
    put(rel, text);
    free(text);
    snprintf(rel, sizeof rel, "analytics/%s/Dockerfile", folder);
    put(rel, "FROM debian:sid-slim\n");
    snprintf(rel, sizeof rel, "analytics/%s/README.md", folder);
    put(rel, "# x\n");
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/kanalytic-cases.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fs_remove_tree(root);
}

static struct manifest *load_foo(void)
{
    char *p = path_join(root, "analytics/foo/analytic.yaml");
    struct diag_list diags = DIAG_LIST_INIT;
    struct manifest *m = NULL;
    assert_int_equal(manifest_load(p, &m, &diags), 0);
    diag_list_free(&diags);
    free(p);
    return m;
}

static void dump(const struct diag_list *d)
{
    for (size_t i = 0; i < d->count; i++)
        fprintf(stderr, "    %s:%d:%d: %s [%s] %s\n", d->items[i].file, d->items[i].line,
                d->items[i].col, diag_severity_name(d->items[i].severity),
                d->items[i].rule ? d->items[i].rule : "-", d->items[i].message);
}

static bool has(const struct diag_list *d, enum diag_severity sev, const char *rule,
                const char *file_end, int line, int col, const char *part)
{
    for (size_t i = 0; i < d->count; i++) {
        const struct diag *g = &d->items[i];
        size_t fl = strlen(g->file), el = strlen(file_end);
        if (g->severity == sev && g->rule && !strcmp(g->rule, rule) && fl >= el &&
            !strcmp(g->file + fl - el, file_end) && g->line == line && g->col == col &&
            strstr(g->message, part))
            return true;
    }
    dump(d);
    return false;
}

static void test_good_case(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    put("analytics/foo/tests/basic/case.yaml",
        "# yaml-language-server: $schema=../../../../schemas/test-case.schema.json\n"
        "description: two clusters\n"
        "parameters: {columns: [src_byte_count, dst_byte_count], n_clusters: 2}\n");
    put("analytics/foo/tests/basic/input/0.parquet.gz", "PAR1");
    put("analytics/foo/tests/basic/expected/output/0.parquet.gz", "PAR1");
    struct manifest *m = load_foo();
    char *dir = path_join(root, "analytics/foo/tests/basic");
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(test_case_load(dir, m, &tc, &diags), 0);
    assert_int_equal(diags.count, 0);
    assert_string_equal(tc->name, "basic");
    assert_string_equal(tc->description, "two clusters");
    assert_int_equal(tc->n_params, 2);
    assert_int_equal(tc->env.count, 2);
    assert_string_equal(env_list_get(&tc->env, "columns"), "src_byte_count,dst_byte_count");
    assert_string_equal(env_list_get(&tc->env, "n_clusters"), "2");
    /* defaults */
    assert_int_equal(tc->key.count, 0);
    assert_false(tc->column_order_strict);
    assert_true(tc->nan_equal);
    assert_true(tc->rtol == 0 && tc->atol == 0);
    assert_int_equal(tc->exit_code, 0);
    assert_null(tc->stderr_contains);
    assert_int_equal(tc->n_expect_outputs, 1);
    assert_int_equal(tc->expect_outputs[0], 0);
    assert_false(tc->expect_display);
    assert_int_equal(tc->timeout, 60);
    assert_int_equal(tc->n_inputs, 1);
    assert_non_null(strstr(tc->inputs[0], "basic/input/0.parquet.gz"));
    assert_int_equal(tc->n_goldens, 1);
    assert_non_null(strstr(tc->goldens[0].path, "basic/expected/output/0.parquet.gz"));
    assert_null(tc->expected_display);
    test_case_free(tc);

    struct strlist cases = {0};
    char *adir = path_join(root, "analytics/foo");
    assert_int_equal(test_case_list(adir, &cases), 0);
    assert_int_equal(cases.count, 1);
    assert_string_equal(cases.items[0], "basic");
    strlist_free(&cases);
    free(adir);
    free(dir);
    diag_list_free(&diags);
    manifest_free(m);
}

static void test_case_options(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    put("analytics/foo/tests/opts/case.yaml",
        "description: every option\n"
        "parameters:\n"
        "  columns: x\n"
        "compare:\n"
        "  key: [id]\n"
        "  ignore_columns: [first_observed]\n"
        "  column_order: strict\n"
        "  nan_equal: false\n"
        "  tolerance: {rtol: 1e-6, atol: 0.5, columns: {cluster: {atol: 2}}}\n"
        "expect:\n"
        "  exit_code: 3\n"
        "  stderr_contains: \"no columns\"\n"
        "  outputs: []\n"
        "  display: false\n"
        "timeout: 9\n");
    put("analytics/foo/tests/opts/input/0.parquet.gz", "PAR1");
    struct manifest *m = load_foo();
    char *dir = path_join(root, "analytics/foo/tests/opts");
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(test_case_load(dir, m, &tc, &diags), 0);
    assert_int_equal(diags.count, 0);
    assert_string_equal(env_list_get(&tc->env, "columns"), "x");
    assert_int_equal(tc->key.count, 1);
    assert_string_equal(tc->key.items[0], "id");
    assert_string_equal(tc->ignore_columns.items[0], "first_observed");
    assert_true(tc->column_order_strict);
    assert_false(tc->nan_equal);
    assert_true(tc->rtol == 1e-6 && tc->atol == 0.5);
    assert_int_equal(tc->n_column_tolerances, 1);
    assert_string_equal(tc->column_tolerances[0].column, "cluster");
    assert_true(tc->column_tolerances[0].atol == 2);
    assert_true(tc->column_tolerances[0].rtol == 1e-6); /* inherited */
    assert_int_equal(tc->exit_code, 3);
    assert_string_equal(tc->stderr_contains, "no columns");
    assert_int_equal(tc->n_expect_outputs, 0);
    assert_int_equal(tc->timeout, 9);
    test_case_free(tc);
    free(dir);
    diag_list_free(&diags);
    manifest_free(m);
}

/* Writes analytics/foo/tests/NAME (case.yaml and one input) and loads it. */
static int load_case(const char *name, const char *yaml, const struct manifest *m,
                     struct test_case **tc, struct diag_list *diags)
{
    char rel[128];
    snprintf(rel, sizeof rel, "analytics/foo/tests/%s/case.yaml", name);
    put(rel, yaml);
    snprintf(rel, sizeof rel, "analytics/foo/tests/%s/input/0.parquet.gz", name);
    put(rel, "PAR1");
    snprintf(rel, sizeof rel, "analytics/foo/tests/%s", name);
    char *dir = path_join(root, rel);
    int rc = test_case_load(dir, m, tc, diags);
    free(dir);
    return rc;
}

/* Checks "name", "value", ... pairs (NULL-terminated) against tc's environment. */
static void expect_env(const struct test_case *tc, const char *const *pairs)
{
    for (size_t i = 0; pairs[i]; i += 2) {
        const char *got = env_list_get(&tc->env, pairs[i]);
        if (!got || strcmp(got, pairs[i + 1]))
            fail_msg("%s: got '%s', expected '%s'", pairs[i], got ? got : "(unset)", pairs[i + 1]);
    }
}

/* case.yaml values read as the same text after WITH NAME= would be (kestrel-interface.md §14):
 * plain numbers through Python int()/float() and str() at any size, booleans as written,
 * quoted YAML strings as they are, one-item lists as their item. */
static void test_case_params_like_kestrel(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    struct manifest *m = load_foo();
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(load_case("k",
                               "description: Kestrel's renderings\n"
                               "parameters:\n"
                               "  columns: [x]\n"
                               "  n_clusters: 010\n"
                               "  big: 000123456789012345678901234567890\n"
                               "  f: 0.80\n"
                               "  e: 1.5e3\n"
                               "  h: .5\n"
                               "  t: True\n"
                               "  neg: -5\n"
                               "  q: '010'\n"
                               "  dash-name: a-b\n"
                               "  l: [1.0, 2.50, b]\n"
                               "expect: {exit_code: 1}\n",
                               m, &tc, &diags),
                     0);
    static const char *const env[] = {
        "columns",   "x",    "n_clusters", "10",        "big", "123456789012345678901234567890",
        "f",         "0.8",  "e",          "1500.0",    "h",   "0.5",
        "t",         "True", "neg",        "-5",        "q",   "010",
        "dash-name", "a-b",  "l",          "1.0,2.5,b", NULL};
    expect_env(tc, env);
    assert_true(has(&diags, DIAG_NOTE, "param-kestrel-quote", "k/case.yaml", 10, 8, "neg='-5'"));
    test_case_free(tc);
    diag_list_free(&diags);
    manifest_free(m);
}

/* with: holds the WITH clause as a hunt writes it. */
static void test_case_with_clause(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    struct manifest *m = load_foo();
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(load_case("w",
                               "description: the clause of a hunt\n"
                               "with: |\n"
                               "  n_clusters=010, columns=(a, b,c),\n"
                               "  s='it\\'s', t=True, dash-name=\"tab\\tx\"\n"
                               "parameters: {q: 0.80}\n"
                               "expect: {exit_code: 1}\n",
                               m, &tc, &diags),
                     0);
    assert_int_equal(tc->n_params, 6);
    static const char *const env[] = {"n_clusters", "10",  "columns", "a,b,c",     "s",
                                      "it's",       "t",   "True",    "dash-name", "tab\tx",
                                      "q",          "0.8", NULL};
    expect_env(tc, env);
    test_case_free(tc);
    diag_list_free(&diags);
    assert_int_equal(load_case("bad",
                               "description: a clause Kestrel rejects\n"
                               "with: 'n_clusters=-5, columns=x'\n",
                               m, &tc, &diags),
                     1);
    assert_true(has(&diags, DIAG_ERROR, "with-syntax", "bad/case.yaml", 2, 7,
                    "at 1:12 of the WITH text: Kestrel's grammar has no signed numbers"));
    diag_list_free(&diags);
    manifest_free(m);
}

static void test_bad_cases(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    put("analytics/foo/tests/bad/case.yaml", "description: bad\n"
                                             "parameters:\n"
                                             "  colums: [a]\n"
                                             "  n_clusters: 11\n"
                                             "compare:\n"
                                             "  keys: [id]\n");
    struct manifest *m = load_foo();
    char *dir = path_join(root, "analytics/foo/tests/bad");
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    /* schema first: the unknown compare key */
    assert_int_equal(test_case_load(dir, m, &tc, &diags), 1);
    assert_null(tc);
    assert_true(has(&diags, DIAG_ERROR, "schema-additionalProperties", "bad/case.yaml", 6, 3,
                    "unknown key 'keys' (did you mean 'key'?)"));
    diag_list_free(&diags);

    put("analytics/foo/tests/bad/case.yaml", "description: bad\n"
                                             "parameters:\n"
                                             "  colums: [a]\n"
                                             "  n_clusters: 11\n");
    put("analytics/foo/tests/bad/input/1.parquet.gz", "PAR1");
    put("analytics/foo/tests/bad/input/notes.txt", "x");
    put("analytics/foo/tests/bad/expected/output/1.parquet.gz", "PAR1");
    put("analytics/foo/tests/bad/expected/display.html", "<p>");
    assert_int_equal(test_case_load(dir, m, &tc, &diags), 1);
    assert_true(has(&diags, DIAG_ERROR, "param-unknown", "bad/case.yaml", 3, 3,
                    "unknown parameter 'colums' (did you mean 'columns'?)"));
    assert_true(has(&diags, DIAG_ERROR, "param-bounds", "bad/case.yaml", 4, 15,
                    "11 is greater than the maximum 10"));
    assert_true(has(&diags, DIAG_ERROR, "param-missing", "bad/case.yaml", 2, 1,
                    "missing required parameter 'columns'"));
    assert_true(has(&diags, DIAG_ERROR, "case-input", "bad/input/0.parquet.gz", 0, 0,
                    "missing input file"));
    assert_true(has(&diags, DIAG_ERROR, "case-input", "bad/input/1.parquet.gz", 0, 0,
                    "input 1 is not declared"));
    assert_true(
        has(&diags, DIAG_ERROR, "case-input", "bad/input/notes.txt", 0, 0, "unexpected file"));
    assert_true(has(&diags, DIAG_ERROR, "case-golden", "bad/expected/output/1.parquet.gz", 0, 0,
                    "no output for input 1"));
    assert_true(
        has(&diags, DIAG_ERROR, "case-golden", "bad/expected/display.html", 0, 0, "display: none"));
    if (diag_count(&diags, DIAG_ERROR) != 8) {
        dump(&diags);
        fail_msg("expected 8 errors");
    }
    free(dir);
    diag_list_free(&diags);
    manifest_free(m);
}

static void test_analytic_folder(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    char *dir = path_join(root, "analytics/foo");
    struct diag_list diags = DIAG_LIST_INIT;
    /* no test cases: a warning, an error under --strict */
    assert_int_equal(analytic_validate(root, dir, false, &diags), 0);
    assert_true(has(&diags, DIAG_WARNING, "no-test-cases", "foo/tests", 0, 0, "no test cases"));
    assert_int_equal(diags.count, 1);
    diag_list_free(&diags);
    assert_int_equal(analytic_validate(root, dir, true, &diags), 1);
    diag_list_free(&diags);

    put("analytics/foo/tests/basic/case.yaml", "description: ok\nparameters: {columns: a}\n");
    put("analytics/foo/tests/basic/input/0.parquet.gz", "PAR1");
    /* the input is read: Kestrel's shape (tool/fixture/kestrel_shape.c) */
    assert_int_equal(analytic_validate(root, dir, false, &diags), 1);
    assert_true(has(&diags, DIAG_ERROR, "kestrel-input-parquet", "basic/input/0.parquet.gz", 0, 0,
                    "cannot read"));
    diag_list_free(&diags);
    put_fixture("analytics/foo/tests/basic/input/0.parquet.gz", "zero-rows.parquet");
    assert_int_equal(analytic_validate(root, dir, false, &diags), 1);
    assert_true(has(&diags, DIAG_ERROR, "kestrel-input-empty", "basic/input/0.parquet.gz", 0, 0,
                    "0 rows and 0 columns"));
    diag_list_free(&diags);
    put_fixture("analytics/foo/tests/basic/input/0.parquet.gz", "empty-variable.parquet");
    /* the input is fine, but it is the only case, and Kestrel does not run the analytic on
     * an empty variable: no case shows it working (a warning, an error under --strict) */
    assert_int_equal(analytic_validate(root, dir, false, &diags), 0);
    assert_true(has(&diags, DIAG_WARNING, "no-working-case", "foo/tests", 0, 0,
                    "no case shows foo working"));
    assert_int_equal(diags.count, 1);
    diag_list_free(&diags);
    assert_int_equal(analytic_validate(root, dir, true, &diags), 1);
    diag_list_free(&diags);
    /* a case with rows that expects a failure does not show it working either */
    put("analytics/foo/tests/rows/case.yaml",
        "description: fails\nparameters: {columns: a}\nexpect: {exit_code: 1}\n");
    put("analytics/foo/tests/rows/input/0.parquet.gz", ""); /* makes the folders */
    put_fixture("analytics/foo/tests/rows/input/0.parquet.gz", "kestrel-shaped.parquet");
    assert_int_equal(analytic_validate(root, dir, true, &diags), 1);
    assert_true(has(&diags, DIAG_WARNING, "no-working-case", "foo/tests", 0, 0, "expected to fail"));
    diag_list_free(&diags);
    /* ... one that expects success does */
    put("analytics/foo/tests/rows/case.yaml", "description: rows\nparameters: {columns: a}\n");
    assert_int_equal(analytic_validate(root, dir, true, &diags), 0);
    dump(&diags);
    assert_int_equal(diags.count, 0);

    /* folder name, Dockerfile */
    make_analytic("bar", "baz");
    char *bar = path_join(root, "analytics/bar");
    char *df = path_join(bar, "Dockerfile");
    unlink(df);
    assert_int_equal(analytic_validate(root, bar, false, &diags), 1);
    assert_true(has(&diags, DIAG_ERROR, "name-folder", "bar/analytic.yaml", 2, 7,
                    "name 'baz' must equal the folder name 'bar'"));
    assert_true(
        has(&diags, DIAG_ERROR, "missing-file", "bar/Dockerfile", 0, 0, "missing Dockerfile"));
    diag_list_free(&diags);

    /* build.include: inside the repository, missing, or out through a link */
    char *text = manifest_text("inc");
    struct buf b = BUF_INIT;
    buf_addf(&b,
             "%sbuild:\n  include:\n    - {src: shared/lib, dest: lib}\n"
             "    - {src: nosuch, dest: x}\n    - {src: escape, dest: y}\n",
             text);
    free(text);
    make_analytic("inc", "inc");
    put("analytics/inc/analytic.yaml", b.data);
    put("shared/lib/a.c", "int a;\n");
    char *link = path_join(root, "escape");
    assert_int_equal(symlink("/tmp", link), 0);
    char *inc = path_join(root, "analytics/inc");
    assert_int_equal(analytic_validate(root, inc, false, &diags), 1);
    assert_true(has(&diags, DIAG_ERROR, "include-src", "inc/analytic.yaml", 34, 13,
                    "'nosuch' does not exist"));
    assert_true(has(&diags, DIAG_ERROR, "include-src", "inc/analytic.yaml", 35, 13,
                    "'escape' leads outside the repository"));
    assert_int_equal(diag_count(&diags, DIAG_ERROR), 2);
    diag_list_free(&diags);

    /* repository-wide: bar claims the name baz; a second folder claiming it too */
    make_analytic("qux", "baz");
    assert_int_equal(analytics_validate_all(root, false, &diags, NULL), 1);
    assert_true(has(&diags, DIAG_ERROR, "duplicate-name", "qux/analytic.yaml", 0, 0,
                    "name 'baz' (image kestrel-analytics-baz) is also used by"));
    diag_list_free(&diags);
    /* a folder that is not there: an I/O error */
    assert_int_equal(analytic_validate(root, "/nonexistent/x", false, &diags), -1);
    buf_free(&b);
    free(inc);
    free(link);
    free(df);
    free(bar);
    free(dir);
}

/* Many analytics are checked by several threads; the findings come back complete and in
 * the order of the analytics. */
static void test_validate_all_threads(void **state)
{
    (void)state;
    char folder[32];
    for (int i = 0; i < 64; i++) {
        snprintf(folder, sizeof folder, "a%02d", i);
        make_analytic(folder, i % 9 == 0 ? "wrong" : folder);
    }
    struct diag_list diags = DIAG_LIST_INIT;
    size_t checked = 0;
    assert_int_equal(analytics_validate_all(root, false, &diags, &checked), 1);
    assert_int_equal(checked, 64);
    size_t names = 0, notests = 0, dups = 0;
    int last = -1, dup_last = 0;
    for (size_t i = 0; i < diags.count; i++) {
        const char *r = diags.items[i].rule;
        const char *a = strstr(diags.items[i].file, "analytics/a");
        assert_non_null(a);
        int idx = atoi(a + strlen("analytics/a"));
        if (!strcmp(r, "name-folder")) {
            names++;
            assert_int_equal(idx % 9, 0);
        }
        notests += !strcmp(r, "no-test-cases");
        if (!strcmp(r, "duplicate-name")) {
            dups++;
            /* each later "wrong" names the first, a00, in the order of the analytics */
            assert_non_null(strstr(diags.items[i].message, "also used by "));
            assert_non_null(strstr(diags.items[i].message, "analytics/a00/analytic.yaml"));
            assert_true(idx > dup_last);
            dup_last = idx;
            continue; /* added after the per-analytic findings */
        }
        assert_true(idx >= last);
        last = idx;
    }
    assert_int_equal(names, 8); /* a00, a09, ..., a63 */
    assert_int_equal(notests, 64);
    assert_int_equal(dups, 7); /* every "wrong" after the first */
    diag_list_free(&diags);
}

/* list_dir_optional: a missing folder, a file or a dangling link in its place are empty
 * listings; a folder (or a link to one) is listed, sorted; a folder that cannot be listed is
 * an error naming it. */
static void test_list_dir_optional(void **state)
{
    (void)state;
    put("d/b", "x");
    put("d/a", "x");
    put("file", "x");
    char *d = path_join(root, "d"), *missing = path_join(root, "nope");
    char *file = path_join(root, "file"), *dangling = path_join(root, "dangling");
    char *dlink = path_join(root, "dlink");
    assert_int_equal(symlink("/nonexistent", dangling), 0);
    assert_int_equal(symlink(d, dlink), 0);
    const char *empty[] = {missing, file, dangling};
    for (size_t i = 0; i < 3; i++) {
        struct fs_names n = {0};
        assert_int_equal(list_dir_optional(empty[i], &n), 0);
        assert_int_equal(n.count, 0);
    }
    const char *full[] = {d, dlink};
    for (size_t i = 0; i < 2; i++) {
        struct fs_names n = {0};
        assert_int_equal(list_dir_optional(full[i], &n), 0);
        assert_int_equal(n.count, 2);
        assert_string_equal(n.names[0], "a");
        assert_string_equal(n.names[1], "b");
        fs_names_free(&n);
    }
    /* no descriptor left to open it with: the folder exists, so this is an error */
    struct rlimit old, low;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    int fd = dup(0);
    assert_true(fd >= 0);
    close(fd);
    low = old;
    low.rlim_cur = (rlim_t)fd;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    struct fs_names n = {0};
    int r = list_dir_optional(d, &n);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    assert_int_equal(r, -1);
    assert_non_null(strstr(err_last(), d));
    free(d);
    free(missing);
    free(file);
    free(dangling);
    free(dlink);
}

/* test_case_load_text: the text given is what is parsed (validate reads case.yaml once for
 * the adopt markers and the case), under the file's name; NULL reads the file; links in the
 * case are refused before any text is looked at. */
#define PARAMS "parameters: {columns: [a], n_clusters: 2}\n"
static void test_load_text(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    put("analytics/foo/tests/basic/case.yaml", "description: on disk\ntimeout: 5\n" PARAMS);
    put("analytics/foo/tests/basic/input/0.parquet.gz", "PAR1");
    struct manifest *m = load_foo();
    char *dir = path_join(root, "analytics/foo/tests/basic");
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    static const char given[] = "description: given\ntimeout: 7\n" PARAMS;
    if (test_case_load_text(dir, given, strlen(given), m, &tc, &diags) != 0) {
        dump(&diags);
        fail();
    }
    assert_string_equal(tc->description, "given");
    assert_int_equal(tc->timeout, 7);
    test_case_free(tc);
    assert_int_equal(test_case_load_text(dir, NULL, 0, m, &tc, &diags), 0);
    assert_string_equal(tc->description, "on disk");
    assert_int_equal(tc->timeout, 5);
    test_case_free(tc);
    assert_int_equal(diags.count, 0);
    /* findings in the given text carry the file's path and the text's positions */
    static const char bad[] = "description: x\ntimeout: soon\n" PARAMS;
    assert_int_equal(test_case_load_text(dir, bad, strlen(bad), m, &tc, &diags), 1);
    assert_null(tc);
    assert_true(has(&diags, DIAG_ERROR, "schema-type", "tests/basic/case.yaml", 2, 10, "timeout"));
    diag_list_free(&diags);
    /* a link in the case: refused, the text is not parsed */
    char *l = path_join(dir, "input/1.parquet.gz");
    assert_int_equal(symlink("/etc/passwd", l), 0);
    assert_int_equal(test_case_load_text(dir, given, strlen(given), m, &tc, &diags), 1);
    assert_null(tc);
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].rule, "tests-link");
    diag_list_free(&diags);
    free(l);
    free(dir);
    manifest_free(m);
}

/* The case's folders are read from the walk that looks for links: input/ and
 * expected/output/ as files are no folders (inputs missing, no goldens), a folder below
 * input/ is an unexpected entry, and a case folder given with a trailing slash reads the
 * same. */
static void test_case_folders(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    put("analytics/foo/tests/f/case.yaml", "description: f\n" PARAMS);
    put("analytics/foo/tests/f/input", "not a folder");
    put("analytics/foo/tests/f/expected/output", "not a folder");
    put("analytics/foo/tests/s/case.yaml", "description: s\n" PARAMS);
    put("analytics/foo/tests/s/input/0.parquet.gz", "PAR1");
    put("analytics/foo/tests/s/input/sub/0.parquet.gz", "PAR1");
    put("analytics/foo/tests/s/expected/output/0.parquet.gz", "PAR1");
    struct manifest *m = load_foo();
    char *f = path_join(root, "analytics/foo/tests/f");
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(test_case_load(f, m, &tc, &diags), 1);
    assert_true(
        has(&diags, DIAG_ERROR, "case-input", "f/input/0.parquet.gz", 0, 0, "missing input file"));
    assert_int_equal(diags.count, 1);
    diag_list_free(&diags);
    char *s = path_join(root, "analytics/foo/tests/s/");
    assert_int_equal(test_case_load(s, m, &tc, &diags), 1);
    assert_true(has(&diags, DIAG_ERROR, "case-input", "s/input/sub", 0, 0, "unexpected file"));
    assert_int_equal(diags.count, 1);
    diag_list_free(&diags);
    char *sub = path_join(root, "analytics/foo/tests/s/input/sub");
    assert_int_equal(fs_remove_tree(sub), 0);
    assert_int_equal(test_case_load(s, m, &tc, &diags), 0);
    assert_int_equal(diags.count, 0);
    assert_int_equal(tc->n_goldens, 1);
    assert_non_null(strstr(tc->goldens[0].path, "tests/s/expected/output/0.parquet.gz"));
    assert_non_null(strstr(tc->inputs[0], "tests/s/input/0.parquet.gz"));
    test_case_free(tc);
    free(sub);
    free(s);
    free(f);
    manifest_free(m);
}

/* test_case_list_all: the cases, and the whole listing of tests/ for the checks beside them. */
static void test_case_list_all_names(void **state)
{
    (void)state;
    make_analytic("foo", "foo");
    char *adir = path_join(root, "analytics/foo");
    struct strlist cases = {0};
    struct fs_names all = {0};
    assert_int_equal(test_case_list_all(adir, &cases, &all), 0); /* no tests/ */
    assert_int_equal(cases.count, 0);
    assert_int_equal(all.count, 0);
    strlist_free(&cases);
    put("analytics/foo/tests/basic/case.yaml", "description: x\n");
    put("analytics/foo/tests/notes.txt", "x");
    put("analytics/foo/tests/other/readme", "x");
    assert_int_equal(test_case_list_all(adir, &cases, &all), 0);
    assert_int_equal(cases.count, 1);
    assert_string_equal(cases.items[0], "basic");
    assert_int_equal(all.count, 3);
    assert_string_equal(all.names[0], "basic");
    assert_string_equal(all.names[1], "notes.txt");
    assert_string_equal(all.names[2], "other");
    fs_names_free(&all);
    strlist_free(&cases);
    free(adir);
}

/* Two groups of duplicate names: each later one names the first of its own name. */
static void test_duplicate_name_groups(void **state)
{
    (void)state;
    static const char *const name[] = {"p", "q", "p", "q", "p", "r"};
    char folder[16];
    for (int i = 0; i < 6; i++) {
        snprintf(folder, sizeof folder, "x%d", i);
        make_analytic(folder, name[i]);
    }
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(analytics_validate_all(root, false, &diags, NULL), 1);
    struct buf got = BUF_INIT;
    for (size_t i = 0; i < diags.count; i++) {
        if (strcmp(diags.items[i].rule, "duplicate-name"))
            continue;
        const char *f = strstr(diags.items[i].file, "analytics/");
        const char *by = strstr(diags.items[i].message, "also used by ");
        assert_non_null(f);
        assert_non_null(by);
        by = strstr(by, "analytics/");
        assert_non_null(by);
        buf_addf(&got, "%.2s<-%.2s ", f + strlen("analytics/"), by + strlen("analytics/"));
    }
    assert_string_equal(got.data, "x2<-x0 x3<-x1 x4<-x0 ");
    buf_free(&got);
    diag_list_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_params_like_kestrel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_with_clause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analytic_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_all_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_dir_optional, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_folders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_list_all_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_name_groups, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
