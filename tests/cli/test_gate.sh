# The repository policy (kanalytic.yaml) as the CI gate and `kanalytic test` apply it, in
# throwaway git repositories: a pull request that asks for the network or raises a limit
# beyond the base's policy is not mergeable, and the message says which setting, which limit
# and how a maintainer approves it; editing kanalytic.yaml in the pull request changes
# nothing; the same pull request is mergeable once the policy changed at the base.
source "$(dirname "$0")/../lib.sh"
export KANALYTIC_SCHEMAS=$ROOT/schemas
unset KANALYTIC_ROOT GITHUB_ACTIONS GITHUB_STEP_SUMMARY

repo=$TMP/repo
g() { git -C "$repo" -c user.name=t -c user.email=t@example.org "$@"; }
manifest() { # NAME VERSION NETWORK MEMORY TIMEOUT
  cat <<YAML
schema_version: 1
name: $1
version: $2
description: a test analytic
authors: [t]
license: Apache-2.0
inputs:
  - entity_types: [process]
outputs:
  - input: 0
    attributes:
      - name: x_score
        type: integer
display: none
runtime:
  network: $3
  memory: $4
  timeout: $5
YAML
}
policy() { # NETWORK MEMORY TIMEOUT [APPROVALS-YAML]
  printf 'schema_version: 1\nlimits:\n  network: %s\n  memory: %s\n  timeout: %s\n' "$1" "$2" "$3"
  [ -n "${4:-}" ] && printf 'approvals:\n%s\n' "$4"
  return 0
}

mkdir -p "$repo/analytics/a/tests/basic" "$repo/tool/git" "$repo/scripts"
git init -q -b main "$repo"
manifest a 1.0.0 false 512m 60 >"$repo/analytics/a/analytic.yaml"
echo 'FROM debian:sid-slim' >"$repo/analytics/a/Dockerfile"
echo '# a' >"$repo/analytics/a/README.md"
echo 'description: basic' >"$repo/analytics/a/tests/basic/case.yaml"
mkdir -p "$repo/analytics/a/tests/basic/input"
cp "$ROOT/template/python/tests/basic/input/0.parquet.gz" "$repo/analytics/a/tests/basic/input/"
policy false 1g 300 >"$repo/kanalytic.yaml"
echo 'all:' >"$repo/Makefile"
echo '/* policy */' >"$repo/tool/git/policy.c"
echo 'exit 0' >"$repo/scripts/setup.sh"
g add -A && g commit -qm base

# --- a broken policy file is reported with file:line:col
cd "$repo"
printf 'schema_version: 1\nlimits:\n  network: maybe\n' >kanalytic.yaml
run "$KANALYTIC" test a
expect_rc 2 "test, broken kanalytic.yaml"
expect_err_has "kanalytic.yaml:3:12"
run "$KANALYTIC" validate
expect_rc 1 "validate, broken kanalytic.yaml"
expect_out_has "kanalytic.yaml:3:12: error: limits.network"
git checkout -q kanalytic.yaml

# --- the pull request: network on, more memory, a longer case timeout; and it edits the
# policy file to approve itself, plus the policy code, the Makefile and the set-up script
g checkout -qb pr
manifest a 1.1.0 true 4g 60 >analytics/a/analytic.yaml
printf 'description: basic\ntimeout: 4000\n' >analytics/a/tests/basic/case.yaml
policy true 64g 86400 '  a:
    network: true
    memory: 64g
    reason: "the pull request approves itself"' >kanalytic.yaml
echo 'int policy_check(void) { return 0; }' >tool/git/policy.c
echo 'all: ; @echo judged by the pull request' >Makefile
echo 'echo the pull request runs as root' >scripts/setup.sh
g add -A && g commit -qm "pr: network, memory, and a policy of its own"

run "$KANALYTIC" ci --no-docker --base main
expect_rc 1 "ci, network and memory beyond the base's policy"
expect_out_has "analytics/a/analytic.yaml:16:12: error: a asks for runtime.network: true, more than the repository policy allows (the limit is limits.network: false in kanalytic.yaml (base $(git rev-parse --short=7 main))"
expect_out_has 'a maintainer approves it by adding `approvals: {a: {network: true, reason: "..."}}` to kanalytic.yaml on the base branch, a change CODEOWNERS protects'
expect_out_has "a asks for runtime.memory: 4g, more than the repository policy allows (the limit is limits.memory: 1g"
expect_out_has "analytics/a/tests/basic/case.yaml:2:10: error: a asks for timeout: 4000"
expect_out_has "kanalytic.yaml:1:1: warning: this pull request changes kanalytic.yaml; it was judged by the policy at the base"
expect_out_has "NOT mergeable"
run "$KANALYTIC" ci --no-docker --base main --format json
python3 -c '
import json, sys
d = json.load(sys.stdin)
rules = sorted(f["rule"] for f in d["findings"])
assert rules == ["policy-file-changed", "policy-memory", "policy-network", "policy-timeout"], rules
# the test step is told to read the policy at the base tip, not the working tree
tests = [s["command"] for s in d["steps"] if s["check"] == "test"]
assert tests and all("--policy-rev " + sys.argv[1] in c for c in tests), tests
' "$(git rev-parse main)" <<<"$out" || fail "ci json findings: $out"

# kanalytic test applies the working tree's policy locally (here the pull request's own,
# which allows it) and the base's with --policy-rev, refusing before anything runs: no engine
# is needed to hear why
DOCKER_HOST=unix://$TMP/no-engine.sock run "$KANALYTIC" test --policy-rev main a
expect_rc 2 "test --policy-rev main"
expect_out_has "refused: a asks for more than the repository policy allows (policy-network, policy-memory, policy-timeout"
expect_err_has "analytics/a/analytic.yaml:16:12: error: a asks for runtime.network: true"

# a maintainer's commit of kanalytic.yaml on the base branch: APPROVALS-YAML
approve_at_base() {
  g checkout -q main
  policy false 1g 300 "$1" >kanalytic.yaml
  g commit -qam "approvals in kanalytic.yaml"
  g checkout -q pr
}

# --- the maintainer approves network (only) on the base branch: memory still over
approve_at_base '  a:
    network: true
    reason: "approved in review"'
run "$KANALYTIC" ci --no-docker --base main
expect_rc 1 "ci, network approved at the base, memory not"
expect_out_lacks "runtime.network"
expect_out_has "a asks for runtime.memory: 4g, more than the repository policy allows (the limit is limits.memory: 1g"

# --- ... then memory and the timeout too: the same pull request is mergeable
approve_at_base '  a:
    network: true
    memory: 4g
    timeout: 4000
    reason: "approved in review"'
run "$KANALYTIC" ci --no-docker --base main
expect_rc 0 "ci, approved at the base"
expect_out_lacks "error:"
expect_out_has "mergeable"

# an approval names the limit it raised when exceeded again
manifest a 1.2.0 true 8g 60 >analytics/a/analytic.yaml
run "$KANALYTIC" ci --no-docker --base main
expect_rc 1 "ci, beyond the approval"
expect_out_has "the limit is approvals.a.memory: 4g in kanalytic.yaml (base"

# --- no kanalytic.yaml at the base: the manifest defaults are the limits
repo=$TMP/bare
mkdir -p "$repo/analytics/b/tests/basic"
git init -q -b main "$repo"
manifest b 1.0.0 false 1g 300 >"$repo/analytics/b/analytic.yaml"
echo 'description: basic' >"$repo/analytics/b/tests/basic/case.yaml"
echo 'FROM debian:sid-slim' >"$repo/analytics/b/Dockerfile"
echo '# b' >"$repo/analytics/b/README.md"
mkdir -p "$repo/analytics/b/tests/basic/input"
cp "$ROOT/template/python/tests/basic/input/0.parquet.gz" "$repo/analytics/b/tests/basic/input/"
g add -A && g commit -qm base
cd "$repo"
# within the defaults, but a --timeout beyond them is refused too
DOCKER_HOST=unix://$TMP/no-engine.sock run "$KANALYTIC" test --timeout 400 b
expect_rc 2 "test --timeout beyond the policy"
expect_out_has "refused (policy-timeout): --timeout 400 is more than the 300 seconds the repository policy (no kanalytic.yaml) allows b"
g checkout -qb pr
manifest b 1.0.1 false 2g 300 >"$repo/analytics/b/analytic.yaml"
g commit -qam "more memory"
cd "$repo"
run "$KANALYTIC" ci --no-docker --base main
expect_rc 1 "ci, no policy file, over the default"
expect_out_has "the limit is the default memory: 1g, as there is no kanalytic.yaml"
# a broken policy at the base: the gate could not run (exit 2), and says where
g checkout -q main
printf 'schema_version: 1\nlimits:\n  network: maybe\n' >kanalytic.yaml
g add kanalytic.yaml && g commit -qm "broken policy"
g checkout -q pr
run "$KANALYTIC" ci --no-docker --base main
expect_rc 2 "ci, broken policy at the base"
expect_out_has "ok    validate --strict"
expect_out_has "ERROR policy: the base's kanalytic.yaml (base $(git rev-parse --short=7 main)):3:12:"
# ... and when no schemas can be found, the policy error says why (it said "unknown error" when
# the pull request has a kanalytic.yaml too: comparing the two cleared the error)
git show main:kanalytic.yaml >kanalytic.yaml
KANALYTIC_SCHEMAS=$TMP/no-schemas run "$KANALYTIC" ci --no-docker --base main
rm kanalytic.yaml
expect_rc 2 "ci, no schemas"
expect_out_has "ERROR policy: the base's kanalytic.yaml: unable to open $TMP/no-schemas/analytic.schema.json"
expect_out_lacks "unknown error"

# --- the gate as the workflow runs it (scripts/gate.sh from the base checkout): a pull
# request that edits the Makefile, the set-up script, the policy code, the gate script and
# the policy file cannot change its own verdict
repo=$TMP/project
mkdir -p "$repo/analytics/c/tests/basic/input" "$repo/scripts" "$repo/tool/git"
git init -q -b main "$repo"
cp -r "$ROOT/schemas" "$repo/"
cp "$ROOT/scripts/gate.sh" "$ROOT/scripts/image-cache.sh" "$repo/scripts/"
manifest c 1.0.0 false 512m 60 >"$repo/analytics/c/analytic.yaml"
echo 'FROM debian:sid-slim' >"$repo/analytics/c/Dockerfile"
echo '# c' >"$repo/analytics/c/README.md"
echo 'description: basic' >"$repo/analytics/c/tests/basic/case.yaml"
cp "$ROOT/template/python/tests/basic/input/0.parquet.gz" "$repo/analytics/c/tests/basic/input/"
policy false 1g 300 >"$repo/kanalytic.yaml"
# the base's judge: its Makefile makes build/kanalytic (here: the kanalytic under test)
printf 'build/kanalytic:\n\tmkdir -p build && printf '"'"'#!/bin/sh\\nexec %s "$$@"\\n'"'"' >$@ && chmod +x $@\n' \
  "$KANALYTIC" >"$repo/Makefile"
printf '#!/bin/sh\necho base >"%s/setup-ran"\n' "$TMP" >"$repo/scripts/setup.sh"
echo '/* the real policy */' >"$repo/tool/git/policy.c"
chmod +x "$repo/scripts/setup.sh"
g add -A && g commit -qm base
g checkout -qb pr
manifest c 1.1.0 true 512m 60 >"$repo/analytics/c/analytic.yaml"
policy true 1g 300 >"$repo/kanalytic.yaml"
# the pull request's own judge says "mergeable" to everything, its set-up leaves a mark
printf 'build/kanalytic:\n\tmkdir -p build && printf '"'"'#!/bin/sh\\necho mergeable; touch %s/pr-judge-ran\\n'"'"' >$@ && chmod +x $@\n' \
  "$TMP" >"$repo/Makefile"
printf '#!/bin/sh\necho pr >"%s/setup-ran"\n' "$TMP" >"$repo/scripts/setup.sh"
printf '#!/bin/sh\necho mergeable\n' >"$repo/scripts/gate.sh"
echo 'int policy_check(void) { return 0; }' >"$repo/tool/git/policy.c"
g add -A && g commit -qm "pr: network, and a judge of its own"
g checkout -q --detach
git -C "$repo" worktree add -q "$TMP/base" main
git -C "$repo" worktree add -q "$TMP/pr" pr

# what the old workflow did (make and run in the pull request's checkout): its own verdict
(cd "$TMP/pr" && make -s build/kanalytic >/dev/null && build/kanalytic ci) >/dev/null 2>&1
[ -e "$TMP/pr-judge-ran" ] || fail "control: the pull request's judge did not run"
rm -f "$TMP/pr-judge-ran"

run "$TMP/base/scripts/gate.sh" --setup --tree "$TMP/pr" --base main -- --no-docker
expect_rc 1 "gate.sh, network beyond the base's policy"
expect_out_has "analytics/c/analytic.yaml:16:12: error: c asks for runtime.network: true"
expect_out_has "kanalytic.yaml:1:1: warning: this pull request changes kanalytic.yaml"
expect_out_has "NOT mergeable"
[ "$(cat "$TMP/setup-ran" 2>/dev/null)" = base ] || fail "gate.sh: the set-up that ran was not the base's: $(cat "$TMP/setup-ran" 2>/dev/null)"
expect_no_file "$TMP/pr-judge-ran"
expect_no_file "$TMP/pr/build/kanalytic.gate"
# the pull request's schemas are not the judge's either
echo '{}' >"$TMP/pr/schemas/repository-policy.schema.json"
run "$TMP/base/scripts/gate.sh" --tree "$TMP/pr" --base main -- --no-docker
expect_rc 1 "gate.sh, the pull request's schemas ignored"
# approved at the base: mergeable
(cd "$TMP/base" && policy false 1g 300 '  c:
    network: true
    reason: "approved"' >kanalytic.yaml &&
  git -c user.name=t -c user.email=t@example.org commit -qam "approve network for c")
git -C "$TMP/pr" checkout -q schemas
run "$TMP/base/scripts/gate.sh" --tree "$TMP/pr" --base main -- --no-docker
expect_rc 0 "gate.sh, approved at the base"
run "$TMP/base/scripts/gate.sh" --tree "$TMP/base" --base main
expect_rc 2 "gate.sh, judge and judged the same"; expect_err_has "are the same checkout"

# --- the workflow's own steps, run here as written: plan (the selection and the shards) and
# one shard (build and test; the analytic's build fails at once, FROM scratch) in a
# workspace holding base/ and pr/, with sudo as a plain env
mkdir -p "$TMP/bin"
printf '#!/bin/sh\nexec env "$@"\n' >"$TMP/bin/sudo" && chmod +x "$TMP/bin/sudo"
printf 'FROM scratch\nRUN false\n' >"$TMP/pr/analytics/c/Dockerfile"
python3 - "$ROOT/.github/workflows/analytics.yml" "$TMP/steps" <<'PY' || fail "extracting the workflow's steps"
import os, sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
os.makedirs(sys.argv[2], exist_ok=True)
env = {k: v for k, v in wf.get("env", {}).items() if "${{" not in str(v)}
for job in ("plan", "shard"):
    script = "set -eo pipefail\n" + "".join(f"export {k}={v}\n" for k, v in env.items())
    for st in wf["jobs"][job]["steps"]:
        if "run" in st and "if" not in st:
            script += "".join(f"export {k}={v}\n" for k, v in st.get("env", {}).items())
            script += st["run"].replace("${{ matrix.shard }}", "1").replace("${{ strategy.job-total }}", "1") + "\n"
    assert "${{" not in script, script
    open(os.path.join(sys.argv[2], job + ".sh"), "w").write(script)
PY
rm -f "$TMP/setup-ran"
(cd "$TMP" && PATH=$TMP/bin:$PATH BASE_SHA=$(git -C "$TMP/base" rev-parse HEAD) GITHUB_OUTPUT=$TMP/plan.out \
  bash "$TMP/steps/plan.sh") >"$TMP/plan.log" 2>&1 || fail "the plan job's steps: $(cat "$TMP/plan.log")"
grep -qx 'shards=\[1\]' "$TMP/plan.out" || fail "plan: shards: $(cat "$TMP/plan.out" 2>/dev/null)"
grep -q "1 analytics selected: 1 shard(s)" "$TMP/plan.log" || fail "plan log: $(cat "$TMP/plan.log")"
[ "$(cat "$TMP/setup-ran" 2>/dev/null)" = base ] || fail "plan: not the base's set-up"
# the shard's build needs an engine (it fails at once, but the engine must answer)
if curl -sf --max-time 2 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; then
(cd "$TMP" && PATH=$TMP/bin:$PATH BASE_SHA=$(git -C "$TMP/base" rev-parse HEAD) GITHUB_OUTPUT=$TMP/shard.out \
  bash "$TMP/steps/shard.sh") >"$TMP/shard.log" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "the shard job's steps: exit $rc, expected 1: $(tail -n 20 "$TMP/shard.log")"
grep -q "FAIL  build c" "$TMP/shard.log" || fail "shard: the build of c: $(tail -n 30 "$TMP/shard.log")"
grep -qE '^key=kanalytic-images-[0-9a-f]{16}-[0-9]{4}-[0-9]{2}$' "$TMP/shard.out" || fail "shard: cache key: $(cat "$TMP/shard.out")"
grep -q "nothing to load" "$TMP/shard.log" || fail "shard: no cache to load: $(head -n 5 "$TMP/shard.log")"
expect_file "$TMP/ci-report.xml"
expect_file "$TMP/ci-report.html"
expect_no_file "$TMP/pr-judge-ran"
else
  echo "test_gate.sh: the shard job's steps skipped (no Docker engine)"
fi

# --- the workflow: every job that decides mergeability runs only the base checkout's code
python3 - "$ROOT/.github/workflows/analytics.yml" <<'PY' || fail "workflow checks"
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
jobs = wf["jobs"]
assert "pull_request_target" not in wf.get(True, wf.get("on", {})), "pull_request_target"
selftest = ["self-test"]
decide = [n for n in jobs if n not in selftest]
assert "gate" in jobs, "no job named gate (the required check)"
for name in decide:
    j = jobs[name]
    for st in j.get("steps", []):
        w = st.get("with", {}) or {}
        if str(st.get("uses", "")).startswith("actions/checkout"):
            assert w.get("persist-credentials") is False, (name, "persist-credentials", st)
            if w.get("path") == "base" and "push" not in str(j.get("if")):
                assert "base.sha" in str(w.get("ref")), (name, "base checkout ref", w)
        run = st.get("run", "")
        for bad in ("pr/scripts", "make -C pr", "pr/build", "cd pr", "pr/Makefile"):
            assert bad not in run, (name, bad, run)
        if "setup.sh" in run or "gate.sh" in run or "make" in run.split():
            assert "base/" in run, (name, "runs something not from base/", run)
# pull requests only read the image cache; only a push to main saves one
for name, j in jobs.items():
    for st in j.get("steps", []):
        if str(st.get("uses", "")).startswith("actions/cache") and "restore" not in st["uses"]:
            assert j.get("if") == "github.event_name == 'push'", (name, "saves a cache", st)
    if name not in ("images", "publish"):
        assert "pull_request" in str(j.get("if")), (name, "must not run on push", j.get("if"))
# publishing (registry credentials) happens only on a push to main, never for a pull request
assert "github.event_name == 'push'" in jobs["publish"]["if"], jobs["publish"]["if"]
# the project's own tests run on the pull request's code in a job that decides nothing
assert "if" in jobs["gate"] and "always()" in jobs["gate"]["if"], "gate must not be skipped"
assert set(jobs["gate"]["needs"]) == {"plan", "shard"}, jobs["gate"]["needs"]
shard_run = " ".join(s.get("run", "") for s in jobs["shard"]["steps"])
assert "--shard" in shard_run and '--junit "$PWD/' in shard_run and '--html "$PWD/' in shard_run, shard_run
uploads = [s for s in jobs["shard"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
assert uploads and "ci-report.xml" in uploads[0]["with"]["path"] and "ci-report.html" in uploads[0]["with"]["path"]
assert uploads[0].get("if") == "always()"
assert any("make check" in s.get("run", "") for n in selftest for s in jobs[n]["steps"]), selftest
for n in decide:
    needs = jobs[n].get("needs", [])
    needs = [needs] if isinstance(needs, str) else needs
    assert not set(needs) & set(selftest), (n, "waits on the self-test")
PY

done_testing
