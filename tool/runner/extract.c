/* Defensive tar extraction (extract.h) with libarchive's reader and *at() system calls. */
#include "extract.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PATH_LEN 1024
#define MAX_DEPTH 32

/* Splits a member name into components, refusing absolute paths and "..". "." and empty
 * components are dropped. Fills comps (pointers into `copy`); returns the count or -1. */
static int split_path(const char *name, char *copy, char **comps, size_t *n)
{
    *n = 0;
    if (name[0] == '/')
        return err_set("entry '%s' has an absolute path: refused", name);
    if (strlen(name) >= MAX_PATH_LEN)
        return err_set("entry '%.64s...' has a path longer than %d bytes: refused", name,
                       MAX_PATH_LEN);
    strcpy(copy, name);
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, ".."))
            return err_set("entry '%s' refers to a parent directory ('..'): refused", name);
        if (*n >= MAX_DEPTH)
            return err_set("entry '%s' is nested deeper than %d directories: refused", name,
                           MAX_DEPTH);
        comps[(*n)++] = c;
    }
    return 0;
}

/* Opens (creating when absent) the directory comp below dirfd, never through a link. */
static int open_subdir(int dirfd, const char *comp, const char *name)
{
    int fd = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        if (mkdirat(dirfd, comp, 0700) < 0 && errno != EEXIST)
            return err_set("entry '%s': cannot create directory '%s': %s", name, comp,
                           strerror(errno));
        fd = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0)
        return err_set("entry '%s': '%s' is not a plain directory (%s): refused", name, comp,
                       strerror(errno));
    return fd;
}

static const char *kind_name(mode_t type)
{
    switch (type) {
    case AE_IFLNK: return "a symbolic link";
    case AE_IFCHR: return "a character device";
    case AE_IFBLK: return "a block device";
    case AE_IFIFO: return "a FIFO";
    case AE_IFSOCK: return "a socket";
    default: return "of an unknown file type";
    }
}

/* Refuses anything but a regular file or a directory. */
static int check_type(struct archive_entry *e, const char *name)
{
    const char *hl = archive_entry_hardlink(e);
    if (hl)
        return err_set("entry '%s' is a hard link to '%s': refused", name, hl);
    mode_t type = archive_entry_filetype(e);
    if (type == AE_IFREG || type == AE_IFDIR)
        return 0;
    if (type == AE_IFLNK) {
        const char *target = archive_entry_symlink(e);
        return err_set("entry '%s' is a symbolic link to '%s': refused", name,
                       target ? target : "?");
    }
    return err_set("entry '%s' is %s: refused (only regular files and directories)", name,
                   kind_name(type));
}

/* Copies the entry's data into fd, counting against the byte cap. */
static int copy_data(struct archive *a, int fd, const char *name, uint64_t *total,
                     uint64_t max_bytes, uint64_t *size)
{
    const void *block;
    size_t n;
    la_int64_t offset;
    uint64_t expect = 0;
    *size = 0;
    for (;;) {
        int rc = archive_read_data_block(a, &block, &n, &offset);
        if (rc == ARCHIVE_EOF)
            return 0;
        if (rc != ARCHIVE_OK)
            return err_set("entry '%s': %s", name, archive_error_string(a));
        if (offset < 0 || (uint64_t)offset != expect)
            return err_set("entry '%s' is a sparse file: refused", name);
        if (n > max_bytes - *total)
            return err_set("the archive holds more than %llu bytes (the output cap): refused "
                           "at entry '%s'",
                           (unsigned long long)max_bytes, name);
        *total += n;
        *size += n;
        expect += n;
        const char *p = block;
        while (n) {
            ssize_t w = write(fd, p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return err_set("entry '%s': write: %s", name, strerror(errno));
            p += w;
            n -= (size_t)w;
        }
    }
}

static void list_add(struct extract_list *l, const char *path, uint64_t size)
{
    l->files = xreallocarray(l->files, l->count + 1, sizeof *l->files);
    l->files[l->count].path = xstrdup(path);
    l->files[l->count].size = size;
    l->count++;
}

/* Creates the entry below rootfd. */
static int extract_entry(struct archive *a, struct archive_entry *e, int rootfd, const char *name,
                         uint64_t *total, const struct extract_limits *lim,
                         struct extract_list *out)
{
    char copy[MAX_PATH_LEN];
    char *comps[MAX_DEPTH];
    size_t n;
    if (split_path(name, copy, comps, &n) < 0)
        return -1;
    bool is_dir = archive_entry_filetype(e) == AE_IFDIR;
    if (n == 0)
        return is_dir ? 0 : err_set("entry '%s' has an empty name: refused", name);
    if (!is_dir) {
        la_int64_t declared = archive_entry_size(e);
        if (declared < 0 || (uint64_t)declared > lim->max_bytes - *total)
            return err_set("the archive holds more than %llu bytes (the output cap): refused "
                           "at entry '%s' (%lld bytes)",
                           (unsigned long long)lim->max_bytes, name, (long long)declared);
    }
    int dirfd = dup(rootfd);
    if (dirfd < 0)
        return err_errno("dup");
    size_t parents = is_dir ? n : n - 1;
    for (size_t i = 0; i < parents; i++) {
        int fd = open_subdir(dirfd, comps[i], name);
        close(dirfd);
        if (fd < 0)
            return -1;
        dirfd = fd;
    }
    if (is_dir) {
        close(dirfd);
        return 0;
    }
    int fd =
        openat(dirfd, comps[n - 1], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    close(dirfd);
    if (fd < 0)
        return err_set("entry '%s': cannot create the file: %s%s", name, strerror(errno),
                       errno == EEXIST ? " (a duplicate entry): refused" : "");
    uint64_t size;
    int rc = copy_data(a, fd, name, total, lim->max_bytes, &size);
    if (close(fd) < 0 && rc == 0)
        rc = err_set("entry '%s': close: %s", name, strerror(errno));
    if (rc == 0) {
        struct buf p = BUF_INIT;
        for (size_t i = 0; i < n; i++)
            buf_addf(&p, "%s%s", i ? "/" : "", comps[i]);
        list_add(out, p.data, size);
        buf_free(&p);
    }
    return rc;
}

/* name is lim.skip or below it (after any "./"). */
static bool skipped(const char *name, const char *skip)
{
    if (!skip)
        return false;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    size_t n = strlen(skip);
    return !strncmp(name, skip, n) && (name[n] == '\0' || name[n] == '/');
}

int extract_tar(const void *data, size_t len, const char *dest_dir,
                const struct extract_limits *limits, struct extract_list *out)
{
    struct extract_limits lim = limits ? *limits : (struct extract_limits)EXTRACT_LIMITS_INIT;
    memset(out, 0, sizeof *out);
    int rootfd = open(dest_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (rootfd < 0)
        return err_set("%s: %s", dest_dir, strerror(errno));
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_filter_gzip(a);
    int rc = 0;
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        rc = err_set("not a tar archive: %s", archive_error_string(a));
        goto cleanup;
    }
    size_t entries = 0;
    uint64_t total = 0;
    for (;;) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            rc = err_set("bad tar archive: %s", archive_error_string(a));
            break;
        }
        if (++entries > lim.max_entries) {
            rc = err_set("the archive holds more than %zu entries (the entry cap): refused",
                         lim.max_entries);
            break;
        }
        const char *name = archive_entry_pathname(e);
        if (!name) {
            rc = err_set("entry %zu has no name: refused", entries);
            break;
        }
        if (skipped(name, lim.skip))
            continue;
        if (check_type(e, name) < 0 || extract_entry(a, e, rootfd, name, &total, &lim, out) < 0) {
            rc = -1;
            break;
        }
    }
    out->total_bytes = total;
cleanup:
    archive_read_free(a);
    close(rootfd);
    return rc;
}

void extract_list_free(struct extract_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->files[i].path);
    free(l->files);
    memset(l, 0, sizeof *l);
}
