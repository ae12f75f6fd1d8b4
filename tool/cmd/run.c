/* kanalytic run: run an analytic on your own Parquet files exactly as APPLY would — same
 * parameter rendering, same sandbox and Kestrel output rules as `kanalytic test` — then show
 * the first rows of each output with the new columns marked and say where the files went.
 * Parameters are checked against the manifest before any container starts.
 *
 * It reuses the test runner whole: the run is a test case with no goldens, living in a
 * private temporary folder, so what the runner would "create" as goldens are the outputs. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "cmd/image.h"
#include "docker/docker.h"
#include "manifest/kestrel_with.h"
#include "manifest/manifest.h"
#include "parquet/parquet.h"
#include "report/report.h"
#include "report/text_table.h"
#include "runner/runner.h"
#include "table/format.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/num.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cmd_option options[] = {
    CMD_OPT_ARG('i', "input", 'i', "FILE",
                "a Parquet input, in APPLY ... ON order (one per manifest input)"),
    CMD_OPT_ARG('w', "with", 'w', "TEXT",
                "WITH parameters in Kestrel's own syntax, as pasted from a hunt:\n"
                "'n=3, cols=(src_port, dst_port), s=\"a b\"'; a syntax error\n"
                "Kestrel would raise is shown at its column"),
    CMD_OPT_ARG('p', "param", 'p', "K=V", "one WITH parameter; V may be a list: a,b or [a,b]"),
    CMD_OPT_ARG('o', "out", 'o', "DIR",
                "where outputs go (default kanalytic-out/NAME):\n"
                "DIR/output/N.parquet.gz and DIR/display/display.html"),
    CMD_OPT_ARG(0, "head", 'H', "N", "rows of each output to print (default 10, 0 = none)"),
    CMD_OPT_ARG(0, "timeout", 'T', "S",
                "seconds before the container is killed (default: manifest)"),
    CMD_OPT_FLAG(0, "no-build", 'B', "do not build a missing image"),
    CMD_OPT_FLAG('v', "verbose", 'v',
                 "also print the environment the analytic sees (env NAME=VALUE;\n"
                 "a backslash doubled, control characters as C escapes: \\t)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: kanalytic run NAME --input FILE [--input FILE ...] [--with 'K=V, ...']\n"
        "                     [--param K=V ...] [--out DIR] [--head N] [--timeout SECONDS]\n"
        "                     [--no-build] [-v]\n"
        "\n"
        "Runs analytic NAME on your files as `APPLY docker://NAME ON v0, v1 WITH K=V` would:\n"
        "the Nth --input becomes /data/input/N.parquet.gz, each parameter an environment\n"
        "variable rendered as Kestrel renders it (010 -> 10, 1.5e3 -> 1500.0, (a, b) -> a,b,\n"
        "'it\\'s' -> it's), in the same sandbox as `kanalytic test` (no network unless the\n"
        "manifest asks, capabilities dropped, memory/pids limits, timeout). The inputs' entity\n"
        "type (their `type` column) and the parameters are checked against the manifest before\n"
        "any container starts.\n"
        "\n");
    cmd_options_print(out, options);
    fprintf(
        out,
        "\n"
        "exit: 0 the analytic ran and its outputs follow Kestrel's rules, 1 it failed or broke\n"
        "a rule, 2 could not run (bad parameters, unreadable input, no engine)\n"
        "\n"
        "examples:\n"
        "  kanalytic run sklearn-cluster -i traffic.parquet \\\n"
        "      -p columns=src_byte_count,dst_byte_count -p n_clusters=2\n"
        "  kanalytic run -v sklearn-cluster -i traffic.parquet \\\n"
        "      --with 'columns=(src_byte_count, dst_byte_count), n_clusters=2'\n"
        "  kanalytic fixture from-stix bundle.json -t url -o urls.parquet && \\\n"
        "      kanalytic run log4shell -i urls.parquet --out /tmp/l4s\n");
}

struct run_opts {
    const char *name;
    char **inputs;
    size_t ninputs;
    char **params;
    size_t nparams;
    const char *with;
    const char *out;
    long head;
    unsigned timeout;
    bool no_build;
};

/* The names of the columns of a Parquet file, for marking new columns. */
static int column_names(const char *path, struct fs_names *out)
{
    struct pq_reader *r;
    struct pq_reader_options ro = PQ_READER_OPTIONS_INIT;
    if (pq_reader_open(&r, path, &ro) < 0)
        return -1;
    for (size_t i = 0; i < pq_reader_num_columns(r); i++) {
        ARRAY_GROW(out->names, out->count + 1, out->cap);
        out->names[out->count++] = xstrdup(pq_reader_column(r, i)->name);
    }
    pq_reader_free(r);
    return 0;
}

static bool has_name(const struct fs_names *n, const char *name)
{
    for (size_t i = 0; i < n->count; i++)
        if (!strcmp(n->names[i], name))
            return true;
    return false;
}

static int copy_file(const char *src, const char *dst)
{
    struct buf b = BUF_INIT;
    int rc = fs_read_file(src, (size_t)4 << 30, &b);
    if (rc == 0) {
        char *dir = xstrdup(dst);
        char *slash = strrchr(dir, '/');
        if (slash) {
            *slash = '\0';
            rc = fs_mkdirs(dir, 0755);
        }
        free(dir);
    }
    if (rc == 0)
        rc = fs_write_atomic(dst, b.data, b.len);
    buf_free(&b);
    return rc;
}

/* Prints output N: its size, the new columns, and its first rows. */
static int show_output(const struct run_opts *o, size_t n, const char *input, const char *path)
{
    struct pq_table t = PQ_TABLE_INIT;
    struct fs_names in = {0};
    if (pq_read_file(path, &t) < 0 || (input && column_names(input, &in) < 0)) {
        fprintf(stderr, "kanalytic run: %s\n", err_last());
        table_free(&t);
        fs_names_free(&in);
        return -1;
    }
    bool *marked = xcalloc(t.ncols + 1, sizeof *marked);
    struct buf added = BUF_INIT;
    for (size_t c = 0; c < t.ncols; c++) {
        marked[c] = input && !has_name(&in, t.cols[c].name);
        if (marked[c])
            buf_addf(&added, "%s%s", added.len ? ", " : "", t.cols[c].name);
    }
    printf("%soutput %zu%s: %s — %zu rows, %zu columns%s%s\n", term_color(stdout, TC_BOLD), n,
           term_color(stdout, TC_RESET), qpath(path), t.nrows, t.ncols, added.len ? "; new: " : "",
           added.data);
    if (o->head > 0 && t.ncols) {
        /* a view with the new columns first, so a narrow terminal still shows them */
        struct pq_table view = t;
        view.cols = xcalloc(t.ncols, sizeof *view.cols);
        bool *view_marked = xcalloc(t.ncols + 1, sizeof *view_marked);
        size_t k = 0;
        for (int pass = 1; pass >= 0; pass--)
            for (size_t c = 0; c < t.ncols; c++)
                if (marked[c] == (bool)pass) {
                    view_marked[k] = marked[c];
                    view.cols[k++] = t.cols[c];
                }
        struct buf out = BUF_INIT;
        struct text_table tt = TEXT_TABLE_INIT;
        tt.marked = view_marked;
        size_t rows = t.nrows < (size_t)o->head ? t.nrows : (size_t)o->head;
        text_table_rows(&tt, &out, &view, rows);
        free(view.cols); /* the columns themselves belong to t */
        free(view_marked);
        fputs(out.data, stdout);
        if (t.nrows > rows)
            printf("… %zu more rows\n", t.nrows - rows);
        text_table_free(&tt);
        buf_free(&out);
    }
    buf_free(&added);
    free(marked);
    fs_names_free(&in);
    table_free(&t);
    return 0;
}

/* Builds the in-memory test case: the user's inputs, the rendered parameters, no goldens,
 * and dir = tmp, so the runner writes every output under tmp/expected/. */
static int make_case(const struct manifest *m, const struct run_opts *o, const char *tmp,
                     struct test_case **out, struct diag_list *diags)
{
    struct test_case *tc = xcalloc(1, sizeof *tc);
    tc->name = xstrdup("run");
    tc->dir = xstrdup(tmp);
    tc->nan_equal = true;
    tc->timeout = o->timeout ? o->timeout : m->runtime.timeout;
    struct param_value *with = NULL;
    size_t nwith = 0;
    if (o->with && kestrel_with_parse(o->with, "--with", &with, &nwith, diags) < 0) {
        test_case_free(tc);
        return -1;
    }
    tc->params = xcalloc(nwith + o->nparams + 1, sizeof *tc->params);
    if (nwith)
        memcpy(tc->params, with, nwith * sizeof *with);
    tc->n_params = nwith;
    free(with); /* the values now belong to tc */
    for (size_t i = 0; i < o->nparams; i++) {
        if (params_parse_arg(o->params[i], &tc->params[tc->n_params]) < 0) {
            diag_add(diags, DIAG_ERROR, "--param", 0, 0, "param", "%s", err_last());
            test_case_free(tc);
            return -1;
        }
        tc->n_params++;
    }
    if (params_render(m, tc->params, tc->n_params, &tc->env, diags) < 0 ||
        diag_count(diags, DIAG_ERROR)) {
        test_case_free(tc);
        return -1;
    }
    tc->inputs = xcalloc(o->ninputs + 1, sizeof *tc->inputs);
    for (size_t i = 0; i < o->ninputs; i++) {
        char real[PATH_MAX];
        if (!realpath(o->inputs[i], real)) {
            diag_add(diags, DIAG_ERROR, o->inputs[i], 0, 0, "input", "cannot read the input: %m");
            test_case_free(tc);
            return -1;
        }
        tc->inputs[tc->n_inputs++] = xstrdup(real);
    }
    *out = tc;
    return 0;
}

/* Under a --with syntax error: its line of the WITH text and a caret at the column. */
static void show_with_error(const char *text, const struct diag_list *diags)
{
    for (size_t i = 0; i < diags->count; i++) {
        const struct diag *d = &diags->items[i];
        if (!d->rule || strcmp(d->rule, "with-syntax") || d->line < 1)
            continue;
        const char *line = text;
        for (int l = 1; l < d->line && line; l++) {
            line = strchr(line, '\n');
            if (line)
                line++;
        }
        if (!line)
            continue;
        int len = (int)strcspn(line, "\n");
        fprintf(stderr, "  WITH %.*s\n       ", len, line);
        int col = 1;
        for (const char *c = line; c < line + len && col < d->col; c++) {
            if (((unsigned char)*c & 0xC0) == 0x80)
                continue;
            fputc(*c == '\t' ? '\t' : ' ', stderr);
            col++;
        }
        fprintf(stderr, "^\n");
    }
}

static int with_syntax_ok(const char *text)
{
    struct param_value *v;
    size_t n;
    struct diag_list diags = DIAG_LIST_INIT;
    int rc = kestrel_with_parse(text, "--with", &v, &n, &diags);
    if (rc < 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        show_with_error(text, &diags);
        fprintf(stderr, "kanalytic run: fix the --with text; no container was started\n");
    }
    param_values_free(v, n);
    diag_list_free(&diags);
    return rc;
}

/* NAME=VALUE with backslashes doubled and control characters written as C escapes, so a tab,
 * a line break or a terminal escape in a value shows as such and stays on its line. */
static void print_env(const struct env_list *env)
{
    for (size_t i = 0; i < env->count; i++) {
        struct buf raw = BUF_INIT, shown = BUF_INIT;
        for (const char *c = env->items[i].value; *c; c++) {
            if (*c == '\\')
                buf_addch(&raw, '\\');
            buf_addch(&raw, *c);
        }
        quote_controls(&shown, raw.len ? raw.data : "", raw.len);
        fprintf(stderr, "env %s=%s\n", qpath(env->items[i].name), shown.len ? shown.data : "");
        buf_free(&raw);
        buf_free(&shown);
    }
}

/* The distinct values of the `type` column of a Parquet file (at most 8) and its row count,
 * or -1 + err_set. */
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
        for (size_t row = 0; rc == 0 && t.ncols && row < t.nrows && types->count < 8; row++) {
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

/* Kestrel hands an analytic any variable; the manifest says which entity types an input
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
        fprintf(stderr, "kanalytic run: input %zu: %s\n", n, err_last());
        return -1;
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
    if (!has_type && rows > 0) { /* an empty variable arrives as 0 rows and 0 columns */
        fprintf(stderr,
                "kanalytic run: input %zu (%s) has no 'type' column: a Kestrel variable always "
                "has one; %s takes %s here (kanalytic fixture makes Kestrel-shaped inputs)\n",
                n, qpath(path), m->name, declared.data);
        rc = -1;
    }
    for (size_t t = 0; rc == 0 && t < types.count; t++) {
        bool ok = false;
        for (size_t k = 0; k < want->count && !ok; k++)
            ok = !strcmp(want->items[k], types.names[t]);
        if (!ok) {
            fprintf(stderr,
                    "kanalytic run: input %zu (%s) holds %s entities, but %s takes %s there "
                    "(inputs[%zu].entity_types in its analytic.yaml)\n",
                    n, qpath(path), types.names[t], m->name, declared.data, n);
            rc = -1;
        }
    }
    buf_free(&declared);
    fs_names_free(&types);
    return rc;
}

static int check_inputs(const struct manifest *m, const struct run_opts *o)
{
    if (o->ninputs != m->n_inputs) {
        fprintf(stderr,
                "kanalytic run: %s takes %zu input%s (APPLY docker://%s ON %s), %zu given with "
                "--input\n",
                m->name, m->n_inputs, m->n_inputs == 1 ? "" : "s", m->name,
                m->n_inputs == 1   ? "v0"
                : m->n_inputs == 2 ? "v0, v1"
                                   : "v0, v1, ...",
                o->ninputs);
        return -1;
    }
    for (size_t i = 0; i < o->ninputs; i++) {
        struct pq_reader *r;
        struct pq_reader_options ro = PQ_READER_OPTIONS_INIT;
        if (pq_reader_open(&r, o->inputs[i], &ro) < 0) {
            fprintf(stderr, "kanalytic run: input %zu: %s\n", i, err_last());
            return -1;
        }
        pq_reader_free(r);
        if (check_entity_type(m, i, o->inputs[i]) < 0)
            return -1;
    }
    return 0;
}

/* Makes sure kestrel-analytics-NAME:latest exists, building it unless --no-build. */
static int ensure_image(struct docker *d, const struct manifest *m, bool no_build)
{
    char *problem;
    if (image_ready(d, m, no_build, "kanalytic run", &problem) == 0)
        return 0;
    fprintf(stderr, "kanalytic run: %s\n", problem);
    free(problem);
    return -1;
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
    int c;
    struct cmd_getopt g;
    if (cmd_getopt_init(&g, options, false) < 0) {
        fprintf(stderr, "kanalytic run: %s\n", err_last());
        return -1;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            o->inputs = xreallocarray(o->inputs, o->ninputs + 1, sizeof *o->inputs);
            o->inputs[o->ninputs++] = optarg;
            break;
        case 'p':
            o->params = xreallocarray(o->params, o->nparams + 1, sizeof *o->params);
            o->params[o->nparams++] = optarg;
            break;
        case 'w':
            if (o->with) {
                fprintf(stderr, "kanalytic run: give --with once (one WITH clause: "
                                "'a=1, b=2')\n");
                return -1;
            }
            o->with = optarg;
            break;
        case 'v': term_verbosity++; break;
        case 'o': o->out = optarg; break;
        case 'H':
            if (parse_long(optarg, 0, LONG_MAX, &o->head) < 0) {
                fprintf(stderr, "kanalytic run: --head wants a number of rows, not '%s'\n", optarg);
                return -1;
            }
            break;
        case 'T': {
            long t;
            if (parse_long(optarg, 1, 86400, &t) < 0) {
                fprintf(stderr, "kanalytic run: --timeout wants seconds (1-86400), not '%s'\n",
                        optarg);
                return -1;
            }
            o->timeout = (unsigned)t;
            break;
        }
        case 'B': o->no_build = true; break;
        case 'h': usage(stdout); return 1;
        case CMD_OPT_LIST_OPTIONS: cmd_options_list(stdout, options); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return -1;
    }
    o->name = argv[optind];
    return 0;
}

static int report_outputs(const struct manifest *m, const struct run_opts *o, const char *tmp,
                          const char *outdir)
{
    int rc = 0;
    bool any = false;
    for (size_t n = 0; n < o->ninputs || n < m->n_outputs + 1; n++) {
        struct buf src = BUF_INIT, dst = BUF_INIT;
        buf_addf(&src, "%s/expected/output/%zu.parquet.gz", tmp, n);
        buf_addf(&dst, "%s/output/%zu.parquet.gz", outdir, n);
        if (fs_is_file(src.data)) {
            any = true;
            if (copy_file(src.data, dst.data) < 0) {
                fprintf(stderr, "kanalytic run: %s\n", err_last());
                rc = -1;
            } else if (show_output(o, n, n < o->ninputs ? o->inputs[n] : NULL, dst.data) < 0) {
                rc = -1;
            }
        }
        buf_free(&src);
        buf_free(&dst);
        if (n > 64)
            break;
    }
    if (!any)
        printf("no output written: every variable stays unchanged (Kestrel skips them)\n");
    struct buf src = BUF_INIT, dst = BUF_INIT;
    buf_addf(&src, "%s/expected/display.html", tmp);
    buf_addf(&dst, "%s/display/display.html", outdir);
    if (fs_is_file(src.data)) {
        if (copy_file(src.data, dst.data) < 0) {
            fprintf(stderr, "kanalytic run: %s\n", err_last());
            rc = -1;
        } else {
            printf("display: %s (what Kestrel would show)\n", qpath(dst.data));
        }
    }
    buf_free(&src);
    buf_free(&dst);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o = {0};
    o.head = 10;
    int pr = parse_args(argc, argv, &o);
    if (pr) {
        free(o.inputs);
        free(o.params);
        return pr > 0 ? 0 : EXIT_TROUBLE;
    }
    int exit_code = EXIT_TROUBLE;
    if (o.with && with_syntax_ok(o.with) < 0) { /* before any file is looked at */
        free(o.inputs);
        free(o.params);
        return exit_code;
    }
    char *root = NULL, *dir = NULL, *man = NULL, *outdir = NULL;
    const char *name = NULL;
    struct manifest *m = NULL;
    struct test_case *tc = NULL;
    struct docker *d = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    char tmp[] = "/tmp/kanalytic-run.XXXXXX";
    bool have_tmp = false;

    if (repo_find_root(&root) < 0 && !strchr(o.name, '/')) {
        fprintf(stderr, "kanalytic run: %s\n", err_last());
        goto cleanup;
    }
    if (repo_resolve_analytic(root, o.name, &dir, &name) < 0) {
        fprintf(stderr, "kanalytic run: %s\n", err_last());
        goto cleanup;
    }
    man = path_join(dir, "analytic.yaml");
    if (manifest_load(man, &m, &diags) < 0 || diag_count(&diags, DIAG_ERROR)) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        fprintf(stderr, "kanalytic run: %s: fix the manifest first (kanalytic validate %s)\n",
                qpath(man), qpath(name));
        goto cleanup;
    }
    if (check_inputs(m, &o) < 0)
        goto cleanup;
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "kanalytic run: cannot make a temporary folder: %m\n");
        goto cleanup;
    }
    have_tmp = true;
    if (make_case(m, &o, tmp, &tc, &diags) < 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        if (o.with)
            show_with_error(o.with, &diags);
        fprintf(stderr, "kanalytic run: no container was started\n");
        goto cleanup;
    }
    if (diags.count) /* notes and warnings about the parameters */
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
    if (docker_open(&d) < 0) {
        fprintf(stderr, "kanalytic run: %s\n", err_last());
        goto cleanup;
    }
    if (ensure_image(d, m, o.no_build) < 0)
        goto cleanup;

    struct runner_case rc = {m, dir, tmp, (char *)name, "run", tc, NULL};
    struct runner_options ro = RUNNER_OPTIONS_INIT;
    struct case_result res;
    case_result_init(&res, name, "run");
    runner_install_signal_handlers();
    if (term_verbosity > 0)
        print_env(&tc->env);
    runner_run_case(d, &rc, &ro, &res);
    runner_cleanup(d);
    if (res.status == CASE_ERROR) {
        report_case_details(&res, stderr);
        case_result_free(&res);
        goto cleanup;
    }
    if (res.status == CASE_SKIP) {
        printf("not run: %s\n", res.skip_reason);
        exit_code = 0;
        case_result_free(&res);
        goto cleanup;
    }
    if (o.out) {
        outdir = xstrdup(o.out);
    } else {
        struct buf b = BUF_INIT;
        buf_addf(&b, "kanalytic-out/%s", name);
        outdir = buf_detach(&b, NULL);
    }
    int shown = report_outputs(m, &o, tmp, outdir);
    if (res.status != CASE_FAIL) /* a failing run prints them with its problems */
        report_case_notes(&res, stdout);
    if (res.status == CASE_FAIL) {
        fprintf(stderr, "%sthe run broke a rule:%s\n", term_color(stderr, TC_RED),
                term_color(stderr, TC_RESET));
        report_case_details(&res, stderr);
    }
    printf("ran in %.1fs; outputs in %s/\n", res.seconds, qpath(outdir));
    exit_code = res.status == CASE_FAIL || shown < 0 ? EXIT_FINDINGS : 0;
    case_result_free(&res);

cleanup:
    if (have_tmp)
        fs_remove_tree(tmp);
    test_case_free(tc);
    if (d)
        docker_close(d);
    manifest_free(m);
    diag_list_free(&diags);
    free(man);
    free(dir);
    free(root);
    free(outdir);
    free(o.inputs);
    free(o.params);
    return exit_code;
}
