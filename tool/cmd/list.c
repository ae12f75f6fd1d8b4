/* kanalytic list --installed: the analytics images on the engine, from their labels alone. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "docker/docker.h"
#include "share/share.h"
#include "util/error.h"
#include "util/human.h"

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

static const struct cmd_spec spec = {
    .name = "list",
    "usage: kanalytic list --installed [--json]\n"
    "\n"
    "Lists the analytics images on the Docker engine (kestrel-analytics-NAME, built\n"
    "or installed, carrying a kanalytic manifest label): name, version, the git\n"
    "revision it was built from, image id, size and the registry it came from. Needs\n"
    "no checkout of the repository.\n"
    "\n",
    options,
    "\n"
    "examples:\n"
    "  kanalytic list --installed\n"
    "  kanalytic list --installed --json | jq -r .name\n",
};

int cmd_list(int argc, char **argv)
{
    bool installed = false, as_json = false;
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case OPT_INSTALLED: installed = true; break;
        case OPT_JSON: as_json = true; break;
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    if (!installed || optind != argc)
        return cmd_usage_error(&spec, "give --installed");
    struct docker *d = NULL;
    json_t *imgs = NULL;
    if (docker_open(&d) < 0 ||
        docker_image_list(d, "{\"label\":[\"" SHARE_LABEL_MANIFEST "\"]}", &imgs) < 0) {
        cmd_trouble(&spec);
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
