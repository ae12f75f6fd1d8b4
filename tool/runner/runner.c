/* Running one test case in a sandboxed container (runner.h): upload, start, wait with a
 * deadline, collect logs, fetch and extract outputs defensively, remove the container on
 * every path; then Kestrel's output rules, goldens, --repeat and --update. */
#include "runner.h"
#include "contract.h"
#include "extract.h"
#include "image_user.h"
#include "store_notes.h"
#include "parquet/parquet.h"
#include "table/compare.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/fs_beneath.h"
#include "util/mask.h"
#include "util/str.h"
#include "util/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- interruption and container tracking ---- */

static volatile sig_atomic_t interrupted;
static pthread_mutex_t tracked_lock = PTHREAD_MUTEX_INITIALIZER;
static char **tracked;
static size_t ntracked, tracked_cap;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

void runner_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

bool runner_interrupted(void)
{
    return interrupted != 0;
}

static void track(const char *id)
{
    pthread_mutex_lock(&tracked_lock);
    ARRAY_GROW(tracked, ntracked + 1, tracked_cap);
    tracked[ntracked++] = xstrdup(id);
    pthread_mutex_unlock(&tracked_lock);
}

static void untrack(const char *id)
{
    pthread_mutex_lock(&tracked_lock);
    for (size_t i = 0; i < ntracked; i++)
        if (!strcmp(tracked[i], id)) {
            free(tracked[i]);
            tracked[i] = tracked[--ntracked];
            break;
        }
    pthread_mutex_unlock(&tracked_lock);
}

void runner_cleanup(struct docker *d)
{
    for (;;) {
        pthread_mutex_lock(&tracked_lock);
        char *id = ntracked ? tracked[--ntracked] : NULL;
        pthread_mutex_unlock(&tracked_lock);
        if (!id)
            break;
        if (d)
            docker_container_remove(d, id, true);
        free(id);
    }
}

/* ---- helpers ---- */

static char *output_name(size_t i)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, "output/%zu.parquet.gz", i);
    return buf_detach(&b, NULL);
}

/* A case's files (PATH under tc->dir) are read and written below the analytic's folder with
 * no link followed on the way (fs_beneath.h): *base is the analytic folder, *rel points at
 * "tests/CASE/..." in PATH. */
static void case_split(const struct test_case *tc, const char *path, char **base, const char **rel)
{
    const char *cut = tc->dir + strlen(tc->dir);
    int slashes = 0;
    while (cut > tc->dir && slashes < 2)
        slashes += *--cut == '/';
    size_t n = (size_t)(cut - tc->dir);
    if (slashes < 2 || strncmp(path, tc->dir, n) || path[n] != '/') {
        *base = xstrdup(".");
        *rel = path;
    } else {
        *base = n ? xstrndup(tc->dir, n) : xstrdup("/");
        *rel = path + n + 1;
    }
}

static int case_read(const struct test_case *tc, const char *path, size_t max, struct buf *out)
{
    char *base;
    const char *rel;
    case_split(tc, path, &base, &rel);
    int r = fs_beneath_read(base, rel, max, out);
    free(base);
    return r;
}

static int write_cb(struct archive *a, void *ctx, const void *data, size_t n)
{
    (void)a;
    buf_add(ctx, data, n);
    return (int)n;
}

static la_ssize_t write_cb2(struct archive *a, void *ctx, const void *data, size_t n)
{
    return write_cb(a, ctx, data, n);
}

static int tar_add(struct archive *a, const char *name, bool dir, const void *data, size_t len)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    /* as Kestrel makes them: mode 0755 and owned by a user other than the image's (there the
     * hunter's; here root, whom the image can only be when it may write anyway), so an image
     * running as USER nobody cannot write /data/output here either */
    archive_entry_set_perm(e, dir ? 0755 : 0644);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_size(e, dir ? 0 : (la_int64_t)len);
    archive_entry_set_mtime(e, 0, 0);
    int rc = archive_write_header(a, e);
    if (rc == ARCHIVE_OK && !dir && len && archive_write_data(a, data, len) != (la_ssize_t)len)
        rc = ARCHIVE_FATAL;
    archive_entry_free(e);
    return rc == ARCHIVE_OK ? 0
                            : err_set("building the input archive: %s", archive_error_string(a));
}

/* input/N.parquet.gz for each input, and empty output/ and display/. */
static int make_input_tar(const struct test_case *tc, struct buf *out)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_set_bytes_in_last_block(a, 1);
    int rc = -1;
    if (archive_write_open2(a, out, NULL, write_cb2, NULL, NULL) != ARCHIVE_OK) {
        err_set("building the input archive: %s", archive_error_string(a));
        goto done;
    }
    if (tar_add(a, "input", true, NULL, 0) < 0 || tar_add(a, "output", true, NULL, 0) < 0 ||
        tar_add(a, "display", true, NULL, 0) < 0)
        goto done;
    for (size_t i = 0; i < tc->n_inputs; i++) {
        struct buf data = BUF_INIT;
        if (case_read(tc, tc->inputs[i], (size_t)4 << 30, &data) < 0) {
            buf_free(&data);
            goto done;
        }
        char name[64];
        snprintf(name, sizeof name, "input/%zu.parquet.gz", i);
        int r = tar_add(a, name, false, data.data, data.len);
        buf_free(&data);
        if (r < 0)
            goto done;
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        err_set("building the input archive: %s", archive_error_string(a));
        goto done;
    }
    rc = 0;
done:
    archive_write_free(a);
    return rc;
}

char *runner_container_config(const struct manifest *m, const char *image,
                              const struct env_list *env, const char *case_id)
{
    json_t *root = json_object();
    json_object_set_new(root, "Image", json_string(image));
    json_t *envs = json_array();
    for (size_t i = 0; env && i < env->count; i++) {
        struct buf b = BUF_INIT;
        buf_addf(&b, "%s=%s", env->items[i].name, env->items[i].value);
        json_array_append_new(envs, json_string(b.data));
        buf_free(&b);
    }
    json_object_set_new(root, "Env", envs);
    json_t *labels = json_object();
    json_object_set_new(labels, RUNNER_LABEL, json_string("1"));
    json_object_set_new(labels, RUNNER_LABEL_CASE, json_string(case_id));
    /* lets `kanalytic gc` tell a live run's containers from leftovers */
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    json_object_set_new(labels, RUNNER_LABEL_PID, json_string(pid));
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) == 0)
        json_object_set_new(labels, RUNNER_LABEL_HOST, json_string(host));
    json_object_set_new(root, "Labels", labels);
    json_t *vols = json_object();
    json_object_set_new(vols, "/data", json_object());
    json_object_set_new(root, "Volumes", vols);
    json_object_set_new(root, "Tty", json_false());
    json_object_set_new(root, "AttachStdin", json_false());
    json_object_set_new(root, "OpenStdin", json_false());

    json_t *hc = json_object();
    if (!m->runtime.network)
        json_object_set_new(hc, "NetworkMode", json_string("none"));
    json_t *caps = json_array();
    json_array_append_new(caps, json_string("ALL"));
    json_object_set_new(hc, "CapDrop", caps);
    json_t *sec = json_array();
    json_array_append_new(sec, json_string("no-new-privileges"));
    json_object_set_new(hc, "SecurityOpt", sec);
    uint64_t mem = m->runtime.memory ? m->runtime.memory : RUNTIME_DEFAULT_MEMORY;
    json_object_set_new(hc, "Memory", json_integer((json_int_t)mem));
    json_object_set_new(hc, "MemorySwap", json_integer((json_int_t)mem));
    json_object_set_new(hc, "PidsLimit", json_integer(RUNNER_PIDS_LIMIT));
    /* Kestrel's root filesystem is writable: scratch files in the image's own folders work
     * there and must work here (the container's layer is removed with it) */
    json_object_set_new(hc, "ReadonlyRootfs", json_false());
    json_object_set_new(hc, "AutoRemove", json_false());
    json_object_set_new(root, "HostConfig", hc);
    char *s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(root);
    return s;
}

/* What one run of a container produced. */
struct run_output {
    char *dir;  /* private temporary directory */
    char *data; /* dir/data: holds output/ and display/ as fetched from /data */
    int exit_code;
    bool timed_out;
    bool ran; /* the container ran to the end (or was killed at the deadline) */
    struct buf err;
    struct extract_list files;
};

static void run_output_free(struct run_output *ro)
{
    if (ro->dir) {
        fs_remove_tree(ro->dir);
        free(ro->dir);
    }
    free(ro->data);
    buf_free(&ro->err);
    extract_list_free(&ro->files);
    memset(ro, 0, sizeof *ro);
}

/* After the archive of /data went over its cap: GETs /data/output and /data/display alone
 * (capped the same way); true when they fit, so what grew is /data/input. */
static bool input_grew(struct docker *d, const char *id, const struct runner_options *o)
{
    static const char *const parts[] = {"/data/output", "/data/display"};
    size_t room = (size_t)o->output_cap + ((size_t)1 << 20);
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
        struct buf tar = BUF_INIT;
        struct buf_sink sink = {&tar, room, "the archive", false};
        if (docker_container_archive_get(d, id, parts[i], buf_sink_write, &sink) < 0)
            err_clear(); /* a folder the container removed holds nothing */
        room -= tar.len;
        buf_free(&tar);
        if (sink.over)
            return false;
    }
    return true;
}

/* GETs /data from the container in one archive (output/ and display/; input/ is skipped) and
 * extracts it under ro->dir; file paths become relative to /data ("output/0.parquet.gz"). */
static int fetch_data(struct docker *d, const char *id, size_t input_bytes, struct run_output *ro,
                      const struct runner_options *o, struct case_result *r)
{
    struct buf tar = BUF_INIT;
    /* room for tar headers, padding and the inputs beyond the content cap, which
     * extract_tar enforces on output/ and display/ */
    size_t slack = ((size_t)1 << 20) + input_bytes + input_bytes / 8;
    struct buf_sink sink = {&tar, (size_t)o->output_cap + slack, "the archive", false};
    int rc = docker_container_archive_get(d, id, "/data", buf_sink_write, &sink);
    if (sink.over && input_grew(d, id, o)) {
        case_result_fail(r, RULE_ARCHIVE, "/data/input", NULL,
                         "/data/input grew by more than the output cap of %llu bytes beyond the "
                         "%zu bytes of inputs uploaded: refused (an analytic writes only to "
                         "/data/output and /data/display)",
                         (unsigned long long)o->output_cap, input_bytes);
        buf_free(&tar);
        return 1;
    }
    if (sink.over) {
        case_result_fail(r, RULE_ARCHIVE, "/data", NULL,
                         "/data/output and /data/display hold more than the output cap of %llu "
                         "bytes: refused",
                         (unsigned long long)o->output_cap);
        buf_free(&tar);
        return 1;
    }
    if (rc < 0) {
        case_result_error(r, RULE_ENGINE, "fetching /data: %s", err_last());
        buf_free(&tar);
        return -1;
    }
    struct extract_limits lim = {o->output_cap, o->max_entries, "data/input"};
    rc = extract_tar(tar.data, tar.len, ro->dir, &lim, &ro->files);
    buf_free(&tar);
    if (rc < 0) {
        case_result_fail(r, RULE_ARCHIVE, "/data", NULL, "/data: %s", err_last());
        return 1;
    }
    for (size_t i = 0; i < ro->files.count; i++) {
        char *p = ro->files.files[i].path;
        /* the length first: strlen(p + 5) after strncmp made gcc 12 -O1 -fsanitize=undefined
         * see p + 5 as past a 5-byte region (-Werror=stringop-overread) */
        size_t n = strlen(p);
        if (n >= 5 && !memcmp(p, "data/", 5))
            memmove(p, p + 5, n - 5 + 1);
    }
    return 0;
}

struct log_ctx {
    struct buf *err;
    size_t cap;
};

static int collect_log(void *ctx, int stream, const char *data, size_t n)
{
    struct log_ctx *l = ctx;
    if (stream != 2)
        return 0;
    buf_add_truncated(l->err, data, n, l->cap);
    return 0;
}

/* Create, upload, start, wait (deadline), logs, fetch, remove. Returns 0 when the container
 * ran (ro filled); -1 when the case could not be run (error recorded in r). */
static int run_container(struct docker *d, const struct runner_case *c,
                         const struct runner_options *o, struct run_output *ro,
                         struct case_result *r)
{
    const struct test_case *tc = c->tc;
    memset(ro, 0, sizeof *ro);
    ro->exit_code = -1;
    buf_init(&ro->err);
    const char *tmpdir = getenv("TMPDIR");
    struct buf dirname = BUF_INIT;
    buf_addf(&dirname, "%s/kanalytic-case.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dirname.data)) {
        case_result_error(r, RULE_ENGINE, "mkdtemp %s: %s", dirname.data, strerror(errno));
        buf_free(&dirname);
        return -1;
    }
    ro->dir = buf_detach(&dirname, NULL);
    ro->data = path_join(ro->dir, "data");

    struct buf tar = BUF_INIT;
    size_t input_bytes;
    if (make_input_tar(tc, &tar) < 0) {
        case_result_error(r, RULE_CASE, "%s", err_last());
        buf_free(&tar);
        return -1;
    }
    char *ref = manifest_image_ref(c->manifest, "latest");
    char *config = runner_container_config(c->manifest, ref, &tc->env, r->id);
    char *id = NULL;
    int rc = docker_container_create(d, NULL, config, &id, NULL);
    free(config);
    if (rc < 0) {
        if (rc == DOCKER_ENOTFOUND)
            case_result_error(r, RULE_IMAGE, "image %s not found (run: kanalytic build %s)", ref,
                              c->analytic);
        else
            case_result_error(r, RULE_ENGINE, "creating the container: %s", err_last());
        free(ref);
        buf_free(&tar);
        return -1;
    }
    free(ref);
    track(id);
    input_bytes = tar.len;
    rc = docker_container_archive_put(d, id, "/data", tar.data, tar.len);
    buf_free(&tar);
    if (rc < 0) {
        case_result_error(r, RULE_ENGINE, "uploading the inputs to /data: %s", err_last());
        goto remove;
    }
    if (docker_container_start(d, id) < 0) {
        case_result_error(r, RULE_ENGINE, "starting the container: %s", err_last());
        rc = -1;
        goto remove;
    }
    unsigned timeout = o->timeout ? o->timeout : tc->timeout;
    if (!timeout)
        timeout = RUNTIME_DEFAULT_TIMEOUT;
    double deadline = clock_seconds() + timeout;
    for (;;) {
        if (runner_interrupted()) {
            docker_container_kill(d, id, NULL);
            case_result_error(r, RULE_INTERRUPTED, "interrupted: container killed and removed");
            rc = -1;
            goto remove;
        }
        double left = deadline - clock_seconds();
        if (left <= 0) {
            docker_container_kill(d, id, NULL);
            int code;
            docker_container_wait(d, id, 10000, &code);
            ro->timed_out = true;
            break;
        }
        long slice = left > 1.0 ? 1000 : (long)(left * 1000) + 1;
        int code;
        rc = docker_container_wait(d, id, slice, &code);
        if (rc == 0) {
            ro->exit_code = code;
            break;
        }
        if (rc != DOCKER_ETIMEOUT) {
            case_result_error(r, RULE_ENGINE, "waiting for the container: %s", err_last());
            goto remove;
        }
    }
    ro->ran = true;
    struct log_ctx lc = {&ro->err, o->log_cap};
    if (docker_container_logs(d, id, collect_log, &lc) < 0) {
        if (!ro->timed_out) {
            case_result_error(r, RULE_ENGINE, "reading the container's logs: %s", err_last());
            rc = -1;
            goto remove;
        }
        /* a killed container's logs may be gone: the timeout is the verdict */
        buf_addf(&ro->err, "(logs unavailable after the kill: %s)\n", err_last());
    }
    rc = 0;
    if (!ro->timed_out && fetch_data(d, id, input_bytes, ro, o, r) < 0)
        rc = -1;
remove:
    if (docker_container_remove(d, id, true) == 0)
        untrack(id);
    free(id);
    return rc < 0 ? -1 : 0;
}

/* ---- Kestrel's output rules ---- */

static bool has_file(const struct run_output *ro, const char *path)
{
    for (size_t i = 0; i < ro->files.count; i++)
        if (!strcmp(ro->files.files[i].path, path))
            return true;
    return false;
}

/* Distinct values of a string column: 0, 1 or 2 (more is reported as 2). */
static int distinct_values(const struct pq_column *c, struct buf *first, struct buf *second)
{
    if (c->is_list || c->values.len == 0)
        return 0;
    int n = 0;
    for (size_t i = 0; i < c->values.len && n < 2; i++) {
        struct buf v = BUF_INIT;
        if (vector_is_null(&c->values, i)) {
            buf_addstr(&v, "null");
        } else {
            size_t len;
            const uint8_t *p = vector_bytes(&c->values, i, &len);
            buf_addch(&v, '\'');
            buf_add(&v, p, len);
            buf_addch(&v, '\'');
        }
        if (n == 0) {
            buf_add(first, v.data, v.len);
            n = 1;
        } else if (strcmp(first->data, v.data)) {
            buf_add(second, v.data, v.len);
            n = 2;
        }
        buf_free(&v);
    }
    return n;
}

/* Reads an output file and checks Kestrel's rules; *t keeps the table on success. */
static bool check_output(const char *path, const char *name, struct pq_table *t,
                         struct case_result *r)
{
    if (pq_read_file(path, t) < 0) {
        /* the reader's message starts with the temporary path: the case's name says it */
        const char *why = err_last();
        size_t n = strlen(path);
        if (!strncmp(why, path, n) && !strncmp(why + n, ": ", 2))
            why += n + 2;
        if (contract_explain_unreadable(name, why, r))
            return false;
        case_result_fail(r, RULE_PARQUET, name, NULL,
                         "%s is not readable Parquet (Kestrel: invalid return data): %s", name,
                         why);
        return false;
    }
    bool ok = true;
    long idc = table_find_column(t, "id"), typec = table_find_column(t, "type");
    if (idc < 0 || typec < 0) {
        case_result_fail(r, RULE_ID_TYPE, name, NULL,
                         "%s has no '%s' column (Kestrel requires 'id' and 'type')", name,
                         idc < 0 && typec < 0 ? "id' or 'type"
                         : idc < 0            ? "id"
                                              : "type");
        ok = false;
    }
    if (typec >= 0) {
        struct buf a = BUF_INIT, b = BUF_INIT;
        if (distinct_values(&t->cols[typec], &a, &b) > 1) {
            case_result_fail(r, RULE_ONE_TYPE, name, NULL,
                             "%s has more than one 'type' value (%s, %s): Kestrel rejects "
                             "inconsistent types",
                             name, a.data, b.data);
            ok = false;
        }
        buf_free(&a);
        buf_free(&b);
    }
    return contract_check_output(path, name, t, r) && ok;
}

/* Top-level entries under display/ (files, or directories holding files). */
static size_t display_entries(const struct run_output *ro, char ***names)
{
    size_t n = 0;
    *names = NULL;
    for (size_t i = 0; i < ro->files.count; i++) {
        const char *p = ro->files.files[i].path;
        if (strncmp(p, "display/", 8))
            continue;
        const char *top = p + 8;
        const char *slash = strchr(top, '/');
        size_t len = slash ? (size_t)(slash - top) : strlen(top);
        bool seen = false;
        for (size_t k = 0; k < n; k++)
            seen |= strlen((*names)[k]) == len && !strncmp((*names)[k], top, len);
        if (seen)
            continue;
        *names = xreallocarray(*names, n + 1, sizeof **names);
        (*names)[n++] = xstrndup(top, len);
    }
    return n;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static const struct golden *find_golden(const struct test_case *tc, size_t index)
{
    for (size_t i = 0; i < tc->n_goldens; i++)
        if (tc->goldens[i].index == index)
            return &tc->goldens[i];
    return NULL;
}

static bool expects_output(const struct test_case *tc, size_t index)
{
    for (size_t i = 0; i < tc->n_expect_outputs; i++)
        if (tc->expect_outputs[i] == index)
            return true;
    return find_golden(tc, index) != NULL;
}

static void compare_options_from_case(const struct test_case *tc, struct compare_options *o,
                                      struct compare_tolerance **tols)
{
    *o = (struct compare_options)COMPARE_OPTIONS_INIT;
    o->key = (const char *const *)tc->key.items;
    o->nkey = tc->key.count;
    o->ignore = (const char *const *)tc->ignore_columns.items;
    o->nignore = tc->ignore_columns.count;
    o->rtol = tc->rtol;
    o->atol = tc->atol;
    o->nan_equal = tc->nan_equal;
    o->strict_column_order = tc->column_order_strict;
    *tols = xcalloc(tc->n_column_tolerances + 1, sizeof **tols);
    for (size_t i = 0; i < tc->n_column_tolerances; i++) {
        (*tols)[i].column = tc->column_tolerances[i].column;
        (*tols)[i].rtol = tc->column_tolerances[i].rtol;
        (*tols)[i].atol = tc->column_tolerances[i].atol;
    }
    o->tolerances = *tols;
    o->ntolerances = tc->n_column_tolerances;
}

static char *golden_path(const struct test_case *tc, size_t index)
{
    struct buf b = BUF_INIT;
    buf_addf(&b, "%s/expected/output/%zu.parquet.gz", tc->dir, index);
    return buf_detach(&b, NULL);
}

/* Copies src (a run's output) to dst in the case folder atomically, its folders created, no
 * link followed on the way (a case's expected/ linked elsewhere is refused). */
static int copy_atomic(const struct test_case *tc, const char *src, const char *dst)
{
    struct buf data = BUF_INIT;
    char *base;
    const char *rel;
    case_split(tc, dst, &base, &rel);
    int rc = fs_read_file(src, (size_t)4 << 30, &data);
    if (rc == 0)
        rc = fs_beneath_write_atomic(base, rel, data.data, data.len);
    free(base);
    buf_free(&data);
    return rc;
}

static void add_string(char ***list, size_t *n, const char *s)
{
    *list = xreallocarray(*list, *n + 1, sizeof **list);
    (*list)[(*n)++] = xstrdup(s);
}

/* First differing line of two texts, 1-based; 0 when equal. */
static size_t first_diff_line(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t line = 1;
    size_t n = alen < blen ? alen : blen;
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return line;
        if (a[i] == '\n')
            line++;
    }
    return alen == blen ? 0 : line;
}

/* A display as compared: masked when the case says compare.display: {masked: [...]}. */
static int display_for_compare(const struct test_case *tc, const struct buf *raw, struct buf *out)
{
    if (tc->display_compare != DISPLAY_COMPARE_MASKED) {
        buf_add(out, raw->data, raw->len);
        return 0;
    }
    return text_mask(raw->data, raw->len, tc->display_masks.items, tc->display_masks.count, out);
}

/* The display golden against the display shown (display/NAME in rel). */
static void compare_display(const struct test_case *tc, const struct runner_options *o,
                            const char *rel, const struct buf *shown, struct case_result *r)
{
    struct buf raw = BUF_INIT, want = BUF_INIT, got = BUF_INIT;
    bool masked = tc->display_compare == DISPLAY_COMPARE_MASKED;
    if (case_read(tc, tc->expected_display, (size_t)o->output_cap, &raw) < 0) {
        case_result_error(r, RULE_CASE, "%s: %s", tc->expected_display, err_last());
    } else if (display_for_compare(tc, &raw, &want) < 0 ||
               display_for_compare(tc, shown, &got) < 0) {
        case_result_error(r, RULE_CASE, "%s/case.yaml: %s", tc->dir, err_last());
    } else {
        size_t line = first_diff_line(want.data, want.len, got.data, got.len);
        if (line) {
            case_result_fail(r, RULE_DISPLAY_GOLDEN, rel, NULL,
                             "%s differs from %s%s (first difference on line %zu)", rel,
                             tc->expected_display, masked ? " after masking" : "", line);
            struct buf diff = BUF_INIT;
            text_diff(want.data, want.len, got.data, got.len, 3, "expected", "actual", &diff);
            case_result_set_detail(r, diff.data);
            buf_free(&diff);
        }
    }
    buf_free(&raw);
    buf_free(&want);
    buf_free(&got);
}

/* Everything checked after a run: exit code, stderr, Kestrel's rules, goldens. */
static void check_run(const struct runner_case *c, const struct runner_options *o,
                      struct run_output *ro, struct case_result *r)
{
    const struct test_case *tc = c->tc;
    r->exit_code = ro->exit_code;
    r->timed_out = ro->timed_out;
    free(r->stderr_text);
    r->stderr_text = xstrndup(ro->err.data, ro->err.len);
    unsigned timeout = o->timeout ? o->timeout : tc->timeout;
    if (ro->timed_out) {
        case_result_fail(r, RULE_TIMEOUT, NULL, NULL, "timed out after %us (container killed)",
                         timeout ? timeout : RUNTIME_DEFAULT_TIMEOUT);
        return;
    }
    if (ro->exit_code != tc->exit_code)
        case_result_fail(r, RULE_EXIT_CODE, NULL, NULL, "exit code %d, expected %d", ro->exit_code,
                         tc->exit_code);
    if (tc->stderr_contains && !strstr(r->stderr_text, tc->stderr_contains))
        case_result_fail(r, RULE_STDERR, NULL, NULL, "stderr does not contain \"%s\"",
                         tc->stderr_contains);
    if (case_result_has_rule(r, RULE_ARCHIVE))
        return;

    /* display: nothing, or one regular file NAME.html */
    char **names;
    size_t nd = display_entries(ro, &names);
    bool display_ok = contract_check_display(ro->data, r);

    /* outputs Kestrel reads: output/N.parquet.gz for each input N */
    struct compare_options co;
    struct compare_tolerance *tols;
    compare_options_from_case(tc, &co, &tols);
    size_t noutputs = c->manifest->n_inputs > tc->n_inputs ? c->manifest->n_inputs : tc->n_inputs;
    for (size_t i = 0; i < tc->n_expect_outputs; i++)
        if (tc->expect_outputs[i] >= noutputs)
            noutputs = tc->expect_outputs[i] + 1;
    for (size_t i = 0; i < tc->n_goldens; i++)
        if (tc->goldens[i].index >= noutputs)
            noutputs = tc->goldens[i].index + 1;
    for (size_t i = 0; i < noutputs; i++) {
        char *name = output_name(i);
        char *path = path_join(ro->data, name);
        bool written = has_file(ro, name);
        const struct golden *g = find_golden(tc, i);
        if (!written) {
            if (expects_output(tc, i))
                case_result_fail(r, RULE_OUTPUT_MISSING, name, NULL,
                                 "%s was not written (the case expects output %zu)", name, i);
            free(name);
            free(path);
            continue;
        }
        struct pq_table actual = PQ_TABLE_INIT;
        bool ok = check_output(path, name, &actual, r);
        if (actual.cols && tc->exit_code == 0 && ro->exit_code == 0)
            contract_check_attributes(c->manifest, i, i < tc->n_inputs ? tc->inputs[i] : NULL,
                                      &actual, name, o->ci, r);
        if (ok && tc->exit_code == 0 && !g) {
            if (tc->expect_outputs_exact && !expects_output(tc, i)) {
                case_result_fail(r, RULE_OUTPUT_UNEXPECTED, name, NULL,
                                 "%s was written but the case expects no output %zu", name, i);
            } else if (o->ci) {
                case_result_fail(r, RULE_GOLDEN_MISSING, name, NULL,
                                 "no golden expected/output/%zu.parquet.gz (--ci: run kanalytic "
                                 "test without --ci to create it)",
                                 i);
            } else {
                char *gp = golden_path(tc, i);
                if (copy_atomic(tc, path, gp) < 0)
                    case_result_error(r, RULE_CASE, "creating %s: %s", gp, err_last());
                else
                    add_string(&r->created, &r->ncreated, gp);
                free(gp);
            }
        } else if (ok && g) {
            struct pq_table expected = PQ_TABLE_INIT;
            struct buf gold = BUF_INIT;
            int grc = case_read(tc, g->path, (size_t)4 << 30, &gold);
            if (grc == 0)
                grc = pq_read_memory(gold.data, gold.len, g->path, &expected);
            buf_free(&gold);
            if (grc < 0) {
                case_result_error(r, RULE_CASE, "golden %s: %s", g->path, err_last());
            } else {
                struct compare_result *cr = xcalloc(1, sizeof *cr);
                if (compare_tables(&expected, &actual, &co, cr) < 0) {
                    case_result_error(r, RULE_CASE, "%s: %s", g->path, err_last());
                    free(cr);
                } else if (!cr->equal) {
                    struct buf s = BUF_INIT;
                    compare_summary(cr, &s);
                    case_result_fail(r, RULE_GOLDEN, name, cr, "%s differs from %s: %s", name,
                                     g->path, s.data);
                    buf_free(&s);
                } else {
                    compare_result_free(cr);
                    free(cr);
                }
            }
            table_free(&expected);
        }
        table_free(&actual);
        free(name);
        free(path);
    }
    free(tols);

    /* display golden */
    if (nd == 1 && display_ok && tc->exit_code == 0) {
        struct buf shown = BUF_INIT;
        char *rel = NULL;
        for (size_t i = 0; i < ro->files.count && !rel; i++)
            if (!strncmp(ro->files.files[i].path, "display/", 8))
                rel = ro->files.files[i].path;
        char *path = path_join(ro->data, rel);
        int read_rc = fs_read_file(path, (size_t)o->output_cap, &shown);
        if (read_rc == 0) {
            free(r->display_html); /* kept for the HTML report */
            r->display_html = xstrndup(shown.data, shown.len);
        }
        if (read_rc < 0) {
            case_result_error(r, RULE_CASE, "%s: %s", rel, err_last());
        } else if (tc->display_compare == DISPLAY_COMPARE_EXISTS) {
            /* written, and its content is not compared: nothing more to check or create */
        } else if (tc->expected_display) {
            compare_display(tc, o, rel, &shown, r);
        } else if (o->ci) {
            case_result_fail(r, RULE_GOLDEN_MISSING, rel, NULL,
                             "no golden expected/display.html (--ci: run kanalytic test without "
                             "--ci to create it)");
        } else {
            struct buf gp = BUF_INIT;
            buf_addf(&gp, "%s/expected/display.html", tc->dir);
            if (copy_atomic(tc, path, gp.data) < 0)
                case_result_error(r, RULE_CASE, "creating %s: %s", gp.data, err_last());
            else
                add_string(&r->created, &r->ncreated, gp.data);
            buf_free(&gp);
        }
        free(path);
        buf_free(&shown);
    } else if (nd == 0 && (tc->expected_display || tc->expect_display) && tc->exit_code == 0) {
        case_result_fail(r, RULE_OUTPUT_MISSING, "display", NULL,
                         "no display was written (the case has expected/display.html)");
    }
    free_names(names, nd);
    if (r->status == CASE_PASS && r->ncreated)
        r->status = CASE_CREATED;
}

/* --repeat: run k's outputs against run 1's. */
static void compare_runs(const struct runner_case *c, unsigned k, const struct run_output *first,
                         const struct run_output *now, struct case_result *r)
{
    if (first->exit_code != now->exit_code) {
        case_result_fail(r, RULE_REPEAT, NULL, NULL, "run %u exited %d, run 1 exited %d", k,
                         now->exit_code, first->exit_code);
        return;
    }
    struct compare_options co;
    struct compare_tolerance *tols;
    compare_options_from_case(c->tc, &co, &tols);
    const struct extract_list *a = &first->files, *b = &now->files;
    for (size_t i = 0; i < a->count; i++) {
        if (!has_file(now, a->files[i].path))
            case_result_fail(r, RULE_REPEAT, a->files[i].path, NULL,
                             "run %u did not write %s (run 1 did)", k, a->files[i].path);
    }
    for (size_t i = 0; i < b->count; i++) {
        const char *name = b->files[i].path;
        if (!has_file(first, name)) {
            case_result_fail(r, RULE_REPEAT, name, NULL, "run %u wrote %s (run 1 did not)", k,
                             name);
            continue;
        }
        char *pa = path_join(first->data, name), *pb = path_join(now->data, name);
        if (ends_with_nocase(name, ".parquet.gz") && !strncmp(name, "output/", 7)) {
            struct pq_table ta = PQ_TABLE_INIT, tb = PQ_TABLE_INIT;
            if (pq_read_file(pa, &ta) == 0 && pq_read_file(pb, &tb) == 0) {
                struct compare_result *cr = xcalloc(1, sizeof *cr);
                if (compare_tables(&ta, &tb, &co, cr) == 0 && !cr->equal) {
                    struct buf s = BUF_INIT;
                    compare_summary(cr, &s);
                    case_result_fail(r, RULE_REPEAT, name, cr,
                                     "run %u differs from run 1 in %s: %s", k, name, s.data);
                    buf_free(&s);
                } else {
                    compare_result_free(cr);
                    free(cr);
                }
            }
            table_free(&ta);
            table_free(&tb);
        } else if (!strncmp(name, "display/", 8) &&
                   c->tc->display_compare == DISPLAY_COMPARE_EXISTS) {
            /* compare.display: exists: the content may differ between runs */
        } else {
            struct buf x = BUF_INIT, y = BUF_INIT, mx = BUF_INIT, my = BUF_INIT;
            bool display = !strncmp(name, "display/", 8);
            if (fs_read_file(pa, SIZE_MAX, &x) == 0 && fs_read_file(pb, SIZE_MAX, &y) == 0) {
                /* a display is compared as the golden is: masked when the case says so */
                if (display && (display_for_compare(c->tc, &x, &mx) < 0 ||
                                display_for_compare(c->tc, &y, &my) < 0)) {
                    case_result_error(r, RULE_CASE, "%s/case.yaml: %s", c->tc->dir, err_last());
                } else if (display ? mx.len != my.len || memcmp(mx.data, my.data, mx.len)
                                   : x.len != y.len || memcmp(x.data, y.data, x.len)) {
                    case_result_fail(r, RULE_REPEAT, name, NULL,
                                     "run %u differs from run 1 in %s%s", k, name,
                                     display && c->tc->display_compare == DISPLAY_COMPARE_MASKED
                                         ? " after masking"
                                         : "");
                    if (display) {
                        struct buf diff = BUF_INIT;
                        char run_k[32];
                        snprintf(run_k, sizeof run_k, "run %u", k);
                        text_diff(mx.data, mx.len, my.data, my.len, 3, "run 1", run_k, &diff);
                        case_result_set_detail(r, diff.data);
                        buf_free(&diff);
                    }
                }
            }
            buf_free(&x);
            buf_free(&y);
            buf_free(&mx);
            buf_free(&my);
        }
        free(pa);
        free(pb);
    }
    free(tols);
}

/* true when every problem is a golden mismatch (what --update may fix). */
static bool only_golden_mismatches(const struct case_result *r)
{
    if (r->status != CASE_FAIL)
        return false;
    for (size_t i = 0; i < r->nproblems; i++)
        if (strcmp(r->problems[i].rule, RULE_GOLDEN) &&
            strcmp(r->problems[i].rule, RULE_DISPLAY_GOLDEN))
            return false;
    return true;
}

/* --update: rewrites the mismatching goldens from run ro. */
static int update_goldens(const struct runner_case *c, const struct run_output *ro,
                          struct case_result *r, char ***updated, size_t *nupdated)
{
    for (size_t i = 0; i < r->nproblems; i++) {
        const struct case_problem *p = &r->problems[i];
        char *src = path_join(ro->data, p->file);
        char *dst;
        if (!strcmp(p->rule, RULE_GOLDEN)) {
            size_t index = strtoul(p->file + 7, NULL, 10);
            dst = golden_path(c->tc, index);
        } else {
            struct buf b = BUF_INIT;
            buf_addf(&b, "%s/expected/display.html", c->tc->dir);
            dst = buf_detach(&b, NULL);
        }
        int rc = copy_atomic(c->tc, src, dst);
        if (rc == 0)
            add_string(updated, nupdated, dst);
        else
            err_prefix("updating %s", dst);
        free(src);
        free(dst);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static void run_case_once(struct docker *d, const struct runner_case *c,
                          const struct runner_options *o, struct case_result *r, char ***updated,
                          size_t *nupdated, bool may_update)
{
    unsigned repeat = o->repeat ? o->repeat : 1;
    struct run_output first;
    r->runs = 0;
    if (run_container(d, c, o, &first, r) < 0) {
        run_output_free(&first);
        return;
    }
    r->runs = 1;
    check_run(c, o, &first, r);
    if (first.exit_code == 0 && !first.timed_out && !case_result_has_rule(r, RULE_ARCHIVE))
        store_notes_for_run(first.data, c->tc->inputs, c->tc->n_inputs, r);
    for (unsigned k = 2; k <= repeat && r->status != CASE_ERROR; k++) {
        struct run_output again;
        struct case_result scratch;
        case_result_init(&scratch, r->analytic, r->case_name);
        int rc = run_container(d, c, o, &again, &scratch);
        r->runs = k;
        if (rc < 0) {
            for (size_t i = 0; i < scratch.nproblems; i++)
                case_result_error(r, scratch.problems[i].rule, "run %u: %s", k,
                                  scratch.problems[i].message);
        } else if (again.timed_out != first.timed_out) {
            case_result_fail(r, RULE_REPEAT, NULL, NULL, "run %u %s, run 1 %s", k,
                             again.timed_out ? "timed out" : "finished",
                             first.timed_out ? "timed out" : "finished");
        } else {
            compare_runs(c, k, &first, &again, r);
        }
        case_result_free(&scratch);
        run_output_free(&again);
    }
    if (may_update && o->update && only_golden_mismatches(r)) {
        if (update_goldens(c, &first, r, updated, nupdated) < 0)
            case_result_error(r, RULE_CASE, "%s", err_last());
    }
    run_output_free(&first);
}

/* A failure of an image that runs as a non-root USER: say it cannot write Kestrel's /data. */
static void explain_image_user(struct docker *d, const struct manifest *m, struct case_result *r)
{
    char *ref = manifest_image_ref(m, "latest");
    char *user;
    if (image_user_of(d, ref, &user) == 0)
        image_user_explain(user, r);
    free(user);
    free(ref);
}

void runner_run_case(struct docker *d, const struct runner_case *c, const struct runner_options *o,
                     struct case_result *out)
{
    double t0 = clock_seconds();
    case_result_init(out, c->analytic, c->case_name);
    if (!c->tc) {
        case_result_error(out, RULE_CASE, "%s", c->problem ? c->problem : "case did not load");
        out->seconds = clock_seconds() - t0;
        return;
    }
    if (c->tc->description)
        out->description = xstrdup(c->tc->description);
    if (contract_inputs_all_empty(c->tc)) {
        case_result_skip(out, CONTRACT_SKIP_REASON);
        if (c->tc->n_goldens || c->tc->expected_display)
            case_result_note(out, RULE_CASE, NULL,
                             "the case's goldens (expected/) are never compared: Kestrel never "
                             "runs the analytic on these inputs");
        out->seconds = clock_seconds() - t0;
        return;
    }
    char **updated = NULL;
    size_t nupdated = 0;
    run_case_once(d, c, o, out, &updated, &nupdated, true);
    if (nupdated) {
        /* rerun against the rewritten goldens; the verdict is the rerun's */
        char *desc = out->description ? xstrdup(out->description) : NULL;
        case_result_free(out);
        case_result_init(out, c->analytic, c->case_name);
        out->description = desc;
        run_case_once(d, c, o, out, &updated, &nupdated, false);
        out->updated = updated;
        out->nupdated = nupdated;
    }
    if (case_result_has_rule(out, RULE_EXIT_CODE) || case_result_has_rule(out, RULE_OUTPUT_MISSING))
        explain_image_user(d, c->manifest, out);
    out->seconds = clock_seconds() - t0;
}
