# kanalytic publish / install / list --installed / info against a real registry: Debian's
# docker-registry (the distribution registry) started here on 127.0.0.1 with htpasswd (bcrypt)
# authentication, and the real engine (loopback registries are insecure-allowed by dockerd).
# Publish a throwaway analytic, remove every local image of it, install it back from the
# index and `kanalytic test --no-build` it; wrong credentials, an unreachable registry, a
# credential helper, a version already published with another digest and an index digest that
# does not match each fail with their message and exit code.
source "$(dirname "$0")/../lib.sh"

SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
api() { curl -sS --unix-socket "$SOCK" "$@"; }
if ! api http://localhost/_ping >/dev/null 2>&1; then
  echo "$(basename "$0"): skipped (no Docker engine on $SOCK)"; exit 0
fi
REGISTRY_BIN=$(command -v docker-registry || command -v registry || true)
if [ -z "$REGISTRY_BIN" ] || ! command -v htpasswd >/dev/null; then
  echo "$(basename "$0"): skipped (needs docker-registry and htpasswd: apt-get install docker-registry apache2-utils)"
  exit 0
fi

NAME=itest-share-$$
IMAGE=kestrel-analytics-$NAME
REPO=$TMP/repo
A=$REPO/analytics/$NAME
export KANALYTIC_ROOT=$REPO KANALYTIC_SCHEMAS=$ROOT/schemas
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
R=127.0.0.1:$PORT/kanalytic-test
RIMAGE=$R/$IMAGE
reg_pid=
image_ids=()
cleanup() {
  [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null
  for t in "$IMAGE:latest" "$IMAGE:1.0.0" "$RIMAGE:latest" "$RIMAGE:1.0.0"; do
    api -X DELETE "http://localhost/images/$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$t")?force=1" >/dev/null 2>&1
  done
  for i in "${image_ids[@]}"; do api -X DELETE "http://localhost/images/$i?force=1" >/dev/null 2>&1; done
  rm -rf "$TMP"
}
trap cleanup EXIT
image_id() { api "http://localhost/images/$1/json" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Id",""))'; }

# --- the registry ---------------------------------------------------------------------------
mkdir -p "$TMP/reg/data"
htpasswd -Bbn alice 's3cret pw' >"$TMP/reg/htpasswd" 2>/dev/null
cat >"$TMP/reg/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $TMP/reg/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
auth:
  htpasswd:
    realm: kanalytic-test
    path: $TMP/reg/htpasswd
EOF
"$REGISTRY_BIN" serve "$TMP/reg/config.yml" >"$TMP/reg/log" 2>&1 &
reg_pid=$!
for _ in $(seq 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v2/")" = 401 ] && break
  sleep 0.2
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v2/")" = 401 ] ||
  { fail "registry did not start: $(cat "$TMP/reg/log")"; done_testing; }
v2() { curl -s -u 'alice:s3cret pw' "http://127.0.0.1:$PORT/v2/$1"; }

# credentials as `docker login` stores them
mkdir -p "$TMP/dockercfg"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$PORT" "$(printf 'alice:s3cret pw' | base64 -w0)" \
  >"$TMP/dockercfg/config.json"
export DOCKER_CONFIG=$TMP/dockercfg

# --- a throwaway analytic: the negative suite's copy, renamed --------------------------------
mkdir -p "$REPO/analytics"
cp -r "$ROOT/tests/analytics-negative/copy" "$A"
sed -i "s/^name: copy/name: $NAME/" "$A/analytic.yaml"
run "$KANALYTIC" build "$NAME"
expect_rc 0 "build $NAME"
ID1=$(image_id "$IMAGE:latest")
image_ids+=("$ID1")

# --- refusals before anything is pushed -------------------------------------------------------
run "$KANALYTIC" publish "$NAME"
expect_rc 2 "publish without --registry"; expect_err_has "--registry is required"
run "$KANALYTIC" publish "$NAME" --registry "$R" --username alice --password-stdin <<<"wrong"
expect_rc 2 "wrong password"; expect_err_has "unauthorized"; expect_err_has "$NAME"
run "$KANALYTIC" publish "$NAME" --registry "127.0.0.1:1/kanalytic-test"
expect_rc 2 "unreachable registry"; expect_err_has "127.0.0.1:1"; expect_err_has "connection refused"
mkdir -p "$TMP/helpercfg"
printf '{"credHelpers":{"127.0.0.1:%s":"secretservice"}}' "$PORT" >"$TMP/helpercfg/config.json"
DOCKER_CONFIG=$TMP/helpercfg run "$KANALYTIC" publish "$NAME" --registry "$R"
expect_rc 2 "credential helper"; expect_err_has "docker-credential-secretservice"
expect_err_has "not supported"
run "$KANALYTIC" publish "$NAME" --registry "https://127.0.0.1:$PORT"
expect_rc 2 "scheme in --registry"; expect_err_has "without a scheme"
run "$KANALYTIC" publish itest-share-missing-$$ --registry "$R"
expect_rc 2 "no such image"; expect_err_has "kanalytic build itest-share-missing-$$"
[ -z "$(v2 "kanalytic-test/$IMAGE/tags/list" | grep -o '"1.0.0"')" ] || fail "something was pushed by a refused publish"

# --- publish ------------------------------------------------------------------------------------
run "$KANALYTIC" publish "$NAME" --registry "$R" --index "$TMP/index.json"
expect_rc 0 "publish"
expect_out_has "published $NAME 1.0.0 sha256:"
DIGEST=$(awk '{print $4}' <<<"$out")
tags=$(v2 "kanalytic-test/$IMAGE/tags/list")
grep -q '"1.0.0"' <<<"$tags" && grep -q '"latest"' <<<"$tags" || fail "registry tags: $tags"
remote=$(curl -s -o /dev/null -D - -u 'alice:s3cret pw' -I \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
  -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://127.0.0.1:$PORT/v2/kanalytic-test/$IMAGE/manifests/1.0.0" | tr -d '\r' |
  awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')
[ "$remote" = "$DIGEST" ] || fail "registry digest $remote, publish said $DIGEST"
python3 - "$TMP/index.json" "$NAME" "$DIGEST" "$R" <<'PY' || fail "index content"
import json, sys
ix = json.load(open(sys.argv[1]))
assert ix["format"] == "kanalytic-index" and ix["format_version"] == 1, ix
assert ix["registry"] == sys.argv[4], ix["registry"]
[e] = [e for e in ix["analytics"] if e["name"] == sys.argv[2]]
assert e["version"] == "1.0.0" and e["digest"] == sys.argv[3], e
assert e["image"] == sys.argv[4] + "/kestrel-analytics-" + sys.argv[2], e
assert e["entity_types"] == ["*"] and e["inputs"] == 1 and e["parameters"] == [], e
assert e["display"] is False and e["published"].endswith("Z"), e
PY

# the same image again: nothing new at 1.0.0
run "$KANALYTIC" publish "$NAME" --registry "$R" --index "$TMP/index.json"
expect_rc 0 "publish again"; expect_out_has "unchanged $NAME 1.0.0 $DIGEST"

# versions are immutable: another image under the same version is refused
echo 'LABEL itest.changed="yes"' >>"$A/Dockerfile"
run "$KANALYTIC" build "$NAME"
expect_rc 0 "rebuild with a change, same version"
image_ids+=("$(image_id "$IMAGE:latest")")
cp "$TMP/index.json" "$TMP/index.before"
run "$KANALYTIC" publish "$NAME" --registry "$R" --index "$TMP/index.json"
expect_rc 1 "publish another image as 1.0.0"
expect_err_has "already published with digest $DIGEST"; expect_err_has "immutable"
cmp -s "$TMP/index.json" "$TMP/index.before" || fail "a refused publish changed the index"
remote=$(curl -s -o /dev/null -D - -u 'alice:s3cret pw' -I \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
  "http://127.0.0.1:$PORT/v2/kanalytic-test/$IMAGE/manifests/1.0.0" | tr -d '\r' |
  awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')
[ "$remote" = "$DIGEST" ] || fail "1.0.0 was overwritten in the registry: $remote"

# --- install: no local image of the analytic is left; back from the registry -----------------
for t in "$IMAGE:latest" "$IMAGE:1.0.0" "$RIMAGE:latest" "$RIMAGE:1.0.0"; do
  api -X DELETE "http://localhost/images/$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$t")?force=1" >/dev/null
done
for i in "${image_ids[@]}"; do api -X DELETE "http://localhost/images/$i?force=1" >/dev/null; done
[ -z "$(image_id "$IMAGE:latest")" ] || fail "local image still there"
run "$KANALYTIC" test "$NAME" --no-build
expect_rc 2 "test without an image and --no-build"

run "$KANALYTIC" install "$NAME" --index "$TMP/index.json" --username alice --password-stdin <<<"bad"
expect_rc 2 "install with a wrong password"; expect_err_has "unauthorized"
[ -z "$(image_id "$IMAGE:latest")" ] || fail "a refused install tagged an image"
run "$KANALYTIC" install "$NAME@9.9.9" --registry "$R"
expect_rc 2 "install a version never published"; expect_err_has "manifest unknown"

# an index whose digest is not the registry's: refused, nothing tagged locally
python3 - "$TMP/index.json" "$TMP/index-bad.json" <<'PY'
import json, sys
ix = json.load(open(sys.argv[1]))
for e in ix["analytics"]:
    e["digest"] = "sha256:" + "0" * 64
json.dump(ix, open(sys.argv[2], "w"))
PY
run "$KANALYTIC" install "$NAME" --index "$TMP/index-bad.json"
expect_rc 1 "install with another digest in the index"; expect_err_has "the index says sha256:000"
[ -z "$(image_id "$IMAGE:latest")" ] || fail "an install refused for its digest tagged $IMAGE"

cd "$TMP"   # no checkout needed from here on
run env -u KANALYTIC_ROOT "$KANALYTIC" install "$NAME" --index "file://$TMP/index.json"
expect_rc 0 "install from the index"
expect_out_has "installed $NAME 1.0.0 $DIGEST"; expect_out_has "APPLY docker://$NAME ON v0"
[ "$(image_id "$IMAGE:latest")" = "$ID1" ] || fail "installed image is not the published one"
[ "$(image_id "$IMAGE:1.0.0")" = "$ID1" ] || fail "no $IMAGE:1.0.0 after install"
run env -u KANALYTIC_ROOT "$KANALYTIC" list --installed
expect_rc 0 "list --installed"
grep -E "^$NAME +1\.0\.0 .*$R/$IMAGE" <<<"$out" >/dev/null || fail "list --installed: $out"
run env -u KANALYTIC_ROOT "$KANALYTIC" info "$NAME"
expect_rc 0 "info"; expect_out_has "$NAME 1.0.0"; expect_out_has "v0: *"
expect_out_has "APPLY docker://$NAME ON v0"
run env -u KANALYTIC_ROOT "$KANALYTIC" info itest-share-missing-$$
expect_rc 2 "info on a missing image"; expect_err_has "kanalytic install"
cd "$ROOT"

# the installed image passes its tests without any build
run "$KANALYTIC" test "$NAME" --no-build
expect_rc 0 "kanalytic test on the installed image"
[ "$(image_id "$IMAGE:latest")" = "$ID1" ] || fail "test rebuilt the image"
# and publishing the installed image again is recognised as the same
run "$KANALYTIC" publish "$NAME" --registry "$R"
expect_rc 0 "publish the installed image"; expect_out_has "unchanged $NAME 1.0.0 $DIGEST"

# --- one analytic of the collection (a small C one): publish, install over it, test ---------
# Its local image is shared with other work on this engine, so it is not removed here: the
# install re-tags the very image pulled back from the registry, and its golden tests pass on it.
COLL=domain-dga-score
unset KANALYTIC_ROOT
cd "$ROOT"
if [ -z "$(image_id "kestrel-analytics-$COLL:latest")" ]; then
  run "$KANALYTIC" build "$COLL"; expect_rc 0 "build $COLL"
fi
CR=127.0.0.1:$PORT/kanalytic-test-$$
run "$KANALYTIC" publish "$COLL" --registry "$CR" --index "$TMP/coll.json"
expect_rc 0 "publish $COLL"; expect_out_has "published $COLL "
CDIGEST=$(awk '{print $4}' <<<"$out")
CVERSION=$(awk '{print $3}' <<<"$out")
run "$KANALYTIC" install "$COLL@$CVERSION" --index "$TMP/coll.json"
expect_rc 0 "install $COLL"; expect_out_has "installed $COLL $CVERSION $CDIGEST"
api "http://localhost/images/kestrel-analytics-$COLL:latest/json" | grep -qF "$CR/kestrel-analytics-$COLL@$CDIGEST" ||
  fail "the installed $COLL does not carry the registry's digest"
run "$KANALYTIC" test "$COLL" --no-build
expect_rc 0 "kanalytic test $COLL on the installed image"
for t in "$CR/kestrel-analytics-$COLL:latest" "$CR/kestrel-analytics-$COLL:$CVERSION"; do
  api -X DELETE "http://localhost/images/$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$t")" >/dev/null
done
done_testing
