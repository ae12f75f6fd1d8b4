/* Unit tests of share_auth (tool/share/auth.c): the registry credentials publish and install
 * send, from a password stream or from the docker CLI config found through DOCKER_CONFIG or
 * HOME, and the refusals of a username without a password and the other way round. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "share/share.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kanalytic-share-auth-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(dir);
    return 0;
}

/* DIR/SUB/config.json holding text. */
static void write_config(const char *sub, const char *text)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    assert_int_equal(fs_mkdirs(path, 0755), 0);
    snprintf(path, sizeof path, "%s/%s/config.json", dir, sub);
    assert_int_equal(fs_write_atomic(path, text, strlen(text)), 0);
}

/* The X-Registry-Auth value decoded: its JSON object. */
static json_t *decoded(char *enc)
{
    assert_non_null(enc);
    for (char *c = enc; *c; c++)
        *c = *c == '-' ? '+' : *c == '_' ? '/' : *c; /* base64url -> base64 */
    struct buf dec = BUF_INIT;
    assert_int_equal(docker_base64_decode(enc, strlen(enc), &dec), 0);
    json_t *j = json_loadb(dec.data, dec.len, 0, NULL);
    assert_non_null(j);
    buf_free(&dec);
    free(enc);
    return j;
}

static const char *field(json_t *j, const char *k)
{
    return json_string_value(json_object_get(j, k));
}

static void test_config_through_home_and_docker_config(void **state)
{
    (void)state;
    /* "alice:s3cret" under HOME/.docker, "bob:hunter2" under DOCKER_CONFIG */
    write_config("home/.docker",
                 "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"YWxpY2U6czNjcmV0\"}}}");
    write_config("elsewhere",
                 "{\"auths\":{\"http://127.0.0.1:5000\":{\"auth\":\"Ym9iOmh1bnRlcjI=\"}}}");
    char home[128], other[128];
    snprintf(home, sizeof home, "%s/home", dir);
    snprintf(other, sizeof other, "%s/elsewhere", dir);
    setenv("HOME", home, 1);
    unsetenv("DOCKER_CONFIG");
    json_t *j = decoded(share_auth("127.0.0.1:5000", NULL, NULL));
    assert_string_equal(field(j, "username"), "alice");
    assert_string_equal(field(j, "password"), "s3cret");
    json_decref(j);

    setenv("DOCKER_CONFIG", other, 1); /* wins over HOME */
    j = decoded(share_auth("127.0.0.1:5000", NULL, NULL));
    assert_string_equal(field(j, "username"), "bob");
    assert_string_equal(field(j, "password"), "hunter2");
    json_decref(j);

    /* no entry for that server: anonymous, {} */
    j = decoded(share_auth("127.0.0.1:5001", NULL, NULL));
    assert_int_equal(json_object_size(j), 0);
    json_decref(j);

    /* a broken config is an error naming it, not anonymous */
    write_config("elsewhere", "{\"auths\":");
    assert_null(share_auth("127.0.0.1:5000", NULL, NULL));
    assert_non_null(strstr(err_last(), "config.json"));
    unsetenv("DOCKER_CONFIG");
}

static void test_password_stream(void **state)
{
    (void)state;
    char text[] = "pa:ss word\r\n\n";
    FILE *in = fmemopen(text, strlen(text), "r");
    json_t *j = decoded(share_auth("reg.test:5000", "ci", in));
    fclose(in);
    assert_string_equal(field(j, "username"), "ci");
    assert_string_equal(field(j, "password"), "pa:ss word"); /* line ends dropped */
    assert_string_equal(field(j, "serveraddress"), "reg.test:5000");
    json_decref(j);

    char blank[] = "\n";
    in = fmemopen(blank, 1, "r");
    assert_null(share_auth("reg.test:5000", "ci", in));
    fclose(in);
    assert_non_null(strstr(err_last(), "held no password"));

    assert_null(share_auth("reg.test:5000", "ci", NULL));
    assert_non_null(strstr(err_last(), "--username needs --password-stdin"));
    in = fmemopen(text, strlen(text), "r");
    assert_null(share_auth("reg.test:5000", NULL, in));
    fclose(in);
    assert_non_null(strstr(err_last(), "--password-stdin needs --username"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_through_home_and_docker_config),
        cmocka_unit_test(test_password_stream),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
