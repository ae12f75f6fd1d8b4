/* Small string questions asked in several modules. */
#ifndef KANALYTIC_UTIL_STR_H
#define KANALYTIC_UTIL_STR_H

#include <stdbool.h>

/* Whether s ends with suffix (bytes compared exactly). */
bool ends_with(const char *s, const char *suffix);
/* Whether s ends with suffix, ASCII letters compared without case. */
bool ends_with_nocase(const char *s, const char *suffix);

#endif
