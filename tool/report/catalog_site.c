/* The catalogue site: see catalog_site.h. The analytics are first gathered into one JSON
 * model (struct entry), then rendered: the index page embeds a summary of the model for its
 * script, each analytic page is plain HTML (no script at all). */
#include "catalog_site.h"
#include "html.h"
#include "manifest/manifest.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/repo.h"
#include "util/xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_README (1u << 20)
#define MAX_DISPLAY (4u << 20)
#define MAX_REPORT (256u << 20)
#define MAX_INDEX (64u << 20)

struct entry {
    struct manifest *m;
    char *dir;
    char *readme;       /* may be NULL */
    char *display;      /* a golden display.html, may be NULL */
    char *display_case; /* the case it comes from */
    struct strlist cases;
    json_t *results;  /* array: the report's case objects of this analytic (borrowed refs) */
    json_t *versions; /* array: the index entries of this analytic */
};

struct site {
    const struct catalog_site_options *o;
    struct entry *entries;
    size_t n;
    json_t *report; /* may be NULL */
    json_t *index;  /* may be NULL */
    char generated[32];
};

/* ---- small HTML pieces ---- */

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2327;background:#f6f7f7}"
    "header{background:#1d2327;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}"
    "header a{color:#9ec2e6}main{padding:16px 24px;max-width:1100px}"
    "table{border-collapse:collapse;background:#fff;margin:6px 0 12px}td,th{border:1px solid "
    "#dcdcde;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f0f1}"
    "code,pre{font-family:ui-monospace,monospace}pre{background:#fff;border:1px solid #dcdcde;"
    "padding:8px;overflow:auto}.apply{background:#1d2327;color:#f0f0f1}"
    ".badge{display:inline-block;min-width:56px;text-align:center;border-radius:3px;"
    "padding:1px 6px;font-weight:600;color:#fff;background:#646970}.badge.pass{background:"
    "#00a32a}.badge.created{background:#2271b1}.badge.fail{background:#d63638}.badge.error"
    "{background:#996800}.type{display:inline-block;background:#e5f0fa;border-radius:3px;"
    "padding:0 6px;margin:0 4px 2px 0;font-size:12px}.muted{color:#646970}"
    "#filters{display:flex;gap:8px;margin:0 0 12px;flex-wrap:wrap}#filters input{flex:1;"
    "min-width:240px;padding:6px}#filters select{padding:6px}ul#analytics{list-style:none;"
    "padding:0;margin:0}li.entry{background:#fff;border:1px solid #dcdcde;margin:0 0 8px;"
    "padding:10px 14px}li.entry h2{font-size:16px;margin:0 0 4px}li.entry p{margin:4px 0}"
    "iframe{width:100%;height:420px;border:1px solid #dcdcde;background:#fff}"
    "section{margin:0 0 18px}.readme{background:#fff;border:1px solid #dcdcde;"
    "padding:4px 16px}";

static const char csp[] =
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
    "'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; frame-src 'self' about: "
    "data:\">";

/* Filters the entries of the index page. The data comes from the JSON literal in
 * #catalog-data (never fetched: file:// pages may not fetch). */
static const char script[] =
    "(function(){"
    "var data=JSON.parse(document.getElementById('catalog-data').textContent);"
    "var q=document.getElementById('q'),t=document.getElementById('type'),"
    "p=document.getElementById('param'),n=document.getElementById('count');"
    "function apply(){"
    "var words=q.value.toLowerCase().split(/\\s+/).filter(function(w){return w;});"
    "var shown=0;"
    "data.forEach(function(a){"
    "var hay=(a.name+' '+a.description+' '+a.types.join(' ')+' '+a.params.join(' ')+' '"
    "+a.tags.join(' ')).toLowerCase();"
    "var ok=words.every(function(w){return hay.indexOf(w)>=0;});"
    "if(ok&&t.value)ok=a.types.indexOf(t.value)>=0||(t.value!=='*'&&a.types.indexOf('*')>=0);"
    "if(ok&&p.value)ok=a.params.indexOf(p.value)>=0;"
    "var li=document.getElementById('a-'+a.name);"
    "if(li){li.hidden=!ok;if(ok)shown++;}"
    "});"
    "n.textContent=shown+' of '+data.length+' analytics';"
    "}"
    "q.addEventListener('input',apply);t.addEventListener('change',apply);"
    "p.addEventListener('change',apply);"
    /* #q=WORDS&type=T&param=P: a link to a filtered view (fills the fields, then
     * dispatches the same events typing or choosing would) */
    "location.hash.replace(/^#/,'').split('&').forEach(function(kv){"
    "var i=kv.indexOf('=');if(i<0)return;var k=kv.slice(0,i),"
    "v=decodeURIComponent(kv.slice(i+1).replace(/\\+/g,' '));"
    "var el={q:q,type:t,param:p}[k];if(!el)return;el.value=v;"
    "el.dispatchEvent(new Event(k==='q'?'input':'change'));});"
    "apply();"
    "})();";

static void page_head(struct buf *b, const char *title, const char *home)
{
    buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width\">");
    buf_addstr(b, csp);
    buf_addstr(b, "<title>");
    html_escape(b, title);
    buf_addf(b, "</title><style>%s</style></head><body>\n<header><h1>", style);
    if (home) {
        buf_addf(b, "<a href=\"%s\">Kestrel analytics</a> / ", home);
        html_escape(b, title);
    } else {
        html_escape(b, title);
    }
    buf_addstr(b, "</h1></header>\n<main>");
}

static void page_foot(struct buf *b, const struct site *s)
{
    buf_addstr(b, "</main><footer class=\"muted\" style=\"padding:0 24px 24px\">"
                  "generated by kanalytic ");
    html_escape(b, s->o->version ? s->o->version : "");
    buf_addf(b, " · %s</footer></body></html>\n", s->generated);
}

static void code(struct buf *b, const char *s)
{
    buf_addstr(b, "<code>");
    html_escape(b, s);
    buf_addstr(b, "</code>");
}

static const char *status_class(const char *status)
{
    static const char *const known[] = {"pass", "created", "fail", "error", "skip"};
    for (size_t i = 0; i < ARRAY_SIZE(known); i++)
        if (status && !strcasecmp(status, known[i]))
            return known[i];
    return "none";
}

/* ---- Markdown subset ---- */

static void inline_md(struct buf *b, const char *s, size_t n)
{
    struct buf t = BUF_INIT;
    bool in_code = false, in_bold = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '`') {
            buf_addstr(&t, in_code ? "</code>" : "<code>");
            in_code = !in_code;
        } else if (!in_code && s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
            buf_addstr(&t, in_bold ? "</strong>" : "<strong>");
            in_bold = !in_bold;
            i++;
        } else {
            char one[2] = {s[i], 0};
            html_escape(&t, one);
        }
    }
    if (in_code)
        buf_addstr(&t, "</code>");
    if (in_bold)
        buf_addstr(&t, "</strong>");
    buf_add(b, t.data, t.len);
    buf_free(&t);
}

enum md_block { MD_NONE, MD_PARA, MD_LIST, MD_TABLE };

static void md_close(struct buf *b, enum md_block *blk)
{
    static const char *const ends[] = {"", "</p>\n", "</ul>\n", "</table>\n"};
    buf_addstr(b, ends[*blk]);
    *blk = MD_NONE;
}

static bool table_rule(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("|-: \t", s[i]))
            return false;
    return true;
}

static void md_table_row(struct buf *b, const char *s, size_t n, bool head)
{
    const char *cell = head ? "th" : "td";
    if (n && s[0] == '|')
        s++, n--;
    if (n && s[n - 1] == '|')
        n--;
    buf_addstr(b, "<tr>");
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || (s[i] == '|' && (i == 0 || s[i - 1] != '\\'))) {
            size_t a = start, e = i;
            while (a < e && (s[a] == ' ' || s[a] == '\t'))
                a++;
            while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t'))
                e--;
            buf_addf(b, "<%s>", cell);
            inline_md(b, s + a, e - a);
            buf_addf(b, "</%s>", cell);
            start = i + 1;
        }
    }
    buf_addstr(b, "</tr>");
}

void catalog_markdown(struct buf *b, const char *text, size_t len)
{
    enum md_block blk = MD_NONE;
    bool fence = false;
    size_t pos = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n && line[n - 1] == '\r')
            n--;
        size_t ind = 0;
        while (ind < n && line[ind] == ' ')
            ind++;
        if (n - ind >= 3 && !memcmp(line + ind, "```", 3)) {
            if (fence) {
                buf_addstr(b, "</code></pre>\n");
            } else {
                md_close(b, &blk);
                buf_addstr(b, "<pre><code>");
            }
            fence = !fence;
            continue;
        }
        if (fence) {
            struct buf t = BUF_INIT;
            buf_add(&t, line, n);
            html_escape(b, t.data);
            buf_addch(b, '\n');
            buf_free(&t);
            continue;
        }
        const char *s = line + ind;
        size_t m = n - ind;
        if (m == 0) {
            md_close(b, &blk);
            continue;
        }
        size_t hashes = 0;
        while (hashes < m && hashes < 6 && s[hashes] == '#')
            hashes++;
        if (hashes && hashes < m && s[hashes] == ' ') {
            md_close(b, &blk);
            int level = (int)hashes + 1 > 6 ? 6 : (int)hashes + 1; /* the page's h1 is the name */
            buf_addf(b, "<h%d>", level);
            inline_md(b, s + hashes + 1, m - hashes - 1);
            buf_addf(b, "</h%d>\n", level);
            continue;
        }
        if (m >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ' && ind < 2) {
            if (blk != MD_LIST) {
                md_close(b, &blk);
                buf_addstr(b, "<ul>");
                blk = MD_LIST;
            }
            buf_addstr(b, "<li>");
            inline_md(b, s + 2, m - 2);
            buf_addstr(b, "</li>");
            continue;
        }
        if (s[0] == '|') {
            if (blk != MD_TABLE) {
                md_close(b, &blk);
                buf_addstr(b, "<table>");
                blk = MD_TABLE;
                md_table_row(b, s, m, true);
            } else if (!table_rule(s, m)) {
                md_table_row(b, s, m, false);
            }
            continue;
        }
        if (blk == MD_LIST || blk == MD_TABLE) { /* a continuation line of a list item */
            if (blk == MD_LIST && b->len >= 5 && !memcmp(b->data + b->len - 5, "</li>", 5)) {
                buf_setlen(b, b->len - 5);
                buf_addch(b, ' ');
                inline_md(b, s, m);
                buf_addstr(b, "</li>");
                continue;
            }
            md_close(b, &blk);
        }
        if (blk == MD_NONE) {
            buf_addstr(b, "<p>");
            blk = MD_PARA;
        } else {
            buf_addch(b, '\n');
        }
        inline_md(b, s, m);
    }
    if (fence)
        buf_addstr(b, "</code></pre>\n");
    md_close(b, &blk);
}

/* ---- gathering ---- */

static char *read_text(const char *path, size_t max)
{
    struct buf b = BUF_INIT;
    if (!fs_is_file(path) || fs_read_file(path, max, &b) < 0) {
        buf_free(&b);
        err_clear();
        return NULL;
    }
    if (memchr(b.data, 0, b.len)) { /* not text */
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static int load_json(const char *path, size_t max, json_t **out)
{
    struct buf b = BUF_INIT;
    if (fs_read_file(path, max, &b) < 0) {
        buf_free(&b);
        return -1;
    }
    json_error_t je;
    *out = json_loadb(b.data, b.len, 0, &je);
    buf_free(&b);
    if (!*out)
        return err_set("%s:%d:%d: %s", path, je.line, je.column, je.text);
    return 0;
}

static int load_report(const char *path, json_t **out)
{
    if (load_json(path, MAX_REPORT, out) < 0)
        return -1;
    json_t *cases = json_object_get(*out, "cases");
    if (!json_is_array(cases)) {
        json_decref(*out);
        *out = NULL;
        return err_set("%s: not a test report (no \"cases\" array; make it with kanalytic test "
                       "--format json)",
                       path);
    }
    return 0;
}

static int load_index(const char *path, json_t **out)
{
    if (load_json(path, MAX_INDEX, out) < 0)
        return -1;
    const char *fmt = json_string_value(json_object_get(*out, "format"));
    json_t *ver = json_object_get(*out, "format_version");
    const char *why = NULL;
    if (!fmt || strcmp(fmt, "kanalytic-index"))
        why = "its \"format\" is not \"kanalytic-index\"";
    else if (!json_is_integer(ver) || json_integer_value(ver) < 1)
        why = "no integer \"format_version\"";
    else if (json_integer_value(ver) > 1)
        why = "its format_version is newer than this kanalytic reads (1)";
    else if (!json_is_array(json_object_get(*out, "analytics")))
        why = "no \"analytics\" array";
    if (why) {
        json_decref(*out);
        *out = NULL;
        return err_set("%s: not a published-analytics index: %s", path, why);
    }
    return 0;
}

static void entry_free(struct entry *e)
{
    manifest_free(e->m);
    free(e->dir);
    free(e->readme);
    free(e->display);
    free(e->display_case);
    strlist_free(&e->cases);
    json_decref(e->results);
    json_decref(e->versions);
}

/* The largest golden display of the cases: the richest example (an edge case's display, such
 * as "nothing to plot", is usually the smallest). */
static void find_display(struct entry *e)
{
    for (size_t i = 0; i < e->cases.count; i++) {
        char *tests = path_join(e->dir, "tests");
        char *cdir = path_join(tests, e->cases.items[i]);
        char *p = path_join(cdir, "expected/display.html");
        char *d = read_text(p, MAX_DISPLAY);
        if (d && (!e->display || strlen(d) > strlen(e->display))) {
            free(e->display);
            free(e->display_case);
            e->display = d;
            e->display_case = xstrdup(e->cases.items[i]);
        } else {
            free(d);
        }
        free(p);
        free(cdir);
        free(tests);
    }
}

static void attach(struct site *s, struct entry *e)
{
    const char *name = e->m->name;
    e->results = json_array();
    e->versions = json_array();
    size_t i;
    json_t *v;
    if (s->report) {
        json_array_foreach (json_object_get(s->report, "cases"), i, v) {
            const char *a = json_string_value(json_object_get(v, "analytic"));
            if (a && !strcmp(a, name))
                json_array_append(e->results, v);
        }
    }
    if (s->index) {
        json_array_foreach (json_object_get(s->index, "analytics"), i, v) {
            const char *a = json_string_value(json_object_get(v, "name"));
            if (a && !strcmp(a, name))
                json_array_append(e->versions, v);
        }
    }
}

static int gather(struct site *s, struct diag_list *diags)
{
    struct fs_names names = {0};
    if (repo_list_analytics(s->o->root, &names) < 0)
        return -1;
    char *analytics = path_join(s->o->root, "analytics");
    int rc = 0;
    s->entries = xcalloc(names.count ? names.count : 1, sizeof *s->entries);
    for (size_t i = 0; i < names.count && rc >= 0; i++) {
        struct entry *e = &s->entries[s->n];
        e->dir = path_join(analytics, names.names[i]);
        char *mpath = path_join(e->dir, MANIFEST_FILE);
        int r = manifest_load(mpath, &e->m, diags);
        free(mpath);
        if (r != 0) {
            free(e->dir);
            memset(e, 0, sizeof *e);
            rc = r < 0 ? -1 : 1;
            continue;
        }
        s->n++;
        char *readme = path_join(e->dir, "README.md");
        e->readme = read_text(readme, MAX_README);
        free(readme);
        if (test_case_list(e->dir, &e->cases) < 0) {
            rc = -1;
            break;
        }
        find_display(e);
        attach(s, e);
    }
    free(analytics);
    fs_names_free(&names);
    return rc;
}

/* ---- rendering ---- */

/* The APPLY line a hunter types: required parameters get a placeholder of their type. */
static void apply_line(struct buf *b, const struct manifest *m)
{
    buf_addf(b, "APPLY docker://%s ON ", m->name);
    if (m->n_inputs == 1)
        buf_addstr(b, "var");
    for (size_t i = 0; m->n_inputs > 1 && i < m->n_inputs; i++)
        buf_addf(b, "%svar%zu", i ? ", " : "", i);
    bool any = false;
    for (size_t i = 0; i < m->n_params; i++) {
        const struct manifest_param *p = &m->params[i];
        if (!p->required)
            continue;
        buf_addstr(b, any ? ", " : " WITH ");
        any = true;
        if (p->enum_values.count)
            buf_addf(b, "%s=%s", p->name, p->enum_values.items[0]);
        else
            buf_addf(b, "%s=<%s>", p->name, param_type_name(p->type));
    }
}

static void types_json(const struct manifest *m, json_t *arr)
{
    for (size_t i = 0; i < m->n_inputs; i++) {
        for (size_t k = 0; k < m->inputs[i].entity_types.count; k++) {
            const char *t = m->inputs[i].entity_types.items[k];
            bool seen = false;
            size_t j;
            json_t *v;
            json_array_foreach (arr, j, v)
                seen |= !strcmp(json_string_value(v), t);
            if (!seen)
                json_array_append_new(arr, json_string(t));
        }
    }
}

/* Page file name of an analytic: its name, which validation restricts to [a-z0-9_-]. */
static void page_name(struct buf *b, const char *name)
{
    for (; *name; name++) {
        char c = *name;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        buf_addch(b, ok ? c : '_');
    }
    buf_addstr(b, ".html");
}

/* JSON for a <script type="application/json">: no '<', '>' or '&' can end the element. */
static void embed_json(struct buf *b, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT);
    for (const char *p = s; p && *p; p++) {
        if (*p == '<')
            buf_addstr(b, "\\u003c");
        else if (*p == '>')
            buf_addstr(b, "\\u003e");
        else if (*p == '&')
            buf_addstr(b, "\\u0026");
        else
            buf_addch(b, *p);
    }
    free(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void render_index(struct site *s, struct buf *b)
{
    json_t *data = json_array(), *all_types = json_array(), *all_params = json_array();
    for (size_t i = 0; i < s->n; i++) {
        const struct manifest *m = s->entries[i].m;
        json_t *types = json_array(), *params = json_array(), *tags = json_array();
        types_json(m, types);
        types_json(m, all_types);
        for (size_t k = 0; k < m->n_params; k++) {
            json_array_append_new(params, json_string(m->params[k].name));
            bool seen = false;
            size_t j;
            json_t *v;
            json_array_foreach (all_params, j, v)
                seen |= !strcmp(json_string_value(v), m->params[k].name);
            if (!seen)
                json_array_append_new(all_params, json_string(m->params[k].name));
        }
        for (size_t k = 0; k < m->tags.count; k++)
            json_array_append_new(tags, json_string(m->tags.items[k]));
        json_array_append_new(data, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "name", m->name,
                                              "version", m->version, "description",
                                              m->description ? m->description : "", "types", types,
                                              "params", params, "tags", tags));
    }
    page_head(b, "Kestrel analytics", NULL);
    buf_addstr(b, "<div id=\"filters\"><input id=\"q\" type=\"search\" placeholder=\"search "
                  "names, descriptions, entity types, parameters\" aria-label=\"search\">"
                  "<select id=\"type\" aria-label=\"entity type\"><option value=\"\">any "
                  "entity type</option>");
    const char **sorted = xcalloc(json_array_size(all_types) + 1, sizeof *sorted);
    size_t nt = 0, j;
    json_t *v;
    json_array_foreach (all_types, j, v)
        sorted[nt++] = json_string_value(v);
    qsort(sorted, nt, sizeof *sorted, cmp_str);
    for (size_t k = 0; k < nt; k++) {
        buf_addstr(b, "<option value=\"");
        html_escape(b, sorted[k]);
        buf_addstr(b, "\">");
        html_escape(b, !strcmp(sorted[k], "*") ? "* (accepts any)" : sorted[k]);
        buf_addstr(b, "</option>");
    }
    free(sorted);
    buf_addstr(b, "</select><select id=\"param\" aria-label=\"parameter\"><option value=\"\">"
                  "any parameter</option>");
    json_array_foreach (all_params, j, v) {
        buf_addstr(b, "<option value=\"");
        html_escape(b, json_string_value(v));
        buf_addstr(b, "\">");
        html_escape(b, json_string_value(v));
        buf_addstr(b, "</option>");
    }
    buf_addf(b,
             "</select></div><p id=\"count\" class=\"muted\">%zu analytics</p>"
             "<ul id=\"analytics\">",
             s->n);
    for (size_t i = 0; i < s->n; i++) {
        const struct entry *e = &s->entries[i];
        const struct manifest *m = e->m;
        buf_addstr(b, "<li class=\"entry\" id=\"a-");
        html_escape(b, m->name);
        buf_addstr(b, "\"><h2><a href=\"analytics/");
        page_name(b, m->name);
        buf_addstr(b, "\">");
        html_escape(b, m->name);
        buf_addstr(b, "</a> <span class=\"muted\">");
        html_escape(b, m->version);
        buf_addstr(b, "</span></h2><p class=\"description\">");
        html_escape(b, m->description);
        buf_addstr(b, "</p><p>");
        json_t *types = json_array();
        types_json(m, types);
        json_array_foreach (types, j, v) {
            buf_addstr(b, "<span class=\"type\">");
            html_escape(b, json_string_value(v));
            buf_addstr(b, "</span>");
        }
        json_decref(types);
        if (m->n_params) {
            buf_addstr(b, " <span class=\"muted\">WITH</span> ");
            for (size_t k = 0; k < m->n_params; k++) {
                if (k)
                    buf_addstr(b, ", ");
                code(b, m->params[k].name);
            }
        }
        if (m->display == DISPLAY_HTML)
            buf_addstr(b, " <span class=\"muted\">· display</span>");
        size_t nv = json_array_size(e->versions);
        if (nv) {
            const char *last =
                json_string_value(json_object_get(json_array_get(e->versions, nv - 1), "version"));
            buf_addstr(b, " <span class=\"muted\">· published ");
            html_escape(b, last ? last : "?");
            buf_addstr(b, "</span>");
        }
        buf_addstr(b, "</p></li>\n");
    }
    buf_addstr(b, "</ul><script type=\"application/json\" id=\"catalog-data\">");
    embed_json(b, data);
    buf_addf(b, "</script><script>%s</script>", script);
    page_foot(b, s);
    json_decref(data);
    json_decref(all_types);
    json_decref(all_params);
}

static void render_params(struct buf *b, const struct manifest *m)
{
    buf_addstr(b, "<section><h2>Parameters</h2>");
    if (!m->n_params) {
        buf_addstr(b, "<p>None.</p></section>");
        return;
    }
    buf_addstr(b, "<table id=\"parameters\"><tr><th>name</th><th>type</th><th>required</th>"
                  "<th>default</th><th>allowed</th><th>description</th></tr>");
    for (size_t i = 0; i < m->n_params; i++) {
        const struct manifest_param *p = &m->params[i];
        buf_addstr(b, "<tr><td>");
        code(b, p->name);
        buf_addf(b, "</td><td>%s", param_type_name(p->type));
        if (p->type == PARAM_LIST)
            buf_addf(b, " of %s", param_type_name(p->items_type));
        buf_addf(b, "</td><td>%s</td><td>", p->required ? "yes" : "no");
        if (p->default_text)
            code(b, p->default_text);
        buf_addstr(b, "</td><td>");
        for (size_t k = 0; k < p->enum_values.count; k++) {
            if (k)
                buf_addstr(b, ", ");
            code(b, p->enum_values.items[k]);
        }
        if (p->has_minimum)
            buf_addf(b, "%s≥ %g", p->enum_values.count ? "; " : "", p->minimum);
        if (p->has_maximum)
            buf_addf(b, "%s≤ %g", p->has_minimum || p->enum_values.count ? ", " : "", p->maximum);
        buf_addstr(b, "</td><td>");
        html_escape(b, p->description);
        buf_addstr(b, "</td></tr>");
    }
    buf_addstr(b, "</table></section>");
}

static void render_outputs(struct buf *b, const struct manifest *m)
{
    buf_addstr(b, "<section><h2>Outputs</h2>");
    if (!m->n_outputs)
        buf_addstr(b, "<p>The variables are left unchanged.</p>");
    for (size_t i = 0; i < m->n_outputs; i++) {
        const struct manifest_output *o = &m->outputs[i];
        buf_addf(b,
                 "<p>Rewrites input %zu, adding:</p><table class=\"outputs\"><tr><th>"
                 "attribute</th><th>type</th><th>description</th></tr>",
                 o->input);
        for (size_t k = 0; k < o->n_attributes; k++) {
            buf_addstr(b, "<tr><td>");
            code(b, o->attributes[k].name);
            buf_addf(b, "</td><td>%s</td><td>", attr_type_name(o->attributes[k].type));
            html_escape(b, o->attributes[k].description);
            buf_addstr(b, "</td></tr>");
        }
        buf_addstr(b, "</table>");
    }
    if (m->display == DISPLAY_HTML)
        buf_addstr(b, "<p>Writes an HTML display (<code>/data/display</code>).</p>");
    buf_addstr(b, "</section>");
}

static void render_cases(struct buf *b, const struct entry *e, bool have_report)
{
    buf_addstr(b, "<section><h2>Test cases</h2><table id=\"cases\"><tr><th>case</th>"
                  "<th>last result</th><th>time</th><th>description</th></tr>");
    for (size_t i = 0; i < e->cases.count; i++) {
        const char *cname = e->cases.items[i];
        json_t *hit = NULL, *v;
        size_t j;
        json_array_foreach (e->results, j, v) {
            const char *c = json_string_value(json_object_get(v, "case"));
            if (c && !strcmp(c, cname))
                hit = v;
        }
        const char *status = hit ? json_string_value(json_object_get(hit, "status")) : NULL;
        const char *desc = hit ? json_string_value(json_object_get(hit, "description")) : NULL;
        buf_addstr(b, "<tr><td>");
        code(b, cname);
        buf_addf(b, "</td><td><span class=\"badge %s\">", status_class(status));
        html_escape(b, status ? status : have_report ? "not run" : "no report");
        buf_addstr(b, "</span></td><td>");
        json_t *secs = hit ? json_object_get(hit, "seconds") : NULL;
        if (json_is_number(secs))
            buf_addf(b, "%.2fs", json_number_value(secs));
        buf_addstr(b, "</td><td>");
        html_escape(b, desc);
        buf_addstr(b, "</td></tr>");
    }
    buf_addstr(b, "</table></section>");
}

static void render_versions(struct buf *b, const struct entry *e, bool have_index)
{
    buf_addstr(b, "<section><h2>Published versions</h2>");
    if (!json_array_size(e->versions)) {
        buf_addstr(b, have_index ? "<p>Not published yet.</p></section>"
                                 : "<p class=\"muted\">No index given.</p></section>");
        return;
    }
    buf_addstr(b, "<table id=\"versions\"><tr><th>version</th><th>image</th><th>digest</th>"
                  "<th>published</th><th>revision</th></tr>");
    /* newest first: the index keeps them oldest first */
    for (size_t i = json_array_size(e->versions); i-- > 0;) {
        json_t *v = json_array_get(e->versions, i);
        static const char *const keys[] = {"version", "image", "digest", "published", "revision"};
        buf_addstr(b, "<tr>");
        for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
            buf_addstr(b, "<td>");
            const char *t = json_string_value(json_object_get(v, keys[k]));
            if (t)
                code(b, t);
            buf_addstr(b, "</td>");
        }
        buf_addstr(b, "</tr>");
    }
    buf_addstr(b, "</table>");
    json_t *last = json_array_get(e->versions, json_array_size(e->versions) - 1);
    const char *ver = json_string_value(json_object_get(last, "version"));
    buf_addf(b, "<pre>kanalytic install %s%s", e->m->name, ver ? "@" : "");
    html_escape(b, ver);
    buf_addstr(b, " --registry REGISTRY</pre></section>");
}

static void render_analytic(struct site *s, const struct entry *e, struct buf *b)
{
    const struct manifest *m = e->m;
    page_head(b, m->name, "../index.html");
    buf_addstr(b, "<p class=\"muted\">version ");
    html_escape(b, m->version);
    buf_addstr(b, " · ");
    html_escape(b, m->license);
    for (size_t i = 0; i < m->authors.count; i++) {
        buf_addstr(b, i ? ", " : " · ");
        html_escape(b, m->authors.items[i]);
    }
    buf_addstr(b, "</p><p id=\"description\">");
    html_escape(b, m->description);
    buf_addstr(b, "</p><section><h2>Entity types</h2><table id=\"inputs\"><tr><th>input</th>"
                  "<th>entity types</th><th>required attributes</th></tr>");
    for (size_t i = 0; i < m->n_inputs; i++) {
        buf_addf(b, "<tr><td>%zu</td><td>", i);
        for (size_t k = 0; k < m->inputs[i].entity_types.count; k++) {
            const char *t = m->inputs[i].entity_types.items[k];
            buf_addstr(b, "<span class=\"type\">");
            html_escape(b, !strcmp(t, "*") ? "* (any)" : t);
            buf_addstr(b, "</span>");
        }
        buf_addstr(b, "</td><td>");
        for (size_t k = 0; k < m->inputs[i].required_attributes.count; k++) {
            if (k)
                buf_addstr(b, ", ");
            code(b, m->inputs[i].required_attributes.items[k]);
        }
        buf_addstr(b, "</td></tr>");
    }
    buf_addstr(b, "</table></section><section><h2>Use it</h2><pre class=\"apply\" id=\"apply\">");
    struct buf line = BUF_INIT;
    apply_line(&line, m);
    html_escape(b, line.data);
    buf_free(&line);
    buf_addstr(b, "</pre></section>");
    render_params(b, m);
    render_outputs(b, m);
    if (e->display) {
        buf_addstr(b, "<section><h2>Display</h2><p class=\"muted\">The golden display of test "
                      "case ");
        code(b, e->display_case);
        /* sandbox="" : no scripts, no same-origin, no forms, no top navigation */
        buf_addstr(b, "</p><iframe class=\"display\" sandbox=\"\" title=\"analytic display\" "
                      "srcdoc=\"");
        html_escape(b, e->display);
        buf_addstr(b, "\"></iframe></section>");
    }
    render_cases(b, e, s->report != NULL);
    render_versions(b, e, s->index != NULL);
    if (e->readme) {
        buf_addstr(b, "<section><h2>README</h2><div class=\"readme\">");
        catalog_markdown(b, e->readme, strlen(e->readme));
        buf_addstr(b, "</div></section>");
    }
    page_foot(b, s);
}

/* ---- writing ---- */

static int render_all(struct site *s, const char *tmp, struct catalog_site_stats *st)
{
    struct buf b = BUF_INIT;
    render_index(s, &b);
    int rc = fs_write_in(tmp, "index.html", b.data, b.len);
    buf_reset(&b);
    char *sub = path_join(tmp, "analytics");
    if (rc == 0 && mkdir(sub, 0755) < 0)
        rc = err_errno(sub);
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        struct entry *e = &s->entries[i];
        render_analytic(s, e, &b);
        struct buf name = BUF_INIT;
        page_name(&name, e->m->name);
        rc = fs_write_in(sub, name.data, b.data, b.len);
        buf_free(&name);
        buf_reset(&b);
        st->cases += e->cases.count;
        st->versions += json_array_size(e->versions);
        for (size_t k = 0; k < e->cases.count; k++) {
            size_t j;
            json_t *v;
            json_array_foreach (e->results, j, v) {
                const char *c = json_string_value(json_object_get(v, "case"));
                if (c && !strcmp(c, e->cases.items[k])) {
                    st->cases_with_result++;
                    break;
                }
            }
        }
    }
    st->analytics = s->n;
    if (rc == 0 && s->index) {
        char *txt = json_dumps(s->index, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        buf_addstr(&b, txt);
        buf_addch(&b, '\n');
        free(txt);
        rc = fs_write_in(tmp, "index.json", b.data, b.len);
        buf_reset(&b);
    }
    if (rc == 0) {
        buf_addstr(&b, "kanalytic catalog\n");
        rc = fs_write_in(tmp, CATALOG_SITE_MARKER, b.data, b.len);
    }
    free(sub);
    buf_free(&b);
    return rc;
}

/* 1: out_dir may be replaced (missing, empty or a previous catalogue); -1 otherwise. */
static int check_target(const char *out_dir, bool *exists)
{
    struct stat st;
    *exists = false;
    if (lstat(out_dir, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        return err_errno(out_dir);
    }
    if (!S_ISDIR(st.st_mode))
        return err_set("%s exists and is not a directory", out_dir);
    *exists = true;
    struct fs_names names = {0};
    if (fs_list_dir(out_dir, &names) < 0)
        return -1;
    size_t n = names.count;
    fs_names_free(&names);
    char *marker = path_join(out_dir, CATALOG_SITE_MARKER);
    bool ours = fs_is_file(marker);
    free(marker);
    if (n && !ours)
        return err_set("%s is not empty and is not a previous catalogue (no %s); choose "
                       "another directory",
                       out_dir, CATALOG_SITE_MARKER);
    return 0;
}

static int place(const char *tmp, const char *out_dir, bool exists)
{
    if (!exists) {
        if (rename(tmp, out_dir) < 0)
            return err_errno(out_dir);
        return 0;
    }
    struct buf old = BUF_INIT;
    buf_addf(&old, "%s.old.XXXXXX", out_dir);
    if (!mkdtemp(old.data)) {
        int r = err_errno(old.data);
        buf_free(&old);
        return r;
    }
    /* rename(2) replaces only an empty directory: move the old one aside first */
    int rc = 0;
    if (rename(out_dir, old.data) < 0) {
        rc = err_errno(out_dir);
    } else if (rename(tmp, out_dir) < 0) {
        rc = err_errno(out_dir);
        if (rename(old.data, out_dir) < 0) /* put the old catalogue back */
            err_prefix("%s kept as %s: ", out_dir, old.data);
    }
    if (fs_remove_tree(old.data) < 0 && rc == 0)
        err_clear(); /* a leftover .old folder is not a failure of the new catalogue */
    buf_free(&old);
    return rc;
}

int catalog_site_write(const struct catalog_site_options *o, const char *out_dir,
                       struct catalog_site_stats *stats, struct diag_list *diags)
{
    struct site s = {.o = o};
    struct catalog_site_stats st = {0};
    char *tmp = NULL;
    bool exists = false, made = false;
    int rc = -1;
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(s.generated, sizeof s.generated, "%Y-%m-%dT%H:%M:%SZ", &tm);

    size_t olen = strlen(out_dir);
    if (!olen || out_dir[olen - 1] == '/') {
        err_set("%s: give the directory without a trailing '/'", out_dir);
        goto cleanup;
    }
    if (check_target(out_dir, &exists) < 0)
        goto cleanup;
    if (o->report_path && load_report(o->report_path, &s.report) < 0)
        goto cleanup;
    if (o->index_path && load_index(o->index_path, &s.index) < 0)
        goto cleanup;
    rc = gather(&s, diags);
    if (rc != 0)
        goto cleanup;
    rc = -1;
    /* beside out_dir, so that the final rename stays on one file system */
    if (fs_temp_dir_beside(out_dir, &tmp) < 0)
        goto cleanup;
    made = true;
    if (render_all(&s, tmp, &st) < 0 || place(tmp, out_dir, exists) < 0)
        goto cleanup;
    made = false;
    rc = 0;
    if (stats)
        *stats = st;
cleanup:
    if (made)
        fs_remove_tree(tmp);
    free(tmp);
    for (size_t i = 0; i < s.n; i++)
        entry_free(&s.entries[i]);
    free(s.entries);
    json_decref(s.report);
    json_decref(s.index);
    return rc;
}
