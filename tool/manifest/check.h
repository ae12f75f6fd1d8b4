/* Internal to tool/manifest: findings at JSON Pointer positions of one YAML document, and
 * helpers shared by manifest.c, testcase.c, params.c and analytic.c. */
#ifndef KANALYTIC_MANIFEST_CHECK_H
#define KANALYTIC_MANIFEST_CHECK_H

#include "manifest.h"
#include "yaml.h"
#include "util/buf.h"
#include "util/fs.h"

#include <jansson.h>

struct check {
    const struct yaml_doc *doc; /* NULL: findings without a position */
    struct diag_list *diags;
    const char *file;
    int errors;
};

void check_error(struct check *c, const char *pointer, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void check_warning(struct check *c, const char *pointer, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void strlist_from_json(struct strlist *out, const json_t *arr);
void render_json_value(struct buf *out, const json_t *v);
bool path_is_contained(const char *p);
/* "512m" -> bytes (k, m, g are powers of 1024); false when it overflows. */
bool manifest_parse_memory(const char *s, uint64_t *out);

/* fs_list_dir, except that a missing folder (or a file in its place) is an empty listing. */
int list_dir_optional(const char *dir, struct fs_names *out);

/* test_case_list that also hands back the whole listing of tests/ in *all (fs_names_free
 * it; empty when tests/ is no folder). */
int test_case_list_all(const char *analytic_dir, struct strlist *out, struct fs_names *all);

/* test_case_load over case.yaml's text when the caller has read it already (len bytes);
 * text NULL: reads the file. */
int test_case_load_text(const char *case_dir, const char *text, size_t len,
                        const struct manifest *m, struct test_case **out, struct diag_list *diags);

/* manifest_load that also hands back the parsed document (for positions) on success. */
int manifest_load_doc(const char *path, struct manifest **out, struct yaml_doc **doc,
                      struct diag_list *diags);

/* params_render with the position of the parameters block for "missing required". */
int params_render_at(const struct manifest *m, const struct param_value *given, size_t n,
                     struct env_list *out, struct diag_list *diags, const char *file, int line,
                     int col);

#endif
