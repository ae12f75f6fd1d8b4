/* The repository policy at a revision: see base_policy.h. */
#include "base_policy.h"
#include "changes.h"
#include "manifest/yaml.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int git_fail(const char *what)
{
    const git_error *e = git_error_last();
    return err_set("%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

/* The blob at path in rev's tree into *out; *found false when there is no such entry. */
static int read_blob_at(git_repository *repo, const char *rev, const char *path, struct buf *out,
                        bool *found)
{
    git_object *obj = NULL;
    git_tree *tree = NULL;
    git_tree_entry *e = NULL;
    git_blob *blob = NULL;
    int r = -1;
    *found = false;
    if (git_revparse_single(&obj, repo, rev) < 0 ||
        git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) < 0) {
        git_fail(rev);
        goto cleanup;
    }
    if (git_tree_entry_bypath(&e, tree, path) < 0) {
        git_error_clear();
        r = 0;
        goto cleanup;
    }
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
        git_tree_entry_filemode(e) == GIT_FILEMODE_LINK) {
        err_set("%s at %s is not a regular file", path, rev);
        goto cleanup;
    }
    if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
        git_fail(path);
        goto cleanup;
    }
    if (git_blob_rawsize(blob) > YAML_MAX_BYTES) {
        err_set("%s at %s is larger than %d bytes", path, rev, YAML_MAX_BYTES);
        goto cleanup;
    }
    buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    *found = true;
    r = 0;
cleanup:
    git_blob_free(blob);
    git_tree_entry_free(e);
    git_tree_free(tree);
    git_object_free(obj);
    return r;
}

static bool worktree_differs(const char *root, const struct buf *base, bool base_found)
{
    char *path = path_join(root, REPO_POLICY_FILE);
    bool here = fs_exists(path), differs = here != base_found;
    if (here && base_found) {
        struct buf b = BUF_INIT;
        differs = fs_read_file(path, YAML_MAX_BYTES + 1, &b) < 0 || b.len != base->len ||
                  (b.len && memcmp(b.data, base->data, b.len));
        err_clear();
        buf_free(&b);
    }
    free(path);
    return differs;
}

int base_policy_load(git_repository *repo, const char *root, const char *rev,
                     struct repo_policy **out, bool *differs, struct diag_list *diags)
{
    char *prefix = NULL;
    struct buf path = BUF_INIT, blob = BUF_INIT, display = BUF_INIT;
    bool found = false;
    int r = -1;
    *out = NULL;
    if (changes_root_prefix(repo, root, &prefix) < 0)
        goto cleanup;
    buf_addf(&path, "%s" REPO_POLICY_FILE, prefix);
    if (read_blob_at(repo, rev, path.data, &blob, &found) < 0)
        goto cleanup;
    git_object *obj = NULL;
    char shortid[GIT_OID_HEXSZ + 1] = "";
    if (git_revparse_single(&obj, repo, rev) == 0)
        git_oid_tostr(shortid, 8, git_object_id(obj));
    git_object_free(obj);
    if (found) {
        buf_addf(&display, REPO_POLICY_FILE " (base %s)", shortid);
        r = repo_policy_load_buffer(blob.data ? blob.data : "", blob.len, display.data, out, diags);
    } else {
        *out = repo_policy_defaults();
        free((*out)->path);
        buf_addf(&display, "no " REPO_POLICY_FILE " at base %s", shortid);
        (*out)->path = buf_detach(&display, NULL);
        r = 0;
    }
    if (differs && r == 0) /* after a failure: worktree_differs clears the error slot */
        *differs = worktree_differs(root, &blob, found);
cleanup:
    free(prefix);
    buf_free(&path);
    buf_free(&blob);
    buf_free(&display);
    return r;
}

int base_policy_load_at(const char *root, const char *rev, struct repo_policy **out,
                        struct diag_list *diags)
{
    if (!rev)
        return repo_policy_load_root(root, out, diags);
    git_libgit2_init();
    git_repository *repo = NULL;
    int r = -1;
    if (git_repository_open_ext(&repo, root, 0, NULL) < 0) {
        const git_error *e = git_error_last();
        err_set("--policy-rev %s: %s is not in a git repository (%s)", rev, root,
                e ? e->message : "");
    } else {
        r = base_policy_load(repo, root, rev, out, NULL, diags);
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    return r;
}
