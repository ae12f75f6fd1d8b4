/* Images for test and run (image.h): tool/builder/ does the work; this says what happens. */
#include "image.h"

#include "builder/builder.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/quote.h"
#include "util/repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void say(void *ctx, const char *text)
{
    fprintf(stderr, "%s: %s\n", (const char *)ctx, text);
}

static void on_line(void *ctx, struct builder_job *j, const char *line, bool is_step)
{
    if (is_step)
        fprintf(stderr, "%s: %s: %.*s%s\n", (const char *)ctx, qpath(j->name), 120, line,
                strlen(line) > 120 ? "..." : "");
}

int image_ready(struct docker *d, const struct manifest *m, bool no_build, const char *announce,
                char **problem)
{
    char *root = NULL;
    if (!no_build && repo_find_root(&root) < 0) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "cannot build %s: %s", m->name, err_last());
        *problem = buf_detach(&b, NULL);
        return -1;
    }
    struct builder_events ev = {on_line, NULL, (void *)announce};
    int rc = builder_image_ready(d, root, m, no_build, announce ? say : NULL, (void *)announce,
                                 announce ? &ev : NULL, problem);
    free(root);
    return rc;
}
