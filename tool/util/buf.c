/* Growable byte buffer: see buf.h. */
#include "buf.h"
#include "error.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty_[1];

void buf_init(struct buf *b)
{
    b->data = buf_empty_;
    b->len = 0;
    b->cap = 0;
}

void buf_free(struct buf *b)
{
    if (b->cap)
        free(b->data);
    buf_init(b);
}

void buf_reset(struct buf *b)
{
    buf_setlen(b, 0);
}

void buf_grow(struct buf *b, size_t extra)
{
    size_t need;
    if (size_add_overflow(b->len, extra, &need) || size_add_overflow(need, 1, &need))
        xmalloc(SIZE_MAX); /* reports out of memory */
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->cap) {
        b->data = xrealloc(b->data, cap);
    } else {
        b->data = xmalloc(cap);
        b->data[0] = '\0';
    }
    b->cap = cap;
}

void buf_setlen(struct buf *b, size_t len)
{
    if (!b->cap) {
        return;
    }
    b->len = len;
    b->data[len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t n)
{
    if (!n)
        return;
    buf_grow(b, n);
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

int buf_add_capped(struct buf *b, const void *data, size_t n, size_t max)
{
    if (b->len > max || n > max - b->len)
        return -1;
    buf_add(b, data, n);
    return 0;
}

void buf_add_truncated(struct buf *b, const void *data, size_t n, size_t max)
{
    if (b->len >= max)
        return;
    size_t room = max - b->len;
    buf_add(b, data, n < room ? n : room);
}

int buf_sink_write(void *ctx, const char *data, size_t n)
{
    struct buf_sink *s = ctx;
    if (!s->out)
        return 0;
    if (buf_add_capped(s->out, data, n, s->max) < 0) {
        s->over = true;
        return err_set("%s larger than %zu bytes", s->what ? s->what : "data", s->max);
    }
    return 0;
}

void buf_addstr(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, char c)
{
    buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n <= 0)
        return;
    buf_grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void buf_add_json_escaped(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': buf_add(b, "\\\"", 2); break;
        case '\\': buf_add(b, "\\\\", 2); break;
        case '\n': buf_add(b, "\\n", 2); break;
        case '\r': buf_add(b, "\\r", 2); break;
        case '\t': buf_add(b, "\\t", 2); break;
        case '\b': buf_add(b, "\\b", 2); break;
        case '\f': buf_add(b, "\\f", 2); break;
        default:
            if (c < 0x20) {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                buf_add(b, e, 6);
            } else {
                buf_addch(b, (char)c);
            }
        }
    }
}

void buf_add_json_string(struct buf *b, const char *s, size_t n)
{
    buf_addch(b, '"');
    buf_add_json_escaped(b, s, n);
    buf_addch(b, '"');
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->cap ? b->data : xstrdup("");
    if (len)
        *len = b->len;
    buf_init(b);
    return p;
}
