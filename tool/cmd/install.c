/* kanalytic install: pulls published analytics (share_install) so `APPLY docker://NAME`
 * finds them, without a checkout of the repository. */
#include "cmd/cmd.h"
#include "cmd/share_cli.h"
#include "share/share.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <unistd.h> /* optind */
#include <stdlib.h>
#include <string.h>

static const struct cmd_option options[] = {
    SHARE_CLI_OPT_REGISTRY("R", "HOST[:PORT][/NAMESPACE] (default: the index's \"registry\")"),
    SHARE_CLI_OPT_INDEX("FILE|URL", "the index `publish --index` wrote (a file, http(s):// or\n"
                                    "file:// URL): versions and digests to check against"),
    SHARE_CLI_OPT_CREDENTIALS,
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "install",
    "usage: kanalytic install NAME[@VERSION]... [--registry HOST[:PORT][/NAMESPACE]]\n"
    "                         [--index FILE|URL] [--username USER --password-stdin]\n"
    "\n"
    "Pulls REGISTRY/kestrel-analytics-NAME:VERSION (default: the newest version in the\n"
    "index, else :latest), checks that it carries a kanalytic manifest for NAME and the\n"
    "version asked for, and, with an index, that its digest is the one published; then\n"
    "tags it kestrel-analytics-NAME:latest and :VERSION so `APPLY docker://NAME` runs\n"
    "it. Prints: installed NAME VERSION DIGEST, and a ready APPLY line.\n"
    "\n",
    options,
    "\n"
    "exit: 0 installed, 1 labels, version or digest do not match (nothing tagged),\n"
    "      2 not found, wrong credentials, registry or engine unreachable, usage\n"
    "\n"
    "examples:\n"
    "  kanalytic install copy --registry 127.0.0.1:5000/kestrel\n"
    "  kanalytic install sklearn-cluster@1.0.0 --index https://example.org/index.json\n",
};

int cmd_install(int argc, char **argv)
{
    struct share_cli_opts opt;
    int pr = share_cli_parse(argc, argv, &spec, &opt);
    if (pr >= 0)
        return pr;
    const char *registry = opt.registry, *index_src = opt.index, *username = opt.username;
    bool password_stdin = opt.password_stdin;
    if (optind == argc)
        return cmd_usage_error(&spec, "name the analytics to install");
    json_t *index = NULL;
    if (index_src && share_index_load(index_src, &index) < 0)
        return cmd_trouble(&spec);
    if (!registry && index)
        registry = json_string_value(json_object_get(index, "registry"));
    if (!registry || !*registry) {
        cmd_error(&spec, "--registry is required (or an --index naming one)");
        json_decref(index);
        return EXIT_TROUBLE;
    }
    struct share_registry reg;
    if (share_registry_parse(registry, &reg) < 0) {
        cmd_trouble(&spec);
        json_decref(index);
        return EXIT_TROUBLE;
    }
    int status = 0;
    struct docker *d = NULL;
    char *auth = share_auth(reg.server, username, password_stdin ? stdin : NULL);
    if (!auth) {
        status = cmd_trouble(&spec);
        goto out;
    }
    struct share_view view;
    share_view_init(&view, stderr);
    struct share_opts o = {&reg, auth, share_view_progress, &view};
    for (int i = optind; i < argc; i++) {
        char *name = xstrdup(argv[i]);
        char *at = strchr(name, '@');
        const char *version = NULL;
        if (at) {
            *at = '\0';
            version = at + 1;
        }
        const char *want = NULL;
        if (index) {
            json_t *e = share_index_find(index, name, version);
            if (!e) {
                fprintf(stderr, "kanalytic install: %s: %s%s is not in the index %s\n", argv[i],
                        name, version ? " at that version" : "", index_src);
                status = EXIT_TROUBLE;
                free(name);
                continue;
            }
            version = json_string_value(json_object_get(e, "version"));
            want = json_string_value(json_object_get(e, "digest"));
        }
        struct share_result res = {0};
        int r = 0;
        if (!*name || (at && !*version))
            r = err_set("\"%s\" is not NAME or NAME@VERSION", argv[i]);
        else if (!d && docker_open(&d) < 0)
            r = -1; /* the engine is opened once the first name is known to be good */
        else
            r = share_install(d, name, version, want, &o, &res);
        share_view_reset(&view);
        if (r == 0) {
            printf("installed %s %s %s\n", res.name, res.version, res.digest ? res.digest : "");
            char *apply = share_apply_line(res.manifest);
            printf("  %s\n", apply);
            free(apply);
            fflush(stdout);
        } else {
            cmd_error(&spec, "%s: %s", argv[i], err_last());
            int code = r == SHARE_FINDING ? EXIT_FINDINGS : EXIT_TROUBLE;
            if (code > status)
                status = code;
        }
        share_result_free(&res);
        free(name);
    }
out:
    if (d)
        docker_close(d);
    free(auth);
    json_decref(index);
    share_registry_free(&reg);
    return status;
}
