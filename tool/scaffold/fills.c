/* The placeholder values of template/<python|c>/ ({{name}}, {{parameters}}, {{param_reads}},
 * ...) for one scaffold_spec, and the fill of a template text with them. */
#include "scaffold/scaffold.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void fill_set(struct scaffold_fills *f, const char *key, char *value)
{
    f->items[f->count].key = key;
    f->items[f->count].value = value;
    f->count++;
}

void scaffold_fills_free(struct scaffold_fills *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->items[i].value);
}

const char *scaffold_fills_get(const struct scaffold_fills *f, const char *key)
{
    for (size_t i = 0; i < f->count; i++)
        if (!strcmp(f->items[i].key, key))
            return f->items[i].value;
    return NULL;
}

/* s as a YAML double-quoted scalar (JSON escapes are valid YAML). */
static char *yaml_quoted(const char *s)
{
    struct buf b = BUF_INIT;
    buf_add_json_string(&b, s, strlen(s));
    return buf_detach(&b, NULL);
}

static const char *python_default(enum param_type t)
{
    switch (t) {
    case PARAM_INTEGER: return "0";
    case PARAM_NUMBER: return "0.0";
    case PARAM_BOOLEAN: return "False";
    case PARAM_LIST: return "None"; /* param_list gives [] */
    default: return "None";
    }
}

static const char *python_reader(enum param_type t)
{
    switch (t) {
    case PARAM_INTEGER: return "param_int";
    case PARAM_NUMBER: return "param_float";
    case PARAM_BOOLEAN: return "param_bool";
    case PARAM_LIST: return "param_list";
    default: return "param_str";
    }
}

static const char *manifest_default(enum param_type t)
{
    switch (t) {
    case PARAM_INTEGER: return "0";
    case PARAM_NUMBER: return "0.0";
    case PARAM_BOOLEAN: return "false";
    default: return NULL; /* strings and lists: none (unset) */
    }
}

static const char *example_value(enum param_type t)
{
    switch (t) {
    case PARAM_INTEGER: return "10";
    case PARAM_NUMBER: return "0.5";
    case PARAM_BOOLEAN: return "true";
    case PARAM_LIST: return "(src_port,dst_port)";
    default: return "'text'";
    }
}

void scaffold_fills_build(const struct scaffold_spec *o, const char *author,
                          struct scaffold_fills *f)
{
    struct buf b = BUF_INIT;
    memset(f, 0, sizeof *f);
    char *desc = o->description
                     ? xstrdup(o->description)
                     : xstrdup("Adds x_seen_count, how often each entity appears in the "
                               "variable (the template's example; describe your analytic here).");
    fill_set(f, "name", xstrdup(o->name));
    fill_set(f, "description", yaml_quoted(desc));
    fill_set(f, "description_text", desc);
    fill_set(f, "author", yaml_quoted(author));

    bool any = o->n_entity_types == 0;
    buf_addch(&b, '[');
    for (size_t i = 0; i < o->n_entity_types; i++)
        buf_addf(&b, "%s\"%s\"", i ? ", " : "", o->entity_types[i]);
    if (any)
        buf_addstr(&b, "\"*\"");
    buf_addch(&b, ']');
    fill_set(f, "entity_types", buf_detach(&b, NULL));
    if (any) {
        buf_addstr(&b, "any (`*`)");
    } else {
        for (size_t i = 0; i < o->n_entity_types; i++)
            buf_addf(&b, "%s`%s`", i ? ", " : "", o->entity_types[i]);
    }
    fill_set(f, "entity_types_text", buf_detach(&b, NULL));
    const char *example = SCAFFOLD_TEMPLATE_TYPE;
    if (!any && strcmp(o->entity_types[0], "*"))
        example = o->entity_types[0];
    fill_set(f, "example_type", xstrdup(example));

    /* analytic.yaml */
    if (o->n_params == 0)
        buf_addstr(&b, "parameters: []");
    else
        buf_addstr(&b, "parameters:");
    for (size_t i = 0; i < o->n_params; i++) {
        const struct scaffold_param *p = &o->params[i];
        buf_addf(&b, "\n  - name: %s\n    type: %s\n", p->name, param_type_name(p->type));
        if (p->type == PARAM_LIST)
            buf_addstr(&b, "    items:\n      type: string\n");
        buf_addstr(&b, "    required: false\n");
        if (manifest_default(p->type))
            buf_addf(&b, "    default: %s\n", manifest_default(p->type));
        buf_addf(&b, "    description: TODO say what %s does", p->name);
    }
    fill_set(f, "parameters", buf_detach(&b, NULL));

    /* Python */
    for (size_t i = 0; i < o->n_params; i++) {
        const struct scaffold_param *p = &o->params[i];
        buf_addf(&b, "%s        \"%s\": %s(\"%s\", %s),", i ? "\n" : "", p->name,
                 python_reader(p->type), p->name, python_default(p->type));
    }
    fill_set(f, "param_reads", buf_detach(&b, NULL));
    for (size_t i = 0; i < o->n_params; i++)
        buf_addf(&b, ", %s=%s", o->params[i].name, python_default(o->params[i].type));
    fill_set(f, "param_signature", buf_detach(&b, NULL));

    /* C */
    for (size_t i = 0; i < o->n_params; i++) {
        const struct scaffold_param *p = &o->params[i];
        static const char *const c_types[] = {[PARAM_STRING] = "const char *",
                                              [PARAM_INTEGER] = "int64_t ",
                                              [PARAM_NUMBER] = "double ",
                                              [PARAM_BOOLEAN] = "bool ",
                                              [PARAM_LIST] = "char *"};
        buf_addf(&b, "%s    %s%s;%s", i ? "\n" : "", c_types[p->type], p->name,
                 p->type == PARAM_LIST     ? " /* \"a,b\"; items via kestrel_list_next() */"
                 : p->type == PARAM_STRING ? " /* NULL when not given */"
                                           : "");
    }
    fill_set(f, "c_param_fields", buf_detach(&b, NULL));
    for (size_t i = 0; i < o->n_params; i++) {
        const struct scaffold_param *p = &o->params[i];
        const char *n = p->name;
        if (i)
            buf_addch(&b, '\n');
        switch (p->type) {
        case PARAM_INTEGER:
            buf_addf(&b, "    if (kestrel_param_int(\"%s\", 0, INT64_MIN, INT64_MAX, &p->%s) < 0)",
                     n, n);
            break;
        case PARAM_NUMBER:
            buf_addf(&b, "    if (kestrel_param_double(\"%s\", 0.0, -1e308, 1e308, &p->%s) < 0)", n,
                     n);
            break;
        case PARAM_BOOLEAN:
            buf_addf(&b, "    if (kestrel_param_bool(\"%s\", false, &p->%s) < 0)", n, n);
            break;
        case PARAM_LIST:
            buf_addf(&b, "    if (kestrel_param_list(\"%s\", &p->%s) < 0)", n, n);
            break;
        default: buf_addf(&b, "    if (kestrel_param_string(\"%s\", NULL, &p->%s) < 0)", n, n);
        }
        buf_addstr(&b, "\n        return -1;");
    }
    fill_set(f, "c_param_reads", buf_detach(&b, NULL));

    /* README */
    if (o->n_params == 0) {
        buf_addstr(&b, "None.");
    } else {
        buf_addstr(&b, "| name | type | default | meaning |\n|---|---|---|---|");
        for (size_t i = 0; i < o->n_params; i++) {
            const struct scaffold_param *p = &o->params[i];
            const char *d = manifest_default(p->type);
            buf_addf(&b, "\n| `%s` | %s | %s | TODO |", p->name, param_type_name(p->type),
                     d ? d : "none");
        }
    }
    fill_set(f, "param_table", buf_detach(&b, NULL));
    for (size_t i = 0; i < o->n_params; i++)
        buf_addf(&b, "%s%s=%s", i ? ", " : " WITH ", o->params[i].name,
                 example_value(o->params[i].type));
    fill_set(f, "with_clause", buf_detach(&b, NULL));
}

/* Replaces every {{key}} of f in text; fails on an unknown or unterminated placeholder. */
int scaffold_fill_text(const char *path, const char *text, size_t len,
                       const struct scaffold_fills *f, struct buf *out)
{
    size_t i = 0;
    int line = 1;
    while (i < len) {
        if (text[i] == '\n')
            line++;
        if (i + 1 < len && text[i] == '{' && text[i + 1] == '{') {
            const char *end = memmem(text + i + 2, len - i - 2, "}}", 2);
            if (!end)
                return err_set("%s:%d: unterminated placeholder", path, line);
            size_t klen = (size_t)(end - (text + i + 2));
            const struct scaffold_fill *hit = NULL;
            for (size_t k = 0; k < f->count; k++)
                if (strlen(f->items[k].key) == klen && !memcmp(f->items[k].key, text + i + 2, klen))
                    hit = &f->items[k];
            if (!hit)
                return err_set("%s:%d: unknown placeholder {{%.*s}}", path, line, (int)klen,
                               text + i + 2);
            buf_addstr(out, hit->value);
            i += klen + 4;
            continue;
        }
        buf_addch(out, text[i]);
        i++;
    }
    if (memmem(out->data, out->len, "{{", 2))
        return err_set("%s: a value brought in a '{{'", path);
    return 0;
}
