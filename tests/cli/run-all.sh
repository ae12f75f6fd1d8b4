#!/usr/bin/env bash
# Runs every tests/cli/test_*.sh; fails when any fails.
set -u
cd "$(dirname "$0")/../.."
status=0
for t in tests/cli/test_*.sh; do
  [ -e "$t" ] || continue
  bash "$t" || status=1
done
exit $status
