/* The command handlers. Each lives in tool/cmd/NAME.c, parses its own options (getopt_long,
 * argv[0] is the command name), prints, and returns the exit code:
 *   0 success, 1 findings / failed checks, 2 usage, I/O or environment error.
 * Every handler answers --help with its usage and examples; its usage and options are a
 * struct cmd_spec of cmd/options.h (the option table gives getopt_long's arrays and the options
 * lines of the usage; cmd_parse runs the loop; cmd_usage_error / cmd_error say what is wrong). */
#ifndef KANALYTIC_CMD_H
#define KANALYTIC_CMD_H

#define EXIT_FINDINGS 1
#define EXIT_TROUBLE 2

typedef int cmd_fn(int argc, char **argv);

/* Declared weak so a command whose module is not linked in reports that, rather than
 * breaking the build of the others. */
#define KANALYTIC_COMMANDS(X)                                                                      \
    X(new, "scaffold a new analytic from template/")                                               \
    X(validate, "check analytic manifests and test cases against schemas/")                        \
    X(build, "build analytic images through the Docker Engine API")                                \
    X(test, "run golden-file tests against analytic containers")                                   \
    X(run, "run an analytic on your own Parquet files, as APPLY would")                            \
    X(diff, "compare two Parquet files semantically")                                              \
    X(ci, "the pull-request gate: validate, policy, build and test what changed")                  \
    X(show, "print a Parquet file as a table, CSV or JSON Lines")                                  \
    X(convert, "convert between CSV / JSON Lines and Parquet")                                     \
    X(fixture, "make Kestrel-shaped test inputs (from-stix, reshape, empty)")                      \
    X(catalog, "write a static catalogue site of the analytics (search, filters, pages)")          \
    X(doctor, "check the Docker engine and base images")                                           \
    X(gc, "remove containers left behind by kanalytic")                                            \
    X(publish, "push analytics' images to a registry and record them in an index")                 \
    X(install, "pull a published analytic and tag it so APPLY docker://NAME finds it")             \
    X(list, "list the analytics images on the engine (list --installed)")                          \
    X(info, "print an installed analytic's manifest and a ready APPLY line")

#define X(name, summary) int cmd_##name(int argc, char **argv) __attribute__((weak));
KANALYTIC_COMMANDS(X)
#undef X

#endif
