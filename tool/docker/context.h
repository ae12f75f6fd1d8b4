/* The build context: the analytic's folder (minus what .dockerignore excludes) plus the
 * manifest's build.include entries, streamed as a tar through libarchive without ever holding
 * it whole in memory. Entries are sorted bytewise component by component (the pre-order walk
 * docker makes), with uid/gid 0, empty user and group names, symlinks kept as links and
 * mtimes kept in whole seconds. Links that would lead outside the context are refused. */
#ifndef KANALYTIC_DOCKER_CONTEXT_H
#define KANALYTIC_DOCKER_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct context_include {
    const char *src;  /* file or folder on disk */
    const char *dest; /* relative path inside the context */
};

struct context_opts {
    const char *dir;        /* the context root */
    const char *dockerfile; /* NULL = "Dockerfile" */
    const struct context_include *includes;
    size_t n_includes;
    /* when set, each file and folder of the includes (a folder with its contents) for which
     * it returns true is left out: the builder leaves out what git ignores */
    bool (*include_skip)(void *ctx, const char *path, bool is_dir);
    void *include_skip_ctx;
};

struct context;

/* Walks the context and checks it (Dockerfile present, .dockerignore valid, no escaping
 * links, include destinations free); nothing is read beyond metadata yet. */
int context_scan(const struct context_opts *o, struct context **out);
void context_free(struct context *c);

size_t context_file_count(const struct context *c); /* entries sent, folders included */
uint64_t context_size(const struct context *c);     /* bytes of regular files sent */
/* The i-th entry's name in the tar (folders end in '/'), for listings and tests. */
const char *context_entry_name(const struct context *c, size_t i);
/* "sha256:..." over every entry's name, type, mode, size, mtime and link target, plus
 * `extra` (e.g. the build arguments); static storage in c. */
const char *context_digest(struct context *c, const char *extra);

/* Streams the tar (a docker_read_fn): returns bytes written to buf, 0 at the end, -1 with
 * the error set. Call until 0; context_rewind starts over. */
ssize_t context_read(void *c, char *buf, size_t n);
int context_rewind(struct context *c);

#endif
