/* The Docker Engine API client, over libcurl (unix socket or TCP with TLS). Nothing here runs
 * the docker CLI, prints or exits: functions return 0 or a negative DOCKER_E* code with the
 * error slot (util/error.h) set to a message a person understands.
 *
 * A `struct docker` owns one curl handle: use it from one thread at a time. For parallel work
 * give each thread its own with docker_clone (same endpoint, same negotiated API version).
 *
 *     struct docker *d;
 *     if (docker_open(&d) < 0) { fprintf(stderr, "%s\n", err_last()); return 2; }
 *     char *id = NULL;
 *     docker_container_create(d, "kanalytic-test-1", "{\"Image\":\"debian:sid-slim\"}", &id, NULL);
 *     docker_container_start(d, id);
 *     int code; docker_container_wait(d, id, 60000, &code);   // DOCKER_ETIMEOUT -> kill
 *     docker_container_remove(d, id, true);
 *     free(id); docker_close(d);
 */
#ifndef KANALYTIC_DOCKER_H
#define KANALYTIC_DOCKER_H

#include "util/buf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Error codes (all negative); the message is in err_last(). */
#define DOCKER_EGENERIC -1      /* anything else: bad answer, I/O error, engine-side failure */
#define DOCKER_EUNREACHABLE -2  /* could not connect / talk HTTP to the engine at all */
#define DOCKER_ENOTFOUND -3     /* 404: no such image / container / path */
#define DOCKER_ECONFLICT -4     /* 409: name in use, container not running, ... */
#define DOCKER_ETIMEOUT -5      /* a caller-given timeout expired (docker_container_wait) */
#define DOCKER_EBADREQUEST -6   /* 400: the engine rejected the parameters */
#define DOCKER_EUNAUTHORIZED -7 /* 401/403: a registry refused the credentials */

/* The highest API version this client was tested against; negotiation never goes above. */
#define DOCKER_API_MAX "1.47"

struct docker;

/* Picks the endpoint ($DOCKER_HOST "unix://PATH" or "tcp://HOST:PORT" with TLS when
 * $DOCKER_TLS_VERIFY is set, certificates from $DOCKER_CERT_PATH or ~/.docker; else
 * /var/run/docker.sock; else $XDG_RUNTIME_DIR/docker.sock), pings it and negotiates the API
 * version. DOCKER_EUNREACHABLE when nothing answers (the message names what was tried). */
int docker_open(struct docker **out);
/* Same, for an explicit host string ("unix:///path", "tcp://host:port"). */
int docker_open_host(struct docker **out, const char *host);
/* A new client (own curl handle) for the same endpoint and API version, for another thread. */
struct docker *docker_clone(const struct docker *d);
void docker_close(struct docker *d);

/* "unix:///var/run/docker.sock", "tcp://host:2376" */
const char *docker_endpoint(const struct docker *d);
/* Negotiated API version, e.g. "1.41". */
const char *docker_api_version(const struct docker *d);
/* Engine version from /version ("20.10.24+dfsg1") and its minimum API version; may be "". */
const char *docker_engine_version(const struct docker *d);
const char *docker_engine_min_api(const struct docker *d);

/* ---- generic requests ------------------------------------------------------------------ */

/* Pulls upload bytes: returns the count written to buf (0 = end), or -1 with err_set. */
typedef ssize_t docker_read_fn(void *ctx, char *buf, size_t n);
/* Receives downloaded bytes; returns 0, or -1 (with err_set) to abort the transfer. */
typedef int docker_write_fn(void *ctx, const char *data, size_t n);

struct docker_body {
    const char *content_type; /* "application/json", "application/x-tar" */
    const void *data;         /* in-memory body, or */
    size_t len;
    docker_read_fn *read; /* a streamed body (sent chunked) */
    void *read_ctx;
};

/* METHOD /vX.Y PATH_AND_QUERY. The response body goes to `out` (may be NULL: discarded),
 * bounded by max_out bytes (0 = 64 MiB). Any non-2xx status becomes a DOCKER_E* error with the
 * engine's message. *status (may be NULL) gets the HTTP status. timeout_ms 0 = none. */
int docker_request(struct docker *d, const char *method, const char *path,
                   const struct docker_body *body, struct buf *out, long timeout_ms, long *status);
/* Same, streaming the 2xx response body to `sink` as it arrives (non-2xx bodies are still
 * collected into the error message). */
int docker_request_stream(struct docker *d, const char *method, const char *path,
                          const struct docker_body *body, docker_write_fn *sink, void *sink_ctx,
                          long timeout_ms, long *status);
/* GET and parse a JSON answer; *out is a new reference. */
int docker_get_json(struct docker *d, const char *path, json_t **out);

/* Percent-encodes s for a query string and appends it. */
void docker_url_escape(struct buf *b, const char *s);

/* ---- engine ------------------------------------------------------------------------------ */

int docker_version(struct docker *d, json_t **out); /* GET /version */
int docker_info(struct docker *d, json_t **out);    /* GET /info */

/* ---- images ------------------------------------------------------------------------------ */

struct docker_image {
    char *id;      /* "sha256:..." */
    int64_t size;  /* bytes */
    char *created; /* RFC 3339 */
    json_t *json;  /* the whole inspect answer (owned); Config.Labels may be absent */
};
/* GET /images/NAME/json; DOCKER_ENOTFOUND when absent. */
int docker_image_inspect(struct docker *d, const char *name, struct docker_image *out);
void docker_image_free(struct docker_image *img);
/* A label of an inspected image, or NULL. */
const char *docker_image_label(const struct docker_image *img, const char *key);

/* GET /images/json?filters=FILTERS_JSON (may be NULL); *out: the JSON array. */
int docker_image_list(struct docker *d, const char *filters_json, json_t **out);
/* DELETE /images/NAME (force: ?force=1); 404 counts as success. */
int docker_image_remove(struct docker *d, const char *name, bool force);

/* ---- containers ---------------------------------------------------------------------------- */

/* POST /containers/create[?name=NAME] with config_json (the Engine's ContainerConfig with
 * HostConfig inside). *id (caller frees) gets the id; warnings (may be NULL) gets the
 * engine's warnings, one per line. DOCKER_ECONFLICT: name taken; DOCKER_ENOTFOUND: no image. */
int docker_container_create(struct docker *d, const char *name, const char *config_json, char **id,
                            struct buf *warnings);
/* POST /containers/ID/start (already started counts as success). */
int docker_container_start(struct docker *d, const char *id);
/* POST /containers/ID/wait?condition=not-running; *exit_code gets the status code.
 * timeout_ms 0 = wait forever; DOCKER_ETIMEOUT when it expires (the container still runs:
 * kill it). */
int docker_container_wait(struct docker *d, const char *id, long timeout_ms, int *exit_code);
/* POST /containers/ID/kill?signal=SIG (NULL = SIGKILL); "not running" counts as success. */
int docker_container_kill(struct docker *d, const char *id, const char *signal);
/* DELETE /containers/ID?v=1[&force=1]; 404 counts as success. */
int docker_container_remove(struct docker *d, const char *id, bool force);

/* Receives one demultiplexed log chunk: stream 1 stdout, 2 stderr. Return -1 to stop. */
typedef int docker_log_fn(void *ctx, int stream, const char *data, size_t n);
/* GET /containers/ID/logs?stdout=1&stderr=1, demultiplexed (TTY containers: all on stdout). */
int docker_container_logs(struct docker *d, const char *id, docker_log_fn *fn, void *ctx);
/* Convenience: collects both streams, each capped at max bytes (0 = 16 MiB; the rest is
 * dropped and *truncated set, when not NULL). */
int docker_container_logs_collect(struct docker *d, const char *id, struct buf *out,
                                  struct buf *err, size_t max, bool *truncated);

/* GET /containers/ID/archive?path=PATH: the tar (rooted at basename(PATH)) goes to sink.
 * DOCKER_ENOTFOUND when PATH does not exist. */
int docker_container_archive_get(struct docker *d, const char *id, const char *path,
                                 docker_write_fn *sink, void *sink_ctx);
/* PUT /containers/ID/archive?path=DIR: extracts a tar into the existing directory DIR. */
int docker_container_archive_put(struct docker *d, const char *id, const char *dir, const void *tar,
                                 size_t len);

struct docker_container_summary {
    char *id;
    char *name; /* without the leading '/' */
    char *image;
    char *state;    /* "running", "exited", "created", ... */
    json_t *labels; /* the container's labels (owned), never NULL */
};
struct docker_container_list {
    struct docker_container_summary *items;
    size_t count;
};
/* GET /containers/json?all=1&filters={"label":[LABEL]}; label is "key" or "key=value". */
int docker_container_list_by_label(struct docker *d, const char *label,
                                   struct docker_container_list *out);
void docker_container_list_free(struct docker_container_list *l);

/* ---- build --------------------------------------------------------------------------------- */

struct docker_build_opts {
    const char *const *tags;    /* NULL-terminated */
    const char *buildargs_json; /* {"K":"V"} or NULL */
    const char *labels_json;    /* {"K":"V"} or NULL */
    const char *dockerfile;     /* NULL = "Dockerfile" */
    /* ["image:tag", ...] or NULL: the only images the classic builder then takes cached
     * layers from (images loaded with /images/load included, which the local cache skips) */
    const char *cachefrom_json;
    bool nocache;
    bool pull;
};
/* One line of build output: stream text ("Step 1/3 : FROM ...\n"), status lines, or NULL
 * when the object carried something else. Return -1 to abort. */
typedef int docker_build_line_fn(void *ctx, const char *text);
/* POST /build?version=1 (the classic builder) with the context tar from `read`. Every output
 * line goes to `line` (may be NULL). *image_id (may be NULL, caller frees) gets aux.ID.
 * Fails on non-2xx, on an errorDetail inside the 200 stream (the message is the engine's,
 * e.g. "The command '/bin/sh -c false' returned a non-zero code: 1"), or with no image id. */
int docker_build(struct docker *d, const struct docker_build_opts *opts, docker_read_fn *read,
                 void *read_ctx, docker_build_line_fn *line, void *line_ctx, char **image_id);

/* ---- registries (registry.c): credentials, tag, push, pull ------------------------------ */

/* Credentials for one registry, as the engine takes them in X-Registry-Auth. */
struct docker_auth {
    char *username, *password;
    char *serveraddress; /* HOST[:PORT] */
};
void docker_auth_free(struct docker_auth *a);
/* The docker CLI's config file: $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json.
 * Caller frees; NULL when neither variable is set. */
char *docker_config_path(void);
/* Reads the credentials for server (HOST[:PORT]) from a docker CLI config file (auths:
 * "auth" = base64 "user:password", or "username" + "password"; keys may carry a scheme and a
 * path, "https://HOST/v1/"). Returns 1 found (out filled), 0 no entry for server or no file
 * (anonymous access), -1 + err_set when the file is unreadable or broken, or when the
 * credentials live in a credential helper (credHelpers / credsStore), which kanalytic does
 * not run: the message says to use --username and --password-stdin instead. */
int docker_auth_from_config(const char *path, const char *server, struct docker_auth *out);
/* The X-Registry-Auth value: base64url (padded with '=', as the engine's decoder requires) of
 * {"username","password","serveraddress"}; a NULL auth gives "e30=" ({}). Caller frees. */
char *docker_auth_encode(const struct docker_auth *a);
/* Standard base64 (padding optional) -> bytes; -1 on a bad character. Appends to out. */
int docker_base64_decode(const char *s, size_t n, struct buf *out);

/* POST /images/SRC/tag?repo=REPO&tag=TAG. DOCKER_ENOTFOUND when SRC does not exist. */
int docker_image_tag(struct docker *d, const char *src, const char *repo, const char *tag);

/* One progress message of a push or pull: id is the layer (may be NULL), status
 * "Pushing", "Pushed", "Layer already exists", "Downloading", "Pull complete", ...;
 * current/total are bytes (0 when unknown). Return -1 to abort. */
struct docker_progress {
    const char *id, *status;
    int64_t current, total;
};
typedef int docker_progress_fn(void *ctx, const struct docker_progress *p);
/* POST /images/REPO/push?tag=TAG with X-Registry-Auth auth (may be NULL). Fails with the
 * registry's message when the stream carries an error ("unauthorized: authentication
 * required"). *digest (may be NULL, caller frees) gets the manifest digest the registry
 * stored. */
int docker_image_push(struct docker *d, const char *repo, const char *tag, const char *auth,
                      docker_progress_fn *fn, void *ctx, char **digest);
/* POST /images/create?fromImage=REPO&tag=TAG with X-Registry-Auth. *digest (may be NULL)
 * gets the "Digest: sha256:..." the engine reports. */
int docker_image_pull(struct docker *d, const char *repo, const char *tag, const char *auth,
                      docker_progress_fn *fn, void *ctx, char **digest);
/* GET /distribution/REPO:TAG/json: the registry's manifest digest for the tag, without
 * pulling. DOCKER_ENOTFOUND: the registry has no such tag (or repository). Other failures
 * (wrong credentials: DOCKER_EUNAUTHORIZED; registry unreachable) carry the engine's text. */
int docker_distribution_digest(struct docker *d, const char *ref, const char *auth, char **digest);

/* ---- stream parsers (stream.c), exposed for tests and for callers with raw bodies ---------- */

/* Splits a byte stream into JSON objects, one per line ("\r\n" or "\n"), parsing each as
 * soon as its line is complete. Lines longer than 16 MiB are an error. */
typedef int docker_json_fn(void *ctx, json_t *obj);
struct docker_jsonl {
    struct buf pending;
    docker_json_fn *fn;
    void *ctx;
};
void docker_jsonl_init(struct docker_jsonl *p, docker_json_fn *fn, void *ctx);
int docker_jsonl_feed(struct docker_jsonl *p, const char *data, size_t n);
/* Parses a last line without terminator. */
int docker_jsonl_finish(struct docker_jsonl *p);
void docker_jsonl_free(struct docker_jsonl *p);

/* The multiplexed log stream: 8-byte headers [type,0,0,0,len BE32] + payload, split anywhere.
 * Type 1 stdout, 2 stderr, 0 stdin (reported as stdout); 3 = a daemon error (fails with its
 * text); anything else is an error. */
struct docker_frames {
    unsigned char hdr[8];
    size_t hdr_len;
    uint32_t left; /* payload bytes still to come in the current frame */
    int stream;
    struct buf daemon_err;
    docker_log_fn *fn;
    void *ctx;
};
void docker_frames_init(struct docker_frames *p, docker_log_fn *fn, void *ctx);
int docker_frames_feed(struct docker_frames *p, const char *data, size_t n);
/* Fails when the stream ended inside a frame or carried a daemon error. */
int docker_frames_finish(struct docker_frames *p);
void docker_frames_free(struct docker_frames *p);

/* Turns an engine error body ({"message": ...} or raw text) into a message; appends to b. */
void docker_error_message(struct buf *b, const char *body, size_t len);

#endif
