/* The official JSON-Schema-Test-Suite (Debian json-schema-test-suite, tests/draft7) run
 * against tool/manifest/schema.c for every keyword it implements. Every case's `valid` must
 * match. Skipped, and printed: groups whose schema needs a remote document ($ref to http...,
 * or a subschema $id that changes the base URI); refRemote.json as a whole; optional/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITE "/usr/share/json-schema-test-suite/tests/draft7/"

static const char *const files[] = {
    "additionalItems",
    "additionalProperties",
    "allOf",
    "anyOf",
    "boolean_schema",
    "const",
    "contains",
    "default",
    "definitions",
    "dependencies",
    "enum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "if-then-else",
    "items",
    "maxItems",
    "maxLength",
    "maxProperties",
    "maximum",
    "minItems",
    "minLength",
    "minProperties",
    "minimum",
    "multipleOf",
    "not",
    "oneOf",
    "pattern",
    "patternProperties",
    "properties",
    "propertyNames",
    "ref",
    "required",
    "type",
    "uniqueItems",
};

/* true when the schema needs a document other than itself */
static bool needs_remote(const json_t *v, bool root)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach ((json_t *)v, k, m) {
            if (!strcmp(k, "$ref") && json_is_string(m) && json_string_value(m)[0] != '#')
                return true;
            if (!strcmp(k, "$id") && !root)
                return true;
            if (strcmp(k, "enum") && strcmp(k, "const") && needs_remote(m, false))
                return true;
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (needs_remote(json_array_get(v, i), false))
                return true;
    }
    return false;
}

static void test_suite_file(const char *name, size_t *ran, size_t *skipped)
{
    char path[512];
    snprintf(path, sizeof path, SUITE "%s.json", name);
    json_error_t jerr;
    json_t *groups = json_load_file(path, JSON_DECODE_ANY, &jerr);
    if (!groups)
        fail_msg("%s: %s", path, jerr.text);
    for (size_t g = 0; g < json_array_size(groups); g++) {
        json_t *group = json_array_get(groups, g);
        const char *desc = json_string_value(json_object_get(group, "description"));
        json_t *sch = json_object_get(group, "schema");
        json_t *tests = json_object_get(group, "tests");
        if (needs_remote(sch, true)) {
            printf("  skipped %s.json: \"%s\" (remote reference)\n", name, desc);
            *skipped += json_array_size(tests);
            continue;
        }
        struct schema *s;
        struct schema_errors probs = {0};
        if (schema_new(sch, &s, &probs) < 0)
            fail_msg("%s.json \"%s\": schema refused: %s: %s", name, desc, probs.items[0].pointer,
                     probs.items[0].message);
        for (size_t t = 0; t < json_array_size(tests); t++) {
            json_t *tc = json_array_get(tests, t);
            bool want = json_is_true(json_object_get(tc, "valid"));
            struct schema_errors errs = {0};
            size_t n = schema_validate(s, json_object_get(tc, "data"), &errs);
            if ((n == 0) != want)
                fail_msg("%s.json \"%s\" / \"%s\": expected %s, got %s%s", name, desc,
                         json_string_value(json_object_get(tc, "description")),
                         want ? "valid" : "invalid", n ? "invalid: " : "valid",
                         n ? errs.items[0].message : "");
            /* an invalid verdict always comes with at least one message */
            if (!want)
                assert_true(errs.count > 0 && errs.items[0].message[0]);
            schema_errors_free(&errs);
            (*ran)++;
        }
        schema_free(s);
    }
    json_decref(groups);
}

static void test_draft7_suite(void **state)
{
    (void)state;
    size_t ran = 0, skipped = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        test_suite_file(files[i], &ran, &skipped);
    printf("  JSON-Schema-Test-Suite draft7: %zu cases passed, %zu skipped (remote refs); "
           "not run: refRemote.json, optional/\n",
           ran, skipped);
    assert_true(ran >= 400); /* 402 in the Debian 2023 suite */
}

/* A keyword outside the subset is refused by name, never ignored. */
static void test_unsupported_keyword_reported(void **state)
{
    (void)state;
    json_t *sch = json_loads("{\"type\":\"object\",\"properties\":{\"a\":{\"format\":\"email\"}},"
                             "\"frobnicate\":1}",
                             0, NULL);
    struct schema *s;
    struct schema_errors probs = {0};
    assert_int_equal(schema_new(sch, &s, &probs), -1);
    assert_int_equal(probs.count, 2);
    int seen = 0;
    for (size_t i = 0; i < probs.count; i++) {
        if (!strcmp(probs.items[i].pointer, "/properties/a/format"))
            seen |= 1;
        if (!strcmp(probs.items[i].pointer, "/frobnicate"))
            seen |= 2;
        assert_non_null(strstr(probs.items[i].message, "unsupported keyword"));
    }
    assert_int_equal(seen, 3);
    schema_errors_free(&probs);
    json_decref(sch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draft7_suite),
        cmocka_unit_test(test_unsupported_keyword_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
