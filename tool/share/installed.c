/* Owns: the analytics images of an engine's image list, from their labels alone (share.h,
 * share_installed). */
#include "share/share.h"
#include "manifest/manifest.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* "kestrel-analytics-NAME:TAG" among the image's tags -> NAME (caller frees), or NULL. */
static char *local_name(const json_t *img)
{
    size_t i;
    json_t *t;
    json_array_foreach (json_object_get(img, "RepoTags"), i, t) {
        const char *s = json_string_value(t);
        if (!s || strncmp(s, IMAGE_PREFIX, strlen(IMAGE_PREFIX)))
            continue;
        const char *colon = strrchr(s, ':');
        if (!colon)
            continue;
        return xstrndup(s + strlen(IMAGE_PREFIX), (size_t)(colon - s) - strlen(IMAGE_PREFIX));
    }
    return NULL;
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int by_name(const void *a, const void *b)
{
    return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
                  json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

json_t *share_installed(const json_t *images)
{
    size_t n = 0, i;
    json_t **rows = xmalloc((json_array_size(images) + 1) * sizeof *rows);
    json_t *img;
    json_array_foreach (images, i, img) {
        char *name = local_name(img);
        if (!name)
            continue;
        json_t *labels = json_object_get(img, "Labels");
        json_t *m =
            json_loads(json_string_value(json_object_get(labels, SHARE_LABEL_MANIFEST)), 0, NULL);
        json_t *size = json_object_get(img, "Size");
        json_t *row = json_object();
        json_object_set_new(row, "name", json_string(name));
        json_object_set_new(row, "version",
                            string_or_null(json_string_value(json_object_get(m, "version"))));
        json_object_set_new(
            row, "revision",
            string_or_null(json_string_value(json_object_get(labels, SHARE_LABEL_REVISION))));
        json_object_set_new(row, "id",
                            string_or_null(json_string_value(json_object_get(img, "Id"))));
        json_object_set_new(row, "size", size ? json_incref(size) : json_null());
        json_object_set_new(row, "source",
                            string_or_null(json_string_value(
                                json_array_get(json_object_get(img, "RepoDigests"), 0))));
        rows[n++] = row;
        json_decref(m);
        free(name);
    }
    qsort(rows, n, sizeof *rows, by_name);
    json_t *out = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(out, rows[i]);
    free(rows);
    return out;
}
