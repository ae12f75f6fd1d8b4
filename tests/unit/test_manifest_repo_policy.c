/* Unit tests of tool/manifest/repo_policy (kanalytic.yaml): loading with file:line:col
 * findings, the defaults, approvals raising the limits of one analytic, and the check of an
 * analytic folder (manifest runtime and case timeouts) with which setting, which limit and
 * the approval path in the message. Also git/base_policy: the file as a revision has it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "git/base_policy.h"
#include "manifest/manifest.h"
#include "manifest/repo_policy.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "git_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char good[] = "schema_version: 1\n"
                           "limits:\n"
                           "  network: false\n"
                           "  memory: 2g\n"
                           "  timeout: 600\n"
                           "  output_size: 100m\n"
                           "approvals:\n"
                           "  big:\n"
                           "    memory: 8g\n"
                           "    network: true\n"
                           "    reason: approved in #12\n";

static struct repo_policy *load(const char *text, struct diag_list *diags, int want)
{
    struct repo_policy *p = NULL;
    int r = repo_policy_load_buffer(text, strlen(text), "kanalytic.yaml", &p, diags);
    for (size_t i = 0; r != want && i < diags->count; i++)
        fprintf(stderr, "  %d:%d %s\n", diags->items[i].line, diags->items[i].col,
                diags->items[i].message);
    assert_int_equal(r, want);
    return p;
}

static bool has(const struct diag_list *d, int line, int col, const char *rule, const char *text)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].line == line && d->items[i].col == col &&
            (!rule || (d->items[i].rule && !strcmp(d->items[i].rule, rule))) &&
            strstr(d->items[i].message, text))
            return true;
    return false;
}

static void test_load_and_limits(void **state)
{
    (void)state;
    struct diag_list diags = DIAG_LIST_INIT;
    struct repo_policy *p = load(good, &diags, 0);
    assert_true(p->from_file);
    assert_int_equal(p->limits.memory, 2ULL << 30);
    assert_int_equal(p->limits.timeout, 600);
    assert_int_equal(p->limits.output_size, 100ULL << 20);
    assert_false(p->limits.network);
    assert_int_equal(p->n_approvals, 1);
    assert_int_equal(p->approvals[0].line, 8);
    struct repo_policy_limits l;
    repo_policy_limits_for(p, "big", &l);
    assert_true(l.network);
    assert_int_equal(l.memory, 8ULL << 30);
    assert_int_equal(l.timeout, 600); /* not approved: the repository's */
    repo_policy_limits_for(p, "small", &l);
    assert_false(l.network);
    assert_int_equal(l.memory, 2ULL << 30);
    repo_policy_free(p);
    diag_list_free(&diags);

    p = repo_policy_defaults();
    assert_false(p->from_file);
    assert_false(p->limits.network);
    assert_int_equal(p->limits.memory, RUNTIME_DEFAULT_MEMORY);
    assert_int_equal(p->limits.timeout, RUNTIME_DEFAULT_TIMEOUT);
    repo_policy_free(p);
}

static void test_bad_files(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line, col;
        const char *rule, *message;
    } cases[] = {
        {"limits: {}\n", 1, 1, "schema-required", "schema_version"},
        {"schema_version: 2\n", 1, 17, NULL, ""},
        {"schema_version: 1\nlimits:\n  network: maybe\n", 3, 12, NULL, "boolean"},
        {"schema_version: 1\nlimits:\n  memroy: 1g\n", 3, 3, NULL, "memroy"},
        {"schema_version: 1\nlimits:\n  memory: 1gb\n", 3, 11, NULL, ""},
        {"schema_version: 1\nlimits:\n  memory: 99999999999999999999g\n", 3, 11, "policy-size",
         "too large"},
        {"schema_version: 1\nlimits:\n  memory: 1k\n", 3, 11, "policy-size", "6m"},
        {"schema_version: 1\nlimits:\n  timeout: 0\n", 3, 12, NULL, ""},
        {"schema_version: 1\napprovals:\n  x:\n    network: true\n", 4, 5, NULL, "reason"},
        {"schema_version: 1\napprovals:\n  Bad_Name:\n    reason: r\n", 3, 3, NULL, ""},
        {"schema_version: 1\nlimits:\n  reason: why\n", 3, 11, "policy-reason", "approval"},
        {"schema_version: 1\nlimits: [\n", 3, 1, NULL, ""},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct diag_list diags = DIAG_LIST_INIT;
        struct repo_policy *p = load(cases[i].text, &diags, 1);
        assert_null(p);
        if (!has(&diags, cases[i].line, cases[i].col, cases[i].rule, cases[i].message)) {
            for (size_t k = 0; k < diags.count; k++)
                fprintf(stderr, "  got %d:%d [%s] %s\n", diags.items[k].line, diags.items[k].col,
                        diags.items[k].rule, diags.items[k].message);
            fail_msg("case %zu: no finding at %d:%d with '%s'", i, cases[i].line, cases[i].col,
                     cases[i].message);
        }
        diag_list_free(&diags);
    }
}

static void test_format_size(void **state)
{
    (void)state;
    char b[32];
    repo_policy_format_size(1ULL << 30, b, sizeof b);
    assert_string_equal(b, "1g");
    repo_policy_format_size(1536ULL << 20, b, sizeof b);
    assert_string_equal(b, "1536m");
    repo_policy_format_size(3 << 10, b, sizeof b);
    assert_string_equal(b, "3k");
    repo_policy_format_size(1000, b, sizeof b);
    assert_string_equal(b, "1000");
}

/* fx_write into a plain folder (no repository) */
static void write_file(const char *dir, const char *rel, const char *text)
{
    struct gitfx at = {.repo = NULL};
    snprintf(at.dir, sizeof at.dir, "%s", dir);
    fx_write(&at, rel, text);
}

static void write_manifest(const char *dir, const char *name, const char *runtime)
{
    struct buf b = BUF_INIT;
    buf_addf(&b,
             "schema_version: 1\nname: %s\nversion: 1.0.0\ndescription: d\nauthors: [t]\n"
             "license: MIT\ninputs:\n  - entity_types: [process]\noutputs: []\n"
             "display: none\n%s",
             name, runtime);
    write_file(dir, "analytic.yaml", b.data);
    buf_free(&b);
}

static void test_check_analytic(void **state)
{
    (void)state;
    char dir[] = "/tmp/kanalytic-repo-policy.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct diag_list diags = DIAG_LIST_INIT;
    struct repo_policy *p = load(good, &diags, 0);

    /* within the limits: nothing */
    write_manifest(dir, "small", "runtime:\n  memory: 2g\n  timeout: 600\n");
    assert_int_equal(repo_policy_check_analytic(p, dir, "analytics/small", &diags), 0);
    assert_int_equal(diags.count, 0);

    /* over each limit, and a case timeout over it */
    write_manifest(dir, "small", "runtime:\n  network: true\n  memory: 3g\n  timeout: 601\n");
    write_file(dir, "tests/slow/case.yaml", "description: slow\n\ntimeout: 9000\n");
    write_file(dir, "tests/quick/case.yaml", "description: quick\ntimeout: 10\n");
    assert_int_equal(repo_policy_check_analytic(p, dir, "analytics/small", &diags), 4);
    assert_true(has(&diags, 12, 12, "policy-network",
                    "small asks for runtime.network: true, more than the repository policy "
                    "allows (the limit is limits.network: false in kanalytic.yaml)"));
    assert_true(has(&diags, 12, 12, "policy-network",
                    "adding `approvals: {small: {network: true, reason: \"...\"}}` to "
                    "kanalytic.yaml on the base branch, a change CODEOWNERS protects"));
    assert_true(has(&diags, 13, 11, "policy-memory", "runtime.memory: 3g"));
    assert_true(has(&diags, 13, 11, "policy-memory", "limits.memory: 2g"));
    assert_true(has(&diags, 14, 12, "policy-timeout", "runtime.timeout: 601"));
    assert_true(has(&diags, 3, 10, "policy-timeout", "timeout: 9000"));
    assert_string_equal(diags.items[3].file, "analytics/small/tests/slow/case.yaml");
    diag_list_free(&diags);

    /* the approved analytic: within its approval, then over it */
    write_manifest(dir, "big", "runtime:\n  network: true\n  memory: 8g\n");
    assert_int_equal(repo_policy_check_analytic(p, dir, "analytics/big", &diags), 1);
    assert_true(has(&diags, 3, 10, "policy-timeout", "limits.timeout: 600")); /* slow case */
    diag_list_free(&diags);
    write_manifest(dir, "big", "runtime:\n  memory: 9g\n");
    write_file(dir, "tests/slow/case.yaml", "description: slow\n");
    assert_int_equal(repo_policy_check_analytic(p, dir, "analytics/big", &diags), 1);
    assert_true(has(&diags, 12, 11, "policy-memory", "approvals.big.memory: 8g in kanalytic.yaml"));
    diag_list_free(&diags);

    /* defaults: no file */
    struct repo_policy *d = repo_policy_defaults();
    write_manifest(dir, "big", "runtime:\n  memory: 2g\n");
    assert_int_equal(repo_policy_check_analytic(d, dir, "analytics/big", &diags), 1);
    assert_true(has(&diags, 12, 11, "policy-memory",
                    "the default memory: 1g, as there is no kanalytic.yaml"));
    diag_list_free(&diags);

    /* a manifest that does not load: -1, validate's business */
    write_file(dir, "analytic.yaml", "name: [\n");
    assert_int_equal(repo_policy_check_analytic(d, dir, "analytics/big", &diags), -1);
    repo_policy_free(d);
    repo_policy_free(p);
    diag_list_free(&diags);
    fs_remove_tree(dir);
}

static void test_base_policy(void **state)
{
    (void)state;
    struct gitfx fx;
    fx_init(&fx);
    fx_write(&fx, "kanalytic.yaml", "schema_version: 1\nlimits:\n  memory: 2g\n");
    fx_commit(&fx, "base");
    /* the working tree asks for more: the revision's file counts */
    fx_write(&fx, "kanalytic.yaml", "schema_version: 1\nlimits:\n  memory: 64g\n");
    struct repo_policy *p = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    bool differs = false;
    assert_int_equal(base_policy_load(fx.repo, fx.dir, "HEAD", &p, &differs, &diags), 0);
    assert_int_equal(p->limits.memory, 2ULL << 30);
    assert_true(differs);
    assert_non_null(strstr(p->path, "kanalytic.yaml (base "));
    repo_policy_free(p);
    fx_write(&fx, "kanalytic.yaml", "schema_version: 1\nlimits:\n  memory: 2g\n");
    assert_int_equal(base_policy_load(fx.repo, fx.dir, "HEAD", &p, &differs, &diags), 0);
    assert_false(differs);
    repo_policy_free(p);

    /* deleted at the next commit: the defaults there */
    fx_remove(&fx, "kanalytic.yaml");
    fx_commit(&fx, "no policy");
    assert_int_equal(base_policy_load(fx.repo, fx.dir, "HEAD", &p, &differs, &diags), 0);
    assert_false(p->from_file);
    assert_false(differs);
    assert_non_null(strstr(p->path, "no kanalytic.yaml at base"));
    repo_policy_free(p);
    /* a broken file at a revision: findings under the revision's name */
    assert_int_equal(base_policy_load(fx.repo, fx.dir, "HEAD~1", &p, NULL, &diags), 0);
    repo_policy_free(p);
    fx_write(&fx, "kanalytic.yaml", "schema_version: 1\nlimits:\n  network: maybe\n");
    fx_commit(&fx, "broken");
    assert_int_equal(base_policy_load(fx.repo, fx.dir, "HEAD", &p, NULL, &diags), 1);
    assert_null(p);
    assert_true(diags.count >= 1);
    assert_non_null(strstr(diags.items[0].file, "kanalytic.yaml (base "));
    assert_int_equal(diags.items[0].line, 3);
    diag_list_free(&diags);
    assert_int_equal(base_policy_load(fx.repo, fx.dir, "no-such-rev", &p, NULL, &diags), -1);

    /* base_policy_load_at (kanalytic test --policy-rev): the working tree's file without a
     * revision, the revision's with one, and no git repository refused */
    fx_write(&fx, "kanalytic.yaml", "schema_version: 1\nlimits:\n  memory: 3g\n");
    assert_int_equal(base_policy_load_at(fx.dir, NULL, &p, &diags), 0);
    assert_int_equal(p->limits.memory, 3ULL << 30);
    repo_policy_free(p);
    assert_int_equal(base_policy_load_at(fx.dir, "HEAD~2", &p, &diags), 0);
    assert_int_equal(p->limits.memory, 2ULL << 30);
    assert_non_null(strstr(p->path, "(base "));
    repo_policy_free(p);
    assert_int_equal(base_policy_load_at(fx.dir, "HEAD", &p, &diags), 1);
    char outside[] = "/tmp/kanalytic-nogit.XXXXXX";
    assert_non_null(mkdtemp(outside));
    assert_int_equal(base_policy_load_at(outside, "main", &p, &diags), -1);
    assert_non_null(strstr(err_last(), "--policy-rev main: "));
    assert_non_null(strstr(err_last(), "is not in a git repository"));
    rmdir(outside);
    diag_list_free(&diags);
    fx_free(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_limits), cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_format_size),     cmocka_unit_test(test_check_analytic),
        cmocka_unit_test(test_base_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
