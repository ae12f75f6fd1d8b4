/* A growable byte buffer (git's strbuf): always NUL-terminated, may hold NULs. */
#ifndef KANALYTIC_BUF_H
#define KANALYTIC_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *data; /* never NULL after buf_init: points at "" until first growth */
    size_t len;
    size_t cap;
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        buf_empty_, 0, 0                                                                           \
    }
extern char buf_empty_[];

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* Makes room for `extra` more bytes (plus the terminator). */
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_setlen(struct buf *b, size_t len);
/* Buffers with a size cap (curl's dynbuf "too big"): b never grows past max bytes in all.
 * buf_add_capped appends all of data or nothing: 0, or -1 when it would not fit (b unchanged,
 * no error set). buf_add_truncated appends what fits and drops the rest (a kept log head). */
int buf_add_capped(struct buf *b, const void *data, size_t n, size_t max);
void buf_add_truncated(struct buf *b, const void *data, size_t n, size_t max);
/* A sink for streamed answers (docker_sink_fn's shape) that collects into out up to max
 * bytes in all: past it, sets over and fails with "WHAT larger than MAX bytes" in the error
 * slot. out may be NULL (the data is dropped). */
struct buf_sink {
    struct buf *out;
    size_t max;
    const char *what;
    bool over;
};
int buf_sink_write(void *ctx, const char *data, size_t n);
/* Appends s with JSON string escaping, without the surrounding quotes. */
void buf_add_json_escaped(struct buf *b, const char *s, size_t n);
/* Appends s as a JSON string, quotes included (also a YAML double-quoted scalar). */
void buf_add_json_string(struct buf *b, const char *s, size_t n);
/* Hands the heap string to the caller (who frees it) and resets b. */
char *buf_detach(struct buf *b, size_t *len);

#endif
