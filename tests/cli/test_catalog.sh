# kanalytic catalog: the static site of the collection, opened in headless Chromium (Debian's
# chromium). A copy of the collection plus one analytic with a hostile README; a test report
# and a published index written for the purpose. DOM queries after the page's script ran:
# every analytic listed, a search query and the entity-type filter hide exactly the others,
# the analytic pages escape what the analytic wrote and frame its display in a sandbox. A
# screenshot is kept in build/catalog-screenshot.png for a person to look at.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
need_chromium
repo=$TMP/repo
mkdir -p "$repo/analytics"
cp -r schemas template "$repo/"
cp -r analytics/* "$repo/analytics/"
# an analytic whose README and display try to run script in the catalogue
cp -r analytics/attribute-plot "$repo/analytics/hostile-plot"
sed -i 's/^name: attribute-plot/name: hostile-plot/' "$repo/analytics/hostile-plot/analytic.yaml"
cat >>"$repo/analytics/hostile-plot/README.md" <<'EOF'

## Hostile

<script>document.title='pwned-readme'</script> <img src=x onerror="document.title='pwned-img'">
[a link](javascript:alert(1)) and `<b>code</b>` and **bold**
EOF
for d in "$repo"/analytics/hostile-plot/tests/*/expected; do
  [ -f "$d/display.html" ] && printf '<script>parent.document.title="pwned-frame"</script>' >>"$d/display.html"
done
export KANALYTIC_ROOT=$repo

# a report: one case passed, one failed (as kanalytic test --format json writes them)
cat >"$TMP/report.json" <<'EOF'
{"summary": {"total": 2, "passed": 1, "failed": 1, "errors": 0, "skipped": 0},
 "exit_code": 1,
 "cases": [
  {"id": "sklearn-cluster/blog-outliers", "analytic": "sklearn-cluster", "case": "blog-outliers",
   "description": "from the report", "status": "PASS", "seconds": 1.25},
  {"id": "log4shell/url-values", "analytic": "log4shell", "case": "url-values", "status": "FAIL", "seconds": 0.5}
 ]}
EOF
cat >"$TMP/index.json" <<'EOF'
{"format": "kanalytic-index", "format_version": 1, "registry": "127.0.0.1:5000/kestrel",
 "analytics": [
  {"name": "sklearn-cluster", "version": "1.0.0", "image": "127.0.0.1:5000/kestrel/kestrel-analytics-sklearn-cluster",
   "digest": "sha256:1111", "published": "2026-12-01T10:00:00Z", "revision": "aaaa"},
  {"name": "sklearn-cluster", "version": "1.0.1", "image": "127.0.0.1:5000/kestrel/kestrel-analytics-sklearn-cluster",
   "digest": "sha256:2222", "published": "2026-12-05T10:00:00Z", "revision": "bbbb", "future_key": 1}
 ]}
EOF
[ -d "$repo/analytics/log4shell/tests/url-values" ] || fail "the fixture report names log4shell/url-values, which is gone"

site=$TMP/site
run "$KANALYTIC" catalog -o "$site" --report "$TMP/report.json" --index "$TMP/index.json"
expect_rc 0 "catalog"
expect_out_has "7 analytics"
expect_out_has "(2 with a result), 2 published versions"
expect_file "$site/index.html"
expect_file "$site/index.json"
expect_file "$site/.kanalytic-catalog"
for m in "$repo"/analytics/*/analytic.yaml; do
  expect_file "$site/analytics/$(basename "$(dirname "$m")").html"
done
grep -qE '(src|href)="(https?:)?//' "$site"/index.html "$site"/analytics/*.html && fail "the site loads external assets"
grep -q 'fetch(' "$site/index.html" && fail "the index fetches its data (file:// forbids it)"
ls "$TMP" | grep -q '^site\.' && fail "a temporary folder was left beside the site"

# a second run replaces the previous catalogue; other non-empty folders are refused
run "$KANALYTIC" catalog -o "$site"
expect_rc 0 "catalog over a previous catalogue"
expect_no_file "$site/index.json"
mkdir -p "$TMP/other" && echo keep >"$TMP/other/notes.txt"
run "$KANALYTIC" catalog -o "$TMP/other"
expect_rc 2 "a non-empty folder that is not a catalogue"
expect_err_has "is not empty and is not a previous catalogue"
[ "$(cat "$TMP/other/notes.txt")" = keep ] || fail "the other folder was touched"
# broken inputs: a clear error naming the file, nothing written
echo '{"cases": [' >"$TMP/broken.json"
run "$KANALYTIC" catalog -o "$TMP/s2" --report "$TMP/broken.json"
expect_rc 2 "a broken report"
expect_err_has "$TMP/broken.json:"
expect_no_file "$TMP/s2"
echo '{"format": "kanalytic-index", "format_version": 9, "analytics": []}' >"$TMP/future.json"
run "$KANALYTIC" catalog -o "$TMP/s2" --index "$TMP/future.json"
expect_rc 2 "an index from a newer format"
expect_err_has "format_version is newer"
expect_no_file "$TMP/s2"
cp -r "$repo" "$TMP/badrepo"
sed -i 's/^version: .*/version: [1/' "$TMP/badrepo/analytics/log4shell/analytic.yaml"
KANALYTIC_ROOT=$TMP/badrepo run "$KANALYTIC" catalog -o "$TMP/s2"
expect_rc 1 "an analytic that does not load"
expect_err_has "analytics/log4shell/analytic.yaml:"
expect_no_file "$TMP/s2"

run "$KANALYTIC" catalog -o "$site" --report "$TMP/report.json" --index "$TMP/index.json"
expect_rc 0 "catalog again"

dom() { chrome --dump-dom "$1" >"$2" || fail "chromium --dump-dom $1"; }
dom "file://$site/index.html" "$TMP/all.html"
dom "file://$site/index.html#q=cluster+outliers" "$TMP/q.html"
dom "file://$site/index.html#type=process" "$TMP/type.html"
dom "file://$site/index.html#param=XPARAM" "$TMP/param.html"
dom "file://$site/analytics/hostile-plot.html" "$TMP/hostile.html"
dom "file://$site/analytics/sklearn-cluster.html" "$TMP/sk.html"

python3 - "$repo" "$TMP" <<'PY' || fail "DOM queries"
import glob, os, re, sys, yaml
from html.parser import HTMLParser
repo, tmp = sys.argv[1], sys.argv[2]

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.nodes = [], []
    def handle_starttag(self, tag, attrs):
        node = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.nodes.append(node)
        if tag not in ("meta", "br", "img", "input", "link", "option"):
            self.stack.append(node)
    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break
    def handle_data(self, data):
        for n in self.stack:
            n["text"] += data

def load(name):
    d = Dom()
    d.feed(open(os.path.join(tmp, name)).read())
    return d
def q(d, tag, cls=None, **attrs):
    return [n for n in d.nodes if n["tag"] == tag
            and (not cls or cls in n["attrs"].get("class", "").split())
            and all(n["attrs"].get(k) == v for k, v in attrs.items())]
def visible(d):
    return sorted(n["attrs"]["id"][2:] for n in q(d, "li", "entry") if "hidden" not in n["attrs"])
errors = []
def check(cond, what):
    if not cond: errors.append(what)

manifests = {}
for p in glob.glob(os.path.join(repo, "analytics/*/analytic.yaml")):
    m = yaml.safe_load(open(p))
    manifests[m["name"]] = m
names = sorted(manifests)
types = {n: {t for i in m["inputs"] for t in i["entity_types"]} for n, m in manifests.items()}

full = load("all.html")
check(visible(full) == names, f"every analytic listed and visible: {visible(full)}")
cnt = q(full, "p", id="count")
check(cnt and cnt[0]["text"].strip() == f"{len(names)} of {len(names)} analytics", "count line")
check(len(q(full, "script")) == 2, "the index has its data and its script, nothing else")

words = ("cluster", "outliers")
def matches(n):
    m = manifests[n]
    hay = " ".join([n, m.get("description", ""), *types[n], *[p["name"] for p in m.get("parameters", [])],
                    *m.get("tags", [])]).lower()
    return all(w in hay for w in words)
want = sorted(n for n in names if matches(n))
got = visible(load("q.html"))
check(got == want and 0 < len(want) < len(names), f"search 'cluster outliers': {got}, expected {want}")

want = sorted(n for n in names if "process" in types[n] or "*" in types[n])
got = visible(load("type.html"))
check(got == want and len(want) < len(names), f"type process: {got}, expected {want}")
td = load("type.html")
check(q(td, "p", id="count")[0]["text"].strip() == f"{len(want)} of {len(names)} analytics", "count after filter")

want = sorted(n for n in names if any(p["name"] == "XPARAM" for p in manifests[n].get("parameters", [])))
got = visible(load("param.html"))
check(got == want and len(want) < len(names), f"param XPARAM: {got}, expected {want}")

h = load("hostile.html")
check(not q(h, "script"), "an analytic page runs no script (the README's <script> is text)")
check(not q(h, "img"), "the README's <img onerror> is text")
check(not q(h, "a", href="javascript:alert(1)"), "no javascript: link")
readme = [n for n in q(h, "div", "readme")]
check(readme and "<script>document.title='pwned-readme'</script>" in readme[0]["text"], "README script shown as text")
check(any(n["text"] == "<b>code</b>" for n in q(h, "code")), "inline code escaped")
check(any(n["text"] == "bold" for n in q(h, "strong")), "**bold**")
frames = q(h, "iframe", "display")
check(len(frames) == 1 and frames[0]["attrs"].get("sandbox") == "", "one display frame with sandbox=\"\"")
check(frames and "pwned-frame" in frames[0]["attrs"].get("srcdoc", ""), "the display in srcdoc")
title = q(h, "title")
check(title and "pwned" not in title[0]["text"], f"title untouched: {title and title[0]['text']}")

s = load("sk.html")
m = manifests["sklearn-cluster"]
params = q(s, "table", id="parameters")
check(params and all(p["name"] in params[0]["text"] for p in m["parameters"]), "parameters table")
apply = q(s, "pre", id="apply")
check(apply and apply[0]["text"].startswith("APPLY docker://sklearn-cluster ON var"), "APPLY line")
cases = q(s, "table", id="cases")
check(cases and "blog-outliers" in cases[0]["text"], "cases table")
badges = [n["text"] for n in q(s, "span", "badge")]
check("PASS" in badges and "not run" in badges, f"last results: {badges}")
vers = q(s, "table", id="versions")
check(vers and vers[0]["text"].index("1.0.1") < vers[0]["text"].index("1.0.0"), "versions newest first")
check(vers and "sha256:2222" in vers[0]["text"], "the digest")
if errors:
    print("\n".join(errors)); sys.exit(1)
PY
lb=$(grep -o 'id="a-log4shell"' "$TMP/all.html" | head -1)
[ -n "$lb" ] || fail "log4shell listed"
grep -q 'class="badge fail">FAIL' "$site/analytics/log4shell.html" || fail "log4shell/url-values shown as failed"

chrome --screenshot="$TMP/catalog.png" "file://$site/index.html" >/dev/null || fail "chromium --screenshot"
python3 - "$TMP/catalog.png" <<'PY' || fail "screenshot"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1280, 900), (w, h)
assert len(data) > 20000, f"a near-empty screenshot ({len(data)} bytes)"
PY
mkdir -p "$ROOT/build" && cp "$TMP/catalog.png" "$ROOT/build/catalog-screenshot.png"
done_testing
