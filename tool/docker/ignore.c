/* .dockerignore reading and matching (see ignore.h). The regular expressions patternmatcher
 * builds use a small part of Go's regexp syntax; this file compiles that part into a Thompson
 * NFA and simulates it, so matching is linear in the path length whatever the pattern. */
#include "ignore.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE (64 * 1024)
#define RUNE_ERROR 0xFFFD

enum match_type { M_UNKNOWN, M_EXACT, M_PREFIX, M_SUFFIX, M_REGEXP };

/* NFA instructions */
enum op { OP_CHAR, OP_CLASS, OP_ANY, OP_SPLIT, OP_JMP, OP_BEGIN, OP_END, OP_WORDB, OP_NWORDB,
          OP_MATCH };

struct range {
    int32_t lo, hi;
};

struct inst {
    enum op op;
    int32_t ch;         /* OP_CHAR */
    int x, y;           /* OP_SPLIT / OP_JMP targets */
    struct range *rng;  /* OP_CLASS: sorted not needed; negation folded into the list */
    size_t nrng;
    bool negated;
};

struct pattern {
    char *cleaned; /* without '!' */
    char *display; /* with '!' for exceptions */
    bool exclusion;
    enum match_type type;
    bool compile_failed;
    struct inst *prog;
    size_t nprog, cap;
};

struct ignore {
    struct pattern *p;
    size_t n, cap;
    bool exclusions;
};

/* ---- UTF-8 ---------------------------------------------------------------------------------- */

/* Decodes one rune at s[0..n); invalid sequences give RUNE_ERROR of width 1 (as Go does). */
static int32_t decode_rune(const unsigned char *s, size_t n, size_t *width)
{
    unsigned c = s[0];
    *width = 1;
    if (c < 0x80)
        return (int32_t)c;
    size_t need;
    int32_t r, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        r = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        r = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        r = c & 0x07;
        min = 0x10000;
    } else {
        return RUNE_ERROR;
    }
    if (n < need + 1)
        return RUNE_ERROR;
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return RUNE_ERROR;
        r = (r << 6) | (s[i] & 0x3F);
    }
    if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        return RUNE_ERROR;
    *width = need + 1;
    return r;
}

static void encode_rune(struct buf *b, int32_t r)
{
    if (r < 0x80) {
        buf_addch(b, (char)r);
    } else if (r < 0x800) {
        buf_addch(b, (char)(0xC0 | (r >> 6)));
        buf_addch(b, (char)(0x80 | (r & 0x3F)));
    } else if (r < 0x10000) {
        buf_addch(b, (char)(0xE0 | (r >> 12)));
        buf_addch(b, (char)(0x80 | ((r >> 6) & 0x3F)));
        buf_addch(b, (char)(0x80 | (r & 0x3F)));
    } else {
        buf_addch(b, (char)(0xF0 | (r >> 18)));
        buf_addch(b, (char)(0x80 | ((r >> 12) & 0x3F)));
        buf_addch(b, (char)(0x80 | ((r >> 6) & 0x3F)));
        buf_addch(b, (char)(0x80 | (r & 0x3F)));
    }
}

/* ---- filepath.Clean --------------------------------------------------------------------------- */

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
    int32_t r = decode_rune((const unsigned char *)s + *i, n - *i, &w);
    if (r == RUNE_ERROR && w == 1)
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
        runes[nr++] = decode_rune((const unsigned char *)pat + i, n - i, &w);
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
                encode_rune(re, runes[k++]);
                t = M_REGEXP;
            } else {
                buf_addch(re, '\\');
            }
        } else if (ch == '[' || ch == ']') {
            buf_addch(re, (char)ch);
            t = M_REGEXP;
        } else {
            encode_rune(re, ch);
        }
    }
    buf_addch(re, '$');
    free(runes);
    return t;
}

/* ---- the Go regexp subset -> NFA --------------------------------------------------------------- */

struct re_parser {
    const unsigned char *s;
    size_t n, i;
    struct pattern *p;
};

static int emit(struct pattern *p, enum op op)
{
    ARRAY_GROW(p->prog, p->nprog + 1, p->cap);
    memset(&p->prog[p->nprog], 0, sizeof p->prog[0]);
    p->prog[p->nprog].op = op;
    return (int)p->nprog++;
}

static int32_t re_next(struct re_parser *rp)
{
    size_t w;
    int32_t r = decode_rune(rp->s + rp->i, rp->n - rp->i, &w);
    rp->i += w;
    return r;
}

static bool is_alnum(int32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void add_range(struct inst *in, int32_t lo, int32_t hi)
{
    in->rng = xreallocarray(in->rng, in->nrng + 1, sizeof *in->rng);
    in->rng[in->nrng].lo = lo;
    in->rng[in->nrng].hi = hi;
    in->nrng++;
}

/* Adds the complement of ranges [from, to) of *src within 0..0x10FFFF. */
static void add_negated(struct inst *in, const struct range *r, size_t n)
{
    /* ranges from perl/posix tables are sorted and disjoint */
    int32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].lo > next)
            add_range(in, next, r[i].lo - 1);
        next = r[i].hi + 1;
    }
    if (next <= 0x10FFFF)
        add_range(in, next, 0x10FFFF);
}

static const struct range R_DIGIT[] = {{'0', '9'}};
static const struct range R_SPACE[] = {{'\t', '\n'}, {'\f', '\r'}, {' ', ' '}};
static const struct range R_WORD[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};

/* \d \D \s \S \w \W into a class; returns false when c is not one of them. */
static bool perl_class(struct inst *in, int32_t c)
{
    const struct range *r;
    size_t n;
    switch (c | 0x20) {
    case 'd':
        r = R_DIGIT;
        n = 1;
        break;
    case 's':
        r = R_SPACE;
        n = 3;
        break;
    case 'w':
        r = R_WORD;
        n = 4;
        break;
    default:
        return false;
    }
    if (c >= 'a') {
        for (size_t i = 0; i < n; i++)
            add_range(in, r[i].lo, r[i].hi);
    } else {
        add_negated(in, r, n);
    }
    return true;
}

struct posix_class {
    const char *name;
    struct range r[4];
    size_t n;
};
static const struct posix_class POSIX[] = {
    {"alnum", {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}, 3},
    {"alpha", {{'A', 'Z'}, {'a', 'z'}}, 2},
    {"ascii", {{0, 0x7F}}, 1},
    {"blank", {{'\t', '\t'}, {' ', ' '}}, 2},
    {"cntrl", {{0, 0x1F}, {0x7F, 0x7F}}, 2},
    {"digit", {{'0', '9'}}, 1},
    {"graph", {{'!', '~'}}, 1},
    {"lower", {{'a', 'z'}}, 1},
    {"print", {{' ', '~'}}, 1},
    {"punct", {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}}, 4},
    {"space", {{'\t', '\r'}, {' ', ' '}}, 2},
    {"upper", {{'A', 'Z'}}, 1},
    {"word", {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}, 4},
    {"xdigit", {{'0', '9'}, {'A', 'F'}, {'a', 'f'}}, 3},
};

/* An escape's literal rune (Go's parseEscape); -1 when it is not a literal escape. */
static int32_t parse_escape(struct re_parser *rp)
{
    if (rp->i >= rp->n)
        return -1; /* trailing backslash */
    int32_t c = re_next(rp);
    if (c < 0x80 && !is_alnum(c))
        return c;
    if ((c >= '1' && c <= '7') && !(rp->i < rp->n && rp->s[rp->i] >= '0' && rp->s[rp->i] <= '7'))
        return -1; /* a backreference */
    if (c >= '0' && c <= '7') {
        int32_t r = c - '0';
        for (int k = 1; k < 3 && rp->i < rp->n && rp->s[rp->i] >= '0' && rp->s[rp->i] <= '7'; k++)
            r = r * 8 + (rp->s[rp->i++] - '0');
        return r;
    }
    switch (c) {
    case 'a':
        return '\a';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'v':
        return '\v';
    case 'x': {
        int32_t r = 0;
        int digits = 0;
        if (rp->i < rp->n && rp->s[rp->i] == '{') {
            rp->i++;
            while (rp->i < rp->n && rp->s[rp->i] != '}') {
                int ch = rp->s[rp->i++];
                int v = ch >= '0' && ch <= '9'   ? ch - '0'
                        : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                        : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                                 : -1;
                if (v < 0 || r > 0x10FFFF)
                    return -1;
                r = r * 16 + v;
                digits++;
            }
            if (rp->i >= rp->n || !digits || r > 0x10FFFF)
                return -1;
            rp->i++;
            return r;
        }
        for (; digits < 2; digits++) {
            if (rp->i >= rp->n)
                return -1;
            int ch = rp->s[rp->i++];
            int v = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
            if (v < 0)
                return -1;
            r = r * 16 + v;
        }
        return r;
    }
    default:
        return -1;
    }
}

/* One class character (parseClassChar): escaped or plain. */
static int class_char(struct re_parser *rp, int32_t *out)
{
    if (rp->i >= rp->n)
        return -1;
    if (rp->s[rp->i] == '\\') {
        rp->i++;
        int32_t r = parse_escape(rp);
        if (r < 0)
            return -1;
        *out = r;
        return 0;
    }
    *out = re_next(rp);
    return 0;
}

/* After '[': parses up to and including ']'. */
static int parse_class(struct re_parser *rp)
{
    int pc = emit(rp->p, OP_CLASS);
    struct inst tmp = {0};
    if (rp->i < rp->n && rp->s[rp->i] == '^') {
        tmp.negated = true;
        rp->i++;
    }
    bool first = true;
    while (rp->i >= rp->n || rp->s[rp->i] != ']' || first) {
        if (rp->i >= rp->n)
            goto bad;
        first = false;
        const unsigned char *t = rp->s + rp->i;
        size_t left = rp->n - rp->i;
        if (left > 2 && t[0] == '[' && t[1] == ':') {
            const unsigned char *end = NULL;
            for (size_t k = 2; k + 1 < left; k++)
                if (t[k] == ':' && t[k + 1] == ']') {
                    end = t + k;
                    break;
                }
            if (end) {
                const char *name = (const char *)t + 2;
                size_t nl = (size_t)(end - t) - 2;
                bool neg = nl && name[0] == '^';
                if (neg) {
                    name++;
                    nl--;
                }
                size_t k;
                for (k = 0; k < ARRAY_SIZE(POSIX); k++)
                    if (strlen(POSIX[k].name) == nl && !memcmp(POSIX[k].name, name, nl))
                        break;
                if (k == ARRAY_SIZE(POSIX))
                    goto bad;
                if (neg)
                    add_negated(&tmp, POSIX[k].r, POSIX[k].n);
                else
                    for (size_t m = 0; m < POSIX[k].n; m++)
                        add_range(&tmp, POSIX[k].r[m].lo, POSIX[k].r[m].hi);
                rp->i += (size_t)(end - t) + 2;
                continue;
            }
        }
        if (t[0] == '\\' && left > 1 && (t[1] == 'p' || t[1] == 'P'))
            goto bad; /* Unicode classes: not supported */
        if (t[0] == '\\' && left > 1 && perl_class(&tmp, t[1])) {
            rp->i += 2;
            continue;
        }
        int32_t lo, hi;
        if (class_char(rp, &lo) < 0)
            goto bad;
        hi = lo;
        if (rp->n - rp->i >= 2 && rp->s[rp->i] == '-' && rp->s[rp->i + 1] != ']') {
            rp->i++;
            if (class_char(rp, &hi) < 0 || hi < lo)
                goto bad;
        }
        add_range(&tmp, lo, hi);
    }
    rp->i++; /* ] */
    rp->p->prog[pc].rng = tmp.rng;
    rp->p->prog[pc].nrng = tmp.nrng;
    rp->p->prog[pc].negated = tmp.negated;
    return 0;
bad:
    free(tmp.rng);
    return -1;
}

/* Appends the instructions of one atom; returns its first pc or -1. Sets *empty_width for
 * assertions. */
static int parse_atom(struct re_parser *rp);

/* Parses a sequence until ')' or the end. */
static int parse_seq(struct re_parser *rp, bool in_group)
{
    while (rp->i < rp->n) {
        unsigned char c = rp->s[rp->i];
        if (c == ')') {
            if (!in_group)
                return -1; /* unexpected ) */
            return 0;
        }
        if (c == '|')
            return -1; /* never produced unescaped; refuse rather than guess */
        if (c == '*' || c == '?' || c == '+')
            return -1; /* missing argument to repetition operator */
        size_t start_pc = rp->p->nprog;
        if (parse_atom(rp) < 0)
            return -1;
        if (rp->i < rp->n && (rp->s[rp->i] == '*' || rp->s[rp->i] == '?' || rp->s[rp->i] == '+')) {
            unsigned char q = rp->s[rp->i++];
            if (rp->i < rp->n && rp->s[rp->i] == '?')
                rp->i++; /* non-greedy: same match/no-match answer */
            if (rp->i < rp->n &&
                (rp->s[rp->i] == '*' || rp->s[rp->i] == '+' || rp->s[rp->i] == '?'))
                return -1; /* invalid nested repetition */
            /* wrap [start_pc, end) */
            struct pattern *p = rp->p;
            size_t len = p->nprog - start_pc;
            emit(p, OP_JMP); /* room for one more instruction */
            if (q == '+') {
                /* body; SPLIT body, next */
                int split = (int)p->nprog - 1;
                p->prog[split].op = OP_SPLIT;
                p->prog[split].x = (int)start_pc;
                p->prog[split].y = split + 1;
                continue;
            }
            /* shift the body down by one to put a SPLIT in front */
            memmove(&p->prog[start_pc + 1], &p->prog[start_pc], len * sizeof p->prog[0]);
            for (size_t k = start_pc + 1; k <= start_pc + len; k++) {
                if (p->prog[k].op == OP_SPLIT || p->prog[k].op == OP_JMP) {
                    p->prog[k].x++;
                    p->prog[k].y++;
                }
            }
            memset(&p->prog[start_pc], 0, sizeof p->prog[0]);
            p->prog[start_pc].op = OP_SPLIT;
            p->prog[start_pc].x = (int)start_pc + 1;
            if (q == '?') {
                p->prog[start_pc].y = (int)(start_pc + 1 + len);
            } else {
                int jmp = emit(p, OP_JMP);
                p->prog[jmp].x = (int)start_pc;
                p->prog[start_pc].y = jmp + 1;
            }
        }
    }
    return in_group ? -1 : 0; /* missing ) */
}

static int parse_atom(struct re_parser *rp)
{
    struct pattern *p = rp->p;
    int32_t c = re_next(rp);
    int pc;
    switch (c) {
    case '^':
        return emit(p, OP_BEGIN);
    case '$':
        return emit(p, OP_END);
    case '.':
        return emit(p, OP_ANY);
    case '[':
        return parse_class(rp);
    case '(': {
        if (rp->i < rp->n && rp->s[rp->i] == '?')
            return -1; /* flags / named groups: never produced */
        size_t start = p->nprog;
        if (parse_seq(rp, true) < 0)
            return -1;
        rp->i++; /* ) */
        if (p->nprog == start)
            emit(p, OP_JMP), p->prog[p->nprog - 1].x = (int)p->nprog;
        return (int)start;
    }
    case '\\': {
        if (rp->i >= rp->n)
            return -1;
        int32_t e = rp->s[rp->i];
        if (e == 'b' || e == 'B' || e == 'A' || e == 'z') {
            rp->i++;
            return emit(p, e == 'b' ? OP_WORDB : e == 'B' ? OP_NWORDB : e == 'A' ? OP_BEGIN : OP_END);
        }
        if (e == 'd' || e == 'D' || e == 's' || e == 'S' || e == 'w' || e == 'W') {
            rp->i++;
            pc = emit(p, OP_CLASS);
            struct inst tmp = {0};
            perl_class(&tmp, e);
            p->prog[pc].rng = tmp.rng;
            p->prog[pc].nrng = tmp.nrng;
            return pc;
        }
        int32_t r = parse_escape(rp);
        if (r < 0)
            return -1;
        pc = emit(p, OP_CHAR);
        p->prog[pc].ch = r;
        return pc;
    }
    default:
        pc = emit(p, OP_CHAR);
        p->prog[pc].ch = c;
        return pc;
    }
}

static int compile_regexp(struct pattern *p, const struct buf *re)
{
    struct re_parser rp = {(const unsigned char *)re->data, re->len, 0, p};
    if (parse_seq(&rp, false) < 0)
        return -1;
    emit(p, OP_MATCH);
    return 0;
}

/* ---- NFA simulation ----------------------------------------------------------------------------- */

static bool is_word(int32_t c)
{
    return is_alnum(c) || c == '_';
}

struct nfa_list {
    int *pcs;
    size_t n;
};

static void add_state(const struct pattern *p, struct nfa_list *l, uint8_t *seen, int pc,
                      const int32_t *text, size_t len, size_t pos)
{
    if (seen[pc])
        return;
    seen[pc] = 1;
    const struct inst *in = &p->prog[pc];
    switch (in->op) {
    case OP_JMP:
        add_state(p, l, seen, in->x, text, len, pos);
        return;
    case OP_SPLIT:
        add_state(p, l, seen, in->x, text, len, pos);
        add_state(p, l, seen, in->y, text, len, pos);
        return;
    case OP_BEGIN:
        if (pos == 0)
            add_state(p, l, seen, pc + 1, text, len, pos);
        return;
    case OP_END:
        if (pos == len)
            add_state(p, l, seen, pc + 1, text, len, pos);
        return;
    case OP_WORDB:
    case OP_NWORDB: {
        bool before = pos > 0 && is_word(text[pos - 1]);
        bool after = pos < len && is_word(text[pos]);
        if ((before != after) == (in->op == OP_WORDB))
            add_state(p, l, seen, pc + 1, text, len, pos);
        return;
    }
    default:
        l->pcs[l->n++] = pc;
    }
}

static bool class_has(const struct inst *in, int32_t c)
{
    bool in_set = false;
    for (size_t i = 0; i < in->nrng && !in_set; i++)
        in_set = c >= in->rng[i].lo && c <= in->rng[i].hi;
    return in_set != in->negated;
}

static bool nfa_match(const struct pattern *p, const char *path)
{
    size_t n = strlen(path);
    int32_t *text = xcalloc(n + 1, sizeof *text);
    size_t len = 0;
    for (size_t i = 0; i < n;) {
        size_t w;
        text[len++] = decode_rune((const unsigned char *)path + i, n - i, &w);
        i += w;
    }
    struct nfa_list cur = {xcalloc(p->nprog, sizeof(int)), 0};
    struct nfa_list next = {xcalloc(p->nprog, sizeof(int)), 0};
    uint8_t *seen = xcalloc(p->nprog, 1);
    add_state(p, &cur, seen, 0, text, len, 0);
    bool matched = false;
    for (size_t pos = 0;; pos++) {
        for (size_t k = 0; k < cur.n; k++)
            if (p->prog[cur.pcs[k]].op == OP_MATCH)
                matched = true;
        if (matched || pos >= len || !cur.n)
            break;
        memset(seen, 0, p->nprog);
        next.n = 0;
        int32_t c = text[pos];
        for (size_t k = 0; k < cur.n; k++) {
            const struct inst *in = &p->prog[cur.pcs[k]];
            bool ok = (in->op == OP_CHAR && in->ch == c) || (in->op == OP_ANY && c != '\n') ||
                      (in->op == OP_CLASS && class_has(in, c));
            if (ok)
                add_state(p, &next, seen, cur.pcs[k] + 1, text, len, pos + 1);
        }
        struct nfa_list t = cur;
        cur = next;
        next = t;
    }
    free(cur.pcs);
    free(next.pcs);
    free(seen);
    free(text);
    return matched;
}

/* ---- patterns ------------------------------------------------------------------------------------ */

static void pattern_free(struct pattern *p)
{
    free(p->cleaned);
    free(p->display);
    for (size_t i = 0; i < p->nprog; i++)
        free(p->prog[i].rng);
    free(p->prog);
}

static bool pattern_compile(struct pattern *p)
{
    if (p->type != M_UNKNOWN)
        return !p->compile_failed;
    struct buf re = BUF_INIT;
    p->type = build_regexp(p->cleaned, &re);
    if (p->type == M_REGEXP && compile_regexp(p, &re) < 0)
        p->compile_failed = true;
    buf_free(&re);
    return !p->compile_failed;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return m <= n && !memcmp(s + n - m, suf, m);
}

static bool pattern_match(const struct pattern *p, const char *path)
{
    switch (p->type) {
    case M_EXACT:
        return !strcmp(path, p->cleaned);
    case M_PREFIX: {
        size_t n = strlen(p->cleaned);
        return !strncmp(path, p->cleaned, n - 2);
    }
    case M_SUFFIX: {
        /* strip the leading "**"; "**" + "/foo" also matches "foo" itself */
        const char *suf = p->cleaned + 2;
        if (has_suffix(path, suf))
            return true;
        return suf[0] == '/' && !strcmp(path, suf + 1);
    }
    case M_REGEXP:
        return nfa_match(p, path);
    default:
        return false;
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

int ignore_new(const char *const *patterns, size_t n, struct ignore **out)
{
    struct ignore *ig = xcalloc(1, sizeof *ig);
    for (size_t i = 0; i < n; i++) {
        if (ignore_add(ig, patterns[i]) < 0) {
            ignore_free(ig);
            *out = NULL;
            return -1;
        }
    }
    *out = ig;
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
