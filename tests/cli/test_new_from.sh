# kanalytic new --from: the legacy analytics of tests/fixtures/legacy (community-repository
# shape: Dockerfile, code, README) become kanalytic analytics. Checks the inferred manifest,
# that validate reports one finding per TODO mark with file:line:col, and that after only the
# marked edits validate passes. Refusals leave nothing behind. No Docker needed.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
repo=$TMP/repo
mkdir -p "$repo/analytics"
cp -r schemas template "$repo/"
export KANALYTIC_ROOT=$repo
legacy=$ROOT/tests/fixtures/legacy
procs=$(ls "$ROOT"/analytics/suspicious-process-scoring/tests/kestrel-procs/input/0.parquet.gz)

run "$KANALYTIC" new --from "$legacy/pscore" --input "$procs"
expect_rc 0 "adopt pscore"
expect_out_has "adopted $legacy/pscore as analytics/process-score"
expect_out_has "name         process-score (from README.md:"
expect_out_has "THRESHOLD (number) COLUMN (string) VERBOSE (boolean)"
run "$KANALYTIC" new --from "$legacy/shell-tag"
expect_rc 0 "adopt shell-tag"
run "$KANALYTIC" new pair --from "$legacy/pair-plot"
expect_rc 0 "adopt pair-plot as pair"
expect_out_has "XPARAM (string, required) BINS (integer)"
[ -x "$repo/analytics/shell-tag/run.sh" ] || fail "run.sh lost its executable bit"
cmp -s "$legacy/pscore/analytics.py" "$repo/analytics/process-score/analytics.py" || fail "code not copied as is"
cmp -s "$procs" "$repo/analytics/process-score/tests/basic/input/0.parquet.gz" || fail "--input not used"
expect_file "$repo/analytics/pair/tests/basic/input/1.parquet.gz"
expect_no_file "$repo/analytics/pair/tests/basic/expected"

python3 - "$repo/analytics" <<'PY' || fail "inferred manifests"
import sys, yaml
root = sys.argv[1]
errors = []
def check(cond, what):
    if not cond: errors.append(what)
def load(name):
    return yaml.safe_load(open(f"{root}/{name}/analytic.yaml"))
def params(m):
    return {p["name"]: (p["type"], p["required"], p.get("default")) for p in m["parameters"]}

m = load("process-score")
check(m["name"] == "process-score", "name from the README's docker build -t")
check(m["description"].startswith("Scores processes by the suspicious keywords"), "description: README's first paragraph")
check(params(m) == {"THRESHOLD": ("number", False, 0.5), "COLUMN": ("string", False, "command_line"),
                    "VERBOSE": ("boolean", False, False)}, f"pscore parameters {params(m)}")
check(len(m["inputs"]) == 1 and m["outputs"] == [{"input": 0}] and m["display"] == "none", "pscore shape")

m = load("shell-tag")
check(m["name"] == "shell-tag", "name from the folder")
check(params(m) == {"TAG": ("string", False, "suspicious"), "LIMIT": ("integer", False, 100)},
      f"shell parameters (no $in/$out/$f/$HOME): {params(m)}")
check(m["outputs"] == [{"input": 0}], "shell output")

m = load("pair")
check(m["name"] == "pair", "NAME given wins over the README")
check(params(m) == {"XPARAM": ("string", True, None), "BINS": ("integer", False, 10)}, f"pair parameters {params(m)}")
check(len(m["inputs"]) == 2 and m["outputs"] == [] and m["display"] == "html", "two inputs and a display")
check(m["description"].startswith("Compares one attribute across two variables"), "description skips the image line")
if errors:
    print("\n".join(errors)); sys.exit(1)
PY

# validate: one finding per mark, at the mark's line:col
for a in process-score shell-tag pair; do
  marks=$(grep -c 'TODO(kanalytic new --from)' "$repo/analytics/$a/analytic.yaml" "$repo/analytics/$a/tests/basic/case.yaml" | awk -F: '{s+=$2} END {print s}')
  [ "$marks" -ge 4 ] || fail "$a: only $marks marks"
  run "$KANALYTIC" validate "$a"
  expect_rc 1 "validate $a with marks left"
  n=$(grep -c '\[adopt-todo\]\|adopt-todo' <<<"$err$out" || true)
  found=$(grep -cE "analytics/$a/(analytic.yaml|tests/basic/case.yaml):[0-9]+:[0-9]+: error: left for the author" <<<"$err$out")
  [ "$found" -eq "$marks" ] || fail "$a: $found findings for $marks marks: $err$out"
  line=$(grep -n 'TODO(kanalytic new --from)' "$repo/analytics/$a/analytic.yaml" | head -1 | cut -d: -f1)
  col=$(grep 'TODO(kanalytic new --from)' "$repo/analytics/$a/analytic.yaml" | head -1 | awk '{print index($0, "TODO(kanalytic")}')
  grep -qF "analytics/$a/analytic.yaml:$line:$col: error" <<<"$err$out" || fail "$a: first mark not at $line:$col"
done

# only the marked edits: each marked line gets its value and loses its comment
python3 "$legacy/marked_edits.py" "$repo/analytics/process-score" pscore >/dev/null || fail "marked edits pscore"
python3 "$legacy/marked_edits.py" "$repo/analytics/shell-tag" shell-tag >/dev/null || fail "marked edits shell-tag"
python3 "$legacy/marked_edits.py" "$repo/analytics/pair" pair-plot >/dev/null || fail "marked edits pair"
for a in process-score shell-tag pair; do
  grep -rq 'TODO(kanalytic' "$repo/analytics/$a" && fail "$a: a mark left"
  run "$KANALYTIC" validate "$a"
  expect_rc 0 "validate $a after the marked edits"
done

# refusals: clear errors, nothing left behind
run "$KANALYTIC" new --from "$TMP/nope"
expect_rc 2 "a missing folder"
expect_err_has "$TMP/nope: no such folder"
run "$KANALYTIC" new --from "$legacy/pscore"
expect_rc 2 "the name is taken"
expect_err_has "analytics/process-score already exists"
run "$KANALYTIC" new p2 --from "$legacy/pair-plot" --input "$procs"
expect_rc 2 "one --input for two inputs"
expect_err_has "1 --input file given, but the code reads 2 inputs"
run "$KANALYTIC" new p3 --from "$repo/analytics/shell-tag"
expect_rc 2 "a kanalytic analytic"
expect_err_has "already holds an analytic.yaml"
mkdir -p "$TMP/linky" && cp -r "$legacy/shell-tag/." "$TMP/linky/" && ln -s /etc/passwd "$TMP/linky/passwd"
run "$KANALYTIC" new linky --from "$TMP/linky"
expect_rc 2 "a symbolic link in the folder"
expect_err_has "passwd: a symbolic link"
mkdir -p "$TMP/nodocker" && echo 'import os; os.environ["X"]' >"$TMP/nodocker/a.py"
run "$KANALYTIC" new nodocker --from "$TMP/nodocker"
expect_rc 2 "no Dockerfile"
expect_err_has "has no Dockerfile"
run "$KANALYTIC" new x --from "$legacy/pscore" --param a:string
expect_rc 2 "--param with --from"
ls -a "$repo/analytics" | grep -qE '(\.tmp\.|^p2|^p3|^linky|^nodocker)' && fail "something was left in analytics/: $(ls -a "$repo/analytics")"
done_testing
