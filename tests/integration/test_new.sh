# kanalytic new -> validate -> build -> test, for both templates, against the real engine, in
# a throwaway copy of the repository: what `new` creates must pass every step unchanged.
source "$(dirname "$0")/../lib.sh"

SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
api() { curl -sS --unix-socket "$SOCK" "$@"; }
if ! api http://localhost/_ping >/dev/null 2>&1; then
  echo "$(basename "$0"): skipped (no Docker engine on $SOCK)"
  exit 0
fi
for c in validate build test; do
  if "$KANALYTIC" help "$c" 2>&1 | grep -q "not part of this build"; then
    echo "$(basename "$0"): skipped ('kanalytic $c' is not in this build yet)"
    exit 0
  fi
done

REPO=$TMP/repo
PY=itest-new-py-$$
C=itest-new-c-$$
cleanup() {
  for n in "$PY" "$C"; do
    for t in latest 0.1.0; do
      api -X DELETE "http://localhost/images/kestrel-analytics-$n:$t?force=1" >/dev/null 2>&1
    done
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$REPO/analytics"
cp -r "$ROOT/schemas" "$ROOT/template" "$ROOT/tool" "$REPO/"
git init -q "$REPO"
git -C "$REPO" config user.name "Integration Test"
git -C "$REPO" config user.email "it@example.org"
cd "$REPO" || exit 1

run "$KANALYTIC" new "$PY" --entity-type network-traffic --param threshold:number --param columns:list
expect_rc 0 "new python"
run "$KANALYTIC" new "$C" --template c --entity-type domain-name --param cutoff:number
expect_rc 0 "new c"

run "$KANALYTIC" validate "$PY" "$C"
expect_rc 0 "validate"

run "$KANALYTIC" build "$PY" "$C"
expect_rc 0 "build"
size=$(api "http://localhost/images/kestrel-analytics-$C:latest/json" | grep -o '"Size":[0-9]*' | cut -d: -f2)
[ -n "$size" ] && [ "$size" -lt 20000000 ] || fail "C image should be a few MB (FROM scratch), is ${size:-missing} bytes"

run "$KANALYTIC" test --ci --repeat 2 "$PY" "$C"
expect_rc 0 "test"; expect_out_has "2 passed, 0 failed"

# A bad parameter value is reported by the generated code with a clear message and exit 2.
mkdir -p "analytics/$PY/tests/bad-threshold"
cp -r "analytics/$PY/tests/basic/input" "analytics/$PY/tests/bad-threshold/"
cat >"analytics/$PY/tests/bad-threshold/case.yaml" <<'YAML'
description: a threshold that is not a number
parameters:
  threshold: lots
expect:
  exit_code: 2
  stderr_contains: "parameter threshold='lots': expected a number"
  outputs: []
YAML
mkdir -p "analytics/$C/tests/bad-cutoff"
cp -r "analytics/$C/tests/basic/input" "analytics/$C/tests/bad-cutoff/"
sed 's/threshold/cutoff/g' "analytics/$PY/tests/bad-threshold/case.yaml" \
  >"analytics/$C/tests/bad-cutoff/case.yaml"
run "$KANALYTIC" test --ci "$PY/bad-threshold" "$C/bad-cutoff"
expect_rc 0 "bad parameters are refused"; expect_out_has "2 passed, 0 failed"
done_testing
