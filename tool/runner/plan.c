/* Planning and running the cases of `kanalytic test`: see plan.h. */
#include "plan.h"
#include "manifest/repo_policy.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Refuses an analytic that asks for more than the repository policy allows (the findings go
 * to diags, with the rule), and fits its run options within the policy's limits. */
static void plan_apply_policy(const struct plan *pc, struct plan_analytic *a,
                              struct diag_list *diags)
{
    a->opts = *pc->o;
    if (!pc->policy || !a->m)
        return;
    struct repo_policy_limits lim;
    repo_policy_limits_for(pc->policy, a->m->name, &lim);
    if (!pc->cap_given || lim.output_size < a->opts.output_cap)
        a->opts.output_cap = lim.output_size;
    struct buf disp = BUF_INIT, why = BUF_INIT;
    buf_addf(&disp, "analytics/%s", a->name);
    size_t before = diags->count;
    int n = repo_policy_check_analytic(pc->policy, a->dir, disp.data, diags);
    if (n > 0) {
        buf_addf(&why, "refused: %s asks for more than the repository policy allows (", a->name);
        for (size_t i = before; i < diags->count; i++)
            buf_addf(&why, "%s%s", i > before ? ", " : "", diags->items[i].rule);
        buf_addf(&why, "; see above)");
    } else if (n == 0 && pc->o->timeout > lim.timeout) {
        buf_addf(&why,
                 "refused (policy-timeout): --timeout %u is more than the %u seconds the "
                 "repository policy (%s) allows %s",
                 pc->o->timeout, lim.timeout, pc->policy->path, a->name);
    } else if (n < 0) {
        buf_addf(&why, "%s", err_last());
    }
    if (why.len)
        a->problem = buf_detach(&why, NULL);
    buf_free(&why);
    buf_free(&disp);
}

static struct plan_analytic *plan_add_analytic(struct plan *p, const char *root, const char *name,
                                               struct diag_list *diags)
{
    for (size_t i = 0; i < p->nanalytics; i++)
        if (!strcmp(p->analytics[i].name, name))
            return &p->analytics[i];
    p->analytics = xreallocarray(p->analytics, p->nanalytics + 1, sizeof *p->analytics);
    struct plan_analytic *a = &p->analytics[p->nanalytics++];
    memset(a, 0, sizeof *a);
    a->name = xstrdup(name);
    struct buf dir = BUF_INIT;
    buf_addf(&dir, "%s/analytics/%s", root, name);
    a->dir = buf_detach(&dir, NULL);
    char *man = path_join(a->dir, MANIFEST_FILE);
    size_t before = diag_count(diags, DIAG_ERROR);
    int rc = manifest_load(man, &a->m, diags);
    if (rc < 0) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s", err_last());
        a->problem = buf_detach(&b, NULL);
    } else if (rc > 0 || !a->m) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s has %zu error(s) (run kanalytic validate %s)", man,
                 diag_count(diags, DIAG_ERROR) - before, name);
        a->problem = buf_detach(&b, NULL);
    }
    free(man);
    if (!a->problem)
        plan_apply_policy(p, a, diags);
    return a;
}

static void plan_add_case(struct plan *p, struct plan_analytic *a, const char *case_name,
                          struct diag_list *diags)
{
    for (size_t i = 0; i < p->ncases; i++)
        if (!strcmp(p->cases[i].analytic, a->name) && !strcmp(p->cases[i].case_name, case_name))
            return;
    p->cases = xreallocarray(p->cases, p->ncases + 1, sizeof *p->cases);
    struct runner_case *c = &p->cases[p->ncases++];
    memset(c, 0, sizeof *c);
    c->manifest = a->m;
    c->analytic = xstrdup(a->name);
    c->analytic_dir = xstrdup(a->dir);
    c->case_name = xstrdup(case_name);
    struct buf dir = BUF_INIT;
    buf_addf(&dir, "%s/tests/%s", a->dir, case_name);
    c->case_dir = buf_detach(&dir, NULL);
    if (a->problem) {
        c->problem = xstrdup(a->problem);
        return;
    }
    size_t before = diag_count(diags, DIAG_ERROR);
    int rc = test_case_load(c->case_dir, a->m, &c->tc, diags);
    if (rc < 0) {
        c->problem = xstrdup(err_last());
    } else if (rc > 0 || !c->tc) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s/%s has %zu error(s) (see above; kanalytic validate %s)", c->case_dir,
                 CASE_FILE, diag_count(diags, DIAG_ERROR) - before, a->name);
        c->problem = buf_detach(&b, NULL);
        test_case_free(c->tc);
        c->tc = NULL;
    }
}

static int plan_all_cases(struct plan *p, struct plan_analytic *a, struct diag_list *diags)
{
    struct strlist names = {NULL, 0};
    if (test_case_list(a->dir, &names) < 0)
        return -1;
    for (size_t i = 0; i < names.count; i++)
        plan_add_case(p, a, names.items[i], diags);
    strlist_free(&names);
    return 0;
}

int plan_build(struct plan *p, const char *root, const struct repo_policy *policy,
               const struct runner_options *o, bool cap_given, int argc, char **argv,
               struct diag_list *diags)
{
    p->policy = policy;
    p->o = o;
    p->cap_given = cap_given;
    if (argc == 0) {
        struct fs_names names = {0};
        if (repo_list_analytics(root, &names) < 0)
            return -1;
        for (size_t i = 0; i < names.count; i++) {
            struct plan_analytic *a = plan_add_analytic(p, root, names.names[i], diags);
            if (plan_all_cases(p, a, diags) < 0) {
                fs_names_free(&names);
                return -1;
            }
        }
        fs_names_free(&names);
        return 0;
    }
    for (int i = 0; i < argc; i++) {
        char *arg = xstrdup(argv[i]);
        size_t len = strlen(arg);
        while (len > 1 && arg[len - 1] == '/')
            arg[--len] = '\0';
        char *slash = strchr(arg, '/');
        if (slash) {
            *slash = '\0';
            const char *case_name = slash + 1;
            struct buf cd = BUF_INIT;
            buf_addf(&cd, "%s/analytics/%s/tests/%s/%s", root, arg, case_name, CASE_FILE);
            bool exists = fs_is_file(cd.data);
            buf_free(&cd);
            if (!exists || strchr(case_name, '/')) {
                err_set("%s: no such test case (expected analytics/%s/tests/%s/%s)", argv[i], arg,
                        case_name, CASE_FILE);
                free(arg);
                return -1;
            }
            struct plan_analytic *a = plan_add_analytic(p, root, arg, diags);
            plan_add_case(p, a, case_name, diags);
        } else {
            struct buf ad = BUF_INIT;
            buf_addf(&ad, "%s/analytics/%s/%s", root, arg, MANIFEST_FILE);
            bool exists = fs_is_file(ad.data);
            buf_free(&ad);
            if (!exists) {
                err_set("%s: no such analytic (no analytics/%s/%s)", argv[i], arg, MANIFEST_FILE);
                free(arg);
                return -1;
            }
            struct plan_analytic *a = plan_add_analytic(p, root, arg, diags);
            if (plan_all_cases(p, a, diags) < 0) {
                free(arg);
                return -1;
            }
        }
        free(arg);
    }
    return 0;
}

void plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->ncases; i++) {
        struct runner_case *c = &p->cases[i];
        free(c->analytic_dir);
        free(c->case_dir);
        free(c->analytic);
        free(c->case_name);
        free(c->problem);
        if (c->tc)
            test_case_free(c->tc);
    }
    free(p->cases);
    for (size_t i = 0; i < p->nanalytics; i++) {
        struct plan_analytic *a = &p->analytics[i];
        free(a->name);
        free(a->dir);
        free(a->problem);
        free(a->image_problem);
        if (a->m)
            manifest_free(a->m);
    }
    free(p->analytics);
}

/* ---- running ---- */

const struct plan_analytic *plan_find_analytic(const struct plan *p, const char *name)
{
    for (size_t i = 0; i < p->nanalytics; i++)
        if (!strcmp(p->analytics[i].name, name))
            return &p->analytics[i];
    return NULL;
}

bool plan_analytic_has_case(const struct plan *p, const char *name)
{
    bool has_case = false;
    for (size_t k = 0; k < p->ncases; k++)
        has_case |= !strcmp(p->cases[k].analytic, name) && p->cases[k].tc;
    return has_case;
}

bool plan_needs_engine(const struct plan *p)
{
    for (size_t k = 0; k < p->ncases; k++)
        if (p->cases[k].tc)
            return true;
    return false;
}

void plan_check_images(struct plan *p, plan_image_fn ready, void *ctx)
{
    for (size_t i = 0; i < p->nanalytics; i++) {
        struct plan_analytic *a = &p->analytics[i];
        if (!a->m || !plan_analytic_has_case(p, a->name))
            continue;
        free(a->image_problem);
        a->image_problem = NULL;
        a->image_ok = ready(ctx, a->m, &a->image_problem) == 0;
    }
}

struct pool {
    const struct plan *plan;
    struct run_result *res;
    struct docker *base;
    plan_case_done_fn done_fn;
    void *ctx;
    pthread_mutex_t lock;
    size_t next;
    bool *done;
    size_t printed;
};

static void run_one(struct pool *pl, struct docker *d, size_t i)
{
    const struct runner_case *c = &pl->plan->cases[i];
    struct case_result *r = &pl->res->cases[i];
    const struct plan_analytic *a = plan_find_analytic(pl->plan, c->analytic);
    const char *img = a ? a->image_problem : NULL;
    if (runner_interrupted()) {
        case_result_init(r, c->analytic, c->case_name);
        case_result_error(r, RULE_INTERRUPTED, "interrupted before it ran");
    } else if (!d && c->tc) {
        case_result_init(r, c->analytic, c->case_name);
        case_result_error(r, RULE_ENGINE, "no connection to the Docker engine for this job");
    } else if (img && c->tc) {
        case_result_init(r, c->analytic, c->case_name);
        case_result_error(r, RULE_IMAGE, "%s", img);
    } else {
        runner_run_case(d, c, a ? &a->opts : pl->plan->o, r);
    }
    pthread_mutex_lock(&pl->lock);
    pl->done[i] = true;
    while (pl->printed < pl->res->ncases && pl->done[pl->printed]) {
        if (pl->done_fn)
            pl->done_fn(&pl->res->cases[pl->printed], pl->ctx);
        pl->printed++;
    }
    pthread_mutex_unlock(&pl->lock);
}

static void *worker(void *arg)
{
    struct pool *pl = arg;
    struct docker *d = pl->base ? docker_clone(pl->base) : NULL;
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        size_t i = pl->next++;
        pthread_mutex_unlock(&pl->lock);
        if (i >= pl->res->ncases)
            break;
        run_one(pl, d, i);
    }
    /* no runner_cleanup here: the other jobs' containers are still running; the main
     * thread sweeps after every job has ended */
    if (d)
        docker_close(d);
    return NULL;
}

void plan_run(const struct plan *p, struct docker *d, unsigned jobs, struct run_result *res,
              plan_case_done_fn done, void *ctx)
{
    res->ncases = p->ncases;
    res->cases = xcalloc(p->ncases, sizeof *res->cases);
    res->jobs = jobs > p->ncases ? (unsigned)p->ncases : jobs;
    struct pool pl = {.plan = p, .res = res, .base = d, .done_fn = done, .ctx = ctx};
    pthread_mutex_init(&pl.lock, NULL);
    pl.done = xcalloc(p->ncases, sizeof *pl.done);
    double t0 = clock_seconds();
    if (res->jobs <= 1) {
        for (size_t i = 0; i < p->ncases; i++)
            run_one(&pl, d, i);
    } else {
        pthread_t *threads = xcalloc(res->jobs, sizeof *threads);
        unsigned started = 0;
        for (unsigned t = 0; t < res->jobs; t++)
            if (pthread_create(&threads[t], NULL, worker, &pl) == 0)
                started++;
            else
                break;
        if (started == 0)
            for (size_t i = 0; i < p->ncases; i++)
                run_one(&pl, d, i);
        for (unsigned t = 0; t < started; t++)
            pthread_join(threads[t], NULL);
        free(threads);
    }
    res->seconds = clock_seconds() - t0;
    runner_cleanup(d);
    free(pl.done);
    pthread_mutex_destroy(&pl.lock);
}
