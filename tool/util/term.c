/* Terminal colour and verbosity: see term.h. */
#include "term.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int term_verbosity;

bool term_is_interactive(FILE *f)
{
    return isatty(fileno(f)) == 1;
}

int term_columns(int fd)
{
    struct winsize ws;
    if (isatty(fd) != 1 || ioctl(fd, TIOCGWINSZ, &ws) != 0)
        return 0;
    return ws.ws_col;
}

bool term_use_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return false;
    const char *t = getenv("TERM");
    if (t && !*t)
        return false;
    if (t && t[0] == 'd' && t[1] == 'u' && t[2] == 'm' && t[3] == 'b' && !t[4])
        return false;
    return term_is_interactive(f);
}

const char *term_color(FILE *f, enum term_color c)
{
    static const char *const seq[] = {"\033[0m",  "\033[31m", "\033[32m", "\033[33m",
                                      "\033[34m", "\033[1m",  "\033[2m"};
    return term_use_color(f) ? seq[c] : "";
}
