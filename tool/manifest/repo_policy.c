/* The repository policy (kanalytic.yaml): see repo_policy.h. */
#include "repo_policy.h"
#include "catalog.h"
#include "check.h"
#include "yaml.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEMORY_MIN (6ULL << 20) /* the engine refuses less (as check_runtime says) */

struct repo_policy *repo_policy_defaults(void)
{
    struct repo_policy *p = xcalloc(1, sizeof *p);
    p->path = xstrdup("no " REPO_POLICY_FILE);
    p->limits.network = false;
    p->limits.memory = RUNTIME_DEFAULT_MEMORY;
    p->limits.timeout = RUNTIME_DEFAULT_TIMEOUT;
    p->limits.output_size = REPO_POLICY_DEFAULT_OUTPUT_SIZE;
    return p;
}

void repo_policy_free(struct repo_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_approvals; i++) {
        free(p->approvals[i].analytic);
        free(p->approvals[i].reason);
    }
    free(p->approvals);
    free(p->path);
    free(p);
}

void repo_policy_format_size(uint64_t bytes, char *out, size_t size)
{
    static const struct {
        unsigned shift;
        char suffix;
    } units[] = {{30, 'g'}, {20, 'm'}, {10, 'k'}};
    for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
        uint64_t unit = (uint64_t)1 << units[i].shift;
        if (bytes >= unit && bytes % unit == 0) {
            snprintf(out, size, "%" PRIu64 "%c", bytes / unit, units[i].suffix);
            return;
        }
    }
    snprintf(out, size, "%" PRIu64, bytes);
}

/* Reads the fields of one limits object (schema-valid) into *l, setting the has_ flags when
 * given; a size that overflows is an error at its position. */
static void read_limits(struct check *c, const char *pointer, const json_t *obj,
                        struct repo_policy_limits *l, bool *has_network, bool *has_memory,
                        bool *has_timeout, bool *has_output)
{
    const json_t *v;
    struct buf ptr = BUF_INIT;
    if ((v = json_object_get(obj, "network"))) {
        l->network = json_is_true(v);
        *has_network = true;
    }
    if ((v = json_object_get(obj, "timeout"))) {
        l->timeout = (unsigned)json_integer_value(v);
        *has_timeout = true;
    }
    static const char *const sizes[] = {"memory", "output_size"};
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        v = json_object_get(obj, sizes[i]);
        if (!v)
            continue;
        uint64_t bytes = 0;
        buf_setlen(&ptr, 0);
        buf_addf(&ptr, "%s/%s", pointer, sizes[i]);
        if (!manifest_parse_memory(json_string_value(v), &bytes)) {
            check_error(c, ptr.data, "policy-size", "%s '%s' is too large", sizes[i],
                        json_string_value(v));
            continue;
        }
        if (i == 0 && bytes < MEMORY_MIN) {
            check_error(c, ptr.data, "policy-size",
                        "memory '%s' is below the 6m the engine accepts for a container",
                        json_string_value(v));
            continue;
        }
        if (i == 0) {
            l->memory = bytes;
            *has_memory = true;
        } else {
            l->output_size = bytes;
            *has_output = true;
        }
    }
    buf_free(&ptr);
}

static void build_policy(struct check *c, struct repo_policy *p, const json_t *root)
{
    bool unused[4];
    const json_t *limits = json_object_get(root, "limits");
    if (limits) {
        read_limits(c, "/limits", limits, &p->limits, &unused[0], &unused[1], &unused[2],
                    &unused[3]);
        if (json_object_get(limits, "reason"))
            check_error(c, "/limits/reason", "policy-reason",
                        "reason belongs to an approval (approvals: NAME: reason:), not to "
                        "limits");
    }
    const json_t *approvals = json_object_get(root, "approvals");
    p->approvals = xcalloc(json_object_size(approvals) + 1, sizeof *p->approvals);
    const char *name;
    const json_t *a;
    json_object_foreach ((json_t *)approvals, name, a) {
        struct repo_policy_approval *ap = &p->approvals[p->n_approvals++];
        struct buf ptr = BUF_INIT;
        buf_addstr(&ptr, "/approvals");
        json_pointer_add(&ptr, name);
        ap->analytic = xstrdup(name);
        ap->reason = xstrdup(json_string_value(json_object_get(a, "reason")));
        int col;
        yaml_doc_loc(c->doc, ptr.data, true, &ap->line, &col);
        read_limits(c, ptr.data, a, &ap->granted, &ap->has_network, &ap->has_memory,
                    &ap->has_timeout, &ap->has_output_size);
        buf_free(&ptr);
    }
}

int repo_policy_load_buffer(const char *data, size_t len, const char *display_path,
                            struct repo_policy **out, struct diag_list *diags)
{
    *out = NULL;
    struct yaml_doc *doc;
    int r = catalog_parse_buffer(data, len, display_path, &doc, diags);
    if (r)
        return r;
    if (catalog_validate(CATALOG_REPO_POLICY, doc, diags)) {
        yaml_doc_free(doc);
        return 1;
    }
    struct repo_policy *p = repo_policy_defaults();
    free(p->path);
    p->path = xstrdup(display_path);
    p->from_file = true;
    struct check c = {doc, diags, display_path, 0};
    build_policy(&c, p, yaml_doc_root(doc));
    yaml_doc_free(doc);
    if (c.errors) {
        repo_policy_free(p);
        return 1;
    }
    *out = p;
    return 0;
}

int repo_policy_load_root(const char *root, struct repo_policy **out, struct diag_list *diags)
{
    *out = NULL;
    char *path = strcmp(root, ".") ? path_join(root, REPO_POLICY_FILE) : xstrdup(REPO_POLICY_FILE);
    if (!fs_exists(path)) {
        free(path);
        *out = repo_policy_defaults();
        return 0;
    }
    struct buf b = BUF_INIT;
    int r = fs_read_file(path, YAML_MAX_BYTES + 1, &b);
    if (r == 0)
        r = repo_policy_load_buffer(b.data ? b.data : "", b.len, path, out, diags);
    buf_free(&b);
    free(path);
    return r;
}

static const struct repo_policy_approval *approval_of(const struct repo_policy *p,
                                                      const char *analytic)
{
    for (size_t i = 0; i < p->n_approvals; i++)
        if (!strcmp(p->approvals[i].analytic, analytic))
            return &p->approvals[i];
    return NULL;
}

void repo_policy_limits_for(const struct repo_policy *p, const char *analytic,
                            struct repo_policy_limits *out)
{
    *out = p->limits;
    const struct repo_policy_approval *a = approval_of(p, analytic);
    if (!a)
        return;
    if (a->has_network)
        out->network = a->granted.network;
    if (a->has_memory)
        out->memory = a->granted.memory;
    if (a->has_timeout)
        out->timeout = a->granted.timeout;
    if (a->has_output_size)
        out->output_size = a->granted.output_size;
}

/* ---- checking an analytic --------------------------------------------------------------- */

/* Where a limit comes from, for the finding: "approvals.NAME.memory: 2g" or
 * "limits.memory: 1g" (or "the default memory: 1g" without a file). */
static void describe_limit(struct buf *out, const struct repo_policy *p, const char *analytic,
                           const char *key, const char *value)
{
    const struct repo_policy_approval *a = approval_of(p, analytic);
    bool approved = a && ((!strcmp(key, "network") && a->has_network) ||
                          (!strcmp(key, "memory") && a->has_memory) ||
                          (!strcmp(key, "timeout") && a->has_timeout));
    if (approved)
        buf_addf(out, "approvals.%s.%s: %s in %s", analytic, key, value, p->path);
    else if (p->from_file)
        buf_addf(out, "limits.%s: %s in %s", key, value, p->path);
    else
        buf_addf(out, "the default %s: %s, as there is no " REPO_POLICY_FILE, key, value);
}

static void finding(struct diag_list *diags, const char *file, const struct yaml_doc *doc,
                    const char *pointer, const char *rule, const struct repo_policy *p,
                    const char *analytic, const char *setting, const char *asked, const char *key,
                    const char *limit, const char *grant)
{
    int line = 1, col = 1;
    if (doc)
        yaml_doc_loc(doc, pointer, false, &line, &col);
    struct buf lim = BUF_INIT;
    describe_limit(&lim, p, analytic, key, limit);
    diag_add(diags, DIAG_ERROR, file, line, col, rule,
             "%s asks for %s: %s, more than the repository policy allows (the limit is %s); "
             "a maintainer approves it by adding `approvals: {%s: {%s: %s, reason: \"...\"}}` "
             "to " REPO_POLICY_FILE " on the base branch, a change CODEOWNERS protects (a pull "
             "request cannot approve itself: the gate reads the policy at the base revision)",
             analytic, setting, asked, lim.data, analytic, key, grant);
    buf_free(&lim);
}

static int check_case_timeouts(const struct repo_policy *p, const char *name,
                               const struct repo_policy_limits *lim, const char *analytic_dir,
                               const char *display_dir, struct diag_list *diags)
{
    struct strlist cases = {0};
    if (test_case_list(analytic_dir, &cases) < 0)
        return -1;
    int n = 0;
    for (size_t i = 0; i < cases.count; i++) {
        struct buf path = BUF_INIT, disp = BUF_INIT;
        buf_addf(&path, "%s/tests/%s/" CASE_FILE, analytic_dir, cases.items[i]);
        buf_addf(&disp, "%s/tests/%s/" CASE_FILE, display_dir, cases.items[i]);
        struct diag_list ignored = DIAG_LIST_INIT;
        struct yaml_doc *doc = NULL;
        /* a case that does not parse is validate's and test's business */
        if (yaml_load_file(path.data, disp.data, &doc, &ignored) == 0) {
            const json_t *t = json_object_get(yaml_doc_root(doc), "timeout");
            if (json_is_integer(t) && json_integer_value(t) > (json_int_t)lim->timeout) {
                char asked[32], limit[32];
                snprintf(asked, sizeof asked, "%" JSON_INTEGER_FORMAT, json_integer_value(t));
                snprintf(limit, sizeof limit, "%u", lim->timeout);
                finding(diags, disp.data, doc, "/timeout", "policy-timeout", p, name, "timeout",
                        asked, "timeout", limit, asked);
                n++;
            }
        }
        err_clear();
        yaml_doc_free(doc);
        diag_list_free(&ignored);
        buf_free(&path);
        buf_free(&disp);
    }
    strlist_free(&cases);
    return n;
}

int repo_policy_check_analytic(const struct repo_policy *p, const char *analytic_dir,
                               const char *display_dir, struct diag_list *diags)
{
    char *path = path_join(analytic_dir, MANIFEST_FILE);
    char *disp = path_join(display_dir, MANIFEST_FILE);
    struct manifest *m = NULL;
    struct yaml_doc *doc = NULL;
    struct diag_list ignored = DIAG_LIST_INIT;
    int r = manifest_load_doc(path, &m, &doc, &ignored);
    diag_list_free(&ignored);
    if (r != 0) {
        if (r > 0)
            err_set("%s does not load (kanalytic validate says why)", disp);
        free(path);
        free(disp);
        return -1;
    }
    struct repo_policy_limits lim;
    repo_policy_limits_for(p, m->name, &lim);
    int n = 0;
    char asked[32], limit[32];
    if (m->runtime.network && !lim.network) {
        finding(diags, disp, doc, "/runtime/network", "policy-network", p, m->name,
                "runtime.network", "true", "network", "false", "true");
        n++;
    }
    if (m->runtime.memory > lim.memory) {
        repo_policy_format_size(m->runtime.memory, asked, sizeof asked);
        repo_policy_format_size(lim.memory, limit, sizeof limit);
        finding(diags, disp, doc, "/runtime/memory", "policy-memory", p, m->name, "runtime.memory",
                asked, "memory", limit, asked);
        n++;
    }
    if (m->runtime.timeout > lim.timeout) {
        snprintf(asked, sizeof asked, "%u", m->runtime.timeout);
        snprintf(limit, sizeof limit, "%u", lim.timeout);
        finding(diags, disp, doc, "/runtime/timeout", "policy-timeout", p, m->name,
                "runtime.timeout", asked, "timeout", limit, asked);
        n++;
    }
    int nc = check_case_timeouts(p, m->name, &lim, analytic_dir, display_dir, diags);
    manifest_free(m);
    yaml_doc_free(doc);
    free(path);
    free(disp);
    return nc < 0 ? -1 : n + nc;
}
