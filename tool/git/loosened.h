/* What a pull request stops checking: each changed or deleted tests/CASE/case.yaml of an
 * existing analytic, compared with the case at the base (read from git objects). The gate
 * cannot tell a justified change from a weakened test, so these are warnings for the
 * reviewer, on the line that loosened:
 *   case-removed    a case the base had is gone;
 *   test-loosened   the case now expects the analytic to fail, ignores more columns, allows
 *                   larger tolerances, compares the display less (exact -> masked -> exists,
 *                   more masks), ignores row or column order, or counts NaN as equal. */
#ifndef KANALYTIC_GIT_LOOSENED_H
#define KANALYTIC_GIT_LOOSENED_H

#include "changes.h"
#include "manifest/yaml.h"
#include "util/diag.h"

#include <git2.h>

/* base_tree: the base commit's tree at the analytics root. Never fails: a case that cannot be
 * read on either side is validate's business and is passed over. */
void loosened_check(git_repository *repo, git_tree *base_tree, const char *root,
                    const struct selected_analytic *s, struct diag_list *diags);

/* The same comparison for two parsed case.yaml roots (base, now); findings are placed with
 * `now_doc` positions under display_path. For tests. */
void loosened_compare(const json_t *base, const struct yaml_doc *now_doc, const char *display_path,
                      const char *analytic, struct diag_list *diags);

#endif
