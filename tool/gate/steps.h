/* The subprocess steps of the CI gate (`kanalytic ci`): their command lines, planned from the
 * changes (validate --strict; build then test --ci --repeat 2 of each selected analytic), and
 * the runner that starts them at most N at once, each with stdout and stderr on one pipe,
 * keeps the tail of what they print, and records each verdict in its step of the result
 * (result/ci_result.h). Nothing here prints: the caller hears of each step as it ends. */
#ifndef KANALYTIC_GATE_STEPS_H
#define KANALYTIC_GATE_STEPS_H

#include "git/changes.h"
#include "result/ci_result.h"

#include <stdbool.h>
#include <stddef.h>

/* The binary the planned steps run: this same process's. */
#define GATE_SELF "/proc/self/exe"
/* Bytes of a step's output kept by default: past it, the older half is dropped at a line
 * break (ci_step.truncated). */
#define GATE_OUTPUT_KEEP (256 * 1024)

/* One job: its steps run in order, the second only when the first passed. */
struct gate_job {
    char **argv[2]; /* NULL-terminated, owned by the plan */
    size_t step[2]; /* their steps: indexes into ci_result.steps (the array may move) */
    size_t nsteps;  /* 1 or 2 */
};

struct gate_plan {
    struct gate_job *jobs;
    size_t njobs, cap;
};

struct gate_plan_options {
    const char *self;     /* the kanalytic the steps run (GATE_SELF) */
    const char *root;     /* absolute: every step gets -C ROOT */
    const char *html_dir; /* test steps add --html DIR/NAME.html; NULL: no reports */
    bool no_docker;       /* build and test are planned but noted --no-docker: not to run */
};

/* Adds a job of one step running argv (the plan takes it over), and that step to r: check,
 * analytic (or NULL) and command (the command line for people), status CI_SKIP until it
 * runs. Returns the job. */
struct gate_job *gate_plan_add(struct gate_plan *p, struct ci_result *r, const char *check,
                               const char *analytic, const char *command, char **argv);
/* Adds argv (taken over) as the job's second step, run only when the first passed. */
void gate_job_then(struct gate_job *j, struct ci_result *r, const char *check, const char *analytic,
                   const char *command, char **argv);
/* SELF -C ROOT validate --strict. */
void gate_plan_validate(struct gate_plan *p, struct ci_result *r,
                        const struct gate_plan_options *o);
/* For each analytic of ch, in its order: SELF -C ROOT build NAME, then SELF -C ROOT test --ci
 * --repeat 2 NAME --policy-rev BASE_TIP [--html DIR/NAME.html]. */
void gate_plan_analytics(struct gate_plan *p, struct ci_result *r, const struct changes *ch,
                         const struct gate_plan_options *o);
void gate_plan_free(struct gate_plan *p);

/* A step that ended (or could not start), in the order they end. */
typedef void (*gate_step_fn)(const struct ci_step *s, void *ctx);

struct gate_run_options {
    unsigned parallel;  /* jobs at once, >= 1 */
    size_t output_keep; /* 0: GATE_OUTPUT_KEEP */
    /* when KANALYTIC_ROOT is set, the steps get this instead (a relative one would point
     * elsewhere from -C ROOT); NULL: left as it is */
    const char *root;
    gate_step_fn on_step;
    void *ctx;
};

/* Runs the plan's jobs (posix_spawn): stdin /dev/null, GITHUB_STEP_SUMMARY unset (the gate
 * writes one summary for everything). Each step's status, exit code, seconds, output and note
 * land in its ci_step: exit 0 pass, 1 fail, anything else (a signal, usage) could not run;
 * a command that does not start could not run either (exit code -1, the note says why).
 * After gate_cancel, running steps get SIGTERM and no new one starts. */
void gate_run(const struct gate_plan *p, struct ci_result *r, const struct gate_run_options *o);

/* For a signal handler (async-signal-safe): stop the run; sig is what gate_cancelled says. */
void gate_cancel(int sig);
/* The signal given to gate_cancel, or 0. */
int gate_cancelled(void);

#endif
