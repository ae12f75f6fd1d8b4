/* Shared between the files of tool/docker only. */
#ifndef KANALYTIC_DOCKER_INTERNAL_H
#define KANALYTIC_DOCKER_INTERNAL_H

#include "docker.h"

/* Timeout of the short calls (inspect, create, start, kill, remove, list). */
#define DOCKER_TIMEOUT_SHORT 120000L

/* "1.41" -> 1041; -1 when malformed. */
int docker_version_num(const char *v);
/* docker_request with an answer bounded by max bytes (0 = 64 MiB). */
int docker_request_max(struct docker *d, const char *method, const char *path,
                       const struct docker_body *body, struct buf *out, size_t max,
                       long timeout_ms);

/* The X-Registry-Auth header sent with the following requests (NULL: none); the caller keeps
 * the string alive and clears it again (registry.c). */
void docker_set_registry_auth(struct docker *d, const char *auth);

#endif
