/* kanalytic publish: pushes analytics' images to a registry (share_publish) and records them
 * in the index. */
#include "cmd/cmd.h"
#include "cmd/share_cli.h"
#include "share/share.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <unistd.h> /* optind */
#include <stdlib.h>
#include <string.h>

static const struct cmd_option options[] = {
    SHARE_CLI_OPT_REGISTRY("R", "HOST[:PORT][/NAMESPACE], e.g. registry.example:5000/kestrel"),
    SHARE_CLI_OPT_INDEX("FILE", "add the published versions to this index (JSON, created when\n"
                                "missing; see docs/sharing.md); `install --index` reads it"),
    SHARE_CLI_OPT_CREDENTIALS,
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "publish",
    "usage: kanalytic publish [NAME...] --registry HOST[:PORT][/NAMESPACE]\n"
    "                         [--index FILE] [--username USER --password-stdin]\n"
    "\n"
    "Pushes kestrel-analytics-NAME:latest (as built by `kanalytic build`) to the registry\n"
    "as REGISTRY/kestrel-analytics-NAME:VERSION and :latest, VERSION from the image's\n"
    "manifest label. Published versions are immutable: when the registry already holds\n"
    "VERSION with another digest, NAME is refused (raise its version); when it holds this\n"
    "very image, nothing is pushed. Without NAME: every analytic of the repository.\n"
    "Prints one line per analytic: published|unchanged NAME VERSION DIGEST.\n"
    "\n",
    options,
    "\n"
    "exit: 0 published, 1 a version already published with another digest,\n"
    "      2 no image, wrong credentials, registry or engine unreachable, usage\n"
    "\n"
    "examples:\n"
    "  kanalytic build copy && kanalytic publish copy --registry 127.0.0.1:5000/kestrel\n"
    "  echo \"$TOKEN\" | kanalytic publish --registry reg:5000/kestrel --username ci \\\n"
    "      --password-stdin --index index.json\n",
};

int cmd_publish(int argc, char **argv)
{
    struct share_cli_opts opt;
    int pr = share_cli_parse(argc, argv, &spec, &opt);
    if (pr >= 0)
        return pr;
    const char *registry = opt.registry, *index_path = opt.index, *username = opt.username;
    bool password_stdin = opt.password_stdin;
    if (!registry)
        return cmd_usage_error(&spec, "--registry is required");
    struct share_registry reg;
    if (share_registry_parse(registry, &reg) < 0)
        return cmd_trouble(&spec);
    int status = 0;
    struct fs_names names = {0};
    char *root = NULL, *auth = NULL;
    json_t *index = NULL;
    struct docker *d = NULL;
    if (optind == argc) {
        if (repo_find_root(&root) < 0 || repo_list_analytics(root, &names) < 0) {
            status = cmd_error(&spec, "no NAME given and %s", err_last());
            goto out;
        }
    } else {
        for (int i = optind; i < argc; i++) {
            names.names = xrealloc(names.names, (names.count + 1) * sizeof *names.names);
            names.names[names.count++] = xstrdup(argv[i]);
        }
    }
    if (index_path) {
        if (fs_exists(index_path) ? share_index_load(index_path, &index) < 0
                                  : !(index = share_index_new(reg.prefix))) {
            status = cmd_trouble(&spec);
            goto out;
        }
        json_object_set_new(index, "registry", json_string(reg.prefix));
    }
    if (!(auth = share_auth(reg.server, username, password_stdin ? stdin : NULL))) {
        status = cmd_trouble(&spec);
        goto out;
    }
    if (docker_open(&d) < 0) {
        status = cmd_trouble(&spec);
        goto out;
    }
    struct share_view view;
    share_view_init(&view, stderr);
    struct share_opts o = {&reg, auth, share_view_progress, &view};
    size_t published = 0;
    for (size_t i = 0; i < names.count; i++) {
        struct share_result res;
        int r = share_publish(d, names.names[i], &o, &res);
        share_view_reset(&view);
        if (r == 0) {
            printf("%s %s %s %s\n", res.unchanged ? "unchanged" : "published", res.name,
                   res.version, res.digest);
            fflush(stdout);
            published++;
            if (index)
                share_index_record(index, &reg, &res);
        } else {
            cmd_error(&spec, "%s: %s", names.names[i], err_last());
            int code = r == SHARE_FINDING ? EXIT_FINDINGS : EXIT_TROUBLE;
            if (code > status)
                status = code;
            /* the registry is the same for every analytic: no use trying the others */
            if (r == DOCKER_EUNAUTHORIZED || r == DOCKER_EUNREACHABLE ||
                (r < 0 && strstr(err_last(), "connection refused"))) {
                share_result_free(&res);
                break;
            }
        }
        share_result_free(&res);
    }
    if (index && published && share_index_write(index_path, index) < 0) {
        status = cmd_trouble(&spec);
    }
out:
    if (d)
        docker_close(d);
    json_decref(index);
    free(auth);
    free(root);
    fs_names_free(&names);
    share_registry_free(&reg);
    return status;
}
