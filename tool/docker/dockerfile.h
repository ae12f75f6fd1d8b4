/* What kanalytic reads from Dockerfiles itself (the engine does the building): the base images
 * their FROM lines name, for `kanalytic doctor` to look for on the engine. */
#ifndef KANALYTIC_DOCKER_DOCKERFILE_H
#define KANALYTIC_DOCKER_DOCKERFILE_H

#include <stddef.h>

struct dockerfile_base {
    char *image;   /* as the FROM line spells it, e.g. "debian:sid-slim" */
    char *used_by; /* the label of the first Dockerfile naming it */
};

struct dockerfile_bases {
    struct dockerfile_base *items;
    size_t n, cap;
};

/* Adds the images the FROM lines of text[0..len) name (keyword in any case, --flags skipped),
 * each once over the whole list, labelled `label` when it is new. Left out: scratch, an image
 * with a $variable (its value is a build argument), and the name of an earlier stage of the
 * same file (FROM build, after FROM x AS build; stage names in any case). */
void dockerfile_scan(const char *text, size_t len, const char *label, struct dockerfile_bases *out);
/* The same for the Dockerfiles of the repository at root: analytics/NAME/Dockerfile of every
 * analytic, then template/T/Dockerfile of every template, labelled by their paths under root.
 * A Dockerfile that is missing or unreadable adds nothing. */
void dockerfile_scan_repo(const char *root, struct dockerfile_bases *out);
void dockerfile_bases_free(struct dockerfile_bases *b);

#endif
