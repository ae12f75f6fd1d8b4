/* Unit tests of tool/git/changes: which analytics a change selects, in real (throwaway) git
 * repositories made with libgit2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "git/changes.h"
#include "util/error.h"
#include "git_fixture.h"

#include <stdbool.h>

/* main with three analytics and a schema, then branch "pr" */
static void setup_three(struct gitfx *fx)
{
    fx_init(fx);
    fx_analytic(fx, "alpha", "1.0.0", true);
    fx_analytic(fx, "beta", "1.0.0", true);
    fx_analytic(fx, "gamma", "2.1.0", true);
    fx_write(fx, "schemas/analytic.schema.json", "{}\n");
    fx_write(fx, "README.md", "collection\n");
    fx_commit(fx, "initial");
    fx_branch(fx, "pr");
}

static void detect(struct gitfx *fx, const char *base, struct changes *ch)
{
    memset(ch, 0, sizeof *ch);
    struct changes_options o = {.base = base, .triggers = NULL};
    if (changes_detect(fx->repo, fx->dir, &o, ch) < 0)
        fail_msg("changes_detect: %s", err_last());
}

static const struct selected_analytic *find_sel(const struct changes *ch, const char *name)
{
    for (size_t i = 0; i < ch->count; i++)
        if (!strcmp(ch->items[i].name, name))
            return &ch->items[i];
    return NULL;
}

static const struct skipped_analytic *find_skip(const struct changes *ch, const char *name)
{
    for (size_t i = 0; i < ch->nskipped; i++)
        if (!strcmp(ch->skipped[i].name, name))
            return &ch->skipped[i];
    return NULL;
}

static void test_edit_selects_only_that_analytic(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    fx_write(&fx, "analytics/beta/Dockerfile", "FROM debian:sid-slim\nRUN true\n");
    fx_write(&fx, "README.md", "collection, edited (selects nothing)\n");
    fx_commit(&fx, "edit beta");
    struct changes ch;
    detect(&fx, NULL, &ch);
    assert_int_equal(ch.count, 1);
    assert_string_equal(ch.items[0].name, "beta");
    assert_true(ch.items[0].own_change);
    assert_false(ch.items[0].is_new);
    assert_int_equal(ch.items[0].nfiles, 1);
    assert_string_equal(ch.items[0].files[0].path, "analytics/beta/Dockerfile");
    assert_int_equal(ch.items[0].files[0].status, 'M');
    assert_non_null(strstr(ch.items[0].reason, "Dockerfile(M)"));
    assert_int_equal(ch.ntrigger, 0);
    assert_int_equal(ch.npaths, 2);
    assert_int_equal(ch.total, 3);
    /* the default base is main, which HEAD descends from */
    assert_string_equal(ch.base_oid, fx_rev(&fx, "main"));
    assert_string_equal(ch.base_desc, "main");
    changes_free(&ch);
    fx_free(&fx);
}

static void test_schema_edit_selects_all(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    fx_write(&fx, "schemas/analytic.schema.json", "{\"type\": \"object\"}\n");
    fx_write(&fx, "analytics/alpha/README.md", "new readme\n");
    fx_commit(&fx, "schema");
    struct changes ch;
    detect(&fx, "main", &ch);
    assert_int_equal(ch.count, 3);
    assert_string_equal(ch.items[0].name, "alpha");
    assert_string_equal(ch.items[1].name, "beta");
    assert_string_equal(ch.items[2].name, "gamma");
    /* alpha changed itself; the other two only through the trigger */
    assert_true(ch.items[0].own_change);
    assert_false(ch.items[1].own_change);
    assert_non_null(strstr(ch.items[1].reason, "schemas/analytic.schema.json"));
    assert_int_equal(ch.ntrigger, 1);
    assert_string_equal(ch.trigger_paths[0], "schemas/analytic.schema.json");
    changes_free(&ch);
    fx_free(&fx);
}

static void test_workflow_and_makefile_trigger(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    fx_write(&fx, ".github/workflows/analytics.yml", "on: pull_request\n");
    struct changes ch;
    detect(&fx, NULL, &ch); /* untracked workflow file */
    assert_int_equal(ch.count, 3);
    changes_free(&ch);
    fx_commit(&fx, "workflow");
    fx_branch(&fx, "pr2");
    fx_write(&fx, "Makefile", "all:\n");
    detect(&fx, "pr", &ch);
    assert_int_equal(ch.count, 3);
    assert_string_equal(ch.trigger_paths[0], "Makefile");
    changes_free(&ch);
    fx_free(&fx);
}

static void test_custom_triggers_file(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    /* with ci.triggers present, schemas/ no longer triggers, a docs glob does */
    fx_write(&fx, "ci.triggers", "# our rules\n\ndocs/*.md\n  shared/  \n");
    fx_commit(&fx, "triggers");
    fx_branch(&fx, "pr2");
    fx_write(&fx, "schemas/analytic.schema.json", "{\"x\": 1}\n");
    struct triggers t = {0};
    assert_int_equal(triggers_load(fx.dir, &t), 0);
    assert_int_equal(t.count, 3); /* the docs glob, shared/, ci.triggers itself */
    assert_true(triggers_match(&t, "docs/guide.md"));
    assert_true(triggers_match(&t, "docs/deep/er.md")); /* '*' crosses '/' */
    assert_true(triggers_match(&t, "shared/lib/x.py"));
    assert_false(triggers_match(&t, "sharedfile"));
    assert_false(triggers_match(&t, "schemas/analytic.schema.json"));
    struct changes ch = {0};
    struct changes_options o = {.base = "pr", .triggers = &t};
    assert_int_equal(changes_detect(fx.repo, fx.dir, &o, &ch), 0);
    assert_int_equal(ch.count, 0);
    changes_free(&ch);
    fx_write(&fx, "docs/guide.md", "# guide\n");
    memset(&ch, 0, sizeof ch);
    assert_int_equal(changes_detect(fx.repo, fx.dir, &o, &ch), 0);
    assert_int_equal(ch.count, 3);
    changes_free(&ch);
    triggers_free(&t);
    fx_free(&fx);
}


/* A file outside an analytic's folder that its build.include brings into the image selects
 * that analytic, whatever the trigger globs say: as written, through "./" and "..", through a
 * link, and inside another analytic's folder. Before, only trigger globs and the analytic's own
 * folder counted, so a shared file could change with none of the analytics built from it
 * tested. */
static void test_build_include_selects(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    fx_write(&fx, "analytics/alpha/analytic.yaml",
             "schema_version: 1\nname: alpha\nversion: 1.0.0\nbuild:\n  include:\n"
             "    - {src: lib/common.py, dest: common.py}\n"
             "    - {src: ./shared/../shared/, dest: shared}\n"
             "    - {src: ../outside, dest: x}\n");
    fx_write(&fx, "analytics/beta/analytic.yaml",
             "schema_version: 1\nname: beta\nversion: 1.0.0\nbuild:\n  include:\n"
             "    - {src: linked, dest: linked}\n");
    fx_write(&fx, "analytics/gamma/analytic.yaml",
             "schema_version: 1\nname: gamma\nversion: 2.1.0\nbuild:\n  include:\n"
             "    - {src: analytics/alpha/src, dest: src}\n"
             "bad: [\n"); /* a YAML error: gamma is simply not selected by its includes */
    fx_write(&fx, "lib/common.py", "x = 1\n");
    fx_write(&fx, "lib/other.py", "y = 1\n");
    fx_write(&fx, "shared/deep/a.txt", "a\n");
    fx_write(&fx, "real/f.txt", "f\n");
    char *link = fx_path(&fx, "linked");
    assert_int_equal(symlink("real", link), 0);
    free(link);
    fx_write(&fx, "ci.triggers", "docs/\n");
    fx_commit(&fx, "includes");
    fx_branch(&fx, "pr2");

    struct triggers t = {0};
    assert_int_equal(triggers_load(fx.dir, &t), 0);
    struct changes_options o = {.base = "pr", .triggers = &t};
    struct changes ch = {0};
    /* nothing changed since pr2 but files no analytic includes */
    fx_write(&fx, "lib/other.py", "y = 2\n");
    fx_write(&fx, "sharedfile", "not below shared/\n");
    o.base = "pr2";
    assert_int_equal(changes_detect(fx.repo, fx.dir, &o, &ch), 0);
    assert_int_equal(ch.count, 0);
    changes_free(&ch);

    /* the file alpha includes */
    fx_write(&fx, "lib/common.py", "x = 2\n");
    memset(&ch, 0, sizeof ch);
    assert_int_equal(changes_detect(fx.repo, fx.dir, &o, &ch), 0);
    assert_int_equal(ch.count, 1);
    assert_string_equal(ch.items[0].name, "alpha");
    assert_false(ch.items[0].own_change);
    assert_non_null(strstr(ch.items[0].reason, "build.include lib/common.py"));
    assert_non_null(strstr(ch.items[0].reason, "lib/common.py"));
    changes_free(&ch);

    /* a file deep in the folder alpha includes as ./shared/../shared/, and one reached
     * through beta's link "linked" -> real */
    fx_write(&fx, "lib/common.py", "x = 1\n");
    fx_write(&fx, "shared/deep/a.txt", "b\n");
    fx_write(&fx, "real/f.txt", "g\n");
    memset(&ch, 0, sizeof ch);
    assert_int_equal(changes_detect(fx.repo, fx.dir, &o, &ch), 0);
    assert_int_equal(ch.count, 2);
    assert_string_equal(ch.items[0].name, "alpha");
    assert_non_null(strstr(ch.items[0].reason, "shared/deep/a.txt"));
    assert_string_equal(ch.items[1].name, "beta");
    assert_non_null(strstr(ch.items[1].reason, "real/f.txt"));
    changes_free(&ch);
    fx_write(&fx, "shared/deep/a.txt", "a\n");
    fx_write(&fx, "real/f.txt", "f\n");

    /* gamma's manifest does not parse: its includes are not read, and detection goes on */
    fx_write(&fx, "analytics/alpha/src/x.py", "z\n");
    memset(&ch, 0, sizeof ch);
    assert_int_equal(changes_detect(fx.repo, fx.dir, &o, &ch), 0);
    assert_int_equal(ch.count, 1);
    assert_string_equal(ch.items[0].name, "alpha");
    assert_true(ch.items[0].own_change);
    changes_free(&ch);
    /* ... once it parses, a change in alpha's folder selects gamma too */
    fx_write(&fx, "analytics/gamma/analytic.yaml",
             "schema_version: 1\nname: gamma\nversion: 2.1.0\nbuild:\n  include:\n"
             "    - {src: analytics/alpha/src, dest: src}\n");
    fx_commit(&fx, "gamma parses");
    fx_branch(&fx, "pr3");
    o.base = "pr3";
    fx_write(&fx, "analytics/alpha/src/x.py", "zz\n");
    memset(&ch, 0, sizeof ch);
    assert_int_equal(changes_detect(fx.repo, fx.dir, &o, &ch), 0);
    assert_int_equal(ch.count, 2);
    assert_string_equal(ch.items[0].name, "alpha");
    assert_true(ch.items[0].own_change);
    assert_string_equal(ch.items[1].name, "gamma");
    assert_false(ch.items[1].own_change);
    assert_non_null(strstr(ch.items[1].reason, "analytics/alpha/src/x.py"));
    changes_free(&ch);
    triggers_free(&t);
    fx_free(&fx);
}

static void test_rename_is_followed(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    fx_rename(&fx, "analytics/beta", "analytics/delta");
    fx_write(&fx, "analytics/delta/analytic.yaml",
             "# yaml-language-server: $schema=../../schemas/analytic.schema.json\n"
             "schema_version: 1\nname: delta\nversion: 1.0.1\ndescription: test analytic\n");
    fx_commit(&fx, "rename beta to delta");
    struct changes ch;
    detect(&fx, NULL, &ch);
    assert_int_equal(ch.count, 1);
    const struct selected_analytic *d = find_sel(&ch, "delta");
    assert_non_null(d);
    assert_string_equal(d->base_name, "beta");
    assert_false(d->is_new);
    assert_non_null(strstr(d->reason, "renamed from beta"));
    /* the unchanged golden moved without a content change */
    bool saw_golden = false;
    for (size_t i = 0; i < d->nfiles; i++)
        if (strstr(d->files[i].path, "expected/")) {
            saw_golden = true;
            assert_int_equal(d->files[i].status, 'R');
            assert_false(d->files[i].content);
            assert_string_equal(d->files[i].old_path,
                                "analytics/beta/tests/basic/expected/output/0.parquet.gz");
        }
    assert_true(saw_golden);
    const struct skipped_analytic *s = find_skip(&ch, "beta");
    assert_non_null(s);
    assert_string_equal(s->reason, "renamed to delta");
    assert_int_equal(ch.total, 3);
    changes_free(&ch);
    fx_free(&fx);
}

static void test_delete_is_skipped(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    fx_remove(&fx, "analytics/gamma");
    fx_commit(&fx, "drop gamma");
    struct changes ch;
    detect(&fx, NULL, &ch);
    assert_int_equal(ch.count, 0);
    assert_int_equal(ch.nskipped, 1);
    assert_string_equal(ch.skipped[0].name, "gamma");
    assert_string_equal(ch.skipped[0].reason, "deleted");
    assert_int_equal(ch.total, 2);
    changes_free(&ch);
    fx_free(&fx);
}

static void test_untracked_staged_unstaged(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    /* nothing committed on pr: all three kinds come from the work tree and index */
    fx_write(&fx, "analytics/alpha/tests/new/case.yaml", "description: new\n"); /* untracked */
    fx_write(&fx, "analytics/beta/Dockerfile", "FROM debian:sid-slim\n# staged\n");
    fx_stage(&fx, "analytics/beta/Dockerfile");
    fx_write(&fx, "analytics/gamma/analytic.yaml", "name: gamma\nversion: 2.1.1\n"); /* unstaged */
    struct changes ch;
    detect(&fx, NULL, &ch);
    assert_int_equal(ch.count, 3);
    const struct selected_analytic *a = find_sel(&ch, "alpha"), *b = find_sel(&ch, "beta"),
                                   *g = find_sel(&ch, "gamma");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(g);
    assert_string_equal(a->files[0].path, "analytics/alpha/tests/new/case.yaml");
    assert_int_equal(a->files[0].status, 'A');
    assert_int_equal(b->files[0].status, 'M');
    assert_string_equal(g->files[0].path, "analytics/gamma/analytic.yaml");
    changes_free(&ch);
    /* a file deleted in the work tree only */
    fx_remove(&fx, "analytics/alpha/tests/new");
    fx_stage(&fx, "analytics/beta/Dockerfile");
    fx_write(&fx, "analytics/gamma/analytic.yaml",
             "# yaml-language-server: $schema=../../schemas/analytic.schema.json\n"
             "schema_version: 1\nname: gamma\nversion: 2.1.0\ndescription: test analytic\n");
    fx_remove(&fx, "analytics/alpha/Dockerfile");
    detect(&fx, NULL, &ch);
    a = find_sel(&ch, "alpha");
    assert_non_null(a);
    assert_int_equal(a->nfiles, 1);
    assert_int_equal(a->files[0].status, 'D');
    assert_null(find_sel(&ch, "gamma")); /* back as committed */
    changes_free(&ch);
    fx_free(&fx);
}

static void test_new_analytic_and_merge_base(void **state)
{
    (void)state;
    struct gitfx fx;
    setup_three(&fx);
    fx_analytic(&fx, "epsilon", "0.1.0", false);
    fx_commit(&fx, "add epsilon");
    /* main moves on after the branch point: its changes are not the pull request's */
    git_reference *ref;
    assert_int_equal(git_repository_set_head(fx.repo, "refs/heads/main"), 0);
    fx_write(&fx, "analytics/alpha/Dockerfile", "FROM debian:sid-slim\n# on main\n");
    fx_remove(&fx, "analytics/epsilon");
    fx_commit(&fx, "main moves");
    const char *main_tip = fx_rev(&fx, "main");
    char tip[GIT_OID_HEXSZ + 1];
    strcpy(tip, main_tip);
    assert_int_equal(git_repository_set_head(fx.repo, "refs/heads/pr"), 0);
    git_checkout_options co;
    git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED;
    assert_int_equal(git_checkout_head(fx.repo, &co), 0);
    struct changes ch;
    detect(&fx, "main", &ch);
    assert_int_equal(ch.count, 1);
    assert_string_equal(ch.items[0].name, "epsilon");
    assert_true(ch.items[0].is_new);
    assert_non_null(strstr(ch.items[0].reason, "new analytic"));
    assert_string_not_equal(ch.base_oid, tip);
    assert_string_equal(ch.base_desc, "merge base of HEAD and main");
    changes_free(&ch);
    /* origin/main is preferred when it exists */
    git_object *o;
    assert_int_equal(git_revparse_single(&o, fx.repo, "main"), 0);
    assert_int_equal(git_reference_create(&ref, fx.repo, "refs/remotes/origin/main",
                                          git_object_id(o), 0, "test"),
                     0);
    git_reference_free(ref);
    git_object_free(o);
    detect(&fx, NULL, &ch);
    assert_string_equal(ch.base_desc, "merge base of HEAD and origin/main");
    changes_free(&ch);
    /* a base that does not exist is an error naming it */
    memset(&ch, 0, sizeof ch);
    struct changes_options bad = {.base = "no-such-branch"};
    assert_int_equal(changes_detect(fx.repo, fx.dir, &bad, &ch), -1);
    assert_non_null(strstr(err_last(), "no-such-branch"));
    changes_free(&ch);
    fx_free(&fx);
}

static void test_root_in_subfolder(void **state)
{
    (void)state;
    struct gitfx fx;
    fx_init(&fx);
    fx_write(&fx, "collection/analytics/one/analytic.yaml", "name: one\nversion: 1.0.0\n");
    fx_write(&fx, "collection/analytics/two/analytic.yaml", "name: two\nversion: 1.0.0\n");
    fx_write(&fx, "other/analytics/three/analytic.yaml", "name: three\nversion: 1.0.0\n");
    fx_commit(&fx, "init");
    fx_branch(&fx, "pr");
    fx_write(&fx, "collection/analytics/two/Dockerfile", "FROM x\n");
    fx_write(&fx, "other/analytics/three/Dockerfile", "FROM x\n");
    fx_write(&fx, "tool/x.c", "outside the root: no trigger\n");
    char *root = path_join(fx.dir, "collection");
    struct changes ch = {0};
    struct changes_options o = {0};
    assert_int_equal(changes_detect(fx.repo, root, &o, &ch), 0);
    assert_int_equal(ch.count, 1);
    assert_string_equal(ch.items[0].name, "two");
    assert_string_equal(ch.items[0].files[0].path, "analytics/two/Dockerfile");
    changes_free(&ch);
    free(root);
    fx_free(&fx);
}

static void test_owner(void **state)
{
    (void)state;
    char *n = NULL;
    assert_int_equal(changes_owner("analytics/foo/analytic.yaml", &n), 1);
    assert_string_equal(n, "foo");
    free(n);
    assert_int_equal(changes_owner("analytics/foo/tests/a/expected/x", &n), 1);
    assert_string_equal(n, "foo");
    free(n);
    assert_int_equal(changes_owner("analytics/README.md", &n), 0);
    assert_int_equal(changes_owner("analytics//x", &n), 0);
    assert_int_equal(changes_owner("analytics/foo/", &n), 0);
    assert_int_equal(changes_owner("docs/analytics/foo/x", &n), 0);
    assert_int_equal(changes_owner("analyticsfoo/bar/x", &n), 0);
}

static void fake_selection(struct changes *ch, size_t n)
{
    memset(ch, 0, sizeof *ch);
    ch->items = calloc(n, sizeof *ch->items);
    ch->count = ch->cap = n;
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "a%03zu", i);
        ch->items[i].name = strdup(name);
        ch->items[i].base_name = strdup(name);
        ch->items[i].reason = strdup("test");
    }
}

static void test_shard_split_stable_and_complete(void **state)
{
    (void)state;
    for (unsigned n = 1; n <= 7; n++) {
        int seen[50] = {0};
        size_t sizes[8] = {0};
        for (unsigned i = 1; i <= n; i++) {
            struct changes a, b;
            fake_selection(&a, 50);
            fake_selection(&b, 50);
            changes_shard(&a, i, n);
            changes_shard(&b, i, n);
            /* same split every time */
            assert_int_equal(a.count, b.count);
            for (size_t k = 0; k < a.count; k++) {
                assert_string_equal(a.items[k].name, b.items[k].name);
                seen[atoi(a.items[k].name + 1)]++;
            }
            sizes[i] = a.count;
            changes_free(&a);
            changes_free(&b);
        }
        /* every analytic in exactly one shard, sizes within one of each other */
        for (int k = 0; k < 50; k++)
            assert_int_equal(seen[k], 1);
        for (unsigned i = 1; i <= n; i++)
            assert_true(sizes[i] == 50 / n || sizes[i] == 50 / n + 1);
    }
    unsigned i, n;
    assert_int_equal(changes_parse_shard("2/4", &i, &n), 0);
    assert_int_equal(i, 2);
    assert_int_equal(n, 4);
    assert_int_equal(changes_parse_shard("0/4", &i, &n), -1);
    assert_int_equal(changes_parse_shard("5/4", &i, &n), -1);
    assert_int_equal(changes_parse_shard("1/0", &i, &n), -1);
    assert_int_equal(changes_parse_shard("1", &i, &n), -1);
    assert_int_equal(changes_parse_shard("a/b", &i, &n), -1);
    assert_int_equal(changes_parse_shard("1/", &i, &n), -1);
    assert_int_equal(changes_parse_shard("1/99999", &i, &n), -1);
    assert_non_null(strstr(err_last(), "1/99999"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_selects_only_that_analytic),
        cmocka_unit_test(test_schema_edit_selects_all),
        cmocka_unit_test(test_workflow_and_makefile_trigger),
        cmocka_unit_test(test_custom_triggers_file),
        cmocka_unit_test(test_build_include_selects),
        cmocka_unit_test(test_rename_is_followed),
        cmocka_unit_test(test_delete_is_skipped),
        cmocka_unit_test(test_untracked_staged_unstaged),
        cmocka_unit_test(test_new_analytic_and_merge_base),
        cmocka_unit_test(test_root_in_subfolder),
        cmocka_unit_test(test_owner),
        cmocka_unit_test(test_shard_split_stable_and_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
