/* Canonical rendering of table cells (../shared/parquet-corpus/README.md): JSON numbers in
 * Python's shortest round-trip form, NaN/Infinity as strings, exact 64-bit integers, decimals
 * with exactly `scale` fraction digits, ISO dates and timestamps, base64 for binary, arrays for
 * lists. The plain-text form is the same value without JSON quoting. */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- floating point ---- */

/* Lays out the significant digits `dig` (no dot) with decimal exponent `decpt` (value =
 * 0.dig × 10^decpt) the way Python's repr does: fixed notation for -4 < decpt <= 16, else
 * d.ddde±XX; fixed numbers always carry a fraction ("443.0"). */
static void add_python_float(struct buf *out, bool neg, const char *dig, int decpt)
{
    int nd = (int)strlen(dig);
    if (neg)
        buf_addch(out, '-');
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            buf_addstr(out, "0.");
            for (int i = 0; i < -decpt; i++)
                buf_addch(out, '0');
            buf_addstr(out, dig);
        } else if (decpt >= nd) {
            buf_addstr(out, dig);
            for (int i = nd; i < decpt; i++)
                buf_addch(out, '0');
            buf_addstr(out, ".0");
        } else {
            buf_add(out, dig, (size_t)decpt);
            buf_addch(out, '.');
            buf_addstr(out, dig + decpt);
        }
        return;
    }
    buf_addch(out, dig[0]);
    if (nd > 1) {
        buf_addch(out, '.');
        buf_addstr(out, dig + 1);
    }
    int e = decpt - 1;
    buf_addf(out, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
}

/* Splits "%.*e" output "d.ddde±N" into digits without trailing zeros and decpt. */
static void split_exp(const char *s, char *dig, int *decpt)
{
    size_t n = 0;
    const char *p = s;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            dig[n++] = *p;
    while (n > 1 && dig[n - 1] == '0')
        n--;
    dig[n] = '\0';
    *decpt = (*p == 'e' ? atoi(p + 1) : 0) + 1;
}

static bool add_nonfinite(struct buf *out, double x, bool quote)
{
    const char *s = NULL;
    if (isnan(x))
        s = "NaN";
    else if (isinf(x))
        s = x < 0 ? "-Infinity" : "Infinity";
    if (!s)
        return false;
    if (quote)
        buf_addf(out, "\"%s\"", s);
    else
        buf_addstr(out, s);
    return true;
}

/* Shortest digits that read back as the same double, in Python's layout. */
static void add_double(struct buf *out, double x, bool quote)
{
    if (add_nonfinite(out, x, quote))
        return;
    bool neg = signbit(x);
    double a = fabs(x);
    char s[64], dig[32];
    if (a == 0) {
        buf_addstr(out, neg ? "-0.0" : "0.0");
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(s, sizeof s, "%.*e", p - 1, a);
        if (strtod(s, NULL) == a || p == 17)
            break;
    }
    int decpt;
    split_exp(s, dig, &decpt);
    add_python_float(out, neg, dig, decpt);
}

/* Shortest digits that read back as the same float32. */
static void add_float(struct buf *out, float x, bool quote)
{
    if (add_nonfinite(out, x, quote))
        return;
    bool neg = signbit(x);
    float a = fabsf(x);
    char s[64], dig[32];
    if (a == 0) {
        buf_addstr(out, neg ? "-0.0" : "0.0");
        return;
    }
    for (int p = 1; p <= 9; p++) {
        snprintf(s, sizeof s, "%.*e", p - 1, (double)a);
        if (strtof(s, NULL) == a || p == 9)
            break;
    }
    int decpt;
    split_exp(s, dig, &decpt);
    add_python_float(out, neg, dig, decpt);
}

static float half_to_float(const uint8_t *p)
{
    unsigned h = (unsigned)p[0] | (unsigned)p[1] << 8;
    int sign = h >> 15, exp = (h >> 10) & 31;
    unsigned mant = h & 1023;
    float v;
    if (exp == 0)
        v = ldexpf((float)mant, -24);
    else if (exp == 31)
        v = mant ? NAN : INFINITY;
    else
        v = ldexpf((float)(mant | 1024), exp - 25);
    return sign ? -v : v;
}

/* ---- decimals ---- */

/* Appends the big-endian two's complement integer p[0..n) scaled by 10^-scale. */
static void add_decimal_bytes(struct buf *out, const uint8_t *p, size_t n, int scale)
{
    uint8_t stackbuf[64];
    uint8_t *mag = n <= sizeof stackbuf ? stackbuf : malloc(n);
    char dstack[160];
    size_t dcap = n * 3 + (size_t)(scale > 0 ? scale : 0) + 4;
    char *digits = dcap <= sizeof dstack ? dstack : malloc(dcap);
    if (!mag || !digits) {
        buf_addstr(out, "?");
        goto cleanup;
    }
    bool neg = n > 0 && (p[0] & 0x80);
    memcpy(mag, p, n);
    if (neg) { /* two's complement negate: invert, add one */
        for (size_t i = 0; i < n; i++)
            mag[i] = (uint8_t)~mag[i];
        for (size_t i = n; i-- > 0;)
            if (++mag[i] != 0)
                break;
    }
    size_t nd = 0, start = 0;
    while (start < n && mag[start] == 0)
        start++;
    while (start < n) { /* repeated division by 10, least significant digit first */
        unsigned rem = 0;
        for (size_t i = start; i < n; i++) {
            unsigned cur = rem << 8 | mag[i];
            mag[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
        }
        digits[nd++] = (char)('0' + rem);
        while (start < n && mag[start] == 0)
            start++;
    }
    if (scale < 0)
        scale = 0;
    while (nd < (size_t)scale + 1)
        digits[nd++] = '0';
    if (neg)
        buf_addch(out, '-');
    for (size_t i = nd; i-- > 0;) {
        buf_addch(out, digits[i]);
        if (i == (size_t)scale && scale > 0)
            buf_addch(out, '.');
    }
cleanup:
    if (mag != stackbuf)
        free(mag);
    if (digits != dstack)
        free(digits);
}

static void add_decimal_int(struct buf *out, int64_t x, int scale)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)((uint64_t)x >> (56 - 8 * i));
    add_decimal_bytes(out, be, 8, scale);
}

/* ---- dates and times ---- */

/* Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static void add_date(struct buf *out, int64_t days)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0)
        buf_addf(out, "-%04lld-%02u-%02u", (long long)-y, m, d);
    else
        buf_addf(out, "%04lld-%02u-%02u", (long long)y, m, d);
}

static int64_t unit_per_second(enum pq_time_unit u)
{
    return u == PQ_MILLIS ? 1000 : u == PQ_MICROS ? 1000000 : 1000000000;
}

static int unit_digits(enum pq_time_unit u)
{
    return u == PQ_MILLIS ? 3 : u == PQ_MICROS ? 6 : 9;
}

/* Floor division and its non-negative remainder. */
static void floordiv(int64_t a, int64_t b, int64_t *q, int64_t *r)
{
    *q = a / b;
    *r = a % b;
    if (*r < 0) {
        *r += b;
        (*q)--;
    }
}

static void add_timestamp(struct buf *out, int64_t x, enum pq_time_unit unit, bool utc)
{
    int64_t secs, frac, days, sod;
    floordiv(x, unit_per_second(unit), &secs, &frac);
    floordiv(secs, 86400, &days, &sod);
    add_date(out, days);
    buf_addf(out, "T%02d:%02d:%02d.%0*lld%s", (int)(sod / 3600), (int)(sod / 60 % 60),
             (int)(sod % 60), unit_digits(unit), (long long)frac, utc ? "Z" : "");
}

static void add_time(struct buf *out, int64_t x, enum pq_time_unit unit)
{
    int64_t secs, frac, days, sod;
    floordiv(x, unit_per_second(unit), &secs, &frac);
    floordiv(secs, 86400, &days, &sod);
    buf_addf(out, "%02d:%02d:%02d.%0*lld", (int)(sod / 3600 + days * 24), (int)(sod / 60 % 60),
             (int)(sod % 60), unit_digits(unit), (long long)frac);
}

/* ---- bytes ---- */

static void add_base64(struct buf *out, const uint8_t *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    buf_grow(out, (n + 2) / 3 * 4);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
                     i + 2 < n ? tab[v & 63] : '='};
        buf_add(out, q, 4);
    }
}

static void add_uuid(struct buf *out, const uint8_t *p)
{
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf_addch(out, '-');
        buf_addf(out, "%02x", p[i]);
    }
}

/* ---- one value ---- */

static bool is_text(const struct pq_type *t)
{
    return t->logical == PQ_LOGICAL_STRING || t->logical == PQ_LOGICAL_ENUM ||
           t->logical == PQ_LOGICAL_JSON;
}

/* Values that JSON renders as strings get quotes when `json`; text is escaped then too. */
static void open_q(struct buf *out, bool json)
{
    if (json)
        buf_addch(out, '"');
}

static void add_integer(struct buf *out, const struct pq_type *t, int64_t x, bool wide, bool json)
{
    switch (t->logical) {
    case PQ_LOGICAL_INTEGER:
        if (!t->is_signed) {
            buf_addf(out, "%llu", (unsigned long long)(wide ? (uint64_t)x : (uint32_t)x));
            return;
        }
        break;
    case PQ_LOGICAL_DECIMAL:
        open_q(out, json);
        add_decimal_int(out, x, t->scale);
        open_q(out, json);
        return;
    case PQ_LOGICAL_DATE:
        open_q(out, json);
        add_date(out, x);
        open_q(out, json);
        return;
    case PQ_LOGICAL_TIMESTAMP:
        open_q(out, json);
        add_timestamp(out, x, t->unit, t->utc);
        open_q(out, json);
        return;
    case PQ_LOGICAL_TIME:
        open_q(out, json);
        add_time(out, x, t->unit);
        open_q(out, json);
        return;
    default: break;
    }
    buf_addf(out, "%lld", (long long)x);
}

static void add_bytes_value(struct buf *out, const struct pq_type *t, const uint8_t *p, size_t n,
                            bool json)
{
    if (t->logical == PQ_LOGICAL_DECIMAL) {
        open_q(out, json);
        add_decimal_bytes(out, p, n, t->scale);
        open_q(out, json);
    } else if (t->logical == PQ_LOGICAL_FLOAT16 && n == 2) {
        float f = half_to_float(p);
        add_float(out, f, json);
    } else if (t->logical == PQ_LOGICAL_UUID && n == 16) {
        open_q(out, json);
        add_uuid(out, p);
        open_q(out, json);
    } else if (is_text(t)) {
        if (json) {
            buf_add_json_string(out, (const char *)p, n);
        } else {
            buf_add(out, p, n);
        }
    } else {
        open_q(out, json);
        add_base64(out, p, n);
        open_q(out, json);
    }
}

static void add_value(struct buf *out, const struct pq_vector *v, size_t i, bool json,
                      const char *null_text)
{
    if (vector_is_null(v, i)) {
        buf_addstr(out, null_text);
        return;
    }
    const struct pq_type *t = &v->type;
    switch (t->physical) {
    case PQ_BOOLEAN: buf_addstr(out, v->v.b[i] ? "true" : "false"); return;
    case PQ_INT32: add_integer(out, t, v->v.i32[i], false, json); return;
    case PQ_INT64: add_integer(out, t, v->v.i64[i], true, json); return;
    case PQ_INT96:
        open_q(out, json);
        add_timestamp(out, v->v.i64[i], PQ_NANOS, t->logical == PQ_LOGICAL_TIMESTAMP && t->utc);
        open_q(out, json);
        return;
    case PQ_FLOAT: add_float(out, v->v.f32[i], json); return;
    case PQ_DOUBLE: add_double(out, v->v.f64[i], json); return;
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY: {
        size_t n;
        const uint8_t *p = vector_bytes(v, i, &n);
        add_bytes_value(out, t, p, n, json);
        return;
    }
    }
    buf_addstr(out, "null");
}

void format_value_json(struct buf *out, const struct pq_vector *v, size_t i)
{
    add_value(out, v, i, true, "null");
}

void format_cell_json(struct buf *out, const struct pq_column *c, size_t row)
{
    if (!c->is_list) {
        format_value_json(out, &c->values, row);
        return;
    }
    if (column_is_null(c, row)) {
        buf_addstr(out, "null");
        return;
    }
    buf_addch(out, '[');
    for (uint64_t e = c->list_offsets[row]; e < c->list_offsets[row + 1]; e++) {
        if (e > c->list_offsets[row])
            buf_addstr(out, ", ");
        format_value_json(out, &c->values, (size_t)e);
    }
    buf_addch(out, ']');
}

void format_cell_text(struct buf *out, const struct pq_column *c, size_t row, bool null_empty)
{
    const char *null_text = null_empty ? "" : "null";
    if (c->is_list) {
        if (column_is_null(c, row))
            buf_addstr(out, null_text);
        else
            format_cell_json(out, c, row);
        return;
    }
    add_value(out, &c->values, row, false, null_text);
}

void format_row_jsonl(struct buf *out, const struct pq_table *t, size_t row)
{
    buf_addch(out, '{');
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            buf_addstr(out, ", ");
        buf_addch(out, '"');
        buf_add_json_escaped(out, t->cols[c].name, strlen(t->cols[c].name));
        buf_addstr(out, "\": ");
        format_cell_json(out, &t->cols[c], row);
    }
    buf_addstr(out, "}\n");
}
