#!/usr/bin/env bash
# Makes sure the engine has the base image debian:sid-slim (or the image named as $1):
#   1. already there: nothing to do;
#   2. else ask the engine to pull it (Engine API POST /images/create, from the engine's
#      default registry), bounded by BASE_IMAGE_PULL_TIMEOUT seconds (default 120);
#   3. only where no registry answers (an offline machine), make it with debootstrap from a
#      Debian archive: $DEBIAN_MIRROR, else the Debian mirror this machine's apt sources name
#      (an Ubuntu machine has none: set DEBIAN_MIRROR), used only if it answers.
# Says which way it went. Sourced with BASE_IMAGE_LIB=1 it only defines the functions (the
# tests replace the engine and debootstrap with fakes).
BASE_IMAGE_SOCK=${BASE_IMAGE_SOCK:-/var/run/docker.sock}

base_image_api() { curl -sf --unix-socket "$BASE_IMAGE_SOCK" "http://localhost$1"; }

base_image_present() { base_image_api "/images/$1/json" >/dev/null 2>&1; }

# Asks the engine to pull REPO:TAG. The engine answers 200 and streams progress even when the
# pull fails later, so success is the image being there afterwards.
base_image_pull() {
  local image=$1 repo=${1%:*} tag=${1##*:} out
  [ "$repo" = "$image" ] && tag=latest
  out=$(curl -s --max-time "${BASE_IMAGE_PULL_TIMEOUT:-120}" --unix-socket "$BASE_IMAGE_SOCK" \
          -X POST "http://localhost/images/create?fromImage=$repo&tag=$tag" 2>&1) || true
  if base_image_present "$image"; then return 0; fi
  # the engine's last word, for the log
  BASE_IMAGE_PULL_ERROR=$(printf '%s\n' "$out" |
    sed -n 's/.*"\(message\|error\)":"\(.*\)"[,}].*/\2/p' | tail -n 1 | sed 's/\\"/"/g')
  [ -n "$BASE_IMAGE_PULL_ERROR" ] || BASE_IMAGE_PULL_ERROR="no answer within ${BASE_IMAGE_PULL_TIMEOUT:-120}s"
  return 1
}

# A Debian archive: $DEBIAN_MIRROR, else the first .../debian URI of the apt sources.
base_image_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then printf '%s\n' "$DEBIAN_MIRROR"; return 0; fi
  grep -hoE '^(deb|URIs:)[[:space:]]+(\[[^]]*\][[:space:]]+)?https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
    "${BASE_IMAGE_APT_SOURCES:-/etc/apt/sources.list}" "${BASE_IMAGE_APT_SOURCES_D:-/etc/apt/sources.list.d}"/* 2>/dev/null |
    grep -oE 'https?://[^[:space:]]+' | head -n 1
}

base_image_mirror_answers() {
  curl -sf --max-time 15 -o /dev/null "${1%/}/dists/sid/Release"
}

base_image_debootstrap() {
  local image=$1 mirror=$2 dir
  dir=$(mktemp -d /tmp/kanalytic-sid.XXXXXX)
  debootstrap --variant=minbase sid "$dir" "$mirror" >/tmp/kanalytic-debootstrap.log 2>&1 || {
    tail -n 30 /tmp/kanalytic-debootstrap.log >&2; rm -rf "$dir"; return 1; }
  echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99kanalytic-snapshot"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$dir/etc/apt/apt.conf.d/99kanalytic-norecommends"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | curl -sf --unix-socket "$BASE_IMAGE_SOCK" -X POST \
    -H 'Content-Type: application/x-tar' --data-binary @- \
    "http://localhost/images/create?fromSrc=-&repo=${image%:*}&tag=${image##*:}&changes=CMD%20%5B%22bash%22%5D" >/dev/null
  rm -rf "$dir"
  base_image_present "$image"
}

base_image_main() {
  local image=${1:-debian:sid-slim} mirror
  if base_image_present "$image"; then
    echo "base-image: $image is already there" >&2
    return 0
  fi
  echo "base-image: asking the engine to pull $image" >&2
  if base_image_pull "$image"; then
    echo "base-image: pulled $image from the engine's registry" >&2
    return 0
  fi
  echo "base-image: the pull failed ($BASE_IMAGE_PULL_ERROR); making $image with debootstrap" >&2
  mirror=$(base_image_mirror || true)
  if [ -z "$mirror" ]; then
    echo "base-image: no registry answered and no Debian archive is known: the apt sources" \
         "name no .../debian mirror (an Ubuntu machine has none); set DEBIAN_MIRROR to a" \
         "Debian archive's URL, or make the engine reach a registry" >&2
    return 1
  fi
  if ! base_image_mirror_answers "$mirror"; then
    echo "base-image: no registry answered and the Debian archive $mirror does not answer" \
         "(no dists/sid/Release); set DEBIAN_MIRROR to one that does" >&2
    return 1
  fi
  echo "base-image: debootstrap sid from $mirror" >&2
  if ! base_image_debootstrap "$image" "$mirror"; then
    echo "base-image: debootstrap or the import of $image failed" >&2
    return 1
  fi
  echo "base-image: made $image with debootstrap from $mirror (no registry answered)" >&2
}

if [ "${BASE_IMAGE_LIB:-0}" != 1 ]; then
  set -euo pipefail
  base_image_main "$@"
fi
