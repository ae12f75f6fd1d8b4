/* Masking and diffing displays: see mask.h. */
#include "mask.h"
#include "error.h"

#include <regex.h>
#include <stdbool.h>
#include <string.h>

static int compile(regex_t *re, const char *pattern)
{
    int rc = regcomp(re, pattern, REG_EXTENDED | REG_NEWLINE);
    if (rc == 0)
        return 0;
    char why[256];
    regerror(rc, re, why, sizeof why);
    return err_set("%s", why);
}

int text_mask_check(const char *pattern)
{
    regex_t re;
    if (compile(&re, pattern) < 0)
        return -1;
    regfree(&re);
    return 0;
}

/* One pattern over in[0..len) into out. REG_STARTEND lets the text hold NUL bytes and keeps
 * '^' anchored at the real start of the text (or a line start) while the search moves on. */
static void mask_one(const regex_t *re, const char *in, size_t len, struct buf *out)
{
    size_t pos = 0;
    while (pos <= len) {
        regmatch_t m[1];
        m[0].rm_so = (regoff_t)pos;
        m[0].rm_eo = (regoff_t)len;
        if (regexec(re, in, 1, m, pos ? REG_STARTEND | REG_NOTBOL : REG_STARTEND) != 0)
            break;
        size_t so = (size_t)m[0].rm_so, eo = (size_t)m[0].rm_eo;
        buf_add(out, in + pos, so - pos);
        if (eo == so) { /* an empty match: keep one byte and move on */
            if (so < len)
                buf_add(out, in + so, 1);
            pos = so + 1;
            continue;
        }
        buf_addstr(out, TEXT_MASK);
        pos = eo;
    }
    if (pos < len)
        buf_add(out, in + pos, len - pos);
}

int text_mask(const char *text, size_t len, char *const *patterns, size_t npatterns,
              struct buf *out)
{
    struct buf cur = BUF_INIT, next = BUF_INIT;
    buf_add(&cur, text, len);
    for (size_t i = 0; i < npatterns; i++) {
        regex_t re;
        if (compile(&re, patterns[i]) < 0) {
            err_prefix("compare.display.masked[%zu] '%s'", i, patterns[i]);
            buf_free(&cur);
            return -1;
        }
        buf_reset(&next);
        mask_one(&re, cur.data, cur.len, &next);
        regfree(&re);
        struct buf t = cur;
        cur = next;
        next = t;
    }
    buf_add(out, cur.data, cur.len);
    buf_free(&cur);
    buf_free(&next);
    return 0;
}

/* Start of line `n` (0-based) of s, or NULL past the end; *llen its length without '\n'. */
static const char *line_at(const char *s, size_t len, size_t start, size_t *llen)
{
    if (start > len || (start == len && len > 0 && s[len - 1] == '\n'))
        return NULL;
    const char *nl = memchr(s + start, '\n', len - start);
    *llen = nl ? (size_t)(nl - (s + start)) : len - start;
    return s + start;
}

static bool utf8_continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* Line l[0..n) from byte `from`, at most WIDTH bytes, cut on UTF-8 character boundaries. */
static void add_cut(struct buf *out, const char *prefix, const char *l, size_t n, size_t from)
{
    enum { WIDTH = 160 };
    while (from > 0 && utf8_continuation(l[from]))
        from--;
    buf_addstr(out, prefix);
    if (from > 0)
        buf_addstr(out, "...");
    size_t take = n - from < WIDTH ? n - from : WIDTH;
    while (from + take < n && take > 0 && utf8_continuation(l[from + take]))
        take--;
    buf_add(out, l + from, take);
    if (from + take < n)
        buf_addstr(out, "...");
    buf_addch(out, '\n');
}

void text_diff(const char *want, size_t wlen, const char *got, size_t glen, size_t max_lines,
               const char *want_name, const char *got_name, struct buf *out)
{
    /* the first differing line */
    size_t wpos = 0, gpos = 0, line = 1;
    for (;;) {
        size_t wl = 0, gl = 0;
        const char *a = line_at(want, wlen, wpos, &wl), *b = line_at(got, glen, gpos, &gl);
        if (!a && !b)
            return;
        if (!a || !b || wl != gl || memcmp(a, b, wl))
            break;
        wpos += wl + 1;
        gpos += gl + 1;
        line++;
    }
    size_t wl = 0, gl = 0;
    const char *a = line_at(want, wlen, wpos, &wl), *b = line_at(got, glen, gpos, &gl);
    size_t col = 0;
    while (a && b && col < wl && col < gl && a[col] == b[col])
        col++;
    size_t from = col > 60 ? col - 60 : 0;
    buf_addf(out, "line %zu, column %zu (- %s, + %s):\n", line, col + 1, want_name, got_name);
    for (size_t k = 0; k < max_lines && a; k++) {
        add_cut(out, "- ", a, wl, k == 0 && from < wl ? from : 0);
        wpos += wl + 1;
        a = line_at(want, wlen, wpos, &wl);
    }
    for (size_t k = 0; k < max_lines && b; k++) {
        add_cut(out, "+ ", b, gl, k == 0 && from < gl ? from : 0);
        gpos += gl + 1;
        b = line_at(got, glen, gpos, &gl);
    }
}
