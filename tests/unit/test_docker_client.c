/* Unit tests of the Docker client's protocol handling against a canned HTTP/1.1 server on a
 * unix socket in a temporary directory (a forked child): version negotiation and its retry,
 * error answers, empty POSTs, chunked bodies, errors inside a 200 build stream, log frames
 * split at every byte, timeouts, and an unreachable engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "docker/docker.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

struct canned {
    const char *data; /* the raw response */
    size_t len;       /* 0: strlen(data) */
    bool bytewise;    /* write one byte at a time */
    int delay_ms;     /* before answering */
};

struct server {
    char dir[64];
    char sock[128];
    char log[128];
    char host[160];
    pid_t pid;
};

static bool read_request(int fd, struct buf *req)
{
    char c;
    size_t body_len = 0;
    bool chunked = false;
    /* headers */
    while (req->len < 4 || memcmp(req->data + req->len - 4, "\r\n\r\n", 4)) {
        if (read(fd, &c, 1) != 1)
            return false;
        buf_addch(req, c);
    }
    const char *cl = strcasestr(req->data, "\r\nContent-Length:");
    if (cl)
        body_len = strtoul(cl + 17, NULL, 10);
    chunked = strcasestr(req->data, "\r\nTransfer-Encoding: chunked") != NULL;
    if (chunked) {
        /* read until the terminating zero-length chunk */
        size_t start = req->len;
        for (;;) {
            if (read(fd, &c, 1) != 1)
                return false;
            buf_addch(req, c);
            if (req->len - start >= 5 && !memcmp(req->data + req->len - 5, "0\r\n\r\n", 5) &&
                (req->len - start == 5 || req->data[req->len - 6] == '\n'))
                break;
        }
    } else {
        for (size_t i = 0; i < body_len; i++) {
            if (read(fd, &c, 1) != 1)
                return false;
            buf_addch(req, c);
        }
    }
    return true;
}

static void serve(int lfd, const char *log, const struct canned *resp, size_t n)
{
    FILE *lf = fopen(log, "w");
    for (size_t i = 0; i < n; i++) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            _exit(3);
        struct buf req = BUF_INIT;
        if (!read_request(fd, &req)) {
            close(fd);
            buf_free(&req);
            i--; /* a probe without a request */
            continue;
        }
        fprintf(lf, "%s\n=====\n", req.data);
        fflush(lf);
        buf_free(&req);
        if (resp[i].delay_ms)
            usleep((useconds_t)resp[i].delay_ms * 1000);
        size_t len = resp[i].len ? resp[i].len : strlen(resp[i].data);
        struct buf out = BUF_INIT;
        const char *hdr_end = memmem(resp[i].data, len, "\r\n\r\n", 4);
        const char *ph = memmem(resp[i].data, len, "Content-Length: %\r\n", 19);
        if (ph && hdr_end && ph < hdr_end) {
            size_t body = len - (size_t)(hdr_end + 4 - resp[i].data);
            buf_add(&out, resp[i].data, (size_t)(ph - resp[i].data));
            buf_addf(&out, "Content-Length: %zu", body);
            buf_add(&out, ph + 17, len - (size_t)(ph + 17 - resp[i].data));
        } else {
            buf_add(&out, resp[i].data, len);
        }
        if (resp[i].bytewise) {
            for (size_t k = 0; k < out.len; k++) {
                if (write(fd, out.data + k, 1) != 1)
                    break;
                usleep(50);
            }
        } else if (write(fd, out.data, out.len) != (ssize_t)out.len) {
            _exit(4);
        }
        buf_free(&out);
        shutdown(fd, SHUT_WR);
        char sink[256];
        while (read(fd, sink, sizeof sink) > 0)
            ;
        close(fd);
    }
    fclose(lf);
    _exit(0);
}

static void server_start(struct server *s, const struct canned *resp, size_t n)
{
    strcpy(s->dir, "/tmp/kanalytic-dockertest.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->sock, sizeof s->sock, "%s/docker.sock", s->dir);
    snprintf(s->log, sizeof s->log, "%s/requests.log", s->dir);
    snprintf(s->host, sizeof s->host, "unix://%s", s->sock);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    memcpy(a.sun_path, s->sock, strlen(s->sock) + 1);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 16), 0);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0)
        serve(lfd, s->log, resp, n);
    close(lfd);
}

/* Waits for the server (it exits after its last answer); returns the request log. */
static char *server_finish(struct server *s)
{
    int st;
    for (int i = 0; i < 200; i++) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid)
            break;
        if (i == 199) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &st, 0);
        }
        usleep(10000);
    }
    struct buf b = BUF_INIT;
    fs_read_file(s->log, 1 << 20, &b);
    fs_remove_tree(s->dir);
    return buf_detach(&b, NULL);
}

#define PING(v)                                                                                    \
    {                                                                                              \
        "HTTP/1.1 200 OK\r\nApi-Version: " v "\r\nContent-Type: text/plain\r\nContent-Length: "    \
        "2\r\nConnection: close\r\n\r\nOK",                                                        \
            0, false, 0                                                                            \
    }
static const char VERSION_BODY[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
    "Transfer-Encoding: chunked\r\n\r\n"
    "1d\r\n{\"Version\":\"20.10.24\",\"ApiVer\r\n"
    "24\r\nsion\":\"1.41\",\"MinAPIVersion\":\"1.12\"}\r\n"
    "0\r\n\r\n";

static struct docker *open_on(struct server *s)
{
    struct docker *d = NULL;
    int r = docker_open_host(&d, s->host);
    if (r < 0)
        fail_msg("docker_open_host: %s", err_last());
    return d;
}

static void test_negotiates_from_ping(void **state)
{
    (void)state;
    struct canned resp[] = {PING("1.41"), {VERSION_BODY, 0, false, 0}};
    struct server s;
    server_start(&s, resp, 2);
    struct docker *d = open_on(&s);
    assert_string_equal(docker_api_version(d), "1.41");
    assert_string_equal(docker_engine_version(d), "20.10.24");
    assert_string_equal(docker_engine_min_api(d), "1.12");
    docker_close(d);
    char *log = server_finish(&s);
    assert_non_null(strstr(log, "GET /_ping HTTP/1.1"));
    assert_non_null(strstr(log, "GET /v1.41/version HTTP/1.1"));
    assert_non_null(strstr(log, "Host: localhost"));
    free(log);
}

static void test_retries_once_on_too_new(void **state)
{
    (void)state;
    static const char too_new[] =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n"
        "{\"message\":\"client version 1.47 is too new. Maximum supported API version is 1.43\"}\n"
        "  ";
    struct canned resp[] = {PING("1.52"), {too_new, 0, false, 0}, {VERSION_BODY, 0, false, 0}};
    struct server s;
    server_start(&s, resp, 3);
    struct docker *d = open_on(&s);
    assert_string_equal(docker_api_version(d), "1.43");
    docker_close(d);
    char *log = server_finish(&s);
    /* min(MAX, header) first, then the version the engine named */
    char *first = strstr(log, "GET /v" DOCKER_API_MAX "/version");
    char *second = strstr(log, "GET /v1.43/version");
    assert_non_null(first);
    assert_non_null(second);
    assert_true(first < second);
    free(log);
}

static void test_retries_once_on_too_old_then_gives_up(void **state)
{
    (void)state;
    static const char too_old[] =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n"
        "{\"message\":\"client version 1.41 is too old. Minimum supported API version is 1.44\"}\n";
    static const char too_old2[] =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n"
        "{\"message\":\"client version 1.44 is too old. Minimum supported API version is 1.45\"}\n";
    struct canned resp[] = {PING("1.41"), {too_old, 0, false, 0}, {too_old2, 0, false, 0}};
    struct server s;
    server_start(&s, resp, 3);
    struct docker *d = NULL;
    int r = docker_open_host(&d, s.host);
    assert_true(r < 0);
    assert_null(d);
    assert_non_null(strstr(err_last(), "is too old"));
    assert_non_null(strstr(err_last(), "cannot agree on an API version"));
    char *log = server_finish(&s);
    assert_non_null(strstr(log, "GET /v1.41/version"));
    assert_non_null(strstr(log, "GET /v1.44/version"));
    assert_null(strstr(log, "GET /v1.45/version")); /* only one retry */
    free(log);
}

static void test_no_api_header_starts_at_1_44(void **state)
{
    (void)state;
    static const char ping[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK";
    struct canned resp[] = {{ping, 0, false, 0}, {VERSION_BODY, 0, false, 0}};
    struct server s;
    server_start(&s, resp, 2);
    struct docker *d = open_on(&s);
    assert_string_equal(docker_api_version(d), "1.44");
    docker_close(d);
    free(server_finish(&s));
}

static void test_error_answers(void **state)
{
    (void)state;
    static const char e404[] =
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n{\"message\":\"No such image: nope:latest\"}";
    static const char e409[] =
        "HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n{\"message\":\"Conflict. The container name \\\"/x\\\" is "
        "already in use by container abc\"}\n";
    static const char e500[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                               "Connection: close\r\nContent-Length: %\r\n\r\ndisk is full\r\n";
    static const char kill409[] =
        "HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n{\"message\":\"Container abc is not running\"}\n      ";
    static const char rm404[] =
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n{\"message\":\"No such container: abc\"}\n";
    struct canned resp[] = {
        PING("1.41"),        {VERSION_BODY, 0, false, 0}, {e404, 0, false, 0}, {e409, 0, false, 0},
        {e500, 0, false, 0}, {kill409, 0, false, 0},      {rm404, 0, false, 0}};
    struct server s;
    server_start(&s, resp, sizeof resp / sizeof resp[0]);
    struct docker *d = open_on(&s);
    struct docker_image img;
    assert_int_equal(docker_image_inspect(d, "nope:latest", &img), DOCKER_ENOTFOUND);
    assert_string_equal(err_last(), "No such image: nope:latest");
    char *id = NULL;
    assert_int_equal(docker_container_create(d, "x", "{\"Image\":\"a\"}", &id, NULL),
                     DOCKER_ECONFLICT);
    assert_non_null(strstr(err_last(), "creating container x: Conflict."));
    assert_null(id);
    assert_int_equal(docker_container_start(d, "abc"), DOCKER_EGENERIC);
    assert_non_null(strstr(err_last(), "disk is full (HTTP 500)"));
    assert_int_equal(docker_container_kill(d, "abc", NULL), 0);   /* not running: fine */
    assert_int_equal(docker_container_remove(d, "abc", true), 0); /* gone: fine */
    docker_close(d);
    char *log = server_finish(&s);
    assert_non_null(strstr(log, "GET /v1.41/images/nope%3Alatest/json"));
    assert_non_null(strstr(log, "POST /v1.41/containers/create?name=x"));
    assert_non_null(strstr(log, "Content-Type: application/json"));
    assert_non_null(strstr(log, "POST /v1.41/containers/abc/kill?signal=SIGKILL"));
    assert_non_null(strstr(log, "DELETE /v1.41/containers/abc?v=1&force=1"));
    free(log);
}

static void test_empty_post_has_zero_length_and_no_expect(void **state)
{
    (void)state;
    static const char ok204[] = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
    struct canned resp[] = {PING("1.41"), {VERSION_BODY, 0, false, 0}, {ok204, 0, false, 0}};
    struct server s;
    server_start(&s, resp, 3);
    struct docker *d = open_on(&s);
    assert_int_equal(docker_container_start(d, "abc"), 0);
    docker_close(d);
    char *log = server_finish(&s);
    char *start = strstr(log, "POST /v1.41/containers/abc/start");
    assert_non_null(start);
    assert_non_null(strstr(start, "Content-Length: 0\r\n"));
    assert_null(strstr(start, "Expect:"));
    assert_null(strstr(start, "x-www-form-urlencoded"));
    free(log);
}

static void test_chunked_inspect_and_labels(void **state)
{
    (void)state;
    static const char body[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
        "5\r\n{\"Id\"\r\n"
        "10\r\n:\"sha256:abc\",\"S\r\n"
        "2a\r\nize\":1234,\"Config\":{\"Labels\":{\"a.b\":\"c\"}}}\r\n"
        "0\r\n\r\n";
    struct canned resp[] = {PING("1.41"), {VERSION_BODY, 0, false, 0}, {body, 0, true, 0}};
    struct server s;
    server_start(&s, resp, 3);
    struct docker *d = open_on(&s);
    struct docker_image img;
    if (docker_image_inspect(d, "x", &img) < 0)
        fail_msg("%s", err_last());
    assert_string_equal(img.id, "sha256:abc");
    assert_int_equal(img.size, 1234);
    assert_string_equal(docker_image_label(&img, "a.b"), "c");
    assert_null(docker_image_label(&img, "missing"));
    docker_image_free(&img);
    docker_close(d);
    free(server_finish(&s));
}

struct ctx_reader {
    const char *data;
    size_t len, pos;
};

static ssize_t mem_read(void *ctx, char *out, size_t n)
{
    struct ctx_reader *r = ctx;
    size_t left = r->len - r->pos;
    if (n > left)
        n = left;
    if (n > 7)
        n = 7; /* small pieces: many chunks */
    memcpy(out, r->data + r->pos, n);
    r->pos += n;
    return (ssize_t)n;
}

static int collect_line(void *ctx, const char *text)
{
    buf_addstr(ctx, text);
    return 0;
}

static void test_build_error_inside_200_stream(void **state)
{
    (void)state;
    static const char body[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
        "2e\r\n{\"stream\":\"Step 1/2 : FROM debian:sid-slim\"}\r\n\r\n"
        "2a\r\n{\"stream\":\"\\n ---\\u003e 8749d1b6fe31\\n\"}\r\n\r\n"
        "75\r\n{\"errorDetail\":{\"code\":1,\"message\":\"The command '/bin/sh -c false' returned "
        "a non-zero code: 1\"},\"error\":\"ignored\"}\r\n\r\n"
        "0\r\n\r\n";
    struct canned resp[] = {PING("1.41"), {VERSION_BODY, 0, false, 0}, {body, 0, true, 0}};
    struct server s;
    server_start(&s, resp, 3);
    struct docker *d = open_on(&s);
    const char *tags[] = {"kestrel-analytics-x:latest", "kestrel-analytics-x:1.0", NULL};
    struct docker_build_opts o = {.tags = tags, .labels_json = "{\"a\":\"b c\"}"};
    struct ctx_reader rd = {"TARDATA-pretend-this-is-a-tar", 29, 0};
    struct buf lines = BUF_INIT;
    char *id = NULL;
    int r = docker_build(d, &o, mem_read, &rd, collect_line, &lines, &id);
    assert_true(r < 0);
    assert_null(id);
    assert_string_equal(err_last(), "The command '/bin/sh -c false' returned a non-zero code: 1");
    assert_non_null(strstr(lines.data, "Step 1/2 : FROM debian:sid-slim"));
    assert_non_null(strstr(lines.data, " ---> 8749d1b6fe31\n"));
    buf_free(&lines);
    docker_close(d);
    char *log = server_finish(&s);
    char *req = strstr(log, "POST /v1.41/build?version=1");
    assert_non_null(req);
    assert_non_null(strstr(req, "&t=kestrel-analytics-x%3Alatest&t=kestrel-analytics-x%3A1.0"));
    assert_non_null(strstr(req, "labels=%7B%22a%22%3A%22b%20c%22%7D"));
    assert_non_null(strstr(req, "Content-Type: application/x-tar"));
    assert_non_null(strstr(req, "Transfer-Encoding: chunked"));
    assert_null(strstr(req, "Expect:"));
    assert_non_null(strstr(req, "7\r\nTARDATA\r\n"));
    free(log);
}

static void test_build_success_needs_image_id(void **state)
{
    (void)state;
    static const char ok[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n"
        "{\"stream\":\"Step 1/1 : FROM a\"}\r\n{\"aux\":{\"ID\":\"sha256:feed\"}}\r\n"
        "{\"stream\":\"Successfully built feed\"}\r\n";
    static const char noid[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n{\"stream\":\"Step 1/1 : FROM a\"}\r\n";
    struct canned resp[] = {
        PING("1.41"), {VERSION_BODY, 0, false, 0}, {ok, 0, false, 0}, {noid, 0, false, 0}};
    struct server s;
    server_start(&s, resp, 4);
    struct docker *d = open_on(&s);
    const char *tags[] = {"t:1", NULL};
    struct docker_build_opts o = {.tags = tags};
    struct ctx_reader rd = {"x", 1, 0};
    char *id = NULL;
    if (docker_build(d, &o, mem_read, &rd, NULL, NULL, &id) < 0)
        fail_msg("%s", err_last());
    assert_string_equal(id, "sha256:feed");
    free(id);
    id = NULL;
    rd.pos = 0;
    assert_true(docker_build(d, &o, mem_read, &rd, NULL, NULL, &id) < 0);
    assert_non_null(strstr(err_last(), "no image id"));
    docker_close(d);
    free(server_finish(&s));
}

/* Log frames: 2 frames + an empty one, fed split at every byte pair of positions. */
static const unsigned char FRAMES[] = {
    1, 0, 0, 0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 2, 0, 0, 0, 0, 0, 0, 0, /* empty */
    2, 0, 0, 0, 0, 0, 0, 4, 'o', 'o', 'p', 's', 1,   0, 0, 0, 0, 0, 0, 1, '\n'};

struct two {
    struct buf out, err;
};

static int two_fn(void *ctx, int stream, const char *data, size_t n)
{
    struct two *t = ctx;
    buf_add(stream == 2 ? &t->err : &t->out, data, n);
    return 0;
}

static void test_frames_split_anywhere(void **state)
{
    (void)state;
    size_t n = sizeof FRAMES;
    for (size_t i = 0; i <= n; i++) {
        for (size_t j = i; j <= n; j++) {
            struct two t = {BUF_INIT, BUF_INIT};
            struct docker_frames p;
            docker_frames_init(&p, two_fn, &t);
            assert_int_equal(docker_frames_feed(&p, (const char *)FRAMES, i), 0);
            assert_int_equal(docker_frames_feed(&p, (const char *)FRAMES + i, j - i), 0);
            assert_int_equal(docker_frames_feed(&p, (const char *)FRAMES + j, n - j), 0);
            assert_int_equal(docker_frames_finish(&p), 0);
            assert_string_equal(t.out.data, "hello\n");
            assert_string_equal(t.err.data, "oops");
            docker_frames_free(&p);
            buf_free(&t.out);
            buf_free(&t.err);
        }
    }
    /* every truncation point inside a frame is an error */
    for (size_t i = 1; i < n; i++) {
        struct two t = {BUF_INIT, BUF_INIT};
        struct docker_frames p;
        docker_frames_init(&p, two_fn, &t);
        assert_int_equal(docker_frames_feed(&p, (const char *)FRAMES, i), 0);
        bool boundary = i == 13 || i == 21 || i == 33;
        assert_int_equal(docker_frames_finish(&p) < 0, !boundary);
        docker_frames_free(&p);
        buf_free(&t.out);
        buf_free(&t.err);
    }
}

static void test_frames_reject_bad_types_and_report_daemon_errors(void **state)
{
    (void)state;
    const unsigned char bad[] = {7, 0, 0, 0, 0, 0, 0, 1, 'x'};
    struct docker_frames p;
    docker_frames_init(&p, NULL, NULL);
    assert_true(docker_frames_feed(&p, (const char *)bad, sizeof bad) < 0);
    docker_frames_free(&p);
    const unsigned char derr[] = {1, 0, 0, 0, 0, 0, 0,   1,   'x', 3,  0,
                                  0, 0, 0, 0, 0, 4, 'b', 'o', 'o', 'm'};
    docker_frames_init(&p, NULL, NULL);
    assert_int_equal(docker_frames_feed(&p, (const char *)derr, sizeof derr), 0);
    assert_true(docker_frames_finish(&p) < 0);
    assert_non_null(strstr(err_last(), "boom"));
    docker_frames_free(&p);
}

static void test_logs_over_the_socket_bytewise(void **state)
{
    (void)state;
    static const char inspect[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n{\"Config\":{\"Tty\":false}}";
    struct buf logs = BUF_INIT;
    buf_addstr(&logs, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                      "Connection: close\r\n\r\n");
    buf_add(&logs, FRAMES, sizeof FRAMES);
    struct canned resp[] = {PING("1.41"),
                            {VERSION_BODY, 0, false, 0},
                            {inspect, 0, false, 0},
                            {logs.data, logs.len, true, 0}};
    struct server s;
    server_start(&s, resp, 4);
    struct docker *d = open_on(&s);
    struct buf out = BUF_INIT, err = BUF_INIT;
    bool trunc = true;
    if (docker_container_logs_collect(d, "abc", &out, &err, 3, &trunc) < 0)
        fail_msg("%s", err_last());
    assert_string_equal(out.data, "hel"); /* capped at 3 bytes */
    assert_string_equal(err.data, "oop");
    assert_true(trunc);
    buf_free(&out);
    buf_free(&err);
    docker_close(d);
    buf_free(&logs);
    char *log = server_finish(&s);
    assert_non_null(strstr(log, "GET /v1.41/containers/abc/logs?stdout=1&stderr=1"));
    free(log);
}

static void test_wait_timeout_and_exit_code(void **state)
{
    (void)state;
    static const char waited[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: %\r\n\r\n{\"StatusCode\":3,\"Error\":null}\r\n\r\n";
    static const char slow[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Connection: close\r\n\r\n";
    struct canned resp[] = {
        PING("1.41"), {VERSION_BODY, 0, false, 0}, {waited, 0, false, 0}, {slow, 0, false, 1500}};
    struct server s;
    server_start(&s, resp, 4);
    struct docker *d = open_on(&s);
    int code = -1;
    if (docker_container_wait(d, "abc", 0, &code) < 0)
        fail_msg("%s", err_last());
    assert_int_equal(code, 3);
    assert_int_equal(docker_container_wait(d, "abc", 300, &code), DOCKER_ETIMEOUT);
    assert_non_null(strstr(err_last(), "still running"));
    docker_close(d);
    free(server_finish(&s));
}

static void test_unreachable_engine(void **state)
{
    (void)state;
    struct docker *d = NULL;
    assert_int_equal(docker_open_host(&d, "unix:///nonexistent/kanalytic/docker.sock"),
                     DOCKER_EUNREACHABLE);
    assert_string_equal(err_last(), "cannot reach the Docker engine at "
                                    "unix:///nonexistent/kanalytic/docker.sock: no such socket "
                                    "(is dockerd running?)");
    assert_int_equal(docker_open_host(&d, "tcp://127.0.0.1:1"), DOCKER_EUNREACHABLE);
    assert_string_equal(err_last(), "cannot reach the Docker engine at tcp://127.0.0.1:1: "
                                    "connection refused (is dockerd running?)");
    assert_int_equal(docker_open_host(&d, "ssh://me@host"), DOCKER_EGENERIC);
    assert_non_null(strstr(err_last(), "ssh://"));
    /* a socket nobody listens on */
    char dir[] = "/tmp/kanalytic-dockertest.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sock[128], host[160];
    snprintf(sock, sizeof sock, "%s/s", dir);
    snprintf(host, sizeof host, "unix://%s", sock);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    memcpy(a.sun_path, sock, strlen(sock) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    close(fd);
    assert_int_equal(docker_open_host(&d, host), DOCKER_EUNREACHABLE);
    assert_non_null(strstr(err_last(), "connection refused (is dockerd running?)"));
    fs_remove_tree(dir);
}

/* The docker CLI's current context selects the endpoint when DOCKER_HOST is unset. */
static void test_endpoint_from_cli_context(void **state)
{
    (void)state;
    struct canned resp[] = {PING("1.41"), {VERSION_BODY, 0, false, 0}};
    struct server s;
    server_start(&s, resp, 2);
    char home[] = "/tmp/kanalytic-home.XXXXXX";
    assert_non_null(mkdtemp(home));
    struct buf p = BUF_INIT;
    buf_addf(&p, "%s/.docker", home);
    assert_int_equal(fs_mkdirs(p.data, 0755), 0);
    buf_addstr(&p, "/config.json");
    assert_int_equal(fs_write_atomic(p.data, "{\"currentContext\":\"ctx1\"}", 25), 0);
    buf_reset(&p);
    /* compute the folder name the way docker does: sha256 of the context name */
    FILE *f = popen("printf ctx1 | sha256sum | cut -c1-64", "r");
    char digest[80] = "";
    assert_non_null(fgets(digest, sizeof digest, f));
    pclose(f);
    digest[strcspn(digest, "\n")] = '\0';
    buf_addf(&p, "%s/.docker/contexts/meta/%s", home, digest);
    assert_int_equal(fs_mkdirs(p.data, 0755), 0);
    buf_addstr(&p, "/meta.json");
    struct buf meta = BUF_INIT;
    buf_addf(&meta, "{\"Name\":\"ctx1\",\"Endpoints\":{\"docker\":{\"Host\":\"%s\"}}}", s.host);
    assert_int_equal(fs_write_atomic(p.data, meta.data, meta.len), 0);
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char *old_host = getenv("DOCKER_HOST") ? strdup(getenv("DOCKER_HOST")) : NULL;
    setenv("HOME", home, 1);
    unsetenv("DOCKER_HOST");
    unsetenv("DOCKER_CONTEXT");
    unsetenv("DOCKER_CONFIG");
    struct docker *d = NULL;
    int r = docker_open(&d);
    if (old_home)
        setenv("HOME", old_home, 1);
    if (old_host)
        setenv("DOCKER_HOST", old_host, 1);
    free(old_home);
    free(old_host);
    if (r < 0)
        fail_msg("docker_open: %s", err_last());
    assert_string_equal(docker_endpoint(d), s.host);
    docker_close(d);
    free(server_finish(&s));
    fs_remove_tree(home);
    buf_free(&p);
    buf_free(&meta);
}

/* A socket the user may not open: the message says so and points at the docker group. Needs
 * root to drop to another user; skipped otherwise. */
static void test_permission_denied_message(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        skip();
        return;
    }
    char dir[] = "/tmp/kanalytic-dockertest.XXXXXX";
    assert_non_null(mkdtemp(dir));
    chmod(dir, 0755);
    char sock[128], host[160];
    snprintf(sock, sizeof sock, "%s/docker.sock", dir);
    snprintf(host, sizeof host, "unix://%s", sock);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    memcpy(a.sun_path, sock, strlen(sock) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    chmod(sock, 0660);
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(65534) < 0 || setuid(65534) < 0)
            _exit(3);
        struct docker *d = NULL;
        int r = docker_open_host(&d, host);
        struct buf want = BUF_INIT;
        buf_addf(&want,
                 "cannot reach the Docker engine at %s: permission denied (is your user "
                 "in the docker group?)",
                 host);
        _exit(r == DOCKER_EUNREACHABLE && !strcmp(err_last(), want.data) ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    close(fd);
    fs_remove_tree(dir);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static int jsonl_collect(void *ctx, json_t *obj)
{
    buf_addf(ctx, "[%s]", json_string_value(json_object_get(obj, "stream")));
    return 0;
}

static void test_jsonl_split_anywhere(void **state)
{
    (void)state;
    const char in[] = "{\"stream\":\"a\"}\r\n\r\n{\"stream\":\"b\\r\\n\"}\n  {\"stream\":\"c\"}";
    size_t n = sizeof in - 1;
    for (size_t i = 0; i <= n; i++) {
        for (size_t j = i; j <= n; j++) {
            struct buf got = BUF_INIT;
            struct docker_jsonl p;
            docker_jsonl_init(&p, jsonl_collect, &got);
            assert_int_equal(docker_jsonl_feed(&p, in, i), 0);
            assert_int_equal(docker_jsonl_feed(&p, in + i, j - i), 0);
            assert_int_equal(docker_jsonl_feed(&p, in + j, n - j), 0);
            assert_int_equal(docker_jsonl_finish(&p), 0);
            assert_string_equal(got.data, "[a][b\r\n][c]");
            docker_jsonl_free(&p);
            buf_free(&got);
        }
    }
    struct docker_jsonl p;
    docker_jsonl_init(&p, NULL, NULL);
    assert_true(docker_jsonl_feed(&p, "{\"a\":1}\n{nope}\n", 15) < 0);
    assert_non_null(strstr(err_last(), "{nope}"));
    docker_jsonl_free(&p);
}

/* A push sends X-Registry-Auth, reports per-layer progress, keeps the aux digest; an error
 * inside the 200 stream ("unauthorized") fails with DOCKER_EUNAUTHORIZED and its text. */
static int count_progress(void *ctx, const struct docker_progress *p)
{
    struct buf *b = ctx;
    buf_addf(b, "%s %s %lld/%lld\n", p->id ? p->id : "-", p->status, (long long)p->current,
             (long long)p->total);
    return 0;
}

static void test_push_auth_header_progress_and_errors(void **state)
{
    (void)state;
    static const char ok[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":2048},\"id\":"
        "\"abc\"}\n"
        "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"abc\"}\n"
        "{\"progressDetail\":{},\"aux\":{\"Tag\":\"1.0\",\"Digest\":\"sha256:"
        "0bbe17f8c8f8115cd6f817493eeca75eb8524ab332388ab0539167f184bd883c\",\"Size\":528}}\n";
    static const char denied[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"abc\"}\n"
        "{\"errorDetail\":{\"message\":\"unauthorized: authentication required\"},"
        "\"error\":\"unauthorized: authentication required\"}\n";
    struct canned resp[] = {
        PING("1.41"), {VERSION_BODY, 0, false, 0}, {ok, 0, true, 0}, {denied, 0, false, 0}};
    struct server s;
    server_start(&s, resp, 4);
    struct docker *d = open_on(&s);
    struct docker_auth a = {"alice", "s3cret", "127.0.0.1:5000"};
    char *auth = docker_auth_encode(&a);
    struct buf lines = BUF_INIT;
    char *digest = NULL;
    assert_int_equal(docker_image_push(d, "127.0.0.1:5000/ns/kestrel-analytics-x", "1.0", auth,
                                       count_progress, &lines, &digest),
                     0);
    assert_string_equal(digest,
                        "sha256:0bbe17f8c8f8115cd6f817493eeca75eb8524ab332388ab0539167f184bd883c");
    assert_non_null(strstr(lines.data, "abc Pushing 512/2048\n"));
    assert_non_null(strstr(lines.data, "abc Pushed 0/0\n"));
    free(digest);
    digest = NULL;
    int r = docker_image_push(d, "127.0.0.1:5000/ns/kestrel-analytics-x", "1.0", auth, NULL, NULL,
                              &digest);
    assert_int_equal(r, DOCKER_EUNAUTHORIZED);
    assert_null(digest);
    assert_non_null(strstr(err_last(), "unauthorized: authentication required"));
    assert_non_null(strstr(err_last(), "pushing 127.0.0.1:5000/ns/kestrel-analytics-x:1.0"));
    buf_free(&lines);
    docker_close(d);
    char *log = server_finish(&s);
    assert_non_null(
        strstr(log, "POST /v1.41/images/127.0.0.1%3A5000%2Fns%2Fkestrel-analytics-x/push?tag=1.0"));
    struct buf hdr = BUF_INIT;
    buf_addf(&hdr, "X-Registry-Auth: %s\r\n", auth);
    assert_non_null(strstr(log, hdr.data));
    buf_free(&hdr);
    free(auth);
    free(log);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negotiates_from_ping),
        cmocka_unit_test(test_retries_once_on_too_new),
        cmocka_unit_test(test_retries_once_on_too_old_then_gives_up),
        cmocka_unit_test(test_no_api_header_starts_at_1_44),
        cmocka_unit_test(test_error_answers),
        cmocka_unit_test(test_empty_post_has_zero_length_and_no_expect),
        cmocka_unit_test(test_chunked_inspect_and_labels),
        cmocka_unit_test(test_build_error_inside_200_stream),
        cmocka_unit_test(test_build_success_needs_image_id),
        cmocka_unit_test(test_frames_split_anywhere),
        cmocka_unit_test(test_frames_reject_bad_types_and_report_daemon_errors),
        cmocka_unit_test(test_logs_over_the_socket_bytewise),
        cmocka_unit_test(test_wait_timeout_and_exit_code),
        cmocka_unit_test(test_unreachable_engine),
        cmocka_unit_test(test_jsonl_split_anywhere),
        cmocka_unit_test(test_endpoint_from_cli_context),
        cmocka_unit_test(test_permission_denied_message),
        cmocka_unit_test(test_push_auth_header_progress_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
