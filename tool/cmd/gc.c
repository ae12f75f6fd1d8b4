/* kanalytic gc: removes what kanalytic left behind in the Docker engine: containers labelled
 * io.kanalytic=1 (the test runner's) and dangling images that kanalytic made (labelled
 * io.kanalytic=1, or superseded analytic builds carrying io.kanalytic.manifest). */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "docker/docker.h"
#include "runner/runner.h"
#include "util/error.h"
#include "util/num.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A container whose kanalytic process still runs here belongs to a live `test` or `run`:
 * removing it would break that run, so gc leaves it (unless --force). */
static long live_owner(const struct docker_container_summary *s)
{
    const char *pid_s = json_string_value(json_object_get(s->labels, RUNNER_LABEL_PID));
    const char *host = json_string_value(json_object_get(s->labels, RUNNER_LABEL_HOST));
    char me[256] = "";
    if (!pid_s || !host || gethostname(me, sizeof me - 1) < 0 || strcmp(me, host))
        return 0;
    long pid;
    if (parse_long(pid_s, 1, LONG_MAX, &pid) < 0 || (kill((pid_t)pid, 0) < 0 && errno != EPERM))
        return 0;
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (!fgets(comm, sizeof comm, f))
            comm[0] = '\0';
        fclose(f);
    }
    return strncmp(comm, "kanalytic", 9) == 0 ? pid : 0;
}

static bool kanalytic_image(json_t *img)
{
    json_t *labels = json_object_get(img, "Labels");
    const char *mark = json_string_value(json_object_get(labels, "io.kanalytic"));
    return (mark && !strcmp(mark, "1")) || json_object_get(labels, "io.kanalytic.manifest");
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
    int status = 0;
    size_t removed = 0;
    const char *verb = dry ? "would remove" : "removed";

    struct docker_container_list l;
    if (docker_container_list_by_label(d, "io.kanalytic=1", &l) < 0) {
        fprintf(stderr, "kanalytic gc: %s\n", err_last());
        docker_close(d);
        return EXIT_TROUBLE;
    }
    for (size_t i = 0; i < l.count; i++) {
        struct docker_container_summary *s = &l.items[i];
        long owner = force ? 0 : live_owner(s);
        if (owner) {
            printf("kept container %s (%.12s): kanalytic process %ld still uses it "
                   "(--force removes it anyway)\n",
                   s->name, s->id, owner);
            continue;
        }
        if (!dry && docker_container_remove(d, s->id, true) < 0) {
            fprintf(stderr, "kanalytic gc: %s\n", err_last());
            status = EXIT_TROUBLE;
            continue;
        }
        printf("%s container %s (%.12s, image %s, %s)\n", verb, s->name, s->id, s->image, s->state);
        removed++;
    }
    docker_container_list_free(&l);

    json_t *imgs = NULL;
    if (docker_image_list(d, "{\"dangling\":[\"true\"]}", &imgs) < 0) {
        fprintf(stderr, "kanalytic gc: %s\n", err_last());
        docker_close(d);
        return EXIT_TROUBLE;
    }
    size_t i;
    json_t *img;
    json_array_foreach (imgs, i, img) {
        const char *id = json_string_value(json_object_get(img, "Id"));
        if (!id || !kanalytic_image(img))
            continue;
        const char *title = json_string_value(
            json_object_get(json_object_get(img, "Labels"), "org.opencontainers.image.title"));
        if (!dry && docker_image_remove(d, id, false) < 0) {
            /* still used by a container outside kanalytic: leave it */
            fprintf(stderr, "kanalytic gc: %s\n", err_last());
            continue;
        }
        printf("%s image %.19s%s%s\n", verb, id, title ? " " : "", title ? title : "");
        removed++;
    }
    json_decref(imgs);
    docker_close(d);
    if (!removed)
        printf("nothing to remove\n");
    return status;
}
