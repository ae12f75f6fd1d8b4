/* Unit tests of the catalogue's Markdown subset (tool/report/catalog_site.c): the README of an
 * analytic is text from its author; nothing in it may become markup other than the subset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/catalog_site.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

static char *md(const char *text)
{
    struct buf b = BUF_INIT;
    catalog_markdown(&b, text, strlen(text));
    return buf_detach(&b, NULL);
}

#define ASSERT_MD(in, want)                                                                        \
    do {                                                                                           \
        char *h_ = md(in);                                                                         \
        assert_string_equal(h_, want);                                                             \
        free(h_);                                                                                  \
    } while (0)

static void test_blocks(void **state)
{
    (void)state;
    ASSERT_MD("# Title\n\nOne\ntwo\n", "<h2>Title</h2>\n<p>One\ntwo</p>\n");
    ASSERT_MD("- a\n- b `c`\n  more\n\nend", "<ul><li>a</li><li>b <code>c</code> more</li></ul>\n"
                                             "<p>end</p>\n");
    ASSERT_MD("| a | b |\n|---|---|\n| `x` | **y** |\n",
              "<table><tr><th>a</th><th>b</th></tr><tr><td><code>x</code></td><td><strong>y"
              "</strong></td></tr></table>\n");
    ASSERT_MD("```sh\n<b> & x\n```\n", "<pre><code>&lt;b&gt; &amp; x\n</code></pre>\n");
    ASSERT_MD("```\nunterminated", "<pre><code>unterminated\n</code></pre>\n");
    ASSERT_MD("#nospace", "<p>#nospace</p>\n");
}

static void test_nothing_raw(void **state)
{
    (void)state;
    ASSERT_MD("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    ASSERT_MD("[x](javascript:alert(1)) ![i](http://h/i.png)",
              "<p>[x](javascript:alert(1)) ![i](http://h/i.png)</p>\n");
    ASSERT_MD("`<i>` \"q\" 'a'", "<p><code>&lt;i&gt;</code> &quot;q&quot; &#39;a&#39;</p>\n");
    /* unbalanced markers are closed, never left open into the page */
    ASSERT_MD("**bold `code", "<p><strong>bold <code>code</code></strong></p>\n");
    ASSERT_MD("# <h1>", "<h2>&lt;h1&gt;</h2>\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_nothing_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
