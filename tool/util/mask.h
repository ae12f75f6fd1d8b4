/* Masking what is not byte-stable in a text before comparing it, and a short diff of two
 * texts. The runner uses it for displays (map libraries put random element ids in their
 * HTML): case.yaml's `compare.display: {masked: [RE, ...]}` replaces every match of each POSIX
 * extended regular expression (regcomp with REG_EXTENDED | REG_NEWLINE: `.` and `[^...]` do
 * not cross a line end, `^`/`$` match at line ends) by TEXT_MASK, in both the golden and the
 * actual display, before they are compared (and before --repeat compares runs). */
#ifndef KANALYTIC_UTIL_MASK_H
#define KANALYTIC_UTIL_MASK_H

#include "buf.h"

#include <stddef.h>

#define TEXT_MASK "[masked]"

/* Checks that pattern compiles; on failure returns -1 with the error slot holding regerror's
 * text ("Unmatched ( or \\("). */
int text_mask_check(const char *pattern);
/* text[0..len) with every match of patterns[0], then of patterns[1], ... replaced, into out
 * (appended). An empty match replaces nothing. -1 (error slot set) when a pattern does not
 * compile. */
int text_mask(const char *text, size_t len, char *const *patterns, size_t npatterns,
              struct buf *out);
/* A short line diff of two texts (from the first difference, up to `max_lines` lines each
 * side, long lines cut around the first differing column), appended to out:
 * "line 12, column 3 (- expected, + actual):\n- ...\n+ ...\n" with the names given. Nothing
 * when they are equal. */
void text_diff(const char *want, size_t wlen, const char *got, size_t glen, size_t max_lines,
               const char *want_name, const char *got_name, struct buf *out);

#endif
