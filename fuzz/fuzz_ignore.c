/* libFuzzer target for the .dockerignore reader and matcher (tool/docker/ignore.c).
 * Input: the .dockerignore text, a NUL byte, then paths to match, one per line. Checks that
 * nothing crashes or hangs and that path cleaning is idempotent. */
#include "docker/ignore.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) /* paths are bounded by PATH_MAX; ancestors make matching quadratic */
        return 0;
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t tlen = nul ? (size_t)(nul - text) : size;
    struct ignore *ig = NULL;
    if (ignore_parse(text, tlen, ".dockerignore", &ig) < 0)
        return 0;
    if (nul) {
        const char *p = nul + 1, *end = text + size;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            char *path = malloc(n + 1);
            memcpy(path, p, n);
            path[n] = '\0';
            if (!memchr(path, '\0', n) || strlen(path) == n) {
                bool ex;
                (void)ignore_match(ig, path, &ex);
                size_t np = ignore_count(ig) + 1;
                bool *a = calloc(np, 1), *b = calloc(np, 1);
                (void)ignore_match_walk(ig, path, NULL, a, &ex);
                (void)ignore_match_walk(ig, path, a, b, &ex);
                free(a);
                free(b);
                (void)ignore_dir_has_exceptions(ig, path);
                char *c1 = ignore_clean_path(path);
                char *c2 = ignore_clean_path(c1);
                if (strcmp(c1, c2))
                    abort();
                free(c1);
                free(c2);
            }
            free(path);
            p += n + 1;
        }
    }
    for (size_t i = 0; i < ignore_count(ig); i++)
        (void)ignore_pattern(ig, i);
    ignore_free(ig);
    return 0;
}
