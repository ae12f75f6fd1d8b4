/* Table-driven tests of .dockerignore reading and matching (tool/docker/ignore.c): every case
 * of the reference's table (../shared/reference/docker-engine-api.md section 7), the cases of
 * moby/patternmatcher's own tests, and the quirks that follow from its regexp translation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "docker/ignore.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mcase {
    const char *patterns; /* the .dockerignore text */
    const char *path;
    int excluded; /* 1 yes, 0 no */
};

/* .dockerignore text -> excluded? for one path */
static int excluded(const char *text, const char *path)
{
    struct ignore *ig = NULL;
    if (ignore_parse(text, strlen(text), ".dockerignore", &ig) < 0)
        fail_msg("parse '%s': %s", text, err_last());
    bool ex = false;
    if (ignore_match(ig, path, &ex) < 0)
        fail_msg("match '%s' on '%s': %s", text, path, err_last());
    ignore_free(ig);
    return ex;
}

static void run_table(const struct mcase *t, size_t n)
{
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        int got = excluded(t[i].patterns, t[i].path);
        if (got != t[i].excluded) {
            print_error("case %zu: patterns %s path '%s': excluded=%d, expected %d\n", i,
                        t[i].patterns, t[i].path, got, t[i].excluded);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* The reference's table, both halves. */
static const struct mcase REFERENCE[] = {
    {"dir/**", "dir/a/f", 1},
    {"abc/**", "abc", 0},
    {"**/*.txt", "f.txt", 1},
    {"a/*.txt", "a/d/f.txt", 0},
    {"a*", "ab/c", 1},
    {"a\\*b", "a*b", 1},
    {"a\\*b", "axb", 0},
    {"*.go\n!f.go", "f.go", 0},
    {"!f.go\n*.go", "f.go", 1},
    {"**\n!u/w", "u/w/f", 0},
    {"*.md", "d/a.md", 0},
    {"*.md", "a.md", 1},
    {"**file", "myfile", 1},
    {"a**b", "axb", 0},
    {"a**b", "ax/b", 1},
    {"foo/", "foo/x", 1},
    {"foo/", "foo", 1},
    {"[!a]", "!", 1},
    {"[!a]", "a", 1},
    {"[!a]", "b", 0},
    {".", "a", 0},
    {".", "a/b", 0},
    {"/foo/bar/", "foo/bar/baz", 1},
    {"/foo/bar/", "foo/bar", 1},
    {"../foo", "foo", 0},
    {"../foo", "../foo", 1}, /* such a path never occurs in a context walk */
    {" # x", "# x", 1},
    {"# x", "# x", 0},
};

static void test_reference_table(void **state)
{
    (void)state;
    run_table(REFERENCE, sizeof REFERENCE / sizeof REFERENCE[0]);
}

/* moby/patternmatcher patternmatcher_test.go TestMatches (single and multiple patterns). */
static const struct mcase PATTERNMATCHER[] = {
    {"**", "file", 1},
    {"**", "file/", 1},
    {"**/", "file", 1},
    {"**/", "file/", 1},
    {"**", "/", 1},
    {"**/", "/", 1},
    {"**", "dir/file", 1},
    {"**/", "dir/file", 1},
    {"**", "dir/file/", 1},
    {"**/", "dir/file/", 1},
    {"**/**", "dir/file", 1},
    {"**/**", "dir/file/", 1},
    {"dir/**", "dir/file", 1},
    {"dir/**", "dir/file/", 1},
    {"dir/**", "dir/dir2/file", 1},
    {"dir/**", "dir/dir2/file/", 1},
    {"**/dir", "dir", 1},
    {"**/dir", "dir/file", 1},
    {"**/dir2/*", "dir/dir2/file", 1},
    {"**/dir2/*", "dir/dir2/file/", 1},
    {"**/dir2/**", "dir/dir2/dir3/file", 1},
    {"**/dir2/**", "dir/dir2/dir3/file/", 1},
    {"**file", "file", 1},
    {"**file", "dir/file", 1},
    {"**/file", "dir/file", 1},
    {"**file", "dir/dir/file", 1},
    {"**/file", "dir/dir/file", 1},
    {"**/file*", "dir/dir/file", 1},
    {"**/file*", "dir/dir/file.txt", 1},
    {"**/file*txt", "dir/dir/file.txt", 1},
    {"**/file*.txt", "dir/dir/file.txt", 1},
    {"**/file*.txt*", "dir/dir/file.txt", 1},
    {"**/**/*.txt", "dir/dir/file.txt", 1},
    {"**/**/*.txt2", "dir/dir/file.txt", 0},
    {"**/*.txt", "file.txt", 1},
    {"**/**/*.txt", "file.txt", 1},
    {"a**/*.txt", "a/file.txt", 1},
    {"a**/*.txt", "a/dir/file.txt", 1},
    {"a**/*.txt", "a/dir/dir/file.txt", 1},
    {"a/*.txt", "a/dir/file.txt", 0},
    {"a/*.txt", "a/file.txt", 1},
    {"a/*.txt**", "a/file.txt", 1},
    {"a[b-d]e", "ae", 0},
    {"a[b-d]e", "ace", 1},
    {"a[b-d]e", "aae", 0},
    {"a[^b-d]e", "aze", 1},
    {".*", ".foo", 1},
    {".*", "foo", 0},
    {"abc.def", "abcdef", 0},
    {"abc.def", "abc.def", 1},
    {"abc.def", "abcZdef", 0},
    {"abc?def", "abcZdef", 1},
    {"abc?def", "abcdef", 0},
    {"a\\\\", "a\\", 1},
    {"**/foo/bar", "foo/bar", 1},
    {"**/foo/bar", "dir/foo/bar", 1},
    {"**/foo/bar", "dir/dir2/foo/bar", 1},
    {"abc/**", "abc", 0},
    {"abc/**", "abc/def", 1},
    {"abc/**", "abc/def/ghi", 1},
    {"**/.foo", ".foo", 1},
    {"**/.foo", "bar.foo", 0},
    {"a(b)c/def", "a(b)c/def", 1},
    {"a(b)c/def", "a(b)c/xyz", 0},
    {"a.|)$(}+{bc", "a.|)$(}+{bc", 1},
    {"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
     "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1},
    {"dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 1},
    {"**\n!util/docker/web", "util/docker/web/foo", 0},
    {"**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/foo", 1},
    {"**\n!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
     "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 0},
    {"**\n!dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", 0},
};

static void test_patternmatcher_cases(void **state)
{
    (void)state;
    run_table(PATTERNMATCHER, sizeof PATTERNMATCHER / sizeof PATTERNMATCHER[0]);
}

/* The same cases through the walk's chained evaluation (MatchesUsingParentResults): each
 * ancestor folder is matched first and its per-pattern results handed down. */
static int excluded_walk(const char *text, const char *path)
{
    struct ignore *ig = NULL;
    if (ignore_parse(text, strlen(text), ".dockerignore", &ig) < 0)
        fail_msg("parse '%s': %s", text, err_last());
    size_t n = ignore_count(ig);
    bool *parent = NULL, *info = calloc(n + 1, sizeof *info);
    bool ex = false;
    char *copy = strdup(path);
    char *clean = ignore_clean_path(copy);
    for (char *q = clean;; q++) {
        if (*q == '/' || !*q) {
            char save = *q;
            *q = '\0';
            if (ignore_match_walk(ig, clean, parent, info, &ex) < 0)
                fail_msg("match: %s", err_last());
            *q = save;
            if (!save)
                break;
            free(parent);
            parent = info;
            info = calloc(n + 1, sizeof *info);
        }
    }
    free(parent);
    free(info);
    free(copy);
    free(clean);
    ignore_free(ig);
    return ex;
}

static void test_patternmatcher_cases_chained(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof PATTERNMATCHER / sizeof PATTERNMATCHER[0]; i++) {
        const struct mcase *t = &PATTERNMATCHER[i];
        if (!strcmp(t->path, "/") || t->path[strlen(t->path) - 1] == '/')
            continue; /* no walk produces such a path */
        int got = excluded_walk(t->patterns, t->path);
        if (got != t->excluded) {
            print_error("case %zu: patterns %s path '%s': excluded=%d, expected %d\n", i,
                        t->patterns, t->path, got, t->excluded);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
    /* where the chain and MatchesOrParentMatches differ */
    assert_int_equal(excluded("x/y.tmp\n!x\n", "x/y.tmp"), 0);
    assert_int_equal(excluded_walk("x/y.tmp\n!x\n", "x/y.tmp"), 1);
    assert_int_equal(excluded_walk("a\n!a/b\n", "a/b/c"), 0);
    assert_int_equal(excluded_walk("**\n!a\n", "a/b"), 0);
}

/* What follows from patternmatcher's translation to a Go regexp: it does not track '[' ... ']'
 * while translating, so '*' and '?' inside a class become "[^/]*" / "[^/]" and the class
 * closes early; Go regexp escapes (\d) keep their regexp meaning; '^' outside a class is an
 * anchor. */
static const struct mcase QUIRKS[] = {
    {"[*]", "*", 0}, /* ^[[^/]*]$: a class of '[', '^', '/' repeated, then ']' */
    {"[*]", "]", 1},
    {"[*]", "[^]", 1},
    {"[?]", "?", 0},  /* ^[[^/]]$ */
    {"[?]", "/]", 1}, /* (only as a whole path: '/' is never a name) */
    {"a\\d", "a5", 1},
    {"a\\d", "ad", 0},
    {"a^b", "a^b", 1}, /* no regexp-only character: an exact match */
    {"^a", "a", 0},
    {"a^b*", "a^bc", 0}, /* ^ is an anchor inside the regexp */
    {"^a*", "ab", 1},
    {"**/.foo", "x/.foo", 1},
    {"**/.foo", "x.foo", 0},
    {"a$", "a$", 1}, /* $ is escaped */
    {"a[\\]]b", "a]b", 1},
    {"[[:digit:]]x", "7x", 1}, /* a POSIX class in the regexp */
    {"[[:digit:]]x", "dx", 0},
    {"é?", "éx", 1}, /* ? is one rune, not one byte */
    {"?", "é", 1},
    {"*.txt", "a\nb.txt", 1}, /* [^/] matches a newline */
    {"**", "a\nb", 1},
    {"a**/b", "a\nx/b", 0}, /* the dot of the double star stops at \n */
    {"a\\.b", "a.b", 1},
    {"a\\.b", "axb", 0},
    {"*", "a/b", 1}, /* the parent 'a' matches */
    {"a/b", "a", 0},
    {"a/b", "a/b/c/d", 1},
    {"**/b/c", "a/b/c/d", 1},
    {"*/b", "x/b/c", 1},
    {"*/b", "x/y/b", 0},
    {"!a\nb", "b", 1},
    {"a\n!a/b", "a/b", 0},
    {"a\n!a/b", "a/c", 1},
    {"a\n!a/b\na/b", "a/b", 1},
    {"# comment\n\n   \nx", "x", 1},
    {"\xEF\xBB\xBFx", "x", 1},                /* BOM on line 1 */
    {"y\n\xEF\xBB\xBFx", "\xEF\xBB\xBFx", 1}, /* only on line 1 */
    {"a\r\nb\r\n", "b", 1},                   /* CRLF */
    {"  x  ", "x", 1},
    {"! x", "x", 0},
    {"x\n! x", "x", 0},
    {"//a//b/", "a/b", 1},
    {"./a", "a", 1},
    {"a/../b", "b", 1},
    {"a/../b", "a", 0},
    {"!", "x", 0}, /* see test_errors: "!" alone is rejected */
};

static void test_quirks(void **state)
{
    (void)state;
    /* skip the last row here: it is an error case */
    run_table(QUIRKS, sizeof QUIRKS / sizeof QUIRKS[0] - 1);
}

static void test_errors(void **state)
{
    (void)state;
    static const char *bad[] = {"[",   "a[",  "[]a]", "[-]", "[a-]",
                                "[^]", "a\\", "!",    "[\\", "x\n[z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ignore *ig = NULL;
        int r = ignore_parse(bad[i], strlen(bad[i]), ".dockerignore", &ig);
        if (r == 0)
            fail_msg("pattern '%s' should be rejected", bad[i]);
        assert_null(ig);
        assert_non_null(strstr(err_last(), ".dockerignore:"));
    }
    struct ignore *ig = NULL;
    assert_true(ignore_parse("ok\n!", 4, "x/.dockerignore", &ig) < 0);
    assert_string_equal(err_last(), "x/.dockerignore:2: illegal exclusion pattern: \"!\"");
    /* a pattern Go's filepath.Match accepts but Go's regexp rejects: an error at match time */
    assert_int_equal(ignore_parse("[z-a]", 5, ".dockerignore", &ig), 0);
    bool ex;
    assert_true(ignore_match(ig, "q", &ex) < 0);
    ignore_free(ig);
    /* over-long line */
    size_t n = 70000;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    assert_true(ignore_parse(big, n, ".dockerignore", &ig) < 0);
    assert_non_null(strstr(err_last(), ":1: line longer than"));
    free(big);
}

static void test_parse_cleans_patterns(void **state)
{
    (void)state;
    const char text[] = "#c\n/a/b/\n! ./c//d/\n e \n**/\n.\n/\n../x\n";
    struct ignore *ig = NULL;
    assert_int_equal(ignore_parse(text, sizeof text - 1, ".dockerignore", &ig), 0);
    const char *want[] = {"a/b", "!c/d", "e", "**", ".", "/", "../x"};
    assert_int_equal(ignore_count(ig), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < ignore_count(ig); i++)
        assert_string_equal(ignore_pattern(ig, i), want[i]);
    ignore_free(ig);
}

static void test_clean_path(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        {"", "."},         {"a/", "a"},  {"//a//b//", "/a/b"},   {"a/./b", "a/b"},
        {"a/../..", ".."}, {"/..", "/"}, {"../../a", "../../a"}, {"a/b/../../c", "c"},
        {"./", "."},       {"/", "/"},   {"a/b/..", "a"},        {"..a/b", "..a/b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *c = ignore_clean_path(cases[i][0]);
        assert_string_equal(c, cases[i][1]);
        free(c);
    }
}

static void test_directory_pruning(void **state)
{
    (void)state;
    struct ignore *ig = NULL;
    const char t1[] = "*\n!sub/keep.txt\n";
    assert_int_equal(ignore_parse(t1, sizeof t1 - 1, ".dockerignore", &ig), 0);
    assert_true(ignore_dir_has_exceptions(ig, "sub"));
    assert_false(ignore_dir_has_exceptions(ig, "su"));
    assert_false(ignore_dir_has_exceptions(ig, "other"));
    ignore_free(ig);
    /* the legacy builder does not walk into sub for a wildcard exception */
    const char t2[] = "*\n!**/keep.txt\n";
    assert_int_equal(ignore_parse(t2, sizeof t2 - 1, ".dockerignore", &ig), 0);
    assert_false(ignore_dir_has_exceptions(ig, "sub"));
    ignore_free(ig);
    const char t3[] = "sub\n!sub\n";
    assert_int_equal(ignore_parse(t3, sizeof t3 - 1, ".dockerignore", &ig), 0);
    assert_true(ignore_dir_has_exceptions(ig, "sub"));
    bool ex = true;
    assert_int_equal(ignore_match(ig, "sub/x", &ex), 0);
    assert_false(ex);
    ignore_free(ig);
    /* no patterns: nothing excluded, "." never */
    assert_int_equal(ignore_parse("", 0, ".dockerignore", &ig), 0);
    assert_int_equal(ignore_match(ig, "a", &ex), 0);
    assert_false(ex);
    ignore_free(ig);
    assert_int_equal(ignore_parse("**", 2, ".dockerignore", &ig), 0);
    assert_int_equal(ignore_match(ig, ".", &ex), 0);
    assert_false(ex);
    ignore_free(ig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_table),
        cmocka_unit_test(test_patternmatcher_cases),
        cmocka_unit_test(test_patternmatcher_cases_chained),
        cmocka_unit_test(test_quirks),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_parse_cleans_patterns),
        cmocka_unit_test(test_clean_path),
        cmocka_unit_test(test_directory_pruning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
