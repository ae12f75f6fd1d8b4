/* One file of a tree: see tree_blob.h. */
#include "tree_blob.h"
#include "util/error.h"

int tree_blob_read(git_repository *repo, git_tree *tree, const char *path, size_t max,
                   struct buf *out, bool *found)
{
    git_tree_entry *e = NULL;
    *found = false;
    if (git_tree_entry_bypath(&e, tree, path) < 0) {
        git_error_clear();
        return 0;
    }
    git_blob *blob = NULL;
    int r = 0;
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
        r = err_set("%s at the base is not a file", path);
    } else if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0) {
        const git_error *ge = git_error_last();
        r = err_set("%s at the base: %s", path, ge ? ge->message : "unreadable blob");
    } else if ((size_t)git_blob_rawsize(blob) > max) {
        r = err_set("%s at the base is larger than %zu bytes", path, max);
    } else {
        buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
        *found = true;
    }
    git_blob_free(blob);
    git_tree_entry_free(e);
    return r;
}
