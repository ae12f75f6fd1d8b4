/* kanalytic fixture: make test inputs in the shape Kestrel gives them (fixture/kestrel_shape.h).
 * `from-stix` turns a STIX 2.0/2.1 bundle of observed-data into the table of one entity type,
 * `reshape` rewrites a Parquet file into Kestrel's shape, `empty` writes an empty variable
 * (the work: fixture/fixture.h). */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "fixture/fixture.h"
#include "parquet/parquet.h"
#include "util/error.h"
#include "util/quote.h"

#include <stdio.h>
#include <string.h>

static const struct cmd_option options[] = {
    CMD_OPT_ARG('t', "type", 't', "TYPE",
                "entity type to extract (network-traffic, process, url, ...)"),
    CMD_OPT_ARG('o', "output", 'o', "FILE", "Parquet file to write (atomically)"),
    CMD_OPT_FLAG(0, "timestamped", 'T', "add first_observed/last_observed, as TIMESTAMPED() does"),
    CMD_OPT_ARG(0, "compression", 'c', "C", "codec (default snappy, like pandas)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "fixture",
    "usage: kanalytic fixture from-stix BUNDLE.json --type TYPE -o FILE [--timestamped]\n"
    "       kanalytic fixture reshape FILE [-o OUT]\n"
    "       kanalytic fixture empty -o FILE\n"
    "       (each takes [--compression snappy|gzip|zstd|none])\n"
    "\n"
    "Writes test inputs as Kestrel 1.8 writes /data/input/N.parquet.gz: pandas'\n"
    "to_parquet defaults (snappy, whatever the .gz suffix says) over the rows of\n"
    "Kestrel's store, so columns are text, int64 or double: an integer column with\n"
    "nulls is double, booleans are integers 0/1, lists are JSON text, timestamps are\n"
    "ISO-8601 text, references are dereferenced (src_ref.value; never a bare\n"
    "x_contained_by_ref), and an empty variable has 0 rows and 0 columns.\n"
    "\n"
    "  from-stix   the observed-data of a STIX bundle as a table of one entity type, with\n"
    "              Kestrel's column rules (src_ref.value, hashes.'SHA-256', x_ for\n"
    "              extensions, id and type on every row)\n"
    "  reshape     rewrites a Parquet file into that shape (in place unless -o), printing\n"
    "              each change; what `kanalytic validate` asks for\n"
    "  empty       an empty variable: 0 rows and 0 columns (when every input of a case\n"
    "              is empty, Kestrel does not start the analytic)\n"
    "\n",
    options,
    "\n"
    "examples:\n"
    "  kanalytic fixture from-stix bundle.json --type network-traffic \\\n"
    "      -o analytics/foo/tests/basic/input/0.parquet.gz\n"
    "  kanalytic fixture reshape analytics/foo/tests/basic/input/0.parquet.gz\n"
    "  kanalytic fixture empty -o analytics/foo/tests/empty/input/1.parquet.gz\n",
};

/* A fixture_* answer as an exit code: a bad input is 1, an output that cannot be written 2. */
static int failed(int rc)
{
    cmd_trouble(&spec);
    return rc == FIXTURE_EWRITE ? EXIT_TROUBLE : EXIT_FINDINGS;
}

static int from_stix(const char *bundle, const struct stix_options *so, const char *output,
                     const struct pq_writer_options *wo)
{
    struct fixture_written w = FIXTURE_WRITTEN_INIT;
    int rc = fixture_from_stix(bundle, so, output, wo, &w);
    if (rc < 0)
        return failed(rc);
    printf("%s: %zu %s rows, %zu columns\n", qpath(output), w.rows, so->type, w.cols);
    fixture_written_free(&w);
    return 0;
}

static int reshape(const char *input, const char *output, const struct pq_writer_options *wo)
{
    struct fixture_written w = FIXTURE_WRITTEN_INIT;
    int rc = fixture_reshape(input, output, wo, &w);
    if (rc < 0) {
        fixture_written_free(&w);
        return failed(rc);
    }
    /* each change, then what was written */
    for (char *line = w.changes.data, *nl; line && (nl = strchr(line, '\n')); line = nl + 1)
        printf("%s: %.*s\n", qpath(input), (int)(nl - line), line);
    printf("%s: %zu rows, %zu columns%s\n", qpath(output), w.rows, w.cols,
           w.changes.len ? "" : " (already in Kestrel's shape; rewritten)");
    fixture_written_free(&w);
    return 0;
}

static int empty(const char *output, const struct pq_writer_options *wo)
{
    int rc = fixture_empty(output, wo);
    if (rc < 0)
        return failed(rc);
    printf("%s: an empty variable (0 rows, 0 columns)\n", qpath(output));
    return 0;
}

int cmd_fixture(int argc, char **argv)
{
    struct stix_options so = STIX_OPTIONS_INIT;
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    const char *output = NULL;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case 't': so.type = optarg; break;
        case 'o': output = optarg; break;
        case 'T': so.timestamped = true; break;
        case 'c':
            if (pq_codec_parse(optarg, &wo.codec) < 0)
                return cmd_error(&spec, "unknown compression '%s'", optarg);
            break;
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    const char *sub = optind < argc ? argv[optind] : "";
    int nargs = argc - optind - 1;
    if (!strcmp(sub, "from-stix") && nargs == 1 && so.type && output)
        return from_stix(argv[optind + 1], &so, output, &wo);
    if (!strcmp(sub, "reshape") && nargs == 1 && !so.type && !so.timestamped)
        return reshape(argv[optind + 1], output ? output : argv[optind + 1], &wo);
    if (!strcmp(sub, "empty") && nargs == 0 && output && !so.type && !so.timestamped)
        return empty(output, &wo);
    return cmd_usage_error(&spec, NULL);
}
