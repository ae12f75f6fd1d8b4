#!/usr/bin/env bash
# Interoperability of kanalytic's Parquet writer: files written by the writer (every type,
# lists, every codec, dictionary on/off/fallback, several row groups; tests/interop/gen_files.c)
# and by `kanalytic convert` are read by
#   (a) pyarrow, in an image built FROM debian:sid-slim with python3-pyarrow through the
#       Docker Engine API (tag kanalytic-test-pyarrow, cached), and
#   (b) DuckDB, through @duckdb/node-api (npm, tests/interop/node_modules),
# and both must see the values and types the inputs hold (tests/interop/check.mjs).
. "$(dirname "$0")/../lib.sh"
K=$KANALYTIC
IO=$ROOT/tests/interop
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
API=http://localhost/v1.41
D=$TMP/files
mkdir -p "$D"

dk() { curl -sS --fail-with-body --unix-socket "$SOCK" "$@"; }

# ---- the files ----
LIB=$(dirname "$K")/libkanalytic.a
PKGS="libgit2 yaml-0.1 libcurl jansson libarchive zlib libzstd snappy liblz4"
if ! ${CC:-cc} -std=c11 -D_GNU_SOURCE -I"$ROOT/tool" $(pkg-config --cflags $PKGS) \
  -o "$TMP/gen_files" "$IO/gen_files.c" "$LIB" $(pkg-config --libs $PKGS) -lm -lpthread; then
  fail "cannot build tests/interop/gen_files.c against $LIB"
  done_testing
fi
"$TMP/gen_files" "$D" || fail "gen_files failed"
printf 'ts,port,tags,day,ratio,name\n2023-01-01T00:00:00.5+01:00,80,"[""a"",null]",2024-02-29,0.5,"x, ""y"""\n1970-01-01,443,[],,,""\n,,,1969-12-31,-2,\n' >"$TMP/conv.csv"
run "$K" convert "$TMP/conv.csv" "$D/conv_schema.parquet" \
  --schema 'ts:timestamp[ms,utc],port:int32,tags:list<string>,day:date,ratio:float'
expect_rc 0 "convert with --schema"
# .parquet.gz is snappy by default, as Kestrel writes it; gzip is asked for, so readers see both
run "$K" convert "$TMP/conv.csv" "$D/conv_infer.parquet.gz" --compression gzip
expect_rc 0 "convert with inferred types"
ls "$D"/* >/dev/null || fail "no files generated"

# ---- (a) pyarrow in a container ----
build_pyarrow_image() {
  tar -C "$IO/pyarrow" -cf "$TMP/pyctx.tar" Dockerfile dump.py
  dk -X POST -H 'Content-Type: application/x-tar' --data-binary @"$TMP/pyctx.tar" \
    "$API/build?t=kanalytic-test-pyarrow&rm=1&forcerm=1" >"$TMP/build.log" || return 1
  ! grep -q '"error"' "$TMP/build.log"
}
run_pyarrow() {
  local files body id rc=0
  files=$(cd "$D" && ls | sed 's|^|"/data/|; s|$|"|' | paste -sd, -)
  body='{"Image":"kanalytic-test-pyarrow","Entrypoint":["sh","-c","python3 /usr/local/bin/dump.py \"$@\" >/result.jsonl 2>/result.err","dump"],"Cmd":['"$files"'],"NetworkDisabled":true,"Labels":{"kanalytic.test":"interop"}}'
  id=$(dk -H 'Content-Type: application/json' -d "$body" "$API/containers/create" |
    sed -n 's/.*"Id":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$id" ] || return 1
  tar -C "$TMP" -cf - files --transform 's|^files|data|' |
    dk -X PUT -H 'Content-Type: application/x-tar' --data-binary @- \
      "$API/containers/$id/archive?path=/" &&
    dk -X POST "$API/containers/$id/start" &&
    dk -X POST "$API/containers/$id/wait" >"$TMP/wait.json" &&
    dk "$API/containers/$id/archive?path=/result.jsonl" | tar -xOf - >"$TMP/pyarrow.jsonl" &&
    dk "$API/containers/$id/archive?path=/result.err" | tar -xOf - >"$TMP/pyarrow.err" || rc=1
  dk -X DELETE "$API/containers/$id?force=1" >/dev/null || true
  grep -q '"StatusCode":0' "$TMP/wait.json" || { cat "$TMP/pyarrow.err" >&2; rc=1; }
  return $rc
}
if ! build_pyarrow_image; then
  fail "building kanalytic-test-pyarrow failed: $(tail -3 "$TMP/build.log")"
elif ! run_pyarrow; then
  fail "pyarrow could not read the files"
fi

# ---- (b) DuckDB through node ----
if [ ! -d "$IO/node_modules/@duckdb/node-api" ]; then
  (cd "$IO" && npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1) ||
    fail "npm ci in tests/interop failed: $(tail -3 "$TMP/npm.log")"
fi
(cd "$IO" && node duckdb_dump.mjs "$D"/*) >"$TMP/duckdb.jsonl" 2>"$TMP/duckdb.err" ||
  fail "DuckDB could not read the files: $(cat "$TMP/duckdb.err")"

# ---- compare with the inputs ----
if [ -s "$TMP/pyarrow.jsonl" ] && [ -s "$TMP/duckdb.jsonl" ]; then
  run node "$IO/check.mjs" "$TMP/pyarrow.jsonl" "$TMP/duckdb.jsonl"
  expect_rc 0 "check.mjs"
  [ "$rc" = 0 ] || echo "$err" >&2
  expect_out_has "pyarrow and DuckDB read 10 files as written"
fi

done_testing
