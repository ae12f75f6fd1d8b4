/* Unit tests of tool/util: buffers, diagnostics, atomic writes, paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/num.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_buf_grows_and_formats(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_string_equal(b.data, "");
    for (int i = 0; i < 1000; i++)
        buf_addf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.data));
    assert_memory_equal(b.data, "0,1,2,", 6);
    assert_string_equal(b.data + b.len - 4, "999,");
    buf_setlen(&b, 2);
    assert_string_equal(b.data, "0,");
    buf_free(&b);
}

static void test_buf_json_escape(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    const char in[] = "a\"b\\c\n\x01";
    buf_add_json_escaped(&b, in, sizeof in - 1);
    assert_string_equal(b.data, "a\\\"b\\\\c\\n\\u0001");
    buf_reset(&b);
    buf_add_json_string(&b, "x\"y", 3);
    assert_string_equal(b.data, "\"x\\\"y\"");
    buf_free(&b);
}

static void test_diag_text_and_github(void **state)
{
    (void)state;
    struct diag_list l = DIAG_LIST_INIT;
    diag_add(&l, DIAG_WARNING, "b.yaml", 3, 1, "w", "later %s", "file");
    diag_add(&l, DIAG_ERROR, "a.yaml", 12, 7, "e", "unknown entity type '%s'", "x,y");
    diag_sort(&l);
    assert_int_equal(diag_count(&l, DIAG_ERROR), 1);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    diag_print(&l, DIAG_FORMAT_GITHUB, f);
    fclose(f);
    assert_non_null(strstr(text, "a.yaml:12:7: error: unknown entity type 'x,y'\n"));
    assert_non_null(strstr(text, "::error file=a.yaml,line=12,col=7::unknown entity type 'x,y'\n"));
    assert_true(strstr(text, "a.yaml") < strstr(text, "b.yaml"));
    free(text);
    diag_promote_warnings(&l);
    assert_int_equal(diag_count(&l, DIAG_ERROR), 2);
    diag_list_free(&l);
}

static void test_atomic_write_leaves_nothing_on_failure(void **state)
{
    (void)state;
    char dir[] = "/tmp/kanalytic-util.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = path_join(dir, "out.txt");
    assert_int_equal(fs_write_atomic(path, "hello", 5), 0);
    struct buf b = BUF_INIT;
    assert_int_equal(fs_read_file(path, 100, &b), 0);
    assert_string_equal(b.data, "hello");
    buf_reset(&b);
    assert_int_equal(fs_read_file(path, 3, &b), -1);
    assert_non_null(strstr(err_last(), "too large"));

    struct fs_atomic a;
    assert_int_equal(fs_atomic_open(&a, path), 0);
    assert_int_equal(write(a.fd, "partial", 7), 7);
    fs_atomic_abort(&a);
    struct fs_names names = {0};
    assert_int_equal(fs_list_dir(dir, &names), 0);
    assert_int_equal(names.count, 1); /* only out.txt, no temporary file */
    assert_string_equal(names.names[0], "out.txt");
    fs_names_free(&names);
    assert_int_equal(fs_read_file(path, 100, &b), 0);
    assert_string_equal(b.data, "hello");

    char *missing = path_join(dir, "no/such/dir/x");
    assert_int_equal(fs_write_atomic(missing, "x", 1), -1);
    assert_non_null(strstr(err_last(), "no/such/dir/x"));
    free(missing);
    buf_free(&b);
    assert_int_equal(fs_remove_tree(dir), 0);
    assert_false(fs_exists(dir));
    free(path);
}

static void test_remove_tree_does_not_follow_links(void **state)
{
    (void)state;
    char outside[] = "/tmp/kanalytic-keep.XXXXXX";
    char dir[] = "/tmp/kanalytic-rm.XXXXXX";
    assert_non_null(mkdtemp(outside));
    assert_non_null(mkdtemp(dir));
    char *keep = path_join(outside, "keep");
    assert_int_equal(fs_write_atomic(keep, "k", 1), 0);
    char *link = path_join(dir, "link");
    assert_int_equal(symlink(outside, link), 0);
    assert_int_equal(fs_remove_tree(dir), 0);
    assert_true(fs_is_file(keep));
    assert_int_equal(fs_remove_tree(outside), 0);
    free(keep);
    free(link);
}

static void test_path_join(void **state)
{
    (void)state;
    char *p = path_join("a/", "/b");
    assert_string_equal(p, "a/b");
    free(p);
    p = path_join("/", "x");
    assert_string_equal(p, "/x");
    free(p);
    assert_string_equal(path_basename("a/b/c.txt"), "c.txt");
}

static void expect_relative(const char *abs, const char *base, const char *want)
{
    char *p = path_relative(abs, base);
    assert_string_equal(p, want);
    free(p);
}

/* validate shows each analytic's folder as seen from where it was started */
static void test_path_relative(void **state)
{
    (void)state;
    expect_relative("/a/b/c", "/a", "b/c");
    expect_relative("/a", "/a", ".");
    expect_relative("/", "/", ".");
    expect_relative("/a", "/a/b/c", "../..");
    expect_relative("/", "/a/b", "../..");
    expect_relative("/ab", "/a", "/ab");   /* a sibling that shares a prefix */
    expect_relative("/a", "/ab/c", "/a");  /* and the other way round */
    expect_relative("/x/y", "/a", "/x/y"); /* elsewhere: unchanged */
    expect_relative("rel/x", "/a", "rel/x");
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *abs = path_join(cwd, "tests/unit");
    char *p = path_relative_to_cwd(abs);
    assert_string_equal(p, "tests/unit");
    free(p);
    free(abs);
}

/* fs_copy_file: a bounded copy, atomic, that leaves nothing when it fails */
static void test_copy_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/kanalytic-copy.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *from = path_join(dir, "from.bin"), *to = path_join(dir, "to.bin");
    char data[3000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i * 7);
    assert_int_equal(fs_write_atomic(from, data, sizeof data), 0);
    assert_int_equal(fs_copy_file(from, to, sizeof data), 0);
    struct buf b = BUF_INIT;
    assert_int_equal(fs_read_file(to, 1 << 20, &b), 0);
    assert_int_equal(b.len, sizeof data);
    assert_memory_equal(b.data, data, sizeof data);
    /* over the bound: an error naming the source, the old copy left whole */
    assert_int_equal(fs_write_atomic(from, "x", 1), 0);
    assert_int_equal(fs_copy_file(to, from, sizeof data - 1), -1);
    assert_non_null(strstr(err_last(), "to.bin"));
    buf_reset(&b);
    assert_int_equal(fs_read_file(from, 100, &b), 0);
    assert_string_equal(b.data, "x");
    /* a missing source or target folder */
    char *missing = path_join(dir, "missing");
    assert_int_equal(fs_copy_file(missing, to, 100), -1);
    assert_non_null(strstr(err_last(), "missing"));
    char *nodir = path_join(dir, "no/such/x");
    assert_int_equal(fs_copy_file(from, nodir, 100), -1);
    struct fs_names names = {0};
    assert_int_equal(fs_list_dir(dir, &names), 0);
    assert_int_equal(names.count, 2); /* from.bin and to.bin: no temporary file */
    fs_names_free(&names);
    buf_free(&b);
    assert_int_equal(fs_remove_tree(dir), 0);
    free(from);
    free(to);
    free(missing);
    free(nodir);
}

static size_t resident_pages(const void *p, size_t n)
{
    unsigned char vec[64];
    assert_true(n / 4096 <= sizeof vec);
    assert_int_equal(mincore((void *)p, n, vec), 0);
    size_t k = 0;
    for (size_t i = 0; i < n / 4096; i++)
        k += vec[i] & 1;
    return k;
}

/* xalloc_prefault faults a range in at once (where the kernel has MADV_POPULATE_WRITE), and
 * leaves the rest alone; small ranges are left to ordinary faults. */
static void test_prefault(void **state)
{
    (void)state;
    const size_t n = 64 * 4096;
    uint8_t *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    assert_int_equal(resident_pages(p, n), 0);
    xalloc_prefault(p, 4096); /* under 64 KiB: nothing */
    assert_int_equal(resident_pages(p, n), 0);
    xalloc_prefault(p + 8 * 4096, 32 * 4096);
    size_t k = resident_pages(p, n), head = resident_pages(p, 8 * 4096);
    if (madvise(p, 4096, MADV_POPULATE_WRITE) < 0 && errno == EINVAL) {
        munmap(p, n);
        skip(); /* an older kernel: the hint is a no-op there */
    }
    assert_int_equal(k, 32);
    assert_int_equal(head, 0);
    munmap(p, n);
}

static void test_buf_cap(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_int_equal(buf_add_capped(&b, "abcd", 4, 6), 0);
    assert_int_equal(buf_add_capped(&b, "efg", 3, 6), -1); /* 7 > 6: nothing added */
    assert_string_equal(b.data, "abcd");
    assert_int_equal(buf_add_capped(&b, "ef", 2, 6), 0); /* exactly at the cap */
    assert_string_equal(b.data, "abcdef");
    assert_int_equal(buf_add_capped(&b, "", 0, 6), 0);
    assert_int_equal(buf_add_capped(&b, "g", 1, 6), -1);
    assert_int_equal(buf_add_capped(&b, "g", 1, 3), -1); /* already past a smaller cap */
    buf_reset(&b);
    buf_add_truncated(&b, "hello", 5, 3);
    assert_string_equal(b.data, "hel");
    buf_add_truncated(&b, "xyz", 3, 3);
    assert_string_equal(b.data, "hel");
    buf_add_truncated(&b, "xyz", 3, 5);
    assert_string_equal(b.data, "helxy");
    assert_int_equal(b.len, 5);
    buf_free(&b);
}

static void test_buf_sink(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_addstr(&b, "12"); /* the cap counts what the buffer held before */
    struct buf_sink s = {&b, 8, "the answer", false};
    assert_int_equal(buf_sink_write(&s, "3456", 4), 0);
    assert_false(s.over);
    assert_int_equal(buf_sink_write(&s, "789", 3), -1);
    assert_true(s.over);
    assert_string_equal(b.data, "123456");
    assert_string_equal(err_last(), "the answer larger than 8 bytes");
    struct buf_sink drop = {NULL, 1, NULL, false};
    assert_int_equal(buf_sink_write(&drop, "abc", 3), 0);
    assert_false(drop.over);
    buf_free(&b);
}

static void test_parse_long(void **state)
{
    (void)state;
    long v = 7;
    assert_int_equal(parse_long("42", 1, 64, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_long("1", 1, 64, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(parse_long("64", 1, 64, &v), 0);
    assert_int_equal(parse_long("-3", -5, 5, &v), 0);
    assert_int_equal(v, -3);
    v = 7;
    const char *bad[] = {"",
                         " 5",
                         "5 ",
                         "5x",
                         "x",
                         "0",
                         "65",
                         "-1",
                         "0x10",
                         "1e3",
                         "99999999999999999999999",
                         "-99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(parse_long(bad[i], 1, 64, &v), -1);
        assert_int_equal(v, 7); /* untouched */
        assert_non_null(strstr(err_last(), "whole number"));
    }
    assert_int_equal(parse_long("9223372036854775807", 0, LONG_MAX, &v), 0);
    assert_true(v == LONG_MAX);
}

static void test_parse_double(void **state)
{
    (void)state;
    double v = 7;
    assert_int_equal(parse_double("0.5", 0, DBL_MAX, &v), 0);
    assert_true(v == 0.5);
    assert_int_equal(parse_double("1e-3", 0, DBL_MAX, &v), 0);
    assert_true(v == 1e-3);
    assert_int_equal(parse_double("0", 0, DBL_MAX, &v), 0);
    assert_true(v == 0);
    v = 7;
    const char *bad[] = {"", " 1", "1 ", "abc", "-0.1", "nan", "inf", "-inf", "1e999", "1,5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(parse_double(bad[i], 0, DBL_MAX, &v), -1);
        assert_true(v == 7);
    }
}

static void test_ends_with(void **state)
{
    (void)state;
    assert_true(ends_with("a.parquet.gz", ".parquet.gz"));
    assert_true(ends_with(".gz", ".gz"));
    assert_true(ends_with("x", ""));
    assert_false(ends_with("gz", ".gz"));
    assert_false(ends_with("a.GZ", ".gz"));
    assert_false(ends_with("a.gz.x", ".gz"));
    assert_true(ends_with_nocase("output/0.PARQUET.GZ", ".parquet.gz"));
    assert_false(ends_with_nocase("output/0.parquet", ".parquet.gz"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows_and_formats),
        cmocka_unit_test(test_buf_json_escape),
        cmocka_unit_test(test_diag_text_and_github),
        cmocka_unit_test(test_atomic_write_leaves_nothing_on_failure),
        cmocka_unit_test(test_remove_tree_does_not_follow_links),
        cmocka_unit_test(test_path_join),
        cmocka_unit_test(test_path_relative),
        cmocka_unit_test(test_copy_file),
        cmocka_unit_test(test_prefault),
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_buf_sink),
        cmocka_unit_test(test_parse_long),
        cmocka_unit_test(test_parse_double),
        cmocka_unit_test(test_ends_with),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
