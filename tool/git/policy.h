/* The pull-request policy of the CI gate. For each analytic whose own files changed, the
 * working-tree manifest is compared with the manifest at the base, read from git objects:
 *   version-not-bumped     its files changed but `version` did not go up (semver order);
 *   new-analytic-no-tests  a new analytic has no tests/CASE/case.yaml;
 *   golden-changed         a golden (tests/CASE/expected/...) was modified or deleted while the
 *                          version stayed the same.
 * Findings are diagnostics (errors) on the `version:` line of analytic.yaml, or on the golden
 * file; paths are relative to the analytics root. Warnings for the reviewer say what the pull
 * request stops checking (loosened.h: case-removed, test-loosened). */
#ifndef KANALYTIC_GIT_POLICY_H
#define KANALYTIC_GIT_POLICY_H

#include "changes.h"
#include "util/diag.h"

#include <git2.h>

/* Adds the findings to diags; returns -1 (error slot set) only when it could not check, e.g.
 * an unreadable manifest or git object. */
int policy_check(git_repository *repo, const char *root, const struct changes *changes,
                 struct diag_list *diags);

/* Semantic Versioning 2.0.0 precedence: *cmp < 0, 0, > 0 as a < b, a == b, a > b (build
 * metadata ignored). -1 when either is not a semantic version. */
int semver_compare(const char *a, const char *b, int *cmp);
bool semver_valid(const char *v);

/* Is this root-relative path a golden: analytics/NAME/tests/CASE/expected/...? */
bool policy_is_golden(const char *path);

#endif
