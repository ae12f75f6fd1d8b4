# kanalytic fixture from-stix: a Kestrel-shaped Parquet table from the real log4shell bundle.
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
done_testing
