/* Unit tests of the HTML report renderer (tool/report/html.c): structure, and that nothing an
 * analytic wrote can break out of its place in the page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/html.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_escaping_and_structure(void **state)
{
    (void)state;
    struct run_result run = {0};
    run.ncases = 2;
    run.cases = xcalloc(2, sizeof *run.cases);
    run.seconds = 3.5;
    run.jobs = 2;

    struct case_result *a = &run.cases[0];
    case_result_init(a, "evil", "inject");
    a->stderr_text = xstrdup("Traceback <script>alert('x')</script> & more");
    a->display_html = xstrdup("<html><body onload=\"steal()\"><svg></svg></body></html>");
    struct compare_result *cr = xcalloc(1, sizeof *cr);
    cr->expected_rows = cr->actual_rows = 3;
    cr->ncells = cr->cells_total = cr->rows_differing = 1;
    cr->cells = xcalloc(1, sizeof *cr->cells);
    cr->cells[0].row = xstrdup("id=\"<b>x</b>\"");
    cr->cells[0].column = xstrdup("score");
    cr->cells[0].expected = xstrdup("1");
    cr->cells[0].actual = xstrdup("2");
    case_result_fail(a, "golden-mismatch", "output/0.parquet.gz", cr, "differs: %s", "1 cell");

    case_result_fail(a, "display-mismatch", "display/map.html", NULL, "differs after masking");
    case_result_set_detail(a, "line 2 (- expected, + actual):\n- <div id=\"[masked]\">\n+ <div "
                              "id=\"x\" onclick=\"steal()\">\n");

    struct case_result *b = &run.cases[1];
    case_result_init(b, "good", "basic");
    case_result_note(b, "kestrel-store-bool", "output/0.parquet.gz",
                     "column '<x_bad>' is boolean: Kestrel's store keeps it as an integer");

    struct html_report_options o = {"report <title>", "1.2.3"};
    struct buf out = BUF_INIT;
    report_html_render(&run, &o, &out);
    const char *h = out.data;

    /* self-contained: no external resource of any kind */
    assert_null(strstr(h, "src=\"http"));
    assert_null(strstr(h, "href=\"http"));
    assert_null(strstr(h, "<link"));
    /* what analytics wrote never becomes markup */
    assert_null(strstr(h, "<script>alert"));
    assert_non_null(strstr(h, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
    assert_null(strstr(h, "<b>x</b>"));
    assert_null(strstr(h, "onload=\"steal"));
    /* the display only inside a sandboxed iframe's srcdoc */
    assert_non_null(strstr(h, "<iframe class=\"display\" sandbox=\"\""));
    assert_non_null(strstr(h, "srcdoc=\"&lt;html&gt;&lt;body onload=&quot;steal()&quot;"));
    /* summary, counts and the highlighted cell */
    assert_non_null(strstr(h, "<span id=\"passed\">1 passed</span>"));
    assert_non_null(strstr(h, "<span id=\"failed\">1 failed</span>"));
    assert_int_equal(count(h, "<section class=\"case "), 2);
    assert_non_null(strstr(h, "<td class=\"diff\"><code>2</code></td>"));
    assert_non_null(strstr(h, "<td class=\"expected\"><code>1</code></td>"));
    assert_non_null(strstr(h, "<title>report &lt;title&gt;</title>"));
    assert_non_null(strstr(h, "href=\"#case-evil_inject\""));
    assert_non_null(strstr(h, "id=\"case-evil_inject\""));
    /* the masked display difference, escaped, and a passing case's note */
    assert_non_null(strstr(h, "<pre class=\"detail\">line 2 (- expected, + actual):\n- &lt;div "
                              "id=&quot;[masked]&quot;&gt;"));
    assert_null(strstr(h, "onclick=\"steal"));
    assert_non_null(strstr(h, "<li>note <code class=\"rule\">kestrel-store-bool</code> "
                              "<code>output/0.parquet.gz</code>: column &#39;&lt;x_bad&gt;&#39; is "
                              "boolean"));
    buf_free(&out);
    run_result_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping_and_structure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
