/* Planning and running `kanalytic test`: which analytics and cases to run (every case of
 * every analytic, or the NAME and NAME/CASE arguments, in the order given, each once), each
 * analytic's manifest and cases loaded and fitted within the repository policy, and the worker
 * pool that runs the cases (-j) and reports each result in plan order. Never prints. */
#ifndef KANALYTIC_RUNNER_PLAN_H
#define KANALYTIC_RUNNER_PLAN_H

#include "docker/docker.h"
#include "manifest/manifest.h"
#include "manifest/repo_policy.h"
#include "result/test_result.h"
#include "runner/runner.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct plan_analytic {
    char *name;
    char *dir;
    struct manifest *m;
    char *problem; /* the manifest did not load, or the policy refuses the analytic */
    bool image_ok;
    char *image_problem; /* set by the caller: the image is not ready (its cases are errors) */
    struct runner_options opts; /* the command's, within the repository policy's limits */
};

struct plan {
    struct plan_analytic *analytics;
    size_t nanalytics;
    struct runner_case *cases;
    size_t ncases;
    /* the repository policy (may be NULL) and the options as given */
    const struct repo_policy *policy;
    const struct runner_options *o;
    bool cap_given; /* --output-cap or KANALYTIC_OUTPUT_CAP */
};

/* Plans the cases under root: argc == 0 every case of every analytic, else each argument is
 * NAME (every case of analytics/NAME) or NAME/CASE. Findings of manifests, cases and the policy
 * go to diags and make the cases concerned carry a `problem`. -1 (err_last) for an argument
 * that names no analytic or case, or a folder that cannot be listed. policy may be NULL; p's
 * policy, o and cap_given are set from the arguments. */
int plan_build(struct plan *p, const char *root, const struct repo_policy *policy,
               const struct runner_options *o, bool cap_given, int argc, char **argv,
               struct diag_list *diags);
/* The analytic of that name in the plan, or NULL. */
const struct plan_analytic *plan_find_analytic(const struct plan *p, const char *name);
/* Whether an analytic has a case that loaded (and so needs its image). */
bool plan_analytic_has_case(const struct plan *p, const char *name);
/* Does any case load, so that running the plan needs the engine? (When every selected analytic
 * is refused by the policy or its manifest, the refusals are the whole answer.) */
bool plan_needs_engine(const struct plan *p);
/* Makes an analytic's image ready (e.g. cmd/image.h's image_ready over builder/): 0, or -1
 * with *problem (then the plan's) saying why and what to do. */
typedef int (*plan_image_fn)(void *ctx, const struct manifest *m, char **problem);
/* Asks ready for the image of every analytic with a case that loaded, in plan order, and sets
 * its image_ok and image_problem (then its cases end as image errors in plan_run). */
void plan_check_images(struct plan *p, plan_image_fn ready, void *ctx);
void plan_free(struct plan *p);

/* Called once per case, in plan order (a case is reported when it and every case before it
 * have ended), with a lock held: it may print. */
typedef void (*plan_case_done_fn)(const struct case_result *r, void *ctx);

/* Runs every case of the plan on `jobs` workers (each with its own clone of d; d NULL makes
 * every case an engine error) and fills res (cases in plan order, seconds, jobs). Cases of an
 * analytic whose image_problem is set end as image errors; after an interruption the rest end
 * as errors. Removes any container left (runner_cleanup) before it returns. */
void plan_run(const struct plan *p, struct docker *d, unsigned jobs, struct run_result *res,
              plan_case_done_fn done, void *ctx);

#endif
