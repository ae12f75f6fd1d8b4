/* File access below a trusted folder that never follows a symbolic link on the way: what
 * kanalytic uses for files a pull request controls (a test case's inputs, goldens, case.yaml,
 * and the goldens it writes). BASE is opened as given (links allowed there: it is the
 * repository's own path); every component of REL below it is opened with openat(2) and
 * O_NOFOLLOW (folders with O_DIRECTORY too), so a link anywhere in REL, the last component
 * included, is refused with an error naming BASE/REL up to the link. All return 0 (or a file
 * descriptor) on success and -1 with the error slot (error.h) set on failure. */
#ifndef KANALYTIC_FS_BENEATH_H
#define KANALYTIC_FS_BENEATH_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The folder REL below dirfd (REL "" or "." is dirfd itself, duplicated); with create, the
 * missing folders are made (mode 0755). SHOWN is dirfd's path, for messages. */
int fs_beneath_open_dir(int dirfd, const char *shown, const char *rel, bool create);
/* The regular file REL below dirfd, opened read-only; anything but a regular file (a link, a
 * FIFO, a device, a folder) is refused. */
int fs_beneath_open_file(int dirfd, const char *shown, const char *rel);

/* fs_read_file of BASE/REL without following a link below BASE. */
int fs_beneath_read(const char *base, const char *rel, size_t max_bytes, struct buf *out);
/* fs_write_atomic of BASE/REL without following a link below BASE: REL's folders are made
 * with mkdirat and opened with O_NOFOLLOW | O_DIRECTORY, the data goes to a new temporary
 * file in the last one (O_CREAT | O_EXCL), then fsync and renameat replace the old file (or
 * the link, never its target). Nothing is left behind on failure. */
int fs_beneath_write_atomic(const char *base, const char *rel, const void *data, size_t len);

/* Calls fn for PATH itself and for every entry below it (depth first, sorted) that is neither
 * a regular file nor a folder (links, FIFOs, sockets, devices), never following a link; -1
 * (error set) when a folder cannot be listed or nests deeper than 256. */
int fs_find_special(const char *path, void (*fn)(void *ctx, const char *path, mode_t mode),
                    void *ctx);
/* The same, also handing on_dir each folder's listing (sorted, "." and ".." left out; as
 * fs_list_dir would give it; valid during the call only) before its entries are looked at:
 * a caller that needs the listings too need not read the folders again. */
struct fs_names;
int fs_find_special_listed(const char *path, void (*fn)(void *ctx, const char *path, mode_t mode),
                           void (*on_dir)(void *ctx, const char *dir, const struct fs_names *names),
                           void *ctx);

#endif
