/* JSON documents read from files or buffers, with errors that name the source and the
 * line:col of the problem. */
#ifndef KANALYTIC_UTIL_JSONFILE_H
#define KANALYTIC_UTIL_JSONFILE_H

#include <jansson.h>
#include <stddef.h>

/* Parses len bytes of data; name is the file (or URL) shown in the error:
 * "NAME:LINE:COL: not valid JSON: ...". 0 with *out set, or -1 + err_set. */
int json_parse_named(const char *data, size_t len, const char *name, json_t **out);
/* Reads the file at path (at most max_bytes) and parses it the same way. */
int json_read_file(const char *path, size_t max_bytes, json_t **out);

#endif
