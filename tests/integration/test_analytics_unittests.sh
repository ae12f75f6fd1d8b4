#!/usr/bin/env bash
# The Python analytics' own checks, run in their built images through the Engine API (curl on
# the socket, no docker CLI): the unit tests baked into each image (python3 -m unittest), and
# tests/check_expected.py, which compares the golden outputs with hand-worked values (the
# analytic's folder bind-mounted read-only). Sandboxed like a Kestrel run: no network,
# read-only root, /tmp tmpfs, no capabilities.
source "$(dirname "$0")/../lib.sh"
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
api() { curl -sS --unix-socket "$SOCK" "$@"; }
if ! api -f http://localhost/_ping >/dev/null 2>&1; then
  echo "test_analytics_unittests.sh: no Docker engine at $SOCK" >&2
  exit 1
fi

# run_in IMAGE BIND WORKDIR CMD...: runs CMD in a fresh container; sets $rc and $logs
run_in() {
  local image=$1 bind=$2 workdir=$3; shift 3
  local cmd binds body id
  cmd=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
  binds='[]'; [ -n "$bind" ] && binds="[\"$bind\"]"
  body=$(cat <<JSON
{"Image": "$image", "Cmd": $cmd, "WorkingDir": "$workdir", "NetworkDisabled": true,
 "Env": ["PYTHONDONTWRITEBYTECODE=1"],
 "HostConfig": {"NetworkMode": "none", "ReadonlyRootfs": true, "Tmpfs": {"/tmp": ""},
                "CapDrop": ["ALL"], "Binds": $binds}}
JSON
)
  id=$(api -X POST -H 'Content-Type: application/json' -d "$body" \
    http://localhost/containers/create | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Id",""))')
  if [ -z "$id" ]; then rc=125; logs="cannot create a container of $image"; return; fi
  api -X POST "http://localhost/containers/$id/start" >/dev/null
  rc=$(api -X POST "http://localhost/containers/$id/wait" |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("StatusCode", 125))')
  # The log stream is multiplexed (8-byte frame headers); strip them to read the text.
  logs=$(api "http://localhost/containers/$id/logs?stdout=1&stderr=1" |
    python3 -c '
import sys
b = sys.stdin.buffer.read(); out = []
while len(b) >= 8:
    n = int.from_bytes(b[4:8], "big"); out.append(b[8:8 + n]); b = b[8 + n:]
sys.stdout.write(b"".join(out).decode("utf-8", "replace"))')
  api -X DELETE "http://localhost/containers/$id?force=1" >/dev/null
}

for pair in log4shell:test_lookups powershell-deobfuscate:test_psd \
            suspicious-process-scoring:test_scoring; do
  name=${pair%%:*} module=${pair#*:}
  image=kestrel-analytics-$name:latest
  run "$KANALYTIC" build "$name"
  expect_rc 0 "kanalytic build $name"
  run_in "$image" "" /opt/analytic python3 -m unittest -v "$module"
  [ "$rc" -eq 0 ] || fail "$name unit tests: exit $rc: $logs"
  grep -q '^OK' <<<"$logs" || fail "$name unit tests did not report OK: $logs"
  run_in "$image" "$ROOT/analytics/$name:/a:ro" /a python3 tests/check_expected.py
  [ "$rc" -eq 0 ] || fail "$name goldens: exit $rc: $logs"
  grep -q "all values as expected" <<<"$logs" || fail "$name goldens not confirmed: $logs"
done

# The contract helpers the Python analytics share (template/python/kestrel_analytic.py),
# in an analytic's image, the repository mounted read-only.
run_in kestrel-analytics-log4shell:latest "$ROOT:/r:ro" /r python3 -m unittest -v \
  tests/python/test_kestrel_analytic.py
[ "$rc" -eq 0 ] || fail "kestrel_analytic unit tests: exit $rc: $logs"
grep -q '^OK' <<<"$logs" || fail "kestrel_analytic unit tests did not report OK: $logs"

# The tests can fail: a unit test module that does not exist is an error, not a pass.
run_in kestrel-analytics-log4shell:latest "" /opt/analytic python3 -m unittest test_missing
[ "$rc" -ne 0 ] || fail "a missing unit test module passed"
done_testing
