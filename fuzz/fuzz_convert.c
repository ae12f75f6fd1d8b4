/* libFuzzer target for `kanalytic convert` (tool/cmd/convert.c) and the Parquet writer.
 * Input: one selector byte (bit 0: JSON Lines else CSV; bit 1: add a --schema; bit 2: no
 * dictionary; bits 3-4: codec), then the text. Differential check: converting the text
 * straight to JSON Lines and going text -> Parquet (writer) -> JSON Lines (reader) must both
 * fail or both succeed with identical output. */
#include "cmd/cmd.h"
#include "util/buf.h"
#include "util/fs.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/fuzz-convert.XXXXXX";
static char in_csv[64], in_jsonl[64], direct[64], pq[64], via[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (!mkdtemp(dir))
        abort();
    snprintf(in_csv, sizeof in_csv, "%s/in.csv", dir);
    snprintf(in_jsonl, sizeof in_jsonl, "%s/in.jsonl", dir);
    snprintf(direct, sizeof direct, "%s/direct.jsonl", dir);
    snprintf(pq, sizeof pq, "%s/out.parquet", dir);
    snprintf(via, sizeof via, "%s/via.jsonl", dir);
    return 0;
}

/* Runs convert with stderr silenced; returns its exit code. */
static int convert(int argc, char **argv)
{
    fflush(stderr);
    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    close(devnull);
    int rc = cmd_convert(argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return rc;
}

static void slurp(const char *path, struct buf *out)
{
    buf_reset(out);
    if (fs_read_file(path, (size_t)1 << 30, out) < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    unsigned sel = data[0];
    const char *in = sel & 1 ? in_jsonl : in_csv;
    if (fs_write_atomic(in, data + 1, size - 1) < 0)
        abort();
    static const char *codecs[] = {"none", "snappy", "gzip", "zstd"};
    char *a1[] = {"convert", (char *)in, direct, "--schema", "a:int32,b:list<string>", NULL};
    char *a2[] = {"convert", (char *)in,  pq,   "--compression", (char *)codecs[(sel >> 3) & 3],
                  sel & 4 ? "--no-dictionary" : "--row-group-rows=3",
                  "--schema", "a:int32,b:list<string>", NULL};
    int n1 = sel & 2 ? 5 : 3, n2 = sel & 2 ? 8 : 6;
    int r1 = convert(n1, a1), r2 = convert(n2, a2);
    if ((r1 == 0) != (r2 == 0))
        abort(); /* the writer refused what the renderer accepted, or the reverse */
    if (r1 == 0) {
        char *a3[] = {"convert", pq, via, NULL};
        if (convert(3, a3) != 0)
            abort(); /* our own file does not read back */
        struct buf x = BUF_INIT, y = BUF_INIT;
        slurp(direct, &x);
        slurp(via, &y);
        if (x.len != y.len || memcmp(x.data, y.data, x.len))
            abort(); /* values changed through the writer and the reader */
        buf_free(&x);
        buf_free(&y);
    }
    unlink(direct);
    unlink(pq);
    unlink(via);
    return 0;
}
