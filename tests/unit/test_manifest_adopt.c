/* Unit tests of tool/manifest/adopt (new --from): environment reads in Python, shell and C,
 * with defaults and guessed types; /data paths; the README's name and first paragraph; the
 * markers validate reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest/adopt.h"
#include "util/buf.h"
#include "util/fs.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct adopt_param *param(const struct adopt_info *a, const char *name)
{
    for (size_t i = 0; i < a->n_params; i++)
        if (!strcmp(a->params[i].name, name))
            return &a->params[i];
    return NULL;
}

static void scan(struct adopt_info *a, enum adopt_lang lang, const char *text)
{
    adopt_scan_code(a, "code", lang, text, strlen(text));
}

static void test_python(void **state)
{
    (void)state;
    struct adopt_info a = {0};
    scan(&a, ADOPT_PYTHON,
         "import os\n"
         "x = os.environ['XPARAM']\n"
         "k = int(os.environ.get(\"K\", 5))\n"
         "t = float( os.getenv('T', '0.25') )\n"
         "v = os.environ.get('VERBOSE', 'False') == 'True'\n"
         "n = os.environ.get('NOTHING')\n"
         "s = os.getenv('S', 'abc')\n"
         "z = os.environ.get('Z', None)\n"
         "df = pd.read_parquet('/data/input/1.parquet.gz')\n"
         "open('/data/display/x.html', 'w')\n"
         "# myos.environ['NOPE'] is not a read of ours\n"
         "y = myos.environ['NOPE']\n");
    assert_int_equal(a.n_params, 7);
    const struct adopt_param *p = param(&a, "XPARAM");
    assert_non_null(p);
    assert_true(p->required);
    assert_int_equal(p->type, PARAM_STRING);
    assert_null(p->default_text);
    assert_string_equal(p->where, "code:2");
    p = param(&a, "K");
    assert_int_equal(p->type, PARAM_INTEGER);
    assert_string_equal(p->default_text, "5");
    assert_false(p->required);
    p = param(&a, "T");
    assert_int_equal(p->type, PARAM_NUMBER);
    assert_string_equal(p->default_text, "0.25");
    assert_int_equal(param(&a, "VERBOSE")->type, PARAM_BOOLEAN);
    assert_false(param(&a, "NOTHING")->required);
    assert_null(param(&a, "NOTHING")->default_text);
    assert_string_equal(param(&a, "S")->default_text, "abc");
    assert_int_equal(param(&a, "S")->type, PARAM_STRING);
    assert_null(param(&a, "Z")->default_text);
    assert_null(param(&a, "NOPE"));
    assert_int_equal(a.n_inputs, 2);
    assert_true(a.display);
    /* a later read with a default makes a required one optional */
    scan(&a, ADOPT_PYTHON, "os.environ.get('XPARAM', 'a')\n");
    assert_false(param(&a, "XPARAM")->required);
    adopt_info_free(&a);
}

static void test_shell(void **state)
{
    (void)state;
    struct adopt_info a = {0};
    scan(&a, ADOPT_SHELL,
         "#!/bin/sh\n"
         "# $COMMENTED is not read\n"
         "mine=1\n"
         "for f in a b; do echo \"$f $mine\"; done\n"
         "echo \"${TAG:-suspicious} ${LIMIT:-100} $HOME ${RATE-0.5} $MODE ${quiet}\"\n"
         "echo '$SINGLE'\n"
         "cp /data/input/0.parquet.gz /data/output/0.parquet.gz\n");
    assert_int_equal(a.n_params, 4);
    assert_string_equal(param(&a, "TAG")->default_text, "suspicious");
    assert_int_equal(param(&a, "LIMIT")->type, PARAM_INTEGER);
    assert_int_equal(param(&a, "RATE")->type, PARAM_NUMBER);
    assert_non_null(param(&a, "MODE"));
    assert_null(param(&a, "HOME"));
    assert_null(param(&a, "f"));
    assert_null(param(&a, "mine"));
    assert_null(param(&a, "quiet"));
    assert_null(param(&a, "COMMENTED"));
    assert_null(param(&a, "SINGLE"));
    assert_int_equal(a.n_inputs, 1);
    assert_true(a.outputs[0]);
    assert_false(a.display);
    adopt_info_free(&a);
}

static void test_c(void **state)
{
    (void)state;
    struct adopt_info a = {0};
    scan(&a, ADOPT_C,
         "const char *m = getenv(\"METHOD\");\n"
         "long k = strtol(getenv(\"K\"), NULL, 10);\n"
         "double t = atof(getenv(\"T\"));\n"
         "secure_getenv(\"NOT_THIS\");\n");
    assert_int_equal(a.n_params, 3);
    assert_int_equal(param(&a, "METHOD")->type, PARAM_STRING);
    assert_int_equal(param(&a, "K")->type, PARAM_INTEGER);
    assert_int_equal(param(&a, "T")->type, PARAM_NUMBER);
    adopt_info_free(&a);
}

static void test_readme(void **state)
{
    (void)state;
    struct adopt_info a = {0};
    const char *md =
        "# Kestrel Analytics: X\n\n![badge](b.svg)\n\nFirst line of\nthe paragraph.\n\n"
        "Second.\n\n```\ndocker build -t kestrel-analytics-my_thing:1.0 .\n```\n";
    adopt_scan_readme(&a, "dir/README.md", md, strlen(md));
    assert_string_equal(a.name, "my_thing");
    assert_string_equal(a.name_from, "README.md:11");
    assert_string_equal(a.description, "First line of the paragraph.");
    adopt_info_free(&a);
    const char *none = "# Title\n\n- a list\n";
    adopt_scan_readme(&a, "README.md", none, strlen(none));
    assert_null(a.name);
    assert_null(a.description);
    adopt_info_free(&a);
}

static void test_markers(void **state)
{
    (void)state;
    struct adopt_info a = {0};
    scan(&a, ADOPT_PYTHON, "os.environ['X']\n");
    struct buf b = BUF_INIT;
    adopt_render_manifest(&a, "n", "me", "src", &b);
    char path[] = "/tmp/adopt-unit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
    close(fd);
    size_t marks = 0;
    for (const char *p = b.data; (p = strstr(p, ADOPT_MARKER)); p++)
        marks++;
    struct diag_list d = DIAG_LIST_INIT;
    adopt_check_markers(path, &d);
    assert_int_equal(d.count, marks);
    assert_int_equal(marks,
                     4); /* description, license, entity types (no input found), X's description */
    assert_string_equal(d.items[0].rule, "adopt-todo");
    assert_true(d.items[0].line > 0 && d.items[0].col > 1);
    /* the same findings from the text already read */
    struct diag_list t = DIAG_LIST_INIT;
    adopt_check_markers_text(path, b.data, b.len, &t);
    assert_int_equal(t.count, d.count);
    for (size_t i = 0; i < t.count; i++) {
        assert_int_equal(t.items[i].line, d.items[i].line);
        assert_int_equal(t.items[i].col, d.items[i].col);
        assert_string_equal(t.items[i].message, d.items[i].message);
    }
    diag_list_free(&t);
    diag_list_free(&d);
    unlink(path);
    buf_free(&b);
    adopt_info_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python), cmocka_unit_test(test_shell),   cmocka_unit_test(test_c),
        cmocka_unit_test(test_readme), cmocka_unit_test(test_markers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
