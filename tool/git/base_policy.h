/* The repository policy (manifest/repo_policy.h) as a revision has it: kanalytic.yaml read
 * from the commit's tree with libgit2, never from the working tree, so a pull request
 * cannot change the policy it is judged by. */
#ifndef KANALYTIC_GIT_BASE_POLICY_H
#define KANALYTIC_GIT_BASE_POLICY_H

#include "manifest/repo_policy.h"
#include "util/diag.h"

#include <git2.h>
#include <stdbool.h>

/* Loads ROOT's kanalytic.yaml (root: the analytics root inside repo's working tree) from
 * the tree of revision rev; the defaults when the revision has no such file. Findings are
 * reported as "kanalytic.yaml at base 1a2b3c4:line:col". *differs (may be NULL) is set when
 * the working tree's kanalytic.yaml is not the same (changed, added or deleted).
 * Same return convention as repo_policy_load_buffer. */
int base_policy_load(git_repository *repo, const char *root, const char *rev,
                     struct repo_policy **out, bool *differs, struct diag_list *diags);

/* ROOT's policy as `kanalytic test` reads it: from the working tree (repo_policy_load_root),
 * or, rev not NULL (--policy-rev), from revision rev of the git repository root is in (-1 when
 * it is in none). Same return convention. */
int base_policy_load_at(const char *root, const char *rev, struct repo_policy **out,
                        struct diag_list *diags);

#endif
