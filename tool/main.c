/* kanalytic: the command table and global options. Everything else lives in tool/cmd/. */
#include "cmd/cmd.h"
#include "util/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KANALYTIC_VERSION
#define KANALYTIC_VERSION "0.0.0-dev"
#endif

struct command {
    const char *name;
    const char *summary;
    cmd_fn *fn;
};

static const struct command commands[] = {
#define X(name, summary) {#name, summary, cmd_##name},
    KANALYTIC_COMMANDS(X)
#undef X
};

static void usage(FILE *out)
{
    fprintf(out, "usage: kanalytic [-q|-v] [-C DIR] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].fn)
            fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-10s %s\n", "help", "show help for a command (kanalytic help COMMAND)");
    fprintf(out, "\nexit codes: 0 success, 1 findings or failed tests, 2 usage, I/O or engine "
                 "error\nRun 'kanalytic help COMMAND' for a command's options and examples.\n");
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static int run_command(const struct command *c, int argc, char **argv)
{
    if (!c->fn) {
        fprintf(stderr, "kanalytic: '%s' is not part of this build\n", c->name);
        return EXIT_TROUBLE;
    }
    return c->fn(argc, argv);
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            term_verbosity = -1;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            term_verbosity++;
        } else if (!strcmp(a, "-C") && i + 1 < argc) {
            if (chdir(argv[++i]) < 0) {
                perror(argv[i]);
                return EXIT_TROUBLE;
            }
        } else if (!strcmp(a, "--version")) {
            printf("kanalytic %s\n", KANALYTIC_VERSION);
            return 0;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "kanalytic: unknown option '%s'\n", a);
            usage(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_TROUBLE;
    }
    const char *name = argv[i];
    if (!strcmp(name, "help")) {
        if (i + 1 >= argc) {
            usage(stdout);
            return 0;
        }
        const struct command *c = find_command(argv[i + 1]);
        if (!c) {
            fprintf(stderr, "kanalytic: no command '%s'\n", argv[i + 1]);
            return EXIT_TROUBLE;
        }
        char *help_argv[] = {(char *)c->name, "--help", NULL};
        return run_command(c, 2, help_argv);
    }
    const struct command *c = find_command(name);
    if (!c) {
        fprintf(stderr, "kanalytic: '%s' is not a command; see 'kanalytic --help'\n", name);
        return EXIT_TROUBLE;
    }
    return run_command(c, argc - i, argv + i);
}
