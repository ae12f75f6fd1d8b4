/* The CI gate's subprocess steps: see steps.h. */
#include "steps.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/quote.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- planning --------------------------------------------------------------------------- */

static char **argv_new(const struct gate_plan_options *o, const char *const *args, size_t n)
{
    char **v = xcalloc(n + 4, sizeof *v);
    v[0] = xstrdup(o->self);
    v[1] = xstrdup("-C");
    v[2] = xstrdup(o->root);
    for (size_t i = 0; i < n; i++)
        v[3 + i] = xstrdup(args[i]);
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

static void argv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* "validate --strict", for people: the words after SELF -C ROOT */
static char *argv_display(char **v)
{
    struct buf b = BUF_INIT;
    for (size_t i = 3; v[i]; i++)
        buf_addf(&b, "%s%s", i > 3 ? " " : "", qpath(v[i]));
    return buf_detach(&b, NULL);
}

struct gate_job *gate_plan_add(struct gate_plan *p, struct ci_result *r, const char *check,
                               const char *analytic, const char *command, char **argv)
{
    ARRAY_GROW(p->jobs, p->njobs + 1, p->cap);
    struct gate_job *j = &p->jobs[p->njobs++];
    memset(j, 0, sizeof *j);
    j->argv[0] = argv;
    ci_result_add_step(r, check, analytic, command);
    j->step[0] = r->nsteps - 1;
    j->nsteps = 1;
    return j;
}

void gate_job_then(struct gate_job *j, struct ci_result *r, const char *check, const char *analytic,
                   const char *command, char **argv)
{
    j->argv[1] = argv;
    ci_result_add_step(r, check, analytic, command);
    j->step[1] = r->nsteps - 1;
    j->nsteps = 2;
}

void gate_plan_validate(struct gate_plan *p, struct ci_result *r, const struct gate_plan_options *o)
{
    static const char *const args[] = {"validate", "--strict"};
    gate_plan_add(p, r, "validate", NULL, "validate --strict", argv_new(o, args, ARRAY_SIZE(args)));
}

void gate_plan_analytics(struct gate_plan *p, struct ci_result *r, const struct changes *ch,
                         const struct gate_plan_options *o)
{
    for (size_t i = 0; i < ch->count; i++) {
        const char *name = ch->items[i].name;
        const char *build[] = {"build", name};
        const char *test[] = {"test", "--ci", "--repeat", "2", name};
        char **bv = argv_new(o, build, ARRAY_SIZE(build));
        char **tv = argv_new(o, test, ARRAY_SIZE(test));
        tv = argv_add(tv, "--policy-rev", ch->base_tip_oid);
        if (o->html_dir) {
            /* the test step leaves its report for ci --html */
            struct buf path = BUF_INIT;
            buf_addf(&path, "%s/%s.html", o->html_dir, name);
            tv = argv_add(tv, "--html", path.data);
            buf_free(&path);
        }
        char *bd = argv_display(bv), *td = argv_display(tv);
        struct gate_job *j = gate_plan_add(p, r, "build", name, bd, bv);
        gate_job_then(j, r, "test", name, td, tv);
        free(bd);
        free(td);
        for (size_t k = 0; k < j->nsteps && o->no_docker; k++)
            r->steps[j->step[k]].note = xstrdup("--no-docker");
    }
}

void gate_plan_free(struct gate_plan *p)
{
    for (size_t i = 0; i < p->njobs; i++) {
        argv_free(p->jobs[i].argv[0]);
        argv_free(p->jobs[i].argv[1]);
    }
    free(p->jobs);
    memset(p, 0, sizeof *p);
}

/* ---- running ---------------------------------------------------------------------------- */

static volatile sig_atomic_t cancelled;

void gate_cancel(int sig)
{
    cancelled = sig;
}

int gate_cancelled(void)
{
    return cancelled;
}

/* A job under way. */
struct active {
    const struct gate_job *job;
    size_t cur; /* its step running */
    pid_t pid;
    int fd;
    double start; /* clock_seconds() when the step began */
};

/* The steps' environment: this process's, without GITHUB_STEP_SUMMARY, and with
 * KANALYTIC_ROOT=root when it is set and root is given. The strings are environ's but for
 * *own (the caller frees it and the array). */
static char **step_env(const char *root, char **own)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = xcalloc(n + 1, sizeof *env);
    *own = NULL;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (!strncmp(environ[i], "GITHUB_STEP_SUMMARY=", 20))
            continue;
        if (root && !strncmp(environ[i], "KANALYTIC_ROOT=", 15)) {
            if (!*own) {
                struct buf b = BUF_INIT;
                buf_addf(&b, "KANALYTIC_ROOT=%s", root);
                *own = buf_detach(&b, NULL);
            }
            env[k++] = *own;
            continue;
        }
        env[k++] = environ[i];
    }
    return env;
}

/* Starts argv with stdout and stderr on one pipe and stdin on /dev/null. */
static int spawn(char **argv, char **env, pid_t *pid, int *fd)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return err_errno("pipe");
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    if (!rc)
        rc = posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    if (!rc)
        rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!rc)
        rc = posix_spawn(pid, argv[0], &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc) {
        close(p[0]);
        return err_set("cannot run %s: %s", argv[0], strerror(rc));
    }
    *fd = p[0];
    return 0;
}

/* Keeps the tail: past keep bytes, the older part down to keep/2 goes, at a line break. */
static void output_add(struct ci_step *s, const char *data, size_t n, size_t keep)
{
    buf_add(&s->output, data, n);
    if (s->output.len > keep) {
        size_t drop = s->output.len - keep / 2;
        const char *nl = memchr(s->output.data + drop, '\n', s->output.len - drop);
        if (nl)
            drop = (size_t)(nl + 1 - s->output.data);
        memmove(s->output.data, s->output.data + drop, s->output.len - drop);
        buf_setlen(&s->output, s->output.len - drop);
        s->truncated = true;
    }
}

static struct ci_step *step_of(struct ci_result *r, const struct active *a)
{
    return &r->steps[a->job->step[a->cur]];
}

/* 0 when the step runs; -1 when it could not start (its step says why). */
static int start_step(struct active *a, struct ci_result *r, char **env)
{
    struct ci_step *s = step_of(r, a);
    a->start = clock_seconds();
    if (spawn(a->job->argv[a->cur], env, &a->pid, &a->fd) < 0) {
        s->status = CI_ERROR;
        s->note = xstrdup(err_last());
        a->pid = -1;
        a->fd = -1;
        return -1;
    }
    return 0;
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

static void tell(const struct gate_run_options *o, const struct ci_step *s)
{
    if (o->on_step)
        o->on_step(s, o->ctx);
}

/* The step of a ended: its verdict, then the job's next step. 0 while the job runs on. */
static int step_ended(struct active *a, struct ci_result *r, const struct gate_run_options *o,
                      char **env)
{
    close(a->fd);
    int ws = 0;
    while (waitpid(a->pid, &ws, 0) < 0 && errno == EINTR)
        ;
    struct ci_step *s = step_of(r, a);
    s->seconds = clock_seconds() - a->start;
    finish_step(s, ws);
    tell(o, s);
    if (a->cur + 1 >= a->job->nsteps)
        return -1;
    if (s->status != CI_PASS || cancelled) {
        struct ci_step *next = &r->steps[a->job->step[a->cur + 1]];
        struct buf n = BUF_INIT;
        if (cancelled)
            buf_addstr(&n, "interrupted");
        else
            buf_addf(&n, "skipped: the %s did not pass", s->check);
        next->note = buf_detach(&n, NULL);
        return -1;
    }
    a->cur++;
    if (start_step(a, r, env) == 0)
        return 0;
    tell(o, step_of(r, a));
    return -1;
}

void gate_run(const struct gate_plan *p, struct ci_result *r, const struct gate_run_options *o)
{
    size_t next = 0, running = 0, njobs = p->njobs;
    size_t keep = o->output_keep ? o->output_keep : GATE_OUTPUT_KEEP;
    unsigned parallel = o->parallel ? o->parallel : 1;
    struct pollfd *pfd = xcalloc(njobs ? njobs : 1, sizeof *pfd);
    struct active *act = xcalloc(njobs ? njobs : 1, sizeof *act);
    char *own_env = NULL, **env = step_env(o->root, &own_env);
    char chunk[65536];
    while (next < njobs || running) {
        while (running < parallel && next < njobs && !cancelled) {
            struct active *a = &act[running];
            *a = (struct active){.job = &p->jobs[next++], .pid = -1, .fd = -1};
            if (start_step(a, r, env) == 0)
                running++;
            else
                tell(o, step_of(r, a));
        }
        if (!running)
            break;
        for (size_t i = 0; i < running; i++)
            pfd[i] = (struct pollfd){.fd = act[i].fd, .events = POLLIN};
        int n = poll(pfd, running, 1000);
        if (n < 0 && errno != EINTR)
            break;
        if (cancelled)
            for (size_t i = 0; i < running; i++)
                kill(act[i].pid, SIGTERM);
        for (size_t i = 0; i < running; i++) {
            if (!pfd[i].revents)
                continue;
            ssize_t got = read(act[i].fd, chunk, sizeof chunk);
            if (got > 0) {
                output_add(step_of(r, &act[i]), chunk, (size_t)got, keep);
                continue;
            }
            if (got < 0 && errno == EINTR)
                continue;
            /* end of output: the step is over */
            if (step_ended(&act[i], r, o, env) == 0)
                continue;
            act[i] = act[--running];
            pfd[i] = pfd[running];
            i--;
        }
    }
    free(pfd);
    free(act);
    free(env);
    free(own_env);
}
