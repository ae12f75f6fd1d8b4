/* kanalytic info NAME: the manifest an installed image carries in its label, for a hunter
 * without a checkout: entity types, parameters, outputs, display and a ready APPLY line. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "docker/docker.h"
#include "manifest/manifest.h"
#include "share/share.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_JSON = 256 };

static const struct cmd_option options[] = {
    CMD_OPT_FLAG(0, "json", OPT_JSON, "print the label's manifest as JSON"),
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "info",
    "usage: kanalytic info NAME|IMAGE [--json]\n"
    "\n"
    "Prints the manifest kestrel-analytics-NAME:latest carries in its\n"
    "io.kanalytic.manifest label (built or installed; no checkout needed): version,\n"
    "revision, description, the entity types of each input, the parameters with\n"
    "types and defaults, the attributes each output adds, the display, and an APPLY\n"
    "line to paste into Kestrel. IMAGE (with ':' or '/') names any image instead.\n"
    "\n",
    options,
    "\n"
    "exit: 0, 2 no such image or not a kanalytic image\n"
    "\n"
    "examples:\n"
    "  kanalytic info sklearn-cluster\n"
    "  kanalytic info kestrel-analytics-copy:1.0.0 --json\n",
};

static const char *str(const json_t *o, const char *k, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : dflt;
}

int cmd_info(int argc, char **argv)
{
    bool as_json = false;
    struct cmd_parser parse = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&parse)) >= 0) {
        switch (c) {
        case OPT_JSON: as_json = true; break;
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    if (optind + 1 != argc)
        return cmd_usage_error(&spec, NULL);
    const char *arg = argv[optind];
    struct buf ref = BUF_INIT;
    if (strchr(arg, ':') || strchr(arg, '/'))
        buf_addstr(&ref, arg);
    else
        buf_addf(&ref, "%s%s:latest", IMAGE_PREFIX, arg);
    struct docker *d = NULL;
    struct docker_image img;
    memset(&img, 0, sizeof img);
    json_t *m = NULL;
    int r = docker_open(&d);
    if (r == 0)
        r = docker_image_inspect(d, ref.data, &img);
    if (r == DOCKER_ENOTFOUND)
        err_set("no image %s on the engine (kanalytic install %s --registry ..., or kanalytic "
                "build %s)",
                ref.data, arg, arg);
    if (r == 0 && !(m = share_image_manifest(&img, ref.data)))
        r = -1;
    if (r < 0) {
        cmd_trouble(&spec);
        goto cleanup;
    }
    if (as_json) {
        char *s = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("%s\n", s);
        free(s);
        goto cleanup;
    }
    const char *name = str(m, "name", "?");
    const char *rev = docker_image_label(&img, SHARE_LABEL_REVISION);
    printf("%s %s\n", name, str(m, "version", "?"));
    printf("image:      %s (%.19s)\n", ref.data, img.id);
    if (rev && *rev)
        printf("revision:   %s\n", rev);
    const char *desc = str(m, "description", NULL);
    if (desc)
        printf("\n%s\n", desc);
    printf("\ninputs:\n");
    size_t i, k;
    json_t *in, *t, *p;
    json_array_foreach (json_object_get(m, "inputs"), i, in) {
        printf("  v%zu: ", i);
        json_array_foreach (json_object_get(in, "entity_types"), k, t)
            printf("%s%s", k ? ", " : "", json_string_value(t));
        printf("\n");
    }
    json_t *params = json_object_get(m, "parameters");
    printf("\nparameters:%s\n", json_array_size(params) ? "" : " none");
    json_array_foreach (params, i, p) {
        char *def = share_default_text(p);
        printf("  %-20s %-8s %s", str(p, "name", "?"), str(p, "type", "?"),
               json_is_true(json_object_get(p, "required")) ? "required" : "optional");
        if (def)
            printf(", default %s", def);
        const char *pd = str(p, "description", NULL);
        if (pd)
            printf("  - %s", pd);
        printf("\n");
        free(def);
    }
    json_t *outputs = json_object_get(m, "outputs");
    printf("\noutputs:%s\n",
           json_array_size(outputs) ? "" : " none (the variables stay as they are)");
    json_t *o, *a;
    json_array_foreach (outputs, i, o) {
        printf("  v%lld gains:", (long long)json_integer_value(json_object_get(o, "input")));
        json_array_foreach (json_object_get(o, "attributes"), k, a)
            printf("%s %s (%s)", k ? "," : "", str(a, "name", "?"), str(a, "type", "?"));
        printf("\n");
    }
    printf("\ndisplay:    %s\n", str(m, "display", "none"));
    char *apply = share_apply_line(m);
    printf("\n%s\n", apply);
    free(apply);
cleanup:
    json_decref(m);
    docker_image_free(&img);
    if (d)
        docker_close(d);
    buf_free(&ref);
    return r < 0 ? EXIT_TROUBLE : 0;
}
