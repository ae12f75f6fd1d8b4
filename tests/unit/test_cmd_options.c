/* Unit tests of tool/cmd/options: the getopt_long arrays and the aligned options section are
 * both generated from one table (issue 16), and an entry without help is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cmd/options.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_RTOL = 256, OPT_NAN };

static const struct cmd_option table[] = {
    CMD_OPT_ARG('k', "key", 'k', "COLS", "match rows by these columns"),
    CMD_OPT_ARG(0, "rtol", OPT_RTOL, "X", "relative tolerance\nfor floating point"),
    CMD_OPT_FLAG(0, "nan-unequal", OPT_NAN, "NaN differs from NaN"),
    CMD_OPT_FLAG('v', NULL, 'v', "verbose"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static void test_getopt_arrays(void **state)
{
    (void)state;
    struct cmd_getopt g;
    assert_int_equal(cmd_getopt_init(&g, table, false), 0);
    assert_string_equal(g.shortopts, "k:vh");
    assert_string_equal(g.longopts[0].name, "key");
    assert_int_equal(g.longopts[0].has_arg, required_argument);
    assert_int_equal(g.longopts[0].val, 'k');
    assert_string_equal(g.longopts[1].name, "rtol");
    assert_int_equal(g.longopts[1].val, OPT_RTOL);
    assert_string_equal(g.longopts[2].name, "nan-unequal");
    assert_int_equal(g.longopts[2].has_arg, no_argument);
    assert_string_equal(g.longopts[3].name, "help"); /* -v has no long name */
    assert_string_equal(g.longopts[4].name, "list-options");
    assert_int_equal(g.longopts[4].val, CMD_OPT_LIST_OPTIONS);
    assert_null(g.longopts[5].name);
    assert_int_equal(cmd_getopt_init(&g, table, true), 0);
    assert_string_equal(g.shortopts, "+k:vh");
}

static void test_getopt_parses(void **state)
{
    (void)state;
    struct cmd_getopt g;
    assert_int_equal(cmd_getopt_init(&g, table, false), 0);
    char *argv[] = {"diff", "--rtol=0.5", "-k", "id", "--nan-unequal", "a", NULL};
    optind = 1;
    assert_int_equal(getopt_long(6, argv, g.shortopts, g.longopts, NULL), OPT_RTOL);
    assert_string_equal(optarg, "0.5");
    assert_int_equal(getopt_long(6, argv, g.shortopts, g.longopts, NULL), 'k');
    assert_string_equal(optarg, "id");
    assert_int_equal(getopt_long(6, argv, g.shortopts, g.longopts, NULL), OPT_NAN);
    assert_int_equal(getopt_long(6, argv, g.shortopts, g.longopts, NULL), -1);
    assert_int_equal(optind, 5);
}

static void test_format_aligned(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    cmd_options_format(&b, table);
    assert_string_equal(b.data, "  -k, --key COLS     match rows by these columns\n"
                                "      --rtol X       relative tolerance\n"
                                "                     for floating point\n"
                                "      --nan-unequal  NaN differs from NaN\n"
                                "  -v                 verbose\n"
                                "  -h, --help         this help\n");
    buf_reset(&b);
    static const struct cmd_option wider[] = {
        CMD_OPT_ARG(0, "policy-rev", 1, "REV", "read the policy at REV"),
        CMD_OPT_HELP_ENTRY,
        CMD_OPT_END,
    };
    cmd_options_format(&b, wider);
    assert_string_equal(b.data, "      --policy-rev REV  read the policy at REV\n"
                                "  -h, --help            this help\n");
    buf_free(&b);
}

static void test_format_groups_and_long_names(void **state)
{
    (void)state;
    static const struct cmd_option t[] = {
        CMD_OPT_GROUP("reports"),
        CMD_OPT_ARG(0, "junit", 1, "FILE", "JUnit XML"),
        CMD_OPT_ARG(0, "a-very-long-option-name-indeed", 2, "VALUE", "too wide for the column"),
        CMD_OPT_GROUP("other"),
        CMD_OPT_HELP_ENTRY,
        CMD_OPT_END,
    };
    struct buf b = BUF_INIT;
    buf_addstr(&b, "before\n");
    cmd_options_format(&b, t);
    assert_string_equal(b.data, "before\n"
                                "reports:\n"
                                "      --junit FILE  JUnit XML\n"
                                "      --a-very-long-option-name-indeed VALUE\n"
                                "                    too wide for the column\n"
                                "\n"
                                "other:\n"
                                "  -h, --help        this help\n");
    buf_free(&b);
}

/* The macros refuse "" and NULL at compile time (CMD_OPT_FLAG(0, "x", 1, "") is "size of
 * unnamed array is negative"); a table built by hand is checked here. */
static void test_missing_help_refused(void **state)
{
    (void)state;
    struct cmd_getopt g;
    const struct cmd_option no_help[] = {
        {NULL, 0, "output-cap", 300, "BYTES", NULL},
        CMD_OPT_END,
    };
    assert_int_equal(cmd_getopt_init(&g, no_help, false), -1);
    assert_non_null(strstr(err_last(), "--output-cap has no help"));
    const struct cmd_option empty_help[] = {
        {NULL, 'x', NULL, 'x', NULL, ""},
        CMD_OPT_END,
    };
    assert_int_equal(cmd_getopt_init(&g, empty_help, false), -1);
    assert_non_null(strstr(err_last(), "-x has no help"));
}

static void test_duplicates_refused(void **state)
{
    (void)state;
    struct cmd_getopt g;
    const struct cmd_option dup_long[] = {
        CMD_OPT_FLAG(0, "json", 1, "JSON"),
        CMD_OPT_FLAG(0, "json", 2, "again"),
        CMD_OPT_END,
    };
    assert_int_equal(cmd_getopt_init(&g, dup_long, false), -1);
    assert_non_null(strstr(err_last(), "--json is listed twice"));
    const struct cmd_option dup_short[] = {
        CMD_OPT_FLAG('n', "dry-run", 'n', "dry"),
        CMD_OPT_FLAG('n', "no", 'n', "no"),
        CMD_OPT_END,
    };
    assert_int_equal(cmd_getopt_init(&g, dup_short, false), -1);
    assert_non_null(strstr(err_last(), "-n is listed twice"));
}

static const struct cmd_spec spec = {
    .name = "diff",
    "usage: kanalytic diff A B\n\n",
    table,
    "\nexamples:\n  kanalytic diff a b\n",
};

/* What fd (1 or 2) gets while cmd_parse runs over argv to its end: the values it returned
 * (0-terminated, the last one the end code) in vals; the text written, freed by the caller. */
static char *captured(int fd, const struct cmd_spec *s, int argc, char **argv, int *vals)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fflush(NULL);
    int saved = dup(fd);
    dup2(fileno(f), fd);
    struct cmd_parser p = CMD_PARSER(*s, argc, argv);
    int n = 0, c;
    while ((c = cmd_parse(&p)) >= 0)
        vals[n++] = c;
    vals[n++] = c;
    vals[n] = 0;
    fflush(NULL);
    dup2(saved, fd);
    close(saved);
    long len = ftell(f);
    char *text = calloc(1, (size_t)len + 1);
    rewind(f);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return text;
}

static void test_parse_loop(void **state)
{
    (void)state;
    int v[16];
    char *argv[] = {"diff", "-k", "id", "a", "--nan-unequal", "b", NULL};
    char *t = captured(1, &spec, 6, argv, v);
    assert_int_equal(v[0], 'k');
    assert_int_equal(v[1], OPT_NAN);
    assert_int_equal(v[2], CMD_PARSE_END);
    assert_int_equal(optind, 4); /* operands permuted to the end: a b */
    assert_string_equal(argv[optind], "a");
    assert_string_equal(t, "");
    free(t);

    struct cmd_spec stop = spec;
    stop.stop_at_operand = true;
    char *argv2[] = {"ci", "a", "-k", "id", NULL};
    free(captured(1, &stop, 4, argv2, v));
    assert_int_equal(v[0], CMD_PARSE_END);
    assert_int_equal(optind, 1);

    /* --help: head, options, tail on stdout, exactly cmd_usage's text; exit 0 */
    char *argv3[] = {"diff", "-v", "--help", "-k", "x", NULL};
    t = captured(1, &spec, 5, argv3, v);
    assert_int_equal(v[0], 'v');
    assert_int_equal(v[1], CMD_PARSE_DONE);
    assert_int_equal(cmd_parse_exit(v[1]), 0);
    struct buf want = BUF_INIT;
    buf_addstr(&want, spec.usage_head);
    cmd_options_format(&want, table);
    buf_addstr(&want, spec.usage_tail);
    assert_string_equal(t, want.data);
    free(t);

    /* --list-options */
    char *argv4[] = {"diff", "--list-options", NULL};
    t = captured(1, &spec, 2, argv4, v);
    assert_int_equal(v[0], CMD_PARSE_DONE);
    assert_string_equal(t, "--key\n--rtol\n--nan-unequal\n--help\n");
    free(t);

    /* an unknown option: getopt_long's message, then the usage on stderr; exit 2 */
    char *argv5[] = {"diff", "--nope", NULL};
    t = captured(2, &spec, 2, argv5, v);
    assert_int_equal(v[0], CMD_PARSE_TROUBLE);
    assert_int_equal(cmd_parse_exit(v[0]), 2);
    assert_non_null(strstr(t, "diff: unrecognized option '--nope'\n"));
    assert_non_null(strstr(t, want.data));
    free(t);

    /* bad_option naming the option replaces getopt_long's message */
    struct cmd_spec named = spec;
    named.bad_option = "unknown option '%s'";
    t = captured(2, &named, 2, argv5, v);
    assert_int_equal(v[0], CMD_PARSE_TROUBLE);
    assert_ptr_equal(strstr(t, "kanalytic diff: unknown option '--nope'\nusage:"), t);
    free(t);
    /* ... one that does not keeps it, and follows it */
    named.bad_option = "bad option";
    t = captured(2, &named, 2, argv5, v);
    char *said = strstr(t, "kanalytic diff: bad option\nusage:");
    assert_non_null(said);
    assert_true(said > strstr(t, "unrecognized option"));
    free(t);
    buf_free(&want);
}

static void test_usage_error(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(f), 2);
    assert_int_equal(cmd_usage_error(&spec, "expected %d files", 2), 2);
    assert_int_equal(cmd_error(&spec, "--rtol must be a number, not '%s'", "x"), 2);
    err_set("broken.parquet: not a Parquet file");
    assert_int_equal(cmd_trouble(&spec), 2);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[2048] = {0};
    rewind(f);
    assert_true(fread(text, 1, sizeof text - 1, f) > 0);
    fclose(f);
    assert_ptr_equal(strstr(text, "kanalytic diff: expected 2 files\nusage: kanalytic diff A B\n"),
                     text);
    assert_non_null(strstr(text, "  kanalytic diff a b\n"
                                 "kanalytic diff: --rtol must be a number, not 'x'\n"
                                 "kanalytic diff: broken.parquet: not a Parquet file\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_getopt_arrays),
        cmocka_unit_test(test_getopt_parses),
        cmocka_unit_test(test_format_aligned),
        cmocka_unit_test(test_format_groups_and_long_names),
        cmocka_unit_test(test_missing_help_refused),
        cmocka_unit_test(test_duplicates_refused),
        cmocka_unit_test(test_parse_loop),
        cmocka_unit_test(test_usage_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
