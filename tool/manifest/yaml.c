/* YAML loader: libyaml events -> jansson tree + pointer->position table. See yaml.h. */
#include "yaml.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <unistd.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

struct pos_entry {
    size_t key; /* offset + 1 of the pointer in yaml_doc.keys; 0: empty slot */
    uint64_t hash;
    struct yaml_pos pos;
};

struct yaml_doc {
    json_t *root;
    char *path;
    struct buf keys; /* every pointer, NUL-terminated, one after the other */
    struct pos_entry *slots;
    size_t nslots, used;
    char **plains;   /* the texts yaml_pos.plain points to */
    struct buf text; /* what yaml_load_file read; empty for yaml_parse */
    size_t nplains, plains_cap;
};

/* FNV-1a */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void table_insert(struct yaml_doc *d, size_t key, uint64_t hash, struct yaml_pos pos)
{
    size_t mask = d->nslots - 1, i = hash & mask;
    while (d->slots[i].key)
        i = (i + 1) & mask;
    d->slots[i].key = key;
    d->slots[i].hash = hash;
    d->slots[i].pos = pos;
    d->used++;
}

static void table_grow(struct yaml_doc *d)
{
    struct pos_entry *old = d->slots;
    size_t oldn = d->nslots;
    d->nslots = oldn ? oldn * 2 : 64;
    d->slots = xcalloc(d->nslots, sizeof *d->slots);
    d->used = 0;
    for (size_t i = 0; i < oldn; i++)
        if (old[i].key)
            table_insert(d, old[i].key, old[i].hash, old[i].pos);
    free(old);
}

static struct pos_entry *table_find(const struct yaml_doc *d, const char *key, uint64_t hash)
{
    if (!d->nslots)
        return NULL;
    size_t mask = d->nslots - 1, i = hash & mask;
    while (d->slots[i].key) {
        if (d->slots[i].hash == hash && !strcmp(d->keys.data + d->slots[i].key - 1, key))
            return &d->slots[i];
        i = (i + 1) & mask;
    }
    return NULL;
}

static void table_put(struct yaml_doc *d, const char *key, struct yaml_pos pos)
{
    uint64_t h = hash_str(key);
    struct pos_entry *e = table_find(d, key, h);
    if (e) {
        e->pos = pos;
        return;
    }
    if ((d->used + 1) * 4 > d->nslots * 3)
        table_grow(d);
    size_t off = d->keys.len + 1;
    buf_add(&d->keys, key, strlen(key) + 1);
    table_insert(d, off, h, pos);
}

static const struct yaml_pos *table_get(const struct yaml_doc *d, const char *key)
{
    const struct pos_entry *e = table_find(d, key, hash_str(key));
    return e ? &e->pos : NULL;
}

void json_pointer_add(struct buf *b, const char *token)
{
    buf_addch(b, '/');
    size_t plain = strcspn(token, "~/"); /* most keys need no escape: copied at once */
    buf_add(b, token, plain);
    for (token += plain; *token; token++) {
        if (*token == '~')
            buf_addstr(b, "~0");
        else if (*token == '/')
            buf_addstr(b, "~1");
        else
            buf_addch(b, *token);
    }
}

void json_pointer_add_index(struct buf *b, size_t i)
{
    char digits[24], *p = digits + sizeof digits; /* without printf: once per list item */
    do {
        *--p = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    buf_addch(b, '/');
    buf_add(b, p, (size_t)(digits + sizeof digits - p));
}

/* ---- UTF-8 check (before libyaml, so the error has a line and column) ---- */

/* Returns 0, or 1 with the position of the first invalid sequence. */
static int utf8_check(const unsigned char *s, size_t len, int *line, int *col)
{
    int ln = 1, cl = 1;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            n = 1;
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            n = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4;
            cp = c & 0x07;
        } else {
            goto cleanup;
        }
        if (i + n > len)
            goto cleanup;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto cleanup;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* overlong forms, surrogates, beyond U+10FFFF, NUL */
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || cp == 0)
            goto cleanup;
        if (c == '\n') {
            ln++;
            cl = 1;
        } else {
            cl++;
        }
        i += n;
    }
    return 0;
cleanup:
    *line = ln;
    *col = cl;
    return 1;
}

/* ---- scalar resolution (YAML 1.2 core schema) ---- */

static bool is_null_word(const char *s)
{
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static int bool_word(const char *s)
{
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return 1;
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return 0;
    return -1;
}

/* Words YAML 1.1 reads as booleans (PyYAML, many editors, kubeflow's bug #13756). */
static bool yaml11_bool_like(const char *s)
{
    static const char *const words[] = {
        "y",  "Y",  "yes", "Yes", "YES", "n",    "N",    "no",   "No",    "NO",    "on",
        "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE", "false", "False", "FALSE",
    };
    /* every key of every file comes here: most start with another letter */
    if (!*s || !strchr("yYnNoOtTfF", *s))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(words); i++)
        if (!strcmp(s, words[i]))
            return true;
    return false;
}

static bool all_in(const char *s, const char *set)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr(set, *s))
            return false;
    return true;
}

static bool is_decimal_int(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    return all_in(s, "0123456789");
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool is_float(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    size_t digits = strspn(s, "0123456789");
    s += digits;
    if (*s == '.') {
        s++;
        size_t frac = strspn(s, "0123456789");
        if (!digits && !frac)
            return false;
        s += frac;
    } else if (!digits) {
        return false;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        size_t e = strspn(s, "0123456789");
        if (!e)
            return false;
        s += e;
    }
    return !*s;
}

static bool is_inf_nan(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    return !strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, ".INF") || !strcmp(s, ".nan") ||
           !strcmp(s, ".NaN") || !strcmp(s, ".NAN");
}

/* A number that does not fit json_int_t becomes a real, as JSON parsers do. */
static json_t *make_int(const char *s, int base)
{
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, base);
    if (errno == ERANGE) { /* json_real() takes no infinity: the value would vanish */
        /* strtod reads no 0o/0x digits (it took 0x1fff... for 1): too large is all we know */
        double d = base == 10 ? strtod(s, NULL) : HUGE_VAL;
        return json_real(isinf(d) ? copysign(DBL_MAX, d) : d);
    }
    return json_integer(v);
}

struct loader {
    struct yaml_doc *doc;
    struct diag_list *diags;
    const char *file;
    int errors;
    bool fatal; /* stop reading: the rest of the stream cannot be trusted */
};

static void load_error(struct loader *l, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void load_error(struct loader *l, yaml_mark_t m, const char *fmt, ...)
{
    struct buf msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    diag_add(l->diags, DIAG_ERROR, l->file, (int)m.line + 1, (int)m.column + 1, "yaml", "%s",
             msg.data);
    buf_free(&msg);
    l->errors++;
    l->fatal = true;
}

#define TAG_PREFIX "tag:yaml.org,2002:"

/* Resolves a scalar event to a JSON value, or NULL after reporting an error. */
static json_t *resolve_scalar(struct loader *l, const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    if (memchr(v, '\0', len)) {
        load_error(l, ev->start_mark, "NUL character in a string");
        return NULL;
    }
    if (tag) {
        if (!strcmp(tag, TAG_PREFIX "str") || !strcmp(tag, "!"))
            return json_stringn(v, len);
        if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0 && strcmp(tag, "?") != 0) {
            load_error(l, ev->start_mark, "unsupported YAML tag '%s'", tag);
            return NULL;
        }
    }
    if (!ev->data.scalar.plain_implicit && !tag)
        return json_stringn(v, len); /* quoted or block scalar */
    if (tag && strcmp(tag, "?") != 0) {
        const char *t = tag + strlen(TAG_PREFIX);
        bool ok = (!strcmp(t, "null") && is_null_word(v)) ||
                  (!strcmp(t, "bool") && bool_word(v) >= 0) ||
                  (!strcmp(t, "int") && is_decimal_int(v)) || (!strcmp(t, "float") && is_float(v));
        if (!ok) {
            load_error(l, ev->start_mark,
                       "unsupported YAML tag '%s' (or a value that does not "
                       "fit it)",
                       tag);
            return NULL;
        }
    }
    if (is_null_word(v))
        return json_null();
    int b = bool_word(v);
    if (b >= 0)
        return json_boolean(b);
    if (is_decimal_int(v))
        return make_int(v, 10);
    if (!strncmp(v, "0o", 2) && all_in(v + 2, "01234567"))
        return make_int(v + 2, 8);
    if (!strncmp(v, "0x", 2) && all_in(v + 2, "0123456789abcdefABCDEF"))
        return make_int(v + 2, 16);
    if (is_float(v)) {
        double d = strtod(v, NULL);
        if (isinf(d)) { /* json_real() takes no infinity: the value would vanish */
            load_error(l, ev->start_mark,
                       "'%s' is too large for a number; quote it if you "
                       "mean the string",
                       v);
            return NULL;
        }
        return json_real(d);
    }
    if (is_inf_nan(v)) {
        load_error(l, ev->start_mark,
                   "'%s': infinite and NaN numbers are not supported; quote "
                   "it if you mean the string",
                   v);
        return NULL;
    }
    return json_stringn(v, len);
}

/* One open collection while loading. */
struct frame {
    json_t *node;
    size_t ptr_len; /* length of the pointer of this node in the path buffer */
    char *key;      /* mapping: pending key (NULL when the next scalar is a key) */
    yaml_mark_t key_mark;
    size_t index; /* sequence: next index */
};

static void record(struct loader *l, const char *ptr, yaml_mark_t value, const yaml_mark_t *key,
                   const yaml_event_t *ev)
{
    struct yaml_pos p = {(int)value.line + 1, (int)value.column + 1, 0, 0, NULL};
    if (ev && ev->type == YAML_SCALAR_EVENT && ev->data.scalar.plain_implicit &&
        !ev->data.scalar.tag) {
        struct yaml_doc *d = l->doc;
        ARRAY_GROW(d->plains, d->nplains + 1, d->plains_cap);
        d->plains[d->nplains] =
            xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        p.plain = d->plains[d->nplains++];
    }
    if (key) {
        p.key_line = (int)key->line + 1;
        p.key_col = (int)key->column + 1;
    }
    table_put(l->doc, ptr, p);
}

static const char *event_anchor(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: return (const char *)ev->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT: return (const char *)ev->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT: return (const char *)ev->data.mapping_start.anchor;
    default: return NULL;
    }
}

static const char *libyaml_problem(const yaml_parser_t *p)
{
    return p->problem ? p->problem : "syntax error";
}

/* Reports a libyaml parse error with a friendlier message for the usual causes. */
static void parser_error(struct loader *l, const yaml_parser_t *p, const char *data, size_t len)
{
    yaml_mark_t m = p->problem_mark;
    if (p->error == YAML_READER_ERROR || (m.line == 0 && m.column == 0 && p->problem_offset)) {
        /* reader errors carry only an offset */
        size_t off = p->problem_offset < len ? p->problem_offset : len;
        m.line = 0;
        m.column = 0;
        for (size_t i = 0; i < off; i++) {
            if (data[i] == '\n') {
                m.line++;
                m.column = 0;
            } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
                m.column++;
            }
        }
    }
    const char *problem = libyaml_problem(p);
    if (m.index < len && data[m.index] == '\t') {
        load_error(l, m,
                   "tab character where YAML expects indentation or a token (YAML "
                   "indents with spaces only)");
        return;
    }
    struct buf msg = BUF_INIT;
    buf_addf(&msg, "malformed YAML: %s", problem);
    if (p->context)
        buf_addf(&msg, " (%s, from line %d)", p->context, (int)p->context_mark.line + 1);
    load_error(l, m, "%s", msg.data);
    buf_free(&msg);
}

/* Attaches value to the innermost open collection (or makes it the root). Takes the
 * reference. Returns false when it was a duplicate key (value dropped). */
static void attach(struct loader *l, struct frame *stack, size_t depth, struct buf *path,
                   json_t *value, yaml_mark_t mark, const yaml_event_t *ev)
{
    if (depth == 0) {
        l->doc->root = value;
        record(l, "", mark, NULL, ev);
        return;
    }
    struct frame *f = &stack[depth - 1];
    buf_setlen(path, f->ptr_len);
    if (json_is_array(f->node)) {
        json_pointer_add_index(path, f->index++);
        record(l, path->data, mark, NULL, ev);
        json_array_append_new(f->node, value);
    } else {
        json_pointer_add(path, f->key);
        record(l, path->data, mark, &f->key_mark, ev);
        /* the key is UTF-8 without NUL (the whole text was checked, take_key refused NUL) */
        json_object_setn_new_nocheck(f->node, f->key, strlen(f->key), value);
        free(f->key);
        f->key = NULL;
    }
}

/* Handles a scalar in key position: checks it and stores it as the pending key. */
static void take_key(struct loader *l, struct frame *f, const yaml_event_t *ev)
{
    const char *k = (const char *)ev->data.scalar.value;
    if (strlen(k) != ev->data.scalar.length) {
        load_error(l, ev->start_mark, "NUL character in a key");
        return;
    }
    if (ev->data.scalar.plain_implicit && !ev->data.scalar.tag && yaml11_bool_like(k))
        diag_add(l->diags, DIAG_WARNING, l->file, (int)ev->start_mark.line + 1,
                 (int)ev->start_mark.column + 1, "yaml-bool-key",
                 "key '%s' is a boolean in YAML 1.1 (other tools read it as true or false); "
                 "quote it: \"%s\"",
                 k, k);
    if (json_object_get(f->node, k)) {
        diag_add(l->diags, DIAG_ERROR, l->file, (int)ev->start_mark.line + 1,
                 (int)ev->start_mark.column + 1, "duplicate-key", "duplicate key '%s'", k);
        l->errors++;
    }
    f->key = xstrdup(k);
    f->key_mark = ev->start_mark;
}

int yaml_parse(const char *data, size_t len, const char *display_path, struct yaml_doc **out,
               struct diag_list *diags)
{
    *out = NULL;
    struct yaml_doc *doc = xcalloc(1, sizeof *doc);
    buf_init(&doc->keys);
    buf_init(&doc->text);
    doc->path = xstrdup(display_path);
    struct loader l = {doc, diags, display_path, 0, false};
    int line, col;
    /* A byte-order mark (what some Windows editors write) is no content: libyaml only skips it
     * when it detects the encoding itself, and it is told UTF-8 below. */
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
        data += 3;
        len -= 3;
    }
    if (utf8_check((const unsigned char *)data, len, &line, &col)) {
        diag_add(diags, DIAG_ERROR, display_path, line, col, "yaml",
                 "invalid UTF-8 (or a NUL byte); the file must be UTF-8 text");
        yaml_doc_free(doc);
        return 1;
    }

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        diag_add(diags, DIAG_ERROR, display_path, 0, 0, "yaml", "out of memory");
        yaml_doc_free(doc);
        return 1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    struct frame stack[YAML_MAX_DEPTH];
    size_t depth = 0;
    struct buf path = BUF_INIT;
    int documents = 0;
    bool done = false;
    /* A duplicate key is an error but not fatal: the rest of the file is still read. */
    while (!done && !l.fatal) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            parser_error(&l, &parser, data, len);
            break;
        }
        const char *anchor = event_anchor(&ev);
        if (anchor) {
            load_error(&l, ev.start_mark,
                       "anchors (&%s) and aliases are not supported; write "
                       "the value out",
                       anchor);
            yaml_event_delete(&ev);
            break;
        }
        struct frame *top = depth ? &stack[depth - 1] : NULL;
        bool key_slot = top && json_is_object(top->node) && !top->key;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                load_error(&l, ev.start_mark, "more than one YAML document in the file");
            break;
        case YAML_ALIAS_EVENT:
            load_error(&l, ev.start_mark,
                       "aliases (*%s) and anchors are not supported; write "
                       "the value out",
                       (const char *)ev.data.alias.anchor);
            break;
        case YAML_SCALAR_EVENT:
            if (key_slot) {
                take_key(&l, top, &ev);
            } else {
                json_t *v = resolve_scalar(&l, &ev);
                if (v)
                    attach(&l, stack, depth, &path, v, ev.start_mark, &ev);
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (key_slot) {
                load_error(&l, ev.start_mark, "a mapping key must be a plain value, not a %s",
                           ev.type == YAML_SEQUENCE_START_EVENT ? "list" : "mapping");
                break;
            }
            if (depth == YAML_MAX_DEPTH) {
                load_error(&l, ev.start_mark, "nesting deeper than %d levels", YAML_MAX_DEPTH);
                break;
            } else {
                json_t *node = ev.type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
                attach(&l, stack, depth, &path, json_incref(node), ev.start_mark, &ev);
                json_decref(node); /* the parent (or doc->root) holds it */
                struct frame *f = &stack[depth++];
                f->node = node;
                f->ptr_len = path.len;
                if (depth == 1)
                    f->ptr_len = 0;
                f->key = NULL;
                f->index = 0;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth) {
                depth--;
                free(stack[depth].key);
                stack[depth].key = NULL;
            }
            break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    while (depth) {
        depth--;
        free(stack[depth].key);
    }
    buf_free(&path);
    yaml_parser_delete(&parser);
    if (l.errors) {
        yaml_doc_free(doc);
        return 1;
    }
    if (!doc->root) {
        doc->root = json_null();
        record(&l, "", (yaml_mark_t){0, 0, 0}, NULL, NULL);
    }
    *out = doc;
    return 0;
}

int yaml_load_file(const char *path, const char *display_path, struct yaml_doc **out,
                   struct diag_list *diags)
{
    *out = NULL;
    /* one open, one fstat, the reads: validate runs this for hundreds of files */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_errno(display_path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return err_errno(display_path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return err_set("%s: not a regular file", display_path);
    }
    if (st.st_size > YAML_MAX_BYTES) {
        close(fd);
        diag_add(diags, DIAG_ERROR, display_path, 1, 1, "file-too-large",
                 "file is too large (%lld bytes; the limit is %d bytes)", (long long)st.st_size,
                 YAML_MAX_BYTES);
        return 1;
    }
    struct buf b = BUF_INIT;
    buf_grow(&b, (size_t)st.st_size + 1);
    for (;;) {
        if (b.len > YAML_MAX_BYTES) {
            /* grew while we read */
            close(fd);
            buf_free(&b);
            diag_add(diags, DIAG_ERROR, display_path, 1, 1, "file-too-large",
                     "file is too large (the limit is %d bytes)", YAML_MAX_BYTES);
            return 1;
        }
        buf_grow(&b, 4096);
        ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            buf_free(&b);
            return err_errno(display_path);
        }
        if (n == 0)
            break;
        buf_setlen(&b, b.len + (size_t)n);
    }
    close(fd);
    int r = yaml_parse(b.data, b.len, display_path, out, diags);
    if (*out)
        (*out)->text = b; /* kept for yaml_doc_text */
    else
        buf_free(&b);
    return r;
}

json_t *yaml_doc_root(const struct yaml_doc *doc)
{
    return doc->root;
}

const char *yaml_doc_path(const struct yaml_doc *doc)
{
    return doc->path;
}

const char *yaml_doc_text(const struct yaml_doc *doc, size_t *len)
{
    *len = doc->text.len;
    return doc->text.cap ? doc->text.data : NULL;
}

bool yaml_doc_find(const struct yaml_doc *doc, const char *pointer, struct yaml_pos *pos)
{
    char *p = xstrdup(pointer);
    for (;;) {
        const struct yaml_pos *hit = table_get(doc, p);
        if (hit) {
            *pos = *hit;
            free(p);
            return true;
        }
        char *slash = strrchr(p, '/');
        if (!slash) {
            free(p);
            return false;
        }
        *slash = '\0';
    }
}

void yaml_doc_loc(const struct yaml_doc *doc, const char *pointer, bool at_key, int *line, int *col)
{
    struct yaml_pos p = {0, 0, 0, 0, NULL};
    yaml_doc_find(doc, pointer, &p);
    if (at_key && p.key_line) {
        *line = p.key_line;
        *col = p.key_col;
    } else {
        *line = p.line;
        *col = p.col;
    }
}

void yaml_doc_free(struct yaml_doc *doc)
{
    if (!doc)
        return;
    json_decref(doc->root);
    buf_free(&doc->keys);
    buf_free(&doc->text);
    free(doc->slots);
    free(doc->path);
    for (size_t i = 0; i < doc->nplains; i++)
        free(doc->plains[i]);
    free(doc->plains);
    free(doc);
}
