/* A JSON Schema (draft-07) validator for plain jansson values. It implements a subset, and
 * says so: schema_new() refuses a schema that uses any keyword outside that subset
 * ("unsupported keyword"), so nothing is ever silently ignored. Implemented:
 *   type enum const | multipleOf minimum maximum exclusiveMinimum exclusiveMaximum |
 *   minLength maxLength pattern | items additionalItems minItems maxItems uniqueItems contains |
 *   properties patternProperties additionalProperties required minProperties maxProperties
 *   propertyNames dependencies | allOf anyOf oneOf not if then else | $ref (local: "#...") |
 *   definitions, boolean schemas; annotations $schema $id (root only) $comment title
 *   description default examples readOnly writeOnly.
 * Not implemented (reported as unsupported): format, remote or $id-relative $ref,
 * contentMediaType, contentEncoding, and anything else.
 * `pattern` is matched with POSIX extended regular expressions (regcomp), after translating
 * the ECMA-262 escapes \d \D \w \W \s \S; a pattern ERE cannot express (lookaround,
 * lazy quantifiers, backreferences) is a schema error. String lengths count code points. */
#ifndef KANALYTIC_MANIFEST_SCHEMA_H
#define KANALYTIC_MANIFEST_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct schema_error {
    char *pointer; /* JSON Pointer into the instance (or, from schema_new, into the schema) */
    char *keyword; /* the failing keyword, e.g. "required" */
    char *message;
    bool at_key; /* the finding is about the member's key (unknown key), not its value */
};

struct schema_errors {
    struct schema_error *items;
    size_t count, cap;
};

struct schema;

/* Compiles root (a reference is taken). Returns 0, or -1 with every problem (unsupported
 * keyword, bad $ref, invalid pattern) in problems. */
int schema_new(json_t *root, struct schema **out, struct schema_errors *problems);
/* Validates instance; appends findings to errs and returns how many were added. Does not
 * modify s: threads may share one schema. */
size_t schema_validate(struct schema *s, const json_t *instance, struct schema_errors *errs);
void schema_free(struct schema *s);
void schema_errors_free(struct schema_errors *errs);

/* Deep equality with JSON Schema's number rule (1 == 1.0). */
bool json_value_equal(const json_t *a, const json_t *b);
/* The closest candidate by edit distance when close enough to be a likely typo, else NULL. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

#endif
