#!/usr/bin/env bash
# The CI gate as the workflow runs it: the judge is kanalytic built from the checkout that
# holds this script (the base revision), run against the pull request's tree; the pull
# request's Makefile, set-up scripts, schemas and tool/ are never run or read.
# usage: scripts/gate.sh --tree DIR --base REV [--setup] [-- CI-OPTIONS...]
#   --tree DIR   the pull request's checkout (the judged)
#   --base REV   the base revision: the merge base is compared with, and kanalytic.yaml (the
#                repository policy) is read at REV, from git objects
#   --setup      first run this checkout's scripts/setup.sh gate (with sudo unless root)
# The exit code is kanalytic ci's: 0 mergeable, 1 not mergeable, 2 could not run.
set -euo pipefail
judge=$(cd "$(dirname "$0")/.." && pwd)
tree="" base="" setup=0
while [ $# -gt 0 ]; do
  case $1 in
    --tree) tree=${2:?--tree needs a folder}; shift 2 ;;
    --base) base=${2:?--base needs a revision}; shift 2 ;;
    --setup) setup=1; shift ;;
    --) shift; break ;;
    *) echo "gate: unknown argument '$1' (see the top of $0)" >&2; exit 2 ;;
  esac
done
[ -n "$tree" ] && [ -n "$base" ] || { echo "gate: --tree DIR and --base REV are required" >&2; exit 2; }
tree=$(cd "$tree" && pwd) || exit 2
if [ "$(cd "$tree" && pwd -P)" = "$(cd "$judge" && pwd -P)" ]; then
  echo "gate: the judge ($judge) and the judged tree are the same checkout" >&2
  exit 2
fi
if [ "$setup" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then "$judge/scripts/setup.sh" gate; else sudo "$judge/scripts/setup.sh" gate; fi || exit 2
fi
echo "gate: building the judge from $judge" >&2
make -C "$judge" -j"$(nproc)" build/kanalytic >&2 || { echo "gate: the base's kanalytic does not build" >&2; exit 2; }
# the base's schemas (analytic.yaml, case.yaml, kanalytic.yaml), not the pull request's
export KANALYTIC_SCHEMAS=$judge/schemas
unset KANALYTIC_ROOT
exec "$judge/build/kanalytic" -C "$tree" ci --base "$base" "$@"
