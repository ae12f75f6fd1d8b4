/* The CI gate's result model: see ci_result.h. */
#include "ci_result.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct ci_step *ci_result_add_step(struct ci_result *r, const char *check, const char *analytic,
                                   const char *command)
{
    ARRAY_GROW(r->steps, r->nsteps + 1, r->steps_cap);
    struct ci_step *s = &r->steps[r->nsteps++];
    memset(s, 0, sizeof *s);
    s->check = xstrdup(check);
    s->analytic = analytic ? xstrdup(analytic) : NULL;
    s->command = xstrdup(command ? command : check);
    s->status = CI_SKIP;
    s->exit_code = -1;
    buf_init(&s->output);
    return s;
}

void ci_result_conclude(struct ci_result *r)
{
    bool failed = diag_count(&r->findings, DIAG_ERROR) > 0, trouble = r->policy_error != NULL;
    for (size_t i = 0; i < r->nsteps; i++) {
        failed |= r->steps[i].status == CI_FAIL;
        trouble |= r->steps[i].status == CI_ERROR;
    }
    r->exit_code = failed ? 1 : trouble ? 2 : 0;
}

void ci_result_free(struct ci_result *r)
{
    for (size_t i = 0; i < r->nsteps; i++) {
        struct ci_step *s = &r->steps[i];
        free(s->check);
        free(s->analytic);
        free(s->command);
        free(s->note);
        buf_free(&s->output);
    }
    free(r->steps);
    free(r->policy_error);
    diag_list_free(&r->findings);
    memset(r, 0, sizeof *r);
}

const char *ci_status_name(enum ci_status s)
{
    switch (s) {
    case CI_PASS: return "pass";
    case CI_FAIL: return "fail";
    case CI_ERROR: return "error";
    default: return "skipped";
    }
}
