/* Images for test and run: see image.h. */
#include "image.h"

#include "cmd.h"
#include "util/buf.h"
#include "util/error.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Builds NAME with the build command: in-process when linked, else `kanalytic build NAME`. */
static int build_image(const char *name)
{
    if (cmd_build) {
        char *args[] = {"build", (char *)name, NULL};
        optind = 0;
        int rc = cmd_build(2, args);
        optind = 0;
        return rc;
    }
    pid_t pid = fork();
    if (pid < 0)
        return err_errno("fork");
    if (pid == 0) {
        execl("/proc/self/exe", "kanalytic", "build", name, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return err_errno("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

int image_ready(struct docker *d, const struct manifest *m, bool no_build, const char *announce,
                char **problem)
{
    *problem = NULL;
    char *image = manifest_image_name(m);
    struct buf ref = BUF_INIT, why = BUF_INIT;
    buf_addf(&ref, "%s:latest", image);
    free(image);
    struct docker_image img;
    int rc = docker_image_inspect(d, ref.data, &img);
    if (rc == 0) {
        docker_image_free(&img);
    } else if (rc != DOCKER_ENOTFOUND) {
        buf_addf(&why, "inspecting %s: %s", ref.data, err_last());
    } else if (no_build) {
        buf_addf(&why, "image %s not found (build it: kanalytic build %s)", ref.data, m->name);
    } else {
        if (announce)
            fprintf(stderr, "%s: image %s not found, building it\n", announce, ref.data);
        rc = build_image(m->name);
        if (rc != 0)
            buf_addf(&why, "image %s not found and `kanalytic build %s` failed", ref.data,
                     m->name);
    }
    buf_free(&ref);
    if (rc == 0) {
        buf_free(&why);
        return 0;
    }
    *problem = buf_detach(&why, NULL);
    return -1;
}
