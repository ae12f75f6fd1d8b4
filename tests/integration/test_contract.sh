#!/usr/bin/env bash
# The Kestrel contract suite: every probe analytic of tests/contract/PROBE/ (one per rule of
# the Kestrel interface) is built and tested in a temporary repository (KANALYTIC_ROOT) with
# `kanalytic test --ci`, and each of its cases must get the verdict its VERDICT file states:
#     kestrel: <what real Kestrel does>                 (documentation, from section 14 of
#                                                         ../shared/reference/kestrel-interface.md)
#     kanalytic: PASS
#              | FAIL <rule> "<substring of that rule's message>"
#              | SKIP "<substring of the reason>"       (the case is reported as not run)
#              | INVALID "<substring>"                  (`kanalytic validate` refuses the probe,
#                                                         e.g. its manifest; it is not tested)
# A probe's cases all share its verdict. Images are built through the Engine API by kanalytic.
source "$(dirname "$0")/../lib.sh"
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
if ! curl -sf --unix-socket "$SOCK" http://localhost/_ping >/dev/null; then
  echo "test_contract.sh: no Docker engine at $SOCK" >&2
  exit 1
fi
export KANALYTIC_SCHEMAS=$ROOT/schemas
REPO=$TMP/repo
mkdir -p "$REPO/analytics"
NAMES=
INVALID=
for p in "$ROOT"/tests/contract/*/; do
  p=${p%/}
  name=$(basename "$p")
  [ -f "$p/VERDICT" ] || { fail "$name: no VERDICT file"; continue; }
  [ -f "$p/analytic.yaml" ] || { fail "$name: no analytic.yaml"; continue; }
  cp -r "$p" "$REPO/analytics/$name"
  rm -f "$REPO/analytics/$name/VERDICT"
  if grep -q '^kanalytic: *INVALID' "$p/VERDICT"; then
    INVALID="$INVALID $name"
  else
    NAMES="$NAMES $name"
  fi
done
[ -n "$NAMES" ] || { fail "no probe in tests/contract"; done_testing; }
export KANALYTIC_ROOT=$REPO

# Probes kanalytic validate must refuse, with the message the VERDICT names
for n in $INVALID; do
  text=$(sed -n 's/^kanalytic: *INVALID *"\(.*\)" *$/\1/p' "$ROOT/tests/contract/$n/VERDICT")
  [ -n "$text" ] || { fail "$n/VERDICT: INVALID needs a \"message\""; continue; }
  run "$KANALYTIC" validate "$n"
  if [ "$rc" -ne 1 ]; then
    fail "$n: kanalytic validate exited $rc, expected 1 (INVALID): $out $err"
  elif ! grep -qF -- "$text" <<<"$out$err"; then
    fail "$n: kanalytic validate does not say '$text': $out $err"
  else
    echo "  ok $n: INVALID"
  fi
  rm -r "$REPO/analytics/$n"
done

# Images (a probe whose manifest does not load has none: build what builds)
for n in $NAMES; do
  "$KANALYTIC" -q build "$n" >"$TMP/build-$n.log" 2>&1 ||
    echo "  (probe $n: image not built: $(tail -n 1 "$TMP/build-$n.log"))"
done

run "$KANALYTIC" test --no-build --ci -j 2 --format json $NAMES
[ "$rc" -le 2 ] || fail "kanalytic test exited $rc"
echo "$out" >"$TMP/report.json"
python3 - "$TMP/report.json" "$ROOT/tests/contract" $NAMES <<'PY' || fail "verdicts (see above)"
import json, os, re, sys
report_path, contract, names = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    report = json.load(open(report_path))
except ValueError as e:
    print(f"  the JSON report does not parse: {e}")
    sys.exit(1)
cases = {}
for c in report["cases"]:
    cases.setdefault(c["id"].split("/")[0], []).append(c)
bad = 0
for name in names:
    lines = open(os.path.join(contract, name, "VERDICT")).read().splitlines()
    want = [l for l in lines if l.startswith("kanalytic:")]
    if len(want) != 1 or not any(l.startswith("kestrel:") for l in lines):
        print(f"  {name}/VERDICT: needs one 'kestrel:' and one 'kanalytic:' line"); bad += 1
        continue
    m = re.fullmatch(r'kanalytic:\s*(PASS|FAIL|SKIP)(?:\s+([a-z0-9-]+))?(?:\s+"(.*)")?\s*',
                     want[0])
    if not m or (m[1] == "FAIL" and not (m[2] and m[3])) or (m[1] == "SKIP" and not m[3]):
        print(f"  {name}/VERDICT: cannot read {want[0]!r}"); bad += 1
        continue
    status, rule, text = m[1], m[2], m[3]
    got = cases.get(name)
    if not got:
        print(f"  {name}: no case in the report"); bad += 1
        continue
    for c in got:
        problems = c.get("problems", [])
        said = [p["message"] for p in problems] + [n["message"] for n in c.get("notes", [])]
        if c.get("skip_reason"):
            said.append(c["skip_reason"])
        if status == "FAIL":
            said = [p["message"] for p in problems if p["rule"] == rule]
        if c["status"] != status:
            print(f"  {c['id']}: {c['status']}, expected {status}: {problems}"); bad += 1
        elif text and not any(text in s for s in said):
            print(f"  {c['id']}: no {('[' + rule + '] problem') if rule else 'message'} saying "
                  f"{text!r}: {problems} {c.get('notes', [])} {c.get('skip_reason')}"); bad += 1
        else:
            print(f"  ok {c['id']}: {status}" + (f" [{rule}]" if rule else ""))
sys.exit(1 if bad else 0)
PY

# Without --ci, an undeclared column is a note, not a failure (the gate's --ci fails it, above)
if [ -d "$REPO/analytics/probe-undeclared-column" ]; then
  run "$KANALYTIC" test --no-build --format json probe-undeclared-column
  expect_rc 0 "undeclared column without --ci"
  python3 -c '
import json, sys
c = json.loads(sys.argv[1])["cases"][0]
notes = [n["rule"] for n in c["notes"]]
sys.exit(0 if c["status"] in ("PASS", "CREATED") and "manifest-attribute-undeclared" in notes
         else "  %s: %s, notes %s" % (c["id"], c["status"], notes))' "$out" ||
    fail "undeclared column without --ci is not a passing case with a note"
fi

done_testing
