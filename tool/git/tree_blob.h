/* One file of a commit's tree, read from git objects (the base of a pull request). */
#ifndef KANALYTIC_GIT_TREE_BLOB_H
#define KANALYTIC_GIT_TREE_BLOB_H

#include "util/buf.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/* Appends the blob at path (relative to tree) to *out. 0 with *found false when there is no
 * such entry; -1 with the error slot set when it is not a file, cannot be read or is larger
 * than max bytes. */
int tree_blob_read(git_repository *repo, git_tree *tree, const char *path, size_t max,
                   struct buf *out, bool *found);

#endif
