/* A growable byte buffer (git's strbuf): always NUL-terminated, may hold NULs. */
#ifndef KANALYTIC_BUF_H
#define KANALYTIC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data; /* never NULL after buf_init: points at "" until first growth */
    size_t len;
    size_t cap;
};

#define BUF_INIT {buf_empty_, 0, 0}
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
/* Appends s with JSON string escaping, without the surrounding quotes. */
void buf_add_json_escaped(struct buf *b, const char *s, size_t n);
/* Hands the heap string to the caller (who frees it) and resets b. */
char *buf_detach(struct buf *b, size_t *len);

#endif
