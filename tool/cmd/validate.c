/* kanalytic validate [--strict] [--format text|json] [NAME|PATH ...]: checks analytic
 * manifests and test cases (tool/manifest) and prints the findings like a compiler. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "manifest/manifest.h"
#include "manifest/repo_policy.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"
#include "util/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cmd_option options[] = {
    CMD_OPT_FLAG(0, "strict", 's', "warnings count as errors (the CI gate uses this)"),
    CMD_OPT_ARG(0, "format", 'f', "FMT",
                "text (default; GitHub annotations too when GITHUB_ACTIONS=true)\n"
                "or json (one array of findings)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "validate",
    "usage: kanalytic validate [--strict] [--format text|json] [NAME|PATH ...]\n"
    "\n"
    "Checks analytics/NAME/analytic.yaml against schemas/analytic.schema.json, the\n"
    "semantic rules (entity types, parameter defaults, outputs, ...), the folder\n"
    "(Dockerfile, README.md, build.include) and every tests/CASE/case.yaml.\n"
    "Without arguments: every analytic in the repository, plus repository-wide checks\n"
    "(and kanalytic.yaml, the repository policy, when there is one).\n"
    "\n",
    options,
    "\n"
    "examples:\n"
    "  kanalytic validate\n"
    "  kanalytic validate sklearn-cluster\n"
    "  kanalytic validate --strict --format json ../my-analytic\n"
    "\n"
    "exit codes: 0 no errors, 1 findings, 2 usage or I/O error\n",
};

int cmd_validate(int argc, char **argv)
{
    bool strict = false;
    enum diag_format fmt = DIAG_FORMAT_TEXT;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case 's': strict = true; break;
        case 'f':
            if (!strcmp(optarg, "json")) {
                fmt = DIAG_FORMAT_JSON;
            } else if (!strcmp(optarg, "text")) {
                fmt = DIAG_FORMAT_TEXT;
            } else {
                return cmd_error(&spec, "unknown format '%s' (text or json)", optarg);
            }
            break;
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    fmt = diag_format_from_env(fmt);

    char *abs_root = NULL, *root = NULL;
    if (repo_find_root(&abs_root) == 0)
        root = path_relative_to_cwd(abs_root);
    struct diag_list diags = DIAG_LIST_INIT;
    int worst = 0;
    size_t checked = 0;
    if (optind >= argc) {
        if (!root) {
            cmd_trouble(&spec);
            free(abs_root);
            return EXIT_TROUBLE;
        }
        worst = analytics_validate_all(root, strict, &diags, &checked);
        /* the repository policy, when there is one: its syntax and schema (what it allows
         * is held against the analytics by ci and test) */
        struct repo_policy *policy = NULL;
        int pr = repo_policy_load_root(root, &policy, &diags);
        repo_policy_free(policy);
        if (pr < 0 || (pr > 0 && worst == 0))
            worst = pr;
    }
    for (int i = optind; i < argc && worst >= 0; i++) {
        char *dir;
        bool inside;
        if (repo_resolve_folder(abs_root, argv[i], &dir, &inside) < 0) {
            worst = -1;
            break;
        }
        char *shown = path_relative_to_cwd(dir);
        /* an analytic of this repository: include sources resolve against its root; a
         * folder elsewhere: against its own ../.. (see analytic_validate) */
        int r = analytic_validate(inside ? root : NULL, shown, strict, &diags);
        checked++;
        free(shown);
        free(dir);
        if (r < 0 || r > worst)
            worst = r;
    }
    if (worst < 0)
        cmd_trouble(&spec);
    if (strict)
        diag_promote_warnings(&diags);
    diag_sort(&diags);
    if (fmt == DIAG_FORMAT_JSON || diags.count)
        diag_print(&diags, fmt, stdout);
    size_t errors = diag_count(&diags, DIAG_ERROR), warnings = diag_count(&diags, DIAG_WARNING);
    if (term_verbosity >= 0 && worst >= 0)
        fprintf(stderr, "%zu analytic(s) checked: %zu error(s), %zu warning(s)\n", checked, errors,
                warnings);
    diag_list_free(&diags);
    free(root);
    free(abs_root);
    if (worst < 0)
        return EXIT_TROUBLE;
    return errors ? EXIT_FINDINGS : 0;
}
