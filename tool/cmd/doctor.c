/* kanalytic doctor: is the Docker engine usable for kanalytic? Reachability and version, the
 * API version in use, the storage driver, the base images the repository's Dockerfiles need
 * (docker/dockerfile.h) and free disk. */
#include "cmd/cmd.h"
#include "cmd/options.h"
#include "docker/docker.h"
#include "docker/dockerfile.h"
#include "util/human.h"
#include "util/error.h"
#include "util/repo.h"
#include "util/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

static const struct cmd_option options[] = {
    CMD_OPT_HELP_ENTRY,
    CMD_OPT_END,
};

static const struct cmd_spec spec = {
    .name = "doctor",
    "usage: kanalytic doctor\n"
    "\n"
    "Checks the Docker engine kanalytic will use: that it answers (DOCKER_HOST, else\n"
    "/var/run/docker.sock, else $XDG_RUNTIME_DIR/docker.sock), its version and the\n"
    "API version negotiated, the storage driver, whether the base images named by\n"
    "the FROM lines of the repository's Dockerfiles are present (nothing is pulled),\n"
    "and the free disk space under the engine's data root.\n"
    "Exit 0 all good, 1 a base image is missing, 2 the engine cannot be reached.\n"
    "\n",
    options,
    "\n"
    "examples:\n"
    "  kanalytic doctor\n"
    "  DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock kanalytic doctor\n",
};

int cmd_doctor(int argc, char **argv)
{
    struct cmd_parser p = CMD_PARSER(spec, argc, argv);
    int c;
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        }
    }
    if (c != CMD_PARSE_END)
        return cmd_parse_exit(c);
    if (optind != argc)
        return cmd_usage_error(&spec, NULL);
    const char *ok = term_color(stdout, TC_GREEN), *bad = term_color(stdout, TC_RED);
    const char *warn = term_color(stdout, TC_YELLOW), *reset = term_color(stdout, TC_RESET);

    struct docker *d = NULL;
    if (docker_open(&d) < 0) {
        printf("%sfail%s  engine: %s\n", bad, reset, err_last());
        return EXIT_TROUBLE;
    }
    int status = 0;
    printf("%sok%s    engine: %s, Docker %s\n", ok, reset, docker_endpoint(d),
           *docker_engine_version(d) ? docker_engine_version(d) : "(version unknown)");
    printf("%sok%s    API version in use: %s (engine minimum %s, kanalytic tested up to %s)\n", ok,
           reset, docker_api_version(d), *docker_engine_min_api(d) ? docker_engine_min_api(d) : "?",
           DOCKER_API_MAX);

    json_t *info = NULL;
    const char *root_dir = NULL;
    if (docker_info(d, &info) < 0) {
        printf("%swarn%s  engine info: %s\n", warn, reset, err_last());
    } else {
        const char *driver = json_string_value(json_object_get(info, "Driver"));
        const char *os = json_string_value(json_object_get(info, "OperatingSystem"));
        root_dir = json_string_value(json_object_get(info, "DockerRootDir"));
        printf("%sok%s    storage driver: %s%s%s\n", ok, reset, driver ? driver : "?",
               os ? ", " : "", os ? os : "");
    }

    char *root = NULL;
    if (repo_find_root(&root) < 0) {
        printf("%sskip%s  base images: %s\n", warn, reset, err_last());
    } else {
        struct dockerfile_bases bases = {0};
        dockerfile_scan_repo(root, &bases);
        if (!bases.n)
            printf("%sskip%s  base images: no FROM lines in analytics/*/Dockerfile or "
                   "template/*/Dockerfile\n",
                   warn, reset);
        for (size_t i = 0; i < bases.n; i++) {
            struct docker_image img;
            int r = docker_image_inspect(d, bases.items[i].image, &img);
            if (r == 0) {
                char sz[32];
                human_size(sz, sizeof sz, (double)img.size);
                printf("%sok%s    base image %s present (%.19s, %s; %s)\n", ok, reset,
                       bases.items[i].image, img.id, sz, bases.items[i].used_by);
                docker_image_free(&img);
            } else if (r == DOCKER_ENOTFOUND) {
                printf("%sfail%s  base image %s missing (needed by %s); kanalytic never pulls: "
                       "load or build it first\n",
                       bad, reset, bases.items[i].image, bases.items[i].used_by);
                status = EXIT_FINDINGS;
            } else {
                printf("%sfail%s  base image %s: %s\n", bad, reset, bases.items[i].image,
                       err_last());
                status = EXIT_FINDINGS;
            }
        }
        dockerfile_bases_free(&bases);
        free(root);
    }

    struct statvfs vfs;
    if (root_dir && strncmp(docker_endpoint(d), "unix://", 7) == 0 &&
        statvfs(root_dir, &vfs) == 0) {
        char sz[32];
        double free_bytes = (double)vfs.f_bavail * (double)vfs.f_frsize;
        human_size(sz, sizeof sz, free_bytes);
        bool low = free_bytes < 2e9;
        printf("%s%s%s  free disk under %s: %s%s\n", low ? warn : ok, low ? "warn" : "ok  ", reset,
               root_dir, sz, low ? " (builds may fail below 2 GB)" : "");
    } else {
        printf("%sskip%s  free disk: the engine's data root %s is not visible from here\n", warn,
               reset, root_dir ? root_dir : "(unknown)");
    }
    json_decref(info);
    docker_close(d);
    return status;
}
