/* kanalytic new's work (scaffold.h): the checks of a spec, the copy of the filled template
 * into analytics/NAME, the retyped test case, and the checks around new --from. */
#include "scaffold/scaffold.h"
#include "manifest/adopt.h"
#include "manifest/manifest.h"
#include "parquet/parquet.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KANALYTIC_DATADIR
#define KANALYTIC_DATADIR "/usr/local/share/kanalytic"
#endif

#define MAX_TEMPLATE_FILE (4u << 20)

/* Words a parameter cannot be called: it becomes a Python argument and a C struct field. */
static const char *const reserved_words[] = {
    "False",   "None",     "True",     "and",      "as",     "assert",   "async",  "await",
    "break",   "class",    "continue", "def",      "del",    "elif",     "else",   "except",
    "finally", "for",      "from",     "global",   "if",     "import",   "in",     "is",
    "lambda",  "nonlocal", "not",      "or",       "pass",   "raise",    "return", "try",
    "while",   "with",     "yield",    "auto",     "case",   "char",     "const",  "default",
    "do",      "double",   "enum",     "extern",   "float",  "goto",     "inline", "int",
    "long",    "register", "restrict", "short",    "signed", "sizeof",   "static", "struct",
    "switch",  "typedef",  "union",    "unsigned", "void",   "volatile", "bool",   "df",
    "p",       "unused",   "params",   "out",
};

/* ---- the spec ---- */

bool scaffold_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SCAFFOLD_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '-' && c != '_')))
            return false;
    }
    return true;
}

static bool entity_type_ok(const char *s)
{
    if (!strcmp(s, "*"))
        return true;
    if (!*s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

int scaffold_spec_add_entity_type(struct scaffold_spec *spec, const char *type)
{
    if (!entity_type_ok(type))
        return err_set("--entity-type %s: expected a name like network-traffic (lower case, "
                       "digits, '-') or *",
                       type);
    for (size_t i = 0; i < spec->n_entity_types; i++)
        if (!strcmp(spec->entity_types[i], type))
            return err_set("--entity-type %s given twice", type);
    ARRAY_GROW(spec->entity_types, spec->n_entity_types + 1, spec->cap_entity_types);
    spec->entity_types[spec->n_entity_types++] = type;
    return 0;
}

int scaffold_parse_param(const char *arg, struct scaffold_param *out)
{
    const char *colon = strchr(arg, ':');
    if (!colon || colon == arg)
        return err_set("--param %s: expected NAME:TYPE (e.g. threshold:number)", arg);
    size_t n = (size_t)(colon - arg);
    for (size_t i = 0; i < n; i++) {
        char c = arg[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                  (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return err_set("--param %s: the name must match [A-Za-z_][A-Za-z0-9_]* (it is "
                           "an environment variable, a Python argument and a C field)",
                           arg);
    }
    char *name = xstrndup(arg, n);
    for (size_t i = 0; i < ARRAY_SIZE(reserved_words); i++) {
        if (!strcmp(name, reserved_words[i])) {
            err_set("--param %s: '%s' is a reserved word in the templates' code", arg, name);
            free(name);
            return -1;
        }
    }
    static const struct {
        const char *word;
        enum param_type type;
    } types[] = {{"string", PARAM_STRING},
                 {"integer", PARAM_INTEGER},
                 {"number", PARAM_NUMBER},
                 {"boolean", PARAM_BOOLEAN},
                 {"list", PARAM_LIST}};
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (!strcmp(colon + 1, types[i].word)) {
            out->name = name;
            out->type = types[i].type;
            return 0;
        }
    }
    free(name);
    return err_set("--param %s: unknown type '%s' (string, integer, number, boolean, list)", arg,
                   colon + 1);
}

int scaffold_spec_add_param(struct scaffold_spec *spec, const char *arg)
{
    struct scaffold_param p;
    if (scaffold_parse_param(arg, &p) < 0)
        return -1;
    for (size_t i = 0; i < spec->n_params; i++) {
        if (!strcmp(spec->params[i].name, p.name)) {
            err_set("--param %s given twice", p.name);
            free(p.name);
            return -1;
        }
    }
    ARRAY_GROW(spec->params, spec->n_params + 1, spec->cap_params);
    spec->params[spec->n_params++] = p;
    return 0;
}

int scaffold_spec_check(const struct scaffold_spec *spec)
{
    if (!spec->name || !scaffold_name_ok(spec->name))
        return err_set("'%s' is not a valid name: use lower-case letters, digits, '-' and '_', "
                       "starting with a letter or digit (at most %d)",
                       spec->name ? spec->name : "", SCAFFOLD_NAME_MAX);
    const char *t = spec->template_name;
    if (!t || (strcmp(t, "python") && strcmp(t, "c")))
        return err_set("--template %s: expected python or c", t ? t : "");
    const char *d = spec->description;
    if (d && (!*d || strstr(d, "{{") || strpbrk(d, "\n\r")))
        return err_set("--description must be one non-empty line without '{{'");
    for (size_t i = 0; i < spec->n_entity_types && spec->n_entity_types > 1; i++)
        if (!strcmp(spec->entity_types[i], "*"))
            return err_set("--entity-type * means any; do not combine it with other types");
    return 0;
}

void scaffold_spec_free(struct scaffold_spec *spec)
{
    for (size_t i = 0; i < spec->n_params; i++)
        free(spec->params[i].name);
    free(spec->params);
    free(spec->entity_types);
    spec->params = NULL;
    spec->entity_types = NULL;
    spec->n_params = spec->cap_params = spec->n_entity_types = spec->cap_entity_types = 0;
}

/* ---- the destination, the template, the author ---- */

/* Refuses a name whose folder exists or whose image another analytic's manifest claims. */
int scaffold_check_free(const char *root, const char *name)
{
    char *analytics = path_join(root, "analytics");
    char *dest = path_join(analytics, name);
    bool taken = fs_exists(dest);
    free(dest);
    if (taken) {
        free(analytics);
        return err_set("analytics/%s already exists; choose another name", name);
    }
    struct fs_names names = {0};
    if (repo_list_analytics(root, &names) < 0) {
        free(analytics);
        return -1;
    }
    char *image = NULL;
    {
        struct buf b = BUF_INIT;
        buf_addf(&b, IMAGE_PREFIX "%s", name);
        image = buf_detach(&b, NULL);
    }
    int rc = 0;
    for (size_t i = 0; i < names.count && rc == 0; i++) {
        char *dir = path_join(analytics, names.names[i]);
        char *path = path_join(dir, MANIFEST_FILE);
        struct manifest *m = NULL;
        struct diag_list diags = DIAG_LIST_INIT;
        if (manifest_load(path, &m, &diags) == 0 && m) {
            char *other = manifest_image_name(m);
            if (other && !strcmp(other, image))
                rc = err_set("analytics/%s already builds the image %s; choose another name",
                             names.names[i], image);
            free(other);
            manifest_free(m);
        } else if (!strcmp(names.names[i], name)) {
            rc = err_set("analytics/%s already exists", name);
        }
        diag_list_free(&diags);
        free(path);
        free(dir);
    }
    free(image);
    fs_names_free(&names);
    free(analytics);
    return rc;
}

char *scaffold_template_dir(const char *root, const char *name)
{
    char *base = path_join(root, "template");
    char *dir = path_join(base, name);
    free(base);
    if (fs_is_dir(dir))
        return dir;
    free(dir);
    base = path_join(KANALYTIC_DATADIR, "template");
    dir = path_join(base, name);
    free(base);
    if (fs_is_dir(dir))
        return dir;
    free(dir);
    return NULL;
}

static char *git_author(const char *root)
{
    git_libgit2_init();
    git_repository *repo = NULL;
    git_config *cfg = NULL, *snap = NULL;
    char *author = NULL;
    if (git_repository_open_ext(&repo, root, 0, NULL) == 0) {
        if (git_repository_config_snapshot(&snap, repo) < 0)
            snap = NULL;
    } else if (git_config_open_default(&cfg) == 0) {
        if (git_config_snapshot(&snap, cfg) < 0)
            snap = NULL;
    }
    const char *name = NULL, *email = NULL;
    if (snap) {
        if (git_config_get_string(&name, snap, "user.name") < 0)
            name = NULL;
        if (git_config_get_string(&email, snap, "user.email") < 0)
            email = NULL;
    }
    if (name && *name) {
        struct buf b = BUF_INIT;
        buf_addstr(&b, name);
        if (email && *email)
            buf_addf(&b, " <%s>", email);
        author = buf_detach(&b, NULL);
    } else if (email && *email) {
        author = xstrdup(email);
    }
    git_config_free(snap);
    git_config_free(cfg);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return author;
}

char *scaffold_author(const char *root, bool *from_user)
{
    char *author = git_author(root);
    *from_user = !author;
    if (!author) {
        const char *user = getenv("USER");
        author = xstrdup(user && *user ? user : "unknown");
    }
    return author;
}

/* ---- the copy ---- */

/* Copies the template folder src into dst (which exists), filling text files. */
static int copy_tree(const char *src, const char *dst, const struct scaffold_fills *f)
{
    struct fs_names names = {0};
    if (fs_list_dir(src, &names) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < names.count && rc == 0; i++) {
        char *s = path_join(src, names.names[i]);
        char *d = path_join(dst, names.names[i]);
        if (fs_is_dir(s)) {
            rc = fs_mkdirs(d, 0755);
            if (rc == 0)
                rc = copy_tree(s, d, f);
        } else {
            struct buf in = BUF_INIT, out = BUF_INIT;
            rc = fs_read_file(s, MAX_TEMPLATE_FILE, &in);
            if (rc == 0 && !ends_with(names.names[i], ".parquet.gz"))
                rc = scaffold_fill_text(s, in.data, in.len, f, &out);
            else if (rc == 0)
                buf_add(&out, in.data, in.len);
            if (rc == 0)
                rc = fs_write_atomic(d, out.data, out.len);
            buf_free(&in);
            buf_free(&out);
        }
        free(s);
        free(d);
    }
    fs_names_free(&names);
    return rc;
}

/* ---- the test case for other entity types ---- */

/* "network-traffic--uuid" -> "TYPE--uuid" in a string column; other values unchanged. */
static void retype_column(struct pq_column *c, const char *type, bool is_type_column)
{
    struct pq_vector v = {0};
    v.type = c->values.type;
    for (size_t r = 0; r < c->values.len; r++) {
        size_t len;
        if (vector_is_null(&c->values, r)) {
            vector_append_null(&v);
            continue;
        }
        const char *s = (const char *)vector_bytes(&c->values, r, &len);
        const char *dash = memmem(s, len, "--", 2);
        struct buf b = BUF_INIT;
        if (is_type_column) {
            buf_addstr(&b, type);
        } else if (dash) {
            buf_addstr(&b, type);
            buf_add(&b, dash, len - (size_t)(dash - s));
        } else {
            buf_add(&b, s, len);
        }
        vector_append_bytes(&v, b.data, b.len);
        buf_free(&b);
    }
    vector_free(&c->values);
    c->values = v;
}

/* Rewrites a template table for entity type `type`: keeps id, type and x_seen_count. */
int scaffold_retype_file(const char *path, const char *type)
{
    struct pq_table t = PQ_TABLE_INIT, out = PQ_TABLE_INIT;
    if (pq_read_file(path, &t) < 0)
        return -1;
    int rc = 0;
    size_t cap = 0;
    out.nrows = t.nrows;
    for (size_t i = 0; i < t.ncols && rc == 0; i++) {
        struct pq_column *c = &t.cols[i];
        bool is_id = !strcmp(c->name, "id"), is_type = !strcmp(c->name, "type");
        if (!is_id && !is_type && strcmp(c->name, "x_seen_count"))
            continue;
        if ((is_id || is_type) && (c->is_list || c->values.type.physical != PQ_BYTE_ARRAY)) {
            rc = err_set("%s: column %s is not a string column", path, c->name);
            break;
        }
        if (is_id || is_type)
            retype_column(c, type, is_type);
        ARRAY_GROW(out.cols, out.ncols + 1, cap);
        out.cols[out.ncols++] = *c;
        memset(c, 0, sizeof *c); /* moved */
    }
    if (rc == 0)
        rc = pq_write_file(path, &out, NULL);
    table_free(&out);
    table_free(&t);
    return rc;
}

static int retype_case(const char *dir, const char *type)
{
    static const char *const files[] = {"tests/basic/input/0.parquet.gz",
                                        "tests/basic/expected/output/0.parquet.gz"};
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        char *p = path_join(dir, files[i]);
        int rc = fs_is_file(p) ? scaffold_retype_file(p, type) : 0;
        free(p);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- new NAME ---- */

/* As strict as the CI gate, except for the README's template prose: the author replaces it
 * next (validate --strict and the gate then insist). 0, 1 findings, -1 could not check. */
static int validate_new(const char *root, const char *dest, struct diag_list *diags)
{
    int v = analytic_validate(root, dest, false, diags);
    for (size_t i = 0; i < diags->count && v == 0; i++)
        if (diags->items[i].severity == DIAG_WARNING &&
            (!diags->items[i].rule || strcmp(diags->items[i].rule, "readme-template")))
            v = 1;
    if (v > 0)
        err_set("the new analytic does not validate (shown above); nothing was kept");
    return v;
}

/* Removes what a failed creation made, keeping the first error in the slot. */
static void remove_made(const char *path, struct scaffold_result *out)
{
    char *first = xstrdup(err_last());
    if (fs_remove_tree(path) < 0) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "could not remove %s: %s", path, err_last());
        out->cleanup_error = buf_detach(&b, NULL);
    }
    err_set("%s", first);
    free(first);
}

int scaffold_create(const char *root, const struct scaffold_spec *spec, struct scaffold_result *out)
{
    if (scaffold_spec_check(spec) < 0 || scaffold_check_free(root, spec->name) < 0)
        return -1;
    char *tdir = scaffold_template_dir(root, spec->template_name);
    if (!tdir)
        return err_set("no template '%s' (looked in %s/template and %s/template)",
                       spec->template_name, root, KANALYTIC_DATADIR);
    out->author =
        spec->author ? xstrdup(spec->author) : scaffold_author(root, &out->author_from_user);
    struct scaffold_fills f;
    scaffold_fills_build(spec, out->author, &f);

    char *analytics = path_join(root, "analytics");
    char *dest = path_join(analytics, spec->name);
    struct buf tmp = BUF_INIT;
    buf_addf(&tmp, "%s/.new-%s.XXXXXX", analytics, spec->name);
    int rc = -1;
    bool made = false, placed = false;
    if (!mkdtemp(tmp.data)) {
        err_errno(tmp.data);
        goto cleanup;
    }
    made = true;
    if (chmod(tmp.data, 0755) < 0) {
        err_errno(tmp.data);
        goto cleanup;
    }
    if (copy_tree(tdir, tmp.data, &f) < 0)
        goto cleanup;
    const char *type = spec->n_entity_types ? spec->entity_types[0] : "*";
    if (strcmp(type, "*") && strcmp(type, SCAFFOLD_TEMPLATE_TYPE) &&
        retype_case(tmp.data, type) < 0)
        goto cleanup;
    if (fs_exists(dest)) {
        err_set("analytics/%s appeared while it was being created", spec->name);
        goto cleanup;
    }
    if (rename(tmp.data, dest) < 0) {
        err_errno(dest);
        goto cleanup;
    }
    placed = true;
    rc = validate_new(root, dest, &out->diags);
cleanup:
    if (rc != 0 && made)
        remove_made(placed ? dest : tmp.data, out);
    if (rc == 0)
        out->with_clause = xstrdup(scaffold_fills_get(&f, "with_clause"));
    buf_free(&tmp);
    free(dest);
    free(analytics);
    free(tdir);
    scaffold_fills_free(&f);
    return rc;
}

void scaffold_result_free(struct scaffold_result *r)
{
    free(r->author);
    free(r->with_clause);
    free(r->cleanup_error);
    diag_list_free(&r->diags);
    r->author = r->with_clause = r->cleanup_error = NULL;
}

/* ---- new [NAME] --from DIR ---- */

int scaffold_adopt_scan(const struct scaffold_adopt_spec *spec, struct adopt_info *info,
                        const char **name_out)
{
    if (adopt_scan_dir(spec->from, info) < 0)
        return -1;
    const char *name = spec->name ? spec->name : info->name;
    if (!name)
        return err_set("no name found in %s (README's docker build -t kestrel-analytics-X, or "
                       "the folder name): give NAME",
                       spec->from);
    if (!scaffold_name_ok(name))
        return err_set("'%s'%s%s is not a valid name: use lower-case letters, digits, '-' and "
                       "'_' (give NAME)",
                       name, spec->name ? "" : " from ", spec->name ? "" : info->name_from);
    *name_out = name;
    return 0;
}

int scaffold_adopt(const char *root, const struct scaffold_adopt_spec *spec, const char *name,
                   const struct adopt_info *info, struct diag_list *todo, struct diag_list *diags)
{
    if (scaffold_check_free(root, name) < 0)
        return -1;
    size_t n_inputs = info->n_inputs ? info->n_inputs : 1;
    if (spec->n_inputs && spec->n_inputs != n_inputs)
        return err_set("%zu --input file%s given, but the code reads %zu input%s "
                       "(/data/input/0..%zu)",
                       spec->n_inputs, spec->n_inputs == 1 ? "" : "s", n_inputs,
                       n_inputs == 1 ? "" : "s", n_inputs - 1);
    char *tdir = NULL, *example = NULL;
    if (!spec->n_inputs) {
        if (!(tdir = scaffold_template_dir(root, "python")))
            return err_set("no template/python to take an example input from; give --input FILE");
        example = path_join(tdir, "tests/basic/input/0.parquet.gz");
    }
    bool from_user;
    char *author = scaffold_author(root, &from_user);
    struct adopt_target t = {.root = root,
                             .from = spec->from,
                             .name = name,
                             .author = author,
                             .inputs = spec->inputs,
                             .n_inputs = spec->n_inputs,
                             .example_input = example};
    int rc = adopt_create(&t, info, todo, diags);
    if (rc > 0)
        err_set("the adopted analytic has findings besides the TODO marks (shown above); "
                "nothing was kept");
    free(author);
    free(example);
    free(tdir);
    return rc;
}
