/* JSON Lines reading and writing: see jsonl.h. */
#include "jsonl.h"

#include "table/format.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

/* ---- reading ---- */

int jsonl_parse(const char *d, size_t n, struct text_grid *g)
{
    g->from_text = false;
    /* first pass: the column names in first-seen order; second pass: the cells */
    size_t line = 0, pos = 0;
    json_t **objs = NULL;
    size_t *obj_lines = NULL, nobj = 0, cap = 0;
    int rc = -1;
    while (pos < n) {
        line++;
        const char *nl = memchr(d + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - d) : n;
        size_t a = pos, b = end;
        pos = nl ? end + 1 : n;
        while (a < b && isspace((unsigned char)d[a]))
            a++;
        while (b > a && isspace((unsigned char)d[b - 1]))
            b--;
        if (a == b)
            continue;
        json_error_t je;
        json_t *o = json_loadb(d + a, b - a, JSON_REJECT_DUPLICATES, &je);
        if (!o) {
            text_line_error(line, "invalid JSON: %s", je.text);
            goto out;
        }
        if (!json_is_object(o)) {
            json_decref(o);
            text_line_error(line, "expected a JSON object");
            goto out;
        }
        if (nobj == cap) {
            cap = cap ? cap * 2 : 256;
            objs = xreallocarray(objs, cap, sizeof *objs);
            obj_lines = xreallocarray(obj_lines, cap, sizeof *obj_lines);
        }
        objs[nobj] = o;
        obj_lines[nobj++] = line;
        const char *key;
        json_t *val;
        json_object_foreach (o, key, val) {
            (void)val;
            if (grid_column(g, key) < 0) {
                if (!key[0]) {
                    text_line_error(line, "empty column name");
                    goto out;
                }
                g->names = xreallocarray(g->names, g->ncols + 1, sizeof *g->names);
                g->names[g->ncols++] = xstrdup(key);
            }
        }
    }
    if (g->ncols == 0) {
        text_line_error(line ? line : 1, "no columns: the input has no JSON objects with keys");
        goto out;
    }
    for (size_t r = 0; r < nobj; r++) {
        struct text_cell *row = grid_add_row(g, obj_lines[r]);
        g->objects[g->nrows - 1] = objs[r];
        objs[r] = NULL;
        const char *key;
        json_t *val;
        json_object_foreach (g->objects[g->nrows - 1], key, val) {
            long c = grid_column(g, key);
            if (!json_is_null(val)) {
                row[c].state = CELL_JSON;
                row[c].j = val;
            }
        }
    }
    rc = 0;
out:
    for (size_t r = 0; r < nobj; r++)
        json_decref(objs[r]);
    free(objs);
    free(obj_lines);
    return rc;
}

/* ---- writing ---- */

void jsonl_write_rows(struct buf *out, const struct pq_table *t, size_t first, size_t n)
{
    for (size_t r = first; r < first + n; r++)
        format_row_jsonl(out, t, r);
}
