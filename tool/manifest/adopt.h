/* Adopting an existing docker analytic (`kanalytic new --from DIR`): what can be inferred
 * from a folder shaped like the community repository's (Dockerfile, code, README) without
 * running anything: the name (README's `docker build -t kestrel-analytics-X`, else the
 * folder), the parameters (the code's environment reads: Python os.environ[...] /
 * os.environ.get / os.getenv, shell $X / ${X:-d}, C getenv) with defaults and a guessed type,
 * the number of inputs (/data/input/N), the outputs (/data/output/N), a display
 * (/data/display) and the description (the README's first paragraph). What cannot be
 * inferred is written into analytic.yaml as ADOPT_MARKER comments, which `validate` reports
 * (adopt_check_markers) until the author has fixed the value and deleted the comment. */
#ifndef KANALYTIC_MANIFEST_ADOPT_H
#define KANALYTIC_MANIFEST_ADOPT_H

#include "manifest.h"
#include "util/buf.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

#define ADOPT_MARKER "TODO(kanalytic new --from)"

enum adopt_lang { ADOPT_PYTHON, ADOPT_SHELL, ADOPT_C };

struct adopt_param {
    char *name;
    enum param_type type;
    bool required;      /* read without a default (os.environ['x']) */
    char *default_text; /* as written in the code, unquoted; NULL: none */
    char *why;          /* how the type was guessed ("from its default '0.5'") */
    char *where;        /* "analytics.py:12" of the first read */
};

struct adopt_info {
    char *name;        /* NULL: none found */
    char *name_from;   /* "README.md:14" or "the folder name" */
    char *description; /* NULL: the README has no paragraph */
    struct adopt_param *params;
    size_t n_params, cap_params;
    size_t n_inputs;     /* 1 + the highest N of /data/input/N; 0: none found */
    bool outputs[16];    /* /data/output/N written, N < 16 */
    bool display;        /* /data/display referenced */
    size_t n_code_files; /* files scanned as code */
};

/* Scans dir (code files by extension or #! line, at most a few levels deep, README.md).
 * 0, or -1 with err_last() when dir cannot be read. */
int adopt_scan_dir(const char *dir, struct adopt_info *out);
/* The pieces, for the unit tests: one code file's text, the README's text. */
void adopt_scan_code(struct adopt_info *a, const char *file, enum adopt_lang lang, const char *text,
                     size_t len);
void adopt_scan_readme(struct adopt_info *a, const char *file, const char *text, size_t len);
void adopt_info_free(struct adopt_info *a);

/* analytic.yaml for analytic `name` (author as "Name <mail>"), with a marker comment on every
 * line that holds a guess or a gap; src names the adopted folder in the header comment. */
void adopt_render_manifest(const struct adopt_info *a, const char *name, const char *author,
                           const char *src, struct buf *out);
/* tests/CASE/case.yaml of the first case: required parameters get a marked placeholder. */
void adopt_render_case(const struct adopt_info *a, bool own_input, struct buf *out);

struct adopt_target {
    const char *root; /* repository root: the analytic goes to root/analytics/NAME */
    const char *from; /* the folder adopted */
    const char *name;
    const char *author;  /* "Name <mail>" */
    char *const *inputs; /* the first case's inputs, one per input; or none */
    size_t n_inputs;
    const char *example_input; /* copied for every input when n_inputs is 0 */
};

/* Creates root/analytics/NAME: the folder copied as it is (files with their executable bits,
 * .git left out, a symbolic link or special file refused), analytic.yaml, a README.md when
 * there is none, tests/basic; built in a temporary folder renamed into place, then validated.
 * 0: created, the marks left in todo (other warnings in diags); 1: findings besides the marks
 * in diags, nothing kept; -1: err_last(), nothing kept. */
int adopt_create(const struct adopt_target *t, const struct adopt_info *a, struct diag_list *todo,
                 struct diag_list *diags);

/* One error finding (rule "adopt-todo") per ADOPT_MARKER in the file at path, at its
 * line:col, with the marker's text. A missing file adds nothing. */
void adopt_check_markers(const char *path, struct diag_list *diags);
/* The same over the file's text, already read (len bytes). */
void adopt_check_markers_text(const char *path, const char *text, size_t len,
                              struct diag_list *diags);

#endif
