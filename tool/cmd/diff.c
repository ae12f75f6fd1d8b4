/* kanalytic diff EXPECTED ACTUAL: the test runner's semantic comparator on two Parquet files.
 * Equal files are recognised in one streaming pass whatever their row-group layouts;
 * otherwise both files are decoded in parallel and compared (pq_compare_files in
 * parquet/stream_compare.h), which says what differs. */
#include "cmd.h"
#include "cmd/options.h"
#include "parquet/parquet.h"
#include "parquet/stream_compare.h"
#include "report/report.h"
#include "table/compare.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/num.h"
#include "util/quote.h"
#include "util/xalloc.h"

#include <float.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_RTOL = 256, OPT_ATOL, OPT_TOL, OPT_NAN, OPT_ORDER, OPT_MAX, OPT_FORMAT };

static const struct cmd_option options[] = {
    CMD_OPT_ARG('k', "key", 'k', "COLS", "match rows by these key columns (a,b), ignoring order"),
    CMD_OPT_ARG('i', "ignore", 'i', "COLS", "leave these columns out (repeatable, a,b)"),
    CMD_OPT_ARG(0, "rtol", OPT_RTOL, "X", "relative tolerance of numeric cells (default 0)"),
    CMD_OPT_ARG(0, "atol", OPT_ATOL, "X",
                "absolute tolerance (default 0): |a-e| <= atol + rtol*|e|"),
    CMD_OPT_ARG(0, "tolerance", OPT_TOL, "COL=RTOL,ATOL",
                "a tolerance for one column (repeatable)"),
    CMD_OPT_FLAG(0, "nan-unequal", OPT_NAN, "NaN differs from NaN (default: NaN equals NaN)"),
    CMD_OPT_FLAG(0, "strict-column-order", OPT_ORDER, "column order must match (default: ignored)"),
    CMD_OPT_ARG(0, "max-cells", OPT_MAX, "N", "differing cells shown (default 20)"),
    CMD_OPT_ARG(0, "format", OPT_FORMAT, "F", "text (default) or json"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "diff",
    "usage: kanalytic diff [options] EXPECTED ACTUAL\n"
    "\n"
    "Compares two Parquet files the way `kanalytic test` compares an output with its\n"
    "golden: schema (column names and types) first, then the row count, then values.\n"
    "\n"
    "options:\n",
    options,
    "\n"
    "examples:\n"
    "  kanalytic diff expected/output/0.parquet.gz out.parquet.gz\n"
    "  kanalytic diff -k id --ignore first_observed --rtol 1e-9 a.parquet b.parquet\n"
    "  kanalytic diff --tolerance x_score=1e-6,0 --format json a.parquet b.parquet\n"
    "\n"
    "exit codes: 0 equal, 1 different, 2 usage or I/O error (unreadable file)\n",
};

static int tolerance_arg(const char *s, const char *what, double *out)
{
    double v;
    if (parse_double(s, 0, DBL_MAX, &v) < 0)
        return -cmd_error(&spec, "%s must be a number >= 0, not '%s'", what, s);
    *out = v;
    return 0;
}

/* Appends the items of a comma list to a growing NULL-terminated-free array. */
static void add_items(char ***list, size_t *n, const char *arg)
{
    size_t k;
    char **items = compare_split_list(arg, &k);
    *list = xreallocarray(*list, *n + k + 1, sizeof **list);
    for (size_t i = 0; i < k; i++)
        (*list)[(*n)++] = items[i];
    (*list)[*n] = NULL;
    free(items);
}

int cmd_diff(int argc, char **argv)
{
    struct compare_options o = COMPARE_OPTIONS_INIT;
    char **key = NULL, **ignore = NULL;
    size_t nkey = 0, nignore = 0;
    struct compare_tolerance *tols = NULL;
    size_t ntols = 0;
    bool json = false;
    int status = EXIT_TROUBLE;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int ch;
    while ((ch = cmd_parse(&p)) >= 0) {
        switch (ch) {
        case 'k': add_items(&key, &nkey, optarg); break;
        case 'i': add_items(&ignore, &nignore, optarg); break;
        case OPT_RTOL:
            if (tolerance_arg(optarg, "--rtol", &o.rtol) < 0)
                goto out;
            break;
        case OPT_ATOL:
            if (tolerance_arg(optarg, "--atol", &o.atol) < 0)
                goto out;
            break;
        case OPT_TOL: {
            const char *eq = strchr(optarg, '=');
            const char *comma = eq ? strchr(eq, ',') : NULL;
            if (!eq || eq == optarg || !comma) {
                cmd_error(&spec, "--tolerance wants COLUMN=RTOL,ATOL, not '%s'", optarg);
                goto out;
            }
            tols = xreallocarray(tols, ntols + 1, sizeof *tols);
            struct compare_tolerance *t = &tols[ntols];
            char *r = xstrndup(eq + 1, (size_t)(comma - eq - 1));
            int bad = tolerance_arg(r, "--tolerance RTOL", &t->rtol) < 0 ||
                      tolerance_arg(comma + 1, "--tolerance ATOL", &t->atol) < 0;
            free(r);
            if (bad)
                goto out;
            t->column = xstrndup(optarg, (size_t)(eq - optarg));
            ntols++;
            break;
        }
        case OPT_NAN: o.nan_equal = false; break;
        case OPT_ORDER: o.strict_column_order = true; break;
        case OPT_MAX: {
            long v;
            if (parse_long(optarg, 1, 1000000, &v) < 0) {
                cmd_error(&spec, "--max-cells must be 1..1000000");
                goto out;
            }
            o.max_cells = (size_t)v;
            break;
        }
        case OPT_FORMAT:
            if (!strcmp(optarg, "json"))
                json = true;
            else if (strcmp(optarg, "text")) {
                cmd_error(&spec, "--format is text or json, not '%s'", optarg);
                goto out;
            }
            break;
        }
    }
    if (ch != CMD_PARSE_END) {
        status = cmd_parse_exit(ch);
        goto out;
    }
    if (argc - optind != 2) {
        cmd_usage_error(&spec, "expected two files: EXPECTED ACTUAL");
        goto out;
    }
    o.key = (const char *const *)key;
    o.nkey = nkey;
    o.ignore = (const char *const *)ignore;
    o.nignore = nignore;
    o.tolerances = tols;
    o.ntolerances = ntols;

    const char *expected = argv[optind], *actual = argv[optind + 1];
    /* column chunks are allocated and freed in turn: keep freed memory for the next one rather
     * than returning it to the kernel and faulting it in again */
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    struct compare_result r;
    if (pq_compare_files(expected, actual, &o, &r) < 0) {
        cmd_trouble(&spec);
        goto out;
    }
    if (json) {
        json_t *j = report_compare_json(&r);
        json_object_set_new(j, "expected", json_string(expected));
        json_object_set_new(j, "actual", json_string(actual));
        json_dumpf(j, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(j);
    } else {
        if (!r.equal)
            printf("--- %s (expected)\n+++ %s (actual)\n", qpath(expected), qpath(actual));
        report_compare_text(&r, stdout, "");
    }
    status = r.equal ? 0 : EXIT_FINDINGS;
    compare_result_free(&r);
out:
    compare_free_list(key);
    compare_free_list(ignore);
    for (size_t i = 0; i < ntols; i++)
        free((char *)tols[i].column);
    free(tols);
    return status;
}
