/* Unit tests of tool/manifest/params.c: checking WITH parameters against a manifest and
 * rendering them exactly as Kestrel v1 passes them (../shared/reference/kestrel-interface.md
 * §3: Python str() of numbers, lists joined by "," without spaces), and `--param K=V`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/manifest.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_python_float_str(void **state)
{
    (void)state;
    /* values Python 3 prints with str(float) */
    static const struct {
        double d;
        const char *s;
    } cases[] = {
        {1.5e3, "1500.0"},
        {0.5, "0.5"},
        {2.0, "2.0"},
        {-2.5, "-2.5"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1e15, "1000000000000000.0"},
        {1e16, "1e+16"},
        {1.5e16, "1.5e+16"},
        {1e22, "1e+22"},
        {0.0001, "0.0001"},
        {0.00001, "1e-05"},
        {1.2345e-7, "1.2345e-07"},
        {123456789.123, "123456789.123"},
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {1.0 / 3, "0.3333333333333333"},
        /* next to a power of two the shortest digits that read back lie on the far side
         * (92 of 247943 values Python printed differed before this was handled) */
        {0x1p-1017, "7.120236347223045e-307"},
        {0x1p-1007, "7.291122019556398e-304"},
        {0x1p-957, "8.209073602596753e-289"},
        {0x1p-921, "5.641232424577593e-278"},
        {-0x1p-808, "-5.858190679279809e-244"},
        {0x1p-1022, "2.2250738585072014e-308"},
        {0x1p53, "9007199254740992.0"},
        {0x1p60, "1.152921504606847e+18"},
        {1e23, "1e+23"},
        {4.35, "4.35"},
        {0.1, "0.1"},
    };
    char out[64];
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        params_format_double(cases[i].d, out, sizeof out);
        if (strcmp(out, cases[i].s))
            fail_msg("%.17g: got %s, expected %s", cases[i].d, out, cases[i].s);
    }
    params_format_double(INFINITY, out, sizeof out);
    assert_string_equal(out, "inf");
}

static void test_parse_arg(void **state)
{
    (void)state;
    struct param_value v;
    assert_int_equal(params_parse_arg("columns=src_port,dst_port", &v), 0);
    assert_string_equal(v.name, "columns");
    assert_int_equal(v.kind, PV_LIST);
    assert_int_equal(v.n_items, 2);
    assert_string_equal(v.items[1].text, "dst_port");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("columns=[1, 2.5, x]", &v), 0);
    assert_int_equal(v.kind, PV_LIST);
    assert_int_equal(v.n_items, 3);
    assert_int_equal(v.items[0].kind, PV_INTEGER);
    assert_int_equal(v.items[1].kind, PV_NUMBER);
    assert_int_equal(v.items[2].kind, PV_STRING);
    assert_string_equal(v.items[2].text, "x");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("X=(a,b)", &v), 0);
    assert_int_equal(v.kind, PV_LIST);
    param_value_free(&v);
    assert_int_equal(params_parse_arg("n=5", &v), 0);
    assert_int_equal(v.kind, PV_INTEGER);
    assert_int_equal(v.i, 5);
    param_value_free(&v);
    assert_int_equal(params_parse_arg("z=1.5e3", &v), 0);
    assert_int_equal(v.kind, PV_NUMBER);
    assert_true(v.d == 1500.0);
    param_value_free(&v);
    assert_int_equal(params_parse_arg("s='a,b'", &v), 0);
    assert_int_equal(v.kind, PV_STRING);
    assert_string_equal(v.text, "a,b");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("flag=true", &v), 0);
    assert_int_equal(v.kind, PV_BOOLEAN);
    assert_string_equal(v.text, "true");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("e=", &v), 0);
    assert_int_equal(v.kind, PV_STRING);
    assert_string_equal(v.text, "");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("h=0x10", &v), 0);
    assert_int_equal(v.kind, PV_STRING);
    param_value_free(&v);
    /* each item as the same text after WITH would read */
    assert_int_equal(params_parse_arg("n=010", &v), 0);
    assert_int_equal(v.kind, PV_INTEGER);
    assert_string_equal(v.text, "10");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("n=123456789012345678901234567890", &v), 0);
    assert_int_equal(v.kind, PV_INTEGER);
    assert_string_equal(v.text, "123456789012345678901234567890");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("f=[0.80, .5]", &v), 0);
    assert_string_equal(v.text, "0.8,0.5");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("one=[x]", &v), 0);
    assert_int_equal(v.kind, PV_STRING); /* Kestrel: a one-item list is its item */
    assert_string_equal(v.name, "one");
    assert_string_equal(v.text, "x");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("s='it\\'s'", &v), 0);
    assert_string_equal(v.text, "it's");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("s=\"tab\\tx\"", &v), 0);
    assert_string_equal(v.text, "tab\tx");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("neg=-010", &v), 0);
    assert_int_equal(v.kind, PV_INTEGER);
    assert_int_equal(v.i, -10);
    assert_string_equal(v.text, "-010"); /* a hunt writes neg='-010': passed as written */
    assert_true(v.needs_quotes);
    param_value_free(&v);
    assert_int_equal(params_parse_arg("T=True", &v), 0);
    assert_int_equal(v.kind, PV_BOOLEAN);
    assert_string_equal(v.text, "True");
    param_value_free(&v);
    assert_int_equal(params_parse_arg("bad='\\x4'", &v), -1);
    assert_non_null(strstr(err_last(), "truncated"));
    assert_int_equal(params_parse_arg("novalue", &v), -1);
    assert_non_null(strstr(err_last(), "expected NAME=VALUE"));
    assert_int_equal(params_parse_arg("=x", &v), -1);
    assert_int_equal(params_parse_arg("1abc=x", &v), -1);
    assert_non_null(strstr(err_last(), "not a parameter name"));
}

static struct manifest *base(void)
{
    struct diag_list diags = DIAG_LIST_INIT;
    struct manifest *m = NULL;
    assert_int_equal(manifest_load("tests/fixtures/manifest/good/full.yaml", &m, &diags), 0);
    diag_list_free(&diags);
    return m;
}

/* Renders the --param arguments; returns the error count. */
static size_t render(const struct manifest *m, const char *const *args, size_t n,
                     struct env_list *env, struct diag_list *diags)
{
    struct param_value *v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(params_parse_arg(args[i], &v[i]), 0);
    int r = params_render(m, v, n, env, diags);
    param_values_free(v, n);
    size_t errors = diag_count(diags, DIAG_ERROR);
    assert_int_equal(r, errors ? 1 : 0);
    return errors;
}

static void test_render_like_kestrel(void **state)
{
    (void)state;
    struct manifest *m = base();
    struct env_list env = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    const char *args[] = {"_limit=7", "THRESHOLD=5e-1", "ports=[22, 80]", "mode=slow",
                          "verbose=True"};
    assert_int_equal(render(m, args, ARRAY_SIZE(args), &env, &diags), 0);
    assert_int_equal(diags.count, 0);
    assert_int_equal(env.count, 5);
    assert_string_equal(env_list_get(&env, "_limit"), "7");
    assert_string_equal(env_list_get(&env, "THRESHOLD"), "0.5");
    assert_string_equal(env_list_get(&env, "ports"), "22,80");
    assert_string_equal(env_list_get(&env, "mode"), "slow");
    assert_string_equal(env_list_get(&env, "verbose"), "True"); /* as written */
    /* defaults are not passed: the analytic applies them */
    env_list_free(&env);
    const char *only[] = {"_limit=1", "THRESHOLD=1"};
    assert_int_equal(render(m, only, 2, &env, &diags), 0);
    assert_int_equal(env.count, 2);
    assert_null(env_list_get(&env, "mode"));
    assert_string_equal(env_list_get(&env, "THRESHOLD"), "1"); /* an int stays an int */
    /* one item for a list: str(item) */
    env_list_free(&env);
    const char *one[] = {"_limit=1", "ports=443"};
    assert_int_equal(render(m, one, 2, &env, &diags), 0);
    assert_string_equal(env_list_get(&env, "ports"), "443");
    env_list_free(&env);
    diag_list_free(&diags);
    manifest_free(m);
}

static void expect_finding(const char *const *args, size_t n, const char *rule, const char *part)
{
    struct manifest *m = base();
    struct env_list env = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    assert_true(render(m, args, n, &env, &diags) >= 1);
    bool found = false;
    for (size_t i = 0; i < diags.count; i++)
        found |= diags.items[i].severity == DIAG_ERROR && !strcmp(diags.items[i].rule, rule) &&
                 strstr(diags.items[i].message, part);
    if (!found) {
        for (size_t i = 0; i < diags.count; i++)
            fprintf(stderr, "  %s: %s\n", diags.items[i].rule, diags.items[i].message);
        fail_msg("no %s finding with '%s'", rule, part);
    }
    /* the findings name where the value came from */
    assert_string_equal(diags.items[0].file, "--param");
    env_list_free(&env);
    diag_list_free(&diags);
    manifest_free(m);
}

static void test_render_findings(void **state)
{
    (void)state;
    const char *unknown[] = {"_limit=1", "treshold=0.5"};
    expect_finding(unknown, 2, "param-unknown",
                   "unknown parameter 'treshold' (did you mean 'THRESHOLD'?)");
    const char *far[] = {"_limit=1", "zzzzzz=1"};
    expect_finding(far, 2, "param-unknown", "unknown parameter 'zzzzzz' (full_example-2 takes:");
    const char *missing[] = {"mode=fast"};
    expect_finding(missing, 1, "param-missing", "missing required parameter '_limit'");
    const char *type[] = {"_limit=2.5"};
    expect_finding(type, 1, "param-type", "parameter '_limit' is an integer, got number '2.5'");
    const char *list_for_scalar[] = {"_limit=1,2"};
    expect_finding(list_for_scalar, 1, "param-type", "is a single integer, got a list");
    const char *item_type[] = {"_limit=1", "ports=80,http"};
    expect_finding(item_type, 2, "param-type", "got string 'http'");
    const char *enumv[] = {"_limit=1", "mode=fsat"};
    expect_finding(enumv, 2, "param-enum",
                   "'fsat' is not one of: fast, slow (did you mean 'fast'?)");
    const char *low[] = {"_limit=1", "THRESHOLD=-0.1"};
    expect_finding(low, 2, "param-bounds", "-0.1 is less than the minimum 0");
    const char *high_item[] = {"_limit=1", "ports=80,70000"};
    expect_finding(high_item, 2, "param-bounds", "70000 is greater than the maximum 65535");
    const char *boolean[] = {"_limit=1", "verbose=maybe"};
    expect_finding(boolean, 2, "param-type", "is a boolean, got string 'maybe'");
    const char *twice[] = {"_limit=1", "_limit=2"};
    expect_finding(twice, 2, "param-duplicate", "given twice");
}

/* Kestrel checks nothing: invalid values are still rendered, so a test case can pass them. */
static void test_invalid_values_still_rendered(void **state)
{
    (void)state;
    struct manifest *m = base();
    struct env_list env = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    const char *args[] = {"_limit=2.50", "other=x"};
    assert_int_equal(render(m, args, 2, &env, &diags), 2);
    assert_string_equal(env_list_get(&env, "_limit"), "2.5");
    assert_string_equal(env_list_get(&env, "other"), "x");
    env_list_free(&env);
    diag_list_free(&diags);
    manifest_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python_float_str),
        cmocka_unit_test(test_parse_arg),
        cmocka_unit_test(test_render_like_kestrel),
        cmocka_unit_test(test_render_findings),
        cmocka_unit_test(test_invalid_values_still_rendered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
