/* Unit tests of tool/util/fs_beneath.c: reads and atomic writes below a folder that refuse
 * every symbolic link on the way (the test-case attacks of issue 13). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/fs_beneath.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[64];
static char *base, *outside;

static int setup(void **state)
{
    (void)state;
    strcpy(tmp, "/tmp/kanalytic-beneath.XXXXXX");
    assert_non_null(mkdtemp(tmp));
    base = path_join(tmp, "a");
    outside = path_join(tmp, "outside");
    assert_int_equal(fs_mkdirs(base, 0755), 0);
    assert_int_equal(fs_mkdirs(outside, 0755), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(tmp);
    free(base);
    free(outside);
    return 0;
}

static void put(const char *dir, const char *rel, const char *content)
{
    char *p = path_join(dir, rel);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    assert_int_equal(fs_mkdirs(p, 0755), 0);
    *slash = '/';
    assert_int_equal(fs_write_atomic(p, content, strlen(content)), 0);
    free(p);
}

static void link_at(const char *rel, const char *target)
{
    char *p = path_join(base, rel);
    assert_int_equal(symlink(target, p), 0);
    free(p);
}

static size_t entries(const char *dir)
{
    struct fs_names n = {0};
    assert_int_equal(fs_list_dir(dir, &n), 0);
    size_t c = n.count;
    fs_names_free(&n);
    return c;
}

static void test_read_refuses_links(void **state)
{
    (void)state;
    put(base, "tests/c/input/0.parquet.gz", "data");
    put(outside, "secret", "SECRET");
    struct buf b = BUF_INIT;
    assert_int_equal(fs_beneath_read(base, "tests/c/input/0.parquet.gz", 100, &b), 0);
    assert_string_equal(b.data, "data");
    buf_reset(&b);

    /* the file itself a link (to a host file, or to /proc/self/environ) */
    char *secret = path_join(outside, "secret");
    link_at("tests/c/input/1.parquet.gz", secret);
    assert_int_equal(fs_beneath_read(base, "tests/c/input/1.parquet.gz", 100, &b), -1);
    assert_int_equal(b.len, 0);
    assert_non_null(strstr(err_last(), "/a/tests/c/input/1.parquet.gz: a symbolic link: refused"));
    link_at("tests/c/input/2.parquet.gz", "/proc/self/environ");
    assert_int_equal(fs_beneath_read(base, "tests/c/input/2.parquet.gz", 1 << 20, &b), -1);
    assert_int_equal(b.len, 0);
    /* a folder on the way a link */
    put(outside, "input/0.parquet.gz", "SECRET");
    char *oin = path_join(outside, "input");
    link_at("tests/d", "c");
    assert_int_equal(fs_beneath_read(base, "tests/d/input/0.parquet.gz", 100, &b), -1);
    assert_non_null(strstr(err_last(), "/a/tests/d: a symbolic link: refused"));
    /* '..' never climbs out */
    assert_int_equal(fs_beneath_read(base, "tests/../../outside/secret", 100, &b), -1);
    assert_non_null(strstr(err_last(), "'..' refused"));
    assert_int_equal(b.len, 0);
    /* a FIFO is refused at once, not waited on */
    char *fifo = path_join(base, "tests/c/input/3.parquet.gz");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(fs_beneath_read(base, "tests/c/input/3.parquet.gz", 100, &b), -1);
    assert_non_null(strstr(err_last(), "not a regular file"));
    /* but the base itself may be reached through a link (the repository's own path) */
    char *alias = path_join(tmp, "alias");
    assert_int_equal(symlink(base, alias), 0);
    assert_int_equal(fs_beneath_read(alias, "tests/c/input/0.parquet.gz", 100, &b), 0);
    assert_string_equal(b.data, "data");
    buf_free(&b);
    free(alias);
    free(fifo);
    free(oin);
    free(secret);
}

static void test_write_refuses_links(void **state)
{
    (void)state;
    /* folders made, file written, no temporary left */
    assert_int_equal(
        fs_beneath_write_atomic(base, "tests/c/expected/output/0.parquet.gz", "new", 3), 0);
    struct buf b = BUF_INIT;
    char *dst = path_join(base, "tests/c/expected/output/0.parquet.gz");
    assert_int_equal(fs_read_file(dst, 100, &b), 0);
    assert_string_equal(b.data, "new");
    char *outdir = path_join(base, "tests/c/expected/output");
    assert_int_equal(entries(outdir), 1);
    /* replaced atomically */
    assert_int_equal(fs_beneath_write_atomic(base, "tests/c/expected/output/0.parquet.gz", "v2", 2),
                     0);
    buf_reset(&b);
    assert_int_equal(fs_read_file(dst, 100, &b), 0);
    assert_string_equal(b.data, "v2");
    assert_int_equal(entries(outdir), 1);

    /* tests/e/expected -> outside: nothing is written there */
    assert_int_equal(fs_mkdirs(outside, 0755), 0);
    put(base, "tests/e/case.yaml", "x");
    link_at("tests/e/expected", outside);
    assert_int_equal(
        fs_beneath_write_atomic(base, "tests/e/expected/output/0.parquet.gz", "evil", 4), -1);
    assert_non_null(strstr(err_last(), "/a/tests/e/expected: a symbolic link: refused"));
    assert_int_equal(entries(outside), 0);
    /* expected/display.html -> a host file: the link is replaced, its target untouched */
    put(outside, "victim", "keep");
    char *victim = path_join(outside, "victim");
    put(base, "tests/f/expected/x", "");
    link_at("tests/f/expected/display.html", victim);
    assert_int_equal(fs_beneath_write_atomic(base, "tests/f/expected/display.html", "<p>", 3), 0);
    buf_reset(&b);
    assert_int_equal(fs_read_file(victim, 100, &b), 0);
    assert_string_equal(b.data, "keep");
    char *disp = path_join(base, "tests/f/expected/display.html");
    struct stat st;
    assert_int_equal(lstat(disp, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    /* a file on the way where a folder should be */
    put(base, "tests/c/case.yaml", "x");
    assert_int_equal(fs_beneath_write_atomic(base, "tests/c/case.yaml/x", "x", 1), -1);
    assert_non_null(strstr(err_last(), "not a folder"));
    /* a folder where the file should be: refused, nothing left */
    char *expdir = path_join(base, "tests/c/expected");
    size_t before = entries(expdir);
    assert_int_equal(fs_beneath_write_atomic(base, "tests/c/expected/output", "x", 1), -1);
    assert_int_equal(entries(expdir), before);
    buf_free(&b);
    free(expdir);
    free(disp);
    free(victim);
    free(outdir);
    free(dst);
}

static void collect(void *ctx, const char *path, mode_t mode)
{
    struct buf *b = ctx;
    buf_addf(b, "%s %s\n", path + strlen(tmp),
             S_ISLNK(mode)    ? "link"
             : S_ISFIFO(mode) ? "fifo"
                              : "other");
}

static void listing(void *ctx, const char *dir, const struct fs_names *names)
{
    struct buf *b = ctx;
    buf_addf(b, "%s:", dir + strlen(tmp));
    for (size_t i = 0; i < names->count; i++)
        buf_addf(b, " %s", names->names[i]);
    buf_addch(b, '\n');
}

/* fs_find_special: every link (to a file, to a folder: never descended), FIFO, ... below a
 * folder, depth first in name order; files and folders pass. */
static void test_find_special(void **state)
{
    (void)state;
    put(base, "t/c/case.yaml", "x");
    put(base, "t/c/input/0.parquet.gz", "x");
    put(base, "t/c/expected/output/0.parquet.gz", "x");
    put(base, "t/z/deep/er/file", "x");
    put(outside, "dir/inside-link-target/f", "x");
    char *odir = path_join(outside, "dir");
    link_at("t/c/expected/output/1.parquet.gz", "/etc/passwd");
    link_at("t/b-dirlink", odir); /* a folder through a link: not walked */
    link_at("t/z/deep/dangling", "/nonexistent");
    char *fifo = path_join(base, "t/c/input/fifo");
    assert_int_equal(mkfifo(fifo, 0644), 0);
    char *t = path_join(base, "t");
    struct buf got = BUF_INIT;
    assert_int_equal(fs_find_special(t, collect, &got), 0);
    assert_string_equal(got.data, "/a/t/b-dirlink link\n"
                                  "/a/t/c/expected/output/1.parquet.gz link\n"
                                  "/a/t/c/input/fifo fifo\n"
                                  "/a/t/z/deep/dangling link\n");
    /* the start itself: a file passes, a link is reported, a missing path is an error */
    buf_reset(&got);
    char *f = path_join(base, "t/c/case.yaml"), *l = path_join(base, "t/b-dirlink");
    assert_int_equal(fs_find_special(f, collect, &got), 0);
    assert_int_equal(got.len, 0);
    assert_int_equal(fs_find_special(l, collect, &got), 0);
    assert_string_equal(got.data, "/a/t/b-dirlink link\n");
    assert_int_equal(fs_find_special(odir + strlen(odir), collect, &got), -1);
    /* with the listings: each folder's (sorted), never one reached through a link */
    buf_reset(&got);
    assert_int_equal(fs_find_special_listed(t, collect, listing, &got), 0);
    assert_string_equal(got.data, "/a/t: b-dirlink c z\n"
                                  "/a/t/b-dirlink link\n"
                                  "/a/t/c: case.yaml expected input\n"
                                  "/a/t/c/expected: output\n"
                                  "/a/t/c/expected/output: 0.parquet.gz 1.parquet.gz\n"
                                  "/a/t/c/expected/output/1.parquet.gz link\n"
                                  "/a/t/c/input: 0.parquet.gz fifo\n"
                                  "/a/t/c/input/fifo fifo\n"
                                  "/a/t/z: deep\n"
                                  "/a/t/z/deep: dangling er\n"
                                  "/a/t/z/deep/dangling link\n"
                                  "/a/t/z/deep/er: file\n");
    buf_free(&got);
    free(f);
    free(l);
    free(t);
    free(fifo);
    free(odir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_refuses_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_refuses_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_special, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
