/* kanalytic build [NAME ...]: the command over tool/builder/ (which validates each analytic,
 * streams its context to the engine's classic builder, tags and labels the image). This file
 * parses options and shows the builds: every line with -v; one live line per analytic on a
 * terminal; plain step lines otherwise; the failures' last lines and a summary table. */
#include "builder/builder.h"
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "docker/context.h"
#include "docker/docker.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/human.h"
#include "util/num.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct cmd_option options[] = {
    CMD_OPT_ARG('j', "jobs", 'j', "N", "build N analytics at a time (default 1)"),
    CMD_OPT_FLAG(0, "no-cache", 'N', "do not use the build cache"),
    CMD_OPT_ARG(0, "build-arg", 'b', "K=V",
                "set a build argument (overrides the manifest's build.args;\n"
                "K alone takes the value from the environment)"),
    CMD_OPT_FLAG('v', "verbose", 'v', "print every line of build output"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "build",
    "usage: kanalytic build [-j N] [--no-cache] [--build-arg K=V]... [-v] [NAME ...]\n"
    "\n"
    "Builds the image of each named analytic (default: every analytic in analytics/)\n"
    "through the Docker Engine API with the classic builder, after the checks of\n"
    "`kanalytic validate`. Images are tagged kestrel-analytics-NAME:latest and\n"
    "kestrel-analytics-NAME:VERSION and labelled with org.opencontainers.image.*,\n"
    "io.kanalytic.manifest (the manifest as JSON) and io.kanalytic.context-digest.\n"
    "The build context is the analytic's folder minus .dockerignore, plus the\n"
    "manifest's build.include entries. Nothing is pulled.\n"
    "\n",
    options,
    "\n"
    "KANALYTIC_BUILD_CACHE_FROM=1 takes cached layers only from the analytic's own\n"
    "images as the engine has them (its two tags), loaded ones included: CI sets it\n"
    "after loading the images of an earlier run (docs/maintaining.md).\n"
    "\n"
    "exit: 0 built, 1 a manifest is invalid or a build failed, 2 usage or the engine\n"
    "cannot be reached\n"
    "\n"
    "examples:\n"
    "  kanalytic build sklearn-cluster\n"
    "  kanalytic build -j 2 --no-cache\n"
    "  kanalytic build --build-arg HTTP_PROXY=http://proxy:3128 -v attribute-plot\n",
};

/* How the builds are shown (the callbacks run one at a time). */
struct view {
    bool verbose;
    bool live; /* one redrawn line per analytic */
    int rows;  /* rows drawn so far */
    int width;
};

/* Redraws row j->row in place. */
static void draw_row(struct view *v, struct builder_job *j, const char *text)
{
    int up = v->rows - j->row;
    fprintf(stderr, "\033[%dA\r\033[2K", up);
    int room = v->width - 2 - (int)strlen(qpath(j->name)) - 2;
    if (room < 10)
        room = 10;
    fprintf(stderr, "%s%s%s  %.*s\033[%dB\r", term_color(stderr, TC_BOLD), qpath(j->name),
            term_color(stderr, TC_RESET), room, text, up);
    fflush(stderr);
}

static void announce_context(struct view *v, struct builder_job *j)
{
    char sz[32];
    human_size(sz, sizeof sz, (double)context_size(j->ctx));
    if (v->live) {
        j->row = v->rows++;
        fprintf(stderr, "%s%s%s  context %zu entries, %s; waiting\n", term_color(stderr, TC_BOLD),
                qpath(j->name), term_color(stderr, TC_RESET), context_file_count(j->ctx), sz);
    } else if (term_verbosity >= 0) {
        fprintf(stderr, "%s: context %zu entries, %s\n", qpath(j->name), context_file_count(j->ctx),
                sz);
    }
}

static void on_line(void *ctx, struct builder_job *j, const char *line, bool is_step)
{
    struct view *v = ctx;
    if (v->verbose)
        fprintf(stderr, "[%s] %s\n", qpath(j->name), line);
    else if (v->live && is_step)
        draw_row(v, j, line);
    else if (!v->live && is_step && term_verbosity >= 0)
        fprintf(stderr, "%s: %.*s%s\n", qpath(j->name), 120, line, strlen(line) > 120 ? "..." : "");
}

static void on_done(void *ctx, struct builder_job *j)
{
    struct view *v = ctx;
    if (v->live) {
        struct buf b = BUF_INIT;
        if (j->failed)
            buf_addf(&b, "%sfailed%s at %s", term_color(stderr, TC_RED),
                     term_color(stderr, TC_RESET), *j->step ? j->step : "the start");
        else
            buf_addf(&b, "%sbuilt%s %.19s in %.1fs", term_color(stderr, TC_GREEN),
                     term_color(stderr, TC_RESET), j->image_id, j->seconds);
        draw_row(v, j, b.data);
        buf_free(&b);
    } else if (term_verbosity >= 0) {
        if (j->failed)
            fprintf(stderr, "%s: failed\n", qpath(j->name));
        else
            fprintf(stderr, "%s: built %.19s in %.1fs\n", qpath(j->name), j->image_id, j->seconds);
    }
}

static void print_failure(const struct builder_job *j)
{
    fprintf(stderr, "\n%s%s: build failed%s", term_color(stderr, TC_RED), qpath(j->name),
            term_color(stderr, TC_RESET));
    if (*j->step)
        fprintf(stderr, " at %s", j->step);
    fprintf(stderr, "\n");
    bool any = false;
    for (size_t k = 0; k < BUILDER_TAIL_LINES; k++) {
        const char *l = j->tail[(j->tail_next + k) % BUILDER_TAIL_LINES];
        if (!l)
            continue;
        if (!any)
            fprintf(stderr, "last lines of its output:\n");
        any = true;
        fprintf(stderr, "  | %s\n", l);
    }
    fprintf(stderr, "error: %s\n", j->error ? j->error : "unknown");
}

static void print_summary(const struct builder_job *jobs, size_t n)
{
    printf("\n%-28s %-19s %10s %8s  %s\n", "ANALYTIC", "IMAGE ID", "SIZE", "TIME", "RESULT");
    for (size_t i = 0; i < n; i++) {
        const struct builder_job *j = &jobs[i];
        char sz[32] = "-", tm[32] = "-";
        if (j->image_id)
            human_size(sz, sizeof sz, (double)j->size);
        if (j->seconds > 0)
            snprintf(tm, sizeof tm, "%.1fs", j->seconds);
        const char *result = j->image_id ? "built" : j->failed ? "FAILED" : "not built";
        printf("%-28s %-19.19s %10s %8s  %s\n", qpath(j->name), j->image_id ? j->image_id : "-", sz,
               tm, result);
    }
}

/* Each analytic's findings and why it cannot be built, as it is prepared. */
static void on_prepared(void *ctx, struct builder_job *j, int rc, const struct diag_list *diags)
{
    if (rc < 0)
        cmd_trouble(&spec);
    else if (diags->count)
        diag_print(diags, diag_format_from_env(DIAG_FORMAT_TEXT), stderr);
    if (j->invalid && j->error)
        cmd_error(&spec, "%s: %s", qpath(j->name), j->error);
}

int cmd_build(int argc, char **argv)
{
    struct view view = {.verbose = term_verbosity > 0, .width = 100};
    struct builder_job *jobs = NULL;
    struct gh_block guard;
    bool guarded = false;
    size_t njobs = 0;
    bool nocache = false;
    struct docker *d = NULL;
    struct builder_arg *args = NULL;
    size_t nargs = 0, args_cap = 0;
    long njobs_parallel = 1;
    int status = 0;
    char *root = NULL;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case 'j':
            if (parse_long(optarg, 1, 64, &njobs_parallel) < 0)
                status = cmd_error(&spec, "-j %s: expected a number from 1 to 64", optarg);
            break;
        case 'N': nocache = true; break;
        case 'b':
            ARRAY_GROW(args, nargs + 1, args_cap);
            if (builder_arg_parse(optarg, &args[nargs]) < 0)
                status = cmd_trouble(&spec);
            else
                nargs++;
            break;
        case 'v': view.verbose = true; break;
        }
    }
    if (c != CMD_PARSE_END && !status) /* --help after a bad value still exits 2 */
        status = cmd_parse_exit(c);
    if (status || c != CMD_PARSE_END)
        goto cleanup;

    if (repo_find_root(&root) < 0 && optind == argc) {
        status = cmd_trouble(&spec);
        goto cleanup;
    }
    const char *cache_from = getenv("KANALYTIC_BUILD_CACHE_FROM");
    if (builder_prepare_all(root, argv + optind, (size_t)(argc - optind), args, nargs,
                            cache_from && !strcmp(cache_from, "1"), &jobs, &njobs, on_prepared,
                            NULL) < 0) {
        if (!njobs) /* the analytics could not be listed (else on_prepared said why) */
            cmd_trouble(&spec);
        status = EXIT_TROUBLE;
    } else if (!njobs) {
        cmd_error(&spec, "no analytics under %s/analytics", root);
        status = EXIT_FINDINGS;
        goto cleanup;
    }

    size_t buildable = 0;
    for (size_t i = 0; i < njobs; i++)
        buildable += !jobs[i].invalid;
    if (status == 0 && buildable && docker_open(&d) < 0) {
        status = cmd_trouble(&spec);
    }
    if (status == 0 && buildable) {
        view.live = !view.verbose && term_verbosity >= 0 && term_is_interactive(stderr);
        if (term_columns(STDERR_FILENO) > 20)
            view.width = term_columns(STDERR_FILENO);
        for (size_t i = 0; i < njobs; i++)
            if (!jobs[i].invalid)
                announce_context(&view, &jobs[i]);
        /* under GitHub the RUN steps' output is never obeyed (closed after the failures) */
        if (gh_actions()) {
            gh_block_begin(&guard, stderr);
            guarded = true;
        }
        struct builder_events ev = {on_line, on_done, &view};
        builder_run(d, jobs, njobs, (unsigned)njobs_parallel, nocache, &ev);
    }

    bool unreachable = false;
    for (size_t i = 0; i < njobs; i++) {
        struct builder_job *j = &jobs[i];
        if (j->failed && j->unreachable)
            unreachable = true;
        else if (j->failed)
            print_failure(j);
        if (j->failed || j->invalid)
            status = status ? status : EXIT_FINDINGS;
    }
    if (guarded)
        gh_block_end(&guard, stderr);
    if (unreachable) {
        for (size_t i = 0; i < njobs; i++)
            if (jobs[i].failed && jobs[i].unreachable)
                cmd_error(&spec, "%s: %s", qpath(jobs[i].name), jobs[i].error);
        status = EXIT_TROUBLE;
    }
    if (njobs && term_verbosity >= 0 && d)
        print_summary(jobs, njobs);
    docker_close(d);
cleanup:
    for (size_t i = 0; i < njobs; i++)
        builder_job_free(&jobs[i]);
    free(jobs);
    free(root);
    builder_args_free(args, nargs);
    return status;
}
