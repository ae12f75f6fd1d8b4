/* The Kestrel v1 docker contract in C: see kestrel.h. */
#include "kestrel.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifndef DATA_DIR /* a test may point it elsewhere */
#define DATA_DIR "/data"
#endif

/* The value of name, trimmed of surrounding blanks, in buf; NULL when unset or blank. */
static const char *raw_param(const char *name, char *buf, size_t size)
{
    const char *v = getenv(name);
    if (!v)
        return NULL;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n'))
        n--;
    if (n == 0)
        return NULL;
    if (n >= size)
        n = size - 1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return buf;
}

static char param_buf[4096];

int kestrel_param_string(const char *name, const char *def, const char **out)
{
    const char *v = raw_param(name, param_buf, sizeof param_buf);
    *out = v ? xstrdup(v) : def;
    return 0;
}

int kestrel_param_choice(const char *name, const char *def, const char *const *choices,
                         const char **out)
{
    const char *v = raw_param(name, param_buf, sizeof param_buf);
    if (!v) {
        *out = def;
        return 0;
    }
    for (size_t i = 0; choices[i]; i++) {
        if (!strcmp(v, choices[i])) {
            *out = choices[i];
            return 0;
        }
    }
    char list[512] = "";
    for (size_t i = 0; choices[i]; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
    }
    return err_set("parameter %s='%s': expected one of %s", name, v, list);
}

int kestrel_param_int(const char *name, int64_t def, int64_t min, int64_t max, int64_t *out)
{
    const char *v = raw_param(name, param_buf, sizeof param_buf);
    if (!v) {
        *out = def;
        return 0;
    }
    /* Kestrel passes numbers through Python's str(): "3", or "3.0" for a float. */
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || *end || !isfinite(d) || d != floor(d) || d < -9.0e18 || d > 9.0e18)
        return err_set("parameter %s='%s': expected an integer", name, v);
    int64_t n = (int64_t)d;
    if (n < min)
        return err_set("parameter %s='%s': must be at least %lld", name, v, (long long)min);
    if (n > max)
        return err_set("parameter %s='%s': must be at most %lld", name, v, (long long)max);
    *out = n;
    return 0;
}

int kestrel_param_double(const char *name, double def, double min, double max, double *out)
{
    const char *v = raw_param(name, param_buf, sizeof param_buf);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || *end || !isfinite(d))
        return err_set("parameter %s='%s': expected a number", name, v);
    if (d < min)
        return err_set("parameter %s='%s': must be at least %g", name, v, min);
    if (d > max)
        return err_set("parameter %s='%s': must be at most %g", name, v, max);
    *out = d;
    return 0;
}

int kestrel_param_bool(const char *name, bool def, bool *out)
{
    const char *v = raw_param(name, param_buf, sizeof param_buf);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes")) {
        *out = true;
        return 0;
    }
    if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no")) {
        *out = false;
        return 0;
    }
    return err_set("parameter %s='%s': expected true or false", name, v);
}

int kestrel_param_list(const char *name, char **out)
{
    const char *v = raw_param(name, param_buf, sizeof param_buf);
    *out = NULL;
    if (!v)
        return 0;
    for (const char *p = v;; p++) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        size_t blank = strspn(p, " \t");
        if (blank >= n)
            return err_set("parameter %s='%s': empty item in the list", name, v);
        if (!comma)
            break;
        p = comma;
    }
    *out = xstrdup(v);
    return 0;
}

char *kestrel_list_next(char **cursor)
{
    char *item = *cursor;
    if (!item)
        return NULL;
    char *comma = strchr(item, ',');
    if (comma) {
        *comma = '\0';
        *cursor = comma + 1;
    } else {
        *cursor = NULL;
    }
    while (*item == ' ')
        item++;
    size_t n = strlen(item);
    while (n > 0 && item[n - 1] == ' ')
        item[--n] = '\0';
    return item;
}

const struct pq_column *kestrel_string_column(const struct pq_table *t, const char *name)
{
    long i = table_find_column(t, name);
    if (i < 0)
        return NULL;
    const struct pq_column *c = &t->cols[i];
    if (c->is_list || c->values.type.physical != PQ_BYTE_ARRAY)
        return NULL;
    return c;
}

static int run_one(const char *in, const char *out, kestrel_analytic_fn *fn, const void *params,
                   const char *name, size_t index)
{
    struct pq_table t = PQ_TABLE_INIT;
    if (pq_read_file(in, &t) < 0)
        return -1;
    if (table_find_column(&t, "id") < 0 || table_find_column(&t, "type") < 0) {
        fprintf(stderr, "%s: input %zu has no id/type columns; left unchanged\n", name, index);
        table_free(&t);
        return 0;
    }
    int rc = fn(&t, params);
    if (rc == 0)
        rc = table_check(&t);
    if (rc == 0 && t.nrows == 0) {
        /* Kestrel's APPLY crashes on a 0-row output; no file leaves the variable unchanged */
        fprintf(stderr, "%s: output %zu has no rows; no file written, so Kestrel leaves the "
                        "variable as it was\n",
                name, index);
    } else if (rc == 0) {
        rc = pq_write_file(out, &t, NULL);
    }
    table_free(&t);
    return rc;
}

int kestrel_run(const char *name, kestrel_analytic_fn *fn, const void *params)
{
    if (mkdir(DATA_DIR "/output", 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "%s: error: %s/output: %s\n", name, DATA_DIR, strerror(errno));
        return 2;
    }
    size_t index = 0;
    for (;; index++) {
        char in[64], out[64];
        snprintf(in, sizeof in, DATA_DIR "/input/%zu.parquet.gz", index);
        snprintf(out, sizeof out, DATA_DIR "/output/%zu.parquet.gz", index);
        if (!fs_exists(in))
            break;
        if (run_one(in, out, fn, params, name, index) < 0) {
            fprintf(stderr, "%s: error: %s\n", name, err_last());
            return 2;
        }
    }
    if (index == 0) {
        fprintf(stderr, "%s: error: no input in %s/input (expected 0.parquet.gz)\n", name,
                DATA_DIR);
        return 2;
    }
    return 0;
}
