/* Throwaway repositories on disk for unit tests: a file written under a root (its folders
 * made), an analytic made from tests/fixtures/manifest/good/base.yaml under another name.
 * Header-only (each test program includes its own copy); include after cmocka.h. */
#ifndef KANALYTIC_TEST_TREE_FIXTURE_H
#define KANALYTIC_TEST_TREE_FIXTURE_H

#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ROOT/REL with text, atomically. */
static inline void tree_put(const char *root, const char *rel, const char *text)
{
    char *p = path_join(root, rel);
    char *dir = xstrdup(p);
    *strrchr(dir, '/') = '\0';
    assert_int_equal(fs_mkdirs(dir, 0755), 0);
    assert_int_equal(fs_write_atomic(p, text, strlen(text)), 0);
    free(dir);
    free(p);
}

/* ROOT/analytics/NAME: the manifest of tests/fixtures/manifest/good/base.yaml named NAME, a
 * Dockerfile FROM debian:sid-slim and a README. */
static inline void tree_analytic(const char *root, const char *name)
{
    struct buf b = BUF_INIT, out = BUF_INIT;
    assert_int_equal(fs_read_file("tests/fixtures/manifest/good/base.yaml", 1 << 16, &b), 0);
    char *at = strstr(b.data, "name: good");
    assert_non_null(at);
    buf_add(&out, b.data, (size_t)(at - b.data));
    buf_addf(&out, "name: %s", name);
    buf_addstr(&out, at + strlen("name: good"));
    char rel[256];
    snprintf(rel, sizeof rel, "analytics/%s/analytic.yaml", name);
    tree_put(root, rel, out.data);
    snprintf(rel, sizeof rel, "analytics/%s/Dockerfile", name);
    tree_put(root, rel, "FROM debian:sid-slim\n");
    snprintf(rel, sizeof rel, "analytics/%s/README.md", name);
    tree_put(root, rel, "# x\n");
    buf_free(&b);
    buf_free(&out);
}

#endif
