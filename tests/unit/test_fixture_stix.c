/* Unit tests of the STIX bundle -> Kestrel table converter (tool/fixture/stix.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture/stix.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUNDLE "../shared/kestrel-testdata/log4shell_bundle.json"

static const struct pq_column *col(const struct pq_table *t, const char *name)
{
    long i = table_find_column(t, name);
    if (i < 0)
        fail_msg("no column %s", name);
    return &t->cols[i];
}

static void assert_str_cell(const struct pq_column *c, size_t row, const char *want)
{
    size_t n;
    assert_false(vector_is_null(&c->values, row));
    const uint8_t *p = vector_bytes(&c->values, row, &n);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(p, want, n);
}

static void test_network_traffic_from_stix20(void **state)
{
    (void)state;
    struct stix_options o = STIX_OPTIONS_INIT;
    o.type = "network-traffic";
    struct pq_table t = PQ_TABLE_INIT;
    assert_int_equal(stix_bundle_to_table(BUNDLE, &o, &t), 0);
    assert_int_equal(t.nrows, 10);
    assert_int_equal(table_check(&t), 0);
    assert_string_equal(t.cols[0].name, "id");
    assert_string_equal(t.cols[1].name, "type");
    assert_str_cell(col(&t, "type"), 3, "network-traffic");
    assert_str_cell(col(&t, "src_ref.value"), 0, "172.31.79.90");
    assert_str_cell(col(&t, "dst_ref.value"), 0, "127.0.0.1");
    assert_str_cell(col(&t, "dst_ref.value"), 9, "0.0.0.0");
    assert_str_cell(col(&t, "src_ref.value"), 9, "195.54.160.149");
    assert_str_cell(col(&t, "protocols"), 0, "[\"reserved\"]");
    const struct pq_column *port = col(&t, "src_port");
    assert_int_equal(port->values.type.physical, PQ_INT64);
    assert_int_equal(port->values.v.i64[0], 0);
    /* *_refs lists are not columns, and never <ref>.type */
    assert_true(table_find_column(&t, "src_ref.resolves_to_refs") < 0);
    assert_true(table_find_column(&t, "src_ref.type") < 0);
    /* deterministic ids of the 2.0 objects: distinct per observation, stable across runs */
    size_t n0, n1;
    const uint8_t *id0 = vector_bytes(&col(&t, "id")->values, 0, &n0);
    const uint8_t *id1 = vector_bytes(&col(&t, "id")->values, 1, &n1);
    assert_true(n0 > 20 && memcmp(id0, "network-traffic--", 17) == 0);
    assert_false(n0 == n1 && memcmp(id0, id1, n0) == 0);
    struct pq_table again = PQ_TABLE_INIT;
    assert_int_equal(stix_bundle_to_table(BUNDLE, &o, &again), 0);
    size_t m0;
    const uint8_t *again0 = vector_bytes(&col(&again, "id")->values, 0, &m0);
    assert_int_equal(m0, n0);
    assert_memory_equal(again0, id0, n0);
    table_free(&again);
    table_free(&t);
}

static void test_stix21_refs_hashes_extensions(void **state)
{
    (void)state;
    char path[] = "/tmp/kanalytic-stix.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    const char *bundle =
        "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
        "{\"type\":\"observed-data\",\"id\":\"observed-data--1\",\"object_refs\":"
        "[\"process--a\",\"process--b\"],\"first_observed\":\"2021-01-01T00:00:00Z\"},"
        "{\"type\":\"process\",\"id\":\"process--a\",\"pid\":4,\"image_ref\":\"file--1\","
        "\"extensions\":{\"windows-process-ext\":{\"integrity_level\":\"high\"}}},"
        "{\"type\":\"process\",\"id\":\"process--b\",\"parent_ref\":\"process--a\"},"
        "{\"type\":\"file\",\"id\":\"file--1\",\"name\":\"cmd.exe\","
        "\"hashes\":{\"SHA-256\":\"abc\",\"MD5\":\"def\"}}]}";
    assert_int_equal(fs_write_atomic(path, bundle, strlen(bundle)), 0);
    struct stix_options o = STIX_OPTIONS_INIT;
    o.type = "process";
    o.timestamped = true;
    struct pq_table t = PQ_TABLE_INIT;
    assert_int_equal(stix_bundle_to_table(path, &o, &t), 0);
    assert_int_equal(t.nrows, 2);
    assert_str_cell(col(&t, "id"), 0, "process--a");
    assert_str_cell(col(&t, "image_ref.name"), 0, "cmd.exe");
    assert_str_cell(col(&t, "image_ref.hashes.'SHA-256'"), 0, "abc");
    assert_str_cell(col(&t, "image_ref.id"), 0, "file--1");
    assert_str_cell(col(&t, "x_integrity_level"), 0, "high");
    assert_str_cell(col(&t, "parent_ref.id"), 1, "process--a");
    assert_str_cell(col(&t, "first_observed"), 1, "2021-01-01T00:00:00Z");
    /* pid is present in one row only: an integer column with nulls becomes double */
    const struct pq_column *pid = col(&t, "pid");
    assert_int_equal(pid->values.type.physical, PQ_DOUBLE);
    assert_true(vector_is_null(&pid->values, 1));
    assert_true(pid->values.v.f64[0] == 4.0);
    table_free(&t);
    unlink(path);
}

static void test_bad_bundles(void **state)
{
    (void)state;
    char path[] = "/tmp/kanalytic-stix.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct stix_options o = STIX_OPTIONS_INIT;
    o.type = "process";
    struct pq_table t = PQ_TABLE_INIT;
    assert_int_equal(fs_write_atomic(path, "{\"objects\": [1,\n", 16), 0);
    assert_int_equal(stix_bundle_to_table(path, &o, &t), -1);
    assert_non_null(strstr(err_last(), path));
    assert_non_null(strstr(err_last(), "invalid JSON"));
    assert_int_equal(fs_write_atomic(path, "{\"type\":\"bundle\"}", 17), 0);
    assert_int_equal(stix_bundle_to_table(path, &o, &t), -1);
    assert_non_null(strstr(err_last(), "not a STIX bundle"));
    assert_int_equal(stix_bundle_to_table("/nonexistent/b.json", &o, &t), -1);
    assert_non_null(strstr(err_last(), "/nonexistent/b.json"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_traffic_from_stix20),
        cmocka_unit_test(test_stix21_refs_hashes_extensions),
        cmocka_unit_test(test_bad_bundles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
