/* Kestrel 1.x's WITH arguments (`APPLY docker://NAME ON v WITH a=1, b=(x, y)`), read the way
 * Kestrel's own grammar and parser read them (kestrel.lark: args, arg_kv_pair, value, literal,
 * literal_list; ../shared/reference/kestrel-interface.md §3 and §14):
 *   args     NAME '=' value (',' NAME '=' value)*     NAME: a letter or _, then letters,
 *                                                       digits, _ or - (case kept)
 *   value    literal | '(' literal (',' literal)* ')' | '[' ... ']'   (one item: the item)
 *   literal  NUMBER | 'string' | "string" | r'raw' | bare-word | variable.attribute
 * Whitespace and `# comments` may stand between tokens. NUMBER has no sign (an unquoted -5 is
 * a syntax error in Kestrel); it goes through Python int() or float() and then str(). Quoted
 * strings go through Python's "unicode_escape" codec (so \t is a tab, \' a quote, and a
 * non-ASCII character is read byte by byte as Latin-1, as Kestrel does); raw strings r'..'
 * are kept as written. A `variable.attribute` reference needs a Kestrel session's variables:
 * kanalytic reports it as an error that says how to quote it. */
#ifndef KANALYTIC_KESTREL_WITH_H
#define KANALYTIC_KESTREL_WITH_H

#include "manifest.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Parses text (what follows WITH; a leading "WITH " is skipped) into *out, n entries in the
 * order given. Findings go to diags under file, at line:col within text (columns count
 * characters). Returns 0, or -1 after adding at least one error (*out NULL, *n 0). */
int kestrel_with_parse(const char *text, const char *file, struct param_value **out, size_t *n,
                       struct diag_list *diags);

/* The length of the Kestrel NUMBER at the start of s (INT, or a decimal with an optional
 * exponent, no sign), 0 when s does not start with one. */
size_t kestrel_number_len(const char *s, size_t len);
/* Sets v's kind (PV_INTEGER or PV_NUMBER), d, i and text from a whole NUMBER token exactly as
 * Kestrel renders it: str(int(s)) (any size; "010" -> "10"), or str(float(s)) when int()
 * refuses it (a fraction, an exponent, or more than Python's 4300 digits). */
void kestrel_number_value(struct param_value *v, const char *s, size_t len);
/* The length of the quoted-string token at the start of s ('..', "..", r'..', r".."), 0 when
 * s does not start with one. */
size_t kestrel_string_len(const char *s, size_t len);
/* The value of a whole string token: raw strings as written, others through Python's
 * unicode_escape. Returns 0, or -1 with err_set and *bad set to the offset in s of the
 * escape Kestrel (or an environment variable) cannot take. *latin1 tells that a non-ASCII
 * byte was read as Latin-1 ("é" becomes "Ã©"), as Kestrel does. */
int kestrel_string_value(const char *s, size_t len, struct buf *out, size_t *bad, bool *latin1);
/* Whether s is a whole NAME (a WITH parameter name or a bare-word value). */
bool kestrel_is_name(const char *s, size_t len);

/* Only checks text's syntax (kestrel_with_parse, the values dropped): 0, or -1 after adding
 * at least one error to diags. */
int kestrel_with_check(const char *text, const char *file, struct diag_list *diags);
/* Where d, a syntax error in text (rule with-syntax, at line:col), points, to show a caret
 * under it: *line and *len its line of text (without the line break), pad (appended) the
 * blanks that bring a caret under its column (a tab kept as a tab; a character of several
 * UTF-8 bytes is one column). -1 for another finding, or a line that text does not have. */
int kestrel_with_pointer(const char *text, const struct diag *d, const char **line, int *len,
                         struct buf *pad);

#endif
