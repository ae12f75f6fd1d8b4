/* What publish and install share on the command line: --registry and the credentials
 * (--username + --password-stdin; share_auth reads them), and the per-layer progress shown
 * on a terminal. */
#ifndef KANALYTIC_CMD_SHARE_CLI_H
#define KANALYTIC_CMD_SHARE_CLI_H

#include "cmd/options.h"
#include "docker/docker.h"
#include "share/share.h"

#include <stdbool.h>
#include <stdio.h>

/* The options publish and install share. */
struct share_cli_opts {
    const char *registry, *index, *username;
    bool password_stdin;
};
/* The entries of an option table for them: each command gives its own help for -r and -i
 * (what the registry and the index are to it); the credentials are the same for both. */
#define SHARE_CLI_OPT_REGISTRY(arg, help) CMD_OPT_ARG('r', "registry", 'r', arg, help)
#define SHARE_CLI_OPT_INDEX(arg, help) CMD_OPT_ARG('i', "index", 'i', arg, help)
#define SHARE_CLI_OPT_PASSWORD_STDIN 0x7f10
#define SHARE_CLI_OPT_CREDENTIALS                                                                  \
    CMD_OPT_ARG('u', "username", 'u', "USER",                                                      \
                "log in as USER with the password read from standard input"),                      \
        CMD_OPT_FLAG(0, "password-stdin", SHARE_CLI_OPT_PASSWORD_STDIN,                            \
                     "(without them: the docker CLI's config, $DOCKER_CONFIG or\n"                 \
                     "~/.docker/config.json, `auths`, else anonymous;\n"                           \
                     "credential helpers are not run)")
/* Parses them with the command's spec (cmd_parse). Returns -1 to go on (operands from optind),
 * else the exit code: 0 after --help or --list-options, EXIT_TROUBLE on a bad option. */
int share_cli_parse(int argc, char **argv, const struct cmd_spec *spec, struct share_cli_opts *o);

/* Per-layer progress lines redrawn in place on a terminal (f NULL or not a terminal: silent). */
struct share_view {
    FILE *f;
    char **ids;
    char **lines;
    size_t n;
    size_t drawn;
};
void share_view_init(struct share_view *v, FILE *f);
int share_view_progress(void *ctx, const struct docker_progress *p); /* a docker_progress_fn */
/* Clears the drawn lines (the per-analytic result line follows) and forgets the layers. */
void share_view_reset(struct share_view *v);

#endif
