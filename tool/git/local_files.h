/* What a build.include does not send to a build: a .git folder (the repository's objects and
 * its config, where a checkout may keep a token) and files git ignores without tracking them
 * (a maintainer's .env, credentials, __pycache__, build output). A pull request can bring
 * neither, so leaving them out makes a local build the same as the gate's, and keeps the
 * local machine's files away from a Dockerfile that runs with the network on. */
#ifndef KANALYTIC_GIT_LOCAL_FILES_H
#define KANALYTIC_GIT_LOCAL_FILES_H

#include <stdbool.h>

struct local_files;

/* Opens the git work tree holding path; *out NULL (and 0) when there is none. */
int local_files_open(const char *path, struct local_files **out);
/* Is the file or folder at path (on disk, links not followed) local only? Anything named .git
 * is (lf may be NULL: no work tree); a folder is when git ignores it and tracks nothing below
 * it. Paths outside the work tree are not. */
bool local_files_is_local(struct local_files *lf, const char *path, bool is_dir);
void local_files_close(struct local_files *lf);

#endif
