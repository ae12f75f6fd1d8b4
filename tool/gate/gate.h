/* The repository side of the CI gate (`kanalytic ci`): the analytics root and its git
 * repository, what changed since the base (git/changes.h), and step 2, the pull-request
 * policy (git/policy.h) plus the repository policy as the base has it (git/base_policy.h).
 * The subprocess steps are gate/steps.h. Nothing here prints. */
#ifndef KANALYTIC_GATE_GATE_H
#define KANALYTIC_GATE_GATE_H

#include "git/changes.h"
#include "result/ci_result.h"

#include <git2.h>

struct gate_options {
    const char *base;                  /* the base revision; NULL: origin/main, else main */
    unsigned shard_index, shard_count; /* 0/0: the whole selection */
};

struct gate {
    char *root;   /* the analytics root, absolute (steps get -C ROOT) */
    char *prefix; /* root from the git work tree, "" or "sub/dir/" (for annotations) */
    git_repository *repo;
    struct triggers triggers;
    struct changes changes; /* the selection (this shard of it) */
};

/* Finds the root (util/repo.h) and its repository, loads the triggers and detects the
 * changes. -1 with the error slot set. Call gate_close afterwards whatever it returned. */
int gate_open(struct gate *out, const struct gate_options *o);
void gate_close(struct gate *g);

/* Step 2: the policy's findings into r->findings (sorted), and r->policy_error when a
 * policy could not be checked (the pull-request policy's reason first). */
void gate_policy(struct gate *g, struct ci_result *r);

#endif
