/* What a pull request stops checking: see loosened.h. */
#include "loosened.h"
#include "tree_blob.h"
#include "manifest/manifest.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/quote.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define REVIEW_HINT " (a warning for the reviewer: the pull request checks less than the base did)"

static void warn(struct diag_list *diags, const struct yaml_doc *doc, const char *file,
                 const char *pointer, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void warn(struct diag_list *diags, const struct yaml_doc *doc, const char *file,
                 const char *pointer, const char *fmt, ...)
{
    int line = 1, col = 1;
    if (doc)
        yaml_doc_loc(doc, pointer, true, &line, &col);
    struct buf m = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&m, fmt, ap);
    va_end(ap);
    diag_add(diags, DIAG_WARNING, file, line, col, "test-loosened", "%s" REVIEW_HINT, m.data);
    buf_free(&m);
}

/* obj/a/b... (NULL-terminated keys), or NULL */
static const json_t *get(const json_t *obj, ...)
{
    va_list ap;
    va_start(ap, obj);
    const char *k;
    while (obj && (k = va_arg(ap, const char *)))
        obj = json_object_get(obj, k);
    va_end(ap);
    return obj;
}

static double number_or(const json_t *v, double dflt)
{
    return json_is_number(v) ? json_number_value(v) : dflt;
}

static bool list_has_string(const json_t *list, const char *s)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *v = json_string_value(json_array_get(list, i));
        if (v && !strcmp(v, s))
            return true;
    }
    return false;
}

/* One warning for each string of now that was not in was (at pointer/INDEX): before, the
 * string quoted, after. */
static void warn_added(const json_t *was, const json_t *now, const char *pointer,
                       const char *before, const char *after, const struct yaml_doc *doc,
                       const char *file, struct diag_list *diags)
{
    for (size_t i = 0; i < json_array_size(now); i++) {
        const char *s = json_string_value(json_array_get(now, i));
        if (!s || list_has_string(was, s))
            continue;
        struct buf ptr = BUF_INIT;
        buf_addstr(&ptr, pointer);
        json_pointer_add_index(&ptr, i);
        warn(diags, doc, file, ptr.data, "%s%s%s", before, qpath(s), after);
        buf_free(&ptr);
    }
}

/* exact 0, masked 1, exists 2 */
static int display_rank(const json_t *d)
{
    if (json_is_object(d))
        return 1;
    const char *s = json_string_value(d);
    return s && !strcmp(s, "exists") ? 2 : 0;
}

static void compare_tolerance(const json_t *b, const json_t *n, const struct yaml_doc *doc,
                              const char *file, struct diag_list *diags)
{
    static const char *const keys[] = {"rtol", "atol"};
    const json_t *bt = get(b, "compare", "tolerance", NULL);
    const json_t *nt = get(n, "compare", "tolerance", NULL);
    for (size_t k = 0; k < 2; k++) {
        double was = number_or(json_object_get(bt, keys[k]), 0);
        double now = number_or(json_object_get(nt, keys[k]), 0);
        if (now > was) {
            struct buf ptr = BUF_INIT;
            buf_addf(&ptr, "/compare/tolerance/%s", keys[k]);
            warn(diags, doc, file, ptr.data, "compare.tolerance.%s went up from %g to %g",
                 keys[k], was, now);
            buf_free(&ptr);
        }
    }
    /* a column's own tolerance against what applied to that column at the base (its own,
     * else the case's); an inherited one is the case's, reported above */
    const char *col;
    const json_t *nc;
    json_object_foreach ((json_t *)json_object_get(nt, "columns"), col, nc) {
        const json_t *bc = get(bt, "columns", col, NULL);
        for (size_t k = 0; k < 2; k++) {
            if (!json_object_get(nc, keys[k]))
                continue;
            double was = number_or(json_object_get(bc, keys[k]),
                                   number_or(json_object_get(bt, keys[k]), 0));
            double now = number_or(json_object_get(nc, keys[k]), 0);
            if (now > was) {
                struct buf ptr = BUF_INIT;
                buf_addstr(&ptr, "/compare/tolerance/columns");
                json_pointer_add(&ptr, col);
                json_pointer_add(&ptr, keys[k]);
                warn(diags, doc, file, ptr.data,
                     "the tolerance of column %s: %s went up from %g to %g", qpath(col), keys[k],
                     was, now);
                buf_free(&ptr);
            }
        }
    }
}

void loosened_compare(const json_t *b, const struct yaml_doc *now_doc, const char *file,
                      const char *analytic, struct diag_list *diags)
{
    const json_t *n = yaml_doc_root(now_doc);
    const struct yaml_doc *doc = now_doc;
    json_int_t was_exit = json_integer_value(get(b, "expect", "exit_code", NULL));
    json_int_t now_exit = json_integer_value(get(n, "expect", "exit_code", NULL));
    if (was_exit == 0 && now_exit != 0)
        warn(diags, doc, file, "/expect/exit_code",
             "the case now expects %s to fail (expect.exit_code: %" JSON_INTEGER_FORMAT
             "); at the base it checked a successful run",
             analytic, now_exit);

    warn_added(get(b, "compare", "ignore_columns", NULL),
               get(n, "compare", "ignore_columns", NULL), "/compare/ignore_columns",
               "column ", " is no longer compared (ignore_columns)", doc, file, diags);

    compare_tolerance(b, n, doc, file, diags);

    const json_t *bd = get(b, "compare", "display", NULL);
    const json_t *nd = get(n, "compare", "display", NULL);
    static const char *const dnames[] = {"exact", "masked", "exists"};
    int br = display_rank(bd), nr = display_rank(nd);
    if (nr > br) {
        warn(diags, doc, file, "/compare/display", "the display is compared %s, not %s",
             nr == 2 ? "only for existence" : "with masks", dnames[br]);
    } else if (nr == 1 && br == 1) {
        warn_added(json_object_get(bd, "masked"), json_object_get(nd, "masked"),
                   "/compare/display/masked", "the display masks one more pattern: ", "", doc,
                   file, diags);
    }

    /* column_order is ignored and NaN equals NaN unless the case says otherwise */
    const char *bo = json_string_value(get(b, "compare", "column_order", NULL));
    const char *no = json_string_value(get(n, "compare", "column_order", NULL));
    if (bo && !strcmp(bo, "strict") && !(no && !strcmp(no, "strict")))
        warn(diags, doc, file, "/compare/column_order", "the order of columns is no longer checked");
    if (get(n, "compare", "key", NULL) && !get(b, "compare", "key", NULL))
        warn(diags, doc, file, "/compare/key",
             "rows are now matched by key, so their order is no longer checked");
    if (json_is_false(get(b, "compare", "nan_equal", NULL)) &&
        !json_is_false(get(n, "compare", "nan_equal", NULL)))
        warn(diags, doc, file, "/compare/nan_equal", "NaN now equals NaN in the comparison");
}

/* analytics/NAME/tests/CASE/case.yaml: the CASE, or NULL */
static char *case_of(const char *path, const char *name)
{
    struct buf pre = BUF_INIT;
    buf_addf(&pre, "analytics/%s/tests/", name);
    char *out = NULL;
    if (!strncmp(path, pre.data, pre.len)) {
        const char *c = path + pre.len, *slash = strchr(c, '/');
        if (slash && slash > c && !strcmp(slash + 1, CASE_FILE))
            out = xstrndup(c, (size_t)(slash - c));
    }
    buf_free(&pre);
    return out;
}

void loosened_check(git_repository *repo, git_tree *base_tree, const char *root,
                    const struct selected_analytic *s, struct diag_list *diags)
{
    if (s->is_new || !base_tree)
        return;
    for (size_t i = 0; i < s->nfiles; i++) {
        const struct changed_file *f = &s->files[i];
        if (!f->content)
            continue;
        char *now_case = case_of(f->path, s->name);
        if (!now_case)
            continue;
        /* the case at the base: its old path when renamed, else the same path under the
         * analytic's base name */
        struct buf base_path = BUF_INIT, base_text = BUF_INIT, abs = BUF_INIT;
        char *old_case = f->old_path ? case_of(f->old_path, s->base_name) : NULL;
        if (f->old_path && old_case)
            buf_addstr(&base_path, f->old_path);
        else
            buf_addf(&base_path, "analytics/%s/tests/%s/" CASE_FILE, s->base_name, now_case);
        free(old_case);
        struct yaml_doc *bdoc = NULL, *ndoc = NULL;
        struct diag_list ignored = DIAG_LIST_INIT;
        bool found = false;
        if (tree_blob_read(repo, base_tree, base_path.data, YAML_MAX_BYTES, &base_text, &found) ==
                0 &&
            found &&
            yaml_parse(base_text.data ? base_text.data : "", base_text.len, base_path.data, &bdoc,
                       &ignored) == 0) {
            if (f->status == 'D') {
                diag_add(diags, DIAG_WARNING, f->path, 0, 0, "case-removed",
                         "case %s of %s was removed" REVIEW_HINT, qpath(now_case), s->name);
            } else {
                buf_addf(&abs, "%s/%s", root, f->path);
                if (yaml_load_file(abs.data, f->path, &ndoc, &ignored) == 0)
                    loosened_compare(yaml_doc_root(bdoc), ndoc, f->path, s->name, diags);
            }
        }
        err_clear(); /* unreadable either side: validate reports it */
        yaml_doc_free(bdoc);
        yaml_doc_free(ndoc);
        diag_list_free(&ignored);
        buf_free(&base_path);
        buf_free(&base_text);
        buf_free(&abs);
        free(now_case);
    }
}
