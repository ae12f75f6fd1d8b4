/* The analytic manifest (analytics/NAME/analytic.yaml), its test cases
 * (analytics/NAME/tests/CASE/case.yaml) and the checks behind `kanalytic validate`.
 *
 * Loading goes YAML (yaml.h, with positions) -> schemas/analytic.schema.json (schema.h) ->
 * struct manifest -> semantic checks. Every finding lands in a diag_list with file:line:col;
 * nothing here prints. Return convention of the loaders:
 *    0  loaded (warnings may have been added to diags)
 *    1  findings: at least one error in diags, *out is NULL
 *   -1  could not read a file or find the schemas: err_last() says why (exit code 2)
 * The schemas and schemas/entity-types.yaml are read once per process (thread-safe). */
#ifndef KANALYTIC_MANIFEST_H
#define KANALYTIC_MANIFEST_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MANIFEST_FILE "analytic.yaml"
#define CASE_FILE "case.yaml"
#define IMAGE_PREFIX "kestrel-analytics-"
/* runtime defaults when analytic.yaml leaves them out */
#define RUNTIME_DEFAULT_TIMEOUT 300
#define RUNTIME_DEFAULT_MEMORY (1024ULL * 1024 * 1024)

enum param_type { PARAM_STRING, PARAM_INTEGER, PARAM_NUMBER, PARAM_BOOLEAN, PARAM_LIST };
enum attr_type { ATTR_STRING, ATTR_INTEGER, ATTR_NUMBER, ATTR_BOOLEAN, ATTR_LIST, ATTR_TIMESTAMP };
enum display_kind { DISPLAY_NONE, DISPLAY_HTML };

const char *param_type_name(enum param_type t);
const char *attr_type_name(enum attr_type t);

struct strlist {
    char **items;
    size_t count;
};

struct manifest_input {
    struct strlist entity_types; /* ["*"] means any */
    struct strlist required_attributes;
};

struct manifest_param {
    char *name;
    enum param_type type;
    bool required;
    char *default_text;         /* the default rendered as Kestrel would pass it; NULL: none */
    struct strlist enum_values; /* rendered the same way; empty: no enum */
    bool has_minimum, has_maximum;
    double minimum, maximum;
    enum param_type items_type; /* for PARAM_LIST (PARAM_STRING when not given) */
    char *description;          /* may be NULL */
    int line, col;              /* of the entry in analytic.yaml */
};

enum attr_format { ATTR_FORMAT_NONE, ATTR_FORMAT_JSON, ATTR_FORMAT_ISO8601 };

/* An attribute an output adds. Kestrel's store takes only text, integers, floats and
 * booleans: list and timestamp are refused by validation (declare string with format json /
 * iso-8601 instead), and the runner checks every output against these (runner/contract.h). */
struct manifest_attr {
    char *name;
    enum attr_type type;
    enum attr_format format; /* for ATTR_STRING */
    char *description;       /* may be NULL */
};

struct manifest_output {
    size_t input; /* index of the input this output rewrites (/data/output/INPUT.parquet.gz) */
    struct manifest_attr *attributes;
    size_t n_attributes;
};

struct manifest_runtime {
    bool network;     /* default false */
    unsigned timeout; /* seconds; default RUNTIME_DEFAULT_TIMEOUT */
    uint64_t memory;  /* bytes; default RUNTIME_DEFAULT_MEMORY */
};

struct manifest_include {
    char *src;  /* relative to the repository root */
    char *dest; /* relative path inside the build context */
};

struct manifest_build_arg {
    char *key;
    char *value;
};

struct manifest {
    char *path; /* display path of analytic.yaml */
    int schema_version;
    char *name, *version, *description, *license;
    char *homepage; /* may be NULL */
    struct strlist authors;
    struct strlist tags;
    struct manifest_input *inputs;
    size_t n_inputs;
    struct manifest_param *params;
    size_t n_params;
    struct manifest_output *outputs;
    size_t n_outputs;
    enum display_kind display;
    struct manifest_runtime runtime;
    struct manifest_include *includes;
    size_t n_includes;
    struct manifest_build_arg *build_args;
    size_t n_build_args;
    /* the whole manifest as compact JSON (keys sorted), e.g. for an image label: made from
     * root by the first manifest_json() (validate never needs it); read it through that */
    char *json;
    struct json_t *root; /* the loaded document, held for manifest_json() */
};

/* Loads and checks analytic.yaml at path (findings are reported under path as given). */
int manifest_load(const char *path, struct manifest **out, struct diag_list *diags);
/* The same from memory (the CI gate reads old versions from git blobs); display_path is
 * the name used in findings. */
int manifest_load_buffer(const char *data, size_t len, const char *display_path,
                         struct manifest **out, struct diag_list *diags);
void manifest_free(struct manifest *m);
const char *manifest_json(const struct manifest *m);
/* "kestrel-analytics-NAME"; caller frees. */
char *manifest_image_name(const struct manifest *m);
/* "kestrel-analytics-NAME:TAG" (e.g. TAG "latest" or the version); caller frees. */
char *manifest_image_ref(const struct manifest *m, const char *tag);
const struct manifest_param *manifest_find_param(const struct manifest *m, const char *name);

/* ---- parameters (params.c) ---- */

enum param_value_kind { PV_STRING, PV_INTEGER, PV_NUMBER, PV_BOOLEAN, PV_LIST };

/* One WITH parameter as given (case.yaml, --param or --with); lists hold scalar items. */
struct param_value {
    char *name;
    enum param_value_kind kind;
    char *text;        /* scalars: the string Kestrel passes: numbers as Python str(int()/float())
                          ("010" -> "10", "1.5e3" -> "1500.0"), strings unescaped, words and
                          booleans as written ("True"); a number Kestrel cannot read unquoted
                          (-5, 0x1F) as written; lists: the items joined by "," */
    long long i;       /* PV_INTEGER (LLONG_MAX beyond 64 bits: text holds every digit) */
    double d;          /* PV_NUMBER (also set for PV_INTEGER) */
    bool latin1;       /* a quoted non-ASCII string Kestrel reads byte by byte as Latin-1 */
    bool needs_quotes; /* a number a hunt must quote ('-5'): Kestrel's grammar has no sign */
    struct param_value *items; /* PV_LIST: scalar items (their name is NULL) */
    size_t n_items;
    const char *file;      /* where it was given, for findings ("--param" on the command line) */
    int line, col;         /* of the value (0: no position) */
    int key_line, key_col; /* of the name in case.yaml (0: none) */
};

struct env_var {
    char *name;
    char *value;
};

struct env_list {
    struct env_var *items;
    size_t count, cap;
};

void env_list_free(struct env_list *env);
const char *env_list_get(const struct env_list *env, const char *name);
void param_value_free(struct param_value *v);            /* frees the contents, not v itself */
void param_values_free(struct param_value *v, size_t n); /* frees contents and the array */

/* Checks the given WITH parameters against the manifest (unknown name with a did-you-mean
 * suggestion, wrong type, missing required, enum, bounds) and renders them exactly as
 * Kestrel passes them as environment variables: numbers as Python str() (5, 1500.0, 0.5),
 * booleans and strings as written, lists joined by "," without spaces. Defaults are not
 * rendered (Kestrel passes only WITH values; the analytic applies its defaults).
 * Every given parameter is rendered into out, valid or not (Kestrel checks nothing), so a
 * test case can pass a bad value on purpose. Returns 0, or 1 with errors in diags. */
int params_render(const struct manifest *m, const struct param_value *given, size_t n,
                  struct env_list *out, struct diag_list *diags);
/* Parses one `--param K=V`: V "a,b" or "[a,b]" is a list ("[a]" is a), each item read as
 * Kestrel's grammar reads a literal (numbers through Python int()/float() and str(), 'x' or
 * "x" unescaped); what Kestrel would need quoted (-5, a b) is a string as written, a signed
 * number typed as a number. -1 + err_set. */
int params_parse_arg(const char *arg, struct param_value *out);
/* Re-reads a scalar loaded from a YAML plain (unquoted) value with its text as written: a
 * Kestrel NUMBER is rendered as Kestrel renders it (at any size), a boolean keeps its case
 * ("True"), a number Kestrel's grammar cannot read (-5, 0x1F) is passed as written. */
void params_from_plain(struct param_value *v, const char *plain);
/* Python's str() of a float: shortest round-trip digits, "1500.0", "1e+16", "5e-05". */
void params_format_double(double d, char *out, size_t size);

/* ---- test cases ---- */

struct column_tolerance {
    char *column;
    double rtol, atol;
};

struct golden {
    size_t index; /* output index N of expected/output/N.parquet.gz */
    char *path;
};

enum display_compare {
    DISPLAY_COMPARE_EXACT,  /* byte for byte with expected/display.html */
    DISPLAY_COMPARE_MASKED, /* after the masks replace what is not stable */
    DISPLAY_COMPARE_EXISTS, /* one display must be written; its content is not compared */
};

struct test_case {
    char *name; /* folder name */
    char *dir;  /* as given */
    char *description;
    struct param_value *params;
    size_t n_params;
    struct env_list env; /* params rendered as Kestrel would pass them */
    /* compare */
    struct strlist key; /* empty: row order matters */
    struct strlist ignore_columns;
    bool column_order_strict; /* default false */
    bool nan_equal;           /* default true */
    double rtol, atol;        /* default 0, 0: exact */
    struct column_tolerance *column_tolerances;
    size_t n_column_tolerances;
    enum display_compare display_compare; /* compare.display, default exact */
    struct strlist display_masks;         /* compare.display.masked: POSIX EREs */
    /* expect */
    int exit_code;             /* default 0; non-zero: the case expects failure */
    char *stderr_contains;     /* NULL: no check */
    size_t *expect_outputs;    /* outputs that must be written */
    size_t n_expect_outputs;   /* default: those with goldens */
    bool expect_outputs_exact; /* expect.outputs given: no other output may be written */
    bool expect_display;       /* default: expected/display.html exists */
    unsigned timeout;          /* seconds: case.yaml timeout, else the manifest's */
    /* files */
    char **inputs; /* input/N.parquet.gz for N in 0..manifest n_inputs-1 */
    size_t n_inputs;
    struct golden *goldens; /* sorted by index */
    size_t n_goldens;
    char *expected_display; /* expected/display.html or NULL */
};

/* Loads case_dir/case.yaml and checks it (schema, parameters against m, input files count
 * equals the manifest's inputs, goldens only for declared outputs). */
int test_case_load(const char *case_dir, const struct manifest *m, struct test_case **out,
                   struct diag_list *diags);
void test_case_free(struct test_case *tc);
/* Reports (rule tests-link) PATH and every entry below it that is not a regular file or a
 * folder: kanalytic reads test files on the host, so a link there could publish a host file
 * (/proc/self/environ, /etc/shadow) or make a golden be written outside the repository.
 * Returns the number of findings, -1 (error set) when PATH cannot be walked. */
int tests_refuse_special(const char *path, struct diag_list *diags);
/* Sorted names of the case folders under analytic_dir/tests (those holding case.yaml). */
int test_case_list(const char *analytic_dir, struct strlist *out);
void strlist_free(struct strlist *l);

/* ---- whole analytics (validate.c) ---- */

/* Everything `kanalytic validate` checks for one analytic folder: the manifest, name equals
 * the folder, Dockerfile and README.md present, build.include sources inside root, at least
 * one test case (warning; error when strict), every test case. root may be NULL (folder
 * outside a repository: include sources are then resolved against the folder's ../..).
 * Returns 0 clean (warnings allowed unless strict), 1 findings, -1 I/O (err_last()). */
int analytic_validate(const char *root, const char *analytic_dir, bool strict,
                      struct diag_list *diags);
/* Every analytic under root/analytics plus the repository-wide checks (duplicate names and
 * image names). Same return convention; *checked (when not NULL) is set to the number of
 * analytics found. */
int analytics_validate_all(const char *root, bool strict, struct diag_list *diags, size_t *checked);

#endif
