/* Unit tests of tool/runner/plan.c, the planning of `kanalytic test`, on analytics built in a
 * temporary folder: every case of every analytic, arguments in the order given and each case
 * once, unknown names refused, cases that do not load carried with their problem, the
 * repository policy's limits and refusals, and the pool reporting every case in plan order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/manifest.h"
#include "manifest/repo_policy.h"
#include "runner/plan.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"
#include "tree_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root[64];

static void make_case(const char *analytic, const char *name, const char *yaml)
{
    char rel[256];
    snprintf(rel, sizeof rel, "analytics/%s/tests/%s/case.yaml", analytic, name);
    tree_put(root, rel,
             yaml ? yaml
                  : "description: a case\n"
                    "parameters: {columns: [src_byte_count, dst_byte_count], n_clusters: 2}\n");
    snprintf(rel, sizeof rel, "analytics/%s/tests/%s/input/0.parquet.gz", analytic, name);
    tree_put(root, rel, "PAR1");
}

/* analytics alpha (cases one, two) and beta (case basic) */
static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/kanalytic-plan.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    tree_analytic(root, "alpha");
    make_case("alpha", "one", NULL);
    make_case("alpha", "two", NULL);
    tree_analytic(root, "beta");
    make_case("beta", "basic", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static const struct runner_options defaults = RUNNER_OPTIONS_INIT;

static void assert_case(const struct plan *p, size_t i, const char *analytic, const char *name)
{
    assert_true(i < p->ncases);
    assert_string_equal(p->cases[i].analytic, analytic);
    assert_string_equal(p->cases[i].case_name, name);
}

static void test_everything(void **state)
{
    (void)state;
    struct plan p = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(plan_build(&p, root, NULL, &defaults, false, 0, NULL, &diags), 0);
    assert_int_equal(diags.count, 0);
    assert_int_equal(p.nanalytics, 2);
    assert_int_equal(p.ncases, 3);
    assert_case(&p, 0, "alpha", "one");
    assert_case(&p, 1, "alpha", "two");
    assert_case(&p, 2, "beta", "basic");
    for (size_t i = 0; i < p.ncases; i++) {
        assert_non_null(p.cases[i].tc);
        assert_null(p.cases[i].problem);
        assert_non_null(p.cases[i].manifest);
    }
    assert_true(plan_analytic_has_case(&p, "beta"));
    assert_false(plan_analytic_has_case(&p, "gamma"));
    assert_non_null(plan_find_analytic(&p, "alpha"));
    assert_null(plan_find_analytic(&p, "gamma"));
    /* without a policy, every analytic runs with the options as given */
    assert_int_equal(plan_find_analytic(&p, "alpha")->opts.output_cap, defaults.output_cap);
    plan_free(&p);
    diag_list_free(&diags);
}

/* Arguments in the order given, a trailing slash ignored, each case once. */
static void test_arguments_order_once(void **state)
{
    (void)state;
    char *argv[] = {"beta", "alpha/two", "alpha/", "beta/basic"};
    struct plan p = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(plan_build(&p, root, NULL, &defaults, false, 4, argv, &diags), 0);
    assert_int_equal(p.nanalytics, 2);
    assert_string_equal(p.analytics[0].name, "beta");
    assert_string_equal(p.analytics[1].name, "alpha");
    assert_int_equal(p.ncases, 3);
    assert_case(&p, 0, "beta", "basic");
    assert_case(&p, 1, "alpha", "two");
    assert_case(&p, 2, "alpha", "one");
    plan_free(&p);
    diag_list_free(&diags);
}

static void test_unknown_names(void **state)
{
    (void)state;
    struct diag_list diags = DIAG_LIST_INIT;
    char *a1[] = {"alpha", "nope"};
    struct plan p = {0};
    assert_int_equal(plan_build(&p, root, NULL, &defaults, false, 2, a1, &diags), -1);
    assert_non_null(strstr(err_last(), "nope: no such analytic"));
    plan_free(&p);
    char *a2[] = {"alpha/nope"};
    memset(&p, 0, sizeof p);
    assert_int_equal(plan_build(&p, root, NULL, &defaults, false, 1, a2, &diags), -1);
    assert_non_null(strstr(err_last(), "alpha/nope: no such test case"));
    plan_free(&p);
    char *a3[] = {"alpha/one/input"};
    memset(&p, 0, sizeof p);
    assert_int_equal(plan_build(&p, root, NULL, &defaults, false, 1, a3, &diags), -1);
    plan_free(&p);
    diag_list_free(&diags);
}

/* A case.yaml with errors is planned, with the problem, and findings in diags. */
static void test_bad_case_carried(void **state)
{
    (void)state;
    make_case("beta", "broken", "description: [\n");
    char *argv[] = {"beta"};
    struct plan p = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(plan_build(&p, root, NULL, &defaults, false, 1, argv, &diags), 0);
    assert_int_equal(p.ncases, 2);
    assert_case(&p, 0, "beta", "basic");
    assert_case(&p, 1, "beta", "broken");
    assert_null(p.cases[0].problem);
    assert_null(p.cases[1].tc);
    assert_non_null(p.cases[1].problem);
    assert_non_null(strstr(p.cases[1].problem, "case.yaml"));
    assert_true(diag_count(&diags, DIAG_ERROR) > 0);
    plan_free(&p);
    diag_list_free(&diags);
}

static struct repo_policy *policy(const char *text)
{
    struct repo_policy *pol = NULL;
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(repo_policy_load_buffer(text, strlen(text), "kanalytic.yaml", &pol, &diags),
                     0);
    diag_list_free(&diags);
    return pol;
}

/* The policy's output size caps the options unless a smaller cap was given; a --timeout over
 * the policy's refuses every case of the analytic. */
static void test_policy(void **state)
{
    (void)state;
    struct repo_policy *pol = policy("schema_version: 1\n"
                                     "limits:\n"
                                     "  timeout: 600\n"
                                     "  output_size: 1m\n");
    struct runner_options o = RUNNER_OPTIONS_INIT;
    struct plan p = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(plan_build(&p, root, pol, &o, false, 0, NULL, &diags), 0);
    assert_int_equal(plan_find_analytic(&p, "alpha")->opts.output_cap, 1 << 20);
    assert_null(p.cases[0].problem);
    plan_free(&p);

    o.output_cap = 1000;
    memset(&p, 0, sizeof p);
    assert_int_equal(plan_build(&p, root, pol, &o, true, 0, NULL, &diags), 0);
    assert_int_equal(plan_find_analytic(&p, "alpha")->opts.output_cap, 1000);
    plan_free(&p);

    o.timeout = 601;
    memset(&p, 0, sizeof p);
    assert_int_equal(plan_build(&p, root, pol, &o, false, 0, NULL, &diags), 0);
    for (size_t i = 0; i < p.ncases; i++) {
        assert_non_null(p.cases[i].problem);
        assert_non_null(strstr(p.cases[i].problem, "policy-timeout"));
    }
    plan_free(&p);
    repo_policy_free(pol);
    diag_list_free(&diags);
}

struct seen {
    char ids[8][64];
    size_t n;
};

static void record(const struct case_result *r, void *ctx)
{
    struct seen *s = ctx;
    if (s->n < 8)
        snprintf(s->ids[s->n++], sizeof s->ids[0], "%s", r->id);
}

/* Without an engine every case ends as an engine error; each is reported once, in plan
 * order, whatever the number of workers (which never exceeds the cases). */
static void test_run_reports_in_order(void **state)
{
    (void)state;
    struct plan p = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    assert_int_equal(plan_build(&p, root, NULL, &defaults, false, 0, NULL, &diags), 0);
    for (unsigned jobs = 1; jobs <= 8; jobs *= 8) {
        struct run_result res = {0};
        struct seen s = {0};
        plan_run(&p, NULL, jobs, &res, record, &s);
        assert_int_equal(res.ncases, 3);
        assert_int_equal(res.jobs, jobs == 1 ? 1 : 3);
        assert_int_equal(s.n, 3);
        assert_string_equal(s.ids[0], "alpha/one");
        assert_string_equal(s.ids[1], "alpha/two");
        assert_string_equal(s.ids[2], "beta/basic");
        for (size_t i = 0; i < res.ncases; i++) {
            assert_int_equal(res.cases[i].status, CASE_ERROR);
            assert_true(case_result_has_rule(&res.cases[i], RULE_ENGINE));
        }
        assert_int_equal(run_result_exit_code(&res), 2);
        run_result_free(&res);
    }
    plan_free(&p);
    diag_list_free(&diags);
}

/* A fake image check: alpha's is ready, beta's is not. */
static int fake_image(void *ctx, const struct manifest *m, char **problem)
{
    struct buf *asked = ctx;
    buf_addf(asked, "%s;", m->name);
    if (!strcmp(m->name, "alpha"))
        return 0;
    *problem = xstrdup("image kestrel-analytics-beta:latest not found");
    return -1;
}

/* Every analytic with a case that loaded is asked once, in plan order; one without such a
 * case is not; the answer lands in image_ok and image_problem (which plan_free frees). */
static void test_check_images(void **state)
{
    (void)state;
    tree_analytic(root, "gamma"); /* no case that loads: its image is never needed */
    make_case("gamma", "broken", "description: [\n");
    struct plan p = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    char *argv[] = {"beta", "alpha/one", "gamma"};
    assert_int_equal(plan_build(&p, root, NULL, &defaults, false, 3, argv, &diags), 0);
    struct buf asked = BUF_INIT;
    plan_check_images(&p, fake_image, &asked);
    assert_string_equal(asked.data, "beta;alpha;");
    const struct plan_analytic *a = plan_find_analytic(&p, "alpha");
    const struct plan_analytic *b = plan_find_analytic(&p, "beta");
    const struct plan_analytic *g = plan_find_analytic(&p, "gamma");
    assert_true(a->image_ok);
    assert_null(a->image_problem);
    assert_false(b->image_ok);
    assert_string_equal(b->image_problem, "image kestrel-analytics-beta:latest not found");
    assert_non_null(g);
    assert_false(g->image_ok);
    assert_null(g->image_problem);
    buf_free(&asked);
    plan_free(&p);
    diag_list_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arguments_order_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_case_carried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_reports_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_images, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
