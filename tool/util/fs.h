/* File-system helpers: bounded reads, atomic writes, directory listings, paths. All return
 * 0 on success and a negative value with the error slot (error.h) set on failure. */
#ifndef KANALYTIC_FS_H
#define KANALYTIC_FS_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Reads a whole regular file into out (appending); fails beyond max_bytes. */
int fs_read_file(const char *path, size_t max_bytes, struct buf *out);
/* The same from an open descriptor (left open); path names it in errors. */
int fs_read_fd(int fd, const char *path, size_t max_bytes, struct buf *out);
/* Writes data to path through "path.tmp.XXXXXX" + fsync + rename: readers see the old file or
 * the new one, never half of one; nothing is left behind on failure. */
int fs_write_atomic(const char *path, const void *data, size_t len);
/* Opens a temporary file beside `path` for streaming writes; fs_atomic_commit renames it
 * into place, fs_atomic_abort removes it. */
struct fs_atomic {
    char *path;
    char *tmp_path;
    int fd;
};
int fs_atomic_open(struct fs_atomic *a, const char *path);
int fs_atomic_commit(struct fs_atomic *a);
void fs_atomic_abort(struct fs_atomic *a);

/* Copies the regular file `from` (at most max_bytes) to `to` with fs_write_atomic; the
 * folder of `to` must exist. */
int fs_copy_file(const char *from, const char *to, size_t max_bytes);
/* Writes dir/name with fs_write_atomic. */
int fs_write_in(const char *dir, const char *name, const void *data, size_t len);
/* Makes "PATH.tmp.XXXXXX" (mode 0755) beside path, to be filled and renamed into place;
 * *out (caller frees) is its path. */
int fs_temp_dir_beside(const char *path, char **out);
/* mkdir -p */
int fs_mkdirs(const char *path, unsigned mode);
/* rm -rf that never follows symbolic links. */
int fs_remove_tree(const char *path);
bool fs_is_dir(const char *path);
bool fs_is_file(const char *path);
bool fs_exists(const char *path);

/* Sorted (bytewise) names of the entries in dir, without "." and "..". */
struct fs_names {
    char **names;
    size_t count;
    size_t cap;
};
int fs_list_dir(const char *dir, struct fs_names *out);
void fs_names_free(struct fs_names *names);

/* "a" + "b" -> "a/b" (no doubled slash); the caller frees. */
char *path_join(const char *a, const char *b);
/* Last component ("a/b/c.txt" -> "c.txt"); points into path. */
const char *path_basename(const char *path);
/* The absolute path abs as seen from the absolute folder base: "b/c" below it, "." for base
 * itself, "..", "../.." when base lies below abs; otherwise (or when abs is relative) abs
 * unchanged. The caller frees. */
char *path_relative(const char *abs, const char *base);
/* path_relative from the working directory (abs unchanged when it cannot be read). */
char *path_relative_to_cwd(const char *abs);

#endif
