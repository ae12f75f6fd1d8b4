/* Unit tests of tool/runner/sweep.c: which containers a live kanalytic still uses, which
 * dangling images are kanalytic's (what `kanalytic gc` keeps and removes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runner/runner.h"
#include "runner/sweep.h"

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static json_t *labels(const char *pid, const char *host)
{
    json_t *l = json_object();
    json_object_set_new(l, RUNNER_LABEL, json_string("1"));
    if (pid)
        json_object_set_new(l, RUNNER_LABEL_PID, json_string(pid));
    if (host)
        json_object_set_new(l, RUNNER_LABEL_HOST, json_string(host));
    return l;
}

static long owner_of(const char *pid, const char *host, const char *me)
{
    json_t *l = labels(pid, host);
    long o = sweep_live_owner(l, me);
    json_decref(l);
    return o;
}

static void test_live_owner(void **state)
{
    (void)state;
    char me[64], comm[16] = "";
    snprintf(me, sizeof me, "%ld", (long)getpid());
    assert_int_equal(prctl(PR_GET_NAME, comm), 0);
    /* this process, named like kanalytic: it still uses the container */
    assert_int_equal(prctl(PR_SET_NAME, "kanalytic"), 0);
    assert_int_equal(owner_of(me, "host-a", "host-a"), (long)getpid());
    /* the same pid on another machine, or no machine or pid recorded */
    assert_int_equal(owner_of(me, "host-b", "host-a"), 0);
    assert_int_equal(owner_of(me, NULL, "host-a"), 0);
    assert_int_equal(owner_of(NULL, "host-a", "host-a"), 0);
    assert_int_equal(owner_of(me, "host-a", NULL), 0);
    /* pids that are no number, or out of range */
    assert_int_equal(owner_of("12x", "host-a", "host-a"), 0);
    assert_int_equal(owner_of("0", "host-a", "host-a"), 0);
    assert_int_equal(owner_of("-1", "host-a", "host-a"), 0);
    /* a process that is not kanalytic (the pid was reused) */
    assert_int_equal(prctl(PR_SET_NAME, "not-it"), 0);
    assert_int_equal(owner_of(me, "host-a", "host-a"), 0);
    assert_int_equal(prctl(PR_SET_NAME, comm), 0);
    /* a process that has ended */
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(0);
    assert_int_equal(waitpid(child, NULL, 0), child);
    snprintf(me, sizeof me, "%ld", (long)child);
    assert_int_equal(owner_of(me, "host-a", "host-a"), 0);
}

static bool image_is_ours(const char *json)
{
    json_error_t e;
    json_t *img = json_loads(json, 0, &e);
    assert_non_null(img);
    bool r = sweep_kanalytic_image(img);
    json_decref(img);
    return r;
}

static void test_kanalytic_image(void **state)
{
    (void)state;
    assert_true(image_is_ours("{\"Id\":\"sha256:1\",\"Labels\":{\"io.kanalytic\":\"1\"}}"));
    assert_true(image_is_ours("{\"Labels\":{\"io.kanalytic.manifest\":\"{}\"}}"));
    assert_true(
        image_is_ours("{\"Labels\":{\"io.kanalytic\":\"0\",\"io.kanalytic.manifest\":\"\"}}"));
    assert_false(image_is_ours("{\"Labels\":{\"io.kanalytic\":\"0\"}}"));
    assert_false(image_is_ours("{\"Labels\":{\"io.kanalytic\":1}}"));
    assert_false(image_is_ours("{\"Labels\":{\"org.opencontainers.image.title\":\"x\"}}"));
    assert_false(image_is_ours("{\"Labels\":null}"));
    assert_false(image_is_ours("{}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_owner),
        cmocka_unit_test(test_kanalytic_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
