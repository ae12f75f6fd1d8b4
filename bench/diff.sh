#!/usr/bin/env bash
# kanalytic diff of two equal 1M-row, 8-column, snappy Kestrel-like files, side by side with
#   (a) DuckDB on ONE thread merely decoding every column of both files (@duckdb/node-api,
#       installed into bench/node_modules by npm on first use), and
#   (b) pandas read_parquet of both + assert_frame_equal, in a debian:sid-slim container with
#       Debian's python3-pandas/python3-pyarrow (image kanalytic-bench-pandas, built on first
#       use; timed inside Python, so container start-up is not counted against pandas).
# Two pairs: the files kanalytic wrote (same row groups), and the same table written by pyarrow
# with row groups of 1 Mi and 64 Ki rows (an output meeting its golden: no row group lines up).
# Goals (issues 5, 16): kanalytic <= 1.0x DuckDB, <= 0.2x pandas, peak RSS <= 1.5x the larger
# decoded row group. Best of $RUNS runs each.
# Usage: bench/diff.sh [ROWS]   (KANALYTIC=path, default build/kanalytic)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_QUICK:-0}" = 1 ]; then ROWS=${1:-20000} RUNS=${RUNS:-1}; fi
ROWS=${ROWS:-1000000}
ROWS=${1:-$ROWS}
RUNS=${RUNS:-3}
K=${KANALYTIC:-build/kanalytic}
OUT=bench/out/diff
mkdir -p "$OUT"

best() { # best wall time in seconds of RUNS runs of "$@" (output discarded)
  local b=
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null || [ $? -eq 1 ] || { echo "failed: $*" >&2; exit 1; }
    t1=$(date +%s.%N)
    b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { t = z - a; if (b == "" || t < b) b = t; printf "%.4f", b }')
  done
  echo "$b"
}
best_of_output() { # best of the numbers "$@" prints
  local b=
  for _ in $(seq "$RUNS"); do
    local t
    t=$("$@")
    b=$(awk -v t="$t" -v b="$b" 'BEGIN { if (b == "" || t < b) b = t; printf "%.4f", b }')
  done
  echo "$b"
}

A=$OUT/a-$ROWS.parquet
B=$OUT/b-$ROWS.parquet
if [ ! -s "$A" ] || [ ! -s "$B" ]; then
  echo "generating $ROWS rows ..."
  # Kestrel-like network-traffic: strings, ports, a JSON-text list, a double with nulls
  awk -v n="$ROWS" 'BEGIN {
    srand(42)
    print "id,type,src_ref.value,src_port,dst_ref.value,dst_port,protocols,src_byte_count"
    for (i = 0; i < n; i++) {
      printf "network-traffic--%08x-%04x-4%03x-a%03x-%012x,network-traffic,", i, i % 65536, i % 4096, (i * 7) % 4096, i * 2654435761 % 281474976710656
      printf "10.%d.%d.%d,%d,", i % 256, int(i / 256) % 256, int(rand() * 254) + 1, 1024 + int(rand() * 60000)
      printf "192.168.%d.%d,%d,", int(rand() * 256), int(rand() * 254) + 1, (i % 3 == 0) ? 443 : (i % 3 == 1 ? 80 : 53)
      printf "\"[\"\"tcp\"\", \"\"%s\"\"]\",", (i % 2) ? "http" : "tls"
      if (i % 10 == 0) print ""; else printf "%.1f\n", int(rand() * 1e7)
    }
  }' >"$OUT/gen.csv"
  "$K" convert "$OUT/gen.csv" "$A" --schema 'src_port:int64,dst_port:int64,src_byte_count:double'
  "$K" convert "$OUT/gen.csv" "$B" --schema 'src_port:int64,dst_port:int64,src_byte_count:double'
  rm -f "$OUT/gen.csv"
fi
if [ ! -d bench/node_modules/@duckdb/node-api ]; then
  (cd bench && npm install --no-audit --no-fund >/dev/null 2>&1) || echo "npm install failed" >&2
fi
have_pandas=false
if docker image inspect kanalytic-bench-pandas >/dev/null 2>&1 ||
  docker build -q -t kanalytic-bench-pandas bench/pandas >/dev/null 2>&1; then
  have_pandas=true
fi

# The pair people really compare: an analytic's output meets its golden, both written by
# pyarrow (pandas to_parquet) but with other row-group sizes (1 Mi rows, pyarrow's default,
# against 64 Ki rows), so no row group of one file lines up with one of the other.
PA=$OUT/pyarrow-rg1M-$ROWS.parquet
PB=$OUT/pyarrow-rg64K-$ROWS.parquet
if $have_pandas && { [ ! -s "$PA" ] || [ ! -s "$PB" ]; }; then
  docker run --rm --network none -v "$PWD/$OUT:/d" --entrypoint python3 kanalytic-bench-pandas -c "
import pyarrow.parquet as pq
t = pq.read_table('/d/$(basename "$A")')
pq.write_table(t, '/d/$(basename "$PA")', row_group_size=1 << 20)
pq.write_table(t, '/d/$(basename "$PB")', row_group_size=1 << 16)
" || echo "writing the pyarrow pair failed" >&2
fi

# One pair: kanalytic diff (wall and CPU), DuckDB decoding both on one thread, pandas.
bench_pair() {
  local label=$1 a=$2 b=$3
  "$K" diff "$a" "$b" >/dev/null || { echo "the two files differ?" >&2; exit 1; }
  echo "== $label: 2 x $(du -h "$a" | cut -f1) ($ROWS rows, 8 columns, snappy)"
  t_k=$(best "$K" diff "$a" "$b")
  # CPU time too: diff decodes the two files on two threads, DuckDB was asked for one
  cpu_k=
  for _ in $(seq "$RUNS"); do
    c=$( { TIMEFORMAT='%U %S'; time "$K" diff "$a" "$b" >/dev/null; } 2>&1 | awk '{ printf "%.2f", $1 + $2 }')
    cpu_k=$(awk -v c="$c" -v b="$cpu_k" 'BEGIN { if (b == "" || c < b) b = c; printf "%.2f", b }')
  done
  echo "kanalytic diff:                          ${t_k}s (CPU ${cpu_k}s on two threads)"
  # peak memory against the larger file's largest decoded row group (bench/pq_decode.c)
  if [ -x /usr/bin/time ]; then
    local rss rg_a rg_b
    rss=$( { /usr/bin/time -f '%M' "$K" diff "$a" "$b" >/dev/null; } 2>&1 | tail -n 1)
    rg_a=$(build/pq_decode "$a" 1 | tr ' ' '\n' | sed -n 's/^largest_rowgroup_bytes=//p')
    rg_b=$(build/pq_decode "$b" 1 | tr ' ' '\n' | sed -n 's/^largest_rowgroup_bytes=//p')
    [ "$rg_b" -gt "$rg_a" ] && rg_a=$rg_b
    awk -v r="$rss" -v g="$rg_a" 'BEGIN { x = r * 1024 / g; printf "peak RSS %d MB, larger row group %d MB decoded: %.2fx (goal <= 1.5): %s\n", r / 1024, g / 1e6, x, x <= 1.5 ? "met" : "NOT met" }'
  fi
  t_d=
  if [ -d bench/node_modules/@duckdb/node-api ]; then
    t_d=$(best_of_output node bench/duckdb_decode.mjs "$PWD/$a" "$PWD/$b")
    echo "DuckDB, 1 thread, decode both files:     ${t_d}s"
  fi
  t_p=
  if $have_pandas; then
    t_p=$(best_of_output docker run --rm --network none -v "$PWD/$OUT:/d:ro" kanalytic-bench-pandas \
      "/d/$(basename "$a")" "/d/$(basename "$b")")
    echo "pandas read_parquet x2 + assert_frame_equal: ${t_p}s"
  fi
  [ -n "$t_d" ] && awk -v k="$t_k" -v d="$t_d" -v g="$4" 'BEGIN { r = k / d; printf "kanalytic / DuckDB decode = %.2f (goal <= %s): %s\n", r, g, r <= g ? "met" : "NOT met" }'
  [ -n "$t_p" ] && awk -v k="$t_k" -v p="$t_p" 'BEGIN { r = k / p; printf "kanalytic / pandas        = %.2f (goal <= 0.2): %s\n", r, r <= 0.2 ? "met" : "NOT met" }'
  echo
}

make -s build/kanalytic >/dev/null
PKGS="libgit2 yaml-0.1 libcurl jansson libarchive zlib libzstd snappy liblz4"
cc -std=c11 -D_GNU_SOURCE -O2 -g -Itool -o build/pq_decode bench/pq_decode.c build/libkanalytic.a \
  $(pkg-config --libs $PKGS) -lm -lpthread
bench_pair "kanalytic-written, same row groups" "$A" "$B" 1.0
[ -s "$PA" ] && [ -s "$PB" ] && bench_pair "pyarrow-written, row groups of 1 Mi and 64 Ki rows" "$PA" "$PB" 1.0
exit 0
