/* The CI gate's repository side: see gate.h. */
#include "gate.h"
#include "git/base_policy.h"
#include "git/policy.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

int gate_open(struct gate *out, const struct gate_options *o)
{
    memset(out, 0, sizeof *out);
    git_libgit2_init();
    char *root = NULL;
    if (repo_find_root(&root) < 0)
        return -1;
    /* the subprocesses get -C ROOT: make it absolute (KANALYTIC_ROOT may be relative) */
    out->root = realpath(root, NULL);
    if (!out->root) {
        err_errno(root);
        free(root);
        return -1;
    }
    free(root);
    if (git_repository_open_ext(&out->repo, out->root, 0, NULL) < 0) {
        const git_error *e = git_error_last();
        return err_set("%s: not in a git repository (%s)", out->root, e ? e->message : "");
    }
    if (triggers_load(out->root, &out->triggers) < 0)
        return -1;
    struct changes_options copts = {.base = o->base, .triggers = &out->triggers};
    if (changes_detect(out->repo, out->root, &copts, &out->changes) < 0)
        return -1;
    if (o->shard_count)
        changes_shard(&out->changes, o->shard_index, o->shard_count);
    return changes_root_prefix(out->repo, out->root, &out->prefix);
}

void gate_close(struct gate *g)
{
    changes_free(&g->changes);
    triggers_free(&g->triggers);
    git_repository_free(g->repo);
    git_libgit2_shutdown();
    free(g->prefix);
    free(g->root);
    memset(g, 0, sizeof *g);
}

/* The repository policy (kanalytic.yaml) as the base branch's tip has it, never as the pull
 * request has it: each selected analytic's runtime against its limits and approvals. */
static void check_repo_policy(struct gate *g, struct ci_result *r)
{
    const struct changes *ch = &g->changes;
    struct repo_policy *pol = NULL;
    struct diag_list bad = DIAG_LIST_INIT;
    bool differs = false;
    int rc = base_policy_load(g->repo, g->root, ch->base_tip_oid, &pol, &differs, &bad);
    if (rc != 0) {
        struct buf e = BUF_INIT;
        if (rc > 0)
            buf_addf(&e, "the base's %s:%d:%d: %s", bad.items[0].file, bad.items[0].line,
                     bad.items[0].col, bad.items[0].message);
        else
            buf_addf(&e, "the base's " REPO_POLICY_FILE ": %s", err_last());
        if (!r->policy_error)
            r->policy_error = buf_detach(&e, NULL);
        buf_free(&e);
        diag_list_free(&bad);
        return;
    }
    for (size_t i = 0; i < ch->count; i++) {
        struct buf dir = BUF_INIT, disp = BUF_INIT;
        buf_addf(&disp, "analytics/%s", ch->items[i].name);
        buf_addf(&dir, "%s/%s", g->root, disp.data);
        if (repo_policy_check_analytic(pol, dir.data, disp.data, &r->findings) < 0)
            err_clear(); /* a manifest that does not load: validate --strict reports it */
        buf_free(&dir);
        buf_free(&disp);
    }
    if (differs)
        diag_add(&r->findings, DIAG_WARNING, REPO_POLICY_FILE, 1, 1, "policy-file-changed",
                 "this pull request changes " REPO_POLICY_FILE "; it was judged by the policy "
                 "at the base (%s), so the change takes effect once merged, after a code "
                 "owner's review",
                 pol->path);
    repo_policy_free(pol);
}

void gate_policy(struct gate *g, struct ci_result *r)
{
    if (policy_check(g->repo, g->root, &g->changes, &r->findings) < 0)
        r->policy_error = xstrdup(err_last());
    check_repo_policy(g, r);
    diag_sort(&r->findings);
}
