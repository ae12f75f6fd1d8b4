/* Unit tests of tool/util/repo.c: repo_find_root (KANALYTIC_ROOT, else the nearest folder at
 * or above the working directory that holds analytics/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The working directory in old, a new folder in tmp (a mkdtemp template) and its resolved
 * path in real (what getcwd answers once there). */
static void fresh_dir(char *old, char *tmp, char *real)
{
    assert_non_null(getcwd(old, PATH_MAX));
    assert_non_null(mkdtemp(tmp));
    assert_non_null(realpath(tmp, real));
}

static void test_find_root(void **state)
{
    (void)state;
    char old[PATH_MAX], tmp[] = "/tmp/kanalytic-repo.XXXXXX", real[PATH_MAX];
    fresh_dir(old, tmp, real);
    char *deep = path_join(real, "repo/analytics/a/tests/case");
    char *root = path_join(real, "repo");
    char *outside = path_join(real, "elsewhere/sub");
    assert_int_equal(fs_mkdirs(deep, 0755), 0);
    assert_int_equal(fs_mkdirs(outside, 0755), 0);
    unsetenv("KANALYTIC_ROOT");

    char *got = NULL;
    /* from deep inside and from the root itself: the folder holding analytics/ */
    assert_int_equal(chdir(deep), 0);
    assert_int_equal(repo_find_root(&got), 0);
    assert_string_equal(got, root);
    free(got);
    assert_int_equal(chdir(root), 0);
    assert_int_equal(repo_find_root(&got), 0);
    assert_string_equal(got, root);
    free(got);

    /* outside any repository (no analytics/ up to /): an error that says what to do */
    got = NULL;
    assert_int_equal(chdir(outside), 0);
    assert_int_equal(repo_find_root(&got), -1);
    assert_null(got);
    assert_non_null(strstr(err_last(), "not inside an analytics repository"));
    assert_non_null(strstr(err_last(), "KANALYTIC_ROOT"));

    /* KANALYTIC_ROOT wins over the working directory, and must be a directory */
    setenv("KANALYTIC_ROOT", outside, 1);
    assert_int_equal(chdir(deep), 0);
    assert_int_equal(repo_find_root(&got), 0);
    assert_string_equal(got, outside);
    free(got);
    got = NULL;
    char *missing = path_join(real, "missing");
    setenv("KANALYTIC_ROOT", missing, 1);
    assert_int_equal(repo_find_root(&got), -1);
    assert_null(got);
    assert_non_null(strstr(err_last(), "not a directory"));
    setenv("KANALYTIC_ROOT", "", 1); /* empty: as if unset */
    assert_int_equal(repo_find_root(&got), 0);
    assert_string_equal(got, root);
    free(got);
    unsetenv("KANALYTIC_ROOT");

    assert_int_equal(chdir(old), 0);
    assert_int_equal(fs_remove_tree(tmp), 0);
    free(missing);
    free(deep);
    free(root);
    free(outside);
}

static void touch(const char *dir, const char *rel)
{
    char *p = path_join(dir, rel);
    assert_int_equal(fs_write_atomic(p, "x\n", 2), 0);
    free(p);
}

/* validate's arguments: a folder with analytic.yaml or a path, else a NAME of the repository;
 * inside says whether the folder really lies below the root */
static void test_resolve_folder(void **state)
{
    (void)state;
    char old[PATH_MAX], tmp[] = "/tmp/kanalytic-resolve.XXXXXX", real[PATH_MAX];
    fresh_dir(old, tmp, real);
    char *root = path_join(real, "repo");
    char *a = path_join(root, "analytics/a");
    char *own = path_join(real, "own");
    assert_int_equal(fs_mkdirs(a, 0755), 0);
    assert_int_equal(fs_mkdirs(own, 0755), 0);
    touch(a, "analytic.yaml");
    touch(own, "analytic.yaml");
    char *link = path_join(real, "link-to-a");
    assert_int_equal(symlink(a, link), 0);
    assert_int_equal(chdir(real), 0);

    char *dir = NULL;
    bool inside = true;
    /* a NAME of the repository */
    assert_int_equal(repo_resolve_folder(root, "a", &dir, &inside), 0);
    assert_string_equal(dir, a);
    assert_true(inside);
    free(dir);
    /* a folder here holding analytic.yaml, named without a slash: that folder, outside */
    assert_int_equal(repo_resolve_folder(root, "own", &dir, &inside), 0);
    assert_string_equal(dir, "own");
    assert_false(inside);
    free(dir);
    /* a path through a link into the repository: inside (real paths) */
    assert_int_equal(repo_resolve_folder(root, "./link-to-a", &dir, &inside), 0);
    assert_string_equal(dir, "./link-to-a");
    assert_true(inside);
    free(dir);
    /* the root itself is not below the root */
    assert_int_equal(repo_resolve_folder(root, "./repo", &dir, &inside), 0);
    assert_false(inside);
    free(dir);
    /* no root: a path still resolves, never inside */
    assert_int_equal(repo_resolve_folder(NULL, "./own", &dir, &inside), 0);
    assert_false(inside);
    free(dir);
    /* a path that is no folder, a NAME the repository lacks */
    dir = NULL;
    assert_int_equal(repo_resolve_folder(root, "./nope", &dir, &inside), -1);
    assert_string_equal(err_last(), "./nope: no such folder");
    assert_int_equal(repo_resolve_folder(root, "b", &dir, &inside), -1);
    assert_non_null(strstr(err_last(), "b: no such analytic"));
    assert_null(dir);

    assert_int_equal(chdir(old), 0);
    assert_int_equal(fs_remove_tree(tmp), 0);
    free(root);
    free(a);
    free(own);
    free(link);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_root),
        cmocka_unit_test(test_resolve_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
