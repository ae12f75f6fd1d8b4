/* Unit tests of tool/util/quote: git-style path quoting, control escaping, terminal sequence
 * stripping, Markdown escaping, GitHub escapes and stop-commands blocks (issue 13, item 4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/quote.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *quoted(const char *path)
{
    struct buf b = BUF_INIT;
    quote_path(&b, path);
    return buf_detach(&b, NULL);
}

#define ASSERT_QUOTE(in, want)                                                                     \
    do {                                                                                           \
        char *q_ = quoted(in);                                                                     \
        assert_string_equal(q_, want);                                                             \
        assert_string_equal(qpath(in), want);                                                      \
        free(q_);                                                                                  \
    } while (0)

/* The answers are git's own (git ls-files with core.quotePath=true). */
static void test_quote_path_as_git(void **state)
{
    (void)state;
    ASSERT_QUOTE("analytics/alpha/analytic.yaml", "analytics/alpha/analytic.yaml");
    ASSERT_QUOTE("a b'c$(x)", "a b'c$(x)");
    ASSERT_QUOTE("x\n::error title=PWNED::INJECTED\ny",
                 "\"x\\n::error title=PWNED::INJECTED\\ny\"");
    ASSERT_QUOTE("tab\there", "\"tab\\there\"");
    ASSERT_QUOTE("q\"b\\s", "\"q\\\"b\\\\s\"");
    ASSERT_QUOTE("\a\b\v\f\r", "\"\\a\\b\\v\\f\\r\"");
    ASSERT_QUOTE("esc\033[2J", "\"esc\\033[2J\"");
    ASSERT_QUOTE("del\177", "\"del\\177\"");
    ASSERT_QUOTE("caf\xc3\xa9", "\"caf\\303\\251\"");
    ASSERT_QUOTE("", "");
    assert_false(quote_path_needed("plain/name-1.0_x"));
    assert_true(quote_path_needed("caf\xc3\xa9"));
    /* plain paths come back as they are, without a copy */
    const char *plain = "analytics/a";
    assert_ptr_equal(qpath(plain), plain);
}

static void test_qpath_ring_keeps_eight(void **state)
{
    (void)state;
    const char *q[8];
    char in[8][16]; /* room for any int: gcc -O1 checks the %d width */
    for (int i = 0; i < 8; i++) {
        snprintf(in[i], sizeof in[i], "%d\n", i);
        q[i] = qpath(in[i]);
    }
    for (int i = 0; i < 8; i++) {
        char want[16];
        snprintf(want, sizeof want, "\"%d\\n\"", i);
        assert_string_equal(q[i], want);
    }
}

static void *qpath_thread(void *arg)
{
    (void)arg;
    return (void *)(qpath("t\n")[2] == '\\' ? (void *)1 : NULL);
}

static void test_qpath_in_threads(void **state)
{
    (void)state;
    pthread_t t;
    void *ok = NULL;
    assert_int_equal(pthread_create(&t, NULL, qpath_thread, NULL), 0);
    pthread_join(t, &ok);
    assert_non_null(ok);
}

static void test_quote_controls_one_line(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    const char in[] = "a\nb\r\tc\033[31md\\n e\xc2\x9b"
                      "f caf\xc3\xa9 \x9b"
                      "g";
    quote_controls(&b, in, sizeof in - 1);
    assert_string_equal(b.data, "a\\nb\\r\\tc\\033[31md\\n e\\233f caf\xc3\xa9 \\233g");
    assert_null(memchr(b.data, '\n', b.len));
    /* escaping twice changes nothing */
    struct buf c = BUF_INIT;
    quote_controls(&c, b.data, b.len);
    assert_string_equal(c.data, b.data);
    /* UTF-8 whose continuation bytes are in 0x80-0x9F stays (U+0101, U+20AC) */
    buf_reset(&c);
    quote_controls(&c, "\xc4\x81\xe2\x82\xac", 5);
    assert_string_equal(c.data, "\xc4\x81\xe2\x82\xac");
    buf_free(&b);
    buf_free(&c);

    char msg[16] = "ab\ncdef\n";
    quote_controls_inplace(msg, sizeof msg);
    assert_string_equal(msg, "ab\\ncdef\\n");
    char small[6] = "a\nbcd";
    quote_controls_inplace(small, sizeof small);
    assert_string_equal(small, "a\\nbc");
}

static void test_error_and_diag_messages_stay_one_line(void **state)
{
    (void)state;
    err_set("cannot read %s", "x\n::error::y");
    assert_string_equal(err_last(), "cannot read x\\n::error::y");
    err_prefix("%s", "a\rb");
    assert_string_equal(err_last(), "a\\rb: cannot read x\\n::error::y");

    struct diag_list l = DIAG_LIST_INIT;
    diag_add(&l, DIAG_ERROR, "analytics/x\n::warning::w/analytic.yaml", 2, 3, "r", "bad %s",
             "v\n::add-mask::m");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    diag_print(&l, DIAG_FORMAT_TEXT, f);
    fclose(f);
    assert_string_equal(text, "\"analytics/x\\n::warning::w/analytic.yaml\":2:3: error: bad "
                              "v\\n::add-mask::m\n");
    free(text);
    /* GitHub: text lines in a stop-commands block, then the annotation with %-escapes */
    f = open_memstream(&text, &len);
    diag_print(&l, DIAG_FORMAT_GITHUB, f);
    fclose(f);
    char tok[33];
    assert_int_equal(sscanf(text, "::stop-commands::%32[0-9a-f]\n", tok), 1);
    char *end = strstr(text, "\n::");
    assert_non_null(end);
    char want[64];
    snprintf(want, sizeof want, "\n::%s::\n::error file=", tok);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "::error file=analytics/x%0A%3A%3Awarning%3A%3Aw/analytic.yaml,"
                                 "line=2,col=3::bad v\\n::add-mask::m\n"));
    free(text);
    diag_list_free(&l);
}

static char *stripped(const char *s, size_t n)
{
    struct buf b = BUF_INIT;
    quote_strip_terminal(&b, s, n);
    return buf_detach(&b, NULL);
}

#define ASSERT_STRIP(in, want)                                                                     \
    do {                                                                                           \
        char *s_ = stripped(in, sizeof(in) - 1);                                                   \
        assert_string_equal(s_, want);                                                             \
        free(s_);                                                                                  \
    } while (0)

static void test_strip_terminal(void **state)
{
    (void)state;
    ASSERT_STRIP("plain\ttext\n", "plain\ttext\n");
    ASSERT_STRIP("\033[2J\033[H::add-mask::x\n", "::add-mask::x\n");    /* CSI */
    ASSERT_STRIP("a\033[1;31mred\033[0m b", "ared b");                  /* SGR */
    ASSERT_STRIP("\033[?1049h\033[38;5;196mz", "z");                    /* private, 256 */
    ASSERT_STRIP("t\033]0;title\007x", "tx");                           /* OSC, BEL */
    ASSERT_STRIP("l\033]8;;http://e\033\\link\033]8;;\033\\", "llink"); /* OSC 8, ST */
    ASSERT_STRIP("d\033P1$r\033\\e", "de");                             /* DCS */
    ASSERT_STRIP("k\033_apc\007m\033^pm\007n\033Xsos\007o", "kmno");    /* APC PM SOS */
    ASSERT_STRIP("c\033(0q\033(Bw", "cqw");                             /* charset (nF) */
    ASSERT_STRIP("s\0337\0338u\033cv", "suv");                          /* Fp / Fs */
    ASSERT_STRIP("a\r::error::x\r\nb", "a::error::x\nb");               /* CR */
    ASSERT_STRIP("b\bc\x07\x01\x7f", "bc");                             /* C0, DEL */
    ASSERT_STRIP("u\xc2\x9b"
                 "2Jv\xc2\x9d"
                 "0;t\xc2\x9cw",
                 "uvw"); /* C1 in UTF-8 */
    ASSERT_STRIP("r\x9b"
                 "31mq\x85z",
                 "rqz"); /* raw C1 */
    ASSERT_STRIP("caf\xc3\xa9 \xc4\x81 \xe2\x82\xac", "caf\xc3\xa9 \xc4\x81 \xe2\x82\xac");
    ASSERT_STRIP("e\033\nf", "e\nf");                    /* ESC before a newline keeps it */
    ASSERT_STRIP("g\033]unterminated\nnext", "g\nnext"); /* a string ends at the line */
    ASSERT_STRIP("end\033", "end");
    ASSERT_STRIP("end\033[12", "end");
}

static char *md(const char *s)
{
    struct buf b = BUF_INIT;
    quote_markdown(&b, s);
    return buf_detach(&b, NULL);
}

static void test_markdown(void **state)
{
    (void)state;
    char *m = md("# head\n<img src=x onerror=y>[l](http://e) `c` *e* | a_b !x");
    assert_string_equal(m, "\\# head \\<img src\\=x onerror\\=y\\>\\[l\\]\\(http\\:\\/\\/e\\) "
                           "\\`c\\` \\*e\\* \\| a\\_b \\!x");
    free(m);
    m = md("www.example.com &amp; \033[1m");
    assert_string_equal(m, "www\\.example\\.com \\&amp\\; \\033\\[1m");
    free(m);
    m = md("caf\xc3\xa9 plain words 42");
    assert_string_equal(m, "caf\xc3\xa9 plain words 42");
    free(m);

    struct buf b = BUF_INIT;
    quote_markdown_code(&b, "analytics/a:4");
    assert_string_equal(b.data, "`analytics/a:4`");
    buf_reset(&b);
    quote_markdown_code(&b, "a``b");
    assert_string_equal(b.data, "```a``b```");
    buf_reset(&b);
    quote_markdown_code(&b, "`x");
    assert_string_equal(b.data, "`` `x ``");
    buf_reset(&b);
    quote_markdown_code(&b, "x\ny");
    assert_string_equal(b.data, "`x\\ny`");
    buf_free(&b);
}

static void test_github_escape(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    quote_github(&b, "100%\r\na:b,c", false);
    assert_string_equal(b.data, "100%25%0D%0Aa:b,c");
    buf_reset(&b);
    quote_github(&b, "100%\r\na:b,c", true);
    assert_string_equal(b.data, "100%25%0D%0Aa%3Ab%2Cc");
    buf_free(&b);
}

static void test_stop_commands_tokens(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct gh_block a, b;
    gh_block_begin(&a, f);
    gh_block_end(&a, f);
    gh_block_begin(&b, f);
    gh_block_end(&b, f);
    fclose(f);
    assert_int_equal(strlen(a.token), 32);
    assert_int_equal(strspn(a.token, "0123456789abcdef"), 32);
    assert_string_not_equal(a.token, b.token);
    char want[256];
    snprintf(want, sizeof want, "::stop-commands::%s\n::%s::\n::stop-commands::%s\n::%s::\n",
             a.token, a.token, b.token, b.token);
    assert_string_equal(text, want);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_path_as_git),
        cmocka_unit_test(test_qpath_ring_keeps_eight),
        cmocka_unit_test(test_qpath_in_threads),
        cmocka_unit_test(test_quote_controls_one_line),
        cmocka_unit_test(test_error_and_diag_messages_stay_one_line),
        cmocka_unit_test(test_strip_terminal),
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_github_escape),
        cmocka_unit_test(test_stop_commands_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
