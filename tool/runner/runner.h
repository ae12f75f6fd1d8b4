/* Running test cases the way Kestrel runs an analytic, in a sandbox: one container per case
 * from kestrel-analytics-NAME:latest, parameters as environment variables, inputs uploaded to
 * /data/input and outputs fetched from /data/output and /data/display through the archive API,
 * Kestrel's output rules checked, outputs compared with the goldens. Fills a case_result
 * (result/test_result.h); never prints. */
#ifndef KANALYTIC_RUNNER_H
#define KANALYTIC_RUNNER_H

#include "docker/docker.h"
#include "manifest/manifest.h"
#include "result/test_result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RUNNER_LABEL "io.kanalytic"
#define RUNNER_LABEL_CASE "io.kanalytic.case"
#define RUNNER_LABEL_PID "io.kanalytic.pid"   /* of the kanalytic process that runs it */
#define RUNNER_LABEL_HOST "io.kanalytic.host" /* the machine that process runs on */
#define RUNNER_PIDS_LIMIT 256

struct runner_options {
    bool ci;             /* a missing golden fails instead of being created */
    bool update;         /* rewrite the goldens of failing cases, then rerun them */
    unsigned repeat;     /* runs per case (>= 1); any difference between runs fails */
    uint64_t output_cap; /* bytes of output + display fetched back (default 256 MiB) */
    size_t max_entries;  /* files and directories fetched back */
    unsigned timeout;    /* seconds; 0: the case's (else the manifest's) */
    size_t log_cap;      /* stderr kept per case */
};
#define RUNNER_OPTIONS_INIT                                                                        \
    {                                                                                              \
        false, false, 1, (uint64_t)256 << 20, 10000, 0, 64 << 10                                   \
    }

/* One case to run: the analytic's manifest is shared (read-only) between cases. */
struct runner_case {
    const struct manifest *manifest;
    char *analytic_dir;
    char *case_dir;
    char *analytic;
    char *case_name;
    struct test_case *tc; /* NULL when case.yaml did not load (then `problem` says why) */
    char *problem;
};

/* Runs one case (with --repeat and --update as the options say) and fills out. */
void runner_run_case(struct docker *d, const struct runner_case *c, const struct runner_options *o,
                     struct case_result *out);

/* The container JSON for a case (exposed for tests): image, env, labels, sandbox. */
char *runner_container_config(const struct manifest *m, const char *image,
                              const struct env_list *env, const char *case_id);

/* Ctrl-C / SIGTERM: the handler only sets a flag; running cases notice it, kill and remove
 * their container and end as errors; runner_cleanup removes any container still tracked. */
void runner_install_signal_handlers(void);
bool runner_interrupted(void);
/* Removes every container this process created and has not removed yet. */
void runner_cleanup(struct docker *d);

#endif
