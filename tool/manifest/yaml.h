/* YAML to JSON with positions. libyaml's event parser builds a jansson tree; a side table
 * maps every node's JSON Pointer (RFC 6901, "/parameters/2/name") to the line and column of
 * its value and, for mapping members, of its key. A pointer table rather than a json_t*
 * table because jansson shares one json_true/json_false/json_null object everywhere.
 *
 * The subset read is YAML 1.2's core schema without anchors, aliases or custom tags:
 * anchors and aliases are refused (no "billion laughs"), nesting is capped, duplicate keys
 * are errors, and YAML 1.1 boolean-like keys (on, yes, n, ...) get a warning. */
#ifndef KANALYTIC_MANIFEST_YAML_H
#define KANALYTIC_MANIFEST_YAML_H

#include "util/diag.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define YAML_MAX_DEPTH 64
/* analytic.yaml and case.yaml are small; anything beyond this is a mistake. */
#define YAML_MAX_BYTES (1024 * 1024)

struct yaml_pos {
    int line, col;         /* of the value; 1-based */
    int key_line, key_col; /* of the key when the node is a mapping member, else 0 */
    const char *plain;     /* a plain (unquoted, untagged) scalar's text as written, else NULL;
                              owned by the doc */
};

struct yaml_doc;

/* Parses data (need not be NUL-terminated). Returns 0 and sets *out, or 1 with at least one
 * error in diags (positions under display_path) and *out NULL. Warnings may be added on
 * success too. Never fails for other reasons. */
int yaml_parse(const char *data, size_t len, const char *display_path, struct yaml_doc **out,
               struct diag_list *diags);
/* Reads path (size-capped) and parses it; -1 with the error slot set when it cannot be read,
 * 1 for findings (diags, including a too-large file), 0 on success. */
int yaml_load_file(const char *path, const char *display_path, struct yaml_doc **out,
                   struct diag_list *diags);

json_t *yaml_doc_root(const struct yaml_doc *doc);
/* The bytes yaml_load_file read (NUL-terminated; *len set), so that a second look at the
 * file needs no second read; NULL for a document parsed from memory (yaml_parse). */
const char *yaml_doc_text(const struct yaml_doc *doc, size_t *len);
const char *yaml_doc_path(const struct yaml_doc *doc);
/* Position of the node at `pointer` ("" is the root). When the node does not exist, the
 * position of its nearest existing ancestor; false only if nothing matched (never for a
 * parsed document). */
bool yaml_doc_find(const struct yaml_doc *doc, const char *pointer, struct yaml_pos *pos);
/* Line and column for a finding: the key when at_key and the node has one, else the value. */
void yaml_doc_loc(const struct yaml_doc *doc, const char *pointer, bool at_key, int *line,
                  int *col);
void yaml_doc_free(struct yaml_doc *doc);

/* Appends "/" + the RFC 6901 escape of token to a pointer being built. */
struct buf;
void json_pointer_add(struct buf *b, const char *token);
void json_pointer_add_index(struct buf *b, size_t i);

#endif
