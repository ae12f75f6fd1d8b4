/* Image endpoints: inspect, list, remove, and the classic build. */
#include "docker.h"
#include "docker_internal.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

void docker_image_free(struct docker_image *img)
{
    free(img->id);
    free(img->created);
    json_decref(img->json);
    memset(img, 0, sizeof *img);
}

int docker_image_inspect(struct docker *d, const char *name, struct docker_image *out)
{
    memset(out, 0, sizeof *out);
    struct buf path = BUF_INIT;
    buf_addstr(&path, "/images/");
    docker_url_escape(&path, name);
    buf_addstr(&path, "/json");
    json_t *j = NULL;
    int r = docker_get_json(d, path.data, &j);
    buf_free(&path);
    if (r < 0)
        return r;
    const char *id = json_string_value(json_object_get(j, "Id"));
    if (!id) {
        json_decref(j);
        return err_set("inspecting image %s: the engine's answer has no Id", name);
    }
    out->id = xstrdup(id);
    const char *created = json_string_value(json_object_get(j, "Created"));
    out->created = xstrdup(created ? created : "");
    out->size = json_integer_value(json_object_get(j, "Size"));
    out->json = j;
    return 0;
}

const char *docker_image_label(const struct docker_image *img, const char *key)
{
    json_t *labels = json_object_get(json_object_get(img->json, "Config"), "Labels");
    return json_string_value(json_object_get(labels, key));
}

int docker_image_list(struct docker *d, const char *filters_json, json_t **out)
{
    struct buf path = BUF_INIT;
    buf_addstr(&path, "/images/json");
    if (filters_json) {
        buf_addstr(&path, "?filters=");
        docker_url_escape(&path, filters_json);
    }
    int r = docker_get_json(d, path.data, out);
    buf_free(&path);
    if (r < 0)
        return err_prefix("listing images"), r;
    if (!json_is_array(*out)) {
        json_decref(*out);
        *out = NULL;
        return err_set("listing images: the engine's answer is not a list");
    }
    return 0;
}

int docker_image_remove(struct docker *d, const char *name, bool force)
{
    struct buf path = BUF_INIT;
    buf_addstr(&path, "/images/");
    docker_url_escape(&path, name);
    if (force)
        buf_addstr(&path, "?force=1");
    int r = docker_request(d, "DELETE", path.data, NULL, NULL, DOCKER_TIMEOUT_SHORT, NULL);
    buf_free(&path);
    if (r == DOCKER_ENOTFOUND)
        return 0;
    if (r < 0)
        err_prefix("removing image %s", name);
    return r;
}

/* ---- streamed JSON answers (build) --------------------------------------------------------- */

struct progress {
    struct docker_jsonl lines;
    docker_build_line_fn *line;
    void *line_ctx;
    struct buf error; /* first errorDetail / error message */
    char *image_id;   /* aux.ID */
};

static int progress_obj(void *ctx, json_t *obj)
{
    struct progress *p = ctx;
    const char *stream = json_string_value(json_object_get(obj, "stream"));
    const char *status = json_string_value(json_object_get(obj, "status"));
    json_t *detail = json_object_get(obj, "errorDetail");
    const char *emsg = json_string_value(json_object_get(detail, "message"));
    if (!emsg)
        emsg = json_string_value(json_object_get(obj, "error"));
    const char *aux_id = json_string_value(json_object_get(json_object_get(obj, "aux"), "ID"));
    if (emsg && !p->error.len)
        buf_addstr(&p->error, emsg);
    if (aux_id) {
        free(p->image_id);
        p->image_id = xstrdup(aux_id);
    }
    if (!p->line)
        return 0;
    if (stream)
        return p->line(p->line_ctx, stream);
    if (status) {
        struct buf b = BUF_INIT;
        const char *id = json_string_value(json_object_get(obj, "id"));
        const char *prog = json_string_value(json_object_get(obj, "progress"));
        if (id)
            buf_addf(&b, "%s: ", id);
        buf_addstr(&b, status);
        if (prog)
            buf_addf(&b, " %s", prog);
        buf_addch(&b, '\n');
        int r = p->line(p->line_ctx, b.data);
        buf_free(&b);
        return r;
    }
    if (emsg) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s\n", emsg);
        int r = p->line(p->line_ctx, b.data);
        buf_free(&b);
        return r;
    }
    return 0;
}

static int progress_sink(void *ctx, const char *data, size_t n)
{
    struct progress *p = ctx;
    return docker_jsonl_feed(&p->lines, data, n);
}

static void progress_init(struct progress *p, docker_build_line_fn *line, void *line_ctx)
{
    memset(p, 0, sizeof *p);
    docker_jsonl_init(&p->lines, progress_obj, p);
    buf_init(&p->error);
    p->line = line;
    p->line_ctx = line_ctx;
}

static void progress_free(struct progress *p)
{
    docker_jsonl_free(&p->lines);
    buf_free(&p->error);
    free(p->image_id);
}

/* Finishes a streamed answer: r is the transfer's result. */
static int progress_finish(struct progress *p, int r, const char *what, char **image_id)
{
    if (r == 0)
        r = docker_jsonl_finish(&p->lines);
    if (r == 0 && p->error.len)
        r = err_set("%s", p->error.data);
    if (r == 0 && !p->image_id)
        r = err_set("%s: the engine reported no image id", what);
    if (r == 0 && image_id) {
        *image_id = p->image_id;
        p->image_id = NULL;
    }
    return r;
}

int docker_build(struct docker *d, const struct docker_build_opts *opts, docker_read_fn *read,
                 void *read_ctx, docker_build_line_fn *line, void *line_ctx, char **image_id)
{
    struct buf path = BUF_INIT;
    buf_addstr(&path, "/build?version=1&rm=1&forcerm=1");
    for (size_t i = 0; opts->tags && opts->tags[i]; i++) {
        buf_addstr(&path, "&t=");
        docker_url_escape(&path, opts->tags[i]);
    }
    if (opts->dockerfile) {
        buf_addstr(&path, "&dockerfile=");
        docker_url_escape(&path, opts->dockerfile);
    }
    if (opts->buildargs_json) {
        buf_addstr(&path, "&buildargs=");
        docker_url_escape(&path, opts->buildargs_json);
    }
    if (opts->labels_json) {
        buf_addstr(&path, "&labels=");
        docker_url_escape(&path, opts->labels_json);
    }
    if (opts->cachefrom_json) {
        buf_addstr(&path, "&cachefrom=");
        docker_url_escape(&path, opts->cachefrom_json);
    }
    if (opts->nocache)
        buf_addstr(&path, "&nocache=1");
    if (opts->pull)
        buf_addstr(&path, "&pull=1");
    struct progress p;
    progress_init(&p, line, line_ctx);
    struct docker_body body = {"application/x-tar", NULL, 0, read, read_ctx};
    int r = docker_request_stream(d, "POST", path.data, &body, progress_sink, &p, 0, NULL);
    r = progress_finish(&p, r, "build", image_id);
    progress_free(&p);
    buf_free(&path);
    return r;
}
