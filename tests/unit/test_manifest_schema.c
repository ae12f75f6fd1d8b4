/* Unit tests of tool/manifest/schema.c beyond the official suite: the pointers, keys and
 * messages our findings are built from, ECMA escapes in patterns, refused patterns and refs,
 * and the suggestion helper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/schema.h"

#include <string.h>

static struct schema *compile(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (!j)
        fail_msg("bad test schema: %s", jerr.text);
    struct schema *s;
    struct schema_errors probs = {0};
    if (schema_new(j, &s, &probs) < 0)
        fail_msg("refused: %s", probs.items[0].message);
    json_decref(j);
    return s;
}

static void check(struct schema *s, const char *instance, size_t n, const char *pointer,
                  const char *keyword, bool at_key, const char *part)
{
    json_t *j = json_loads(instance, JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    struct schema_errors errs = {0};
    assert_int_equal(schema_validate(s, j, &errs), n);
    if (n) {
        assert_string_equal(errs.items[0].pointer, pointer);
        assert_string_equal(errs.items[0].keyword, keyword);
        assert_int_equal(errs.items[0].at_key, at_key);
        if (!strstr(errs.items[0].message, part))
            fail_msg("message '%s' lacks '%s'", errs.items[0].message, part);
    }
    schema_errors_free(&errs);
    json_decref(j);
}

static void test_findings_shape(void **state)
{
    (void)state;
    struct schema *s =
        compile("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"name\"],"
                "\"properties\":{\"name\":{\"type\":\"string\",\"pattern\":\"^[a-z]\\\\d*$\"},"
                "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/item\"}}},"
                "\"definitions\":{\"item\":{\"enum\":[\"alpha\",\"beta\"]}}}");
    check(s, "{\"name\":\"a12\"}", 0, "", "", false, "");
    check(s, "{}", 1, "", "required", false, "missing required key 'name'");
    check(s, "{\"name\":\"a\",\"itmes\":1}", 1, "/itmes", "additionalProperties", true,
          "unknown key 'itmes' (did you mean 'items'?)");
    /* \d is translated for POSIX regcomp */
    check(s, "{\"name\":\"a1x\"}", 1, "/name", "pattern", false,
          "'a1x' does not match the pattern ^[a-z]\\d*$");
    check(s, "{\"name\":\"a\",\"items\":[\"alpha\",\"bta\"]}", 1, "/items/1", "enum", false,
          "'bta' is not one of: alpha, beta (did you mean 'beta'?)");
    check(s, "{\"name\":5}", 1, "/name", "type", false, "expected string, got integer 5");
    schema_free(s);
}

/* anyOf/oneOf report the closest branch's findings rather than a bare "no match". */
static void test_combinator_messages(void **state)
{
    (void)state;
    struct schema *s = compile("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"array\","
                               "\"items\":{\"type\":\"integer\"}}]}");
    check(s, "[1,\"x\"]", 1, "/1", "type", false, "expected integer, got string 'x'");
    check(s, "\"ok\"", 0, "", "", false, "");
    schema_free(s);
}

/* Patterns under a home-made container reached by $ref are compiled too. */
static void test_pattern_in_ref_container(void **state)
{
    (void)state;
    struct schema *s = compile("{\"mine\":{\"id\":{\"type\":\"string\",\"pattern\":\"^x[0-9]+$\"}},"
                               "\"properties\":{\"a\":{\"$ref\":\"#/mine/id\"}}}");
    check(s, "{\"a\":\"x12\"}", 0, "", "", false, "");
    check(s, "{\"a\":\"y12\"}", 1, "/a", "pattern", false, "does not match");
    schema_free(s);
}

static void test_refused_schemas(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"$ref\":\"http://example.org/s.json\"}",
        "{\"$ref\":\"#/definitions/none\"}",
        "{\"pattern\":\"(?=a)b\"}",
        "{\"format\":\"date-time\"}",
        "{\"contentMediaType\":\"text/html\"}",
        "{\"properties\":{\"a\":{\"$id\":\"#x\"}}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        struct schema *s = NULL;
        struct schema_errors probs = {0};
        if (schema_new(j, &s, &probs) != -1)
            fail_msg("accepted %s", bad[i]);
        assert_null(s);
        assert_true(probs.count >= 1);
        schema_errors_free(&probs);
        json_decref(j);
    }
}

static void test_suggest_and_equal(void **state)
{
    (void)state;
    const char *const c[] = {"network-traffic", "process", "file"};
    assert_string_equal(suggest_closest("network-trafic", c, 3), "network-traffic");
    assert_string_equal(suggest_closest("PROCESS", c, 3), "process");
    assert_string_equal(suggest_closest("fiel", c, 3), "file");
    assert_null(suggest_closest("user-account", c, 3));
    json_t *a = json_loads("[1, {\"x\": 2.0}]", 0, NULL),
           *b = json_loads("[1.0, {\"x\": 2}]", 0, NULL);
    assert_true(json_value_equal(a, b));
    json_decref(b);
    b = json_loads("[1, {\"x\": 2.5}]", 0, NULL);
    assert_false(json_value_equal(a, b));
    json_decref(a);
    json_decref(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_findings_shape),           cmocka_unit_test(test_combinator_messages),
        cmocka_unit_test(test_pattern_in_ref_container), cmocka_unit_test(test_refused_schemas),
        cmocka_unit_test(test_suggest_and_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
