/* Where the analytics repository is and what it holds: the root is the nearest directory,
 * from the working directory upwards, holding `analytics/` (or $KANALYTIC_ROOT). */
#ifndef KANALYTIC_REPO_H
#define KANALYTIC_REPO_H

#include "fs.h"

/* Sets *out (caller frees) to the repository root. */
int repo_find_root(char **out);
/* Directory that holds the schemas: $KANALYTIC_SCHEMAS, ROOT/schemas, or the installed
 * copy (PREFIX/share/kanalytic/schemas). Caller frees. */
char *repo_schemas_dir(const char *root);
/* Names of the analytics (folders of ROOT/analytics holding an analytic.yaml), sorted. */
int repo_list_analytics(const char *root, struct fs_names *out);
/* Resolves a command-line argument naming an analytic: a NAME under ROOT/analytics or a
 * path to its folder. Sets *dir (caller frees) and *name (points into *dir). */
int repo_resolve_analytic(const char *root, const char *arg, char **dir, const char **name);
/* validate's reading of an argument: a folder holding analytic.yaml, or any argument with a
 * '/', is that folder (which must exist); anything else is a NAME as above. Sets *dir (caller
 * frees) and *inside: the folder really lies below abs_root (an absolute root, may be NULL),
 * links resolved. */
int repo_resolve_folder(const char *abs_root, const char *arg, char **dir, bool *inside);

#endif
