/* Terminal conventions shared by every command: colour only on a terminal and never with
 * NO_COLOR, and one verbosity level set by -q / -v. */
#ifndef KANALYTIC_TERM_H
#define KANALYTIC_TERM_H

#include <stdbool.h>
#include <stdio.h>

enum term_color { TC_RESET, TC_RED, TC_GREEN, TC_YELLOW, TC_BLUE, TC_BOLD, TC_DIM };

/* -1 quiet, 0 normal, 1+ verbose */
extern int term_verbosity;

bool term_use_color(FILE *f);
/* The escape sequence for c, or "" when f gets no colour. */
const char *term_color(FILE *f, enum term_color c);
bool term_is_interactive(FILE *f);
/* The width in columns of the terminal open on fd; 0 when fd is no terminal or does not say. */
int term_columns(int fd);

#endif
