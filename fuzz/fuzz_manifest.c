/* libFuzzer target: the manifest loader and validator (YAML -> positions -> schema ->
 * struct manifest -> semantic checks) on arbitrary bytes, plus the --param parser on the
 * first line. Run from the repository root so schemas/ is found (or set KANALYTIC_SCHEMAS).
 * Seeds: fuzz/seeds/fuzz_manifest/ (good and bad manifests). */
#include "manifest/manifest.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag_list diags = DIAG_LIST_INIT;
    struct manifest *m = NULL;
    int r = manifest_load_buffer((const char *)data, size, "fuzz.yaml", &m, &diags);
    if (r == 0) {
        /* a loaded manifest must be complete and consistent */
        if (!m || !m->name || !manifest_json(m) || !manifest_json(m)[0])
            abort();
        for (size_t i = 0; i < m->n_outputs; i++)
            if (m->outputs[i].input >= m->n_inputs)
                abort();
        /* render every default back through the parameter checker */
        struct param_value *given = xcalloc(m->n_params + 1, sizeof *given);
        size_t n = 0;
        for (size_t i = 0; i < m->n_params; i++) {
            if (!m->params[i].default_text)
                continue;
            struct buf_arg {
                char s[256];
            } a;
            if (strlen(m->params[i].name) + strlen(m->params[i].default_text) + 2 > sizeof a.s)
                continue;
            strcpy(a.s, m->params[i].name);
            strcat(a.s, "=");
            strcat(a.s, m->params[i].default_text);
            if (params_parse_arg(a.s, &given[n]) == 0)
                n++;
        }
        struct env_list env = {0};
        params_render(m, given, n, &env, &diags);
        if (env.count > n)
            abort();
        env_list_free(&env);
        param_values_free(given, n);
    } else if (r == 1 && diag_count(&diags, DIAG_ERROR) == 0) {
        abort(); /* findings were promised */
    }
    manifest_free(m);
    diag_list_free(&diags);

    size_t line = 0;
    while (line < size && line < 200 && data[line] != '\n')
        line++;
    char *arg = xstrndup((const char *)data, line);
    struct param_value v;
    if (params_parse_arg(arg, &v) == 0)
        param_value_free(&v);
    free(arg);
    return 0;
}
