/* WITH parameters: checking given values against the manifest and rendering them the way
 * Kestrel v1 hands them to the container (../shared/reference/kestrel-interface.md §3, §14):
 * numbers through Python int()/float() then str() (Python's float repr), quoted strings
 * unescaped, bare words as written, lists joined by ",". Also the `--param K=V` parser;
 * Kestrel's own WITH syntax is read by kestrel_with.c. See manifest.h. */
#include "manifest.h"
#include "check.h"
#include "kestrel_with.h"
#include "schema.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The digits of one candidate: "%.*e" output (or a neighbour of it) read into a digit
 * string and a decimal exponent. */
struct decimal {
    char digits[24];
    size_t n;
    int exp; /* of the first digit */
};

static void decimal_from_sci(struct decimal *dec, const char *sci)
{
    dec->n = 0;
    const char *s = sci;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9' && dec->n < sizeof dec->digits - 1)
            dec->digits[dec->n++] = *s;
    dec->digits[dec->n] = '\0';
    dec->exp = *s ? atoi(s + 1) : 0;
}

static double decimal_value(const struct decimal *dec)
{
    char sci[48];
    snprintf(sci, sizeof sci, "%c.%se%d", dec->digits[0], dec->digits + 1, dec->exp);
    return strtod(sci, NULL);
}

/* One unit up or down in the last digit; false when that leaves no digits. */
static bool decimal_step(struct decimal *dec, int dir)
{
    size_t i = dec->n;
    while (i-- > 0) {
        if (dir > 0 && dec->digits[i] == '9') {
            dec->digits[i] = '0';
            continue;
        }
        if (dir < 0 && dec->digits[i] == '0') {
            dec->digits[i] = '9';
            continue;
        }
        dec->digits[i] = (char)(dec->digits[i] + dir);
        break;
    }
    if (i == (size_t)-1) { /* 99..9 + 1 */
        if (dir < 0)
            return false;
        memmove(dec->digits + 1, dec->digits, dec->n);
        dec->digits[0] = '1';
        dec->digits[dec->n] = '\0'; /* keep n digits: the last one is a 0 */
        dec->exp++;
    }
    if (dec->digits[0] == '0') { /* 10..0 - 1 */
        memmove(dec->digits, dec->digits + 1, dec->n);
        if (--dec->n == 0)
            return false;
        dec->exp--;
    }
    return true;
}

/* The shortest digits that read back as d (finite, > 0), and among those the nearest to d:
 * Python's repr (David Gay's mode 0). The correctly rounded p-digit value is tried first,
 * then its neighbour on the other side of d: next to a power of two the values that read
 * back as d lie closer on one side than on the other. */
static void shortest_decimal(double d, struct decimal *dec)
{
    for (int p = 1; p <= 17; p++) {
        char sci[48];
        snprintf(sci, sizeof sci, "%.*e", p - 1, d);
        decimal_from_sci(dec, sci);
        double c = strtod(sci, NULL);
        if (c == d)
            break;
        struct decimal other = *dec;
        if (decimal_step(&other, c < d ? 1 : -1) && decimal_value(&other) == d) {
            *dec = other;
            break;
        }
    }
    while (dec->n > 1 && dec->digits[dec->n - 1] == '0')
        dec->n--;
    dec->digits[dec->n] = '\0';
}

void params_format_double(double d, char *out, size_t size)
{
    if (isnan(d)) {
        snprintf(out, size, "nan");
        return;
    }
    if (isinf(d)) {
        snprintf(out, size, d < 0 ? "-inf" : "inf");
        return;
    }
    if (d == 0) {
        snprintf(out, size, signbit(d) ? "-0.0" : "0.0");
        return;
    }
    struct decimal dec;
    shortest_decimal(fabs(d), &dec);
    const char *digits = dec.digits;
    size_t n = dec.n;
    int exp = dec.exp;
    struct buf b = BUF_INIT;
    if (d < 0)
        buf_addch(&b, '-');
    /* float_repr_style 'short': exponent form when the point would move 16 or more places
     * right, or 5 or more left */
    if (exp < -4 || exp >= 16) {
        buf_addch(&b, digits[0]);
        if (n > 1)
            buf_addf(&b, ".%s", digits + 1);
        buf_addf(&b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    } else if (exp < 0) {
        buf_addstr(&b, "0.");
        for (int i = 0; i < -exp - 1; i++)
            buf_addch(&b, '0');
        buf_addstr(&b, digits);
    } else {
        int decpt = exp + 1;
        for (int i = 0; i < decpt; i++)
            buf_addch(&b, (size_t)i < n ? digits[i] : '0');
        buf_addch(&b, '.');
        if ((size_t)decpt < n)
            buf_addstr(&b, digits + decpt);
        else
            buf_addch(&b, '0');
    }
    snprintf(out, size, "%s", b.data);
    buf_free(&b);
}

void param_value_free(struct param_value *v)
{
    free(v->name);
    free(v->text);
    for (size_t i = 0; i < v->n_items; i++)
        param_value_free(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

void param_values_free(struct param_value *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        param_value_free(&v[i]);
    free(v);
}

void env_list_free(struct env_list *env)
{
    for (size_t i = 0; i < env->count; i++) {
        free(env->items[i].name);
        free(env->items[i].value);
    }
    free(env->items);
    env->items = NULL;
    env->count = env->cap = 0;
}

const char *env_list_get(const struct env_list *env, const char *name)
{
    for (size_t i = 0; i < env->count; i++)
        if (!strcmp(env->items[i].name, name))
            return env->items[i].value;
    return NULL;
}

static void env_add(struct env_list *env, const char *name, const char *value)
{
    ARRAY_GROW(env->items, env->count + 1, env->cap);
    env->items[env->count].name = xstrdup(name);
    env->items[env->count++].value = xstrdup(value);
}

static const char *kind_name(enum param_value_kind k)
{
    static const char *const names[] = {"string", "integer", "number", "boolean", "list"};
    return names[k];
}

static void finding(struct diag_list *diags, enum diag_severity sev, const struct param_value *v,
                    const char *rule, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void finding(struct diag_list *diags, enum diag_severity sev, const struct param_value *v,
                    const char *rule, const char *fmt, ...)
{
    /* findings about the name (unknown, duplicate) point at the key */
    bool at_key =
        v->key_line && (!strcmp(rule, "param-unknown") || !strcmp(rule, "param-duplicate"));
    struct buf msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    diag_add(diags, sev, v->file ? v->file : "--param", at_key ? v->key_line : v->line,
             at_key ? v->key_col : v->col, rule, "%s", msg.data);
    buf_free(&msg);
}

static bool is_bool_text(const char *s)
{
    return !strcasecmp(s, "true") || !strcasecmp(s, "false");
}

static void render_scalar(const struct param_value *v, struct buf *out)
{
    buf_addstr(out, v->text); /* already as Kestrel passes it (see struct param_value) */
}

/* Checks one scalar against a scalar type, enum and bounds. */
static bool check_scalar(const struct manifest_param *p, enum param_type type,
                         const struct param_value *v, const char *pname, struct diag_list *diags)
{
    bool ok;
    switch (type) {
    case PARAM_STRING: ok = true; break;
    case PARAM_INTEGER: ok = v->kind == PV_INTEGER; break;
    case PARAM_NUMBER: ok = v->kind == PV_INTEGER || v->kind == PV_NUMBER; break;
    case PARAM_BOOLEAN:
        ok = v->kind == PV_BOOLEAN || (v->kind == PV_STRING && is_bool_text(v->text));
        break;
    default: ok = false;
    }
    if (!ok) {
        finding(diags, DIAG_ERROR, v, "param-type", "parameter '%s' is %s, got %s '%s'", pname,
                type == PARAM_INTEGER  ? "an integer"
                : type == PARAM_NUMBER ? "a number"
                                       : "a boolean",
                kind_name(v->kind), v->text);
        return false;
    }
    if (p->enum_values.count) {
        bool found = false;
        for (size_t i = 0; i < p->enum_values.count && !found; i++) {
            const char *e = p->enum_values.items[i];
            if (!strcmp(e, v->text)) {
                found = true;
            } else if (v->kind == PV_INTEGER || v->kind == PV_NUMBER) {
                char *end;
                double x = strtod(e, &end);
                found = !*end && *e && x == v->d;
            }
        }
        if (!found) {
            struct buf list = BUF_INIT;
            for (size_t i = 0; i < p->enum_values.count; i++)
                buf_addf(&list, "%s%s", i ? ", " : "", p->enum_values.items[i]);
            const char *sugg = suggest_closest(v->text, (const char *const *)p->enum_values.items,
                                               p->enum_values.count);
            if (sugg)
                finding(diags, DIAG_ERROR, v, "param-enum",
                        "parameter '%s': '%s' is not one of: %s (did you mean '%s'?)", pname,
                        v->text, list.data, sugg);
            else
                finding(diags, DIAG_ERROR, v, "param-enum",
                        "parameter '%s': '%s' is not one of: %s", pname, v->text, list.data);
            buf_free(&list);
            return false;
        }
    }
    if (v->kind == PV_INTEGER || v->kind == PV_NUMBER) {
        if (p->has_minimum && v->d < p->minimum) {
            finding(diags, DIAG_ERROR, v, "param-bounds",
                    "parameter '%s': %s is less than the minimum %g", pname, v->text, p->minimum);
            return false;
        }
        if (p->has_maximum && v->d > p->maximum) {
            finding(diags, DIAG_ERROR, v, "param-bounds",
                    "parameter '%s': %s is greater than the maximum %g", pname, v->text,
                    p->maximum);
            return false;
        }
    }
    return true;
}

/* Renders v as Kestrel would (whatever the manifest says) into out. */
static void render_value(const struct param_value *v, struct buf *out)
{
    if (v->kind != PV_LIST) {
        render_scalar(v, out);
        return;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        if (i)
            buf_addch(out, ',');
        render_scalar(&v->items[i], out);
    }
}

/* Checks v against p; findings go to diags. */
static bool check_value(const struct manifest_param *p, const struct param_value *v,
                        struct diag_list *diags)
{
    if (p->type != PARAM_LIST) {
        if (v->kind == PV_LIST) {
            finding(diags, DIAG_ERROR, v, "param-type", "parameter '%s' is a single %s, got a list",
                    p->name, param_type_name(p->type));
            return false;
        }
        return check_scalar(p, p->type, v, p->name, diags);
    }
    if (v->kind != PV_LIST) /* one item: Kestrel passes str(item) */
        return check_scalar(p, p->items_type, v, p->name, diags);
    bool ok = true;
    for (size_t i = 0; i < v->n_items; i++) {
        ok &= check_scalar(p, p->items_type, &v->items[i], p->name, diags);
        if (v->items[i].kind == PV_STRING && strchr(v->items[i].text, ','))
            finding(diags, DIAG_WARNING, &v->items[i], "param-list-comma",
                    "parameter '%s': item '%s' contains ',', so the analytic will see it split",
                    p->name, v->items[i].text);
    }
    return ok;
}

/* What a hunt must know about one scalar: Kestrel's grammar has no sign, and Kestrel reads
 * the bytes of a quoted non-ASCII string as Latin-1. */
static void kestrel_notes(const struct param_value *p, const struct param_value *v,
                          struct diag_list *diags)
{
    if (v->needs_quotes)
        finding(diags, DIAG_NOTE, v, "param-kestrel-quote",
                "parameter '%s': Kestrel's WITH has no signed or non-decimal numbers: a hunt "
                "writes %s='%s' (quoted), which passes the same text",
                p->name, p->name, v->text);
    if (v->latin1)
        finding(diags, DIAG_WARNING, v, "param-non-ascii",
                "parameter '%s': Kestrel reads the bytes of a quoted non-ASCII string as "
                "Latin-1, so the analytic gets '%s'; a raw string r'...' keeps UTF-8",
                p->name, v->text);
}

int params_render_at(const struct manifest *m, const struct param_value *given, size_t n,
                     struct env_list *out, struct diag_list *diags, const char *file, int line,
                     int col)
{
    size_t before = diag_count(diags, DIAG_ERROR);
    const char **names = xcalloc(m->n_params + 1, sizeof *names);
    for (size_t i = 0; i < m->n_params; i++)
        names[i] = m->params[i].name;
    for (size_t i = 0; i < n; i++) {
        const struct param_value *v = &given[i];
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = !strcmp(given[k].name, v->name);
        if (dup) {
            finding(diags, DIAG_ERROR, v, "param-duplicate",
                    "parameter '%s' given twice (Kestrel would silently keep the last)", v->name);
            continue;
        }
        kestrel_notes(v, v, diags);
        for (size_t k = 0; k < v->n_items; k++)
            kestrel_notes(v, &v->items[k], diags);
        const struct manifest_param *p = manifest_find_param(m, v->name);
        if (!p) {
            const char *s = suggest_closest(v->name, names, m->n_params);
            if (s)
                finding(diags, DIAG_ERROR, v, "param-unknown",
                        "unknown parameter '%s' (did you mean '%s'?)", v->name, s);
            else if (m->n_params)
                finding(diags, DIAG_ERROR, v, "param-unknown",
                        "unknown parameter '%s' (%s takes: %s%s)", v->name, m->name, names[0],
                        m->n_params > 1 ? ", ..." : "");
            else
                finding(diags, DIAG_ERROR, v, "param-unknown",
                        "unknown parameter '%s' (%s takes no parameters)", v->name, m->name);
            continue;
        }
        check_value(p, v, diags);
    }
    /* Kestrel passes whatever it was given, valid or not, under the name as written */
    for (size_t i = 0; i < n; i++) {
        if (env_list_get(out, given[i].name))
            continue;
        struct buf b = BUF_INIT;
        render_value(&given[i], &b);
        env_add(out, given[i].name, b.data);
        buf_free(&b);
    }
    for (size_t i = 0; i < m->n_params; i++) {
        if (!m->params[i].required)
            continue;
        bool given_it = false;
        for (size_t k = 0; k < n && !given_it; k++)
            given_it = !strcmp(given[k].name, m->params[i].name);
        if (!given_it)
            diag_add(diags, DIAG_ERROR, file ? file : "--param", line, col, "param-missing",
                     "missing required parameter '%s' (%s)", m->params[i].name,
                     param_type_name(m->params[i].type));
    }
    free(names);
    return diag_count(diags, DIAG_ERROR) > before ? 1 : 0;
}

int params_render(const struct manifest *m, const struct param_value *given, size_t n,
                  struct env_list *out, struct diag_list *diags)
{
    const char *file = n && given[0].file ? given[0].file : "--param";
    return params_render_at(m, given, n, out, diags, file, 0, 0);
}

/* ---- --param K=V ---- */

/* A signed number (-5, +1.5e3): typed for the manifest's checks, passed as written, as
 * Kestrel passes the quoted string a hunt must write for it. */
static bool signed_number(struct param_value *v, const char *t)
{
    size_t len = strlen(t);
    if (len < 2 || (t[0] != '-' && t[0] != '+') || kestrel_number_len(t + 1, len - 1) != len - 1)
        return false;
    bool integer = !strpbrk(t + 1, ".eE");
    errno = 0;
    long long i = integer ? strtoll(t, NULL, 10) : 0;
    v->kind = integer ? PV_INTEGER : PV_NUMBER;
    v->i = errno == ERANGE ? (t[0] == '-' ? LLONG_MIN : LLONG_MAX) : i;
    v->d = strtod(t, NULL);
    v->needs_quotes = true;
    return true;
}

/* One --param scalar, read as the same text would be read after WITH NAME=: a number,
 * a quoted string (unescaped as Kestrel does), a bare word or boolean; anything else (what
 * a hunt would have to quote) is a string as written. */
static int scalar_from_text(struct param_value *v, const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    v->kind = PV_STRING;
    if (len && kestrel_string_len(s, len) == len) {
        struct buf b = BUF_INIT;
        size_t bad;
        if (kestrel_string_value(s, len, &b, &bad, &v->latin1) < 0) {
            buf_free(&b);
            return err_prefix("%.*s", (int)len, s);
        }
        v->text = buf_detach(&b, NULL);
        return 0;
    }
    if (len && kestrel_number_len(s, len) == len) {
        kestrel_number_value(v, s, len);
        return 0;
    }
    v->text = xstrndup(s, len);
    if (signed_number(v, v->text))
        return 0;
    if (is_bool_text(v->text))
        v->kind = PV_BOOLEAN;
    return 0;
}

void params_from_plain(struct param_value *v, const char *plain)
{
    size_t len = strlen(plain);
    if (v->kind == PV_LIST)
        return;
    if (len && kestrel_number_len(plain, len) == len) {
        kestrel_number_value(v, plain, len);
        return;
    }
    if (v->kind == PV_STRING)
        return;
    /* booleans keep their case (True), numbers Kestrel cannot read are passed as written */
    free(v->text);
    v->text = xstrdup(plain);
    if (v->kind == PV_INTEGER || v->kind == PV_NUMBER)
        v->needs_quotes = true;
}

int params_parse_arg(const char *arg, struct param_value *out)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return err_set("--param '%s': expected NAME=VALUE", arg);
    size_t nlen = (size_t)(eq - arg);
    for (size_t i = 0; i < nlen; i++) {
        char ch = arg[i];
        bool ok = ch == '_' || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (i > 0 && ((ch >= '0' && ch <= '9') || ch == '-'));
        if (!ok)
            return err_set("--param '%s': '%.*s' is not a parameter name", arg, (int)nlen, arg);
    }
    const char *v = eq + 1;
    size_t len = strlen(v);
    out->name = xstrndup(arg, nlen);
    out->file = "--param";
    bool bracketed =
        len >= 2 && ((v[0] == '[' && v[len - 1] == ']') || (v[0] == '(' && v[len - 1] == ')'));
    bool quoted = len && kestrel_string_len(v, len) == len;
    if (bracketed || (!quoted && strchr(v, ','))) {
        if (bracketed) {
            v++;
            len -= 2;
        }
        out->kind = PV_LIST;
        size_t start = 0, cap = 0;
        for (size_t i = 0; i <= len; i++) {
            if (i < len && v[i] != ',')
                continue;
            if (i == start && len == 0)
                break;
            ARRAY_GROW(out->items, out->n_items + 1, cap);
            struct param_value *item = &out->items[out->n_items++];
            memset(item, 0, sizeof *item);
            item->file = "--param";
            if (scalar_from_text(item, v + start, i - start) < 0)
                goto cleanup;
            start = i + 1;
        }
        if (out->n_items == 1) { /* Kestrel: a one-item list is its item */
            struct param_value item = out->items[0];
            free(out->items);
            item.name = out->name;
            *out = item;
            return 0;
        }
        struct buf text = BUF_INIT;
        for (size_t i = 0; i < out->n_items; i++)
            buf_addf(&text, "%s%s", i ? "," : "", out->items[i].text);
        out->text = buf_detach(&text, NULL);
        return 0;
    }
    if (scalar_from_text(out, v, len) == 0)
        return 0;
cleanup:
    err_prefix("--param %s", out->name);
    param_value_free(out);
    return -1;
}
