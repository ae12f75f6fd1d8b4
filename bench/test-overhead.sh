#!/usr/bin/env bash
# Per-case overhead of `kanalytic test` on a trivial analytic (tests/analytics-negative/copy:
# `cp` input 0 to output 0 in debian:sid-slim), side by side with the docker CLI doing the
# same sequence on the same engine (create with the same sandbox flags, cp the inputs in,
# start, wait, cp the outputs out, rm) — the CLI leaves out what kanalytic adds on top
# (logs, Kestrel's rules, the comparison with the golden).
# Then 8 cases with -j 2 against -j 1 (goal: at least 1.6x faster on this 2-core machine).
# Usage: bench/test-overhead.sh [RUNS]   (KANALYTIC=path, default build/kanalytic)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_QUICK:-0}" = 1 ]; then RUNS=${1:-1}; else RUNS=${1:-5}; fi
K=$(realpath "${KANALYTIC:-build/kanalytic}")
OUT=$PWD/bench/out/test-overhead
rm -rf "$OUT"
mkdir -p "$OUT/repo/analytics"
cp -r tests/analytics-negative/copy "$OUT/repo/analytics/"
for i in 2 3 4 5 6 7 8; do
  cp -r "$OUT/repo/analytics/copy/tests/same" "$OUT/repo/analytics/copy/tests/same-$i"
done
export KANALYTIC_ROOT=$OUT/repo KANALYTIC_SCHEMAS=$PWD/schemas
IMAGE=kestrel-analytics-copy:latest
"$K" -q build copy >/dev/null || { echo "kanalytic build copy failed" >&2; exit 1; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# --- one case, kanalytic ---
ks=()
for _ in $(seq "$RUNS"); do
  t0=$(now)
  "$K" test --no-build copy/same >/dev/null || echo "warning: kanalytic test exited $? (timing still counted)" >&2
  ks+=("$(elapsed "$t0" "$(now)")")
done

# --- the same with the docker CLI ---
STAGE=$OUT/stage
mkdir -p "$STAGE/input" "$STAGE/output" "$STAGE/display"
cp "$OUT/repo/analytics/copy/tests/same/input/0.parquet.gz" "$STAGE/input/"
ds=()
for _ in $(seq "$RUNS"); do
  rm -rf "$OUT/got"
  t0=$(now)
  id=$(docker create --network none --cap-drop ALL --security-opt no-new-privileges \
    --memory 64m --memory-swap 64m --pids-limit 256 --read-only -v /data \
    --tmpfs /tmp:rw,nosuid,nodev,size=256m --label io.kanalytic.bench=1 "$IMAGE")
  docker cp "$STAGE/." "$id:/data" >/dev/null
  docker start "$id" >/dev/null
  docker wait "$id" >/dev/null
  docker cp "$id:/data/output" "$OUT/got" >/dev/null
  docker rm -v "$id" >/dev/null
  ds+=("$(elapsed "$t0" "$(now)")")
done
cmp -s "$OUT/got/0.parquet.gz" "$STAGE/input/0.parquet.gz" || { echo "docker CLI run wrong" >&2; exit 1; }

k=$(echo "${ks[*]}" | median)
d=$(echo "${ds[*]}" | median)
echo "one case, median of $RUNS:"
echo "  kanalytic test (create, put, start, wait, logs, get, rm, rules, compare):    ${k}s"
echo "  docker CLI (create, cp, start, wait, cp, rm):                            ${d}s"
awk -v k="$k" -v d="$d" 'BEGIN { r = k / d; printf "  kanalytic / docker CLI = %.2f (goal <= 1.0): %s\n", r, r <= 1.0 ? "met" : "NOT met" }'

# --- 8 cases: -j 1 against -j 2 ---
j1s=()
j2s=()
for _ in $(seq "$RUNS"); do
  t0=$(now)
  "$K" test --no-build -j 1 copy >/dev/null || echo "warning: -j 1 run exited $?" >&2
  j1s+=("$(elapsed "$t0" "$(now)")")
  t0=$(now)
  "$K" test --no-build -j 2 copy >/dev/null || echo "warning: -j 2 run exited $?" >&2
  j2s+=("$(elapsed "$t0" "$(now)")")
done
j1=$(echo "${j1s[*]}" | median)
j2=$(echo "${j2s[*]}" | median)
echo "8 cases, median of $RUNS: -j 1 ${j1}s, -j 2 ${j2}s"
awk -v a="$j1" -v b="$j2" 'BEGIN { r = (a + 0) / (b + 0); printf "  speed-up -j 2 over -j 1 = %.2fx (goal >= 1.6): %s\n", r, (r >= 1.6 ? "met" : "NOT met") }'
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; other work skews all of these)"
