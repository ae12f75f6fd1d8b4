#!/usr/bin/env bash
# kanalytic convert: CSV / JSON Lines -> Parquet -> JSON Lines / CSV round trips, type
# inference, --schema, and every class of bad input (line numbers, exit 2, no file left).
. "$(dirname "$0")/../lib.sh"
K=$KANALYTIC
D=$TMP/convert
mkdir -p "$D"

# ---- help and usage ----
run "$K" convert --help
expect_rc 0 "convert --help"
expect_out_has "usage: kanalytic convert IN OUT"
run "$K" convert only-one-arg
expect_rc 2 "convert with one argument"
run "$K" convert "$D/x.csv" "$D/out.unknown"
expect_rc 2 "convert to an unknown extension"
expect_err_has "--format"

# ---- CSV -> JSON Lines directly: inference (int64, double, bool, string; timestamps stay
# strings; empty field -> null, quoted "" -> empty string) ----
printf 'id,name,port,score,ok,ts,note\r\n1,alice,80,1.5,true,2023-01-01T00:00:00Z,"a ""quoted"", text"\r\n2,"bob, jr",,2,False,2023-01-02T10:00:00Z,"line1\nline2"\r\n3,"",443,-0.25,,,\r\n' >"$D/in.csv"
run "$K" convert "$D/in.csv" "$D/direct.jsonl"
expect_rc 0 "csv -> jsonl"
cat >"$D/want.jsonl" <<'EOF'
{"id": 1, "name": "alice", "port": 80, "score": 1.5, "ok": true, "ts": "2023-01-01T00:00:00Z", "note": "a \"quoted\", text"}
{"id": 2, "name": "bob, jr", "port": null, "score": 2.0, "ok": false, "ts": "2023-01-02T10:00:00Z", "note": "line1\nline2"}
{"id": 3, "name": "", "port": 443, "score": -0.25, "ok": null, "ts": null, "note": null}
EOF
diff -u "$D/want.jsonl" "$D/direct.jsonl" || fail "csv -> jsonl differs"

# ---- CSV -> Parquet (every codec) -> JSON Lines and CSV ----
for codec in snappy gzip zstd none; do
  run "$K" convert "$D/in.csv" "$D/in_$codec.parquet" --compression $codec
  expect_rc 0 "csv -> parquet ($codec)"
  head -c 4 "$D/in_$codec.parquet" | grep -q PAR1 || fail "in_$codec.parquet is not Parquet"
  run "$K" show --schema "$D/in_$codec.parquet"
  expect_out_has "$( [ $codec = none ] && echo uncompressed || echo $codec)"
  run "$K" convert "$D/in_$codec.parquet" "$D/back_$codec.jsonl"
  expect_rc 0 "parquet ($codec) -> jsonl"
  diff -u "$D/want.jsonl" "$D/back_$codec.jsonl" || fail "round trip through $codec differs"
done
# jsonl output is exactly `show --format jsonl`
run "$K" show --format jsonl "$D/in_snappy.parquet"
expect_rc 0 "show --format jsonl"
[ "$out" = "$(cat "$D/back_snappy.jsonl")" ] || fail "convert jsonl differs from show --format jsonl"
# Parquet -> CSV -> Parquet keeps the values (nulls empty, "" quoted, newlines quoted)
run "$K" convert "$D/in_snappy.parquet" "$D/back.csv"
expect_rc 0 "parquet -> csv"
grep -q '^3,"",443,-0.25,,,$' "$D/back.csv" || fail "csv row 3: $(sed -n 5p "$D/back.csv")"
run "$K" convert "$D/back.csv" "$D/again.parquet.gz"
expect_rc 0 "csv -> parquet.gz"
run "$K" show --schema "$D/again.parquet.gz"
# snappy whatever the .gz says, as Kestrel's own to_parquet writes its inputs
expect_out_has "snappy"; expect_out_lacks "gzip"
run "$K" convert "$D/again.parquet.gz" "$D/again.jsonl"
diff -u "$D/want.jsonl" "$D/again.jsonl" || fail "csv -> parquet -> csv -> parquet differs"
# Parquet -> Parquet recompresses; a corrupt Parquet input is an error naming the file
run "$K" convert "$D/again.parquet.gz" "$D/again_zstd.parquet" --compression zstd
expect_rc 0 "parquet -> parquet"
run "$K" convert "$D/again_zstd.parquet" "$D/again2.jsonl"
diff -u "$D/want.jsonl" "$D/again2.jsonl" || fail "parquet -> parquet differs"
head -c 100 "$D/again.parquet.gz" >"$D/cut.parquet"
run "$K" convert "$D/cut.parquet" "$D/cut.jsonl"
expect_rc 2 "truncated Parquet input (unreadable: exit 2, as show and diff)"
expect_err_has "cut.parquet"
expect_no_file "$D/cut.jsonl"

# ---- pyarrow's files rewritten by our writer read back the same (values, and types in
# `show --schema` apart from the codec): every corpus file and the Kestrel test data, with
# and without dictionaries ----
schema_of() { "$K" show --schema "$1" | sed -n '/^ *column  /,$p' | awk '{$NF=""; print}'; }
n=0
for f in "$SHARED"/parquet-corpus/*.parquet "$SHARED"/kestrel-testdata/*.parquet.gz; do
  [ -e "$f" ] || continue
  b=$(basename "$f")
  run "$K" show --format jsonl "$f"
  want=$out
  opt=--no-dictionary # alternate: PLAIN + snappy, dictionary + gzip
  [ $((n % 2)) = 1 ] && opt=--compression=gzip
  run "$K" convert "$f" "$D/rw_$b.parquet" $opt
  expect_rc 0 "rewrite $b ($opt)"
  run "$K" show --format jsonl "$D/rw_$b.parquet"
  [ "$out" = "$want" ] || fail "rewritten $b ($opt) reads differently"
  [ "$(schema_of "$f")" = "$(schema_of "$D/rw_$b.parquet")" ] || fail "rewritten $b: types differ"
  n=$((n + 1))
done
[ $n -ge 10 ] || fail "only $n corpus rewrites ran (is ../shared there?)"

# ---- --schema: declared types ----
printf 'ts,port,tags,day,ratio\n2023-01-01T00:00:00.5+01:00,80,"[""a"",null]",2024-02-29,0.5\n1970-01-01 00:00:01,,[],,\n' >"$D/typed.csv"
run "$K" convert "$D/typed.csv" "$D/typed.jsonl" \
  --schema 'ts:timestamp[ms,utc],port:int32,tags:list<string>,day:date,ratio:float'
expect_rc 0 "csv with --schema -> jsonl"
cat >"$D/want_typed.jsonl" <<'EOF'
{"ts": "2022-12-31T23:00:00.500Z", "port": 80, "tags": ["a", null], "day": "2024-02-29", "ratio": 0.5}
{"ts": "1970-01-01T00:00:01.000Z", "port": null, "tags": [], "day": null, "ratio": null}
EOF
diff -u "$D/want_typed.jsonl" "$D/typed.jsonl" || fail "--schema values differ"
run "$K" convert "$D/typed.csv" "$D/typed.jsonl" --schema 'nope:int64'
expect_rc 2 "--schema naming a missing column"
expect_err_has "'nope'"
run "$K" convert "$D/typed.csv" "$D/typed2.jsonl" --schema 'ts:varchar'
expect_rc 2 "--schema with an unknown type"
expect_err_has "unknown type 'varchar'"

# ---- JSON Lines -> Parquet: JSON types, arrays -> lists, missing keys -> null ----
printf '{"a": 1, "b": [1, 2.5], "c": "x"}\n\n{"a": null, "d": true, "b": []}\n{"a": 3, "b": null, "c": "\\u00e9"}\n' >"$D/in.jsonl"
run "$K" convert "$D/in.jsonl" "$D/j.parquet"
expect_rc 0 "jsonl -> parquet"
run "$K" convert "$D/in.jsonl" "$D/j.out" --format jsonl
expect_rc 0 "jsonl -> jsonl"
cat >"$D/want_j.jsonl" <<'EOF'
{"a": 1, "b": [1.0, 2.5], "c": "x", "d": null}
{"a": null, "b": [], "c": null, "d": true}
{"a": 3, "b": null, "c": "é", "d": null}
EOF
diff -u "$D/want_j.jsonl" "$D/j.out" || fail "jsonl inference differs"
run "$K" show --schema "$D/j.parquet"
expect_out_has "list<double>"
run "$K" convert "$D/j.parquet" "$D/j.back.jsonl"
diff -u "$D/want_j.jsonl" "$D/j.back.jsonl" || fail "jsonl -> parquet -> jsonl differs"

# ---- bad input: IN:LINE: error, exit 2 (could not run), no output (nor temporary) file ----
bad() { # bad NAME CONTENT EXPECTED-STDERR [convert options...]
  local name=$1 content=$2 want=$3
  shift 3
  printf "$content" >"$D/bad/$name"
  for out in "$D/bad/out.parquet" "$D/bad/out.jsonl"; do
    run "$K" convert "$D/bad/$name" "$out" "$@"
    expect_rc 2 "$name"
    expect_err_has "$D/bad/$name:$want"
    expect_no_file "$out"
  done
  [ "$(ls "$D/bad" | grep -vc '^bad_')" = 0 ] || fail "$name left files: $(ls "$D/bad")"
}
mkdir -p "$D/bad"
bad bad_ragged.csv 'a,b\n1,2\n3\n4,5\n' '3: error: 1 field, the header has 2'
bad bad_ragged_long.csv 'a,b\n1,2\n3,4,5\n' '3: error: 3 fields'
bad bad_unterminated.csv 'a,b\n1,2\n3,"open\nstill open\n' '3: error: unterminated quoted field'
bad bad_after_quote.csv 'a,b\n1,2\n3,"x"y\n' '3: error: unexpected character after a closing quote'
bad bad_bare_quote.csv 'a,b\n1,2\n3,x"y\n' '3: error: quote inside an unquoted field'
bad bad_utf8.csv 'a,b\n1,2\n3,caf\xc3\n' '3: error: invalid UTF-8'
bad bad_overlong.csv 'a\n\xc0\xaf\n' '2: error: invalid UTF-8'
bad bad_int.csv 'a,b\n1,2\n3,x\n' "3: error: column 'b': \"x\" does not fit int64" --schema b:int64
bad bad_int32.csv 'a\n1\n2147483648\n' "3: error: column 'a'" --schema a:int32
bad bad_bool.csv 'a\ntrue\nyes\n' "3: error: column 'a': \"yes\" does not fit bool" --schema a:bool
bad bad_date.csv 'a\n2023-02-29\n' "2: error: column 'a'" --schema a:date
bad bad_ts.csv 'a\n2023-01-01\n2023-01-01T00:00:00.1234\n' "3: error: column 'a'" --schema 'a:timestamp[ms]'
bad bad_list.csv 'a\n[1]\n"[1,""x""]"\n' "3: error: column 'a'" --schema 'a:list<int64>'
bad bad_dup_header.csv 'a,a\n1,2\n' "1: error: column 'a' appears twice"
bad bad_empty.csv '' '1: error: empty input'
bad bad_json.jsonl '{"a": 1}\n{"a": \n' '2: error: invalid JSON'
bad bad_json_array.jsonl '{"a": 1}\n[1]\n' '2: error: expected a JSON object'
bad bad_json_mixed.jsonl '{"a": 1}\n{"a": 2}\n{"a": "x"}\n' "3: error: column 'a' mixes numbers (line 1) and strings (line 3)"
bad bad_json_object.jsonl '{"a": 1}\n{"a": {"b": 1}}\n' "2: error: column 'a': objects are not supported"
bad bad_json_utf8.jsonl '{"a": "x"}\n{"a": "\xff"}\n' '2: error: invalid UTF-8'
bad bad_json_range.jsonl '{"a": 1}\n{"a": 1e400}\n' '2: error: invalid JSON'

# an existing output file survives a failed conversion untouched
echo keep >"$D/bad/keep.jsonl"
run "$K" convert "$D/bad/bad_ragged.csv" "$D/bad/keep.jsonl"
expect_rc 2 "bad input over an existing file"
[ "$(cat "$D/bad/keep.jsonl")" = keep ] || fail "existing output was overwritten"

done_testing
