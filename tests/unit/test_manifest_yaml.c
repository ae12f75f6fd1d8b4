/* Unit tests of tool/manifest/yaml.c: YAML 1.2 core scalars, positions of values and keys,
 * and every bad-input class (malformed, tabs, non-UTF-8, too large, deep nesting, alias
 * bombs, YAML 1.1 boolean keys, duplicate keys) ending in a positioned error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/yaml.h"
#include "util/buf.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct yaml_doc *parse_ok(const char *text, struct diag_list *diags)
{
    struct yaml_doc *doc = NULL;
    int r = yaml_parse(text, strlen(text), "t.yaml", &doc, diags);
    if (r != 0)
        fail_msg("parse failed: %s", diags->count ? diags->items[0].message : "?");
    return doc;
}

/* Parses text expecting failure; checks the first error's position and a message part. */
static void expect_error(const char *text, size_t len, int line, int col, const char *part)
{
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = NULL;
    assert_int_equal(yaml_parse(text, len, "bad.yaml", &doc, &diags), 1);
    assert_null(doc);
    const struct diag *d = NULL;
    for (size_t i = 0; i < diags.count && !d; i++)
        if (diags.items[i].severity == DIAG_ERROR)
            d = &diags.items[i];
    assert_non_null(d);
    assert_string_equal(d->file, "bad.yaml");
    if (d->line != line || d->col != col || !strstr(d->message, part))
        fail_msg("got %d:%d '%s', expected %d:%d '%s'", d->line, d->col, d->message, line, col,
                 part);
    diag_list_free(&diags);
}

static void test_core_schema_scalars(void **state)
{
    (void)state;
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = parse_ok("a: 5\n"
                                    "b: -0.5e1\n"
                                    "c: true\n"
                                    "d: False\n"
                                    "e: ~\n"
                                    "f:\n"
                                    "g: yes\n"
                                    "h: '5'\n"
                                    "i: 0x1F\n"
                                    "j: 0o17\n"
                                    "k: 1.5.0\n"
                                    "l: !!str 12\n"
                                    "m: 99999999999999999999\n"
                                    "nn: \"on\"\n",
                                    &diags);
    json_t *r = yaml_doc_root(doc);
    assert_int_equal(json_integer_value(json_object_get(r, "a")), 5);
    assert_true(json_is_real(json_object_get(r, "b")));
    assert_true(json_real_value(json_object_get(r, "b")) == -5.0);
    assert_true(json_is_true(json_object_get(r, "c")));
    assert_true(json_is_false(json_object_get(r, "d")));
    assert_true(json_is_null(json_object_get(r, "e")));
    assert_true(json_is_null(json_object_get(r, "f")));
    /* YAML 1.2: yes is a string (YAML 1.1 would say true) */
    assert_string_equal(json_string_value(json_object_get(r, "g")), "yes");
    assert_string_equal(json_string_value(json_object_get(r, "h")), "5");
    assert_int_equal(json_integer_value(json_object_get(r, "i")), 31);
    assert_int_equal(json_integer_value(json_object_get(r, "j")), 15);
    assert_string_equal(json_string_value(json_object_get(r, "k")), "1.5.0");
    assert_string_equal(json_string_value(json_object_get(r, "l")), "12");
    assert_true(json_is_real(json_object_get(r, "m")));
    assert_string_equal(json_string_value(json_object_get(r, "nn")), "on");
    assert_int_equal(diags.count, 0);
    yaml_doc_free(doc);
}

static void test_positions_of_values_and_keys(void **state)
{
    (void)state;
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = parse_ok("# comment\n"
                                    "name: x\n"
                                    "inputs:\n"
                                    "  - entity_types: [process, \"file\"]\n"
                                    "    k/x~y: 1\n"
                                    "flow: {a: [1, {b: 2}]}\n",
                                    &diags);
    struct yaml_pos p;
    assert_true(yaml_doc_find(doc, "/name", &p));
    assert_int_equal(p.line, 2);
    assert_int_equal(p.col, 7);
    assert_int_equal(p.key_line, 2);
    assert_int_equal(p.key_col, 1);
    assert_true(yaml_doc_find(doc, "/inputs/0/entity_types/1", &p));
    assert_int_equal(p.line, 4);
    assert_int_equal(p.col, 29);
    assert_int_equal(p.key_line, 0);
    assert_true(yaml_doc_find(doc, "/inputs/0", &p));
    assert_int_equal(p.line, 4);
    assert_int_equal(p.col, 5);
    /* RFC 6901 escapes: / is ~1, ~ is ~0 */
    assert_true(yaml_doc_find(doc, "/inputs/0/k~1x~0y", &p));
    assert_int_equal(p.line, 5);
    assert_int_equal(p.col, 12);
    assert_int_equal(p.key_col, 5);
    assert_true(yaml_doc_find(doc, "/flow/a/1/b", &p));
    assert_int_equal(p.line, 6);
    assert_int_equal(p.col, 19);
    /* a missing node: the nearest ancestor */
    assert_true(yaml_doc_find(doc, "/inputs/0/nosuch/deeper", &p));
    assert_int_equal(p.line, 4);
    assert_int_equal(p.col, 5);
    int line, col;
    yaml_doc_loc(doc, "/flow", true, &line, &col);
    assert_int_equal(line, 6);
    assert_int_equal(col, 1);
    yaml_doc_free(doc);
}

static void test_malformed(void **state)
{
    (void)state;
    const char *t = "a: [1, 2\nb: 3\n";
    expect_error(t, strlen(t), 2, 2, "malformed YAML");
    t = "a: 'unterminated\n";
    expect_error(t, strlen(t), 2, 1, "malformed YAML");
    t = "a: 1\n b: 2\n";
    expect_error(t, strlen(t), 2, 3, "malformed YAML");
}

static void test_tabs(void **state)
{
    (void)state;
    const char *t = "a:\n\tb: 1\n";
    expect_error(t, strlen(t), 2, 1, "tab character");
}

static void test_non_utf8(void **state)
{
    (void)state;
    const char t[] = "name: ok\ndescription: caf\xe9 au lait\n";
    expect_error(t, sizeof t - 1, 2, 17, "invalid UTF-8");
    const char overlong[] = "a: \xc0\xaf\n";
    expect_error(overlong, sizeof overlong - 1, 1, 4, "invalid UTF-8");
    const char nul[] = "a: b\0c\n";
    expect_error(nul, sizeof nul - 1, 1, 5, "NUL");
}

/* A byte-order mark is skipped: a multi-line mapping loads, positions are as an editor shows
 * them, and an error after it is placed on its line (libyaml, told UTF-8, read it as content) */
static void test_byte_order_mark(void **state)
{
    (void)state;
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = parse_ok("\xEF\xBB\xBF"
                                    "name: x\nversion: 1.0.0\n",
                                    &diags);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(yaml_doc_root(doc), "name")), "x");
    int line, col;
    yaml_doc_loc(doc, "/version", false, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 10);
    yaml_doc_free(doc);
    diag_list_free(&diags);
    const char *t = "\xEF\xBB\xBF"
                    "a: 1\n b: 2\n";
    expect_error(t, strlen(t), 2, 3, "malformed YAML");
}

static void test_deep_nesting(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    for (int i = 0; i < 10000; i++)
        buf_addch(&b, '[');
    expect_error(b.data, b.len, 1, YAML_MAX_DEPTH + 1, "nesting deeper than 64");
    buf_reset(&b);
    for (int i = 0; i < 100; i++) {
        for (int k = 0; k < i; k++)
            buf_addch(&b, ' ');
        buf_addf(&b, "k%d:\n", i);
    }
    expect_error(b.data, b.len, 65, 65, "nesting deeper than 64");
    buf_free(&b);
}

/* "Billion laughs": anchors and aliases are refused at the first anchor, so time and memory
 * stay bounded whatever the expansion would be. */
static void test_alias_bomb(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_addstr(&b,
               "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'z'; c++)
        buf_addf(&b, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, c - 1, c - 1, c - 1,
                 c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
    clock_t t0 = clock();
    expect_error(b.data, b.len, 1, 4, "anchors (&a) and aliases are not supported");
    assert_true(clock() - t0 < CLOCKS_PER_SEC);
    buf_free(&b);
    const char *t = "a: 1\nb: *a\n";
    expect_error(t, strlen(t), 2, 4, "aliases (*a)");
}

static void test_bool_like_keys_warned(void **state)
{
    (void)state;
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = parse_ok("on: 1\nn: 2\n\"yes\": 3\nnormal: 4\n", &diags);
    assert_int_equal(diags.count, 2); /* the quoted "yes" is fine */
    assert_int_equal(diags.items[0].severity, DIAG_WARNING);
    assert_int_equal(diags.items[0].line, 1);
    assert_int_equal(diags.items[0].col, 1);
    assert_non_null(strstr(diags.items[0].message, "key 'on' is a boolean in YAML 1.1"));
    assert_int_equal(diags.items[1].line, 2);
    /* still read as string keys */
    assert_int_equal(json_integer_value(json_object_get(yaml_doc_root(doc), "on")), 1);
    yaml_doc_free(doc);
    diag_list_free(&diags);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    const char *t = "a: 1\nb:\n  c: 1\n  c: 2\n";
    expect_error(t, strlen(t), 4, 3, "duplicate key 'c'");
}

static void test_other_refusals(void **state)
{
    (void)state;
    const char *t = "a: 1\n---\nb: 2\n";
    expect_error(t, strlen(t), 2, 1, "more than one YAML document");
    t = "? [a]\n: 1\n";
    expect_error(t, strlen(t), 1, 3, "mapping key must be a plain value");
    t = "a: !custom 1\n";
    expect_error(t, strlen(t), 1, 4, "unsupported YAML tag");
    t = "a: .inf\n";
    expect_error(t, strlen(t), 1, 4, "infinite and NaN");
}

static void test_empty_document_is_null(void **state)
{
    (void)state;
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = parse_ok("# only a comment\n", &diags);
    assert_true(json_is_null(yaml_doc_root(doc)));
    yaml_doc_free(doc);
}

/* A 50 MB file is refused from its size, before anything is read. */
static void test_file_size_cap(void **state)
{
    (void)state;
    char path[] = "/tmp/kanalytic-yaml-big.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 50 * 1024 * 1024), 0);
    close(fd);
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = NULL;
    clock_t t0 = clock();
    assert_int_equal(yaml_load_file(path, "big.yaml", &doc, &diags), 1);
    assert_true(clock() - t0 < CLOCKS_PER_SEC / 10);
    assert_null(doc);
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].file, "big.yaml");
    assert_int_equal(diags.items[0].line, 1);
    assert_non_null(strstr(diags.items[0].message, "file is too large (52428800 bytes"));
    unlink(path);
    diag_list_free(&diags);
    /* a missing file is an I/O error, not a finding */
    assert_int_equal(yaml_load_file("/nonexistent/x.yaml", "x.yaml", &doc, &diags), -1);
    assert_int_equal(diags.count, 0);
}

/* yaml_doc_text: the bytes yaml_load_file read, exactly (a second look needs no second read);
 * none for a document parsed from memory. */
static void test_doc_text(void **state)
{
    (void)state;
    static const char text[] = "a: 1 # note\nb: [x, y]\n";
    char path[] = "/tmp/kanalytic-yaml-text.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = NULL;
    assert_int_equal(yaml_load_file(path, "t.yaml", &doc, &diags), 0);
    unlink(path);
    size_t len = 0;
    const char *got = yaml_doc_text(doc, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(got, text, len);
    assert_int_equal(got[len], '\0');
    yaml_doc_free(doc);
    doc = parse_ok(text, &diags);
    assert_null(yaml_doc_text(doc, &len));
    assert_int_equal(len, 0);
    yaml_doc_free(doc);
    diag_list_free(&diags);
}

/* Every YAML 1.1 boolean word as a plain key is warned about, whatever its first letter; keys
 * that only start like one are not. */
static void test_bool_like_keys_all_words(void **state)
{
    (void)state;
    static const char *const words[] = {
        "y",  "Y",  "yes", "Yes", "YES", "n",    "N",    "no",   "No",    "NO",    "on",
        "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE", "false", "False", "FALSE",
    };
    struct buf text = BUF_INIT;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        buf_addf(&text, "%s: %zu\n", words[i], i);
    buf_addstr(&text, "yesterday: 1\nnone: 2\nof: 3\ntru: 4\nF: 5\nfals: 6\nYe: 7\n_: 8\n");
    struct diag_list diags = DIAG_LIST_INIT;
    struct yaml_doc *doc = parse_ok(text.data, &diags);
    assert_int_equal(diags.count, sizeof words / sizeof *words);
    for (size_t i = 0; i < diags.count; i++) {
        assert_string_equal(diags.items[i].rule, "yaml-bool-key");
        assert_int_equal(diags.items[i].line, (int)i + 1);
    }
    yaml_doc_free(doc);
    diag_list_free(&diags);
    buf_free(&text);
}

/* json_pointer_add_index writes "/" and the decimal index. */
static void test_pointer_index(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_addstr(&b, "/a");
    json_pointer_add_index(&b, 0);
    json_pointer_add_index(&b, 7);
    json_pointer_add_index(&b, 10);
    json_pointer_add_index(&b, 1234567890);
    json_pointer_add_index(&b, (size_t)-1);
    assert_string_equal(b.data, "/a/0/7/10/1234567890/18446744073709551615");
    /* keys: RFC 6901 escapes ~ as ~0 and / as ~1, anywhere in the key */
    buf_reset(&b);
    static const char *const keys[] = {"plain", "", "a/b~c", "~", "/", "x~1y/", "ünï"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        json_pointer_add(&b, keys[i]);
    assert_string_equal(b.data, "/plain//a~1b~0c/~0/~1/x~01y~1/ünï");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_schema_scalars),
        cmocka_unit_test(test_positions_of_values_and_keys),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_non_utf8),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_alias_bomb),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_bool_like_keys_warned),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_other_refusals),
        cmocka_unit_test(test_empty_document_is_null),
        cmocka_unit_test(test_file_size_cap),
        cmocka_unit_test(test_doc_text),
        cmocka_unit_test(test_bool_like_keys_all_words),
        cmocka_unit_test(test_pointer_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
