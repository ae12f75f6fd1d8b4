/* libFuzzer target for the CI gate's string rules (tool/git/policy.c, tool/git/changes.c):
 * semantic-version comparison, golden and owner paths, shard parsing.
 * Input: two strings separated by the first newline. Properties: semver_compare succeeds iff
 * both are valid; it is reflexive and antisymmetric; a path's owner is a prefix-free name. */
#include "git/changes.h"
#include "git/policy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (strlen(s) != size) { /* the rules work on C strings */
        free(s);
        return 0;
    }
    char *nl = strchr(s, '\n');
    const char *a = s, *b = "";
    if (nl) {
        *nl = '\0';
        b = nl + 1;
    }
    bool va = semver_valid(a), vb = semver_valid(b);
    int ab = 7, ba = 7, aa = 7;
    int rab = semver_compare(a, b, &ab), rba = semver_compare(b, a, &ba);
    if ((rab == 0) != (va && vb) || (rba == 0) != (va && vb))
        abort();
    if (rab == 0 && (ab < -1 || ab > 1 || ab != -ba))
        abort();
    if (va && (semver_compare(a, a, &aa) != 0 || aa != 0))
        abort();

    char *owner = NULL;
    if (changes_owner(a, &owner)) {
        size_t n = strlen(owner);
        if (!n || strchr(owner, '/') || strncmp(a + strlen("analytics/"), owner, n) ||
            a[strlen("analytics/") + n] != '/')
            abort();
        free(owner);
    }
    if (policy_is_golden(a) && strncmp(a, "analytics/", 10))
        abort();
    unsigned i, n;
    if (changes_parse_shard(a, &i, &n) == 0 && (i < 1 || i > n || n > 1000))
        abort();
    free(s);
    return 0;
}
