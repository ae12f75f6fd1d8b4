/* kanalytic gc: removes what kanalytic left behind in the Docker engine (runner/sweep.h finds
 * and removes it) and prints each. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "docker/docker.h"
#include "runner/sweep.h"
#include "util/error.h"

#include <getopt.h>
#include <stdio.h>

static const struct cmd_option options[] = {
    CMD_OPT_FLAG('n', "dry-run", 'n', "only print what would be removed"),
    CMD_OPT_FLAG('f', "force", 'f',
                 "also remove containers a running kanalytic on this machine\n"
                 "still uses (by default they are kept)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static void usage(FILE *out)
{
    fprintf(out, "usage: kanalytic gc [-n|--dry-run] [-f|--force]\n"
                 "\n"
                 "Removes containers labelled io.kanalytic=1 (left by interrupted test runs) and\n"
                 "dangling images kanalytic built (untagged by a newer build), and prints each.\n"
                 "\n");
    cmd_options_print(out, options);
    fprintf(out, "\n"
                 "examples:\n"
                 "  kanalytic gc\n"
                 "  kanalytic gc --dry-run\n");
}

/* Prints one sweep's items; counts the removed (or planned) ones in *removed. Returns
 * EXIT_TROUBLE when a container could not be removed (an image that stays is only said). */
static int print_sweep(const struct sweep_list *l, bool containers, bool dry, size_t *removed)
{
    const char *verb = dry ? "would remove" : "removed";
    int status = 0;
    for (size_t i = 0; i < l->count; i++) {
        const struct sweep_item *it = &l->items[i];
        switch (it->outcome) {
        case SWEEP_KEPT:
            printf("kept container %s (%.12s): kanalytic process %ld still uses it "
                   "(--force removes it anyway)\n",
                   it->name, it->id, it->owner);
            continue;
        case SWEEP_FAILED:
            fprintf(stderr, "kanalytic gc: %s\n", it->error);
            if (containers) /* an image still used by a container outside kanalytic stays */
                status = EXIT_TROUBLE;
            continue;
        case SWEEP_PLANNED:
        case SWEEP_REMOVED: break;
        }
        if (containers)
            printf("%s container %s (%.12s, image %s, %s)\n", verb, it->name, it->id, it->image,
                   it->state);
        else
            printf("%s image %.19s%s%s\n", verb, it->id, it->name ? " " : "",
                   it->name ? it->name : "");
        (*removed)++;
    }
    return status;
}

int cmd_gc(int argc, char **argv)
{
    bool dry = false, force = false;
    int c;
    struct cmd_getopt g;
    if (cmd_getopt_init(&g, options, false) < 0) {
        fprintf(stderr, "kanalytic gc: %s\n", err_last());
        return EXIT_TROUBLE;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
        switch (c) {
        case 'n': dry = true; break;
        case 'f': force = true; break;
        case 'h': usage(stdout); return 0;
        case CMD_OPT_LIST_OPTIONS: cmd_options_list(stdout, options); return 0;
        default: usage(stderr); return EXIT_TROUBLE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return EXIT_TROUBLE;
    }
    struct docker *d = NULL;
    if (docker_open(&d) < 0) {
        fprintf(stderr, "kanalytic gc: %s\n", err_last());
        return EXIT_TROUBLE;
    }
    size_t removed = 0;
    struct sweep_list l = {0};
    int status = EXIT_TROUBLE;
    if (sweep_containers(d, !dry, force, &l) < 0)
        goto fail;
    status = print_sweep(&l, true, dry, &removed);
    sweep_list_free(&l);
    if (sweep_images(d, !dry, &l) < 0) {
        status = EXIT_TROUBLE;
        goto fail;
    }
    print_sweep(&l, false, dry, &removed);
    sweep_list_free(&l);
    docker_close(d);
    if (!removed)
        printf("nothing to remove\n");
    return status;
fail:
    fprintf(stderr, "kanalytic gc: %s\n", err_last());
    docker_close(d);
    return status;
}
