/* kanalytic new: scaffolds analytics/NAME from template/<python|c>/, filling every {{...}}
 * placeholder (name, description, author from git config, entity types, parameters). The tree
 * is written into a temporary folder beside its destination and renamed into place, then
 * validated; any failure leaves nothing behind. `new --from DIR` adopts an existing docker
 * analytic instead: DIR is copied and its manifest inferred (manifest/adopt.h), with TODO
 * marks for the author where nothing could be inferred. The work is tool/scaffold/. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "manifest/adopt.h"
#include "manifest/manifest.h"
#include "scaffold/scaffold.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cmd_option options[] = {
    CMD_OPT_ARG('t', "template", 't', "T", "python (default) or c"),
    CMD_OPT_ARG('e', "entity-type", 'e', "T", "an entity type of input 0 (repeatable; default *)"),
    CMD_OPT_ARG('p', "param", 'p', "NAME:TYPE",
                "an optional WITH parameter (repeatable); TYPE is\n"
                "string, integer, number, boolean or list"),
    CMD_OPT_ARG('d', "description", 'd', "TEXT", "what the analytic does (one sentence or two)"),
    CMD_OPT_ARG('f', "from", 'f', "DIR",
                "adopt an existing docker analytic folder (Dockerfile,\n"
                "code, README): copies it and infers the manifest (name,\n"
                "parameters from the code's environment reads, inputs,\n"
                "outputs, display, description); what it cannot infer is\n"
                "marked TODO(kanalytic new --from) for `validate`"),
    CMD_OPT_ARG('i', "input", 'i', "FILE",
                "with --from: a Parquet input of the first test case\n"
                "(once per input; default: the template's example)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec new_cmd = {
    .name = "new",
    "usage: kanalytic new NAME [--template python|c] [--entity-type T ...]\n"
    "                     [--param NAME:TYPE ...] [--description TEXT]\n"
    "       kanalytic new [NAME] --from DIR [--input FILE ...]\n"
    "\n"
    "Creates analytics/NAME from template/TEMPLATE/: manifest, README, Dockerfile,\n"
    "code and a basic golden test case, with every placeholder filled and the\n"
    "author taken from git config (user.name, user.email). What it creates passes\n"
    "`kanalytic validate`, `build` and `test` as it is. Refuses an existing folder\n"
    "or an image name another analytic already uses.\n"
    "\n",
    options,
    "\n"
    "NAME: lower-case letters, digits, '-' and '_', starting with a letter or digit;\n"
    "the image is kestrel-analytics-NAME.\n"
    "\n"
    "exit: 0 created, 1 the result did not validate (nothing kept), 2 usage, an\n"
    "existing analytic, or an I/O error\n"
    "\n"
    "examples:\n"
    "  kanalytic new beacon-interval --entity-type network-traffic \\\n"
    "      --param threshold:number --param columns:list\n"
    "  kanalytic new entropy-check --template c --entity-type domain-name\n"
    "  kanalytic new --from ../kestrel-analytics/analytics/piniponmap \\\n"
    "      --input procs.parquet.gz\n",
};

static void print_next_steps(const struct scaffold_spec *o, const char *with)
{
    const char *code = strcmp(o->template_name, "c") ? "analytics.py" : "src/analytic.c";
    printf("created analytics/%s from template/%s\n\n", o->name, o->template_name);
    printf("next steps:\n");
    printf("  1. write the analytic in analytics/%s/%s (analytics()), then describe it in\n"
           "     README.md and analytic.yaml (description, parameters, outputs)\n",
           o->name, code);
    printf("  2. replace tests/basic with real cases, including an edge case\n");
    printf("  3. kanalytic validate %s\n", o->name);
    printf("  4. kanalytic build %s\n", o->name);
    printf("  5. kanalytic test %s            (--update rewrites goldens you have checked)\n",
           o->name);
    printf("  6. in Kestrel: APPLY docker://%s ON var%s\n", o->name, with);
}

/* new NAME: the template filled. */
static int new_from_template(struct scaffold_spec *spec, size_t n_inputs, int argc, char **argv)
{
    if (n_inputs)
        return cmd_error(&new_cmd, "--input goes with --from (the template has its own case)");
    if (optind + 1 != argc)
        return cmd_usage_error(&new_cmd, "expected exactly one NAME");
    spec->name = argv[optind];
    char *root = NULL;
    struct scaffold_result r = SCAFFOLD_RESULT_INIT;
    int rc = -1;
    if (scaffold_spec_check(spec) == 0 && repo_find_root(&root) == 0)
        rc = scaffold_create(root, spec, &r);
    if (r.author_from_user)
        fprintf(stderr,
                "kanalytic new: no user.name in git config; author set to '%s' "
                "(edit analytic.yaml)\n",
                r.author);
    diag_print(&r.diags, DIAG_FORMAT_TEXT, stderr); /* on success: the README's template prose */
    if (r.cleanup_error)
        cmd_error(&new_cmd, "%s", r.cleanup_error);
    if (rc != 0)
        cmd_trouble(&new_cmd);
    else
        print_next_steps(spec, r.with_clause);
    scaffold_result_free(&r);
    free(root);
    return rc == 0 ? 0 : rc > 0 ? EXIT_FINDINGS : EXIT_TROUBLE;
}

static void print_adopted(const struct scaffold_adopt_spec *o, const char *name,
                          const struct adopt_info *a, const struct diag_list *todo)
{
    printf("adopted %s as analytics/%s\n", o->from, name);
    printf("  name         %s (from %s)\n", name,
           o->name        ? "the command line"
           : a->name_from ? a->name_from
                          : "?");
    printf("  description  %s\n", a->description ? "the README's first paragraph" : "none found");
    printf("  parameters   %zu:", a->n_params);
    for (size_t i = 0; i < a->n_params; i++)
        printf(" %s (%s%s)", a->params[i].name, param_type_name(a->params[i].type),
               a->params[i].required ? ", required" : "");
    printf("\n  inputs       %zu%s\n", a->n_inputs ? a->n_inputs : 1,
           a->n_inputs ? "" : " (none found in the code)");
    printf("  display      %s\n", a->display ? "html (/data/display)" : "none");
    printf("\nleft for you: %zu TODO(kanalytic new --from) marks (validate lists them):\n",
           todo->count);
    diag_print(todo, DIAG_FORMAT_TEXT, stdout);
    printf("\nnext steps:\n"
           "  1. fix each marked value in analytics/%s/analytic.yaml and tests/basic/case.yaml,\n"
           "     deleting its TODO comment\n"
           "  2. kanalytic validate %s\n"
           "  3. kanalytic build %s\n"
           "  4. kanalytic test %s     (the first run writes the golden output: check it)\n",
           name, name, name, name);
}

/* new [NAME] --from DIR: the options that make no sense with it are refused. */
static int new_from(const struct scaffold_spec *spec, struct scaffold_adopt_spec *from, int argc,
                    char **argv)
{
    if (spec->n_entity_types || spec->n_params || spec->description ||
        strcmp(spec->template_name, "python"))
        return cmd_error(&new_cmd, "--from infers the manifest; --entity-type, --param, "
                                   "--description and --template do not go with it (edit the "
                                   "marked analytic.yaml instead)");
    if (optind + 1 < argc)
        return cmd_error(&new_cmd, "expected at most one NAME with --from");
    from->name = optind < argc ? argv[optind] : NULL;
    struct adopt_info a = {0};
    struct diag_list todo = DIAG_LIST_INIT, diags = DIAG_LIST_INIT;
    const char *name = NULL;
    char *root = NULL;
    int rc = -1;
    if (scaffold_adopt_scan(from, &a, &name) == 0 && repo_find_root(&root) == 0)
        rc = scaffold_adopt(root, from, name, &a, &todo, &diags);
    if (rc > 0)
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
    if (rc != 0)
        cmd_trouble(&new_cmd);
    else
        print_adopted(from, name, &a, &todo);
    diag_list_free(&diags);
    diag_list_free(&todo);
    adopt_info_free(&a);
    free(root);
    return rc == 0 ? 0 : rc > 0 ? EXIT_FINDINGS : EXIT_TROUBLE;
}

int cmd_new(int argc, char **argv)
{
    struct scaffold_spec spec = SCAFFOLD_SPEC_INIT;
    struct scaffold_adopt_spec from = {0};
    char **inputs = NULL;
    size_t cap_inputs = 0;
    int status = EXIT_TROUBLE;
    struct cmd_parser p = CMD_PARSER(new_cmd, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        int rc = 0;
        switch (c) {
        case 't': spec.template_name = optarg; break;
        case 'e': rc = scaffold_spec_add_entity_type(&spec, optarg); break;
        case 'p': rc = scaffold_spec_add_param(&spec, optarg); break;
        case 'd': spec.description = optarg; break;
        case 'f': from.from = optarg; break;
        case 'i':
            ARRAY_GROW(inputs, from.n_inputs + 1, cap_inputs);
            inputs[from.n_inputs++] = optarg;
            break;
        }
        if (rc < 0) {
            cmd_trouble(&new_cmd);
            goto cleanup;
        }
    }
    if (c != CMD_PARSE_END) {
        status = cmd_parse_exit(c);
        goto cleanup;
    }
    from.inputs = inputs;
    if (from.from)
        status = new_from(&spec, &from, argc, argv);
    else
        status = new_from_template(&spec, from.n_inputs, argc, argv);
cleanup:
    scaffold_spec_free(&spec);
    free(inputs);
    return status;
}
