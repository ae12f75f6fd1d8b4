/* The result model of `kanalytic ci` and its renderers: the console summary, JSON, JUnit XML
 * and the Markdown summary (GitHub's step summary). Renderers write to a FILE and never exit. */
#ifndef KANALYTIC_CI_REPORT_H
#define KANALYTIC_CI_REPORT_H

#include "git/changes.h"
#include "util/buf.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stdio.h>

enum ci_status { CI_PASS, CI_FAIL, CI_ERROR, CI_SKIP };

/* One subprocess step: validate (repository-wide), or build / test of one analytic. */
struct ci_step {
    char *check;    /* "validate", "build", "test" */
    char *analytic; /* NULL for a repository-wide step */
    char *command;  /* the command line, for people */
    enum ci_status status;
    int exit_code;  /* of the subprocess; -1 when it did not run */
    double seconds;
    struct buf output; /* stdout and stderr, interleaved; the tail when it was long */
    bool truncated;
    char *note;     /* why it was skipped or could not run, or NULL */
};

struct ci_result {
    const struct changes *changes;
    size_t total_analytics; /* in the working tree */
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

void ci_report_text(const struct ci_result *r, FILE *out);
int ci_report_json(const struct ci_result *r, FILE *out);
void ci_report_junit(const struct ci_result *r, FILE *out);
void ci_report_markdown(const struct ci_result *r, FILE *out);
/* One self-contained HTML page: the verdict, validate / policy findings, every step with
 * its output, and each analytic's `kanalytic test --html` report (read from
 * test_reports_dir/NAME.html when present) embedded in a sandboxed frame. */
void ci_report_html(const struct ci_result *r, const char *test_reports_dir, struct buf *out);
/* --list: the selection and why each analytic is in it. */
void ci_report_list(const struct changes *c, size_t total, unsigned shard_index,
                    unsigned shard_count, FILE *out);
int ci_report_list_json(const struct changes *c, size_t total, unsigned shard_index,
                        unsigned shard_count, FILE *out);

#endif
