/* Unit tests of the runner's pieces that need no engine: the sandboxed container config, the
 * result model's verdicts and exit codes, and the JUnit / TAP / JSON renderers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/report.h"
#include "result/test_result.h"
#include "runner/runner.h"
#include "util/buf.h"
#include "util/fs.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *config_for(bool network, uint64_t memory)
{
    struct manifest m;
    memset(&m, 0, sizeof m);
    m.runtime.network = network;
    m.runtime.memory = memory;
    struct env_var vars[] = {{"columns", "src_port,dst_port"}, {"n_clusters", "3"}};
    struct env_list env = {vars, 2, 2};
    char *s = runner_container_config(&m, "kestrel-analytics-x:latest", &env, "x/case-1");
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    free(s);
    assert_non_null(j);
    return j;
}

static void test_container_config_is_sandboxed(void **state)
{
    (void)state;
    json_t *j = config_for(false, 512ULL << 20);
    assert_string_equal(json_string_value(json_object_get(j, "Image")),
                        "kestrel-analytics-x:latest");
    json_t *env = json_object_get(j, "Env");
    assert_int_equal(json_array_size(env), 2);
    assert_string_equal(json_string_value(json_array_get(env, 0)), "columns=src_port,dst_port");
    json_t *labels = json_object_get(j, "Labels");
    assert_string_equal(json_string_value(json_object_get(labels, "io.kanalytic")), "1");
    assert_string_equal(json_string_value(json_object_get(labels, "io.kanalytic.case")),
                        "x/case-1");
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    assert_string_equal(json_string_value(json_object_get(labels, "io.kanalytic.pid")), pid);
    assert_non_null(json_object_get(json_object_get(j, "Volumes"), "/data"));
    json_t *hc = json_object_get(j, "HostConfig");
    assert_string_equal(json_string_value(json_object_get(hc, "NetworkMode")), "none");
    assert_string_equal(json_string_value(json_array_get(json_object_get(hc, "CapDrop"), 0)),
                        "ALL");
    assert_string_equal(json_string_value(json_array_get(json_object_get(hc, "SecurityOpt"), 0)),
                        "no-new-privileges");
    assert_int_equal(json_integer_value(json_object_get(hc, "Memory")), 512LL << 20);
    assert_int_equal(json_integer_value(json_object_get(hc, "MemorySwap")), 512LL << 20);
    assert_int_equal(json_integer_value(json_object_get(hc, "PidsLimit")), 256);
    /* as in Kestrel: a writable root filesystem and no tmpfs of our own over /tmp */
    assert_true(json_is_false(json_object_get(hc, "ReadonlyRootfs")));
    assert_null(json_object_get(hc, "Tmpfs"));
    assert_true(json_is_false(json_object_get(hc, "AutoRemove")));
    json_decref(j);

    /* runtime.network: true keeps the engine's default network; no memory: 1 GiB */
    j = config_for(true, 0);
    hc = json_object_get(j, "HostConfig");
    assert_null(json_object_get(hc, "NetworkMode"));
    assert_int_equal(json_integer_value(json_object_get(hc, "Memory")), 1LL << 30);
    json_decref(j);
}

static void make_results(struct run_result *r)
{
    memset(r, 0, sizeof *r);
    r->ncases = 3;
    r->cases = calloc(3, sizeof *r->cases);
    case_result_init(&r->cases[0], "a", "ok");
    r->cases[0].seconds = 0.5;
    case_result_init(&r->cases[1], "a", "bad");
    r->cases[1].stderr_text = strdup("Traceback <module>\n  boom & \"bust\"\n");
    case_result_fail(&r->cases[1], RULE_TIMEOUT, NULL, NULL, "timed out after %us", 3u);
    case_result_init(&r->cases[2], "b", "broken");
    case_result_error(&r->cases[2], RULE_IMAGE, "image %s not found", "kestrel-analytics-b");
    r->seconds = 4.25;
    r->jobs = 2;
}

static void test_verdicts_and_exit_codes(void **state)
{
    (void)state;
    struct run_result r;
    make_results(&r);
    size_t pass, fail, error;
    run_result_counts(&r, &pass, &fail, &error);
    assert_int_equal(pass, 1);
    assert_int_equal(fail, 1);
    assert_int_equal(error, 1);
    assert_int_equal(run_result_exit_code(&r), 2);
    assert_string_equal(r.cases[1].id, "a/bad");
    assert_true(case_result_has_rule(&r.cases[1], RULE_TIMEOUT));
    /* a failure never downgrades an error */
    case_result_fail(&r.cases[2], RULE_EXIT_CODE, NULL, NULL, "exit code 1, expected 0");
    assert_int_equal(r.cases[2].status, CASE_ERROR);
    case_result_clear_problems(&r.cases[2]);
    assert_int_equal(run_result_exit_code(&r), 1);
    case_result_clear_problems(&r.cases[1]);
    assert_int_equal(run_result_exit_code(&r), 0);
    run_result_free(&r);
}

static void test_junit_escapes_and_groups(void **state)
{
    (void)state;
    struct run_result r;
    make_results(&r);
    char dir[] = "/tmp/kanalytic-junit.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = path_join(dir, "junit.xml");
    assert_int_equal(report_junit(&r, path), 0);
    struct buf x = BUF_INIT;
    assert_int_equal(fs_read_file(path, 1 << 20, &x), 0);
    assert_non_null(strstr(x.data, "<testsuites name=\"kanalytic test\" tests=\"3\" "
                                   "failures=\"1\" errors=\"1\""));
    assert_non_null(
        strstr(x.data, "<testsuite name=\"a\" tests=\"2\" failures=\"1\" errors=\"0\""));
    assert_non_null(
        strstr(x.data, "<testsuite name=\"b\" tests=\"1\" failures=\"0\" errors=\"1\""));
    assert_non_null(strstr(x.data, "<testcase classname=\"a\" name=\"ok\" time=\"0.500\"/>"));
    assert_non_null(strstr(x.data, "<failure message=\"timed out after 3s\" type=\"timeout\">"));
    assert_non_null(strstr(x.data, "<error message=\"image kestrel-analytics-b not found\""));
    assert_non_null(strstr(x.data, "Traceback &lt;module&gt;"));
    assert_non_null(strstr(x.data, "boom &amp; &quot;bust&quot;"));
    assert_null(strstr(x.data, "<module>"));
    buf_free(&x);
    fs_remove_tree(dir);
    free(path);
    run_result_free(&r);
}

static void test_tap_and_json(void **state)
{
    (void)state;
    struct run_result r;
    make_results(&r);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_tap(&r, f);
    fclose(f);
    assert_non_null(strstr(text, "TAP version 13\n1..3\nok 1 - a/ok\nnot ok 2 - a/bad\n"));
    assert_non_null(strstr(text, "    - rule: timeout\n      message: \"timed out after 3s\"\n"));
    assert_non_null(strstr(text, "not ok 3 - b/broken\n"));
    free(text);

    json_t *j = report_run_json(&r);
    json_t *sum = json_object_get(j, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "failed")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 2);
    json_t *c1 = json_array_get(json_object_get(j, "cases"), 1);
    assert_string_equal(json_string_value(json_object_get(c1, "status")), "FAIL");
    json_t *p = json_array_get(json_object_get(c1, "problems"), 0);
    assert_string_equal(json_string_value(json_object_get(p, "rule")), "timeout");
    json_decref(j);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_container_config_is_sandboxed),
        cmocka_unit_test(test_verdicts_and_exit_codes),
        cmocka_unit_test(test_junit_escapes_and_groups),
        cmocka_unit_test(test_tap_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
