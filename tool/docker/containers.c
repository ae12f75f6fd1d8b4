/* Container endpoints: create, start, wait, kill, logs, archive get/put, remove, list. */
#include "docker.h"
#include "docker_internal.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void path_for(struct buf *b, const char *id, const char *what)
{
    buf_addstr(b, "/containers/");
    docker_url_escape(b, id);
    buf_addstr(b, what);
}

int docker_container_create(struct docker *d, const char *name, const char *config_json, char **id,
                            struct buf *warnings)
{
    *id = NULL;
    struct buf path = BUF_INIT, out = BUF_INIT;
    buf_addstr(&path, "/containers/create");
    if (name && *name) {
        buf_addstr(&path, "?name=");
        docker_url_escape(&path, name);
    }
    struct docker_body body = {"application/json", config_json, strlen(config_json), NULL, NULL};
    int r = docker_request(d, "POST", path.data, &body, &out, DOCKER_TIMEOUT_SHORT, NULL);
    if (r < 0) {
        err_prefix("creating container%s%s", name ? " " : "", name ? name : "");
        goto cleanup;
    }
    json_error_t jerr;
    json_t *j = json_loadb(out.data, out.len, 0, &jerr);
    const char *s = j ? json_string_value(json_object_get(j, "Id")) : NULL;
    if (!s) {
        r = err_set("creating container: the engine's answer has no Id: %.200s", out.data);
    } else {
        *id = xstrdup(s);
        json_t *w = json_object_get(j, "Warnings");
        size_t i;
        json_t *it;
        if (warnings && json_is_array(w))
            json_array_foreach (w, i, it)
                if (json_is_string(it))
                    buf_addf(warnings, "%s\n", json_string_value(it));
    }
    json_decref(j);
cleanup:
    buf_free(&path);
    buf_free(&out);
    return r;
}

int docker_container_start(struct docker *d, const char *id)
{
    struct buf path = BUF_INIT;
    path_for(&path, id, "/start");
    long status = 0;
    int r = docker_request(d, "POST", path.data, NULL, NULL, DOCKER_TIMEOUT_SHORT, &status);
    buf_free(&path);
    if (r < 0 && status == 304) { /* already started */
        err_clear();
        return 0;
    }
    if (r < 0)
        err_prefix("starting container %.12s", id);
    return r;
}

int docker_container_wait(struct docker *d, const char *id, long timeout_ms, int *exit_code)
{
    struct buf path = BUF_INIT, out = BUF_INIT;
    path_for(&path, id, "/wait?condition=not-running");
    int r = docker_request(d, "POST", path.data, NULL, &out, timeout_ms, NULL);
    buf_free(&path);
    if (r < 0) {
        if (r == DOCKER_ETIMEOUT)
            err_set("container %.12s still running after %ld ms", id, timeout_ms);
        else
            err_prefix("waiting for container %.12s", id);
        buf_free(&out);
        return r;
    }
    json_error_t jerr;
    json_t *j = json_loadb(out.data, out.len, 0, &jerr);
    json_t *code = j ? json_object_get(j, "StatusCode") : NULL;
    const char *emsg =
        j ? json_string_value(json_object_get(json_object_get(j, "Error"), "Message")) : NULL;
    if (!json_is_integer(code))
        r = err_set("waiting for container %.12s: unexpected answer: %.200s", id, out.data);
    else if (emsg && *emsg)
        r = err_set("waiting for container %.12s: %s", id, emsg);
    else
        *exit_code = (int)json_integer_value(code);
    json_decref(j);
    buf_free(&out);
    return r;
}

int docker_container_kill(struct docker *d, const char *id, const char *signal)
{
    struct buf path = BUF_INIT;
    path_for(&path, id, "/kill?signal=");
    docker_url_escape(&path, signal ? signal : "SIGKILL");
    int r = docker_request(d, "POST", path.data, NULL, NULL, DOCKER_TIMEOUT_SHORT, NULL);
    buf_free(&path);
    if (r == DOCKER_ECONFLICT) /* not running: what we wanted */
        return 0;
    if (r < 0)
        err_prefix("killing container %.12s", id);
    return r;
}

int docker_container_remove(struct docker *d, const char *id, bool force)
{
    struct buf path = BUF_INIT;
    path_for(&path, id, force ? "?v=1&force=1" : "?v=1");
    int r = docker_request(d, "DELETE", path.data, NULL, NULL, DOCKER_TIMEOUT_SHORT, NULL);
    buf_free(&path);
    if (r == DOCKER_ENOTFOUND)
        return 0;
    if (r < 0)
        err_prefix("removing container %.12s", id);
    return r;
}

/* ---- logs ---------------------------------------------------------------------------------- */

struct logs_ctx {
    bool tty;
    struct docker_frames frames;
    docker_log_fn *fn;
    void *ctx;
};

static int logs_sink(void *ctx, const char *data, size_t n)
{
    struct logs_ctx *l = ctx;
    if (l->tty)
        return l->fn(l->ctx, 1, data, n);
    return docker_frames_feed(&l->frames, data, n);
}

int docker_container_logs(struct docker *d, const char *id, docker_log_fn *fn, void *ctx)
{
    /* Before API 1.42 the Content-Type does not say whether frames are multiplexed: the
     * container's Tty setting does. */
    struct buf path = BUF_INIT;
    path_for(&path, id, "/json");
    json_t *info = NULL;
    int r = docker_get_json(d, path.data, &info);
    buf_reset(&path);
    if (r < 0) {
        buf_free(&path);
        return err_prefix("reading logs of container %.12s", id), r;
    }
    struct logs_ctx l;
    memset(&l, 0, sizeof l);
    l.tty = json_is_true(json_object_get(json_object_get(info, "Config"), "Tty"));
    l.fn = fn;
    l.ctx = ctx;
    json_decref(info);
    docker_frames_init(&l.frames, fn, ctx);
    path_for(&path, id, "/logs?stdout=1&stderr=1");
    r = docker_request_stream(d, "GET", path.data, NULL, logs_sink, &l, 0, NULL);
    if (r == 0 && !l.tty)
        r = docker_frames_finish(&l.frames);
    if (r < 0)
        err_prefix("reading logs of container %.12s", id);
    docker_frames_free(&l.frames);
    buf_free(&path);
    return r;
}

struct collect {
    struct buf *out, *err;
    size_t max;
    bool truncated;
};

static int collect_fn(void *ctx, int stream, const char *data, size_t n)
{
    struct collect *c = ctx;
    struct buf *b = stream == 2 ? c->err : c->out;
    if (!b)
        return 0;
    size_t room = b->len < c->max ? c->max - b->len : 0;
    if (n > room) {
        c->truncated = true;
        n = room;
    }
    buf_add(b, data, n);
    return 0;
}

int docker_container_logs_collect(struct docker *d, const char *id, struct buf *out,
                                  struct buf *err, size_t max, bool *truncated)
{
    struct collect c = {out, err, max ? max : (size_t)16 << 20, false};
    int r = docker_container_logs(d, id, collect_fn, &c);
    if (truncated)
        *truncated = c.truncated;
    return r;
}

/* ---- archives ------------------------------------------------------------------------------ */

int docker_container_archive_get(struct docker *d, const char *id, const char *path,
                                 docker_write_fn *sink, void *sink_ctx)
{
    struct buf p = BUF_INIT;
    path_for(&p, id, "/archive?path=");
    docker_url_escape(&p, path);
    int r = docker_request_stream(d, "GET", p.data, NULL, sink, sink_ctx, 0, NULL);
    buf_free(&p);
    if (r < 0)
        err_prefix("copying %s out of container %.12s", path, id);
    return r;
}

static int archive_put(struct docker *d, const char *id, const char *dir,
                       const struct docker_body *body)
{
    struct buf p = BUF_INIT;
    path_for(&p, id, "/archive?path=");
    docker_url_escape(&p, dir);
    int r = docker_request(d, "PUT", p.data, body, NULL, 0, NULL);
    buf_free(&p);
    if (r < 0)
        err_prefix("copying files into %s of container %.12s", dir, id);
    return r;
}

int docker_container_archive_put(struct docker *d, const char *id, const char *dir, const void *tar,
                                 size_t len)
{
    struct docker_body body = {"application/x-tar", tar, len, NULL, NULL};
    return archive_put(d, id, dir, &body);
}

/* ---- list ---------------------------------------------------------------------------------- */

void docker_container_list_free(struct docker_container_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].id);
        free(l->items[i].name);
        free(l->items[i].image);
        free(l->items[i].state);
        json_decref(l->items[i].labels);
    }
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static char *dup_or_empty(const char *s)
{
    return xstrdup(s ? s : "");
}

int docker_container_list_by_label(struct docker *d, const char *label,
                                   struct docker_container_list *out)
{
    memset(out, 0, sizeof *out);
    struct buf filt = BUF_INIT, path = BUF_INIT;
    buf_addstr(&filt, "{\"label\":[\"");
    buf_add_json_escaped(&filt, label, strlen(label));
    buf_addstr(&filt, "\"]}");
    buf_addstr(&path, "/containers/json?all=1&filters=");
    docker_url_escape(&path, filt.data);
    json_t *j = NULL;
    int r = docker_get_json(d, path.data, &j);
    buf_free(&filt);
    buf_free(&path);
    if (r < 0)
        return err_prefix("listing containers"), r;
    if (!json_is_array(j)) {
        json_decref(j);
        return err_set("listing containers: the engine's answer is not a list");
    }
    size_t n = json_array_size(j);
    out->items = xcalloc(n ? n : 1, sizeof *out->items);
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(j, i);
        struct docker_container_summary *s = &out->items[out->count++];
        s->id = dup_or_empty(json_string_value(json_object_get(c, "Id")));
        const char *name = json_string_value(json_array_get(json_object_get(c, "Names"), 0));
        s->name = dup_or_empty(name && *name == '/' ? name + 1 : name);
        s->image = dup_or_empty(json_string_value(json_object_get(c, "Image")));
        s->state = dup_or_empty(json_string_value(json_object_get(c, "State")));
        json_t *labels = json_object_get(c, "Labels");
        s->labels = json_is_object(labels) ? json_incref(labels) : json_object();
    }
    json_decref(j);
    return 0;
}
