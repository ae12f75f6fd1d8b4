/* Credentials and progress display for publish and install. */
#include "cmd/share_cli.h"
#include "cmd/cmd.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/human.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int share_cli_parse(int argc, char **argv, const struct cmd_spec *spec, struct share_cli_opts *o)
{
    struct cmd_parser p = CMD_PARSER(*spec, argc, argv);
    int c;
    memset(o, 0, sizeof *o);
    while ((c = cmd_parse(&p)) >= 0) {
        switch (c) {
        case 'r': o->registry = optarg; break;
        case 'i': o->index = optarg; break;
        case 'u': o->username = optarg; break;
        case SHARE_CLI_OPT_PASSWORD_STDIN: o->password_stdin = true; break;
        }
    }
    return c == CMD_PARSE_END ? -1 : cmd_parse_exit(c);
}

void share_view_init(struct share_view *v, FILE *f)
{
    memset(v, 0, sizeof *v);
    v->f = f && term_is_interactive(f) ? f : NULL;
}

static void redraw(struct share_view *v)
{
    if (v->drawn)
        fprintf(v->f, "\033[%zuA", v->drawn);
    for (size_t i = 0; i < v->n; i++)
        fprintf(v->f, "\r\033[K%s\n", v->lines[i]);
    v->drawn = v->n;
    fflush(v->f);
}

int share_view_progress(void *ctx, const struct docker_progress *p)
{
    struct share_view *v = ctx;
    if (!v->f || !p->id || strlen(p->id) > 64 || strchr(p->id, ' '))
        return 0; /* only layer rows ("The push refers to ..." has no id) */
    size_t i = 0;
    while (i < v->n && strcmp(v->ids[i], p->id))
        i++;
    if (i == v->n) {
        v->ids = xrealloc(v->ids, (v->n + 1) * sizeof *v->ids);
        v->lines = xrealloc(v->lines, (v->n + 1) * sizeof *v->lines);
        v->ids[i] = xstrdup(p->id);
        v->lines[i] = NULL;
        v->n++;
    }
    struct buf b = BUF_INIT;
    buf_addf(&b, "  %s: %.60s", p->id, p->status);
    if (p->total > 0) {
        char cur[32], tot[32];
        human_size(cur, sizeof cur, (double)p->current);
        human_size(tot, sizeof tot, (double)p->total);
        buf_addf(&b, " %s/%s", cur, tot);
    }
    free(v->lines[i]);
    v->lines[i] = buf_detach(&b, NULL);
    redraw(v);
    return 0;
}

void share_view_reset(struct share_view *v)
{
    if (v->f && v->drawn) {
        fprintf(v->f, "\033[%zuA", v->drawn);
        for (size_t i = 0; i < v->drawn; i++)
            fprintf(v->f, "\r\033[K\n");
        fprintf(v->f, "\033[%zuA", v->drawn);
        fflush(v->f);
    }
    for (size_t i = 0; i < v->n; i++) {
        free(v->ids[i]);
        free(v->lines[i]);
    }
    free(v->ids);
    free(v->lines);
    v->ids = v->lines = NULL;
    v->n = v->drawn = 0;
}
