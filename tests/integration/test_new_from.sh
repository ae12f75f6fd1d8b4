# kanalytic new --from end to end against the real engine: two legacy analytics of
# tests/fixtures/legacy (the shell one and the pandas one) are adopted, given only their
# marked edits, validated, built and tested; the first test writes the golden (CREATED), the
# second passes against it.
source "$(dirname "$0")/../lib.sh"

SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
api() { curl -sS --unix-socket "$SOCK" "$@"; }
if ! api http://localhost/_ping >/dev/null 2>&1; then
  echo "$(basename "$0"): skipped (no Docker engine on $SOCK)"
  exit 0
fi
SH=itest-adopt-sh-$$
PYA=itest-adopt-py-$$
cleanup() {
  for n in "$SH" "$PYA"; do
    for t in latest 1.0.0; do
      api -X DELETE "http://localhost/images/kestrel-analytics-$n:$t?force=1" >/dev/null 2>&1
    done
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
legacy=$ROOT/tests/fixtures/legacy
REPO=$TMP/repo
mkdir -p "$REPO/analytics"
cp -r "$ROOT/schemas" "$ROOT/template" "$REPO/"
cd "$REPO" || exit 1
procs=$ROOT/analytics/suspicious-process-scoring/tests/kestrel-procs/input/0.parquet.gz

run "$KANALYTIC" new "$SH" --from "$legacy/shell-tag"
expect_rc 0 "adopt shell-tag"
run "$KANALYTIC" new "$PYA" --from "$legacy/pscore" --input "$procs"
expect_rc 0 "adopt pscore"
python3 "$legacy/marked_edits.py" "analytics/$SH" shell-tag >/dev/null || fail "marked edits shell-tag"
python3 "$legacy/marked_edits.py" "analytics/$PYA" pscore >/dev/null || fail "marked edits pscore"
run "$KANALYTIC" validate "$SH" "$PYA"
expect_rc 0 "validate after the marked edits"
run "$KANALYTIC" build "$SH" "$PYA"
expect_rc 0 "build"
run "$KANALYTIC" test "$SH" "$PYA"
expect_rc 0 "first test writes the goldens"
expect_out_has "CREATED"
expect_file "analytics/$SH/tests/basic/expected/output/0.parquet.gz"
expect_file "analytics/$PYA/tests/basic/expected/output/0.parquet.gz"
run "$KANALYTIC" show "analytics/$PYA/tests/basic/expected/output/0.parquet.gz" --format csv --columns x_score,x_suspicious
expect_rc 0 "show the golden"
grep -q '^x_score,x_suspicious' <<<"$out" || fail "the golden holds the analytic's attributes: $out"
run "$KANALYTIC" test "$SH" "$PYA"
expect_rc 0 "second test passes against the goldens"
expect_out_has "2 passed, 0 failed"
done_testing
