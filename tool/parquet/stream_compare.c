/* Streaming equality of two Parquet files (stream_compare.h). One producer thread per file
 * decodes the planned columns in order, column by column and row group by row group, into a
 * one-slot hand-off; the calling thread compares the overlap of the two current chunks
 * (compare_column_range_identical) and moves on whichever side it used up. So each file's
 * decoding runs in parallel with the other's whatever the row-group layouts, and at most three
 * chunks per file are alive: the one compared, the one handed off, the one being decoded. */
#include "stream_compare.h"
#include "parquet.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One column chunk handed from a producer to the comparer. */
struct chunk {
    struct pq_table t; /* one column */
    size_t rows;
    bool ok;   /* decoded as planned */
    bool last; /* no chunk follows (end of the plan, or the producer stopped) */
};

struct producer {
    struct pq_reader *r;
    const size_t *cols; /* planned column indexes of this file */
    size_t ncols;
    size_t nrg;
    bool *want;
    pthread_t thread;
    bool started;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct chunk slot;
    bool full;
    bool stop; /* set by the comparer: a difference, nothing more needed */
};

static bool stopped(struct producer *p)
{
    pthread_mutex_lock(&p->mu);
    bool s = p->stop;
    pthread_mutex_unlock(&p->mu);
    return s;
}

/* Waits for the slot to be free, then fills it; false when told to stop. */
static bool hand_off(struct producer *p, const struct chunk *c)
{
    pthread_mutex_lock(&p->mu);
    while (p->full && !p->stop)
        pthread_cond_wait(&p->cv, &p->mu);
    bool stop = p->stop;
    if (!stop) {
        p->slot = *c;
        p->full = true;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return !stop;
}

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (size_t k = 0; k < p->ncols; k++) {
        for (size_t g = 0; g < p->nrg; g++) {
            if (stopped(p))
                return NULL;
            struct chunk c = {PQ_TABLE_INIT, (size_t)pq_reader_row_group_rows(p->r, g), false,
                              false};
            p->want[p->cols[k]] = true;
            int rc = pq_reader_read_row_group(p->r, g, p->want, &c.t);
            p->want[p->cols[k]] = false;
            c.ok = rc == 0 && c.t.ncols == 1 && column_rows(&c.t.cols[0]) == c.rows;
            c.last = !c.ok || (k + 1 == p->ncols && g + 1 == p->nrg);
            if (!hand_off(p, &c)) {
                table_free(&c.t);
                return NULL;
            }
            if (c.last)
                return NULL;
        }
    }
    struct chunk end = {PQ_TABLE_INIT, 0, true, true}; /* no columns planned */
    hand_off(p, &end);
    return NULL;
}

/* The next chunk of a producer (blocks until it is there). */
static struct chunk take(struct producer *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->full)
        pthread_cond_wait(&p->cv, &p->mu);
    struct chunk c = p->slot;
    p->full = false;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return c;
}

static void producer_stop(struct producer *p)
{
    if (!p->started)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    if (p->full)
        table_free(&p->slot.t);
    p->full = false;
    p->started = false;
}

static bool listed(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

static long find_column(struct pq_reader *r, const char *name)
{
    size_t n = pq_reader_num_columns(r);
    for (size_t j = 0; j < n; j++)
        if (!strcmp(pq_reader_column(r, j)->name, name))
            return (long)j;
    return -1;
}

/* Pairs of column indexes (pa[i], pb[i]) to compare; false when the schemas differ, or a key
 * column is missing (the full comparison reports that). */
static bool plan(struct pq_reader *ra, struct pq_reader *rb, const struct compare_options *o,
                 size_t *pa, size_t *pb, size_t *n)
{
    size_t na = pq_reader_num_columns(ra), nb = pq_reader_num_columns(rb), kb = 0;
    *n = 0;
    for (size_t k = 0; k < o->nkey; k++)
        if (find_column(ra, o->key[k]) < 0 || find_column(rb, o->key[k]) < 0)
            return false;
    for (size_t j = 0; j < nb; j++)
        kb += !listed(o->ignore, o->nignore, pq_reader_column(rb, j)->name);
    for (size_t i = 0; i < na; i++) {
        const struct pq_schema_column *ca = pq_reader_column(ra, i);
        if (listed(o->ignore, o->nignore, ca->name))
            continue;
        long j = find_column(rb, ca->name);
        if (j < 0)
            return false;
        const struct pq_schema_column *cb = pq_reader_column(rb, (size_t)j);
        if (ca->is_list != cb->is_list || !pq_type_equal(&ca->type, &cb->type))
            return false;
        if (o->strict_column_order && *n && (size_t)j < pb[*n - 1])
            return false;
        pa[*n] = i;
        pb[*n] = (size_t)j;
        (*n)++;
    }
    return *n == kb;
}

static void producer_init(struct producer *p, struct pq_reader *r, const size_t *cols, size_t n)
{
    memset(p, 0, sizeof *p);
    p->r = r;
    p->cols = cols;
    p->ncols = n;
    p->nrg = pq_reader_num_row_groups(r);
    p->want = xcalloc(pq_reader_num_columns(r) + 1, sizeof *p->want);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
}

static void producer_free(struct producer *p)
{
    producer_stop(p);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->want);
}

/* Walks both chunk streams in step; true when every planned column is identical. */
static bool compare_streams(struct producer *pa, struct producer *pb, uint64_t rows, size_t ncols,
                            bool nan_equal)
{
    struct chunk ca = {PQ_TABLE_INIT, 0, true, false}, cb = ca;
    size_t ia = 0, ib = 0; /* rows of the current chunks already compared */
    bool have_a = false, have_b = false, same = true;
    for (size_t k = 0; same && k < ncols; k++) {
        uint64_t done = 0;
        while (same && done < rows) {
            if (!have_a || ia == ca.rows) {
                if (have_a && ca.last) { /* the stream ended before the rows did */
                    same = false;
                    break;
                }
                if (have_a)
                    table_free(&ca.t);
                ca = take(pa), ia = 0, have_a = true;
            }
            if (!have_b || ib == cb.rows) {
                if (have_b && cb.last) {
                    same = false;
                    break;
                }
                if (have_b)
                    table_free(&cb.t);
                cb = take(pb), ib = 0, have_b = true;
            }
            if (!ca.ok || !cb.ok) {
                same = false;
                break;
            }
            size_t n = ca.rows - ia < cb.rows - ib ? ca.rows - ia : cb.rows - ib;
            same =
                compare_column_range_identical(&ca.t.cols[0], ia, &cb.t.cols[0], ib, n, nan_equal);
            ia += n, ib += n, done += n;
        }
    }
    if (have_a)
        table_free(&ca.t);
    if (have_b)
        table_free(&cb.t);
    return same;
}

/* The row groups' rows sum to the file's (the streams are cut into columns by them). */
static bool groups_add_up(struct pq_reader *r, uint64_t rows)
{
    uint64_t sum = 0;
    for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        uint64_t n = pq_reader_row_group_rows(r, g);
        if (n > rows - sum)
            return false;
        sum += n;
    }
    return sum == rows;
}

int pq_stream_identical(const char *expected, const char *actual, const struct compare_options *o,
                        struct compare_result *res)
{
    struct pq_reader *ra = NULL, *rb = NULL;
    size_t *cols_a = NULL, *cols_b = NULL, n = 0;
    int same = 0;
    if (pq_reader_open(&ra, expected, NULL) < 0 || pq_reader_open(&rb, actual, NULL) < 0)
        goto cleanup;
    uint64_t rows = pq_reader_num_rows(ra);
    if (rows != pq_reader_num_rows(rb) || !groups_add_up(ra, rows) || !groups_add_up(rb, rows))
        goto cleanup;
    cols_a = xcalloc(pq_reader_num_columns(ra) + 1, sizeof *cols_a);
    cols_b = xcalloc(pq_reader_num_columns(ra) + 1, sizeof *cols_b);
    if (!plan(ra, rb, o, cols_a, cols_b, &n))
        goto cleanup;
    if (n && rows) {
        struct producer pa, pb;
        producer_init(&pa, ra, cols_a, n);
        producer_init(&pb, rb, cols_b, n);
        pa.started = pthread_create(&pa.thread, NULL, produce, &pa) == 0;
        pb.started = pa.started && pthread_create(&pb.thread, NULL, produce, &pb) == 0;
        bool ok = pa.started && pb.started && compare_streams(&pa, &pb, rows, n, o->nan_equal);
        producer_free(&pa);
        producer_free(&pb);
        if (!ok)
            goto cleanup;
    }
    memset(res, 0, sizeof *res);
    res->equal = res->fast_path = true;
    res->expected_rows = res->actual_rows = (size_t)rows;
    res->compared_columns = n;
    same = 1;
cleanup:
    free(cols_a);
    free(cols_b);
    if (ra)
        pq_reader_free(ra);
    if (rb)
        pq_reader_free(rb);
    err_clear();
    return same;
}

/* ---- the whole comparison of two files ---- */

struct load_job {
    const char *path;
    struct pq_table t;
    int rc;
    char *error; /* the error slot is per thread: the loader's message, carried back */
};

static void *load(void *arg)
{
    struct load_job *j = arg;
    j->rc = pq_read_file(j->path, &j->t);
    if (j->rc < 0)
        j->error = xstrdup(err_last());
    return NULL;
}

int pq_compare_files(const char *expected, const char *actual, const struct compare_options *o,
                     struct compare_result *res)
{
    if (pq_stream_identical(expected, actual, o, res))
        return 0;
    struct load_job jobs[2] = {{expected, PQ_TABLE_INIT, 0, NULL},
                               {actual, PQ_TABLE_INIT, 0, NULL}};
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, load, &jobs[1]) == 0;
    load(&jobs[0]);
    if (threaded)
        pthread_join(th, NULL);
    else
        load(&jobs[1]);
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++)
        if (jobs[i].rc < 0)
            rc = err_set("%s", jobs[i].error);
    if (rc == 0)
        rc = compare_tables(&jobs[0].t, &jobs[1].t, o, res);
    for (int i = 0; i < 2; i++) {
        table_free(&jobs[i].t);
        free(jobs[i].error);
    }
    return rc;
}
