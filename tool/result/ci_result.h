/* The result model of `kanalytic ci`: the steps it ran (validate, build and test of each
 * analytic), the policy's findings, and the verdict. gate/ fills it; the renderers in
 * report/ci_report.h only read it. */
#ifndef KANALYTIC_RESULT_CI_RESULT_H
#define KANALYTIC_RESULT_CI_RESULT_H

#include "git/changes.h"
#include "util/buf.h"
#include "util/diag.h"

#include <stdbool.h>

enum ci_status { CI_PASS, CI_FAIL, CI_ERROR, CI_SKIP };

/* One subprocess step: validate (repository-wide), or build / test of one analytic. */
struct ci_step {
    char *check;    /* "validate", "build", "test" */
    char *analytic; /* NULL for a repository-wide step */
    char *command;  /* the command line, for people */
    enum ci_status status;
    int exit_code; /* of the subprocess; -1 when it did not run */
    double seconds;
    struct buf output; /* stdout and stderr, interleaved; the tail when it was long */
    bool truncated;
    char *note; /* why it was skipped or could not run, or NULL */
};

struct ci_result {
    const struct changes *changes;
    size_t total_analytics;            /* in the working tree */
    unsigned shard_index, shard_count; /* 0/0: no sharding */
    struct diag_list findings;         /* the policy's */
    char *policy_error;                /* the policy could not run: why */
    struct ci_step *steps;
    size_t nsteps, steps_cap;
    int exit_code; /* 0 mergeable, 1 not, 2 could not run */
};

struct ci_step *ci_result_add_step(struct ci_result *r, const char *check, const char *analytic,
                                   const char *command);
/* Sets r->exit_code from the steps and findings. */
void ci_result_conclude(struct ci_result *r);
void ci_result_free(struct ci_result *r);
const char *ci_status_name(enum ci_status s);

#endif
