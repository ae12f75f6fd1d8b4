#!/usr/bin/env bash
# kanalytic test against the real engine, on the deliberately broken analytics of
# tests/analytics-negative (a temporary repository, KANALYTIC_ROOT): each gets the verdict and
# message it must get; --ci, --update, --repeat, JUnit, TAP, exit codes, Ctrl-C; and no
# container labelled io.kanalytic=1 is left afterwards (asked of the API with curl).
source "$(dirname "$0")/../lib.sh"
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
if ! curl -sf --unix-socket "$SOCK" http://localhost/_ping >/dev/null; then
  echo "test_runner.sh: no Docker engine at $SOCK" >&2
  exit 1
fi
export KANALYTIC_SCHEMAS=$ROOT/schemas
REPO=$TMP/repo
mkdir -p "$REPO/analytics"
cp -r "$ROOT/tests/analytics-negative/." "$REPO/analytics/"
export KANALYTIC_ROOT=$REPO
NAMES=$(ls "$REPO/analytics")

# Images: built through the Engine API by kanalytic itself (never the docker CLI).
"$KANALYTIC" -q build $NAMES >"$TMP/build.log" 2>&1 || fail "kanalytic build: $(tail -n 20 "$TMP/build.log")"
BUILD_OPT=(--no-build)

# ---- the whole suite, JSON report ----
run "$KANALYTIC" test "${BUILD_OPT[@]}" --output-cap 1048576 -j 2 --format json --junit "$TMP/junit.xml"
expect_rc 1 "suite with failing cases"
echo "$out" >"$TMP/report.json"
python3 - "$TMP/report.json" <<'EOF' || fail "verdicts (see above)"
import json, sys
r = json.load(open(sys.argv[1]))
cases = {c["id"]: c for c in r["cases"]}
want = {
    # id: (status, rule, text in that rule's message)
    "copy/same": ("PASS", None, None),
    "crash/expected": ("PASS", None, None),
    "network/only-lo": ("PASS", None, None),
    "timeout/sleeps": ("FAIL", "timeout", "timed out after 3s"),
    "crash/unexpected": ("FAIL", "exit-code", "exit code 3, expected 0"),
    "no-output/expects-output": ("FAIL", "output-missing", "output/0.parquet.gz was not written"),
    "no-id-type/writes-bad-output": ("FAIL", "kestrel-id-type", "no 'id' or 'type' column"),
    "two-displays/writes-two": ("FAIL", "kestrel-one-display", "2 display files"),
    "symlink/link-to-host": ("FAIL", "untrusted-archive", "symbolic link to '/etc/passwd'"),
    "big-output/over-cap": ("FAIL", "untrusted-archive", "1048576 bytes"),
}
bad = 0
for cid, (status, rule, text) in want.items():
    c = cases.get(cid)
    if c is None:
        print(f"  missing case {cid}"); bad += 1; continue
    if c["status"] != status:
        print(f"  {cid}: {c['status']}, expected {status}: {c['problems']}"); bad += 1; continue
    if rule:
        msgs = [p["message"] for p in c["problems"] if p["rule"] == rule]
        if not msgs or not any(text in m for m in msgs):
            print(f"  {cid}: no {rule} problem saying {text!r}: {c['problems']}"); bad += 1
if "bad magic" not in (cases["crash/unexpected"]["stderr"] or ""):
    print("  crash/unexpected: stderr not kept"); bad += 1
if "interfaces=[lo] connect=failed" not in (cases["network/only-lo"]["stderr"] or ""):
    print("  network/only-lo: the sandbox saw more than lo"); bad += 1
s = r["summary"]
if (s["passed"], s["failed"], s["errors"]) != (3, 7, 0):
    print(f"  summary {s}"); bad += 1
sys.exit(1 if bad else 0)
EOF
expect_file "$TMP/junit.xml"
grep -q '<testcase classname="timeout" name="sleeps"' "$TMP/junit.xml" || fail "junit lacks timeout/sleeps"
grep -q '<failure message="timed out after 3s' "$TMP/junit.xml" || fail "junit lacks the timeout failure"
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$TMP/junit.xml" ||
  fail "junit is not well-formed XML"

# ---- console and TAP ----
run "$KANALYTIC" test "${BUILD_OPT[@]}" crash symlink/link-to-host
expect_rc 1 "console"
expect_out_has "PASS    crash/expected"
expect_out_has "FAIL    crash/unexpected"
expect_out_has "      | crash: cannot parse /data/input/0.parquet.gz: bad magic"
expect_out_has "[untrusted-archive] /data: entry 'data/output/0.parquet.gz' is a symbolic link to '/etc/passwd': refused"
expect_out_has "1 passed, 2 failed, 0 errors"
run "$KANALYTIC" test "${BUILD_OPT[@]}" --tap copy crash/unexpected
expect_rc 1 "tap"
expect_out_has "1..2"
expect_out_has "ok 1 - copy/same"
expect_out_has "not ok 2 - crash/unexpected"

# ---- --repeat ----
run "$KANALYTIC" test "${BUILD_OPT[@]}" --repeat 3 copy
expect_rc 0 "--repeat"; expect_out_has "3 runs"

# ---- missing golden: created, then --ci fails without one ----
C=$REPO/analytics/copy/tests/same
rm -r "$C/expected"
run "$KANALYTIC" test "${BUILD_OPT[@]}" --ci copy
expect_rc 1 "--ci without golden"; expect_out_has "[golden-missing]"
expect_no_file "$C/expected/output/0.parquet.gz"
run "$KANALYTIC" test "${BUILD_OPT[@]}" copy
expect_rc 0 "golden created"; expect_out_has "CREATED copy/same"
expect_file "$C/expected/output/0.parquet.gz"
cmp -s "$C/expected/output/0.parquet.gz" "$C/input/0.parquet.gz" || fail "created golden differs"
run "$KANALYTIC" test "${BUILD_OPT[@]}" --ci copy
expect_rc 0 "--ci with the created golden"

# ---- wrong golden: fails with the differing cell; --update rewrites it and reruns ----
cp "$ROOT/tests/fixtures/diff/cell.parquet" "$C/expected/output/0.parquet.gz"
in_sum=$(sha256sum "$C/input/0.parquet.gz")
run "$KANALYTIC" test "${BUILD_OPT[@]}" copy
expect_rc 1 "golden mismatch"
expect_out_has "[golden-mismatch]"
expect_out_has 'id="network-traffic--3"  port    8080      83'
run "$KANALYTIC" test "${BUILD_OPT[@]}" --update copy
expect_rc 0 "--update"; expect_out_has "updated 1 golden"
cmp -s "$C/expected/output/0.parquet.gz" "$C/input/0.parquet.gz" || fail "--update did not rewrite"
[ "$(sha256sum "$C/input/0.parquet.gz")" = "$in_sum" ] || fail "--update touched the input"
ls "$C/expected/output/" | grep -q tmp && fail "--update left a temporary file"
# --update leaves cases failing for other reasons alone
run "$KANALYTIC" test "${BUILD_OPT[@]}" --update crash/unexpected
expect_rc 1 "--update of a crash"
expect_no_file "$REPO/analytics/crash/tests/unexpected/expected"

# ---- could not run: exit 2 ----
mkdir -p "$REPO/analytics/not-built"
sed 's/^name: copy$/name: not-built/' "$REPO/analytics/copy/analytic.yaml" >"$REPO/analytics/not-built/analytic.yaml"
cp "$REPO/analytics/copy/Dockerfile" "$REPO/analytics/copy/README.md" "$REPO/analytics/not-built/"
mkdir -p "$REPO/analytics/not-built/tests"
cp -r "$C" "$REPO/analytics/not-built/tests/"
run "$KANALYTIC" test --no-build not-built
expect_rc 2 "missing image with --no-build"
expect_out_has "image kestrel-analytics-not-built:latest not found (build it: kanalytic build not-built)"
# without --no-build the image is built in-process (tool/builder/), then the case runs
run "$KANALYTIC" test not-built/same
expect_rc 0 "missing image built first"
expect_err_has "kanalytic test: image kestrel-analytics-not-built:latest not found, building it"
expect_out_has "PASS    not-built/same"
curl -sf --unix-socket "$SOCK" http://localhost/images/kestrel-analytics-not-built:latest/json >/dev/null ||
  fail "the image was not built"
curl -sf --unix-socket "$SOCK" -X DELETE "http://localhost/images/kestrel-analytics-not-built:latest?force=1" >/dev/null
curl -sf --unix-socket "$SOCK" -X DELETE "http://localhost/images/kestrel-analytics-not-built:1.0.0?force=1" >/dev/null || true
# a build that fails says where, and the case could not run
printf 'FROM debian:sid-slim\nRUN exit 3\n' >"$REPO/analytics/not-built/Dockerfile"
run "$KANALYTIC" test not-built/same
expect_rc 2 "missing image whose build fails"
expect_out_has "\`kanalytic build not-built\` failed at Step 2/"
expect_out_has ": RUN exit 3: The command '/bin/sh -c exit 3' returned a non-zero code: 3"
rm -r "$REPO/analytics/not-built"
printf 'description: x\nbogus: 1\n' >"$TMP/case.yaml"
mkdir -p "$REPO/analytics/copy/tests/broken/input"
cp "$TMP/case.yaml" "$REPO/analytics/copy/tests/broken/case.yaml"
cp "$C/input/0.parquet.gz" "$REPO/analytics/copy/tests/broken/input/"
run "$KANALYTIC" test "${BUILD_OPT[@]}" copy
expect_rc 2 "bad case.yaml"; expect_err_has "bogus"
rm -r "$REPO/analytics/copy/tests/broken"

# ---- expect.outputs is exact, even when empty: an output it does not list fails ----
mkdir -p "$REPO/analytics/copy/tests/no-output/input"
printf 'description: says it writes nothing\nexpect:\n  outputs: []\n' \
  >"$REPO/analytics/copy/tests/no-output/case.yaml"
cp "$C/input/0.parquet.gz" "$REPO/analytics/copy/tests/no-output/input/"
run "$KANALYTIC" test "${BUILD_OPT[@]}" copy/no-output
expect_rc 1 "expect.outputs: []"
expect_out_has "[output-unexpected] output/0.parquet.gz was written but the case expects no output 0"
expect_no_file "$REPO/analytics/copy/tests/no-output/expected"
rm -r "$REPO/analytics/copy/tests/no-output"
run env DOCKER_HOST=unix:///nonexistent.sock "$KANALYTIC" test copy
expect_rc 2 "no engine"; expect_err_has "nonexistent.sock"
run "$KANALYTIC" test no-such-analytic
expect_rc 2 "unknown analytic"; expect_err_has "no-such-analytic"

# ---- Ctrl-C: the running container is removed ----
"$KANALYTIC" test "${BUILD_OPT[@]}" --timeout 120 timeout >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
for _ in $(seq 50); do
  n=$(curl -s --unix-socket "$SOCK" -g \
    'http://localhost/containers/json?filters={"label":["io.kanalytic.case=timeout/sleeps"]}' |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  [ "$n" -gt 0 ] && break
  sleep 0.2
done
[ "$n" -gt 0 ] || fail "the timeout case never started"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 2 ] || fail "Ctrl-C: exit $rc, expected 2"
grep -q "interrupted" "$TMP/int.out" "$TMP/int.err" || fail "Ctrl-C: no 'interrupted' message"

# ---- nothing left behind ----
left=$(curl -s --unix-socket "$SOCK" -g \
  'http://localhost/containers/json?all=1&filters={"label":["io.kanalytic=1"]}' |
  python3 -c '
import json, sys
names = set(sys.argv[1].split())
print(" ".join(c["Id"][:12] for c in json.load(sys.stdin)
               if c["Labels"].get("io.kanalytic.case", "").split("/")[0] in names))' "$NAMES")
[ -z "$left" ] || fail "containers left behind: $left"

done_testing
