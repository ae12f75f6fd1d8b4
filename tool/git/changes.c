/* Change detection for the CI gate: see changes.h. */
#include "changes.h"
#include "manifest/yaml.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define TRIGGERS_FILE "ci.triggers"
#define TRIGGERS_MAX_BYTES (64 * 1024)

static const char *const default_triggers[] = {
    "template/", "schemas/", "tool/", "Makefile", ".github/workflows/", TRIGGERS_FILE,
};

static void triggers_add(struct triggers *t, const char *glob, size_t len)
{
    ARRAY_GROW(t->globs, t->count + 1, t->cap);
    t->globs[t->count++] = xstrndup(glob, len);
}

void triggers_set_defaults(struct triggers *t)
{
    for (size_t i = 0; i < ARRAY_SIZE(default_triggers); i++)
        triggers_add(t, default_triggers[i], strlen(default_triggers[i]));
}

int triggers_load(const char *root, struct triggers *out)
{
    char *path = path_join(root, TRIGGERS_FILE);
    if (!fs_exists(path)) {
        free(path);
        triggers_set_defaults(out);
        return 0;
    }
    struct buf b = BUF_INIT;
    if (fs_read_file(path, TRIGGERS_MAX_BYTES, &b) < 0) {
        free(path);
        buf_free(&b);
        return -1;
    }
    const char *p = b.data, *end = b.data + b.len;
    int lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        lineno++;
        const char *s = p, *e = eol;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (s < e && *s != '#') {
            if (memchr(s, '\0', (size_t)(e - s))) {
                int r = err_set("%s:%d: NUL byte in a trigger glob", path, lineno);
                free(path);
                buf_free(&b);
                return r;
            }
            triggers_add(out, s, (size_t)(e - s));
        }
        p = nl ? nl + 1 : end;
    }
    /* the trigger file itself always triggers: changing the rules re-checks everything */
    triggers_add(out, TRIGGERS_FILE, strlen(TRIGGERS_FILE));
    free(path);
    buf_free(&b);
    return 0;
}

bool triggers_match(const struct triggers *t, const char *path)
{
    for (size_t i = 0; i < t->count; i++) {
        const char *g = t->globs[i];
        size_t n = strlen(g);
        if (n && g[n - 1] == '/') {
            if (!strncmp(path, g, n))
                return true;
        } else if (!fnmatch(g, path, 0)) {
            return true;
        }
    }
    return false;
}

void triggers_free(struct triggers *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->globs[i]);
    free(t->globs);
    memset(t, 0, sizeof *t);
}

int changes_owner(const char *path, char **name)
{
    static const char pre[] = "analytics/";
    if (strncmp(path, pre, sizeof pre - 1))
        return 0;
    const char *s = path + sizeof pre - 1;
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || !slash[1])
        return 0;
    *name = xstrndup(s, (size_t)(slash - s));
    return 1;
}

/* ---- collecting deltas ------------------------------------------------------------------ */

/* Everything touched, keyed by analytic name while collecting. */
struct touched {
    char *name;
    char *renamed_from; /* another analytic whose files moved here */
    char *renamed_to;   /* the analytic this one's files moved to */
    struct changed_file *files;
    size_t nfiles, files_cap;
};

struct collect {
    const char *prefix; /* root relative to the git work tree, "" or "sub/dir/" */
    size_t prefix_len;
    const struct triggers *triggers;
    struct touched *t;
    size_t nt, t_cap;
    char **paths; /* every changed path, root-relative (old and new names of a rename) */
    size_t npaths, paths_cap;
    struct changes *out;
};

static struct touched *touched_get(struct collect *c, const char *name)
{
    for (size_t i = 0; i < c->nt; i++)
        if (!strcmp(c->t[i].name, name))
            return &c->t[i];
    ARRAY_GROW(c->t, c->nt + 1, c->t_cap);
    struct touched *t = &c->t[c->nt++];
    memset(t, 0, sizeof *t);
    t->name = xstrdup(name);
    return t;
}

/* Root-relative path, or NULL for a path outside the analytics root. */
static const char *strip_prefix(const struct collect *c, const char *path)
{
    if (!path)
        return NULL;
    if (strncmp(path, c->prefix, c->prefix_len))
        return NULL;
    return path + c->prefix_len;
}

static void add_path(struct collect *c, const char *path)
{
    ARRAY_GROW(c->paths, c->npaths + 1, c->paths_cap);
    c->paths[c->npaths++] = xstrdup(path);
}

static void add_trigger_path(struct changes *out, const char *path)
{
    for (size_t i = 0; i < out->ntrigger; i++)
        if (!strcmp(out->trigger_paths[i], path))
            return;
    ARRAY_GROW(out->trigger_paths, out->ntrigger + 1, out->trigger_cap);
    out->trigger_paths[out->ntrigger++] = xstrdup(path);
}

static void touched_add_file(struct touched *t, char status, const char *path, const char *old_path,
                             bool content)
{
    for (size_t i = 0; i < t->nfiles; i++) {
        struct changed_file *f = &t->files[i];
        if (!strcmp(f->path, path)) {
            /* seen in base..HEAD and again in the index or work tree */
            f->content |= content;
            if (status == 'D')
                f->status = 'D';
            return;
        }
    }
    ARRAY_GROW(t->files, t->nfiles + 1, t->files_cap);
    struct changed_file *f = &t->files[t->nfiles++];
    f->path = xstrdup(path);
    f->old_path = old_path ? xstrdup(old_path) : NULL;
    f->status = status;
    f->content = content;
}

static char delta_status(git_delta_t s)
{
    switch (s) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_UNTRACKED:
    case GIT_DELTA_COPIED: return 'A';
    case GIT_DELTA_DELETED: return 'D';
    case GIT_DELTA_RENAMED: return 'R';
    case GIT_DELTA_MODIFIED:
    case GIT_DELTA_TYPECHANGE: return 'M';
    default: return 0;
    }
}

/* One delta of either diff: records trigger hits and the owning analytics. */
static void collect_delta(struct collect *c, const git_diff_delta *d)
{
    char st = delta_status(d->status);
    if (!st)
        return;
    const char *newp = strip_prefix(c, d->new_file.path);
    const char *oldp = strip_prefix(c, d->old_file.path);
    if (!newp && !oldp)
        return;
    c->out->npaths++;
    if (newp)
        add_path(c, newp);
    if (oldp && (!newp || strcmp(oldp, newp)))
        add_path(c, oldp);
    if (newp && triggers_match(c->triggers, newp))
        add_trigger_path(c->out, newp);
    if (oldp && (!newp || strcmp(oldp, newp)) && triggers_match(c->triggers, oldp))
        add_trigger_path(c->out, oldp);

    bool content = st != 'R' || !git_oid_equal(&d->old_file.id, &d->new_file.id) ||
                   git_oid_is_zero(&d->new_file.id);
    char *nown = NULL, *oown = NULL;
    if (newp)
        changes_owner(newp, &nown);
    if (oldp)
        changes_owner(oldp, &oown);

    if (st == 'R' && nown && oown && strcmp(nown, oown)) {
        /* a file moved between analytic folders: the new one is followed */
        struct touched *to = touched_get(c, nown);
        touched_add_file(to, 'R', newp, oldp, content);
        if (!to->renamed_from)
            to->renamed_from = xstrdup(oown);
        struct touched *from = touched_get(c, oown);
        touched_add_file(from, 'D', oldp, NULL, true);
        if (!from->renamed_to)
            from->renamed_to = xstrdup(nown);
    } else if (st == 'R') {
        if (nown)
            touched_add_file(touched_get(c, nown), 'R', newp, oldp, content);
        if (oown && !nown)
            touched_add_file(touched_get(c, oown), 'D', oldp, NULL, true);
    } else if (st == 'D') {
        if (oown)
            touched_add_file(touched_get(c, oown), 'D', oldp, NULL, true);
    } else if (nown) {
        touched_add_file(touched_get(c, nown), st, newp, NULL, true);
    }
    free(nown);
    free(oown);
}

static int git_fail(const char *what)
{
    const git_error *e = git_error_last();
    return err_set("%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

static int collect_tree_diff(struct collect *c, git_repository *repo, git_tree *base,
                             git_tree *head)
{
    /* the *_init functions, not the _INIT macros, which trip -Wmissing-field-initializers */
    git_diff_options dopts;
    git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
    git_diff *diff = NULL;
    if (git_diff_tree_to_tree(&diff, repo, base, head, &dopts) < 0)
        return git_fail("diff base..HEAD");
    git_diff_find_options fopts;
    git_diff_find_options_init(&fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
    fopts.flags = GIT_DIFF_FIND_RENAMES;
    if (git_diff_find_similar(diff, &fopts) < 0) {
        git_diff_free(diff);
        return git_fail("rename detection");
    }
    size_t n = git_diff_num_deltas(diff);
    for (size_t i = 0; i < n; i++)
        collect_delta(c, git_diff_get_delta(diff, i));
    git_diff_free(diff);
    return 0;
}

static int collect_status(struct collect *c, git_repository *repo)
{
    git_status_options sopts;
    git_status_options_init(&sopts, GIT_STATUS_OPTIONS_VERSION);
    sopts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    sopts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                  GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list *list = NULL;
    if (git_status_list_new(&list, repo, &sopts) < 0)
        return git_fail("status");
    size_t n = git_status_list_entrycount(list);
    for (size_t i = 0; i < n; i++) {
        const git_status_entry *e = git_status_byindex(list, i);
        if (e->head_to_index)
            collect_delta(c, e->head_to_index);
        if (e->index_to_workdir)
            collect_delta(c, e->index_to_workdir);
    }
    git_status_list_free(list);
    return 0;
}

/* ---- choosing the base ------------------------------------------------------------------ */

static int lookup_commit(git_repository *repo, const char *rev, git_commit **out)
{
    git_object *obj = NULL;
    if (git_revparse_single(&obj, repo, rev) < 0)
        return -1;
    git_object *peeled = NULL;
    int r = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (r < 0)
        return -1;
    *out = (git_commit *)peeled;
    return 0;
}

static int resolve_base(git_repository *repo, const char *rev, git_commit *head,
                        struct changes *out, git_commit **base)
{
    git_commit *tip = NULL;
    const char *used = rev;
    if (rev) {
        if (lookup_commit(repo, rev, &tip) < 0)
            return git_fail(rev);
    } else if (lookup_commit(repo, "refs/remotes/origin/main", &tip) == 0) {
        used = "origin/main";
    } else if (lookup_commit(repo, "refs/heads/main", &tip) == 0) {
        used = "main";
    } else {
        return err_set("no --base given and neither origin/main nor main exists");
    }
    git_oid_tostr(out->base_tip_oid, sizeof out->base_tip_oid, git_commit_id(tip));
    git_oid mb;
    struct buf desc = BUF_INIT;
    if (git_merge_base(&mb, repo, git_commit_id(tip), git_commit_id(head)) == 0) {
        if (git_oid_equal(&mb, git_commit_id(tip))) {
            buf_addstr(&desc, used);
        } else {
            buf_addf(&desc, "merge base of HEAD and %s", used);
            git_commit *m = NULL;
            if (git_commit_lookup(&m, repo, &mb) < 0) {
                git_commit_free(tip);
                buf_free(&desc);
                return git_fail("merge base");
            }
            git_commit_free(tip);
            tip = m;
        }
    } else {
        /* unrelated histories: compare with the revision itself */
        git_error_clear();
        buf_addf(&desc, "%s (no common ancestor with HEAD)", used);
    }
    git_oid_tostr(out->base_oid, sizeof out->base_oid, git_commit_id(tip));
    out->base_desc = buf_detach(&desc, NULL);
    *base = tip;
    return 0;
}

/* ---- the selection ---------------------------------------------------------------------- */

static bool analytic_in_worktree(const char *root, const char *name)
{
    struct buf p = BUF_INIT;
    buf_addf(&p, "%s/analytics/%s/analytic.yaml", root, name);
    bool ok = fs_is_file(p.data);
    buf_free(&p);
    return ok;
}

static bool analytic_in_tree(git_tree *tree, const char *prefix, const char *name)
{
    struct buf p = BUF_INIT;
    buf_addf(&p, "%sanalytics/%s/analytic.yaml", prefix, name);
    git_tree_entry *e = NULL;
    bool ok = git_tree_entry_bypath(&e, tree, p.data) == 0;
    if (!ok)
        git_error_clear();
    git_tree_entry_free(e);
    buf_free(&p);
    return ok;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const struct changed_file *)a)->path, ((const struct changed_file *)b)->path);
}

static int cmp_selected(const void *a, const void *b)
{
    return strcmp(((const struct selected_analytic *)a)->name,
                  ((const struct selected_analytic *)b)->name);
}

static int cmp_skipped(const void *a, const void *b)
{
    return strcmp(((const struct skipped_analytic *)a)->name,
                  ((const struct skipped_analytic *)b)->name);
}

static void add_skipped(struct changes *out, const char *name, const char *reason)
{
    ARRAY_GROW(out->skipped, out->nskipped + 1, out->skipped_cap);
    out->skipped[out->nskipped].name = xstrdup(name);
    out->skipped[out->nskipped].reason = xstrdup(reason);
    out->nskipped++;
}

static char *own_reason(const struct touched *t, bool is_new)
{
    struct buf r = BUF_INIT;
    if (t->renamed_from)
        buf_addf(&r, "renamed from %s; ", qpath(t->renamed_from));
    else if (is_new)
        buf_addstr(&r, "new analytic; ");
    buf_addf(&r, "%zu file%s changed:", t->nfiles, t->nfiles == 1 ? "" : "s");
    size_t skip = strlen("analytics/") + strlen(t->name) + 1;
    for (size_t i = 0; i < t->nfiles && i < 3; i++)
        buf_addf(&r, "%s%s(%c)", i ? ", " : " ", qpath(t->files[i].path + skip),
                 t->files[i].status);
    if (t->nfiles > 3)
        buf_addf(&r, " and %zu more", t->nfiles - 3);
    return buf_detach(&r, NULL);
}

static bool is_selected(const struct changes *out, const char *name)
{
    for (size_t j = 0; j < out->count; j++)
        if (!strcmp(out->items[j].name, name))
            return true;
    return false;
}

/* Selects an analytic none of whose own files changed; takes reason. */
static void select_other(struct collect *c, git_tree *base_tree, const char *name, char *reason)
{
    struct changes *out = c->out;
    ARRAY_GROW(out->items, out->count + 1, out->cap);
    struct selected_analytic *s = &out->items[out->count++];
    memset(s, 0, sizeof *s);
    s->name = xstrdup(name);
    s->base_name = xstrdup(name);
    s->is_new = !analytic_in_tree(base_tree, c->prefix, name);
    s->reason = reason;
}

/* ---- analytics that build with files outside their folder ------------------------------ */

/* src relative to the root, cleaned lexically ("./a//b/../c/" -> "a/c"); NULL when it is
 * empty, absolute or leaves the root. */
static char *clean_relative(const char *src)
{
    if (!src || src[0] == '/')
        return NULL;
    struct buf b = BUF_INIT;
    const char *p = src;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && !strncmp(p, "..", 2)) {
            char *slash = b.len ? strrchr(b.data, '/') : NULL;
            if (!b.len) {
                buf_free(&b);
                return NULL;
            }
            buf_setlen(&b, slash ? (size_t)(slash - b.data) : 0);
        } else if (n && !(n == 1 && *p == '.')) {
            if (b.len)
                buf_addch(&b, '/');
            buf_add(&b, p, n);
        }
        p += n;
        p += *p == '/';
    }
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* path is dir or lies below it */
static bool path_within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* The changed path that analytic `name`'s build.include src brings into its build context,
 * or NULL. The src is taken as written and as it resolves through links in the working tree
 * (real_root: the root's real path), so that a link to a shared folder is followed too. */
static const char *include_hit(const struct collect *c, const char *root, const char *real_root,
                               const char *src)
{
    char *lex = clean_relative(src), *res = NULL;
    if (!lex)
        return NULL;
    char *abs = path_join(root, lex);
    char *real = real_root ? realpath(abs, NULL) : NULL;
    size_t rl = real_root ? strlen(real_root) : 0;
    if (real && !strncmp(real, real_root, rl) && real[rl] == '/' && strcmp(real + rl + 1, lex))
        res = xstrdup(real + rl + 1);
    free(real);
    free(abs);
    const char *hit = NULL;
    for (size_t i = 0; i < c->npaths && !hit; i++)
        if (path_within(c->paths[i], lex) || (res && path_within(c->paths[i], res)))
            hit = c->paths[i];
    free(lex);
    free(res);
    return hit;
}

/* Selects each analytic of the working tree whose analytic.yaml brings a changed path into
 * its build (build.include), although none of its own files changed: a change to a shared
 * file is tested with every analytic built from it, whatever ci.triggers says. Read from
 * the YAML alone, so that a manifest with other errors still counts (validate reports
 * those). */
static int select_by_includes(struct collect *c, const char *root, git_tree *base_tree)
{
    struct changes *out = c->out;
    if (!c->npaths)
        return 0;
    struct fs_names all = {0};
    if (repo_list_analytics(root, &all) < 0) {
        fs_names_free(&all);
        return -1;
    }
    char *real_root = realpath(root, NULL);
    for (size_t i = 0; i < all.count; i++) {
        if (is_selected(out, all.names[i]))
            continue;
        struct buf man = BUF_INIT;
        buf_addf(&man, "%s/analytics/%s/analytic.yaml", root, all.names[i]);
        struct yaml_doc *doc = NULL;
        struct diag_list ignored = DIAG_LIST_INIT;
        if (yaml_load_file(man.data, man.data, &doc, &ignored) == 0) {
            json_t *inc = json_object_get(json_object_get(yaml_doc_root(doc), "build"),
                                          "include");
            for (size_t k = 0; k < json_array_size(inc); k++) {
                const char *src = json_string_value(json_object_get(json_array_get(inc, k), "src"));
                const char *hit = include_hit(c, root, real_root, src);
                if (!hit)
                    continue;
                struct buf r = BUF_INIT;
                buf_addf(&r, "its build.include %s", qpath(src));
                buf_addf(&r, " holds a changed file: %s", qpath(hit));
                select_other(c, base_tree, all.names[i], buf_detach(&r, NULL));
                break;
            }
        }
        err_clear(); /* a manifest that does not load is validate's business */
        yaml_doc_free(doc);
        diag_list_free(&ignored);
        buf_free(&man);
    }
    free(real_root);
    fs_names_free(&all);
    return 0;
}

static int build_selection(struct collect *c, const char *root, git_tree *base_tree)
{
    struct changes *out = c->out;
    for (size_t i = 0; i < c->nt; i++) {
        struct touched *t = &c->t[i];
        if (!analytic_in_worktree(root, t->name)) {
            if (t->renamed_to) {
                struct buf r = BUF_INIT;
                buf_addf(&r, "renamed to %s", qpath(t->renamed_to));
                add_skipped(out, t->name, r.data);
                buf_free(&r);
            } else {
                char *d = path_join(root, "analytics");
                char *dir = path_join(d, t->name);
                add_skipped(out, t->name, fs_is_dir(dir) ? "no analytic.yaml" : "deleted");
                free(dir);
                free(d);
            }
            continue;
        }
        if (t->nfiles > 1)
            qsort(t->files, t->nfiles, sizeof *t->files, cmp_file);
        ARRAY_GROW(out->items, out->count + 1, out->cap);
        struct selected_analytic *s = &out->items[out->count++];
        memset(s, 0, sizeof *s);
        s->name = xstrdup(t->name);
        s->base_name = xstrdup(t->renamed_from ? t->renamed_from : t->name);
        s->is_new = !analytic_in_tree(base_tree, c->prefix, s->base_name);
        s->own_change = true;
        s->reason = own_reason(t, s->is_new);
        s->files = t->files;
        s->nfiles = t->nfiles;
        s->files_cap = t->files_cap;
        t->files = NULL;
        t->nfiles = t->files_cap = 0;
    }
    if (select_by_includes(c, root, base_tree) < 0)
        return -1;
    if (out->ntrigger) {
        struct fs_names all = {0};
        if (repo_list_analytics(root, &all) < 0) {
            fs_names_free(&all);
            return -1;
        }
        struct buf r = BUF_INIT;
        buf_addf(&r, "every analytic: %s changed", qpath(out->trigger_paths[0]));
        if (out->ntrigger > 1)
            buf_addf(&r, " (and %zu more trigger path%s)", out->ntrigger - 1,
                     out->ntrigger == 2 ? "" : "s");
        for (size_t i = 0; i < all.count; i++)
            if (!is_selected(out, all.names[i]))
                select_other(c, base_tree, all.names[i], xstrdup(r.data));
        buf_free(&r);
        fs_names_free(&all);
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, cmp_selected);
    if (out->nskipped > 1)
        qsort(out->skipped, out->nskipped, sizeof *out->skipped, cmp_skipped);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* out->total without walking the file system: the analytics git knows (their analytic.yaml is
 * in the index), plus selected ones it does not know yet, minus skipped ones. */
static int count_total(git_repository *repo, const char *prefix, struct changes *out)
{
    git_index *idx = NULL;
    if (git_repository_index(&idx, repo) < 0)
        return git_fail("index");
    struct fs_names known = {0};
    size_t n = git_index_entrycount(idx), plen = strlen(prefix);
    for (size_t i = 0; i < n; i++) {
        const git_index_entry *e = git_index_get_byindex(idx, i);
        if (strncmp(e->path, prefix, plen))
            continue;
        char *name = NULL;
        const char *rel = e->path + plen;
        if (!changes_owner(rel, &name))
            continue;
        if (!strcmp(rel + strlen("analytics/") + strlen(name), "/analytic.yaml")) {
            ARRAY_GROW(known.names, known.count + 1, known.cap);
            known.names[known.count++] = name;
        } else {
            free(name);
        }
    }
    git_index_free(idx);
    if (known.count > 1)
        qsort(known.names, known.count, sizeof *known.names, cmp_str);
    size_t total = known.count;
    for (size_t i = 0; i < out->count; i++) {
        const char *k = out->items[i].name;
        total += !bsearch(&k, known.names, known.count, sizeof *known.names, cmp_str);
    }
    for (size_t i = 0; i < out->nskipped; i++) {
        const char *k = out->skipped[i].name;
        total -= bsearch(&k, known.names, known.count, sizeof *known.names, cmp_str) != NULL;
    }
    out->total = total;
    fs_names_free(&known);
    return 0;
}

static void collect_free(struct collect *c)
{
    for (size_t i = 0; i < c->nt; i++) {
        struct touched *t = &c->t[i];
        for (size_t j = 0; j < t->nfiles; j++) {
            free(t->files[j].path);
            free(t->files[j].old_path);
        }
        free(t->files);
        free(t->name);
        free(t->renamed_from);
        free(t->renamed_to);
    }
    free(c->t);
    for (size_t i = 0; i < c->npaths; i++)
        free(c->paths[i]);
    free(c->paths);
}

int changes_root_prefix(git_repository *repo, const char *root, char **out)
{
    const char *wd = git_repository_workdir(repo);
    if (!wd)
        return err_set("%s: a bare git repository has no working tree", root);
    char rwd[PATH_MAX], rroot[PATH_MAX];
    if (!realpath(wd, rwd))
        return err_errno(wd);
    if (!realpath(root, rroot))
        return err_errno(root);
    size_t n = strlen(rwd);
    if (strncmp(rroot, rwd, n) || (rroot[n] && rroot[n] != '/'))
        return err_set("%s is outside the git working tree %s", root, wd);
    const char *rest = rroot + n;
    while (*rest == '/')
        rest++;
    struct buf p = BUF_INIT;
    if (*rest)
        buf_addf(&p, "%s/", rest);
    *out = buf_detach(&p, NULL);
    return 0;
}

int changes_detect(git_repository *repo, const char *root, const struct changes_options *opts,
                   struct changes *out)
{
    struct triggers defaults = {0};
    const struct triggers *trig = opts->triggers;
    if (!trig) {
        triggers_set_defaults(&defaults);
        trig = &defaults;
    }
    char *prefix = NULL;
    git_commit *head = NULL, *base = NULL;
    git_tree *head_tree = NULL, *base_tree = NULL;
    struct collect c = {0};
    int r = -1;

    if (changes_root_prefix(repo, root, &prefix) < 0)
        goto cleanup;
    if (lookup_commit(repo, "HEAD", &head) < 0) {
        git_fail("HEAD");
        goto cleanup;
    }
    if (resolve_base(repo, opts->base, head, out, &base) < 0)
        goto cleanup;
    if (git_commit_tree(&head_tree, head) < 0 || git_commit_tree(&base_tree, base) < 0) {
        git_fail("reading trees");
        goto cleanup;
    }
    c.prefix = prefix;
    c.prefix_len = strlen(prefix);
    c.triggers = trig;
    c.out = out;
    if (collect_tree_diff(&c, repo, base_tree, head_tree) < 0 || collect_status(&c, repo) < 0)
        goto cleanup;
    if (build_selection(&c, root, base_tree) < 0 || count_total(repo, prefix, out) < 0)
        goto cleanup;
    r = 0;
cleanup:
    collect_free(&c);
    git_tree_free(head_tree);
    git_tree_free(base_tree);
    git_commit_free(head);
    git_commit_free(base);
    free(prefix);
    triggers_free(&defaults);
    return r;
}

static void selected_free(struct selected_analytic *s)
{
    for (size_t j = 0; j < s->nfiles; j++) {
        free(s->files[j].path);
        free(s->files[j].old_path);
    }
    free(s->files);
    free(s->name);
    free(s->base_name);
    free(s->reason);
}

void changes_free(struct changes *c)
{
    for (size_t i = 0; i < c->count; i++)
        selected_free(&c->items[i]);
    free(c->items);
    for (size_t i = 0; i < c->nskipped; i++) {
        free(c->skipped[i].name);
        free(c->skipped[i].reason);
    }
    free(c->skipped);
    for (size_t i = 0; i < c->ntrigger; i++)
        free(c->trigger_paths[i]);
    free(c->trigger_paths);
    free(c->base_desc);
    memset(c, 0, sizeof *c);
}

static int parse_uint(const char *s, const char *end, unsigned *out)
{
    if (s == end || end - s > 4)
        return -1;
    unsigned v = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out = v;
    return 0;
}

int changes_parse_shard(const char *arg, unsigned *index, unsigned *count)
{
    const char *slash = strchr(arg, '/');
    unsigned i, n;
    if (!slash || parse_uint(arg, slash, &i) < 0 ||
        parse_uint(slash + 1, slash + 1 + strlen(slash + 1), &n) < 0)
        return err_set("--shard '%s': expected I/N, e.g. 1/4", arg);
    if (n < 1 || n > 1000 || i < 1 || i > n)
        return err_set("--shard '%s': need 1 <= I <= N <= 1000", arg);
    *index = i;
    *count = n;
    return 0;
}

void changes_shard(struct changes *c, unsigned index, unsigned count)
{
    size_t kept = 0;
    /* items are sorted by name already */
    for (size_t p = 0; p < c->count; p++) {
        if (p % count == index - 1)
            c->items[kept++] = c->items[p];
        else
            selected_free(&c->items[p]);
    }
    c->count = kept;
}
