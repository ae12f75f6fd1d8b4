/* Diagnostics: findings with file, line, column, severity and message, collected in a list
 * by the modules and printed by one printer as compiler-style text, JSON or GitHub
 * annotations. Lines and columns are 1-based; 0 means "no position". */
#ifndef KANALYTIC_DIAG_H
#define KANALYTIC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_severity { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

enum diag_format { DIAG_FORMAT_TEXT, DIAG_FORMAT_JSON, DIAG_FORMAT_GITHUB };

struct diag {
    char *file;
    int line;
    int col;
    enum diag_severity severity;
    char *rule; /* short id of the check, e.g. "unknown-entity-type"; may be NULL */
    char *message;
};

struct diag_list {
    struct diag *items;
    size_t count;
    size_t cap;
};

#define DIAG_LIST_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void diag_add(struct diag_list *list, enum diag_severity sev, const char *file, int line, int col,
              const char *rule, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
size_t diag_count(const struct diag_list *list, enum diag_severity sev);
/* --strict: every warning becomes an error. */
void diag_promote_warnings(struct diag_list *list);
/* Sorts by file, line, column (stable for equal positions). */
void diag_sort(struct diag_list *list);
void diag_list_free(struct diag_list *list);

const char *diag_severity_name(enum diag_severity sev);
/* text: "file:line:col: error: message" (the file quoted as git does); json: one array;
 * github: the text lines inside a ::stop-commands:: block (a person reading the CI log sees
 * them, GitHub obeys nothing they quote), then one "::error file=..::msg" per finding. */
void diag_print(const struct diag_list *list, enum diag_format fmt, FILE *out);
/* DIAG_FORMAT_GITHUB when GITHUB_ACTIONS=true, else `fallback`. */
enum diag_format diag_format_from_env(enum diag_format fallback);

#endif
