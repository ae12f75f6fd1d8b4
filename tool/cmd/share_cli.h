/* What publish and install share on the command line: --registry and the credentials
 * (--username + --password-stdin, or the docker CLI's config), and the per-layer progress
 * shown on a terminal. */
#ifndef KANALYTIC_CMD_SHARE_CLI_H
#define KANALYTIC_CMD_SHARE_CLI_H

#include "docker/docker.h"
#include "share/share.h"

#include <stdbool.h>
#include <stdio.h>

/* The options publish and install share. */
struct share_cli_opts {
    const char *registry, *index, *username;
    bool password_stdin;
};
/* Parses them (getopt_long, from optind 1) for command cmd; -h/--help prints usage to stdout.
 * Returns 0 to go on (operands from optind), 1 after --help, or EXIT_TROUBLE on a bad option
 * (usage printed to stderr). */
int share_cli_parse(int argc, char **argv, struct share_cli_opts *o, void (*usage)(FILE *));

/* The X-Registry-Auth value for server: username given -> the password from stdin (one line);
 * else the docker CLI config's entry; else anonymous. NULL with err_set on failure. */
char *share_cli_auth(const char *server, const char *username, bool password_stdin);

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
