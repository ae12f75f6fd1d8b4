/* Unit tests of tool/git/policy: version bumps (semver), goldens, new analytics' tests, each
 * checked against a base read from git objects in a throwaway repository. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "git/changes.h"
#include "git/policy.h"
#include "util/error.h"
#include "util/fs.h"
#include "git_fixture.h"

#include <unistd.h>

static void setup_two(struct gitfx *fx)
{
    fx_init(fx);
    fx_analytic(fx, "alpha", "1.0.0", true);
    fx_analytic(fx, "beta", "1.4.2", true);
    fx_commit(fx, "initial");
    fx_branch(fx, "pr");
}

/* Selection + policy on the work tree against main. */
static void check(struct gitfx *fx, struct diag_list *diags)
{
    struct changes ch = {0};
    struct changes_options o = {.base = "main"};
    if (changes_detect(fx->repo, fx->dir, &o, &ch) < 0)
        fail_msg("changes_detect: %s", err_last());
    memset(diags, 0, sizeof *diags);
    if (policy_check(fx->repo, fx->dir, &ch, diags) < 0)
        fail_msg("policy_check: %s", err_last());
    diag_sort(diags);
    changes_free(&ch);
}

static void set_version(struct gitfx *fx, const char *name, const char *version)
{
    struct buf p = BUF_INIT, c = BUF_INIT;
    buf_addf(&p, "analytics/%s/analytic.yaml", name);
    buf_addf(&c,
             "# yaml-language-server: $schema=../../schemas/analytic.schema.json\n"
             "schema_version: 1\nname: %s\nversion: %s\ndescription: test analytic\n",
             name, version);
    fx_write(fx, p.data, c.data);
    buf_free(&p);
    buf_free(&c);
}

static void test_version_not_bumped(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_two(&fx);
    fx_write(&fx, "analytics/beta/Dockerfile", "FROM debian:sid-slim\nRUN echo changed\n");
    fx_commit(&fx, "change beta");
    struct diag_list d;
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, "analytics/beta/analytic.yaml");
    assert_int_equal(d.items[0].line, 4); /* the `version:` line of fx_analytic's manifest */
    assert_int_equal(d.items[0].severity, DIAG_ERROR);
    assert_string_equal(d.items[0].rule, "version-not-bumped");
    assert_non_null(strstr(d.items[0].message, "1.4.2"));
    diag_list_free(&d);

    /* a bump clears it; only the version line moved */
    set_version(&fx, "beta", "1.4.3");
    check(&fx, &d);
    assert_int_equal(d.count, 0);
    diag_list_free(&d);

    /* a pre-release of the same version is lower, not a bump */
    set_version(&fx, "beta", "1.4.2-rc.1");
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.items[0].message, "went down"));
    diag_list_free(&d);

    /* going down */
    set_version(&fx, "beta", "1.3.9");
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.items[0].message, "went down from 1.4.2"));
    diag_list_free(&d);

    /* not a semantic version at all, quoted and commented forms read right */
    set_version(&fx, "beta", "\"1.5\"  # short");
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.items[0].message, "'1.5' is not a semantic version"));
    diag_list_free(&d);
    set_version(&fx, "beta", "'2.0.0' # major");
    check(&fx, &d);
    assert_int_equal(d.count, 0);
    diag_list_free(&d);

    /* YAML reads `1.0` as a number: not a semantic version, reported on its line */
    set_version(&fx, "beta", "1.0");
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.items[0].line, 4);
    assert_non_null(strstr(d.items[0].message, "'1.0' is not a semantic version"));
    diag_list_free(&d);

    /* a manifest that does not parse cannot show a bump */
    set_version(&fx, "beta", "[2.0.0");
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.items[0].message, "not valid YAML"));
    diag_list_free(&d);

    /* a version key further down the file is found on its own line */
    fx_write(&fx, "analytics/beta/analytic.yaml",
             "schema_version: 1\nname: beta\ndescription: >-\n  version: 9.9.9 is text here\n"
             "authors:\n  - me\nversion: \"1.4.2\"\n");
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.items[0].line, 7);
    assert_non_null(strstr(d.items[0].message, "stays 1.4.2"));
    diag_list_free(&d);
    fx_free(&fx);
}

static void test_golden_changed_without_bump(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_two(&fx);
    const char *golden = "analytics/alpha/tests/basic/expected/output/0.parquet.gz";
    fx_write(&fx, golden, "other golden bytes\n");
    fx_commit(&fx, "regenerate alpha golden");
    struct diag_list d;
    check(&fx, &d);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.items[0].file, "analytics/alpha/analytic.yaml");
    assert_string_equal(d.items[0].rule, "version-not-bumped");
    assert_string_equal(d.items[1].file, golden);
    assert_string_equal(d.items[1].rule, "golden-changed");
    diag_list_free(&d);

    set_version(&fx, "alpha", "1.1.0");
    check(&fx, &d);
    assert_int_equal(d.count, 0);
    diag_list_free(&d);

    /* a deleted golden counts too; a new case's golden does not */
    set_version(&fx, "alpha", "1.0.0");
    fx_remove(&fx, golden);
    fx_write(&fx, "analytics/alpha/tests/more/case.yaml", "description: more\n");
    fx_write(&fx, "analytics/alpha/tests/more/expected/output/0.parquet.gz", "new\n");
    check(&fx, &d);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.items[1].file, golden);
    assert_non_null(strstr(d.items[1].message, "deleted"));
    diag_list_free(&d);
    fx_free(&fx);
}

/* Issue 13: a test input committed as a symbolic link (git mode 120000) to /proc/self/environ
 * would be read on the host and its bytes shown in the gate's log. */
static void test_links_under_tests_refused(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_two(&fx);
    set_version(&fx, "beta", "1.4.3");
    char *input = fx_path(&fx, "analytics/beta/tests/basic/input");
    assert_int_equal(fs_mkdirs(input, 0755), 0);
    char *link = fx_path(&fx, "analytics/beta/tests/basic/input/0.parquet.gz");
    assert_int_equal(symlink("/proc/self/environ", link), 0);
    char *outside = fx_path(&fx, "analytics/beta/tests/other");
    assert_int_equal(symlink("/etc", outside), 0);
    /* a link elsewhere in the analytic is not the policy's business (build checks contexts) */
    char *ok = fx_path(&fx, "analytics/beta/latest");
    assert_int_equal(symlink("Dockerfile", ok), 0);
    fx_commit(&fx, "environ");
    struct diag_list d;
    check(&fx, &d);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.items[0].file, "analytics/beta/tests/basic/input/0.parquet.gz");
    assert_string_equal(d.items[0].rule, "tests-link");
    assert_non_null(strstr(d.items[0].message, "120000"));
    assert_string_equal(d.items[1].file, "analytics/beta/tests/other");
    diag_list_free(&d);
    free(ok);
    free(outside);
    free(link);
    free(input);
    fx_free(&fx);
}

static void test_new_analytic_needs_tests(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_two(&fx);
    fx_analytic(&fx, "gamma", "0.1.0", false);
    struct diag_list d;
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, "analytics/gamma/analytic.yaml");
    assert_string_equal(d.items[0].rule, "new-analytic-no-tests");
    diag_list_free(&d);
    /* a tests/ folder without a case.yaml is still no test case */
    fx_write(&fx, "analytics/gamma/tests/basic/input/0.parquet.gz", "x");
    check(&fx, &d);
    assert_int_equal(d.count, 1);
    diag_list_free(&d);
    fx_write(&fx, "analytics/gamma/tests/basic/case.yaml", "description: basic\n");
    check(&fx, &d);
    assert_int_equal(d.count, 0);
    diag_list_free(&d);
    fx_free(&fx);
}

static void test_rename_compares_with_old_name(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_two(&fx);
    fx_rename(&fx, "analytics/beta", "analytics/delta");
    set_version(&fx, "delta", "1.4.2");
    fx_commit(&fx, "rename");
    struct diag_list d;
    check(&fx, &d);
    /* not new (so no tests finding), but not bumped against beta's 1.4.2 */
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, "analytics/delta/analytic.yaml");
    assert_string_equal(d.items[0].rule, "version-not-bumped");
    diag_list_free(&d);
    set_version(&fx, "delta", "2.0.0");
    check(&fx, &d);
    assert_int_equal(d.count, 0);
    diag_list_free(&d);
    fx_free(&fx);
}

static void test_trigger_only_is_not_policed(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_two(&fx);
    fx_write(&fx, "schemas/analytic.schema.json", "{}\n");
    struct diag_list d;
    check(&fx, &d);
    assert_int_equal(d.count, 0);
    diag_list_free(&d);
    fx_free(&fx);
}

/* What a pull request stops checking in an existing case: warnings for the reviewer, on the
 * line that loosened; a removed case; nothing for an unchanged or stricter case. */
static void test_loosened_cases_warned(void **state)
{
    (void)state;
    struct gitfx fx;
    fx_init(&fx);
    fx_analytic(&fx, "alpha", "1.0.0", true);
    const char *basic = "analytics/alpha/tests/basic/case.yaml";
    fx_write(&fx, basic,
             "description: basic\n"
             "compare:\n"
             "  ignore_columns: [a]\n"
             "  tolerance: {rtol: 0.01, columns: {x_score: {atol: 0.5}}}\n"
             "  display: {masked: ['[0-9]+']}\n"
             "  column_order: strict\n"
             "  nan_equal: false\n");
    fx_write(&fx, "analytics/alpha/tests/gone/case.yaml", "description: gone\n");
    fx_commit(&fx, "initial");
    fx_branch(&fx, "pr");
    set_version(&fx, "alpha", "1.1.0");
    fx_write(&fx, basic,
             "description: basic\n"
             "expect: {exit_code: 2}\n"
             "compare:\n"
             "  ignore_columns: [a, x_score]\n"
             "  tolerance: {rtol: 0.1, columns: {x_score: {atol: 0.5}, other: {atol: 1}}}\n"
             "  display: {masked: ['[0-9]+', x]}\n"
             "  column_order: ignore\n"
             "  key: [id]\n"
             "  nan_equal: true\n");
    fx_remove(&fx, "analytics/alpha/tests/gone/case.yaml");
    struct diag_list d;
    check(&fx, &d);
    for (size_t i = 0; i < d.count; i++)
        assert_int_equal(d.items[i].severity, DIAG_WARNING);
    const struct {
        const char *rule, *file, *text;
        int line;
    } want[] = {
        {"test-loosened", basic, "expects alpha to fail (expect.exit_code: 2)", 2},
        {"test-loosened", basic, "column x_score is no longer compared", 4},
        {"test-loosened", basic, "compare.tolerance.rtol went up from 0.01 to 0.1", 5},
        {"test-loosened", basic, "the tolerance of column other: atol went up from 0 to 1", 5},
        {"test-loosened", basic, "the display masks one more pattern: x", 6},
        {"test-loosened", basic, "the order of columns is no longer checked", 7},
        {"test-loosened", basic, "rows are now matched by key", 8},
        {"test-loosened", basic, "NaN now equals NaN", 9},
        {"case-removed", "analytics/alpha/tests/gone/case.yaml", "case gone of alpha was removed", 0},
    };
    size_t nwant = sizeof want / sizeof want[0];
    for (size_t k = 0; k < nwant; k++) {
        bool found = false;
        for (size_t i = 0; i < d.count && !found; i++)
            found = !strcmp(d.items[i].rule, want[k].rule) &&
                    !strcmp(d.items[i].file, want[k].file) &&
                    strstr(d.items[i].message, want[k].text) && d.items[i].line == want[k].line;
        if (!found) {
            for (size_t i = 0; i < d.count; i++)
                print_message("  %s:%d [%s] %s\n", d.items[i].file, d.items[i].line,
                              d.items[i].rule, d.items[i].message);
            fail_msg("missing: %s:%d %s", want[k].file, want[k].line, want[k].text);
        }
    }
    assert_int_equal(d.count, nwant);
    diag_list_free(&d);

    /* stricter than the base (fewer ignored columns, a smaller tolerance, exact display),
     * and the defaults written out (order ignored, NaN equal where the base said so): nothing
     * to say */
    fx_write(&fx, basic,
             "description: basic, stricter\n"
             "compare:\n"
             "  tolerance: {rtol: 0.001, columns: {x_score: {atol: 0.1}}}\n"
             "  column_order: strict\n"
             "  nan_equal: false\n");
    fx_write(&fx, "analytics/alpha/tests/gone/case.yaml", "description: back\n");
    check(&fx, &d);
    assert_int_equal(d.count, 0);
    diag_list_free(&d);
    fx_free(&fx);
}

static void test_semver_order(void **state)
{
    (void)state;
    /* the precedence example of semver.org, section 11, in increasing order */
    const char *order[] = {"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                           "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0",
                           "1.0.1",        "1.1.0",         "1.10.0",           "2.0.0",
                           "10.0.0"};
    size_t n = sizeof order / sizeof order[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int c = 99;
            assert_int_equal(semver_compare(order[i], order[j], &c), 0);
            int want = i < j ? -1 : i > j ? 1 : 0;
            if (c != want)
                fail_msg("%s vs %s: got %d, want %d", order[i], order[j], c, want);
        }
    int c = 99;
    assert_int_equal(semver_compare("1.0.0+build.1", "1.0.0+build.2", &c), 0);
    assert_int_equal(c, 0);
    const char *bad[] = {"",       "1",      "1.0",          "1.0.0.0",    "01.0.0", "1.00.0",
                         "v1.0.0", "1.0.0-", "1.0.0-01",     "1.0.0-a..b", "1.0.0+", "1.0.0-a_b",
                         "1.0.0 ", "-1.0.0", "1.0.0-alpha.", "1.0.0+a."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (semver_valid(bad[i]))
            fail_msg("'%s' accepted as a semantic version", bad[i]);
        assert_int_equal(semver_compare(bad[i], "1.0.0", &c), -1);
    }
    assert_true(semver_valid("0.0.0"));
    assert_true(semver_valid("1.2.3-0.a-b.3+exp.sha.5114f85"));
}

static void test_is_golden(void **state)
{
    (void)state;
    assert_true(policy_is_golden("analytics/a/tests/c/expected/output/0.parquet.gz"));
    assert_true(policy_is_golden("analytics/a/tests/c/expected/display.html"));
    assert_false(policy_is_golden("analytics/a/tests/c/input/0.parquet.gz"));
    assert_false(policy_is_golden("analytics/a/tests/c/case.yaml"));
    assert_false(policy_is_golden("analytics/a/tests/expected/x"));
    assert_false(policy_is_golden("analytics/a/tests/c/expected/"));
    assert_false(policy_is_golden("analytics/a/src/c/expected/x"));
    assert_false(policy_is_golden("template/tests/c/expected/x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_not_bumped),
        cmocka_unit_test(test_golden_changed_without_bump),
        cmocka_unit_test(test_links_under_tests_refused),
        cmocka_unit_test(test_new_analytic_needs_tests),
        cmocka_unit_test(test_rename_compares_with_old_name),
        cmocka_unit_test(test_trigger_only_is_not_policed),
        cmocka_unit_test(test_loosened_cases_warned),
        cmocka_unit_test(test_semver_order),
        cmocka_unit_test(test_is_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
