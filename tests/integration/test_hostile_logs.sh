# What a container prints cannot speak for the gate (issue 13, item 4): an analytic whose
# Dockerfile RUN step and whose container print GitHub workflow commands (::add-mask::,
# ::error, ##[add-mask], a CR before ::warning::) and terminal sequences (ESC[2J, an OSC
# title). `build -v` and `test --ci` under GITHUB_ACTIONS=true show those lines without the
# escape sequences and inside ::stop-commands:: blocks: tests/cli/gh_runner.py, a model of the
# Actions runner, finds nothing it would obey.
source "$(dirname "$0")/../lib.sh"

SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
api() { curl -sS --unix-socket "$SOCK" "$@"; }
if ! api http://localhost/_ping >/dev/null 2>&1; then
  echo "$(basename "$0"): skipped (no Docker engine on $SOCK)"
  exit 0
fi

NAME=itest-loud-$$
IMAGE=kestrel-analytics-$NAME
REPO=$TMP/repo
A=$REPO/analytics/$NAME
export KANALYTIC_ROOT=$REPO KANALYTIC_SCHEMAS=$ROOT/schemas
cleanup() {
  for t in latest 1.0.0; do api -X DELETE "http://localhost/images/$IMAGE:$t?force=1" >/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
runner() { python3 "$ROOT/tests/cli/gh_runner.py" "$@"; }

mkdir -p "$A/tests/loud/input"
sed "s/^name: crash/name: $NAME/" "$ROOT/tests/analytics-negative/crash/analytic.yaml" >"$A/analytic.yaml"
cp "$ROOT/tests/analytics-negative/crash/tests/unexpected/case.yaml" "$A/tests/loud/case.yaml"
cp "$ROOT/tests/analytics-negative/crash/README.md" "$A/README.md"
cp "$ROOT/tests/analytics-negative/crash/tests/unexpected/input/0.parquet.gz" "$A/tests/loud/input/"
# a case whose name is GitHub's older command form (obeyed anywhere in a line)
cp -r "$A/tests/loud" "$A/tests/##[add-mask]loud"
cat >"$A/Dockerfile" <<'EOF'
FROM debian:sid-slim
RUN printf '::add-mask::build-secret\n\033[2J##[add-mask]b2\n::error title=PWNED::build\n'
CMD ["/bin/bash", "-c", "printf '::add-mask::x\\n\\033[2J\\033]0;title\\007::error title=PWNED::y\\r::warning::z\\n##[add-mask]w\\n' >&2; exit 3"]
EOF

GITHUB_ACTIONS=true run "$KANALYTIC" build -v "$NAME"
expect_rc 0 "build"
printf '%s\n%s\n' "$out" "$err" >"$TMP/build.log"
grep -qF '::add-mask::build-secret' "$TMP/build.log" || fail "build -v does not show the RUN output: $err"
! grep -q $'\033\\[2J' "$TMP/build.log" || fail "build -v passes ESC[2J through"
runner "$TMP/build.log" || fail "build -v under GitHub: the runner would obey the RUN output"

GITHUB_ACTIONS=true run "$KANALYTIC" test --ci --no-build "$NAME"
expect_rc 1 "test: the case fails (exit 3)"
expect_out_has "FAIL    $NAME/##[add-mask]loud"
printf '%s\n%s\n' "$out" "$err" >"$TMP/test.log"
grep -qF '::add-mask::x' "$TMP/test.log" || fail "the container's stderr is not shown: $out"
grep -qE '^::stop-commands::[0-9a-f]{32}$' "$TMP/test.log" || fail "no stop-commands block: $out"
! grep -q $'\033' "$TMP/test.log" || fail "terminal sequences reach the log"
! grep -q $'\r' "$TMP/test.log" || fail "a CR reaches the log"
runner "$TMP/test.log" || fail "test --ci under GitHub: the runner would obey the container"

# --ci alone (another CI, GITHUB_ACTIONS unset) wraps the container's logs too
GITHUB_ACTIONS= run "$KANALYTIC" test --ci --no-build "$NAME/loud"
printf '%s\n%s\n' "$out" "$err" >"$TMP/test2.log"
runner "$TMP/test2.log" || fail "test --ci: the runner would obey the container"
done_testing
