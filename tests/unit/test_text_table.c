/* Tests of table_from_text (tool/table/infer.c) and the CSV / JSON Lines writers, in memory:
 * what `kanalytic convert` and fuzz_convert use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "table/csv.h"
#include "table/infer.h"
#include "table/jsonl.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* table_from_text over a copy of s (it unquotes CSV in place). */
static int parse(const char *s, enum text_format f, struct text_schema *schema, struct pq_table *t)
{
    char *copy = strdup(s);
    int rc = table_from_text(copy, strlen(copy), f, schema, t);
    free(copy);
    return rc;
}

static void test_csv_inference_and_round_trip(void **state)
{
    (void)state;
    struct pq_table t;
    assert_int_equal(
        parse("id,n,x,ok,s\r\n1,2,1.5,true,\"a,b\"\r\n2,,2,false,\"\"\r\n", TEXT_CSV, NULL, &t), 0);
    assert_int_equal(t.nrows, 2);
    assert_int_equal(t.ncols, 5);
    assert_int_equal(t.cols[1].values.type.physical, PQ_INT64);
    assert_int_equal(t.cols[2].values.type.physical, PQ_DOUBLE);
    assert_int_equal(t.cols[3].values.type.physical, PQ_BOOLEAN);
    assert_true(column_is_null(&t.cols[1], 1));
    struct buf out = BUF_INIT;
    csv_write_header(&out, &t, "\n");
    csv_write_rows(&out, &t, 0, t.nrows, "\n");
    /* a null is an empty field; an empty string is "" */
    assert_string_equal(out.data, "id,n,x,ok,s\n1,2,1.5,true,\"a,b\"\n2,,2.0,false,\"\"\n");
    buf_free(&out);
    table_free(&t);
}

static void test_jsonl_and_schema(void **state)
{
    (void)state;
    struct text_schema schema = TEXT_SCHEMA_INIT;
    assert_int_equal(text_schema_parse("a:int32,b:list<string>", &schema), 0);
    struct pq_table t;
    assert_int_equal(parse("{\"a\": 1, \"b\": [\"x\", null]}\n\n{\"a\": null, \"b\": []}\n",
                           TEXT_JSONL, &schema, &t),
                     0);
    assert_int_equal(t.nrows, 2);
    assert_int_equal(t.cols[0].values.type.physical, PQ_INT32);
    assert_true(t.cols[1].is_list);
    struct buf out = BUF_INIT;
    jsonl_write_rows(&out, &t, 0, t.nrows);
    assert_string_equal(out.data, "{\"a\": 1, \"b\": [\"x\", null]}\n{\"a\": null, \"b\": []}\n");
    buf_free(&out);
    table_free(&t);
    text_schema_free(&schema);
}

static void test_errors_carry_the_line(void **state)
{
    (void)state;
    struct pq_table t;
    assert_int_equal(parse("a,b\n1,2\n3\n", TEXT_CSV, NULL, &t), -1);
    assert_string_equal(err_last(), "3: error: 1 field, the header has 2");
    assert_int_equal(t.ncols, 0); /* nothing half-built is handed back */
    assert_int_equal(parse("a\n\"x\n", TEXT_CSV, NULL, &t), -1);
    assert_non_null(strstr(err_last(), "2: error: unterminated quoted field"));
    assert_int_equal(parse("{\"a\": 1}\n{\"a\": \"\xff\"}\n", TEXT_JSONL, NULL, &t), -1);
    assert_non_null(strstr(err_last(), "2: error: invalid UTF-8"));
    struct text_schema schema = TEXT_SCHEMA_INIT;
    assert_int_equal(text_schema_parse("nope:int64", &schema), 0);
    assert_int_equal(parse("a\n1\n", TEXT_CSV, &schema, &t), -1);
    assert_non_null(strstr(err_last(), "'nope'"));
    text_schema_free(&schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_inference_and_round_trip),
        cmocka_unit_test(test_jsonl_and_schema),
        cmocka_unit_test(test_errors_carry_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
