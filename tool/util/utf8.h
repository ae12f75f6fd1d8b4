/* UTF-8 runes the way Go reads them: an invalid or truncated sequence is U+FFFD of width 1.
 * (.dockerignore patterns and paths are matched rune by rune, as the docker CLI does.) */
#ifndef KANALYTIC_UTIL_UTF8_H
#define KANALYTIC_UTIL_UTF8_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

#define UTF8_RUNE_ERROR 0xFFFD

/* Decodes one rune at s[0..n) (n >= 1); *width gets its length in bytes. */
int32_t utf8_decode(const unsigned char *s, size_t n, size_t *width);
/* Appends rune r (0..0x10FFFF) to b. */
void utf8_encode(struct buf *b, int32_t r);

#endif
