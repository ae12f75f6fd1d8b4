/* What kanalytic left behind in the engine: see sweep.h. */
#include "sweep.h"
#include "runner/runner.h"
#include "util/error.h"
#include "util/num.h"
#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A container whose kanalytic process still runs here belongs to a live `test` or `run`:
 * removing it would break that run. */
long sweep_live_owner(const json_t *labels, const char *hostname)
{
    const char *pid_s = json_string_value(json_object_get(labels, RUNNER_LABEL_PID));
    const char *host = json_string_value(json_object_get(labels, RUNNER_LABEL_HOST));
    if (!pid_s || !host || !hostname || strcmp(hostname, host))
        return 0;
    long pid;
    if (parse_long(pid_s, 1, LONG_MAX, &pid) < 0 || (kill((pid_t)pid, 0) < 0 && errno != EPERM))
        return 0;
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (!fgets(comm, sizeof comm, f))
            comm[0] = '\0';
        fclose(f);
    }
    return strncmp(comm, "kanalytic", 9) == 0 ? pid : 0;
}

bool sweep_kanalytic_image(const json_t *img)
{
    json_t *labels = json_object_get(img, "Labels");
    const char *mark = json_string_value(json_object_get(labels, "io.kanalytic"));
    return (mark && !strcmp(mark, "1")) || json_object_get(labels, "io.kanalytic.manifest");
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static struct sweep_item *add_item(struct sweep_list *l, const char *id)
{
    l->items = xreallocarray(l->items, l->count + 1, sizeof *l->items);
    struct sweep_item *it = &l->items[l->count++];
    memset(it, 0, sizeof *it);
    it->id = xstrdup(id);
    return it;
}

int sweep_containers(struct docker *d, bool remove, bool force, struct sweep_list *out)
{
    struct sweep_list l = {0};
    struct docker_container_list cl;
    if (docker_container_list_by_label(d, RUNNER_LABEL "=1", &cl) < 0)
        return -1;
    char me[256] = "";
    bool have_me = gethostname(me, sizeof me - 1) == 0;
    for (size_t i = 0; i < cl.count; i++) {
        const struct docker_container_summary *s = &cl.items[i];
        struct sweep_item *it = add_item(&l, s->id);
        it->name = dup_or_null(s->name);
        it->image = dup_or_null(s->image);
        it->state = dup_or_null(s->state);
        it->owner = force || !have_me ? 0 : sweep_live_owner(s->labels, me);
        if (it->owner)
            it->outcome = SWEEP_KEPT;
        else if (!remove)
            it->outcome = SWEEP_PLANNED;
        else if (docker_container_remove(d, s->id, true) < 0) {
            it->outcome = SWEEP_FAILED;
            it->error = xstrdup(err_last());
        } else
            it->outcome = SWEEP_REMOVED;
    }
    docker_container_list_free(&cl);
    *out = l;
    return 0;
}

int sweep_images(struct docker *d, bool remove, struct sweep_list *out)
{
    struct sweep_list l = {0};
    json_t *imgs = NULL;
    if (docker_image_list(d, "{\"dangling\":[\"true\"]}", &imgs) < 0)
        return -1;
    size_t i;
    json_t *img;
    json_array_foreach (imgs, i, img) {
        const char *id = json_string_value(json_object_get(img, "Id"));
        if (!id || !sweep_kanalytic_image(img))
            continue;
        struct sweep_item *it = add_item(&l, id);
        it->name = dup_or_null(json_string_value(
            json_object_get(json_object_get(img, "Labels"), "org.opencontainers.image.title")));
        if (!remove)
            it->outcome = SWEEP_PLANNED;
        else if (docker_image_remove(d, id, false) < 0) {
            it->outcome = SWEEP_FAILED;
            it->error = xstrdup(err_last());
        } else
            it->outcome = SWEEP_REMOVED;
    }
    json_decref(imgs);
    *out = l;
    return 0;
}

void sweep_list_free(struct sweep_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        struct sweep_item *it = &l->items[i];
        free(it->id);
        free(it->name);
        free(it->image);
        free(it->state);
        free(it->error);
    }
    free(l->items);
    l->items = NULL;
    l->count = 0;
}
