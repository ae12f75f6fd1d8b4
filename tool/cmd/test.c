/* kanalytic test [NAME[/CASE] ...]: golden-file tests run against the analytics' containers
 * exactly as Kestrel runs them, sandboxed. Discovers the cases, builds missing images, runs
 * the cases (in parallel with -j), prints one line per case and the failures' details, and
 * writes JSON / JUnit / TAP reports. */
#include "cmd.h"
#include "cmd/options.h"
#include "image.h"
#include "docker/docker.h"
#include "git/base_policy.h"
#include "manifest/manifest.h"
#include "manifest/repo_policy.h"
#include "report/html.h"
#include "report/report.h"
#include "runner/runner.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum out_format { OUT_TEXT, OUT_JSON, OUT_TAP };

enum { OPT_UPDATE = 256, OPT_CI, OPT_REPEAT, OPT_NO_BUILD, OPT_JUNIT, OPT_FORMAT, OPT_TAP,
       OPT_TIMEOUT, OPT_OUTPUT_CAP, OPT_HTML, OPT_POLICY_REV };

static const struct cmd_option options[] = {
    CMD_OPT_ARG('j', "jobs", 'j', "N", "run N cases in parallel (default 1)"),
    CMD_OPT_FLAG(0, "update", OPT_UPDATE,
                 "rewrite the goldens of cases that fail on a golden mismatch\n"
                 "(atomically; inputs are never touched), then rerun them"),
    CMD_OPT_FLAG(0, "ci", OPT_CI, "a missing golden fails the case (default: it is created)"),
    CMD_OPT_ARG(0, "repeat", OPT_REPEAT, "N",
                "run each case N times; any difference between runs fails"),
    CMD_OPT_FLAG(0, "no-build", OPT_NO_BUILD, "do not build missing images (say which to build)"),
    CMD_OPT_ARG(0, "timeout", OPT_TIMEOUT, "S", "override every case's timeout (seconds)"),
    CMD_OPT_ARG(0, "output-cap", OPT_OUTPUT_CAP, "BYTES",
                "bytes of /data/output and /data/display a case may leave\n"
                "(default 256 MiB; also KANALYTIC_OUTPUT_CAP)"),
    CMD_OPT_ARG(0, "junit", OPT_JUNIT, "FILE", "also write a JUnit XML report"),
    CMD_OPT_ARG(0, "html", OPT_HTML, "FILE",
                "also write a self-contained HTML report (diffs side by side,\n"
                "logs, the analytic's display in a sandboxed frame)"),
    CMD_OPT_ARG(0, "policy-rev", OPT_POLICY_REV, "REV",
                "read kanalytic.yaml from git revision REV instead of the\n"
                "working tree (what kanalytic ci passes: the base's policy)"),
    CMD_OPT_ARG(0, "format", OPT_FORMAT, "F", "text (default), json or tap"),
    CMD_OPT_FLAG(0, "tap", OPT_TAP, "same as --format tap"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: kanalytic test [options] [NAME[/CASE] ...]\n"
            "\n"
            "Runs each test case (analytics/NAME/tests/CASE/) in a container of\n"
            "kestrel-analytics-NAME:latest the way Kestrel's APPLY runs it (inputs in\n"
            "/data/input, parameters as environment variables), sandboxed (no network unless\n"
            "runtime.network, all capabilities dropped, memory/pids limits, the manifest's\n"
            "timeout; /data folders as Kestrel makes them), checks Kestrel's output rules and compares the outputs\n"
            "with the goldens in expected/. No argument: every case of every analytic.\n"
            "An analytic that asks for more than the repository policy (kanalytic.yaml at the\n"
            "root: network, memory, timeout, output size) is refused before it runs.\n"
            "\n"
            "options:\n");
    cmd_options_print(out, options);
    fprintf(out,
            "\n"
            "examples:\n"
            "  kanalytic test                         # everything\n"
            "  kanalytic test sklearn-cluster -j 2\n"
            "  kanalytic test sklearn-cluster/blog-outliers --repeat 3\n"
            "  kanalytic test --ci --junit report.xml\n"
            "\n"
            "exit codes: 0 all passed, 1 a case failed, 2 a case could not be run (no engine,\n"
            "no image, bad manifest or case) or bad usage\n");
}

/* ---- discovery ---- */

struct analytic_entry {
    char *name;
    char *dir;
    struct manifest *m;
    char *problem; /* the manifest did not load */
    bool want_all;
    bool image_ok;
    char *image_problem;
    struct runner_options opts; /* the command's, within the repository policy's limits */
};

struct plan {
    struct analytic_entry *analytics;
    size_t nanalytics;
    struct runner_case *cases;
    size_t ncases;
};

/* The repository policy and the options as given, shared by the plan_ functions. */
struct policy_ctx {
    const struct repo_policy *policy;
    const struct runner_options *o;
    bool cap_given; /* --output-cap or KANALYTIC_OUTPUT_CAP */
};
static struct policy_ctx policy_ctx;

/* Refuses an analytic that asks for more than the repository policy allows (the findings go
 * to diags, with the rule), and fits its run options within the policy's limits. */
static void plan_apply_policy(struct analytic_entry *a, struct diag_list *diags)
{
    const struct policy_ctx *pc = &policy_ctx;
    a->opts = *pc->o;
    if (!pc->policy || !a->m)
        return;
    struct repo_policy_limits lim;
    repo_policy_limits_for(pc->policy, a->m->name, &lim);
    if (!pc->cap_given || lim.output_size < a->opts.output_cap)
        a->opts.output_cap = lim.output_size;
    struct buf disp = BUF_INIT, why = BUF_INIT;
    buf_addf(&disp, "analytics/%s", a->name);
    size_t before = diags->count;
    int n = repo_policy_check_analytic(pc->policy, a->dir, disp.data, diags);
    if (n > 0) {
        buf_addf(&why, "refused: %s asks for more than the repository policy allows (", a->name);
        for (size_t i = before; i < diags->count; i++)
            buf_addf(&why, "%s%s", i > before ? ", " : "", diags->items[i].rule);
        buf_addf(&why, "; see above)");
    } else if (n == 0 && pc->o->timeout > lim.timeout) {
        buf_addf(&why, "refused (policy-timeout): --timeout %u is more than the %u seconds the "
                       "repository policy (%s) allows %s", pc->o->timeout, lim.timeout,
                 pc->policy->path, a->name);
    } else if (n < 0) {
        buf_addf(&why, "%s", err_last());
    }
    if (why.len)
        a->problem = buf_detach(&why, NULL);
    buf_free(&why);
    buf_free(&disp);
}

static struct analytic_entry *plan_analytic(struct plan *p, const char *root, const char *name,
                                            struct diag_list *diags)
{
    for (size_t i = 0; i < p->nanalytics; i++)
        if (!strcmp(p->analytics[i].name, name))
            return &p->analytics[i];
    p->analytics = xreallocarray(p->analytics, p->nanalytics + 1, sizeof *p->analytics);
    struct analytic_entry *a = &p->analytics[p->nanalytics++];
    memset(a, 0, sizeof *a);
    a->name = xstrdup(name);
    struct buf dir = BUF_INIT;
    buf_addf(&dir, "%s/analytics/%s", root, name);
    a->dir = buf_detach(&dir, NULL);
    char *man = path_join(a->dir, MANIFEST_FILE);
    size_t before = diag_count(diags, DIAG_ERROR);
    int rc = manifest_load(man, &a->m, diags);
    if (rc < 0) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s", err_last());
        a->problem = buf_detach(&b, NULL);
    } else if (rc > 0 || !a->m) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s has %zu error(s) (run kanalytic validate %s)", man,
                 diag_count(diags, DIAG_ERROR) - before, name);
        a->problem = buf_detach(&b, NULL);
    }
    free(man);
    if (!a->problem)
        plan_apply_policy(a, diags);
    return a;
}

static void plan_case(struct plan *p, struct analytic_entry *a, const char *case_name,
                      struct diag_list *diags)
{
    for (size_t i = 0; i < p->ncases; i++)
        if (!strcmp(p->cases[i].analytic, a->name) && !strcmp(p->cases[i].case_name, case_name))
            return;
    p->cases = xreallocarray(p->cases, p->ncases + 1, sizeof *p->cases);
    struct runner_case *c = &p->cases[p->ncases++];
    memset(c, 0, sizeof *c);
    c->manifest = a->m;
    c->analytic = xstrdup(a->name);
    c->analytic_dir = xstrdup(a->dir);
    c->case_name = xstrdup(case_name);
    struct buf dir = BUF_INIT;
    buf_addf(&dir, "%s/tests/%s", a->dir, case_name);
    c->case_dir = buf_detach(&dir, NULL);
    if (a->problem) {
        c->problem = xstrdup(a->problem);
        return;
    }
    size_t before = diag_count(diags, DIAG_ERROR);
    int rc = test_case_load(c->case_dir, a->m, &c->tc, diags);
    if (rc < 0) {
        c->problem = xstrdup(err_last());
    } else if (rc > 0 || !c->tc) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s/%s has %zu error(s) (see above; kanalytic validate %s)", c->case_dir,
                 CASE_FILE, diag_count(diags, DIAG_ERROR) - before, a->name);
        c->problem = buf_detach(&b, NULL);
        test_case_free(c->tc);
        c->tc = NULL;
    }
}

static int plan_all_cases(struct plan *p, struct analytic_entry *a, struct diag_list *diags)
{
    struct strlist names = {NULL, 0};
    if (test_case_list(a->dir, &names) < 0)
        return -1;
    for (size_t i = 0; i < names.count; i++)
        plan_case(p, a, names.items[i], diags);
    strlist_free(&names);
    return 0;
}

static int plan_build(struct plan *p, const char *root, int argc, char **argv,
                      struct diag_list *diags)
{
    if (argc == 0) {
        struct fs_names names = {0};
        if (repo_list_analytics(root, &names) < 0)
            return -1;
        for (size_t i = 0; i < names.count; i++) {
            struct analytic_entry *a = plan_analytic(p, root, names.names[i], diags);
            if (plan_all_cases(p, a, diags) < 0) {
                fs_names_free(&names);
                return -1;
            }
        }
        fs_names_free(&names);
        return 0;
    }
    for (int i = 0; i < argc; i++) {
        char *arg = xstrdup(argv[i]);
        size_t len = strlen(arg);
        while (len > 1 && arg[len - 1] == '/')
            arg[--len] = '\0';
        char *slash = strchr(arg, '/');
        if (slash) {
            *slash = '\0';
            const char *case_name = slash + 1;
            struct buf cd = BUF_INIT;
            buf_addf(&cd, "%s/analytics/%s/tests/%s/%s", root, arg, case_name, CASE_FILE);
            bool exists = fs_is_file(cd.data);
            buf_free(&cd);
            if (!exists || strchr(case_name, '/')) {
                err_set("%s: no such test case (expected analytics/%s/tests/%s/%s)", argv[i],
                        arg, case_name, CASE_FILE);
                free(arg);
                return -1;
            }
            struct analytic_entry *a = plan_analytic(p, root, arg, diags);
            plan_case(p, a, case_name, diags);
        } else {
            struct buf ad = BUF_INIT;
            buf_addf(&ad, "%s/analytics/%s/%s", root, arg, MANIFEST_FILE);
            bool exists = fs_is_file(ad.data);
            buf_free(&ad);
            if (!exists) {
                err_set("%s: no such analytic (no analytics/%s/%s)", argv[i], arg,
                        MANIFEST_FILE);
                free(arg);
                return -1;
            }
            struct analytic_entry *a = plan_analytic(p, root, arg, diags);
            if (plan_all_cases(p, a, diags) < 0) {
                free(arg);
                return -1;
            }
        }
        free(arg);
    }
    return 0;
}

static void plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->ncases; i++) {
        struct runner_case *c = &p->cases[i];
        free(c->analytic_dir);
        free(c->case_dir);
        free(c->analytic);
        free(c->case_name);
        free(c->problem);
        if (c->tc)
            test_case_free(c->tc);
    }
    free(p->cases);
    for (size_t i = 0; i < p->nanalytics; i++) {
        struct analytic_entry *a = &p->analytics[i];
        free(a->name);
        free(a->dir);
        free(a->problem);
        free(a->image_problem);
        if (a->m)
            manifest_free(a->m);
    }
    free(p->analytics);
}

/* ---- images ---- */

static void check_images(struct docker *d, struct plan *p, bool no_build, bool quiet)
{
    for (size_t i = 0; i < p->nanalytics; i++) {
        struct analytic_entry *a = &p->analytics[i];
        if (!a->m)
            continue;
        bool has_case = false;
        for (size_t k = 0; k < p->ncases; k++)
            has_case |= !strcmp(p->cases[k].analytic, a->name) && p->cases[k].tc;
        if (!has_case)
            continue;
        a->image_ok = image_ready(d, a->m, no_build, quiet ? NULL : "kanalytic test",
                                  &a->image_problem) == 0;
    }
}

/* ---- running ---- */

struct pool {
    struct plan *plan;
    struct run_result *res;
    const struct runner_options *o;
    struct docker *base;
    enum out_format fmt;
    pthread_mutex_t lock;
    size_t next;
    bool *done;
    size_t printed;
};

static const struct analytic_entry *entry_for(const struct plan *p, const char *analytic)
{
    for (size_t i = 0; i < p->nanalytics; i++)
        if (!strcmp(p->analytics[i].name, analytic))
            return &p->analytics[i];
    return NULL;
}

static void run_one(struct pool *pl, struct docker *d, size_t i)
{
    struct runner_case *c = &pl->plan->cases[i];
    struct case_result *r = &pl->res->cases[i];
    const struct analytic_entry *a = entry_for(pl->plan, c->analytic);
    const char *img = a ? a->image_problem : NULL;
    if (runner_interrupted()) {
        case_result_init(r, c->analytic, c->case_name);
        case_result_error(r, RULE_INTERRUPTED, "interrupted before it ran");
    } else if (!d) {
        case_result_init(r, c->analytic, c->case_name);
        case_result_error(r, RULE_ENGINE, "no connection to the Docker engine for this job");
    } else if (img && c->tc) {
        case_result_init(r, c->analytic, c->case_name);
        case_result_error(r, RULE_IMAGE, "%s", img);
    } else {
        runner_run_case(d, c, a ? &a->opts : pl->o, r);
    }
    pthread_mutex_lock(&pl->lock);
    pl->done[i] = true;
    while (pl->printed < pl->res->ncases && pl->done[pl->printed]) {
        if (pl->fmt == OUT_TEXT && term_verbosity >= 0) {
            report_case_line(&pl->res->cases[pl->printed], stdout);
            fflush(stdout);
        }
        pl->printed++;
    }
    pthread_mutex_unlock(&pl->lock);
}

static void *worker(void *arg)
{
    struct pool *pl = arg;
    struct docker *d = docker_clone(pl->base);
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        size_t i = pl->next++;
        pthread_mutex_unlock(&pl->lock);
        if (i >= pl->res->ncases)
            break;
        run_one(pl, d, i);
    }
    /* no runner_cleanup here: the other jobs' containers are still running; the main
     * thread sweeps after every job has ended */
    if (d)
        docker_close(d);
    return NULL;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_uint(const char *s, const char *what, unsigned long long max,
                      unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v == 0 || v > max) {
        fprintf(stderr, "kanalytic test: %s must be a whole number from 1 to %llu, not '%s'\n",
                what, max, s);
        return -1;
    }
    *out = v;
    return 0;
}

#ifndef KANALYTIC_VERSION
#define KANALYTIC_VERSION "dev"
#endif

/* ROOT/kanalytic.yaml, or with --policy-rev the file as that git revision has it. */
static int load_policy(const char *root, const char *rev, struct repo_policy **out,
                       struct diag_list *diags)
{
    if (!rev)
        return repo_policy_load_root(root, out, diags);
    git_libgit2_init();
    git_repository *repo = NULL;
    int r = -1;
    if (git_repository_open_ext(&repo, root, 0, NULL) < 0) {
        const git_error *e = git_error_last();
        err_set("--policy-rev %s: %s is not in a git repository (%s)", rev, root,
                e ? e->message : "");
    } else {
        r = base_policy_load(repo, root, rev, out, NULL, diags);
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    return r;
}

int cmd_test(int argc, char **argv)
{
    struct runner_options o = RUNNER_OPTIONS_INIT;
    unsigned jobs = 1;
    bool no_build = false;
    const char *junit = NULL;
    const char *html = NULL;
    enum out_format fmt = OUT_TEXT;
    const char *policy_rev = NULL;
    bool cap_given = false;
    unsigned long long v;
    const char *cap_env = getenv("KANALYTIC_OUTPUT_CAP");
    if (cap_env && *cap_env) {
        if (parse_uint(cap_env, "KANALYTIC_OUTPUT_CAP", (unsigned long long)1 << 40, &v) < 0)
            return EXIT_TROUBLE;
        o.output_cap = v;
        cap_given = true;
    }
    struct cmd_getopt g;
    if (cmd_getopt_init(&g, options, false) < 0) {
        fprintf(stderr, "kanalytic test: %s\n", err_last());
        return EXIT_TROUBLE;
    }
    optind = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
        switch (ch) {
        case 'j':
            if (parse_uint(optarg, "-j", 64, &v) < 0)
                return EXIT_TROUBLE;
            jobs = (unsigned)v;
            break;
        case OPT_UPDATE: o.update = true; break;
        case OPT_CI: o.ci = true; break;
        case OPT_REPEAT:
            if (parse_uint(optarg, "--repeat", 100, &v) < 0)
                return EXIT_TROUBLE;
            o.repeat = (unsigned)v;
            break;
        case OPT_NO_BUILD: no_build = true; break;
        case OPT_JUNIT: junit = optarg; break;
        case OPT_HTML: html = optarg; break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "text"))
                fmt = OUT_TEXT;
            else if (!strcmp(optarg, "json"))
                fmt = OUT_JSON;
            else if (!strcmp(optarg, "tap"))
                fmt = OUT_TAP;
            else {
                fprintf(stderr, "kanalytic test: --format is text, json or tap, not '%s'\n",
                        optarg);
                return EXIT_TROUBLE;
            }
            break;
        case OPT_TAP: fmt = OUT_TAP; break;
        case OPT_TIMEOUT:
            if (parse_uint(optarg, "--timeout", 86400, &v) < 0)
                return EXIT_TROUBLE;
            o.timeout = (unsigned)v;
            break;
        case OPT_OUTPUT_CAP:
            if (parse_uint(optarg, "--output-cap", (unsigned long long)1 << 40, &v) < 0)
                return EXIT_TROUBLE;
            o.output_cap = v;
            cap_given = true;
            break;
        case OPT_POLICY_REV: policy_rev = optarg; break;
        case 'h': usage(stdout); return 0;
        case CMD_OPT_LIST_OPTIONS: cmd_options_list(stdout, options); return 0;
        default: usage(stderr); return EXIT_TROUBLE;
        }
    }
    report_set_ci(o.ci); /* container logs inside stop-commands blocks */
    if (o.update && o.ci) {
        fprintf(stderr, "kanalytic test: --update and --ci exclude each other\n");
        return EXIT_TROUBLE;
    }

    char *root = NULL;
    if (repo_find_root(&root) < 0) {
        fprintf(stderr, "kanalytic test: %s\n", err_last());
        return EXIT_TROUBLE;
    }
    struct plan plan = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    int status = EXIT_TROUBLE;
    struct docker *d = NULL;
    struct run_result res = {0};
    struct repo_policy *policy = NULL;
    if (load_policy(root, policy_rev, &policy, &diags) != 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        if (!diags.count)
            fprintf(stderr, "kanalytic test: %s\n", err_last());
        goto out;
    }
    policy_ctx = (struct policy_ctx){policy, &o, cap_given};
    if (plan_build(&plan, root, argc - optind, argv + optind, &diags) < 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        fprintf(stderr, "kanalytic test: %s\n", err_last());
        goto out;
    }
    if (diags.count)
        diag_print(&diags, diag_format_from_env(DIAG_FORMAT_TEXT), stderr);
    if (plan.ncases == 0) {
        fprintf(stderr, "kanalytic test: no test cases found (analytics/NAME/tests/CASE/%s)\n",
                CASE_FILE);
        status = argc - optind ? EXIT_TROUBLE : 0;
        goto out;
    }
    if (docker_open(&d) < 0) {
        fprintf(stderr, "kanalytic test: %s\n", err_last());
        goto out;
    }
    /* under GitHub nothing the run prints (names, build and container output) is obeyed */
    struct gh_block guard;
    bool guarded = fmt == OUT_TEXT && gh_actions();
    if (guarded)
        gh_block_begin(&guard, stdout);
    check_images(d, &plan, no_build, fmt != OUT_TEXT || term_verbosity < 0);

    runner_install_signal_handlers();
    res.ncases = plan.ncases;
    res.cases = xcalloc(plan.ncases, sizeof *res.cases);
    res.jobs = jobs > plan.ncases ? (unsigned)plan.ncases : jobs;
    struct pool pl = {.plan = &plan, .res = &res, .o = &o, .base = d, .fmt = fmt};
    pthread_mutex_init(&pl.lock, NULL);
    pl.done = xcalloc(plan.ncases, sizeof *pl.done);
    double t0 = now_seconds();
    if (res.jobs <= 1) {
        for (size_t i = 0; i < plan.ncases; i++)
            run_one(&pl, d, i);
    } else {
        pthread_t *threads = xcalloc(res.jobs, sizeof *threads);
        unsigned started = 0;
        for (unsigned t = 0; t < res.jobs; t++)
            if (pthread_create(&threads[t], NULL, worker, &pl) == 0)
                started++;
            else
                break;
        if (started == 0)
            for (size_t i = 0; i < plan.ncases; i++)
                run_one(&pl, d, i);
        for (unsigned t = 0; t < started; t++)
            pthread_join(threads[t], NULL);
        free(threads);
    }
    res.seconds = now_seconds() - t0;
    runner_cleanup(d);
    free(pl.done);
    pthread_mutex_destroy(&pl.lock);

    switch (fmt) {
    case OUT_TEXT:
        if (term_verbosity >= 0 || run_result_exit_code(&res))
            report_console_summary(&res, stdout);
        break;
    case OUT_JSON: report_json(&res, stdout); break;
    case OUT_TAP: report_tap(&res, stdout); break;
    }
    if (guarded)
        gh_block_end(&guard, stdout);
    status = run_result_exit_code(&res);
    if (junit && report_junit(&res, junit) < 0) {
        fprintf(stderr, "kanalytic test: %s\n", err_last());
        status = EXIT_TROUBLE;
    }
    struct html_report_options ho = {NULL, KANALYTIC_VERSION};
    if (html && report_html(&res, &ho, html) < 0) {
        fprintf(stderr, "kanalytic test: %s\n", err_last());
        status = EXIT_TROUBLE;
    }
    if (runner_interrupted()) {
        fprintf(stderr, "kanalytic test: interrupted; containers removed\n");
        status = EXIT_TROUBLE;
    }
out:
    run_result_free(&res);
    if (d)
        docker_close(d);
    plan_free(&plan);
    repo_policy_free(policy);
    diag_list_free(&diags);
    free(root);
    return status;
}
