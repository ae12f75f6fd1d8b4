/* kanalytic new: scaffolds analytics/NAME from template/<python|c>/, filling every {{...}}
 * placeholder (name, description, author from git config, entity types, parameters). The tree
 * is written into a temporary folder beside its destination and renamed into place, then
 * validated; any failure leaves nothing behind. `new --from DIR` adopts an existing docker
 * analytic instead: DIR is copied and its manifest inferred (manifest/adopt.h), with TODO
 * marks for the author where nothing could be inferred. */
#include "cmd/cmd.h"
#include "manifest/adopt.h"
#include "manifest/manifest.h"
#include "parquet/parquet.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KANALYTIC_DATADIR
#define KANALYTIC_DATADIR "/usr/local/share/kanalytic"
#endif

#define NAME_MAX_LEN 100
#define MAX_TEMPLATE_FILE (4u << 20)
/* The template's test input is network-traffic; other entity types get it rewritten. */
#define TEMPLATE_ENTITY_TYPE "network-traffic"

struct new_param {
    char *name;
    enum param_type type;
};

struct new_opts {
    const char *name;
    const char *template_name;
    const char *description;
    char **entity_types;
    size_t n_entity_types;
    struct new_param *params;
    size_t n_params;
    const char *from; /* --from DIR: adopt an existing docker analytic */
    char **inputs;    /* --input FILE: the first case's inputs (with --from) */
    size_t n_inputs;
};

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

static void usage(FILE *out)
{
    fprintf(out,
            "usage: kanalytic new NAME [--template python|c] [--entity-type T ...]\n"
            "                     [--param NAME:TYPE ...] [--description TEXT]\n"
            "       kanalytic new [NAME] --from DIR [--input FILE ...]\n"
            "\n"
            "Creates analytics/NAME from template/TEMPLATE/: manifest, README, Dockerfile,\n"
            "code and a basic golden test case, with every placeholder filled and the\n"
            "author taken from git config (user.name, user.email). What it creates passes\n"
            "`kanalytic validate`, `build` and `test` as it is. Refuses an existing folder\n"
            "or an image name another analytic already uses.\n"
            "\n"
            "  -t, --template T       python (default) or c\n"
            "  -e, --entity-type T    an entity type of input 0 (repeatable; default *)\n"
            "  -p, --param NAME:TYPE  an optional WITH parameter (repeatable); TYPE is\n"
            "                         string, integer, number, boolean or list\n"
            "  -d, --description TEXT what the analytic does (one sentence or two)\n"
            "  -f, --from DIR         adopt an existing docker analytic folder (Dockerfile,\n"
            "                         code, README): copies it and infers the manifest (name,\n"
            "                         parameters from the code's environment reads, inputs,\n"
            "                         outputs, display, description); what it cannot infer is\n"
            "                         marked TODO(kanalytic new --from) for `validate`\n"
            "  -i, --input FILE       with --from: a Parquet input of the first test case\n"
            "                         (once per input; default: the template's example)\n"
            "\n"
            "NAME: lower-case letters, digits, '-' and '_', starting with a letter or digit;\n"
            "the image is kestrel-analytics-NAME.\n"
            "\n"
            "exit: 0 created, 1 the result did not validate (nothing kept), 2 usage, an\n"
            "existing analytic, or an I/O error\n"
            "\n"
            "examples:\n"
            "  kanalytic new beacon-interval --entity-type network-traffic \\\n"
            "      --param threshold:number --param columns:list\n"
            "  kanalytic new entropy-check --template c --entity-type domain-name\n"
            "  kanalytic new --from ../kestrel-analytics/analytics/piniponmap \\\n"
            "      --input procs.parquet.gz\n");
}

/* ---- checks ---- */

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_LEN)
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

static int parse_param(const char *arg, struct new_param *out)
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

/* Refuses a name whose folder exists or whose image another analytic's manifest claims. */
static int check_free(const char *root, const char *name)
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

/* ---- author from git config ---- */

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

/* ---- placeholders ---- */

struct fill {
    const char *key;
    char *value;
};

struct fills {
    struct fill items[24];
    size_t count;
};

static void fill_set(struct fills *f, const char *key, char *value)
{
    f->items[f->count].key = key;
    f->items[f->count].value = value;
    f->count++;
}

static void fills_free(struct fills *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->items[i].value);
}

/* s as a YAML double-quoted scalar (JSON escapes are valid YAML). */
static char *yaml_quoted(const char *s)
{
    struct buf b = BUF_INIT;
    buf_addch(&b, '"');
    buf_add_json_escaped(&b, s, strlen(s));
    buf_addch(&b, '"');
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

static void build_fills(const struct new_opts *o, const char *author, struct fills *f)
{
    struct buf b = BUF_INIT;
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
    const char *example = TEMPLATE_ENTITY_TYPE;
    if (!any && strcmp(o->entity_types[0], "*"))
        example = o->entity_types[0];
    fill_set(f, "example_type", xstrdup(example));

    /* analytic.yaml */
    if (o->n_params == 0)
        buf_addstr(&b, "parameters: []");
    else
        buf_addstr(&b, "parameters:");
    for (size_t i = 0; i < o->n_params; i++) {
        const struct new_param *p = &o->params[i];
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
        const struct new_param *p = &o->params[i];
        buf_addf(&b, "%s        \"%s\": %s(\"%s\", %s),", i ? "\n" : "", p->name,
                 python_reader(p->type), p->name, python_default(p->type));
    }
    fill_set(f, "param_reads", buf_detach(&b, NULL));
    for (size_t i = 0; i < o->n_params; i++)
        buf_addf(&b, ", %s=%s", o->params[i].name, python_default(o->params[i].type));
    fill_set(f, "param_signature", buf_detach(&b, NULL));

    /* C */
    for (size_t i = 0; i < o->n_params; i++) {
        const struct new_param *p = &o->params[i];
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
        const struct new_param *p = &o->params[i];
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
            const struct new_param *p = &o->params[i];
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
static int fill_text(const char *path, const char *text, size_t len, const struct fills *f,
                     struct buf *out)
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
            const struct fill *hit = NULL;
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

static bool is_binary_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 11 && !strcmp(name + n - 11, ".parquet.gz");
}

/* Copies the template folder src into dst (which exists), filling text files. */
static int copy_tree(const char *src, const char *dst, const struct fills *f)
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
            if (rc == 0 && !is_binary_name(names.names[i]))
                rc = fill_text(s, in.data, in.len, f, &out);
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
static int retype_file(const char *path, const char *type)
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
        int rc = fs_is_file(p) ? retype_file(p, type) : 0;
        free(p);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ---- the command ---- */

static char *template_dir(const char *root, const char *name)
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

static void print_next_steps(const struct new_opts *o, const char *with)
{
    const char *code = strcmp(o->template_name, "c") ? "analytics.py" : "src/analytic.c";
    printf("created analytics/%s from template/%s\n\n", o->name, o->template_name);
    printf("next steps:\n");
    printf("  1. write the analytic in analytics/%s/%s (analytics()), then describe it in\n"
           "     README.md and analytic.yaml (description, parameters, outputs)\n",
           o->name, code);
    printf("  2. replace tests/basic with real cases, including an edge case\n");
    printf("  3. kanalytic validate %s\n", o->name);
    printf("  4. kanalytic build %s\n", o->name);
    printf("  5. kanalytic test %s            (--update rewrites goldens you have checked)\n",
           o->name);
    printf("  6. in Kestrel: APPLY docker://%s ON var%s\n", o->name, with);
}

static int create(const char *root, const struct new_opts *o)
{
    char *tdir = template_dir(root, o->template_name);
    if (!tdir)
        return err_set("no template '%s' (looked in %s/template and %s/template)", o->template_name,
                       root, KANALYTIC_DATADIR);
    char *author = git_author(root);
    if (!author) {
        const char *user = getenv("USER");
        author = xstrdup(user && *user ? user : "unknown");
        fprintf(stderr,
                "kanalytic new: no user.name in git config; author set to '%s' "
                "(edit analytic.yaml)\n",
                author);
    }
    struct fills f = {0};
    build_fills(o, author, &f);
    free(author);

    char *analytics = path_join(root, "analytics");
    char *dest = path_join(analytics, o->name);
    struct buf tmp = BUF_INIT;
    buf_addf(&tmp, "%s/.new-%s.XXXXXX", analytics, o->name);
    int rc = -1;
    bool made = false, placed = false;
    if (!mkdtemp(tmp.data)) {
        err_errno(tmp.data);
        goto out;
    }
    made = true;
    if (chmod(tmp.data, 0755) < 0) {
        err_errno(tmp.data);
        goto out;
    }
    if (copy_tree(tdir, tmp.data, &f) < 0)
        goto out;
    const char *type = o->n_entity_types ? o->entity_types[0] : "*";
    if (strcmp(type, "*") && strcmp(type, TEMPLATE_ENTITY_TYPE) && retype_case(tmp.data, type) < 0)
        goto out;
    if (fs_exists(dest)) {
        err_set("analytics/%s appeared while it was being created", o->name);
        goto out;
    }
    if (rename(tmp.data, dest) < 0) {
        err_errno(dest);
        goto out;
    }
    placed = true;
    struct diag_list diags = DIAG_LIST_INIT;
    /* as strict as the CI gate, except for the README's template prose: the author replaces
     * it next (validate --strict and the gate then insist) */
    int v = analytic_validate(root, dest, false, &diags);
    for (size_t i = 0; i < diags.count && v == 0; i++)
        if (diags.items[i].severity == DIAG_WARNING &&
            (!diags.items[i].rule || strcmp(diags.items[i].rule, "readme-template")))
            v = 1;
    if (v != 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        diag_list_free(&diags);
        if (v > 0)
            err_set("the new analytic does not validate (shown above); nothing was kept");
        rc = v > 0 ? 1 : -1;
        goto out;
    }
    diag_print(&diags, DIAG_FORMAT_TEXT, stderr); /* the README's template prose, a reminder */
    diag_list_free(&diags);
    rc = 0;
out:
    if (rc != 0) {
        const char *gone = placed ? dest : tmp.data;
        if (made && fs_remove_tree(gone) < 0)
            fprintf(stderr, "kanalytic new: could not remove %s: %s\n", gone, err_last());
    } else {
        const char *with = NULL;
        for (size_t i = 0; i < f.count; i++)
            if (!strcmp(f.items[i].key, "with_clause"))
                with = f.items[i].value;
        print_next_steps(o, with ? with : "");
    }
    buf_free(&tmp);
    free(dest);
    free(analytics);
    free(tdir);
    fills_free(&f);
    return rc;
}

/* ---- new --from: adopting an existing docker analytic (manifest/adopt.h) ---- */

static void print_adopted(const struct new_opts *o, const char *name, const struct adopt_info *a,
                          const struct diag_list *todo)
{
    printf("adopted %s as analytics/%s\n", o->from, name);
    printf("  name         %s (from %s)\n", name,
           o->name        ? "the command line"
           : a->name_from ? a->name_from
                          : "?");
    printf("  description  %s\n", a->description ? "the README's first paragraph" : "none found");
    printf("  parameters   %zu:", a->n_params);
    for (size_t i = 0; i < a->n_params; i++)
        printf(" %s (%s%s)", a->params[i].name, param_type_name(a->params[i].type),
               a->params[i].required ? ", required" : "");
    printf("\n  inputs       %zu%s\n", a->n_inputs ? a->n_inputs : 1,
           a->n_inputs ? "" : " (none found in the code)");
    printf("  display      %s\n", a->display ? "html (/data/display)" : "none");
    printf("\nleft for you: %zu TODO(kanalytic new --from) marks (validate lists them):\n",
           todo->count);
    diag_print(todo, DIAG_FORMAT_TEXT, stdout);
    printf("\nnext steps:\n"
           "  1. fix each marked value in analytics/%s/analytic.yaml and tests/basic/case.yaml,\n"
           "     deleting its TODO comment\n"
           "  2. kanalytic validate %s\n"
           "  3. kanalytic build %s\n"
           "  4. kanalytic test %s     (the first run writes the golden output: check it)\n",
           name, name, name, name);
}

static int adopt(const char *root, const struct new_opts *o, const char *name, struct adopt_info *a)
{
    size_t n_inputs = a->n_inputs ? a->n_inputs : 1;
    if (o->n_inputs && o->n_inputs != n_inputs)
        return err_set("%zu --input file%s given, but the code reads %zu input%s "
                       "(/data/input/0..%zu)",
                       o->n_inputs, o->n_inputs == 1 ? "" : "s", n_inputs, n_inputs == 1 ? "" : "s",
                       n_inputs - 1);
    char *tdir = NULL, *example = NULL;
    if (!o->n_inputs) {
        if (!(tdir = template_dir(root, "python")))
            return err_set("no template/python to take an example input from; give --input FILE");
        example = path_join(tdir, "tests/basic/input/0.parquet.gz");
    }
    char *author = git_author(root);
    if (!author)
        author = xstrdup(getenv("USER") && *getenv("USER") ? getenv("USER") : "unknown");
    struct adopt_target t = {.root = root,
                             .from = o->from,
                             .name = name,
                             .author = author,
                             .inputs = o->inputs,
                             .n_inputs = o->n_inputs,
                             .example_input = example};
    struct diag_list diags = DIAG_LIST_INIT, todo = DIAG_LIST_INIT;
    int rc = adopt_create(&t, a, &todo, &diags);
    if (rc > 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        err_set("the adopted analytic has findings besides the TODO marks (shown above); "
                "nothing was kept");
    } else if (rc == 0) {
        print_adopted(o, name, a, &todo);
    }
    diag_list_free(&diags);
    diag_list_free(&todo);
    free(author);
    free(example);
    free(tdir);
    return rc;
}

/* new [NAME] --from DIR: the options that make no sense with it are refused. */
static int new_from(struct new_opts *o, int argc, char **argv, struct adopt_info *a)
{
    if (o->n_entity_types || o->n_params || o->description || strcmp(o->template_name, "python")) {
        fprintf(stderr, "kanalytic new: --from infers the manifest; --entity-type, --param, "
                        "--description and --template do not go with it (edit the marked "
                        "analytic.yaml instead)\n");
        return EXIT_TROUBLE;
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "kanalytic new: expected at most one NAME with --from\n");
        return EXIT_TROUBLE;
    }
    o->name = optind < argc ? argv[optind] : NULL;
    if (adopt_scan_dir(o->from, a) < 0) {
        fprintf(stderr, "kanalytic new: %s\n", err_last());
        return EXIT_TROUBLE;
    }
    const char *name = o->name ? o->name : a->name;
    if (!name) {
        fprintf(stderr,
                "kanalytic new: no name found in %s (README's docker build -t "
                "kestrel-analytics-X, or the folder name): give NAME\n",
                o->from);
        return EXIT_TROUBLE;
    }
    if (!name_ok(name)) {
        fprintf(stderr,
                "kanalytic new: '%s'%s%s is not a valid name: use lower-case letters, "
                "digits, '-' and '_' (give NAME)\n",
                name, o->name ? "" : " from ", o->name ? "" : a->name_from);
        return EXIT_TROUBLE;
    }
    char *root = NULL;
    int status = EXIT_TROUBLE;
    if (repo_find_root(&root) < 0 || check_free(root, name) < 0) {
        fprintf(stderr, "kanalytic new: %s\n", err_last());
        goto out;
    }
    int rc = adopt(root, o, name, a);
    if (rc != 0) {
        fprintf(stderr, "kanalytic new: %s\n", err_last());
        status = rc > 0 ? EXIT_FINDINGS : EXIT_TROUBLE;
        goto out;
    }
    status = 0;
out:
    free(root);
    return status;
}

int cmd_new(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"template", required_argument, NULL, 't'}, {"entity-type", required_argument, NULL, 'e'},
        {"param", required_argument, NULL, 'p'},    {"description", required_argument, NULL, 'd'},
        {"from", required_argument, NULL, 'f'},     {"input", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    struct new_opts o = {0};
    o.template_name = "python";
    size_t cap_types = 0, cap_params = 0, cap_inputs = 0;
    struct adopt_info adopted = {0};
    int status = EXIT_TROUBLE;
    char *root = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:e:p:d:f:i:h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': o.template_name = optarg; break;
        case 'e':
            if (!entity_type_ok(optarg)) {
                fprintf(stderr,
                        "kanalytic new: --entity-type %s: expected a name like "
                        "network-traffic (lower case, digits, '-') or *\n",
                        optarg);
                goto out;
            }
            ARRAY_GROW(o.entity_types, o.n_entity_types + 1, cap_types);
            for (size_t i = 0; i < o.n_entity_types; i++) {
                if (!strcmp(o.entity_types[i], optarg)) {
                    fprintf(stderr, "kanalytic new: --entity-type %s given twice\n", optarg);
                    goto out;
                }
            }
            o.entity_types[o.n_entity_types++] = optarg;
            break;
        case 'p':
            ARRAY_GROW(o.params, o.n_params + 1, cap_params);
            if (parse_param(optarg, &o.params[o.n_params]) < 0) {
                fprintf(stderr, "kanalytic new: %s\n", err_last());
                goto out;
            }
            for (size_t i = 0; i < o.n_params; i++) {
                if (!strcmp(o.params[i].name, o.params[o.n_params].name)) {
                    fprintf(stderr, "kanalytic new: --param %s given twice\n", o.params[i].name);
                    free(o.params[o.n_params].name);
                    goto out;
                }
            }
            o.n_params++;
            break;
        case 'd': o.description = optarg; break;
        case 'f': o.from = optarg; break;
        case 'i':
            ARRAY_GROW(o.inputs, o.n_inputs + 1, cap_inputs);
            o.inputs[o.n_inputs++] = optarg;
            break;
        case 'h':
            usage(stdout);
            status = 0;
            goto out;
        default: usage(stderr); goto out;
        }
    }
    if (o.from)
        status = new_from(&o, argc, argv, &adopted);
    if (o.from)
        goto out;
    if (o.n_inputs) {
        fprintf(stderr, "kanalytic new: --input goes with --from (the template has its own "
                        "case)\n");
        goto out;
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "kanalytic new: expected exactly one NAME\n");
        usage(stderr);
        goto out;
    }
    o.name = argv[optind];
    if (!name_ok(o.name)) {
        fprintf(stderr,
                "kanalytic new: '%s' is not a valid name: use lower-case letters, "
                "digits, '-' and '_', starting with a letter or digit (at most %d)\n",
                o.name, NAME_MAX_LEN);
        goto out;
    }
    if (strcmp(o.template_name, "python") && strcmp(o.template_name, "c")) {
        fprintf(stderr, "kanalytic new: --template %s: expected python or c\n", o.template_name);
        goto out;
    }
    if (o.description &&
        (!*o.description || strstr(o.description, "{{") || strpbrk(o.description, "\n\r"))) {
        fprintf(stderr, "kanalytic new: --description must be one non-empty line without "
                        "'{{'\n");
        goto out;
    }
    if (o.n_entity_types > 1) {
        for (size_t i = 0; i < o.n_entity_types; i++) {
            if (!strcmp(o.entity_types[i], "*")) {
                fprintf(stderr, "kanalytic new: --entity-type * means any; do not combine it "
                                "with other types\n");
                goto out;
            }
        }
    }
    if (repo_find_root(&root) < 0 || check_free(root, o.name) < 0) {
        fprintf(stderr, "kanalytic new: %s\n", err_last());
        goto out;
    }
    int rc = create(root, &o);
    if (rc != 0) {
        fprintf(stderr, "kanalytic new: %s\n", err_last());
        status = rc > 0 ? EXIT_FINDINGS : EXIT_TROUBLE;
        goto out;
    }
    status = 0;
out:
    for (size_t i = 0; i < o.n_params; i++)
        free(o.params[i].name);
    free(o.params);
    free(o.entity_types);
    free(o.inputs);
    adopt_info_free(&adopted);
    free(root);
    return status;
}
