/* Inference behind `kanalytic new --from`: see adopt.h. Text scanning only; nothing from the
 * adopted folder is run or evaluated. */
#include "adopt.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CODE_FILE (4u << 20)
#define MAX_DEPTH 4
#define MAX_FILES 2000

static bool ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}
static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static int line_of(const char *text, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n')
            line++;
    return line;
}

static bool is_integer(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static bool is_number(const char *s)
{
    char *end;
    if (!*s)
        return false;
    strtod(s, &end);
    return *end == '\0' && strpbrk(s, "0123456789");
}

static bool is_boolean(const char *s)
{
    return !strcasecmp(s, "true") || !strcasecmp(s, "false");
}

static struct adopt_param *find_param(struct adopt_info *a, const char *name, size_t n)
{
    for (size_t i = 0; i < a->n_params; i++)
        if (strlen(a->params[i].name) == n && !memcmp(a->params[i].name, name, n))
            return &a->params[i];
    return NULL;
}

/* Records one read of NAME: a cast seen around it (cast_type, or -1), a default (or NULL),
 * whether the read fails without the variable. */
static void add_read(struct adopt_info *a, const char *file, int line, const char *name, size_t n,
                     int cast_type, const char *def, bool required)
{
    struct adopt_param *p = find_param(a, name, n);
    if (!p) {
        ARRAY_GROW(a->params, a->n_params + 1, a->cap_params);
        p = &a->params[a->n_params++];
        memset(p, 0, sizeof *p);
        p->name = xstrndup(name, n);
        p->type = PARAM_STRING;
        p->required = required;
        struct buf w = BUF_INIT;
        buf_addf(&w, "%s:%d", path_basename(file), line);
        p->where = buf_detach(&w, NULL);
    } else if (!required) {
        p->required = false;
    }
    if (def && !p->default_text) {
        p->default_text = xstrdup(def);
        p->required = false;
    }
    struct buf why = BUF_INIT;
    if (cast_type >= 0 && !p->why) {
        p->type = (enum param_type)cast_type;
        buf_addf(&why, "converted with %s",
                 cast_type == PARAM_INTEGER  ? "int()"
                 : cast_type == PARAM_NUMBER ? "float()"
                                             : "a boolean test");
        p->why = buf_detach(&why, NULL);
    } else if (def && !p->why) {
        if (is_integer(def))
            p->type = PARAM_INTEGER;
        else if (is_number(def))
            p->type = PARAM_NUMBER;
        else if (is_boolean(def))
            p->type = PARAM_BOOLEAN;
        if (p->type != PARAM_STRING) {
            buf_addf(&why, "from its default '%s'", def);
            p->why = buf_detach(&why, NULL);
        }
    }
    buf_free(&why);
}

/* A quoted string literal at s (' or "): its content; *end after the closing quote. */
static char *quoted_at(const char *s, const char *lim, const char **end)
{
    if (s >= lim || (*s != '\'' && *s != '"'))
        return NULL;
    char q = *s;
    const char *e = s + 1;
    while (e < lim && *e != q && *e != '\n')
        e++;
    if (e >= lim || *e != q)
        return NULL;
    *end = e + 1;
    return xstrndup(s + 1, (size_t)(e - s - 1));
}

static const char *skip_ws(const char *s, const char *lim)
{
    while (s < lim && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* The conversion applied to an expression starting at `at`: "int(" / "float(" / "atoi(" ...
 * just before it. -1: none. */
static int cast_before(const char *text, const char *at)
{
    static const struct {
        const char *fn;
        enum param_type t;
    } casts[] = {{"int(", PARAM_INTEGER},     {"float(", PARAM_NUMBER},
                 {"atoi(", PARAM_INTEGER},    {"atol(", PARAM_INTEGER},
                 {"atoll(", PARAM_INTEGER},   {"strtol(", PARAM_INTEGER},
                 {"strtoll(", PARAM_INTEGER}, {"strtoul(", PARAM_INTEGER},
                 {"atof(", PARAM_NUMBER},     {"strtod(", PARAM_NUMBER}};
    const char *p = at;
    while (p > text && (p[-1] == ' ' || p[-1] == '\t'))
        p--;
    for (size_t i = 0; i < ARRAY_SIZE(casts); i++) {
        size_t n = strlen(casts[i].fn);
        if ((size_t)(p - text) >= n && !memcmp(p - n, casts[i].fn, n) &&
            ((size_t)(p - text) == n || !ident_char(p[-(ptrdiff_t)n - 1])))
            return (int)casts[i].t;
    }
    return -1;
}

/* A Python default argument: a string literal, or a bare token up to ',' or ')'. */
static char *python_default(const char *s, const char *lim)
{
    const char *end;
    char *q = quoted_at(s, lim, &end);
    if (q)
        return q;
    const char *e = s;
    while (e < lim && *e != ')' && *e != ',' && *e != '\n')
        e++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (e == s)
        return NULL;
    char *tok = xstrndup(s, (size_t)(e - s));
    if (!strcmp(tok, "None")) {
        free(tok);
        return NULL;
    }
    return tok;
}

static void scan_python(struct adopt_info *a, const char *file, const char *text, size_t len)
{
    static const struct {
        const char *call;
        bool subscript;
    } reads[] = {{"os.environ[", true},
                 {"os.environ.get(", false},
                 {"os.getenv(", false},
                 {"environ.get(", false},
                 {"getenv(", false}};
    const char *lim = text + len;
    for (const char *p = text; p < lim; p++) {
        if (p > text && (ident_char(p[-1]) || p[-1] == '.'))
            continue;
        for (size_t i = 0; i < ARRAY_SIZE(reads); i++) {
            size_t n = strlen(reads[i].call);
            if ((size_t)(lim - p) < n || memcmp(p, reads[i].call, n))
                continue;
            const char *end;
            const char *s = skip_ws(p + n, lim);
            char *name = quoted_at(s, lim, &end);
            if (!name)
                break;
            char *def = NULL;
            bool has_default = false;
            if (!reads[i].subscript) {
                s = skip_ws(end, lim);
                if (s < lim && *s == ',') {
                    def = python_default(skip_ws(s + 1, lim), lim);
                    has_default = true;
                }
            }
            if (*name && ident_start(name[0]))
                add_read(a, file, line_of(text, (size_t)(p - text)), name, strlen(name),
                         cast_before(text, p), def, reads[i].subscript && !has_default);
            free(name);
            free(def);
            p = end - 1;
            break;
        }
    }
}

static void scan_c(struct adopt_info *a, const char *file, const char *text, size_t len)
{
    const char *lim = text + len;
    for (const char *p = text; p + 7 < lim; p++) {
        if (memcmp(p, "getenv(", 7) || (p > text && ident_char(p[-1])))
            continue;
        const char *end;
        char *name = quoted_at(skip_ws(p + 7, lim), lim, &end);
        if (name && *name && ident_start(name[0]))
            add_read(a, file, line_of(text, (size_t)(p - text)), name, strlen(name),
                     cast_before(text, p), NULL, false);
        free(name);
    }
}

/* Shell variables that are never WITH parameters. */
static bool shell_builtin(const char *s, size_t n)
{
    static const char *const names[] = {"HOME",   "PATH",       "PWD",      "OLDPWD",     "USER",
                                        "SHELL",  "IFS",        "TMPDIR",   "LANG",       "LC_ALL",
                                        "RANDOM", "LINENO",     "HOSTNAME", "UID",        "EUID",
                                        "PPID",   "SECONDS",    "TERM",     "OPTARG",     "OPTIND",
                                        "REPLY",  "PIPESTATUS", "FUNCNAME", "BASH_SOURCE"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strlen(names[i]) == n && !memcmp(names[i], s, n))
            return true;
    return n >= 5 && !memcmp(s, "BASH_", 5);
}

/* Whether the script assigns NAME itself (NAME=..., export NAME=..., for NAME in, read NAME,
 * local NAME): then it is a variable of the script, not an environment parameter. */
static bool shell_assigned(const char *text, size_t len, const char *name, size_t n)
{
    const char *lim = text + len;
    for (const char *p = text; p + n < lim; p++) {
        if (memcmp(p, name, n) ||
            (p > text && (ident_char(p[-1]) || p[-1] == '$' || p[-1] == '{')) || ident_char(p[n]))
            continue;
        const char *after = p + n;
        if (after < lim && *after == '=')
            return true;
        const char *q = p;
        while (q > text && (q[-1] == ' ' || q[-1] == '\t'))
            q--;
        static const char *const kw[] = {"for", "read", "local", "declare", "readonly"};
        for (size_t i = 0; i < ARRAY_SIZE(kw); i++) {
            size_t k = strlen(kw[i]);
            if ((size_t)(q - text) >= k && !memcmp(q - k, kw[i], k) && q != p &&
                ((size_t)(q - text) == k || !ident_char(q[-(ptrdiff_t)k - 1])))
                return true;
        }
    }
    return false;
}

static void scan_shell(struct adopt_info *a, const char *file, const char *text, size_t len)
{
    const char *lim = text + len;
    bool comment = false, single = false;
    for (const char *p = text; p < lim; p++) {
        if (*p == '\n') {
            comment = single = false;
            continue;
        }
        if (comment)
            continue;
        if (*p == '\'' && !single && (p == text || p[-1] != '\\')) {
            single = true;
            continue;
        }
        if (*p == '\'' && single) {
            single = false;
            continue;
        }
        if (single)
            continue;
        if (*p == '#' && (p == text || isspace((unsigned char)p[-1]))) {
            comment = true;
            continue;
        }
        if (*p != '$' || p + 1 >= lim)
            continue;
        const char *s = p + 1;
        bool brace = *s == '{';
        if (brace)
            s++;
        if (s >= lim || !ident_start(*s))
            continue;
        const char *e = s;
        while (e < lim && ident_char(*e))
            e++;
        size_t n = (size_t)(e - s);
        char *def = NULL;
        if (brace && e + 1 < lim && (*e == ':' || *e == '-')) {
            const char *d = e + (*e == ':' ? 1 : 0);
            if (*d == '-') {
                const char *de = ++d;
                while (de < lim && *de != '}' && *de != '\n')
                    de++;
                def = xstrndup(d, (size_t)(de - d));
                size_t dl = strlen(def);
                if (dl >= 2 && (def[0] == '"' || def[0] == '\'') && def[dl - 1] == def[0]) {
                    memmove(def, def + 1, dl - 2);
                    def[dl - 2] = '\0';
                }
            }
        }
        bool lower_only = true;
        for (size_t i = 0; i < n; i++)
            if (isupper((unsigned char)s[i]))
                lower_only = false;
        /* lower-case names are the script's own variables by convention; Kestrel passes
         * WITH names as given, and the community's analytics use upper-case ones */
        if (!shell_builtin(s, n) && !shell_assigned(text, len, s, n) && (!lower_only || def))
            add_read(a, file, line_of(text, (size_t)(p - text)), s, n, -1, def, false);
        free(def);
        p = e - 1;
    }
}

static void scan_paths(struct adopt_info *a, const char *text, size_t len)
{
    const char *lim = text + len;
    for (const char *p = text; p < lim; p++) {
        if (*p != '/' || (size_t)(lim - p) < 12 || memcmp(p, "/data/", 6))
            continue;
        const char *s = p + 6;
        if ((size_t)(lim - s) >= 6 && !memcmp(s, "input/", 6) && s + 6 < lim &&
            isdigit((unsigned char)s[6])) {
            size_t n = strtoul(s + 6, NULL, 10);
            if (n < 64 && n + 1 > a->n_inputs)
                a->n_inputs = n + 1;
        } else if ((size_t)(lim - s) >= 7 && !memcmp(s, "output/", 7) && s + 7 < lim &&
                   isdigit((unsigned char)s[7])) {
            size_t n = strtoul(s + 7, NULL, 10);
            if (n < ARRAY_SIZE(a->outputs))
                a->outputs[n] = true;
        } else if ((size_t)(lim - s) >= 7 && !memcmp(s, "display", 7)) {
            a->display = true;
        }
    }
}

void adopt_scan_code(struct adopt_info *a, const char *file, enum adopt_lang lang, const char *text,
                     size_t len)
{
    a->n_code_files++;
    scan_paths(a, text, len);
    switch (lang) {
    case ADOPT_PYTHON: scan_python(a, file, text, len); break;
    case ADOPT_SHELL: scan_shell(a, file, text, len); break;
    case ADOPT_C: scan_c(a, file, text, len); break;
    }
}

/* ---- README ---- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

void adopt_scan_readme(struct adopt_info *a, const char *file, const char *text, size_t len)
{
    static const char tag[] = "kestrel-analytics-";
    const char *lim = text + len;
    for (const char *p = text; !a->name && p < lim; p++) {
        const char *hit = memmem(p, (size_t)(lim - p), "docker build", 12);
        if (!hit)
            break;
        const char *eol = memchr(hit, '\n', (size_t)(lim - hit));
        if (!eol)
            eol = lim;
        const char *t = memmem(hit, (size_t)(eol - hit), tag, sizeof tag - 1);
        if (t) {
            const char *s = t + sizeof tag - 1, *e = s;
            while (e < eol && name_char(*e))
                e++;
            if (e > s) {
                a->name = xstrndup(s, (size_t)(e - s));
                struct buf b = BUF_INIT;
                buf_addf(&b, "%s:%d", path_basename(file), line_of(text, (size_t)(hit - text)));
                a->name_from = buf_detach(&b, NULL);
            }
        }
        p = eol;
    }
    /* the first paragraph of prose: not a heading, badge, image, fence, list, table or HTML */
    struct buf para = BUF_INIT;
    bool fence = false;
    for (const char *p = text; p < lim && !a->description;) {
        const char *eol = memchr(p, '\n', (size_t)(lim - p));
        if (!eol)
            eol = lim;
        const char *s = p, *e = eol;
        p = eol + 1;
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        if (e - s >= 3 && !memcmp(s, "```", 3)) {
            fence = !fence;
            if (para.len)
                break;
            continue;
        }
        if (fence)
            continue;
        bool skip = s == e || *s == '#' || *s == '!' || *s == '[' || *s == '<' || *s == '|' ||
                    *s == '>' || ((*s == '-' || *s == '*') && s + 1 < e && s[1] == ' ') ||
                    (*s == '=' || (*s == '-' && s[1] == '-'));
        if (skip) {
            if (para.len)
                break;
            continue;
        }
        if (para.len)
            buf_addch(&para, ' ');
        buf_add(&para, s, (size_t)(e - s));
    }
    if (para.len && !a->description)
        a->description = buf_detach(&para, NULL);
    buf_free(&para);
}

/* ---- the folder ---- */

/* The language of a file from its name, else its #! line; -1: not code. */
static int lang_of(const char *name, const struct buf *text)
{
    if (ends_with(name, ".py"))
        return ADOPT_PYTHON;
    if (ends_with(name, ".sh") || ends_with(name, ".bash"))
        return ADOPT_SHELL;
    if (ends_with(name, ".c") || ends_with(name, ".h"))
        return ADOPT_C;
    if (text->len > 2 && !memcmp(text->data, "#!", 2)) {
        const char *eol = memchr(text->data, '\n', text->len);
        size_t n = eol ? (size_t)(eol - text->data) : text->len;
        if (memmem(text->data, n, "python", 6))
            return ADOPT_PYTHON;
        if (memmem(text->data, n, "sh", 2))
            return ADOPT_SHELL;
    }
    return -1;
}

static int scan_tree(struct adopt_info *a, const char *dir, int depth, size_t *seen)
{
    struct fs_names names = {0};
    if (fs_list_dir(dir, &names) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < names.count && rc == 0; i++) {
        const char *n = names.names[i];
        if (n[0] == '.' || (depth == 0 && !strcmp(n, "tests")) || ++*seen > MAX_FILES)
            continue;
        char *p = path_join(dir, n);
        if (fs_is_dir(p)) {
            if (depth + 1 < MAX_DEPTH)
                rc = scan_tree(a, p, depth + 1, seen);
        } else if (fs_is_file(p)) {
            struct buf text = BUF_INIT;
            if (fs_read_file(p, MAX_CODE_FILE, &text) == 0) {
                int lang = lang_of(n, &text);
                if (depth == 0 && !strcasecmp(n, "README.md"))
                    adopt_scan_readme(a, p, text.data, text.len);
                else if (lang >= 0)
                    adopt_scan_code(a, p, (enum adopt_lang)lang, text.data, text.len);
            } else {
                err_clear(); /* a file too large to be code */
            }
            buf_free(&text);
        }
        free(p);
    }
    fs_names_free(&names);
    return rc;
}

int adopt_scan_dir(const char *dir, struct adopt_info *out)
{
    size_t seen = 0;
    if (!fs_is_dir(dir))
        return err_set("%s: no such folder", dir);
    if (scan_tree(out, dir, 0, &seen) < 0)
        return -1;
    if (!out->name) {
        char *trim = xstrdup(dir);
        size_t n = strlen(trim);
        while (n > 1 && trim[n - 1] == '/')
            trim[--n] = '\0';
        const char *base = path_basename(trim);
        struct buf b = BUF_INIT;
        const char *s = base;
        if (!strncmp(s, "kestrel-analytics-", 18))
            s += 18;
        for (; *s; s++) {
            char c = (char)tolower((unsigned char)*s);
            buf_addch(&b, name_char(c) ? c : '-');
        }
        if (b.len && name_char(b.data[0]) && b.data[0] != '-' && b.data[0] != '_') {
            out->name = buf_detach(&b, NULL);
            out->name_from = xstrdup("the folder name");
        }
        buf_free(&b);
        free(trim);
    }
    return 0;
}

void adopt_info_free(struct adopt_info *a)
{
    for (size_t i = 0; i < a->n_params; i++) {
        free(a->params[i].name);
        free(a->params[i].default_text);
        free(a->params[i].why);
        free(a->params[i].where);
    }
    free(a->params);
    free(a->name);
    free(a->name_from);
    free(a->description);
    memset(a, 0, sizeof *a);
}

/* ---- rendering ---- */

#define TODO "  # " ADOPT_MARKER ": "

static void render_default(struct buf *b, const struct adopt_param *p)
{
    const char *d = p->default_text;
    if (!d)
        return;
    if (p->type == PARAM_BOOLEAN && is_boolean(d))
        buf_addf(b, "    default: %s\n", !strcasecmp(d, "true") ? "true" : "false");
    else if ((p->type == PARAM_INTEGER && is_integer(d)) ||
             (p->type == PARAM_NUMBER && is_number(d)))
        buf_addf(b, "    default: %s\n", d);
    else if (p->type == PARAM_STRING) {
        buf_addstr(b, "    default: ");
        buf_add_json_string(b, d, strlen(d));
        buf_addch(b, '\n');
    } else {
        buf_addstr(b, "    # default in the code: ");
        buf_add_json_escaped(b, d, strlen(d));
        buf_addch(b, '\n');
    }
}

void adopt_render_manifest(const struct adopt_info *a, const char *name, const char *author,
                           const char *src, struct buf *b)
{
    buf_addstr(b, "# yaml-language-server: $schema=../../schemas/analytic.schema.json\n");
    buf_addstr(b, "# Adopted by `kanalytic new --from ");
    buf_addstr(b, src);
    buf_addstr(b, "`.\n# Each TODO comment below marks a guess or a gap: fix the value, then "
                  "delete the comment.\n# `kanalytic validate` lists those left.\n");
    buf_addf(b, "schema_version: 1\nname: %s\nversion: 1.0.0\ndescription: ", name);
    if (a->description) {
        buf_add_json_string(b, a->description, strlen(a->description));
        buf_addch(b, '\n');
    } else {
        buf_addstr(b, "\"TODO\"" TODO "what the analytic does (the README has no first "
                      "paragraph to take it from)\n");
    }
    buf_addstr(b, "authors:\n  - ");
    buf_add_json_string(b, author, strlen(author));
    buf_addstr(b, "\nlicense: Apache-2.0" TODO "the license of the adopted code (an SPDX "
                  "identifier)\n");
    buf_addstr(b, "inputs:\n");
    size_t n_inputs = a->n_inputs ? a->n_inputs : 1;
    for (size_t i = 0; i < n_inputs; i++) {
        buf_addf(b, "  - entity_types: [\"*\"]" TODO "the entity types input %zu accepts", i);
        if (!a->n_inputs)
            buf_addstr(b, "; no /data/input/N was found in the code: say how many inputs "
                          "APPLY takes");
        buf_addch(b, '\n');
    }
    buf_addstr(b, a->n_params ? "parameters:\n" : "parameters: []\n");
    for (size_t i = 0; i < a->n_params; i++) {
        const struct adopt_param *p = &a->params[i];
        buf_addf(b, "  - name: %s\n    type: %s\n", p->name, param_type_name(p->type));
        buf_addf(b, "    required: %s\n", p->required ? "true" : "false");
        render_default(b, p);
        buf_addf(b,
                 "    description: \"TODO\"" TODO "say what %s does; type %s %s (read at "
                 "%s)\n",
                 p->name, param_type_name(p->type),
                 p->why            ? p->why
                 : p->default_text ? "(its default is text)"
                                   : "guessed: no default or conversion seen",
                 p->where);
    }
    bool any_output = false;
    for (size_t i = 0; i < ARRAY_SIZE(a->outputs); i++)
        any_output |= a->outputs[i];
    buf_addstr(b, any_output ? "outputs:\n" : "outputs: []\n");
    for (size_t i = 0; i < ARRAY_SIZE(a->outputs); i++)
        if (a->outputs[i])
            buf_addf(b,
                     "  - input: %zu" TODO "list the attributes output %zu adds "
                     "(attributes: [{name, type, description}])\n",
                     i, i);
    buf_addf(b, "display: %s\n", a->display ? "html" : "none");
    buf_addstr(b, "runtime:\n  network: false\n  timeout: 300\n  memory: 1g\n");
}

void adopt_render_case(const struct adopt_info *a, bool own_input, struct buf *b)
{
    buf_addstr(b, "# yaml-language-server: $schema=../../../../schemas/test-case.schema.json\n"
                  "description: >-\n  The first case of the adopted analytic; its golden "
                  "output is written by the first\n  `kanalytic test`: check it, then "
                  "commit it.\n");
    if (!own_input)
        buf_addstr(b, "# " ADOPT_MARKER ": input/ holds the template's network-traffic "
                      "example; replace it with inputs of the analytic's entity types "
                      "(kanalytic fixture from-stix)\n");
    size_t req = 0;
    for (size_t i = 0; i < a->n_params; i++)
        req += a->params[i].required;
    buf_addstr(b, req ? "parameters:\n" : "parameters: {}\n");
    for (size_t i = 0; i < a->n_params; i++)
        if (a->params[i].required)
            buf_addf(b, "  %s: \"TODO\"" TODO "a value for the required parameter %s\n",
                     a->params[i].name, a->params[i].name);
}

/* ---- creating analytics/NAME ---- */

#define MAX_ADOPT_FILE (256u << 20)

/* Copies the folder src into dst (which exists): regular files with their executable bits,
 * folders; .git is left out; a symbolic link or special file is refused (it would leave the
 * build context or the repository). */
static int copy_plain_tree(const char *src, const char *dst)
{
    struct fs_names names = {0};
    if (fs_list_dir(src, &names) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < names.count && rc == 0; i++) {
        if (!strcmp(names.names[i], ".git"))
            continue;
        char *s = path_join(src, names.names[i]);
        char *d = path_join(dst, names.names[i]);
        struct stat st;
        if (lstat(s, &st) < 0) {
            rc = err_errno(s);
        } else if (S_ISDIR(st.st_mode)) {
            rc = fs_mkdirs(d, 0755);
            if (rc == 0)
                rc = copy_plain_tree(s, d);
        } else if (S_ISREG(st.st_mode)) {
            rc = fs_copy_file(s, d, MAX_ADOPT_FILE);
            if (rc == 0 && chmod(d, (st.st_mode & 0111) ? 0755 : 0644) < 0)
                rc = err_errno(d);
        } else {
            rc = err_set("%s: a symbolic link or special file; copy the folder without it", s);
        }
        free(s);
        free(d);
    }
    fs_names_free(&names);
    return rc;
}

/* tests/basic with case.yaml and input/N.parquet.gz. */
static int create_case(const struct adopt_target *t, const char *tmp, const struct adopt_info *a)
{
    size_t n_inputs = a->n_inputs ? a->n_inputs : 1;
    if (t->n_inputs && t->n_inputs != n_inputs)
        return err_set("%zu input files given, but the code reads %zu", t->n_inputs, n_inputs);
    if (!t->n_inputs && !t->example_input)
        return err_set("no input file for the first test case");
    char *input = path_join(tmp, "tests/basic/input");
    int rc = fs_mkdirs(input, 0755);
    for (size_t i = 0; i < n_inputs && rc == 0; i++) {
        struct buf name = BUF_INIT;
        buf_addf(&name, "%zu.parquet.gz", i);
        char *to = path_join(input, name.data);
        rc = fs_copy_file(t->n_inputs ? t->inputs[i] : t->example_input, to, MAX_ADOPT_FILE);
        free(to);
        buf_free(&name);
    }
    if (rc == 0) {
        struct buf b = BUF_INIT;
        adopt_render_case(a, t->n_inputs > 0, &b);
        rc = fs_write_in(tmp, "tests/basic/" CASE_FILE, b.data, b.len);
        buf_free(&b);
    }
    free(input);
    return rc;
}

/* Copy, analytic.yaml, README.md when the folder has none, the first case. */
static int fill(const struct adopt_target *t, const struct adopt_info *a, const char *tmp)
{
    struct buf b = BUF_INIT;
    int rc = copy_plain_tree(t->from, tmp);
    if (rc == 0) {
        adopt_render_manifest(a, t->name, t->author, t->from, &b);
        rc = fs_write_in(tmp, MANIFEST_FILE, b.data, b.len);
        buf_reset(&b);
    }
    char *readme = path_join(tmp, "README.md");
    if (rc == 0 && !fs_is_file(readme)) {
        buf_addf(&b, "# %s\n\n%s\n", t->name,
                 a->description ? a->description : "TODO: describe it.");
        rc = fs_write_atomic(readme, b.data, b.len);
    }
    free(readme);
    buf_free(&b);
    if (rc == 0)
        rc = create_case(t, tmp, a);
    return rc;
}

int adopt_create(const struct adopt_target *t, const struct adopt_info *a, struct diag_list *todo,
                 struct diag_list *diags)
{
    char *mf = path_join(t->from, MANIFEST_FILE);
    bool has = fs_exists(mf);
    free(mf);
    if (has)
        return err_set("%s already holds an %s: it is a kanalytic analytic; copy it into "
                       "analytics/ instead",
                       t->from, MANIFEST_FILE);
    char *docker = path_join(t->from, "Dockerfile");
    has = fs_is_file(docker);
    free(docker);
    if (!has)
        return err_set("%s has no Dockerfile: not a docker analytic folder", t->from);
    char *analytics = path_join(t->root, "analytics");
    char *dest = path_join(analytics, t->name);
    char *tmp = NULL;
    int rc = -1;
    bool made = false, placed = false;
    struct diag_list found = DIAG_LIST_INIT;
    if (fs_mkdirs(analytics, 0755) < 0 || fs_temp_dir_beside(dest, &tmp) < 0)
        goto cleanup;
    made = true;
    if (fill(t, a, tmp) < 0)
        goto cleanup;
    if (fs_exists(dest)) {
        err_set("analytics/%s appeared while it was being created", t->name);
        goto cleanup;
    }
    if (rename(tmp, dest) < 0) {
        err_errno(dest);
        goto cleanup;
    }
    placed = true;
    if (analytic_validate(t->root, dest, false, &found) < 0)
        goto cleanup;
    size_t other = 0;
    for (size_t i = 0; i < found.count; i++) {
        const struct diag *d = &found.items[i];
        bool mark = d->rule && !strcmp(d->rule, "adopt-todo");
        diag_add(mark ? todo : diags, d->severity, d->file, d->line, d->col, d->rule, "%s",
                 d->message);
        other += !mark && d->severity == DIAG_ERROR;
    }
    rc = other ? 1 : 0;
cleanup:
    if (rc != 0 && made)
        fs_remove_tree(placed ? dest : tmp); /* the first error is the one to report */
    diag_list_free(&found);
    free(tmp);
    free(dest);
    free(analytics);
    return rc;
}

/* ---- validate ---- */

void adopt_check_markers(const char *path, struct diag_list *diags)
{
    struct buf text = BUF_INIT;
    if (!fs_is_file(path) || fs_read_file(path, (size_t)4 << 20, &text) < 0) {
        err_clear();
        buf_free(&text);
        return;
    }
    adopt_check_markers_text(path, text.data, text.len, diags);
    buf_free(&text);
}

void adopt_check_markers_text(const char *path, const char *text, size_t len,
                              struct diag_list *diags)
{
    int line = 1;
    const char *bol = text, *lim = text + len;
    for (const char *p = text; p < lim; p++) {
        if (*p == '\n') {
            line++;
            bol = p + 1;
            continue;
        }
        size_t n = sizeof ADOPT_MARKER - 1;
        if ((size_t)(lim - p) < n || memcmp(p, ADOPT_MARKER, n))
            continue;
        const char *msg = p + n, *eol = memchr(p, '\n', (size_t)(lim - p));
        if (!eol)
            eol = lim;
        while (msg < eol && (*msg == ':' || *msg == ' '))
            msg++;
        diag_add(diags, DIAG_ERROR, path, line, (int)(p - bol) + 1, "adopt-todo",
                 "left for the author by new --from: %.*s", (int)(eol - msg), msg);
        p = eol - 1;
    }
}
