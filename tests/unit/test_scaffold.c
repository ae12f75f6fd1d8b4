/* Unit tests of tool/scaffold (kanalytic new's work), called directly: name, entity type and
 * parameter checks; the placeholder values and the fill of a template text; the refusal of a
 * taken folder or image; the retyped test case; scaffold_create end to end in a temporary
 * repository (template/ and schemas/ linked from this checkout); the --from name and input
 * checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "parquet/parquet.h"
#include "scaffold/scaffold.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root[64];

static int setup(void **state)
{
    (void)state;
    char cwd[PATH_MAX], link[PATH_MAX + 32];
    snprintf(root, sizeof root, "/tmp/kanalytic-scaffold.XXXXXX");
    if (!mkdtemp(root) || !getcwd(cwd, sizeof cwd))
        return -1;
    char *analytics = path_join(root, "analytics");
    int rc = fs_mkdirs(analytics, 0755);
    free(analytics);
    static const char *const linked[] = {"template", "schemas"};
    for (size_t i = 0; i < 2 && rc == 0; i++) {
        snprintf(link, sizeof link, "%s/%s", cwd, linked[i]);
        char *at = path_join(root, linked[i]);
        rc = symlink(link, at);
        free(at);
    }
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    return fs_remove_tree(root);
}

static char *at(const char *rel)
{
    return path_join(root, rel);
}

static void assert_error_has(const char *what)
{
    if (!strstr(err_last(), what))
        fail_msg("error '%s' lacks '%s'", err_last(), what);
}

static void test_name(void **state)
{
    (void)state;
    char longest[SCAFFOLD_NAME_MAX + 2];
    memset(longest, 'x', sizeof longest);
    longest[SCAFFOLD_NAME_MAX] = '\0';
    assert_true(scaffold_name_ok(longest));
    longest[SCAFFOLD_NAME_MAX] = 'x';
    longest[SCAFFOLD_NAME_MAX + 1] = '\0';
    assert_false(scaffold_name_ok(longest));
    static const char *const good[] = {"a", "9lives", "beacon-score", "x_1", "a-b_c-9"};
    static const char *const bad[] = {"", "Bad", "-x", "_x", "a b", "a.b", "a/b", "é"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_true(scaffold_name_ok(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (scaffold_name_ok(bad[i]))
            fail_msg("'%s' taken as a name", bad[i]);
    struct scaffold_spec s = SCAFFOLD_SPEC_INIT;
    s.name = "Bad";
    assert_int_equal(scaffold_spec_check(&s), -1);
    assert_error_has("'Bad' is not a valid name");
    s.name = "good";
    assert_int_equal(scaffold_spec_check(&s), 0);
}

static void test_entity_types(void **state)
{
    (void)state;
    struct scaffold_spec s = SCAFFOLD_SPEC_INIT;
    s.name = "x";
    assert_int_equal(scaffold_spec_add_entity_type(&s, "process"), 0);
    assert_int_equal(scaffold_spec_add_entity_type(&s, "network-traffic"), 0);
    assert_int_equal(scaffold_spec_add_entity_type(&s, "Process"), -1);
    assert_error_has("--entity-type Process: expected a name like");
    assert_int_equal(scaffold_spec_add_entity_type(&s, "-x"), -1);
    assert_int_equal(scaffold_spec_add_entity_type(&s, "a_b"), -1);
    assert_int_equal(scaffold_spec_add_entity_type(&s, "process"), -1);
    assert_error_has("--entity-type process given twice");
    assert_int_equal(s.n_entity_types, 2);
    assert_int_equal(scaffold_spec_check(&s), 0);
    assert_int_equal(scaffold_spec_add_entity_type(&s, "*"), 0);
    assert_int_equal(scaffold_spec_check(&s), -1);
    assert_error_has("do not combine");
    scaffold_spec_free(&s);
    /* "*" alone is any */
    assert_int_equal(scaffold_spec_add_entity_type(&s, "*"), 0);
    assert_int_equal(scaffold_spec_check(&s), 0);
    scaffold_spec_free(&s);
}

static void test_params(void **state)
{
    (void)state;
    static const struct {
        const char *arg;
        enum param_type type;
    } good[] = {{"threshold:number", PARAM_NUMBER}, {"top:integer", PARAM_INTEGER},
                {"strict:boolean", PARAM_BOOLEAN},  {"columns:list", PARAM_LIST},
                {"Label_2:string", PARAM_STRING},   {"_x:string", PARAM_STRING}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        struct scaffold_param p = {0};
        if (scaffold_parse_param(good[i].arg, &p) < 0)
            fail_msg("%s: %s", good[i].arg, err_last());
        assert_int_equal(p.type, good[i].type);
        assert_int_equal(strlen(p.name), strcspn(good[i].arg, ":"));
        assert_memory_equal(p.name, good[i].arg, strlen(p.name));
        free(p.name);
    }
    static const struct {
        const char *arg, *error;
    } bad[] = {
        {"threshold", "expected NAME:TYPE"},
        {":number", "expected NAME:TYPE"},
        {"threshold:float", "unknown type 'float'"},
        {"threshold:", "unknown type ''"},
        {"9lives:integer", "must match"},
        {"a-b:integer", "must match"},
        {"lambda:number", "'lambda' is a reserved word"},
        {"params:string", "'params' is a reserved word"},
        {"struct:string", "'struct' is a reserved word"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct scaffold_param p = {0};
        if (scaffold_parse_param(bad[i].arg, &p) == 0)
            fail_msg("%s accepted", bad[i].arg);
        assert_null(p.name);
        assert_error_has(bad[i].error);
    }
    struct scaffold_spec s = SCAFFOLD_SPEC_INIT;
    assert_int_equal(scaffold_spec_add_param(&s, "a:integer"), 0);
    assert_int_equal(scaffold_spec_add_param(&s, "b:list"), 0);
    assert_int_equal(scaffold_spec_add_param(&s, "a:string"), -1);
    assert_error_has("--param a given twice");
    assert_int_equal(scaffold_spec_add_param(&s, "c:float"), -1);
    assert_int_equal(s.n_params, 2);
    assert_string_equal(s.params[1].name, "b");
    assert_int_equal(s.params[1].type, PARAM_LIST);
    scaffold_spec_free(&s);
}

static void test_spec_check(void **state)
{
    (void)state;
    struct scaffold_spec s = SCAFFOLD_SPEC_INIT;
    s.name = "x1";
    assert_string_equal(s.template_name, "python");
    s.template_name = "rust";
    assert_int_equal(scaffold_spec_check(&s), -1);
    assert_error_has("--template rust: expected python or c");
    s.template_name = "c";
    assert_int_equal(scaffold_spec_check(&s), 0);
    static const char *const bad[] = {"", "a {{name}} b", "two\nlines", "cr\r"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        s.description = bad[i];
        assert_int_equal(scaffold_spec_check(&s), -1);
        assert_error_has("--description must be one non-empty line");
    }
    s.description = "Scores \"beacons\": periodic connections.";
    assert_int_equal(scaffold_spec_check(&s), 0);
}

static void test_fills(void **state)
{
    (void)state;
    struct scaffold_spec s = SCAFFOLD_SPEC_INIT;
    s.name = "beacon-score";
    s.description = "Scores \"beacons\".";
    assert_int_equal(scaffold_spec_add_entity_type(&s, "process"), 0);
    assert_int_equal(scaffold_spec_add_entity_type(&s, "ipv4-addr"), 0);
    static const char *const params[] = {"threshold:number", "columns:list", "strict:boolean",
                                         "top:integer", "label:string"};
    for (size_t i = 0; i < sizeof params / sizeof *params; i++)
        assert_int_equal(scaffold_spec_add_param(&s, params[i]), 0);
    struct scaffold_fills f;
    scaffold_fills_build(&s, "Ada <ada@example.org>", &f);
    assert_string_equal(scaffold_fills_get(&f, "name"), "beacon-score");
    assert_string_equal(scaffold_fills_get(&f, "description"), "\"Scores \\\"beacons\\\".\"");
    assert_string_equal(scaffold_fills_get(&f, "description_text"), "Scores \"beacons\".");
    assert_string_equal(scaffold_fills_get(&f, "author"), "\"Ada <ada@example.org>\"");
    assert_string_equal(scaffold_fills_get(&f, "entity_types"), "[\"process\", \"ipv4-addr\"]");
    assert_string_equal(scaffold_fills_get(&f, "entity_types_text"), "`process`, `ipv4-addr`");
    assert_string_equal(scaffold_fills_get(&f, "example_type"), "process");
    assert_string_equal(scaffold_fills_get(&f, "with_clause"),
                        " WITH threshold=0.5, columns=(src_port,dst_port), strict=true, top=10, "
                        "label='text'");
    assert_string_equal(scaffold_fills_get(&f, "param_signature"),
                        ", threshold=0.0, columns=None, strict=False, top=0, label=None");
    assert_non_null(
        strstr(scaffold_fills_get(&f, "param_reads"), "        \"top\": param_int(\"top\", 0),"));
    assert_non_null(strstr(scaffold_fills_get(&f, "parameters"),
                           "  - name: columns\n    type: list\n    items:\n      type: string\n"
                           "    required: false\n    description: TODO say what columns does"));
    assert_non_null(strstr(scaffold_fills_get(&f, "parameters"),
                           "  - name: strict\n    type: boolean\n    required: false\n"
                           "    default: false\n"));
    assert_non_null(strstr(scaffold_fills_get(&f, "c_param_reads"),
                           "kestrel_param_double(\"threshold\", 0.0, -1e308, 1e308, "
                           "&p->threshold) < 0)\n        return -1;"));
    assert_non_null(strstr(scaffold_fills_get(&f, "c_param_fields"), "    int64_t top;"));
    assert_non_null(
        strstr(scaffold_fills_get(&f, "param_table"), "\n| `label` | string | none | TODO |"));
    assert_null(scaffold_fills_get(&f, "nope"));

    struct buf out = BUF_INIT;
    const char *text = "name: {{name}}\nauthors:\n  - {{author}}\n{{with_clause}}{{name}}";
    assert_int_equal(scaffold_fill_text("t.yaml", text, strlen(text), &f, &out), 0);
    assert_string_equal(out.data, "name: beacon-score\nauthors:\n  - \"Ada <ada@example.org>\"\n"
                                  " WITH threshold=0.5, columns=(src_port,dst_port), strict=true, "
                                  "top=10, label='text'beacon-score");
    buf_reset(&out);
    text = "a\nb {{nmae}}\n";
    assert_int_equal(scaffold_fill_text("t.yaml", text, strlen(text), &f, &out), -1);
    assert_string_equal(err_last(), "t.yaml:2: unknown placeholder {{nmae}}");
    buf_reset(&out);
    text = "a\n\nc {{name";
    assert_int_equal(scaffold_fill_text("t.yaml", text, strlen(text), &f, &out), -1);
    assert_string_equal(err_last(), "t.yaml:3: unterminated placeholder");
    scaffold_fills_free(&f);
    scaffold_spec_free(&s);

    /* a value that brings a '{{' (a description the spec check would refuse) */
    struct scaffold_spec any = SCAFFOLD_SPEC_INIT;
    any.name = "x";
    any.description = "see {{here}}";
    scaffold_fills_build(&any, "a", &f);
    assert_string_equal(scaffold_fills_get(&f, "entity_types"), "[\"*\"]");
    assert_string_equal(scaffold_fills_get(&f, "entity_types_text"), "any (`*`)");
    assert_string_equal(scaffold_fills_get(&f, "example_type"), SCAFFOLD_TEMPLATE_TYPE);
    assert_string_equal(scaffold_fills_get(&f, "parameters"), "parameters: []");
    assert_string_equal(scaffold_fills_get(&f, "param_table"), "None.");
    assert_string_equal(scaffold_fills_get(&f, "with_clause"), "");
    buf_reset(&out);
    text = "d: {{description_text}}\n";
    assert_int_equal(scaffold_fill_text("README.md", text, strlen(text), &f, &out), -1);
    assert_string_equal(err_last(), "README.md: a value brought in a '{{'");
    scaffold_fills_free(&f);
    buf_free(&out);
}

static void write_manifest(const char *dir, const char *name)
{
    struct buf text = BUF_INIT;
    assert_int_equal(fs_read_file("analytics/sklearn-cluster/analytic.yaml", 1 << 20, &text), 0);
    const char *line = strstr(text.data, "\nname: sklearn-cluster\n");
    assert_non_null(line);
    struct buf b = BUF_INIT;
    buf_add(&b, text.data, (size_t)(line - text.data));
    buf_addf(&b, "\nname: %s\n", name);
    buf_addstr(&b, line + strlen("\nname: sklearn-cluster\n"));
    char *d = at(dir);
    assert_int_equal(fs_mkdirs(d, 0755), 0);
    assert_int_equal(fs_write_in(d, "analytic.yaml", b.data, b.len), 0);
    free(d);
    buf_free(&b);
    buf_free(&text);
}

static void test_check_free(void **state)
{
    (void)state;
    assert_int_equal(scaffold_check_free(root, "fresh"), 0);
    char *d = at("analytics/taken");
    assert_int_equal(fs_mkdirs(d, 0755), 0);
    assert_int_equal(scaffold_check_free(root, "taken"), -1);
    assert_string_equal(err_last(), "analytics/taken already exists; choose another name");
    assert_int_equal(fs_remove_tree(d), 0);
    free(d);
    /* another analytic's manifest builds kestrel-analytics-beacon */
    write_manifest("analytics/renamed", "beacon");
    assert_int_equal(scaffold_check_free(root, "beacon"), -1);
    assert_error_has("analytics/renamed already builds the image kestrel-analytics-beacon");
    assert_int_equal(scaffold_check_free(root, "renamed"), -1);
    assert_int_equal(scaffold_check_free(root, "beacon2"), 0);
    d = at("analytics/renamed");
    assert_int_equal(fs_remove_tree(d), 0);
    free(d);
    assert_int_equal(scaffold_check_free(root, "beacon"), 0);
}

/* column `name` of the table at path, row r */
static char *cell(const struct pq_table *t, const char *name, size_t r)
{
    long c = table_find_column(t, name);
    if (c < 0)
        return NULL;
    size_t len;
    const uint8_t *s = vector_bytes(&t->cols[c].values, r, &len);
    return strndup((const char *)s, len);
}

static void test_retype(void **state)
{
    (void)state;
    static const char *const files[] = {"template/python/tests/basic/input/0.parquet.gz",
                                        "template/python/tests/basic/expected/output/0.parquet.gz"};
    for (size_t k = 0; k < 2; k++) {
        struct pq_table before = PQ_TABLE_INIT, after = PQ_TABLE_INIT;
        struct buf data = BUF_INIT;
        assert_int_equal(pq_read_file(files[k], &before), 0);
        assert_int_equal(fs_read_file(files[k], 1 << 20, &data), 0);
        char *copy = at("retype.parquet.gz");
        assert_int_equal(fs_write_atomic(copy, data.data, data.len), 0);
        if (scaffold_retype_file(copy, "process") < 0)
            fail_msg("%s", err_last());
        assert_int_equal(pq_read_file(copy, &after), 0);
        assert_int_equal(after.nrows, before.nrows);
        /* id, type and (in the golden) x_seen_count kept; the network columns dropped */
        assert_int_equal(after.ncols, k == 0 ? 2 : 3);
        assert_true(table_find_column(&after, "dst_port") < 0);
        for (size_t r = 0; r < after.nrows; r++) {
            char *id0 = cell(&before, "id", r), *id1 = cell(&after, "id", r);
            char *ty = cell(&after, "type", r);
            assert_string_equal(ty, "process");
            assert_int_equal(strncmp(id0, "network-traffic--", 17), 0);
            assert_int_equal(strncmp(id1, "process--", 9), 0);
            assert_string_equal(id1 + 9, id0 + 17); /* the uuid kept */
            free(id0), free(id1), free(ty);
        }
        if (k == 1) {
            long c0 = table_find_column(&before, "x_seen_count");
            long c1 = table_find_column(&after, "x_seen_count");
            assert_true(c0 >= 0 && c1 >= 0);
            assert_int_equal(after.cols[c1].values.len, before.cols[c0].values.len);
            assert_memory_equal(after.cols[c1].values.data, before.cols[c0].values.data,
                                before.cols[c0].values.data_len);
        }
        table_free(&before);
        table_free(&after);
        buf_free(&data);
        unlink(copy);
        free(copy);
    }
}

/* A table whose id is not a string column is refused, and the file left as it was. */
static void test_retype_refuses(void **state)
{
    (void)state;
    struct pq_table t = PQ_TABLE_INIT;
    struct pq_type i64 = {0};
    i64.physical = PQ_INT64;
    vector_append_i64(&table_add_column(&t, "id", i64, false)->values, 7);
    t.nrows = 1;
    char *p = at("int-id.parquet.gz");
    assert_int_equal(pq_write_file(p, &t, NULL), 0);
    table_free(&t);
    struct buf before = BUF_INIT, after = BUF_INIT;
    assert_int_equal(fs_read_file(p, 1 << 20, &before), 0);
    assert_int_equal(scaffold_retype_file(p, "process"), -1);
    assert_error_has("column id is not a string column");
    assert_int_equal(fs_read_file(p, 1 << 20, &after), 0);
    assert_int_equal(after.len, before.len);
    assert_memory_equal(after.data, before.data, before.len);
    buf_free(&before);
    buf_free(&after);
    unlink(p);
    free(p);
}

static bool has_leftovers(void)
{
    struct fs_names names = {0};
    char *d = at("analytics");
    assert_int_equal(fs_list_dir(d, &names), 0);
    bool left = false;
    for (size_t i = 0; i < names.count; i++)
        left |= !strncmp(names.names[i], ".new-", 5);
    fs_names_free(&names);
    free(d);
    return left;
}

static bool file_has(const char *rel, const char *what)
{
    struct buf b = BUF_INIT;
    char *p = at(rel);
    bool ok = fs_read_file(p, 1 << 20, &b) == 0 && memmem(b.data, b.len, what, strlen(what));
    buf_free(&b);
    free(p);
    return ok;
}

static void test_create(void **state)
{
    (void)state;
    struct scaffold_spec s = SCAFFOLD_SPEC_INIT;
    s.name = "beacon-x";
    s.author = "Test Author <t@example.org>";
    assert_int_equal(scaffold_spec_add_entity_type(&s, "process"), 0);
    assert_int_equal(scaffold_spec_add_param(&s, "threshold:number"), 0);
    struct scaffold_result r = SCAFFOLD_RESULT_INIT;
    int rc = scaffold_create(root, &s, &r);
    if (rc != 0)
        fail_msg("rc %d: %s (%zu findings)", rc, err_last(), r.diags.count);
    assert_string_equal(r.with_clause, " WITH threshold=0.5");
    assert_string_equal(r.author, "Test Author <t@example.org>");
    assert_false(r.author_from_user);
    assert_null(r.cleanup_error);
    for (size_t i = 0; i < r.diags.count; i++) /* only the README's template prose */
        assert_string_equal(r.diags.items[i].rule, "readme-template");
    scaffold_result_free(&r);
    assert_true(file_has("analytics/beacon-x/analytic.yaml", "\nname: beacon-x\n"));
    assert_true(file_has("analytics/beacon-x/analytic.yaml", "\"Test Author <t@example.org>\""));
    assert_true(file_has("analytics/beacon-x/analytic.yaml", "entity_types: [\"process\"]"));
    assert_true(file_has("analytics/beacon-x/analytics.py", "param_float(\"threshold\", 0.0)"));
    assert_false(file_has("analytics/beacon-x/analytics.py", "{{"));
    assert_false(file_has("analytics/beacon-x/README.md", "{{"));
    struct pq_table t = PQ_TABLE_INIT;
    char *input = at("analytics/beacon-x/tests/basic/input/0.parquet.gz");
    assert_int_equal(pq_read_file(input, &t), 0);
    char *ty = cell(&t, "type", 0);
    assert_string_equal(ty, "process");
    free(ty);
    free(input);
    table_free(&t);
    assert_false(has_leftovers());

    /* the same name again: refused, the first one untouched */
    r = (struct scaffold_result)SCAFFOLD_RESULT_INIT;
    assert_int_equal(scaffold_create(root, &s, &r), -1);
    assert_error_has("analytics/beacon-x already exists");
    scaffold_result_free(&r);
    assert_true(file_has("analytics/beacon-x/analytic.yaml", "\nname: beacon-x\n"));

    /* an entity type of the right form that validation does not know: nothing kept */
    struct scaffold_spec bad = SCAFFOLD_SPEC_INIT;
    bad.name = "typo";
    bad.author = "a";
    assert_int_equal(scaffold_spec_add_entity_type(&bad, "proces"), 0);
    r = (struct scaffold_result)SCAFFOLD_RESULT_INIT;
    assert_int_equal(scaffold_create(root, &bad, &r), 1);
    assert_error_has("does not validate");
    assert_true(r.diags.count > 0);
    assert_null(r.with_clause);
    scaffold_result_free(&r);
    char *gone = at("analytics/typo");
    assert_false(fs_exists(gone));
    free(gone);
    assert_false(has_leftovers());

    /* a spec the checks refuse creates nothing */
    bad.name = "Typo";
    r = (struct scaffold_result)SCAFFOLD_RESULT_INIT;
    assert_int_equal(scaffold_create(root, &bad, &r), -1);
    assert_error_has("not a valid name");
    scaffold_result_free(&r);
    scaffold_spec_free(&bad);
    scaffold_spec_free(&s);
    char *made = at("analytics/beacon-x");
    assert_int_equal(fs_remove_tree(made), 0);
    free(made);
}

static void test_adopt_checks(void **state)
{
    (void)state;
    struct scaffold_adopt_spec spec = {.from = "tests/fixtures/legacy/pscore"};
    struct adopt_info a = {0};
    const char *name = NULL;
    assert_int_equal(scaffold_adopt_scan(&spec, &a, &name), 0);
    assert_string_equal(name, "process-score"); /* from its README */
    adopt_info_free(&a);
    memset(&a, 0, sizeof a);
    spec.name = "Bad";
    assert_int_equal(scaffold_adopt_scan(&spec, &a, &name), -1);
    assert_string_equal(err_last(), "'Bad' is not a valid name: use lower-case letters, digits, "
                                    "'-' and '_' (give NAME)");
    adopt_info_free(&a);
    memset(&a, 0, sizeof a);
    spec.name = NULL;
    spec.from = "tests/fixtures/legacy/nonexistent";
    assert_int_equal(scaffold_adopt_scan(&spec, &a, &name), -1);
    adopt_info_free(&a);

    /* two --input files for code that reads one input: refused before anything is made */
    memset(&a, 0, sizeof a);
    spec.from = "tests/fixtures/legacy/pscore";
    assert_int_equal(scaffold_adopt_scan(&spec, &a, &name), 0);
    char *const inputs[] = {"a.parquet.gz", "b.parquet.gz"};
    spec.inputs = inputs;
    spec.n_inputs = 2;
    struct diag_list todo = DIAG_LIST_INIT, diags = DIAG_LIST_INIT;
    assert_int_equal(scaffold_adopt(root, &spec, name, &a, &todo, &diags), -1);
    assert_error_has("2 --input files given, but the code reads 1 input");
    /* a taken name is refused first */
    char *d = at("analytics/process-score");
    assert_int_equal(fs_mkdirs(d, 0755), 0);
    spec.n_inputs = 0;
    assert_int_equal(scaffold_adopt(root, &spec, name, &a, &todo, &diags), -1);
    assert_error_has("analytics/process-score already exists");
    assert_int_equal(fs_remove_tree(d), 0);
    free(d);
    assert_int_equal(todo.count + diags.count, 0);
    adopt_info_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name),   cmocka_unit_test(test_entity_types),
        cmocka_unit_test(test_params), cmocka_unit_test(test_spec_check),
        cmocka_unit_test(test_fills),  cmocka_unit_test(test_check_free),
        cmocka_unit_test(test_retype), cmocka_unit_test(test_retype_refuses),
        cmocka_unit_test(test_create), cmocka_unit_test(test_adopt_checks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
