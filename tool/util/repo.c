/* Repository discovery: see repo.h. */
#include "repo.h"
#include "error.h"
#include "xalloc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KANALYTIC_DATADIR
#define KANALYTIC_DATADIR "/usr/local/share/kanalytic"
#endif

int repo_find_root(char **out)
{
    const char *env = getenv("KANALYTIC_ROOT");
    if (env && *env) {
        if (!fs_is_dir(env))
            return err_set("KANALYTIC_ROOT=%s: not a directory", env);
        *out = xstrdup(env);
        return 0;
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return err_errno("getcwd");
    for (;;) {
        char *a = path_join(cwd, "analytics");
        bool found = fs_is_dir(a);
        free(a);
        if (found) {
            *out = xstrdup(cwd);
            return 0;
        }
        char *slash = strrchr(cwd, '/');
        if (!slash || slash == cwd)
            break;
        *slash = '\0';
    }
    return err_set("not inside an analytics repository (no analytics/ folder here or above; "
                   "set KANALYTIC_ROOT)");
}

char *repo_schemas_dir(const char *root)
{
    const char *env = getenv("KANALYTIC_SCHEMAS");
    if (env && *env)
        return xstrdup(env);
    if (root) {
        char *s = path_join(root, "schemas");
        if (fs_is_dir(s))
            return s;
        free(s);
    }
    return xstrdup(KANALYTIC_DATADIR "/schemas");
}

int repo_list_analytics(const char *root, struct fs_names *out)
{
    char *dir = path_join(root, "analytics");
    struct fs_names all = {0};
    if (fs_list_dir(dir, &all) < 0) {
        free(dir);
        return -1;
    }
    for (size_t i = 0; i < all.count; i++) {
        char *sub = path_join(dir, all.names[i]);
        char *man = path_join(sub, "analytic.yaml");
        if (fs_is_file(man)) {
            ARRAY_GROW(out->names, out->count + 1, out->cap);
            out->names[out->count++] = xstrdup(all.names[i]);
        }
        free(man);
        free(sub);
    }
    fs_names_free(&all);
    free(dir);
    return 0;
}

int repo_resolve_analytic(const char *root, const char *arg, char **dir, const char **name)
{
    char *d;
    if (strchr(arg, '/') || !root) {
        d = xstrdup(arg);
        size_t n = strlen(d);
        while (n > 1 && d[n - 1] == '/')
            d[--n] = '\0';
    } else {
        char *a = path_join(root, "analytics");
        d = path_join(a, arg);
        free(a);
    }
    if (!fs_is_dir(d)) {
        int r = err_set("%s: no such analytic (no folder %s)", arg, d);
        free(d);
        return r;
    }
    *dir = d;
    *name = path_basename(d);
    return 0;
}

int repo_resolve_folder(const char *abs_root, const char *arg, char **dir, bool *inside)
{
    char *d, *probe = path_join(arg, "analytic.yaml");
    bool is_path = fs_is_file(probe) || strchr(arg, '/');
    free(probe);
    if (is_path) {
        if (!fs_is_dir(arg))
            return err_set("%s: no such folder", arg);
        d = xstrdup(arg);
    } else {
        const char *name;
        if (repo_resolve_analytic(abs_root, arg, &d, &name) < 0)
            return -1;
    }
    char real[PATH_MAX];
    bool in = false;
    if (abs_root && realpath(d, real)) {
        size_t n = strlen(abs_root);
        in = !strncmp(real, abs_root, n) && real[n] == '/';
    }
    *dir = d;
    *inside = in;
    return 0;
}
