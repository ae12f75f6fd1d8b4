/* Building analytic images: an analytic's manifest validated and its build context scanned
 * (builder_prepare), then built through the Engine API by a pool of workers, each with its own
 * engine connection (builder_run), tagged kestrel-analytics-NAME:latest and :VERSION and
 * labelled with the OCI annotations, the whole manifest and a context digest. image_ready makes
 * the image `test` and `run` need: present, or built in-process. Never prints: what the build
 * says reaches the caller through builder_events. */
#ifndef KANALYTIC_BUILDER_H
#define KANALYTIC_BUILDER_H

#include "docker/docker.h"
#include "manifest/manifest.h"
#include "util/buf.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stdint.h>

#define BUILDER_TAIL_LINES 15

/* A build argument given on the command line (KEY=VALUE). */
struct builder_arg {
    char *key;
    char *value;
};

struct builder_job {
    char *name;
    char *dir;
    struct manifest *m;
    struct context *ctx;
    char *labels_json;
    char *buildargs_json;
    char *tags[3]; /* NAME:latest, NAME:VERSION, NULL */
    /* take cached layers only from its own two tags (the engine's cachefrom): images loaded
     * with /images/load, which the classic builder's own cache does not use */
    bool cache_from_own;
    /* results */
    bool invalid;     /* manifest or context refused: not built */
    bool failed;      /* the build failed (or, with unreachable, could not start) */
    bool unreachable; /* the engine did not answer */
    char *error;
    char *image_id;
    int64_t size;
    double seconds;
    char step[160];                 /* the last "Step N/M : ..." line */
    char *tail[BUILDER_TAIL_LINES]; /* the last lines of output, a ring */
    size_t tail_next;
    struct buf partial;
    int row; /* free for the caller (a progress row on a terminal) */
};

/* Reads a --build-arg: KEY=VALUE, or KEY alone for the value of the environment variable KEY.
 * 0, or -1 with err_last(). */
int builder_arg_parse(const char *s, struct builder_arg *out);
void builder_args_free(struct builder_arg *args, size_t n);

/* Loads, validates (as `validate`, non-strict) and scans one analytic, NAME or a path, under
 * root. Validation findings go to diags. Returns -1 on an I/O problem that should end the run
 * (error slot set); else 0, with j->invalid and j->error set when the analytic cannot be built. */
int builder_prepare(const char *root, const char *arg, const struct builder_arg *args, size_t nargs,
                    struct builder_job *j, struct diag_list *diags);
void builder_job_free(struct builder_job *j);

/* Hears each job as it is prepared: rc what builder_prepare returned (-1: err_last() says
 * why, and the preparation stops), diags its validation findings (e.g. to print them). */
typedef void (*builder_prepared_fn)(void *ctx, struct builder_job *j, int rc,
                                    const struct diag_list *diags);
/* The jobs of a build, in order: one per name (NAME or a path; root may then be NULL), or
 * with n 0 one per analytic under root (none: *njobs 0), each prepared with builder_prepare
 * and cache_from_own set as given; prepared (may be NULL) hears each. 0, or -1 (err_last())
 * when the analytics cannot be listed (*njobs 0) or a preparation fails (*njobs > 0). *out and
 * *njobs hold the jobs, prepared or not: free each with builder_job_free, then *out. */
int builder_prepare_all(const char *root, char **names, size_t n, const struct builder_arg *args,
                        size_t nargs, bool cache_from_own, struct builder_job **out, size_t *njobs,
                        builder_prepared_fn prepared, void *ctx);

/* What a build says, called one at a time (under the pool's lock). */
struct builder_events {
    /* a line of build output; is_step for "Step N/M : ..." lines */
    void (*line)(void *ctx, struct builder_job *j, const char *line, bool is_step);
    /* the job ended: j->failed, j->error, j->image_id, j->seconds are set */
    void (*done)(void *ctx, struct builder_job *j);
    void *ctx;
};

/* Builds every job not invalid, `parallel` at a time; each worker clones d's connection.
 * events may be NULL. */
void builder_run(struct docker *d, struct builder_job *jobs, size_t n, unsigned parallel,
                 bool nocache, const struct builder_events *events);

/* 0 when kestrel-analytics-NAME:latest exists, or was just built in-process from the
 * repository at root; -1 otherwise, with *problem a sentence saying why and what to do (the
 * caller frees it). no_build: report a missing image instead of building it. say (may be NULL)
 * hears "image X not found, building it" before a build, and events (may be NULL) the build. */
int builder_image_ready(struct docker *d, const char *root, const struct manifest *m, bool no_build,
                        void (*say)(void *ctx, const char *text), void *say_ctx,
                        const struct builder_events *events, char **problem);

#endif
