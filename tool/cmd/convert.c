/* kanalytic convert: CSV / JSON Lines <-> Parquet, so contributors can author test inputs
 * without pandas. fixture/convert.c reads the input whole (text through table_from_text,
 * table/infer.h: UTF-8 check, CSV or JSON Lines cells, types inferred like pandas or given
 * with --schema; Parquet with the reader) and writes the output atomically (the Parquet writer,
 * or table/csv.h, table/jsonl.h); this file parses the options and says what failed. */
#include "cmd.h"
#include "cmd/options.h"
#include "fixture/fixture.h"
#include "parquet/parquet.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_COMPRESSION = 256, OPT_SCHEMA, OPT_FORMAT, OPT_NO_DICTIONARY, OPT_ROW_GROUP_ROWS };

static const struct cmd_option options[] = {
    CMD_OPT_ARG(0, "compression", OPT_COMPRESSION, "C",
                "snappy (default, also for .parquet.gz: Kestrel writes its\n"
                "inputs so), gzip, zstd, none"),
    CMD_OPT_ARG(0, "schema", OPT_SCHEMA, "S",
                "column types, e.g.\n'ts:timestamp[us,utc],port:int32,tags:list<string>'"),
    CMD_OPT_ARG(0, "format", OPT_FORMAT, "F", "output format: csv, jsonl or parquet"),
    CMD_OPT_FLAG(0, "no-dictionary", OPT_NO_DICTIONARY, "write PLAIN values only"),
    CMD_OPT_ARG(0, "row-group-rows", OPT_ROW_GROUP_ROWS, "N",
                "rows per row group (default 1048576)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "convert",
    "usage: kanalytic convert IN OUT [--compression C] [--schema name:type,...]\n"
    "                         [--format csv|jsonl|parquet] [--no-dictionary]\n"
    "                         [--row-group-rows N]\n"
    "\n"
    "Converts CSV (RFC 4180, header row) or JSON Lines to Parquet, and Parquet to CSV or JSON\n"
    "Lines. Formats follow the file extensions (.csv, .jsonl, .ndjson, .parquet, .parquet.gz);\n"
    "--format names the output format when OUT's extension does not.\n"
    "\n"
    "Text to Parquet: every column is OPTIONAL (as pandas writes them). Types are inferred:\n"
    "int64, else double, else bool (true/false), else string; timestamps stay strings, as in\n"
    "Kestrel. An empty CSV field or a JSON null is a null (a quoted \"\" is an empty string);\n"
    "JSON arrays become list columns. --schema fixes the types of the columns it names:\n"
    "  string, int64, int32, double, float, bool, date, timestamp[ms|us|ns] or\n"
    "  timestamp[us,utc] (ISO 8601 text or integers in the unit), list<T>\n"
    "Parquet to text: JSON Lines is exactly `kanalytic show --format jsonl`; CSV prints nulls\n"
    "as empty fields, empty strings as \"\", lists as JSON arrays.\n"
    "\n"
    "options:\n",
    options,
    "\n"
    "Bad input (ragged rows, broken quoting, invalid UTF-8, a value that does not fit its\n"
    "type) is reported as IN:LINE: error: ..., exits 2 and leaves no output file.\n"
    "\n"
    "examples:\n"
    "  kanalytic convert procs.csv tests/basic/input/0.parquet.gz\n"
    "  kanalytic convert conns.jsonl conns.parquet --schema 'first_observed:timestamp[us,utc]'\n"
    "  kanalytic convert output.parquet.gz output.jsonl\n",
    .bad_option = "bad option",
};

struct options {
    const char *in, *out;
    enum detect_format out_fmt;
    struct pq_writer_options w;
    struct text_schema schema;
};

int cmd_convert(int argc, char **argv)
{
    struct options o = {0};
    struct pq_writer_options w = PQ_WRITER_OPTIONS_INIT;
    o.w = w;
    int rc = EXIT_TROUBLE, ch;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    while ((ch = cmd_parse(&p)) >= 0) {
        switch (ch) {
        case OPT_COMPRESSION:
            if (pq_codec_parse(optarg, &o.w.codec) < 0) {
                rc = cmd_usage_error(&spec, "unknown --compression (snappy, gzip, zstd, none)");
                goto out;
            }
            break;
        case OPT_SCHEMA:
            if (text_schema_parse(optarg, &o.schema) < 0) {
                cmd_trouble(&spec);
                goto out;
            }
            break;
        case OPT_FORMAT:
            o.out_fmt = detect_from_word(optarg);
            if (o.out_fmt == DETECT_NONE) {
                rc = cmd_usage_error(&spec, "unknown --format (csv, jsonl, parquet)");
                goto out;
            }
            break;
        case OPT_NO_DICTIONARY: o.w.dictionary = false; break;
        case OPT_ROW_GROUP_ROWS: {
            char *end;
            unsigned long long n = strtoull(optarg, &end, 10);
            if (*end || n == 0 || optarg[0] == '-') {
                rc = cmd_usage_error(&spec, "--row-group-rows needs a positive number");
                goto out;
            }
            o.w.row_group_rows = (size_t)n;
            break;
        }
        }
    }
    if (ch != CMD_PARSE_END) {
        rc = cmd_parse_exit(ch);
        goto out;
    }
    if (argc - optind != 2) {
        rc = cmd_usage_error(&spec, "expected IN and OUT");
        goto out;
    }
    o.in = argv[optind];
    o.out = argv[optind + 1];
    if (o.out_fmt == DETECT_NONE)
        o.out_fmt = detect_from_name(o.out);
    if (o.out_fmt == DETECT_NONE) {
        rc = cmd_usage_error(&spec, "cannot tell OUT's format from its name: use --format");
        goto out;
    }
    struct pq_table t = PQ_TABLE_INIT;
    int r = fixture_table_load(o.in, &o.schema, &t);
    if (r == 0)
        r = fixture_table_save(o.out, o.out_fmt, &o.w, &t);
    if (r == FIXTURE_ETEXT)
        fprintf(stderr, "%s\n", err_last()); /* IN:LINE: error: ... */
    else if (r < 0)
        cmd_trouble(&spec);
    rc = r < 0 ? EXIT_TROUBLE : 0;
    table_free(&t);
out:
    text_schema_free(&o.schema);
    return rc;
}
