/* The published-analytics index (docs/sharing.md, format 1): read from a file or a URL,
 * entries made from an image's manifest label, kept sorted, written atomically. */
#include "share.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/jsonfile.h"
#include "util/xalloc.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INDEX_MAX_BYTES (16u << 20)

json_t *share_index_new(const char *registry)
{
    return json_pack("{s:s, s:i, s:s, s:[]}", "format", SHARE_INDEX_FORMAT, "format_version",
                     SHARE_INDEX_VERSION, "registry", registry ? registry : "", "analytics");
}

static size_t url_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct buf *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > INDEX_MAX_BYTES)
        return 0;
    buf_add(b, ptr, n);
    return n;
}

static int fetch_url(const char *url, struct buf *out)
{
    CURL *c = curl_easy_init();
    if (!c)
        return err_set("%s: could not start libcurl", url);
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kanalytic");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, url_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (rc == CURLE_WRITE_ERROR)
        return err_set("%s: larger than %u bytes", url, INDEX_MAX_BYTES);
    if (rc != CURLE_OK)
        return err_set("%s: %s", url, *errbuf ? errbuf : curl_easy_strerror(rc));
    if (!strncmp(url, "http", 4) && (status < 200 || status > 299))
        return err_set("%s: HTTP %ld", url, status);
    return 0;
}

static bool is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || !strncmp(s, "file://", 7);
}

static int check_entry(const char *src, size_t i, json_t *e)
{
    static const char *const need[] = {"name", "version", "digest"};
    if (!json_is_object(e))
        return err_set("%s: analytics[%zu] is not an object", src, i);
    for (size_t k = 0; k < sizeof need / sizeof *need; k++)
        if (!json_is_string(json_object_get(e, need[k])))
            return err_set("%s: analytics[%zu] has no string \"%s\"", src, i, need[k]);
    const char *dg = json_string_value(json_object_get(e, "digest"));
    if (strncmp(dg, "sha256:", 7) || strlen(dg) != 71)
        return err_set("%s: analytics[%zu] (%s): digest \"%s\" is not sha256:<64 hex digits>", src,
                       i, json_string_value(json_object_get(e, "name")), dg);
    return 0;
}

int share_index_load(const char *src, json_t **out)
{
    *out = NULL;
    json_t *j = NULL;
    int r;
    if (is_url(src)) {
        struct buf data = BUF_INIT;
        r = fetch_url(src, &data);
        if (r == 0)
            r = json_parse_named(data.data, data.len, src, &j);
        buf_free(&data);
    } else {
        r = json_read_file(src, INDEX_MAX_BYTES, &j);
    }
    if (r < 0)
        return -1;
    const char *fmt = json_string_value(json_object_get(j, "format"));
    json_t *ver = json_object_get(j, "format_version");
    json_t *list = json_object_get(j, "analytics");
    if (!json_is_object(j) || !fmt || strcmp(fmt, SHARE_INDEX_FORMAT))
        r = err_set("%s: not a kanalytic index (\"format\" is not \"%s\")", src,
                    SHARE_INDEX_FORMAT);
    else if (!json_is_integer(ver) || json_integer_value(ver) < 1)
        r = err_set("%s: \"format_version\" is not a positive integer", src);
    else if (json_integer_value(ver) > SHARE_INDEX_VERSION)
        r = err_set("%s: index format %lld is newer than this kanalytic reads (%d): upgrade "
                    "kanalytic",
                    src, (long long)json_integer_value(ver), SHARE_INDEX_VERSION);
    else if (!json_is_array(list))
        r = err_set("%s: \"analytics\" is not a list", src);
    for (size_t i = 0; r == 0 && i < json_array_size(list); i++)
        r = check_entry(src, i, json_array_get(list, i));
    if (r < 0) {
        json_decref(j);
        return -1;
    }
    *out = j;
    return 0;
}

char *share_default_text(const json_t *param)
{
    const json_t *v = json_object_get(param, "default");
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return xstrdup(json_string_value(v));
    if (json_is_array(v)) {
        struct buf b = BUF_INIT;
        size_t i;
        const json_t *item;
        json_array_foreach (v, i, item) {
            if (i)
                buf_addch(&b, ',');
            char *t = json_is_string(item) ? xstrdup(json_string_value(item))
                                           : json_dumps(item, JSON_ENCODE_ANY | JSON_COMPACT);
            buf_addstr(&b, t ? t : "");
            free(t);
        }
        return buf_detach(&b, NULL);
    }
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static void now_rfc3339(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void add_str(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, v ? json_string(v) : json_null());
}

json_t *share_index_entry(const json_t *m, const char *image, const char *digest,
                          const char *revision, const char *published)
{
    char now[32];
    if (!published) {
        now_rfc3339(now, sizeof now);
        published = now;
    }
    json_t *e = json_object();
    add_str(e, "name", json_string_value(json_object_get(m, "name")));
    add_str(e, "version", json_string_value(json_object_get(m, "version")));
    add_str(e, "image", image);
    add_str(e, "digest", digest);
    add_str(e, "revision", revision);
    add_str(e, "published", published);
    add_str(e, "description", json_string_value(json_object_get(m, "description")));
    json_t *types = json_array();
    json_t *inputs = json_object_get(m, "inputs");
    size_t i, k;
    json_t *in, *t;
    json_array_foreach (inputs, i, in) {
        json_array_foreach (json_object_get(in, "entity_types"), k, t) {
            bool seen = false;
            for (size_t s = 0; s < json_array_size(types) && !seen; s++)
                seen = json_equal(json_array_get(types, s), t);
            if (!seen && json_is_string(t))
                json_array_append(types, t);
        }
    }
    json_object_set_new(e, "entity_types", types);
    json_object_set_new(e, "inputs", json_integer((json_int_t)json_array_size(inputs)));
    json_t *params = json_array();
    json_t *p;
    json_array_foreach (json_object_get(m, "parameters"), i, p) {
        char *def = share_default_text(p);
        json_t *q = json_object();
        add_str(q, "name", json_string_value(json_object_get(p, "name")));
        add_str(q, "type", json_string_value(json_object_get(p, "type")));
        json_object_set_new(q, "required",
                            json_boolean(json_is_true(json_object_get(p, "required"))));
        add_str(q, "default", def);
        add_str(q, "description", json_string_value(json_object_get(p, "description")));
        json_array_append_new(params, q);
        free(def);
    }
    json_object_set_new(e, "parameters", params);
    const char *display = json_string_value(json_object_get(m, "display"));
    json_object_set_new(e, "display", json_boolean(display && strcmp(display, "none")));
    return e;
}

static const char *str_of(const json_t *e, const char *k)
{
    const char *s = json_string_value(json_object_get(e, k));
    return s ? s : "";
}

static int entry_cmp(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int c = strcmp(str_of(x, "name"), str_of(y, "name"));
    return c ? c : strcmp(str_of(x, "published"), str_of(y, "published"));
}

void share_index_add(json_t *index, json_t *entry)
{
    json_t *list = json_object_get(index, "analytics");
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(index, "analytics", list);
    }
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(list, i);
        if (!strcmp(str_of(e, "name"), str_of(entry, "name")) &&
            !strcmp(str_of(e, "version"), str_of(entry, "version"))) {
            json_array_remove(list, i);
            break;
        }
    }
    json_array_append_new(list, entry);
    n = json_array_size(list);
    json_t **v = xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(list, i));
    /* stable for equal keys: insertion sort on a small list */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && entry_cmp(&v[j - 1], &v[j]) > 0; j--) {
            json_t *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    json_array_clear(list);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, v[i]);
    free(v);
}

json_t *share_index_find(const json_t *index, const char *name, const char *version)
{
    json_t *list = json_object_get(index, "analytics");
    json_t *found = NULL;
    size_t i;
    json_t *e;
    json_array_foreach (list, i, e) {
        if (strcmp(str_of(e, "name"), name))
            continue;
        if (!version) {
            if (!found || strcmp(str_of(e, "published"), str_of(found, "published")) >= 0)
                found = e;
        } else if (!strcmp(str_of(e, "version"), version)) {
            return e;
        }
    }
    return found;
}

int share_index_write(const char *path, const json_t *index)
{
    char *s = json_dumps(index, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!s)
        return err_set("%s: could not encode the index", path);
    struct buf b = BUF_INIT;
    buf_addstr(&b, s);
    buf_addch(&b, '\n');
    free(s);
    int r = fs_write_atomic(path, b.data, b.len);
    buf_free(&b);
    return r < 0 ? err_prefix("writing the index") : 0;
}

void share_index_record(json_t *index, const struct share_registry *reg,
                        const struct share_result *r)
{
    char *image = share_repo(reg, r->name);
    json_t *old = share_index_find(index, r->name, r->version);
    const char *when =
        r->unchanged && old ? json_string_value(json_object_get(old, "published")) : NULL;
    share_index_add(index, share_index_entry(r->manifest, image, r->digest, r->revision, when));
    free(image);
}
