/* kanalytic ci: the gate on pull requests.
 *   1. `validate --strict` on every analytic;
 *   2. the pull-request policy (tool/git/policy.h) on the analytics whose files changed;
 *   3. `build NAME` then `test --ci --repeat 2 NAME` for each selected analytic, -j at a time.
 * Steps 1 and 3 run this same binary (/proc/self/exe) as subprocesses, capturing exit codes and
 * output. One summary at the end; exit 0 mergeable, 1 not, 2 could not run. */
#include "cmd.h"
#include "cmd/options.h"
#include "report/ci_report.h"
#include "git/base_policy.h"
#include "git/changes.h"
#include "git/policy.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/num.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <git2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_KEEP (256 * 1024) /* bytes of a step's output kept (its tail) */
#define SELF_EXE "/proc/self/exe"

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

static const char usage_head[] =
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
    "analytic; a ci.triggers file at the root (one glob a line) replaces that list.\n"
    "\n"
    "options:\n";

static const char usage_tail[] =
    "\n"
    "With GITHUB_ACTIONS=true, findings and failures become ::error annotations on the file\n"
    "and line that caused them.\n"
    "\n"
    "exit: 0 mergeable, 1 not mergeable, 2 could not run (no git repository, no base, ...)\n"
    "\n"
    "examples:\n"
    "  kanalytic ci --list                      what would this branch check?\n"
    "  kanalytic ci --base origin/main -j 2     the whole gate, as CI runs it\n"
    "  kanalytic ci --shard 2/4 --junit ci.xml  one job of a four-way CI matrix\n";

static void usage(FILE *out)
{
    fputs(usage_head, out);
    cmd_options_print(out, options);
    fputs(usage_tail, out);
}

/* ---- subprocesses ----------------------------------------------------------------------- */

struct job {
    struct ci_step *steps[2]; /* run in order; the second only when the first passed */
    char **argv[2];
    size_t nsteps, cur;
    pid_t pid;
    int fd;
    double start; /* clock_seconds() when the step began */
};

static char **argv_new(const char *root, const char *cmd, const char *a1, const char *a2,
                       const char *a3, const char *a4, const char *a5)
{
    const char *in[] = {SELF_EXE, "-C", root, cmd, a1, a2, a3, a4, a5};
    char **v = xcalloc(ARRAY_SIZE(in) + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(in) && in[i]; i++)
        v[n++] = xstrdup(in[i]);
    return v;
}

/* Appends an option and its value. */
static char **argv_add(char **v, const char *opt, const char *value)
{
    size_t n = 0;
    while (v[n])
        n++;
    v = xreallocarray(v, n + 3, sizeof *v);
    v[n] = xstrdup(opt);
    v[n + 1] = xstrdup(value);
    v[n + 2] = NULL;
    return v;
}

/* Appends "--html DIR/NAME.html" so the test step leaves its report for ci --html. */
static char **argv_add_html(char **v, const char *dir, const char *name)
{
    struct buf path = BUF_INIT;
    buf_addf(&path, "%s/%s.html", dir, name);
    v = argv_add(v, "--html", path.data);
    buf_free(&path);
    return v;
}

/* The repository policy (kanalytic.yaml) as the base branch's tip has it, never as the pull
 * request has it: each selected analytic's runtime against its limits and approvals. */
static void check_repo_policy(git_repository *repo, const char *root, const struct changes *ch,
                              struct ci_result *res)
{
    struct repo_policy *pol = NULL;
    struct diag_list bad = DIAG_LIST_INIT;
    bool differs = false;
    int r = base_policy_load(repo, root, ch->base_tip_oid, &pol, &differs, &bad);
    if (r != 0) {
        struct buf e = BUF_INIT;
        if (r > 0)
            buf_addf(&e, "the base's %s:%d:%d: %s", bad.items[0].file, bad.items[0].line,
                     bad.items[0].col, bad.items[0].message);
        else
            buf_addf(&e, "the base's " REPO_POLICY_FILE ": %s", err_last());
        if (!res->policy_error)
            res->policy_error = buf_detach(&e, NULL);
        buf_free(&e);
        diag_list_free(&bad);
        return;
    }
    for (size_t i = 0; i < ch->count; i++) {
        struct buf dir = BUF_INIT, disp = BUF_INIT;
        buf_addf(&disp, "analytics/%s", ch->items[i].name);
        buf_addf(&dir, "%s/%s", root, disp.data);
        if (repo_policy_check_analytic(pol, dir.data, disp.data, &res->findings) < 0)
            err_clear(); /* a manifest that does not load: validate --strict reports it */
        buf_free(&dir);
        buf_free(&disp);
    }
    if (differs)
        diag_add(&res->findings, DIAG_WARNING, REPO_POLICY_FILE, 1, 1, "policy-file-changed",
                 "this pull request changes " REPO_POLICY_FILE "; it was judged by the policy "
                 "at the base (%s), so the change takes effect once merged, after a code "
                 "owner's review",
                 pol->path);
    repo_policy_free(pol);
}

static void argv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* "validate --strict", for people */
static char *argv_display(char **v)
{
    struct buf b = BUF_INIT;
    for (size_t i = 3; v[i]; i++)
        buf_addf(&b, "%s%s", i > 3 ? " " : "", qpath(v[i]));
    return buf_detach(&b, NULL);
}

/* Starts argv with stdout and stderr on one pipe; the child does not write the step summary
 * (the gate writes one for everything). */
static int spawn(char **argv, pid_t *pid, int *fd)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return err_errno("pipe");
    fflush(NULL);
    pid_t c = fork();
    if (c < 0) {
        close(p[0]);
        close(p[1]);
        return err_errno("fork");
    }
    if (c == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        unsetenv("GITHUB_STEP_SUMMARY");
        /* argv is SELF -C ROOT ...: a relative KANALYTIC_ROOT would now point elsewhere */
        if (getenv("KANALYTIC_ROOT"))
            setenv("KANALYTIC_ROOT", argv[2], 1);
        execv(argv[0], argv);
        dprintf(2, "kanalytic ci: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    *pid = c;
    *fd = p[0];
    return 0;
}

static void output_add(struct ci_step *s, const char *data, size_t n)
{
    buf_add(&s->output, data, n);
    if (s->output.len > OUTPUT_KEEP) {
        size_t drop = s->output.len - OUTPUT_KEEP / 2;
        const char *nl = memchr(s->output.data + drop, '\n', s->output.len - drop);
        if (nl)
            drop = (size_t)(nl + 1 - s->output.data);
        memmove(s->output.data, s->output.data + drop, s->output.len - drop);
        buf_setlen(&s->output, s->output.len - drop);
        s->truncated = true;
    }
}

static void job_start_step(struct job *j)
{
    struct ci_step *s = j->steps[j->cur];
    j->start = clock_seconds();
    if (spawn(j->argv[j->cur], &j->pid, &j->fd) < 0) {
        s->status = CI_ERROR;
        s->note = xstrdup(err_last());
        j->pid = -1;
        j->fd = -1;
    }
}

static FILE *progress_out;

/* Under GitHub Actions everything the gate prints is inside a stop-commands block (names and
 * logs come from the pull request); it is closed only for the gate's own annotations. */
static struct gh_block guard;
static bool guard_on;

static void guard_open(FILE *o)
{
    if (gh_actions() && !guard_on) {
        fflush(NULL);
        gh_block_begin(&guard, o);
        fflush(o);
        guard_on = true;
    }
}

static void guard_close(FILE *o)
{
    if (guard_on) {
        fflush(NULL);
        gh_block_end(&guard, o);
        fflush(o);
        guard_on = false;
    }
}

/* The subprocess's own annotations (::error/::warning/::notice lines outside any
 * stop-commands block it opened), printed again where GitHub obeys them. */
static void reemit_annotations(FILE *o, const char *p, const char *end)
{
    char inner[80] = "";
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        if (*inner) {
            if (n == strlen(inner) + 4 && !strncmp(p, "::", 2) && !strncmp(p + 2, inner, n - 4) &&
                !strncmp(e - 2, "::", 2))
                inner[0] = '\0';
        } else if (n > 17 && n - 17 < sizeof inner && !strncmp(p, "::stop-commands::", 17)) {
            memcpy(inner, p + 17, n - 17);
            inner[n - 17] = '\0';
        } else if (!strncmp(p, "::error ", 8) || !strncmp(p, "::warning ", 10) ||
                   !strncmp(p, "::notice ", 9)) {
            fprintf(o, "%.*s\n", (int)n, p);
        }
        p = nl ? nl + 1 : end;
    }
}

/* A step's output, indented, with terminal sequences stripped, inside a stop-commands block
 * of its own: nothing a container (or a name) printed is obeyed by the CI. */
static void print_output(FILE *o, const struct ci_step *s)
{
    struct buf plain = BUF_INIT;
    quote_strip_terminal(&plain, s->output.data, s->output.len);
    struct gh_block blk;
    gh_block_begin(&blk, o);
    if (s->truncated)
        fprintf(o, "    [... earlier output dropped ...]\n");
    const char *p = plain.data, *end = p + plain.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        fprintf(o, "    %.*s\n", (int)(e - p), p);
        p = nl ? nl + 1 : end;
    }
    gh_block_end(&blk, o);
    /* a truncated output may have lost the start of a block: its annotations stay unsaid */
    if (gh_actions() && !s->truncated) {
        bool was = guard_on;
        guard_close(o);
        reemit_annotations(o, plain.data, end);
        if (was)
            guard_open(o);
    }
    buf_free(&plain);
}

static void print_step(const struct ci_step *s)
{
    FILE *o = progress_out;
    enum term_color col = s->status == CI_PASS   ? TC_GREEN
                          : s->status == CI_FAIL ? TC_RED
                                                 : TC_YELLOW;
    fprintf(o, "%s%-5s%s %s (%.1fs)%s%s\n", term_color(o, col),
            s->status == CI_PASS    ? "ok"
            : s->status == CI_FAIL  ? "FAIL"
            : s->status == CI_ERROR ? "ERROR"
                                    : "skip",
            term_color(o, TC_RESET), s->command, s->seconds, s->note ? ": " : "",
            s->note ? s->note : "");
    bool show = s->status == CI_FAIL || s->status == CI_ERROR || term_verbosity > 0;
    if (show && s->output.len && term_verbosity >= 0)
        print_output(o, s);
    fflush(o);
}

/* The step's verdict from the subprocess's exit: 0 pass, 1 fail, anything else (usage, no
 * engine, a crash, a missing command) could not run. */
static void finish_step(struct ci_step *s, int wstatus)
{
    if (WIFEXITED(wstatus)) {
        s->exit_code = WEXITSTATUS(wstatus);
        s->status = s->exit_code == 0 ? CI_PASS : s->exit_code == 1 ? CI_FAIL : CI_ERROR;
    } else if (WIFSIGNALED(wstatus)) {
        s->exit_code = 128 + WTERMSIG(wstatus);
        s->status = CI_ERROR;
        struct buf n = BUF_INIT;
        buf_addf(&n, "killed by signal %d", WTERMSIG(wstatus));
        s->note = buf_detach(&n, NULL);
    } else {
        s->status = CI_ERROR;
    }
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
    interrupted = sig;
}

/* Runs the jobs, at most `parallel` at once; each step's result lands in its ci_step. */
static void run_jobs(struct job *jobs, size_t njobs, unsigned parallel)
{
    size_t next = 0, running = 0;
    struct pollfd *pfd = xcalloc(njobs ? njobs : 1, sizeof *pfd);
    struct job **act = xcalloc(njobs ? njobs : 1, sizeof *act);
    char chunk[65536];
    while (next < njobs || running) {
        while (running < parallel && next < njobs && !interrupted) {
            struct job *j = &jobs[next++];
            job_start_step(j);
            if (j->pid > 0) {
                act[running++] = j;
            } else {
                print_step(j->steps[0]);
            }
        }
        if (!running)
            break;
        for (size_t i = 0; i < running; i++) {
            pfd[i].fd = act[i]->fd;
            pfd[i].events = POLLIN;
            pfd[i].revents = 0;
        }
        int n = poll(pfd, running, 1000);
        if (n < 0 && errno != EINTR)
            break;
        if (interrupted)
            for (size_t i = 0; i < running; i++)
                kill(act[i]->pid, SIGTERM);
        for (size_t i = 0; i < running; i++) {
            if (!pfd[i].revents)
                continue;
            struct job *j = act[i];
            ssize_t got = read(j->fd, chunk, sizeof chunk);
            if (got > 0) {
                output_add(j->steps[j->cur], chunk, (size_t)got);
                continue;
            }
            if (got < 0 && errno == EINTR)
                continue;
            /* end of output: the step is over */
            close(j->fd);
            int ws = 0;
            while (waitpid(j->pid, &ws, 0) < 0 && errno == EINTR)
                ;
            struct ci_step *s = j->steps[j->cur];
            s->seconds = clock_seconds() - j->start;
            finish_step(s, ws);
            print_step(s);
            bool more = s->status == CI_PASS && j->cur + 1 < j->nsteps && !interrupted;
            if (j->cur + 1 < j->nsteps && !more) {
                struct ci_step *n2 = j->steps[j->cur + 1];
                n2->note = xstrdup(interrupted ? "interrupted" : "skipped: the build did not pass");
            }
            if (more) {
                j->cur++;
                job_start_step(j);
                if (j->pid > 0)
                    continue;
                print_step(j->steps[j->cur]);
            }
            act[i] = act[--running];
            pfd[i] = pfd[running];
            i--;
        }
    }
    free(pfd);
    free(act);
}

/* Runs one step alone (validate). */
static void run_one(struct ci_step *s, char **argv)
{
    struct job j = {.steps = {s}, .argv = {argv}, .nsteps = 1, .pid = -1, .fd = -1};
    run_jobs(&j, 1, 1);
}

/* ---- the command ------------------------------------------------------------------------ */

struct ci_opts {
    const char *base;
    bool list, no_docker, json;
    unsigned shard_i, shard_n;
    unsigned jobs;
    const char *junit, *markdown, *html;
};

static int parse_opts(int argc, char **argv, struct ci_opts *o)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = ncpu > 0 ? (unsigned)ncpu : 1;
    struct cmd_getopt g;
    if (cmd_getopt_init(&g, options, true) < 0) {
        fprintf(stderr, "kanalytic ci: %s\n", err_last());
        return -1;
    }
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
        switch (c) {
        case OPT_BASE: o->base = optarg; break;
        case OPT_LIST: o->list = true; break;
        case OPT_NODOCKER: o->no_docker = true; break;
        case OPT_JUNIT: o->junit = optarg; break;
        case OPT_HTML: o->html = optarg; break;
        case OPT_MD: o->markdown = optarg; break;
        case OPT_SHARD:
            if (changes_parse_shard(optarg, &o->shard_i, &o->shard_n) < 0) {
                fprintf(stderr, "kanalytic ci: %s\n", err_last());
                return -1;
            }
            break;
        case 'j': {
            long v;
            if (parse_long(optarg, 1, 256, &v) < 0) {
                fprintf(stderr, "kanalytic ci: -j '%s': expected a number from 1 to 256\n", optarg);
                return -1;
            }
            o->jobs = (unsigned)v;
            break;
        }
        case OPT_FORMAT:
            if (!strcmp(optarg, "json")) {
                o->json = true;
            } else if (strcmp(optarg, "text")) {
                fprintf(stderr, "kanalytic ci: --format '%s': expected text or json\n", optarg);
                return -1;
            }
            break;
        case 'h': usage(stdout); return 1;
        case CMD_OPT_LIST_OPTIONS: cmd_options_list(stdout, options); return 1;
        default:
            fprintf(stderr, "kanalytic ci: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                "kanalytic ci: unexpected argument '%s' (ci checks what changed; see "
                "--base)\n",
                argv[optind]);
        return -1;
    }
    return 0;
}

/* Root-relative path -> path from the git work tree, for GitHub annotations. */
static char *workdir_path(const char *prefix, const char *path)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, "%s%s", prefix, path);
    return buf_detach(&b, NULL);
}

static void annotate(const struct ci_result *r, const char *prefix, FILE *out)
{
    struct diag_list gh = DIAG_LIST_INIT;
    for (size_t i = 0; i < r->findings.count; i++) {
        const struct diag *d = &r->findings.items[i];
        char *p = workdir_path(prefix, d->file);
        diag_add(&gh, d->severity, p, d->line, d->col, d->rule, "%s", d->message);
        free(p);
    }
    for (size_t i = 0; i < r->nsteps; i++) {
        const struct ci_step *s = &r->steps[i];
        if (!s->analytic || (s->status != CI_FAIL && s->status != CI_ERROR))
            continue;
        struct buf f = BUF_INIT;
        buf_addf(&f, "%sanalytics/%s/analytic.yaml", prefix, s->analytic);
        diag_add(&gh, DIAG_ERROR, f.data, 0, 0, s->check, "%s of %s %s (exit %d); see the log",
                 s->check, s->analytic, s->status == CI_FAIL ? "failed" : "could not run",
                 s->exit_code);
        buf_free(&f);
    }
    /* diag_print's GitHub format writes the text lines as well; only the annotations here */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        diag_print(&gh, DIAG_FORMAT_GITHUB, mem);
        fclose(mem);
        reemit_annotations(out, text, text + len);
        free(text);
    }
    diag_list_free(&gh);
}

static int write_report(const char *path, void (*fn)(const struct ci_result *, FILE *),
                        const struct ci_result *r, bool append)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return err_errno("open_memstream");
    fn(r, mem);
    fclose(mem);
    int rc = 0;
    if (append) {
        /* GitHub's step summary is shared by the job's steps: add to it */
        FILE *f = fopen(path, "a");
        if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
            rc = err_errno(path);
    } else {
        rc = fs_write_atomic(path, text, len);
    }
    free(text);
    return rc;
}

static char *root_prefix_of(git_repository *repo, const char *root)
{
    const char *wd = git_repository_workdir(repo);
    char *rwd = wd ? realpath(wd, NULL) : NULL, *rroot = realpath(root, NULL);
    char *out = xstrdup("");
    if (rwd && rroot) {
        size_t n = strlen(rwd);
        if (!strncmp(rroot, rwd, n) && rroot[n] == '/') {
            free(out);
            struct buf b = BUF_INIT;
            buf_addf(&b, "%s/", rroot + n + 1);
            out = buf_detach(&b, NULL);
        }
    }
    free(rwd);
    free(rroot);
    return out;
}

int cmd_ci(int argc, char **argv)
{
    struct ci_opts o = {0};
    int pr = parse_opts(argc, argv, &o);
    if (pr)
        return pr > 0 ? 0 : EXIT_TROUBLE;
    progress_out = o.json ? stderr : stdout;
    guard_open(progress_out);

    char *root = NULL, *prefix = NULL;
    git_repository *repo = NULL;
    struct triggers trig = {0};
    struct changes ch = {0};
    struct ci_result res = {0};
    struct job *jobs = NULL;
    size_t njobs = 0;
    char **validate_argv = NULL;
    char html_tmp[] = "/tmp/kanalytic-ci-html.XXXXXX";
    const char *html_dir = NULL;
    int rc = EXIT_TROUBLE;

    git_libgit2_init();
    if (repo_find_root(&root) < 0)
        goto fail;
    {
        /* the subprocesses get -C ROOT: make it absolute (KANALYTIC_ROOT may be relative) */
        char *abs = realpath(root, NULL);
        if (!abs) {
            err_errno(root);
            goto fail;
        }
        free(root);
        root = abs;
    }
    if (git_repository_open_ext(&repo, root, 0, NULL) < 0) {
        const git_error *e = git_error_last();
        err_set("%s: not in a git repository (%s)", root, e ? e->message : "");
        goto fail;
    }
    if (triggers_load(root, &trig) < 0)
        goto fail;
    struct changes_options copts = {.base = o.base, .triggers = &trig};
    if (changes_detect(repo, root, &copts, &ch) < 0)
        goto fail;
    if (o.shard_n)
        changes_shard(&ch, o.shard_i, o.shard_n);
    prefix = root_prefix_of(repo, root);

    if (o.list) {
        if (o.json)
            ci_report_list_json(&ch, ch.total, o.shard_i, o.shard_n, stdout);
        else
            ci_report_list(&ch, ch.total, o.shard_i, o.shard_n, stdout);
        rc = 0;
        goto done;
    }

    res.changes = &ch;
    res.total_analytics = ch.total;
    res.shard_index = o.shard_i;
    res.shard_count = o.shard_n;
    if (!o.json)
        ci_report_list(&ch, ch.total, o.shard_i, o.shard_n, stdout);

    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    /* 1. validate --strict, everything: cheap, and catches cross-analytic problems */
    fprintf(progress_out, "\n== validate\n");
    validate_argv = argv_new(root, "validate", "--strict", NULL, NULL, NULL, NULL);
    struct ci_step *vs = ci_result_add_step(&res, "validate", NULL, "validate --strict");
    run_one(vs, validate_argv);

    /* 2. policy, against the base read from git objects */
    fprintf(progress_out, "\n== policy\n");
    if (policy_check(repo, root, &ch, &res.findings) < 0)
        res.policy_error = xstrdup(err_last());
    check_repo_policy(repo, root, &ch, &res);
    diag_sort(&res.findings);
    if (res.policy_error)
        fprintf(progress_out, "ERROR policy: %s\n", res.policy_error);
    else if (res.findings.count)
        diag_print(&res.findings, DIAG_FORMAT_TEXT, progress_out);
    else
        fprintf(progress_out, "ok    policy (%zu analytic%s with changes)\n", ch.count,
                ch.count == 1 ? "" : "s");

    /* 3. build and test the selection, -j at a time */
    if (ch.count)
        fprintf(progress_out, "\n== build and test (%zu analytic%s, -j %u)\n", ch.count,
                ch.count == 1 ? "" : "s", o.jobs);
    if (o.html) {
        if (!mkdtemp(html_tmp)) {
            err_errno("a temporary folder for the test reports");
            goto fail;
        }
        html_dir = html_tmp;
    }
    jobs = xcalloc(ch.count ? ch.count : 1, sizeof *jobs);
    for (size_t i = 0; i < ch.count; i++) {
        const char *name = ch.items[i].name;
        struct job *j = &jobs[njobs++];
        j->argv[0] = argv_new(root, "build", name, NULL, NULL, NULL, NULL);
        j->argv[1] = argv_new(root, "test", "--ci", "--repeat", "2", name, NULL);
        j->argv[1] = argv_add(j->argv[1], "--policy-rev", ch.base_tip_oid);
        if (html_dir)
            j->argv[1] = argv_add_html(j->argv[1], html_dir, name);
        for (int k = 0; k < 2; k++) {
            char *disp = argv_display(j->argv[k]);
            j->steps[k] = ci_result_add_step(&res, k ? "test" : "build", name, disp);
            free(disp);
            if (o.no_docker)
                j->steps[k]->note = xstrdup("--no-docker");
        }
        j->nsteps = 2;
        j->pid = j->fd = -1;
    }
    if (!o.no_docker && njobs)
        run_jobs(jobs, njobs, o.jobs);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);

    ci_result_conclude(&res);
    if (interrupted && res.exit_code == 0)
        res.exit_code = EXIT_TROUBLE;
    rc = res.exit_code;

    if (o.json)
        ci_report_json(&res, stdout);
    else
        ci_report_text(&res, stdout);
    if (gh_actions()) {
        guard_close(progress_out);
        annotate(&res, prefix, stdout);
    }
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    if (o.html) {
        struct buf page = BUF_INIT;
        ci_report_html(&res, html_dir, &page);
        if (fs_write_atomic(o.html, page.data, page.len) < 0) {
            fprintf(stderr, "kanalytic ci: %s\n", err_last());
            rc = EXIT_TROUBLE;
        }
        buf_free(&page);
    }
    if (o.junit && write_report(o.junit, ci_report_junit, &res, false) < 0) {
        fprintf(stderr, "kanalytic ci: %s\n", err_last());
        rc = EXIT_TROUBLE;
    }
    if (o.markdown && write_report(o.markdown, ci_report_markdown, &res, false) < 0) {
        fprintf(stderr, "kanalytic ci: %s\n", err_last());
        rc = EXIT_TROUBLE;
    } else if (!o.markdown && summary && *summary &&
               write_report(summary, ci_report_markdown, &res, true) < 0) {
        fprintf(stderr, "kanalytic ci: %s\n", err_last());
        rc = EXIT_TROUBLE;
    }
    goto done;

fail:
    fprintf(stderr, "kanalytic ci: %s\n", err_last());
    rc = EXIT_TROUBLE;
done:
    guard_close(progress_out);
    if (html_dir)
        fs_remove_tree(html_dir);
    for (size_t i = 0; i < njobs; i++) {
        argv_free(jobs[i].argv[0]);
        argv_free(jobs[i].argv[1]);
    }
    free(jobs);
    argv_free(validate_argv);
    ci_result_free(&res);
    changes_free(&ch);
    triggers_free(&trig);
    git_repository_free(repo);
    git_libgit2_shutdown();
    free(prefix);
    free(root);
    return rc;
}
