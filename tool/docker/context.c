/* Build context scanning and tar streaming (see context.h). The tar is produced on demand:
 * each context_read call advances libarchive by one header or one 64 KiB piece of a file,
 * whose output lands in a small pending buffer that the reader drains. */
#include "context.h"
#include "ignore.h"
#include "sha256.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PIECE (64 * 1024)
#define MAX_IGNORE_FILE (16 << 20)

struct centry {
    char *name; /* path in the tar, without a trailing '/' */
    char *src;  /* path on disk */
    char *link; /* symlink target */
    struct stat st;
    bool synthetic;       /* a parent folder made up for an include destination */
    const char *hardlink; /* name of an earlier entry with the same inode, or NULL */
};

struct context {
    struct centry *e;
    size_t n, cap;
    uint64_t size;
    char digest[80];
    /* streaming */
    struct archive *a;
    struct buf pending;
    size_t pending_pos;
    size_t next;     /* next entry to write */
    int fd;          /* file whose data is being written, or -1 */
    int64_t left;    /* its bytes still to write */
    const char *cur; /* its name */
    bool done, failed;
    char *piece;
    locale_t utf8; /* names are UTF-8 whatever the process locale (see context_read) */
    /* while scanning an include: context_opts.include_skip */
    bool (*skip)(void *ctx, const char *path, bool is_dir);
    void *skip_ctx;
};

/* ---- scanning ------------------------------------------------------------------------------ */

static void add_entry(struct context *c, const char *name, const char *src, const struct stat *st,
                      const char *link, bool synthetic)
{
    ARRAY_GROW(c->e, c->n + 1, c->cap);
    struct centry *e = &c->e[c->n++];
    memset(e, 0, sizeof *e);
    e->name = xstrdup(name);
    e->src = src ? xstrdup(src) : NULL;
    e->link = link ? xstrdup(link) : NULL;
    e->st = *st;
    e->synthetic = synthetic;
}

static char *read_link(const char *path, off_t size_hint)
{
    size_t cap = size_hint > 0 ? (size_t)size_hint + 1 : 256;
    for (;;) {
        char *b = xmalloc(cap);
        ssize_t n = readlink(path, b, cap);
        if (n < 0) {
            free(b);
            return NULL;
        }
        if ((size_t)n < cap) {
            b[n] = '\0';
            return b;
        }
        free(b);
        if (cap > 65536)
            return NULL;
        cap *= 2;
    }
}

#define MAX_LINKS 40 /* as the kernel's MAXSYMLINKS */

/* Drops the last component of a relative path ("a/b" -> "a", "a" -> ""). */
static void pop_component(struct buf *b)
{
    char *slash = strrchr(b->data, '/');
    buf_setlen(b, slash ? (size_t)(slash - b->data) : 0);
}

/* Follows the link at NAME (relative to ROOT on disk) pointing at TARGET, component by
 * component as the kernel would, with the links met on the way followed on disk: 1 when it
 * stays inside ROOT, 0 when it leads outside, -1 (error set, naming SHOWN) after MAX_LINKS
 * links. What does not exist is resolved by its text (a dangling link inside is harmless). */
static int link_stays_inside(const char *root, const char *name, const char *target,
                             const char *shown)
{
    struct buf cur = BUF_INIT, rest = BUF_INIT, next = BUF_INIT;
    buf_addstr(&cur, name);
    pop_component(&cur);
    buf_addstr(&rest, target);
    int links = 0, r = 1;
    bool on_disk = true;
    size_t pos = 0;
    if (target[0] == '/')
        r = 0;
    while (r == 1 && pos < rest.len) {
        const char *comp = rest.data + pos;
        size_t len = strcspn(comp, "/");
        pos += len + (comp[len] == '/');
        if (!len || (len == 1 && comp[0] == '.'))
            continue;
        if (len == 2 && comp[0] == '.' && comp[1] == '.') {
            if (!cur.len)
                r = 0;
            pop_component(&cur);
            continue;
        }
        if (cur.len)
            buf_addch(&cur, '/');
        buf_add(&cur, comp, len);
        if (!on_disk)
            continue;
        char *path = path_join(root, cur.data);
        struct stat st;
        if (lstat(path, &st) < 0) {
            on_disk = false;
        } else if (S_ISLNK(st.st_mode)) {
            char *t = ++links > MAX_LINKS ? NULL : read_link(path, st.st_size);
            if (!t) {
                r = links > MAX_LINKS ? err_set("%s: symbolic link to '%s' cannot be resolved "
                                                "(more than %d links: a loop?)",
                                                shown, target, MAX_LINKS)
                                      : err_errno(path);
            } else if (t[0] == '/') {
                r = 0;
            } else {
                /* the link's text replaces it: resolve t, then what was left */
                pop_component(&cur);
                buf_reset(&next);
                buf_addstr(&next, t);
                buf_addch(&next, '/');
                buf_addstr(&next, rest.data + pos);
                buf_reset(&rest);
                buf_add(&rest, next.data, next.len);
                pos = 0;
            }
            free(t);
        }
        free(path);
    }
    buf_free(&cur);
    buf_free(&rest);
    buf_free(&next);
    return r;
}

/* Walks src (a folder) adding entries under prefix; ig may be NULL (includes). parent_info
 * holds the folder's per-pattern .dockerignore results (NULL at the top). */
static int walk(struct context *c, const char *src, const char *prefix, const char *root_label,
                const struct ignore *ig, const char *rel_base, const bool *parent_info)
{
    size_t npat = ig ? ignore_count(ig) : 0;
    struct fs_names names = {0};
    if (fs_list_dir(src, &names) < 0)
        return -1;
    /* the walk's own root on disk: src without rel_base */
    size_t sl = strlen(src), bl = strlen(rel_base);
    char *root = xstrndup(src, *rel_base && sl > bl ? sl - bl - 1 : sl);
    int r = 0;
    for (size_t i = 0; i < names.count && r == 0; i++) {
        char *path = path_join(src, names.names[i]);
        char *name = *prefix ? path_join(prefix, names.names[i]) : xstrdup(names.names[i]);
        /* the path relative to the walk's own root: what ignore patterns and link checks see */
        char *rel = *rel_base ? path_join(rel_base, names.names[i]) : xstrdup(names.names[i]);
        struct stat st;
        bool excluded = false;
        bool *info = npat ? xcalloc(npat, sizeof *info) : NULL;
        if (lstat(path, &st) < 0) {
            r = err_errno(path);
        } else if (c->skip && c->skip(c->skip_ctx, path, S_ISDIR(st.st_mode))) {
            /* left out, with what it holds */
        } else if (ig && ignore_match_walk(ig, rel, parent_info, info, &excluded) < 0) {
            r = -1;
        } else if (excluded) {
            if (S_ISDIR(st.st_mode) && ignore_dir_has_exceptions(ig, rel))
                r = walk(c, path, name, root_label, ig, rel, info);
        } else if (S_ISDIR(st.st_mode)) {
            add_entry(c, name, path, &st, NULL, false);
            r = walk(c, path, name, root_label, ig, rel, info);
        } else if (S_ISREG(st.st_mode)) {
            add_entry(c, name, path, &st, NULL, false);
            c->size += (uint64_t)st.st_size;
        } else if (S_ISLNK(st.st_mode)) {
            char *target = read_link(path, st.st_size);
            int inside;
            if (!target)
                r = err_errno(path);
            else if ((inside = link_stays_inside(root, rel, target, path)) < 0)
                r = -1;
            else if (!inside)
                r = err_set("%s: symbolic link to '%s' points outside %s; a COPY of it would "
                            "break (replace the link with the file, or add the target with "
                            "build.include)",
                            path, target, root_label);
            else
                add_entry(c, name, path, &st, target, false);
            free(target);
        }
        /* sockets, fifos and devices are not sent (as docker) */
        free(info);
        free(rel);
        free(name);
        free(path);
    }
    fs_names_free(&names);
    free(root);
    return r;
}

/* Compares tar names component by component: "a/b" sorts before "a-c" like a walk would. */
static int name_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x == '/')
            x = 0;
        if (y == '/')
            y = 0;
        if (!*a && *b)
            return -1;
        if (*a && !*b)
            return 1;
        if (!*a && !*b)
            return 0;
        if (x != y)
            return x < y ? -1 : 1;
    }
}

static int entry_cmp(const void *x, const void *y)
{
    const struct centry *a = x, *b = y;
    int r = name_cmp(a->name, b->name);
    if (r)
        return r;
    return (int)a->synthetic - (int)b->synthetic; /* the real one first */
}

static void entry_free(struct centry *e)
{
    free(e->name);
    free(e->src);
    free(e->link);
}

static int add_include(struct context *c, const struct context_include *inc)
{
    char *dest = NULL;
    struct stat st;
    if (lstat(inc->src, &st) < 0)
        return err_errno(inc->src);
    /* dest: cleaned, relative, not escaping */
    char *clean = ignore_clean_path(inc->dest);
    const char *d = clean;
    while (*d == '/')
        d++;
    if (!*d || !strcmp(d, ".") || !strcmp(d, "..") || !strncmp(d, "../", 3)) {
        int r =
            err_set("build.include: destination '%s' is not a path inside the context", inc->dest);
        free(clean);
        return r;
    }
    dest = xstrdup(d);
    free(clean);
    /* made-up parent folders */
    struct stat pst = st;
    pst.st_mode = S_IFDIR | 0755;
    pst.st_size = 0;
    for (char *p = strchr(dest, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        add_entry(c, dest, NULL, &pst, NULL, true);
        *p = '/';
    }
    int r = 0;
    if (c->skip && c->skip(c->skip_ctx, inc->src, S_ISDIR(st.st_mode))) {
        /* left out whole */
    } else if (S_ISDIR(st.st_mode)) {
        add_entry(c, dest, inc->src, &st, NULL, false);
        r = walk(c, inc->src, dest, inc->src, NULL, "", NULL);
    } else if (S_ISREG(st.st_mode)) {
        add_entry(c, dest, inc->src, &st, NULL, false);
        c->size += (uint64_t)st.st_size;
    } else {
        r = err_set("build.include: %s is neither a file nor a folder", inc->src);
    }
    free(dest);
    return r;
}

struct inode_ref {
    dev_t dev;
    ino_t ino;
    size_t idx;
};

static int inode_cmp(const void *x, const void *y)
{
    const struct inode_ref *a = x, *b = y;
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Repeated inodes become hard links to their first entry in tar order (as docker does); the
 * bytes are then sent once. */
static void mark_hardlinks(struct context *c)
{
    struct inode_ref *refs = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct stat *st = &c->e[i].st;
        if (S_ISREG(st->st_mode) && st->st_nlink > 1 && c->e[i].src) {
            ARRAY_GROW(refs, n + 1, cap);
            refs[n++] = (struct inode_ref){st->st_dev, st->st_ino, i};
        }
    }
    if (n > 1)
        qsort(refs, n, sizeof *refs, inode_cmp);
    for (size_t i = 1; i < n; i++) {
        size_t first = i;
        while (first > 0 && refs[first - 1].dev == refs[i].dev &&
               refs[first - 1].ino == refs[i].ino)
            first--;
        if (first == i)
            continue;
        struct centry *e = &c->e[refs[i].idx];
        e->hardlink = c->e[refs[first].idx].name;
        c->size -= (uint64_t)e->st.st_size;
    }
    free(refs);
}

int context_scan(const struct context_opts *o, struct context **out)
{
    *out = NULL;
    const char *dockerfile = o->dockerfile ? o->dockerfile : "Dockerfile";
    char *dfpath = path_join(o->dir, dockerfile);
    bool has_df = fs_is_file(dfpath);
    free(dfpath);
    if (!has_df)
        return err_set("%s: no %s in the build context", o->dir, dockerfile);

    struct ignore *ig = NULL;
    char *ipath = path_join(o->dir, ".dockerignore");
    if (fs_exists(ipath)) {
        struct buf text = BUF_INIT;
        int r = fs_read_file(ipath, MAX_IGNORE_FILE, &text);
        if (r == 0)
            r = ignore_parse(text.data, text.len, ipath, &ig);
        buf_free(&text);
        if (r < 0) {
            free(ipath);
            return -1;
        }
        /* docker/cli: the Dockerfile and .dockerignore are always sent */
        const char *keep[] = {".dockerignore", dockerfile};
        for (size_t i = 0; i < 2; i++) {
            bool ex = false;
            if (ignore_match(ig, keep[i], &ex) < 0) {
                err_prefix("%s", ipath);
                ignore_free(ig);
                free(ipath);
                return -1;
            }
            if (ex) {
                struct buf p = BUF_INIT;
                buf_addf(&p, "!%s", keep[i]);
                ignore_add(ig, p.data);
                buf_free(&p);
            }
        }
    }
    free(ipath);

    struct context *c = xcalloc(1, sizeof *c);
    c->fd = -1;
    buf_init(&c->pending);
    int r = walk(c, o->dir, "", "the build context", ig, "", NULL);
    ignore_free(ig);
    c->skip = o->include_skip;
    c->skip_ctx = o->include_skip_ctx;
    for (size_t i = 0; r == 0 && i < o->n_includes; i++)
        r = add_include(c, &o->includes[i]);
    c->skip = NULL;
    if (r == 0) {
        if (c->n > 1)
            qsort(c->e, c->n, sizeof *c->e, entry_cmp);
        /* drop made-up folders that exist for real, refuse other duplicates */
        size_t w = 0;
        for (size_t i = 0; i < c->n; i++) {
            if (w && !strcmp(c->e[w - 1].name, c->e[i].name)) {
                struct centry *prev = &c->e[w - 1];
                bool both_dirs = S_ISDIR(prev->st.st_mode) && S_ISDIR(c->e[i].st.st_mode);
                if (c->e[i].synthetic && both_dirs) {
                    entry_free(&c->e[i]);
                    continue;
                }
                r = err_set("build.include: '%s' is already in the build context", c->e[i].name);
                /* keep the entry so it is freed */
            }
            c->e[w++] = c->e[i];
        }
        c->n = w;
        if (r == 0)
            mark_hardlinks(c);
    }
    if (r < 0) {
        context_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void context_free(struct context *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        entry_free(&c->e[i]);
    free(c->e);
    if (c->a)
        archive_write_free(c->a);
    if (c->fd >= 0)
        close(c->fd);
    buf_free(&c->pending);
    free(c->piece);
    if (c->utf8)
        freelocale(c->utf8);
    free(c);
}

size_t context_file_count(const struct context *c)
{
    return c->n;
}

uint64_t context_size(const struct context *c)
{
    return c->size;
}

const char *context_entry_name(const struct context *c, size_t i)
{
    return i < c->n ? c->e[i].name : NULL;
}

const char *context_digest(struct context *c, const char *extra)
{
    struct sha256 s;
    sha256_init(&s);
    for (size_t i = 0; i < c->n; i++) {
        const struct centry *e = &c->e[i];
        char meta[128];
        int n = snprintf(meta, sizeof meta, "%o %lld %lld", (unsigned)e->st.st_mode,
                         S_ISREG(e->st.st_mode) ? (long long)e->st.st_size : 0LL,
                         (long long)e->st.st_mtime);
        sha256_update(&s, e->name, strlen(e->name) + 1);
        sha256_update(&s, meta, (size_t)n + 1);
        if (e->link)
            sha256_update(&s, e->link, strlen(e->link) + 1);
        if (e->hardlink) {
            sha256_update(&s, "=>", 2);
            sha256_update(&s, e->hardlink, strlen(e->hardlink) + 1);
        }
    }
    if (extra)
        sha256_update(&s, extra, strlen(extra));
    char hex[65];
    sha256_hex(&s, hex);
    snprintf(c->digest, sizeof c->digest, "sha256:%s", hex);
    return c->digest;
}

/* ---- streaming ------------------------------------------------------------------------------ */

static la_ssize_t on_archive_write(struct archive *a, void *ctx, const void *data, size_t n)
{
    struct context *c = ctx;
    buf_add(&c->pending, data, n);
    return (la_ssize_t)n;
}

static int stream_start(struct context *c)
{
    c->a = archive_write_new();
    if (!c->a)
        return err_set("cannot start a tar writer");
    /* USTAR unless a long name or big file needs PAX */
    if (archive_write_set_format_pax_restricted(c->a) != ARCHIVE_OK ||
        archive_write_open2(c->a, c, NULL, on_archive_write, NULL, NULL) != ARCHIVE_OK)
        return err_set("tar writer: %s", archive_error_string(c->a));
    if (!c->piece)
        c->piece = xmalloc(PIECE);
    return 0;
}

static int write_header(struct context *c, const struct centry *e)
{
    struct archive_entry *ae = archive_entry_new();
    struct buf name = BUF_INIT;
    buf_addstr(&name, e->name);
    if (S_ISDIR(e->st.st_mode))
        buf_addch(&name, '/');
    archive_entry_set_pathname(ae, name.data);
    archive_entry_set_mode(ae, e->st.st_mode);
    archive_entry_set_uid(ae, 0);
    archive_entry_set_gid(ae, 0);
    archive_entry_set_mtime(ae, e->st.st_mtime, 0);
    if (S_ISREG(e->st.st_mode) && !e->hardlink)
        archive_entry_set_size(ae, e->st.st_size);
    else
        archive_entry_set_size(ae, 0);
    if (S_ISLNK(e->st.st_mode))
        archive_entry_set_symlink(ae, e->link);
    if (e->hardlink)
        archive_entry_set_hardlink(ae, e->hardlink);
    int r = 0;
    if (archive_write_header(c->a, ae) != ARCHIVE_OK)
        r = err_set("%s: cannot add to the context tar: %s", e->name, archive_error_string(c->a));
    archive_entry_free(ae);
    buf_free(&name);
    return r;
}

/* Produces the next piece of tar into c->pending. */
static int stream_step(struct context *c)
{
    if (c->fd >= 0) {
        size_t want = c->left < PIECE ? (size_t)c->left : PIECE;
        ssize_t got = want ? read(c->fd, c->piece, want) : 0;
        if (got < 0)
            return err_errno(c->cur);
        if (got == 0 && c->left > 0)
            return err_set("%s: the file shrank while it was being sent", c->cur);
        if (got > 0 && archive_write_data(c->a, c->piece, (size_t)got) != got)
            return err_set("%s: tar writer: %s", c->cur, archive_error_string(c->a));
        c->left -= got;
        if (c->left == 0) {
            close(c->fd);
            c->fd = -1;
        }
        return 0;
    }
    if (c->next < c->n) {
        const struct centry *e = &c->e[c->next++];
        if (write_header(c, e) < 0)
            return -1;
        if (S_ISREG(e->st.st_mode) && e->st.st_size > 0 && !e->hardlink) {
            c->fd = open(e->src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            if (c->fd < 0)
                return err_errno(e->src);
            c->left = e->st.st_size;
            c->cur = e->src;
        }
        return 0;
    }
    if (archive_write_close(c->a) != ARCHIVE_OK)
        return err_set("tar writer: %s", archive_error_string(c->a));
    c->done = true;
    return 0;
}

/* libarchive converts names from the locale's charset for PAX headers: in the "C" locale a
 * name like "é" cannot be converted. This thread switches to C.UTF-8 while it writes (as Go,
 * docker treats names as UTF-8), and restores its locale afterwards. */
static int stream_fill(struct context *c)
{
    if (!c->a && stream_start(c) < 0)
        return -1;
    while (c->pending_pos == c->pending.len && !c->done) {
        buf_reset(&c->pending);
        c->pending_pos = 0;
        if (stream_step(c) < 0)
            return -1;
    }
    return 0;
}

ssize_t context_read(void *ctx, char *out, size_t n)
{
    struct context *c = ctx;
    if (c->failed)
        return -1;
    if (!c->utf8)
        c->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old = c->utf8 ? uselocale(c->utf8) : (locale_t)0;
    int r = stream_fill(c);
    if (old)
        uselocale(old);
    if (r < 0) {
        c->failed = true;
        return -1;
    }
    size_t avail = c->pending.len - c->pending_pos;
    if (n > avail)
        n = avail;
    memcpy(out, c->pending.data + c->pending_pos, n);
    c->pending_pos += n;
    return (ssize_t)n;
}

int context_rewind(struct context *c)
{
    if (c->a)
        archive_write_free(c->a);
    c->a = NULL;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    buf_reset(&c->pending);
    c->pending_pos = 0;
    c->next = 0;
    c->done = c->failed = false;
    return 0;
}
