# kanalytic doctor looks on the engine for the base images the repository's Dockerfiles name
# (analytics/*/Dockerfile and template/*/Dockerfile; scratch, build arguments and earlier
# stages left out), pulls nothing, and exits 1 when one is missing.
source "$(dirname "$0")/../lib.sh"
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
if ! curl -sf --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; then
  echo "$(basename "$0"): skipped (no Docker engine on $SOCK)"; exit 0
fi
REPO=$TMP/repo
missing=kanalytic-doctor-missing-$$:1
mkdir -p "$REPO/analytics/a" "$REPO/template/t"
echo 'name: a' >"$REPO/analytics/a/analytic.yaml"
printf 'FROM debian:sid-slim AS build\nFROM build\nFROM scratch\n' >"$REPO/analytics/a/Dockerfile"
printf 'ARG B\nFROM $B\nFROM --platform=linux/amd64 %s\n' "$missing" >"$REPO/template/t/Dockerfile"

run "$KANALYTIC" -C "$REPO" doctor
expect_rc 1 "doctor with a missing base image"
expect_out_has "base image debian:sid-slim present"
expect_out_has "analytics/a/Dockerfile"
expect_out_has "base image $missing missing (needed by template/t/Dockerfile)"
expect_out_lacks "base image build"
expect_out_lacks "base image scratch"
expect_out_lacks 'base image $B'

rm "$REPO/template/t/Dockerfile"
run "$KANALYTIC" -C "$REPO" doctor
expect_rc 0 "doctor with every base image present"
expect_out_lacks "$missing"
done_testing
