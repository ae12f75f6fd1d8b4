/* Unit tests of tool/util/term.c's term_columns: a terminal's width as the kernel has it (a
 * pseudo-terminal set to a known size), 0 for a file that is not a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/term.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void test_columns(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
        skip(); /* no pseudo-terminals here */
    FILE *tty = fopen(ptsname(master), "w");
    assert_non_null(tty);
    struct winsize ws = {.ws_row = 24, .ws_col = 77};
    assert_int_equal(ioctl(fileno(tty), TIOCSWINSZ, &ws), 0);
    assert_int_equal(term_columns(fileno(tty)), 77);
    ws.ws_col = 213;
    assert_int_equal(ioctl(fileno(tty), TIOCSWINSZ, &ws), 0);
    assert_int_equal(term_columns(fileno(tty)), 213);
    fclose(tty);
    close(master);

    FILE *file = tmpfile();
    assert_non_null(file);
    assert_int_equal(term_columns(fileno(file)), 0);
    fclose(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
