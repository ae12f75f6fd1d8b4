/* Making untrusted text safe to print. Names and logs come from pull requests and containers
 * nobody has reviewed: a file named "x\n::error::y" must not become a line of its own in a
 * CI log (GitHub Actions obeys "::command::" lines), a container's ESC[2J must not reach the
 * terminal, and a name must not become a heading or a link in the Markdown step summary.
 *   paths          quoted as git does (core.quotePath): "a\nb" in double quotes, C escapes
 *   messages       control characters escaped, so a message stays one line
 *   logs           terminal escape sequences and control characters stripped
 *   Markdown       punctuation backslash-escaped, newlines made spaces
 *   GitHub         %-escapes of workflow-command data and properties, and the
 *                  ::stop-commands::TOKEN ... ::TOKEN:: blocks around what others printed */
#ifndef KANALYTIC_QUOTE_H
#define KANALYTIC_QUOTE_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* true when path has a byte git would quote: a control character, DEL, '"', '\\' or a byte
 * of 0x80 or more. */
bool quote_path_needed(const char *path);
/* Appends path as git prints it with core.quotePath: unchanged when nothing needs quoting,
 * else in double quotes with \a \b \t \n \v \f \r \" \\ and \ooo (octal) for other bytes. */
void quote_path(struct buf *out, const char *path);
/* The quoted form of path for a printf argument: path itself when it needs no quoting, else a
 * per-thread buffer valid until 8 more calls of qpath in the same thread. */
const char *qpath(const char *path);

/* Appends s[0..n) with control characters (C0, DEL, and C1 as UTF-8 or raw bytes) written
 * as C escapes (\n, \t, \033, ...). Backslashes are left alone, so escaping twice changes
 * nothing: for messages that must stay one line. */
void quote_controls(struct buf *out, const char *s, size_t n);
/* Escapes control characters of the NUL-terminated string s in place, keeping at most
 * cap - 1 bytes (the end is cut when the escapes make it longer). */
void quote_controls_inplace(char *s, size_t cap);

/* Appends s[0..n) without terminal escape sequences (CSI, OSC, DCS/SOS/PM/APC strings and
 * other ESC sequences, 7-bit or C1) and without control characters other than \n and \t
 * (\r included: a log reader takes it as a line break). */
void quote_strip_terminal(struct buf *out, const char *s, size_t n);

/* Appends s as Markdown text that renders as itself: ASCII punctuation backslash-escaped (no
 * heading, emphasis, code span, link, autolink, HTML or table cell break can start), line
 * breaks made spaces, control characters escaped. */
void quote_markdown(struct buf *out, const char *s);
/* Appends s as a Markdown code span (not for table cells): delimited by more backticks than
 * any run inside, padded with spaces when s starts or ends with a backtick; control
 * characters escaped. */
void quote_markdown_code(struct buf *out, const char *s);

/* Appends s escaped for a GitHub workflow command: % CR LF as %25 %0D %0A, and in a
 * property value (file=...) also : and , as %3A %2C. */
void quote_github(struct buf *out, const char *s, bool property);

/* Length of the valid UTF-8 sequence at s (at most n bytes, n >= 1), 0 when invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* A block in which GitHub Actions obeys no workflow command: begin prints
 * "::stop-commands::TOKEN" with a fresh random token (getrandom, 32 hex digits), end prints
 * "::TOKEN::" (both flush every stream first, so the order in the log holds). Whatever is
 * printed between cannot annotate, mask or stop anything. */
struct gh_block {
    char token[33];
};
void gh_block_begin(struct gh_block *b, FILE *out);
void gh_block_end(const struct gh_block *b, FILE *out);
/* true under GitHub Actions (GITHUB_ACTIONS=true). */
bool gh_actions(void);

#endif
