#!/usr/bin/env bash
# Runs every bench/*.sh in turn (make bench); each prints its own numbers and ratios.
# A failing benchmark is reported and the others still run; exit 1 if any failed.
#   bench/run-all.sh            the full runs, with their goals
#   bench/run-all.sh --quick    small sizes, one run, goals printed but not asserted: every
#                               script still runs end to end (make check runs this, so a
#                               benchmark that breaks fails CI instead of rotting)
cd "$(dirname "$0")/.."
if [ "${1:-}" = --quick ]; then export BENCH_QUICK=1; fi
status=0
for b in bench/*.sh; do
  [ "$b" = bench/run-all.sh ] && continue
  echo "== $b${BENCH_QUICK:+ (quick)}"
  bash "$b" || { echo "$b failed" >&2; status=1; }
  echo
done
exit $status
