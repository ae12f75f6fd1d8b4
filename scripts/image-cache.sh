#!/usr/bin/env bash
# The analytics' images between CI runs (.github/workflows/analytics.yml), through the Engine
# API (curl on the socket; no docker CLI):
#   image-cache.sh key ROOT     what keys the cache: for each ROOT/analytics/*/Dockerfile
#                               (sorted), its path and its lines up to the first COPY or ADD
#                               (the base layers: FROM, apt-get, pip install of pinned
#                               versions), so a change to an analytic's own files keeps the key
#   image-cache.sh save FILE [IMAGE...]   every kestrel-analytics-* image and the base image
#                               debian:sid-slim (or the images named) into FILE
#                               (GET /images/get)
#   image-cache.sh load FILE    the images of FILE into the engine (POST /images/load)
# Loaded images do not seed the classic builder's own cache: builds then take layers from
# them with KANALYTIC_BUILD_CACHE_FROM=1 (kanalytic build's cachefrom).
set -euo pipefail
sock=${IMAGE_CACHE_SOCK:-/var/run/docker.sock}
api() { curl -sf --unix-socket "$sock" "$@"; }

case ${1:-} in
  key)
    root=${2:?usage: image-cache.sh key ROOT}
    find "$root/analytics" -mindepth 2 -maxdepth 2 -name Dockerfile -type f 2>/dev/null | LC_ALL=C sort |
      while IFS= read -r f; do
        echo "== ${f#"$root"/}"
        awk 'toupper($1) == "COPY" || toupper($1) == "ADD" { exit } { print }' "$f"
      done
    ;;
  save)
    out=${2:?usage: image-cache.sh save FILE [IMAGE...]}
    shift 2
    if [ $# -gt 0 ]; then
      names=$(printf '%s\n' "$@")
    else
      names=$(api "http://localhost/images/json" | grep -oE '"(kestrel-analytics-[^"]+|debian:sid-slim)"' |
              tr -d '"' | LC_ALL=C sort -u)
    fi
    if [ -z "$names" ]; then echo "image-cache: no kestrel-analytics-* image to save" >&2; exit 1; fi
    # shellcheck disable=SC2086 # one name a word
    query=$(printf 'names=%s&' $names)
    api -o "$out.tmp" "http://localhost/images/get?${query%&}" && mv "$out.tmp" "$out"
    echo "image-cache: saved $(echo "$names" | wc -l) image(s), $(du -h "$out" | cut -f1), to $out" >&2
    ;;
  load)
    in=${2:?usage: image-cache.sh load FILE}
    if [ ! -s "$in" ]; then echo "image-cache: $in is missing or empty: nothing to load" >&2; exit 0; fi
    out=$(api -X POST -H 'Content-Type: application/x-tar' --data-binary "@$in" \
            "http://localhost/images/load?quiet=1") || { echo "image-cache: the engine refused $in" >&2; exit 1; }
    echo "image-cache: loaded $(grep -o 'Loaded image[^"\\]*' <<<"$out" | wc -l) image(s) from $in" >&2
    ;;
  *)
    echo "usage: image-cache.sh key ROOT | save FILE | load FILE" >&2
    exit 2
    ;;
esac
