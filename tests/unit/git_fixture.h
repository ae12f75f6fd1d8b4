/* Throwaway git repositories for the CI tests, made with libgit2: write files, stage, commit
 * with a fixed signature, branch. Header-only so each test program includes its own copy. */
#ifndef KANALYTIC_TEST_GIT_FIXTURE_H
#define KANALYTIC_TEST_GIT_FIXTURE_H

#include "util/buf.h"
#include "util/fs.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gitfx {
    char dir[64];
    git_repository *repo;
};

static inline void fx_check(int rc, const char *what)
{
    if (rc < 0) {
        const git_error *e = git_error_last();
        fail_msg("%s: %s", what, e ? e->message : "?");
    }
}

static inline void fx_init(struct gitfx *fx)
{
    git_libgit2_init();
    strcpy(fx->dir, "/tmp/kanalytic-gitfx.XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    git_repository_init_options o;
    git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    o.flags = GIT_REPOSITORY_INIT_MKPATH;
    o.initial_head = "main";
    fx_check(git_repository_init_ext(&fx->repo, fx->dir, &o), "init");
}

static inline void fx_free(struct gitfx *fx)
{
    git_repository_free(fx->repo);
    fs_remove_tree(fx->dir);
    git_libgit2_shutdown();
}

static inline char *fx_path(const struct gitfx *fx, const char *rel)
{
    return path_join(fx->dir, rel);
}

static inline void fx_write(const struct gitfx *fx, const char *rel, const char *content)
{
    char *p = fx_path(fx, rel);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    assert_int_equal(fs_mkdirs(p, 0755), 0);
    *slash = '/';
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    free(p);
}

static inline void fx_remove(const struct gitfx *fx, const char *rel)
{
    char *p = fx_path(fx, rel);
    assert_int_equal(fs_remove_tree(p), 0);
    free(p);
}

static inline void fx_rename(const struct gitfx *fx, const char *from, const char *to)
{
    char *a = fx_path(fx, from), *b = fx_path(fx, to);
    assert_int_equal(rename(a, b), 0);
    free(a);
    free(b);
}

/* git add <path> (path may be a deleted file) */
static inline void fx_stage(const struct gitfx *fx, const char *rel)
{
    git_index *idx;
    fx_check(git_repository_index(&idx, fx->repo), "index");
    char *p = fx_path(fx, rel);
    if (fs_exists(p))
        fx_check(git_index_add_bypath(idx, rel), "add");
    else
        fx_check(git_index_remove_bypath(idx, rel), "rm");
    free(p);
    fx_check(git_index_write(idx), "index write");
    git_index_free(idx);
}

/* git add -A && git commit -m msg, with a fixed author and a time that grows by a minute. */
static inline void fx_commit(const struct gitfx *fx, const char *msg)
{
    static git_time_t when = 1700000000;
    git_index *idx;
    fx_check(git_repository_index(&idx, fx->repo), "index");
    git_strarray all = {(char *[]){"*"}, 1};
    fx_check(git_index_add_all(idx, &all, GIT_INDEX_ADD_DEFAULT, NULL, NULL), "add all");
    fx_check(git_index_update_all(idx, &all, NULL, NULL), "update all");
    fx_check(git_index_write(idx), "index write");
    git_oid tree_id, commit_id;
    fx_check(git_index_write_tree(&tree_id, idx), "write tree");
    git_index_free(idx);
    git_tree *tree;
    fx_check(git_tree_lookup(&tree, fx->repo, &tree_id), "tree");
    git_signature *sig;
    fx_check(git_signature_new(&sig, "Test", "test@example.org", when += 60, 0), "sig");
    git_object *head = NULL;
    int n = 0;
    const git_commit *parents[1];
    if (git_revparse_single(&head, fx->repo, "HEAD") == 0) {
        parents[0] = (const git_commit *)head;
        n = 1;
    }
    fx_check(git_commit_create(&commit_id, fx->repo, "HEAD", sig, sig, NULL, msg, tree, (size_t)n,
                               parents),
             "commit");
    git_object_free(head);
    git_signature_free(sig);
    git_tree_free(tree);
}

/* git checkout -b name (the work tree stays as it is). */
static inline void fx_branch(const struct gitfx *fx, const char *name)
{
    git_object *head;
    fx_check(git_revparse_single(&head, fx->repo, "HEAD"), "HEAD");
    git_reference *ref;
    fx_check(git_branch_create(&ref, fx->repo, name, (git_commit *)head, 0), "branch");
    fx_check(git_repository_set_head(fx->repo, git_reference_name(ref)), "set head");
    git_reference_free(ref);
    git_object_free(head);
}

/* The oid of a revision, as hex (static buffer). */
static inline const char *fx_rev(const struct gitfx *fx, const char *rev)
{
    static char hex[GIT_OID_HEXSZ + 1];
    git_object *o;
    fx_check(git_revparse_single(&o, fx->repo, rev), rev);
    git_oid_tostr(hex, sizeof hex, git_object_id(o));
    git_object_free(o);
    return hex;
}

/* A minimal analytic: manifest with a version, a Dockerfile, one test case with a golden. */
static inline void fx_analytic(const struct gitfx *fx, const char *name, const char *version,
                               bool tests)
{
    struct buf p = BUF_INIT, c = BUF_INIT;
    buf_addf(&p, "analytics/%s/analytic.yaml", name);
    buf_addf(&c,
             "# yaml-language-server: $schema=../../schemas/analytic.schema.json\n"
             "schema_version: 1\nname: %s\nversion: %s\ndescription: test analytic\n",
             name, version);
    fx_write(fx, p.data, c.data);
    buf_reset(&p);
    buf_addf(&p, "analytics/%s/Dockerfile", name);
    fx_write(fx, p.data, "FROM debian:sid-slim\n");
    if (tests) {
        buf_reset(&p);
        buf_addf(&p, "analytics/%s/tests/basic/case.yaml", name);
        fx_write(fx, p.data, "description: basic\n");
        buf_reset(&p);
        buf_addf(&p, "analytics/%s/tests/basic/expected/output/0.parquet.gz", name);
        fx_write(fx, p.data, "golden bytes\n");
    }
    buf_free(&p);
    buf_free(&c);
}

#endif
