/* UTF-8 runes as Go reads them (utf8.h). */
#include "utf8.h"

/* Decodes one rune at s[0..n); invalid sequences give UTF8_RUNE_ERROR of width 1 (as Go does). */
int32_t utf8_decode(const unsigned char *s, size_t n, size_t *width)
{
    unsigned c = s[0];
    *width = 1;
    if (c < 0x80)
        return (int32_t)c;
    size_t need;
    int32_t r, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        r = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        r = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        r = c & 0x07;
        min = 0x10000;
    } else {
        return UTF8_RUNE_ERROR;
    }
    if (n < need + 1)
        return UTF8_RUNE_ERROR;
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return UTF8_RUNE_ERROR;
        r = (r << 6) | (s[i] & 0x3F);
    }
    if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        return UTF8_RUNE_ERROR;
    *width = need + 1;
    return r;
}

void utf8_encode(struct buf *b, int32_t r)
{
    if (r < 0x80) {
        buf_addch(b, (char)r);
    } else if (r < 0x800) {
        buf_addch(b, (char)(0xC0 | (r >> 6)));
        buf_addch(b, (char)(0x80 | (r & 0x3F)));
    } else if (r < 0x10000) {
        buf_addch(b, (char)(0xE0 | (r >> 12)));
        buf_addch(b, (char)(0x80 | ((r >> 6) & 0x3F)));
        buf_addch(b, (char)(0x80 | (r & 0x3F)));
    } else {
        buf_addch(b, (char)(0xF0 | (r >> 18)));
        buf_addch(b, (char)(0x80 | ((r >> 12) & 0x3F)));
        buf_addch(b, (char)(0x80 | ((r >> 6) & 0x3F)));
        buf_addch(b, (char)(0x80 | (r & 0x3F)));
    }
}
