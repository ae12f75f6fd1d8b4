# kanalytic fixture: from-stix (a Kestrel-shaped table from the real log4shell bundle), empty
# (an empty variable) and reshape (a pandas file with every wrong shape).
source "$(dirname "$0")/../lib.sh"
BUNDLE=$SHARED/kestrel-testdata/log4shell_bundle.json

run "$KANALYTIC" fixture from-stix "$BUNDLE" --type network-traffic -o "$TMP/nt.parquet.gz"
expect_rc 0 "from-stix network-traffic"; expect_out_has "10 network-traffic rows"
run "$KANALYTIC" show --format jsonl "$TMP/nt.parquet.gz"
expect_rc 0 "show of the fixture"
expect_out_has '"type": "network-traffic"'
expect_out_has '"src_ref.value": "195.54.160.149"'
expect_out_has '"protocols": "[\"reserved\"]"'
[ "$(wc -l <<<"$out")" -eq 10 ] || fail "expected 10 rows, got $(wc -l <<<"$out")"

run "$KANALYTIC" fixture from-stix "$BUNDLE" --type url -o "$TMP/none.parquet"
expect_rc 1 "type absent from the bundle"; expect_err_has "no 'url' objects"
expect_no_file "$TMP/none.parquet"

printf '{"objects": [' >"$TMP/broken.json"
run "$KANALYTIC" fixture from-stix "$TMP/broken.json" --type url -o "$TMP/x.parquet"
expect_rc 1 "broken bundle"; expect_err_has "broken.json:1:"; expect_no_file "$TMP/x.parquet"

run "$KANALYTIC" fixture from-stix "$BUNDLE" -o "$TMP/x.parquet"
expect_rc 2 "missing --type"

# Kestrel's store types: a STIX boolean (x-qradar has_offense) arrives as an integer
run "$KANALYTIC" fixture from-stix "$BUNDLE" --type x-qradar -o "$TMP/q.parquet.gz"
expect_rc 0 "from-stix x-qradar"
run "$KANALYTIC" show --schema "$TMP/q.parquet.gz"
grep -qE '^  has_offense +int64 ' <<<"$out" || fail "has_offense should be int64: $out"
expect_out_has "snappy"; expect_out_lacks "BOOLEAN"
run "$KANALYTIC" show --format jsonl --columns has_offense --head 1 "$TMP/q.parquet.gz"
[ "$out" = '{"has_offense": 0}' ] || fail "has_offense: $out"

# fixture empty: Kestrel's empty variable, 0 rows and 0 columns
run "$KANALYTIC" fixture empty -o "$TMP/empty.parquet.gz"
expect_rc 0 "fixture empty"; expect_out_has "0 rows, 0 columns"
run "$KANALYTIC" show --schema "$TMP/empty.parquet.gz"
expect_out_has "rows:        0"; expect_out_has "columns:     0"
run "$KANALYTIC" fixture empty
expect_rc 2 "fixture empty without -o"

# fixture reshape: every change named, the result in Kestrel's shape, snappy
FIX=$ROOT/tests/fixtures/kestrel-shape
run "$KANALYTIC" fixture reshape "$FIX/wrong-shape-flat.parquet" -o "$TMP/shaped.parquet.gz"
expect_rc 0 "reshape"
expect_out_has "dropped column 'x_contained_by_ref' (a bare reference"
expect_out_has "dropped column 'opened_connection_refs'"
expect_out_has "column 'src_port': int64 with nulls -> double"
expect_out_has "column 'is_local': bool -> int64"
expect_out_has "column 'protocols': list<string> -> string (JSON text)"
expect_out_has "column 'first_observed': timestamp[ns, UTC] -> string"
expect_out_has "$TMP/shaped.parquet.gz: 2 rows, 11 columns"
run "$KANALYTIC" show --format jsonl --columns protocols,is_local,src_port "$TMP/shaped.parquet.gz"
expect_out_has '{"src_port": null, "is_local": 0, "protocols": "[\"udp\", \"tcp\"]"}'
run "$KANALYTIC" show --schema "$TMP/shaped.parquet.gz"
expect_out_lacks "gzip"; expect_out_lacks "x_contained_by_ref"
# in place; a 0-row table becomes 0x0
cp "$FIX/zero-rows.parquet" "$TMP/zero.parquet.gz"
run "$KANALYTIC" fixture reshape "$TMP/zero.parquet.gz"
expect_rc 0 "reshape in place"; expect_out_has "0 rows: dropped its 2 column(s)"
run "$KANALYTIC" show --schema "$TMP/zero.parquet.gz"
expect_out_has "columns:     0"
# unreadable: exit 1, the file named, nothing written
echo nope >"$TMP/bad.parquet"
run "$KANALYTIC" fixture reshape "$TMP/bad.parquet" -o "$TMP/bad-out.parquet"
expect_rc 1 "reshape of a non-Parquet file"; expect_err_has "bad.parquet"
expect_no_file "$TMP/bad-out.parquet"
[ "$(cat "$TMP/bad.parquet")" = nope ] || fail "the unreadable input was touched"
done_testing
