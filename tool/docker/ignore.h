/* .dockerignore, exactly as docker reads and applies it (moby/patternmatcher and its
 * ignorefile package, and the legacy context walk of moby/go-archive):
 *   - parse: 64 KiB lines, a BOM on line 1 stripped, '#' in column 1 a comment, trimmed,
 *     '!' an exception, paths cleaned like Go's filepath.Clean, one leading '/' dropped;
 *   - compile: Go filepath.Match syntax checked, then the pattern turned into the same regular
 *     expression patternmatcher builds ('*' = [^/]*, '?' = [^/], '**' = (.*\/)? and the
 *     prefix / suffix / exact shortcuts), evaluated with Go regexp semantics;
 *   - match: a pattern matches a path or any of its ancestors, the last match wins.
 * Known difference: \p{..} Unicode classes and \Q..\E inside a pattern are rejected as errors
 * (Go's regexp would accept them). */
#ifndef KANALYTIC_DOCKER_IGNORE_H
#define KANALYTIC_DOCKER_IGNORE_H

#include <stdbool.h>
#include <stddef.h>

struct ignore;

/* Reads a .dockerignore text (file names the source in errors, e.g. ".dockerignore"). */
int ignore_parse(const char *text, size_t len, const char *file, struct ignore **out);
/* Appends one pattern (e.g. "!Dockerfile"). */
int ignore_add(struct ignore *ig, const char *pattern);
void ignore_free(struct ignore *ig);

size_t ignore_count(const struct ignore *ig);
/* The i-th cleaned pattern, with its leading '!' when it is an exception. */
const char *ignore_pattern(const struct ignore *ig, size_t i);

/* Whether PATH (relative, '/'-separated, no leading "./") is excluded: MatchesOrParentMatches.
 * Fails (-1, error set) when a pattern cannot be compiled as a regular expression. */
int ignore_match(const struct ignore *ig, const char *path, bool *excluded);
/* What the context walk of docker's CLI uses (MatchesUsingParentResults): `parent` holds
 * the per-pattern results of the parent folder (ignore_count entries; NULL for entries at the
 * top, which then check their ancestors like ignore_match), and `info` receives this path's
 * results, to pass to its children when it is a folder. A pattern skipped for the parent is
 * not re-checked against the ancestors of a child, so "x/y.tmp" then "!x" still excludes
 * x/y.tmp here, as docker does. */
int ignore_match_walk(const struct ignore *ig, const char *path, const bool *parent, bool *info,
                      bool *excluded);
/* For an excluded directory: whether the walk must still enter it because an exception
 * starts with "DIR/" (the legacy builder's rule; the directory's own entry is not sent). */
bool ignore_dir_has_exceptions(const struct ignore *ig, const char *dir);

/* Go's filepath.Clean for '/'-separated paths; the caller frees. */
char *ignore_clean_path(const char *path);

#endif
