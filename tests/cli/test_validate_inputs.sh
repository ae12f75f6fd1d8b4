# kanalytic validate on test inputs Kestrel can never send (tool/fixture/kestrel_shape.c):
# each finding names the input file and explains the Kestrel shape; errors fail validate,
# warnings fail validate --strict (what `kanalytic ci` runs); `fixture reshape` and
# `fixture empty` write what validate accepts. The inputs are files pandas wrote.
source "$(dirname "$0")/../lib.sh"
export KANALYTIC_SCHEMAS="$ROOT/schemas"
unset KANALYTIC_ROOT GITHUB_ACTIONS
FIX=$ROOT/tests/fixtures/kestrel-shape

# repo/analytics/a with one case whose input is the given file
mkdir -p "$TMP/repo/analytics/a/tests/basic/input"
cd "$TMP/repo" || exit 1
sed "s/^name: good$/name: a/" "$ROOT/tests/fixtures/manifest/good/base.yaml" >analytics/a/analytic.yaml
echo "FROM debian:sid-slim" >analytics/a/Dockerfile
echo "# a" >analytics/a/README.md
printf 'description: basic\nparameters: {columns: [a, b]}\n' >analytics/a/tests/basic/case.yaml
IN=analytics/a/tests/basic/input/0.parquet.gz
use() { cp "$FIX/$1" "$IN"; }

use kestrel-shaped.parquet
run "$KANALYTIC" validate --strict
expect_rc 0 "a Kestrel-shaped input"

# a bare reference column (the collection's x_contained_by_ref), with every other wrong shape
use wrong-shape-flat.parquet
run "$KANALYTIC" validate
expect_rc 1 "bare reference"
expect_out_has "$IN: error: bare reference columns 'x_contained_by_ref', 'opened_connection_refs': Kestrel 1.8 never gives an analytic a reference itself (firepit dereferences references into '*_ref.ATTR' columns"
expect_out_has "$IN: error: column 'protocols' is list<string>: Kestrel's store gives lists and dicts as JSON text"
expect_out_has "$IN: error: column 'first_observed' is timestamp[ns, UTC]: Kestrel's store gives it as text"
expect_out_has "$IN: warning: column 'src_port' is int64 with nulls: Kestrel's store gives an integer column with nulls as double"
expect_out_has "$IN: warning: column 'is_local' is bool: Kestrel's store never gives booleans"
expect_out_has "kanalytic fixture reshape FILE"
expect_err_has "3 error(s), 4 warning(s)"
run "$KANALYTIC" validate --format json a
python3 - "$TMP/out" <<'EOF' || fail "json rules: $out"
import json, sys
rules = sorted(x["rule"] for x in json.load(open(sys.argv[1])))
assert rules == ["kestrel-input-bool", "kestrel-input-int-nulls", "kestrel-input-nested",
                 "kestrel-input-ref", "kestrel-input-type", "kestrel-input-type",
                 "kestrel-input-type"], rules
EOF

# reshaped, it passes even --strict
run "$KANALYTIC" fixture reshape "$IN"
expect_rc 0 "reshape in place"
run "$KANALYTIC" validate --strict
expect_rc 0 "reshaped input"; [ -z "$out" ] || fail "findings after reshape: $out"

# warnings only (bool, int with nulls): validate passes, --strict (the CI gate) does not
printf '%s\n' '{"id": "x--1", "type": "x", "flag": true, "n": 1}' \
  '{"id": "x--2", "type": "x", "flag": false, "n": null}' >"$TMP/w.jsonl"
"$KANALYTIC" convert "$TMP/w.jsonl" "$IN" >/dev/null || fail "convert"
run "$KANALYTIC" validate
expect_rc 0 "warnings only"
expect_out_has "$IN: warning: column 'flag' is bool"
expect_out_has "$IN: warning: column 'n' is int64 with nulls"
run "$KANALYTIC" validate --strict
expect_rc 1 "warnings under --strict"
expect_out_has "$IN: error: column 'flag' is bool"

# 0 rows with columns: Kestrel sends an empty variable as 0 rows and 0 columns
use zero-rows.parquet
run "$KANALYTIC" validate
expect_rc 1 "0 rows with columns"
expect_out_has "$IN: error: 0 rows but 2 column(s): Kestrel sends an empty variable as a file with 0 rows and 0 columns, and does not start the analytic when every input is empty"
run "$KANALYTIC" fixture empty -o "$IN"
expect_rc 0 "fixture empty"
# the shape is right; but it is the only case, and Kestrel never runs the analytic on it: no case
# shows the analytic working (a warning; an error under --strict, as in the gate)
run "$KANALYTIC" validate
expect_rc 0 "0x0 input"
expect_out_lacks "$IN: error"
expect_out_has "warning: no case shows"
run "$KANALYTIC" validate --strict
expect_rc 1 "0x0 input, the only case, --strict"
use empty-variable.parquet # pd.DataFrame().to_parquet(path), as Kestrel writes it
run "$KANALYTIC" validate
expect_rc 0 "pandas' own empty variable"
expect_out_lacks "$IN: error"

# id stored as the pandas index: read back, the analytic would see no id column
use id-index.parquet
run "$KANALYTIC" validate
expect_rc 1 "pandas index"
expect_out_has "$IN: error: column 'id' is stored as the pandas index"

# not flat Parquet at all (a struct column), or not Parquet
use wrong-shape.parquet
run "$KANALYTIC" validate
expect_rc 1 "struct column"
expect_out_has "$IN: error: cannot read: "
expect_out_has "column 'ext'"
expect_out_has "lists, structs and maps as JSON text"
echo PAR1 >"$IN"
run "$KANALYTIC" validate
expect_rc 1 "not Parquet"; expect_out_has "$IN: error: cannot read: "
done_testing
