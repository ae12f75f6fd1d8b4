/* Unit tests of tool/gate/gate.c, the CI gate's repository side, in throwaway repositories:
 * the root made absolute and its prefix in the work tree, the selection and its shard, step 2
 * (the pull-request policy and the repository policy read at the base, sorted findings, or
 * the reason it could not run), and the errors of a root outside any git repository. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gate/gate.h"
#include "util/error.h"
#include "util/fs.h"
#include "git_fixture.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

/* alpha 1.0.0 and beta 1.4.2 on main; on branch pr, beta's Dockerfile changed without a
 * version bump, and alpha bumped but asking for the network. */
static void setup_pr(struct gitfx *fx)
{
    fx_init(fx);
    fx_analytic(fx, "alpha", "1.0.0", true);
    fx_analytic(fx, "beta", "1.4.2", true);
    fx_commit(fx, "initial");
    fx_branch(fx, "pr");
    fx_write(fx, "analytics/beta/Dockerfile", "FROM debian:sid-slim\nRUN echo changed\n");
    /* alpha, bumped, asks for the network, which the (default) repository policy refuses */
    fx_write(fx, "analytics/alpha/analytic.yaml",
             "schema_version: 1\nname: alpha\nversion: 1.0.1\ndescription: a test analytic\n"
             "authors: [t]\nlicense: Apache-2.0\ninputs:\n  - entity_types: [process]\n"
             "outputs:\n  - input: 0\n    attributes:\n      - name: x_score\n"
             "        type: integer\ndisplay: none\nruntime:\n  network: true\n");
    fx_commit(fx, "change both");
}

static void test_open_and_policy(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_pr(&fx);
    setenv("KANALYTIC_ROOT", fx.dir, 1);
    struct gate g;
    struct gate_options o = {.base = "main"};
    if (gate_open(&g, &o) < 0)
        fail_msg("gate_open: %s", err_last());
    char real[PATH_MAX];
    assert_non_null(realpath(fx.dir, real));
    assert_string_equal(g.root, real);
    assert_string_equal(g.prefix, "");
    assert_int_equal(g.changes.count, 2);
    assert_string_equal(g.changes.items[0].name, "alpha");
    assert_string_equal(g.changes.items[1].name, "beta");
    assert_string_equal(g.changes.base_tip_oid, fx_rev(&fx, "main"));

    struct ci_result r = {0};
    gate_policy(&g, &r);
    assert_null(r.policy_error);
    assert_int_equal(r.findings.count, 2);
    /* the repository policy's finding on alpha came second; sorted, it is first */
    assert_string_equal(r.findings.items[0].file, "analytics/alpha/analytic.yaml");
    assert_string_equal(r.findings.items[0].rule, "policy-network");
    assert_int_equal(r.findings.items[0].line, 16);
    assert_string_equal(r.findings.items[1].file, "analytics/beta/analytic.yaml");
    assert_string_equal(r.findings.items[1].rule, "version-not-bumped");
    ci_result_free(&r);
    gate_close(&g);

    /* shard 2 of 2: beta alone */
    o.shard_index = 2;
    o.shard_count = 2;
    if (gate_open(&g, &o) < 0)
        fail_msg("gate_open: %s", err_last());
    assert_int_equal(g.changes.count, 1);
    assert_string_equal(g.changes.items[0].name, "beta");
    assert_int_equal(g.changes.total, 2);
    gate_close(&g);

    /* the repository policy at the base does not parse: step 2 says it could not run */
    fx_write(&fx, "kanalytic.yaml", "schema_version: 1\nlimits:\n  network: maybe\n");
    fx_commit(&fx, "policy on the pr branch only");
    o = (struct gate_options){.base = "pr"};
    fx_write(&fx, "analytics/beta/README.md", "# beta\n");
    if (gate_open(&g, &o) < 0)
        fail_msg("gate_open: %s", err_last());
    gate_policy(&g, &r);
    assert_non_null(r.policy_error);
    assert_non_null(strstr(r.policy_error, "the base's kanalytic.yaml"));
    assert_non_null(strstr(r.policy_error, ":3:"));
    ci_result_free(&r);
    gate_close(&g);
    unsetenv("KANALYTIC_ROOT");
    fx_free(&fx);
}

/* The analytics root in a folder of the repository: annotations need "sub/dir/". */
static void test_root_below_work_tree(void **state)
{
    (void)state;
    struct gitfx fx;
    fx_init(&fx);
    fx_write(&fx, "hunts/kestrel/analytics/alpha/analytic.yaml",
             "schema_version: 1\nname: alpha\nversion: 1.0.0\n");
    fx_commit(&fx, "initial");
    fx_branch(&fx, "pr");
    fx_write(&fx, "hunts/kestrel/analytics/alpha/Dockerfile", "FROM debian:sid-slim\n");
    /* a relative KANALYTIC_ROOT: the steps get -C ROOT, so the root is made absolute */
    char cwd[PATH_MAX], real[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(fx.dir), 0);
    setenv("KANALYTIC_ROOT", "hunts/kestrel", 1);
    struct gate g;
    struct gate_options o = {.base = "main"};
    int rc = gate_open(&g, &o);
    assert_int_equal(chdir(cwd), 0);
    if (rc < 0)
        fail_msg("gate_open: %s", err_last());
    struct buf root = BUF_INIT;
    assert_non_null(realpath(fx.dir, real));
    buf_addf(&root, "%s/hunts/kestrel", real);
    assert_string_equal(g.root, root.data);
    assert_string_equal(g.prefix, "hunts/kestrel/");
    assert_int_equal(g.changes.count, 1);
    gate_close(&g);
    unsetenv("KANALYTIC_ROOT");
    buf_free(&root);
    fx_free(&fx);
}

static void test_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/kanalytic-gate.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct buf a = BUF_INIT;
    buf_addf(&a, "%s/analytics", dir);
    assert_int_equal(fs_mkdirs(a.data, 0755), 0);
    setenv("KANALYTIC_ROOT", dir, 1);
    struct gate g;
    struct gate_options o = {0};
    assert_int_equal(gate_open(&g, &o), -1);
    assert_non_null(strstr(err_last(), "not in a git repository"));
    assert_non_null(strstr(err_last(), dir));
    gate_close(&g);

    setenv("KANALYTIC_ROOT", "/nonexistent/kanalytic-root", 1);
    assert_int_equal(gate_open(&g, &o), -1);
    assert_non_null(strstr(err_last(), "/nonexistent/kanalytic-root"));
    gate_close(&g);
    unsetenv("KANALYTIC_ROOT");
    fs_remove_tree(dir);
    buf_free(&a);
}

int main(void)
{
    /* the policy's schema: the tests run from the repository root */
    char schemas[PATH_MAX];
    if (!realpath("schemas", schemas))
        return 1;
    setenv("KANALYTIC_SCHEMAS", schemas, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_and_policy),
        cmocka_unit_test(test_root_below_work_tree),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
