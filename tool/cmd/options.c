/* Option tables with their help: getopt_long arrays and the aligned options section. */
#include "cmd/options.h"
#include "cmd/cmd.h"
#include "util/error.h"

#include <stdarg.h>
#include <string.h>

/* Help that does not fit before this column starts on the next line. */
#define MAX_COLUMN 28
/* ... and it never starts before this one (the column the hand-written texts used). */
#define MIN_COLUMN 18

int cmd_getopt_init(struct cmd_getopt *g, const struct cmd_option *t, bool stop_at_operand)
{
    size_t nl = 0, ns = 0;
    memset(g, 0, sizeof *g);
    if (stop_at_operand)
        g->shortopts[ns++] = '+';
    for (; t->heading || t->long_name || t->short_name; t++) {
        if (t->heading)
            continue;
        if (!t->help || !*t->help)
            return err_set("option %s%s has no help text", t->long_name ? "--" : "-",
                           t->long_name ? t->long_name : (char[]){(char)t->short_name, 0});
        if (nl >= CMD_OPTIONS_MAX)
            return err_set("more than %d options", CMD_OPTIONS_MAX);
        for (size_t i = 0; t->long_name && i < nl; i++)
            if (!strcmp(g->longopts[i].name, t->long_name))
                return err_set("option --%s is listed twice", t->long_name);
        if (t->short_name) {
            if (strchr(g->shortopts, t->short_name))
                return err_set("option -%c is listed twice", t->short_name);
            if (t->val != t->short_name)
                return err_set("option -%c returns another value", t->short_name);
            g->shortopts[ns++] = (char)t->short_name;
            if (t->arg)
                g->shortopts[ns++] = ':';
        }
        if (t->long_name)
            g->longopts[nl++] = (struct option){
                t->long_name, t->arg ? required_argument : no_argument, NULL, t->val};
    }
    g->longopts[nl++] = (struct option){"list-options", no_argument, NULL, CMD_OPT_LIST_OPTIONS};
    g->longopts[nl] = (struct option){NULL, 0, NULL, 0};
    g->shortopts[ns] = '\0';
    return 0;
}

/* pad: some entry has a short name, so long-only ones line up under "--" as in git. */
static size_t left_part(struct buf *b, const struct cmd_option *t, bool pad)
{
    size_t start = b->len;
    buf_addstr(b, "  ");
    if (!t->short_name && pad)
        buf_addstr(b, "    ");
    if (t->short_name)
        buf_addf(b, "-%c%s", t->short_name, t->long_name ? ", " : "");
    if (t->long_name)
        buf_addf(b, "--%s", t->long_name);
    if (t->arg)
        buf_addf(b, " %s", t->arg);
    return b->len - start;
}

void cmd_options_format(struct buf *out, const struct cmd_option *table)
{
    size_t col = MIN_COLUMN, start = out->len;
    struct buf tmp = BUF_INIT;
    bool pad = false;
    for (const struct cmd_option *t = table; t->heading || t->long_name || t->short_name; t++)
        pad |= t->short_name && t->long_name;
    for (const struct cmd_option *t = table; t->heading || t->long_name || t->short_name; t++) {
        if (t->heading)
            continue;
        buf_reset(&tmp);
        size_t w = left_part(&tmp, t, pad) + 2;
        if (w <= MAX_COLUMN && w > col)
            col = w;
    }
    for (const struct cmd_option *t = table; t->heading || t->long_name || t->short_name; t++) {
        if (t->heading) {
            buf_addf(out, "%s%s:\n", out->len > start ? "\n" : "", t->heading);
            continue;
        }
        size_t w = left_part(out, t, pad);
        if (w + 2 > col) {
            buf_addch(out, '\n');
            w = 0;
        }
        for (const char *h = t->help; *h;) {
            const char *e = strchrnul(h, '\n');
            for (; w < col; w++)
                buf_addch(out, ' ');
            buf_add(out, h, (size_t)(e - h));
            buf_addch(out, '\n');
            w = 0;
            h = *e ? e + 1 : e;
        }
    }
    buf_free(&tmp);
}

void cmd_options_print(FILE *out, const struct cmd_option *table)
{
    struct buf b = BUF_INIT;
    cmd_options_format(&b, table);
    fputs(b.data, out);
    buf_free(&b);
}

void cmd_options_list(FILE *out, const struct cmd_option *t)
{
    for (; t->heading || t->long_name || t->short_name; t++)
        if (t->long_name)
            fprintf(out, "--%s\n", t->long_name);
}

void cmd_usage(FILE *out, const struct cmd_spec *s)
{
    fputs(s->usage_head, out);
    cmd_options_print(out, s->options);
    fputs(s->usage_tail, out);
}

static void say(const struct cmd_spec *s, const char *fmt, va_list ap)
{
    fprintf(stderr, "kanalytic %s: ", s->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cmd_usage_error(const struct cmd_spec *s, const char *fmt, ...)
{
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        say(s, fmt, ap);
        va_end(ap);
    }
    cmd_usage(stderr, s);
    return EXIT_TROUBLE;
}

int cmd_error(const struct cmd_spec *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(s, fmt, ap);
    va_end(ap);
    return EXIT_TROUBLE;
}

int cmd_trouble(const struct cmd_spec *s)
{
    return cmd_error(s, "%s", err_last());
}

int cmd_parse(struct cmd_parser *p)
{
    const struct cmd_spec *s = p->spec;
    if (!p->ready) {
        if (cmd_getopt_init(&p->g, s->options, s->stop_at_operand) < 0) {
            cmd_trouble(s);
            return CMD_PARSE_TROUBLE;
        }
        p->ready = true;
        optind = 0;
        opterr = !(s->bad_option && strstr(s->bad_option, "%s")); /* it names the option */
    }
    int c = getopt_long(p->argc, p->argv, p->g.shortopts, p->g.longopts, NULL);
    switch (c) {
    case 'h': cmd_usage(stdout, s); return CMD_PARSE_DONE;
    case CMD_OPT_LIST_OPTIONS: cmd_options_list(stdout, s->options); return CMD_PARSE_DONE;
    case '?':
    case ':':
        if (s->bad_option) {
            fprintf(stderr, "kanalytic %s: ", s->name);
            fprintf(stderr, s->bad_option, p->argv[optind - 1]);
            fputc('\n', stderr);
        }
        cmd_usage(stderr, s);
        return CMD_PARSE_TROUBLE;
    default: return c;
    }
}
