/* HEAD commit and folder dirtiness with libgit2: see revision.h. */
#include "revision.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int git_fail(const char *what, const char *dir)
{
    const git_error *e = git_error_last();
    return err_set("%s: %s: %s", dir, what, e && e->message ? e->message : "libgit2 error");
}

/* The folder relative to the work tree ("" for the root). */
static int relative_to_workdir(git_repository *repo, const char *dir, struct buf *out)
{
    const char *wd = git_repository_workdir(repo);
    if (!wd)
        return err_set("%s: the git repository has no work tree", dir);
    char rdir[PATH_MAX], rwd[PATH_MAX];
    if (!realpath(dir, rdir))
        return err_errno(dir);
    if (!realpath(wd, rwd))
        return err_errno(wd);
    size_t n = strlen(rwd);
    if (strncmp(rdir, rwd, n) || (rdir[n] && rdir[n] != '/' && n > 1))
        return err_set("%s: not inside the work tree %s", dir, rwd);
    const char *rel = rdir + n;
    while (*rel == '/')
        rel++;
    buf_addstr(out, rel);
    return 0;
}

int revision_describe(const char *dir, char **out)
{
    *out = NULL;
    git_libgit2_init();
    git_repository *repo = NULL;
    git_status_list *st = NULL;
    struct buf rel = BUF_INIT;
    int r = 0;
    if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
        r = git_fail("not in a git repository", dir);
        goto cleanup;
    }
    git_oid head;
    if (git_reference_name_to_id(&head, repo, "HEAD") < 0) {
        r = git_fail("no commit at HEAD", dir);
        goto cleanup;
    }
    if (relative_to_workdir(repo, dir, &rel) < 0) {
        r = -1;
        goto cleanup;
    }
    git_status_options opts;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    char *spec = rel.data;
    if (rel.len) {
        opts.pathspec.strings = &spec;
        opts.pathspec.count = 1;
    }
    if (git_status_list_new(&st, repo, &opts) < 0) {
        r = git_fail("reading git status", dir);
        goto cleanup;
    }
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &head);
    struct buf b = BUF_INIT;
    buf_addstr(&b, hex);
    if (git_status_list_entrycount(st) > 0)
        buf_addstr(&b, "-dirty");
    *out = buf_detach(&b, NULL);
cleanup:
    git_status_list_free(st);
    git_repository_free(repo);
    buf_free(&rel);
    git_libgit2_shutdown();
    return r;
}

int revision_remote_url(const char *dir, char **out)
{
    *out = NULL;
    git_libgit2_init();
    git_repository *repo = NULL;
    git_remote *remote = NULL;
    int r = 0;
    if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
        r = git_fail("not in a git repository", dir);
    } else if (git_remote_lookup(&remote, repo, "origin") < 0 || !git_remote_url(remote)) {
        r = git_fail("no remote 'origin'", dir);
    } else {
        const char *url = git_remote_url(remote);
        /* drop credentials: scheme://user:pass@host -> scheme://host */
        const char *scheme = strstr(url, "://");
        const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
        const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
        struct buf b = BUF_INIT;
        if (at && (!slash || at < slash)) {
            buf_add(&b, url, (size_t)(scheme + 3 - url));
            buf_addstr(&b, at + 1);
        } else {
            buf_addstr(&b, url);
        }
        *out = buf_detach(&b, NULL);
    }
    git_remote_free(remote);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return r;
}
