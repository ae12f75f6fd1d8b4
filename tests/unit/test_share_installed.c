/* Unit tests of share_installed (tool/share/installed.c): the rows `kanalytic list --installed`
 * prints, from an engine's image list as GET /images/json returns it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "share/share.h"

#include <stdlib.h>
#include <string.h>

static const char *IMAGES =
    "[{\"Id\":\"sha256:bbbb\",\"Size\":1048576,"
    "\"RepoTags\":[\"127.0.0.1:5000/k/kestrel-analytics-zeta:1.0.0\","
    "\"kestrel-analytics-zeta:latest\"],"
    "\"RepoDigests\":[\"127.0.0.1:5000/k/kestrel-analytics-zeta@sha256:dddd\"],"
    "\"Labels\":{\"io.kanalytic.manifest\":\"{\\\"name\\\":\\\"zeta\\\",\\\"version\\\":\\\"1.0."
    "0\\\"}\","
    "\"org.opencontainers.image.revision\":\"abc123\"}},"
    /* built here: no digest, no revision, a label that is not JSON */
    "{\"Id\":\"sha256:aaaa\",\"Size\":42,\"RepoTags\":[\"kestrel-analytics-alpha:2.0.0\"],"
    "\"RepoDigests\":[],\"Labels\":{\"io.kanalytic.manifest\":\"not json\"}},"
    /* carries the label but no kestrel-analytics- tag: not an analytic image here */
    "{\"Id\":\"sha256:cccc\",\"Size\":1,\"RepoTags\":[\"other:1\",\"x/kestrel-analytics-q:1\"],"
    "\"Labels\":{\"io.kanalytic.manifest\":\"{}\"}},"
    /* dangling: no tags at all */
    "{\"Id\":\"sha256:eeee\",\"Size\":1,\"RepoTags\":null,\"Labels\":{}}]";

static void test_rows(void **state)
{
    (void)state;
    json_t *images = json_loads(IMAGES, 0, NULL);
    assert_non_null(images);
    json_t *rows = share_installed(images);
    char *got = json_dumps(rows, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(
        got, "[{\"id\":\"sha256:aaaa\",\"name\":\"alpha\",\"revision\":null,\"size\":42,"
             "\"source\":null,\"version\":null},"
             "{\"id\":\"sha256:bbbb\",\"name\":\"zeta\",\"revision\":\"abc123\",\"size\":1048576,"
             "\"source\":\"127.0.0.1:5000/k/kestrel-analytics-zeta@sha256:dddd\","
             "\"version\":\"1.0.0\"}]");
    free(got);
    json_decref(rows);
    json_decref(images);
}

static void test_nothing(void **state)
{
    (void)state;
    json_t *empty = json_array();
    json_t *rows = share_installed(empty);
    assert_true(json_is_array(rows));
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    json_decref(empty);
    rows = share_installed(NULL); /* no list at all */
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
