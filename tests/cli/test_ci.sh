# kanalytic ci without Docker: options, --list, shards, policy findings and the reports
# (JUnit, Markdown, JSON, GitHub annotations). The repositories are made with the git CLI
# (the test may use git; kanalytic itself uses libgit2 only).
source "$(dirname "$0")/../lib.sh"

g() { git -C "$repo" -c user.name=t -c user.email=t@example.org "$@"; }
analytic() { # NAME VERSION
  local d=$repo/analytics/$1
  mkdir -p "$d/tests/basic/expected/output"
  printf 'schema_version: 1\nname: %s\n# the version line is line 4\nversion: %s\n' "$1" "$2" >"$d/analytic.yaml"
  echo 'FROM debian:sid-slim' >"$d/Dockerfile"
  echo 'description: basic' >"$d/tests/basic/case.yaml"
  echo "golden $1" >"$d/tests/basic/expected/output/0.parquet.gz"
}

repo=$TMP/repo
mkdir -p "$repo"
git init -q -b main "$repo"
analytic alpha 1.0.0
analytic beta 2.0.0
mkdir -p "$repo/schemas" && echo '{}' >"$repo/schemas/analytic.schema.json"
g add -A && g commit -qm initial
g checkout -qb pr

run "$KANALYTIC" ci --help
expect_rc 0 "--help"; expect_out_has "usage: kanalytic ci"; expect_out_has "--shard I/N"

cd "$repo"
run "$KANALYTIC" ci --shard 3/2
expect_rc 2 "bad shard"; expect_err_has "need 1 <= I <= N"
run "$KANALYTIC" ci --format yaml
expect_rc 2 "bad format"; expect_err_has "expected text or json"
run "$KANALYTIC" ci alpha
expect_rc 2 "stray argument"; expect_err_has "unexpected argument 'alpha'"
run "$KANALYTIC" ci --list --base no-such-rev
expect_rc 2 "unknown base"; expect_err_has "no-such-rev"

# nothing changed yet
run "$KANALYTIC" ci --list
expect_rc 0 "--list, clean"; expect_out_has "selected 0 of 2 analytics"

# an edit in alpha, committed; beta untouched
echo 'RUN true' >>analytics/alpha/Dockerfile
g commit -qam "edit alpha"
run "$KANALYTIC" ci --list
expect_rc 0 "--list"
expect_out_has "base: $(git rev-parse --short=7 main) (main)"
expect_out_has "selected 1 of 2 analytics:"
expect_out_has "alpha  1 file changed: Dockerfile(M)"
expect_out_lacks "beta"

run "$KANALYTIC" ci --list --format json
expect_rc 0 "--list json"
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [s["name"] for s in d["selected"]] == ["alpha"], d
assert d["selected"][0]["files"] == [{"path": "analytics/alpha/Dockerfile", "status": "M"}], d
assert d["analytics_total"] == 2
' <<<"$out" || fail "--list --format json: $out"

# the gate: alpha's version was not bumped
run "$KANALYTIC" ci --no-docker --junit "$TMP/ci.xml" --markdown "$TMP/ci.md"
expect_rc 1 "gate, not bumped"
expect_out_has "analytics/alpha/analytic.yaml:4:1: error: alpha changed (1 file) but its version stays 1.0.0"
expect_out_has "NOT mergeable"
expect_file "$TMP/ci.xml"
python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites"
cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
assert cases[("alpha", "policy")].find("failure") is not None
assert cases[("alpha", "build")].find("skipped") is not None
assert ("beta", "build") not in cases
' "$TMP/ci.xml" || fail "JUnit report: $(cat "$TMP/ci.xml")"
grep -q "## kanalytic ci: not mergeable" "$TMP/ci.md" || fail "markdown verdict: $(cat "$TMP/ci.md")"
grep -qF '`analytics/alpha/analytic.yaml:4` (version-not-bumped)' "$TMP/ci.md" || fail "markdown finding"

# GitHub: annotations on the line, the summary appended to $GITHUB_STEP_SUMMARY
echo "earlier step" >"$TMP/summary.md"
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$TMP/summary.md run "$KANALYTIC" ci --no-docker
expect_rc 1 "gate under GitHub"
expect_out_has "::error file=analytics/alpha/analytic.yaml,line=4,col=1::alpha changed"
[ "$(head -n 1 "$TMP/summary.md")" = "earlier step" ] || fail "step summary overwritten"
grep -q "## kanalytic ci: not mergeable" "$TMP/summary.md" || fail "step summary not appended"

run "$KANALYTIC" ci --no-docker --format json
expect_rc 1 "gate json"
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["result"] == "not-mergeable" and d["exit_code"] == 1, d
assert [f["rule"] for f in d["findings"]] == ["version-not-bumped"], d["findings"]
assert d["findings"][0]["line"] == 4
assert {(s["check"], s["analytic"]) for s in d["steps"]} == {("validate", None), ("build", "alpha"), ("test", "alpha")}
' <<<"$out" || fail "gate --format json: $out"

# bumping clears the policy (validate may still be missing from this build: then exit 2)
sed -i 's/^version: 1.0.0/version: 1.0.1/' analytics/alpha/analytic.yaml
run "$KANALYTIC" ci --no-docker --format json
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["findings"] == [], d["findings"]
' <<<"$out" || fail "bumped: $out"
[ "$rc" -ne 1 ] || grep -q '"status": "fail"' <<<"$out" || fail "bumped but exit 1 without a failed step"

# a schema change selects everything; shards split it
echo '{"x":1}' >schemas/analytic.schema.json
run "$KANALYTIC" ci --list
expect_out_has "selected 2 of 2 analytics:"
expect_out_has "beta   every analytic: schemas/analytic.schema.json changed"
run "$KANALYTIC" ci --list --shard 1/2
s1=$out
run "$KANALYTIC" ci --list --shard 2/2
s2=$out
grep -q "^  alpha" <<<"$s1" && grep -q "^  beta" <<<"$s2" || fail "shards: '$s1' / '$s2'"
! grep -q "^  beta" <<<"$s1" || fail "beta in both shards"

# a deleted analytic is skipped and said so
g checkout -q -- schemas
rm -r analytics/beta
run "$KANALYTIC" ci --list
expect_out_has "skipped:"
expect_out_has "beta   deleted"

# not a git repository
mkdir -p "$TMP/plain/analytics"
cd "$TMP/plain"
run "$KANALYTIC" ci --list
expect_rc 2 "no git"; expect_err_has "not in a git repository"
done_testing
