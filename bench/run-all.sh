#!/usr/bin/env bash
# Runs every bench/*.sh in turn (make bench); each prints its own numbers and ratios.
# A failing benchmark is reported and the others still run; exit 1 if any failed.
cd "$(dirname "$0")/.."
status=0
for b in bench/*.sh; do
  [ "$b" = bench/run-all.sh ] && continue
  echo "== $b"
  bash "$b" || { echo "$b failed" >&2; status=1; }
  echo
done
exit $status
