#!/usr/bin/env bash
# Benchmark: `kanalytic build` against `docker build` (the classic builder, DOCKER_BUILDKIT=0)
# on the same engine, for a context of 20,000 files (200 MB) whose .dockerignore excludes 95%
# of them. Both builds use --no-cache and the same labels, so both do the same work on the
# engine side; the difference is the client: walking, matching .dockerignore, streaming the
# tar. Prints the median of RUNS alternating runs of each and the ratio.
#   bench/build-context.sh            (needs build/kanalytic, the docker CLI, debian:sid-slim)
#   FILES=2000 MB=20 RUNS=1 bench/build-context.sh   (a quick one)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KANALYTIC=${KANALYTIC:-$ROOT/build/kanalytic}
if [ "${BENCH_QUICK:-0}" = 1 ]; then FILES=${FILES:-200} MB=${MB:-2} RUNS=${RUNS:-1}; fi
FILES=${FILES:-20000}
MB=${MB:-200}
RUNS=${RUNS:-3}
[ -x "$KANALYTIC" ] || { echo "build/kanalytic missing: run make" >&2; exit 2; }
command -v docker >/dev/null || { echo "the docker CLI is needed as the peer" >&2; exit 2; }

NAME=bench-context
IMAGE=kestrel-analytics-$NAME
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kbench-context.XXXXXX")
made=()
cleanup() {
  docker rmi -f "$IMAGE:latest" "$IMAGE:1.0.0" kanalytic-bench-peer:latest >/dev/null 2>&1 || true
  # every rebuild untags the previous image: remove all the ones made here
  [ ${#made[@]} -eq 0 ] || docker rmi -f "${made[@]}" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# --- the context: DIRS folders of files; every 20th file is kept --------------------------------
A=$TMP/repo/analytics/$NAME
mkdir -p "$A"
cp -r analytics/sklearn-cluster/tests "$A/"
# without its build: block (build.include would add a file the docker CLI peer does not send)
sed -e "s/^name: sklearn-cluster/name: $NAME/" -e '/^build:/,$d' analytics/sklearn-cluster/analytic.yaml >"$A/analytic.yaml"
echo '# bench' >"$A/README.md"
printf 'FROM debian:sid-slim\nCOPY . /ctx/\n' >"$A/Dockerfile"
printf '# keep one file in twenty\n**/skip-*\n*.tmp\n' >"$A/.dockerignore"
size=$((MB * 1000 * 1000 / FILES))
python3 - "$A/data" "$FILES" "$size" <<'EOF'
import os, sys
root, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per_dir = 200
blob = os.urandom(size)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // per_dir))
    if i % per_dir == 0:
        os.makedirs(d, exist_ok=True)
    name = ("keep-%05d.bin" if i % 20 == 0 else "skip-%05d.bin") % i
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob[: size - 8] + i.to_bytes(8, "little"))
EOF
total=$(du -sm "$A/data" | cut -f1)
echo "context: $FILES files, ${total} MB on disk, .dockerignore keeps 1 in 20"

export KANALYTIC_ROOT=$TMP/repo KANALYTIC_SCHEMAS=$ROOT/schemas DOCKER_BUILDKIT=0
now() { date +%s.%N; }

# one kanalytic build first, to learn its labels for the peer
"$KANALYTIC" -q build --no-cache "$NAME" >/dev/null
mapfile -t labels < <(docker image inspect "$IMAGE:latest" --format '{{json .Config.Labels}}' |
  python3 -c 'import json,sys; [print("--label=%s=%s" % kv) for kv in sorted(json.load(sys.stdin).items())]')

made+=("$(docker image inspect -f '{{.Id}}' "$IMAGE:latest")")

k_run() {
  local t0 t1
  t0=$(now)
  "$KANALYTIC" -q build --no-cache "$NAME" >/dev/null
  t1=$(now)
  made+=("$(docker image inspect -f '{{.Id}}' "$IMAGE:latest")")
  k_times+=("$(echo "$t1 - $t0" | bc)")
}
d_run() {
  local t0 t1 id
  t0=$(now)
  id=$(docker build -q --no-cache "${labels[@]}" -t kanalytic-bench-peer:latest "$A" 2>/dev/null)
  t1=$(now)
  made+=("$id")
  d_times+=("$(echo "$t1 - $t0" | bc)")
}
k_times=()
d_times=()
# alternate who goes first, so warm caches and load drift do not favour one side
for r in $(seq "$RUNS"); do
  if [ $((r % 2)) -eq 1 ]; then k_run; d_run; else d_run; k_run; fi
  echo "run $r: kanalytic ${k_times[-1]} s, docker ${d_times[-1]} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
km=$(median "${k_times[@]}")
dm=$(median "${d_times[@]}")
ratio=$(echo "scale=3; $km / $dm" | bc)
# the same files reached both images?
k_files=$(docker run --rm --network none "$IMAGE:latest" sh -c 'find /ctx | sort | md5sum')
d_files=$(docker run --rm --network none kanalytic-bench-peer:latest sh -c 'find /ctx | sort | md5sum')
[ "$k_files" = "$d_files" ] && same="yes" || same="NO"
echo "kanalytic build: ${km} s   docker build: ${dm} s   (median of $RUNS)"
echo "ratio kanalytic/docker: $ratio   same files in both images: $same"
[ "$same" = yes ]
