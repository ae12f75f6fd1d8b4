/* Unit tests of displays that are not byte-stable: text_mask / text_diff (tool/util/mask.c)
 * and case.yaml's compare.display (tool/manifest/testcase.c): exact by default, masked with
 * POSIX extended regular expressions (an invalid one is an error at its line:col), exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/manifest.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mask.h"
#include "util/xalloc.h"
#include "tree_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *mask(const char *text, size_t len, const char *p1, const char *p2)
{
    char *pats[] = {(char *)p1, (char *)p2};
    struct buf out = BUF_INIT;
    assert_int_equal(text_mask(text, len, pats, p2 ? 2 : 1, &out), 0);
    return buf_detach(&out, NULL);
}

static void test_mask(void **state)
{
    (void)state;
    /* folium-like random ids: every match replaced, the rest kept */
    const char *html =
        "<div id=\"map_4f2a9c\"></div>\n<script>var map_4f2a9c = L.map(\"map_4f2a9c\");"
        "</script>\n";
    char *m = mask(html, strlen(html), "map_[0-9a-f]+", NULL);
    assert_string_equal(m,
                        "<div id=\"[masked]\"></div>\n<script>var [masked] = L.map(\"[masked]\");"
                        "</script>\n");
    free(m);
    /* two runs with different ids mask to the same text */
    const char *other =
        "<div id=\"map_77e0b1\"></div>\n<script>var map_77e0b1 = L.map(\"map_77e0b1\");"
        "</script>\n";
    char *a = mask(html, strlen(html), "map_[0-9a-f]+", NULL);
    char *b = mask(other, strlen(other), "map_[0-9a-f]+", NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
    /* patterns apply in order; '^' anchors at line starts (REG_NEWLINE), not at each match */
    m = mask("ab\nab ab", 8, "^a", "b$");
    assert_string_equal(m, "[masked][masked]\n[masked]b a[masked]");
    free(m);
    /* an empty match replaces nothing and does not loop; NUL bytes are text too */
    m = mask("x\0y", 3, "z*", NULL);
    assert_memory_equal(m, "x\0y", 3);
    free(m);
    m = mask("id=1\0id=2", 9, "id=[0-9]", NULL);
    assert_memory_equal(m, "[masked]\0[masked]", 17);
    free(m);
    /* a pattern that does not compile */
    assert_int_equal(text_mask_check("map_[0-9"), -1);
    assert_true(strlen(err_last()) > 0);
    assert_int_equal(text_mask_check("(a|b)+"), 0);
    char *bad[] = {"("};
    struct buf out = BUF_INIT;
    assert_int_equal(text_mask("x", 1, bad, 1, &out), -1);
    assert_non_null(strstr(err_last(), "compare.display.masked[0] '('"));
    buf_free(&out);
}

static void test_diff(void **state)
{
    (void)state;
    struct buf d = BUF_INIT;
    text_diff("a\nb\nc\n", 6, "a\nb\nc\n", 6, 3, "expected", "actual", &d);
    assert_int_equal(d.len, 0);
    text_diff("a\nb\nc\n", 6, "a\nB\nc\n", 6, 3, "expected", "actual", &d);
    assert_string_equal(d.data, "line 2, column 1 (- expected, + actual):\n- b\n- c\n+ B\n+ c\n");
    buf_reset(&d);
    /* a long line is cut around the first differing column */
    struct buf w = BUF_INIT, g = BUF_INIT;
    for (int i = 0; i < 300; i++)
        buf_addch(&w, 'x');
    buf_add(&g, w.data, w.len);
    w.data[200] = 'W';
    g.data[200] = 'G';
    text_diff(w.data, w.len, g.data, g.len, 1, "expected", "actual", &d);
    assert_non_null(strstr(d.data, "line 1, column 201"));
    assert_non_null(strstr(d.data, "- ..."));
    assert_true(d.len < 420);
    /* one text longer than the other */
    buf_reset(&d);
    text_diff("a\n", 2, "a\nb\n", 4, 3, "expected", "actual", &d);
    assert_string_equal(d.data, "line 2, column 1 (- expected, + actual):\n+ b\n");
    buf_free(&d);
    buf_free(&w);
    buf_free(&g);
}

/* ---- compare.display in case.yaml ---- */

static char root[64];

static void put(const char *rel, const char *text)
{
    tree_put(root, rel, text);
}

static struct manifest *load_map(const char *display)
{
    struct buf t = BUF_INIT;
    buf_addf(&t,
             "schema_version: 1\nname: map\nversion: 1.0.0\ndescription: a map\n"
             "authors: [someone]\nlicense: MIT\ninputs:\n  - entity_types: [ipv4-addr]\n"
             "outputs: []\ndisplay: %s\nruntime:\n  network: false\n  timeout: 60\n"
             "  memory: 512m\n",
             display);
    put("analytics/map/analytic.yaml", t.data);
    buf_free(&t);
    char *p = path_join(root, "analytics/map/analytic.yaml");
    struct diag_list diags = DIAG_LIST_INIT;
    struct manifest *m = NULL;
    if (manifest_load(p, &m, &diags) != 0 || diags.count)
        for (size_t i = 0; i < diags.count; i++)
            fprintf(stderr, "%s\n", diags.items[i].message);
    assert_non_null(m);
    diag_list_free(&diags);
    free(p);
    return m;
}

static int load(const char *case_yaml, struct manifest *m, struct test_case **tc,
                struct diag_list *diags)
{
    put("analytics/map/tests/c/case.yaml", case_yaml);
    put("analytics/map/tests/c/input/0.parquet.gz", "PAR1");
    char *dir = path_join(root, "analytics/map/tests/c");
    int rc = test_case_load(dir, m, tc, diags);
    free(dir);
    return rc;
}

static void test_case_display(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/kanalytic-display.XXXXXX");
    assert_non_null(mkdtemp(root));
    struct manifest *m = load_map("html");
    struct test_case *tc = NULL;
    struct diag_list diags = DIAG_LIST_INIT;

    assert_int_equal(load("description: d\n", m, &tc, &diags), 0);
    assert_int_equal(tc->display_compare, DISPLAY_COMPARE_EXACT);
    assert_false(tc->expect_display);
    test_case_free(tc);

    assert_int_equal(load("description: d\ncompare:\n  display: exists\n", m, &tc, &diags), 0);
    assert_int_equal(tc->display_compare, DISPLAY_COMPARE_EXISTS);
    assert_true(tc->expect_display); /* exists: a display must be written */
    assert_int_equal(diags.count, 0);
    test_case_free(tc);
    /* ... and a golden display beside it is never compared: a warning */
    put("analytics/map/tests/c/expected/display.html", "<p>");
    assert_int_equal(load("description: d\ncompare:\n  display: exists\n", m, &tc, &diags), 0);
    assert_int_equal(diag_count(&diags, DIAG_WARNING), 1);
    assert_int_equal(diags.items[0].line, 3);
    assert_non_null(strstr(diags.items[0].message, "never compared"));
    test_case_free(tc);
    diag_list_free(&diags);
    char *golden = path_join(root, "analytics/map/tests/c/expected/display.html");
    assert_int_equal(unlink(golden), 0);
    free(golden);

    assert_int_equal(load("description: d\ncompare:\n  display:\n    masked: ['map_[0-9a-f]+', "
                          "'\"id\": \"[^\"]*\"']\n",
                          m, &tc, &diags),
                     0);
    assert_int_equal(diags.count, 0);
    assert_int_equal(tc->display_compare, DISPLAY_COMPARE_MASKED);
    assert_int_equal(tc->display_masks.count, 2);
    assert_string_equal(tc->display_masks.items[1], "\"id\": \"[^\"]*\"");
    test_case_free(tc);

    /* an invalid regular expression: an error at its line:col */
    assert_int_equal(load("description: d\ncompare:\n  display:\n    masked:\n"
                          "      - 'ok[0-9]'\n      - 'map_[0-9'\n",
                          m, &tc, &diags),
                     1);
    assert_null(tc);
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].rule, "case-compare");
    assert_int_equal(diags.items[0].line, 6);
    assert_int_equal(diags.items[0].col, 9);
    assert_non_null(
        strstr(diags.items[0].message, "'map_[0-9' is not a POSIX extended regular expression"));
    diag_list_free(&diags);

    /* the schema: an unknown mode, an empty list */
    assert_int_equal(load("description: d\ncompare:\n  display: fuzzy\n", m, &tc, &diags), 1);
    assert_int_equal(diag_count(&diags, DIAG_ERROR), 1);
    diag_list_free(&diags);
    assert_int_equal(load("description: d\ncompare:\n  display: {masked: []}\n", m, &tc, &diags),
                     1);
    diag_list_free(&diags);
    manifest_free(m);

    /* display: none: compare.display has no effect (a warning) */
    m = load_map("none");
    assert_int_equal(load("description: d\ncompare:\n  display: exists\n", m, &tc, &diags), 0);
    assert_int_equal(diag_count(&diags, DIAG_WARNING), 1);
    assert_non_null(strstr(diags.items[0].message, "display: none"));
    test_case_free(tc);
    diag_list_free(&diags);
    manifest_free(m);
    fs_remove_tree(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_case_display),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
