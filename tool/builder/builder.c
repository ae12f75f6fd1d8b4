/* Building analytic images (builder.h): preparing a job (validation, context, build
 * arguments, labels), the worker pool that streams contexts to the engine, and the image that
 * `test` and `run` need. */
#include "builder.h"
#include "docker/context.h"
#include "git/local_files.h"
#include "git/revision.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- preparing a job ------------------------------------------------------------------------- */

static void json_set_str(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, json_string(v ? v : ""));
}

static char *utc_now(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char s[32];
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return xstrdup(s);
}

int builder_arg_parse(const char *s, struct builder_arg *out)
{
    const char *eq = strchr(s, '=');
    if (eq == s || !*s)
        return err_set("--build-arg '%s': expected KEY=VALUE", s);
    if (eq) {
        out->key = xstrndup(s, (size_t)(eq - s));
        out->value = xstrdup(eq + 1);
        return 0;
    }
    const char *env = getenv(s);
    if (!env)
        return err_set("--build-arg %s: no value given and no such environment variable", s);
    out->key = xstrdup(s);
    out->value = xstrdup(env);
    return 0;
}

void builder_args_free(struct builder_arg *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(args[i].key);
        free(args[i].value);
    }
    free(args);
}

static bool skip_local(void *ctx, const char *path, bool is_dir)
{
    return local_files_is_local(ctx, path, is_dir);
}

int builder_prepare(const char *root, const char *arg, const struct builder_arg *args, size_t nargs,
                    struct builder_job *j, struct diag_list *diags)
{
    const char *name;
    buf_init(&j->partial);
    if (repo_resolve_analytic(root, arg, &j->dir, &name) < 0) {
        j->name = xstrdup(arg);
        j->invalid = true;
        j->error = xstrdup(err_last());
        return 0;
    }
    j->name = xstrdup(name);

    int v = analytic_validate(root, j->dir, false, diags);
    if (v < 0)
        return err_prefix("%s", j->name);
    if (v > 0) {
        j->invalid = true;
        j->error = xstrdup("the manifest or test cases have errors");
        return 0;
    }
    struct diag_list load_diags = DIAG_LIST_INIT;
    char *mpath = path_join(j->dir, MANIFEST_FILE);
    int lr = manifest_load(mpath, &j->m, &load_diags);
    free(mpath);
    diag_list_free(&load_diags);
    if (lr != 0 || !j->m) {
        j->invalid = true;
        j->error = xstrdup(lr < 0 ? err_last() : "the manifest has errors");
        return lr < 0 ? -1 : 0;
    }

    /* the context: the folder plus build.include */
    struct context_include *inc = xcalloc(j->m->n_includes + 1, sizeof *inc);
    char **srcs = xcalloc(j->m->n_includes + 1, sizeof *srcs);
    for (size_t i = 0; i < j->m->n_includes; i++) {
        srcs[i] = root ? path_join(root, j->m->includes[i].src) : xstrdup(j->m->includes[i].src);
        inc[i].src = srcs[i];
        inc[i].dest = j->m->includes[i].dest;
    }
    /* nothing a pull request cannot bring: no .git, no file git ignores (git/local_files.h) */
    struct local_files *lf = NULL;
    struct context_opts co = {.dir = j->dir,
                              .includes = inc,
                              .n_includes = j->m->n_includes,
                              .include_skip = skip_local};
    int cr = -1;
    if (!root || !j->m->n_includes || local_files_open(root, &lf) == 0) {
        co.include_skip_ctx = lf;
        cr = context_scan(&co, &j->ctx);
    }
    local_files_close(lf);
    for (size_t i = 0; i < j->m->n_includes; i++)
        free(srcs[i]);
    free(srcs);
    free(inc);
    if (cr < 0) {
        j->invalid = true;
        j->error = xstrdup(err_last());
        return 0;
    }

    /* build arguments: the manifest's, then the command line's */
    json_t *ba = json_object();
    for (size_t i = 0; i < j->m->n_build_args; i++)
        json_set_str(ba, j->m->build_args[i].key, j->m->build_args[i].value);
    for (size_t i = 0; i < nargs; i++)
        json_set_str(ba, args[i].key, args[i].value);
    j->buildargs_json = json_dumps(ba, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(ba);

    /* labels */
    char *rev = NULL;
    if (revision_describe(j->dir, &rev) < 0)
        rev = xstrdup("unknown");
    char *source = NULL;
    if (j->m->homepage)
        source = xstrdup(j->m->homepage);
    else if (revision_remote_url(j->dir, &source) < 0)
        source = NULL;
    struct buf authors = BUF_INIT;
    for (size_t i = 0; i < j->m->authors.count; i++)
        buf_addf(&authors, "%s%s", i ? ", " : "", j->m->authors.items[i]);
    char *created = utc_now();
    struct buf digest_extra = BUF_INIT;
    buf_addf(&digest_extra, "buildargs=%s", j->buildargs_json);
    json_t *lb = json_object();
    json_set_str(lb, "org.opencontainers.image.title", j->m->name);
    json_set_str(lb, "org.opencontainers.image.description", j->m->description);
    json_set_str(lb, "org.opencontainers.image.version", j->m->version);
    json_set_str(lb, "org.opencontainers.image.revision", rev);
    if (source)
        json_set_str(lb, "org.opencontainers.image.source", source);
    json_set_str(lb, "org.opencontainers.image.licenses", j->m->license);
    json_set_str(lb, "org.opencontainers.image.authors", authors.data);
    json_set_str(lb, "org.opencontainers.image.created", created);
    json_set_str(lb, "io.kanalytic.manifest", manifest_json(j->m));
    json_set_str(lb, "io.kanalytic.context-digest", context_digest(j->ctx, digest_extra.data));
    j->labels_json = json_dumps(lb, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(lb);
    free(rev);
    free(source);
    free(created);
    buf_free(&authors);
    buf_free(&digest_extra);

    j->tags[0] = manifest_image_ref(j->m, "latest");
    j->tags[1] = manifest_image_ref(j->m, j->m->version);
    return 0;
}

void builder_job_free(struct builder_job *j)
{
    free(j->name);
    free(j->dir);
    if (j->m)
        manifest_free(j->m);
    context_free(j->ctx);
    free(j->labels_json);
    free(j->buildargs_json);
    free(j->tags[0]);
    free(j->tags[1]);
    free(j->error);
    free(j->image_id);
    for (size_t i = 0; i < BUILDER_TAIL_LINES; i++)
        free(j->tail[i]);
    buf_free(&j->partial);
    memset(j, 0, sizeof *j);
}

int builder_prepare_all(const char *root, char **names, size_t n, const struct builder_arg *args,
                        size_t nargs, bool cache_from_own, struct builder_job **out, size_t *njobs,
                        builder_prepared_fn prepared, void *ctx)
{
    struct fs_names all = {0};
    *out = NULL;
    *njobs = 0;
    if (!n && repo_list_analytics(root, &all) < 0)
        return -1;
    size_t count = n ? n : all.count;
    struct builder_job *jobs = xcalloc(count + 1, sizeof *jobs);
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        struct diag_list diags = DIAG_LIST_INIT;
        jobs[i].cache_from_own = cache_from_own;
        rc = builder_prepare(root, n ? names[i] : all.names[i], args, nargs, &jobs[i], &diags);
        if (prepared)
            prepared(ctx, &jobs[i], rc, &diags);
        diag_list_free(&diags);
    }
    fs_names_free(&all);
    *out = jobs;
    *njobs = count;
    return rc;
}

/* ---- the worker pool ------------------------------------------------------------------------- */

struct pool {
    struct builder_job *jobs;
    size_t n;
    size_t next;
    pthread_mutex_t lock;
    struct docker *proto;
    bool nocache;
    const struct builder_events *ev;
};

static void job_line(struct pool *pool, struct builder_job *j, const char *raw)
{
    /* the output of the Dockerfile's RUN steps: no terminal sequences from it */
    struct buf clean = BUF_INIT;
    quote_strip_terminal(&clean, raw, strlen(raw));
    const char *line = clean.data ? clean.data : "";
    if (*line) {
        free(j->tail[j->tail_next]);
        j->tail[j->tail_next] = xstrdup(line);
        j->tail_next = (j->tail_next + 1) % BUILDER_TAIL_LINES;
    }
    bool is_step = !strncmp(line, "Step ", 5) && strchr(line, '/');
    if (is_step)
        snprintf(j->step, sizeof j->step, "%s", line);
    if (pool->ev && pool->ev->line) {
        pthread_mutex_lock(&pool->lock);
        pool->ev->line(pool->ev->ctx, j, line, is_step);
        pthread_mutex_unlock(&pool->lock);
    }
    buf_free(&clean);
}

struct text_ctx {
    struct pool *pool;
    struct builder_job *j;
};

/* Build output arrives in pieces that may hold several lines or half of one. */
static int on_build_text(void *ctx, const char *text)
{
    struct text_ctx *t = ctx;
    struct builder_job *j = t->j;
    for (const char *p = text; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            if (j->partial.len)
                job_line(t->pool, j, j->partial.data);
            buf_reset(&j->partial);
        } else if (j->partial.len < 4096) {
            buf_addch(&j->partial, *p);
        }
    }
    return 0;
}

static void build_one(struct pool *pool, struct docker *d, struct builder_job *j)
{
    double t0 = clock_seconds();
    const char *tags[3] = {j->tags[0], j->tags[1], NULL};
    char *cachefrom = NULL;
    if (j->cache_from_own) {
        json_t *arr = json_pack("[ss]", tags[0], tags[1]);
        cachefrom = json_dumps(arr, JSON_COMPACT);
        json_decref(arr);
    }
    struct docker_build_opts o = {
        .tags = tags,
        .buildargs_json = j->buildargs_json,
        .labels_json = j->labels_json,
        .cachefrom_json = cachefrom,
        .nocache = pool->nocache,
    };
    struct text_ctx tc = {pool, j};
    char *id = NULL;
    context_rewind(j->ctx);
    int r = docker_build(d, &o, context_read, j->ctx, on_build_text, &tc, &id);
    free(cachefrom);
    if (j->partial.len) {
        job_line(pool, j, j->partial.data);
        buf_reset(&j->partial);
    }
    j->seconds = clock_seconds() - t0;
    if (r < 0) {
        j->failed = true;
        j->error = xstrdup(err_last());
        j->unreachable = r == DOCKER_EUNREACHABLE;
    } else {
        j->image_id = id;
        struct docker_image img;
        if (docker_image_inspect(d, id, &img) == 0) {
            j->size = img.size;
            docker_image_free(&img);
        }
    }
    if (pool->ev && pool->ev->done) {
        pthread_mutex_lock(&pool->lock);
        pool->ev->done(pool->ev->ctx, j);
        pthread_mutex_unlock(&pool->lock);
    }
}

static void *worker(void *arg)
{
    struct pool *pool = arg;
    struct docker *d = docker_clone(pool->proto);
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        size_t i = pool->next;
        while (i < pool->n && pool->jobs[i].invalid)
            i++;
        pool->next = i + 1;
        pthread_mutex_unlock(&pool->lock);
        if (i >= pool->n)
            break;
        if (!d) {
            pool->jobs[i].failed = true;
            pool->jobs[i].error = xstrdup("cannot start a libcurl handle");
            continue;
        }
        build_one(pool, d, &pool->jobs[i]);
    }
    docker_close(d);
    return NULL;
}

void builder_run(struct docker *d, struct builder_job *jobs, size_t n, unsigned parallel,
                 bool nocache, const struct builder_events *events)
{
    struct pool pool = {jobs, n, 0, PTHREAD_MUTEX_INITIALIZER, d, nocache, events};
    size_t buildable = 0;
    for (size_t i = 0; i < n; i++)
        buildable += !jobs[i].invalid;
    size_t nthreads = parallel < buildable ? parallel : buildable;
    if (!nthreads)
        return;
    pthread_t *th = xcalloc(nthreads, sizeof *th);
    size_t started = 0;
    for (size_t i = 0; i < nthreads; i++)
        if (pthread_create(&th[i], NULL, worker, &pool) == 0)
            started++;
    if (!started)
        worker(&pool);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&pool.lock);
}

/* ---- the image test and run need ---------------------------------------------------------------
 */

int builder_image_ready(struct docker *d, const char *root, const struct manifest *m, bool no_build,
                        void (*say)(void *ctx, const char *text), void *say_ctx,
                        const struct builder_events *events, char **problem)
{
    *problem = NULL;
    char *ref = manifest_image_ref(m, "latest");
    struct buf why = BUF_INIT;
    struct docker_image img;
    int rc = docker_image_inspect(d, ref, &img);
    if (rc == 0) {
        docker_image_free(&img);
    } else if (rc != DOCKER_ENOTFOUND) {
        buf_addf(&why, "inspecting %s: %s", ref, err_last());
    } else if (no_build) {
        buf_addf(&why, "image %s not found (build it: kanalytic build %s)", ref, m->name);
    } else {
        if (say) {
            struct buf s = BUF_INIT;
            buf_addf(&s, "image %s not found, building it", ref);
            say(say_ctx, s.data);
            buf_free(&s);
        }
        struct builder_job j = {0};
        struct diag_list diags = DIAG_LIST_INIT;
        rc = builder_prepare(root, m->name, NULL, 0, &j, &diags);
        if (rc < 0) {
            buf_addf(&why, "image %s not found, and building it: %s", ref, err_last());
        } else if (j.invalid) {
            buf_addf(&why, "image %s not found, and %s cannot be built: %s (kanalytic build %s)",
                     ref, m->name, j.error, m->name);
            rc = -1;
        } else {
            builder_run(d, &j, 1, 1, false, events);
            if (j.failed) {
                buf_addf(&why, "image %s not found, and `kanalytic build %s` failed%s%s: %s", ref,
                         m->name, *j.step ? " at " : "", j.step, j.error);
                rc = -1;
            }
        }
        diag_list_free(&diags);
        builder_job_free(&j);
    }
    free(ref);
    if (rc == 0) {
        buf_free(&why);
        return 0;
    }
    *problem = buf_detach(&why, NULL);
    return -1;
}
