/* The escapers every renderer shares: one for HTML, one for XML. What an analytic printed can
 * hold anything, so both are total: any bytes in, well-formed text out. */
#ifndef KANALYTIC_REPORT_ESCAPE_H
#define KANALYTIC_REPORT_ESCAPE_H

#include "util/buf.h"

#include <stddef.h>

/* HTML text or attribute value (double- or single-quoted): & < > " ' escaped. */
void html_escape(struct buf *out, const char *s);
/* XML 1.0 text or attribute value: markup escaped; control characters XML cannot hold
 * dropped (tab, newline and carriage return kept); bytes that are not UTF-8 become '?'. */
void xml_escape(struct buf *out, const char *s, size_t n);
/* The same for a NUL-terminated string (NULL: nothing). */
void xml_escape_str(struct buf *out, const char *s);

#endif
