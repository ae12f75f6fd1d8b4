/* Which analytics a pull request touches, found with libgit2 (never the git CLI).
 *
 * The changed paths are the diff base..HEAD (with rename detection) plus what `git status`
 * shows: staged, unstaged and untracked files. Each path belongs to the analytic folder that
 * holds it (analytics/NAME/...); a path matching a trigger glob (template/, schemas/, tool/,
 * Makefile, .github/workflows/ by default, or the lines of ROOT/ci.triggers) selects every
 * analytic; a changed path that an analytic's build.include brings in (its src, or below it)
 * selects that analytic. Renamed analytics are followed to their new folder; analytics gone from the
 * working tree are skipped and reported as deleted (or renamed). */
#ifndef KANALYTIC_GIT_CHANGES_H
#define KANALYTIC_GIT_CHANGES_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/* One changed path, relative to the analytics root (the folder holding analytics/). */
struct changed_file {
    char *path;     /* the new path; the old one for a deletion */
    char *old_path; /* the path at the base when renamed, else NULL */
    char status;    /* 'A' added, 'M' modified, 'D' deleted, 'R' renamed */
    bool content;   /* the bytes changed (false for a pure rename) */
};

struct selected_analytic {
    char *name;                 /* folder name in the working tree */
    char *base_name;            /* folder name at the base (differs after a rename) */
    bool is_new;                /* no analytics/BASE_NAME/analytic.yaml at the base */
    bool own_change;            /* its own files changed (not only selected by a trigger) */
    char *reason;               /* why it was selected, for people */
    struct changed_file *files; /* its changed files (sorted by path) */
    size_t nfiles, files_cap;
};

struct skipped_analytic {
    char *name;
    char *reason; /* "deleted", "renamed to NEW", "no analytic.yaml" */
};

struct changes {
    char base_oid[GIT_OID_HEXSZ + 1];
    /* the commit the base revision names (the base branch's tip), which the merge base may
     * lag behind: the repository policy is read there (git/base_policy.h) */
    char base_tip_oid[GIT_OID_HEXSZ + 1];
    char *base_desc; /* how the base was found, e.g. "merge base of HEAD and origin/main" */
    struct selected_analytic *items; /* sorted by name */
    size_t count, cap;
    struct skipped_analytic *skipped; /* sorted by name */
    size_t nskipped, skipped_cap;
    char **trigger_paths; /* changed paths that matched a trigger glob */
    size_t ntrigger, trigger_cap;
    size_t npaths; /* changed paths seen in all (including ones outside analytics/) */
    size_t total;  /* analytics in the index plus new ones, minus deleted ones (for people) */
};

/* Trigger globs: a glob ending in '/' matches everything below that folder; any other glob
 * is matched with fnmatch(3) against the whole path, '*' also matching '/'. */
struct triggers {
    char **globs;
    size_t count, cap;
};

/* Reads ROOT/ci.triggers (one glob a line, '#' comments, blank lines ignored) or, when there
 * is no such file, sets the defaults. */
int triggers_load(const char *root, struct triggers *out);
void triggers_set_defaults(struct triggers *t);
bool triggers_match(const struct triggers *t, const char *path);
void triggers_free(struct triggers *t);

struct changes_options {
    const char *base; /* a revision; NULL: origin/main, else main */
    const struct triggers *triggers;
};

/* Fills *out (zeroed by the caller) for the analytics root `root`, which must lie inside the
 * working tree of `repo`. The comparison point is the merge base of the base revision and
 * HEAD, so commits on the base branch that the pull request lacks are not counted. */
int changes_detect(git_repository *repo, const char *root, const struct changes_options *opts,
                   struct changes *out);
void changes_free(struct changes *c);

/* The analytics root relative to repo's work tree, "" or "sub/dir/" (trailing '/'), into
 * *out (caller frees); fails for a bare repository or a root outside the work tree. */
int changes_root_prefix(git_repository *repo, const char *root, char **out);

/* "I/N", 1 <= I <= N <= 1000. */
int changes_parse_shard(const char *arg, unsigned *index, unsigned *count);
/* Keeps shard I of N: sorted by name, the analytics at positions p with p % N == I - 1
 * (round robin). Every analytic lands in exactly one shard and shard sizes differ by at most
 * one; for one selection the split is the same on every machine. */
void changes_shard(struct changes *c, unsigned index, unsigned count);

/* The analytic owning a root-relative path: "analytics/NAME/..." -> NAME (into *name, which
 * the caller frees); 0 when the path belongs to no analytic. */
int changes_owner(const char *path, char **name);

#endif
