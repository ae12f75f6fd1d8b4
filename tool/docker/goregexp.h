/* Go regular expressions, the subset the docker CLI's patternmatcher builds from .dockerignore
 * patterns (literals, `.`, classes with ranges and negation, Perl classes \d \s \w, `*`, `^`,
 * `$`, \b \B, escapes), compiled to an NFA and matched in time linear in the text. Invalid
 * UTF-8 reads as U+FFFD, as in Go. Used by ignore.c only; a module of its own so that the
 * matcher can be read, tested and fuzzed apart from the pattern rules. */
#ifndef KANALYTIC_DOCKER_GOREGEXP_H
#define KANALYTIC_DOCKER_GOREGEXP_H

#include <stdbool.h>
#include <stddef.h>

struct goregexp;

/* Compiles re[0..len) into *out; -1 with the error slot set on a syntax error. */
int goregexp_compile(struct goregexp **out, const char *re, size_t len);
/* Does the whole of text match? (The patterns are anchored by ^...$ themselves.) */
bool goregexp_match(const struct goregexp *re, const char *text);
void goregexp_free(struct goregexp *re);

#endif
