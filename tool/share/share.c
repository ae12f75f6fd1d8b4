/* Publish and install: the registry argument, image labels, and the push / pull sequences
 * with their checks (immutable versions, labels, digests). */
#include "share.h"
#include "manifest/manifest.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int share_registry_parse(const char *arg, struct share_registry *out)
{
    memset(out, 0, sizeof *out);
    if (!arg || !*arg)
        return err_set("--registry: empty; give HOST[:PORT][/NAMESPACE]");
    if (strstr(arg, "://"))
        return err_set("--registry %s: give HOST[:PORT][/NAMESPACE] without a scheme", arg);
    size_t n = strlen(arg);
    while (n && arg[n - 1] == '/')
        n--;
    size_t host = strcspn(arg, "/");
    if (host == 0)
        return err_set("--registry %s: no host; give HOST[:PORT][/NAMESPACE]", arg);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)arg[i];
        if (isspace(c) || c == '@' || c < 0x20)
            return err_set("--registry %s: '%c' is not allowed in a registry", arg, c);
        if (i > host && isupper(c))
            return err_set("--registry %s: the namespace must be lower case", arg);
    }
    out->server = xstrndup(arg, host < n ? host : n);
    out->prefix = xstrndup(arg, n);
    return 0;
}

void share_registry_free(struct share_registry *r)
{
    free(r->server);
    free(r->prefix);
    memset(r, 0, sizeof *r);
}

char *share_repo(const struct share_registry *r, const char *name)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, "%s/%s%s", r->prefix, IMAGE_PREFIX, name);
    return buf_detach(&b, NULL);
}

json_t *share_image_manifest(const struct docker_image *img, const char *what)
{
    const char *label = docker_image_label(img, SHARE_LABEL_MANIFEST);
    if (!label) {
        err_set("%s has no %s label: it was not built by kanalytic", what, SHARE_LABEL_MANIFEST);
        return NULL;
    }
    json_error_t je;
    json_t *m = json_loads(label, 0, &je);
    if (!json_is_object(m) || !json_is_string(json_object_get(m, "name")) ||
        !json_is_string(json_object_get(m, "version"))) {
        json_decref(m);
        err_set("%s: its %s label is not a manifest with a name and a version", what,
                SHARE_LABEL_MANIFEST);
        return NULL;
    }
    return m;
}

char *share_apply_line(const json_t *m)
{
    size_t n = json_array_size(json_object_get(m, "inputs"));
    const char *name = json_string_value(json_object_get(m, "name"));
    struct buf b = BUF_INIT;
    buf_addf(&b, "APPLY docker://%s ON ", name ? name : "?");
    for (size_t i = 0; i < (n ? n : 1); i++)
        buf_addf(&b, i ? ", v%zu" : "v%zu", i);
    size_t k = 0, i;
    json_t *p;
    json_array_foreach (json_object_get(m, "parameters"), i, p) {
        char *def = share_default_text(p);
        bool req = json_is_true(json_object_get(p, "required"));
        const char *type = json_string_value(json_object_get(p, "type"));
        const char *pname = json_string_value(json_object_get(p, "name"));
        if (req || def) {
            type = type ? type : "?";
            buf_addf(&b, "%s%s=", k++ ? ", " : " WITH ", pname ? pname : "?");
            if (req)
                buf_addf(&b, "<%s>", type);
            else if (!strcmp(type, "list"))
                buf_addf(&b, "(%s)", def);
            else if (!strcmp(type, "string"))
                buf_addf(&b, "'%s'", def);
            else
                buf_addstr(&b, def);
        }
        free(def);
    }
    return buf_detach(&b, NULL);
}

void share_result_free(struct share_result *r)
{
    free(r->name);
    free(r->version);
    free(r->digest);
    free(r->revision);
    json_decref(r->manifest);
    memset(r, 0, sizeof *r);
}

/* Whether the inspected image already carries repo@digest among its RepoDigests. */
static bool has_repo_digest(const struct docker_image *img, const char *repo, const char *digest)
{
    struct buf want = BUF_INIT;
    buf_addf(&want, "%s@%s", repo, digest);
    bool found = false;
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(img->json, "RepoDigests"), i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), want.data))
            found = true;
    }
    buf_free(&want);
    return found;
}

static void fill_result(struct share_result *out, const char *name, json_t *m,
                        const struct docker_image *img)
{
    out->name = xstrdup(name);
    out->version = xstrdup(json_string_value(json_object_get(m, "version")));
    const char *rev = docker_image_label(img, SHARE_LABEL_REVISION);
    out->revision = rev ? xstrdup(rev) : NULL;
    out->manifest = m;
}

int share_publish(struct docker *d, const char *name, const struct share_opts *o,
                  struct share_result *out)
{
    memset(out, 0, sizeof *out);
    struct buf local = BUF_INIT, ref = BUF_INIT;
    buf_addf(&local, "%s%s:latest", IMAGE_PREFIX, name);
    char *repo = share_repo(o->registry, name);
    char *remote = NULL;
    struct docker_image img;
    int r = docker_image_inspect(d, local.data, &img);
    if (r == DOCKER_ENOTFOUND) {
        err_set("no image %s on the engine: build it first (kanalytic build %s)", local.data, name);
        goto done;
    }
    if (r < 0)
        goto done;
    json_t *m = share_image_manifest(&img, local.data);
    if (!m) {
        r = -1;
        goto free_img;
    }
    const char *mname = json_string_value(json_object_get(m, "name"));
    if (strcmp(mname, name)) {
        json_decref(m);
        r = err_set("%s carries the manifest of \"%s\", not \"%s\"", local.data, mname, name);
        goto free_img;
    }
    fill_result(out, name, m, &img);
    buf_addf(&ref, "%s:%s", repo, out->version);

    /* versions are immutable: what does the registry hold at VERSION? */
    r = docker_distribution_digest(d, ref.data, o->auth, &remote);
    if (r == 0) {
        if (!has_repo_digest(&img, repo, remote)) {
            r = SHARE_FINDING;
            err_set("%s is already published with digest %s, and %s (%.19s) is another image: "
                    "published versions are immutable; raise the version in analytic.yaml "
                    "and build again",
                    ref.data, remote, local.data, img.id);
            goto free_img;
        }
        out->unchanged = true;
        out->digest = remote;
        remote = NULL;
    } else if (r != DOCKER_ENOTFOUND) {
        err_prefix("checking %s in the registry", ref.data);
        goto free_img;
    }

    /* unchanged: VERSION is there already, and :latest may name a newer version by now */
    if (out->unchanged)
        goto free_img;
    if ((r = docker_image_tag(d, local.data, repo, out->version)) < 0)
        goto free_img;
    r = docker_image_push(d, repo, out->version, o->auth, o->progress, o->progress_ctx,
                          &out->digest);
    if (r < 0)
        goto free_img;
    if ((r = docker_image_tag(d, local.data, repo, "latest")) < 0)
        goto free_img;
    r = docker_image_push(d, repo, "latest", o->auth, o->progress, o->progress_ctx, NULL);
free_img:
    docker_image_free(&img);
done:
    free(remote);
    free(repo);
    buf_free(&local);
    buf_free(&ref);
    return r;
}

int share_install(struct docker *d, const char *name, const char *version, const char *want_digest,
                  const struct share_opts *o, struct share_result *out)
{
    memset(out, 0, sizeof *out);
    char *repo = share_repo(o->registry, name);
    const char *tag = version ? version : "latest";
    struct buf ref = BUF_INIT, local = BUF_INIT;
    buf_addf(&ref, "%s:%s", repo, tag);
    char *digest = NULL;
    struct docker_image img;
    memset(&img, 0, sizeof img);
    int r = docker_image_pull(d, repo, tag, o->auth, o->progress, o->progress_ctx, &digest);
    if (r < 0)
        goto done;
    if ((r = docker_image_inspect(d, ref.data, &img)) < 0)
        goto done;
    json_t *m = share_image_manifest(&img, ref.data);
    if (!m) {
        r = SHARE_FINDING;
        goto done;
    }
    fill_result(out, name, m, &img);
    const char *mname = json_string_value(json_object_get(m, "name"));
    const char *label_version = docker_image_label(&img, SHARE_LABEL_VERSION);
    if (strcmp(mname, name)) {
        r = SHARE_FINDING;
        err_set("%s carries the manifest of \"%s\", not \"%s\": not installed", ref.data, mname,
                name);
    } else if (version && strcmp(out->version, version)) {
        r = SHARE_FINDING;
        err_set("%s carries version %s in its manifest, not %s: not installed", ref.data,
                out->version, version);
    } else if (label_version && strcmp(label_version, out->version)) {
        r = SHARE_FINDING;
        err_set("%s: label %s says %s but its manifest says %s: not installed", ref.data,
                SHARE_LABEL_VERSION, label_version, out->version);
    } else if (want_digest && (!digest || strcmp(digest, want_digest)) &&
               !has_repo_digest(&img, repo, want_digest)) {
        r = SHARE_FINDING;
        err_set("%s has digest %s in the registry, but the index says %s: not installed", ref.data,
                digest ? digest : "(none reported)", want_digest);
    }
    if (r)
        goto done;
    out->digest = digest;
    digest = NULL;
    buf_addf(&local, "%s%s", IMAGE_PREFIX, name);
    if ((r = docker_image_tag(d, img.id, local.data, out->version)) < 0)
        goto done;
    r = docker_image_tag(d, img.id, local.data, "latest");
done:
    docker_image_free(&img);
    free(digest);
    free(repo);
    buf_free(&ref);
    buf_free(&local);
    return r;
}
