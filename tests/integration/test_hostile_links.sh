#!/usr/bin/env bash
# Issue 13, items 1 and 2: symbolic links committed under an analytic's tests/ must never be
# followed. A test input linked to /proc/self/environ (with `tests` in .dockerignore, so build
# never sees it) must not put the CI job's environment in the gate's log; a link to a host
# file must not reach the container; a golden linked to a host Parquet file must not leak its
# cells through the diff; and `tests/CASE/expected -> /somewhere` must not make `test` write
# there. The analytic copies its input to its output and prints the input to stderr, as an
# attacker's would.
source "$(dirname "$0")/../lib.sh"

tag=$(basename "$TMP" | tr 'A-Z.' 'a-z-' | tr -cd 'a-z0-9-')
name=hostile-$tag
cleanup() {
  if command -v docker >/dev/null; then
    docker rmi -f "kestrel-analytics-$name:latest" >/dev/null 2>&1
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# the secret: in the environment of every kanalytic below, and in a host file
marker=KANALYTIC_SECRET_MARKER_$tag
export KANALYTIC_TEST_SECRET=$marker
printf 'shadow:%s\n' "$marker" >"$TMP/host-secret"

printf '%s\n' '{"id":"process--1","type":"process","pid":4,"name":"System"}' >"$TMP/in.jsonl"
"$KANALYTIC" convert "$TMP/in.jsonl" "$TMP/in.parquet.gz" >/dev/null || { echo "convert failed" >&2; exit 1; }
printf '%s\n' "{\"id\":\"process--1\",\"type\":\"process\",\"pid\":4,\"name\":\"$marker\"}" >"$TMP/host.jsonl"
"$KANALYTIC" convert "$TMP/host.jsonl" "$TMP/host.parquet.gz" >/dev/null || { echo "convert failed" >&2; exit 1; }

g() { git -C "$1" -c user.name=t -c user.email=t@example.org "${@:2}"; }
repo=$TMP/origin
d=$repo/analytics/$name
mkdir -p "$d/tests/copy/input" "$d/tests/copy/expected/output"
cp -r "$ROOT/schemas" "$repo/schemas"
shell_analytic "$repo" "$name" "Copies its input to its output and prints it to stderr (an attacker's analytic)."
cat >"$d/run.sh" <<'EOF'
# what an attacker would look for (the log shows only the last lines of stderr)
tr '\000' '\n' </data/input/0.parquet.gz | grep -a -i -e secret -e token >&2
cp /data/input/0.parquet.gz /data/output/0.parquet.gz
EOF
printf 'tests\n' >"$d/.dockerignore"
case_yaml() {
  mkdir -p "$1"
  printf 'description: a case\nparameters: {}\nexpect:\n  exit_code: 0\n' >"$1/case.yaml"
}
case_yaml "$d/tests/copy"
cp "$TMP/in.parquet.gz" "$d/tests/copy/input/0.parquet.gz"
cp "$TMP/in.parquet.gz" "$d/tests/copy/expected/output/0.parquet.gz"
git init -q -b main "$repo"
g "$repo" add -A
g "$repo" commit -qm "an analytic"
cd "$repo"
run "$KANALYTIC" build "$name"
expect_rc 0 "build"
run "$KANALYTIC" test "$name"
expect_rc 0 "the clean case passes"

# every output of a command, and a check that it holds no secret
no_secret() { # WHAT FILE...
  if grep -qF -- "$marker" "${@:2}" 2>/dev/null; then
    fail "$1: the secret is in the output: $(grep -hF -- "$marker" "${@:2}" | head -c 300)"
  fi
}

# 1. a link to a host file as a test input: refused by validate and by test, never read
case_yaml "$d/tests/hostfile"
mkdir -p "$d/tests/hostfile/input"
ln -s "$TMP/host-secret" "$d/tests/hostfile/input/0.parquet.gz"
run "$KANALYTIC" validate "$name"
expect_rc 1 "validate refuses a linked input"
expect_out_has "analytics/$name/tests/hostfile/input/0.parquet.gz"
expect_out_has "symbolic link"
run "$KANALYTIC" test "$name/hostfile"
no_secret "test with an input linked to a host file" "$TMP/out" "$TMP/err"
[ "$rc" -ne 0 ] || fail "test ran a case whose input is a link"
grep -qF "tests/hostfile/input/0.parquet.gz" "$TMP/out" "$TMP/err" || fail "test does not name the link: $out $err"
rm -rf "$d/tests/hostfile"

# 2. a golden linked to a host Parquet file: its cells never show in a diff
case_yaml "$d/tests/golden"
mkdir -p "$d/tests/golden/input" "$d/tests/golden/expected/output"
cp "$TMP/in.parquet.gz" "$d/tests/golden/input/0.parquet.gz"
ln -s "$TMP/host.parquet.gz" "$d/tests/golden/expected/output/0.parquet.gz"
run "$KANALYTIC" validate "$name"
expect_rc 1 "validate refuses a linked golden"
expect_out_has "analytics/$name/tests/golden/expected/output/0.parquet.gz"
run "$KANALYTIC" test "$name/golden"
no_secret "test with a golden linked to a host Parquet file" "$TMP/out" "$TMP/err"
[ "$rc" -ne 0 ] || fail "test ran a case whose golden is a link"
rm -rf "$d/tests/golden"

# 3. tests/CASE/expected -> a folder outside: test must not write there
mkdir -p "$TMP/elsewhere"
case_yaml "$d/tests/write"
mkdir -p "$d/tests/write/input"
cp "$TMP/in.parquet.gz" "$d/tests/write/input/0.parquet.gz"
ln -s "$TMP/elsewhere" "$d/tests/write/expected"
run "$KANALYTIC" test "$name/write"
[ "$rc" -ne 0 ] || fail "test ran a case whose expected/ is a link"
[ -z "$(ls -A "$TMP/elsewhere")" ] || fail "test wrote through the link: $(find "$TMP/elsewhere")"
expect_err_has "tests/write/expected"
rm -rf "$d/tests/write"

# 4. the gate: a pull request that links its input to /proc/self/environ
clone=$TMP/clone
git clone -q "$repo" "$clone"
cd "$clone"
ad=$clone/analytics/$name
g "$clone" checkout -qb pr
rm "$ad/tests/copy/input/0.parquet.gz"
ln -s /proc/self/environ "$ad/tests/copy/input/0.parquet.gz"
sed -i 's/^version: 1.0.0/version: 1.0.1/' "$ad/analytic.yaml"
g "$clone" add -A
g "$clone" commit -qm "environ"
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$TMP/summary.md \
  "$KANALYTIC" ci --markdown "$TMP/ci.md" --junit "$TMP/ci.xml" >"$TMP/ci.out" 2>"$TMP/ci.err" </dev/null
rc=$?
no_secret "ci on a pull request with an input linked to /proc/self/environ" \
  "$TMP/ci.out" "$TMP/ci.err" "$TMP/ci.md" "$TMP/ci.xml"
[ "$rc" -ne 0 ] || fail "the gate passed a pull request with a linked test input"
grep -qF "tests/copy/input/0.parquet.gz" "$TMP/ci.out" || fail "the gate does not name the link: $(cat "$TMP/ci.out")"
grep -qF "git mode 120000" "$TMP/ci.out" || fail "the gate's policy does not report the link (mode 120000)"

done_testing
