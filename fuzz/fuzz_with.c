/* libFuzzer target for Kestrel's WITH syntax (tool/manifest/kestrel_with.c), the reader behind
 * `kanalytic run --with` and case.yaml `with:`. Input: the WITH text. Properties: a parse
 * either succeeds with at least one parameter, each named as Kestrel's grammar names them and
 * each scalar holding its text, or fails with an error at a real line:col of the text. */
#include "manifest/kestrel_with.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_scalar(const struct param_value *v)
{
    if (!v->text || v->kind == PV_LIST)
        abort();
    if ((v->kind == PV_INTEGER || v->kind == PV_NUMBER) && !v->text[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (strlen(s) != size) { /* the text comes from a C string (argv, YAML) */
        free(s);
        return 0;
    }
    struct param_value *v = NULL;
    size_t n = 7;
    struct diag_list diags = DIAG_LIST_INIT;
    int rc = kestrel_with_parse(s, "--with", &v, &n, &diags);
    if (rc == 0) {
        if (n == 0 || !v)
            abort();
        for (size_t i = 0; i < n; i++) {
            if (!v[i].name || !kestrel_is_name(v[i].name, strlen(v[i].name)))
                abort();
            if (v[i].kind == PV_LIST) {
                if (v[i].n_items < 2) /* a one-item list is its item */
                    abort();
                for (size_t k = 0; k < v[i].n_items; k++)
                    check_scalar(&v[i].items[k]);
            } else {
                check_scalar(&v[i]);
            }
        }
        if (diag_count(&diags, DIAG_ERROR))
            abort();
    } else {
        if (v || n || !diag_count(&diags, DIAG_ERROR))
            abort();
        int lines = 1;
        for (size_t i = 0; i < size; i++)
            lines += s[i] == '\n';
        for (size_t i = 0; i < diags.count; i++)
            if (diags.items[i].line < 1 || diags.items[i].line > lines || diags.items[i].col < 1)
                abort();
    }
    param_values_free(v, n);
    diag_list_free(&diags);
    free(s);
    return 0;
}
