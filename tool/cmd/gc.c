/* kanalytic gc: removes what kanalytic left behind in the Docker engine (runner/sweep.h finds
 * and removes it) and prints each. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "docker/docker.h"
#include "runner/sweep.h"
#include "util/error.h"

#include <stdio.h>

static const struct cmd_option options[] = {
    CMD_OPT_FLAG('n', "dry-run", 'n', "only print what would be removed"),
    CMD_OPT_FLAG('f', "force", 'f',
                 "also remove containers a running kanalytic on this machine\n"
                 "still uses (by default they are kept)"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "gc",
    "usage: kanalytic gc [-n|--dry-run] [-f|--force]\n"
    "\n"
    "Removes containers labelled io.kanalytic=1 (left by interrupted test runs) and\n"
    "dangling images kanalytic built (untagged by a newer build), and prints each.\n"
    "\n",
    options,
    "\n"
    "examples:\n"
    "  kanalytic gc\n"
    "  kanalytic gc --dry-run\n",
};

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
            cmd_error(&spec, "%s", it->error);
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
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case 'n': dry = true; break;
        case 'f': force = true; break;
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    if (optind != argc)
        return cmd_usage_error(&spec, NULL);
    struct docker *d = NULL;
    if (docker_open(&d) < 0)
        return cmd_trouble(&spec);
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
    cmd_trouble(&spec);
    docker_close(d);
    return status;
}
