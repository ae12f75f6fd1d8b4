/* Text tables into typed tables: see infer.h. */
#include "infer.h"

#include "csv.h"
#include "jsonl.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- column types ---- */

static struct pq_type spec_type(const struct text_spec *s)
{
    struct pq_type t = {0};
    switch (s->kind) {
    case K_STRING: t.physical = PQ_BYTE_ARRAY, t.logical = PQ_LOGICAL_STRING; break;
    case K_INT64: t.physical = PQ_INT64; break;
    case K_INT32: t.physical = PQ_INT32; break;
    case K_DOUBLE: t.physical = PQ_DOUBLE; break;
    case K_FLOAT: t.physical = PQ_FLOAT; break;
    case K_BOOL: t.physical = PQ_BOOLEAN; break;
    case K_DATE: t.physical = PQ_INT32, t.logical = PQ_LOGICAL_DATE; break;
    case K_TIMESTAMP:
        t.physical = PQ_INT64, t.logical = PQ_LOGICAL_TIMESTAMP;
        t.unit = s->unit;
        t.utc = s->utc;
        break;
    }
    return t;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* "int64", "timestamp[us, utc]", "list<string>" ... */
int text_spec_parse(const char *text, struct text_spec *out)
{
    char *dup = xstrdup(text);
    char *s = trim(dup);
    int rc = 0;
    memset(out, 0, sizeof *out);
    size_t n = strlen(s);
    if (!strncasecmp(s, "list<", 5) && n > 6 && s[n - 1] == '>') {
        s[n - 1] = '\0';
        rc = text_spec_parse(s + 5, out);
        if (rc == 0 && out->is_list)
            rc = err_set("lists of lists are not supported");
        out->is_list = true;
        free(dup);
        return rc;
    }
    static const struct {
        const char *name;
        enum text_kind kind;
    } names[] = {
        {"string", K_STRING},  {"str", K_STRING},   {"utf8", K_STRING},   {"int64", K_INT64},
        {"int", K_INT64},      {"bigint", K_INT64}, {"int32", K_INT32},   {"double", K_DOUBLE},
        {"float64", K_DOUBLE}, {"float", K_FLOAT},  {"float32", K_FLOAT}, {"bool", K_BOOL},
        {"boolean", K_BOOL},   {"date", K_DATE},    {"date32", K_DATE},
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcasecmp(s, names[i].name)) {
            out->kind = names[i].kind;
            free(dup);
            return 0;
        }
    }
    if (strncasecmp(s, "timestamp", 9)) {
        rc = err_set("unknown type '%s'", s);
        free(dup);
        return rc;
    }
    out->kind = K_TIMESTAMP;
    out->unit = PQ_MICROS;
    char *p = s + 9;
    if (*p == '\0') {
        free(dup);
        return 0;
    }
    if (*p != '[' || s[n - 1] != ']') {
        rc = err_set("bad timestamp type '%s' (timestamp[ms|us|ns] or timestamp[us,utc])", s);
        free(dup);
        return rc;
    }
    s[n - 1] = '\0';
    char *unit = trim(strtok(p + 1, ","));
    char *tz = strtok(NULL, ",");
    if (!strcasecmp(unit, "ms"))
        out->unit = PQ_MILLIS;
    else if (!strcasecmp(unit, "us"))
        out->unit = PQ_MICROS;
    else if (!strcasecmp(unit, "ns"))
        out->unit = PQ_NANOS;
    else
        rc = err_set("bad timestamp unit '%s' (ms, us or ns)", unit);
    if (tz) {
        tz = trim(tz);
        if (!strcasecmp(tz, "utc") || !strcasecmp(tz, "tz=utc"))
            out->utc = true;
        else
            rc = err_set("bad timestamp zone '%s' (only utc)", tz);
    }
    free(dup);
    return rc;
}

int text_schema_parse(const char *text, struct text_schema *out)
{
    const char *p = text;
    while (*p) {
        const char *start = p;
        int depth = 0;
        while (*p && (depth > 0 || *p != ',')) {
            if (*p == '[' || *p == '<')
                depth++;
            else if ((*p == ']' || *p == '>') && depth > 0)
                depth--;
            p++;
        }
        char *item = xstrndup(start, (size_t)(p - start));
        if (*p == ',')
            p++;
        char *colon = strchr(item, ':');
        if (!colon) {
            int rc = err_set("--schema: '%s' is not name:type", item);
            free(item);
            return rc;
        }
        *colon = '\0';
        char *name = trim(item);
        struct text_spec spec;
        if (!*name || text_spec_parse(colon + 1, &spec) < 0) {
            if (!*name)
                err_set("empty column name");
            err_prefix("--schema: '%s'", name);
            free(item);
            return -1;
        }
        ARRAY_GROW(out->e, out->n + 1, out->cap);
        out->e[out->n].name = xstrdup(name);
        out->e[out->n].spec = spec;
        out->e[out->n].used = false;
        out->n++;
        free(item);
    }
    return 0;
}

void text_schema_free(struct text_schema *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->e[i].name);
    free(s->e);
}

/* ---- cells ---- */

struct text_cell *grid_add_row(struct text_grid *g, size_t line)
{
    if (g->nrows == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 256;
        g->cells = xreallocarray(g->cells, g->cap, g->ncols * sizeof *g->cells);
        g->lines = xreallocarray(g->lines, g->cap, sizeof *g->lines);
        if (!g->from_text)
            g->objects = xreallocarray(g->objects, g->cap, sizeof *g->objects);
    }
    g->lines[g->nrows] = line;
    struct text_cell *row = g->cells + g->nrows * g->ncols;
    memset(row, 0, g->ncols * sizeof *row);
    g->nrows++;
    return row;
}

void grid_free(struct text_grid *g)
{
    for (size_t i = 0; i < g->ncols; i++)
        free(g->names[i]);
    free(g->names);
    if (g->objects)
        for (size_t r = 0; r < g->nrows; r++)
            json_decref(g->objects[r]);
    free(g->objects);
    free(g->cells);
    free(g->lines);
}

/* Error at a line: the message goes to the error slot as "LINE: msg"; the caller prefixes
 * the file name. */
int text_line_error(size_t line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set("%zu: error: %s", line, msg);
}

/* Offset of the first byte that is not valid UTF-8 (overlongs, surrogates and code points
 * past U+10FFFF refused), or len. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned cp, min;
        if ((c & 0xe0) == 0xc0)
            n = 2, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            n = 3, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            n = 4, cp = c & 0x07, min = 0x10000;
        else
            return i;
        if (len - i < n)
            return i;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += n;
    }
    return len;
}

int text_check_utf8(const char *data, size_t len)
{
    size_t bad = utf8_invalid_at((const unsigned char *)data, len);
    if (bad == len)
        return 0;
    size_t line = 1;
    for (size_t i = 0; i < bad; i++)
        line += data[i] == '\n';
    return text_line_error(line, "invalid UTF-8 (byte 0x%02x at offset %zu)",
                           (unsigned char)data[bad], bad);
}

long grid_column(struct text_grid *g, const char *name)
{
    for (size_t i = 0; i < g->ncols; i++)
        if (!strcmp(g->names[i], name))
            return (long)i;
    return -1;
}

/* ---- values ---- */

static bool parse_int64(const char *s, int64_t *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return false;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE)
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double *out)
{
    if (!*s || isspace((unsigned char)*s) || strpbrk(s, "xX("))
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || (errno == ERANGE && isinf(v)))
        return false;
    *out = v;
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    if (!strcasecmp(s, "true"))
        *out = true;
    else if (!strcasecmp(s, "false"))
        *out = false;
    else
        return false;
    return true;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool parse_date_part(const char **p, int64_t *days)
{
    int y, m, d;
    const char *s = *p;
    if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &m) || *s++ != '-' ||
        !digits(&s, 2, &d))
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return false;
    *days = days_from_civil(y, (unsigned)m, (unsigned)d);
    *p = s;
    return true;
}

/* ISO 8601: YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|(+|-)HH[:]MM] in the given unit. An
 * offset is applied (the value becomes UTC); finer fractions than the unit are refused. */
static const char *parse_timestamp(const char *s, enum pq_time_unit unit, int64_t *out)
{
    const char *p = s;
    int64_t days;
    if (!parse_date_part(&p, &days))
        return "not an ISO 8601 date-time";
    int64_t secs = days * 86400, frac = 0;
    int unit_digits = unit == PQ_MILLIS ? 3 : unit == PQ_MICROS ? 6 : 9;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        int hh, mm, ss = 0;
        p++;
        if (!digits(&p, 2, &hh) || *p++ != ':' || !digits(&p, 2, &mm))
            return "not an ISO 8601 date-time";
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &ss))
                return "not an ISO 8601 date-time";
        }
        if (hh > 23 || mm > 59 || ss > 60)
            return "time of day out of range";
        secs += hh * 3600 + mm * 60 + ss;
        if (*p == '.' || *p == ',') {
            p++;
            int nd = 0;
            while (isdigit((unsigned char)*p)) {
                if (nd < unit_digits)
                    frac = frac * 10 + (*p - '0');
                else if (*p != '0')
                    return "more fraction digits than the timestamp's unit holds";
                nd++;
                p++;
            }
            if (nd == 0)
                return "not an ISO 8601 date-time";
            for (; nd < unit_digits; nd++)
                frac *= 10;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (!digits(&p, 2, &oh))
                return "bad UTC offset";
            if (*p == ':')
                p++;
            if (*p && !digits(&p, 2, &om))
                return "bad UTC offset";
            secs -= sign * (oh * 3600 + om * 60);
        }
    }
    if (*p)
        return "not an ISO 8601 date-time";
    int64_t per = unit == PQ_MILLIS ? 1000 : unit == PQ_MICROS ? 1000000 : 1000000000;
    int64_t v;
    if (__builtin_mul_overflow(secs, per, &v) || __builtin_add_overflow(v, frac, &v))
        return "out of range for the timestamp's unit";
    *out = v;
    return NULL;
}

/* Text of a cell (CSV text, or a JSON string / number / bool printed), NUL-terminated in tmp. */
static const char *cell_text(const struct text_grid *g, const struct text_cell *c, struct buf *tmp)
{
    buf_reset(tmp);
    if (c->state == CELL_TEXT) {
        buf_add(tmp, g->text + c->off, c->len);
    } else if (json_is_string(c->j)) {
        buf_add(tmp, json_string_value(c->j), json_string_length(c->j));
    } else if (json_is_integer(c->j)) {
        buf_addf(tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(c->j));
    } else if (json_is_real(c->j)) {
        double x = json_real_value(c->j);
        for (int prec = 1; prec <= 17; prec++) {
            buf_reset(tmp);
            buf_addf(tmp, "%.*g", prec, x);
            if (strtod(tmp->data, NULL) == x)
                break;
        }
    } else if (json_is_boolean(c->j)) {
        buf_addstr(tmp, json_is_true(c->j) ? "true" : "false");
    } else {
        char *s = json_dumps(c->j, JSON_COMPACT | JSON_ENCODE_ANY);
        buf_addstr(tmp, s ? s : "");
        free(s);
    }
    return tmp->data;
}

/* Appends one scalar JSON value or text to v as kind; NULL message on success. */
static const char *value_append(struct pq_vector *v, const struct text_spec *s,
                                const struct text_grid *g, const struct text_cell *c,
                                struct buf *tmp)
{
    bool text = c->state == CELL_TEXT || json_is_string(c->j);
    if (c->state == CELL_JSON && (json_is_array(c->j) || json_is_object(c->j)))
        return json_is_array(c->j) ? "an array where a scalar is expected"
                                   : "objects are not supported";
    if (s->kind == K_STRING) {
        const char *t = cell_text(g, c, tmp);
        vector_append_bytes(v, t, tmp->len);
        return NULL;
    }
    if (text && c->state == CELL_TEXT && c->len == 0) {
        vector_append_null(v); /* a quoted "" in a non-string column */
        return NULL;
    }
    const char *t = text ? cell_text(g, c, tmp) : NULL;
    switch (s->kind) {
    case K_INT64:
    case K_INT32: {
        int64_t x;
        if (text) {
            if (!parse_int64(t, &x))
                return "not an integer (or out of range)";
        } else if (json_is_integer(c->j)) {
            x = json_integer_value(c->j);
        } else {
            return "not an integer";
        }
        if (s->kind == K_INT32) {
            if (x < INT32_MIN || x > INT32_MAX)
                return "out of range for int32";
            vector_append_i32(v, (int32_t)x);
        } else {
            vector_append_i64(v, x);
        }
        return NULL;
    }
    case K_DOUBLE:
    case K_FLOAT: {
        double x;
        if (text) {
            if (!parse_double(t, &x))
                return "not a number";
        } else if (json_is_number(c->j)) {
            x = json_number_value(c->j);
        } else {
            return "not a number";
        }
        if (s->kind == K_FLOAT) {
            if (isfinite(x) && fabs(x) > FLT_MAX)
                return "out of range for float";
            vector_append_f32(v, (float)x);
        } else {
            vector_append_f64(v, x);
        }
        return NULL;
    }
    case K_BOOL: {
        bool b;
        if (text) {
            if (!parse_bool(t, &b))
                return "not true or false";
        } else if (json_is_boolean(c->j)) {
            b = json_is_true(c->j);
        } else {
            return "not true or false";
        }
        vector_append_bool(v, b);
        return NULL;
    }
    case K_DATE: {
        int64_t days;
        if (text) {
            const char *p = t;
            if (!parse_date_part(&p, &days) || *p)
                return "not a date (YYYY-MM-DD)";
        } else if (json_is_integer(c->j)) {
            days = json_integer_value(c->j);
        } else {
            return "not a date (YYYY-MM-DD)";
        }
        if (days < INT32_MIN || days > INT32_MAX)
            return "out of range for date";
        vector_append_i32(v, (int32_t)days);
        return NULL;
    }
    case K_TIMESTAMP: {
        int64_t x;
        if (text) {
            const char *why = parse_timestamp(t, s->unit, &x);
            if (why)
                return why;
        } else if (json_is_integer(c->j)) {
            x = json_integer_value(c->j);
        } else {
            return "not a timestamp";
        }
        vector_append_i64(v, x);
        return NULL;
    }
    case K_STRING: break;
    }
    return "unsupported type";
}

/* Appends the cell to column col as spec s (lists: a JSON array, or JSON array text in CSV). */
static int cell_append(struct pq_column *col, const struct text_spec *s, const struct text_grid *g,
                       const struct text_cell *c, size_t line, struct buf *tmp)
{
    const char *why = NULL;
    if (!s->is_list) {
        if (c->state == CELL_NULL)
            vector_append_null(&col->values);
        else
            why = value_append(&col->values, s, g, c, tmp);
        goto done;
    }
    if (c->state == CELL_NULL) {
        column_list_append_null(col);
        return 0;
    }
    json_t *arr = c->j, *parsed = NULL;
    if (c->state == CELL_TEXT) {
        json_error_t je;
        parsed = json_loadb(g->text + c->off, c->len, JSON_DECODE_ANY, &je);
        arr = parsed;
    }
    if (!json_is_array(arr)) {
        json_decref(parsed);
        why = "not a JSON array";
        goto done;
    }
    column_list_begin_row(col);
    struct text_spec es = *s;
    es.is_list = false;
    size_t i;
    json_t *e;
    json_array_foreach (arr, i, e) {
        if (json_is_null(e)) {
            vector_append_null(&col->values);
            continue;
        }
        struct text_cell ec = {e, 0, 0, CELL_JSON, false};
        why = value_append(&col->values, &es, g, &ec, tmp);
        if (why)
            break;
    }
    column_list_end_row(col);
    json_decref(parsed);
done:
    if (!why)
        return 0;
    struct buf shown = BUF_INIT, t2 = BUF_INIT;
    const char *text = cell_text(g, c, &t2);
    buf_add_json_escaped(&shown, text, t2.len > 60 ? 60 : t2.len);
    char tname[64];
    struct pq_type type = spec_type(s);
    pq_type_describe(&type, s->is_list, tname, sizeof tname);
    text_line_error(line, "column '%s': \"%s%s\" does not fit %s: %s", col->name, shown.data,
                    t2.len > 60 ? "..." : "", tname, why);
    buf_free(&shown);
    buf_free(&t2);
    return -1;
}

/* ---- inference ---- */

enum seen {
    SEEN_INT = 1,
    SEEN_REAL = 2,
    SEEN_BOOL = 4,
    SEEN_STRING = 8,
    SEEN_ARRAY = 16,
    SEEN_OBJECT = 32
};

static unsigned json_seen(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_INTEGER: return SEEN_INT;
    case JSON_REAL: return SEEN_REAL;
    case JSON_TRUE:
    case JSON_FALSE: return SEEN_BOOL;
    case JSON_STRING: return SEEN_STRING;
    case JSON_ARRAY: return SEEN_ARRAY;
    case JSON_OBJECT: return SEEN_OBJECT;
    default: return 0;
    }
}

static int seen_to_kind(unsigned seen, enum text_kind *out)
{
    if (seen == 0 || seen == SEEN_STRING)
        *out = K_STRING;
    else if (seen == SEEN_INT)
        *out = K_INT64;
    else if ((seen & ~(unsigned)(SEEN_INT | SEEN_REAL)) == 0)
        *out = K_DOUBLE;
    else if (seen == SEEN_BOOL)
        *out = K_BOOL;
    else
        return -1;
    return 0;
}

static const char *seen_name(unsigned bit)
{
    switch (bit) {
    case SEEN_INT:
    case SEEN_REAL: return "number";
    case SEEN_BOOL: return "bool";
    case SEEN_STRING: return "string";
    case SEEN_ARRAY: return "array";
    default: return "object";
    }
}

/* The type of column c from its values: pandas-like for CSV text, JSON types for JSON Lines. */
static int infer(const struct text_grid *g, size_t c, struct text_spec *out, struct buf *tmp)
{
    memset(out, 0, sizeof *out);
    if (g->from_text) {
        bool can_int = true, can_double = true, can_bool = true, any = false;
        for (size_t r = 0; r < g->nrows; r++) {
            const struct text_cell *cell = &g->cells[r * g->ncols + c];
            if (cell->state == CELL_NULL || cell->len == 0)
                continue;
            any = true;
            const char *t = cell_text(g, cell, tmp);
            int64_t i;
            double d;
            bool b;
            can_int = can_int && parse_int64(t, &i);
            can_double = can_double && parse_double(t, &d);
            can_bool = can_bool && parse_bool(t, &b);
            if (!can_int && !can_double && !can_bool)
                break;
        }
        out->kind = !any         ? K_STRING
                    : can_int    ? K_INT64
                    : can_double ? K_DOUBLE
                    : can_bool   ? K_BOOL
                                 : K_STRING;
        return 0;
    }
    unsigned seen = 0, elem_seen = 0;
    size_t first_line[64] = {0};
    for (size_t r = 0; r < g->nrows; r++) {
        const struct text_cell *cell = &g->cells[r * g->ncols + c];
        if (cell->state == CELL_NULL)
            continue;
        unsigned s = json_seen(cell->j);
        if (s == SEEN_OBJECT)
            return text_line_error(g->lines[r], "column '%s': objects are not supported",
                                   g->names[c]);
        if (!(seen & s))
            first_line[__builtin_ctz(s)] = g->lines[r];
        seen |= s;
        if (s != SEEN_ARRAY)
            continue;
        size_t i;
        json_t *e;
        json_array_foreach (cell->j, i, e) {
            unsigned es = json_is_null(e) ? 0 : json_seen(e);
            if (es == SEEN_ARRAY || es == SEEN_OBJECT)
                return text_line_error(g->lines[r], "column '%s': nested %ss are not supported",
                                       g->names[c], seen_name(es));
            elem_seen |= es;
        }
    }
    if ((seen & SEEN_ARRAY) && seen != SEEN_ARRAY) {
        unsigned other = seen & ~(unsigned)SEEN_ARRAY;
        unsigned bit = other & -other;
        return text_line_error(first_line[__builtin_ctz(bit)],
                               "column '%s' mixes arrays (line %zu) and %ss; give its type with "
                               "--schema",
                               g->names[c], first_line[__builtin_ctz(SEEN_ARRAY)], seen_name(bit));
    }
    if (seen == SEEN_ARRAY) {
        out->is_list = true;
        if (seen_to_kind(elem_seen, &out->kind) < 0)
            return text_line_error(first_line[__builtin_ctz(SEEN_ARRAY)],
                                   "column '%s': list elements of mixed types; give its type with "
                                   "--schema",
                                   g->names[c]);
        return 0;
    }
    if (seen_to_kind(seen, &out->kind) < 0) {
        unsigned a = seen & -seen, rest = seen & ~a, b = rest & -rest;
        if (a == SEEN_INT && b == SEEN_REAL) {
            rest &= ~(unsigned)SEEN_REAL;
            b = rest & -rest;
        }
        size_t la = first_line[__builtin_ctz(a)], lb = first_line[__builtin_ctz(b)];
        return text_line_error(la > lb ? la : lb,
                               "column '%s' mixes %ss (line %zu) and %ss (line %zu); give its type "
                               "with --schema",
                               g->names[c], seen_name(a), la, seen_name(b), lb);
    }
    return 0;
}

/* ---- text -> table ---- */

int grid_to_table(const struct text_grid *g, struct text_schema *schema, struct pq_table *t)
{
    struct buf tmp = BUF_INIT;
    struct text_spec *specs = xcalloc(g->ncols ? g->ncols : 1, sizeof *specs);
    int rc = -1;
    for (size_t c = 0; c < g->ncols; c++) {
        bool given = false;
        for (size_t i = 0; i < schema->n; i++) {
            if (!strcmp(schema->e[i].name, g->names[c])) {
                specs[c] = schema->e[i].spec;
                schema->e[i].used = true;
                given = true;
            }
        }
        if (!given && infer(g, c, &specs[c], &tmp) < 0)
            goto out;
    }
    for (size_t i = 0; i < schema->n; i++) {
        if (!schema->e[i].used) {
            text_line_error(1, "--schema names column '%s', which the input does not have",
                            schema->e[i].name);
            goto out;
        }
    }
    for (size_t c = 0; c < g->ncols; c++) {
        struct pq_type type = spec_type(&specs[c]);
        if (specs[c].is_list)
            table_add_list_column(t, g->names[c], type, true, true);
        else
            table_add_column(t, g->names[c], type, true);
    }
    for (size_t c = 0; c < g->ncols; c++)
        for (size_t r = 0; r < g->nrows; r++)
            if (cell_append(&t->cols[c], &specs[c], g, &g->cells[r * g->ncols + c], g->lines[r],
                            &tmp) < 0)
                goto out;
    t->nrows = g->nrows;
    rc = 0;
out:
    free(specs);
    buf_free(&tmp);
    return rc;
}

int table_from_text(char *text, size_t len, enum text_format format, struct text_schema *schema,
                    struct pq_table *out)
{
    struct text_schema none = TEXT_SCHEMA_INIT;
    struct text_grid g = {0};
    *out = (struct pq_table)PQ_TABLE_INIT;
    int rc = -1;
    if (text_check_utf8(text, len) == 0 &&
        (format == TEXT_CSV ? csv_parse(text, len, &g) : jsonl_parse(text, len, &g)) == 0)
        rc = grid_to_table(&g, schema ? schema : &none, out);
    if (rc < 0)
        table_free(out);
    grid_free(&g);
    return rc;
}
