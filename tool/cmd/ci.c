/* kanalytic ci: the gate on pull requests.
 *   1. `validate --strict` on every analytic;
 *   2. the pull-request policy (tool/git/policy.h) on the analytics whose files changed;
 *   3. `build NAME` then `test --ci --repeat 2 NAME` for each selected analytic, -j at a time.
 * The work is in tool/gate/ (changes, policy, planning and running the subprocess steps) and
 * report/ci_report.h (summaries, reports, annotations); this file parses the options, prints
 * each step as it ends (under GitHub Actions inside a stop-commands guard) and gives the exit
 * code: 0 mergeable, 1 not, 2 could not run. */
#include "cmd.h"
#include "cmd/options.h"
#include "gate/gate.h"
#include "gate/steps.h"
#include "report/ci_report.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/num.h"
#include "util/quote.h"
#include "util/term.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_BASE = 256, OPT_LIST, OPT_SHARD, OPT_JUNIT, OPT_MD, OPT_FORMAT, OPT_NODOCKER, OPT_HTML };

static const struct cmd_option options[] = {
    CMD_OPT_ARG(0, "base", OPT_BASE, "REV",
                "compare with the merge base of REV and HEAD, and read the\n"
                "repository policy at REV (default: origin/main, else main)"),
    CMD_OPT_FLAG(0, "list", OPT_LIST,
                 "print the selection and why each analytic is in it, run nothing"),
    CMD_OPT_ARG(0, "shard", OPT_SHARD, "I/N",
                "keep shard I of N (1-based) of the selection, for CI matrices"),
    CMD_OPT_ARG('j', "jobs", 'j', "N",
                "analytics built and tested at once (default: number of CPUs)"),
    CMD_OPT_FLAG(0, "no-docker", OPT_NODOCKER,
                 "skip step 3 (build and test), e.g. where no engine runs"),
    CMD_OPT_ARG(0, "junit", OPT_JUNIT, "FILE", "write a JUnit XML report"),
    CMD_OPT_ARG(0, "html", OPT_HTML, "FILE",
                "write one self-contained HTML report, with each analytic's test\n"
                "report (diffs, logs, displays) embedded"),
    CMD_OPT_ARG(0, "markdown", OPT_MD, "FILE",
                "write a Markdown summary (default: $GITHUB_STEP_SUMMARY when set)"),
    CMD_OPT_ARG(0, "format", OPT_FORMAT, "FMT",
                "text (default) or json (the whole result on stdout)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "ci",
    "usage: kanalytic ci [--base REV] [--list] [--shard I/N] [-j N] [--no-docker]\n"
    "                    [--junit FILE] [--markdown FILE] [--format text|json]\n"
    "\n"
    "The pull-request gate. Finds what changed since the base (libgit2: base..HEAD plus staged,\n"
    "unstaged and untracked files), then runs\n"
    "  1. validate --strict on every analytic,\n"
    "  2. the policy on analytics whose files changed: version bumped (semver), new analytics\n"
    "     have test cases, goldens (tests/*/expected/) change only with a new version; and\n"
    "     the repository policy, kanalytic.yaml as the base revision has it (never the pull\n"
    "     request's): network, memory and timeout within its limits and approvals,\n"
    "  3. build and test --ci --repeat 2 of the selected analytics, -j at a time.\n"
    "Changes to template/, schemas/, tool/, Makefile or .github/workflows/ select every\n"
    "analytic; a ci.triggers file at the root (one glob a line) replaces that list. A\n"
    "changed file that an analytic's build.include brings in selects that analytic.\n"
    "\n"
    "options:\n",
    options,
    "\n"
    "With GITHUB_ACTIONS=true, findings and failures become ::error annotations on the file\n"
    "and line that caused them.\n"
    "\n"
    "exit: 0 mergeable, 1 not mergeable, 2 could not run (no git repository, no base, ...)\n"
    "\n"
    "examples:\n"
    "  kanalytic ci --list                      what would this branch check?\n"
    "  kanalytic ci --base origin/main -j 2     the whole gate, as CI runs it\n"
    "  kanalytic ci --shard 2/4 --junit ci.xml  one job of a four-way CI matrix\n",
    .stop_at_operand = true,
    .bad_option = "unknown option '%s'",
};

/* Under GitHub Actions everything the gate prints is inside a stop-commands block (names and
 * logs come from the pull request); it is closed only for the gate's own annotations. */
static struct gh_block guard;
static bool guard_on;

/* (gh_block_begin and _end flush every stream, so the order in the log holds) */
static void guard_open(FILE *o)
{
    if (gh_actions() && !guard_on) {
        gh_block_begin(&guard, o);
        guard_on = true;
    }
}

static void guard_close(FILE *o)
{
    if (guard_on) {
        gh_block_end(&guard, o);
        guard_on = false;
    }
}

/* gate_step_fn: one line a step as it ends, and its output when it did not pass (or -v);
 * under GitHub, the output's own annotations outside the guard, where GitHub obeys them. */
static void print_step(const struct ci_step *s, void *ctx)
{
    FILE *o = ctx;
    bool show = s->status == CI_FAIL || s->status == CI_ERROR || term_verbosity > 0;
    show = show && s->output.len && term_verbosity >= 0;
    ci_report_step(s, show, o);
    if (show && gh_actions() && !s->truncated) {
        bool was = guard_on;
        guard_close(o);
        ci_report_step_annotations(s, o);
        if (was)
            guard_open(o);
    }
    fflush(o);
}

/* ---- the command ------------------------------------------------------------------------ */

struct ci_opts {
    const char *base;
    bool list, no_docker, json;
    unsigned shard_i, shard_n;
    unsigned jobs;
    const char *junit, *markdown, *html;
};

/* -1: run; else the exit code (after --help, or a bad option said). */
static int parse_opts(int argc, char **argv, struct ci_opts *o)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = ncpu > 0 ? (unsigned)ncpu : 1;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case OPT_BASE: o->base = optarg; break;
        case OPT_LIST: o->list = true; break;
        case OPT_NODOCKER: o->no_docker = true; break;
        case OPT_JUNIT: o->junit = optarg; break;
        case OPT_HTML: o->html = optarg; break;
        case OPT_MD: o->markdown = optarg; break;
        case OPT_SHARD:
            if (changes_parse_shard(optarg, &o->shard_i, &o->shard_n) < 0)
                return cmd_trouble(&spec);
            break;
        case 'j': {
            long v;
            if (parse_long(optarg, 1, 256, &v) < 0)
                return cmd_error(&spec, "-j '%s': expected a number from 1 to 256", optarg);
            o->jobs = (unsigned)v;
            break;
        }
        case OPT_FORMAT:
            if (!strcmp(optarg, "json"))
                o->json = true;
            else if (strcmp(optarg, "text"))
                return cmd_error(&spec, "--format '%s': expected text or json", optarg);
            break;
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    if (optind < argc)
        return cmd_error(&spec, "unexpected argument '%s' (ci checks what changed; see --base)",
                         argv[optind]);
    return -1;
}

/* The reports asked for (--html, --junit, --markdown or GitHub's step summary): 0, or
 * EXIT_TROUBLE when one could not be written. */
static int write_reports(const struct ci_opts *o, const struct ci_result *r, const char *html_dir)
{
    int rc = 0;
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    if (o->html) {
        struct buf page = BUF_INIT;
        ci_report_html(r, html_dir, &page);
        if (fs_write_atomic(o->html, page.data, page.len) < 0)
            rc = cmd_trouble(&spec);
        buf_free(&page);
    }
    if (o->junit && ci_report_write(o->junit, ci_report_junit, r, false) < 0)
        rc = cmd_trouble(&spec);
    if (o->markdown && ci_report_write(o->markdown, ci_report_markdown, r, false) < 0)
        rc = cmd_trouble(&spec);
    else if (!o->markdown && summary && *summary &&
             ci_report_write(summary, ci_report_markdown, r, true) < 0)
        rc = cmd_trouble(&spec);
    return rc;
}

int cmd_ci(int argc, char **argv)
{
    struct ci_opts o = {0};
    int pr = parse_opts(argc, argv, &o);
    if (pr >= 0)
        return pr;
    FILE *out = o.json ? stderr : stdout;
    guard_open(out);

    struct gate g;
    struct ci_result res = {0};
    struct gate_plan validate = {0}, plan = {0};
    char html_tmp[] = "/tmp/kanalytic-ci-html.XXXXXX";
    const char *html_dir = NULL;
    int rc = EXIT_TROUBLE;

    struct gate_options gopts = {
        .base = o.base, .shard_index = o.shard_i, .shard_count = o.shard_n};
    if (gate_open(&g, &gopts) < 0)
        goto fail;
    const struct changes *ch = &g.changes;
    if (o.list) {
        if (o.json)
            ci_report_list_json(ch, ch->total, o.shard_i, o.shard_n, stdout);
        else
            ci_report_list(ch, ch->total, o.shard_i, o.shard_n, stdout);
        rc = 0;
        goto cleanup;
    }

    res.changes = ch;
    res.total_analytics = ch->total;
    res.shard_index = o.shard_i;
    res.shard_count = o.shard_n;
    if (!o.json)
        ci_report_list(ch, ch->total, o.shard_i, o.shard_n, stdout);

    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = gate_cancel;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    struct gate_plan_options po = {.self = GATE_SELF, .root = g.root, .no_docker = o.no_docker};
    struct gate_run_options ro = {.parallel = 1, .root = g.root, .on_step = print_step, .ctx = out};

    /* 1. validate --strict, everything: cheap, and catches cross-analytic problems */
    fprintf(out, "\n== validate\n");
    gate_plan_validate(&validate, &res, &po);
    gate_run(&validate, &res, &ro);

    /* 2. policy, against the base read from git objects */
    fprintf(out, "\n== policy\n");
    gate_policy(&g, &res);
    ci_report_policy(&res, out);

    /* 3. build and test the selection, -j at a time */
    if (ch->count)
        fprintf(out, "\n== build and test (%zu analytic%s, -j %u)\n", ch->count,
                ch->count == 1 ? "" : "s", o.jobs);
    if (o.html) {
        if (!mkdtemp(html_tmp)) {
            err_errno("a temporary folder for the test reports");
            goto fail;
        }
        po.html_dir = html_dir = html_tmp;
    }
    gate_plan_analytics(&plan, &res, ch, &po);
    ro.parallel = o.jobs;
    if (!o.no_docker && plan.njobs)
        gate_run(&plan, &res, &ro);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);

    ci_result_conclude(&res);
    if (gate_cancelled() && res.exit_code == 0)
        res.exit_code = EXIT_TROUBLE;
    rc = res.exit_code;

    if (o.json)
        ci_report_json(&res, stdout);
    else
        ci_report_text(&res, stdout);
    if (gh_actions()) {
        guard_close(out);
        ci_report_annotations(&res, g.prefix, stdout);
    }
    if (write_reports(&o, &res, html_dir))
        rc = EXIT_TROUBLE;
    goto cleanup;

fail:
    rc = cmd_trouble(&spec);
cleanup:
    guard_close(out);
    if (html_dir)
        fs_remove_tree(html_dir);
    gate_plan_free(&validate);
    gate_plan_free(&plan);
    ci_result_free(&res);
    gate_close(&g);
    return rc;
}
