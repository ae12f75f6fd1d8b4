/* Numbers as people read them in the tools' output. */
#ifndef KANALYTIC_UTIL_HUMAN_H
#define KANALYTIC_UTIL_HUMAN_H

#include <stddef.h>

/* Decimal units, as the docker CLI prints sizes: "512 B", "1.5 kB", "1.0 GB". */
void human_size(char *out, size_t cap, double bytes);

#endif
