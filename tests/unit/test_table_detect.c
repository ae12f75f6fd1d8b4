/* Unit tests of tool/table/detect.c: the format `kanalytic convert` gives a file, from its name,
 * a --format word or its first bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "table/detect.h"

#include <string.h>

static void test_from_name(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum detect_format want;
    } cases[] = {
        {"tests/basic/input/0.parquet.gz", DETECT_PARQUET},
        {"out.parquet", DETECT_PARQUET},
        {"OUT.PARQUET.GZ", DETECT_PARQUET},
        {"x.pq", DETECT_PARQUET},
        {"procs.csv", DETECT_CSV},
        {"procs.CSV", DETECT_CSV},
        {"a.jsonl", DETECT_JSONL},
        {"a.ndjson", DETECT_JSONL},
        {"a.json", DETECT_JSONL},
        {"a.Json", DETECT_JSONL},
        {"out.unknown", DETECT_NONE},
        {"csv", DETECT_NONE}, /* a name that is only the word, not an extension */
        {"a.csv.gz", DETECT_NONE},
        {"a.gz", DETECT_NONE},
        {"", DETECT_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        enum detect_format got = detect_from_name(cases[i].name);
        if (got != cases[i].want)
            fail_msg("'%s': format %d, not %d", cases[i].name, got, cases[i].want);
    }
}

static void test_from_word(void **state)
{
    (void)state;
    assert_int_equal(detect_from_word("csv"), DETECT_CSV);
    assert_int_equal(detect_from_word("CSV"), DETECT_CSV);
    assert_int_equal(detect_from_word("jsonl"), DETECT_JSONL);
    assert_int_equal(detect_from_word("ndjson"), DETECT_JSONL);
    assert_int_equal(detect_from_word("parquet"), DETECT_PARQUET);
    assert_int_equal(detect_from_word("json"), DETECT_NONE); /* a name, not a --format word */
    assert_int_equal(detect_from_word("pq"), DETECT_NONE);
    assert_int_equal(detect_from_word(""), DETECT_NONE);
}

static enum detect_format sniff(const char *s)
{
    return detect_sniff(s, strlen(s));
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(detect_sniff("PAR1\0\0", 6), DETECT_PARQUET);
    assert_int_equal(sniff("PAR"), DETECT_CSV); /* too short for the magic */
    assert_int_equal(sniff("{\"a\": 1}\n"), DETECT_JSONL);
    assert_int_equal(sniff(" \r\n\t{\"a\": 1}\n"), DETECT_JSONL);
    assert_int_equal(sniff("a,b\n1,2\n"), DETECT_CSV);
    assert_int_equal(sniff("  [1, 2]\n"), DETECT_CSV);
    assert_int_equal(sniff(""), DETECT_CSV);
    assert_int_equal(sniff(" \n\n"), DETECT_CSV);
    /* only the first len bytes count */
    assert_int_equal(detect_sniff("  {", 2), DETECT_CSV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_name),
        cmocka_unit_test(test_from_word),
        cmocka_unit_test(test_sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
