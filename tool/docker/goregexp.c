/* The part of Go's regexp syntax that the docker CLI's patternmatcher emits for .dockerignore
 * patterns (goregexp.h): parsed into a Thompson NFA and simulated with a state list, so matching
 * is linear in the path length whatever the pattern (no backtracking, no blow-up). */
#include "goregexp.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* NFA instructions */
enum op {
    OP_CHAR,
    OP_CLASS,
    OP_ANY,
    OP_SPLIT,
    OP_JMP,
    OP_BEGIN,
    OP_END,
    OP_WORDB,
    OP_NWORDB,
    OP_MATCH
};

struct range {
    int32_t lo, hi;
};

struct inst {
    enum op op;
    int32_t ch;        /* OP_CHAR */
    int x, y;          /* OP_SPLIT / OP_JMP targets */
    struct range *rng; /* OP_CLASS: sorted not needed; negation folded into the list */
    size_t nrng;
    bool negated;
};

struct goregexp {
    struct inst *prog;
    size_t nprog, cap;
};

/* ---- parsing: the Go regexp subset -> NFA
 * --------------------------------------------------------------- */

struct re_parser {
    const unsigned char *s;
    size_t n, i;
    struct goregexp *p;
};

static int emit(struct goregexp *p, enum op op)
{
    ARRAY_GROW(p->prog, p->nprog + 1, p->cap);
    memset(&p->prog[p->nprog], 0, sizeof p->prog[0]);
    p->prog[p->nprog].op = op;
    return (int)p->nprog++;
}

static int32_t re_next(struct re_parser *rp)
{
    size_t w;
    int32_t r = utf8_decode(rp->s + rp->i, rp->n - rp->i, &w);
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
    default: return false;
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
    case 'a': return '\a';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
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
    default: return -1;
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
            goto cleanup;
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
                    goto cleanup;
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
            goto cleanup; /* Unicode classes: not supported */
        if (t[0] == '\\' && left > 1 && perl_class(&tmp, t[1])) {
            rp->i += 2;
            continue;
        }
        int32_t lo, hi;
        if (class_char(rp, &lo) < 0)
            goto cleanup;
        hi = lo;
        if (rp->n - rp->i >= 2 && rp->s[rp->i] == '-' && rp->s[rp->i + 1] != ']') {
            rp->i++;
            if (class_char(rp, &hi) < 0 || hi < lo)
                goto cleanup;
        }
        add_range(&tmp, lo, hi);
    }
    rp->i++; /* ] */
    rp->p->prog[pc].rng = tmp.rng;
    rp->p->prog[pc].nrng = tmp.nrng;
    rp->p->prog[pc].negated = tmp.negated;
    return 0;
cleanup:
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
            struct goregexp *p = rp->p;
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
    struct goregexp *p = rp->p;
    int32_t c = re_next(rp);
    int pc;
    switch (c) {
    case '^': return emit(p, OP_BEGIN);
    case '$': return emit(p, OP_END);
    case '.': return emit(p, OP_ANY);
    case '[': return parse_class(rp);
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
            return emit(p, e == 'b'   ? OP_WORDB
                           : e == 'B' ? OP_NWORDB
                           : e == 'A' ? OP_BEGIN
                                      : OP_END);
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

void goregexp_free(struct goregexp *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nprog; i++)
        free(p->prog[i].rng);
    free(p->prog);
    free(p);
}

int goregexp_compile(struct goregexp **out, const char *re, size_t len)
{
    struct goregexp *p = xcalloc(1, sizeof *p);
    struct re_parser rp = {(const unsigned char *)re, len, 0, p};
    *out = NULL;
    if (parse_seq(&rp, false) < 0) {
        goregexp_free(p);
        return -1;
    }
    emit(p, OP_MATCH);
    *out = p;
    return 0;
}

/* ---- NFA simulation -----------------------------------------------------------------------------
 */

static bool is_word(int32_t c)
{
    return is_alnum(c) || c == '_';
}

struct nfa_list {
    int *pcs;
    size_t n;
};

static void add_state(const struct goregexp *p, struct nfa_list *l, uint8_t *seen, int pc,
                      const int32_t *text, size_t len, size_t pos)
{
    if (seen[pc])
        return;
    seen[pc] = 1;
    const struct inst *in = &p->prog[pc];
    switch (in->op) {
    case OP_JMP: add_state(p, l, seen, in->x, text, len, pos); return;
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
    default: l->pcs[l->n++] = pc;
    }
}

static bool class_has(const struct inst *in, int32_t c)
{
    bool in_set = false;
    for (size_t i = 0; i < in->nrng && !in_set; i++)
        in_set = c >= in->rng[i].lo && c <= in->rng[i].hi;
    return in_set != in->negated;
}

bool goregexp_match(const struct goregexp *p, const char *path)
{
    size_t n = strlen(path);
    int32_t *text = xcalloc(n + 1, sizeof *text);
    size_t len = 0;
    for (size_t i = 0; i < n;) {
        size_t w;
        text[len++] = utf8_decode((const unsigned char *)path + i, n - i, &w);
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
