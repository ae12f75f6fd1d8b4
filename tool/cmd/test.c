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
#include "runner/plan.h"
#include "runner/runner.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/num.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum out_format { OUT_TEXT, OUT_JSON, OUT_TAP };

enum {
    OPT_UPDATE = 256,
    OPT_CI,
    OPT_REPEAT,
    OPT_NO_BUILD,
    OPT_JUNIT,
    OPT_FORMAT,
    OPT_TAP,
    OPT_TIMEOUT,
    OPT_OUTPUT_CAP,
    OPT_HTML,
    OPT_POLICY_REV
};

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

static const struct cmd_spec spec = {
    .name = "test",
    "usage: kanalytic test [options] [NAME[/CASE] ...]\n"
    "\n"
    "Runs each test case (analytics/NAME/tests/CASE/) in a container of\n"
    "kestrel-analytics-NAME:latest the way Kestrel's APPLY runs it (inputs in\n"
    "/data/input, parameters as environment variables), sandboxed (no network unless\n"
    "runtime.network, all capabilities dropped, memory/pids limits, the manifest's\n"
    "timeout; /data folders as Kestrel makes them), checks Kestrel's output rules and "
    "compares the outputs\n"
    "with the goldens in expected/. No argument: every case of every analytic.\n"
    "An analytic that asks for more than the repository policy (kanalytic.yaml at the\n"
    "root: network, memory, timeout, output size) is refused before it runs.\n"
    "\n"
    "options:\n",
    options,
    "\n"
    "examples:\n"
    "  kanalytic test                         # everything\n"
    "  kanalytic test sklearn-cluster -j 2\n"
    "  kanalytic test sklearn-cluster/blog-outliers --repeat 3\n"
    "  kanalytic test --ci --junit report.xml\n"
    "\n"
    "exit codes: 0 all passed, 1 a case failed, 2 a case could not be run (no engine,\n"
    "no image, bad manifest or case) or bad usage\n",
};

struct images {
    struct docker *d;
    bool no_build;
    const char *announce; /* NULL: quiet */
};

static int image_of(void *ctx, const struct manifest *m, char **problem)
{
    const struct images *im = ctx;
    return image_ready(im->d, m, im->no_build, im->announce, problem);
}

/* Each case's line as it ends (in plan order), on the console. */
static void print_case_line(const struct case_result *r, void *ctx)
{
    const enum out_format *fmt = ctx;
    if (*fmt == OUT_TEXT && term_verbosity >= 0) {
        report_case_line(r, stdout);
        fflush(stdout);
    }
}

#define MAX_CAP (1L << 40) /* --output-cap */

static int bad_number(const char *what, long max, const char *s)
{
    return cmd_error(&spec, "%s must be a whole number from 1 to %ld, not '%s'", what, max, s);
}

#ifndef KANALYTIC_VERSION
#define KANALYTIC_VERSION "dev"
#endif

int cmd_test(int argc, char **argv)
{
    struct runner_options o = RUNNER_OPTIONS_INIT;
    bool no_build = false;
    const char *junit = NULL;
    const char *html = NULL;
    enum out_format fmt = OUT_TEXT;
    const char *policy_rev = NULL;
    long cap = 0, repeat = 1, timeout = 0, jobs = 1; /* cap 0: none given */
    const char *cap_env = getenv("KANALYTIC_OUTPUT_CAP");
    if (cap_env && *cap_env && parse_long(cap_env, 1, MAX_CAP, &cap) < 0)
        return bad_number("KANALYTIC_OUTPUT_CAP", MAX_CAP, cap_env);
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int ch;
    while ((ch = cmd_parse(&p)) >= 0) {
        long max = 0, *num = NULL;
        const char *what = NULL;
        switch (ch) {
        case 'j': num = &jobs, what = "-j", max = 64; break;
        case OPT_UPDATE: o.update = true; break;
        case OPT_CI: o.ci = true; break;
        case OPT_REPEAT: num = &repeat, what = "--repeat", max = 100; break;
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
            else
                return cmd_error(&spec, "--format is text, json or tap, not '%s'", optarg);
            break;
        case OPT_TAP: fmt = OUT_TAP; break;
        case OPT_TIMEOUT: num = &timeout, what = "--timeout", max = 86400; break;
        case OPT_OUTPUT_CAP: num = &cap, what = "--output-cap", max = MAX_CAP; break;
        case OPT_POLICY_REV: policy_rev = optarg; break;
        }
        if (num && parse_long(optarg, 1, max, num) < 0)
            return bad_number(what, max, optarg);
    }
    if (ch != CMD_PARSE_END)
        return cmd_parse_exit(ch);
    o.repeat = (unsigned)repeat;
    o.timeout = (unsigned)timeout;
    if (cap)
        o.output_cap = (uint64_t)cap;
    report_set_ci(o.ci); /* container logs inside stop-commands blocks */
    if (o.update && o.ci)
        return cmd_error(&spec, "--update and --ci exclude each other");

    char *root = NULL;
    if (repo_find_root(&root) < 0)
        return cmd_trouble(&spec);
    struct plan plan = {0};
    struct diag_list diags = DIAG_LIST_INIT;
    int status = EXIT_TROUBLE;
    struct docker *d = NULL;
    struct run_result res = {0};
    struct repo_policy *policy = NULL;
    if (base_policy_load_at(root, policy_rev, &policy, &diags) != 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        if (!diags.count)
            cmd_trouble(&spec);
        goto out;
    }
    if (plan_build(&plan, root, policy, &o, cap != 0, argc - optind, argv + optind, &diags) < 0) {
        diag_print(&diags, DIAG_FORMAT_TEXT, stderr);
        cmd_trouble(&spec);
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
    if (plan_needs_engine(&plan) && docker_open(&d) < 0) {
        cmd_trouble(&spec);
        goto out;
    }
    /* under GitHub nothing the run prints (names, build and container output) is obeyed */
    struct gh_block guard;
    bool guarded = fmt == OUT_TEXT && gh_actions();
    if (guarded)
        gh_block_begin(&guard, stdout);
    struct images im = {d, no_build,
                        fmt != OUT_TEXT || term_verbosity < 0 ? NULL : "kanalytic test"};
    plan_check_images(&plan, image_of, &im);

    runner_install_signal_handlers();
    plan_run(&plan, d, (unsigned)jobs, &res, print_case_line, &fmt);

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
        status = cmd_trouble(&spec);
    }
    struct html_report_options ho = {NULL, KANALYTIC_VERSION};
    if (html && report_html(&res, &ho, html) < 0) {
        status = cmd_trouble(&spec);
    }
    if (runner_interrupted()) {
        cmd_error(&spec, "interrupted; containers removed");
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
