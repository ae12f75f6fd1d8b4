/* .dockerignore reading and matching (see ignore.h): the docker CLI's patternmatcher, pattern
 * by pattern. A pattern that is not an exact name, a prefix or a suffix becomes a regular
 * expression in Go's syntax, matched by goregexp.c. */
#include "ignore.h"
#include "goregexp.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/str.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE (64 * 1024)

enum match_type { M_UNKNOWN, M_EXACT, M_PREFIX, M_SUFFIX, M_REGEXP };

struct pattern {
    char *cleaned; /* without '!' */
    char *display; /* with '!' for exceptions */
    bool exclusion;
    enum match_type type;
    bool compile_failed;
    struct goregexp *re; /* M_REGEXP, once compiled */
};

struct ignore {
    struct pattern *p;
    size_t n, cap;
    bool exclusions;
};

/* ---- filepath.Clean ---------------------------------------------------------------------------
 */

char *ignore_clean_path(const char *path)
{
    size_t n = strlen(path);
    if (n == 0)
        return xstrdup(".");
    bool rooted = path[0] == '/';
    char *out = xmalloc(n + 2);
    size_t w = 0, r = 0, dotdot = 0;
    if (rooted) {
        out[w++] = '/';
        r = 1;
        dotdot = 1;
    }
    while (r < n) {
        if (path[r] == '/') {
            r++;
        } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
            r++;
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                w--;
                while (w > dotdot && out[w] != '/')
                    w--;
            } else if (!rooted) {
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                out[w++] = '/';
            for (; r < n && path[r] != '/'; r++)
                out[w++] = path[r];
        }
    }
    if (w == 0)
        out[w++] = '.';
    out[w] = '\0';
    return out;
}

/* ---- filepath.Match syntax check ------------------------------------------------------------ */

/* getEsc of Go's path/filepath: one class character, maybe escaped. */
static int get_esc(const char *s, size_t n, size_t *i)
{
    if (*i >= n || s[*i] == '-' || s[*i] == ']')
        return -1;
    if (s[*i] == '\\') {
        (*i)++;
        if (*i >= n)
            return -1;
    }
    size_t w;
    int32_t r = utf8_decode((const unsigned char *)s + *i, n - *i, &w);
    if (r == UTF8_RUNE_ERROR && w == 1)
        return -1;
    *i += w;
    if (*i >= n)
        return -1;
    return 0;
}

static bool match_syntax_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 >= n)
                return false;
            i += 2;
        } else if (c == '[') {
            i++;
            if (i < n && s[i] == '^')
                i++;
            int nrange = 0;
            for (;;) {
                if (i < n && s[i] == ']' && nrange > 0) {
                    i++;
                    break;
                }
                if (get_esc(s, n, &i) < 0)
                    return false;
                if (s[i] == '-') {
                    i++;
                    if (get_esc(s, n, &i) < 0)
                        return false;
                }
                nrange++;
            }
        } else {
            i++;
        }
    }
    return true;
}

/* ---- pattern -> regular expression (patternmatcher's compile) -------------------------------- */

static bool should_escape(int32_t c)
{
    return c && strchr(".+()|{}$", c) != NULL;
}

/* Builds the regexp string and the match type exactly as patternmatcher does. */
static enum match_type build_regexp(const char *pat, struct buf *re)
{
    size_t n = strlen(pat);
    int32_t *runes = xcalloc(n + 1, sizeof *runes);
    size_t nr = 0;
    for (size_t i = 0; i < n;) {
        size_t w;
        runes[nr++] = utf8_decode((const unsigned char *)pat + i, n - i, &w);
        i += w;
    }
    enum match_type t = M_EXACT;
    buf_addch(re, '^');
    size_t k = 0;
    for (int iter = 0; k < nr; iter++) {
        int32_t ch = runes[k++];
        int32_t peek = k < nr ? runes[k] : -1;
        if (ch == '*') {
            if (peek == '*') {
                k++;
                if (k < nr && runes[k] == '/')
                    k++;
                if (k >= nr) {
                    if (t == M_EXACT) {
                        t = M_PREFIX;
                    } else {
                        buf_addstr(re, ".*");
                        t = M_REGEXP;
                    }
                } else {
                    buf_addstr(re, "(.*/)?");
                    t = M_REGEXP;
                }
                if (iter == 0)
                    t = M_SUFFIX;
            } else {
                buf_addstr(re, "[^/]*");
                t = M_REGEXP;
            }
        } else if (ch == '?') {
            buf_addstr(re, "[^/]");
            t = M_REGEXP;
        } else if (should_escape(ch)) {
            buf_addch(re, '\\');
            buf_addch(re, (char)ch);
        } else if (ch == '\\') {
            if (k < nr) {
                buf_addch(re, '\\');
                utf8_encode(re, runes[k++]);
                t = M_REGEXP;
            } else {
                buf_addch(re, '\\');
            }
        } else if (ch == '[' || ch == ']') {
            buf_addch(re, (char)ch);
            t = M_REGEXP;
        } else {
            utf8_encode(re, ch);
        }
    }
    buf_addch(re, '$');
    free(runes);
    return t;
}

/* ---- patterns
 * ------------------------------------------------------------------------------------ */

static void pattern_free(struct pattern *p)
{
    free(p->cleaned);
    free(p->display);
    goregexp_free(p->re);
}

static bool pattern_compile(struct pattern *p)
{
    if (p->type != M_UNKNOWN)
        return !p->compile_failed;
    struct buf re = BUF_INIT;
    p->type = build_regexp(p->cleaned, &re);
    if (p->type == M_REGEXP && goregexp_compile(&p->re, re.data, re.len) < 0)
        p->compile_failed = true;
    buf_free(&re);
    return !p->compile_failed;
}

static bool pattern_match(const struct pattern *p, const char *path)
{
    switch (p->type) {
    case M_EXACT: return !strcmp(path, p->cleaned);
    case M_PREFIX: {
        size_t n = strlen(p->cleaned);
        return !strncmp(path, p->cleaned, n - 2);
    }
    case M_SUFFIX: {
        /* strip the leading "**"; "**" + "/foo" also matches "foo" itself */
        const char *suf = p->cleaned + 2;
        if (ends_with(path, suf))
            return true;
        return suf[0] == '/' && !strcmp(path, suf + 1);
    }
    case M_REGEXP: return goregexp_match(p->re, path);
    default: return false;
    }
}

int ignore_add(struct ignore *ig, const char *pattern)
{
    /* patternmatcher.New: trim, skip empty, Clean, '!' */
    const char *s = pattern;
    size_t n = strlen(s);
    while (n && strchr(" \t\n\v\f\r", s[n - 1]))
        n--;
    while (n && strchr(" \t\n\v\f\r", *s)) {
        s++;
        n--;
    }
    if (!n)
        return 0;
    char *raw = xstrndup(s, n);
    char *clean = ignore_clean_path(raw);
    free(raw);
    bool exclusion = false;
    const char *body = clean;
    if (clean[0] == '!') {
        if (!clean[1]) {
            free(clean);
            return err_set("illegal exclusion pattern: \"!\"");
        }
        exclusion = true;
        body = clean + 1;
    }
    if (!match_syntax_ok(body)) {
        int r = err_set("syntax error in pattern '%s'", clean);
        free(clean);
        return r;
    }
    ARRAY_GROW(ig->p, ig->n + 1, ig->cap);
    struct pattern *p = &ig->p[ig->n++];
    memset(p, 0, sizeof *p);
    p->cleaned = xstrdup(body);
    p->display = clean;
    p->exclusion = exclusion;
    if (exclusion)
        ig->exclusions = true;
    return 0;
}

void ignore_free(struct ignore *ig)
{
    if (!ig)
        return;
    for (size_t i = 0; i < ig->n; i++)
        pattern_free(&ig->p[i]);
    free(ig->p);
    free(ig);
}

size_t ignore_count(const struct ignore *ig)
{
    return ig->n;
}

const char *ignore_pattern(const struct ignore *ig, size_t i)
{
    return ig->p[i].display;
}

/* ignorefile.ReadAll: one line into a pattern (or nothing). */
static char *read_line_pattern(const char *line, size_t n, bool first)
{
    if (first && n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
        line += 3;
        n -= 3;
    }
    if (n && line[0] == '#')
        return NULL;
    while (n && strchr(" \t\n\v\f\r", line[n - 1]))
        n--;
    while (n && strchr(" \t\n\v\f\r", *line)) {
        line++;
        n--;
    }
    if (!n)
        return NULL;
    bool invert = line[0] == '!';
    if (invert) {
        line++;
        n--;
        while (n && strchr(" \t\n\v\f\r", *line)) {
            line++;
            n--;
        }
    }
    struct buf b = BUF_INIT;
    if (invert)
        buf_addch(&b, '!');
    if (n) {
        char *raw = xstrndup(line, n);
        char *clean = ignore_clean_path(raw);
        const char *c = clean;
        if (strlen(c) > 1 && c[0] == '/')
            c++;
        buf_addstr(&b, c);
        free(raw);
        free(clean);
    }
    return buf_detach(&b, NULL);
}

int ignore_parse(const char *text, size_t len, const char *file, struct ignore **out)
{
    *out = NULL;
    struct ignore *ig = xcalloc(1, sizeof *ig);
    size_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - pos;
        /* bufio.ScanLines drops one trailing \r */
        if (n && text[pos + n - 1] == '\r')
            n--;
        lineno++;
        if (n > MAX_LINE) {
            ignore_free(ig);
            return err_set("%s:%zu: line longer than %d bytes", file, lineno, MAX_LINE);
        }
        char *pat = read_line_pattern(text + pos, n, lineno == 1);
        if (pat) {
            int r = ignore_add(ig, pat);
            free(pat);
            if (r < 0) {
                err_prefix("%s:%zu", file, lineno);
                ignore_free(ig);
                return -1;
            }
        }
        pos = nl ? end + 1 : len;
    }
    *out = ig;
    return 0;
}

/* Whether p matches path or, when check_ancestors, one of its parent folders. */
static bool match_or_ancestors(const struct pattern *p, const char *path, bool check_ancestors)
{
    if (pattern_match(p, path))
        return true;
    const char *slash = check_ancestors ? strrchr(path, '/') : NULL;
    if (!slash)
        return false;
    /* parents a, a/b, ... of the path (filepath.Dir is never "." here) */
    bool m = false;
    char *parent = xstrndup(path, (size_t)(slash - path));
    char *cl = ignore_clean_path(parent);
    for (char *q = cl;; q++) {
        if (*q == '/' || !*q) {
            char save = *q;
            *q = '\0';
            m = pattern_match(p, cl);
            *q = save;
            if (m || !save)
                break;
        }
    }
    free(cl);
    free(parent);
    return m;
}

static int compile_or_fail(struct pattern *p)
{
    if (!pattern_compile(p))
        return err_set("bad pattern '%s' in .dockerignore (not a valid regular expression "
                       "once translated)",
                       p->display);
    return 0;
}

int ignore_match(const struct ignore *ig, const char *path, bool *excluded)
{
    bool matched = false;
    *excluded = false;
    if (!ig || !strcmp(path, "."))
        return 0;
    for (size_t i = 0; i < ig->n; i++) {
        struct pattern *p = &ig->p[i];
        if (p->exclusion != matched)
            continue;
        if (compile_or_fail(p) < 0)
            return -1;
        if (match_or_ancestors(p, path, true))
            matched = !p->exclusion;
    }
    *excluded = matched;
    return 0;
}

int ignore_match_walk(const struct ignore *ig, const char *path, const bool *parent, bool *info,
                      bool *excluded)
{
    bool matched = false;
    *excluded = false;
    if (!ig)
        return 0;
    for (size_t i = 0; i < ig->n; i++) {
        struct pattern *p = &ig->p[i];
        bool m = parent ? parent[i] : false;
        info[i] = false;
        if (!m) {
            if (p->exclusion != matched)
                continue; /* leaves info[i] false */
            if (compile_or_fail(p) < 0)
                return -1;
            m = match_or_ancestors(p, path, parent == NULL);
        }
        info[i] = m;
        if (m)
            matched = !p->exclusion;
    }
    *excluded = matched;
    return 0;
}

bool ignore_dir_has_exceptions(const struct ignore *ig, const char *dir)
{
    if (!ig || !ig->exclusions)
        return false;
    size_t dl = strlen(dir);
    for (size_t i = 0; i < ig->n; i++) {
        if (!ig->p[i].exclusion)
            continue;
        /* strings.HasPrefix(pattern + "/", dir + "/") */
        const char *pat = ig->p[i].cleaned;
        size_t pl = strlen(pat);
        if (pl + 1 >= dl + 1 && !strncmp(pat, dir, dl) && (pl == dl || pat[dl] == '/'))
            return true;
    }
    return false;
}
