/* kanalytic show: print a Parquet file as a terminal table, CSV (RFC 4180) or canonical JSON
 * Lines, or describe its schema. Reads one row group at a time and stops once --head rows
 * are out, so a short look at a large file reads only its first row group's wanted chunks. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "report/text_table.h"
#include "table/csv.h"
#include "table/jsonl.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/num.h"
#include "util/quote.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum show_format { FMT_TABLE, FMT_CSV, FMT_JSONL };

static const struct cmd_option options[] = {
    CMD_OPT_ARG('f', "format", 'f', "F",
                "table (default; fits the terminal width), csv (RFC 4180) or\n"
                "jsonl (canonical JSON Lines, keys in schema order)"),
    CMD_OPT_FLAG('s', "schema", 's',
                 "print columns with physical and logical types, nullability,\n"
                 "rows, row groups, codec and created_by instead of the rows"),
    CMD_OPT_ARG('n', "head", 'n', "N", "print only the first N rows (reads only what it needs)"),
    CMD_OPT_ARG('c', "columns", 'c', "L", "print only these columns (comma-separated names)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "show",
    "usage: kanalytic show FILE [--format table|csv|jsonl] [--schema] [--head N]\n"
    "                           [--columns a,b,...]\n"
    "\n",
    options,
    "\n"
    "examples:\n"
    "  kanalytic show data/input/0.parquet.gz --head 10\n"
    "  kanalytic show out.parquet --format jsonl --columns id,type\n"
    "  kanalytic show out.parquet --schema\n",
};

static int print_schema(struct pq_reader *r, const char *path, const bool *want)
{
    size_t nrg = pq_reader_num_row_groups(r);
    const char *cb = pq_reader_created_by(r);
    printf("file:        %s\n", qpath(path));
    printf("rows:        %llu\n", (unsigned long long)pq_reader_num_rows(r));
    printf("row groups:  %zu\n", nrg);
    printf("created_by:  %s\n", cb ? cb : "(not recorded)");
    size_t nc = pq_reader_num_columns(r), namew = 6;
    for (size_t i = 0; i < nc; i++) {
        size_t l = strlen(qpath(pq_reader_column(r, i)->name));
        if (l > namew)
            namew = l;
    }
    printf("columns:     %zu\n\n", nc);
    printf("  %-*s  %-28s  %-20s  %-8s  %s\n", (int)namew, "column", "type", "physical", "nulls",
           "codec");
    for (size_t i = 0; i < nc; i++) {
        if (want && !want[i])
            continue;
        const struct pq_schema_column *c = pq_reader_column(r, i);
        char ty[96];
        pq_type_describe(&c->type, c->is_list, ty, sizeof ty);
        const char *rep = c->optional ? "optional" : "required";
        char phys[64];
        snprintf(phys, sizeof phys, "%s%s", pq_physical_name(c->type.physical),
                 c->is_list ? (c->element_optional ? " (list, opt. elements)" : " (list)") : "");
        printf("  %-*s  %-28s  %-20s  %-8s  %s\n", (int)namew, qpath(c->name), ty, phys, rep,
               nrg ? pq_codec_name(pq_reader_column_codec(r, i)) : "-");
    }
    return 0;
}

/* ---- the command ---- */

static int write_out(struct buf *out)
{
    if (out->len && fwrite(out->data, 1, out->len, stdout) != out->len)
        return -1;
    buf_reset(out);
    return 0;
}

struct show_rows {
    enum show_format fmt;
    struct buf *out;
    struct text_table *tp;
};

/* The first n rows of t in the format, written out; 1 (stop) when stdout fails. */
static int show_rows(void *ctx, const struct pq_table *t, size_t n)
{
    struct show_rows *s = ctx;
    if (s->fmt == FMT_CSV)
        csv_write_rows(s->out, t, 0, n, "\r\n");
    else if (s->fmt == FMT_JSONL)
        jsonl_write_rows(s->out, t, 0, n);
    else
        text_table_rows(s->tp, s->out, t, n);
    return write_out(s->out) < 0 ? 1 : 0;
}

int cmd_show(int argc, char **argv)
{
    enum show_format fmt = FMT_TABLE;
    bool schema = false;
    long long head = -1;
    const char *columns = NULL;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int opt;
    while ((opt = cmd_parse(&p)) >= 0) {
        switch (opt) {
        case 'f':
            if (!strcmp(optarg, "table"))
                fmt = FMT_TABLE;
            else if (!strcmp(optarg, "csv"))
                fmt = FMT_CSV;
            else if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json"))
                fmt = FMT_JSONL;
            else
                return cmd_error(&spec, "unknown format '%s' (table, csv, jsonl)", optarg);
            break;
        case 's': schema = true; break;
        case 'n': {
            long v;
            if (parse_long(optarg, 0, LONG_MAX, &v) < 0)
                return cmd_error(&spec, "--head wants a non-negative number");
            head = v;
            break;
        }
        case 'c': columns = optarg; break;
        }
    }
    if (opt != CMD_PARSE_END)
        return cmd_parse_exit(opt);
    if (optind + 1 != argc)
        return cmd_usage_error(&spec, NULL);
    const char *path = argv[optind];
    struct pq_reader *r;
    if (pq_reader_open(&r, path, NULL) < 0)
        return cmd_trouble(&spec);
    bool *want = NULL;
    if (columns && pq_reader_select_columns(r, columns, &want) < 0) {
        cmd_error(&spec, "%s: %s", path, err_last());
        pq_reader_free(r);
        return EXIT_TROUBLE;
    }
    int rc = 0;
    if (schema) {
        print_schema(r, path, want);
        goto cleanup;
    }
    struct buf out = BUF_INIT;
    struct text_table tp = TEXT_TABLE_INIT;
    struct pq_table empty; /* the wanted columns, no rows: headers */
    pq_reader_empty_table(r, want, &empty);
    if (fmt == FMT_CSV)
        csv_write_header(&out, &empty, "\r\n");
    struct show_rows sr = {fmt, &out, &tp};
    int scan = pq_reader_scan(r, want, head < 0 ? UINT64_MAX : (uint64_t)head, show_rows, &sr);
    if (scan < 0) {
        write_out(&out);
        fflush(stdout);
        cmd_trouble(&spec);
    }
    if (scan)
        rc = EXIT_TROUBLE;
    if (rc == 0 && fmt == FMT_TABLE && !tp.ready) { /* no rows: header only */
        text_table_rows(&tp, &out, &empty, 0);
        write_out(&out);
    }
    table_free(&empty);
    if (rc == 0 && fmt == FMT_TABLE && head < 0 && isatty(STDOUT_FILENO))
        printf("(%llu rows)\n", (unsigned long long)pq_reader_num_rows(r));
    text_table_free(&tp);
    buf_free(&out);
    if (fflush(stdout) != 0 && rc == 0) {
        rc = cmd_error(&spec, "write error");
    }
cleanup:
    free(want);
    pq_reader_free(r);
    return rc;
}
