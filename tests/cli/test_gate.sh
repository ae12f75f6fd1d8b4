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
' <<<"$out" || fail "ci json findings: $out"

# kanalytic test applies the working tree's policy locally (here the pull request's own,
# which allows it) and the base's with --policy-rev, refusing before anything runs
run "$KANALYTIC" test --policy-rev main a
expect_rc 2 "test --policy-rev main"
expect_out_has "refused: a asks for more than the repository policy allows (policy-network, policy-memory, policy-timeout"
expect_err_has "analytics/a/analytic.yaml:16:12: error: a asks for runtime.network: true"
run "$KANALYTIC" test --policy-rev main --timeout 99999 a
expect_rc 2 "--timeout beyond the schema"

# --- the maintainer approves network (only) on the base branch: memory still over
g checkout -q main
policy false 1g 300 '  a:
    network: true
    reason: "approved in review"' >kanalytic.yaml
g commit -qam "approve network for a"
g checkout -q pr
run "$KANALYTIC" ci --no-docker --base main
expect_rc 1 "ci, network approved at the base, memory not"
expect_out_lacks "runtime.network"
expect_out_has "a asks for runtime.memory: 4g, more than the repository policy allows (the limit is limits.memory: 1g"

# --- ... then memory and the timeout too: the same pull request is mergeable
g checkout -q main
policy false 1g 300 '  a:
    network: true
    memory: 4g
    timeout: 4000
    reason: "approved in review"' >kanalytic.yaml
g commit -qam "approve memory and timeout for a"
g checkout -q pr
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
g add -A && g commit -qm base
g checkout -qb pr
manifest b 1.0.1 false 2g 300 >"$repo/analytics/b/analytic.yaml"
g commit -qam "more memory"
cd "$repo"
run "$KANALYTIC" ci --no-docker --base main
expect_rc 1 "ci, no policy file, over the default"
expect_out_has "the limit is the default memory: 1g, as there is no kanalytic.yaml"

done_testing
