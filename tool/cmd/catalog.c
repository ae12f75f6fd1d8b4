/* kanalytic catalog: writes the catalogue site (report/catalog_site.h) of the repository's
 * analytics; options, messages and the exit code only. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "report/catalog_site.h"
#include "util/error.h"
#include "util/repo.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef KANALYTIC_VERSION
#define KANALYTIC_VERSION "0.0.0-dev"
#endif

static const struct cmd_option options[] = {
    CMD_OPT_ARG('o', "output", 'o', "DIR", "where to write the site (required)"),
    CMD_OPT_ARG('r', "report", 'r', "FILE",
                "the last test report (kanalytic test --format json > FILE)"),
    CMD_OPT_ARG('i', "index", 'i', "FILE",
                "the published-analytics index (kanalytic publish --index;\n"
                "docs/sharing.md); copied into DIR as index.json"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "catalog",
    "usage: kanalytic catalog -o DIR [--report FILE] [--index FILE]\n"
    "\n"
    "Writes a static catalogue of the analytics to DIR: index.html (search and\n"
    "filters by entity type and parameter, plain JavaScript, works from file://) and\n"
    "analytics/NAME.html per analytic (description, entity types, parameters, the\n"
    "APPLY line, outputs, a golden display in a sandboxed frame, test cases with their\n"
    "last result, published versions, the README). DIR is replaced atomically; it must\n"
    "be missing, empty or a previous catalogue.\n"
    "\n",
    options,
    "\n"
    "exit: 0 written, 1 an analytic does not validate (nothing written), 2 usage,\n"
    "a broken report or index, or an I/O error\n"
    "\n"
    "examples:\n"
    "  kanalytic test --format json > report.json; kanalytic catalog -o site \\\n"
    "      --report report.json\n"
    "  kanalytic catalog -o public --index index.json && xdg-open public/index.html\n",
};

int cmd_catalog(int argc, char **argv)
{
    struct catalog_site_options o = {.version = KANALYTIC_VERSION};
    const char *out_dir = NULL;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 'r': o.report_path = optarg; break;
        case 'i': o.index_path = optarg; break;
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    if (!out_dir || optind != argc)
        return cmd_usage_error(&spec, out_dir ? "unexpected argument" : "-o DIR is required");
    char *root = NULL;
    if (repo_find_root(&root) < 0)
        return cmd_trouble(&spec);
    o.root = root;
    struct diag_list diags = DIAG_LIST_INIT;
    struct catalog_site_stats st = {0};
    int rc = catalog_site_write(&o, out_dir, &st, &diags);
    int status = 0;
    if (rc > 0) {
        diag_print(&diags, diag_format_from_env(DIAG_FORMAT_TEXT), stderr);
        fprintf(stderr, "kanalytic catalog: an analytic does not validate (shown above); "
                        "nothing written\n");
        status = EXIT_FINDINGS;
    } else if (rc < 0) {
        status = cmd_trouble(&spec);
    } else {
        printf("catalog: %zu analytics, %zu test cases (%zu with a result), %zu published "
               "versions -> %s/index.html\n",
               st.analytics, st.cases, st.cases_with_result, st.versions, out_dir);
    }
    diag_list_free(&diags);
    free(root);
    return status;
}
