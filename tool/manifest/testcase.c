/* Test cases: analytics/NAME/tests/CASE/{case.yaml, input/N.parquet.gz,
 * expected/output/N.parquet.gz, expected/display.html}. Loading checks case.yaml against
 * schemas/test-case.schema.json, its parameters against the manifest, and the files against
 * the manifest's inputs, outputs and display. See manifest.h. */
#include "kestrel_with.h"
#include "manifest.h"
#include "catalog.h"
#include "check.h"
#include "yaml.h"
#include "util/mask.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/fs_beneath.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PARQUET_SUFFIX ".parquet.gz"

void test_case_free(struct test_case *tc)
{
    if (!tc)
        return;
    free(tc->name);
    free(tc->dir);
    free(tc->description);
    param_values_free(tc->params, tc->n_params);
    env_list_free(&tc->env);
    strlist_free(&tc->key);
    strlist_free(&tc->ignore_columns);
    for (size_t i = 0; i < tc->n_column_tolerances; i++)
        free(tc->column_tolerances[i].column);
    free(tc->column_tolerances);
    strlist_free(&tc->display_masks);
    free(tc->stderr_contains);
    free(tc->expect_outputs);
    for (size_t i = 0; i < tc->n_inputs; i++)
        free(tc->inputs[i]);
    free(tc->inputs);
    for (size_t i = 0; i < tc->n_goldens; i++)
        free(tc->goldens[i].path);
    free(tc->goldens);
    free(tc->expected_display);
    free(tc);
}

int list_dir_optional(const char *dir, struct fs_names *out)
{
    /* listed first, asked about only when that fails: a stat less for every folder of
     * every case validate reads */
    if (fs_list_dir(dir, out) == 0)
        return 0;
    if (fs_is_dir(dir))
        return -1;
    err_clear();
    return 0;
}

static bool names_have(const struct fs_names *n, const char *name)
{
    for (size_t i = 0; i < n->count; i++)
        if (!strcmp(n->names[i], name))
            return true;
    return false;
}

struct special_ctx {
    struct diag_list *diags;
    int found;
};

static void on_special(void *ctx, const char *path, mode_t mode)
{
    struct special_ctx *sc = ctx;
    sc->found++;
    if (!S_ISLNK(mode)) {
        diag_add(sc->diags, DIAG_ERROR, path, 0, 0, "tests-link",
                 "not a regular file or folder: refused (tests/ may hold only files and "
                 "folders)");
        return;
    }
    char target[4096];
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    diag_add(sc->diags, DIAG_ERROR, path, 0, 0, "tests-link",
             "symbolic link to '%s': refused (kanalytic reads test files on the host, so a link "
             "under tests/ could publish a host file or write outside the repository; commit "
             "the file itself)",
             target);
}

int tests_refuse_special(const char *path, struct diag_list *diags)
{
    struct special_ctx sc = {diags, 0};
    if (fs_find_special(path, on_special, &sc) < 0)
        return -1;
    return sc.found;
}

/* The folders of a case that test_case_load reads, as the walk for links listed them (so
 * they are read once); a folder the walk did not list is not a folder (missing, or a file). */
enum { CASE_INPUT, CASE_EXPECTED, CASE_OUTPUT, CASE_NLISTED };

struct case_walk {
    struct special_ctx sc;
    char *paths[CASE_NLISTED];
    struct fs_names names[CASE_NLISTED];
};

static void on_case_dir(void *ctx, const char *dir, const struct fs_names *names)
{
    struct case_walk *cw = ctx;
    for (int i = 0; i < CASE_NLISTED; i++) {
        if (strcmp(dir, cw->paths[i]) != 0 || cw->names[i].names)
            continue;
        cw->names[i].names = xcalloc(names->count + 1, sizeof(char *));
        for (size_t k = 0; k < names->count; k++)
            cw->names[i].names[k] = xstrdup(names->names[k]);
        cw->names[i].count = names->count;
        cw->names[i].cap = names->count + 1;
    }
}

static void on_case_special(void *ctx, const char *path, mode_t mode)
{
    on_special(&((struct case_walk *)ctx)->sc, path, mode);
}

static void case_walk_free(struct case_walk *cw)
{
    for (int i = 0; i < CASE_NLISTED; i++) {
        free(cw->paths[i]);
        fs_names_free(&cw->names[i]);
    }
}

int test_case_list(const char *analytic_dir, struct strlist *out)
{
    return test_case_list_all(analytic_dir, out, NULL);
}

int test_case_list_all(const char *analytic_dir, struct strlist *out, struct fs_names *all)
{
    out->items = NULL;
    out->count = 0;
    char *tests = path_join(analytic_dir, "tests");
    struct fs_names names = {0};
    if (list_dir_optional(tests, &names) < 0) {
        free(tests);
        return -1;
    }
    out->items = xcalloc(names.count + 1, sizeof *out->items);
    for (size_t i = 0; i < names.count; i++) {
        char *dir = path_join(tests, names.names[i]);
        char *cf = path_join(dir, CASE_FILE);
        if (fs_is_file(cf))
            out->items[out->count++] = xstrdup(names.names[i]);
        free(cf);
        free(dir);
    }
    if (all)
        *all = names;
    else
        fs_names_free(&names);
    free(tests);
    return 0;
}

/* A JSON scalar (from case.yaml) as a parameter value, keeping its rendered text. */
static void value_from_json(struct param_value *v, const json_t *j, const char *file, int line,
                            int col)
{
    v->file = file;
    v->line = line;
    v->col = col;
    struct buf b = BUF_INIT;
    render_json_value(&b, j);
    v->text = buf_detach(&b, NULL);
    switch (json_typeof(j)) {
    case JSON_INTEGER:
        v->kind = PV_INTEGER;
        v->i = (long long)json_integer_value(j);
        v->d = (double)v->i;
        break;
    case JSON_REAL:
        v->kind = PV_NUMBER;
        v->d = json_real_value(j);
        break;
    case JSON_TRUE:
    case JSON_FALSE: v->kind = PV_BOOLEAN; break;
    case JSON_ARRAY:
        v->kind = PV_LIST;
        v->n_items = json_array_size(j);
        v->items = xcalloc(v->n_items + 1, sizeof *v->items);
        for (size_t i = 0; i < v->n_items; i++)
            value_from_json(&v->items[i], json_array_get(j, i), file, line, col);
        break;
    default: v->kind = PV_STRING; break;
    }
}

/* `with:` - the WITH clause as a hunt writes it. Its findings point at the with: value and
 * say where in the clause. Returns the parameters read (none after a syntax error). */
static struct param_value *load_with(const char *text, size_t *n, const struct yaml_doc *doc,
                                     struct diag_list *diags)
{
    struct diag_list found = DIAG_LIST_INIT;
    struct param_value *v = NULL;
    *n = 0;
    int line, col;
    yaml_doc_loc(doc, "/with", false, &line, &col);
    kestrel_with_parse(text, yaml_doc_path(doc), &v, n, &found);
    for (size_t f = 0; f < found.count; f++) {
        const struct diag *d = &found.items[f];
        diag_add(diags, d->severity, d->file, line, col, d->rule,
                 "with: at %d:%d of the WITH "
                 "text: %s",
                 d->line, d->col, d->message);
    }
    diag_list_free(&found);
    for (size_t i = 0; i < *n; i++) { /* findings about a parameter point at with: too */
        v[i].line = v[i].key_line = line;
        v[i].col = v[i].key_col = col;
        for (size_t k = 0; k < v[i].n_items; k++) {
            v[i].items[k].line = line;
            v[i].items[k].col = col;
        }
    }
    return v;
}

static void load_params(struct test_case *tc, const struct manifest *m, const json_t *params,
                        const char *with, const struct yaml_doc *doc, struct diag_list *diags)
{
    size_t nwith = 0, errors_before = diag_count(diags, DIAG_ERROR);
    struct param_value *w = with ? load_with(with, &nwith, doc, diags) : NULL;
    bool with_failed = diag_count(diags, DIAG_ERROR) > errors_before;
    tc->n_params = nwith + json_object_size(params);
    tc->params = xcalloc(tc->n_params + 1, sizeof *tc->params);
    if (nwith)
        memcpy(tc->params, w, nwith * sizeof *w);
    free(w); /* the values now belong to tc */
    size_t i = nwith;
    const char *k;
    json_t *v;
    struct buf ptr = BUF_INIT;
    json_object_foreach ((json_t *)params, k, v) {
        buf_reset(&ptr);
        buf_addstr(&ptr, "/parameters");
        json_pointer_add(&ptr, k);
        struct yaml_pos pos = {0, 0, 0, 0, NULL};
        yaml_doc_find(doc, ptr.data, &pos);
        value_from_json(&tc->params[i], v, yaml_doc_path(doc), pos.line, pos.col);
        if (pos.plain) /* read as the same text after WITH would be: 010 is 10, True stays */
            params_from_plain(&tc->params[i], pos.plain);
        if (json_is_array(v)) {
            for (size_t n = 0; n < json_array_size(v); n++) {
                size_t len = ptr.len;
                json_pointer_add_index(&ptr, n);
                yaml_doc_find(doc, ptr.data, &pos);
                tc->params[i].items[n].line = pos.line;
                tc->params[i].items[n].col = pos.col;
                if (pos.plain)
                    params_from_plain(&tc->params[i].items[n], pos.plain);
                buf_setlen(&ptr, len);
            }
            yaml_doc_find(doc, ptr.data, &pos);
        }
        tc->params[i].key_line = pos.key_line;
        tc->params[i].key_col = pos.key_col;
        tc->params[i].name = xstrdup(k);
        i++;
    }
    buf_free(&ptr);
    int line, col;
    yaml_doc_loc(doc, "/parameters", params != NULL, &line, &col);
    struct diag_list found = DIAG_LIST_INIT;
    params_render_at(m, tc->params, tc->n_params, &tc->env, &found, yaml_doc_path(doc), line, col);
    /* A case that expects the analytic to fail may pass bad parameters on purpose: Kestrel
     * does not check them either, so the findings are notes there. */
    for (size_t f = 0; f < found.count; f++) {
        const struct diag *d = &found.items[f];
        if (with_failed && d->rule && !strcmp(d->rule, "param-missing"))
            continue; /* it may be in the with: clause that did not parse */
        bool on_purpose = tc->exit_code != 0 && d->severity == DIAG_ERROR;
        diag_add(diags, on_purpose ? DIAG_NOTE : d->severity, d->file, d->line, d->col, d->rule,
                 "%s%s", d->message, on_purpose ? " (the case expects the analytic to fail)" : "");
    }
    diag_list_free(&found);
}

/* compare.display: "exact", "exists" or {masked: [RE, ...]}; a RE that does not compile is an
 * error at its line:col. */
static void load_display_compare(struct test_case *tc, const struct manifest *m, const json_t *disp,
                                 struct check *c)
{
    if (!disp)
        return;
    const char *mode = json_string_value(disp);
    if (mode)
        tc->display_compare =
            !strcmp(mode, "exists") ? DISPLAY_COMPARE_EXISTS : DISPLAY_COMPARE_EXACT;
    const json_t *masks = json_object_get(disp, "masked");
    if (masks) {
        tc->display_compare = DISPLAY_COMPARE_MASKED;
        strlist_from_json(&tc->display_masks, masks);
        for (size_t i = 0; i < tc->display_masks.count; i++) {
            if (text_mask_check(tc->display_masks.items[i]) == 0)
                continue;
            char ptr[64];
            snprintf(ptr, sizeof ptr, "/compare/display/masked/%zu", i);
            check_error(c, ptr, "case-compare",
                        "'%s' is not a POSIX extended regular expression: %s",
                        tc->display_masks.items[i], err_last());
        }
    }
    if (m->display == DISPLAY_NONE)
        check_warning(c, "/compare/display", "case-compare",
                      "compare.display has no effect: the manifest says display: none");
}

static void load_compare(struct test_case *tc, const json_t *cmp)
{
    strlist_from_json(&tc->key, json_object_get(cmp, "key"));
    strlist_from_json(&tc->ignore_columns, json_object_get(cmp, "ignore_columns"));
    const char *order = json_string_value(json_object_get(cmp, "column_order"));
    tc->column_order_strict = order && !strcmp(order, "strict");
    const json_t *nan = json_object_get(cmp, "nan_equal");
    tc->nan_equal = !nan || json_is_true(nan);
    const json_t *tol = json_object_get(cmp, "tolerance");
    tc->rtol = json_number_value(json_object_get(tol, "rtol"));
    tc->atol = json_number_value(json_object_get(tol, "atol"));
    const json_t *cols = json_object_get(tol, "columns");
    tc->column_tolerances = xcalloc(json_object_size(cols) + 1, sizeof *tc->column_tolerances);
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)cols, k, v) {
        struct column_tolerance *ct = &tc->column_tolerances[tc->n_column_tolerances++];
        ct->column = xstrdup(k);
        /* a column's own rtol/atol replace the global ones; an absent one is inherited */
        const json_t *r = json_object_get(v, "rtol"), *a = json_object_get(v, "atol");
        ct->rtol = r ? json_number_value(r) : tc->rtol;
        ct->atol = a ? json_number_value(a) : tc->atol;
    }
}

static bool is_declared_output(const struct manifest *m, size_t idx)
{
    for (size_t i = 0; i < m->n_outputs; i++)
        if (m->outputs[i].input == idx)
            return true;
    return false;
}

/* "N.parquet.gz" -> N; false for any other name. */
static bool parquet_index(const char *name, size_t *out)
{
    size_t n = strspn(name, "0123456789");
    if (!n || n > 6 || strcmp(name + n, PARQUET_SUFFIX) != 0 || (name[0] == '0' && n > 1))
        return false;
    *out = (size_t)strtoul(name, NULL, 10);
    return true;
}

static void check_inputs(struct test_case *tc, const struct manifest *m, struct check *c,
                         const struct fs_names *listed)
{
    char *dir = path_join(tc->dir, "input");
    tc->inputs = xcalloc(m->n_inputs + 1, sizeof *tc->inputs);
    tc->n_inputs = m->n_inputs;
    const struct fs_names names = *listed;
    for (size_t i = 0; i < m->n_inputs; i++) {
        char name[32];
        snprintf(name, sizeof name, "%zu" PARQUET_SUFFIX, i);
        tc->inputs[i] = path_join(dir, name);
        if (!names_have(&names, name)) {
            diag_add(c->diags, DIAG_ERROR, tc->inputs[i], 0, 0, "case-input",
                     "missing input file: %s declares %zu input(s), so the case needs "
                     "input/0..%zu" PARQUET_SUFFIX,
                     m->name, m->n_inputs, m->n_inputs - 1);
            c->errors++;
        }
    }
    {
        for (size_t i = 0; i < names.count; i++) {
            size_t idx;
            char *p = path_join(dir, names.names[i]);
            if (!parquet_index(names.names[i], &idx)) {
                diag_add(c->diags, DIAG_ERROR, p, 0, 0, "case-input",
                         "unexpected file: inputs are named input/N" PARQUET_SUFFIX);
                c->errors++;
            } else if (idx >= m->n_inputs) {
                diag_add(c->diags, DIAG_ERROR, p, 0, 0, "case-input",
                         "input %zu is not declared: %s has %zu input(s)", idx, m->name,
                         m->n_inputs);
                c->errors++;
            }
            free(p);
        }
    }
    free(dir);
}

static int golden_cmp(const void *a, const void *b)
{
    const struct golden *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void check_expected(struct test_case *tc, const struct manifest *m, struct check *c,
                           const struct fs_names *listed_top, const struct fs_names *listed_out)
{
    char *exp = path_join(tc->dir, "expected");
    char *outdir = path_join(exp, "output");
    const struct fs_names top = *listed_top, names = *listed_out;
    if (names_have(&top, "output")) {
        tc->goldens = xcalloc(names.count + 1, sizeof *tc->goldens);
        for (size_t i = 0; i < names.count; i++) {
            size_t idx;
            char *p = path_join(outdir, names.names[i]);
            if (!parquet_index(names.names[i], &idx)) {
                diag_add(c->diags, DIAG_ERROR, p, 0, 0, "case-golden",
                         "unexpected file: goldens are named expected/output/N" PARQUET_SUFFIX);
                c->errors++;
                free(p);
            } else if (!is_declared_output(m, idx)) {
                diag_add(c->diags, DIAG_ERROR, p, 0, 0, "case-golden",
                         "golden for output %zu, but the manifest declares no output for "
                         "input %zu",
                         idx, idx);
                c->errors++;
                free(p);
            } else {
                tc->goldens[tc->n_goldens].index = idx;
                tc->goldens[tc->n_goldens++].path = p;
            }
        }
        qsort(tc->goldens, tc->n_goldens, sizeof *tc->goldens, golden_cmp);
    }
    char *disp = path_join(exp, "display.html");
    if (names_have(&top, "display.html")) {
        if (m->display == DISPLAY_NONE) {
            diag_add(c->diags, DIAG_ERROR, disp, 0, 0, "case-golden",
                     "golden display, but the manifest says display: none");
            c->errors++;
        }
        tc->expected_display = disp;
    } else {
        free(disp);
    }
    free(outdir);
    free(exp);
}

static void load_expect(struct test_case *tc, const struct manifest *m, const json_t *expect,
                        struct check *c)
{
    tc->exit_code = (int)json_integer_value(json_object_get(expect, "exit_code"));
    const char *s = json_string_value(json_object_get(expect, "stderr_contains"));
    tc->stderr_contains = s ? xstrdup(s) : NULL;
    const json_t *outs = json_object_get(expect, "outputs");
    if (outs) {
        tc->expect_outputs_exact = true;
        tc->n_expect_outputs = json_array_size(outs);
        tc->expect_outputs = xcalloc(tc->n_expect_outputs + 1, sizeof *tc->expect_outputs);
        for (size_t i = 0; i < tc->n_expect_outputs; i++) {
            tc->expect_outputs[i] = (size_t)json_integer_value(json_array_get(outs, i));
            if (!is_declared_output(m, tc->expect_outputs[i])) {
                char ptr[64];
                snprintf(ptr, sizeof ptr, "/expect/outputs/%zu", i);
                check_error(c, ptr, "case-expect",
                            "output %zu is not declared in the manifest's outputs",
                            tc->expect_outputs[i]);
            }
        }
    } else {
        tc->n_expect_outputs = tc->n_goldens;
        tc->expect_outputs = xcalloc(tc->n_goldens + 1, sizeof *tc->expect_outputs);
        for (size_t i = 0; i < tc->n_goldens; i++)
            tc->expect_outputs[i] = tc->goldens[i].index;
    }
    const json_t *d = json_object_get(expect, "display");
    tc->expect_display =
        d ? json_is_true(d)
          : tc->expected_display != NULL || tc->display_compare == DISPLAY_COMPARE_EXISTS;
    if (d && tc->expect_display && m->display == DISPLAY_NONE)
        check_error(c, "/expect/display", "case-expect",
                    "expects a display, but the manifest says display: none");
}

int test_case_load(const char *case_dir, const struct manifest *m, struct test_case **out,
                   struct diag_list *diags)
{
    return test_case_load_text(case_dir, NULL, 0, m, out, diags);
}

int test_case_load_text(const char *case_dir, const char *text, size_t len,
                        const struct manifest *m, struct test_case **out, struct diag_list *diags)
{
    *out = NULL;
    if (catalog_load() < 0)
        return -1;
    /* nothing of the case is read through a link: neither tests/ nor anything in the case */
    char *tests = xstrdup(case_dir);
    char *slash = strrchr(tests, '/');
    struct stat st;
    int special = 0;
    if (slash && slash != tests) {
        *slash = '\0';
        if (lstat(tests, &st) == 0 && !S_ISDIR(st.st_mode))
            special = tests_refuse_special(tests, diags);
    }
    free(tests);
    struct case_walk cw = {{diags, 0}, {NULL}, {{0}}};
    cw.paths[CASE_INPUT] = path_join(case_dir, "input");
    cw.paths[CASE_EXPECTED] = path_join(case_dir, "expected");
    cw.paths[CASE_OUTPUT] = path_join(cw.paths[CASE_EXPECTED], "output");
    if (special == 0)
        special = fs_find_special_listed(case_dir, on_case_special, on_case_dir, &cw) < 0
                      ? -1
                      : cw.sc.found;
    if (special) {
        case_walk_free(&cw);
        return special < 0 ? -1 : 1;
    }
    char *path = path_join(case_dir, CASE_FILE);
    struct yaml_doc *doc;
    int r = text ? catalog_parse_buffer(text, len, path, &doc, diags)
                 : yaml_load_file(path, path, &doc, diags);
    if (r) {
        case_walk_free(&cw);
        free(path);
        return r;
    }
    if (catalog_validate(CATALOG_TEST_CASE, doc, diags)) {
        case_walk_free(&cw);
        yaml_doc_free(doc);
        free(path);
        return 1;
    }
    const json_t *root = yaml_doc_root(doc);
    struct test_case *tc = xcalloc(1, sizeof *tc);
    tc->dir = xstrdup(case_dir);
    size_t n = strlen(tc->dir);
    while (n > 1 && tc->dir[n - 1] == '/')
        tc->dir[--n] = '\0';
    tc->name = xstrdup(path_basename(tc->dir));
    tc->description = xstrdup(json_string_value(json_object_get(root, "description")));
    struct check c = {doc, diags, path, 0};
    size_t errors_before = diag_count(diags, DIAG_ERROR);
    tc->exit_code =
        (int)json_integer_value(json_object_get(json_object_get(root, "expect"), "exit_code"));
    load_params(tc, m, json_object_get(root, "parameters"),
                json_string_value(json_object_get(root, "with")), doc, diags);
    load_compare(tc, json_object_get(root, "compare"));
    load_display_compare(tc, m, json_object_get(json_object_get(root, "compare"), "display"), &c);
    check_inputs(tc, m, &c, &cw.names[CASE_INPUT]);
    check_expected(tc, m, &c, &cw.names[CASE_EXPECTED], &cw.names[CASE_OUTPUT]);
    case_walk_free(&cw);
    if (tc->display_compare == DISPLAY_COMPARE_EXISTS && tc->expected_display)
        check_warning(&c, "/compare/display", "case-compare",
                      "expected/display.html is never compared (compare.display: exists): "
                      "remove it, or compare it (exact, or masked)");
    load_expect(tc, m, json_object_get(root, "expect"), &c);
    const json_t *t = json_object_get(root, "timeout");
    tc->timeout = t ? (unsigned)json_integer_value(t) : m->runtime.timeout;
    for (size_t i = 0; i < tc->n_column_tolerances; i++) {
        for (size_t k = 0; k < tc->ignore_columns.count; k++) {
            if (!strcmp(tc->ignore_columns.items[k], tc->column_tolerances[i].column)) {
                struct buf ptr = BUF_INIT;
                buf_addstr(&ptr, "/compare/tolerance/columns");
                json_pointer_add(&ptr, tc->column_tolerances[i].column);
                check_warning(&c, ptr.data, "case-compare",
                              "column '%s' is ignored, so its tolerance has no effect",
                              tc->column_tolerances[i].column);
                buf_free(&ptr);
            }
        }
    }
    yaml_doc_free(doc);
    free(path);
    if (diag_count(diags, DIAG_ERROR) > errors_before) {
        test_case_free(tc);
        return 1;
    }
    *out = tc;
    return 0;
}
