# kanalytic test --html: the report opened in headless Chromium (Debian's chromium); the DOM
# it builds is queried and a screenshot taken. One case passes with a display (attribute-plot),
# one fails because its golden was changed on purpose (one cluster cell).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
need_chromium
repo=$TMP/repo
mkdir -p "$repo/analytics"
cp -r schemas "$repo/"
cp -r analytics/sklearn-cluster analytics/attribute-plot "$repo/analytics/"
golden=$repo/analytics/sklearn-cluster/tests/blog-outliers/expected/output/0.parquet.gz
"$KANALYTIC" convert "$golden" "$TMP/g.jsonl" || fail "convert golden"
python3 - "$TMP/g.jsonl" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
i = next(k for k, l in enumerate(lines) if '"cluster": 1' in l)
lines[i] = lines[i].replace('"cluster": 1', '"cluster": 0')
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
"$KANALYTIC" convert "$TMP/g.jsonl" "$TMP/g.parquet" && cp "$TMP/g.parquet" "$golden"

KANALYTIC_ROOT=$repo run "$KANALYTIC" test sklearn-cluster/blog-outliers attribute-plot/scatter-bytes \
  --html "$TMP/report.html"
expect_rc 1 "one case fails"
expect_file "$TMP/report.html"
grep -qE '(src|href)="(https?:)?//' "$TMP/report.html" && fail "the report loads external assets"

CHROME_WINDOW=1280,1600
chrome --dump-dom "file://$TMP/report.html" >"$TMP/dom.html" || fail "chromium --dump-dom"
python3 - "$TMP/dom.html" <<'PY' || fail "DOM queries"
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.nodes = [], []
    def handle_starttag(self, tag, attrs):
        node = {"tag": tag, "attrs": dict(attrs), "text": "", "parents": list(self.stack)}
        self.nodes.append(node)
        if tag not in ("meta", "br", "img", "input", "link"):
            self.stack.append(node)
    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break
    def handle_data(self, data):
        for n in self.stack:
            n["text"] += data

d = Dom()
d.feed(open(sys.argv[1]).read())
def q(tag, cls=None, **attrs):
    out = []
    for n in d.nodes:
        if n["tag"] != tag: continue
        if cls and cls not in n["attrs"].get("class", "").split(): continue
        if any(n["attrs"].get(k) != v for k, v in attrs.items()): continue
        out.append(n)
    return out
errors = []
def check(cond, what):
    if not cond: errors.append(what)

check(q("span", id="failed") and q("span", id="failed")[0]["text"].strip() == "1 failed", "failed count")
check(q("span", id="passed") and q("span", id="passed")[0]["text"].strip() == "1 passed", "passed count")
sections = q("section", "case")
check(len(sections) == 2, f"two case sections, got {len(sections)}")
fail = [s for s in sections if "fail" in s["attrs"]["class"].split()]
check(len(fail) == 1 and "sklearn-cluster/blog-outliers" in fail[0]["text"], "failing section")
diff = q("td", "diff")
check(len(diff) == 1 and diff[0]["text"].strip() == "1", f"one highlighted actual cell '1', got {[x['text'] for x in diff]}")
exp = q("td", "expected")
check(len(exp) == 1 and exp[0]["text"].strip() == "0", "expected cell 0 beside it")
frames = q("iframe", "display")
check(len(frames) == 1 and frames[0]["attrs"].get("sandbox") == "", "one sandboxed display iframe")
check(frames and "<svg" in frames[0]["attrs"].get("srcdoc", ""), "the display's SVG in the iframe")
if errors:
    print("\n".join(errors)); sys.exit(1)
PY
chrome --screenshot="$TMP/report.png" "file://$TMP/report.html" >/dev/null || fail "chromium --screenshot"
python3 - "$TMP/report.png" <<'PY' || fail "screenshot"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1280, 1600), (w, h)
assert len(data) > 20000, f"a near-empty screenshot ({len(data)} bytes)"
PY
[ -s "$TMP/report.png" ] && cp "$TMP/report.png" "${REPORT_SCREENSHOT:-/tmp/kanalytic-report.png}" 2>/dev/null
done_testing
