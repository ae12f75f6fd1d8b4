/* The image an analytic runs in, made ready for `test` and `run`: present, or built first. */
#ifndef KANALYTIC_CMD_IMAGE_H
#define KANALYTIC_CMD_IMAGE_H

#include "docker/docker.h"
#include "manifest/manifest.h"

#include <stdbool.h>

/* builder_image_ready (tool/builder/) for the commands: 0 when kestrel-analytics-NAME:latest
 * exists or was just built in-process from this repository; -1 otherwise, with *problem a
 * sentence saying why and what to do (the caller frees it). no_build: report a missing image
 * instead of building it. announce (e.g. "kanalytic test"; NULL: quiet): say on stderr
 * "ANNOUNCE: image ... not found, building it" and the build's steps. */
int image_ready(struct docker *d, const struct manifest *m, bool no_build, const char *announce,
                char **problem);

#endif
