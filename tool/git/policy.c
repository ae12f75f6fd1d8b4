/* The pull-request policy: see policy.h. */
#include "policy.h"
#include "loosened.h"
#include "tree_blob.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "manifest/yaml.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_MAX_BYTES (1024 * 1024)

/* ---- semantic versions ------------------------------------------------------------------ */

/* A numeric identifier: digits, no leading zero unless it is "0". */
static bool numeric_ident(const char *s, size_t n)
{
    if (!n || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool ident_chars(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

/* Splits "1.2.3-rc.1+b5" into the core, the pre-release (or NULL) and checks the syntax. */
static bool semver_split(const char *v, size_t *core_len, const char **pre, size_t *pre_len)
{
    size_t n = strcspn(v, "+");
    if (v[n] == '+') {
        /* build metadata: dot-separated non-empty identifiers */
        const char *b = v + n + 1;
        do {
            size_t k = strcspn(b, ".");
            if (!ident_chars(b, k))
                return false;
            b += k + (b[k] == '.');
            if (b[-1] == '.' && !*b)
                return false;
        } while (*b);
    }
    size_t c = strcspn(v, "-+");
    *core_len = c;
    *pre = NULL;
    *pre_len = 0;
    if (c < n && v[c] == '-') {
        *pre = v + c + 1;
        *pre_len = n - c - 1;
        const char *p = *pre, *end = *pre + *pre_len;
        if (p == end)
            return false;
        while (p <= end) {
            const char *dot = memchr(p, '.', (size_t)(end - p));
            const char *e = dot ? dot : end;
            size_t k = (size_t)(e - p);
            if (!ident_chars(p, k))
                return false;
            bool digits = true;
            for (size_t i = 0; i < k; i++)
                digits &= isdigit((unsigned char)p[i]) != 0;
            if (digits && !numeric_ident(p, k))
                return false;
            p = e + 1;
        }
    }
    /* the core: three numeric identifiers */
    const char *p = v;
    for (int part = 0; part < 3; part++) {
        size_t k = 0;
        while (p + k < v + c && p[k] != '.')
            k++;
        if (!numeric_ident(p, k) || k > 18)
            return false;
        p += k;
        if (part < 2) {
            if (p >= v + c || *p != '.')
                return false;
            p++;
        }
    }
    return p == v + c;
}

bool semver_valid(const char *v)
{
    size_t cl, pl;
    const char *pre;
    return v && semver_split(v, &cl, &pre, &pl);
}

static int cmp_num(const char *a, size_t an, const char *b, size_t bn)
{
    /* no leading zeros, so the longer number is the larger */
    if (an != bn)
        return an < bn ? -1 : 1;
    int c = memcmp(a, b, an);
    return (c > 0) - (c < 0);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

int semver_compare(const char *a, const char *b, int *cmp)
{
    size_t acl, bcl, apl, bpl;
    const char *apre, *bpre;
    if (!a || !b || !semver_split(a, &acl, &apre, &apl) || !semver_split(b, &bcl, &bpre, &bpl))
        return -1;
    const char *pa = a, *pb = b;
    for (int part = 0; part < 3; part++) {
        size_t an = strcspn(pa, ".-+"), bn = strcspn(pb, ".-+");
        int c = cmp_num(pa, an, pb, bn);
        if (c) {
            *cmp = c;
            return 0;
        }
        pa += an + 1;
        pb += bn + 1;
    }
    /* a pre-release sorts before the release */
    if (!apre || !bpre) {
        *cmp = apre ? -1 : bpre ? 1 : 0;
        return 0;
    }
    const char *ea = apre + apl, *eb = bpre + bpl;
    pa = apre;
    pb = bpre;
    for (;;) {
        if (pa > ea || pb > eb) {
            *cmp = pa > ea ? (pb > eb ? 0 : -1) : 1;
            return 0;
        }
        const char *da = memchr(pa, '.', (size_t)(ea - pa)),
                   *db = memchr(pb, '.', (size_t)(eb - pb));
        size_t an = (size_t)((da ? da : ea) - pa), bn = (size_t)((db ? db : eb) - pb);
        bool na = all_digits(pa, an), nb = all_digits(pb, bn);
        int c;
        if (na && nb) {
            c = cmp_num(pa, an, pb, bn);
        } else if (na != nb) {
            c = na ? -1 : 1; /* numeric identifiers sort before alphanumeric ones */
        } else {
            c = memcmp(pa, pb, an < bn ? an : bn);
            c = c ? (c > 0) - (c < 0) : (an > bn) - (an < bn);
        }
        if (c) {
            *cmp = c;
            return 0;
        }
        pa += an + 1;
        pb += bn + 1;
    }
}

/* ---- reading the version ---------------------------------------------------------------- */

struct manifest_version {
    char *version; /* NULL when the manifest has no top-level string `version` */
    int line;      /* 1-based line of the `version:` value, 1 when absent */
    bool parsed;   /* false when the YAML does not parse (validate reports why) */
};

/* Reads the top-level `version` and its line with the manifest's YAML loader
 * (manifest/yaml.h). Only the version is needed here: the manifest's other rules are
 * `kanalytic validate`'s business, so a manifest with schema findings still has a version. */
static void manifest_version_read(const char *data, size_t len, const char *display_path,
                                  struct manifest_version *out)
{
    struct diag_list ignored = DIAG_LIST_INIT;
    struct yaml_doc *doc = NULL;
    out->version = NULL;
    out->line = 1;
    out->parsed = yaml_parse(data, len, display_path, &doc, &ignored) == 0;
    diag_list_free(&ignored);
    if (!out->parsed)
        return;
    json_t *v = json_object_get(yaml_doc_root(doc), "version");
    if (json_is_string(v)) {
        out->version = xstrdup(json_string_value(v));
        int col;
        yaml_doc_loc(doc, "/version", false, &out->line, &col);
    } else if (v) {
        /* `version: 1.0` is a number in YAML; report it as written */
        char *text = json_dumps(v, JSON_ENCODE_ANY);
        out->version = text ? xstrdup(text) : xstrdup("?");
        free(text);
        int col;
        yaml_doc_loc(doc, "/version", false, &out->line, &col);
    }
    yaml_doc_free(doc);
}

/* ---- the rules -------------------------------------------------------------------------- */

bool policy_is_golden(const char *path)
{
    /* analytics/NAME/tests/CASE/expected/... */
    static const char pre[] = "analytics/";
    if (strncmp(path, pre, sizeof pre - 1))
        return false;
    const char *p = strchr(path + sizeof pre - 1, '/');
    if (!p || strncmp(p, "/tests/", 7))
        return false;
    p = strchr(p + 7, '/');
    return p && p[-1] != '/' && !strncmp(p, "/expected/", 10) && p[10];
}

static size_t count_test_cases(const char *root, const char *name)
{
    struct buf dir = BUF_INIT;
    buf_addf(&dir, "%s/analytics/%s/tests", root, name);
    struct fs_names cases = {0};
    size_t n = 0;
    if (fs_is_dir(dir.data) && fs_list_dir(dir.data, &cases) == 0) {
        for (size_t i = 0; i < cases.count; i++) {
            struct buf c = BUF_INIT;
            buf_addf(&c, "%s/%s/case.yaml", dir.data, cases.names[i]);
            n += fs_is_file(c.data);
            buf_free(&c);
        }
    }
    err_clear();
    fs_names_free(&cases);
    buf_free(&dir);
    return n;
}

static void check_goldens(const struct selected_analytic *s, const char *why,
                          struct diag_list *diags)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        const struct changed_file *f = &s->files[i];
        if (!policy_is_golden(f->path) || f->status == 'A' || !f->content)
            continue;
        diag_add(diags, DIAG_ERROR, f->path, 0, 0, "golden-changed",
                 "golden %s while the version of %s stays %s; a changed expected output needs "
                 "a new version (and a reviewer's look at the difference)",
                 f->status == 'D' ? "deleted" : "changed", s->name, why);
    }
}

static int check_one(git_repository *repo, git_tree *base_tree, const char *root,
                     const char *base_short, const struct selected_analytic *s,
                     struct diag_list *diags)
{
    struct buf rel = BUF_INIT, abs = BUF_INIT, head = BUF_INIT, base = BUF_INIT,
               base_path = BUF_INIT;
    struct manifest_version hv = {0}, bv = {0};
    int r = -1;
    buf_addf(&rel, "analytics/%s/analytic.yaml", s->name);
    buf_addf(&abs, "%s/%s", root, rel.data);
    if (fs_read_file(abs.data, MANIFEST_MAX_BYTES, &head) < 0)
        goto cleanup;
    manifest_version_read(head.data, head.len, rel.data, &hv);

    if (s->is_new) {
        if (!count_test_cases(root, s->name))
            diag_add(diags, DIAG_ERROR, rel.data, 1, 1, "new-analytic-no-tests",
                     "new analytic %s has no test cases: add analytics/%s/tests/CASE/case.yaml "
                     "with input/ and expected/",
                     s->name, s->name);
        r = 0;
        goto cleanup;
    }

    buf_addf(&base_path, "analytics/%s/analytic.yaml", s->base_name);
    bool found;
    if (tree_blob_read(repo, base_tree, base_path.data, MANIFEST_MAX_BYTES, &base, &found) < 0)
        goto cleanup;
    if (!found) {
        r = 0; /* changes.c saw it at the base; a race with the repository, nothing to compare */
        goto cleanup;
    }
    manifest_version_read(base.data, base.len, base_path.data, &bv);

    if (!hv.parsed) {
        diag_add(diags, DIAG_ERROR, rel.data, 1, 1, "version-not-bumped",
                 "cannot read the version of %s: analytic.yaml is not valid YAML (kanalytic "
                 "validate says where)",
                 s->name);
        check_goldens(s, "unreadable", diags);
        r = 0;
        goto cleanup;
    }
    if (!hv.version || !*hv.version) {
        diag_add(diags, DIAG_ERROR, rel.data, 1, 1, "version-not-bumped",
                 "%s changed but analytic.yaml has no version (the base %s has %s)", s->name,
                 base_short, bv.version ? bv.version : "none");
        check_goldens(s, "unversioned", diags);
        r = 0;
        goto cleanup;
    }
    int cmp = 0;
    if (semver_compare(hv.version, bv.version ? bv.version : "", &cmp) < 0) {
        if (!semver_valid(hv.version)) {
            diag_add(diags, DIAG_ERROR, rel.data, hv.line, 1, "version-not-bumped",
                     "version '%s' is not a semantic version (MAJOR.MINOR.PATCH), so it cannot "
                     "be compared with the base's %s",
                     hv.version, bv.version ? bv.version : "(none)");
            check_goldens(s, hv.version, diags);
        }
        /* an unusable version at the base: any valid new version counts as a bump */
        r = 0;
        goto cleanup;
    }
    if (cmp <= 0) {
        if (cmp == 0)
            diag_add(diags, DIAG_ERROR, rel.data, hv.line, 1, "version-not-bumped",
                     "%s changed (%zu file%s) but its version stays %s as at the base %s; bump "
                     "it (PATCH for fixes, MINOR for new parameters or outputs, MAJOR for "
                     "breaking changes)",
                     s->name, s->nfiles, s->nfiles == 1 ? "" : "s", hv.version, base_short);
        else
            diag_add(diags, DIAG_ERROR, rel.data, hv.line, 1, "version-not-bumped",
                     "version went down from %s (base %s) to %s; it must go up", bv.version,
                     base_short, hv.version);
        check_goldens(s, hv.version, diags);
    }
    r = 0;
cleanup:
    if (r < 0)
        err_prefix("policy for %s", s->name);
    free(hv.version);
    free(bv.version);
    buf_free(&rel);
    buf_free(&abs);
    buf_free(&head);
    buf_free(&base);
    buf_free(&base_path);
    return r;
}

/* ---- links under tests/ ----------------------------------------------------------------- */

struct links_walk {
    const char *tests; /* "analytics/NAME/tests", root-relative */
    struct diag_list *diags;
};

static void report_tests_entry(struct diag_list *diags, const char *path, git_filemode_t mode)
{
    if (mode == GIT_FILEMODE_LINK)
        diag_add(diags, DIAG_ERROR, path, 0, 0, "tests-link",
                 "a symbolic link (git mode 120000) under tests/: refused (kanalytic reads test "
                 "files on the host, so a link could publish a host file such as "
                 "/proc/self/environ; commit the file itself)");
    else if (mode == GIT_FILEMODE_COMMIT)
        diag_add(diags, DIAG_ERROR, path, 0, 0, "tests-link",
                 "a submodule (git mode 160000) under tests/: refused (tests/ may hold only "
                 "files and folders)");
}

static int on_tests_entry(const char *dir, const git_tree_entry *e, void *payload)
{
    struct links_walk *w = payload;
    struct buf path = BUF_INIT;
    buf_addf(&path, "%s/%s%s", w->tests, dir, git_tree_entry_name(e));
    report_tests_entry(w->diags, path.data, git_tree_entry_filemode(e));
    buf_free(&path);
    return 0;
}

/* Every link (mode 120000) or submodule under analytics/NAME/tests/ in the pull request's
 * tree (HEAD), for every selected analytic: its tests will run, so their files will be read. */
static int check_tests_links(git_repository *repo, const char *prefix,
                             const struct changes *changes, struct diag_list *diags)
{
    git_object *head = NULL;
    if (git_revparse_single(&head, repo, "HEAD^{tree}") < 0) {
        git_error_clear();
        return 0; /* no commit yet: validate checks the work tree */
    }
    for (size_t i = 0; i < changes->count; i++) {
        struct buf rel = BUF_INIT, full = BUF_INIT;
        buf_addf(&rel, "analytics/%s/tests", changes->items[i].name);
        buf_addf(&full, "%s%s%s", prefix ? prefix : "", prefix ? "/" : "", rel.data);
        git_tree_entry *e = NULL;
        git_tree *t = NULL;
        struct links_walk w = {rel.data, diags};
        if (git_tree_entry_bypath(&e, (git_tree *)head, full.data) < 0) {
            git_error_clear();
        } else if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
            report_tests_entry(diags, rel.data, git_tree_entry_filemode(e));
        } else if (git_tree_lookup(&t, repo, git_tree_entry_id(e)) == 0) {
            git_tree_walk(t, GIT_TREEWALK_PRE, on_tests_entry, &w);
        }
        git_tree_free(t);
        git_tree_entry_free(e);
        buf_free(&rel);
        buf_free(&full);
    }
    git_object_free(head);
    return 0;
}

int policy_check(git_repository *repo, const char *root, const struct changes *changes,
                 struct diag_list *diags)
{
    git_oid oid;
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    if (git_oid_fromstr(&oid, changes->base_oid) < 0 ||
        git_commit_lookup(&commit, repo, &oid) < 0 || git_commit_tree(&tree, commit) < 0) {
        const git_error *e = git_error_last();
        git_commit_free(commit);
        return err_set("base commit %s: %s", changes->base_oid, e ? e->message : "unreadable");
    }
    /* paths in the base tree are relative to the git work tree; the analytics root may be a
     * sub-folder of it */
    git_tree *root_tree = tree;
    git_tree *sub = NULL;
    char *prefix = NULL;
    int r = 0;
    {
        const char *wd = git_repository_workdir(repo);
        char *rwd = wd ? realpath(wd, NULL) : NULL, *rroot = realpath(root, NULL);
        if (rwd && rroot && strlen(rroot) > strlen(rwd) && !strncmp(rroot, rwd, strlen(rwd)) &&
            rroot[strlen(rwd)] == '/')
            prefix = xstrdup(rroot + strlen(rwd) + 1);
        free(rwd);
        free(rroot);
    }
    if (prefix) {
        git_tree_entry *e = NULL;
        if (git_tree_entry_bypath(&e, tree, prefix) == 0 &&
            git_tree_entry_type(e) == GIT_OBJECT_TREE &&
            git_tree_lookup(&sub, repo, git_tree_entry_id(e)) == 0) {
            root_tree = sub;
        } else {
            git_error_clear();
            root_tree = NULL; /* the root did not exist at the base: everything is new */
        }
        git_tree_entry_free(e);
    }
    char base_short[12];
    memcpy(base_short, changes->base_oid, 7);
    base_short[7] = '\0';
    for (size_t i = 0; i < changes->count && r == 0; i++) {
        const struct selected_analytic *s = &changes->items[i];
        if (!s->own_change)
            continue;
        if (!root_tree && !s->is_new)
            continue;
        r = check_one(repo, root_tree ? root_tree : tree, root, base_short, s, diags);
        if (r == 0)
            loosened_check(repo, root_tree, root, s, diags);
    }
    if (r == 0)
        r = check_tests_links(repo, prefix, changes, diags);
    free(prefix);
    git_tree_free(sub);
    git_tree_free(tree);
    git_commit_free(commit);
    return r;
}
