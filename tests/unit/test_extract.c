/* Unit tests of the defensive tar extraction (runner/extract.h): a good archive lands intact;
 * each malicious archive (absolute path, "..", symbolic link out, hard link, device, FIFO,
 * oversize, too many entries, duplicate, planted link on the host) is refused, naming why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runner/extract.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct entry {
    const char *name;
    mode_t type; /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, AE_IFIFO; 0 = hard link */
    const char *data_or_target;
    size_t size; /* for regular files: bytes written (data repeated / zero-filled) */
};

/* Writes a ustar/pax archive of the entries into out. */
static void make_tar(struct buf *out, const struct entry *es, size_t n)
{
    size_t cap = 1 << 22;
    char *mem = malloc(cap);
    size_t used = 0;
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    assert_int_equal(archive_write_open_memory(a, mem, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, es[i].name);
        archive_entry_set_perm(e, 0644);
        if (es[i].type == 0) {
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, es[i].data_or_target);
        } else {
            archive_entry_set_filetype(e, es[i].type);
        }
        if (es[i].type == AE_IFLNK)
            archive_entry_set_symlink(e, es[i].data_or_target);
        if (es[i].type == AE_IFCHR)
            archive_entry_set_rdev(e, makedev(1, 3));
        size_t size = es[i].type == AE_IFREG ? es[i].size : 0;
        archive_entry_set_size(e, (la_int64_t)size);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        if (size) {
            char *d = calloc(1, size);
            if (es[i].data_or_target)
                memcpy(d, es[i].data_or_target,
                       strlen(es[i].data_or_target) < size ? strlen(es[i].data_or_target) : size);
            assert_int_equal(archive_write_data(a, d, size), (la_ssize_t)size);
            free(d);
        }
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    buf_add(out, mem, used);
    free(mem);
}

static char *tempdir(void)
{
    char tmpl[] = "/tmp/kanalytic-extract.XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return strdup(tmpl);
}

/* Extracts es into a fresh directory; returns the rc and leaves the message in err_last(). */
static int try_extract(const struct entry *es, size_t n, const struct extract_limits *lim,
                       char **dir_out)
{
    struct buf tar = BUF_INIT;
    make_tar(&tar, es, n);
    char *dir = tempdir();
    struct extract_list l;
    int rc = extract_tar(tar.data, tar.len, dir, lim, &l);
    extract_list_free(&l);
    buf_free(&tar);
    if (dir_out) {
        *dir_out = dir;
    } else {
        fs_remove_tree(dir);
        free(dir);
    }
    return rc;
}

static void expect_refused(const struct entry *es, size_t n, const struct extract_limits *lim,
                           const char *needle)
{
    int rc = try_extract(es, n, lim, NULL);
    assert_int_equal(rc, -1);
    if (!strstr(err_last(), needle))
        fail_msg("message '%s' lacks '%s'", err_last(), needle);
}

static void test_good_archive(void **state)
{
    (void)state;
    const struct entry es[] = {
        {"output/", AE_IFDIR, NULL, 0},
        {"output/0.parquet.gz", AE_IFREG, "PAR1 data", 9},
        {"./display/sub/plot.html", AE_IFREG, "<p>hi</p>", 9},
        {"output/empty", AE_IFREG, NULL, 0},
    };
    struct buf tar = BUF_INIT;
    make_tar(&tar, es, 4);
    char *dir = tempdir();
    struct extract_list l;
    assert_int_equal(extract_tar(tar.data, tar.len, dir, NULL, &l), 0);
    assert_int_equal(l.count, 3);
    assert_string_equal(l.files[0].path, "output/0.parquet.gz");
    assert_int_equal(l.files[0].size, 9);
    assert_string_equal(l.files[1].path, "display/sub/plot.html");
    assert_int_equal(l.total_bytes, 18);
    char *p = path_join(dir, "output/0.parquet.gz");
    struct buf content = BUF_INIT;
    assert_int_equal(fs_read_file(p, 100, &content), 0);
    assert_string_equal(content.data, "PAR1 data");
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    free(p);
    buf_free(&content);
    extract_list_free(&l);
    buf_free(&tar);
    fs_remove_tree(dir);
    free(dir);
}

static void test_absolute_path(void **state)
{
    (void)state;
    const struct entry es[] = {{"/tmp/kanalytic-pwned", AE_IFREG, "x", 1}};
    expect_refused(es, 1, NULL, "absolute path");
    assert_false(fs_exists("/tmp/kanalytic-pwned"));
}

static void test_parent_reference(void **state)
{
    (void)state;
    const struct entry a[] = {{"../escaped", AE_IFREG, "x", 1}};
    expect_refused(a, 1, NULL, "parent directory ('..')");
    const struct entry b[] = {{"output/../../escaped", AE_IFREG, "x", 1}};
    expect_refused(b, 1, NULL, "'output/../../escaped' refers to a parent directory");
}

static void test_symlink_escape(void **state)
{
    (void)state;
    const struct entry a[] = {{"output/0.parquet.gz", AE_IFLNK, "/etc/passwd", 0}};
    expect_refused(a, 1, NULL, "'output/0.parquet.gz' is a symbolic link to '/etc/passwd'");
    /* a link to a directory, then a file written "through" it */
    const struct entry b[] = {{"output", AE_IFLNK, "/tmp", 0}, {"output/evil", AE_IFREG, "x", 1}};
    expect_refused(b, 2, NULL, "symbolic link to '/tmp'");
    assert_false(fs_exists("/tmp/evil"));
    /* even a harmless-looking relative link is refused */
    const struct entry c[] = {{"output/a", AE_IFLNK, "b", 0}};
    expect_refused(c, 1, NULL, "symbolic link");
}

static void test_hardlink(void **state)
{
    (void)state;
    const struct entry es[] = {{"output/a", AE_IFREG, "x", 1}, {"output/b", 0, "/etc/shadow", 0}};
    expect_refused(es, 2, NULL, "'output/b' is a hard link to '/etc/shadow'");
}

static void test_device_and_fifo(void **state)
{
    (void)state;
    const struct entry a[] = {{"output/null", AE_IFCHR, NULL, 0}};
    expect_refused(a, 1, NULL, "a character device");
    const struct entry b[] = {{"output/pipe", AE_IFIFO, NULL, 0}};
    expect_refused(b, 1, NULL, "a FIFO");
}

static void test_oversize_and_entry_cap(void **state)
{
    (void)state;
    struct extract_limits lim = {1000, 100, NULL};
    const struct entry a[] = {{"output/a", AE_IFREG, NULL, 600}, {"output/b", AE_IFREG, NULL, 600}};
    expect_refused(a, 2, &lim, "more than 1000 bytes (the output cap)");
    const struct entry ok[] = {{"output/a", AE_IFREG, NULL, 600},
                               {"output/b", AE_IFREG, NULL, 400}};
    assert_int_equal(try_extract(ok, 2, &lim, NULL), 0);
    struct extract_limits few = {1000, 2, NULL};
    const struct entry many[] = {
        {"a", AE_IFREG, NULL, 1}, {"b", AE_IFREG, NULL, 1}, {"c", AE_IFREG, NULL, 1}};
    expect_refused(many, 3, &few, "more than 2 entries (the entry cap)");
}

static void test_skip_prefix(void **state)
{
    (void)state;
    /* input/ comes back with /data: skipped, not counted, whatever it holds */
    struct extract_limits lim = {10, 100, "data/input"};
    const struct entry es[] = {{"data/", AE_IFDIR, NULL, 0},
                               {"data/input/", AE_IFDIR, NULL, 0},
                               {"data/input/0.parquet.gz", AE_IFREG, NULL, 5000},
                               {"./data/input/evil", AE_IFLNK, "/etc/passwd", 0},
                               {"data/inputs/x", AE_IFREG, "12345", 5},
                               {"data/output/0.parquet.gz", AE_IFREG, "PAR1", 4}};
    struct buf tar = BUF_INIT;
    make_tar(&tar, es, 6);
    char *dir = tempdir();
    struct extract_list l;
    assert_int_equal(extract_tar(tar.data, tar.len, dir, &lim, &l), 0);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.files[0].path, "data/inputs/x");
    assert_string_equal(l.files[1].path, "data/output/0.parquet.gz");
    assert_int_equal(l.total_bytes, 9);
    char *p = path_join(dir, "data/input/0.parquet.gz");
    assert_false(fs_exists(p));
    free(p);
    extract_list_free(&l);
    buf_free(&tar);
    fs_remove_tree(dir);
    free(dir);
}

static void test_duplicate_entry(void **state)
{
    (void)state;
    const struct entry es[] = {{"output/a", AE_IFREG, "x", 1}, {"output/a", AE_IFREG, "y", 1}};
    expect_refused(es, 2, NULL, "duplicate entry");
}

static void test_planted_host_link_not_followed(void **state)
{
    (void)state;
    /* the destination already holds a link (as if planted): extraction must not follow it */
    char *dir = tempdir();
    char *victim = tempdir();
    char *link = path_join(dir, "output");
    assert_int_equal(symlink(victim, link), 0);
    const struct entry es[] = {{"output/x", AE_IFREG, "x", 1}};
    struct buf tar = BUF_INIT;
    make_tar(&tar, es, 1);
    struct extract_list l;
    assert_int_equal(extract_tar(tar.data, tar.len, dir, NULL, &l), -1);
    assert_non_null(strstr(err_last(), "not a plain directory"));
    char *inside = path_join(victim, "x");
    assert_false(fs_exists(inside));
    free(inside);
    extract_list_free(&l);
    buf_free(&tar);
    fs_remove_tree(dir);
    fs_remove_tree(victim);
    free(link);
    free(dir);
    free(victim);
}

static void test_garbage(void **state)
{
    (void)state;
    char *dir = tempdir();
    struct extract_list l;
    const char junk[1024] = "this is not a tar";
    assert_int_equal(extract_tar(junk, sizeof junk, dir, NULL, &l), -1);
    extract_list_free(&l);
    fs_remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_archive),
        cmocka_unit_test(test_absolute_path),
        cmocka_unit_test(test_parent_reference),
        cmocka_unit_test(test_symlink_escape),
        cmocka_unit_test(test_hardlink),
        cmocka_unit_test(test_device_and_fifo),
        cmocka_unit_test(test_oversize_and_entry_cap),
        cmocka_unit_test(test_skip_prefix),
        cmocka_unit_test(test_duplicate_entry),
        cmocka_unit_test(test_planted_host_link_not_followed),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
