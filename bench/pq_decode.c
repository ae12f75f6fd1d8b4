/* Benchmark driver for bench/parquet-read.sh: decodes every column of every row group of a
 * Parquet file through the library (nothing printed), or inflates its GZIP pages with raw
 * zlib (the floor a gzip reader cannot beat). Prints one line of key=value results.
 *   pq_decode FILE [REPEAT]        full decode; best time, rows, largest row group, peak RSS
 *   pq_decode --inflate FILE [REPEAT]  zlib inflate of every page payload only
 *   pq_decode --head FILE [N]      open + first N rows of every column (best of 5) */
#include "parquet/metadata.h"
#include "parquet/parquet.h"
#include "util/error.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <malloc.h>
#include <zlib.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Bytes the decoded values occupy (values, validity, offsets, string data), not counting
 * spare capacity. */
static size_t table_bytes(const struct pq_table *t)
{
    size_t n = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        const struct pq_column *col = &t->cols[c];
        const struct pq_vector *v = &col->values;
        size_t w =
            v->type.physical == PQ_BOOLEAN                                                     ? 1
            : v->type.physical == PQ_INT32 || v->type.physical == PQ_FLOAT                     ? 4
            : v->type.physical == PQ_BYTE_ARRAY || v->type.physical == PQ_FIXED_LEN_BYTE_ARRAY ? 0
                                                                                               : 8;
        n += v->len * w + (v->valid ? v->len : 0) + v->data_len;
        if (v->offsets)
            n += (v->len + 1) * 8;
        if (col->is_list)
            n += (col->list_len + 1) * 8 + (col->list_valid ? col->list_len : 0);
    }
    return n;
}

static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int decode(const char *path, int repeat)
{
    double best = 1e30, best_cpu = 1e30;
    size_t largest = 0;
    unsigned long long rows = 0;
    for (int i = 0; i < repeat; i++) {
        double t0 = now_ms(), c0 = cpu_ms();
        struct pq_reader *r;
        if (pq_reader_open(&r, path, NULL) < 0) {
            fprintf(stderr, "%s\n", err_last());
            return 1;
        }
        rows = 0;
        for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
            struct pq_table t;
            if (pq_reader_read_row_group(r, g, NULL, &t) < 0) {
                fprintf(stderr, "%s\n", err_last());
                pq_reader_free(r);
                return 1;
            }
            size_t b = table_bytes(&t);
            if (b > largest)
                largest = b;
            rows += t.nrows;
            table_free(&t);
        }
        pq_reader_free(r);
        double ms = now_ms() - t0, cms = cpu_ms() - c0;
        if (ms < best)
            best = ms;
        if (cms < best_cpu)
            best_cpu = cms;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("ms=%.1f cpu_ms=%.1f rows=%llu largest_rowgroup_bytes=%zu peak_rss_bytes=%ld\n", best,
           best_cpu, rows, largest, ru.ru_maxrss * 1024L);
    return 0;
}

static int inflate_pages(const char *path, int repeat)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        perror(path);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    const uint8_t *d = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    uint32_t flen;
    memcpy(&flen, d + size - 8, 4);
    struct pq_file_meta m;
    if (pq_meta_parse(&m, d + size - 8 - flen, flen) < 0) {
        fprintf(stderr, "%s\n", err_last());
        return 1;
    }
    uint8_t *out = NULL;
    size_t out_cap = 0;
    z_stream z = {0};
    inflateInit2(&z, 15 + 32);
    double best = 1e30;
    unsigned long long bytes = 0;
    for (int rep = 0; rep < repeat; rep++) {
        double total = 0;
        bytes = 0;
        for (uint32_t g = 0; g < m.nrow_groups; g++)
            for (uint32_t c = 0; c < m.row_groups[g].ncolumns; c++) {
                const struct pq_column_meta *cm = &m.row_groups[g].columns[c].meta;
                int64_t start = cm->data_page_offset;
                if (cm->dictionary_page_offset > 0 && cm->dictionary_page_offset < start)
                    start = cm->dictionary_page_offset;
                size_t pos = (size_t)start, end = pos + (size_t)cm->total_compressed_size;
                while (pos < end) {
                    struct pq_page_header h;
                    size_t hl;
                    if (pq_page_header_parse(&h, d + pos, end - pos, &hl) < 0)
                        return 1;
                    const uint8_t *p = d + pos + hl;
                    size_t comp = (size_t)h.compressed_size, unc = (size_t)h.uncompressed_size;
                    if (h.type == PQ_PAGE_DATA_V2) { /* levels are not compressed */
                        p += h.rep_len + h.def_len;
                        comp -= (size_t)(h.rep_len + h.def_len);
                        unc -= (size_t)(h.rep_len + h.def_len);
                    }
                    if (unc > out_cap) {
                        free(out);
                        out = malloc(unc);
                        out_cap = unc;
                    }
                    double t0 = thread_cpu_ms();
                    inflateReset(&z);
                    z.next_in = (Bytef *)p;
                    z.avail_in = (uInt)comp;
                    z.next_out = out;
                    z.avail_out = (uInt)unc;
                    while (inflate(&z, Z_FINISH) == Z_STREAM_END && z.avail_in)
                        inflateReset(&z);
                    total += thread_cpu_ms() - t0;
                    bytes += unc;
                    pos += hl + (size_t)h.compressed_size;
                }
            }
        if (total < best)
            best = total;
    }
    printf("inflate_cpu_ms=%.1f bytes=%llu\n", best, bytes);
    inflateEnd(&z);
    free(out);
    pq_meta_free(&m);
    return 0;
}

/* Open + the first n rows of every column: the library work behind `show --head n`. */
static int head(const char *path, uint64_t n)
{
    double best = 1e30;
    for (int i = 0; i < 5; i++) {
        double t0 = now_ms();
        struct pq_reader *r;
        if (pq_reader_open(&r, path, NULL) < 0) {
            fprintf(stderr, "%s\n", err_last());
            return 1;
        }
        struct pq_table t;
        if (pq_reader_read_row_group_head(r, 0, NULL, n, &t) < 0) {
            fprintf(stderr, "%s\n", err_last());
            pq_reader_free(r);
            return 1;
        }
        table_free(&t);
        pq_reader_free(r);
        double ms = now_ms() - t0;
        if (ms < best)
            best = ms;
    }
    printf("head_ms=%.2f\n", best);
    return 0;
}

int main(int argc, char **argv)
{
    /* Keep freed row-group buffers in the heap for the next row group instead of returning
     * them to the kernel and faulting them in again (a process-wide choice the command makes,
     * not the library; DuckDB's buffer manager reuses its memory the same way). */
    if (!getenv("PQ_BENCH_DEFAULT_MALLOC")) {
        mallopt(M_MMAP_THRESHOLD, 1 << 30);
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
    }
    if (argc >= 3 && !strcmp(argv[1], "--head"))
        return head(argv[2], argc > 3 ? (uint64_t)atoll(argv[3]) : 10);
    if (argc >= 3 && !strcmp(argv[1], "--inflate"))
        return inflate_pages(argv[2], argc > 3 ? atoi(argv[3]) : 3);
    if (argc < 2) {
        fprintf(stderr, "usage: pq_decode [--inflate] FILE [REPEAT]\n");
        return 2;
    }
    return decode(argv[1], argc > 2 ? atoi(argv[2]) : 3);
}
