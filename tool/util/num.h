/* Numbers from text (options, environment variables, labels) with range checks. */
#ifndef KANALYTIC_UTIL_NUM_H
#define KANALYTIC_UTIL_NUM_H

/* Parses the whole of s as a decimal integer in [min, max] into *out. Rejects an empty
 * string, leading blanks, trailing characters and overflow. 0, or -1 with the error set
 * (*out untouched). */
int parse_long(const char *s, long min, long max, long *out);
/* The same for a finite decimal number in [min, max] (no NaN, no infinity). */
int parse_double(const char *s, double min, double max, double *out);

#endif
