/* Owns: the base images named by Dockerfiles' FROM lines (docker/dockerfile.h). */
#include "docker/dockerfile.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Dockerfiles larger than this are not read (doctor's scan is advisory). */
#define DOCKERFILE_MAX (1 << 20)

static void base_add(struct dockerfile_bases *l, const char *image, const char *label)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].image, image))
            return;
    ARRAY_GROW(l->items, l->n + 1, l->cap);
    l->items[l->n].image = xstrdup(image);
    l->items[l->n].used_by = xstrdup(label);
    l->n++;
}

/* Next white-space separated word of *p (advanced, the word ended in place); NULL at the end. */
static char *word(char **p)
{
    char *s = *p;
    while (*s && isspace((unsigned char)*s))
        s++;
    if (!*s)
        return NULL;
    char *start = s;
    while (*s && !isspace((unsigned char)*s))
        s++;
    if (*s)
        *s++ = '\0';
    *p = s;
    return start;
}

void dockerfile_scan(const char *text, size_t len, const char *label, struct dockerfile_bases *out)
{
    char *copy = xstrndup(text, len);
    char **stages = NULL;
    size_t nstages = 0, cap = 0;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *p = line;
        char *kw = word(&p);
        if (!kw || strcasecmp(kw, "FROM"))
            continue;
        char *image = word(&p);
        while (image && !strncmp(image, "--", 2))
            image = word(&p);
        if (!image)
            continue;
        char *as = word(&p);
        char *stage = as && !strcasecmp(as, "AS") ? word(&p) : NULL;
        bool skip = !strcasecmp(image, "scratch") || strchr(image, '$');
        for (size_t i = 0; i < nstages && !skip; i++)
            skip = !strcasecmp(stages[i], image);
        if (!skip)
            base_add(out, image, label);
        if (stage) {
            ARRAY_GROW(stages, nstages + 1, cap);
            stages[nstages++] = xstrdup(stage);
        }
    }
    for (size_t i = 0; i < nstages; i++)
        free(stages[i]);
    free(stages);
    free(copy);
}

/* Scans root/dir/NAME/Dockerfile for each NAME of names. */
static void scan_folders(const char *root, const char *dir, const struct fs_names *names,
                         struct dockerfile_bases *out)
{
    for (size_t i = 0; i < names->count; i++) {
        struct buf path = BUF_INIT, label = BUF_INIT, text = BUF_INIT;
        buf_addf(&label, "%s/%s/Dockerfile", dir, names->names[i]);
        buf_addf(&path, "%s/%s", root, label.data);
        if (fs_is_file(path.data) && fs_read_file(path.data, DOCKERFILE_MAX, &text) == 0)
            dockerfile_scan(text.data, text.len, label.data, out);
        buf_free(&path);
        buf_free(&label);
        buf_free(&text);
    }
}

void dockerfile_scan_repo(const char *root, struct dockerfile_bases *out)
{
    struct fs_names names = {0};
    if (repo_list_analytics(root, &names) == 0)
        scan_folders(root, "analytics", &names, out);
    fs_names_free(&names);
    char *templates = path_join(root, "template");
    memset(&names, 0, sizeof names);
    if (fs_is_dir(templates) && fs_list_dir(templates, &names) == 0)
        scan_folders(root, "template", &names, out);
    fs_names_free(&names);
    free(templates);
    err_clear(); /* a missing folder or file is not an error here */
}

void dockerfile_bases_free(struct dockerfile_bases *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->items[i].image);
        free(b->items[i].used_by);
    }
    free(b->items);
    memset(b, 0, sizeof *b);
}
