# kanalytic gc removes what interrupted runs left, but never a container that a running
# kanalytic process on this machine still uses (unless --force).
source "$(dirname "$0")/../lib.sh"
api() { curl -s --unix-socket /var/run/docker.sock "$@"; }
cp "$(command -v sleep)" "$TMP/kanalytic"   # a live process whose name is kanalytic
"$TMP/kanalytic" 60 &
live=$!
dead=999999
create() { # NAME PID -> container id
  api -X POST -H 'Content-Type: application/json' \
    -d "{\"Image\":\"debian:sid-slim\",\"Cmd\":[\"true\"],\"Labels\":{\"io.kanalytic\":\"1\",\"io.kanalytic.pid\":\"$2\",\"io.kanalytic.host\":\"$(hostname)\"}}" \
    "http://localhost/containers/create?name=$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Id"])'
}
n=gc-test-$$
live_id=$(create "$n-live" "$live") || fail "create live"
dead_id=$(create "$n-dead" "$dead") || fail "create dead"
exists() { [ "$(api -o /dev/null -w '%{http_code}' "http://localhost/containers/$1/json")" = 200 ]; }

run "$KANALYTIC" gc
expect_rc 0 "gc"
expect_out_has "kept container $n-live"; expect_out_has "kanalytic process $live still uses it"
expect_out_has "removed container $n-dead"
exists "$live_id" || fail "gc removed the container of a live kanalytic process"
exists "$dead_id" && fail "gc left the container of a dead process"

run "$KANALYTIC" gc --force
expect_rc 0 "gc --force"; expect_out_has "removed container $n-live"
exists "$live_id" && fail "gc --force kept the container"
kill "$live" 2>/dev/null
api -X DELETE "http://localhost/containers/$live_id?force=1" >/dev/null
api -X DELETE "http://localhost/containers/$dead_id?force=1" >/dev/null
done_testing
