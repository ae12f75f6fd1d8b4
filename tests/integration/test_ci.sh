# End to end: `kanalytic ci` on a throwaway clone holding two trivial analytics (debian:sid-slim,
# a shell CMD that copies the input to the output), with a pull request that changes one of
# them. Only that one may be built and tested; a broken change must make the gate fail.
# The repositories are made with the git CLI (the test may; kanalytic itself uses libgit2).
source "$(dirname "$0")/../lib.sh"

# Image names are unique to this run so parallel runs and the real analytics do not meet.
tag=$(basename "$TMP" | tr 'A-Z.' 'a-z-' | tr -cd 'a-z0-9-')
one=ciit-one-$tag
two=ciit-two-$tag
cleanup() {
  if command -v docker >/dev/null; then
    docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null |
      grep -E "^kestrel-analytics-ciit-(one|two)-$tag:" | xargs -r docker rmi -f >/dev/null 2>&1
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# The input: a small Kestrel-shaped process table, made with kanalytic's own writer.
input=$TMP/input.parquet.gz
printf '%s\n' '{"id":"process--1","type":"process","pid":4,"name":"System"}' \
  '{"id":"process--2","type":"process","pid":612,"name":"smss.exe"}' >"$TMP/input.jsonl"
"$KANALYTIC" convert "$TMP/input.jsonl" "$input" >/dev/null ||
  { echo "test_ci.sh: kanalytic convert failed" >&2; exit 1; }

g() { git -C "$1" -c user.name=t -c user.email=t@example.org "${@:2}"; }
analytic() { # DIR NAME VERSION CMD
  local d=$1/analytics/$2
  mkdir -p "$d/tests/copy/input" "$d/tests/copy/expected/output"
  cat >"$d/analytic.yaml" <<EOF
# yaml-language-server: \$schema=../../schemas/analytic.schema.json
schema_version: 1
name: $2
version: $3
description: Copies its input to its output unchanged (a test analytic for the CI gate).
authors:
  - kanalytic tests
license: Apache-2.0
inputs:
  - entity_types: ["*"]
parameters: []
outputs:
  - input: 0
    attributes: []
display: none
runtime:
  network: false
  timeout: 60
  memory: 64m
EOF
  printf 'FROM debian:sid-slim\nCMD ["/bin/sh", "-c", "%s"]\n' "$4" >"$d/Dockerfile"
  printf '# %s\n\nCopies the input variable to the output unchanged.\n' "$2" >"$d/README.md"
  cat >"$d/tests/copy/case.yaml" <<EOF
# yaml-language-server: \$schema=../../../../schemas/test-case.schema.json
description: The output is the input, row for row.
parameters: {}
expect:
  exit_code: 0
EOF
  cp "$input" "$d/tests/copy/input/0.parquet.gz"
  cp "$input" "$d/tests/copy/expected/output/0.parquet.gz"
}
copy_cmd='cp /data/input/0.parquet.gz /data/output/0.parquet.gz'

origin=$TMP/origin
mkdir -p "$origin"
git init -q -b main "$origin"
cp -r "$ROOT/schemas" "$origin/schemas"
analytic "$origin" "$one" 1.0.0 "$copy_cmd"
analytic "$origin" "$two" 1.0.0 "$copy_cmd"
g "$origin" add -A
g "$origin" commit -qm "two analytics"

clone=$TMP/clone
git clone -q "$origin" "$clone"
cd "$clone"
run "$KANALYTIC" validate --strict
expect_rc 0 "the fixture analytics validate"

# the pull request: a changed Dockerfile and a bumped version in the second analytic only
g "$clone" checkout -qb pr
printf 'FROM debian:sid-slim\nLABEL changed=yes\nCMD ["/bin/sh", "-c", "%s"]\n' "$copy_cmd" \
  >"analytics/$two/Dockerfile"
sed -i 's/^version: 1.0.0/version: 1.0.1/' "analytics/$two/analytic.yaml"
g "$clone" commit -qam "change $two"

run "$KANALYTIC" ci --list
expect_rc 0 "--list"
expect_out_has "base: $(git -C "$origin" rev-parse --short=7 main) (origin/main)"
expect_out_has "selected 1 of 2 analytics:"
expect_out_has "$two  2 files changed"
expect_out_lacks "$one"

run "$KANALYTIC" ci -j 2 --junit "$TMP/ci.xml" --markdown "$TMP/ci.md"
expect_rc 0 "gate on a good pull request"
expect_out_has "ok    build $two"
expect_out_has "ok    test --ci --repeat 2 $two"
expect_out_lacks "build $one"
expect_out_lacks "test --ci --repeat 2 $one"
expect_out_has "mergeable"
python3 - "$TMP/ci.xml" "$one" "$two" <<'EOF' || fail "JUnit report: $(cat "$TMP/ci.xml")"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
one, two = sys.argv[2], sys.argv[3]
cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
for key in [(two, "build"), (two, "test"), (two, "policy"), ("repository", "validate")]:
    assert key in cases, key
    assert len(list(cases[key])) == 0 or cases[key][0].tag == "system-out", key
assert not any(k[0] == one for k in cases), cases.keys()
assert root.get("failures") == "0" and root.get("errors") == "0"
EOF
grep -q "## kanalytic ci: mergeable" "$TMP/ci.md" || fail "markdown: $(cat "$TMP/ci.md")"
# only the changed analytic has an image
if command -v docker >/dev/null; then
  [ -n "$(docker images -q "kestrel-analytics-$two:latest")" ] || fail "no image for $two"
  [ -z "$(docker images -q "kestrel-analytics-$one:latest")" ] || fail "$one was built"
fi

# a broken change: the output is no longer written, the test fails, the gate says no
printf 'FROM debian:sid-slim\nCMD ["/bin/sh", "-c", "echo broken >&2; exit 3"]\n' \
  >"analytics/$two/Dockerfile"
sed -i 's/^version: 1.0.1/version: 1.0.2/' "analytics/$two/analytic.yaml"
g "$clone" commit -qam "break $two"
run "$KANALYTIC" ci --format json --html "$TMP/ci.html"
expect_rc 1 "gate on a broken pull request"
# one HTML page: the verdict, and the analytic's own test report embedded in a sandboxed frame
grep -q '<h1 id="verdict">not mergeable</h1>' "$TMP/ci.html" || fail "ci --html verdict"
grep -q '<iframe class="test-report" sandbox="allow-scripts" srcdoc="' "$TMP/ci.html" ||
  fail "ci --html embeds no test report"
grep -q 'class=&quot;badge fail&quot;&gt;FAIL' "$TMP/ci.html" || fail "ci --html: the failed case is not in the embedded report"
printf '%s' "$out" >"$TMP/broken.json"
python3 - "$TMP/broken.json" "$one" "$two" <<'EOF' || fail "json of the broken run: $out"
import json, sys
d = json.load(open(sys.argv[1]))
one, two = sys.argv[2], sys.argv[3]
assert d["result"] == "not-mergeable", d["result"]
steps = {(s["check"], s["analytic"]): s for s in d["steps"]}
assert steps[("build", two)]["status"] == "pass", steps
assert steps[("test", two)]["status"] == "fail", steps
assert not any(a == one for _, a in steps), steps.keys()
EOF
done_testing
