/* Unit tests of tool/docker/dockerfile.c: the base images FROM lines name (what `kanalytic
 * doctor` looks for on the engine), in one text and over a repository's Dockerfiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "docker/dockerfile.h"
#include "util/buf.h"
#include "util/fs.h"

#include <stdlib.h>
#include <string.h>

/* "image<-label" of every base, one a line. */
static char *listing(const struct dockerfile_bases *b)
{
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < b->n; i++)
        buf_addf(&out, "%s<-%s\n", b->items[i].image, b->items[i].used_by);
    return buf_detach(&out, NULL);
}

static void check_scan(const char *text, const char *want)
{
    struct dockerfile_bases b = {0};
    dockerfile_scan(text, strlen(text), "Dockerfile", &b);
    char *got = listing(&b);
    assert_string_equal(got, want);
    free(got);
    dockerfile_bases_free(&b);
}

static void test_scan_one_file(void **state)
{
    (void)state;
    check_scan("FROM debian:sid-slim\nRUN true\n", "debian:sid-slim<-Dockerfile\n");
    /* keyword in any case, leading blanks, CRLF line ends, --flags before the image */
    check_scan("  from --platform=linux/amd64 python:3.12-slim\r\n",
               "python:3.12-slim<-Dockerfile\n");
    /* scratch and build arguments are not images to look for */
    check_scan("FROM scratch\nARG BASE=debian\nFROM ${BASE}:sid\nFROM $BASE\n", "");
    /* a multi-stage build: the later FROM names the stage, not an image */
    check_scan("FROM debian:sid-slim AS build\nRUN make\nFROM Build\nCOPY --from=build /a /a\n"
               "FROM alpine:3 as run\n",
               "debian:sid-slim<-Dockerfile\nalpine:3<-Dockerfile\n");
    /* each image once */
    check_scan("FROM a:1 AS x\nFROM a:1\nFROM b@sha256:00\n",
               "a:1<-Dockerfile\nb@sha256:00<-Dockerfile\n");
    /* comments, other instructions mentioning FROM, a FROM without an image, no text */
    check_scan("# FROM commented:1\nRUN echo FROM x:1\nFROM\nFROM --platform=x\n", "");
    check_scan("", "");
    /* only len bytes are read */
    struct dockerfile_bases b = {0};
    dockerfile_scan("FROM a:1\nFROM b:2\n", 9, "D", &b);
    assert_int_equal(b.n, 1);
    assert_string_equal(b.items[0].image, "a:1");
    dockerfile_bases_free(&b);
}

static void test_first_file_keeps_the_image(void **state)
{
    (void)state;
    struct dockerfile_bases b = {0};
    dockerfile_scan("FROM debian:sid-slim\n", 21, "analytics/a/Dockerfile", &b);
    dockerfile_scan("FROM debian:sid-slim\nFROM other:1\n", 34, "analytics/b/Dockerfile", &b);
    char *got = listing(&b);
    assert_string_equal(got, "debian:sid-slim<-analytics/a/Dockerfile\n"
                             "other:1<-analytics/b/Dockerfile\n");
    free(got);
    /* a stage of one file is no stage in the next */
    dockerfile_scan("FROM x:1 AS build\n", 18, "one", &b);
    dockerfile_scan("FROM build\n", 11, "two", &b);
    assert_int_equal(b.n, 4);
    assert_string_equal(b.items[3].image, "build");
    assert_string_equal(b.items[3].used_by, "two");
    dockerfile_bases_free(&b);
    assert_int_equal(b.n, 0);
    assert_null(b.items);
}

/* Writes root/dir/name (folders made as needed). */
static void put(const char *root, const char *dir, const char *name, const char *text)
{
    char *d = path_join(root, dir);
    assert_int_equal(fs_mkdirs(d, 0755), 0);
    assert_int_equal(fs_write_in(d, name, text, strlen(text)), 0);
    free(d);
}

static void test_scan_repo(void **state)
{
    (void)state;
    char root[] = "/tmp/kanalytic-dockerfile-XXXXXX";
    assert_non_null(mkdtemp(root));
    put(root, "analytics/beta", "analytic.yaml", "name: beta\n");
    put(root, "analytics/beta", "Dockerfile", "FROM debian:sid-slim\n");
    put(root, "analytics/alpha", "analytic.yaml", "name: alpha\n");
    put(root, "analytics/alpha", "Dockerfile", "FROM python:3.12-slim AS base\nFROM base\n");
    /* not an analytic (no analytic.yaml): not scanned */
    put(root, "analytics/notes", "Dockerfile", "FROM ignored:1\n");
    /* an analytic without a Dockerfile adds nothing */
    put(root, "analytics/gamma", "analytic.yaml", "name: gamma\n");
    put(root, "template/c", "Dockerfile", "FROM debian:sid-slim AS build\nFROM scratch\n");
    put(root, "template/python", "Dockerfile", "FROM template-only:2\n");

    struct dockerfile_bases b = {0};
    dockerfile_scan_repo(root, &b);
    char *got = listing(&b);
    assert_string_equal(got, "python:3.12-slim<-analytics/alpha/Dockerfile\n"
                             "debian:sid-slim<-analytics/beta/Dockerfile\n"
                             "template-only:2<-template/python/Dockerfile\n");
    free(got);
    dockerfile_bases_free(&b);

    /* a folder that is no repository adds nothing and fails nothing */
    char *alpha = path_join(root, "analytics/alpha");
    dockerfile_scan_repo(alpha, &b);
    assert_int_equal(b.n, 0);
    dockerfile_bases_free(&b);
    free(alpha);
    assert_int_equal(fs_remove_tree(root), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_one_file),
        cmocka_unit_test(test_first_file_keeps_the_image),
        cmocka_unit_test(test_scan_repo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
