/* Unit tests of tool/builder/builder.c that need no engine: --build-arg read as KEY=VALUE or
 * from the environment, and the jobs of `kanalytic build` prepared in order (named, or every
 * analytic under the root), an unknown name or an invalid manifest marked invalid with why,
 * each job heard once with its findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "builder/builder.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "docker/context.h"
#include "tree_fixture.h"

#include <git2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char root[64];

static int setup(void **state)
{
    (void)state;
    setenv("KANALYTIC_SCHEMAS", "schemas", 1);
    snprintf(root, sizeof root, "/tmp/kanalytic-builder.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    tree_analytic(root, "alpha");
    tree_analytic(root, "beta");
    tree_put(root, "analytics/broken/analytic.yaml", "schema_version: 1\nname: broken\n");
    tree_put(root, "analytics/broken/Dockerfile", "FROM debian:sid-slim\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fs_remove_tree(root);
}

static void test_build_arg(void **state)
{
    (void)state;
    struct builder_arg *a = xcalloc(4, sizeof *a);
    assert_int_equal(builder_arg_parse("HTTP_PROXY=http://proxy:3128", &a[0]), 0);
    assert_string_equal(a[0].key, "HTTP_PROXY");
    assert_string_equal(a[0].value, "http://proxy:3128");
    assert_int_equal(builder_arg_parse("EMPTY=", &a[1]), 0);
    assert_string_equal(a[1].key, "EMPTY");
    assert_string_equal(a[1].value, "");
    setenv("KANALYTIC_TEST_ARG", "from the environment", 1);
    assert_int_equal(builder_arg_parse("KANALYTIC_TEST_ARG", &a[2]), 0);
    assert_string_equal(a[2].key, "KANALYTIC_TEST_ARG");
    assert_string_equal(a[2].value, "from the environment");
    unsetenv("KANALYTIC_TEST_ARG");
    assert_int_equal(builder_arg_parse("KANALYTIC_TEST_ARG", &a[3]), -1);
    assert_string_equal(err_last(), "--build-arg KANALYTIC_TEST_ARG: no value given and no such "
                                    "environment variable");
    assert_int_equal(builder_arg_parse("=x", &a[3]), -1);
    assert_string_equal(err_last(), "--build-arg '=x': expected KEY=VALUE");
    assert_int_equal(builder_arg_parse("", &a[3]), -1);
    assert_null(a[3].key);
    builder_args_free(a, 3);
}

struct heard {
    struct buf names;
    size_t with_findings;
};

static void on_prepared(void *ctx, struct builder_job *j, int rc, const struct diag_list *diags)
{
    struct heard *h = ctx;
    buf_addf(&h->names, "%s%s:%d;", j->name, j->invalid ? "(invalid)" : "", rc);
    h->with_findings += diag_count(diags, DIAG_ERROR) > 0; /* warnings: no tests, ... */
}

static void free_jobs(struct builder_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        builder_job_free(&jobs[i]);
    free(jobs);
}

static void test_prepare_all(void **state)
{
    (void)state;
    struct builder_job *jobs;
    size_t n;
    struct heard h = {BUF_INIT, 0};
    /* every analytic under the root, sorted; the broken one invalid, with its findings */
    assert_int_equal(builder_prepare_all(root, NULL, 0, NULL, 0, true, &jobs, &n, on_prepared, &h),
                     0);
    assert_int_equal(n, 3);
    assert_string_equal(h.names.data, "alpha:0;beta:0;broken(invalid):0;");
    assert_int_equal(h.with_findings, 1);
    assert_string_equal(jobs[0].name, "alpha");
    assert_true(jobs[0].cache_from_own);
    assert_false(jobs[0].invalid);
    assert_non_null(jobs[0].ctx);
    assert_string_equal(jobs[0].tags[0], "kestrel-analytics-alpha:latest");
    assert_true(jobs[2].invalid);
    assert_non_null(jobs[2].error);
    free_jobs(jobs, n);

    /* names in the order given, with a build argument; an unknown one invalid */
    buf_reset(&h.names);
    char *names[] = {"beta", "nope", "alpha"};
    struct builder_arg arg = {"K", "V"};
    assert_int_equal(
        builder_prepare_all(root, names, 3, &arg, 1, false, &jobs, &n, on_prepared, &h), 0);
    assert_int_equal(n, 3);
    assert_string_equal(h.names.data, "beta:0;nope(invalid):0;alpha:0;");
    assert_false(jobs[0].cache_from_own);
    assert_non_null(strstr(jobs[0].buildargs_json, "\"K\":\"V\""));
    assert_true(jobs[1].invalid);
    assert_non_null(strstr(jobs[1].error, "nope"));
    free_jobs(jobs, n);

    /* a root with no analytics folder cannot be listed */
    assert_int_equal(
        builder_prepare_all("/nonexistent", NULL, 0, NULL, 0, false, &jobs, &n, NULL, NULL), -1);
    assert_int_equal(n, 0);
    free(jobs);
    buf_free(&h.names);
}

static bool has_entry(const struct context *c, const char *name)
{
    for (size_t i = 0; i < context_file_count(c); i++) {
        const char *e = context_entry_name(c, i);
        size_t n = strlen(name);
        if (!strncmp(e, name, n) && (e[n] == '\0' || (e[n] == '/' && e[n + 1] == '\0')))
            return true;
    }
    return false;
}

/* build.include never sends what a pull request cannot bring: .git, and files git ignores
 * without tracking them (a .env, __pycache__); tracked and new files go as usual. */
static void test_include_leaves_out_local_files(void **state)
{
    (void)state;
    char r[64];
    snprintf(r, sizeof r, "/tmp/kanalytic-builder-git.XXXXXX");
    assert_non_null(mkdtemp(r));
    git_libgit2_init();
    git_repository *repo = NULL;
    assert_int_equal(git_repository_init(&repo, r, 0), 0);
    tree_analytic(r, "gamma");
    struct buf man = BUF_INIT;
    char *mp = path_join(r, "analytics/gamma/analytic.yaml");
    assert_int_equal(fs_read_file(mp, 1 << 16, &man), 0);
    buf_addstr(&man, "build:\n  include:\n    - {src: lib, dest: lib}\n"
                     "    - {src: vendor, dest: vendor}\n    - {src: ., dest: repo}\n"
                     "    - {src: lib/secret.env, dest: env}\n");
    assert_int_equal(fs_write_atomic(mp, man.data, man.len), 0);
    tree_put(r, ".gitignore", "secret.env\n__pycache__/\nvendor/\n");
    tree_put(r, "lib/a.py", "a = 1\n");
    tree_put(r, "lib/secret.env", "TOKEN=hunter2\n");
    tree_put(r, "lib/__pycache__/a.pyc", "bytecode\n");
    tree_put(r, "lib/new.py", "new = 1\n");
    tree_put(r, "vendor/kept.py", "tracked though ignored\n");
    tree_put(r, "vendor/junk.py", "ignored\n");
    git_index *index = NULL;
    assert_int_equal(git_repository_index(&index, repo), 0);
    const char *tracked[] = {".gitignore", "lib/a.py", "vendor/kept.py",
                             "analytics/gamma/analytic.yaml", "analytics/gamma/Dockerfile"};
    for (size_t i = 0; i < sizeof tracked / sizeof *tracked; i++)
        assert_int_equal(git_index_add_bypath(index, tracked[i]), 0);
    assert_int_equal(git_index_write(index), 0);
    git_index_free(index);
    git_repository_free(repo);
    git_libgit2_shutdown();

    struct builder_job *jobs;
    size_t n;
    char *names[] = {"gamma"};
    assert_int_equal(builder_prepare_all(r, names, 1, NULL, 0, false, &jobs, &n, NULL, NULL), 0);
    assert_int_equal(n, 1);
    if (jobs[0].invalid)
        fail_msg("gamma: %s", jobs[0].error);
    const struct context *c = jobs[0].ctx;
    const char *sent[] = {"lib/a.py", "lib/new.py", "vendor/kept.py", "repo/lib/a.py",
                          "repo/.gitignore", "repo/analytics/gamma/Dockerfile"};
    for (size_t i = 0; i < sizeof sent / sizeof *sent; i++)
        if (!has_entry(c, sent[i]))
        {
            for (size_t k = 0; k < context_file_count(c); k++)
                print_message("  %s\n", context_entry_name(c, k));
            fail_msg("%s is not in the context", sent[i]);
        }
    const char *left_out[] = {"lib/secret.env", "lib/__pycache__", "vendor/junk.py", "repo/.git",
                              "repo/lib/secret.env", "repo/vendor/junk.py", "env"};
    for (size_t i = 0; i < sizeof left_out / sizeof *left_out; i++)
        if (has_entry(c, left_out[i]))
            fail_msg("%s was sent", left_out[i]);
    free_jobs(jobs, n);
    free(mp);
    buf_free(&man);
    assert_int_equal(fs_remove_tree(r), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_arg),
        cmocka_unit_test_setup_teardown(test_prepare_all, setup, teardown),
        cmocka_unit_test(test_include_leaves_out_local_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
