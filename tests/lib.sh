# Shared helpers for the shell tests (tests/cli, tests/integration). Source it; each test
# file is a script that exits non-zero on the first failed expectation.
set -uo pipefail
: "${KANALYTIC:?KANALYTIC must point at the kanalytic binary}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
TMP=$(mktemp -d /tmp/kanalytic-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0

fail() { echo "  FAIL: $*" >&2; fails=$((fails + 1)); }
# run CMD...: sets $out, $err, $rc
run() {
  "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  out=$(cat "$TMP/out")
  err=$(cat "$TMP/err")
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "${2:-command}: exit $rc, expected $1; stderr: $err"; }
expect_out_has() { grep -qF -- "$1" <<<"$out" || fail "stdout lacks '$1'; got: $out"; }
expect_err_has() { grep -qF -- "$1" <<<"$err" || fail "stderr lacks '$1'; got: $err"; }
expect_out_lacks() { ! grep -qF -- "$1" <<<"$out" || fail "stdout has '$1'"; }
expect_file() { [ -e "$1" ] || fail "missing file $1"; }
expect_no_file() { [ ! -e "$1" ] || fail "file $1 should not exist"; }
done_testing() {
  if [ "$fails" -gt 0 ]; then echo "$(basename "$0"): $fails failure(s)" >&2; exit 1; fi
  echo "$(basename "$0"): ok"
}
# shell_analytic REPO NAME DESCRIPTION [PARAMETERS]: REPO/analytics/NAME, a debian:sid-slim image
# running the run.sh the caller writes beside it; one input of any type, output 0, no display,
# 60 s, 64m. PARAMETERS is the manifest's parameters as YAML flow ([] by default).
shell_analytic() {
  local d=$1/analytics/$2
  mkdir -p "$d"
  cat >"$d/analytic.yaml" <<EOF
schema_version: 1
name: $2
version: 1.0.0
description: $3
authors:
  - kanalytic tests
license: Apache-2.0
inputs:
  - entity_types: ["*"]
parameters: ${4:-[]}
outputs:
  - input: 0
    attributes: []
display: none
runtime:
  network: false
  timeout: 60
  memory: 64m
EOF
  printf 'FROM debian:sid-slim\nCOPY run.sh /run.sh\nCMD ["/bin/sh", "/run.sh"]\n' >"$d/Dockerfile"
  printf '# %s\n\n%s\n' "$2" "$3" >"$d/README.md"
}

# Headless Chromium (Debian's chromium) for the HTML pages kanalytic writes: need_chromium ends
# the script when it is missing; chrome runs it with the flags this machine's closed network
# needs, a private profile, and a window of CHROME_WINDOW (default 1280,900).
need_chromium() {
  command -v chromium >/dev/null && return 0
  echo "$(basename "$0"): chromium is not installed (scripts/setup.sh installs it)" >&2
  exit 1
}
chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$TMP/chrome" --window-size="${CHROME_WINDOW:-1280,900}" "$@" 2>>"$TMP/chrome.log"
}
