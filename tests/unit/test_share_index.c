/* Unit tests of the published-analytics index (docs/sharing.md): entries from a manifest
 * label, add/replace/sort, find (a version, or the newest), write and read back, refusal of
 * broken or newer files, and the --registry argument. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "share/share.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static const char *MANIFEST =
    "{\"name\":\"cluster\",\"version\":\"1.2.0\",\"description\":\"k-means\",\"display\":\"html\","
    "\"inputs\":[{\"entity_types\":[\"ipv4-addr\",\"process\"]},{\"entity_types\":[\"process\"]}],"
    "\"parameters\":[{\"name\":\"k\",\"type\":\"integer\",\"required\":false,\"default\":5},"
    "{\"name\":\"eps\",\"type\":\"number\",\"default\":0.5,\"description\":\"radius\"},"
    "{\"name\":\"cols\",\"type\":\"list\",\"required\":true},"
    "{\"name\":\"m\",\"type\":\"list\",\"default\":[\"a\",\"b\"]}]}";

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kanalytic-index-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(dir);
    return 0;
}

static const char *path_in(const char *name)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static json_t *entry(const char *name, const char *version, const char *digest,
                     const char *published)
{
    json_t *m = json_loads(MANIFEST, 0, NULL);
    assert_non_null(m);
    json_object_set_new(m, "name", json_string(name));
    json_object_set_new(m, "version", json_string(version));
    json_t *e =
        share_index_entry(m, "127.0.0.1:5000/ns/kestrel-analytics-x", digest, "abc123", published);
    json_decref(m);
    return e;
}

static void test_entry_from_manifest(void **state)
{
    (void)state;
    json_t *e = entry("cluster", "1.2.0", D1, "2026-12-06T12:00:00Z");
    char *s = json_dumps(e, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal(
        s, "{\"description\":\"k-means\",\"digest\":\"" D1 "\",\"display\":true,"
           "\"entity_types\":[\"ipv4-addr\",\"process\"],\"image\":"
           "\"127.0.0.1:5000/ns/kestrel-analytics-x\",\"inputs\":2,\"name\":\"cluster\","
           "\"parameters\":[{\"default\":\"5\",\"description\":null,\"name\":\"k\",\"required\":"
           "false,\"type\":\"integer\"},{\"default\":\"0.5\",\"description\":\"radius\",\"name\":"
           "\"eps\",\"required\":false,\"type\":\"number\"},{\"default\":null,\"description\":"
           "null,\"name\":\"cols\",\"required\":true,\"type\":\"list\"},{\"default\":\"a,b\","
           "\"description\":null,\"name\":\"m\",\"required\":false,\"type\":\"list\"}],"
           "\"published\":\"2026-12-06T12:00:00Z\",\"revision\":\"abc123\",\"version\":\"1.2.0\"}");
    free(s);
    json_decref(e);
    /* published defaults to now, in RFC 3339 UTC */
    e = entry("cluster", "1.2.0", D1, NULL);
    const char *p = json_string_value(json_object_get(e, "published"));
    assert_int_equal(strlen(p), 20);
    assert_int_equal(p[19], 'Z');
    json_decref(e);
}

static void test_add_replace_sort_find_roundtrip(void **state)
{
    (void)state;
    json_t *ix = share_index_new("127.0.0.1:5000/ns");
    share_index_add(ix, entry("zeta", "1.0.0", D1, "2026-12-01T00:00:00Z"));
    share_index_add(ix, entry("alpha", "2.0.0", D2, "2026-12-03T00:00:00Z"));
    share_index_add(ix, entry("alpha", "1.0.0", D1, "2026-12-02T00:00:00Z"));
    /* the same (name, version) replaces */
    share_index_add(ix, entry("zeta", "1.0.0", D2, "2026-12-01T00:00:00Z"));
    json_t *list = json_object_get(ix, "analytics");
    assert_int_equal(json_array_size(list), 3);
    const char *order[][2] = {{"alpha", "1.0.0"}, {"alpha", "2.0.0"}, {"zeta", "1.0.0"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *e = json_array_get(list, i);
        assert_string_equal(json_string_value(json_object_get(e, "name")), order[i][0]);
        assert_string_equal(json_string_value(json_object_get(e, "version")), order[i][1]);
    }
    json_t *z = share_index_find(ix, "zeta", "1.0.0");
    assert_non_null(z);
    assert_string_equal(json_string_value(json_object_get(z, "digest")), D2);
    json_t *latest = share_index_find(ix, "alpha", NULL);
    assert_string_equal(json_string_value(json_object_get(latest, "version")), "2.0.0");
    assert_null(share_index_find(ix, "alpha", "3.0.0"));
    assert_null(share_index_find(ix, "nope", NULL));

    assert_int_equal(share_index_write(path_in("index.json"), ix), 0);
    json_t *back = NULL;
    assert_int_equal(share_index_load(path_in("index.json"), &back), 0);
    assert_true(json_equal(ix, back));
    json_decref(back);
    /* and through a file:// URL */
    struct buf url = BUF_INIT;
    buf_addf(&url, "file://%s", path_in("index.json"));
    assert_int_equal(share_index_load(url.data, &back), 0);
    assert_true(json_equal(ix, back));
    buf_free(&url);
    json_decref(back);
    json_decref(ix);
}

static void expect_refused(const char *text, const char *msg)
{
    const char *p = path_in("bad.json");
    assert_int_equal(fs_write_atomic(p, text, strlen(text)), 0);
    json_t *j = (json_t *)1;
    assert_int_equal(share_index_load(p, &j), -1);
    assert_null(j);
    assert_non_null(strstr(err_last(), p));
    if (!strstr(err_last(), msg))
        fail_msg("expected \"%s\" in \"%s\"", msg, err_last());
}

/* publish's record: a new version gets today's date, a republished identical image keeps the
 * date it was first published, a changed one (unchanged false) a new date. */
static void test_record_keeps_first_date(void **state)
{
    (void)state;
    struct share_registry reg;
    assert_int_equal(share_registry_parse("127.0.0.1:5000/ns", &reg), 0);
    json_t *ix = share_index_new(reg.prefix);
    share_index_add(ix, entry("cluster", "1.2.0", D1, "2020-01-01T00:00:00Z"));
    struct share_result r = {.name = "cluster",
                             .version = "1.2.0",
                             .digest = D1,
                             .revision = "def456",
                             .unchanged = true};
    r.manifest = json_loads(MANIFEST, 0, NULL);
    share_index_record(ix, &reg, &r);
    assert_int_equal(json_array_size(json_object_get(ix, "analytics")), 1);
    json_t *e = share_index_find(ix, "cluster", "1.2.0");
    assert_string_equal(json_string_value(json_object_get(e, "published")), "2020-01-01T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(e, "image")),
                        "127.0.0.1:5000/ns/kestrel-analytics-cluster");
    assert_string_equal(json_string_value(json_object_get(e, "revision")), "def456");
    r.unchanged = false;
    r.digest = D2;
    share_index_record(ix, &reg, &r);
    e = share_index_find(ix, "cluster", "1.2.0");
    assert_string_equal(json_string_value(json_object_get(e, "digest")), D2);
    assert_string_not_equal(json_string_value(json_object_get(e, "published")),
                            "2020-01-01T00:00:00Z");
    /* unchanged, but not in the index yet: today */
    json_object_set_new(r.manifest, "version", json_string("1.3.0"));
    r.version = "1.3.0";
    r.unchanged = true;
    share_index_record(ix, &reg, &r);
    e = share_index_find(ix, "cluster", "1.3.0");
    assert_non_null(e);
    assert_string_not_equal(json_string_value(json_object_get(e, "published")),
                            "2020-01-01T00:00:00Z");
    assert_int_equal(json_array_size(json_object_get(ix, "analytics")), 2);
    json_decref(r.manifest);
    json_decref(ix);
    share_registry_free(&reg);
}

static void test_refuses_broken_indexes(void **state)
{
    (void)state;
    expect_refused("{\"format\":\"kanalytic-index\",", "not valid JSON");
    expect_refused("{\"format\":\"other\",\"format_version\":1,\"analytics\":[]}",
                   "not a kanalytic index");
    expect_refused("{\"format\":\"kanalytic-index\",\"format_version\":2,\"analytics\":[]}",
                   "newer than this kanalytic reads");
    expect_refused("{\"format\":\"kanalytic-index\",\"format_version\":1,\"analytics\":{}}",
                   "\"analytics\" is not a list");
    expect_refused("{\"format\":\"kanalytic-index\",\"format_version\":1,\"analytics\":"
                   "[{\"name\":\"a\",\"version\":\"1\"}]}",
                   "analytics[0] has no string \"digest\"");
    expect_refused("{\"format\":\"kanalytic-index\",\"format_version\":1,\"analytics\":"
                   "[{\"name\":\"a\",\"version\":\"1\",\"digest\":\"sha256:12\"}]}",
                   "is not sha256:<64 hex digits>");
    json_t *j = NULL;
    assert_int_equal(share_index_load(path_in("missing.json"), &j), -1);
    assert_non_null(strstr(err_last(), "missing.json"));
}

static void test_apply_line(void **state)
{
    (void)state;
    json_t *m = json_loads(MANIFEST, 0, NULL);
    char *line = share_apply_line(m);
    assert_string_equal(line,
                        "APPLY docker://cluster ON v0, v1 WITH k=5, eps=0.5, cols=<list>, m=(a,b)");
    free(line);
    json_object_set_new(m, "parameters", json_array());
    json_object_set_new(m, "inputs", json_pack("[{s:[s]}]", "entity_types", "*"));
    line = share_apply_line(m);
    assert_string_equal(line, "APPLY docker://cluster ON v0");
    free(line);
    json_decref(m);
}

static void test_registry_argument(void **state)
{
    (void)state;
    struct share_registry r;
    assert_int_equal(share_registry_parse("127.0.0.1:5000/kestrel/team/", &r), 0);
    assert_string_equal(r.server, "127.0.0.1:5000");
    assert_string_equal(r.prefix, "127.0.0.1:5000/kestrel/team");
    char *repo = share_repo(&r, "copy");
    assert_string_equal(repo, "127.0.0.1:5000/kestrel/team/kestrel-analytics-copy");
    free(repo);
    share_registry_free(&r);
    assert_int_equal(share_registry_parse("reg.example:443", &r), 0);
    assert_string_equal(r.server, "reg.example:443");
    assert_string_equal(r.prefix, "reg.example:443");
    share_registry_free(&r);
    assert_int_equal(share_registry_parse("https://reg:5000", &r), -1);
    assert_non_null(strstr(err_last(), "without a scheme"));
    assert_int_equal(share_registry_parse("/ns", &r), -1);
    assert_int_equal(share_registry_parse("reg:5000/Team", &r), -1);
    assert_non_null(strstr(err_last(), "lower case"));
    assert_int_equal(share_registry_parse("", &r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_from_manifest),
        cmocka_unit_test(test_add_replace_sort_find_roundtrip),
        cmocka_unit_test(test_record_keeps_first_date),
        cmocka_unit_test(test_refuses_broken_indexes),
        cmocka_unit_test(test_apply_line),
        cmocka_unit_test(test_registry_argument),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
