/* kanalytic build [NAME ...]: validates each analytic's manifest, streams its build context
 * (with build.include entries) to the engine's classic builder, tags the image
 * kestrel-analytics-NAME:latest and :VERSION and labels it with the OCI annotations, the
 * whole manifest and a context digest. Analytics build in parallel with -j; each worker has
 * its own engine connection. Output: every line with -v; one live line per analytic on a
 * terminal; plain step lines otherwise; a summary table at the end. */
#include "cmd/cmd.h"
#include "docker/context.h"
#include "docker/docker.h"
#include "git/revision.h"
#include "manifest/manifest.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/quote.h"
#include "util/repo.h"
#include "util/term.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define TAIL_LINES 15

static void usage(FILE *out)
{
    fprintf(out,
            "usage: kanalytic build [-j N] [--no-cache] [--build-arg K=V]... [-v] [NAME ...]\n"
            "\n"
            "Builds the image of each named analytic (default: every analytic in analytics/)\n"
            "through the Docker Engine API with the classic builder, after the checks of\n"
            "`kanalytic validate`. Images are tagged kestrel-analytics-NAME:latest and\n"
            "kestrel-analytics-NAME:VERSION and labelled with org.opencontainers.image.*,\n"
            "io.kanalytic.manifest (the manifest as JSON) and io.kanalytic.context-digest.\n"
            "The build context is the analytic's folder minus .dockerignore, plus the\n"
            "manifest's build.include entries. Nothing is pulled.\n"
            "\n"
            "  -j, --jobs N          build N analytics at a time (default 1)\n"
            "      --no-cache        do not use the build cache\n"
            "      --build-arg K=V   set a build argument (overrides the manifest's build.args;\n"
            "                        K alone takes the value from the environment)\n"
            "  -v, --verbose         print every line of build output\n"
            "\n"
            "exit: 0 built, 1 a manifest is invalid or a build failed, 2 usage or the engine\n"
            "cannot be reached\n"
            "\n"
            "examples:\n"
            "  kanalytic build sklearn-cluster\n"
            "  kanalytic build -j 2 --no-cache\n"
            "  kanalytic build --build-arg HTTP_PROXY=http://proxy:3128 -v attribute-plot\n");
}

struct job {
    char *name;
    char *dir;
    struct manifest *m;
    struct context *ctx;
    char *labels_json;
    char *buildargs_json;
    char *tags[3];
    /* results */
    bool invalid; /* manifest or context refused: not built */
    bool failed;
    char *error;
    char *image_id;
    int64_t size;
    double seconds;
    char step[160];        /* the last "Step N/M : ..." line */
    char *tail[TAIL_LINES]; /* the last lines of output */
    size_t tail_next;
    struct buf partial;
    int row; /* progress row on a terminal */
};

struct build_run {
    struct job *jobs;
    size_t n;
    size_t next;
    pthread_mutex_t lock;
    struct docker *proto;
    bool nocache;
    bool verbose;
    bool live; /* one redrawn line per analytic */
    int rows;  /* rows drawn so far */
    int width;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human_size(char *out, size_t cap, double bytes)
{
    const char *units[] = {"B", "kB", "MB", "GB", "TB"};
    size_t u = 0;
    while (bytes >= 1000 && u + 1 < ARRAY_SIZE(units)) {
        bytes /= 1000;
        u++;
    }
    snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

/* ---- output --------------------------------------------------------------------------------- */

/* Redraws row j->row in place (caller holds the lock). */
static void draw_row(struct build_run *run, struct job *j, const char *text)
{
    int up = run->rows - j->row;
    fprintf(stderr, "\033[%dA\r\033[2K", up);
    int room = run->width - 2 - (int)strlen(qpath(j->name)) - 2;
    if (room < 10)
        room = 10;
    fprintf(stderr, "%s%s%s  %.*s\033[%dB\r", term_color(stderr, TC_BOLD), qpath(j->name),
            term_color(stderr, TC_RESET), room, text, up);
    fflush(stderr);
}

static void job_line(struct build_run *run, struct job *j, const char *raw)
{
    /* the output of the Dockerfile's RUN steps: no terminal sequences from it */
    struct buf clean = BUF_INIT;
    quote_strip_terminal(&clean, raw, strlen(raw));
    const char *line = clean.data;
    /* remember it */
    if (*line) {
        free(j->tail[j->tail_next]);
        j->tail[j->tail_next] = xstrdup(line);
        j->tail_next = (j->tail_next + 1) % TAIL_LINES;
    }
    bool is_step = !strncmp(line, "Step ", 5) && strchr(line, '/');
    if (is_step)
        snprintf(j->step, sizeof j->step, "%s", line);
    pthread_mutex_lock(&run->lock);
    if (run->verbose)
        fprintf(stderr, "[%s] %s\n", qpath(j->name), line);
    else if (run->live && is_step)
        draw_row(run, j, line);
    else if (!run->live && is_step && term_verbosity >= 0)
        fprintf(stderr, "%s: %.*s%s\n", qpath(j->name), 120, line, strlen(line) > 120 ? "..." : "");
    pthread_mutex_unlock(&run->lock);
    buf_free(&clean);
}

/* Build output arrives in pieces that may hold several lines or half of one. */
static int on_build_text(void *ctx, const char *text)
{
    struct job *j = ((struct job **)ctx)[0];
    struct build_run *run = ((struct build_run **)ctx)[1];
    for (const char *p = text; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            if (j->partial.len)
                job_line(run, j, j->partial.data);
            buf_reset(&j->partial);
        } else if (j->partial.len < 4096) {
            buf_addch(&j->partial, *p);
        }
    }
    return 0;
}

/* ---- one build ------------------------------------------------------------------------------- */

static void build_one(struct build_run *run, struct docker *d, struct job *j)
{
    double t0 = now_seconds();
    const char *tags[3] = {j->tags[0], j->tags[1], NULL};
    struct docker_build_opts o = {
        .tags = tags,
        .buildargs_json = j->buildargs_json,
        .labels_json = j->labels_json,
        .nocache = run->nocache,
    };
    void *cb[2] = {j, run};
    char *id = NULL;
    context_rewind(j->ctx);
    int r = docker_build(d, &o, context_read, j->ctx, on_build_text, cb, &id);
    if (j->partial.len) {
        job_line(run, j, j->partial.data);
        buf_reset(&j->partial);
    }
    j->seconds = now_seconds() - t0;
    if (r < 0) {
        j->failed = true;
        j->error = xstrdup(err_last());
        if (r == DOCKER_EUNREACHABLE)
            j->invalid = true; /* reported as trouble */
    } else {
        j->image_id = id;
        struct docker_image img;
        if (docker_image_inspect(d, id, &img) == 0) {
            j->size = img.size;
            docker_image_free(&img);
        }
    }
    pthread_mutex_lock(&run->lock);
    if (run->live) {
        struct buf b = BUF_INIT;
        if (j->failed)
            buf_addf(&b, "%sfailed%s at %s", term_color(stderr, TC_RED),
                     term_color(stderr, TC_RESET), *j->step ? j->step : "the start");
        else
            buf_addf(&b, "%sbuilt%s %.19s in %.1fs", term_color(stderr, TC_GREEN),
                     term_color(stderr, TC_RESET), j->image_id, j->seconds);
        draw_row(run, j, b.data);
        buf_free(&b);
    } else if (term_verbosity >= 0) {
        if (j->failed)
            fprintf(stderr, "%s: failed\n", qpath(j->name));
        else
            fprintf(stderr, "%s: built %.19s in %.1fs\n", qpath(j->name), j->image_id, j->seconds);
    }
    pthread_mutex_unlock(&run->lock);
}

static void *worker(void *arg)
{
    struct build_run *run = arg;
    struct docker *d = docker_clone(run->proto);
    for (;;) {
        pthread_mutex_lock(&run->lock);
        size_t i = run->next;
        while (i < run->n && run->jobs[i].invalid)
            i++;
        run->next = i + 1;
        pthread_mutex_unlock(&run->lock);
        if (i >= run->n)
            break;
        if (!d) {
            run->jobs[i].failed = true;
            run->jobs[i].error = xstrdup("cannot start a libcurl handle");
            continue;
        }
        build_one(run, d, &run->jobs[i]);
    }
    docker_close(d);
    return NULL;
}

/* ---- preparing a job --------------------------------------------------------------------------- */

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

struct cli_arg {
    char *key;
    char *value;
};

/* Loads, validates and scans one analytic; on findings prints them and marks it invalid.
 * Returns -1 on an I/O problem that should end the run (exit 2). */
static int prepare(const char *root, const char *arg, const struct cli_arg *args, size_t nargs,
                   struct job *j)
{
    const char *name;
    buf_init(&j->partial);
    if (repo_resolve_analytic(root, arg, &j->dir, &name) < 0) {
        fprintf(stderr, "kanalytic build: %s\n", err_last());
        j->name = xstrdup(arg);
        j->invalid = true;
        j->error = xstrdup("no such analytic");
        return 0;
    }
    j->name = xstrdup(name);

    struct diag_list diags = DIAG_LIST_INIT;
    int v = analytic_validate(root, j->dir, false, &diags);
    if (v < 0) {
        fprintf(stderr, "kanalytic build: %s: %s\n", qpath(j->name), err_last());
        diag_list_free(&diags);
        return -1;
    }
    if (v > 0) {
        diag_print(&diags, diag_format_from_env(DIAG_FORMAT_TEXT), stderr);
        diag_list_free(&diags);
        j->invalid = true;
        j->error = xstrdup("the manifest or test cases have errors (see above)");
        return 0;
    }
    diag_list_free(&diags);
    char *mpath = path_join(j->dir, MANIFEST_FILE);
    int lr = manifest_load(mpath, &j->m, &diags);
    free(mpath);
    diag_list_free(&diags);
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
    struct context_opts co = {.dir = j->dir, .includes = inc, .n_includes = j->m->n_includes};
    int cr = context_scan(&co, &j->ctx);
    for (size_t i = 0; i < j->m->n_includes; i++)
        free(srcs[i]);
    free(srcs);
    free(inc);
    if (cr < 0) {
        fprintf(stderr, "kanalytic build: %s: %s\n", qpath(j->name), err_last());
        j->invalid = true;
        j->error = xstrdup("the build context was refused (see above)");
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

    char *image = manifest_image_name(j->m);
    struct buf t = BUF_INIT;
    buf_addf(&t, "%s:latest", image);
    j->tags[0] = buf_detach(&t, NULL);
    buf_addf(&t, "%s:%s", image, j->m->version);
    j->tags[1] = buf_detach(&t, NULL);
    free(image);
    return 0;
}

static void job_free(struct job *j)
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
    for (size_t i = 0; i < TAIL_LINES; i++)
        free(j->tail[i]);
    buf_free(&j->partial);
}

static void print_failure(const struct job *j)
{
    fprintf(stderr, "\n%s%s: build failed%s", term_color(stderr, TC_RED), qpath(j->name),
            term_color(stderr, TC_RESET));
    if (*j->step)
        fprintf(stderr, " at %s", j->step);
    fprintf(stderr, "\n");
    bool any = false;
    for (size_t k = 0; k < TAIL_LINES; k++) {
        const char *l = j->tail[(j->tail_next + k) % TAIL_LINES];
        if (!l)
            continue;
        if (!any)
            fprintf(stderr, "last lines of its output:\n");
        any = true;
        fprintf(stderr, "  | %s\n", l);
    }
    fprintf(stderr, "error: %s\n", j->error ? j->error : "unknown");
}

static void print_summary(const struct build_run *run)
{
    printf("\n%-28s %-19s %10s %8s  %s\n", "ANALYTIC", "IMAGE ID", "SIZE", "TIME", "RESULT");
    for (size_t i = 0; i < run->n; i++) {
        const struct job *j = &run->jobs[i];
        char sz[32] = "-", tm[32] = "-";
        if (j->image_id)
            human_size(sz, sizeof sz, (double)j->size);
        if (j->seconds > 0)
            snprintf(tm, sizeof tm, "%.1fs", j->seconds);
        const char *result = j->image_id ? "built" : j->failed ? "FAILED" : "not built";
        printf("%-28s %-19.19s %10s %8s  %s\n", qpath(j->name), j->image_id ? j->image_id : "-", sz,
               tm, result);
    }
}

static int parse_build_arg(const char *s, struct cli_arg *out)
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

int cmd_build(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'},
        {"no-cache", no_argument, NULL, 'N'},
        {"build-arg", required_argument, NULL, 'b'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct build_run run = {.verbose = term_verbosity > 0, .width = 100};
    struct gh_block guard;
    bool guarded = false;
    struct cli_arg *args = NULL;
    size_t nargs = 0, args_cap = 0;
    long jobs = 1;
    int status = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': {
            char *end;
            jobs = strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > 64) {
                fprintf(stderr, "kanalytic build: -j %s: expected a number from 1 to 64\n",
                        optarg);
                status = EXIT_TROUBLE;
            }
            break;
        }
        case 'N': run.nocache = true; break;
        case 'b':
            ARRAY_GROW(args, nargs + 1, args_cap);
            if (parse_build_arg(optarg, &args[nargs]) < 0) {
                fprintf(stderr, "kanalytic build: %s\n", err_last());
                status = EXIT_TROUBLE;
            } else {
                nargs++;
            }
            break;
        case 'v': run.verbose = true; break;
        case 'h': usage(stdout); goto out;
        default: usage(stderr); status = EXIT_TROUBLE; goto out;
        }
    }
    if (status)
        goto out;

    char *root = NULL;
    if (repo_find_root(&root) < 0 && optind == argc) {
        fprintf(stderr, "kanalytic build: %s\n", err_last());
        status = EXIT_TROUBLE;
        goto out;
    }
    struct fs_names names = {0};
    if (optind == argc) {
        if (repo_list_analytics(root, &names) < 0) {
            fprintf(stderr, "kanalytic build: %s\n", err_last());
            free(root);
            status = EXIT_TROUBLE;
            goto out;
        }
        if (!names.count) {
            fprintf(stderr, "kanalytic build: no analytics under %s/analytics\n", root);
            free(root);
            status = EXIT_FINDINGS;
            goto out;
        }
    } else {
        for (int i = optind; i < argc; i++) {
            ARRAY_GROW(names.names, names.count + 1, names.cap);
            names.names[names.count++] = xstrdup(argv[i]);
        }
    }
    run.n = names.count;
    run.jobs = xcalloc(run.n, sizeof *run.jobs);
    for (size_t i = 0; i < run.n && status == 0; i++)
        if (prepare(root, names.names[i], args, nargs, &run.jobs[i]) < 0)
            status = EXIT_TROUBLE;
    fs_names_free(&names);
    free(root);

    size_t buildable = 0;
    for (size_t i = 0; i < run.n; i++)
        buildable += !run.jobs[i].invalid;
    if (status == 0 && buildable) {
        if (docker_open(&run.proto) < 0) {
            fprintf(stderr, "kanalytic build: %s\n", err_last());
            status = EXIT_TROUBLE;
        }
    }
    if (status == 0 && buildable) {
        run.live = !run.verbose && term_verbosity >= 0 && term_is_interactive(stderr);
        struct winsize ws;
        if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
            run.width = ws.ws_col;
        pthread_mutex_init(&run.lock, NULL);
        for (size_t i = 0; i < run.n; i++) {
            struct job *j = &run.jobs[i];
            if (j->invalid)
                continue;
            char sz[32];
            human_size(sz, sizeof sz, (double)context_size(j->ctx));
            if (run.live) {
                j->row = run.rows++;
                fprintf(stderr, "%s%s%s  context %zu entries, %s; waiting\n",
                        term_color(stderr, TC_BOLD), qpath(j->name), term_color(stderr, TC_RESET),
                        context_file_count(j->ctx), sz);
            } else if (term_verbosity >= 0) {
                fprintf(stderr, "%s: context %zu entries, %s\n", qpath(j->name),
                        context_file_count(j->ctx), sz);
            }
        }
        /* under GitHub the RUN steps' output is never obeyed (closed after the failures) */
        if (gh_actions()) {
            gh_block_begin(&guard, stderr);
            guarded = true;
        }
        size_t nthreads = (size_t)jobs < buildable ? (size_t)jobs : buildable;
        pthread_t *th = xcalloc(nthreads, sizeof *th);
        size_t started = 0;
        for (size_t i = 0; i < nthreads; i++)
            if (pthread_create(&th[i], NULL, worker, &run) == 0)
                started++;
        if (!started)
            worker(&run);
        for (size_t i = 0; i < started; i++)
            pthread_join(th[i], NULL);
        free(th);
        pthread_mutex_destroy(&run.lock);
    }

    bool unreachable = false;
    for (size_t i = 0; i < run.n; i++) {
        struct job *j = &run.jobs[i];
        if (j->failed && j->invalid)
            unreachable = true;
        if (j->failed && !j->invalid)
            print_failure(j);
        if (j->failed || j->invalid)
            status = status ? status : EXIT_FINDINGS;
    }
    if (guarded)
        gh_block_end(&guard, stderr);
    if (unreachable) {
        for (size_t i = 0; i < run.n; i++)
            if (run.jobs[i].failed && run.jobs[i].invalid)
                fprintf(stderr, "kanalytic build: %s: %s\n", qpath(run.jobs[i].name),
                        run.jobs[i].error);
        status = EXIT_TROUBLE;
    }
    if (run.n && term_verbosity >= 0 && run.proto)
        print_summary(&run);
    for (size_t i = 0; i < run.n; i++)
        job_free(&run.jobs[i]);
    free(run.jobs);
    docker_close(run.proto);
out:
    for (size_t i = 0; i < nargs; i++) {
        free(args[i].key);
        free(args[i].value);
    }
    free(args);
    return status;
}
