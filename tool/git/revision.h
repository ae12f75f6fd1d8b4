/* The revision an image is built from, found with libgit2: HEAD's commit, with "-dirty" when
 * the given folder (an analytic's) has uncommitted changes, staged, unstaged or untracked. */
#ifndef KANALYTIC_GIT_REVISION_H
#define KANALYTIC_GIT_REVISION_H

/* Sets *out (caller frees) to "<40 hex>" or "<40 hex>-dirty". Fails when dir is not inside
 * a git work tree or HEAD has no commit yet. */
int revision_describe(const char *dir, char **out);

/* Sets *out (caller frees) to the URL of the remote "origin" of the repository holding dir,
 * with any user:password@ removed. Fails when there is none. */
int revision_remote_url(const char *dir, char **out);

#endif
