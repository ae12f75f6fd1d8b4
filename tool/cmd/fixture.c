/* kanalytic fixture: make test inputs. `from-stix` turns a STIX 2.0/2.1 bundle of
 * observed-data into a Kestrel-shaped Parquet table of one entity type. */
#include "cmd/cmd.h"
#include "fixture/stix.h"
#include "parquet/parquet.h"
#include "util/error.h"
#include "util/quote.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: kanalytic fixture from-stix BUNDLE.json --type TYPE -o FILE\n"
            "                 [--timestamped] [--compression snappy|gzip|zstd|none]\n"
            "\n"
            "Turns the observed-data of a STIX 2.0/2.1 bundle into a table of one entity type,\n"
            "with Kestrel's column rules (src_ref.value, hashes.'SHA-256', x_ for extensions,\n"
            "JSON-encoded lists, id and type on every row), written as Parquet like Kestrel\n"
            "writes /data/input/N.parquet.gz.\n"
            "\n"
            "  -t, --type TYPE        entity type to extract (network-traffic, process, url, ...)\n"
            "  -o, --output FILE      Parquet file to write (atomically)\n"
            "      --timestamped      add first_observed/last_observed, as TIMESTAMPED() does\n"
            "      --compression C    codec (default snappy, like pandas)\n"
            "\n"
            "examples:\n"
            "  kanalytic fixture from-stix bundle.json --type network-traffic \\\n"
            "      -o analytics/foo/tests/basic/input/0.parquet.gz\n"
            "  kanalytic fixture from-stix bundle.json -t url -o /tmp/urls.parquet && \\\n"
            "      kanalytic show /tmp/urls.parquet\n");
}

int cmd_fixture(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"type", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"timestamped", no_argument, NULL, 'T'},
        {"compression", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct stix_options so = STIX_OPTIONS_INIT;
    struct pq_writer_options wo = PQ_WRITER_OPTIONS_INIT;
    const char *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:o:h", longopts, NULL)) != -1) {
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
        default: usage(stderr); return EXIT_TROUBLE;
        }
    }
    if (optind >= argc || strcmp(argv[optind], "from-stix") || optind + 2 != argc || !so.type ||
        !output) {
        usage(stderr);
        return EXIT_TROUBLE;
    }
    const char *bundle = argv[optind + 1];
    struct pq_table t = PQ_TABLE_INIT;
    if (stix_bundle_to_table(bundle, &so, &t) < 0) {
        fprintf(stderr, "kanalytic fixture: %s\n", err_last());
        return EXIT_FINDINGS;
    }
    if (t.nrows == 0) {
        fprintf(stderr, "kanalytic fixture: %s: no '%s' objects in the bundle's observed-data\n",
                bundle, so.type);
        table_free(&t);
        return EXIT_FINDINGS;
    }
    int r = pq_write_file(output, &t, &wo);
    if (r < 0)
        fprintf(stderr, "kanalytic fixture: %s\n", err_last());
    else
        printf("%s: %zu %s rows, %zu columns\n", qpath(output), t.nrows, so.type, t.ncols);
    table_free(&t);
    return r < 0 ? EXIT_TROUBLE : 0;
}
