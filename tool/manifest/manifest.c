/* analytic.yaml: YAML -> schema -> struct manifest -> semantic checks. See manifest.h. */
#include "manifest.h"
#include "catalog.h"
#include "schema.h"
#include "check.h"
#include "yaml.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const param_type_names[] = {"string", "integer", "number", "boolean", "list"};
static const char *const attr_type_names[] = {"string",  "integer", "number",
                                              "boolean", "list",    "timestamp"};

const char *param_type_name(enum param_type t)
{
    return param_type_names[t];
}

const char *attr_type_name(enum attr_type t)
{
    return attr_type_names[t];
}

/* Common SPDX identifiers; others get a warning (typos like Apache2.0 are common). */
static const char *const spdx_ids[] = {
    "0BSD",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-2.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.2",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "ISC",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "PostgreSQL",
    "Python-2.0",
    "Unlicense",
    "UPL-1.0",
    "WTFPL",
    "Zlib",
    "LicenseRef-Proprietary",
};

/* ---- the checker: findings at JSON Pointer positions of one YAML document ---- */

static void vreport(struct check *c, enum diag_severity sev, const char *pointer, bool at_key,
                    const char *rule, const char *fmt, va_list ap)
{
    struct buf msg = BUF_INIT;
    buf_vaddf(&msg, fmt, ap);
    int line = 0, col = 0;
    if (c->doc)
        yaml_doc_loc(c->doc, pointer, at_key, &line, &col);
    diag_add(c->diags, sev, c->file, line, col, rule, "%s", msg.data);
    buf_free(&msg);
    if (sev == DIAG_ERROR)
        c->errors++;
}

void check_error(struct check *c, const char *pointer, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, DIAG_ERROR, pointer, false, rule, fmt, ap);
    va_end(ap);
}

void check_warning(struct check *c, const char *pointer, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, DIAG_WARNING, pointer, false, rule, fmt, ap);
    va_end(ap);
}

/* ---- small helpers ---- */

void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

void strlist_from_json(struct strlist *out, const json_t *arr)
{
    out->count = 0;
    out->items = NULL;
    if (!json_is_array(arr))
        return;
    out->items = xcalloc(json_array_size(arr) + 1, sizeof *out->items);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        out->items[out->count++] = xstrdup(s ? s : "");
    }
}

static char *dup_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? xstrdup(s) : NULL;
}

static int find_name(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return (int)i;
    return -1;
}

/* Renders a JSON scalar or list of scalars the way Kestrel passes a WITH value. */
void render_json_value(struct buf *out, const json_t *v)
{
    char num[64];
    switch (json_typeof(v)) {
    case JSON_STRING: buf_addstr(out, json_string_value(v)); break;
    case JSON_INTEGER: buf_addf(out, "%lld", (long long)json_integer_value(v)); break;
    case JSON_REAL:
        params_format_double(json_real_value(v), num, sizeof num);
        buf_addstr(out, num);
        break;
    case JSON_TRUE: buf_addstr(out, "true"); break;
    case JSON_FALSE: buf_addstr(out, "false"); break;
    case JSON_ARRAY:
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                buf_addch(out, ',');
            render_json_value(out, json_array_get(v, i));
        }
        break;
    default: break;
    }
}

/* "512m" -> bytes; false when it overflows. */
bool manifest_parse_memory(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    unsigned shift = 0;
    switch (*s) {
    case 'k':
    case 'K': shift = 10; break;
    case 'm':
    case 'M': shift = 20; break;
    case 'g':
    case 'G': shift = 30; break;
    default: break;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return false;
    *out = v << shift;
    return true;
}

/* ---- building the struct from schema-valid JSON ---- */

static enum param_type param_type_from(const char *s)
{
    int i = s ? find_name(param_type_names, ARRAY_SIZE(param_type_names), s) : -1;
    return i < 0 ? PARAM_STRING : (enum param_type)i;
}

static void build_params(struct manifest *m, const json_t *arr, const struct yaml_doc *doc)
{
    m->n_params = json_array_size(arr);
    m->params = xcalloc(m->n_params + 1, sizeof *m->params);
    for (size_t i = 0; i < m->n_params; i++) {
        const json_t *p = json_array_get(arr, i);
        struct manifest_param *mp = &m->params[i];
        mp->name = dup_str(p, "name");
        mp->type = param_type_from(json_string_value(json_object_get(p, "type")));
        mp->required = json_is_true(json_object_get(p, "required"));
        mp->description = dup_str(p, "description");
        const json_t *d = json_object_get(p, "default");
        if (d) {
            struct buf b = BUF_INIT;
            render_json_value(&b, d);
            mp->default_text = buf_detach(&b, NULL);
        }
        const json_t *e = json_object_get(p, "enum");
        if (json_is_array(e)) {
            mp->enum_values.items = xcalloc(json_array_size(e) + 1, sizeof(char *));
            for (size_t k = 0; k < json_array_size(e); k++) {
                struct buf b = BUF_INIT;
                render_json_value(&b, json_array_get(e, k));
                mp->enum_values.items[mp->enum_values.count++] = buf_detach(&b, NULL);
            }
        }
        const json_t *v;
        if ((v = json_object_get(p, "minimum"))) {
            mp->has_minimum = true;
            mp->minimum = json_number_value(v);
        }
        if ((v = json_object_get(p, "maximum"))) {
            mp->has_maximum = true;
            mp->maximum = json_number_value(v);
        }
        const json_t *items = json_object_get(p, "items");
        mp->items_type = param_type_from(json_string_value(json_object_get(items, "type")));
        char ptr[64];
        snprintf(ptr, sizeof ptr, "/parameters/%zu", i);
        yaml_doc_loc(doc, ptr, false, &mp->line, &mp->col);
    }
}

static void build_outputs(struct manifest *m, const json_t *arr)
{
    m->n_outputs = json_array_size(arr);
    m->outputs = xcalloc(m->n_outputs + 1, sizeof *m->outputs);
    for (size_t i = 0; i < m->n_outputs; i++) {
        const json_t *o = json_array_get(arr, i);
        struct manifest_output *mo = &m->outputs[i];
        mo->input = (size_t)json_integer_value(json_object_get(o, "input"));
        const json_t *attrs = json_object_get(o, "attributes");
        mo->n_attributes = json_array_size(attrs);
        mo->attributes = xcalloc(mo->n_attributes + 1, sizeof *mo->attributes);
        for (size_t k = 0; k < mo->n_attributes; k++) {
            const json_t *a = json_array_get(attrs, k);
            mo->attributes[k].name = dup_str(a, "name");
            mo->attributes[k].description = dup_str(a, "description");
            int t = find_name(attr_type_names, ARRAY_SIZE(attr_type_names),
                              json_string_value(json_object_get(a, "type")));
            mo->attributes[k].type = t < 0 ? ATTR_STRING : (enum attr_type)t;
            const char *f = json_string_value(json_object_get(a, "format"));
            mo->attributes[k].format = !f                   ? ATTR_FORMAT_NONE
                                       : !strcmp(f, "json") ? ATTR_FORMAT_JSON
                                                            : ATTR_FORMAT_ISO8601;
        }
    }
}

static void build_manifest(struct manifest *m, const json_t *root, const struct yaml_doc *doc)
{
    m->schema_version = (int)json_integer_value(json_object_get(root, "schema_version"));
    m->name = dup_str(root, "name");
    m->version = dup_str(root, "version");
    m->description = dup_str(root, "description");
    m->license = dup_str(root, "license");
    m->homepage = dup_str(root, "homepage");
    strlist_from_json(&m->authors, json_object_get(root, "authors"));
    strlist_from_json(&m->tags, json_object_get(root, "tags"));
    const json_t *inputs = json_object_get(root, "inputs");
    m->n_inputs = json_array_size(inputs);
    m->inputs = xcalloc(m->n_inputs + 1, sizeof *m->inputs);
    for (size_t i = 0; i < m->n_inputs; i++) {
        const json_t *in = json_array_get(inputs, i);
        strlist_from_json(&m->inputs[i].entity_types, json_object_get(in, "entity_types"));
        strlist_from_json(&m->inputs[i].required_attributes,
                          json_object_get(in, "required_attributes"));
    }
    build_params(m, json_object_get(root, "parameters"), doc);
    build_outputs(m, json_object_get(root, "outputs"));
    const char *display = json_string_value(json_object_get(root, "display"));
    m->display = display && !strcmp(display, "html") ? DISPLAY_HTML : DISPLAY_NONE;
    const json_t *rt = json_object_get(root, "runtime");
    m->runtime.network = json_is_true(json_object_get(rt, "network"));
    const json_t *t = json_object_get(rt, "timeout");
    m->runtime.timeout = t ? (unsigned)json_integer_value(t) : RUNTIME_DEFAULT_TIMEOUT;
    m->runtime.memory = RUNTIME_DEFAULT_MEMORY;
    const char *mem = json_string_value(json_object_get(rt, "memory"));
    if (mem)
        manifest_parse_memory(mem, &m->runtime.memory); /* checked in check_runtime */
    const json_t *build = json_object_get(root, "build");
    const json_t *inc = json_object_get(build, "include");
    m->n_includes = json_array_size(inc);
    m->includes = xcalloc(m->n_includes + 1, sizeof *m->includes);
    for (size_t i = 0; i < m->n_includes; i++) {
        m->includes[i].src = dup_str(json_array_get(inc, i), "src");
        m->includes[i].dest = dup_str(json_array_get(inc, i), "dest");
    }
    const json_t *args = json_object_get(build, "args");
    m->build_args = xcalloc(json_object_size(args) + 1, sizeof *m->build_args);
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)args, k, v) {
        struct buf b = BUF_INIT;
        render_json_value(&b, v);
        m->build_args[m->n_build_args].key = xstrdup(k);
        m->build_args[m->n_build_args++].value = buf_detach(&b, NULL);
    }
    m->root = json_incref((json_t *)root); /* dumped by manifest_json() when asked */
}

/* ---- semantic checks ---- */

static void check_inputs(struct check *c, const struct manifest *m)
{
    char ptr[96];
    for (size_t i = 0; i < m->n_inputs; i++) {
        const struct manifest_input *in = &m->inputs[i];
        bool any = false;
        for (size_t k = 0; k < in->entity_types.count; k++) {
            const char *t = in->entity_types.items[k];
            snprintf(ptr, sizeof ptr, "/inputs/%zu/entity_types/%zu", i, k);
            if (!strcmp(t, "*")) {
                any = true;
                if (in->entity_types.count > 1)
                    check_error(c, ptr, "entity-type-any",
                                "'*' (any entity type) must be the only entry");
                continue;
            }
            if (catalog_entity_type_known(t))
                continue;
            const char *s = catalog_entity_type_suggest(t);
            if (s)
                check_error(c, ptr, "unknown-entity-type",
                            "unknown entity type '%s' (did you mean '%s'?)", t, s);
            else
                check_error(c, ptr, "unknown-entity-type",
                            "unknown entity type '%s' (see schemas/entity-types.yaml)", t);
        }
        if (any)
            continue;
        for (size_t a = 0; a < in->required_attributes.count; a++) {
            const char *attr = in->required_attributes.items[a];
            bool known = false;
            for (size_t k = 0; k < in->entity_types.count && !known; k++)
                known = catalog_entity_type_known(in->entity_types.items[k]) &&
                        catalog_attribute_known(in->entity_types.items[k], attr);
            if (!known) {
                struct buf types = BUF_INIT;
                for (size_t k = 0; k < in->entity_types.count; k++)
                    if (catalog_entity_type_known(in->entity_types.items[k]))
                        buf_addf(&types, "%s%s", types.len ? " or " : "",
                                 in->entity_types.items[k]);
                snprintf(ptr, sizeof ptr, "/inputs/%zu/required_attributes/%zu", i, a);
                if (types.len)
                    check_warning(c, ptr, "unknown-attribute",
                                  "'%s' is not a known attribute of %s (see "
                                  "schemas/entity-types.yaml)",
                                  attr, types.data);
                buf_free(&types);
            }
        }
    }
}

/* Whether a JSON value fits a parameter type (lists: every item fits items_type). */
static bool value_fits(const json_t *v, enum param_type t, enum param_type items)
{
    switch (t) {
    case PARAM_STRING: return json_is_string(v);
    case PARAM_INTEGER: return json_is_integer(v);
    case PARAM_NUMBER: return json_is_number(v);
    case PARAM_BOOLEAN: return json_is_boolean(v);
    case PARAM_LIST:
        if (!json_is_array(v))
            return value_fits(v, items, PARAM_STRING); /* one item */
        for (size_t i = 0; i < json_array_size(v); i++)
            if (!value_fits(json_array_get(v, i), items, PARAM_STRING))
                return false;
        return true;
    }
    return false;
}

/* Checks a default or enum value against type, enum and bounds. */
static void check_param_value(struct check *c, const struct manifest_param *p, const json_t *v,
                              const json_t *enums, const char *ptr, const char *what)
{
    if (!value_fits(v, p->type, p->items_type)) {
        struct buf b = BUF_INIT;
        render_json_value(&b, v);
        if (p->type == PARAM_LIST)
            check_error(c, ptr, "param-value-type", "%s '%s' does not fit type list of %s", what,
                        b.data, param_type_name(p->items_type));
        else
            check_error(c, ptr, "param-value-type", "%s '%s' does not fit type %s", what, b.data,
                        param_type_name(p->type));
        buf_free(&b);
        return;
    }
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    for (size_t i = 0; i < n; i++) {
        const json_t *x = json_is_array(v) ? json_array_get(v, i) : v;
        if (enums) {
            bool found = false;
            for (size_t k = 0; k < json_array_size(enums) && !found; k++)
                found = json_value_equal(json_array_get(enums, k), x);
            if (!found) {
                struct buf b = BUF_INIT;
                render_json_value(&b, x);
                check_error(c, ptr, "param-value-enum", "%s '%s' is not one of the enum values",
                            what, b.data);
                buf_free(&b);
            }
        }
        if (json_is_number(x)) {
            double d = json_number_value(x);
            if (p->has_minimum && d < p->minimum)
                check_error(c, ptr, "param-value-bounds", "%s %g is less than the minimum %g", what,
                            d, p->minimum);
            if (p->has_maximum && d > p->maximum)
                check_error(c, ptr, "param-value-bounds", "%s %g is greater than the maximum %g",
                            what, d, p->maximum);
        }
    }
}

static void check_params(struct check *c, const struct manifest *m, const json_t *arr)
{
    char ptr[96];
    for (size_t i = 0; i < m->n_params; i++) {
        const struct manifest_param *p = &m->params[i];
        const json_t *pj = json_array_get(arr, i);
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(m->params[k].name, p->name)) {
                snprintf(ptr, sizeof ptr, "/parameters/%zu/name", i);
                check_error(c, ptr, "duplicate-parameter",
                            "duplicate parameter '%s' (first defined at line %d)", p->name,
                            m->params[k].line);
            } else if (!strcasecmp(m->params[k].name, p->name)) {
                snprintf(ptr, sizeof ptr, "/parameters/%zu/name", i);
                check_warning(c, ptr, "parameter-case",
                              "parameters '%s' and '%s' differ only in case", m->params[k].name,
                              p->name);
            }
        }
        bool numeric = p->type == PARAM_INTEGER || p->type == PARAM_NUMBER ||
                       (p->type == PARAM_LIST &&
                        (p->items_type == PARAM_INTEGER || p->items_type == PARAM_NUMBER));
        if ((p->has_minimum || p->has_maximum) && !numeric) {
            snprintf(ptr, sizeof ptr, "/parameters/%zu/%s", i,
                     p->has_minimum ? "minimum" : "maximum");
            check_error(c, ptr, "param-bounds-type",
                        "minimum/maximum need a numeric type (or a list of numbers)");
        }
        if (p->has_minimum && p->has_maximum && p->minimum > p->maximum) {
            snprintf(ptr, sizeof ptr, "/parameters/%zu/maximum", i);
            check_error(c, ptr, "param-bounds", "maximum %g is less than minimum %g", p->maximum,
                        p->minimum);
        }
        if (json_object_get(pj, "items") && p->type != PARAM_LIST) {
            snprintf(ptr, sizeof ptr, "/parameters/%zu/items", i);
            check_error(c, ptr, "param-items", "'items' is only for parameters of type list");
        }
        if (p->type == PARAM_LIST && p->items_type == PARAM_LIST) {
            snprintf(ptr, sizeof ptr, "/parameters/%zu/items/type", i);
            check_error(c, ptr, "param-items", "Kestrel cannot pass nested lists");
        }
        const json_t *enums = json_object_get(pj, "enum");
        if (enums) {
            for (size_t k = 0; k < json_array_size(enums); k++) {
                snprintf(ptr, sizeof ptr, "/parameters/%zu/enum/%zu", i, k);
                /* enum entries are items for lists */
                struct manifest_param scalar = *p;
                if (p->type == PARAM_LIST)
                    scalar.type = p->items_type;
                check_param_value(c, &scalar, json_array_get(enums, k), NULL, ptr, "enum value");
            }
        }
        const json_t *d = json_object_get(pj, "default");
        if (d) {
            snprintf(ptr, sizeof ptr, "/parameters/%zu/default", i);
            check_param_value(c, p, d, enums, ptr, "default");
            if (p->required)
                check_warning(c, ptr, "required-default",
                              "'%s' is required, so its default is never used", p->name);
        }
    }
}

/* Kestrel's store (firepit, SQLite) takes text, integers, floats and booleans: a list is
 * stored as raw bytes and a timestamp raises an SQLite error. */
static void check_output_attr_type(struct check *c, size_t i, size_t a,
                                   const struct manifest_attr *at)
{
    char ptr[96];
    snprintf(ptr, sizeof ptr, "/outputs/%zu/attributes/%zu/type", i, a);
    if (at->type == ATTR_LIST)
        check_error(c, ptr, "output-store-type",
                    "attribute '%s' is a list: Kestrel's store keeps a list column as raw bytes; "
                    "declare it 'type: string' with 'format: json' and write JSON text "
                    "(json.dumps)",
                    at->name);
    else if (at->type == ATTR_TIMESTAMP)
        check_error(c, ptr, "output-store-type",
                    "attribute '%s' is a timestamp: Kestrel's store cannot take a timestamp column "
                    "(sqlite3 ProgrammingError); declare it 'type: string' with 'format: "
                    "iso-8601' and write ISO-8601 text",
                    at->name);
    if (at->format != ATTR_FORMAT_NONE && at->type != ATTR_STRING) {
        snprintf(ptr, sizeof ptr, "/outputs/%zu/attributes/%zu/format", i, a);
        check_error(c, ptr, "output-attribute",
                    "attribute '%s': a format (json, iso-8601) is for text: declare 'type: "
                    "string'",
                    at->name);
    }
}

static void check_outputs(struct check *c, const struct manifest *m)
{
    char ptr[96];
    for (size_t i = 0; i < m->n_outputs; i++) {
        const struct manifest_output *o = &m->outputs[i];
        snprintf(ptr, sizeof ptr, "/outputs/%zu/input", i);
        if (o->input >= m->n_inputs)
            check_error(c, ptr, "output-input",
                        "output rewrites input %zu, but only %zu input(s) are declared", o->input,
                        m->n_inputs);
        for (size_t k = 0; k < i; k++)
            if (m->outputs[k].input == o->input)
                check_error(c, ptr, "duplicate-output", "input %zu already has an output",
                            o->input);
        for (size_t a = 0; a < o->n_attributes; a++) {
            const char *name = o->attributes[a].name;
            snprintf(ptr, sizeof ptr, "/outputs/%zu/attributes/%zu/name", i, a);
            if (!strcmp(name, "id") || !strcmp(name, "type"))
                check_error(c, ptr, "output-attribute",
                            "'%s' is kept from the input; it is not an added attribute", name);
            for (size_t k = 0; k < a; k++)
                if (!strcmp(o->attributes[k].name, name))
                    check_error(c, ptr, "duplicate-attribute", "duplicate attribute '%s'", name);
            check_output_attr_type(c, i, a, &o->attributes[a]);
        }
    }
}

/* A relative path that stays where it is put: no leading '/', no '..' component. */
bool path_is_contained(const char *p)
{
    if (!*p || *p == '/')
        return false;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        while (*p == '/')
            p++;
    }
    return true;
}

static void check_runtime_build(struct check *c, const struct manifest *m, const json_t *root)
{
    const char *mem =
        json_string_value(json_object_get(json_object_get(root, "runtime"), "memory"));
    uint64_t bytes;
    if (mem && !manifest_parse_memory(mem, &bytes))
        check_error(c, "/runtime/memory", "runtime-memory", "memory '%s' is too large", mem);
    else if (mem && bytes < 6 * 1024 * 1024)
        check_error(c, "/runtime/memory", "runtime-memory",
                    "memory '%s' is below Docker's minimum of 6m (a bare number is bytes)", mem);
    char ptr[96];
    for (size_t i = 0; i < m->n_includes; i++) {
        snprintf(ptr, sizeof ptr, "/build/include/%zu/src", i);
        if (!path_is_contained(m->includes[i].src))
            check_error(c, ptr, "include-path",
                        "src '%s' must be relative to the repository root, without '..'",
                        m->includes[i].src);
        snprintf(ptr, sizeof ptr, "/build/include/%zu/dest", i);
        if (!path_is_contained(m->includes[i].dest))
            check_error(c, ptr, "include-path",
                        "dest '%s' must be relative to the build context, without '..'",
                        m->includes[i].dest);
    }
    if (m->license && !strchr(m->license, ' ') &&
        find_name(spdx_ids, ARRAY_SIZE(spdx_ids), m->license) < 0 &&
        strncmp(m->license, "LicenseRef-", 11) != 0) {
        const char *s = suggest_closest(m->license, spdx_ids, ARRAY_SIZE(spdx_ids));
        if (s)
            check_warning(c, "/license", "license",
                          "'%s' is not a common SPDX license identifier (did you mean '%s'?)",
                          m->license, s);
        else
            check_warning(c, "/license", "license", "'%s' is not a common SPDX license identifier",
                          m->license);
    }
}

void manifest_free(struct manifest *m)
{
    if (!m)
        return;
    free(m->path);
    free(m->name);
    free(m->version);
    free(m->description);
    free(m->license);
    free(m->homepage);
    strlist_free(&m->authors);
    strlist_free(&m->tags);
    for (size_t i = 0; i < m->n_inputs; i++) {
        strlist_free(&m->inputs[i].entity_types);
        strlist_free(&m->inputs[i].required_attributes);
    }
    free(m->inputs);
    for (size_t i = 0; i < m->n_params; i++) {
        free(m->params[i].name);
        free(m->params[i].default_text);
        free(m->params[i].description);
        strlist_free(&m->params[i].enum_values);
    }
    free(m->params);
    for (size_t i = 0; i < m->n_outputs; i++) {
        for (size_t k = 0; k < m->outputs[i].n_attributes; k++) {
            free(m->outputs[i].attributes[k].name);
            free(m->outputs[i].attributes[k].description);
        }
        free(m->outputs[i].attributes);
    }
    free(m->outputs);
    for (size_t i = 0; i < m->n_includes; i++) {
        free(m->includes[i].src);
        free(m->includes[i].dest);
    }
    free(m->includes);
    for (size_t i = 0; i < m->n_build_args; i++) {
        free(m->build_args[i].key);
        free(m->build_args[i].value);
    }
    free(m->build_args);
    free(m->json);
    json_decref(m->root);
    free(m);
}

/* Schema + struct + semantics over a parsed document. Takes ownership of nothing. */
static int manifest_from_doc(const struct yaml_doc *doc, struct manifest **out,
                             struct diag_list *diags)
{
    if (catalog_validate(CATALOG_ANALYTIC, doc, diags))
        return 1;
    const json_t *root = yaml_doc_root(doc);
    struct manifest *m = xcalloc(1, sizeof *m);
    m->path = xstrdup(yaml_doc_path(doc));
    build_manifest(m, root, doc);
    struct check c = {doc, diags, yaml_doc_path(doc), 0};
    check_inputs(&c, m);
    check_params(&c, m, json_object_get(root, "parameters"));
    check_outputs(&c, m);
    check_runtime_build(&c, m, root);
    if (c.errors) {
        manifest_free(m);
        return 1;
    }
    *out = m;
    return 0;
}

int manifest_load_buffer(const char *data, size_t len, const char *display_path,
                         struct manifest **out, struct diag_list *diags)
{
    *out = NULL;
    struct yaml_doc *doc;
    int r = catalog_parse_buffer(data, len, display_path, &doc, diags);
    if (r)
        return r;
    r = manifest_from_doc(doc, out, diags);
    yaml_doc_free(doc);
    return r;
}

int manifest_load_doc(const char *path, struct manifest **out, struct yaml_doc **doc_out,
                      struct diag_list *diags)
{
    *out = NULL;
    *doc_out = NULL;
    if (catalog_load() < 0)
        return -1;
    struct yaml_doc *doc;
    int r = yaml_load_file(path, path, &doc, diags);
    if (r)
        return r;
    r = manifest_from_doc(doc, out, diags);
    if (r)
        yaml_doc_free(doc);
    else
        *doc_out = doc;
    return r;
}

int manifest_load(const char *path, struct manifest **out, struct diag_list *diags)
{
    struct yaml_doc *doc;
    int r = manifest_load_doc(path, out, &doc, diags);
    yaml_doc_free(doc);
    return r;
}

const char *manifest_json(const struct manifest *m)
{
    /* made on first use: dumping every manifest took 5% of validate's time, for one label */
    struct manifest *mm = (struct manifest *)m;
    char *json = __atomic_load_n(&mm->json, __ATOMIC_ACQUIRE);
    if (json)
        return json;
    json = json_dumps(m->root, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    char *expected = NULL;
    if (!__atomic_compare_exchange_n(&mm->json, &expected, json, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        free(json); /* another thread made it first */
        return expected;
    }
    return json;
}

char *manifest_image_name(const struct manifest *m)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, IMAGE_PREFIX "%s", m->name);
    return buf_detach(&b, NULL);
}

char *manifest_image_ref(const struct manifest *m, const char *tag)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, IMAGE_PREFIX "%s:%s", m->name, tag);
    return buf_detach(&b, NULL);
}

const struct manifest_param *manifest_find_param(const struct manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (!strcmp(m->params[i].name, name))
            return &m->params[i];
    return NULL;
}
