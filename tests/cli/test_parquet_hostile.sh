#!/usr/bin/env bash
# Hostile Parquet files (issue 13, tests/fixtures/parquet/hostile/make_hostile.py): show, diff
# and convert refuse each one fast (under 10 s, where they used to abort on an 8 GB allocation
# or print for minutes) with an error naming the file, exit 2, no output file written and
# nothing left in the temporary folder.
. "$(dirname "$0")/../lib.sh"
H=$ROOT/tests/fixtures/parquet/hostile
GOOD=$ROOT/tests/fixtures/diff/base.parquet
export TMPDIR=$TMP/tmpdir
mkdir -p "$TMPDIR"

# file : text of its error
cases=(
  "shared-pages.parquet:the footer claims 2000000000 rows for a file of 2280 bytes"
  "huge-rows.parquet:the footer claims 50000000 rows"
  "overlap.parquet:column chunks share bytes"
  "huge-list.parquet:decoding needs more than this file's limit of 268435456 bytes"
)
for c in "${cases[@]}"; do
  f=$H/${c%%:*}
  why=${c#*:}
  name=$(basename "$f")
  run timeout 10 "$KANALYTIC" show "$f"
  expect_rc 2 "show $name"
  expect_err_has "kanalytic show: $f: "
  expect_err_has "$why"
  run timeout 10 "$KANALYTIC" show --format csv "$f"
  expect_rc 2 "show --format csv $name"
  run timeout 10 "$KANALYTIC" diff "$GOOD" "$f"
  expect_rc 2 "diff $name"
  expect_err_has "$f"
  expect_err_has "$why"
  run timeout 10 "$KANALYTIC" diff "$f" "$f"
  expect_rc 2 "diff $name $name"
  run timeout 10 "$KANALYTIC" convert "$f" "$TMP/out.csv"
  expect_rc 2 "convert $name"
  expect_err_has "$f"
  expect_err_has "$why"
  expect_no_file "$TMP/out.csv"
  run timeout 10 "$KANALYTIC" convert "$f" "$TMP/out.parquet"
  expect_rc 2 "convert $name to Parquet"
  expect_no_file "$TMP/out.parquet"
done
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
done_testing
