/* The error-detail slot (libgit2's git_error_last): a failing function stores a message
 * at the point of failure and returns a negative code; the command layer reads it.
 * The slot is per thread, so parallel jobs keep their own messages. */
#ifndef KANALYTIC_ERROR_H
#define KANALYTIC_ERROR_H

/* Stores the message and returns -1, so `return err_set(...)` reads naturally. */
int err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prefixes the current message with "prefix: " (e.g. the file name); returns -1. */
int err_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Sets the message from errno: "<what>: <strerror(errno)>"; returns -1. */
int err_errno(const char *what);
const char *err_last(void);
void err_clear(void);

#endif
