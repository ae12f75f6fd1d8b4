#!/usr/bin/env bash
# Makes the offline base image debian:sid-slim with debootstrap from the Debian
# mirror this machine's apt sources name, unless the engine already has it.
set -euo pipefail
image=${1:-debian:sid-slim}
sock=/var/run/docker.sock
api() { curl -sf --unix-socket "$sock" "http://localhost$1"; }
if api "/images/$image/json" >/dev/null 2>&1; then exit 0; fi

mirror=$(grep -hoE '^(deb|URIs:)[[:space:]]+(\[[^]]*\][[:space:]]+)?https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
           /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
         grep -oE 'https?://[^[:space:]]+' | head -n1 || true)
if [ -z "$mirror" ]; then
  echo "base-image: no Debian mirror found in /etc/apt/sources.list*" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/kanalytic-sid.XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "base-image: debootstrap sid from $mirror" >&2
debootstrap --variant=minbase sid "$dir" "$mirror" >/tmp/kanalytic-debootstrap.log 2>&1 || {
  tail -n 30 /tmp/kanalytic-debootstrap.log >&2; exit 1; }
echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99kanalytic-snapshot"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
  >"$dir/etc/apt/apt.conf.d/99kanalytic-norecommends"
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | curl -sf --unix-socket "$sock" -X POST \
  -H 'Content-Type: application/x-tar' --data-binary @- \
  "http://localhost/images/create?fromSrc=-&repo=${image%%:*}&tag=${image##*:}&changes=CMD%20%5B%22bash%22%5D" >/dev/null
api "/images/$image/json" >/dev/null || { echo "base-image: import of $image failed" >&2; exit 1; }
echo "base-image: imported $image" >&2
