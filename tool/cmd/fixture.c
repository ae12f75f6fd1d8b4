/* kanalytic fixture: make test inputs in the shape Kestrel gives them (fixture/kestrel_shape.h).
 * `from-stix` turns a STIX 2.0/2.1 bundle of observed-data into the table of one entity type,
 * `reshape` rewrites a Parquet file into Kestrel's shape, `empty` writes an empty variable. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "fixture/kestrel_shape.h"
#include "fixture/stix.h"
#include "parquet/parquet.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/quote.h"

#include <getopt.h>
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

static void usage(FILE *out)
{
    fprintf(out,
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
            "\n");
    cmd_options_print(out, options);
    fprintf(out, "\n"
                 "examples:\n"
                 "  kanalytic fixture from-stix bundle.json --type network-traffic \\\n"
                 "      -o analytics/foo/tests/basic/input/0.parquet.gz\n"
                 "  kanalytic fixture reshape analytics/foo/tests/basic/input/0.parquet.gz\n"
                 "  kanalytic fixture empty -o analytics/foo/tests/empty/input/1.parquet.gz\n");
}

static int write_output(const char *output, const struct pq_table *t,
                        const struct pq_writer_options *wo)
{
    if (pq_write_file(output, t, wo) < 0) {
        fprintf(stderr, "kanalytic fixture: %s\n", err_last());
        return EXIT_TROUBLE;
    }
    return 0;
}

static int from_stix(const char *bundle, const struct stix_options *so, const char *output,
                     const struct pq_writer_options *wo)
{
    struct pq_table t = PQ_TABLE_INIT;
    if (stix_bundle_to_table(bundle, so, &t) < 0) {
        fprintf(stderr, "kanalytic fixture: %s\n", err_last());
        return EXIT_FINDINGS;
    }
    if (t.nrows == 0) {
        fprintf(stderr,
                "kanalytic fixture: %s: no '%s' objects in the bundle's observed-data (for an "
                "empty variable: kanalytic fixture empty -o FILE)\n",
                qpath(bundle), so->type);
        table_free(&t);
        return EXIT_FINDINGS;
    }
    int r = write_output(output, &t, wo);
    if (!r)
        printf("%s: %zu %s rows, %zu columns\n", qpath(output), t.nrows, so->type, t.ncols);
    table_free(&t);
    return r;
}

static int reshape(const char *input, const char *output, const struct pq_writer_options *wo)
{
    struct pq_table t = PQ_TABLE_INIT;
    if (pq_read_file(input, &t) < 0) {
        fprintf(stderr, "kanalytic fixture: %s\n", err_last());
        table_free(&t);
        return EXIT_FINDINGS;
    }
    struct buf changes = BUF_INIT;
    kestrel_shape_apply(&t, &changes);
    int r = write_output(output, &t, wo);
    if (!r) {
        /* each change, then what was written */
        for (char *line = changes.data, *nl; line && (nl = strchr(line, '\n')); line = nl + 1)
            printf("%s: %.*s\n", qpath(input), (int)(nl - line), line);
        printf("%s: %zu rows, %zu columns%s\n", qpath(output), t.nrows, t.ncols,
               changes.len ? "" : " (already in Kestrel's shape; rewritten)");
    }
    buf_free(&changes);
    table_free(&t);
    return r;
}

static int empty(const char *output, const struct pq_writer_options *wo)
{
    struct pq_table t = PQ_TABLE_INIT;
    int r = write_output(output, &t, wo);
    if (!r)
        printf("%s: an empty variable (0 rows, 0 columns)\n", qpath(output));
    return r;
}

int cmd_fixture(int argc, char **argv)
{
    struct stix_options so = STIX_OPTIONS_INIT;
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    const char *output = NULL;
    int c;
    struct cmd_getopt g;
    if (cmd_getopt_init(&g, options, false) < 0) {
        fprintf(stderr, "kanalytic fixture: %s\n", err_last());
        return EXIT_TROUBLE;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
        switch (c) {
        case 't': so.type = optarg; break;
        case 'o': output = optarg; break;
        case 'T': so.timestamped = true; break;
        case 'c':
            if (pq_codec_parse(optarg, &wo.codec) < 0) {
                fprintf(stderr, "kanalytic fixture: unknown compression '%s'\n", optarg);
                return EXIT_TROUBLE;
            }
            break;
        case 'h': usage(stdout); return 0;
        case CMD_OPT_LIST_OPTIONS: cmd_options_list(stdout, options); return 0;
        default: usage(stderr); return EXIT_TROUBLE;
        }
    }
    const char *sub = optind < argc ? argv[optind] : "";
    int nargs = argc - optind - 1;
    if (!strcmp(sub, "from-stix") && nargs == 1 && so.type && output)
        return from_stix(argv[optind + 1], &so, output, &wo);
    if (!strcmp(sub, "reshape") && nargs == 1 && !so.type && !so.timestamped)
        return reshape(argv[optind + 1], output ? output : argv[optind + 1], &wo);
    if (!strcmp(sub, "empty") && nargs == 0 && output && !so.type && !so.timestamped)
        return empty(output, &wo);
    usage(stderr);
    return EXIT_TROUBLE;
}
