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
#include "runner/adhoc.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/num.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/term.h"
#include "util/xalloc.h"

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

static const struct cmd_spec spec = {
    .name = "run",
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
    "\n",
    options,
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
    "      kanalytic run log4shell -i urls.parquet --out /tmp/l4s\n",
};

struct run_opts {
    const char *name;
    struct runner_adhoc a; /* inputs, parameters, timeout */
    const char *out;
    long head;
    bool no_build;
};

/* Prints output N: its size, the new columns, and its first rows. */
static int show_output(const struct run_opts *o, size_t n, const char *input, const char *path)
{
    struct pq_table t;
    bool *marked;
    if (runner_adhoc_read_output(path, input, &t, &marked) < 0) {
        cmd_trouble(&spec);
        return -1;
    }
    struct buf added = BUF_INIT;
    for (size_t c = 0; c < t.ncols; c++) {
        if (marked[c])
            buf_addf(&added, "%s%s", added.len ? ", " : "", t.cols[c].name);
    }
    printf("%soutput %zu%s: %s — %zu rows, %zu columns%s%s\n", term_color(stdout, TC_BOLD), n,
           term_color(stdout, TC_RESET), qpath(path), t.nrows, t.ncols, added.len ? "; new: " : "",
           added.data);
    if (o->head > 0 && t.ncols) {
        struct pq_table view;
        bool *view_marked;
        text_table_marked_first(&t, marked, &view, &view_marked);
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
    table_free(&t);
    return 0;
}

/* Under a --with syntax error: its line of the WITH text and a caret at the column. */
static void show_with_error(const char *text, const struct diag_list *diags)
{
    for (size_t i = 0; i < diags->count; i++) {
        const char *line;
        int len;
        struct buf pad = BUF_INIT;
        if (kestrel_with_pointer(text, &diags->items[i], &line, &len, &pad) == 0)
            fprintf(stderr, "  WITH %.*s\n       %s^\n", len, line, pad.len ? pad.data : "");
        buf_free(&pad);
    }
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

/* -1: run; else the exit code (after --help, or a usage error said). */
static int parse_args(int argc, char **argv, struct run_opts *o)
{
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case 'i':
            o->a.inputs = xreallocarray(o->a.inputs, o->a.n_inputs + 1, sizeof *o->a.inputs);
            o->a.inputs[o->a.n_inputs++] = optarg;
            break;
        case 'p':
            o->a.params = xreallocarray(o->a.params, o->a.n_params + 1, sizeof *o->a.params);
            o->a.params[o->a.n_params++] = optarg;
            break;
        case 'w':
            if (o->a.with)
                return cmd_error(&spec, "give --with once (one WITH clause: 'a=1, b=2')");
            o->a.with = optarg;
            break;
        case 'v': term_verbosity++; break;
        case 'o': o->out = optarg; break;
        case 'H':
            if (parse_long(optarg, 0, LONG_MAX, &o->head) < 0)
                return cmd_error(&spec, "--head wants a number of rows, not '%s'", optarg);
            break;
        case 'T': {
            long t;
            if (parse_long(optarg, 1, 86400, &t) < 0)
                return cmd_error(&spec, "--timeout wants seconds (1-86400), not '%s'", optarg);
            o->a.timeout = (unsigned)t;
            break;
        }
        case 'B': o->no_build = true; break;
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    if (optind + 1 != argc)
        return cmd_usage_error(&spec, NULL);
    o->name = argv[optind];
    return -1;
}

/* Takes the outputs and display from the run's folder to outdir and shows each. */
static int report_outputs(const struct manifest *m, const struct run_opts *o, const char *tmp,
                          const char *outdir)
{
    int rc = 0, took;
    bool any = false;
    char *path = NULL;
    for (size_t n = 0; n < runner_adhoc_output_slots(m, o->a.n_inputs); n++) {
        took = runner_adhoc_take_output(tmp, outdir, n, &path);
        any |= took != 0;
        if (took < 0)
            cmd_trouble(&spec);
        else if (took && show_output(o, n, n < o->a.n_inputs ? o->a.inputs[n] : NULL, path) < 0)
            took = -1;
        rc = took < 0 ? -1 : rc;
        free(path);
        path = NULL;
    }
    if (!any)
        printf("no output written: every variable stays unchanged (Kestrel skips them)\n");
    took = runner_adhoc_take_display(tmp, outdir, &path);
    if (took < 0)
        cmd_trouble(&spec);
    else if (took)
        printf("display: %s (what Kestrel would show)\n", qpath(path));
    free(path);
    return took < 0 ? -1 : rc;
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o = {0};
    o.head = 10;
    int pr = parse_args(argc, argv, &o);
    int exit_code = pr >= 0 ? pr : EXIT_TROUBLE;
    char *root = NULL, *dir = NULL, *man = NULL, *outdir = NULL;
    const char *name = NULL;
    struct manifest *m = NULL;
    struct test_case *tc = NULL;
    struct docker *d = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    char tmp[] = "/tmp/kanalytic-run.XXXXXX";
    bool have_tmp = false;

    if (pr >= 0)
        goto cleanup;
    if (o.a.with && kestrel_with_check(o.a.with, "--with", &diags) < 0) { /* before any file */
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        show_with_error(o.a.with, &diags);
        cmd_error(&spec, "fix the --with text; no container was started");
        goto cleanup;
    }
    if (repo_find_root(&root) < 0 && !strchr(o.name, '/')) {
        cmd_trouble(&spec);
        goto cleanup;
    }
    if (repo_resolve_analytic(root, o.name, &dir, &name) < 0) {
        cmd_trouble(&spec);
        goto cleanup;
    }
    man = path_join(dir, "analytic.yaml");
    if (manifest_load(man, &m, &diags) < 0 || diag_count(&diags, DIAG_ERROR)) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        fprintf(stderr, "kanalytic run: %s: fix the manifest first (kanalytic validate %s)\n",
                qpath(man), qpath(name));
        goto cleanup;
    }
    if (runner_adhoc_check_inputs(m, &o.a) < 0) {
        cmd_trouble(&spec);
        goto cleanup;
    }
    if (!mkdtemp(tmp)) {
        cmd_error(&spec, "cannot make a temporary folder: %m");
        goto cleanup;
    }
    have_tmp = true;
    if (runner_adhoc_case(m, &o.a, tmp, &tc, &diags) < 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        if (o.a.with)
            show_with_error(o.a.with, &diags);
        cmd_error(&spec, "no container was started");
        goto cleanup;
    }
    if (diags.count) /* notes and warnings about the parameters */
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
    if (docker_open(&d) < 0) {
        cmd_trouble(&spec);
        goto cleanup;
    }
    char *problem;
    if (image_ready(d, m, o.no_build, "kanalytic run", &problem) < 0) {
        cmd_error(&spec, "%s", problem);
        free(problem);
        goto cleanup;
    }

    if (term_verbosity > 0)
        print_env(&tc->env);
    struct case_result res;
    runner_adhoc_run(d, m, dir, name, tc, &res);
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
    free(o.a.inputs);
    free(o.a.params);
    return exit_code;
}
