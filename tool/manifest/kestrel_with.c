/* Kestrel's WITH arguments: a reader that follows Kestrel 1.x's grammar token by token, and
 * the Python conversions Kestrel applies to each literal. See kestrel_with.h. */
#include "kestrel_with.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Python refuses int() of a decimal string longer than this (sys.int_info.default_max_str_digits),
 * and Kestrel then reads the token with float(). */
#define PYTHON_INT_MAX_STR_DIGITS 4300

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\n';
}

/* ECNAME: (LETTER|"_") (LETTER|DIGIT|"_"|"-")* */
static size_t name_len(const char *s, size_t len)
{
    if (!len || !(is_letter(s[0]) || s[0] == '_'))
        return 0;
    size_t i = 1;
    while (i < len && (is_letter(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-'))
        i++;
    return i;
}

bool kestrel_is_name(const char *s, size_t len)
{
    return len && name_len(s, len) == len;
}

static size_t digits_len(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && is_digit(s[i]))
        i++;
    return i;
}

/* Lark's common NUMBER: FLOAT | INT, FLOAT: INT _EXP | DECIMAL _EXP?, DECIMAL: INT "." INT? |
 * "." INT, _EXP: ("e"|"E") SIGNED_INT. */
size_t kestrel_number_len(const char *s, size_t len)
{
    size_t i = digits_len(s, len);
    if (i > 0 && i < len && s[i] == '.')
        i += 1 + digits_len(s + i + 1, len - i - 1);
    else if (i == 0 && len > 1 && s[0] == '.' && is_digit(s[1]))
        i = 1 + digits_len(s + 1, len - 1);
    if (i == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < len && (s[j] == '+' || s[j] == '-'))
            j++;
        size_t e = digits_len(s + j, len - j);
        if (e)
            i = j + e;
    }
    return i;
}

void kestrel_number_value(struct param_value *v, const char *s, size_t len)
{
    char *t = xstrndup(s, len);
    free(v->text);
    v->text = NULL;
    if (digits_len(t, len) == len && len <= PYTHON_INT_MAX_STR_DIGITS) {
        /* str(int(s)): the digits without leading zeros, at any size */
        size_t z = 0;
        while (z + 1 < len && t[z] == '0')
            z++;
        v->kind = PV_INTEGER;
        v->text = xstrdup(t + z);
        v->d = strtod(t, NULL);
        errno = 0;
        long long i = strtoll(t, NULL, 10);
        v->i = errno == ERANGE ? LLONG_MAX : i;
    } else {
        /* str(float(s)): glibc's strtod rounds correctly, as Python's float() does; too large
         * gives inf, too small 0.0, as in Python */
        char num[64];
        v->kind = PV_NUMBER;
        v->d = strtod(t, NULL);
        params_format_double(v->d, num, sizeof num);
        v->text = xstrdup(num);
        v->i = 0;
    }
    free(t);
}

/* The advanced_string terminal: r?("..."|'...'), not starting with three quotes, ending at
 * the first quote after an even run of backslashes, on one line. */
size_t kestrel_string_len(const char *s, size_t len)
{
    size_t i = len && s[0] == 'r' ? 1 : 0;
    if (i >= len || (s[i] != '"' && s[i] != '\''))
        return 0;
    char q = s[i];
    if (i + 2 < len && s[i + 1] == q && s[i + 2] == q)
        return 0;
    size_t backslashes = 0;
    for (size_t j = i + 1; j < len; j++) {
        if (s[j] == '\n')
            return 0;
        if (s[j] == q && backslashes % 2 == 0)
            return j + 1;
        backslashes = s[j] == '\\' ? backslashes + 1 : 0;
    }
    return 0;
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Python's bytes.decode("unicode_escape") of the UTF-8 bytes of s[0..len). */
static int unicode_escape(const char *s, size_t len, size_t base, struct buf *out, size_t *bad,
                          bool *latin1)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != '\\') {
            if (c >= 0x80)
                *latin1 = true;
            utf8_encode(out, c); /* each byte is one Latin-1 character */
            continue;
        }
        *bad = base + i;
        if (i + 1 >= len)
            return err_set("\\ at the end of a string");
        char e = s[++i];
        unsigned cp;
        int width = 0;
        switch (e) {
        case '\n': continue;
        case '\\':
        case '\'':
        case '"': buf_addch(out, e); continue;
        case 'a': buf_addch(out, '\a'); continue;
        case 'b': buf_addch(out, '\b'); continue;
        case 'f': buf_addch(out, '\f'); continue;
        case 'n': buf_addch(out, '\n'); continue;
        case 'r': buf_addch(out, '\r'); continue;
        case 't': buf_addch(out, '\t'); continue;
        case 'v': buf_addch(out, '\v'); continue;
        case 'x': width = 2; break;
        case 'u': width = 4; break;
        case 'U': width = 8; break;
        case 'N':
            return err_set("kanalytic does not look up \\N{...} character names: write the "
                           "character's \\uXXXX escape instead");
        default:
            if (e >= '0' && e <= '7') {
                cp = (unsigned)(e - '0');
                for (int k = 0; k < 2 && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
                    cp = cp * 8 + (unsigned)(s[++i] - '0');
                goto code_point;
            }
            /* an unknown escape stays as written, backslash included */
            buf_addch(out, '\\');
            i--;
            continue;
        }
        cp = 0;
        for (int k = 0; k < width; k++) {
            int h = i + 1 < len ? hex_value(s[i + 1]) : -1;
            if (h < 0)
                return err_set("truncated \\%c escape: Kestrel (Python's unicode_escape) wants "
                               "exactly %d hexadecimal digits",
                               e, width);
            cp = cp * 16 + (unsigned)h;
            i++;
        }
        if (cp > 0x10FFFF)
            return err_set("\\%c escape beyond the last Unicode character (U+10FFFF): Kestrel "
                           "raises an error",
                           e);
    code_point:
        if (cp == 0)
            return err_set("a NUL character (\\0) cannot be passed in an environment variable");
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return err_set("U+%04X is a lone surrogate, which no environment variable can "
                           "carry",
                           cp);
        utf8_encode(out, (int32_t)cp);
    }
    return 0;
}

int kestrel_string_value(const char *s, size_t len, struct buf *out, size_t *bad, bool *latin1)
{
    *latin1 = false;
    *bad = 0;
    if (s[0] == 'r') { /* unescape_quoted_string: raw strings are s[2:-1], untouched */
        buf_add(out, s + 2, len - 3);
        return 0;
    }
    return unicode_escape(s + 1, len - 2, 1, out, bad, latin1);
}

/* ---- the parser ---- */

struct parser {
    const char *s;
    size_t len, pos;
    const char *file;
    struct diag_list *diags;
    /* the line and column at at_off, so that positions asked in order cost O(n) in all (one
     * per parameter from the text's start made a 4 KiB text of many keys quadratic) */
    size_t at_off;
    int at_line, at_col;
};

static void position(struct parser *p, size_t off, int *line, int *col)
{
    if (off > p->len)
        off = p->len;
    if (off < p->at_off) {
        p->at_off = 0;
        p->at_line = 1;
        p->at_col = 1;
    }
    for (size_t i = p->at_off; i < off; i++) {
        if (p->s[i] == '\n') {
            p->at_line++;
            p->at_col = 1;
        } else if (((unsigned char)p->s[i] & 0xC0) != 0x80) {
            p->at_col++;
        }
    }
    p->at_off = off;
    *line = p->at_line;
    *col = p->at_col;
}

static int syntax_error(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int syntax_error(struct parser *p, size_t off, const char *fmt, ...)
{
    int line, col;
    position(p, off, &line, &col);
    struct buf msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    diag_add(p->diags, DIAG_ERROR, p->file, line, col, "with-syntax", "%s", msg.data);
    buf_free(&msg);
    return -1;
}

static void skip_space(struct parser *p)
{
    for (;;) {
        while (p->pos < p->len && is_space(p->s[p->pos]))
            p->pos++;
        if (p->pos >= p->len || p->s[p->pos] != '#')
            return;
        while (p->pos < p->len && p->s[p->pos] != '\n') /* SH_COMMENT */
            p->pos++;
    }
}

static bool at(const struct parser *p, char c)
{
    return p->pos < p->len && p->s[p->pos] == c;
}

/* How the character at off reads in a message: 'x', or "the end". */
static const char *shown(const struct parser *p, size_t off, char tmp[16])
{
    if (off >= p->len)
        return "the end";
    unsigned char c = (unsigned char)p->s[off];
    if (c == '\n')
        return "a line break";
    if (c < 0x20 || c == 0x7f)
        snprintf(tmp, 16, "byte 0x%02x", c);
    else if (c >= 0x80)
        return "a non-ASCII character";
    else
        snprintf(tmp, 16, "'%c'", c);
    return tmp;
}

/* name='...' as a suggestion for the raw text of a value (from start to the next ',' or
 * line end), or "" when it would need both kinds of quote. Caller frees. */
static char *quoted_suggestion(const struct parser *p, const char *name, size_t start)
{
    size_t end = start;
    while (end < p->len && p->s[end] != ',' && p->s[end] != '\n')
        end++;
    while (end > start && is_space(p->s[end - 1]))
        end--;
    struct buf b = BUF_INIT;
    const char *v = p->s + start;
    int n = (int)(end - start);
    bool sq = memchr(v, '\'', (size_t)n) != NULL, dq = memchr(v, '"', (size_t)n) != NULL;
    bool bs = memchr(v, '\\', (size_t)n) != NULL;
    if (n > 0 && n < 200 && !bs && !(sq && dq))
        buf_addf(&b, "; quote it: %s=%c%.*s%c", name, sq ? '"' : '\'', n, v, sq ? '"' : '\'');
    return buf_detach(&b, NULL);
}

static int parse_literal(struct parser *p, const char *name, size_t value_start, bool in_list,
                         struct param_value *v)
{
    const char *s = p->s + p->pos;
    size_t rest = p->len - p->pos;
    size_t start = p->pos;
    char tmp[16];
    int line, col;
    position(p, start, &line, &col);
    v->file = p->file;
    v->line = line;
    v->col = col;
    size_t n = kestrel_string_len(s, rest);
    if (n) {
        struct buf b = BUF_INIT;
        size_t bad;
        bool latin1;
        if (kestrel_string_value(s, n, &b, &bad, &latin1) < 0) {
            buf_free(&b);
            return syntax_error(p, start + bad, "%s", err_last());
        }
        v->kind = PV_STRING;
        v->text = buf_detach(&b, NULL);
        v->latin1 = latin1;
        p->pos += n;
        return 0;
    }
    n = kestrel_number_len(s, rest);
    if (n) {
        kestrel_number_value(v, s, n);
        p->pos += n;
        return 0;
    }
    n = name_len(s, rest);
    if (n) {
        p->pos += n;
        size_t after = p->pos;
        skip_space(p);
        if (at(p, '.')) { /* reference_or_simple_string: ECNAME "." ATTRIBUTE */
            size_t end = p->pos + 1;
            while (end < p->len &&
                   (is_letter(p->s[end]) || is_digit(p->s[end]) || strchr("_-'.[*]", p->s[end])))
                end++;
            return syntax_error(
                p, start,
                "%.*s is a reference to the attribute %.*s of a Kestrel variable %.*s, which "
                "only a hunt has; to pass the text, quote it: %s='%.*s'",
                (int)(end - start), s, (int)(end - p->pos - 1), p->s + p->pos + 1, (int)n, s, name,
                (int)(end - start), s);
        }
        p->pos = after;
        v->kind = !strncasecmp(s, "true", n) && n == 4    ? PV_BOOLEAN
                  : !strncasecmp(s, "false", n) && n == 5 ? PV_BOOLEAN
                                                          : PV_STRING;
        v->text = xstrndup(s, n);
        return 0;
    }
    if (rest && (s[0] == '-' || s[0] == '+') && kestrel_number_len(s + 1, rest - 1))
        return syntax_error(p, start,
                            "Kestrel's grammar has no signed numbers: an unquoted %c is a syntax "
                            "error in Kestrel; quote it: %s='%.*s'",
                            s[0], name, (int)(1 + kestrel_number_len(s + 1, rest - 1)), s);
    if (rest && (s[0] == '(' || s[0] == '['))
        return syntax_error(p, start, "%s",
                            in_list ? "nested lists are a syntax error in Kestrel"
                                    : "a list cannot start here");
    if (!rest || s[0] == ',' || s[0] == ')' || s[0] == ']')
        return syntax_error(p, start, "missing value after %s", in_list ? "','" : "'='");
    if (rest >= 3 && (s[0] == '"' || s[0] == '\'') && s[1] == s[0] && s[2] == s[0])
        return syntax_error(p, start, "triple-quoted strings are a syntax error in Kestrel");
    if (s[0] == '"' || s[0] == '\'' || (s[0] == 'r' && rest > 1))
        return syntax_error(p, start,
                            "unterminated string: no closing %c on this line (Kestrel's strings "
                            "end at the first %c not escaped by a \\)",
                            s[0], s[0]);
    char *sugg = quoted_suggestion(p, name, value_start);
    int rc = syntax_error(p, start,
                          "unexpected %s: a value is a number (no sign), a quoted string, or a "
                          "bare word of letters, digits, _ and -%s",
                          shown(p, start, tmp), sugg);
    free(sugg);
    return rc;
}

/* value: literal | literal_list; a one-item list is its item. */
static int parse_value(struct parser *p, const char *name, struct param_value *v)
{
    size_t start = p->pos;
    if (!at(p, '(') && !at(p, '['))
        return parse_literal(p, name, start, false, v);
    char close = at(p, '(') ? ')' : ']';
    int line, col;
    position(p, start, &line, &col);
    p->pos++;
    skip_space(p);
    if (at(p, close))
        return syntax_error(p, p->pos, "an empty list is a syntax error in Kestrel");
    size_t cap = 0;
    v->kind = PV_LIST;
    for (;;) {
        ARRAY_GROW(v->items, v->n_items + 1, cap);
        struct param_value *item = &v->items[v->n_items];
        memset(item, 0, sizeof *item);
        v->n_items++;
        if (parse_literal(p, name, start, true, item) < 0)
            return -1;
        skip_space(p);
        if (at(p, close)) {
            p->pos++;
            break;
        }
        if (!at(p, ',')) {
            char tmp[16];
            return syntax_error(p, p->pos, "expected ',' or '%c' in the list, found %s", close,
                                shown(p, p->pos, tmp));
        }
        p->pos++;
        skip_space(p);
    }
    if (v->n_items == 1) { /* literal_list of one: the item itself */
        struct param_value item = v->items[0];
        free(v->items);
        item.name = v->name;
        item.key_line = v->key_line;
        item.key_col = v->key_col;
        *v = item;
    } else {
        struct buf text = BUF_INIT;
        for (size_t i = 0; i < v->n_items; i++)
            buf_addf(&text, "%s%s", i ? "," : "", v->items[i].text);
        v->text = buf_detach(&text, NULL);
    }
    v->file = p->file;
    v->line = line;
    v->col = col;
    return 0;
}

/* A leading WITH keyword, as pasted from a hunt, unless it is a parameter named WITH. */
static void skip_with_keyword(struct parser *p)
{
    skip_space(p);
    if (p->len - p->pos < 5 || strncasecmp(p->s + p->pos, "with", 4) || !is_space(p->s[p->pos + 4]))
        return;
    size_t save = p->pos;
    p->pos += 4;
    skip_space(p);
    if (at(p, '='))
        p->pos = save;
}

static int parse_args(struct parser *p, struct param_value **out, size_t *n)
{
    size_t cap = 0;
    skip_with_keyword(p);
    if (p->pos >= p->len)
        return syntax_error(p, p->pos, "no parameters: expected NAME=VALUE[, NAME=VALUE ...]");
    for (;;) {
        char tmp[16];
        const char *s = p->s + p->pos;
        size_t nl = name_len(s, p->len - p->pos);
        if (!nl) {
            if (p->pos < p->len && is_digit(*s))
                return syntax_error(p, p->pos, "a parameter name starts with a letter or _");
            if (p->pos >= p->len && *n)
                return syntax_error(p, p->pos, "a ',' at the end: expected another NAME=VALUE");
            return syntax_error(p, p->pos,
                                "expected a parameter name (a letter or _, then letters, "
                                "digits, _ or -), found %s",
                                shown(p, p->pos, tmp));
        }
        ARRAY_GROW(*out, *n + 1, cap);
        struct param_value *v = &(*out)[*n];
        memset(v, 0, sizeof *v);
        (*n)++;
        v->name = xstrndup(s, nl);
        position(p, p->pos, &v->key_line, &v->key_col);
        p->pos += nl;
        skip_space(p);
        if (!at(p, '='))
            return syntax_error(p, p->pos, "expected '=' after the parameter name %s, found %s",
                                v->name, shown(p, p->pos, tmp));
        p->pos++;
        skip_space(p);
        size_t value_start = p->pos;
        if (parse_value(p, v->name, v) < 0)
            return -1;
        skip_space(p);
        if (p->pos >= p->len)
            return 0;
        if (at(p, ',')) {
            p->pos++;
            skip_space(p);
            continue;
        }
        size_t next = name_len(p->s + p->pos, p->len - p->pos);
        size_t save = p->pos;
        p->pos += next;
        skip_space(p);
        bool assignment = next && at(p, '=');
        p->pos = save;
        if (assignment)
            return syntax_error(p, p->pos, "missing ',' before the parameter %.*s", (int)next,
                                p->s + p->pos);
        char *sugg = quoted_suggestion(p, v->name, value_start);
        int rc = syntax_error(p, p->pos,
                              "unexpected %s after the value of %s: expected ',' or the end%s",
                              shown(p, p->pos, tmp), v->name,
                              *sugg ? sugg : "; quote a value that holds other characters");
        free(sugg);
        return rc;
    }
}

int kestrel_with_parse(const char *text, const char *file, struct param_value **out, size_t *n,
                       struct diag_list *diags)
{
    struct parser p = {text, strlen(text), 0, file, diags, 0, 1, 1};
    *out = NULL;
    *n = 0;
    if (parse_args(&p, out, n) < 0) {
        param_values_free(*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

int kestrel_with_check(const char *text, const char *file, struct diag_list *diags)
{
    struct param_value *v;
    size_t n;
    int rc = kestrel_with_parse(text, file, &v, &n, diags);
    param_values_free(v, n);
    return rc;
}

int kestrel_with_pointer(const char *text, const struct diag *d, const char **line, int *len,
                         struct buf *pad)
{
    if (!d->rule || strcmp(d->rule, "with-syntax") || d->line < 1)
        return -1;
    const char *s = text;
    for (int l = 1; l < d->line && s; l++) {
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    if (!s)
        return -1;
    *line = s;
    *len = (int)strcspn(s, "\n");
    int col = 1;
    for (const char *c = s; c < s + *len && col < d->col; c++) {
        if (((unsigned char)*c & 0xC0) == 0x80) /* a UTF-8 continuation: the same character */
            continue;
        buf_addch(pad, *c == '\t' ? '\t' : ' ');
        col++;
    }
    return 0;
}
