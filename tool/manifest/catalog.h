/* The reference data the checks need, read once per process: the two JSON Schemas and
 * schemas/entity-types.yaml, found through repo_schemas_dir() (KANALYTIC_SCHEMAS, the
 * repository's schemas/, or the installed copy). Internal to tool/manifest. */
#ifndef KANALYTIC_MANIFEST_CATALOG_H
#define KANALYTIC_MANIFEST_CATALOG_H

#include "schema.h"
#include "yaml.h"

#include <jansson.h>
#include <stdbool.h>

enum catalog_schema { CATALOG_ANALYTIC, CATALOG_TEST_CASE, CATALOG_REPO_POLICY };

/* Loads the catalog if needed; -1 + err_set when a file is missing or broken. */
int catalog_load(void);
/* Validates instance against one of the schemas and turns every finding into a diagnostic
 * at the offending value's (or key's) position in doc. Returns the number of errors. */
size_t catalog_validate(enum catalog_schema which, const struct yaml_doc *doc,
                        struct diag_list *diags);
/* A YAML document held in memory (a git blob): loads the catalog, refuses more than
 * YAML_MAX_BYTES and parses. 0 with *out set, 1 with findings in diags, -1 when the catalog
 * does not load (err_last()). */
int catalog_parse_buffer(const char *data, size_t len, const char *display_path,
                         struct yaml_doc **out, struct diag_list *diags);
bool catalog_entity_type_known(const char *type);
/* Closest known entity type to a misspelt one, or NULL. */
const char *catalog_entity_type_suggest(const char *type);
/* Whether attr is a known attribute of type (common ones included; x_ names always are). */
bool catalog_attribute_known(const char *type, const char *attr);

#endif
