/* Registry credentials for publish and install (share.h): a password from a stream, or the
 * docker CLI config's entry, as the X-Registry-Auth value. */
#include "share/share.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/xalloc.h"

#include <stdlib.h>

#define PASSWORD_MAX 65536

char *share_auth(const char *server, const char *username, FILE *password_in)
{
    struct docker_auth a = {0};
    if (username) {
        if (!password_in) {
            err_set("--username needs --password-stdin (the password is read from standard "
                    "input, never from the command line)");
            return NULL;
        }
        struct buf pw = BUF_INIT;
        char chunk[256];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, password_in)) > 0 && pw.len < PASSWORD_MAX)
            buf_add(&pw, chunk, n);
        while (pw.len && (pw.data[pw.len - 1] == '\n' || pw.data[pw.len - 1] == '\r'))
            buf_setlen(&pw, pw.len - 1);
        if (!pw.len) {
            buf_free(&pw);
            err_set("--password-stdin: standard input held no password");
            return NULL;
        }
        a.username = xstrdup(username);
        a.password = buf_detach(&pw, NULL);
        a.serveraddress = xstrdup(server);
    } else if (password_in) {
        err_set("--password-stdin needs --username");
        return NULL;
    } else {
        char *path = docker_config_path();
        int r = docker_auth_from_config(path, server, &a);
        free(path);
        if (r < 0)
            return NULL;
    }
    char *enc = docker_auth_encode(a.username ? &a : NULL);
    docker_auth_free(&a);
    return enc;
}
