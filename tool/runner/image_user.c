/* The image's user against Kestrel's /data folders: see image_user.h. */
#include "image_user.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

bool image_user_is_root(const char *user)
{
    if (!user || !*user)
        return true;
    size_t n = strcspn(user, ":");
    return (n == 4 && !strncmp(user, "root", 4)) || (n == 1 && user[0] == '0');
}

bool image_user_explain(const char *user, struct case_result *r)
{
    if (image_user_is_root(user))
        return false;
    bool done = false;
    static const char *const rules[] = {RULE_EXIT_CODE, RULE_OUTPUT_MISSING};
    for (size_t k = 0; k < sizeof rules / sizeof *rules && !done; k++) {
        for (size_t i = 0; i < r->nproblems; i++) {
            struct case_problem *p = &r->problems[i];
            if (strcmp(p->rule, rules[k]))
                continue;
            struct buf b = BUF_INIT;
            buf_addf(&b,
                     "%s; the image runs as USER %s, and Kestrel's /data folders belong to the "
                     "hunter's user with mode 0755, so %s cannot write /data/output there "
                     "either (PermissionError): run the analytic as root (no USER in the "
                     "Dockerfile)",
                     p->message, user, user);
            free(p->message);
            p->message = buf_detach(&b, NULL);
            done = true;
            break;
        }
    }
    return done;
}

int image_user_of(struct docker *d, const char *ref, char **out)
{
    *out = NULL;
    struct docker_image img;
    int rc = docker_image_inspect(d, ref, &img);
    if (rc < 0)
        return rc;
    const char *user =
        json_string_value(json_object_get(json_object_get(img.json, "Config"), "User"));
    *out = xstrdup(user ? user : "");
    docker_image_free(&img);
    return 0;
}
