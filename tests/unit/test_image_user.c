/* Unit tests of tool/runner/image_user.c: which image users are root, and the reason added to
 * a failure of an image whose user cannot write Kestrel's /data folders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runner/image_user.h"

#include <string.h>

static void test_is_root(void **state)
{
    (void)state;
    assert_true(image_user_is_root(NULL));
    assert_true(image_user_is_root(""));
    assert_true(image_user_is_root("root"));
    assert_true(image_user_is_root("0"));
    assert_true(image_user_is_root("0:0"));
    assert_true(image_user_is_root("root:staff"));
    assert_false(image_user_is_root("nobody"));
    assert_false(image_user_is_root("65534"));
    assert_false(image_user_is_root("1000:1000"));
    assert_false(image_user_is_root("rooter"));
    assert_false(image_user_is_root("00"));
    assert_false(image_user_is_root("10"));
}

static void test_explain(void **state)
{
    (void)state;
    struct case_result r;
    case_result_init(&r, "a", "c");
    case_result_fail(&r, RULE_EXIT_CODE, NULL, NULL, "exit code 1, expected 0");
    case_result_fail(&r, RULE_OUTPUT_MISSING, "output/0.parquet.gz", NULL, "not written");
    case_result_fail(&r, RULE_STDERR, NULL, NULL, "stderr does not contain \"x\"");
    assert_false(image_user_explain("root", &r));
    assert_string_equal(r.problems[0].message, "exit code 1, expected 0");
    assert_true(image_user_explain("nobody", &r));
    assert_non_null(strstr(r.problems[0].message,
                           "exit code 1, expected 0; the image runs as USER nobody, and "
                           "Kestrel's /data folders belong to the hunter's user with mode 0755"));
    assert_string_equal(r.problems[1].message, "not written"); /* said once is enough */
    assert_null(strstr(r.problems[2].message, "USER"));
    case_result_free(&r);
    /* an analytic that exits 0 without its output: the missing output says why */
    case_result_init(&r, "a", "c");
    case_result_fail(&r, RULE_OUTPUT_MISSING, "output/0.parquet.gz", NULL, "not written");
    assert_true(image_user_explain("1000:1000", &r));
    assert_non_null(strstr(r.problems[0].message, "not written; the image runs as USER 1000:1000"));
    case_result_free(&r);
    /* a failure of another kind gets no explanation */
    case_result_init(&r, "a", "c");
    case_result_fail(&r, RULE_GOLDEN, "output/0.parquet.gz", NULL, "differs");
    assert_false(image_user_explain("nobody", &r));
    case_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_root),
        cmocka_unit_test(test_explain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
