/* Diagnostic list and its printers: see diag.h. */
#include "diag.h"
#include "buf.h"
#include "quote.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_add(struct diag_list *list, enum diag_severity sev, const char *file, int line, int col,
              const char *rule, const char *fmt, ...)
{
    struct buf msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    ARRAY_GROW(list->items, list->count + 1, list->cap);
    struct diag *d = &list->items[list->count++];
    d->file = xstrdup(file ? file : "");
    d->line = line;
    d->col = col;
    d->severity = sev;
    d->rule = rule ? xstrdup(rule) : NULL;
    /* a message is one line, whatever names it quotes */
    struct buf one = BUF_INIT;
    quote_controls(&one, msg.data, msg.len);
    d->message = buf_detach(&one, NULL);
    buf_free(&msg);
}

size_t diag_count(const struct diag_list *list, enum diag_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        n += list->items[i].severity == sev;
    return n;
}

void diag_promote_warnings(struct diag_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].severity == DIAG_WARNING)
            list->items[i].severity = DIAG_ERROR;
}

static int diag_cmp(const void *a, const void *b)
{
    const struct diag *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x < y ? -1 : (x > y);
}

void diag_sort(struct diag_list *list)
{
    /* qsort is not stable; compare addresses last so equal positions keep insertion order */
    if (list->count > 1)
        qsort(list->items, list->count, sizeof *list->items, diag_cmp);
}

void diag_list_free(struct diag_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].file);
        free(list->items[i].rule);
        free(list->items[i].message);
    }
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

const char *diag_severity_name(enum diag_severity sev)
{
    switch (sev) {
    case DIAG_ERROR: return "error";
    case DIAG_WARNING: return "warning";
    default: return "note";
    }
}

static void print_text(const struct diag *d, FILE *out)
{
    if (d->line > 0)
        fprintf(out, "%s:%d:%d: %s: %s\n", qpath(d->file), d->line, d->col > 0 ? d->col : 1,
                diag_severity_name(d->severity), d->message);
    else
        fprintf(out, "%s: %s: %s\n", qpath(d->file), diag_severity_name(d->severity), d->message);
}

static void print_github(const struct diag *d, FILE *out)
{
    struct buf b = BUF_INIT;
    buf_addf(&b,
             "::%s file=", d->severity == DIAG_NOTE ? "notice" : diag_severity_name(d->severity));
    quote_github(&b, d->file, true);
    if (d->line > 0)
        buf_addf(&b, ",line=%d,col=%d", d->line, d->col > 0 ? d->col : 1);
    buf_addstr(&b, "::");
    quote_github(&b, d->message, false);
    fprintf(out, "%s\n", b.data);
    buf_free(&b);
}

static void print_json(const struct diag_list *list, FILE *out)
{
    struct buf b = BUF_INIT;
    buf_addch(&b, '[');
    for (size_t i = 0; i < list->count; i++) {
        const struct diag *d = &list->items[i];
        buf_addstr(&b, i ? ",\n {\"file\":\"" : "\n {\"file\":\"");
        buf_add_json_escaped(&b, d->file, strlen(d->file));
        buf_addf(&b, "\",\"line\":%d,\"column\":%d,\"severity\":\"%s\",\"rule\":", d->line, d->col,
                 diag_severity_name(d->severity));
        if (d->rule) {
            buf_add_json_string(&b, d->rule, strlen(d->rule));
        } else {
            buf_addstr(&b, "null");
        }
        buf_addstr(&b, ",\"message\":\"");
        buf_add_json_escaped(&b, d->message, strlen(d->message));
        buf_addstr(&b, "\"}");
    }
    buf_addstr(&b, list->count ? "\n]\n" : "]\n");
    fputs(b.data, out);
    buf_free(&b);
}

void diag_print(const struct diag_list *list, enum diag_format fmt, FILE *out)
{
    if (fmt == DIAG_FORMAT_JSON) {
        print_json(list, out);
        return;
    }
    if (fmt != DIAG_FORMAT_GITHUB) {
        for (size_t i = 0; i < list->count; i++)
            print_text(&list->items[i], out);
        return;
    }
    /* the text lines quote names from the repository: GitHub obeys nothing in them */
    struct gh_block blk;
    if (list->count)
        gh_block_begin(&blk, out);
    for (size_t i = 0; i < list->count; i++)
        print_text(&list->items[i], out);
    if (list->count)
        gh_block_end(&blk, out);
    for (size_t i = 0; i < list->count; i++)
        print_github(&list->items[i], out);
}

enum diag_format diag_format_from_env(enum diag_format fallback)
{
    const char *gh = getenv("GITHUB_ACTIONS");
    if (fallback == DIAG_FORMAT_TEXT && gh && strcmp(gh, "true") == 0)
        return DIAG_FORMAT_GITHUB;
    return fallback;
}
