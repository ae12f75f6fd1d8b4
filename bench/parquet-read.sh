#!/usr/bin/env bash
# Parquet read benchmark: kanalytic's reader vs DuckDB (one thread) on a 5M-row, 8-column
# Kestrel-like table (ids, IPs, JSON protocol strings, int64 ports and byte counts, doubles
# with nulls) in uncompressed, snappy and gzip; gzip decode vs raw zlib inflate of the same
# pages; `show --head 10` on a ~1 GB file; peak RSS vs the largest decoded row group.
# Both readers decode every value of every column; times are the best of REPEAT runs, wall
# clock and CPU (user+sys; the CPU ratio is the fair one on a shared machine).
#   bench/parquet-read.sh            (BENCH_ROWS=5000000 REPEAT=3 BIG_ROWS=10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_QUICK:-0}" = 1 ]; then BENCH_ROWS=${BENCH_ROWS:-20000} REPEAT=${REPEAT:-1} BIG_ROWS=${BIG_ROWS:-50000}; fi
ROWS=${BENCH_ROWS:-5000000}
REPEAT=${REPEAT:-3}
BIG_ROWS=${BIG_ROWS:-10000000}
OUT=bench/out
mkdir -p "$OUT"

make -s build/kanalytic >/dev/null
PKGS="libgit2 yaml-0.1 libcurl jansson libarchive zlib libzstd snappy liblz4"
cc -std=c11 -D_GNU_SOURCE -O2 -g -Itool -o build/pq_decode bench/pq_decode.c build/libkanalytic.a \
  $(pkg-config --libs $PKGS) -lm -lpthread

if [ ! -d bench/node_modules/@duckdb/node-api ]; then
  (cd bench && npm install --no-audit --no-fund >/dev/null) || {
    echo "bench: cannot install @duckdb/node-api (npm); DuckDB is needed to generate the data" >&2
    exit 2
  }
fi

field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== decode, $ROWS rows x 8 columns, one thread (best of $REPEAT)"
printf '%-13s %9s %12s %12s %12s %12s %10s\n' codec file_MB kanalytic_ms kan_cpu_ms duckdb_ms duck_cpu_ms cpu_ratio
for codec in uncompressed snappy gzip; do
  f=$OUT/kestrel${ROWS}_$codec.parquet
  [ -s "$f" ] || node bench/duckdb.mjs gen "$f" "$ROWS" "$codec"
  k=$(build/pq_decode "$f" "$REPEAT")
  d=$(node bench/duckdb.mjs read "$f" "$REPEAT")
  printf '%-13s %9d %12s %12s %12s %12s %10s\n' "$codec" $(($(stat -c %s "$f") / 1000000)) \
    "$(field ms "$k")" "$(field cpu_ms "$k")" "$(field ms "$d")" "$(field cpu_ms "$d")" \
    "$(ratio "$(field cpu_ms "$k")" "$(field cpu_ms "$d")")"
  [ "$codec" = gzip ] && gz_cpu=$(field cpu_ms "$k")
done
echo "(cpu_ratio = kanalytic CPU / DuckDB CPU; below 1.00 means kanalytic is faster)"

echo
echo "== gzip: full decode vs raw zlib inflate of the same pages"
inf=$(build/pq_decode --inflate "$OUT/kestrel${ROWS}_gzip.parquet" "$REPEAT")
echo "inflate only: $(field inflate_cpu_ms "$inf") ms CPU; kanalytic full decode: $gz_cpu ms CPU;" \
  "ratio $(ratio "$gz_cpu" "$(field inflate_cpu_ms "$inf")") (goal <= 1.30)"

echo
echo "== peak memory (default malloc, one pass) vs the largest decoded row group"
for codec in uncompressed snappy gzip; do
  k=$(PQ_BENCH_DEFAULT_MALLOC=1 build/pq_decode "$OUT/kestrel${ROWS}_$codec.parquet" 1)
  rss=$(field peak_rss_bytes "$k")
  rg=$(field largest_rowgroup_bytes "$k")
  echo "$codec: peak RSS $((rss / 1000000)) MB, largest row group $((rg / 1000000)) MB decoded," \
    "ratio $(ratio "$rss" "$rg") (goal < 2)"
done

echo
echo "== show --head 10 on a ~1 GB file"
big=$OUT/kestrel${BIG_ROWS}_uncompressed.parquet
[ -s "$big" ] || node bench/duckdb.mjs gen "$big" "$BIG_ROWS" uncompressed
best=999999
base=999999
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  build/kanalytic show --head 10 --format jsonl "$big" >/dev/null
  t=$((($(date +%s%N) - t0) / 1000000))
  [ "$t" -lt "$best" ] && best=$t
  t0=$(date +%s%N)
  build/kanalytic show --help >/dev/null
  t=$((($(date +%s%N) - t0) / 1000000))
  [ "$t" -lt "$base" ] && base=$t
done
lib=$(build/pq_decode --head "$big" 10)
echo "file $(($(stat -c %s "$big") / 1000000)) MB (one 1M-row row group = one page per column):"
echo "  show --head 10: $best ms wall, of which process start-up (show --help): $base ms"
echo "  library open + first 10 rows of every column: $(field head_ms "$lib") ms (goal: show < 50 ms)"
