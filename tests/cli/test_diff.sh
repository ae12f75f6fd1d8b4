#!/usr/bin/env bash
# kanalytic diff: exit codes 0 equal / 1 differ / 2 error, and what the report says.
# Fixtures in tests/fixtures/diff were written by the Parquet writer: base.parquet and one
# variant per kind of change.
source "$(dirname "$0")/../lib.sh"
F=$ROOT/tests/fixtures/diff
C=$SHARED/parquet-corpus

run "$KANALYTIC" diff "$F/base.parquet" "$F/base.parquet"
expect_rc 0 "same file"; expect_out_has "equal (5 rows, 4 columns)"

run "$KANALYTIC" diff "$C/nettraffic_snappy.parquet" "$C/nettraffic_zstd_v2pages.parquet"
expect_rc 0 "other codec, other pages"; expect_out_has "equal (3000 rows, 11 columns)"

# other row-group layout: the streaming comparison aligns the row groups by row ranges
run "$KANALYTIC" diff "$C/nettraffic_snappy.parquet" "$C/nettraffic_small_pages_rowgroups.parquet"
expect_rc 0 "other row groups"; expect_out_has "equal (3000 rows, 11 columns)"
run "$KANALYTIC" diff -i src_port "$C/nettraffic_small_pages_rowgroups.parquet" "$C/nettraffic_gzip.parquet"
expect_rc 0 "other row groups, ignored column"; expect_out_has "equal (3000 rows, 10 columns)"

run "$KANALYTIC" diff "$F/base.parquet" "$F/cell.parquet"
expect_rc 1 "one cell"
expect_out_has "row 3  port    83        8080"
expect_out_has "1 cell differs in 1 row"

run "$KANALYTIC" diff "$F/base.parquet" "$F/port_double.parquet"
expect_rc 1 "type change"; expect_out_has "column 'port': int64 became double"

run "$KANALYTIC" diff "$F/base.parquet" "$F/extra_column.parquet"
expect_rc 1 "new column"; expect_out_has "column 'x_score' (double) is new"
run "$KANALYTIC" diff --ignore x_score "$F/base.parquet" "$F/extra_column.parquet"
expect_rc 0 "--ignore"

run "$KANALYTIC" diff "$F/base.parquet" "$F/reordered.parquet"
expect_rc 1 "reordered rows by position"
run "$KANALYTIC" diff -k id "$F/base.parquet" "$F/reordered.parquet"
expect_rc 0 "reordered rows by key"

run "$KANALYTIC" diff -k id "$F/base.parquet" "$F/dropped_row.parquet"
expect_rc 1 "dropped row"
expect_out_has 'missing rows (1): id="network-traffic--2"'
run "$KANALYTIC" diff -k id "$F/dropped_row.parquet" "$F/base.parquet"
expect_rc 1 "added row"; expect_out_has 'extra rows (1): id="network-traffic--2"'

run "$KANALYTIC" diff "$F/base.parquet" "$F/bytes_close.parquet"
expect_rc 1 "exact by default"; expect_out_has "3001.5000030015003"
run "$KANALYTIC" diff --rtol 1e-8 "$F/base.parquet" "$F/bytes_close.parquet"
expect_rc 0 "--rtol"
run "$KANALYTIC" diff --atol 1e-7 "$F/base.parquet" "$F/bytes_close.parquet"
expect_rc 1 "--atol below the 3e-6 and 4e-6 differences"
run "$KANALYTIC" diff --atol 0.01 "$F/base.parquet" "$F/bytes_close.parquet"
expect_rc 0 "--atol"
run "$KANALYTIC" diff --tolerance bytes=1e-8,0 "$F/base.parquet" "$F/bytes_close.parquet"
expect_rc 0 "--tolerance per column"
run "$KANALYTIC" diff --tolerance port=1,1 "$F/base.parquet" "$F/bytes_close.parquet"
expect_rc 1 "per-column tolerance on another column"

# NaN equals NaN unless told otherwise (base has a NaN in bytes)
run "$KANALYTIC" diff --nan-unequal "$F/base.parquet" "$F/base.parquet"
expect_rc 1 "--nan-unequal"; expect_out_has '"NaN"'

run "$KANALYTIC" diff --format json -k id "$F/base.parquet" "$F/cell.parquet"
expect_rc 1 "json"
expect_out_has '"equal": false'
expect_out_has '"column": "port"'
expect_out_has '"expected": "83"'
expect_out_has '"row": "id=\"network-traffic--3\""'
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["cells_total"]==1 and d["column_diffs"]=={"port":1}' <<<"$out" \
  || fail "json output does not parse or has wrong counts"

# errors: exit 2 and the file named
run "$KANALYTIC" diff "$F/base.parquet" "$TMP/nope.parquet"
expect_rc 2 "missing file"; expect_err_has "nope.parquet"
printf 'PAR1 not really' >"$TMP/bad.parquet"
run "$KANALYTIC" diff "$TMP/bad.parquet" "$F/base.parquet"
expect_rc 2 "corrupt file"; expect_err_has "bad.parquet"
run "$KANALYTIC" diff "$F/base.parquet"
expect_rc 2 "one argument"
run "$KANALYTIC" diff --rtol -1 "$F/base.parquet" "$F/base.parquet"
expect_rc 2 "negative tolerance"
run "$KANALYTIC" diff --help
expect_rc 0 "--help"; expect_out_has "exit codes: 0 equal, 1 different, 2"

done_testing
