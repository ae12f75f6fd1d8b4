/* The test result model: see test_result.h. */
#include "test_result.h"
#include "util/buf.h"
#include "util/quote.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void case_result_init(struct case_result *r, const char *analytic, const char *case_name)
{
    memset(r, 0, sizeof *r);
    r->analytic = xstrdup(analytic);
    r->case_name = xstrdup(case_name);
    struct buf b = BUF_INIT;
    buf_addf(&b, "%s/%s", analytic, case_name);
    r->id = buf_detach(&b, NULL);
    r->exit_code = -1;
    r->status = CASE_PASS;
}

static void add_entry(struct case_problem **list, size_t *n, const char *rule, const char *file,
                      struct compare_result *cmp, const char *fmt, va_list ap)
{
    *list = xreallocarray(*list, *n + 1, sizeof **list);
    struct case_problem *p = &(*list)[(*n)++];
    p->rule = xstrdup(rule);
    p->file = file ? xstrdup(file) : NULL;
    p->cmp = cmp;
    p->detail = NULL;
    struct buf b = BUF_INIT, one = BUF_INIT;
    buf_vaddf(&b, fmt, ap);
    quote_controls(&one, b.data, b.len); /* one line, whatever names or output it quotes */
    p->message = buf_detach(&one, NULL);
    buf_free(&b);
}

static void add_problem(struct case_result *r, const char *rule, const char *file,
                        struct compare_result *cmp, const char *fmt, va_list ap)
{
    add_entry(&r->problems, &r->nproblems, rule, file, cmp, fmt, ap);
}

void case_result_note(struct case_result *r, const char *rule, const char *file, const char *fmt,
                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_entry(&r->notes, &r->nnotes, rule, file, NULL, fmt, ap);
    va_end(ap);
}

void case_result_skip(struct case_result *r, const char *reason)
{
    free(r->skip_reason);
    r->skip_reason = xstrdup(reason);
    r->status = CASE_SKIP;
}

void case_result_fail(struct case_result *r, const char *rule, const char *file,
                      struct compare_result *cmp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(r, rule, file, cmp, fmt, ap);
    va_end(ap);
    if (r->status != CASE_ERROR)
        r->status = CASE_FAIL;
}

void case_result_error(struct case_result *r, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(r, rule, NULL, NULL, fmt, ap);
    va_end(ap);
    r->status = CASE_ERROR;
}

void case_result_set_detail(struct case_result *r, const char *detail)
{
    if (!r->nproblems)
        return;
    struct case_problem *p = &r->problems[r->nproblems - 1];
    free(p->detail);
    p->detail = detail ? xstrdup(detail) : NULL;
}

bool case_result_has_rule(const struct case_result *r, const char *rule)
{
    for (size_t i = 0; i < r->nproblems; i++)
        if (!strcmp(r->problems[i].rule, rule))
            return true;
    return false;
}

static void free_entries(struct case_problem *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct case_problem *p = &list[i];
        free(p->rule);
        free(p->file);
        free(p->message);
        free(p->detail);
        if (p->cmp) {
            compare_result_free(p->cmp);
            free(p->cmp);
        }
    }
    free(list);
}

void case_result_clear_problems(struct case_result *r)
{
    free_entries(r->problems, r->nproblems);
    r->problems = NULL;
    r->nproblems = 0;
    r->status = CASE_PASS;
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

void case_result_free(struct case_result *r)
{
    case_result_clear_problems(r);
    free_entries(r->notes, r->nnotes);
    free(r->analytic);
    free(r->case_name);
    free(r->id);
    free(r->description);
    free(r->stderr_text);
    free(r->display_html);
    free(r->skip_reason);
    free_list(r->created, r->ncreated);
    free_list(r->updated, r->nupdated);
    memset(r, 0, sizeof *r);
}

void run_result_free(struct run_result *r)
{
    for (size_t i = 0; i < r->ncases; i++)
        case_result_free(&r->cases[i]);
    free(r->cases);
    memset(r, 0, sizeof *r);
}

const char *case_status_name(enum case_status s)
{
    switch (s) {
    case CASE_PASS: return "PASS";
    case CASE_CREATED: return "CREATED";
    case CASE_FAIL: return "FAIL";
    case CASE_ERROR: return "ERROR";
    case CASE_SKIP: return "SKIP";
    }
    return "?";
}

void run_result_counts(const struct run_result *r, size_t *pass, size_t *fail, size_t *error)
{
    *pass = *fail = *error = 0;
    for (size_t i = 0; i < r->ncases; i++) {
        switch (r->cases[i].status) {
        case CASE_PASS:
        case CASE_CREATED: (*pass)++; break;
        case CASE_FAIL: (*fail)++; break;
        case CASE_ERROR: (*error)++; break;
        case CASE_SKIP: break;
        }
    }
}

size_t run_result_skipped(const struct run_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ncases; i++)
        n += r->cases[i].status == CASE_SKIP;
    return n;
}

int run_result_exit_code(const struct run_result *r)
{
    size_t pass, fail, error;
    run_result_counts(r, &pass, &fail, &error);
    return error ? 2 : fail ? 1 : 0;
}
