/* kanalytic list --installed: the analytics images on the engine, from their labels alone. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "docker/docker.h"
#include "share/share.h"
#include "util/error.h"
#include "util/human.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_INSTALLED = 256, OPT_JSON };

static const struct cmd_option options[] = {
    CMD_OPT_FLAG(0, "installed", OPT_INSTALLED,
                 "the images on the engine (the only listing there is for now)"),
    CMD_OPT_FLAG(0, "json", OPT_JSON, "one JSON object per line instead of the table"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static void usage(FILE *out)
{
    fprintf(out, "usage: kanalytic list --installed [--json]\n"
                 "\n"
                 "Lists the analytics images on the Docker engine (kestrel-analytics-NAME, built\n"
                 "or installed, carrying a kanalytic manifest label): name, version, the git\n"
                 "revision it was built from, image id, size and the registry it came from. Needs\n"
                 "no checkout of the repository.\n"
                 "\n");
    cmd_options_print(out, options);
    fprintf(out, "\n"
                 "examples:\n"
                 "  kanalytic list --installed\n"
                 "  kanalytic list --installed --json | jq -r .name\n");
}

int cmd_list(int argc, char **argv)
{
    bool installed = false, as_json = false;
    int c;
    struct cmd_getopt g;
    if (cmd_getopt_init(&g, options, false) < 0) {
        fprintf(stderr, "kanalytic list: %s\n", err_last());
        return EXIT_TROUBLE;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
        switch (c) {
        case OPT_INSTALLED: installed = true; break;
        case OPT_JSON: as_json = true; break;
        case 'h': usage(stdout); return 0;
        case CMD_OPT_LIST_OPTIONS: cmd_options_list(stdout, options); return 0;
        default: usage(stderr); return EXIT_TROUBLE;
        }
    }
    if (!installed || optind != argc) {
        fprintf(stderr, "kanalytic list: give --installed\n");
        usage(stderr);
        return EXIT_TROUBLE;
    }
    struct docker *d = NULL;
    json_t *imgs = NULL;
    if (docker_open(&d) < 0 ||
        docker_image_list(d, "{\"label\":[\"" SHARE_LABEL_MANIFEST "\"]}", &imgs) < 0) {
        fprintf(stderr, "kanalytic list: %s\n", err_last());
        if (d)
            docker_close(d);
        return EXIT_TROUBLE;
    }
    docker_close(d);
    json_t *rows = share_installed(imgs);
    json_decref(imgs);
    size_t n = json_array_size(rows), i;
    if (!as_json && n)
        printf("%-28s %-10s %-12s %-12s %9s  %s\n", "NAME", "VERSION", "REVISION", "IMAGE", "SIZE",
               "FROM");
    for (i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        if (as_json) {
            char *s = json_dumps(row, JSON_COMPACT);
            printf("%s\n", s);
            free(s);
        } else {
            const char *v = json_string_value(json_object_get(row, "version"));
            const char *rev = json_string_value(json_object_get(row, "revision"));
            const char *id = json_string_value(json_object_get(row, "id"));
            const char *from = json_string_value(json_object_get(row, "source"));
            char size[32];
            human_size(size, sizeof size, (double)json_integer_value(json_object_get(row, "size")));
            char fromrepo[256] = "-";
            if (from)
                snprintf(fromrepo, sizeof fromrepo, "%.*s", (int)strcspn(from, "@"), from);
            printf("%-28s %-10s %-12.12s %-12.12s %9s  %s\n",
                   json_string_value(json_object_get(row, "name")), v ? v : "?",
                   rev && *rev ? rev : "-", id && !strncmp(id, "sha256:", 7) ? id + 7 : "?", size,
                   fromrepo);
        }
    }
    if (!n && !as_json)
        printf("no analytics images on the engine (kanalytic build, or kanalytic install)\n");
    json_decref(rows);
    return 0;
}
