#!/usr/bin/env bash
# Issue 13, item 6: a container that grows /data/input (which kanalytic fetches with the rest of
# /data) past the room left for it must be told it grew the input, not that its output is over
# the output cap; a container that writes too much output still hears about the output cap.
# The cap is lowered to 1 MiB (KANALYTIC_OUTPUT_CAP) so that 4 MiB is enough to cross it.
source "$(dirname "$0")/../lib.sh"

tag=$(basename "$TMP" | tr 'A-Z.' 'a-z-' | tr -cd 'a-z0-9-')
name=grow-$tag
cleanup() {
  command -v docker >/dev/null && docker rmi -f "kestrel-analytics-$name:latest" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

printf '%s\n' '{"id":"process--1","type":"process","pid":4,"name":"System"}' >"$TMP/in.jsonl"
"$KANALYTIC" convert "$TMP/in.jsonl" "$TMP/in.parquet.gz" >/dev/null || { echo "convert failed" >&2; exit 1; }
repo=$TMP/repo
d=$repo/analytics/$name
mkdir -p "$d/tests/grow/input" "$d/tests/big/input"
cp -r "$ROOT/schemas" "$repo/schemas"
shell_analytic "$repo" "$name" "Writes 4 MiB into /data/input, or into /data/output when where says so." \
  "[{name: where, type: string, enum: [input, output], default: input, required: false}]"
cat >"$d/run.sh" <<'EOF'
cp /data/input/0.parquet.gz /data/output/0.parquet.gz
head -c 4194304 /dev/urandom >"/data/${where:-input}/filler"
EOF
for c in grow big; do
  printf 'description: %s\nparameters: {}\nexpect:\n  exit_code: 0\n' "$c" >"$d/tests/$c/case.yaml"
  cp "$TMP/in.parquet.gz" "$d/tests/$c/input/0.parquet.gz"
done
sed -i 's/^parameters: {}$/parameters: {where: output}/' "$d/tests/big/case.yaml"
cd "$repo"
run "$KANALYTIC" build "$name"
expect_rc 0 "build"

KANALYTIC_OUTPUT_CAP=1048576 run "$KANALYTIC" test --ci "$name/grow"
expect_rc 1 "a grown /data/input fails the case"
expect_out_has "/data/input"
expect_out_lacks "/data/output and /data/display hold more than the output cap"

KANALYTIC_OUTPUT_CAP=1048576 run "$KANALYTIC" test --ci "$name/big"
expect_rc 1 "a large output fails the case"
expect_out_has "more than the output cap"
expect_out_lacks "/data/input grew"
done_testing
