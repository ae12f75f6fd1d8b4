# The CI image cache against the real engine: scripts/image-cache.sh key/save/load, and
# kanalytic build with KANALYTIC_BUILD_CACHE_FROM=1 taking its layers from a loaded image
# (which the classic builder's own cache does not use): after save, delete and load, the
# rebuild reuses the RUN layer and gives the very same layers.
source "$(dirname "$0")/../lib.sh"

SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
api() { curl -sS --unix-socket "$SOCK" "$@"; }
if ! api http://localhost/_ping >/dev/null 2>&1; then
  echo "$(basename "$0"): skipped (no Docker engine on $SOCK)"
  exit 0
fi

NAME=itest-cache-$$
IMAGE=kestrel-analytics-$NAME
REPO=$TMP/repo
A=$REPO/analytics/$NAME
export KANALYTIC_ROOT=$REPO KANALYTIC_SCHEMAS=$ROOT/schemas
unset KANALYTIC_BUILD_CACHE_FROM
cleanup() {
  for t in latest 1.0.0; do api -X DELETE "http://localhost/images/$IMAGE:$t?force=1" >/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
image_id() { api "http://localhost/images/$IMAGE:latest/json" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Id",""))'; }
# the filesystem layers (the labels, with their build time, are not in them)
layers() { api "http://localhost/images/$IMAGE:latest/json" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin).get("RootFS",{}).get("Layers",[])))'; }

mkdir -p "$A"
cp -r "$ROOT/analytics/sklearn-cluster/tests" "$A/"
sed -e "s/^name: sklearn-cluster/name: $NAME/" -e 's/^version: .*/version: 1.0.0/' -e '/^build:/,$d' \
  "$ROOT/analytics/sklearn-cluster/analytic.yaml" >"$A/analytic.yaml"
echo "# $NAME" >"$A/README.md"
# the RUN layer differs on every run that does not reuse it
printf 'FROM debian:sid-slim\nRUN head -c 16 /dev/urandom | od -An -tx1 >/stamp\nCOPY README.md /README.md\n' >"$A/Dockerfile"

# key: the lines before the first COPY, per Dockerfile
run "$ROOT/scripts/image-cache.sh" key "$REPO"
expect_rc 0 "key"
[ "$out" = "== analytics/$NAME/Dockerfile
FROM debian:sid-slim
RUN head -c 16 /dev/urandom | od -An -tx1 >/stamp" ] || fail "key: $out"
key1=$out
echo "# more" >>"$A/README.md"
run "$ROOT/scripts/image-cache.sh" key "$REPO"
[ "$out" = "$key1" ] || fail "key changed with the analytic's own files: $out"

# cachefrom naming images that do not exist yet (a new analytic): the engine skips them
KANALYTIC_BUILD_CACHE_FROM=1 run "$KANALYTIC" build "$NAME"
expect_rc 0 "first build"
first=$(image_id)
first_layers=$(layers)
[ -n "$first" ] || fail "no image after the first build"

run "$ROOT/scripts/image-cache.sh" save "$TMP/images.tar" "$IMAGE:latest" "$IMAGE:1.0.0"
expect_rc 0 "save"; expect_err_has "saved 2 image(s)"
for t in latest 1.0.0; do api -X DELETE "http://localhost/images/$IMAGE:$t?force=1" >/dev/null; done
[ -z "$(image_id)" ] || fail "the image is still there after the delete"
run "$ROOT/scripts/image-cache.sh" load "$TMP/images.tar"
expect_rc 0 "load"; expect_err_has "loaded"
[ "$(image_id)" = "$first" ] || fail "the loaded image is not the saved one"

KANALYTIC_BUILD_CACHE_FROM=1 run "$KANALYTIC" -v build "$NAME"
expect_rc 0 "build from the loaded image"
grep -q "Using cache" <<<"$out$err" || fail "no cached step: $out $err"
[ "$(layers)" = "$first_layers" ] || fail "the rebuild made new layers: the RUN layer was not reused"

run "$ROOT/scripts/image-cache.sh" load "$TMP/none.tar"
expect_rc 0 "load of a missing file"; expect_err_has "nothing to load"

done_testing
