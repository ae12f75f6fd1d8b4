/* File-system helpers: see fs.h. */
#include "fs.h"
#include "error.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_read_file(const char *path, size_t max_bytes, struct buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_errno(path);
    int r = fs_read_fd(fd, path, max_bytes, out);
    close(fd);
    return r;
}

int fs_read_fd(int fd, const char *path, size_t max_bytes, struct buf *out)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return err_errno(path);
    if (!S_ISREG(st.st_mode))
        return err_set("%s: not a regular file", path);
    if ((unsigned long long)st.st_size > max_bytes)
        return err_set("%s: file is too large (%lld bytes, limit %zu)", path, (long long)st.st_size,
                       max_bytes);
    size_t start = out->len;
    for (;;) {
        buf_grow(out, 65536);
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            buf_setlen(out, start);
            return err_errno(path);
        }
        if (n == 0)
            break;
        buf_setlen(out, out->len + (size_t)n);
        if (out->len - start > max_bytes) {
            buf_setlen(out, start);
            return err_set("%s: file is too large (limit %zu bytes)", path, max_bytes);
        }
    }
    return 0;
}

int fs_atomic_open(struct fs_atomic *a, const char *path)
{
    size_t n = strlen(path) + 16;
    a->path = xstrdup(path);
    a->tmp_path = xmalloc(n);
    snprintf(a->tmp_path, n, "%s.tmp.XXXXXX", path);
    a->fd = mkostemp(a->tmp_path, O_CLOEXEC);
    if (a->fd < 0) {
        int r = err_errno(path);
        free(a->path);
        free(a->tmp_path);
        a->path = a->tmp_path = NULL;
        return r;
    }
    fchmod(a->fd, 0644);
    return 0;
}

int fs_atomic_commit(struct fs_atomic *a)
{
    int r = 0;
    if (fsync(a->fd) < 0)
        r = err_errno(a->path);
    if (close(a->fd) < 0 && r == 0)
        r = err_errno(a->path);
    a->fd = -1;
    if (r == 0 && rename(a->tmp_path, a->path) < 0)
        r = err_errno(a->path);
    if (r < 0)
        unlink(a->tmp_path);
    free(a->path);
    free(a->tmp_path);
    a->path = a->tmp_path = NULL;
    return r;
}

void fs_atomic_abort(struct fs_atomic *a)
{
    if (a->fd >= 0)
        close(a->fd);
    if (a->tmp_path)
        unlink(a->tmp_path);
    free(a->path);
    free(a->tmp_path);
    a->path = a->tmp_path = NULL;
    a->fd = -1;
}

int fs_write_atomic(const char *path, const void *data, size_t len)
{
    struct fs_atomic a;
    if (fs_atomic_open(&a, path) < 0)
        return -1;
    const char *p = data;
    while (len) {
        ssize_t n = write(a.fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int r = err_errno(path);
            fs_atomic_abort(&a);
            return r;
        }
        p += n;
        len -= (size_t)n;
    }
    return fs_atomic_commit(&a);
}

int fs_mkdirs(const char *path, unsigned mode)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST) {
            int r = err_errno(p);
            free(p);
            return r;
        }
        *s = '/';
    }
    int r = 0;
    if (mkdir(p, mode) < 0 && errno != EEXIST)
        r = err_errno(p);
    else if (!fs_is_dir(p))
        r = err_set("%s: exists and is not a directory", p);
    free(p);
    return r;
}

int fs_temp_dir_beside(const char *path, char **out)
{
    size_t n = strlen(path) + sizeof ".tmp.XXXXXX";
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    if (!mkdtemp(tmp) || chmod(tmp, 0755) < 0) {
        int r = err_errno(tmp);
        rmdir(tmp);
        free(tmp);
        return r;
    }
    *out = tmp;
    return 0;
}

int fs_copy_file(const char *from, const char *to, size_t max_bytes)
{
    struct buf in = BUF_INIT;
    int rc = fs_read_file(from, max_bytes, &in);
    if (rc == 0)
        rc = fs_write_atomic(to, in.data, in.len);
    buf_free(&in);
    return rc;
}

int fs_write_in(const char *dir, const char *name, const void *data, size_t len)
{
    char *p = path_join(dir, name);
    int rc = fs_write_atomic(p, data, len);
    free(p);
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = (flag == FTW_DP) ? rmdir(path) : unlink(path);
    if (r < 0 && errno != ENOENT) {
        err_errno(path);
        return -1;
    }
    return 0;
}

int fs_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : err_errno(path);
    if (!S_ISDIR(st.st_mode))
        return unlink(path) < 0 ? err_errno(path) : 0;
    return nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS) < 0 ? -1 : 0;
}

bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool fs_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int fs_list_dir(const char *dir, struct fs_names *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return err_errno(dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        ARRAY_GROW(out->names, out->count + 1, out->cap);
        out->names[out->count++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (out->count > 1)
        qsort(out->names, out->count, sizeof *out->names, cmp_names);
    return 0;
}

void fs_names_free(struct fs_names *names)
{
    for (size_t i = 0; i < names->count; i++)
        free(names->names[i]);
    free(names->names);
    names->names = NULL;
    names->count = names->cap = 0;
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (*b == '/')
        b++;
    size_t lb = strlen(b);
    char *p = xmalloc(la + lb + 2);
    memcpy(p, a, la);
    size_t n = la;
    if (la && lb && a[la - 1] != '/')
        p[n++] = '/';
    memcpy(p + n, b, lb);
    p[n + lb] = '\0';
    return p;
}

const char *path_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

char *path_relative(const char *abs, const char *base)
{
    if (abs[0] != '/' || base[0] != '/')
        return xstrdup(abs);
    size_t n = strlen(base);
    if (!strcmp(abs, base))
        return xstrdup(".");
    if (!strncmp(abs, base, n) && abs[n] == '/')
        return xstrdup(abs + n + 1);
    /* base below abs: "..", "../..", ... */
    size_t m = strlen(abs);
    if (!strncmp(base, abs, m) && (base[m] == '/' || m == 1)) {
        struct buf b = BUF_INIT;
        for (const char *p = base + (m == 1 ? 0 : m); *p; p++)
            if (*p == '/')
                buf_addstr(&b, b.len ? "/.." : "..");
        return buf_detach(&b, NULL);
    }
    return xstrdup(abs);
}

char *path_relative_to_cwd(const char *abs)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return xstrdup(abs);
    return path_relative(abs, cwd);
}
