/* Sharing analytics through a container registry: the registry argument, the manifest an
 * image carries in its io.kanalytic.manifest label, the published-analytics index
 * (docs/sharing.md), publish and install. Nothing here prints or exits: functions return 0,
 * SHARE_FINDING (a refusal the user must act on: a version already published with another
 * digest, a digest or label that does not match) or a negative value, with err_last() set. */
#ifndef KANALYTIC_SHARE_H
#define KANALYTIC_SHARE_H

#include "docker/docker.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define SHARE_FINDING 1
#define SHARE_LABEL_MANIFEST "io.kanalytic.manifest"
#define SHARE_LABEL_REVISION "org.opencontainers.image.revision"
#define SHARE_LABEL_VERSION "org.opencontainers.image.version"
#define SHARE_INDEX_FORMAT "kanalytic-index"
#define SHARE_INDEX_VERSION 1

/* "HOST[:PORT][/NAMESPACE]" split: server "HOST[:PORT]", prefix the whole (no trailing '/'). */
struct share_registry {
    char *server;
    char *prefix;
};
/* -1 + err_set for an empty host, a scheme ("https://"), spaces or upper case in the path. */
int share_registry_parse(const char *arg, struct share_registry *out);
void share_registry_free(struct share_registry *r);
/* "PREFIX/kestrel-analytics-NAME"; caller frees. */
char *share_repo(const struct share_registry *r, const char *name);

/* The manifest of an inspected image (its label as JSON, new reference), or NULL with err_set
 * when the image has no such label or it is not a JSON object with a name and a version. */
json_t *share_image_manifest(const struct docker_image *img, const char *what);
/* A parameter's default as text (strings as they are, numbers and booleans as JSON, lists
 * joined with ","); NULL when there is none. Caller frees. */
char *share_default_text(const json_t *param);

/* "APPLY docker://NAME ON v0[, v1...] [WITH ...]" for a manifest: required parameters as
 * <type>, the others with their defaults, written as Kestrel reads them. Caller frees. */
char *share_apply_line(const json_t *manifest);

/* ---- the index (index.c) ---- */

/* A new empty index for registry (the prefix). */
json_t *share_index_new(const char *registry);
/* Reads an index from a file, or from an http(s):// or file:// URL. Checks format,
 * format_version and that every entry has string name, version and digest. -1 + err_set
 * naming the file otherwise. */
int share_index_load(const char *path_or_url, json_t **out);
/* The entry for a manifest (label JSON) as published: image, digest, revision, published
 * (RFC 3339 UTC; NULL = now). New reference. */
json_t *share_index_entry(const json_t *manifest, const char *image, const char *digest,
                          const char *revision, const char *published);
/* Adds entry (stealing the reference), replacing one with the same name and version, and
 * keeps the list sorted by name, then by published. */
void share_index_add(json_t *index, json_t *entry);
/* The entry for name and version, or the newest published of name when version is NULL;
 * borrowed, or NULL. */
json_t *share_index_find(const json_t *index, const char *name, const char *version);
/* Writes the index atomically (pretty, keys sorted, newline at the end). */
int share_index_write(const char *path, const json_t *index);

/* ---- the analytics images on an engine (installed.c) ---- */

/* The analytics images of an engine's image list (GET /images/json, as docker_image_list
 * returns it): one object per image tagged kestrel-analytics-NAME:TAG, {name, version (from
 * the manifest label), revision, id, size, source (its first repo digest)}, null where the
 * image does not say; sorted by name. New reference. */
json_t *share_installed(const json_t *images);

/* ---- publish and install (share.c) ---- */

struct share_opts {
    const struct share_registry *registry;
    const char *auth; /* X-Registry-Auth value (docker_auth_encode) */
    docker_progress_fn *progress;
    void *progress_ctx;
};

struct share_result {
    char *name, *version, *digest, *revision;
    bool unchanged; /* publish: the registry already had exactly this image at VERSION */
    json_t *manifest;
};
void share_result_free(struct share_result *r);
/* Records what share_publish returned in an index (index.c): its entry (image
 * REGISTRY/kestrel-analytics-NAME) replaces the one of the same name and version; when the
 * registry already held this very image (r->unchanged), the entry keeps the date it was first
 * published. */
void share_index_record(json_t *index, const struct share_registry *reg,
                        const struct share_result *r);

/* Pushes the local kestrel-analytics-NAME:latest as PREFIX/kestrel-analytics-NAME:VERSION
 * (VERSION from its label) and :latest. When the registry already has VERSION: the same image
 * (one of the local image's repository digests) is "unchanged" and nothing is pushed (:latest
 * may name a newer version by now);
 * another digest is SHARE_FINDING (versions are immutable). DOCKER_ENOTFOUND: no local
 * image; DOCKER_EUNAUTHORIZED: credentials refused. */
int share_publish(struct docker *d, const char *name, const struct share_opts *o,
                  struct share_result *out);
/* Pulls PREFIX/kestrel-analytics-NAME:VERSION (version NULL: :latest), checks the labels (a
 * kanalytic manifest naming NAME, the version asked for) and want_digest (may be NULL; from
 * the index), then tags it kestrel-analytics-NAME:latest and :VERSION. A mismatch is
 * SHARE_FINDING and leaves the local kestrel-analytics-NAME tags alone. */
int share_install(struct docker *d, const char *name, const char *version, const char *want_digest,
                  const struct share_opts *o, struct share_result *out);

/* The X-Registry-Auth value for server (HOST[:PORT]): with username, the password read from
 * password_in (--password-stdin; NULL when it was not given), trailing line ends dropped; else
 * the docker CLI config's entry ($DOCKER_CONFIG/config.json, else ~/.docker/config.json);
 * else anonymous. NULL with err_set for a username without a password stream or the other way
 * round, an empty password, or a config that cannot be read. Caller frees. */
char *share_auth(const char *server, const char *username, FILE *password_in);

#endif
