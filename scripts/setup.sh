#!/usr/bin/env bash
# One-time (idempotent) set-up for building and testing kanalytic on Debian 12, Debian sid and
# Ubuntu 22.04/24.04 (GitHub's runners):
#   1. the apt packages of the profile (installed when run as root, else listed), chosen by
#      scripts/setup-select.sh from /etc/os-release and what apt-cache has,
#   2. a Docker engine answering on /var/run/docker.sock (started when nothing answers),
#   3. the base image debian:sid-slim: pulled by the engine, or made with debootstrap where no
#      registry answers (scripts/base-image.sh).
# usage: scripts/setup.sh [gate|full]    (default full: what `make check` needs)
#   gate  what the CI gate needs: build dependencies, a Docker engine, debootstrap
#   full  the whole test suite: adds clang and its runtime (fuzzing), chromium, Node.js, ...
# SETUP_SKIP_DOCKER=1 stops after step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-full}
# shellcheck source=scripts/setup-select.sh
source scripts/setup-select.sh

# a fresh machine or container may have no package lists yet: apt-cache would know nothing
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null &&
  ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
  apt-get update -q >/dev/null 2>&1 || true
fi
packages=$(setup_select "$profile") || { echo "setup: cannot choose the packages (see above)" >&2; exit 1; }
missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
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
    echo "setup: missing packages; install them with:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
[ "${SETUP_SKIP_DOCKER:-0}" = 1 ] && exit 0

scripts/start-dockerd.sh
scripts/base-image.sh debian:sid-slim
