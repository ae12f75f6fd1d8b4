#!/usr/bin/env bash
# One-time (idempotent) set-up for building and testing kanalytic on Debian:
#   1. the Debian packages it needs (installed when run as root, else listed),
#   2. a Docker engine answering on /var/run/docker.sock (started when nothing answers),
#   3. the offline base image debian:sid-slim (made with debootstrap when missing).
# SETUP_SKIP_DOCKER=1 stops after step 1.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential pkg-config clang libclang-rt-14-dev curl ca-certificates git
  libgit2-dev libyaml-dev libcurl4-openssl-dev libcmocka-dev libjansson-dev libarchive-dev
  zlib1g-dev libsnappy-dev libzstd-dev liblz4-dev
  json-schema-test-suite docker.io debootstrap python3 bc chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js runs the DuckDB oracle (npm @duckdb/node-api) of the interop tests and benches;
# any node/npm on PATH will do, else Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/kanalytic-apt.log 2>&1 || {
      apt-get update -q >/dev/null 2>&1 || true
      apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/kanalytic-apt.log 2>&1 || {
        tail -n 20 /tmp/kanalytic-apt.log >&2; exit 1; }
    }
  else
    echo "setup: missing Debian packages; install them with:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
[ "${SETUP_SKIP_DOCKER:-0}" = 1 ] && exit 0

scripts/start-dockerd.sh
scripts/base-image.sh debian:sid-slim
