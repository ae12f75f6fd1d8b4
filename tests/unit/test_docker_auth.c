/* Unit tests of the docker CLI config reading (auths with base64 "auth" or username/password,
 * keys with a scheme and path, credential helpers refused with a clear message, broken files)
 * and of the X-Registry-Auth encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "docker/docker.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static const char *write_config(const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/config.json", dir);
    assert_int_equal(fs_write_atomic(path, text, strlen(text)), 0);
    return path;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kanalytic-auth-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(dir);
    return 0;
}

static void test_auth_base64_and_key_forms(void **state)
{
    (void)state;
    /* "alice:pa:ss" -> the password keeps its colon */
    const char *p =
        write_config("{\"auths\":{\"other:1\":{\"auth\":\"eDp5\"},"
                     "\"https://127.0.0.1:5000/v1/\":{\"auth\":\"YWxpY2U6cGE6c3M=\"}}}");
    struct docker_auth a;
    assert_int_equal(docker_auth_from_config(p, "127.0.0.1:5000", &a), 1);
    assert_string_equal(a.username, "alice");
    assert_string_equal(a.password, "pa:ss");
    assert_string_equal(a.serveraddress, "127.0.0.1:5000");
    docker_auth_free(&a);
    assert_int_equal(docker_auth_from_config(p, "other:1", &a), 1);
    assert_string_equal(a.username, "x");
    assert_string_equal(a.password, "y");
    docker_auth_free(&a);
    /* no entry, no file: anonymous */
    assert_int_equal(docker_auth_from_config(p, "127.0.0.1:5001", &a), 0);
    assert_null(a.username);
    assert_int_equal(docker_auth_from_config("/nonexistent/config.json", "h", &a), 0);
}

static void test_auth_username_password_fields(void **state)
{
    (void)state;
    const char *p =
        write_config("{\"auths\":{\"reg:5000\":{\"username\":\"bob\",\"password\":\"pw\"}}}");
    struct docker_auth a;
    assert_int_equal(docker_auth_from_config(p, "reg:5000", &a), 1);
    assert_string_equal(a.username, "bob");
    assert_string_equal(a.password, "pw");
    docker_auth_free(&a);
}

static void test_cred_helpers_not_supported(void **state)
{
    (void)state;
    const char *p =
        write_config("{\"auths\":{\"reg:5000\":{}},\"credHelpers\":{\"reg:5000\":\"pass\"}}");
    struct docker_auth a;
    assert_int_equal(docker_auth_from_config(p, "reg:5000", &a), -1);
    assert_non_null(strstr(err_last(), "docker-credential-pass"));
    assert_non_null(strstr(err_last(), "not supported"));
    assert_non_null(strstr(err_last(), "--password-stdin"));
    assert_non_null(strstr(err_last(), "config.json"));
    /* a store with an inline entry still works; one without refuses */
    p = write_config(
        "{\"auths\":{\"a:1\":{\"auth\":\"eDp5\"},\"b:1\":{}},\"credsStore\":\"desktop\"}");
    assert_int_equal(docker_auth_from_config(p, "a:1", &a), 1);
    docker_auth_free(&a);
    assert_int_equal(docker_auth_from_config(p, "b:1", &a), -1);
    assert_non_null(strstr(err_last(), "docker-credential-desktop"));
}

static void test_broken_configs(void **state)
{
    (void)state;
    struct docker_auth a;
    const char *p = write_config("{\"auths\": {\n  \"reg\": ");
    assert_int_equal(docker_auth_from_config(p, "reg", &a), -1);
    assert_non_null(strstr(err_last(), "config.json:"));
    assert_non_null(strstr(err_last(), "not valid JSON"));
    p = write_config("{\"auths\":{\"reg\":{\"auth\":\"!!!\"}}}");
    assert_int_equal(docker_auth_from_config(p, "reg", &a), -1);
    assert_non_null(strstr(err_last(), "not base64"));
    p = write_config("{\"auths\":{\"reg\":{\"auth\":\"bm9jb2xvbg==\"}}}"); /* "nocolon" */
    assert_int_equal(docker_auth_from_config(p, "reg", &a), -1);
    p = write_config("[1]");
    assert_int_equal(docker_auth_from_config(p, "reg", &a), -1);
    assert_non_null(strstr(err_last(), "not a JSON object"));
}

static void test_encode_is_base64url_json(void **state)
{
    (void)state;
    /* '?' and '>' make '/' and '+' in standard base64: base64url must not contain them */
    struct docker_auth a = {"u?>", "p?~>>", "h:1"};
    char *e = docker_auth_encode(&a);
    assert_null(strpbrk(e, "+/"));
    assert_int_equal(strlen(e) % 4, 0); /* padded: Go's base64.URLEncoding refuses it otherwise */
    struct buf dec = BUF_INIT;
    assert_int_equal(docker_base64_decode(e, strlen(e), &dec), 0);
    assert_string_equal(dec.data,
                        "{\"password\":\"p?~>>\",\"serveraddress\":\"h:1\",\"username\":\"u?>\"}");
    buf_free(&dec);
    free(e);
    e = docker_auth_encode(NULL);
    assert_string_equal(e, "e30=");
    free(e);
}

static void test_config_path_from_env(void **state)
{
    (void)state;
    setenv("DOCKER_CONFIG", "/x/y", 1);
    char *p = docker_config_path();
    assert_string_equal(p, "/x/y/config.json");
    free(p);
    unsetenv("DOCKER_CONFIG");
    setenv("HOME", "/home/h", 1);
    p = docker_config_path();
    assert_string_equal(p, "/home/h/.docker/config.json");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_base64_and_key_forms),
        cmocka_unit_test(test_auth_username_password_fields),
        cmocka_unit_test(test_cred_helpers_not_supported),
        cmocka_unit_test(test_broken_configs),
        cmocka_unit_test(test_encode_is_base64url_json),
        cmocka_unit_test(test_config_path_from_env),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
