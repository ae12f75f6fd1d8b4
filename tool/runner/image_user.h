/* The image's own user against Kestrel's /data folders. Kestrel makes input/, output/ and
 * display/ as the hunter's user with mode 0755 and runs the image as its own USER, so an
 * image with a non-root USER cannot write /data/output (PermissionError). The runner makes the
 * folders the same way (owned by root, mode 0755); when such a case fails, this says why. */
#ifndef KANALYTIC_RUNNER_IMAGE_USER_H
#define KANALYTIC_RUNNER_IMAGE_USER_H

#include "docker/docker.h"
#include "result/test_result.h"

#include <stdbool.h>

/* True for an image user that runs as root: "", "root", "0", "root:GROUP", "0:GROUP". */
bool image_user_is_root(const char *user);
/* When user is not root, appends the reason to r's exit-code problem, else to its first
 * output-missing problem. Returns whether it did. */
bool image_user_explain(const char *user, struct case_result *r);
/* Config.User of image ref ("kestrel-analytics-x:latest") into *out (malloc'd, "" when
 * unset). Returns 0, or a DOCKER_E* code with the error slot set. */
int image_user_of(struct docker *d, const char *ref, char **out);

#endif
