/* Unit tests of tool/git/revision.c: revision_describe in throwaway git repositories made with
 * libgit2 (HEAD's id, "-dirty" for changes under the folder asked about, errors outside). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "git/revision.h"
#include "util/error.h"
#include "git_fixture.h"

#include <ctype.h>
#include <stdbool.h>

static void head_hex(const struct gitfx *fx, char hex[GIT_OID_HEXSZ + 1])
{
    git_oid id;
    fx_check(git_reference_name_to_id(&id, fx->repo, "HEAD"), "HEAD");
    git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &id);
}

static void test_describe_clean_and_dirty(void **state)
{
    (void)state;
    struct gitfx fx;
    fx_init(&fx);
    fx_write(&fx, "analytics/a/analytic.yaml", "name: a\n");
    fx_write(&fx, "analytics/b/analytic.yaml", "name: b\n");
    fx_commit(&fx, "first");
    char hex[GIT_OID_HEXSZ + 1];
    head_hex(&fx, hex);
    assert_int_equal(strlen(hex), 40);

    char *rev = NULL;
    assert_int_equal(revision_describe(fx.dir, &rev), 0);
    assert_string_equal(rev, hex);
    free(rev);

    /* an untracked file makes the repository dirty, and the folder holding it, not others */
    fx_write(&fx, "analytics/b/new.txt", "x\n");
    assert_int_equal(revision_describe(fx.dir, &rev), 0);
    char want[64];
    snprintf(want, sizeof want, "%s-dirty", hex);
    assert_string_equal(rev, want);
    free(rev);
    char *b = fx_path(&fx, "analytics/b");
    assert_int_equal(revision_describe(b, &rev), 0);
    assert_string_equal(rev, want);
    free(rev);
    free(b);
    char *a = fx_path(&fx, "analytics/a");
    assert_int_equal(revision_describe(a, &rev), 0);
    assert_string_equal(rev, hex);
    free(rev);

    /* a modified tracked file is dirty too; committing makes it clean at the new HEAD */
    fx_write(&fx, "analytics/a/analytic.yaml", "name: a2\n");
    assert_int_equal(revision_describe(a, &rev), 0);
    assert_string_equal(rev, want);
    free(rev);
    fx_commit(&fx, "second");
    char hex2[GIT_OID_HEXSZ + 1];
    head_hex(&fx, hex2);
    assert_string_not_equal(hex2, hex);
    assert_int_equal(revision_describe(a, &rev), 0);
    assert_string_equal(rev, hex2);
    free(rev);
    free(a);
    fx_free(&fx);
}

static void test_describe_errors(void **state)
{
    (void)state;
    struct gitfx fx;
    fx_init(&fx); /* no commit yet */
    char *rev = (char *)"untouched";
    assert_int_equal(revision_describe(fx.dir, &rev), -1);
    assert_null(rev);
    assert_non_null(strstr(err_last(), "no commit at HEAD"));
    fx_free(&fx);

    char dir[] = "/tmp/kanalytic-norepo.XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(revision_describe(dir, &rev), -1);
    assert_null(rev);
    assert_non_null(strstr(err_last(), "not in a git repository"));
    assert_int_equal(fs_remove_tree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe_clean_and_dirty),
        cmocka_unit_test(test_describe_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
