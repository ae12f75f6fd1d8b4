/* Unit tests of tool/gate/steps.c, the CI gate's subprocess steps: the command lines planned
 * from a changes list, and the runner on `/bin/sh -c` steps: verdicts from exit codes and
 * signals, the output cap keeping the tail, results landing in their own steps whatever
 * order the jobs end in, -j at a time, the second step only after the first passed, the
 * environment of the steps, and cancelling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gate/steps.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char **sh(const char *script)
{
    char **v = xcalloc(4, sizeof *v);
    v[0] = xstrdup("/bin/sh");
    v[1] = xstrdup("-c");
    v[2] = xstrdup(script);
    return v;
}

/* A job of one sh step; its check is its index in the plan ("0", "1", ...). */
static struct gate_job *add_sh(struct gate_plan *p, struct ci_result *r, const char *script)
{
    char check[16];
    snprintf(check, sizeof check, "%zu", p->njobs);
    return gate_plan_add(p, r, check, NULL, script, sh(script));
}

/* on_step: the checks of the steps in the order they ended, "0,2,1," */
static void record(const struct ci_step *s, void *ctx)
{
    buf_addf(ctx, "%s,", s->check);
}

static void run(struct gate_plan *p, struct ci_result *r, unsigned parallel, struct buf *order)
{
    struct gate_run_options o = {.parallel = parallel, .on_step = record, .ctx = order};
    gate_run(p, r, &o);
}

static void test_plan_from_changes(void **state)
{
    (void)state;
    struct changes ch = {0};
    strcpy(ch.base_tip_oid, "0123456789abcdef0123456789abcdef01234567");
    ch.items = xcalloc(2, sizeof *ch.items);
    ch.count = ch.cap = 2;
    ch.items[0].name = xstrdup("geo");
    ch.items[1].name = xstrdup("odd\nname");
    struct ci_result r = {0};
    struct gate_plan p = {0};
    struct gate_plan_options o = {.self = "/x/kanalytic", .root = "/repo", .html_dir = "/tmp/h"};
    gate_plan_validate(&p, &r, &o);
    gate_plan_analytics(&p, &r, &ch, &o);

    assert_int_equal(p.njobs, 3);
    assert_int_equal(r.nsteps, 5);
    const char *validate[] = {"/x/kanalytic", "-C", "/repo", "validate", "--strict", NULL};
    const char *build[] = {"/x/kanalytic", "-C", "/repo", "build", "odd\nname", NULL};
    const char *test[] = {"/x/kanalytic",
                          "-C",
                          "/repo",
                          "test",
                          "--ci",
                          "--repeat",
                          "2",
                          "odd\nname",
                          "--policy-rev",
                          "0123456789abcdef0123456789abcdef01234567",
                          "--html",
                          "/tmp/h/odd\nname.html",
                          NULL};
    const char *const *want[] = {validate, build, test};
    char **got[] = {p.jobs[0].argv[0], p.jobs[2].argv[0], p.jobs[2].argv[1]};
    for (size_t k = 0; k < ARRAY_SIZE(want); k++) {
        size_t i = 0;
        for (; want[k][i]; i++) {
            assert_non_null(got[k][i]);
            assert_string_equal(got[k][i], want[k][i]);
        }
        assert_null(got[k][i]);
    }
    assert_int_equal(p.jobs[0].nsteps, 1);
    assert_int_equal(p.jobs[1].nsteps, 2);
    /* each job names its own steps, in plan order */
    const char *checks[] = {"validate", "build", "test", "build", "test"};
    const char *names[] = {NULL, "geo", "geo", "odd\nname", "odd\nname"};
    for (size_t i = 0; i < r.nsteps; i++) {
        assert_string_equal(r.steps[i].check, checks[i]);
        if (names[i])
            assert_string_equal(r.steps[i].analytic, names[i]);
        else
            assert_null(r.steps[i].analytic);
        assert_int_equal(r.steps[i].status, CI_SKIP);
        assert_null(r.steps[i].note);
    }
    assert_int_equal(p.jobs[2].step[0], 3);
    assert_int_equal(p.jobs[2].step[1], 4);
    /* the command for people: after SELF -C ROOT, names quoted as git quotes paths */
    assert_string_equal(r.steps[0].command, "validate --strict");
    assert_string_equal(r.steps[1].command, "build geo");
    assert_string_equal(r.steps[3].command, "build \"odd\\nname\"");
    assert_non_null(
        strstr(r.steps[4].command, "test --ci --repeat 2 \"odd\\nname\" --policy-rev "));

    /* --no-docker: planned, noted, and no --html without a reports folder */
    struct ci_result r2 = {0};
    struct gate_plan p2 = {0};
    struct gate_plan_options o2 = {.self = "k", .root = "/r", .no_docker = true};
    gate_plan_analytics(&p2, &r2, &ch, &o2);
    assert_int_equal(r2.nsteps, 4);
    for (size_t i = 0; i < r2.nsteps; i++)
        assert_string_equal(r2.steps[i].note, "--no-docker");
    for (size_t i = 0; p2.jobs[0].argv[1][i]; i++)
        assert_string_not_equal(p2.jobs[0].argv[1][i], "--html");

    gate_plan_free(&p2);
    ci_result_free(&r2);
    gate_plan_free(&p);
    ci_result_free(&r);
    changes_free(&ch);
}

static void test_exit_codes(void **state)
{
    (void)state;
    struct ci_result r = {0};
    struct gate_plan p = {0};
    add_sh(&p, &r, "echo out; exit 0");
    add_sh(&p, &r, "echo to-stdout; echo to-stderr >&2; exit 1");
    add_sh(&p, &r, "exit 3");
    add_sh(&p, &r, "kill -9 $$");
    gate_plan_add(&p, &r, "4", NULL, "missing", sh("unused"));
    free(p.jobs[4].argv[0][0]);
    p.jobs[4].argv[0][0] = xstrdup("/nonexistent/kanalytic");
    struct buf order = BUF_INIT;
    run(&p, &r, 2, &order);

    assert_int_equal(r.steps[0].status, CI_PASS);
    assert_int_equal(r.steps[0].exit_code, 0);
    assert_string_equal(r.steps[0].output.data, "out\n");
    assert_int_equal(r.steps[1].status, CI_FAIL);
    assert_int_equal(r.steps[1].exit_code, 1);
    /* stdout and stderr on one pipe, in the order written */
    assert_string_equal(r.steps[1].output.data, "to-stdout\nto-stderr\n");
    assert_int_equal(r.steps[2].status, CI_ERROR);
    assert_int_equal(r.steps[2].exit_code, 3);
    assert_int_equal(r.steps[3].status, CI_ERROR);
    assert_int_equal(r.steps[3].exit_code, 128 + 9);
    assert_string_equal(r.steps[3].note, "killed by signal 9");
    assert_int_equal(r.steps[4].status, CI_ERROR);
    assert_int_equal(r.steps[4].exit_code, -1);
    assert_string_equal(r.steps[4].note,
                        "cannot run /nonexistent/kanalytic: No such file or directory");
    for (size_t i = 0; i < r.nsteps; i++) {
        assert_false(r.steps[i].truncated);
        assert_true(r.steps[i].seconds >= 0 && r.steps[i].seconds < 30);
    }
    /* every step was told of once */
    assert_int_equal(strlen(order.data), 10);
    for (const char *c = "01234"; *c; c++)
        assert_non_null(strchr(order.data, *c));
    buf_free(&order);
    gate_plan_free(&p);
    ci_result_free(&r);
}

static void test_output_cap_keeps_the_tail(void **state)
{
    (void)state;
    struct ci_result r = {0};
    struct gate_plan p = {0};
    add_sh(&p, &r, "i=1; while [ $i -le 20000 ]; do echo \"line $i\"; i=$((i+1)); done");
    add_sh(&p, &r, "printf 'short\\n'");
    struct gate_run_options o = {.parallel = 2, .output_keep = 4096};
    gate_run(&p, &r, &o);

    const struct ci_step *s = &r.steps[0];
    assert_int_equal(s->status, CI_PASS);
    assert_true(s->truncated);
    assert_true(s->output.len > 0 && s->output.len <= 4096);
    assert_int_equal(strlen(s->output.data), s->output.len);
    /* the tail, cut at a line break */
    assert_memory_equal(s->output.data, "line ", 5);
    const char *last = "line 20000\n";
    assert_string_equal(s->output.data + s->output.len - strlen(last), last);
    assert_false(r.steps[1].truncated);
    assert_string_equal(r.steps[1].output.data, "short\n");
    gate_plan_free(&p);
    ci_result_free(&r);
}

static void test_parallel_results_in_plan_order(void **state)
{
    (void)state;
    const char *scripts[] = {"sleep 0.8; echo a", "sleep 0.1; echo b", "sleep 0.4; echo c"};
    for (unsigned parallel = 1; parallel <= 3; parallel += 2) {
        struct ci_result r = {0};
        struct gate_plan p = {0};
        for (size_t i = 0; i < ARRAY_SIZE(scripts); i++)
            add_sh(&p, &r, scripts[i]);
        struct buf order = BUF_INIT;
        double t0 = clock_seconds();
        run(&p, &r, parallel, &order);
        double took = clock_seconds() - t0;
        /* the outputs stay with their steps, whatever order the steps ended in */
        assert_string_equal(r.steps[0].output.data, "a\n");
        assert_string_equal(r.steps[1].output.data, "b\n");
        assert_string_equal(r.steps[2].output.data, "c\n");
        if (parallel == 1) {
            assert_string_equal(order.data, "0,1,2,");
            assert_true(took >= 1.2);
        } else {
            assert_string_equal(order.data, "1,2,0,");
            assert_true(took < 1.2); /* at once: the longest, not the sum */
        }
        buf_free(&order);
        gate_plan_free(&p);
        ci_result_free(&r);
    }
}

/* More jobs than the step array first holds (it grows while the plan is made), two steps
 * each, run at once: each result lands in its own step. */
static void test_many_jobs_two_steps(void **state)
{
    (void)state;
    struct ci_result r = {0};
    struct gate_plan p = {0};
    for (int i = 0; i < 12; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "echo build %d; exit %d", i, i % 3 == 0);
        snprintf(b, sizeof b, "echo test %d", i);
        struct gate_job *j = gate_plan_add(&p, &r, "build", "x", a, sh(a));
        gate_job_then(j, &r, "test", "x", b, sh(b));
    }
    struct buf order = BUF_INIT;
    run(&p, &r, 4, &order);
    assert_int_equal(r.nsteps, 24);
    for (int i = 0; i < 12; i++) {
        const struct ci_step *b = &r.steps[2 * i], *t = &r.steps[2 * i + 1];
        char want[32];
        snprintf(want, sizeof want, "build %d\n", i);
        assert_string_equal(b->output.data, want);
        if (i % 3 == 0) {
            assert_int_equal(b->status, CI_FAIL);
            assert_int_equal(t->status, CI_SKIP);
            assert_int_equal(t->exit_code, -1);
            assert_string_equal(t->note, "skipped: the build did not pass");
            assert_int_equal(t->output.len, 0);
        } else {
            assert_int_equal(b->status, CI_PASS);
            assert_int_equal(t->status, CI_PASS);
            snprintf(want, sizeof want, "test %d\n", i);
            assert_string_equal(t->output.data, want);
            assert_null(t->note);
        }
    }
    buf_free(&order);
    gate_plan_free(&p);
    ci_result_free(&r);
}

static void test_step_environment(void **state)
{
    (void)state;
    setenv("KANALYTIC_ROOT", "relative/root", 1);
    setenv("GITHUB_STEP_SUMMARY", "/tmp/summary.md", 1);
    struct ci_result r = {0};
    struct gate_plan p = {0};
    add_sh(&p, &r,
           "echo \"$KANALYTIC_ROOT [${GITHUB_STEP_SUMMARY-unset}] $(readlink /proc/$$/fd/0)\"");
    struct gate_run_options o = {.parallel = 1, .root = "/abs/root"};
    gate_run(&p, &r, &o);
    assert_string_equal(r.steps[0].output.data, "/abs/root [unset] /dev/null\n");
    unsetenv("KANALYTIC_ROOT");
    unsetenv("GITHUB_STEP_SUMMARY");
    gate_plan_free(&p);
    ci_result_free(&r);
}

/* on_step: cancel once the first step has ended */
static void cancel_on_first(const struct ci_step *s, void *ctx)
{
    record(s, ctx);
    gate_cancel(SIGTERM);
}

static void test_cancel(void **state)
{
    (void)state;
    struct ci_result r = {0};
    struct gate_plan p = {0};
    struct gate_job *j = gate_plan_add(&p, &r, "build", "a", "quick", sh("exit 0"));
    gate_job_then(j, &r, "test", "a", "never", sh("echo ran"));
    gate_plan_add(&p, &r, "build", "b", "slow", sh("exec sleep 30"));
    gate_plan_add(&p, &r, "build", "c", "later", sh("echo ran"));
    struct buf order = BUF_INIT;
    struct gate_run_options o = {.parallel = 2, .on_step = cancel_on_first, .ctx = &order};
    double t0 = clock_seconds();
    gate_run(&p, &r, &o);
    assert_true(clock_seconds() - t0 < 10);
    assert_int_equal(gate_cancelled(), SIGTERM);
    gate_cancel(0);
    assert_int_equal(gate_cancelled(), 0);

    assert_int_equal(r.steps[0].status, CI_PASS);
    /* the second step does not start after a cancel */
    assert_int_equal(r.steps[1].status, CI_SKIP);
    assert_string_equal(r.steps[1].note, "interrupted");
    assert_int_equal(r.steps[1].output.len, 0);
    /* the running one got SIGTERM */
    assert_int_equal(r.steps[2].status, CI_ERROR);
    assert_string_equal(r.steps[2].note, "killed by signal 15");
    /* and no new job started */
    assert_int_equal(r.steps[3].status, CI_SKIP);
    assert_int_equal(r.steps[3].exit_code, -1);
    assert_string_equal(order.data, "build,build,");
    buf_free(&order);
    gate_plan_free(&p);
    ci_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_from_changes),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_output_cap_keeps_the_tail),
        cmocka_unit_test(test_parallel_results_in_plan_order),
        cmocka_unit_test(test_many_jobs_two_steps),
        cmocka_unit_test(test_step_environment),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
