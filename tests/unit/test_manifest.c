/* Unit tests of tool/manifest: good and bad manifest fixtures (tests/fixtures/manifest; each
 * bad file lists its expected findings as "# expect: LINE:COL SEVERITY RULE" lines, and no
 * other finding may appear), the parsed struct, test cases, analytic folders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/manifest.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIX "tests/fixtures/manifest/"

static void dump(const struct diag_list *d)
{
    for (size_t i = 0; i < d->count; i++)
        fprintf(stderr, "    %s:%d:%d: %s [%s] %s\n", d->items[i].file, d->items[i].line,
                d->items[i].col, diag_severity_name(d->items[i].severity),
                d->items[i].rule ? d->items[i].rule : "-", d->items[i].message);
}

static void test_good_fixtures(void **state)
{
    (void)state;
    struct fs_names names = {0};
    assert_int_equal(fs_list_dir(FIX "good", &names), 0);
    assert_true(names.count >= 3);
    for (size_t i = 0; i < names.count; i++) {
        char *p = path_join(FIX "good", names.names[i]);
        struct diag_list diags = DIAG_LIST_INIT;
        struct manifest *m = NULL;
        int r = manifest_load(p, &m, &diags);
        if (r != 0 || diags.count) {
            dump(&diags);
            fail_msg("%s: expected clean, got %d", p, r);
        }
        manifest_free(m);
        diag_list_free(&diags);
        free(p);
    }
    fs_names_free(&names);
}

struct expectation {
    int line, col;
    char sev[16], rule[64];
    bool seen;
};

static void test_bad_fixtures(void **state)
{
    (void)state;
    struct fs_names names = {0};
    assert_int_equal(fs_list_dir(FIX "bad", &names), 0);
    assert_true(names.count >= 25);
    for (size_t i = 0; i < names.count; i++) {
        char *p = path_join(FIX "bad", names.names[i]);
        struct buf text = BUF_INIT;
        assert_int_equal(fs_read_file(p, 1 << 20, &text), 0);
        struct expectation exp[8];
        size_t nexp = 0;
        for (const char *s = strstr(text.data, "# expect: "); s && nexp < 8;
             s = strstr(s + 1, "# expect: ")) {
            struct expectation *e = &exp[nexp];
            assert_int_equal(
                sscanf(s, "# expect: %d:%d %15s %63s", &e->line, &e->col, e->sev, e->rule), 4);
            e->seen = false;
            nexp++;
        }
        assert_true(nexp > 0);
        struct diag_list diags = DIAG_LIST_INIT;
        struct manifest *m = NULL;
        int r = manifest_load(p, &m, &diags);
        bool want_error = false;
        for (size_t k = 0; k < nexp; k++)
            want_error |= !strcmp(exp[k].sev, "error");
        if (r != (want_error ? 1 : 0) || (want_error && m)) {
            dump(&diags);
            fail_msg("%s: load returned %d", p, r);
        }
        for (size_t d = 0; d < diags.count; d++) {
            const struct diag *g = &diags.items[d];
            bool matched = false;
            for (size_t k = 0; k < nexp && !matched; k++) {
                struct expectation *e = &exp[k];
                if (!e->seen && e->line == g->line && e->col == g->col &&
                    !strcmp(e->sev, diag_severity_name(g->severity)) &&
                    !strcmp(e->rule, g->rule ? g->rule : "-"))
                    matched = e->seen = true;
            }
            assert_string_equal(g->file, p);
            if (!matched) {
                dump(&diags);
                fail_msg("%s: unexpected finding %d:%d %s", p, g->line, g->col, g->message);
            }
        }
        for (size_t k = 0; k < nexp; k++)
            if (!exp[k].seen) {
                dump(&diags);
                fail_msg("%s: missing finding %d:%d %s %s", p, exp[k].line, exp[k].col, exp[k].sev,
                         exp[k].rule);
            }
        manifest_free(m);
        diag_list_free(&diags);
        buf_free(&text);
        free(p);
    }
    fs_names_free(&names);
}

/* Findings carry messages a person can act on. */
static void test_messages(void **state)
{
    (void)state;
    static const struct {
        const char *file, *part;
    } cases[] = {
        {"unknown-entity-type", "unknown entity type 'network-trafic' (did you mean "
                                "'network-traffic'?)"},
        {"unknown-key", "unknown key 'paramters' (did you mean 'parameters'?)"},
        {"display-typo", "display: 'htm' is not one of: none, html (did you mean 'html'?)"},
        {"version-number", "version: expected string, got number 1.0 (YAML read the unquoted value "
                           "as a number; quote it to keep it as text)"},
        {"missing-required", "missing required key 'display'"},
        {"duplicate-param", "duplicate parameter 'columns' (first defined at line 11)"},
        {"license-typo", "(did you mean 'Apache-2.0'?)"},
        {"default-bounds", "default 1 is less than the minimum 2"},
        {"anchor", "anchors (&a) and aliases are not supported"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char path[256];
        snprintf(path, sizeof path, FIX "bad/%s.yaml", cases[i].file);
        struct diag_list diags = DIAG_LIST_INIT;
        struct manifest *m = NULL;
        manifest_load(path, &m, &diags);
        bool found = false;
        for (size_t d = 0; d < diags.count; d++)
            found |= strstr(diags.items[d].message, cases[i].part) != NULL;
        if (!found) {
            dump(&diags);
            fail_msg("%s: no message with '%s'", path, cases[i].part);
        }
        manifest_free(m);
        diag_list_free(&diags);
    }
}

static struct manifest *load(const char *path)
{
    struct diag_list diags = DIAG_LIST_INIT;
    struct manifest *m = NULL;
    if (manifest_load(path, &m, &diags) != 0) {
        dump(&diags);
        fail_msg("%s did not load", path);
    }
    diag_list_free(&diags);
    return m;
}

static void test_parsed_struct(void **state)
{
    (void)state;
    struct manifest *m = load(FIX "good/full.yaml");
    assert_string_equal(m->name, "full_example-2");
    assert_string_equal(m->version, "2.0.0-rc.1+build.5");
    assert_string_equal(m->description, "Scores processes and network flows; a folded "
                                        "description over two lines.");
    assert_string_equal(m->license, "MIT OR Apache-2.0");
    assert_string_equal(m->homepage, "https://example.org/analytics/full");
    assert_int_equal(m->authors.count, 2);
    assert_string_equal(m->authors.items[1], "Second Author");
    assert_int_equal(m->tags.count, 2);
    assert_int_equal(m->n_inputs, 2);
    assert_string_equal(m->inputs[1].entity_types.items[1], "x-oca-event");
    assert_int_equal(m->inputs[0].required_attributes.count, 4);
    assert_int_equal(m->n_params, 5);
    const struct manifest_param *p = manifest_find_param(m, "THRESHOLD");
    assert_int_equal(p->type, PARAM_NUMBER);
    assert_string_equal(p->default_text, "0.75");
    assert_true(p->has_minimum && p->minimum == 0 && p->has_maximum && p->maximum == 1);
    assert_int_equal(p->line, 22);
    assert_int_equal(p->col, 5);
    p = manifest_find_param(m, "ports");
    assert_int_equal(p->type, PARAM_LIST);
    assert_int_equal(p->items_type, PARAM_INTEGER);
    assert_string_equal(p->default_text, "80,443");
    p = manifest_find_param(m, "mode");
    assert_int_equal(p->enum_values.count, 2);
    assert_string_equal(p->enum_values.items[1], "slow");
    assert_string_equal(manifest_find_param(m, "verbose")->default_text, "false");
    assert_true(manifest_find_param(m, "_limit")->required);
    assert_null(manifest_find_param(m, "_limit")->default_text);
    assert_null(manifest_find_param(m, "nosuch"));
    assert_int_equal(m->n_outputs, 1);
    assert_int_equal(m->outputs[0].n_attributes, 6);
    assert_int_equal(m->outputs[0].attributes[1].type, ATTR_STRING);
    assert_int_equal(m->outputs[0].attributes[1].format, ATTR_FORMAT_ISO8601);
    assert_int_equal(m->outputs[0].attributes[2].format, ATTR_FORMAT_JSON);
    assert_int_equal(m->outputs[0].attributes[3].format, ATTR_FORMAT_NONE);
    assert_string_equal(attr_type_name(m->outputs[0].attributes[2].type), "string");
    assert_int_equal(m->display, DISPLAY_HTML);
    assert_true(m->runtime.network);
    assert_int_equal(m->runtime.timeout, 3600);
    assert_true(m->runtime.memory == 2147483648ULL);
    assert_int_equal(m->n_includes, 1);
    assert_string_equal(m->includes[0].src, "tool/parquet");
    assert_string_equal(m->includes[0].dest, "vendor/parquet");
    assert_int_equal(m->n_build_args, 2);
    bool jobs = false;
    for (size_t i = 0; i < m->n_build_args; i++)
        jobs |= !strcmp(m->build_args[i].key, "JOBS") && !strcmp(m->build_args[i].value, "4");
    assert_true(jobs);
    assert_non_null(strstr(manifest_json(m), "\"name\":\"full_example-2\""));
    assert_non_null(strstr(manifest_json(m), "\"THRESHOLD\""));
    json_t *round = json_loads(manifest_json(m), 0, NULL);
    assert_non_null(round);
    json_decref(round);
    char *img = manifest_image_name(m);
    assert_string_equal(img, "kestrel-analytics-full_example-2");
    free(img);
    manifest_free(m);

    m = load(FIX "good/minimal.yaml");
    assert_int_equal(m->runtime.timeout, RUNTIME_DEFAULT_TIMEOUT);
    assert_true(m->runtime.memory == RUNTIME_DEFAULT_MEMORY);
    assert_false(m->runtime.network);
    assert_int_equal(m->n_params, 0);
    assert_int_equal(m->n_outputs, 0);
    manifest_free(m);

    m = load(FIX "good/base.yaml");
    assert_true(m->runtime.memory == 512ULL * 1024 * 1024);
    manifest_free(m);
}

/* The repository's own analytics validate as manifests. */
static void test_repository_manifests_load(void **state)
{
    (void)state;
    struct fs_names names = {0};
    assert_int_equal(fs_list_dir("analytics", &names), 0);
    for (size_t i = 0; i < names.count; i++) {
        char path[512];
        snprintf(path, sizeof path, "analytics/%s/analytic.yaml", names.names[i]);
        if (!fs_is_file(path))
            continue;
        struct manifest *m = load(path);
        assert_string_equal(m->name, names.names[i]);
        manifest_free(m);
    }
    fs_names_free(&names);
}

static void test_load_buffer(void **state)
{
    (void)state;
    struct buf text = BUF_INIT;
    assert_int_equal(fs_read_file(FIX "bad/unknown-entity-type.yaml", 1 << 20, &text), 0);
    struct diag_list diags = DIAG_LIST_INIT;
    struct manifest *m = NULL;
    assert_int_equal(
        manifest_load_buffer(text.data, text.len, "HEAD:analytics/x/analytic.yaml", &m, &diags), 1);
    assert_null(m);
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].file, "HEAD:analytics/x/analytic.yaml");
    assert_int_equal(diags.items[0].line, 8);
    assert_int_equal(diags.items[0].col, 20);
    diag_list_free(&diags);
    buf_free(&text);
    /* 50 MB from memory: refused by size, quickly */
    size_t big = 50u * 1024 * 1024;
    char *data = xmalloc(big);
    memset(data, 'a', big);
    assert_int_equal(manifest_load_buffer(data, big, "big.yaml", &m, &diags), 1);
    assert_int_equal(diags.count, 1);
    assert_non_null(strstr(diags.items[0].message, "too large"));
    free(data);
    diag_list_free(&diags);
}

static void *json_of(void *m)
{
    return (void *)manifest_json(m);
}

/* manifest_json() is made on first use (validate never asks for it): the same text every
 * time, from every thread, after the loaded document is gone, keys sorted and compact. */
static void test_manifest_json(void **state)
{
    (void)state;
    static const char yaml[] = "schema_version: 1\nname: zeta\nversion: 0.1.0\n"
                               "description: d\nlicense: MIT\nauthors: [a]\n"
                               "inputs:\n  - entity_types: [process]\noutputs: []\n"
                               "display: html\n";
    struct diag_list diags = DIAG_LIST_INIT;
    struct manifest *m = NULL;
    char *text = xstrdup(yaml);
    if (manifest_load_buffer(text, strlen(text), "x.yaml", &m, &diags) != 0) {
        dump(&diags);
        fail_msg("did not load");
    }
    memset(text, 'x', strlen(text)); /* nothing may point into the source */
    free(text);
    pthread_t t[4];
    void *got[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, json_of, m), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(t[i], &got[i]), 0);
    const char *json = manifest_json(m);
    for (int i = 0; i < 4; i++)
        assert_ptr_equal(got[i], json);
    assert_string_equal(json, "{\"authors\":[\"a\"],\"description\":\"d\",\"display\":"
                              "\"html\",\"inputs\":[{\"entity_types\":[\"process\"]}],"
                              "\"license\":\"MIT\",\"name\":\"zeta\",\"outputs\":[],"
                              "\"schema_version\":1,\"version\":\"0.1.0\"}");
    manifest_free(m);
    diag_list_free(&diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_fixtures),
        cmocka_unit_test(test_bad_fixtures),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_parsed_struct),
        cmocka_unit_test(test_repository_manifests_load),
        cmocka_unit_test(test_load_buffer),
        cmocka_unit_test(test_manifest_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
