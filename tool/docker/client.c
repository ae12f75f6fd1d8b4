/* The transport of the Docker client: endpoint selection, API version negotiation, one HTTP
 * request over libcurl with the engine's pitfalls handled (content types, Content-Length: 0
 * on empty POSTs, no Expect: 100-continue, status always checked, no timeouts on streams),
 * and engine errors turned into plain messages. Endpoint order: $DOCKER_HOST, the docker CLI's
 * current context, /var/run/docker.sock, $XDG_RUNTIME_DIR/docker.sock (rootless), then
 * Podman's /run/podman/podman.sock and $XDG_RUNTIME_DIR/podman/podman.sock. Endpoint calls live in
 * containers.c and images.c; stream parsers in stream.c. */
#include "docker.h"
#include "docker_internal.h"
#include "sha256.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_SOCKET "/var/run/docker.sock"
#define MAX_ERROR_BODY (64 * 1024)
#define DEFAULT_MAX_OUT ((size_t)64 << 20)

struct docker {
    CURL *curl;
    char *endpoint;  /* as shown to people: unix:///var/run/docker.sock */
    char *unix_path; /* NULL for tcp */
    char *base_url;  /* http://localhost or https://host:port[/base] */
    bool tls, tls_verify;
    char *ca, *cert, *key;
    char version[16];
    char engine_version[64];
    char min_api[16];
    const char *registry_auth; /* X-Registry-Auth for the next requests, or NULL */
};

void docker_set_registry_auth(struct docker *d, const char *auth)
{
    d->registry_auth = auth;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
}

const char *docker_endpoint(const struct docker *d)
{
    return d->endpoint;
}
const char *docker_api_version(const struct docker *d)
{
    return d->version;
}
const char *docker_engine_version(const struct docker *d)
{
    return d->engine_version;
}
const char *docker_engine_min_api(const struct docker *d)
{
    return d->min_api;
}

/* "1.41" -> 1041; -1 when malformed. */
int docker_version_num(const char *v)
{
    unsigned major, minor;
    int used = 0;
    if (!v || sscanf(v, "%u.%u%n", &major, &minor, &used) != 2 || v[used] || major > 99 ||
        minor > 999)
        return -1;
    return (int)(major * 1000 + minor);
}

static void set_version(struct docker *d, const char *v)
{
    snprintf(d->version, sizeof d->version, "%s", v);
}

void docker_url_escape(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_addch(b, (char)*p);
        } else {
            buf_addch(b, '%');
            buf_addch(b, hex[*p >> 4]);
            buf_addch(b, hex[*p & 15]);
        }
    }
}

void docker_error_message(struct buf *b, const char *body, size_t len)
{
    json_error_t jerr;
    json_t *j = len ? json_loadb(body, len, 0, &jerr) : NULL;
    const char *msg = j ? json_string_value(json_object_get(j, "message")) : NULL;
    if (msg) {
        buf_addstr(b, msg);
    } else {
        /* raw text: trim trailing white space */
        while (len && (body[len - 1] == '\n' || body[len - 1] == '\r' || body[len - 1] == ' '))
            len--;
        if (len > 2000)
            len = 2000;
        buf_add(b, body, len);
    }
    json_decref(j);
}

/* ---- endpoint selection ------------------------------------------------------------------ */

static struct docker *docker_new(void)
{
    pthread_once(&curl_once, curl_init_once);
    struct docker *d = xcalloc(1, sizeof *d);
    d->curl = curl_easy_init();
    if (!d->curl) {
        free(d);
        return NULL;
    }
    set_version(d, DOCKER_API_MAX);
    return d;
}

void docker_close(struct docker *d)
{
    if (!d)
        return;
    if (d->curl)
        curl_easy_cleanup(d->curl);
    free(d->endpoint);
    free(d->unix_path);
    free(d->base_url);
    free(d->ca);
    free(d->cert);
    free(d->key);
    free(d);
}

static char *cert_file(const char *dir, const char *name)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, "%s/%s", dir, name);
    return buf_detach(&b, NULL);
}

/* Fills the endpoint fields from a DOCKER_HOST-style string. */
static int parse_host(struct docker *d, const char *host)
{
    if (!strncmp(host, "unix://", 7)) {
        const char *path = host + 7;
        if (!*path)
            return err_set("DOCKER_HOST=%s: no socket path", host);
        if (strlen(path) > 107)
            return err_set("DOCKER_HOST=%s: socket path longer than 107 bytes", host);
        d->unix_path = xstrdup(path);
        d->base_url = xstrdup("http://localhost");
        d->endpoint = xstrdup(host);
        return 0;
    }
    if (!strncmp(host, "tcp://", 6)) {
        const char *rest = host + 6;
        if (!*rest)
            return err_set("DOCKER_HOST=%s: no host name", host);
        const char *verify = getenv("DOCKER_TLS_VERIFY");
        const char *tls = getenv("DOCKER_TLS");
        d->tls_verify = verify && *verify;
        d->tls = d->tls_verify || (tls && *tls);
        size_t n = strlen(rest);
        while (n && rest[n - 1] == '/')
            n--;
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s://%.*s", d->tls ? "https" : "http", (int)n, rest);
        d->base_url = buf_detach(&b, NULL);
        d->endpoint = xstrdup(host);
        if (d->tls) {
            const char *dir = getenv("DOCKER_CERT_PATH");
            char *home_dir = NULL;
            if (!dir || !*dir) {
                const char *home = getenv("HOME");
                struct buf h = BUF_INIT;
                buf_addf(&h, "%s/.docker", home ? home : "");
                home_dir = buf_detach(&h, NULL);
                dir = home_dir;
            }
            d->ca = cert_file(dir, "ca.pem");
            d->cert = cert_file(dir, "cert.pem");
            d->key = cert_file(dir, "key.pem");
            free(home_dir);
        }
        return 0;
    }
    if (!strncmp(host, "ssh://", 6))
        return err_set("DOCKER_HOST=%s: ssh:// endpoints need the docker CLI (docker system "
                       "dial-stdio); forward the socket and use unix:// or tcp:// instead",
                       host);
    return err_set("DOCKER_HOST=%s: unsupported; use unix:///path/to/docker.sock or "
                   "tcp://host:port",
                   host);
}

/* The host of the docker CLI's current context ($DOCKER_CONTEXT, else currentContext in
 * $DOCKER_CONFIG/config.json): ~/.docker/contexts/meta/<sha256(name)>/meta.json, field
 * Endpoints.docker.Host. *host is NULL when no context other than "default" is selected. */
static int context_host(char **host)
{
    *host = NULL;
    const char *home = getenv("HOME");
    const char *cfgdir = getenv("DOCKER_CONFIG");
    struct buf dir = BUF_INIT;
    if (cfgdir && *cfgdir)
        buf_addstr(&dir, cfgdir);
    else
        buf_addf(&dir, "%s/.docker", home ? home : "");
    const char *name = getenv("DOCKER_CONTEXT");
    json_t *cfg = NULL;
    if (!name || !*name) {
        struct buf p = BUF_INIT;
        buf_addf(&p, "%s/config.json", dir.data);
        json_error_t jerr;
        cfg = json_load_file(p.data, 0, &jerr);
        buf_free(&p);
        name = json_string_value(json_object_get(cfg, "currentContext"));
    }
    int r = 0;
    if (name && *name && strcmp(name, "default")) {
        struct sha256 s;
        char hex[65];
        sha256_init(&s);
        sha256_update(&s, name, strlen(name));
        sha256_hex(&s, hex);
        struct buf p = BUF_INIT;
        buf_addf(&p, "%s/contexts/meta/%s/meta.json", dir.data, hex);
        json_error_t jerr;
        json_t *meta = json_load_file(p.data, 0, &jerr);
        const char *h = json_string_value(
            json_object_get(json_object_get(json_object_get(meta, "Endpoints"), "docker"), "Host"));
        if (h && *h)
            *host = xstrdup(h);
        else
            r = err_set("docker context '%s': no Endpoints.docker.Host in %s", name, p.data);
        json_decref(meta);
        buf_free(&p);
    }
    json_decref(cfg);
    buf_free(&dir);
    return r;
}

/* DOCKER_HOST, the CLI context, the system socket, the rootless one, Podman's. */
static int choose_endpoint(struct docker *d)
{
    const char *host = getenv("DOCKER_HOST");
    if (host && *host)
        return parse_host(d, host);
    char *ctx_host = NULL;
    if (context_host(&ctx_host) < 0)
        return -1;
    if (ctx_host) {
        int r = parse_host(d, ctx_host);
        free(ctx_host);
        return r;
    }
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    struct buf tried = BUF_INIT;
    char *cands[4] = {xstrdup(DEFAULT_SOCKET), NULL, xstrdup("/run/podman/podman.sock"), NULL};
    if (xdg && *xdg) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s/docker.sock", xdg);
        cands[1] = buf_detach(&b, NULL);
        buf_addf(&b, "%s/podman/podman.sock", xdg);
        cands[3] = buf_detach(&b, NULL);
    }
    int r = DOCKER_EUNREACHABLE;
    for (size_t i = 0; i < 4; i++) {
        if (!cands[i])
            continue;
        struct stat st;
        /* a socket we may not open still counts: the error then says why */
        if (stat(cands[i], &st) == 0 || (i == 0 && errno != ENOENT)) {
            struct buf h = BUF_INIT;
            buf_addf(&h, "unix://%s", cands[i]);
            r = parse_host(d, h.data);
            buf_free(&h);
            break;
        }
        buf_addf(&tried, "%s%s", tried.len ? ", " : "", cands[i]);
    }
    if (r == DOCKER_EUNREACHABLE)
        err_set("cannot reach the Docker engine: no socket at %s (is dockerd running? or set "
                "DOCKER_HOST)",
                tried.data);
    for (size_t i = 0; i < 4; i++)
        free(cands[i]);
    buf_free(&tried);
    return r;
}

/* ---- one request ------------------------------------------------------------------------- */

struct xfer {
    struct docker *d;
    /* download */
    docker_write_fn *sink;
    void *sink_ctx;
    struct buf errbody;
    bool sink_failed;
    /* upload */
    const struct docker_body *body;
    bool read_failed;
    /* headers of interest */
    char api_version[16];
    char content_type[128];
};

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct xfer *x = userdata;
    size_t n = size * nmemb;
    long code = 0;
    curl_easy_getinfo(x->d->curl, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code > 299) {
        buf_add_truncated(&x->errbody, ptr, n, MAX_ERROR_BODY);
        return n;
    }
    if (x->sink && x->sink(x->sink_ctx, ptr, n) < 0) {
        x->sink_failed = true;
        return 0; /* aborts the transfer */
    }
    return n;
}

static size_t on_read(char *buffer, size_t size, size_t nitems, void *userdata)
{
    struct xfer *x = userdata;
    ssize_t got = x->body->read(x->body->read_ctx, buffer, size * nitems);
    if (got < 0) {
        x->read_failed = true;
        return CURL_READFUNC_ABORT;
    }
    return (size_t)got;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t len = (size_t)(end - v);
    if (len >= cap)
        len = cap - 1;
    memcpy(out, v, len);
    out[len] = '\0';
}

static size_t on_header(char *buffer, size_t size, size_t nitems, void *userdata)
{
    struct xfer *x = userdata;
    size_t n = size * nitems;
    header_value(buffer, n, "Api-Version", x->api_version, sizeof x->api_version);
    header_value(buffer, n, "Content-Type", x->content_type, sizeof x->content_type);
    return n;
}

static int unreachable(struct docker *d, CURLcode rc, const char *errbuf)
{
    long oserr = 0;
    curl_easy_getinfo(d->curl, CURLINFO_OS_ERRNO, &oserr);
    const char *why;
    char tmp[300];
    if (oserr == EACCES || oserr == EPERM)
        why = d->unix_path ? "permission denied (is your user in the docker group?)"
                           : "permission denied";
    else if (oserr == ENOENT)
        why = "no such socket (is dockerd running?)";
    else if (oserr == ECONNREFUSED)
        why = "connection refused (is dockerd running?)";
    else if (oserr) {
        snprintf(tmp, sizeof tmp, "%s", strerror((int)oserr));
        why = tmp;
    } else {
        snprintf(tmp, sizeof tmp, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
        why = tmp;
    }
    err_set("cannot reach the Docker engine at %s: %s", d->endpoint, why);
    return DOCKER_EUNREACHABLE;
}

/* Parses "... is too old. Minimum supported API version is 1.24, ..." (and too new); copies
 * the version into out. */
static bool version_hint(const char *msg, char *out, size_t cap)
{
    if (!strstr(msg, "is too old") && !strstr(msg, "is too new"))
        return false;
    const char *p = strstr(msg, "API version is ");
    if (!p)
        return false;
    p += strlen("API version is ");
    size_t n = 0;
    while ((p[n] >= '0' && p[n] <= '9') || p[n] == '.')
        n++;
    while (n && p[n - 1] == '.')
        n--;
    if (!n || n >= cap)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return docker_version_num(out) > 0;
}

static int status_error(struct docker *d, const char *method, const char *path, long status,
                        const struct buf *body)
{
    struct buf m = BUF_INIT;
    docker_error_message(&m, body->data, body->len);
    if (!m.len)
        buf_addf(&m, "HTTP %ld", status);
    /* strip the query from the path for the message */
    const char *q = strchr(path, '?');
    int plen = q ? (int)(q - path) : (int)strlen(path);
    int code;
    switch (status) {
    case 404: code = DOCKER_ENOTFOUND; break;
    case 409: code = DOCKER_ECONFLICT; break;
    case 400: code = DOCKER_EBADREQUEST; break;
    case 401:
    case 403: code = DOCKER_EUNAUTHORIZED; break;
    default: code = DOCKER_EGENERIC;
    }
    if (status == 404 || status == 409)
        err_set("%s", m.data); /* "No such image: x" is already a sentence */
    else
        err_set("Docker engine (%s %.*s): %s (HTTP %ld)", method, plen, path, m.data, status);
    buf_free(&m);
    return code;
}

/* Performs one request. versioned=false for /_ping. */
static int perform(struct docker *d, const char *method, const char *path, bool versioned,
                   const struct docker_body *body, docker_write_fn *sink, void *sink_ctx,
                   long timeout_ms, long *status_out, struct xfer *x)
{
    CURL *c = d->curl;
    curl_easy_reset(c);
    struct buf url = BUF_INIT;
    if (versioned)
        buf_addf(&url, "%s/v%s%s", d->base_url, d->version, path);
    else
        buf_addf(&url, "%s%s", d->base_url, path);
    char errbuf[CURL_ERROR_SIZE] = "";
    memset(x, 0, sizeof *x);
    x->d = d;
    x->sink = sink;
    x->sink_ctx = sink_ctx;
    x->body = body;
    buf_init(&x->errbody);

    curl_easy_setopt(c, CURLOPT_URL, url.data);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L); /* long silent builds over tcp:// */
    if (timeout_ms > 0)
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (d->unix_path)
        curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, d->unix_path);
    if (d->tls) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, d->tls_verify ? 1L : 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, d->tls_verify ? 2L : 0L);
        curl_easy_setopt(c, CURLOPT_CAINFO, d->ca);
        curl_easy_setopt(c, CURLOPT_SSLCERT, d->cert);
        curl_easy_setopt(c, CURLOPT_SSLKEY, d->key);
    }
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kanalytic");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    /* archive GETs may come gzip-encoded: let curl decode whatever it supports */
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");

    struct curl_slist *hdrs = NULL;
    hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue stalls */
    bool has_body = body && (body->data || body->read);
    if (!strcmp(method, "GET")) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (!strcmp(method, "HEAD")) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (!strcmp(method, "DELETE")) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
    } else {
        /* POST and PUT share the POST machinery; PUT only renames the method */
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        if (strcmp(method, "POST"))
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (!has_body) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
        } else if (body->data) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
        } else {
            curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(c, CURLOPT_READDATA, x);
            hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
        }
        struct buf ct = BUF_INIT;
        /* never let curl default to application/x-www-form-urlencoded */
        buf_addf(&ct, "Content-Type: %s",
                 has_body && body->content_type ? body->content_type : "text/plain");
        hdrs = curl_slist_append(hdrs, ct.data);
        buf_free(&ct);
    }
    if (d->registry_auth) {
        struct buf ah = BUF_INIT;
        buf_addf(&ah, "X-Registry-Auth: %s", d->registry_auth);
        hdrs = curl_slist_append(hdrs, ah.data);
        buf_free(&ah);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(hdrs);
    buf_free(&url);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status_out)
        *status_out = status;
    if (x->sink_failed || x->read_failed)
        return DOCKER_EGENERIC; /* the callback set the message */
    long sent = 0;
    curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &sent);
    if (rc == CURLE_OPERATION_TIMEDOUT && timeout_ms > 0 && sent > 0) {
        err_set("%s %s: no answer from the Docker engine within %ld ms", method, path, timeout_ms);
        return DOCKER_ETIMEOUT;
    }
    if (rc != CURLE_OK) {
        if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
            rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_SSL_CONNECT_ERROR ||
            (status == 0 && rc != CURLE_ABORTED_BY_CALLBACK))
            return unreachable(d, rc, errbuf);
        err_set("talking to the Docker engine at %s (%s %s): %s", d->endpoint, method, path,
                *errbuf ? errbuf : curl_easy_strerror(rc));
        return DOCKER_EGENERIC;
    }
    if (status < 200 || status > 299)
        return status_error(d, method, path, status, &x->errbody);
    return 0;
}

/* One request with the single version retry (bodies that can be sent again only). */
int docker_request_stream(struct docker *d, const char *method, const char *path,
                          const struct docker_body *body, docker_write_fn *sink, void *sink_ctx,
                          long timeout_ms, long *status)
{
    struct xfer x;
    int r = perform(d, method, path, true, body, sink, sink_ctx, timeout_ms, status, &x);
    char v[16];
    if (r == DOCKER_EBADREQUEST && !(body && body->read) && x.errbody.len) {
        struct buf m = BUF_INIT;
        docker_error_message(&m, x.errbody.data, x.errbody.len);
        bool retry = version_hint(m.data, v, sizeof v);
        buf_free(&m);
        if (retry) {
            buf_free(&x.errbody);
            set_version(d, v);
            r = perform(d, method, path, true, body, sink, sink_ctx, timeout_ms, status, &x);
        }
    }
    buf_free(&x.errbody);
    return r;
}

int docker_request(struct docker *d, const char *method, const char *path,
                   const struct docker_body *body, struct buf *out, long timeout_ms, long *status)
{
    struct buf_sink m = {out, DEFAULT_MAX_OUT, "answer from the Docker engine", false};
    size_t start = out ? out->len : 0;
    int r = docker_request_stream(d, method, path, body, buf_sink_write, &m, timeout_ms, status);
    if (r < 0 && out)
        buf_setlen(out, start);
    return r;
}

int docker_request_max(struct docker *d, const char *method, const char *path,
                       const struct docker_body *body, struct buf *out, size_t max, long timeout_ms)
{
    struct buf_sink m = {out, max ? max : DEFAULT_MAX_OUT, "answer from the Docker engine", false};
    return docker_request_stream(d, method, path, body, buf_sink_write, &m, timeout_ms, NULL);
}

int docker_get_json(struct docker *d, const char *path, json_t **out)
{
    struct buf b = BUF_INIT;
    int r = docker_request(d, "GET", path, NULL, &b, DOCKER_TIMEOUT_SHORT, NULL);
    if (r < 0) {
        buf_free(&b);
        return r;
    }
    json_error_t jerr;
    *out = json_loadb(b.data, b.len, 0, &jerr);
    buf_free(&b);
    if (!*out)
        return err_set("GET %s: the Docker engine answered with invalid JSON: %s", path, jerr.text);
    return 0;
}

int docker_version(struct docker *d, json_t **out)
{
    return docker_get_json(d, "/version", out);
}

int docker_info(struct docker *d, json_t **out)
{
    return docker_get_json(d, "/info", out);
}

/* ---- opening: ping and negotiate ----------------------------------------------------------- */

static void copy_str(char *out, size_t cap, const char *s)
{
    snprintf(out, cap, "%s", s ? s : "");
}

static int negotiate(struct docker *d)
{
    struct xfer x;
    long status = 0;
    int r = perform(d, "GET", "/_ping", false, NULL, NULL, NULL, 30000, &status, &x);
    char hdr[16];
    copy_str(hdr, sizeof hdr, x.api_version);
    buf_free(&x.errbody);
    if (r == DOCKER_EUNREACHABLE)
        return r;
    if (r < 0) {
        err_prefix("cannot use the Docker engine at %s", d->endpoint);
        return DOCKER_EUNREACHABLE;
    }
    /* v = min(MAX, Api-Version); no header (a proxy) -> try 1.44 and let the retry adjust */
    int max = docker_version_num(DOCKER_API_MAX);
    int got = docker_version_num(hdr);
    if (got > 0 && got < max)
        set_version(d, hdr);
    else if (got > 0)
        set_version(d, DOCKER_API_MAX);
    else
        set_version(d, "1.44");

    json_t *v = NULL;
    r = docker_version(d, &v); /* retries once on too old / too new */
    if (r < 0) {
        if (r != DOCKER_EUNREACHABLE)
            err_prefix("cannot agree on an API version with the Docker engine at %s", d->endpoint);
        return r == DOCKER_EUNREACHABLE ? r : DOCKER_EGENERIC;
    }
    copy_str(d->engine_version, sizeof d->engine_version,
             json_string_value(json_object_get(v, "Version")));
    copy_str(d->min_api, sizeof d->min_api, json_string_value(json_object_get(v, "MinAPIVersion")));
    /* if v < MinAPIVersion <= MAX use MinAPIVersion */
    int min = docker_version_num(d->min_api);
    if (min > 0 && docker_version_num(d->version) < min && min <= max)
        set_version(d, d->min_api);
    json_decref(v);
    return 0;
}

int docker_open_host(struct docker **out, const char *host)
{
    *out = NULL;
    struct docker *d = docker_new();
    if (!d)
        return err_set("cannot initialise libcurl");
    int r = host ? parse_host(d, host) : choose_endpoint(d);
    if (r < 0 || (r = negotiate(d)) < 0) {
        docker_close(d);
        return r;
    }
    *out = d;
    return 0;
}

int docker_open(struct docker **out)
{
    return docker_open_host(out, NULL);
}

struct docker *docker_clone(const struct docker *src)
{
    struct docker *d = docker_new();
    if (!d)
        return NULL;
    d->endpoint = xstrdup(src->endpoint);
    d->unix_path = src->unix_path ? xstrdup(src->unix_path) : NULL;
    d->base_url = xstrdup(src->base_url);
    d->tls = src->tls;
    d->tls_verify = src->tls_verify;
    d->ca = src->ca ? xstrdup(src->ca) : NULL;
    d->cert = src->cert ? xstrdup(src->cert) : NULL;
    d->key = src->key ? xstrdup(src->key) : NULL;
    memcpy(d->version, src->version, sizeof d->version);
    memcpy(d->engine_version, src->engine_version, sizeof d->engine_version);
    memcpy(d->min_api, src->min_api, sizeof d->min_api);
    return d;
}
