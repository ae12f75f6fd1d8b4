/* Opening, reading and writing below a folder without following links: see fs_beneath.h. */
#include "fs_beneath.h"
#include "error.h"
#include "fs.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Why openat(dirfd, name) failed with err; SHOWN/REL[0..len) is the path up to name. A link
 * is called a link. */
static int refuse(int dirfd, const char *name, const char *shown, const char *rel, size_t len,
                  int err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        return err_set("%s/%.*s: a symbolic link: refused (kanalytic never follows a link in a "
                       "test case)",
                       shown, (int)len, rel);
    if (err == ENOTDIR)
        return err_set("%s/%.*s: not a folder", shown, (int)len, rel);
    return err_set("%s/%.*s: %s", shown, (int)len, rel, strerror(err));
}

/* Opens the folders of REL[0..len) one by one below dirfd; see fs_beneath_open_dir. */
static int open_dir_n(int dirfd, const char *shown, const char *rel, size_t len, bool create)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return err_errno(shown);
    size_t pos = 0;
    while (pos < len) {
        size_t n = strcspn(rel + pos, "/");
        if (pos + n > len)
            n = len - pos;
        char *name = xstrndup(rel + pos, n);
        size_t end = pos + n;
        pos = end + 1;
        if (!n || !strcmp(name, ".")) {
            free(name);
            continue;
        }
        int nfd = -1;
        if (!strcmp(name, ".."))
            errno = EPERM;
        else
            nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0 && errno == ENOENT && create &&
            (mkdirat(fd, name, 0755) == 0 || errno == EEXIST))
            nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0) {
            int err = errno;
            if (!strcmp(name, ".."))
                err_set("%s/%.*s: '..' refused", shown, (int)end, rel);
            else
                refuse(fd, name, shown, rel, end, err);
            free(name);
            close(fd);
            return -1;
        }
        free(name);
        close(fd);
        fd = nfd;
    }
    return fd;
}

int fs_beneath_open_dir(int dirfd, const char *shown, const char *rel, bool create)
{
    return open_dir_n(dirfd, shown, rel, strlen(rel), create);
}

int fs_beneath_open_file(int dirfd, const char *shown, const char *rel)
{
    const char *slash = strrchr(rel, '/');
    const char *name = slash ? slash + 1 : rel;
    int dfd = open_dir_n(dirfd, shown, rel, slash ? (size_t)(slash - rel) : 0, false);
    if (dfd < 0)
        return -1;
    if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
        close(dfd);
        return err_set("%s/%s: not a file name", shown, rel);
    }
    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        refuse(dfd, name, shown, rel, strlen(rel), errno);
        close(dfd);
        return -1;
    }
    close(dfd);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int err = errno;
        close(fd);
        return S_ISREG(st.st_mode) ? err_set("%s/%s: %s", shown, rel, strerror(err))
                                   : err_set("%s/%s: not a regular file: refused", shown, rel);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

static int open_base(const char *base)
{
    int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? err_errno(base) : fd;
}

int fs_beneath_read(const char *base, const char *rel, size_t max_bytes, struct buf *out)
{
    int bfd = open_base(base);
    if (bfd < 0)
        return -1;
    int fd = fs_beneath_open_file(bfd, base, rel);
    close(bfd);
    if (fd < 0)
        return -1;
    char *shown = path_join(base, rel);
    int r = fs_read_fd(fd, shown, max_bytes, out);
    free(shown);
    close(fd);
    return r;
}

/* Writes all of data to fd. */
static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int fs_beneath_write_atomic(const char *base, const char *rel, const void *data, size_t len)
{
    const char *slash = strrchr(rel, '/');
    const char *name = slash ? slash + 1 : rel;
    if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
        return err_set("%s/%s: not a file name", base, rel);
    int bfd = open_base(base);
    if (bfd < 0)
        return -1;
    int dfd = open_dir_n(bfd, base, rel, slash ? (size_t)(slash - rel) : 0, true);
    close(bfd);
    if (dfd < 0)
        return -1;
    char *shown = path_join(base, rel);
    struct buf tmp = BUF_INIT;
    int fd = -1;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned seed = (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 16);
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        buf_reset(&tmp);
        buf_addf(&tmp, "%s.tmp.%06x", name, (seed + (unsigned)tries * 2654435761u) & 0xffffff);
        fd = openat(dfd, tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    int r = 0;
    if (fd < 0) {
        r = err_errno(shown);
    } else {
        if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
            r = err_errno(shown);
        if (close(fd) < 0 && r == 0)
            r = err_errno(shown);
        /* renameat replaces a link at NAME itself, never what it points at */
        if (r == 0 && renameat(dfd, tmp.data, dfd, name) < 0)
            r = err_errno(shown);
        if (r < 0)
            unlinkat(dfd, tmp.data, 0);
    }
    close(dfd);
    buf_free(&tmp);
    free(shown);
    return r;
}

struct typed_name {
    char *name;
    unsigned char type; /* d_type: DT_REG, DT_DIR, ... or DT_UNKNOWN */
};

static int cmp_typed(const void *a, const void *b)
{
    return strcmp(((const struct typed_name *)a)->name, ((const struct typed_name *)b)->name);
}

/* DT_REG and DT_DIR from readdir spare an lstat per entry (test cases are walked for every
 * analytic validate checks); any other type, or none, is looked at with lstat. */
struct special_walk {
    void (*fn)(void *ctx, const char *path, mode_t mode);
    void (*on_dir)(void *ctx, const char *dir, const struct fs_names *names);
    void *ctx;
};

static int find_special(const char *path, int depth, unsigned char type,
                        const struct special_walk *w)
{
    if (type == DT_REG)
        return 0;
    if (type != DT_DIR) {
        struct stat st;
        if (lstat(path, &st) < 0)
            return err_errno(path);
        if (S_ISREG(st.st_mode))
            return 0;
        if (!S_ISDIR(st.st_mode)) {
            w->fn(w->ctx, path, st.st_mode);
            return 0;
        }
    }
    if (depth > 256)
        return err_set("%s: folders nested deeper than 256", path);
    DIR *d = opendir(path);
    if (!d)
        return err_errno(path);
    struct typed_name *names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        ARRAY_GROW(names, count + 1, cap);
        names[count].name = xstrdup(e->d_name);
        names[count++].type = e->d_type == DT_REG || e->d_type == DT_DIR ? e->d_type : DT_UNKNOWN;
    }
    closedir(d);
    if (count > 1)
        qsort(names, count, sizeof *names, cmp_typed);
    if (w->on_dir) {
        struct fs_names view = {xcalloc(count + 1, sizeof(char *)), count, count + 1};
        for (size_t i = 0; i < count; i++)
            view.names[i] = names[i].name;
        w->on_dir(w->ctx, path, &view);
        free(view.names);
    }
    int r = 0;
    for (size_t i = 0; i < count && r == 0; i++) {
        char *p = path_join(path, names[i].name);
        r = find_special(p, depth + 1, names[i].type, w);
        free(p);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i].name);
    free(names);
    return r;
}

int fs_find_special(const char *path, void (*fn)(void *ctx, const char *path, mode_t mode),
                    void *ctx)
{
    struct special_walk w = {fn, NULL, ctx};
    return find_special(path, 0, DT_UNKNOWN, &w);
}

int fs_find_special_listed(const char *path, void (*fn)(void *ctx, const char *path, mode_t mode),
                           void (*on_dir)(void *ctx, const char *dir, const struct fs_names *names),
                           void *ctx)
{
    struct special_walk w = {fn, on_dir, ctx};
    return find_special(path, 0, DT_UNKNOWN, &w);
}
