/* Unit tests of tool/manifest/kestrel_with.c: Kestrel's WITH syntax read as Kestrel 1.x's
 * grammar reads it. The expected values are what Kestrel's own parser (kestrel.lark with
 * its transformer, Python 3.11) gives for the same text; kestrel-interface.md §14 holds the
 * ones measured through a real APPLY. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/kestrel_with.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "name=value;name=value" of what the analytic sees, in the order given. */
static char *rendered(const char *text, struct diag_list *diags)
{
    struct param_value *v;
    size_t n;
    if (kestrel_with_parse(text, "--with", &v, &n, diags) < 0)
        return NULL;
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        buf_addf(&b, "%s%s=", i ? ";" : "", v[i].name);
        if (v[i].kind == PV_LIST)
            for (size_t k = 0; k < v[i].n_items; k++)
                buf_addf(&b, "%s%s", k ? "," : "", v[i].items[k].text);
        else
            buf_addstr(&b, v[i].text);
    }
    param_values_free(v, n);
    return buf_detach(&b, NULL);
}

static void test_renders_like_kestrel(void **state)
{
    (void)state;
    static const struct {
        const char *with, *env;
    } cases[] = {
        /* kestrel-interface.md §14, measured through APPLY */
        {"a=010, b=0.80, c=1.5e3, d=.5", "a=10;b=0.8;c=1500.0;d=0.5"},
        {"s='it\\'s'", "s=it's"},
        {"s=\"tab\\tx\"", "s=tab\tx"},
        {"l=(a, b,c), o=[x], t=True", "l=a,b,c;o=x;t=True"},
        {"dash-name=1", "dash-name=1"},
        /* Kestrel's parser */
        {"x=1.", "x=1.0"},
        {"x=1.e5", "x=100000.0"},
        {"x=1E+5", "x=100000.0"},
        {"x=00", "x=0"},
        {"x=0.0", "x=0.0"},
        {"x=00.5", "x=0.5"},
        {"x=1e16, y=1e15", "x=1e+16;y=1000000000000000.0"},
        {"x=0.0001, y=0.00001", "x=0.0001;y=1e-05"},
        {"x=123456789.123456789", "x=123456789.12345679"},
        {"x=99999999999999999999999999", "x=99999999999999999999999999"},
        {"x=000099999999999999999999999999", "x=99999999999999999999999999"},
        {"x=1e400, y=1e-400", "x=inf;y=0.0"},
        {"x=r\"a\\tb\"", "x=a\\tb"},
        {"x=r'it\\'s'", "x=it\\'s"},
        {"x=r", "x=r"},
        {"x='\\d'", "x=\\d"},
        {"x=\"a\\\\\"", "x=a\\"},
        {"x=\"\\x41\\101\\u00e9\\U0001F600\"", "x=AA\xc3\xa9\xf0\x9f\x98\x80"},
        {"x=\"\\777\"", "x=\xc7\xbf"},
        {"x=\"\xc3\xa9\"", "x=\xc3\x83\xc2\xa9"}, /* UTF-8 bytes read as Latin-1 */
        {"x=r\"\xc3\xa9\"", "x=\xc3\xa9"},
        {"x=\"\", y=''", "x=;y="},
        {"x=(1, 'a', 2.50)", "x=1,a,2.5"},
        {"x=(a)", "x=a"},
        {"x=a-b, y=_", "x=a-b;y=_"},
        {"x=TRUE, y=null", "x=TRUE;y=null"},
        {"limit=5, True=1, by=2, WITH=3", "limit=5;True=1;by=2;WITH=3"},
        {"x=1 # a comment\n, y=2", "x=1;y=2"},
        {"x=\n1", "x=1"},
        {"x\t=\t1 ,\ny = 2", "x=1;y=2"},
        {"WITH x=1", "x=1"}, /* pasted with the keyword */
        {"with WITH=1", "WITH=1"},
        {"x=1, x=2", "x=1;x=2"}, /* params_render reports the duplicate */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct diag_list diags = DIAG_LIST_INIT;
        char *got = rendered(cases[i].with, &diags);
        if (!got)
            fail_msg("%s: %s", cases[i].with, diags.count ? diags.items[0].message : "?");
        if (strcmp(got, cases[i].env))
            fail_msg("%s: got '%s', expected '%s'", cases[i].with, got, cases[i].env);
        free(got);
        diag_list_free(&diags);
    }
}

/* Text Kestrel's parser rejects (or that kanalytic cannot pass): the error's line:col and a
 * part of its message. */
static void test_syntax_errors(void **state)
{
    (void)state;
    static const struct {
        const char *with;
        int line, col;
        const char *part;
    } cases[] = {
        {"x=-5", 1, 3, "quote it: x='-5'"},
        {"x=+1.5", 1, 3, "no signed numbers"},
        {"x=src_ref.value", 1, 3, "quote it: x='src_ref.value'"},
        {"x=(a, b.c)", 1, 7, "reference"},
        {"x=y.a[*].b", 1, 3, "reference"},
        {"x=1e", 1, 4, "unexpected 'e' after the value of x"},
        {"x=1.5.3", 1, 6, "unexpected '.'"},
        {"x=1a", 1, 4, "unexpected 'a'"},
        {"x=a b", 1, 5, "unexpected 'b'"},
        {"x=1 y=2", 1, 5, "missing ',' before the parameter y"},
        {"x=1,", 1, 5, "a ',' at the end"},
        {"x=", 1, 3, "missing value after '='"},
        {"", 1, 1, "no parameters"},
        {"  # only a comment", 1, 19, "no parameters"},
        {"=1", 1, 1, "expected a parameter name"},
        {"1x=2", 1, 1, "starts with a letter or _"},
        {"\xc3\xa9=1", 1, 1, "a non-ASCII character"},
        {"x==1", 1, 3, "unexpected '='"},
        {"x 1", 1, 3, "expected '=' after the parameter name x"},
        {"x=()", 1, 4, "empty list"},
        {"x=[]", 1, 4, "empty list"},
        {"x=(a,)", 1, 6, "missing value after ','"},
        {"x=[1,[2,3]]", 1, 6, "nested lists"},
        {"x=(a b)", 1, 6, "expected ',' or ')'"},
        {"x=(a]", 1, 5, "expected ',' or ')'"},
        {"x=\"\"\"a\"\"\"", 1, 3, "triple-quoted"},
        {"x='abc", 1, 3, "unterminated string"},
        {"x='a\nb'", 1, 3, "unterminated string"},
        {"x=\"\\\"", 1, 3, "unterminated string"},
        {"x=a@b.com", 1, 4, "x='a@b.com'"},
        {"x=\"\\x4\"", 1, 4, "truncated \\x escape"},
        {"x=\"\\u12\"", 1, 4, "truncated \\u escape"},
        {"x=\"\\U00110000\"", 1, 4, "beyond the last Unicode character"},
        {"x=\"\\N{EM DASH}\"", 1, 4, "\\uXXXX"},
        {"x='\\0'", 1, 4, "NUL"},
        {"x='ab\\ud800'", 1, 6, "lone surrogate"},
        {"a=1,\n  b=-2", 2, 5, "b='-2'"},
        {"x='\xc3\xa9', y=?", 1, 10, "unexpected '?'"}, /* columns count characters */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct diag_list diags = DIAG_LIST_INIT;
        char *got = rendered(cases[i].with, &diags);
        if (got)
            fail_msg("%s: accepted as '%s'", cases[i].with, got);
        if (diags.count != 1 || diags.items[0].severity != DIAG_ERROR ||
            strcmp(diags.items[0].rule, "with-syntax") || strcmp(diags.items[0].file, "--with"))
            fail_msg("%s: expected one with-syntax error", cases[i].with);
        const struct diag *d = &diags.items[0];
        if (d->line != cases[i].line || d->col != cases[i].col ||
            !strstr(d->message, cases[i].part))
            fail_msg("%s: got %d:%d '%s', expected %d:%d '...%s...'", cases[i].with, d->line,
                     d->col, d->message, cases[i].line, cases[i].col, cases[i].part);
        diag_list_free(&diags);
    }
}

static void test_kinds_and_positions(void **state)
{
    (void)state;
    struct param_value *v;
    size_t n;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(
        kestrel_with_parse("n=010, f=2.50,\n  b=false, l=[x, 2], one=[7], s='\xc3\xa9'", "--with",
                           &v, &n, &diags),
        0);
    assert_int_equal(n, 6);
    assert_int_equal(v[0].kind, PV_INTEGER);
    assert_int_equal(v[0].i, 10);
    assert_int_equal(v[1].kind, PV_NUMBER);
    assert_true(v[1].d == 2.5);
    assert_int_equal(v[2].kind, PV_BOOLEAN);
    assert_string_equal(v[2].text, "false");
    assert_int_equal(v[2].key_line, 2);
    assert_int_equal(v[2].key_col, 3);
    assert_int_equal(v[2].line, 2);
    assert_int_equal(v[2].col, 5);
    assert_int_equal(v[3].kind, PV_LIST);
    assert_int_equal(v[3].n_items, 2);
    assert_int_equal(v[3].items[1].kind, PV_INTEGER);
    assert_string_equal(v[3].text, "x,2");
    assert_int_equal(v[4].kind, PV_INTEGER); /* a one-item list is its item */
    assert_string_equal(v[4].name, "one");
    assert_true(v[5].latin1);
    assert_false(v[4].latin1);
    /* positions are tracked forward from one key to the next (key, then its value) */
    assert_int_equal(v[0].key_line, 1);
    assert_int_equal(v[0].key_col, 1);
    assert_int_equal(v[1].key_col, 8);
    assert_int_equal(v[1].col, 10);
    assert_int_equal(v[3].key_col, 12);
    assert_int_equal(v[4].key_col, 22);
    assert_int_equal(v[5].key_line, 2);
    assert_int_equal(v[5].key_col, 31);
    assert_int_equal(v[5].col, 33);
    param_values_free(v, n);
    assert_int_equal(diags.count, 0);
    diag_list_free(&diags);
}

static void test_numbers(void **state)
{
    (void)state;
    assert_int_equal(kestrel_number_len("010,", 4), 3);
    assert_int_equal(kestrel_number_len(".5e-3x", 6), 5);
    assert_int_equal(kestrel_number_len("1e", 2), 1);
    assert_int_equal(kestrel_number_len("1.e+", 4), 2);
    assert_int_equal(kestrel_number_len(".", 1), 0);
    assert_int_equal(kestrel_number_len("-1", 2), 0);
    assert_int_equal(kestrel_number_len("e5", 2), 0);
    /* past Python's 4300-digit int() limit Kestrel falls back to float() */
    struct param_value v = {0};
    char digits[4402];
    memset(digits, '9', 4300);
    kestrel_number_value(&v, digits, 4300);
    assert_int_equal(v.kind, PV_INTEGER);
    assert_int_equal(strlen(v.text), 4300);
    kestrel_number_value(&v, digits, 4301);
    assert_int_equal(v.kind, PV_NUMBER);
    assert_string_equal(v.text, "inf");
    memset(digits, '0', 4301);
    digits[4301] = '1';
    kestrel_number_value(&v, digits, 4302);
    assert_string_equal(v.text, "1.0");
    kestrel_number_value(&v, "18446744073709551617", 20);
    assert_int_equal(v.kind, PV_INTEGER);
    assert_string_equal(v.text, "18446744073709551617");
    assert_true(v.d > 1.8e19);
    param_value_free(&v);
}

static void test_string_tokens(void **state)
{
    (void)state;
    assert_int_equal(kestrel_string_len("'a'b", 4), 3);
    assert_int_equal(kestrel_string_len("'a\\'b',", 7), 6);
    assert_int_equal(kestrel_string_len("'a\\\\',", 6), 5);
    assert_int_equal(kestrel_string_len("r'x'", 4), 4);
    assert_int_equal(kestrel_string_len("rr'x'", 5), 0);
    assert_int_equal(kestrel_string_len("''", 2), 2);
    assert_int_equal(kestrel_string_len("'''", 3), 0);
    assert_int_equal(kestrel_string_len("'a\n'", 4), 0);
    assert_true(kestrel_is_name("dash-name", 9));
    assert_true(kestrel_is_name("_1-", 3));
    assert_false(kestrel_is_name("1a", 2));
    assert_false(kestrel_is_name("a.b", 3));
    assert_false(kestrel_is_name("", 0));
}

/* kestrel_with_check finds what kestrel_with_parse finds; kestrel_with_pointer puts the
 * caret under the error's column: a tab kept, a character of several bytes one column, the
 * right line of a text of several lines. */
static void test_check_and_pointer(void **state)
{
    (void)state;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(kestrel_with_check("n=3, cols=(a, b)", "--with", &diags), 0);
    assert_int_equal(diags.count, 0);

    static const struct {
        const char *text;
        const char *line; /* the line shown */
        const char *pad;  /* the blanks before the caret */
    } cases[] = {
        {"num=1, x=-5", "num=1, x=-5", "         "},
        {"\tx=-5", "\tx=-5", "\t  "},
        {"s='é', x=-5", "s='é', x=-5", "         "},
        {"s='é',\tx=-5", "s='é',\tx=-5", "      \t  "},
        {"a=1,\n  b=(x, y) c=2", "  b=(x, y) c=2", "           "},
        {"WITH x=-5", "WITH x=-5", "       "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        diag_list_free(&diags);
        assert_int_equal(kestrel_with_check(cases[i].text, "--with", &diags), -1);
        assert_int_equal(diags.count, 1);
        const char *line;
        int len;
        struct buf pad = BUF_INIT;
        assert_int_equal(kestrel_with_pointer(cases[i].text, &diags.items[0], &line, &len, &pad),
                         0);
        char *shown = xstrndup(line, (size_t)len);
        assert_string_equal(shown, cases[i].line);
        assert_string_equal(pad.len ? pad.data : "", cases[i].pad);
        free(shown);
        buf_free(&pad);
    }
    /* another finding, or a line the text does not have: nothing to point at */
    struct diag other = diags.items[0];
    const char *line;
    int len;
    struct buf pad = BUF_INIT;
    other.rule = (char *)"param";
    assert_int_equal(kestrel_with_pointer("a=1", &other, &line, &len, &pad), -1);
    other.rule = (char *)"with-syntax";
    other.line = 3;
    assert_int_equal(kestrel_with_pointer("a=1\nb=2", &other, &line, &len, &pad), -1);
    assert_int_equal(pad.len, 0);
    diag_list_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_renders_like_kestrel), cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_kinds_and_positions),  cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_string_tokens),        cmocka_unit_test(test_check_and_pointer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
