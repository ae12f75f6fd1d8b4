# kanalytic run --with: Kestrel's own WITH syntax, its errors at their column before any file
# or engine is touched; the input's entity type checked against the manifest. No engine needed.
source "$(dirname "$0")/../lib.sh"

# syntax errors, as Kestrel's grammar raises them, shown at their column
run "$KANALYTIC" run any-name -i nothing.parquet --with 'num=1, x=-5'
expect_rc 2 "unquoted negative number"
expect_err_has "--with:1:10: error: Kestrel's grammar has no signed numbers"
expect_err_has "quote it: x='-5'"
expect_err_has "  WITH num=1, x=-5"
expect_err_has "                ^"
expect_err_has "no container was started"

run "$KANALYTIC" run any-name --with $'a=1,\n  b=(x, y) c=2'
expect_rc 2 "missing comma on line 2"
expect_err_has "--with:2:12: error: missing ',' before the parameter c"

run "$KANALYTIC" run any-name --with 'cols=src_ref.value'
expect_rc 2 "a reference"
expect_err_has "a reference to the attribute value of a Kestrel variable src_ref"
expect_err_has "cols='src_ref.value'"

run "$KANALYTIC" run any-name --with 'x=[1,[2]]'
expect_rc 2 "nested list"; expect_err_has "--with:1:6: error: nested lists"
run "$KANALYTIC" run any-name --with 's="a\x4"'
expect_rc 2 "bad escape"; expect_err_has "--with:1:5: error: truncated \\x escape"
run "$KANALYTIC" run any-name --with 'a=1' --with 'b=2'
expect_rc 2 "two --with"; expect_err_has "give --with once"

# a repository with two analytics: one takes processes, one network traffic
REPO=$TMP/repo
export KANALYTIC_ROOT=$REPO KANALYTIC_SCHEMAS=$ROOT/schemas
analytic() { # NAME ENTITY_TYPE
  mkdir -p "$REPO/analytics/$1"
  cat >"$REPO/analytics/$1/analytic.yaml" <<YAML
schema_version: 1
name: $1
version: 1.0.0
description: a cli test analytic
authors: [someone]
license: MIT
inputs:
  - entity_types: [$2]
parameters:
  - {name: num, type: integer, required: true}
  - {name: dash-name, type: list, required: false}
outputs:
  - input: 0
    attributes: []
display: none
runtime: {network: false, timeout: 30, memory: 64m}
YAML
  echo "FROM debian:sid-slim" >"$REPO/analytics/$1/Dockerfile"
  echo "# $1" >"$REPO/analytics/$1/README.md"
}
analytic want-process process
analytic want-traffic network-traffic
run "$KANALYTIC" fixture from-stix "$SHARED/kestrel-testdata/log4shell_bundle.json" \
  --type network-traffic -o "$TMP/nt.parquet.gz"
expect_rc 0 "fixture"

run "$KANALYTIC" run want-process -i "$TMP/nt.parquet.gz" --with 'num=1' --no-build
expect_rc 2 "wrong entity type"
expect_err_has "input 0 ($TMP/nt.parquet.gz) holds network-traffic entities, but want-process takes process there"

printf 'id,name\n1,a\n' >"$TMP/notype.csv"
run "$KANALYTIC" convert "$TMP/notype.csv" "$TMP/notype.parquet"
expect_rc 0 "convert"
run "$KANALYTIC" run want-process -i "$TMP/notype.parquet" --with 'num=1' --no-build
expect_rc 2 "no type column"
expect_err_has "input 0 ($TMP/notype.parquet) has no 'type' column: a Kestrel variable always has one"
# an empty variable (0 rows) has no entity type to check: the run goes on to the image
printf 'id\n' >"$TMP/empty.csv"
run "$KANALYTIC" convert "$TMP/empty.csv" "$TMP/empty.parquet"
expect_rc 0 "convert empty"
run env DOCKER_HOST=unix://$TMP/no-engine.sock "$KANALYTIC" run want-process -i "$TMP/empty.parquet" --with 'num=1' --no-build
expect_rc 2 "empty input"
! grep -q "type' column\|entities" <<<"$err" || fail "an empty input was checked for its type: $err"

# parameters checked against the manifest before any container starts
run "$KANALYTIC" run want-traffic -i "$TMP/nt.parquet.gz" --with 'num=1.5e3' --no-build
expect_rc 2 "a float for an integer"
expect_err_has "parameter 'num' is an integer, got number '1500.0'"
expect_err_has "no container was started"
run "$KANALYTIC" run want-traffic -i "$TMP/nt.parquet.gz" --with 'num=1, nmu=2' --no-build
expect_rc 2 "unknown name"; expect_err_has "unknown parameter 'nmu'"
run "$KANALYTIC" run want-traffic -i "$TMP/nt.parquet.gz" --with 'num=1' -p num=2 --no-build
expect_rc 2 "given twice"; expect_err_has "parameter 'num' given twice (Kestrel would silently keep the last)"

run "$KANALYTIC" help run
expect_rc 0 "help run"; expect_out_has "--with TEXT"; expect_out_has "-v, --verbose"
done_testing
