/* The shared escapers (escape.h). */
#include "escape.h"
#include "util/quote.h"

#include <string.h>

void html_escape(struct buf *b, const char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_addstr(b, "&amp;"); break;
        case '<': buf_addstr(b, "&lt;"); break;
        case '>': buf_addstr(b, "&gt;"); break;
        case '"': buf_addstr(b, "&quot;"); break;
        case '\'': buf_addstr(b, "&#39;"); break;
        default: buf_addch(b, *s);
        }
    }
}

void xml_escape(struct buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char ch = p[i];
        switch (ch) {
        case '<':
            buf_addstr(out, "&lt;");
            i++;
            continue;
        case '>':
            buf_addstr(out, "&gt;");
            i++;
            continue;
        case '&':
            buf_addstr(out, "&amp;");
            i++;
            continue;
        case '"':
            buf_addstr(out, "&quot;");
            i++;
            continue;
        case '\'':
            buf_addstr(out, "&apos;");
            i++;
            continue;
        default: break;
        }
        if (ch < 0x20) {
            if (ch == '\n' || ch == '\t' || ch == '\r')
                buf_addch(out, (char)ch);
            i++;
            continue;
        }
        size_t k = utf8_seq_len(p + i, n - i);
        if (!k) {
            buf_addch(out, '?');
            i++;
        } else {
            buf_add(out, p + i, k);
            i += k;
        }
    }
}

void xml_escape_str(struct buf *out, const char *s)
{
    if (s)
        xml_escape(out, s, strlen(s));
}
