/* Unit tests of the build context (tool/docker/context.c): which files are sent under a
 * .dockerignore, in which order, with which metadata, and what is refused. The tar is read
 * back with libarchive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "docker/context.h"
#include "docker/sha256.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char tmp[64];

static void put(const char *rel, const char *content)
{
    char *p = path_join(tmp, rel);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    assert_int_equal(fs_mkdirs(p, 0755), 0);
    *slash = '/';
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    free(p);
}

static void link_at(const char *rel, const char *target)
{
    char *p = path_join(tmp, rel);
    assert_int_equal(symlink(target, p), 0);
    free(p);
}

static int setup(void **state)
{
    (void)state;
    strcpy(tmp, "/tmp/kanalytic-ctx.XXXXXX");
    assert_non_null(mkdtemp(tmp));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(tmp);
    return 0;
}

/* Streams the whole context through reads of `chunk` bytes. */
static void stream_all(struct context *c, size_t chunk, struct buf *out)
{
    char *b = malloc(chunk);
    for (;;) {
        ssize_t n = context_read(c, b, chunk);
        if (n < 0)
            fail_msg("context_read: %s", err_last());
        if (n == 0)
            break;
        buf_add(out, b, (size_t)n);
    }
    free(b);
}

struct tar_entry {
    char name[256];
    mode_t type;
    int64_t uid, gid;
    char uname[32];
    char link[256];
    char hardlink[256];
    char data[64];
    time_t mtime;
};

static size_t read_tar(const struct buf *tar, struct tar_entry *out, size_t max)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    assert_int_equal(archive_read_open_memory(a, tar->data, tar->len), ARCHIVE_OK);
    struct archive_entry *e;
    size_t n = 0;
    int rc;
    /* ARCHIVE_WARN: a UTF-8 name the C locale cannot show; the entry is still there */
    while ((rc = archive_read_next_header(a, &e)) >= ARCHIVE_WARN && rc != ARCHIVE_EOF && n < max) {
        struct tar_entry *t = &out[n++];
        memset(t, 0, sizeof *t);
        snprintf(t->name, sizeof t->name, "%s", archive_entry_pathname(e));
        t->type = archive_entry_filetype(e);
        t->uid = archive_entry_uid(e);
        t->gid = archive_entry_gid(e);
        const char *u = archive_entry_uname(e);
        snprintf(t->uname, sizeof t->uname, "%s", u ? u : "");
        const char *l = archive_entry_symlink(e);
        snprintf(t->link, sizeof t->link, "%s", l ? l : "");
        const char *h = archive_entry_hardlink(e);
        snprintf(t->hardlink, sizeof t->hardlink, "%s", h ? h : "");
        t->mtime = archive_entry_mtime(e);
        ssize_t got = archive_read_data(a, t->data, sizeof t->data - 1);
        if (got > 0)
            t->data[got] = '\0';
    }
    archive_read_free(a);
    return n;
}

static void test_dockerignore_order_and_metadata(void **state)
{
    (void)state;
    put("Dockerfile", "FROM scratch\n");
    put(".dockerignore", "# build junk\n*.log\nsecret/\n!secret/keep.txt\ndocs/**\n"
                         "Dockerfile\n.dockerignore\n");
    put("app/main.py", "print(1)\n");
    put("app/debug.log", "x");
    put("a-c", "dash");
    put("a/b", "slash");
    put("top.log", "x");
    put("secret/key", "k");
    put("secret/keep.txt", "kept");
    put("docs/readme", "r");
    link_at("app/link", "main.py");
    link_at("uplink", "app/../a/b");
    /* a known mtime */
    char *f = path_join(tmp, "a-c");
    struct timeval tv[2] = {{1700000000, 0}, {1700000000, 500000}};
    assert_int_equal(utimes(f, tv), 0);
    free(f);

    struct context_opts o = {.dir = tmp};
    struct context *c = NULL;
    if (context_scan(&o, &c) < 0)
        fail_msg("%s", err_last());
    /* "*.log" matches at the top only (app/debug.log is sent, as docker does);
     * component-wise order: "a/..." before "a-c"; excluded dirs' own entries absent */
    const char *want[] = {".dockerignore",
                          "Dockerfile",
                          "a",
                          "a/b",
                          "a-c",
                          "app",
                          "app/debug.log",
                          "app/link",
                          "app/main.py",
                          "docs",
                          "secret/keep.txt",
                          "uplink"};
    size_t nw = sizeof want / sizeof want[0];
    /* "docs/ + **" excludes what is inside docs, not docs itself */
    assert_int_equal(context_file_count(c), nw);
    for (size_t i = 0; i < nw; i++)
        assert_string_equal(context_entry_name(c, i), want[i]);
    /* sizes of regular files sent */
    uint64_t size = strlen("FROM scratch\n") +
                    strlen("# build junk\n*.log\nsecret/\n!secret/keep.txt\ndocs/**\n"
                           "Dockerfile\n.dockerignore\n") +
                    5 + 4 + 1 + 9 + 4;
    assert_int_equal(context_size(c), size);

    /* stream it in awkward chunk sizes: same bytes every time */
    struct buf t1 = BUF_INIT, t2 = BUF_INIT;
    stream_all(c, 1, &t1);
    assert_int_equal(context_rewind(c), 0);
    stream_all(c, 4093, &t2);
    assert_int_equal(t1.len, t2.len);
    assert_memory_equal(t1.data, t2.data, t1.len);
    assert_int_equal(t1.len % 512, 0);

    struct tar_entry e[32];
    size_t n = read_tar(&t1, e, 32);
    assert_int_equal(n, nw);
    for (size_t i = 0; i < n; i++) {
        char expect[256];
        bool dir = !strcmp(want[i], "a") || !strcmp(want[i], "app") || !strcmp(want[i], "docs");
        snprintf(expect, sizeof expect, "%s%s", want[i], dir ? "/" : "");
        assert_string_equal(e[i].name, expect);
        assert_int_equal(e[i].uid, 0);
        assert_int_equal(e[i].gid, 0);
        assert_string_equal(e[i].uname, "");
    }
    assert_int_equal(e[4].type, AE_IFREG);
    assert_string_equal(e[4].data, "dash");
    assert_int_equal(e[4].mtime, 1700000000);
    assert_int_equal(e[7].type, AE_IFLNK);
    assert_string_equal(e[7].link, "main.py");
    assert_string_equal(e[10].data, "kept");
    assert_string_equal(e[11].link, "app/../a/b");
    buf_free(&t1);
    buf_free(&t2);

    /* the digest follows content metadata and the extra text */
    char d1[80], d2[80];
    snprintf(d1, sizeof d1, "%s", context_digest(c, "{}"));
    snprintf(d2, sizeof d2, "%s", context_digest(c, "{\"A\":\"1\"}"));
    assert_int_equal(strlen(d1), 7 + 64);
    assert_string_not_equal(d1, d2);
    assert_string_equal(d1, context_digest(c, "{}"));
    context_free(c);
}

static void test_includes_and_collisions(void **state)
{
    (void)state;
    put("ctx/Dockerfile", "FROM scratch\n");
    put("ctx/src/x.c", "x");
    put("lib/util/buf.c", "buf");
    put("lib/util/buf.h", "h");
    put("lib/one.txt", "1");
    char *ctx = path_join(tmp, "ctx");
    char *util = path_join(tmp, "lib/util");
    char *one = path_join(tmp, "lib/one.txt");
    struct context_include inc[] = {{util, "vendor/tool/util"}, {one, "src/one.txt"}};
    struct context_opts o = {.dir = ctx, .includes = inc, .n_includes = 2};
    struct context *c = NULL;
    if (context_scan(&o, &c) < 0)
        fail_msg("%s", err_last());
    const char *want[] = {"Dockerfile",
                          "src",
                          "src/one.txt",
                          "src/x.c",
                          "vendor",
                          "vendor/tool",
                          "vendor/tool/util",
                          "vendor/tool/util/buf.c",
                          "vendor/tool/util/buf.h"};
    assert_int_equal(context_file_count(c), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_string_equal(context_entry_name(c, i), want[i]);
    struct buf t = BUF_INIT;
    stream_all(c, 777, &t);
    struct tar_entry e[16];
    assert_int_equal(read_tar(&t, e, 16), 9);
    assert_string_equal(e[4].name, "vendor/");
    assert_int_equal(e[4].type, AE_IFDIR);
    assert_string_equal(e[7].data, "buf");
    buf_free(&t);
    context_free(c);

    /* a destination that is already in the context */
    struct context_include clash[] = {{one, "src/x.c"}};
    o.includes = clash;
    o.n_includes = 1;
    assert_true(context_scan(&o, &c) < 0);
    assert_non_null(strstr(err_last(), "'src/x.c' is already in the build context"));
    struct context_include escape[] = {{one, "../x"}};
    o.includes = escape;
    assert_true(context_scan(&o, &c) < 0);
    assert_non_null(strstr(err_last(), "not a path inside the context"));
    free(ctx);
    free(util);
    free(one);
}

static void test_refusals(void **state)
{
    (void)state;
    put("c1/Dockerfile", "FROM scratch\n");
    put("c1/ok", "1");
    link_at("c1/escape", "../../etc/passwd");
    char *c1 = path_join(tmp, "c1");
    struct context_opts o = {.dir = c1};
    struct context *c = NULL;
    assert_true(context_scan(&o, &c) < 0);
    assert_null(c);
    assert_non_null(strstr(err_last(), "c1/escape: symbolic link to '../../etc/passwd' points "
                                       "outside the build context"));
    char *esc = path_join(c1, "escape");
    unlink(esc);
    assert_int_equal(symlink("/etc/passwd", esc), 0);
    assert_true(context_scan(&o, &c) < 0);
    assert_non_null(strstr(err_last(), "points outside"));
    /* an ignored escaping link is fine: it is not sent */
    put("c1/.dockerignore", "escape\n");
    if (context_scan(&o, &c) < 0)
        fail_msg("%s", err_last());
    context_free(c);
    free(esc);

    put("c2/notdockerfile", "x");
    char *c2 = path_join(tmp, "c2");
    o.dir = c2;
    assert_true(context_scan(&o, &c) < 0);
    assert_non_null(strstr(err_last(), "no Dockerfile"));
    put("c2/Dockerfile", "FROM scratch\n");
    put("c2/.dockerignore", "ok\n[bad\n");
    assert_true(context_scan(&o, &c) < 0);
    assert_non_null(strstr(err_last(), ".dockerignore:2:"));
    free(c1);
    free(c2);
}

/* Links are resolved on disk inside the context, not judged by their text: with self -> .,
 * self/self/../../etc/shadow climbs out although it has as many names as '..'s. */
static void test_links_resolved_inside_the_context(void **state)
{
    (void)state;
    put("c/Dockerfile", "FROM scratch\n");
    put("c/ok", "1");
    put("c/sub/file", "2");
    link_at("c/self", ".");
    char *c = path_join(tmp, "c");
    struct context_opts o = {.dir = c};
    struct context *ctx = NULL;
    /* links that stay inside once followed are kept as links */
    link_at("c/sub/up", "../ok");
    link_at("c/subdir", "sub");
    link_at("c/via", "subdir/../ok");
    link_at("c/dangling", "nothere/x");
    if (context_scan(&o, &ctx) < 0)
        fail_msg("%s", err_last());
    context_free(ctx);

    link_at("c/evil", "self/self/self/self/self/../../../../../etc/shadow");
    assert_true(context_scan(&o, &ctx) < 0);
    assert_null(ctx);
    assert_non_null(strstr(err_last(), "c/evil: symbolic link to "
                                       "'self/self/self/self/self/../../../../../etc/shadow' "
                                       "points outside the build context"));
    char *p = path_join(c, "evil");
    unlink(p);
    /* a link inside that itself leads out, reached through a folder link */
    link_at("c/sub/out", "../..");
    link_at("c/evil", "subdir/out/etc/passwd");
    assert_true(context_scan(&o, &ctx) < 0);
    assert_non_null(strstr(err_last(), "points outside the build context"));
    unlink(p);
    char *out = path_join(c, "sub/out");
    unlink(out);
    /* a loop is refused, not followed forever */
    link_at("c/loop1", "loop2");
    link_at("c/loop2", "loop1");
    assert_true(context_scan(&o, &ctx) < 0);
    assert_non_null(strstr(err_last(), "more than 40 links"));
    free(out);
    free(p);
    free(c);
}

static void test_repeated_inodes_become_hardlinks(void **state)
{
    (void)state;
    put("h/Dockerfile", "FROM scratch\n");
    put("h/z-first", "shared-bytes");
    char *first = path_join(tmp, "h/z-first");
    char *second = path_join(tmp, "h/a-second");
    assert_int_equal(link(first, second), 0);
    char *dir = path_join(tmp, "h");
    struct context_opts o = {.dir = dir};
    struct context *c = NULL;
    if (context_scan(&o, &c) < 0)
        fail_msg("%s", err_last());
    /* the bytes count once */
    assert_int_equal(context_size(c), 13 + 12);
    struct buf t = BUF_INIT;
    stream_all(c, 333, &t);
    struct tar_entry e[8];
    assert_int_equal(read_tar(&t, e, 8), 3);
    /* a-second comes first in tar order and carries the data; z-first links to it */
    assert_string_equal(e[1].name, "a-second");
    assert_string_equal(e[1].data, "shared-bytes");
    assert_string_equal(e[1].hardlink, "");
    assert_string_equal(e[2].name, "z-first");
    assert_string_equal(e[2].hardlink, "a-second");
    buf_free(&t);
    context_free(c);
    free(first);
    free(second);
    free(dir);
}

/* What the docker CLI (28.2, classic builder) actually sent for each .dockerignore over one
 * tree, captured from its POST /build by a fake engine: the names it left out. The CLI walks
 * with patternmatcher's MatchesUsingParentResults, so "x/y.tmp" then "!x" still excludes
 * x/y.tmp, and it keeps a parent's result per pattern. */
static const char *const CLI_TREE[] = {
    "Dockerfile",  "f.txt",        "a.log",     "a/f.txt", "a/b/f.txt", "a/b/c.go",
    "abc/d/e",     "abc/x.md",     "a*b",       "axb",     "]",         "!",
    "docs/readme", "sub/keep.txt", "sub/other", "x/y.tmp", "f.go",      "g.go",
    "\xc3\xa9",    "7x",           "dx",        "a5",      "ad",
};
static const struct {
    const char *dockerignore;
    const char *left_out; /* space separated, sorted */
} CLI_CASES[] = {
    {"*.log\n", "a.log"},
    {"*.md\n", ""},
    {"**/*.txt\n", "a/b/f.txt a/f.txt f.txt sub/keep.txt"},
    {"a/*.txt\n", "a/f.txt"},
    {"a*\n", "a a*b a.log a/b a/b/c.go a/b/f.txt a/f.txt a5 abc abc/d abc/d/e abc/x.md ad axb"},
    {"a\\*b\n", "a*b"},
    {"*.go\n!f.go\n", "g.go"},
    {"!f.go\n*.go\n", "f.go g.go"},
    {"**\n!sub/keep.txt\n",
     "! 7x ] a a*b a.log a/b a/b/c.go a/b/f.txt a/f.txt a5 abc abc/d abc/d/e abc/x.md ad axb docs "
     "docs/readme dx f.go f.txt g.go sub sub/other x x/y.tmp \xc3\xa9"
     ""},
    {"**\n!sub\n", "! 7x ] a a*b a.log a/b a/b/c.go a/b/f.txt a/f.txt a5 abc abc/d abc/d/e "
                   "abc/x.md ad axb docs docs/readme dx f.go f.txt g.go x x/y.tmp \xc3\xa9"
                   ""},
    {"abc/**\n", "abc/d abc/d/e abc/x.md"},
    {"dir/**\n", ""},
    {"**file\n", ""},
    {"a**b\n", "a/b a/b/c.go a/b/f.txt"},
    {"docs/\n", "docs docs/readme"},
    {"[!a]\n", "! a a/b a/b/c.go a/b/f.txt a/f.txt"},
    {".\n", ""},
    {"/abc/d/\n", "abc/d abc/d/e"},
    {"../foo\n", ""},
    {" # x\n", ""},
    {"*\n!**/keep.txt\n",
     "! 7x ] a a*b a.log a/b a/b/c.go a/b/f.txt a/f.txt a5 abc abc/d abc/d/e abc/x.md ad axb docs "
     "docs/readme dx f.go f.txt g.go sub sub/keep.txt sub/other x x/y.tmp \xc3\xa9"
     ""},
    {"*\n!sub/keep.txt\n",
     "! 7x ] a a*b a.log a/b a/b/c.go a/b/f.txt a/f.txt a5 abc abc/d abc/d/e abc/x.md ad axb docs "
     "docs/readme dx f.go f.txt g.go sub sub/other x x/y.tmp \xc3\xa9"
     ""},
    {"[*]\n", "]"},
    {"[?]\n", ""},
    {"a\\d\n", "a5"},
    {"[[:digit:]]x\n", "7x"},
    {"?\n", "! ] a a/b a/b/c.go a/b/f.txt a/f.txt x x/y.tmp \xc3\xa9"
            ""},
    {"\xc3\xa9"
     "\n",
     "\xc3\xa9"
     ""},
    {"**/.foo\n", ""},
    {"x/*.tmp\n!x\n", "x/y.tmp"},
    {"**/b\n", "a/b a/b/c.go a/b/f.txt"},
    {"a/b\n", "a/b a/b/c.go a/b/f.txt"},
    {"sub\n!sub/keep.txt\n", "sub sub/other"},
    {"abc/d/**\n!abc/d/e\n", ""},
    {"**/*.go\na/b\n", "a/b a/b/c.go a/b/f.txt f.go g.go"},
    {"#comment\nf.go\n", "f.go"},
    {"x/y.tmp\n!x\n", "x/y.tmp"},
    {"x/*\n!x\n", "x/y.tmp"},
    {"a/b/c.go\n!a\n", "a/b/c.go"},
    {"a/b/c.go\n!a/b\n", "a/b/c.go"},
    {"**\n!a\n", "! 7x ] a*b a.log a5 abc abc/d abc/d/e abc/x.md ad axb docs docs/readme dx f.go "
                 "f.txt g.go sub sub/keep.txt sub/other x x/y.tmp \xc3\xa9"
                 ""},
    {"**\n!a/b\n", "! 7x ] a a*b a.log a/f.txt a5 abc abc/d abc/d/e abc/x.md ad axb docs "
                   "docs/readme dx f.go f.txt g.go sub sub/keep.txt sub/other x x/y.tmp \xc3\xa9"
                   ""},
    {"*\n!a\na/b\n",
     "! 7x ] a*b a.log a/b a/b/c.go a/b/f.txt a5 abc abc/d abc/d/e abc/x.md ad axb docs "
     "docs/readme dx f.go f.txt g.go sub sub/keep.txt sub/other x x/y.tmp \xc3\xa9"
     ""},
    {"a\n!a/b/c.go\n", "a a/b a/b/f.txt a/f.txt"},
    {"**/c.go\n!a/b\n", "a/b/c.go"},
    {"abc/d\n!abc\n", "abc/d abc/d/e"},
};

static void test_same_files_as_the_docker_cli(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CLI_TREE / sizeof CLI_TREE[0]; i++) {
        struct buf rel = BUF_INIT;
        buf_addf(&rel, "cli/%s", CLI_TREE[i]);
        put(rel.data, "x");
        buf_free(&rel);
    }
    char *dir = path_join(tmp, "cli");
    char *ign = path_join(dir, ".dockerignore");
    /* every entry without a .dockerignore */
    assert_int_equal(fs_write_atomic(ign, "", 0), 0);
    struct context_opts o = {.dir = dir};
    struct context *all = NULL;
    if (context_scan(&o, &all) < 0)
        fail_msg("%s", err_last());
    /* the whole tree streams, non-ASCII names included (in the C locale too) */
    struct buf tar = BUF_INIT;
    stream_all(all, 4096, &tar);
    struct tar_entry e[40];
    assert_int_equal(read_tar(&tar, e, 40), context_file_count(all));
    (void)e; /* the reader shows the UTF-8 name only in a UTF-8 locale */
    buf_free(&tar);
    int failures = 0;
    for (size_t k = 0; k < sizeof CLI_CASES / sizeof CLI_CASES[0]; k++) {
        const char *text = CLI_CASES[k].dockerignore;
        assert_int_equal(fs_write_atomic(ign, text, strlen(text)), 0);
        struct context *c = NULL;
        if (context_scan(&o, &c) < 0)
            fail_msg("case %zu: %s", k, err_last());
        struct buf left = BUF_INIT;
        for (size_t i = 0, j = 0; i < context_file_count(all); i++) {
            const char *name = context_entry_name(all, i);
            if (j < context_file_count(c) && !strcmp(context_entry_name(c, j), name))
                j++;
            else
                buf_addf(&left, "%s%s", left.len ? " " : "", name);
        }
        /* both lists in bytewise order */
        struct buf want = BUF_INIT;
        buf_addstr(&want, CLI_CASES[k].left_out);
        if (strcmp(left.data, want.data)) {
            /* compare as sets: the table is sorted as plain strings */
            bool same = strlen(left.data) == strlen(want.data);
            for (char *w = strtok(want.data, " "); w && same; w = strtok(NULL, " ")) {
                char pad[512];
                snprintf(pad, sizeof pad, " %s ", w);
                struct buf l2 = BUF_INIT;
                buf_addf(&l2, " %s ", left.data);
                same = strstr(l2.data, pad) != NULL;
                buf_free(&l2);
            }
            if (!same) {
                print_error("case %zu (%s): left out [%s], the docker CLI left out [%s]\n", k, text,
                            left.data, CLI_CASES[k].left_out);
                failures++;
            }
        }
        buf_free(&left);
        buf_free(&want);
        context_free(c);
    }
    assert_int_equal(failures, 0);
    context_free(all);
    free(ign);
    free(dir);
}

static void test_sha256_known_answers(void **state)
{
    (void)state;
    struct sha256 s;
    char hex[65];
    sha256_init(&s);
    sha256_hex(&s, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_hex(&s, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_init(&s);
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (size_t i = 0; i < strlen(m); i++)
        sha256_update(&s, m + i, 1);
    sha256_hex(&s, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dockerignore_order_and_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_includes_and_collisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links_resolved_inside_the_context, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_inodes_become_hardlinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_files_as_the_docker_cli, setup, teardown),
        cmocka_unit_test(test_sha256_known_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
