/* libFuzzer target for convert's library (table/infer.h, table/csv.h, table/jsonl.h) and the
 * Parquet writer and reader, all in memory. Input: one selector byte (bit 0: JSON Lines else
 * CSV; bit 1: add the schema "a:int32,b:list<string>"; bit 2: no dictionary, else 3-row row
 * groups; bits 3-4: codec), then the text. Differential check: the text read into a table and
 * rendered as JSON Lines must equal the same table written to Parquet, read back and rendered;
 * a table the writer refuses, or a file of ours the reader refuses, is a finding. */
#include "parquet/parquet.h"
#include "table/csv.h"
#include "table/infer.h"
#include "table/jsonl.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Renders every row group of the Parquet bytes as JSON Lines; aborts when they do not read. */
static void read_back(const struct buf *file, struct buf *out)
{
    struct pq_reader *r;
    if (pq_reader_open_memory(&r, file->data, file->len, "fuzz.parquet", NULL) < 0)
        abort(); /* our own file does not open */
    for (size_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        struct pq_table t;
        if (pq_reader_read_row_group(r, g, NULL, &t) < 0)
            abort(); /* our own file does not read back */
        jsonl_write_rows(out, &t, 0, t.nrows);
        table_free(&t);
    }
    pq_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    unsigned sel = data[0];
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    struct text_schema schema = TEXT_SCHEMA_INIT;
    if ((sel & 2) && text_schema_parse("a:int32,b:list<string>", &schema) < 0)
        abort();
    struct pq_table t;
    if (table_from_text(text, size - 1, sel & 1 ? TEXT_JSONL : TEXT_CSV, &schema, &t) == 0) {
        static const enum pq_codec codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY,
                                               PQ_CODEC_GZIP, PQ_CODEC_ZSTD};
        struct pq_writer_options w = PQ_WRITER_OPTIONS_INIT;
        w.codec = codecs[(sel >> 3) & 3];
        if (sel & 4)
            w.dictionary = false;
        else /* small row groups, but not hundreds: each is a page per column through the
              * codec, and gzip/zstd set-up under ASan made long texts 5x slower */
            w.row_group_rows = t.nrows > 48 ? 16 : 3;
        struct buf direct = BUF_INIT, file = BUF_INIT, via = BUF_INIT;
        jsonl_write_rows(&direct, &t, 0, t.nrows);
        csv_write_header(&via, &t, "\n"); /* the CSV writer runs too; its text is dropped */
        csv_write_rows(&via, &t, 0, t.nrows, "\r\n");
        buf_reset(&via);
        if (pq_write_buffer(&file, &t, &w) < 0)
            abort(); /* the writer refused a table the text reader made */
        read_back(&file, &via);
        if (direct.len != via.len || memcmp(direct.data, via.data, direct.len))
            abort(); /* values changed through the writer and the reader */
        buf_free(&direct);
        buf_free(&file);
        buf_free(&via);
        table_free(&t);
    }
    text_schema_free(&schema);
    free(text);
    return 0;
}
