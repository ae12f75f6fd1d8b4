#!/usr/bin/env bash
# Which apt packages scripts/setup.sh installs, chosen by the distribution (/etc/os-release)
# and by what apt-cache has; sourced by setup.sh and by tests/cli/test_setup.sh, which point
# it at saved answers (tests/fixtures/setup/DISTRO/).
#   setup_select PROFILE    prints the packages, one a line; notes on stderr; 1 on trouble
# PROFILE: gate  what the CI gate needs: build dependencies, a Docker engine, debootstrap
#          full  the whole test suite: adds clang with its own matching runtime (fuzzing),
#                cmocka, chromium, Node.js 18+, python3, bc, json-schema-test-suite,
#                docker-registry and apache2-utils (test_share.sh)
# Inputs (the defaults ask this machine):
#   SETUP_OS_RELEASE    os-release file (/etc/os-release)
#   SETUP_APT_ANSWERS   folder of saved answers: apt-cache-policy.txt (`apt-cache policy` of
#                       every name asked) and apt-cache-show-NAME.txt; unset: run apt-cache
#   SETUP_HAVE_DOCKERD, SETUP_HAVE_NODE   1/0: a dockerd / node and npm already on PATH
#                       (GitHub's runners have both); unset: look on PATH

setup_note() { echo "setup: $*" >&2; }

# KEY from the os-release file, unquoted.
setup_os_field() {
  local line
  line=$(grep -E "^$1=" "${SETUP_OS_RELEASE:-/etc/os-release}" 2>/dev/null | tail -n 1) || true
  line=${line#*=}
  line=${line#[\"\']}
  line=${line%[\"\']}
  printf '%s' "$line"
}

setup_apt_policy() {
  if [ -n "${SETUP_APT_ANSWERS:-}" ]; then
    # the saved answer names every package asked; keep the sections of these
    awk -v want=" $* " '/^[^ ].*:$/ { name = substr($0, 1, length($0) - 1); keep = index(want, " " name " ") > 0 }
                        keep' "$SETUP_APT_ANSWERS/apt-cache-policy.txt"
  else
    LC_ALL=C apt-cache policy "$@" 2>/dev/null
  fi
}

setup_apt_show() {
  if [ -n "${SETUP_APT_ANSWERS:-}" ]; then
    cat "$SETUP_APT_ANSWERS/apt-cache-show-$1.txt" 2>/dev/null
  else
    LC_ALL=C apt-cache show "$1" 2>/dev/null
  fi
  return 0
}

# The version apt would install, empty when none (from the one apt-cache policy answer
# setup_select asks for every name at once: apt-cache takes a second or more a call).
setup_candidate() {
  printf '%s\n' "$SETUP_POLICY" | awk -v p="$1:" '$0 == p { s = 1; next } /^[^ ]/ { s = 0 }
    s && $1 == "Candidate:" { if ($2 != "(none)") print $2; exit }'
}

# Major version of a Debian version string: 1:14.0-55 -> 14, 18.19.1+dfsg-6 -> 18.
setup_major() {
  local v=${1#*:}
  printf '%s' "${v%%[!0-9]*}"
}

setup_have() { # NAME COMMAND...: the SETUP_HAVE_NAME override, else command -v
  local var=SETUP_HAVE_$1
  shift
  if [ -n "${!var:-}" ]; then [ "${!var}" = 1 ]; return; fi
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || return 1; done
}

setup_select() {
  local profile=${1:-full} id like ver
  case $profile in gate | full) ;; *) setup_note "unknown profile '$profile' (gate or full)"; return 1 ;; esac
  id=$(setup_os_field ID)
  like=" $(setup_os_field ID_LIKE) "
  ver=$(setup_os_field VERSION_ID)
  local family
  case "$id" in
    debian) family=debian ;;
    ubuntu) family=ubuntu ;;
    *)
      case "$like" in
        *" ubuntu "*) family=ubuntu ;;
        *" debian "*) family=debian ;;
        *) setup_note "${SETUP_OS_RELEASE:-/etc/os-release}: ID=$id is neither Debian nor Ubuntu; install the packages of docs/maintaining.md by hand"; return 1 ;;
      esac ;;
  esac
  setup_note "$(setup_os_field PRETTY_NAME) ($family${ver:+ $ver}), profile $profile"

  # the clang `clang` installs (its runtime must match it)
  local n=""
  if [ "$profile" = full ]; then
    n=$(setup_apt_show clang | sed -n 's/^Depends:.*\bclang-\([0-9][0-9]*\)\b.*/\1/p' | head -n 1)
    if [ -z "$n" ]; then
      setup_note "clang: apt-cache show clang names no clang-N"
      return 1
    fi
  fi
  SETUP_POLICY=$(setup_apt_policy docker.io ${n:+libclang-rt-$n-dev libclang-common-$n-dev} \
                   json-schema-test-suite chromium chromium-browser nodejs npm)

  local out=(build-essential pkg-config curl ca-certificates git
    libgit2-dev libyaml-dev libcurl4-openssl-dev libjansson-dev libarchive-dev
    zlib1g-dev libsnappy-dev libzstd-dev liblz4-dev debootstrap)

  # a Docker engine: GitHub's runners have one (docker-ce, which docker.io would conflict with)
  if setup_have DOCKERD dockerd; then
    setup_note "docker: a dockerd is on PATH; no docker.io"
  elif [ -n "$(setup_candidate docker.io)" ]; then
    out+=(docker.io)
  else
    setup_note "docker: no dockerd on PATH and apt has no docker.io"
    return 1
  fi

  if [ "$profile" = full ]; then
    out+=(libcmocka-dev python3 bc docker-registry apache2-utils) # registry + htpasswd: test_share.sh
    # clang and the compiler runtime of the same major version (libFuzzer, sanitizers): the
    # version `clang` depends on; the runtime is libclang-rt-N-dev where LLVM's packaging
    # splits it out (Debian 12, sid, Ubuntu 24.04), else libclang-common-N-dev holds it
    local rt="" c
    for c in "libclang-rt-$n-dev" "libclang-common-$n-dev"; do
      if [ -n "$(setup_candidate "$c")" ]; then rt=$c; break; fi
    done
    if [ -z "$rt" ]; then
      setup_note "clang: no runtime for clang-$n (libclang-rt-$n-dev, libclang-common-$n-dev)"
      return 1
    fi
    out+=(clang "clang-$n" "$rt")

    if [ -n "$(setup_candidate json-schema-test-suite)" ]; then
      out+=(json-schema-test-suite)
    else
      setup_note "json-schema-test-suite: not in apt; test_manifest_schema_suite skips it"
    fi

    # chromium: Ubuntu's chromium and chromium-browser are stubs that install the snap
    local ch=""
    for c in chromium chromium-browser; do
      [ -n "$(setup_candidate "$c")" ] || continue
      if [ "$family" = ubuntu ] ||
        setup_apt_show "$c" | grep -Eq '^(Pre-)?Depends:.*\bsnapd\b|^Description:.*[Tt]ransitional'; then
        setup_note "chromium: apt's $c is a snap stub; not installed (the HTML report test uses a chromium or google-chrome on PATH)"
        break
      fi
      ch=$c
      break
    done
    [ -n "$ch" ] && out+=("$ch")
    [ -z "$ch" ] && [ "$family" = debian ] && setup_note "chromium: apt has none"

    # Node.js 18+ for the DuckDB oracle (npm @duckdb/node-api)
    if setup_have NODE node npm; then
      setup_note "node: node and npm are on PATH"
    else
      local nv
      nv=$(setup_candidate nodejs)
      if [ -n "$nv" ] && [ "$(setup_major "$nv")" -ge 18 ] && [ -n "$(setup_candidate npm)" ]; then
        out+=(nodejs npm)
      else
        setup_note "node: apt's nodejs ${nv:-(none)} is older than 18 or has no npm; install Node 18+ (actions/setup-node on GitHub)"
        return 1
      fi
    fi
  fi
  printf '%s\n' "${out[@]}"
}
