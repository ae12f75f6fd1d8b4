# `kanalytic ci` with five analytics selected (more steps than the gate's step list first holds)
# and the first of them broken: every build and test result must land in its own step, and the
# broken one must make the pull request not mergeable. Before tool/gate/, cmd/ci.c kept
# pointers into the step list while it grew: the first three analytics' results went to freed
# memory, their steps stayed "skipped", and this pull request was "mergeable" (exit 0).
source "$(dirname "$0")/../lib.sh"
export KANALYTIC_SCHEMAS=$ROOT/schemas
unset KANALYTIC_ROOT GITHUB_ACTIONS GITHUB_STEP_SUMMARY

# Image names are unique to this run so parallel runs and the real analytics do not meet.
tag=$(basename "$TMP" | tr 'A-Z.' 'a-z-' | tr -cd 'a-z0-9-')
names=()
for i in 1 2 3 4 5; do names+=("cimany$i-$tag"); done
cleanup() { # every tag of this run's images
  docker images -q --filter "reference=kestrel-analytics-cimany*-$tag" 2>/dev/null | sort -u |
    xargs -r docker rmi -f >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

input=$TMP/input.parquet.gz
printf '%s\n' '{"id":"process--1","type":"process","pid":4,"name":"System"}' >"$TMP/input.jsonl"
"$KANALYTIC" convert "$TMP/input.jsonl" "$input" >/dev/null ||
  { echo "test_ci_many.sh: kanalytic convert failed" >&2; exit 1; }

g() { git -C "$1" -c user.name=t -c user.email=t@example.org "${@:2}"; }
origin=$TMP/origin
mkdir -p "$origin"
git init -q -b main "$origin"
cp -r "$ROOT/schemas" "$origin/schemas"
for n in "${names[@]}"; do
  shell_analytic "$origin" "$n" "Copies its input to its output unchanged."
  d=$origin/analytics/$n
  echo 'cp /data/input/0.parquet.gz /data/output/0.parquet.gz' >"$d/run.sh"
  mkdir -p "$d/tests/copy/input" "$d/tests/copy/expected/output"
  printf 'description: The output is the input.\nparameters: {}\nexpect:\n  exit_code: 0\n' \
    >"$d/tests/copy/case.yaml"
  cp "$input" "$d/tests/copy/input/0.parquet.gz"
  cp "$input" "$d/tests/copy/expected/output/0.parquet.gz"
done
g "$origin" add -A
g "$origin" commit -qm "five analytics"

clone=$TMP/clone
git clone -q "$origin" "$clone"
cd "$clone"
g "$clone" checkout -qb pr
for n in "${names[@]}"; do sed -i 's/^version: 1.0.0/version: 1.0.1/' "analytics/$n/analytic.yaml"; done
echo 'true' >"analytics/${names[0]}/run.sh" # writes no output: its test fails
g "$clone" commit -qam "change all five, break the first"

run "$KANALYTIC" ci -j 2 --format json
expect_rc 1 "five analytics, the first broken"
printf '%s' "$out" >"$TMP/ci.json"
python3 - "$TMP/ci.json" "${names[@]}" <<'EOF' || fail "json: $out"
import json, sys
d = json.load(open(sys.argv[1]))
names = sys.argv[2:]
assert d["result"] == "not-mergeable", d["result"]
steps = {(s["check"], s["analytic"]): s["status"] for s in d["steps"]}
for i, n in enumerate(names):
    assert steps[("build", n)] == "pass", (n, steps)
    assert steps[("test", n)] == ("fail" if i == 0 else "pass"), (n, steps)
EOF
done_testing
