/* Local files a build.include leaves out: see local_files.h. */
#include "local_files.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

struct local_files {
    git_repository *repo;
    git_index *index;
    char *workdir; /* real path, no trailing slash */
};

int local_files_open(const char *path, struct local_files **out)
{
    *out = NULL;
    git_libgit2_init();
    git_repository *repo = NULL;
    if (git_repository_open_ext(&repo, path, 0, NULL) < 0 || !git_repository_workdir(repo)) {
        git_error_clear(); /* not in a work tree: nothing git could tell */
        git_repository_free(repo);
        git_libgit2_shutdown();
        return 0;
    }
    struct local_files *lf = xcalloc(1, sizeof *lf);
    lf->repo = repo;
    lf->workdir = realpath(git_repository_workdir(repo), NULL);
    if (!lf->workdir || git_repository_index(&lf->index, repo) < 0) {
        const git_error *e = git_error_last();
        int r = err_set("%s: %s", path, e && e->message ? e->message : "no index");
        local_files_close(lf);
        return r;
    }
    *out = lf;
    return 0;
}

/* path relative to the work tree, the last component not resolved unless a folder (never a
 * link, as lstat said); NULL when outside or the work tree itself */
static char *work_relative(const struct local_files *lf, const char *path, bool is_dir)
{
    size_t n = strlen(lf->workdir);
    if (is_dir) {
        char *real = realpath(path, NULL), *rel = NULL;
        if (real && !strncmp(real, lf->workdir, n) && real[n] == '/')
            rel = xstrdup(real + n + 1);
        free(real);
        return rel;
    }
    char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    char *real = realpath(dir, NULL);
    free(dir);
    if (!real)
        return NULL;
    char *rel = NULL;
    if (!strncmp(real, lf->workdir, n) && (real[n] == '/' || real[n] == '\0')) {
        struct buf b = BUF_INIT;
        if (real[n] == '/')
            buf_addf(&b, "%s/", real + n + 1);
        buf_addstr(&b, slash ? slash + 1 : path);
        rel = buf_detach(&b, NULL);
    }
    free(real);
    return rel;
}

bool local_files_is_local(struct local_files *lf, const char *path, bool is_dir)
{
    if (!strcmp(path_basename(path), ".git"))
        return true;
    if (!lf)
        return false;
    char *rel = work_relative(lf, path, is_dir);
    if (!rel)
        return false;
    bool local = false;
    int ignored = 0;
    if (is_dir) {
        struct buf prefix = BUF_INIT;
        buf_addf(&prefix, "%s/", rel);
        size_t pos;
        local = git_ignore_path_is_ignored(&ignored, lf->repo, rel) == 0 && ignored &&
                git_index_find_prefix(&pos, lf->index, prefix.data) != 0;
        buf_free(&prefix);
    } else {
        local = !git_index_get_bypath(lf->index, rel, 0) &&
                git_ignore_path_is_ignored(&ignored, lf->repo, rel) == 0 && ignored;
    }
    git_error_clear();
    free(rel);
    return local;
}

void local_files_close(struct local_files *lf)
{
    if (!lf)
        return;
    git_index_free(lf->index);
    git_repository_free(lf->repo);
    free(lf->workdir);
    free(lf);
    git_libgit2_shutdown();
}
