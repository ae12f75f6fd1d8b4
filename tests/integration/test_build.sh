# kanalytic build against the real engine: builds a throwaway analytic in a temporary
# repository FROM debian:sid-slim, then proves through the Engine API (curl on the socket)
# exactly which context files reached the image, which labels and tags it got, and how a
# failing RUN, an escaping symlink and an unreachable engine are reported.
source "$(dirname "$0")/../lib.sh"

SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
api() { curl -sS --unix-socket "$SOCK" "$@"; }
if ! api http://localhost/_ping >/dev/null 2>&1; then
  echo "$(basename "$0"): skipped (no Docker engine on $SOCK)"
  exit 0
fi

NAME=itest-build-$$
IMAGE=kestrel-analytics-$NAME
REPO=$TMP/repo
A=$REPO/analytics/$NAME
export KANALYTIC_ROOT=$REPO KANALYTIC_SCHEMAS=$ROOT/schemas
containers=()
images=()
cleanup() {
  for c in "${containers[@]}"; do api -X DELETE "http://localhost/containers/$c?force=1&v=1" >/dev/null; done
  for t in latest 1.0.0; do api -X DELETE "http://localhost/images/$IMAGE:$t?force=1" >/dev/null; done
  # rebuilds leave the earlier images untagged: remove every one this test made
  for i in "${images[@]}"; do api -X DELETE "http://localhost/images/$i?force=1" >/dev/null; done
  rm -rf "$TMP"
}
remember_image() {
  images+=("$(api "http://localhost/images/$IMAGE:latest/json" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("Id",""))')")
}
trap cleanup EXIT

# --- a repository with one analytic ---------------------------------------------------------
mkdir -p "$A" "$REPO/tool/util"
cp -r "$ROOT/analytics/sklearn-cluster/tests" "$A/"
# sklearn-cluster's manifest, as version 1.0.0 and without its own build section
sed -e "s/^name: sklearn-cluster/name: $NAME/" -e 's/^version: .*/version: 1.0.0/' -e '/^build:/,$d' \
  "$ROOT/analytics/sklearn-cluster/analytic.yaml" >"$A/analytic.yaml"
cat >>"$A/analytic.yaml" <<'EOF'
build:
  include:
    - src: tool/util
      dest: vendor/util
  args:
    GREETING: from-the-manifest
EOF
echo 'buf' >"$REPO/tool/util/buf.c"
echo '# test' >"$A/README.md"
echo 'print(1)' >"$A/analytics.py"
cat >"$A/Dockerfile" <<'EOF'
FROM debian:sid-slim
ARG GREETING
COPY . /ctx/
RUN echo "$GREETING" > /greeting
EOF
cat >"$A/.dockerignore" <<'EOF'
# junk
*.log
secret/
!secret/keep.txt
docs/**
**/*.tmp
EOF
mkdir -p "$A/app" "$A/secret" "$A/docs" "$A/deep/er"
echo 1 >"$A/app/main.py"; echo 1 >"$A/app/debug.log"; echo 1 >"$A/top.log"
echo 1 >"$A/secret/key"; echo 1 >"$A/secret/keep.txt"; echo 1 >"$A/docs/readme"
echo 1 >"$A/deep/er/x.tmp"; echo 1 >"$A/deep/er/y.txt"
ln -s app/main.py "$A/link"
(cd "$REPO" && git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm init)
HEAD=$(git -C "$REPO" rev-parse HEAD)

# --- a clean build -----------------------------------------------------------------------------
run "$KANALYTIC" build --build-arg EXTRA=1 "$NAME"
expect_rc 0 "build"
expect_err_has "$NAME: context "
expect_err_has "Step 1/"
expect_out_has "$NAME"
expect_out_has "built"

remember_image
inspect=$(api "http://localhost/images/$IMAGE:latest/json")
label() { python3 -c 'import json,sys; print(json.load(sys.stdin)["Config"]["Labels"].get(sys.argv[1],""))' "$1" <<<"$inspect"; }
[ "$(label org.opencontainers.image.title)" = "$NAME" ] || fail "title label: $(label org.opencontainers.image.title)"
[ "$(label org.opencontainers.image.version)" = "1.0.0" ] || fail "version label"
[ "$(label org.opencontainers.image.revision)" = "$HEAD" ] || fail "revision $(label org.opencontainers.image.revision) != $HEAD"
[ "$(label org.opencontainers.image.licenses)" = "Apache-2.0" ] || fail "licenses label"
[ -n "$(label org.opencontainers.image.created)" ] || fail "created label"
[ -n "$(label org.opencontainers.image.authors)" ] || fail "authors label"
[ -n "$(label org.opencontainers.image.description)" ] || fail "description label"
case "$(label io.kanalytic.context-digest)" in sha256:????????????????????????????????????????????????????????????????) ;; *) fail "context digest label";; esac
python3 -c 'import json,sys; m=json.loads(sys.argv[1]); assert m["name"]==sys.argv[2], m' \
  "$(label io.kanalytic.manifest)" "$NAME" || fail "manifest label is not the manifest"
tags=$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["RepoTags"])))' <<<"$inspect")
[ "$tags" = "$IMAGE:1.0.0 $IMAGE:latest" ] || fail "tags: $tags"

# --- exactly which files were sent: read /ctx back out of a container ---------------------------
cid=$(api -X POST -H 'Content-Type: application/json' -d "{\"Image\":\"$IMAGE:latest\",\"Labels\":{\"io.kanalytic\":\"1\"}}" \
  http://localhost/containers/create | python3 -c 'import json,sys; print(json.load(sys.stdin)["Id"])')
containers+=("$cid")
api "http://localhost/containers/$cid/archive?path=/ctx" >"$TMP/ctx.tar"
got=$(tar -tf "$TMP/ctx.tar" | sed 's|/$||' | sort)
# "*.log" matches at the top only; docs/** keeps docs itself; secret/keep.txt is re-included.
want=$(printf '%s\n' ctx ctx/.dockerignore ctx/Dockerfile ctx/README.md ctx/analytic.yaml ctx/analytics.py ctx/app ctx/app/debug.log \
  ctx/app/main.py ctx/deep ctx/deep/er ctx/deep/er/y.txt ctx/docs ctx/link ctx/secret \
  ctx/secret/keep.txt ctx/vendor ctx/vendor/util ctx/vendor/util/buf.c \
  $(cd "$A" && find tests | sed 's|^|ctx/|') | sort)
[ "$got" = "$want" ] || fail "files in the image differ: $(diff <(echo "$want") <(echo "$got") | head -20)"
listing=$(tar -tvf "$TMP/ctx.tar")
grep -q '^l.* ctx/link -> app/main.py' <<<"$listing" || fail "the symlink was not kept as a link"
api "http://localhost/containers/$cid/archive?path=/greeting" | tar -xO >"$TMP/greet"
[ "$(cat "$TMP/greet")" = "from-the-manifest" ] || fail "build arg from the manifest: $(cat "$TMP/greet")"

# --- uncommitted change in the analytic's folder -> "-dirty" ------------------------------------
echo 2 >>"$A/app/main.py"
run "$KANALYTIC" build "$NAME"
expect_rc 0 "dirty build"
remember_image
rev=$(api "http://localhost/images/$IMAGE:latest/json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Config"]["Labels"]["org.opencontainers.image.revision"])')
[ "$rev" = "$HEAD-dirty" ] || fail "dirty revision: $rev"

# --- a failing RUN step -------------------------------------------------------------------------
printf 'FROM debian:sid-slim\nRUN echo the-last-words && exit 3\n' >"$A/Dockerfile"
run "$KANALYTIC" build "$NAME"
expect_rc 1 "failing RUN"
expect_err_has "$NAME: build failed at Step 2/"
expect_err_has ": RUN echo the-last-words && exit 3"
expect_err_has "| the-last-words"
expect_err_has "returned a non-zero code: 3"
expect_out_has "FAILED"

# --- a link leading out of the context ------------------------------------------------------------
printf 'FROM debian:sid-slim\n' >"$A/Dockerfile"
ln -s ../../../etc/passwd "$A/escape"
run "$KANALYTIC" build "$NAME"
expect_rc 1 "escaping link"
expect_err_has "escape: symbolic link to '../../../etc/passwd' points outside the build context"
rm "$A/escape"

# --- an invalid manifest is not built ---------------------------------------------------------------
cp "$A/analytic.yaml" "$TMP/good.yaml"
sed -i 's/^version: 1.0.0/version: one/' "$A/analytic.yaml"
run "$KANALYTIC" build "$NAME"
expect_rc 1 "invalid manifest"
expect_err_has "analytic.yaml"
cp "$TMP/good.yaml" "$A/analytic.yaml"

# --- no engine --------------------------------------------------------------------------------------
DOCKER_HOST=unix://$TMP/no.sock run "$KANALYTIC" build "$NAME"
expect_rc 2 "unreachable engine"
expect_err_has "cannot reach the Docker engine at unix://$TMP/no.sock"

# --- doctor and gc ------------------------------------------------------------------------------------
run "$KANALYTIC" doctor
expect_rc 0 "doctor"
expect_out_has "API version in use: "
expect_out_has "storage driver: "
expect_out_has "base image debian:sid-slim present"
run "$KANALYTIC" gc
expect_rc 0 "gc"
expect_out_has "removed container "
expect_out_has "${cid:0:12}"
api "http://localhost/containers/$cid/json" | grep -q 'No such container' || fail "gc left $cid"
DOCKER_HOST=unix://$TMP/no.sock run "$KANALYTIC" doctor
expect_rc 2 "doctor without engine"
done_testing
