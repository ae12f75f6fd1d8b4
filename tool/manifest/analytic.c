/* Whole-analytic and repository-wide checks behind `kanalytic validate`: the manifest, the
 * folder around it (name, Dockerfile, README.md, build.include sources), its test cases,
 * and names across the repository. See manifest.h. */
#include "adopt.h"
#include "manifest.h"
#include "catalog.h"
#include "check.h"
#include "fixture/kestrel_shape.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trimmed(const char *dir)
{
    char *d = xstrdup(dir);
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
        d[--n] = '\0';
    return d;
}

/* The repository holding an analytic folder outside any known root: DIR/../.. when DIR's
 * parent is called analytics. */
static char *guess_root(const char *dir)
{
    char real[PATH_MAX];
    if (!realpath(dir, real))
        return NULL;
    char *slash = strrchr(real, '/');
    if (!slash || slash == real)
        return NULL;
    *slash = '\0';
    if (strcmp(path_basename(real), "analytics") != 0)
        return NULL;
    slash = strrchr(real, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return xstrdup(*real ? real : "/");
}

/* An include source must exist and resolve (links followed) inside the repository. */
static void check_includes(const struct manifest *m, const struct yaml_doc *doc, const char *root,
                           struct diag_list *diags)
{
    for (size_t i = 0; i < m->n_includes; i++) {
        const struct manifest_include *inc = &m->includes[i];
        int line, col;
        char ptr[64];
        snprintf(ptr, sizeof ptr, "/build/include/%zu/src", i);
        yaml_doc_loc(doc, ptr, false, &line, &col);
        if (!root) {
            diag_add(diags, DIAG_WARNING, m->path, line, col, "include-src",
                     "build.include '%s' not checked: the analytic is not inside a repository",
                     inc->src);
            continue;
        }
        char *src = path_join(root, inc->src);
        char real_root[PATH_MAX], real_src[PATH_MAX];
        if (!realpath(src, real_src)) {
            diag_add(diags, DIAG_ERROR, m->path, line, col, "include-src",
                     "build.include src '%s' does not exist in the repository", inc->src);
        } else if (realpath(root, real_root)) {
            size_t n = strlen(real_root);
            bool inside = !strncmp(real_src, real_root, n) &&
                          (real_src[n] == '/' || real_src[n] == '\0' || n == 1);
            if (!inside)
                diag_add(diags, DIAG_ERROR, m->path, line, col, "include-src",
                         "build.include src '%s' leads outside the repository (%s)", inc->src,
                         real_src);
        }
        free(src);
    }
}

/* Each input file of a case against the shape Kestrel gives its inputs. True when every input
 * is an empty variable: Kestrel does not start the analytic then, so the case runs nothing. */
static bool check_input_shapes(const struct test_case *tc, struct diag_list *diags)
{
    bool all_empty = tc->n_inputs > 0;
    for (size_t i = 0; i < tc->n_inputs; i++)
        all_empty &= fs_is_file(tc->inputs[i]) && kestrel_shape_check(tc->inputs[i], diags);
    return all_empty;
}

/* Links (and anything but files and folders) under tests/ that test_case_load does not see:
 * tests/ itself (its cases are then not loaded) and what is beside the case folders. */
static int check_tests_folder(const char *dir, struct strlist *cases, const struct fs_names *listed,
                              struct diag_list *diags)
{
    char *tests = path_join(dir, "tests");
    struct stat st;
    int r = 0;
    bool exists = lstat(tests, &st) == 0;
    if (exists && !S_ISDIR(st.st_mode)) {
        r = tests_refuse_special(tests, diags);
        strlist_free(cases);
        cases->items = xcalloc(1, sizeof *cases->items);
    } else if (exists) {
        /* a folder, not a link: test_case_list_all has listed it */
        const struct fs_names names = *listed;
        for (size_t i = 0; i < names.count && r >= 0; i++) {
            bool is_case = false;
            for (size_t k = 0; k < cases->count; k++)
                is_case |= !strcmp(cases->items[k], names.names[i]);
            if (is_case)
                continue; /* test_case_load checks it */
            char *p = path_join(tests, names.names[i]);
            r = tests_refuse_special(p, diags);
            free(p);
        }
    }
    free(tests);
    return r < 0 ? -1 : 0;
}

/* What analytics_validate_all keeps of a loaded manifest for the checks across analytics
 * (only this: the manifests themselves are freed by the thread that loaded them). */
struct kept {
    char *name, *path;
};

/* Loads and checks one analytic; fills *keep when asked and loaded. */
/* Sentences of the templates' README.md (template/python, template/c) that describe the template's
 * own example (x_seen_count): left in, they describe an analytic that does not exist. A warning (an
 * error under
 * --strict, as in the CI gate). */
static void check_readme_template(const char *path, struct diag_list *diags)
{
    static const char *const prose[] = {
        "Replace this with what the analytic",
        "the number of rows of the variable that share the row's `id`",
    };
    struct buf text = BUF_INIT;
    if (fs_read_file(path, (size_t)4 << 20, &text) < 0) {
        err_clear();
        buf_free(&text);
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(prose); i++) {
        /* the template wraps lines anywhere: match with any run of spaces/newlines as one */
        for (const char *p = text.data; *p; p++) {
            const char *a = p, *b = prose[i];
            while (*a && *b) {
                if (isspace((unsigned char)*b) && isspace((unsigned char)*a)) {
                    while (isspace((unsigned char)*a))
                        a++;
                    while (isspace((unsigned char)*b))
                        b++;
                } else if (*a == *b) {
                    a++, b++;
                } else {
                    break;
                }
            }
            if (*b)
                continue;
            int line = 1;
            const char *bol = text.data;
            for (const char *q = text.data; q < p; q++)
                if (*q == '\n') {
                    line++;
                    bol = q + 1;
                }
            diag_add(diags, DIAG_WARNING, path, line, (int)(p - bol) + 1, "readme-template",
                     "template text left in: \"%s...\" describes the template's example "
                     "(x_seen_count), not this analytic; say what the analytic does",
                     prose[i]);
            i = ARRAY_SIZE(prose); /* one finding is enough */
            break;
        }
    }
    buf_free(&text);
}

static int validate_one(const char *root, const char *analytic_dir, bool strict, bool listed,
                        struct diag_list *diags, struct kept *keep)
{
    size_t errors_before = diag_count(diags, DIAG_ERROR);
    size_t warnings_before = diag_count(diags, DIAG_WARNING);
    char *dir = trimmed(analytic_dir);
    char *path = path_join(dir, MANIFEST_FILE);
    struct manifest *m = NULL;
    struct yaml_doc *doc = NULL;
    int r = 0;
    /* `listed`: repo_list_analytics has just seen DIR/analytic.yaml */
    if (!listed && !fs_is_dir(dir)) {
        r = err_set("%s: no such folder", dir);
        goto cleanup;
    }
    if (!listed && !fs_exists(path)) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "manifest-missing", "missing %s", MANIFEST_FILE);
        goto cleanup;
    }
    r = manifest_load_doc(path, &m, &doc, diags);
    if (r < 0)
        goto cleanup;
    r = 0;
    char real[PATH_MAX];
    const char *folder = path_basename(dir);
    if ((!strcmp(folder, ".") || !strcmp(folder, "..")) && realpath(dir, real))
        folder = path_basename(real);
    if (m && strcmp(m->name, folder) != 0) {
        int line, col;
        yaml_doc_loc(doc, "/name", false, &line, &col);
        diag_add(diags, DIAG_ERROR, path, line, col, "name-folder",
                 "name '%s' must equal the folder name '%s'", m->name, folder);
    }
    static const char *const required_files[] = {"Dockerfile", "README.md"};
    for (size_t i = 0; i < ARRAY_SIZE(required_files); i++) {
        char *f = path_join(dir, required_files[i]);
        if (!fs_is_file(f))
            diag_add(diags, DIAG_ERROR, f, 0, 0, "missing-file", "missing %s", required_files[i]);
        else if (!strcmp(required_files[i], "README.md"))
            check_readme_template(f, diags);
        free(f);
    }
    if (m) {
        char *own_root = root ? NULL : guess_root(dir);
        check_includes(m, doc, root ? root : own_root, diags);
        free(own_root);
        struct strlist cases = {0};
        struct fs_names in_tests = {0};
        if (test_case_list_all(dir, &cases, &in_tests) < 0 ||
            check_tests_folder(dir, &cases, &in_tests, diags) < 0) {
            fs_names_free(&in_tests);
            strlist_free(&cases);
            r = -1;
            goto cleanup;
        }
        fs_names_free(&in_tests);
        if (!cases.count) {
            char *tests = path_join(dir, "tests");
            diag_add(diags, DIAG_WARNING, tests, 0, 0, "no-test-cases",
                     "no test cases (add tests/CASE/%s with input/ and expected/)", CASE_FILE);
            free(tests);
        }
        /* what new --from left for the author, in the text manifest_load_doc read */
        size_t len;
        const char *text = yaml_doc_text(doc, &len);
        if (text)
            adopt_check_markers_text(path, text, len, diags);
        else
            adopt_check_markers(path, diags);
        /* cases that loaded, and whether one of them runs the analytic and expects success */
        size_t loaded = 0;
        bool shows_working = false;
        for (size_t i = 0; i < cases.count && r >= 0; i++) {
            char *tests = path_join(dir, "tests");
            char *cdir = path_join(tests, cases.items[i]);
            char *cfile = path_join(cdir, CASE_FILE);
            /* read once for both: the markers, then (when no link refuses it) the case */
            struct buf ctext = BUF_INIT;
            bool have = fs_is_file(cfile) && fs_read_file(cfile, (size_t)4 << 20, &ctext) == 0;
            if (have)
                adopt_check_markers_text(cfile, ctext.data, ctext.len, diags);
            else
                err_clear();
            free(cfile);
            struct test_case *tc = NULL;
            if (test_case_load_text(cdir, have ? ctext.data : NULL, ctext.len, m, &tc, diags) < 0)
                r = -1;
            buf_free(&ctext);
            if (tc) {
                loaded++;
                bool runs = !check_input_shapes(tc, diags);
                shows_working |= runs && tc->exit_code == 0;
            }
            test_case_free(tc);
            free(cdir);
            free(tests);
        }
        if (r >= 0 && cases.count && loaded == cases.count && !shows_working) {
            char *tests = path_join(dir, "tests");
            diag_add(diags, DIAG_WARNING, tests, 0, 0, "no-working-case",
                     "no case shows %s working: in every case all inputs are empty variables "
                     "(0 rows, 0 columns: Kestrel does not start the analytic, so the case is "
                     "skipped) or the analytic is expected to fail; add a case with rows in "
                     "which it succeeds, or a passing test run proves nothing",
                     m->name);
            free(tests);
        }
        strlist_free(&cases);
    }
cleanup:
    if (r >= 0 && keep && m) {
        keep->name = xstrdup(m->name);
        keep->path = xstrdup(m->path);
    }
    manifest_free(m);
    yaml_doc_free(doc);
    free(path);
    free(dir);
    if (r < 0)
        return -1;
    if (diag_count(diags, DIAG_ERROR) > errors_before)
        return 1;
    return strict && diag_count(diags, DIAG_WARNING) > warnings_before ? 1 : 0;
}

int analytic_validate(const char *root, const char *analytic_dir, bool strict,
                      struct diag_list *diags)
{
    return validate_one(root, analytic_dir, strict, false, diags, NULL);
}

/* One analytic of analytics_validate_all, checked by whichever worker takes it. */
struct job {
    char *dir;
    int result;
    char *error; /* err_last() of a failed (-1) check */
    struct diag_list diags;
    struct kept m; /* name NULL: no manifest loaded */
};

struct pool {
    const char *root;
    bool strict;
    struct job *jobs;
    size_t n;
    size_t next; /* atomic */
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
        if (i >= p->n)
            break;
        struct job *j = &p->jobs[i];
        j->result = validate_one(p->root, j->dir, p->strict, true, &j->diags, &j->m);
        if (j->result < 0)
            j->error = xstrdup(err_last());
    }
    return NULL;
}

#define VALIDATE_THREADS 4

/* Jobs by name, then by their order (the first of a name first). */
static int cmp_job_name(const void *a, const void *b, void *arg)
{
    const struct job *jobs = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(jobs[x].m.name, jobs[y].m.name);
    return c ? c : (x > y) - (x < y);
}

static int report_duplicate_names(const struct pool *p, struct diag_list *diags, int worst)
{
    size_t *order = xcalloc(p->n + 1, sizeof *order), n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->jobs[i].m.name)
            order[n++] = i;
    qsort_r(order, n, sizeof *order, cmp_job_name, p->jobs);
    /* the findings in the order of the analytics, as they were found before sorting */
    size_t *first = xcalloc(p->n + 1, sizeof *first);
    bool *dup = xcalloc(p->n + 1, sizeof *dup);
    for (size_t i = 1; i < n; i++) {
        const struct job *a = &p->jobs[order[i]], *b = &p->jobs[order[i - 1]];
        if (!strcmp(a->m.name, b->m.name)) {
            dup[order[i]] = true;
            first[order[i]] = dup[order[i - 1]] ? first[order[i - 1]] : order[i - 1];
        }
    }
    for (size_t i = 0; i < p->n; i++) {
        if (!dup[i])
            continue;
        const struct kept *a = &p->jobs[i].m, *b = &p->jobs[first[i]].m;
        diag_add(diags, DIAG_ERROR, a->path, 0, 0, "duplicate-name",
                 "name '%s' (image " IMAGE_PREFIX "%s) is also used by %s", a->name, a->name,
                 b->path);
        worst = 1;
    }
    free(order);
    free(first);
    free(dup);
    return worst;
}

int analytics_validate_all(const char *root, bool strict, struct diag_list *diags, size_t *checked)
{
    struct fs_names names = {0};
    if (repo_list_analytics(root, &names) < 0)
        return -1;
    if (checked)
        *checked = names.count;
    if (catalog_load() < 0) {
        fs_names_free(&names);
        return -1;
    }
    char *adir = strcmp(root, ".") ? path_join(root, "analytics") : xstrdup("analytics");
    struct pool p = {root, strict, xcalloc(names.count + 1, sizeof(struct job)), names.count, 0};
    for (size_t i = 0; i < names.count; i++)
        p.jobs[i].dir = path_join(adir, names.names[i]);
    /* the checks are I/O- and allocation-bound and share only read-only schemas */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = cpus > 1 ? (size_t)cpus : 1;
    if (nthreads > VALIDATE_THREADS)
        nthreads = VALIDATE_THREADS;
    if (nthreads > names.count / 8)
        nthreads = names.count / 8 ? names.count / 8 : 1;
    pthread_t tids[VALIDATE_THREADS];
    size_t started = 0;
    for (size_t t = 1; t < nthreads; t++)
        if (pthread_create(&tids[started], NULL, worker, &p) == 0)
            started++;
    worker(&p);
    for (size_t t = 0; t < started; t++)
        pthread_join(tids[t], NULL);

    /* findings in the order of the analytics, whatever thread found them */
    int worst = 0;
    for (size_t i = 0; i < names.count; i++) {
        struct job *j = &p.jobs[i];
        if (j->diags.count) {
            ARRAY_GROW(diags->items, diags->count + j->diags.count, diags->cap);
            memcpy(diags->items + diags->count, j->diags.items,
                   j->diags.count * sizeof *j->diags.items);
            diags->count += j->diags.count;
        }
        free(j->diags.items);
        if (j->result < 0 && worst >= 0) {
            err_set("%s", j->error);
            worst = -1;
        } else if (worst >= 0 && j->result > worst) {
            worst = j->result;
        }
    }
    /* repository-wide: two manifests claiming one name (hence one image); each later one
     * names the first, in the order of the analytics */
    if (worst >= 0)
        worst = report_duplicate_names(&p, diags, worst);
    for (size_t i = 0; i < names.count; i++) {
        free(p.jobs[i].m.name);
        free(p.jobs[i].m.path);
        free(p.jobs[i].dir);
        free(p.jobs[i].error);
    }
    free(p.jobs);
    free(adir);
    fs_names_free(&names);
    return worst;
}
