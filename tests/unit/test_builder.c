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
#include "tree_fixture.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_arg),
        cmocka_unit_test_setup_teardown(test_prepare_all, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
