/* The image an analytic runs in, made ready for `test` and `run`: present, or built first. */
#ifndef KANALYTIC_CMD_IMAGE_H
#define KANALYTIC_CMD_IMAGE_H

#include "docker/docker.h"
#include "manifest/manifest.h"

#include <stdbool.h>

/* 0 when kestrel-analytics-NAME:latest exists or was just built (`kanalytic build NAME`,
 * in-process when linked); -1 otherwise, with *problem a sentence saying why and what to do
 * (the caller frees it). no_build: report a missing image instead of building it. announce:
 * say "CMD: image ... not found, building it" on stderr before building. */
int image_ready(struct docker *d, const struct manifest *m, bool no_build, const char *announce,
                char **problem);

#endif
