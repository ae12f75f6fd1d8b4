#!/usr/bin/env bash
# kanalytic show: canonical JSON Lines against the pyarrow corpus, CSV, table, --schema,
# --head, --columns, and clean errors for missing, corrupt and unsupported files.
. "$(dirname "$0")/../lib.sh"
CORPUS=$SHARED/parquet-corpus

# Every corpus file prints its .expect.jsonl; a FLOAT may differ only in its printed form
# (shortest float32 vs widened double), so differing lines are compared value by value with
# floats rounded to float32.
for f in "$CORPUS"/*.parquet; do
  b=${f%.parquet}
  run "$KANALYTIC" show --format jsonl "$f"
  expect_rc 0 "show --format jsonl $(basename "$f")"
  printf '%s\n' "$out" | sed '/^$/d' >"$TMP/got.jsonl"
  if ! cmp -s "$TMP/got.jsonl" "$b.expect.jsonl"; then
    python3 - "$TMP/got.jsonl" "$b.expect.jsonl" <<'PY' || fail "$(basename "$f"): jsonl differs"
import json, struct, sys
def f32(x):
    return struct.unpack('f', struct.pack('f', x))[0] if isinstance(x, float) else x
got = open(sys.argv[1], encoding='utf-8').read().splitlines()
want = open(sys.argv[2], encoding='utf-8').read().splitlines()
assert len(got) == len(want), (len(got), len(want))
for g, w in zip(got, want):
    if g == w:
        continue
    G, W = json.loads(g), json.loads(w)
    assert list(G) == list(W)
    for k in G:
        if G[k] != W[k]:
            assert f32(G[k]) == f32(W[k]), (k, G[k], W[k])
PY
  fi
done

# keys in schema order, exact Kestrel-style values
run "$KANALYTIC" show --format jsonl --head 1 "$CORPUS/nettraffic_snappy.parquet"
expect_rc 0
[ "$out" = "$(head -1 "$CORPUS/nettraffic_snappy.expect.jsonl")" ] || fail "first row differs: $out"

# --head reads only what it needs and prints exactly N rows
run "$KANALYTIC" show --format jsonl --head 5 "$CORPUS/nettraffic_small_pages_rowgroups.parquet"
expect_rc 0
[ "$(printf '%s\n' "$out" | wc -l)" -eq 5 ] || fail "--head 5 printed $(printf '%s\n' "$out" | wc -l) lines"
# a --head that is not a whole number (empty, trailing text, overflow) is refused, not read as 0
for bad in "" 5x " 5" 99999999999999999999999; do
  run "$KANALYTIC" show --head "$bad" "$CORPUS/nettraffic_snappy.parquet"
  expect_rc 2 "show --head '$bad'"
done

# --columns keeps schema order and only those keys
run "$KANALYTIC" show --format jsonl --head 1 --columns dst_port,src_port "$CORPUS/nettraffic_gzip.parquet"
expect_rc 0
[ "$out" = '{"src_port": 26324, "dst_port": 443.0}' ] || fail "--columns: $out"
run "$KANALYTIC" show --columns nope "$CORPUS/nettraffic_gzip.parquet"
expect_rc 2
expect_err_has "no column 'nope'"

# CSV: RFC 4180 quoting, empty for null
run "$KANALYTIC" show --format csv --head 2 --columns protocols,src_byte_count "$CORPUS/nettraffic_gzip.parquet"
expect_rc 0
expect_out_has 'protocols,src_byte_count'
expect_out_has '"[""tcp"", ""http""]",'

# table: header, width-aware, long cells cut with an ellipsis
COLUMNS=60 run "$KANALYTIC" show --head 3 "$CORPUS/nettraffic_snappy.parquet"
expect_rc 0
expect_out_has 'type'
expect_out_has '…'
python3 -c 'import sys; sys.exit(max(len(l) for l in sys.stdin.buffer.read().decode().splitlines()) > 60)' <<<"$out" ||
  fail "table wider than COLUMNS=60"

# --schema: types, nullability, rows, row groups, codec, created_by
run "$KANALYTIC" show --schema "$CORPUS/typed_snappy.parquet"
expect_rc 0
expect_out_has 'rows:        500'
expect_out_has 'row groups:'
expect_out_has 'parquet-cpp-arrow'
expect_out_has 'decimal('
expect_out_has 'timestamp[ns, UTC]'
expect_out_has 'FIXED_LEN_BYTE_ARRAY'
expect_out_has 'snappy'
expect_out_has 'optional'
run "$KANALYTIC" show --schema "$CORPUS/lists_snappy.parquet"
expect_out_has 'list<string>'

# kestrel test data: plain Parquet despite the .gz name
run "$KANALYTIC" show --format jsonl "$SHARED/kestrel-testdata/nettraffic.parquet.gz"
expect_rc 0
[ "$(printf '%s\n' "$out" | wc -l)" -eq 474 ] || fail "nettraffic.parquet.gz: not 474 rows"

# errors: missing file, not Parquet, corrupt, nested, unsupported codec, usage
run "$KANALYTIC" show "$TMP/nope.parquet"
expect_rc 2
expect_err_has "nope.parquet"
printf 'hello, world, this is not parquet' >"$TMP/x.parquet"
run "$KANALYTIC" show "$TMP/x.parquet"
expect_rc 2
expect_err_has "x.parquet: not a Parquet file"
for f in "$SHARED"/parquet-testing/bad_data/*.parquet; do
  case $f in *ARROW-GH-43605*) continue ;; esac   # valid file (index width 0)
  run "$KANALYTIC" show --format jsonl "$f"
  expect_rc 2 "$(basename "$f")"
  expect_err_has "$(basename "$f")"
done
run "$KANALYTIC" show "$SHARED/parquet-testing/data/nested_structs.rust.parquet"
expect_rc 2
expect_err_has "not supported"
run "$KANALYTIC" show "$SHARED/parquet-testing/data/hadoop_lz4_compressed.parquet"
expect_rc 2
expect_err_has "unsupported compression codec"
run "$KANALYTIC" show --format xml "$CORPUS/typed_snappy.parquet"
expect_rc 2
run "$KANALYTIC" show --help
expect_rc 0
expect_out_has "usage: kanalytic show"

# a column name from a container is quoted as git quotes paths: no line of its own, no ESC
printf '{"c\\n::add-mask::x\\u001b[2J": 1}\n' >"$TMP/hostile.jsonl"
"$KANALYTIC" convert "$TMP/hostile.jsonl" "$TMP/hostile.parquet" || fail "convert hostile.jsonl"
run "$KANALYTIC" show --schema "$TMP/hostile.parquet"
expect_rc 0 "show --schema, hostile column name"
expect_out_has '"c\n::add-mask::x\033[2J"  int64'
! grep -q $'\033' <<<"$out" || fail "show --schema prints ESC from a column name"

done_testing
