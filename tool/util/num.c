/* Owns: parsing numbers from text with range checks (util/num.h). */
#include "num.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

int parse_long(const char *s, long min, long max, long *out)
{
    if (!*s || isspace((unsigned char)*s))
        return err_set("'%s' is not a whole number", s);
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end)
        return err_set("'%s' is not a whole number", s);
    if (errno == ERANGE || v < min || v > max)
        return err_set("'%s' is not a whole number from %ld to %ld", s, min, max);
    *out = v;
    return 0;
}

int parse_double(const char *s, double min, double max, double *out)
{
    if (!*s || isspace((unsigned char)*s))
        return err_set("'%s' is not a number", s);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || isnan(v))
        return err_set("'%s' is not a number", s);
    if (errno == ERANGE || isinf(v) || v < min || v > max)
        return err_set("'%s' is not a number from %g to %g", s, min, max);
    *out = v;
    return 0;
}
