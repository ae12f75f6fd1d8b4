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
