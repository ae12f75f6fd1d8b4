/* Schemas and entity types, loaded once: see catalog.h. */
#include "catalog.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct catalog {
    struct schema *schemas[3];
    json_t *types;  /* object: type name -> array of attribute names */
    json_t *common; /* array of attribute names every type has */
    const char **type_names;
    size_t n_types;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct catalog *cat;

static int load_schema(const char *dir, const char *file, struct schema **out)
{
    char *path = path_join(dir, file);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        int r = jerr.line > 0
                    ? err_set("%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text)
                    : err_set("%s (set KANALYTIC_SCHEMAS to the schemas folder)", jerr.text);
        free(path);
        return r;
    }
    struct schema_errors probs = {0};
    int r = schema_new(root, out, &probs);
    json_decref(root);
    if (r < 0)
        err_set("%s: %s: %s", path, probs.items[0].pointer, probs.items[0].message);
    schema_errors_free(&probs);
    free(path);
    return r;
}

static int load_types(const char *dir, struct catalog *c)
{
    char *path = path_join(dir, "entity-types.yaml");
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = NULL;
    int r = yaml_load_file(path, path, &doc, &diags);
    if (r > 0)
        err_set("%s:%d:%d: %s", path, diags.items[0].line, diags.items[0].col,
                diags.items[0].message);
    diag_list_free(&diags);
    if (r) {
        free(path);
        return -1;
    }
    json_t *root = yaml_doc_root(doc);
    json_t *types = json_object_get(root, "types");
    json_t *common = json_object_get(root, "common");
    if (!json_is_object(types) || !json_is_array(common)) {
        yaml_doc_free(doc);
        r = err_set("%s: needs 'types' (a mapping) and 'common' (a list)", path);
        free(path);
        return r;
    }
    c->types = json_incref(types);
    c->common = json_incref(common);
    c->type_names = xcalloc(json_object_size(types) + 1, sizeof *c->type_names);
    const char *k;
    json_t *v;
    json_object_foreach (types, k, v)
        c->type_names[c->n_types++] = k;
    yaml_doc_free(doc);
    free(path);
    return 0;
}

static void catalog_free(struct catalog *c)
{
    schema_free(c->schemas[0]);
    schema_free(c->schemas[1]);
    schema_free(c->schemas[2]);
    free(c->type_names);
    json_decref(c->types);
    json_decref(c->common);
    free(c);
}

int catalog_load(void)
{
    pthread_mutex_lock(&lock);
    if (cat) {
        pthread_mutex_unlock(&lock);
        return 0;
    }
    char *root = NULL;
    if (repo_find_root(&root) < 0)
        root = NULL;
    err_clear();
    char *dir = repo_schemas_dir(root);
    free(root);
    struct catalog *c = xcalloc(1, sizeof *c);
    int r = load_schema(dir, "analytic.schema.json", &c->schemas[CATALOG_ANALYTIC]);
    if (!r)
        r = load_schema(dir, "test-case.schema.json", &c->schemas[CATALOG_TEST_CASE]);
    if (!r)
        r = load_schema(dir, "repository-policy.schema.json", &c->schemas[CATALOG_REPO_POLICY]);
    if (!r)
        r = load_types(dir, c);
    free(dir);
    if (r)
        catalog_free(c);
    else
        cat = c;
    pthread_mutex_unlock(&lock);
    return r;
}

/* "/parameters/2/type" -> "parameters[2].type" (~0 ~1 unescaped) */
static void pointer_to_path(struct buf *out, const char *p)
{
    while (*p == '/') {
        p++;
        size_t n = strcspn(p, "/");
        bool index = n && strspn(p, "0123456789") == n;
        if (index) {
            buf_addch(out, '[');
            buf_add(out, p, n);
            buf_addch(out, ']');
        } else {
            if (out->len)
                buf_addch(out, '.');
            for (size_t i = 0; i < n; i++) {
                if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
                    buf_addch(out, p[i + 1] == '0' ? '~' : '/');
                    i++;
                } else {
                    buf_addch(out, p[i]);
                }
            }
        }
        p += n;
    }
}

size_t catalog_validate(enum catalog_schema which, const struct yaml_doc *doc,
                        struct diag_list *diags)
{
    struct schema_errors errs = {0};
    schema_validate(cat->schemas[which], yaml_doc_root(doc), &errs);
    for (size_t i = 0; i < errs.count; i++) {
        const struct schema_error *e = &errs.items[i];
        int line, col;
        yaml_doc_loc(doc, e->pointer, e->at_key, &line, &col);
        char rule[64];
        snprintf(rule, sizeof rule, "schema-%s", e->keyword[0] ? e->keyword : "invalid");
        if (e->pointer[0] && !e->at_key && strcmp(e->keyword, "required") != 0) {
            struct buf path = BUF_INIT;
            pointer_to_path(&path, e->pointer);
            diag_add(diags, DIAG_ERROR, yaml_doc_path(doc), line, col, rule, "%s: %s", path.data,
                     e->message);
            buf_free(&path);
        } else {
            diag_add(diags, DIAG_ERROR, yaml_doc_path(doc), line, col, rule, "%s", e->message);
        }
    }
    size_t n = errs.count;
    schema_errors_free(&errs);
    return n;
}

int catalog_parse_buffer(const char *data, size_t len, const char *display_path,
                         struct yaml_doc **out, struct diag_list *diags)
{
    *out = NULL;
    if (catalog_load() < 0)
        return -1;
    if (len > YAML_MAX_BYTES) {
        diag_add(diags, DIAG_ERROR, display_path, 1, 1, "file-too-large",
                 "file is too large (%zu bytes; the limit is %d bytes)", len, YAML_MAX_BYTES);
        return 1;
    }
    return yaml_parse(data, len, display_path, out, diags) ? 1 : 0;
}

bool catalog_entity_type_known(const char *type)
{
    return json_object_get(cat->types, type) != NULL;
}

const char *catalog_entity_type_suggest(const char *type)
{
    return suggest_closest(type, cat->type_names, cat->n_types);
}

static bool list_has(const json_t *list, const char *s)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *v = json_string_value(json_array_get(list, i));
        if (v && !strcmp(v, s))
            return true;
    }
    return false;
}

bool catalog_attribute_known(const char *type, const char *attr)
{
    if (!strncmp(attr, "x_", 2) || list_has(cat->common, attr))
        return true;
    return list_has(json_object_get(cat->types, type), attr);
}
