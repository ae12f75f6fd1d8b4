/* What kanalytic left behind in the Docker engine (kanalytic gc): containers labelled
 * io.kanalytic=1 (the test runner's) and dangling images kanalytic made (labelled
 * io.kanalytic=1, or superseded analytic builds carrying io.kanalytic.manifest). Each sweep
 * lists what it found and what became of it; removing or only planning is the caller's
 * choice, printing is the caller's too. */
#ifndef KANALYTIC_RUNNER_SWEEP_H
#define KANALYTIC_RUNNER_SWEEP_H

#include "docker/docker.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum sweep_outcome {
    SWEEP_PLANNED, /* would be removed (remove == false) */
    SWEEP_REMOVED,
    SWEEP_KEPT,   /* a container a live kanalytic process still uses (owner) */
    SWEEP_FAILED, /* the engine refused to remove it (error) */
};

struct sweep_item {
    char *id;
    char *name;  /* container: its name; image: its org.opencontainers.image.title or NULL */
    char *image; /* container: its image; image: NULL */
    char *state; /* container: "exited", ...; image: NULL */
    long owner;  /* SWEEP_KEPT: pid of the kanalytic process */
    enum sweep_outcome outcome;
    char *error; /* SWEEP_FAILED: the engine's answer */
};

struct sweep_list {
    struct sweep_item *items;
    size_t count;
};

/* Every container labelled io.kanalytic=1, in the engine's order. Unless force, a container
 * whose kanalytic process still runs on this machine is SWEEP_KEPT; the others are removed
 * (remove) or SWEEP_PLANNED. -1 (error slot) only when the engine cannot list them; a
 * removal that fails is an item SWEEP_FAILED. */
int sweep_containers(struct docker *d, bool remove, bool force, struct sweep_list *out);
/* The dangling images kanalytic made (sweep_kanalytic_image), removed (remove, never forced:
 * an image a container outside kanalytic still uses fails and stays) or SWEEP_PLANNED. */
int sweep_images(struct docker *d, bool remove, struct sweep_list *out);
void sweep_list_free(struct sweep_list *l);

/* The pid of the kanalytic process on this machine (hostname) that a container with these
 * labels belongs to, while that process runs (its /proc comm starts with "kanalytic");
 * otherwise 0. */
long sweep_live_owner(const json_t *labels, const char *hostname);
/* An image (an entry of GET /images/json) that kanalytic made. */
bool sweep_kanalytic_image(const json_t *img);

#endif
