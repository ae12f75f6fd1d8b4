#!/usr/bin/env bash
# How long does `kanalytic ci --list` take to find what a small pull request touched in a big
# analytics repository? Goal: under 200 ms for 10,000 commits and 300 analytics.
#
# The repository is generated with `git fast-import` (seconds, not minutes): 300 analytics of
# six files each, then 10,000 commits each editing one analytic's README. The "pull request"
# branches off main, commits edits to two analytics and leaves one unstaged edit and one
# untracked file in a third. The bench times `kanalytic ci --list --base main` (best and
# median of 7 runs) and checks the selection is exactly those three analytics.
#
#   bench/ci-select.sh [COMMITS] [ANALYTICS]      (KANALYTIC=path/to/kanalytic)
#   BENCH_QUICK=1: 300 commits / 300 analytics; the selection is checked, the goal is not.
set -euo pipefail
cd "$(dirname "$0")/.."
KANALYTIC=${KANALYTIC:-$PWD/build/kanalytic}
if [ "${BENCH_QUICK:-0}" = 1 ]; then COMMITS=${1:-300} ANALYTICS=${2:-300}; else COMMITS=${1:-10000} ANALYTICS=${2:-300}; fi
GOAL_MS=200
[ -x "$KANALYTIC" ] || { echo "ci-select: build kanalytic first (make)" >&2; exit 2; }

work=$(mktemp -d /tmp/kanalytic-bench-ci.XXXXXX)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
git init -q -b main "$repo"

t0=$(date +%s%N)
awk -v commits="$COMMITS" -v analytics="$ANALYTICS" '
function blob(path, text) {
    printf "M 100644 inline %s\ndata %d\n%s\n", path, length(text), text
}
function commit(msg, when) {
    printf "commit refs/heads/main\ncommitter Bench <bench@example.org> %d +0000\n", when
    printf "data %d\n%s\n", length(msg), msg
}
BEGIN {
    when = 1600000000
    commit("300 analytics", when)
    for (a = 0; a < analytics; a++) {
        name = sprintf("a%03d", a)
        d = "analytics/" name "/"
        blob(d "analytic.yaml", "schema_version: 1\nname: " name "\nversion: 1.0.0\ndescription: bench\n")
        blob(d "Dockerfile", "FROM debian:sid-slim\nCOPY run.sh /run.sh\nCMD [\"/run.sh\"]\n")
        blob(d "run.sh", "#!/bin/sh\ncp /data/input/0.parquet.gz /data/output/0.parquet.gz\n")
        blob(d "README.md", "# " name "\n")
        blob(d "tests/basic/case.yaml", "description: basic\n")
        blob(d "tests/basic/expected/output/0.parquet.gz", "golden " name "\n")
    }
    blob("schemas/analytic.schema.json", "{}\n")
    blob("Makefile", "all:\n")
    for (c = 1; c < commits; c++) {
        name = sprintf("a%03d", c % analytics)
        commit("edit " name " #" c, when + c * 60)
        blob("analytics/" name "/README.md", "# " name "\nrevision " c "\n")
    }
}' | git -C "$repo" fast-import --quiet
git -C "$repo" checkout -q -f main
t1=$(date +%s%N)
echo "generated $(git -C "$repo" rev-list --count main) commits, $ANALYTICS analytics, $(git -C "$repo" ls-files | wc -l) files in $(( (t1 - t0) / 1000000 )) ms"

# the pull request
git -C "$repo" checkout -q -b pr
git -C "$repo" -c user.name=b -c user.email=b@e commit -q --allow-empty -m "pr start"
echo "RUN true" >>"$repo/analytics/a010/Dockerfile"
echo "more" >>"$repo/analytics/a200/README.md"
git -C "$repo" -c user.name=b -c user.email=b@e commit -q -am "pr: two analytics"
echo "unstaged" >>"$repo/analytics/a123/run.sh"
echo "untracked" >"$repo/analytics/a123/NOTES.md"

out=$(cd "$repo" && "$KANALYTIC" ci --list --base main)
got=$(sed -n 's/^  \(a[0-9]*\) .*/\1/p' <<<"$out" | tr '\n' ' ')
if [ "$got" != "a010 a123 a200 " ]; then
    echo "ci-select: wrong selection '$got':" >&2
    echo "$out" >&2
    exit 1
fi

# wall time decides; CPU time (user + sys) is printed too, since on a loaded machine the wall
# time mostly measures the wait for a core
TIMEFORMAT='%R %U %S'
walls=() cpus=()
for _ in 1 2 3 4 5 6 7; do
    t=$( { time (cd "$repo" && "$KANALYTIC" ci --list --base main >/dev/null); } 2>&1 )
    read -r real user sys <<<"$t"
    walls+=("$(awk -v r="$real" 'BEGIN { printf "%d", r * 1000 }')")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
done
walls=($(printf '%s\n' "${walls[@]}" | sort -n))
cpus=($(printf '%s\n' "${cpus[@]}" | sort -n))
verdict=ok
[ "${walls[3]}" -lt $GOAL_MS ] || verdict=SLOW
printf 'ci --list on %d commits / %d analytics: wall best %d ms, median %d ms; CPU best %d ms, median %d ms (goal < %d ms wall): %s (load average %s)\n' \
    "$COMMITS" "$ANALYTICS" "${walls[0]}" "${walls[3]}" "${cpus[0]}" "${cpus[3]}" "$GOAL_MS" \
    "$verdict" "$(cut -d' ' -f1 /proc/loadavg)"
[ "${BENCH_QUICK:-0}" = 1 ] && { echo "(quick mode: goal not asserted)"; exit 0; }
[ "$verdict" = ok ]
