/* The repository policy, kanalytic.yaml at the repository root (schema
 * schemas/repository-policy.schema.json): the most an analytic may ask for (network, memory,
 * timeout, output size) and, per analytic, what a maintainer approved beyond that.
 *
 * `kanalytic ci` reads it from the base revision's tree (a pull request cannot grant itself
 * anything); `kanalytic test` reads it from the working tree. With no file the limits are
 * the manifest defaults. Loading follows manifest.h's convention: 0 loaded, 1 findings in
 * diags (file:line:col), -1 could not read (err_last()). Nothing here prints. */
#ifndef KANALYTIC_MANIFEST_REPO_POLICY_H
#define KANALYTIC_MANIFEST_REPO_POLICY_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPO_POLICY_FILE "kanalytic.yaml"
#define REPO_POLICY_DEFAULT_OUTPUT_SIZE ((uint64_t)256 << 20)

struct repo_policy_limits {
    bool network;
    uint64_t memory;      /* bytes */
    unsigned timeout;     /* seconds */
    uint64_t output_size; /* bytes fetched back from one run */
};

struct repo_policy_approval {
    char *analytic;
    bool has_network, has_memory, has_timeout, has_output_size;
    struct repo_policy_limits granted; /* the fields whose has_ flag is set */
    char *reason;
    int line; /* of the approval in the file */
};

struct repo_policy {
    char *path; /* display path: "kanalytic.yaml", "kanalytic.yaml (base 1a2b3c4)", or
                 * "no kanalytic.yaml" for the defaults */
    bool from_file;
    struct repo_policy_limits limits;
    struct repo_policy_approval *approvals;
    size_t n_approvals;
};

/* The policy when there is no file: network false, the manifest's default memory and
 * timeout, REPO_POLICY_DEFAULT_OUTPUT_SIZE. */
struct repo_policy *repo_policy_defaults(void);
/* Parses and checks a policy held in memory; display_path names it in findings. */
int repo_policy_load_buffer(const char *data, size_t len, const char *display_path,
                            struct repo_policy **out, struct diag_list *diags);
/* Reads ROOT/kanalytic.yaml, or gives the defaults when there is none. */
int repo_policy_load_root(const char *root, struct repo_policy **out, struct diag_list *diags);
void repo_policy_free(struct repo_policy *p);

/* The limits that apply to one analytic: the repository's, raised by its approval. */
void repo_policy_limits_for(const struct repo_policy *p, const char *analytic,
                            struct repo_policy_limits *out);

/* Checks analytics/NAME (the manifest's runtime and every case.yaml timeout) against the
 * policy. Findings are errors on the asking line, rule policy-network, policy-memory or
 * policy-timeout, and say which setting, which limit, and how a maintainer approves it.
 * display_dir names the folder in findings (e.g. "analytics/NAME"). Returns the number of
 * findings added, or -1 when the manifest cannot be read or does not load (validate's
 * business: then err_last() says so). */
int repo_policy_check_analytic(const struct repo_policy *p, const char *analytic_dir,
                               const char *display_dir, struct diag_list *diags);

/* "1g", "512m", "300k", "12345" (bytes) for people. */
void repo_policy_format_size(uint64_t bytes, char *out, size_t size);

#endif
