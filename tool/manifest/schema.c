/* JSON Schema draft-07 subset validator. See schema.h for what is implemented. */
#include "schema.h"
#include "yaml.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_MAX_DEPTH 200

struct regex_entry {
    char *pattern;
    regex_t re;
};

/* One object of the schema with its keywords looked up once, by schema_new: validation
 * used to look every keyword up by name (a hash of the name) at every node it visited,
 * a third of its time. A keyword that is absent is NULL. */
struct pattern_prop {
    const char *pattern;
    regex_t *re; /* NULL: the pattern did not compile (it never matches) */
    const json_t *schema;
};

struct node {
    const json_t *sch;
    const json_t *ref, *ref_target; /* $ref and what it resolves to (NULL: does not) */
    const json_t *type, *enum_, *const_;
    const json_t *minimum, *maximum, *exclusive_minimum, *exclusive_maximum, *multiple_of;
    const json_t *min_length, *max_length, *pattern;
    regex_t *pattern_re; /* pattern compiled; NULL: it did not compile */
    const json_t *min_items, *max_items, *unique_items, *items, *additional_items, *contains;
    const json_t *required, *min_properties, *max_properties, *properties, *additional_properties,
        *property_names, *dependencies;
    const json_t *pattern_properties;
    struct pattern_prop *pprops; /* pattern_properties in order, compiled */
    size_t npprops;
    const json_t *all_of, *any_of, *one_of, *not_, *if_, *then_, *else_;
};

struct schema {
    json_t *root;
    /* every pattern of the schema, compiled by schema_new; read-only afterwards, so one
     * schema may validate in several threads at once (regexec is thread-safe) */
    struct regex_entry *regexes;
    size_t nregexes, cap;
    bool frozen;
    /* every object under root as a node, found by its address (open addressing; slots hold
     * node index + 1); read-only after schema_new too */
    struct node *nodes;
    size_t nnodes, nodes_cap;
    size_t *slots;
    size_t nslots;
};

struct ctx {
    struct schema *s;
    struct schema_errors *errs; /* NULL: only the verdict matters */
    struct buf ptr;             /* instance pointer */
};

static void add_error(struct schema_errors *errs, const char *pointer, const char *keyword,
                      bool at_key, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_error(struct schema_errors *errs, const char *pointer, const char *keyword,
                      bool at_key, const char *fmt, ...)
{
    if (!errs)
        return;
    struct buf msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    ARRAY_GROW(errs->items, errs->count + 1, errs->cap);
    struct schema_error *e = &errs->items[errs->count++];
    e->pointer = xstrdup(pointer);
    e->keyword = xstrdup(keyword);
    e->message = buf_detach(&msg, NULL);
    e->at_key = at_key;
}

void schema_errors_free(struct schema_errors *errs)
{
    for (size_t i = 0; i < errs->count; i++) {
        free(errs->items[i].pointer);
        free(errs->items[i].keyword);
        free(errs->items[i].message);
    }
    free(errs->items);
    errs->items = NULL;
    errs->count = errs->cap = 0;
}

/* ---- helpers ---- */

bool json_value_equal(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        if (json_is_integer(a) && json_is_integer(b))
            return json_integer_value(a) == json_integer_value(b);
        return json_number_value(a) == json_number_value(b);
    }
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               !memcmp(json_string_value(a), json_string_value(b), json_string_length(a));
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!json_value_equal(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b))
            return false;
        const char *k;
        json_t *v;
        json_object_foreach ((json_t *)a, k, v) {
            json_t *w = json_object_get(b, k);
            if (!w || !json_value_equal(v, w))
                return false;
        }
        return true;
    }
    default: return true; /* true, false, null */
    }
}

/* Optimal string alignment distance: edits plus adjacent transpositions (fsat -> fast). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t limit = strlen(word) / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    for (size_t i = 0; i < n; i++) {
        char a[65], b[65];
        size_t la = strlen(word), lb = strlen(cands[i]);
        if (la > 64 || lb > 64)
            continue;
        /* case-insensitive: treshold -> THRESHOLD */
        for (size_t k = 0; k <= la; k++)
            a[k] = (char)tolower((unsigned char)word[k]);
        for (size_t k = 0; k <= lb; k++)
            b[k] = (char)tolower((unsigned char)cands[i][k]);
        size_t d = edit_distance(a, b);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

static bool is_integral(const json_t *v)
{
    if (json_is_integer(v))
        return true;
    if (!json_is_real(v))
        return false;
    double d = json_real_value(v);
    return isfinite(d) && d == floor(d);
}

static bool type_matches(const char *t, const json_t *v)
{
    if (!strcmp(t, "integer"))
        return is_integral(v);
    if (!strcmp(t, "number"))
        return json_is_number(v);
    return !strcmp(t, type_name(v)) || (!strcmp(t, "boolean") && json_is_boolean(v));
}

/* A short rendering of a value for messages: strings quoted, long values cut. */
static void describe(struct buf *b, const json_t *v)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        if (n > 60)
            buf_addf(b, "'%.57s...'", s);
        else
            buf_addf(b, "'%s'", s);
        return;
    }
    if (json_is_object(v) || json_is_array(v)) {
        buf_addstr(b, type_name(v));
        return;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    buf_addstr(b, s ? s : "?");
    free(s);
}

static size_t utf8_length(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

/* ECMA-262 class escapes -> POSIX classes; everything else is passed through. */
static void ecma_to_ere(struct buf *out, const char *p)
{
    bool in_bracket = false;
    for (; *p; p++) {
        if (*p == '\\' && p[1]) {
            const char *rep = NULL;
            switch (p[1]) {
            case 'd': rep = in_bracket ? "0-9" : "[0-9]"; break;
            case 'w': rep = in_bracket ? "A-Za-z0-9_" : "[A-Za-z0-9_]"; break;
            case 's': rep = in_bracket ? "[:space:]" : "[[:space:]]"; break;
            case 'D': rep = in_bracket ? NULL : "[^0-9]"; break;
            case 'W': rep = in_bracket ? NULL : "[^A-Za-z0-9_]"; break;
            case 'S': rep = in_bracket ? NULL : "[^[:space:]]"; break;
            default: break;
            }
            if (rep) {
                buf_addstr(out, rep);
            } else if (in_bracket && p[1] != ']' && p[1] != '\\' && p[1] != '-' && p[1] != '^') {
                buf_addch(out, p[1]); /* [\.] -> [.] */
            } else if (in_bracket) {
                /* POSIX brackets have no escapes: ] first, - last, \ as is */
                buf_addch(out, '\\');
                buf_addch(out, p[1]);
            } else {
                buf_addch(out, '\\');
                buf_addch(out, p[1]);
            }
            p++;
            continue;
        }
        if (*p == '[' && !in_bracket) {
            in_bracket = true;
            buf_addch(out, '[');
            if (p[1] == '^') {
                buf_addch(out, '^');
                p++;
            }
            if (p[1] == ']') {
                buf_addch(out, ']');
                p++;
            }
            continue;
        }
        if (*p == ']' && in_bracket)
            in_bracket = false;
        buf_addch(out, *p);
    }
}

/* Lookaround, lazy quantifiers, non-capturing groups and backreferences: not ERE. */
static bool ecma_only(const char *p)
{
    if (strstr(p, "(?") || strstr(p, "*?") || strstr(p, "+?") || strstr(p, "??") || strstr(p, "}?"))
        return true;
    for (; *p; p++) {
        if (*p != '\\' || !p[1])
            continue;
        p++;
        if (strchr("123456789bB", *p))
            return true;
    }
    return false;
}

static regex_t *regex_get(struct schema *s, const char *pattern, bool *ok)
{
    for (size_t i = 0; i < s->nregexes; i++) {
        if (!strcmp(s->regexes[i].pattern, pattern)) {
            *ok = true;
            return &s->regexes[i].re;
        }
    }
    *ok = false;
    if (s->frozen || ecma_only(pattern))
        return NULL;
    struct buf ere = BUF_INIT;
    ecma_to_ere(&ere, pattern);
    regex_t re;
    int rc = regcomp(&re, ere.data, REG_EXTENDED | REG_NOSUB);
    buf_free(&ere);
    if (rc)
        return NULL;
    ARRAY_GROW(s->regexes, s->nregexes + 1, s->cap);
    s->regexes[s->nregexes].pattern = xstrdup(pattern);
    s->regexes[s->nregexes].re = re;
    *ok = true;
    return &s->regexes[s->nregexes++].re;
}

/* Resolves a local $ref ("#", "#/definitions/x") against the root; NULL if it does not. */
static const json_t *resolve_ref(const json_t *root, const char *ref)
{
    if (ref[0] != '#')
        return NULL;
    const json_t *node = root;
    const char *p = ref + 1;
    if (!*p)
        return root;
    if (*p != '/')
        return NULL;
    while (*p == '/') {
        p++;
        struct buf tok = BUF_INIT;
        while (*p && *p != '/') {
            if (*p == '~' && p[1] == '0') {
                buf_addch(&tok, '~');
                p += 2;
            } else if (*p == '~' && p[1] == '1') {
                buf_addch(&tok, '/');
                p += 2;
            } else if (*p == '%' && p[1] && p[2]) {
                char hex[3] = {p[1], p[2], 0};
                buf_addch(&tok, (char)strtol(hex, NULL, 16));
                p += 3;
            } else {
                buf_addch(&tok, *p++);
            }
        }
        if (json_is_object(node)) {
            node = json_object_get(node, tok.data);
        } else if (json_is_array(node)) {
            char *end;
            unsigned long i = strtoul(tok.data, &end, 10);
            node = (*tok.data && !*end) ? json_array_get(node, i) : NULL;
        } else {
            node = NULL;
        }
        buf_free(&tok);
        if (!node)
            return NULL;
    }
    return node;
}

/* ---- keyword table ---- */

static size_t ptr_hash(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (size_t)h;
}

static const struct node *node_find(const struct schema *s, const json_t *sch)
{
    if (!s->nslots)
        return NULL;
    size_t mask = s->nslots - 1;
    for (size_t i = ptr_hash(sch) & mask; s->slots[i]; i = (i + 1) & mask)
        if (s->nodes[s->slots[i] - 1].sch == sch)
            return &s->nodes[s->slots[i] - 1];
    return NULL;
}

/* Fills n from the object sch (regular expressions from s's compiled set). */
static void node_fill(struct schema *s, struct node *n, const json_t *sch)
{
    memset(n, 0, sizeof *n);
    n->sch = sch;
    if ((n->ref = json_object_get(sch, "$ref")) && json_is_string(n->ref))
        n->ref_target = resolve_ref(s->root, json_string_value(n->ref));
    n->type = json_object_get(sch, "type");
    n->enum_ = json_object_get(sch, "enum");
    n->const_ = json_object_get(sch, "const");
    n->minimum = json_object_get(sch, "minimum");
    n->maximum = json_object_get(sch, "maximum");
    n->exclusive_minimum = json_object_get(sch, "exclusiveMinimum");
    n->exclusive_maximum = json_object_get(sch, "exclusiveMaximum");
    n->multiple_of = json_object_get(sch, "multipleOf");
    n->min_length = json_object_get(sch, "minLength");
    n->max_length = json_object_get(sch, "maxLength");
    n->pattern = json_object_get(sch, "pattern");
    bool ok;
    if (json_is_string(n->pattern)) {
        n->pattern_re = regex_get(s, json_string_value(n->pattern), &ok);
        if (!ok)
            n->pattern_re = NULL;
    }
    n->min_items = json_object_get(sch, "minItems");
    n->max_items = json_object_get(sch, "maxItems");
    n->unique_items = json_object_get(sch, "uniqueItems");
    n->items = json_object_get(sch, "items");
    n->additional_items = json_object_get(sch, "additionalItems");
    n->contains = json_object_get(sch, "contains");
    n->required = json_object_get(sch, "required");
    n->min_properties = json_object_get(sch, "minProperties");
    n->max_properties = json_object_get(sch, "maxProperties");
    n->properties = json_object_get(sch, "properties");
    n->pattern_properties = json_object_get(sch, "patternProperties");
    n->additional_properties = json_object_get(sch, "additionalProperties");
    n->property_names = json_object_get(sch, "propertyNames");
    n->dependencies = json_object_get(sch, "dependencies");
    n->all_of = json_object_get(sch, "allOf");
    n->any_of = json_object_get(sch, "anyOf");
    n->one_of = json_object_get(sch, "oneOf");
    n->not_ = json_object_get(sch, "not");
    n->if_ = json_object_get(sch, "if");
    n->then_ = json_object_get(sch, "then");
    n->else_ = json_object_get(sch, "else");
    if (n->pattern_properties) {
        n->pprops = xcalloc(json_object_size(n->pattern_properties) + 1, sizeof *n->pprops);
        const char *pat;
        json_t *psch;
        json_object_foreach ((json_t *)n->pattern_properties, pat, psch) {
            struct pattern_prop *pp = &n->pprops[n->npprops++];
            pp->pattern = pat;
            pp->re = regex_get(s, pat, &ok);
            if (!ok)
                pp->re = NULL;
            pp->schema = psch;
        }
    }
}

/* A node for every object under v, schema or not (a superset of what validation visits). */
static void nodes_add(struct schema *s, const json_t *v)
{
    if (json_is_object(v)) {
        ARRAY_GROW(s->nodes, s->nnodes + 1, s->nodes_cap);
        node_fill(s, &s->nodes[s->nnodes++], v);
        const char *k;
        json_t *m;
        json_object_foreach ((json_t *)v, k, m)
            nodes_add(s, m);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            nodes_add(s, json_array_get(v, i));
    }
}

static void nodes_build(struct schema *s)
{
    nodes_add(s, s->root);
    for (s->nslots = 64; s->nslots < s->nnodes * 2; s->nslots *= 2)
        ;
    s->slots = xcalloc(s->nslots, sizeof *s->slots);
    size_t mask = s->nslots - 1;
    for (size_t k = 0; k < s->nnodes; k++) {
        size_t i = ptr_hash(s->nodes[k].sch) & mask;
        while (s->slots[i])
            i = (i + 1) & mask;
        s->slots[i] = k + 1;
    }
}

/* ---- schema checking (schema_new) ---- */

static const char *const implemented[] = {
    "type",
    "enum",
    "const",
    "multipleOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "properties",
    "patternProperties",
    "additionalProperties",
    "required",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "dependencies",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "$ref",
    "definitions",
    "$schema",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
};

static bool is_implemented(const char *k)
{
    for (size_t i = 0; i < ARRAY_SIZE(implemented); i++)
        if (!strcmp(k, implemented[i]))
            return true;
    return false;
}

static void check_schema(struct schema *s, const json_t *sch, struct buf *ptr, bool is_root,
                         struct schema_errors *problems, int depth);

/* A key that is not a keyword but holds schemas some $ref points into (a home-made
 * "definitions") is allowed; anything else unknown is an unsupported keyword. */
static bool refs_into(const json_t *v, const char *pointer)
{
    size_t n = strlen(pointer);
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach ((json_t *)v, k, m) {
            if (!strcmp(k, "$ref") && json_is_string(m)) {
                struct buf r = BUF_INIT;
                for (const char *q = json_string_value(m); *q; q++) {
                    if (*q == '%' && q[1] && q[2]) {
                        char hex[3] = {q[1], q[2], 0};
                        buf_addch(&r, (char)strtol(hex, NULL, 16));
                        q += 2;
                    } else {
                        buf_addch(&r, *q);
                    }
                }
                bool hit = r.data[0] == '#' && !strncmp(r.data + 1, pointer, n) &&
                           (r.data[1 + n] == '/' || !r.data[1 + n]);
                buf_free(&r);
                if (hit)
                    return true;
            } else if (strcmp(k, "enum") && strcmp(k, "const") && refs_into(m, pointer)) {
                return true;
            }
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (refs_into(json_array_get(v, i), pointer))
                return true;
    }
    return false;
}

/* Compiles every pattern found under v (schemas reached only through a $ref into a
 * non-keyword container are not walked as schemas, but must not miss their patterns). */
static void precompile(struct schema *s, const json_t *v)
{
    bool ok;
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach ((json_t *)v, k, m) {
            if (!strcmp(k, "pattern") && json_is_string(m))
                regex_get(s, json_string_value(m), &ok);
            if (!strcmp(k, "patternProperties") && json_is_object(m)) {
                const char *pat;
                json_t *sub;
                json_object_foreach (m, pat, sub)
                    regex_get(s, pat, &ok);
            }
            if (strcmp(k, "enum") && strcmp(k, "const"))
                precompile(s, m);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            precompile(s, json_array_get(v, i));
    }
}

static bool is_ref_container(const json_t *root, const char *pointer)
{
    return refs_into(root, pointer);
}

static void check_sub(struct schema *s, const json_t *sub, struct buf *ptr, const char *k,
                      struct schema_errors *problems, int depth)
{
    size_t len = ptr->len;
    json_pointer_add(ptr, k);
    check_schema(s, sub, ptr, false, problems, depth + 1);
    buf_setlen(ptr, len);
}

static void check_map(struct schema *s, const json_t *map, struct buf *ptr, const char *k,
                      struct schema_errors *problems, int depth)
{
    size_t len = ptr->len;
    json_pointer_add(ptr, k);
    if (!json_is_object(map)) {
        add_error(problems, ptr->data, k, false, "'%s' must be an object of schemas", k);
    } else {
        const char *name;
        json_t *sub;
        json_object_foreach ((json_t *)map, name, sub)
            check_sub(s, sub, ptr, name, problems, depth);
    }
    buf_setlen(ptr, len);
}

static void check_list(struct schema *s, const json_t *list, struct buf *ptr, const char *k,
                       struct schema_errors *problems, int depth)
{
    size_t len = ptr->len;
    json_pointer_add(ptr, k);
    if (!json_is_array(list) || !json_array_size(list)) {
        add_error(problems, ptr->data, k, false, "'%s' must be a non-empty array of schemas", k);
    } else {
        for (size_t i = 0; i < json_array_size(list); i++) {
            size_t l2 = ptr->len;
            json_pointer_add_index(ptr, i);
            check_schema(s, json_array_get(list, i), ptr, false, problems, depth + 1);
            buf_setlen(ptr, l2);
        }
    }
    buf_setlen(ptr, len);
}

static void check_schema(struct schema *s, const json_t *sch, struct buf *ptr, bool is_root,
                         struct schema_errors *problems, int depth)
{
    if (json_is_boolean(sch))
        return;
    if (!json_is_object(sch)) {
        add_error(problems, ptr->data, "", false, "a schema must be an object or a boolean");
        return;
    }
    if (depth > SCHEMA_MAX_DEPTH) {
        add_error(problems, ptr->data, "", false, "schema nested too deeply");
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)sch, k, v) {
        size_t len = ptr->len;
        if (!strcmp(k, "$id") && is_root)
            continue;
        if (!is_implemented(k)) {
            json_pointer_add(ptr, k);
            if (is_ref_container(s->root, ptr->data)) {
                precompile(s, v);
                buf_setlen(ptr, len);
                continue;
            }
            add_error(problems, ptr->data, k, true, "unsupported keyword '%s'", k);
            buf_setlen(ptr, len);
            continue;
        }
        if (!strcmp(k, "properties") || !strcmp(k, "patternProperties") ||
            !strcmp(k, "definitions")) {
            check_map(s, v, ptr, k, problems, depth);
            if (!strcmp(k, "patternProperties") && json_is_object(v)) {
                const char *pat;
                json_t *sub;
                json_object_foreach (v, pat, sub) {
                    bool ok;
                    regex_get(s, pat, &ok);
                    if (!ok)
                        add_error(problems, ptr->data, k, false,
                                  "pattern '%s' is not supported (POSIX ERE)", pat);
                }
            }
        } else if (!strcmp(k, "dependencies")) {
            if (!json_is_object(v)) {
                add_error(problems, ptr->data, k, false, "'dependencies' must be an object");
                continue;
            }
            const char *name;
            json_t *dep;
            json_pointer_add(ptr, k);
            json_object_foreach (v, name, dep)
                if (!json_is_array(dep))
                    check_sub(s, dep, ptr, name, problems, depth);
            buf_setlen(ptr, len);
        } else if (!strcmp(k, "allOf") || !strcmp(k, "anyOf") || !strcmp(k, "oneOf")) {
            check_list(s, v, ptr, k, problems, depth);
        } else if (!strcmp(k, "items")) {
            if (json_is_array(v)) {
                json_pointer_add(ptr, k);
                for (size_t i = 0; i < json_array_size(v); i++) {
                    size_t l2 = ptr->len;
                    json_pointer_add_index(ptr, i);
                    check_schema(s, json_array_get(v, i), ptr, false, problems, depth + 1);
                    buf_setlen(ptr, l2);
                }
                buf_setlen(ptr, len);
            } else {
                check_sub(s, v, ptr, k, problems, depth);
            }
        } else if (!strcmp(k, "additionalItems") || !strcmp(k, "additionalProperties") ||
                   !strcmp(k, "not") || !strcmp(k, "if") || !strcmp(k, "then") ||
                   !strcmp(k, "else") || !strcmp(k, "contains") || !strcmp(k, "propertyNames")) {
            check_sub(s, v, ptr, k, problems, depth);
        } else if (!strcmp(k, "$ref")) {
            json_pointer_add(ptr, k);
            if (!json_is_string(v))
                add_error(problems, ptr->data, k, false, "$ref must be a string");
            else if (json_string_value(v)[0] != '#')
                add_error(problems, ptr->data, k, false,
                          "unsupported keyword use: remote $ref '%s' (only local '#...' refs)",
                          json_string_value(v));
            else if (!resolve_ref(s->root, json_string_value(v)))
                add_error(problems, ptr->data, k, false, "$ref '%s' does not resolve",
                          json_string_value(v));
            buf_setlen(ptr, len);
        } else if (!strcmp(k, "pattern")) {
            bool ok = json_is_string(v);
            if (ok)
                regex_get(s, json_string_value(v), &ok);
            if (!ok) {
                json_pointer_add(ptr, k);
                add_error(problems, ptr->data, k, false,
                          "pattern is not a string or not supported (POSIX ERE)");
                buf_setlen(ptr, len);
            }
        } else if (!strcmp(k, "type")) {
            bool ok = json_is_string(v) || json_is_array(v);
            if (json_is_array(v))
                for (size_t i = 0; i < json_array_size(v); i++)
                    ok = ok && json_is_string(json_array_get(v, i));
            if (!ok)
                add_error(problems, ptr->data, k, false, "'type' must be a string or strings");
        } else if (!strcmp(k, "enum") || !strcmp(k, "required")) {
            if (!json_is_array(v))
                add_error(problems, ptr->data, k, false, "'%s' must be an array", k);
        }
    }
}

int schema_new(json_t *root, struct schema **out, struct schema_errors *problems)
{
    struct schema *s = xcalloc(1, sizeof *s);
    s->root = json_incref(root);
    struct buf ptr = BUF_INIT;
    size_t before = problems->count;
    check_schema(s, root, &ptr, true, problems, 0);
    buf_free(&ptr);
    if (problems->count > before) {
        schema_free(s);
        *out = NULL;
        return -1;
    }
    s->frozen = true;
    nodes_build(s); /* after freezing: a pattern that did not compile stays uncompiled */
    *out = s;
    return 0;
}

void schema_free(struct schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nregexes; i++) {
        regfree(&s->regexes[i].re);
        free(s->regexes[i].pattern);
    }
    free(s->regexes);
    for (size_t i = 0; i < s->nnodes; i++)
        free(s->nodes[i].pprops);
    free(s->nodes);
    free(s->slots);
    json_decref(s->root);
    free(s);
}

/* ---- validation ---- */

static bool validate(struct ctx *c, const json_t *sch, const json_t *inst, int depth);

/* Validates a child instance (object member or array item) with the pointer extended. */
static bool validate_member(struct ctx *c, const json_t *sch, const json_t *inst, const char *key,
                            size_t index, int depth)
{
    size_t len = c->ptr.len;
    if (key)
        json_pointer_add(&c->ptr, key);
    else
        json_pointer_add_index(&c->ptr, index);
    bool ok = validate(c, sch, inst, depth + 1);
    buf_setlen(&c->ptr, len);
    return ok;
}

/* Runs sch on inst without reporting; the verdict only. */
static bool probe(struct ctx *c, const json_t *sch, const json_t *inst, int depth,
                  struct schema_errors *collect)
{
    struct schema_errors *saved = c->errs;
    c->errs = collect;
    bool ok = validate(c, sch, inst, depth + 1);
    c->errs = saved;
    return ok;
}

static void move_errors(struct schema_errors *to, struct schema_errors *from)
{
    if (to) {
        for (size_t i = 0; i < from->count; i++) {
            ARRAY_GROW(to->items, to->count + 1, to->cap);
            to->items[to->count++] = from->items[i];
        }
        free(from->items);
        from->items = NULL;
        from->count = from->cap = 0;
    } else {
        schema_errors_free(from);
    }
}

static bool check_type(struct ctx *c, const json_t *t, const json_t *inst)
{
    if (json_is_string(t)) {
        if (type_matches(json_string_value(t), inst))
            return true;
        struct buf d = BUF_INIT;
        describe(&d, inst);
        bool scalar = !json_is_object(inst) && !json_is_array(inst);
        if (!strcmp(json_string_value(t), "string") && scalar && !json_is_null(inst))
            /* version: 1.0, name: yes, ... */
            add_error(c->errs, c->ptr.data, "type", false,
                      "expected string, got %s %s (YAML read the unquoted value as a %s; quote "
                      "it to keep it as text)",
                      type_name(inst), d.data, json_is_boolean(inst) ? "boolean" : "number");
        else
            add_error(c->errs, c->ptr.data, "type", false, "expected %s, got %s%s%s",
                      json_string_value(t), type_name(inst), json_is_string(inst) ? " " : "",
                      json_is_string(inst) ? d.data : "");
        buf_free(&d);
        return false;
    }
    for (size_t i = 0; i < json_array_size(t); i++)
        if (type_matches(json_string_value(json_array_get(t, i)), inst))
            return true;
    struct buf names = BUF_INIT; /* only for the finding */
    for (size_t i = 0; i < json_array_size(t); i++)
        buf_addf(&names, "%s%s", i ? " or " : "", json_string_value(json_array_get(t, i)));
    add_error(c->errs, c->ptr.data, "type", false, "expected %s, got %s", names.data,
              type_name(inst));
    buf_free(&names);
    return false;
}

static bool check_enum(struct ctx *c, const json_t *e, const json_t *inst)
{
    for (size_t i = 0; i < json_array_size(e); i++)
        if (json_value_equal(json_array_get(e, i), inst))
            return true;
    if (!c->errs)
        return false;
    struct buf d = BUF_INIT, list = BUF_INIT;
    describe(&d, inst);
    for (size_t i = 0; i < json_array_size(e) && i < 20; i++) {
        buf_addstr(&list, i ? ", " : "");
        const json_t *v = json_array_get(e, i);
        if (json_is_string(v))
            buf_addstr(&list, json_string_value(v));
        else
            describe(&list, v);
    }
    const char **cands = NULL;
    size_t n = 0;
    const char *sugg = NULL;
    if (json_is_string(inst)) {
        cands = xcalloc(json_array_size(e) + 1, sizeof *cands);
        for (size_t i = 0; i < json_array_size(e); i++)
            if (json_is_string(json_array_get(e, i)))
                cands[n++] = json_string_value(json_array_get(e, i));
        sugg = suggest_closest(json_string_value(inst), cands, n);
    }
    if (sugg)
        add_error(c->errs, c->ptr.data, "enum", false, "%s is not one of: %s (did you mean '%s'?)",
                  d.data, list.data, sugg);
    else
        add_error(c->errs, c->ptr.data, "enum", false, "%s is not one of: %s", d.data, list.data);
    free(cands);
    buf_free(&d);
    buf_free(&list);
    return false;
}

static bool check_numeric(struct ctx *c, const struct node *n, const json_t *inst)
{
    bool ok = true;
    double x = json_number_value(inst);
    const json_t *v;
    struct buf d = BUF_INIT; /* the value as text, made on the first failure */
#define FAIL_NUM(kw, fmt, bound)                                                                   \
    do {                                                                                           \
        if (c->errs && !d.len)                                                                     \
            describe(&d, inst);                                                                    \
        add_error(c->errs, c->ptr.data, kw, false, fmt, d.data, bound);                            \
        ok = false;                                                                                \
    } while (0)
    if ((v = n->minimum) && json_is_number(v) && x < json_number_value(v))
        FAIL_NUM("minimum", "%s is less than the minimum %g", json_number_value(v));
    if ((v = n->maximum) && json_is_number(v) && x > json_number_value(v))
        FAIL_NUM("maximum", "%s is greater than the maximum %g", json_number_value(v));
    if ((v = n->exclusive_minimum) && json_is_number(v) && x <= json_number_value(v))
        FAIL_NUM("exclusiveMinimum", "%s must be greater than %g", json_number_value(v));
    if ((v = n->exclusive_maximum) && json_is_number(v) && x >= json_number_value(v))
        FAIL_NUM("exclusiveMaximum", "%s must be less than %g", json_number_value(v));
    if ((v = n->multiple_of) && json_is_number(v)) {
        bool multiple;
        if (json_is_integer(v) && json_is_integer(inst) && json_integer_value(v) != 0) {
            json_int_t m = json_integer_value(v);
            multiple = m == -1 || json_integer_value(inst) % m == 0;
        } else {
            double q = x / json_number_value(v);
            multiple = isfinite(q) && fabs(q - nearbyint(q)) < 1e-9;
        }
        if (!multiple)
            FAIL_NUM("multipleOf", "%s is not a multiple of %g", json_number_value(v));
    }
#undef FAIL_NUM
    buf_free(&d);
    return ok;
}

static bool check_string(struct ctx *c, const struct node *n, const json_t *inst)
{
    bool ok = true;
    const json_t *v;
    size_t len = utf8_length(json_string_value(inst), json_string_length(inst));
    if ((v = n->min_length) && json_is_number(v) && (double)len < json_number_value(v)) {
        add_error(c->errs, c->ptr.data, "minLength", false,
                  "string is shorter than %g character(s)", json_number_value(v));
        ok = false;
    }
    if ((v = n->max_length) && json_is_number(v) && (double)len > json_number_value(v)) {
        add_error(c->errs, c->ptr.data, "maxLength", false, "string is longer than %g character(s)",
                  json_number_value(v));
        ok = false;
    }
    if ((v = n->pattern) && json_is_string(v) &&
        !(n->pattern_re && regexec(n->pattern_re, json_string_value(inst), 0, NULL, 0) == 0)) {
        struct buf d = BUF_INIT;
        describe(&d, inst);
        add_error(c->errs, c->ptr.data, "pattern", false, "%s does not match the pattern %s",
                  d.data, json_string_value(v));
        buf_free(&d);
        ok = false;
    }
    return ok;
}

static bool check_array(struct ctx *c, const struct node *n, const json_t *inst, int depth)
{
    bool ok = true;
    const json_t *v;
    size_t count = json_array_size(inst);
    if ((v = n->min_items) && json_is_number(v) && (double)count < json_number_value(v)) {
        add_error(c->errs, c->ptr.data, "minItems", false, "needs at least %g item(s), has %zu",
                  json_number_value(v), count);
        ok = false;
    }
    if ((v = n->max_items) && json_is_number(v) && (double)count > json_number_value(v)) {
        add_error(c->errs, c->ptr.data, "maxItems", false, "allows at most %g item(s), has %zu",
                  json_number_value(v), count);
        ok = false;
    }
    if ((v = n->unique_items) && json_is_true(v)) {
        for (size_t i = 0; i < count && ok; i++) {
            for (size_t j = i + 1; j < count; j++) {
                if (json_value_equal(json_array_get(inst, i), json_array_get(inst, j))) {
                    size_t len = c->ptr.len;
                    json_pointer_add_index(&c->ptr, j);
                    add_error(c->errs, c->ptr.data, "uniqueItems", false,
                              "duplicate item (same as item %zu)", i);
                    buf_setlen(&c->ptr, len);
                    ok = false;
                    break;
                }
            }
        }
    }
    const json_t *items = n->items;
    if (items && json_is_array(items)) {
        size_t m = json_array_size(items);
        for (size_t i = 0; i < count && i < m; i++)
            ok &= validate_member(c, json_array_get(items, i), json_array_get(inst, i), NULL, i,
                                  depth);
        const json_t *extra = n->additional_items;
        for (size_t i = m; extra && i < count; i++) {
            if (json_is_false(extra)) {
                size_t len = c->ptr.len;
                json_pointer_add_index(&c->ptr, i);
                add_error(c->errs, c->ptr.data, "additionalItems", false,
                          "at most %zu item(s) allowed here", m);
                buf_setlen(&c->ptr, len);
                ok = false;
                break;
            }
            ok &= validate_member(c, extra, json_array_get(inst, i), NULL, i, depth);
        }
    } else if (items) {
        for (size_t i = 0; i < count; i++)
            ok &= validate_member(c, items, json_array_get(inst, i), NULL, i, depth);
    }
    if ((v = n->contains)) {
        bool found = false;
        for (size_t i = 0; i < count && !found; i++)
            found = probe(c, v, json_array_get(inst, i), depth, NULL);
        if (!found) {
            add_error(c->errs, c->ptr.data, "contains", false, "no item matches the required form");
            ok = false;
        }
    }
    return ok;
}

static bool check_object(struct ctx *c, const struct node *n, const json_t *inst, int depth)
{
    bool ok = true;
    const json_t *v;
    size_t count = json_object_size(inst);
    if ((v = n->required) && json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            const char *k = json_string_value(json_array_get(v, i));
            if (k && !json_object_get(inst, k)) {
                add_error(c->errs, c->ptr.data, "required", false, "missing required key '%s'", k);
                ok = false;
            }
        }
    }
    if ((v = n->min_properties) && json_is_number(v) && (double)count < json_number_value(v)) {
        add_error(c->errs, c->ptr.data, "minProperties", false, "needs at least %g key(s)",
                  json_number_value(v));
        ok = false;
    }
    if ((v = n->max_properties) && json_is_number(v) && (double)count > json_number_value(v)) {
        add_error(c->errs, c->ptr.data, "maxProperties", false, "allows at most %g key(s)",
                  json_number_value(v));
        ok = false;
    }
    const json_t *props = n->properties;
    const json_t *addl = n->additional_properties;
    const json_t *pnames = n->property_names;
    const json_t *deps = n->dependencies;
    const char *k;
    json_t *member;
    json_object_foreach ((json_t *)inst, k, member) {
        bool matched = false;
        const json_t *ps = props ? json_object_get(props, k) : NULL;
        if (ps) {
            matched = true;
            ok &= validate_member(c, ps, member, k, 0, depth);
        }
        for (size_t i = 0; i < n->npprops; i++) {
            if (n->pprops[i].re && regexec(n->pprops[i].re, k, 0, NULL, 0) == 0) {
                matched = true;
                ok &= validate_member(c, n->pprops[i].schema, member, k, 0, depth);
            }
        }
        if (!matched && addl) {
            if (json_is_false(addl)) {
                size_t len = c->ptr.len;
                json_pointer_add(&c->ptr, k);
                const char *sugg = NULL;
                if (props && c->errs) {
                    size_t np = json_object_size(props), i = 0;
                    const char **names = xcalloc(np + 1, sizeof *names);
                    const char *pk;
                    json_t *pv;
                    json_object_foreach ((json_t *)props, pk, pv)
                        names[i++] = pk;
                    sugg = suggest_closest(k, names, i);
                    if (sugg)
                        add_error(c->errs, c->ptr.data, "additionalProperties", true,
                                  "unknown key '%s' (did you mean '%s'?)", k, sugg);
                    free(names);
                }
                if (!sugg)
                    add_error(c->errs, c->ptr.data, "additionalProperties", true,
                              "unknown key '%s'", k);
                buf_setlen(&c->ptr, len);
                ok = false;
            } else {
                ok &= validate_member(c, addl, member, k, 0, depth);
            }
        }
        if (pnames) {
            json_t *name = json_string(k);
            struct schema_errors sub = {0};
            if (!probe(c, pnames, name, depth, c->errs ? &sub : NULL)) {
                size_t len = c->ptr.len;
                json_pointer_add(&c->ptr, k);
                add_error(c->errs, c->ptr.data, "propertyNames", true,
                          "key '%s' is not allowed%s%s", k, sub.count ? ": " : "",
                          sub.count ? sub.items[0].message : "");
                buf_setlen(&c->ptr, len);
                ok = false;
            }
            schema_errors_free(&sub);
            json_decref(name);
        }
        const json_t *dep = deps ? json_object_get(deps, k) : NULL;
        if (dep && json_is_array(dep)) {
            for (size_t i = 0; i < json_array_size(dep); i++) {
                const char *need = json_string_value(json_array_get(dep, i));
                if (need && !json_object_get(inst, need)) {
                    add_error(c->errs, c->ptr.data, "dependencies", false, "'%s' requires '%s'", k,
                              need);
                    ok = false;
                }
            }
        } else if (dep) {
            ok &= validate(c, dep, inst, depth + 1);
        }
    }
    return ok;
}

/* How far a failed branch is from matching: a branch whose type does not even fit is the
 * farthest; otherwise the number of findings. */
static size_t branch_distance(const struct schema_errors *e, const char *ptr)
{
    for (size_t i = 0; i < e->count; i++)
        if (!strcmp(e->items[i].keyword, "type") && !strcmp(e->items[i].pointer, ptr))
            return 100000 + e->count;
    return e->count;
}

/* anyOf/oneOf: on failure, report the errors of the branch that came closest, which is
 * what a person fixing the file wants to see. */
static bool check_combinator(struct ctx *c, const char *kw, const json_t *list, const json_t *inst,
                             int depth)
{
    size_t n = json_array_size(list), matches = 0, first = 0;
    struct schema_errors best = {0};
    bool have_best = false;
    for (size_t i = 0; i < n; i++) {
        struct schema_errors e = {0};
        if (probe(c, json_array_get(list, i), inst, depth, c->errs ? &e : NULL)) {
            if (!matches++)
                first = i;
            schema_errors_free(&e);
            if (!strcmp(kw, "anyOf"))
                break;
            continue;
        }
        if (!have_best || branch_distance(&e, c->ptr.data) < branch_distance(&best, c->ptr.data)) {
            schema_errors_free(&best);
            best = e;
            have_best = true;
        } else {
            schema_errors_free(&e);
        }
    }
    bool ok = !strcmp(kw, "anyOf") ? matches > 0 : matches == 1;
    if (!ok && matches > 1)
        add_error(c->errs, c->ptr.data, kw, false,
                  "matches more than one of the allowed forms (%zu and others)", first);
    else if (!ok && best.count == 1)
        move_errors(c->errs, &best);
    else if (!ok)
        add_error(c->errs, c->ptr.data, kw, false, "does not match any of the allowed forms%s%s",
                  best.count ? "; closest: " : "", best.count ? best.items[0].message : "");
    schema_errors_free(&best);
    return ok;
}

/* The keywords of sch on inst (sch a schema object or, harmlessly, any other value). */
static bool validate_node(struct ctx *c, const struct node *n, const json_t *inst, int depth)
{
    const json_t *v;
    if (n->ref) {
        /* draft-07: $ref replaces every sibling keyword */
        if (!n->ref_target) {
            add_error(c->errs, c->ptr.data, "$ref", false, "$ref does not resolve");
            return false;
        }
        return validate(c, n->ref_target, inst, depth + 1);
    }
    bool ok = true;
    if ((v = n->type) && !check_type(c, v, inst))
        return false; /* the other keywords would only repeat the point */
    if ((v = n->enum_))
        ok &= check_enum(c, v, inst);
    if ((v = n->const_) && !json_value_equal(v, inst)) {
        struct buf d = BUF_INIT;
        describe(&d, v);
        add_error(c->errs, c->ptr.data, "const", false, "must be %s", d.data);
        buf_free(&d);
        ok = false;
    }
    if (json_is_number(inst))
        ok &= check_numeric(c, n, inst);
    else if (json_is_string(inst))
        ok &= check_string(c, n, inst);
    else if (json_is_array(inst))
        ok &= check_array(c, n, inst, depth);
    else if (json_is_object(inst))
        ok &= check_object(c, n, inst, depth);
    if ((v = n->all_of))
        for (size_t i = 0; i < json_array_size(v); i++)
            ok &= validate(c, json_array_get(v, i), inst, depth + 1);
    if ((v = n->any_of))
        ok &= check_combinator(c, "anyOf", v, inst, depth);
    if ((v = n->one_of))
        ok &= check_combinator(c, "oneOf", v, inst, depth);
    if ((v = n->not_) && probe(c, v, inst, depth, NULL)) {
        add_error(c->errs, c->ptr.data, "not", false, "value has a form that is not allowed here");
        ok = false;
    }
    if ((v = n->if_)) {
        const json_t *branch = probe(c, v, inst, depth, NULL) ? n->then_ : n->else_;
        if (branch)
            ok &= validate(c, branch, inst, depth + 1);
    }
    return ok;
}

static bool validate(struct ctx *c, const json_t *sch, const json_t *inst, int depth)
{
    if (json_is_true(sch))
        return true;
    if (json_is_false(sch)) {
        add_error(c->errs, c->ptr.data, "false", false, "no value is allowed here");
        return false;
    }
    if (depth > SCHEMA_MAX_DEPTH) {
        add_error(c->errs, c->ptr.data, "$ref", false, "schema recursion too deep");
        return false;
    }
    const struct node *n = node_find(c->s, sch);
    if (n)
        return validate_node(c, n, inst, depth);
    /* not an object under the schema's root (schema_new made a node for each of those):
     * its keywords looked up now */
    struct node tmp;
    node_fill(c->s, &tmp, sch);
    bool ok = validate_node(c, &tmp, inst, depth);
    free(tmp.pprops);
    return ok;
}

size_t schema_validate(struct schema *s, const json_t *instance, struct schema_errors *errs)
{
    size_t before = errs->count;
    struct ctx c = {s, errs, BUF_INIT};
    bool ok = validate(&c, s->root, instance, 0);
    buf_free(&c.ptr);
    if (!ok && errs->count == before)
        add_error(errs, "", "", false, "value does not match the schema");
    return errs->count - before;
}
