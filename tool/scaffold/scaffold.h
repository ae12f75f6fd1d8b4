/* Scaffolding analytics (`kanalytic new`): the checks of a name, its entity types and
 * parameters; the placeholder values ({{name}}, {{parameters}}, ...) of template/<python|c>/;
 * the copy of the filled template into a temporary folder beside analytics/NAME, renamed into
 * place and validated (nothing is kept on failure); the template's network-traffic test case
 * retyped for another entity type. `new --from DIR` adopts an existing docker analytic
 * instead (manifest/adopt.h does the inference; this module checks the name and the inputs).
 * Nothing here prints: the command prints the results and the findings. */
#ifndef KANALYTIC_SCAFFOLD_H
#define KANALYTIC_SCAFFOLD_H

#include "manifest/adopt.h"
#include "manifest/manifest.h"
#include "util/buf.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

#define SCAFFOLD_NAME_MAX 100
/* The entity type of the template's test case; other types get it rewritten. */
#define SCAFFOLD_TEMPLATE_TYPE "network-traffic"

struct scaffold_param {
    char *name;
    enum param_type type;
};

/* What `new NAME` makes. The strings are borrowed; the arrays are the spec's own (grown by
 * the _add functions, freed by scaffold_spec_free). */
struct scaffold_spec {
    const char *name;
    const char *template_name; /* "python" or "c" */
    const char *description;   /* NULL: the template's example sentence */
    const char **entity_types; /* of input 0; none: any ("*") */
    size_t n_entity_types, cap_entity_types;
    struct scaffold_param *params; /* optional WITH parameters */
    size_t n_params, cap_params;
    const char *author; /* "Name <mail>"; NULL: git config's user.name, else $USER */
};
#define SCAFFOLD_SPEC_INIT                                                                         \
    {                                                                                              \
        .template_name = "python"                                                                  \
    }

/* Lower-case letters, digits, '-' and '_', starting with a letter or digit, at most
 * SCAFFOLD_NAME_MAX. */
bool scaffold_name_ok(const char *name);
/* Adds an entity type (network-traffic, ... or *); -1 with err_last() on a malformed or
 * repeated one. */
int scaffold_spec_add_entity_type(struct scaffold_spec *spec, const char *type);
/* Parses NAME:TYPE (TYPE string, integer, number, boolean or list); -1 with err_last() when
 * NAME is not an identifier or is a reserved word of the templates' code. out->name is the
 * caller's to free. */
int scaffold_parse_param(const char *arg, struct scaffold_param *out);
/* scaffold_parse_param, then adds it; -1 with err_last() on an error or a repeated name. */
int scaffold_spec_add_param(struct scaffold_spec *spec, const char *arg);
/* The name, the template, the description and '*' alone: 0, or -1 with err_last(). */
int scaffold_spec_check(const struct scaffold_spec *spec);
void scaffold_spec_free(struct scaffold_spec *spec);

/* Refuses (-1, err_last()) a name whose folder root/analytics/NAME exists or whose image
 * another analytic's manifest already builds. */
int scaffold_check_free(const char *root, const char *name);
/* root/template/NAME, else the installed DATADIR/template/NAME; NULL when neither is a
 * folder. Caller frees. */
char *scaffold_template_dir(const char *root, const char *name);
/* "user.name <user.email>" from git config (the repository's, else the user's); without
 * them $USER (or "unknown") and *from_user set. Caller frees. */
char *scaffold_author(const char *root, bool *from_user);

/* The placeholder values of one analytic. */
struct scaffold_fill {
    const char *key;
    char *value;
};
struct scaffold_fills {
    struct scaffold_fill items[24];
    size_t count;
};
void scaffold_fills_build(const struct scaffold_spec *spec, const char *author,
                          struct scaffold_fills *out);
/* The value of key, or NULL. */
const char *scaffold_fills_get(const struct scaffold_fills *f, const char *key);
void scaffold_fills_free(struct scaffold_fills *f);
/* Appends text with every {{key}} replaced; -1 with "path:line: ..." on an unknown or
 * unterminated placeholder, or when a value brought a '{{'. */
int scaffold_fill_text(const char *path, const char *text, size_t len,
                       const struct scaffold_fills *f, struct buf *out);

/* Rewrites a template test table for entity type `type` in place: keeps the columns id,
 * type and x_seen_count, with "network-traffic--uuid" ids made "TYPE--uuid". */
int scaffold_retype_file(const char *path, const char *type);

struct scaffold_result {
    char *author;           /* as written into analytic.yaml */
    bool author_from_user;  /* no git identity: $USER was taken */
    char *with_clause;      /* " WITH a=1, b=0.5" for the APPLY example, or "" */
    char *cleanup_error;    /* a failure left this temporary folder behind: why */
    struct diag_list diags; /* what validating the new analytic found */
};
#define SCAFFOLD_RESULT_INIT                                                                       \
    {                                                                                              \
        .diags = DIAG_LIST_INIT                                                                    \
    }

/* Creates root/analytics/NAME from the spec: checks it (scaffold_spec_check,
 * scaffold_check_free), fills the template into a temporary folder, retypes its test case,
 * renames it into place and validates it (as strict as the CI gate except for the README's
 * template prose, which stays a warning in out->diags). 0 created; 1 it did not validate
 * (out->diags), nothing kept; -1 err_last(), nothing kept. */
int scaffold_create(const char *root, const struct scaffold_spec *spec,
                    struct scaffold_result *out);
void scaffold_result_free(struct scaffold_result *r);

/* `new [NAME] --from DIR [--input FILE ...]`. */
struct scaffold_adopt_spec {
    const char *from;
    const char *name; /* NULL: the one inferred */
    char *const *inputs;
    size_t n_inputs;
};

/* Scans spec->from into info and picks the name (given, else inferred), which must be
 * valid: 0 and *name_out (spec's or info's), or -1 with err_last(). */
int scaffold_adopt_scan(const struct scaffold_adopt_spec *spec, struct adopt_info *info,
                        const char **name_out);
/* Checks that name is free and the --input count matches the inputs the code reads, then
 * adopt_create (the template's example input when no --input is given). 0 created (the
 * TODO marks in todo); 1 other findings in diags, nothing kept; -1 err_last(). */
int scaffold_adopt(const char *root, const struct scaffold_adopt_spec *spec, const char *name,
                   const struct adopt_info *info, struct diag_list *todo, struct diag_list *diags);

#endif
