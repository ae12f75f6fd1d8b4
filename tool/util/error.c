/* Per-thread error-detail slot: see error.h. */
#include "error.h"
#include "quote.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERR_MAX 4096
static _Thread_local char err_msg[ERR_MAX];

int err_set(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_msg, sizeof err_msg, fmt, ap);
    va_end(ap);
    /* a message is one line, whatever names it quotes */
    quote_controls_inplace(err_msg, sizeof err_msg);
    return -1;
}

int err_prefix(const char *fmt, ...)
{
    char prefix[1024], old[ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err_msg, sizeof old);
    /* truncation is acceptable for a message */
    int n = snprintf(err_msg, sizeof err_msg, "%s: ", prefix);
    if (n > 0 && (size_t)n < sizeof err_msg) {
        const char *rest = old[0] ? old : "unknown error";
        size_t room = sizeof err_msg - (size_t)n - 1;
        size_t len = strnlen(rest, room);
        memcpy(err_msg + n, rest, len);
        err_msg[(size_t)n + len] = '\0';
    }
    quote_controls_inplace(err_msg, sizeof err_msg);
    return -1;
}

int err_errno(const char *what)
{
    int e = errno;
    return err_set("%s: %s", what, strerror(e));
}

const char *err_last(void)
{
    return err_msg[0] ? err_msg : "unknown error";
}

void err_clear(void)
{
    err_msg[0] = '\0';
}
