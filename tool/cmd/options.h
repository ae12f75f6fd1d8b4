/* Option tables that carry their help text (git's parse-options is the model): one table per
 * command gives both the getopt_long arrays and the options section of the usage text, so the
 * two cannot drift. Command layer only. Every entry must have help: the CMD_OPT_* macros take
 * a string literal and refuse an empty one at compile time; cmd_getopt_init checks the rest. */
#ifndef KANALYTIC_CMD_OPTIONS_H
#define KANALYTIC_CMD_OPTIONS_H

#include "util/buf.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

struct cmd_option {
    const char *heading; /* non-NULL: a group heading line; nothing else is set */
    int short_name;      /* 'x' for -x, or 0 */
    const char *long_name;
    int val;          /* what getopt_long returns: short_name, or a code of the command */
    const char *arg;  /* the argument's name ("FMT"); NULL for a flag */
    const char *help; /* '\n' starts a continuation line, aligned under the first */
};

/* A string literal that is not empty, or a compile error. */
#define CMD_OPT_HELP_(h) ("" h + (sizeof(char[sizeof("" h) > 1 ? 1 : -1]) - 1))
#define CMD_OPT_FLAG(s, l, v, h)                                                                   \
    {                                                                                              \
        NULL, s, l, v, NULL, CMD_OPT_HELP_(h)                                                      \
    }
#define CMD_OPT_ARG(s, l, v, a, h)                                                                 \
    {                                                                                              \
        NULL, s, l, v, CMD_OPT_HELP_(a), CMD_OPT_HELP_(h)                                          \
    }
#define CMD_OPT_GROUP(h)                                                                           \
    {                                                                                              \
        CMD_OPT_HELP_(h), 0, NULL, 0, NULL, NULL                                                   \
    }
#define CMD_OPT_HELP_ENTRY CMD_OPT_FLAG('h', "help", 'h', "this help")
#define CMD_OPT_END                                                                                \
    {                                                                                              \
        NULL, 0, NULL, 0, NULL, NULL                                                               \
    }

/* getopt_long returns this for the hidden --list-options (every long option, one a line:
 * what tests/cli/test_help.sh checks the help text against). */
#define CMD_OPT_LIST_OPTIONS 0x7f01

#define CMD_OPTIONS_MAX 48

struct cmd_getopt {
    struct option longopts[CMD_OPTIONS_MAX + 2];
    char shortopts[3 * CMD_OPTIONS_MAX + 2];
};

/* Fills g from the table; stop_at_operand puts '+' first (options end at the first operand).
 * -1 with the error slot set on an entry without help, a duplicate, or too many entries. */
int cmd_getopt_init(struct cmd_getopt *g, const struct cmd_option *table, bool stop_at_operand);

/* The options section: one line per entry, help aligned at one column. */
void cmd_options_format(struct buf *out, const struct cmd_option *table);
void cmd_options_print(FILE *out, const struct cmd_option *table);
/* Every long option of the table, "--name" one a line (the hidden --list-options). */
void cmd_options_list(FILE *out, const struct cmd_option *table);

/* A command's usage text and options: `usage_head`, the options section, `usage_tail`. */
struct cmd_spec {
    const char *name; /* "validate": messages say "kanalytic validate: ..." */
    const char *usage_head;
    const struct cmd_option *options;
    const char *usage_tail;
    bool stop_at_operand; /* options end at the first operand */
    /* non-NULL: said on an unknown option, before the usage; when it names the option ("%s",
     * as given), getopt_long's own message is left out */
    const char *bad_option;
};

void cmd_usage(FILE *out, const struct cmd_spec *s);
/* "kanalytic NAME: MESSAGE" (fmt NULL: nothing), the usage on stderr; returns EXIT_TROUBLE. */
int cmd_usage_error(const struct cmd_spec *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "kanalytic NAME: MESSAGE" on stderr; returns EXIT_TROUBLE. */
int cmd_error(const struct cmd_spec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cmd_error with the error slot's message. */
int cmd_trouble(const struct cmd_spec *s);

/* The getopt_long loop of a command:
 *     struct cmd_parser p = CMD_PARSER(spec, argc, argv);
 *     while ((c = cmd_parse(&p)) >= 0) switch (c) { ...the command's options... }
 *     if (c != CMD_PARSE_END) return cmd_parse_exit(c);
 * cmd_parse answers -h/--help (usage on stdout) and --list-options itself, and an unknown
 * option (usage on stderr); operands follow from optind. */
struct cmd_parser {
    const struct cmd_spec *spec;
    int argc;
    char **argv;
    bool ready;
    struct cmd_getopt g;
};
#define CMD_PARSER(s, c, v)                                                                        \
    {                                                                                              \
        .spec = &(s), .argc = (c), .argv = (v)                                                     \
    }
#define CMD_PARSE_END (-1)
#define CMD_PARSE_DONE (-2)    /* --help or --list-options answered: exit 0 */
#define CMD_PARSE_TROUBLE (-3) /* an unknown option or a broken table, said: exit 2 */
int cmd_parse(struct cmd_parser *p);
static inline int cmd_parse_exit(int c)
{
    return c == CMD_PARSE_DONE ? 0 : 2;
}

#endif
