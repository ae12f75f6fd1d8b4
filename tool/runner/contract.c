/* The Kestrel contract checks: see contract.h. */
#include "contract.h"
#include "parquet/parquet.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool contract_inputs_all_empty(const struct test_case *tc)
{
    if (!tc->n_inputs)
        return false;
    for (size_t i = 0; i < tc->n_inputs; i++) {
        struct pq_reader *rd;
        if (pq_reader_open(&rd, tc->inputs[i], NULL) < 0) {
            err_clear();
            return false;
        }
        bool empty = pq_reader_num_rows(rd) == 0 && pq_reader_num_columns(rd) == 0;
        pq_reader_free(rd);
        if (!empty)
            return false;
    }
    return true;
}

/* ---- one output ---- */

/* The first of "id", "type" that the pandas metadata of path makes the index, or NULL. */
static const char *pandas_index_column(const char *path)
{
    struct pq_reader *rd;
    if (pq_reader_open(&rd, path, NULL) < 0) {
        err_clear();
        return NULL;
    }
    const char *found = NULL;
    const char *meta = pq_reader_metadata(rd, "pandas");
    json_t *root = meta ? json_loads(meta, 0, NULL) : NULL;
    json_t *cols = json_object_get(root, "index_columns");
    for (size_t i = 0; i < json_array_size(cols) && !found; i++) {
        const char *s = json_string_value(json_array_get(cols, i));
        if (s && !strcmp(s, "id"))
            found = "id";
        else if (s && !strcmp(s, "type"))
            found = "type";
    }
    json_decref(root);
    pq_reader_free(rd);
    return found;
}

static bool is_text(const struct pq_type *t)
{
    return t->physical == PQ_BYTE_ARRAY &&
           (t->logical == PQ_LOGICAL_STRING || t->logical == PQ_LOGICAL_JSON ||
            t->logical == PQ_LOGICAL_ENUM);
}

/* Why the store cannot take a column of type t (list or not): the advice, or NULL. */
static const char *store_refuses(const struct pq_column *c)
{
    const struct pq_type *t = &c->values.type;
    if (c->is_list)
        return "a list: Kestrel's store keeps it as raw bytes; write JSON text instead "
               "(json.dumps of each value) and declare the attribute 'type: string, format: "
               "json'";
    if (t->logical == PQ_LOGICAL_TIMESTAMP || t->logical == PQ_LOGICAL_DATE ||
        t->logical == PQ_LOGICAL_TIME || t->physical == PQ_INT96)
        return "a timestamp: Kestrel's store cannot take it (sqlite3 ProgrammingError: "
               "'Timestamp' is not supported); write ISO-8601 text instead (e.g. "
               "2024-05-01T12:00:00Z) and declare the attribute 'type: string, format: "
               "iso-8601'";
    if (t->logical == PQ_LOGICAL_DECIMAL)
        return "a decimal: Kestrel's store cannot take Python Decimal values; write a double or "
               "text instead";
    if ((t->physical == PQ_BYTE_ARRAY || t->physical == PQ_FIXED_LEN_BYTE_ARRAY) && !is_text(t) &&
        t->logical != PQ_LOGICAL_FLOAT16 && t->logical != PQ_LOGICAL_NULL)
        return "binary: Kestrel's store keeps it as raw bytes; write text instead (UTF-8, or "
               "hex / base64 for bytes)";
    return NULL;
}

bool contract_check_output(const char *path, const char *name, const struct pq_table *t,
                           struct case_result *r)
{
    bool ok = true;
    if (t->nrows == 0) {
        case_result_fail(r, RULE_EMPTY_OUTPUT, name, NULL,
                         "%s has 0 rows: Kestrel's APPLY crashes on an empty output (KeyError: "
                         "'pop from an empty set'); write no file to leave the variable "
                         "unchanged",
                         name);
        ok = false;
    }
    const char *index = pandas_index_column(path);
    if (index) {
        case_result_fail(r, RULE_PANDAS_INDEX, name, NULL,
                         "%s stores '%s' as the pandas index (index_columns of its pandas "
                         "metadata): pandas.read_parquet makes it the index, so Kestrel sees an "
                         "output without %s; write it as a column (df.reset_index(), or "
                         "to_parquet(..., index=False))",
                         name, index, index);
        ok = false;
    }
    for (size_t i = 0; i < t->ncols; i++) {
        const char *why = store_refuses(&t->cols[i]);
        if (!why)
            continue;
        char ty[64];
        pq_type_describe(&t->cols[i].values.type, t->cols[i].is_list, ty, sizeof ty);
        case_result_fail(r, RULE_STORE_TYPE, name, NULL, "%s: column '%s' (%s) is %s", name,
                         t->cols[i].name, ty, why);
        ok = false;
    }
    return ok;
}

bool contract_explain_unreadable(const char *name, const char *err, struct case_result *r)
{
    if (!err || (!strstr(err, "nested group (struct/map)") && !strstr(err, "nested list shape")))
        return false;
    case_result_fail(r, RULE_STORE_TYPE, name, NULL,
                     "%s: %s: Kestrel's store cannot take structs, maps or nested lists; write "
                     "JSON text instead (json.dumps of each value) and declare the attribute "
                     "'type: string, format: json'",
                     name, err);
    return true;
}

/* ---- the manifest's outputs ---- */

bool contract_is_iso8601(const char *s, size_t len)
{
    /* YYYY-MM-DD */
    size_t i = 0;
    const char *shape = "dddd-dd-dd";
    for (; shape[i]; i++)
        if (i >= len || (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i]))
            return false;
    if (i == len)
        return true;
    /* [T ]hh:mm[:ss[.f+]] */
    if (s[i] != 'T' && s[i] != ' ')
        return false;
    i++;
    const char *time = "dd:dd";
    for (size_t k = 0; time[k]; k++, i++)
        if (i >= len || (time[k] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != time[k]))
            return false;
    if (i + 2 < len && s[i] == ':' && isdigit((unsigned char)s[i + 1]) &&
        isdigit((unsigned char)s[i + 2])) {
        i += 3;
        if (i < len && s[i] == '.') {
            size_t start = ++i;
            while (i < len && isdigit((unsigned char)s[i]))
                i++;
            if (i == start)
                return false;
        }
    }
    if (i == len)
        return true;
    /* Z, or +hh[:mm] / -hh[:mm] */
    if (s[i] == 'Z')
        return i + 1 == len;
    if (s[i] != '+' && s[i] != '-')
        return false;
    i++;
    size_t digits = 0;
    for (; i < len; i++) {
        if (isdigit((unsigned char)s[i]))
            digits++;
        else if (s[i] != ':' || digits != 2)
            return false;
    }
    return digits == 2 || digits == 4;
}

/* NULL when column c fits attribute a's type; else why not. */
static const char *attribute_type_mismatch(const struct pq_column *c, const struct manifest_attr *a)
{
    const struct pq_type *t = &c->values.type;
    if (c->is_list)
        return "a list";
    if (t->logical == PQ_LOGICAL_NULL)
        return NULL; /* every value null: pandas gives no type */
    bool integer = (t->physical == PQ_INT32 || t->physical == PQ_INT64) &&
                   (t->logical == PQ_LOGICAL_NONE || t->logical == PQ_LOGICAL_INTEGER);
    bool real = t->physical == PQ_FLOAT || t->physical == PQ_DOUBLE;
    switch (a->type) {
    case ATTR_INTEGER: return integer ? NULL : "not integer";
    case ATTR_NUMBER: return integer || real ? NULL : "not a number";
    case ATTR_BOOLEAN: return t->physical == PQ_BOOLEAN ? NULL : "not boolean";
    case ATTR_STRING: return is_text(t) ? NULL : "not text";
    case ATTR_LIST:
    case ATTR_TIMESTAMP: return "a type the manifest may not declare";
    }
    return NULL;
}

/* First row of a text column whose value is not of the attribute's format, or -1. */
static long first_bad_format(const struct pq_column *c, enum attr_format f)
{
    for (size_t i = 0; i < c->values.len; i++) {
        if (vector_is_null(&c->values, i))
            continue;
        size_t len;
        const char *p = (const char *)vector_bytes(&c->values, i, &len);
        bool good;
        if (f == ATTR_FORMAT_JSON) {
            json_t *j = json_loadb(p, len, JSON_DECODE_ANY, NULL);
            good = j != NULL;
            json_decref(j);
        } else {
            good = contract_is_iso8601(p, len);
        }
        if (!good)
            return (long)i;
    }
    return -1;
}

static const struct manifest_output *find_output(const struct manifest *m, size_t index)
{
    for (size_t i = 0; i < m->n_outputs; i++)
        if (m->outputs[i].input == index)
            return &m->outputs[i];
    return NULL;
}

static bool input_has_column(struct pq_reader *rd, const char *col)
{
    for (size_t i = 0; rd && i < pq_reader_num_columns(rd); i++)
        if (!strcmp(pq_reader_column(rd, i)->name, col))
            return true;
    return false;
}

void contract_check_attributes(const struct manifest *m, size_t index, const char *input_path,
                               const struct pq_table *t, const char *name, bool strict,
                               struct case_result *r)
{
    const struct manifest_output *mo = find_output(m, index);
    size_t nattr = mo ? mo->n_attributes : 0;
    for (size_t a = 0; a < nattr; a++) {
        const struct manifest_attr *at = &mo->attributes[a];
        long ci = table_find_column(t, at->name);
        if (ci < 0) {
            case_result_fail(r, RULE_ATTR_MISSING, name, NULL,
                             "%s has no column '%s', which analytic.yaml declares "
                             "(outputs[input %zu].attributes): write it, or take it out of the "
                             "manifest",
                             name, at->name, index);
            continue;
        }
        const struct pq_column *c = &t->cols[ci];
        const char *why = attribute_type_mismatch(c, at);
        if (why) {
            char ty[64];
            pq_type_describe(&c->values.type, c->is_list, ty, sizeof ty);
            case_result_fail(r, RULE_ATTR_TYPE, name, NULL,
                             "%s: column '%s' is %s (%s), analytic.yaml declares %s", name,
                             at->name, ty, why, attr_type_name(at->type));
            continue;
        }
        long bad = at->format != ATTR_FORMAT_NONE && c->values.type.logical != PQ_LOGICAL_NULL
                       ? first_bad_format(c, at->format)
                       : -1;
        if (bad >= 0)
            case_result_fail(r, RULE_ATTR_TYPE, name, NULL,
                             "%s: column '%s' row %ld is not %s text, as analytic.yaml declares "
                             "(format: %s)",
                             name, at->name, bad + 1,
                             at->format == ATTR_FORMAT_JSON ? "JSON" : "ISO-8601",
                             at->format == ATTR_FORMAT_JSON ? "json" : "iso-8601");
    }
    struct pq_reader *rd = NULL;
    if (input_path && pq_reader_open(&rd, input_path, NULL) < 0) {
        err_clear();
        rd = NULL;
    }
    struct buf undeclared = BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        const char *col = t->cols[i].name;
        bool declared = !strcmp(col, "id") || !strcmp(col, "type");
        for (size_t a = 0; a < nattr && !declared; a++)
            declared = !strcmp(mo->attributes[a].name, col);
        if (declared || input_has_column(rd, col))
            continue;
        buf_addf(&undeclared, "%s'%s'", n++ ? ", " : "", col);
    }
    pq_reader_free(rd);
    if (n) {
        struct buf msg = BUF_INIT;
        buf_addf(&msg,
                 "%s adds %s %s that analytic.yaml does not declare: add %s to "
                 "outputs[input %zu].attributes (Kestrel stores every new column)",
                 name, n == 1 ? "the column" : "the columns", undeclared.data,
                 n == 1 ? "it" : "them", index);
        if (strict)
            case_result_fail(r, RULE_ATTR_UNDECLARED, name, NULL, "%s", msg.data);
        else
            case_result_note(r, RULE_ATTR_UNDECLARED, name,
                             "%s; a failure under --ci and in kanalytic ci", msg.data);
        buf_free(&msg);
    }
    buf_free(&undeclared);
}

/* ---- display ---- */

bool contract_check_display(const char *data_dir, struct case_result *r)
{
    char *dir = path_join(data_dir, "display");
    struct fs_names names = {0};
    if (!fs_is_dir(dir) || fs_list_dir(dir, &names) < 0) {
        err_clear();
        free(dir);
        return true; /* nothing shown */
    }
    bool ok = true;
    if (names.count > 1) {
        case_result_fail(r, RULE_DISPLAY_COUNT, "display", NULL,
                         "%zu display files (display/%s, display/%s%s): Kestrel accepts at most "
                         "one",
                         names.count, names.names[0], names.names[1],
                         names.count > 2 ? ", ..." : "");
        ok = false;
    } else if (names.count == 1) {
        const char *n = names.names[0];
        char *path = path_join(dir, n);
        struct stat st = {0};
        size_t len = strlen(n);
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            case_result_fail(r, RULE_DISPLAY_FILE, "display", NULL,
                             "display/%s is %s, not a regular file: Kestrel reads the one entry "
                             "of /data/display as an HTML file (IsADirectoryError)",
                             n, S_ISDIR(st.st_mode) ? "a directory" : "not a file");
            ok = false;
        } else if (len <= 5 || strcmp(n + len - 5, ".html")) {
            case_result_fail(r, RULE_DISPLAY_HTML, "display", NULL,
                             "display/%s does not end in '.html': Kestrel's test of the suffix "
                             "is case-sensitive and refuses anything else (NotImplementedError); "
                             "name it NAME.html",
                             n);
            ok = false;
        }
        free(path);
    }
    fs_names_free(&names);
    free(dir);
    return ok;
}
