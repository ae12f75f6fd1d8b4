/* Incremental parsers of the engine's streamed answers: JSON objects one per line (build,
 * import, pull progress) and multiplexed log frames. Both accept input split at any byte. */
#include "docker.h"
#include "util/error.h"

#include <string.h>

#define MAX_JSON_LINE ((size_t)16 << 20)
#define MAX_DAEMON_ERR 4096

void docker_jsonl_init(struct docker_jsonl *p, docker_json_fn *fn, void *ctx)
{
    buf_init(&p->pending);
    p->fn = fn;
    p->ctx = ctx;
}

void docker_jsonl_free(struct docker_jsonl *p)
{
    buf_free(&p->pending);
}

static int parse_line(struct docker_jsonl *p, const char *s, size_t n)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n && (*s == ' ' || *s == '\t' || *s == '\r')) {
        s++;
        n--;
    }
    if (!n)
        return 0;
    json_error_t jerr;
    json_t *obj = json_loadb(s, n, 0, &jerr);
    if (!obj)
        return err_set("unreadable line in the Docker engine's answer (%s): %.*s", jerr.text,
                       (int)(n > 200 ? 200 : n), s);
    int r = p->fn ? p->fn(p->ctx, obj) : 0;
    json_decref(obj);
    return r;
}

int docker_jsonl_feed(struct docker_jsonl *p, const char *data, size_t n)
{
    while (n) {
        const char *nl = memchr(data, '\n', n);
        if (!nl) {
            if (p->pending.len + n > MAX_JSON_LINE)
                return err_set("a line of the Docker engine's answer is longer than %zu bytes",
                               MAX_JSON_LINE);
            buf_add(&p->pending, data, n);
            return 0;
        }
        size_t take = (size_t)(nl - data);
        int r;
        if (p->pending.len) {
            if (p->pending.len + take > MAX_JSON_LINE)
                return err_set("a line of the Docker engine's answer is longer than %zu bytes",
                               MAX_JSON_LINE);
            buf_add(&p->pending, data, take);
            r = parse_line(p, p->pending.data, p->pending.len);
            buf_reset(&p->pending);
        } else {
            r = parse_line(p, data, take);
        }
        if (r < 0)
            return r;
        data = nl + 1;
        n -= take + 1;
    }
    return 0;
}

int docker_jsonl_finish(struct docker_jsonl *p)
{
    int r = parse_line(p, p->pending.data, p->pending.len);
    buf_reset(&p->pending);
    return r;
}

void docker_frames_init(struct docker_frames *p, docker_log_fn *fn, void *ctx)
{
    memset(p, 0, sizeof *p);
    buf_init(&p->daemon_err);
    p->fn = fn;
    p->ctx = ctx;
}

void docker_frames_free(struct docker_frames *p)
{
    buf_free(&p->daemon_err);
}

int docker_frames_feed(struct docker_frames *p, const char *data, size_t n)
{
    while (n) {
        if (p->left == 0 && p->hdr_len < 8) {
            size_t take = 8 - p->hdr_len;
            if (take > n)
                take = n;
            memcpy(p->hdr + p->hdr_len, data, take);
            p->hdr_len += take;
            data += take;
            n -= take;
            if (p->hdr_len < 8)
                return 0;
            unsigned type = p->hdr[0];
            if (type > 3 || p->hdr[1] || p->hdr[2] || p->hdr[3])
                return err_set("malformed log stream from the Docker engine: frame header "
                               "%02x %02x %02x %02x",
                               p->hdr[0], p->hdr[1], p->hdr[2], p->hdr[3]);
            p->stream = type == 0 ? 1 : (int)type;
            p->left = (uint32_t)p->hdr[4] << 24 | (uint32_t)p->hdr[5] << 16 |
                      (uint32_t)p->hdr[6] << 8 | (uint32_t)p->hdr[7];
            if (p->left == 0) {
                if (type == 3 && !p->daemon_err.len)
                    buf_addstr(&p->daemon_err, "(no message)");
                p->hdr_len = 0;
            }
            continue;
        }
        size_t take = p->left < n ? p->left : n;
        if (p->stream == 3) {
            size_t room = MAX_DAEMON_ERR - p->daemon_err.len;
            buf_add(&p->daemon_err, data, take < room ? take : room);
        } else if (p->fn && p->fn(p->ctx, p->stream, data, take) < 0) {
            return -1;
        }
        p->left -= (uint32_t)take;
        data += take;
        n -= take;
        if (p->left == 0)
            p->hdr_len = 0;
    }
    return 0;
}

int docker_frames_finish(struct docker_frames *p)
{
    if (p->daemon_err.len)
        return err_set("the Docker engine reported an error in the log stream: %s",
                       p->daemon_err.data);
    if (p->hdr_len || p->left)
        return err_set("log stream from the Docker engine ended inside a frame (%zu header "
                       "bytes, %u payload bytes missing)",
                       p->hdr_len == 8 ? (size_t)8 : p->hdr_len, p->left);
    return 0;
}
