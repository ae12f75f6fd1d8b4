/* Registries through the engine: the docker CLI's credentials, X-Registry-Auth, tag, push,
 * pull and the distribution (manifest digest) endpoint. */
#include "docker.h"
#include "docker_internal.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/jsonfile.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX_BYTES (4u << 20)

void docker_auth_free(struct docker_auth *a)
{
    if (!a)
        return;
    free(a->username);
    free(a->password);
    free(a->serveraddress);
    memset(a, 0, sizeof *a);
}

char *docker_config_path(void)
{
    const char *dir = getenv("DOCKER_CONFIG");
    if (dir && *dir)
        return path_join(dir, "config.json");
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    char *d = path_join(home, ".docker");
    char *p = path_join(d, "config.json");
    free(d);
    return p;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

int docker_base64_decode(const char *s, size_t n, struct buf *out)
{
    while (n && (s[n - 1] == '=' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_addch(out, (char)(acc >> bits & 0xff));
        }
    }
    return 0;
}

static void b64url_encode(struct buf *out, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        buf_addch(out, tab[v >> 18 & 63]);
        buf_addch(out, tab[v >> 12 & 63]);
        /* padded: the engine decodes with Go's base64.URLEncoding, which wants the '=' */
        buf_addch(out, i + 1 < n ? tab[v >> 6 & 63] : '=');
        buf_addch(out, i + 2 < n ? tab[v & 63] : '=');
    }
}

char *docker_auth_encode(const struct docker_auth *a)
{
    json_t *o = json_object();
    if (a && a->username)
        json_object_set_new(o, "username", json_string(a->username));
    if (a && a->password)
        json_object_set_new(o, "password", json_string(a->password));
    if (a && a->serveraddress)
        json_object_set_new(o, "serveraddress", json_string(a->serveraddress));
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    struct buf b = BUF_INIT;
    b64url_encode(&b, (const unsigned char *)s, strlen(s));
    free(s);
    return buf_detach(&b, NULL);
}

/* "https://host:port/v1/" -> "host:port" (into out). */
static void server_key(const char *key, struct buf *out)
{
    const char *p = strstr(key, "://");
    p = p ? p + 3 : key;
    size_t n = strcspn(p, "/");
    buf_add(out, p, n);
}

static bool same_server(const char *key, const char *server)
{
    struct buf k = BUF_INIT;
    server_key(key, &k);
    bool same = !strcasecmp(k.data, server);
    buf_free(&k);
    return same;
}

/* The member of object obj whose key names server, or NULL. */
static json_t *find_server(json_t *obj, const char *server)
{
    const char *key;
    json_t *v;
    json_object_foreach (obj, key, v) {
        if (same_server(key, server))
            return v;
    }
    return NULL;
}

static int helper_error(const char *path, const char *server, const char *helper)
{
    return err_set("%s: the credentials for %s are kept by the credential helper "
                   "docker-credential-%s, which kanalytic does not run (not supported): pass "
                   "--username and --password-stdin instead",
                   path, server, helper);
}

int docker_auth_from_config(const char *path, const char *server, struct docker_auth *out)
{
    memset(out, 0, sizeof *out);
    if (!path || !fs_exists(path))
        return 0;
    json_t *root;
    if (json_read_file(path, CONFIG_MAX_BYTES, &root) < 0)
        return -1;
    int r = 0;
    if (!json_is_object(root)) {
        r = err_set("%s: not a JSON object", path);
        goto cleanup;
    }
    json_t *helper = find_server(json_object_get(root, "credHelpers"), server);
    if (helper) {
        r = helper_error(path, server, json_is_string(helper) ? json_string_value(helper) : "?");
        goto cleanup;
    }
    json_t *entry = find_server(json_object_get(root, "auths"), server);
    const char *store = json_string_value(json_object_get(root, "credsStore"));
    const char *auth = json_string_value(json_object_get(entry, "auth"));
    const char *user = json_string_value(json_object_get(entry, "username"));
    const char *pass = json_string_value(json_object_get(entry, "password"));
    if (auth && *auth) {
        struct buf dec = BUF_INIT;
        const char *colon;
        if (docker_base64_decode(auth, strlen(auth), &dec) < 0 || memchr(dec.data, 0, dec.len) ||
            !(colon = strchr(dec.data, ':'))) {
            buf_free(&dec);
            r = err_set("%s: auths.%s.auth is not base64 of \"username:password\"", path, server);
            goto cleanup;
        }
        out->username = xstrndup(dec.data, (size_t)(colon - dec.data));
        out->password = xstrdup(colon + 1);
        buf_free(&dec);
    } else if (user && pass) {
        out->username = xstrdup(user);
        out->password = xstrdup(pass);
    } else if (json_object_get(entry, "identitytoken")) {
        r = err_set("%s: the entry for %s holds an identity token, which kanalytic does not "
                    "support: pass --username and --password-stdin instead",
                    path, server);
        goto cleanup;
    } else if (store && *store) {
        r = helper_error(path, server, store);
        goto cleanup;
    } else {
        goto cleanup; /* no credentials: anonymous */
    }
    out->serveraddress = xstrdup(server);
    r = 1;
cleanup:
    json_decref(root);
    return r;
}

int docker_image_tag(struct docker *d, const char *src, const char *repo, const char *tag)
{
    struct buf path = BUF_INIT;
    buf_addstr(&path, "/images/");
    docker_url_escape(&path, src);
    buf_addstr(&path, "/tag?repo=");
    docker_url_escape(&path, repo);
    buf_addstr(&path, "&tag=");
    docker_url_escape(&path, tag);
    int r = docker_request(d, "POST", path.data, NULL, NULL, DOCKER_TIMEOUT_SHORT, NULL);
    buf_free(&path);
    if (r < 0)
        err_prefix("tagging %s as %s:%s", src, repo, tag);
    return r;
}

/* ---- push / pull progress streams ---------------------------------------------------------- */

struct xfer_stream {
    struct docker_jsonl lines;
    docker_progress_fn *fn;
    void *ctx;
    struct buf error;
    char *digest;
};

static void keep_digest(struct xfer_stream *s, const char *text)
{
    const char *p = text ? strstr(text, "sha256:") : NULL;
    if (!p)
        return;
    size_t n = 7;
    while (p[n] && strchr("0123456789abcdef", p[n]))
        n++;
    if (n != 7 + 64)
        return;
    free(s->digest);
    s->digest = xstrndup(p, n);
}

static int stream_obj(void *ctx, json_t *obj)
{
    struct xfer_stream *s = ctx;
    const char *emsg =
        json_string_value(json_object_get(json_object_get(obj, "errorDetail"), "message"));
    if (!emsg)
        emsg = json_string_value(json_object_get(obj, "error"));
    if (emsg) {
        if (!s->error.len)
            buf_addstr(&s->error, emsg);
        return 0;
    }
    const char *aux_digest =
        json_string_value(json_object_get(json_object_get(obj, "aux"), "Digest"));
    if (aux_digest)
        keep_digest(s, aux_digest);
    const char *status = json_string_value(json_object_get(obj, "status"));
    if (status && (!strncmp(status, "Digest: ", 8) || strstr(status, ": digest: ")))
        keep_digest(s, status);
    if (!status || !s->fn)
        return 0;
    json_t *pd = json_object_get(obj, "progressDetail");
    struct docker_progress p = {
        json_string_value(json_object_get(obj, "id")),
        status,
        json_integer_value(json_object_get(pd, "current")),
        json_integer_value(json_object_get(pd, "total")),
    };
    return s->fn(s->ctx, &p);
}

static int stream_sink(void *ctx, const char *data, size_t n)
{
    struct xfer_stream *s = ctx;
    return docker_jsonl_feed(&s->lines, data, n);
}

/* POSTs path with the auth header and follows its progress stream. */
static int progress_request(struct docker *d, const char *path, const char *auth,
                            docker_progress_fn *fn, void *ctx, char **digest)
{
    struct xfer_stream s;
    memset(&s, 0, sizeof s);
    docker_jsonl_init(&s.lines, stream_obj, &s);
    buf_init(&s.error);
    s.fn = fn;
    s.ctx = ctx;
    docker_set_registry_auth(d, auth);
    int r = docker_request_stream(d, "POST", path, NULL, stream_sink, &s, 0, NULL);
    docker_set_registry_auth(d, NULL);
    if (r == 0)
        r = docker_jsonl_finish(&s.lines);
    if (r == 0 && s.error.len) {
        err_set("%s", s.error.data);
        r = strstr(s.error.data, "unauthorized") || strstr(s.error.data, "denied")
                ? DOCKER_EUNAUTHORIZED
                : DOCKER_EGENERIC;
    }
    if (r == 0 && digest) {
        *digest = s.digest;
        s.digest = NULL;
    }
    docker_jsonl_free(&s.lines);
    buf_free(&s.error);
    free(s.digest);
    return r;
}

int docker_image_push(struct docker *d, const char *repo, const char *tag, const char *auth,
                      docker_progress_fn *fn, void *ctx, char **digest)
{
    struct buf path = BUF_INIT;
    buf_addstr(&path, "/images/");
    docker_url_escape(&path, repo);
    buf_addstr(&path, "/push?tag=");
    docker_url_escape(&path, tag);
    char *dg = NULL;
    int r = progress_request(d, path.data, auth, fn, ctx, &dg);
    buf_free(&path);
    if (r == 0 && !dg)
        r = err_set("the engine reported no digest");
    if (r < 0) {
        free(dg);
        err_prefix("pushing %s:%s", repo, tag);
        return r;
    }
    if (digest)
        *digest = dg;
    else
        free(dg);
    return 0;
}

int docker_image_pull(struct docker *d, const char *repo, const char *tag, const char *auth,
                      docker_progress_fn *fn, void *ctx, char **digest)
{
    struct buf path = BUF_INIT;
    buf_addstr(&path, "/images/create?fromImage=");
    docker_url_escape(&path, repo);
    buf_addstr(&path, "&tag=");
    docker_url_escape(&path, tag);
    int r = progress_request(d, path.data, auth, fn, ctx, digest);
    buf_free(&path);
    if (r < 0)
        err_prefix("pulling %s:%s", repo, tag);
    return r;
}

int docker_distribution_digest(struct docker *d, const char *ref, const char *auth, char **digest)
{
    *digest = NULL;
    struct buf path = BUF_INIT;
    buf_addstr(&path, "/distribution/");
    docker_url_escape(&path, ref);
    buf_addstr(&path, "/json");
    struct buf out = BUF_INIT;
    docker_set_registry_auth(d, auth);
    int r = docker_request(d, "GET", path.data, NULL, &out, DOCKER_TIMEOUT_SHORT, NULL);
    docker_set_registry_auth(d, NULL);
    buf_free(&path);
    if (r < 0) {
        buf_free(&out);
        return r;
    }
    json_t *j = json_loadb(out.data, out.len, 0, NULL);
    buf_free(&out);
    const char *dg = json_string_value(json_object_get(json_object_get(j, "Descriptor"), "digest"));
    if (!dg) {
        json_decref(j);
        return err_set("looking up %s: the engine's answer has no Descriptor.digest", ref);
    }
    *digest = xstrdup(dg);
    json_decref(j);
    return 0;
}
