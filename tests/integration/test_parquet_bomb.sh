#!/usr/bin/env bash
# An analytic whose output is a hostile Parquet file (issue 13, item 3): 40 row groups sharing
# one page that claims 50 M list rows each (tests/fixtures/parquet/hostile/make_hostile.py).
# `kanalytic test` used to abort on an 8 GB allocation (signal 6) and leave its temporary
# folder behind; now the case fails with the rule kestrel-readable-parquet named (`test` and
# `run` exit 1), and neither leaves anything in TMPDIR. The analytic is made in a
# temporary repository from tests/analytics-negative/copy (image
# kestrel-analytics-parquet-bomb-test, removed afterwards).
source "$(dirname "$0")/../lib.sh"
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
if ! curl -sf --unix-socket "$SOCK" http://localhost/_ping >/dev/null; then
  echo "test_parquet_bomb.sh: no Docker engine at $SOCK" >&2
  exit 1
fi
export KANALYTIC_SCHEMAS=$ROOT/schemas
REPO=$TMP/repo
NAME=parquet-bomb-test
A=$REPO/analytics/$NAME
mkdir -p "$REPO/analytics"
cp -r "$ROOT/tests/analytics-negative/copy" "$A"
sed -i "s/^name: copy$/name: $NAME/" "$A/analytic.yaml"
cp "$ROOT/tests/fixtures/parquet/hostile/shared-pages.parquet" "$A/bomb.parquet"
cat >"$A/Dockerfile" <<'EOF'
FROM debian:sid-slim
COPY bomb.parquet /bomb.parquet
CMD ["/bin/cp", "/bomb.parquet", "/data/output/0.parquet.gz"]
EOF
export KANALYTIC_ROOT=$REPO
export TMPDIR=$TMP/tmpdir
mkdir -p "$TMPDIR"
cleanup_image() {
  curl -s --unix-socket "$SOCK" -X DELETE \
    "http://localhost/images/kestrel-analytics-$NAME:latest?force=1" >/dev/null || true
}
trap 'cleanup_image; rm -rf "$TMP"' EXIT

"$KANALYTIC" -q build "$NAME" >"$TMP/build.log" 2>&1 || fail "build: $(tail -n 20 "$TMP/build.log")"

run timeout 120 "$KANALYTIC" test --no-build "$NAME"
expect_rc 1 "test on a bomb output"
expect_out_has "FAIL    $NAME/same"
expect_out_has "[kestrel-readable-parquet]"
expect_out_has "output/0.parquet.gz is not readable Parquet (Kestrel: invalid return data): the footer claims 2000000000 rows for a file of 2280 bytes"
[ -z "$(ls -A "$TMPDIR")" ] || fail "test left in TMPDIR: $(ls -A "$TMPDIR")"

run timeout 120 "$KANALYTIC" test --no-build --format json "$NAME"
expect_rc 1 "test --format json"
python3 - <<EOF || fail "json verdict"
import json
r = json.loads('''$out''')
c = r["cases"][0]
assert c["status"] == "FAIL", c
assert any(p["rule"] == "kestrel-readable-parquet" and "2000000000 rows" in p["message"]
           for p in c["problems"]), c["problems"]
EOF

run timeout 120 "$KANALYTIC" run --no-build "$NAME" --input "$A/tests/same/input/0.parquet.gz" \
  --out "$TMP/out"
expect_rc 1 "run on a bomb output"
expect_err_has "[kestrel-readable-parquet] output/0.parquet.gz is not readable Parquet (Kestrel: invalid return data): the footer claims 2000000000 rows"
[ -z "$(ls -A "$TMPDIR")" ] || fail "run left in TMPDIR: $(ls -A "$TMPDIR")"
done_testing
