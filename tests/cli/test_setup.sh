# The set-up's choices, without installing anything: scripts/setup-select.sh against saved
# os-release and apt-cache answers of Debian 12, Debian sid, Ubuntu 22.04 and 24.04
# (tests/fixtures/setup/), and against this machine; scripts/base-image.sh's order (already
# there, else pull, else debootstrap from a Debian archive that answers, else a clear
# failure) with the engine and debootstrap replaced by fakes, and one real pull through the
# engine that must fail fast (a registry on localhost that does not answer: no traffic leaves
# the machine).
source "$(dirname "$0")/../lib.sh"
FIX=$ROOT/tests/fixtures/setup
source "$ROOT/scripts/setup-select.sh"

base="build-essential pkg-config curl ca-certificates git libgit2-dev libyaml-dev libcurl4-openssl-dev libjansson-dev libarchive-dev zlib1g-dev libsnappy-dev libzstd-dev liblz4-dev debootstrap"
select_on() { # DISTRO PROFILE DOCKERD NODE: sets $out (one line) $err $rc
  SETUP_OS_RELEASE=$FIX/$1/os-release SETUP_APT_ANSWERS=$FIX/$1 SETUP_HAVE_DOCKERD=$3 \
    SETUP_HAVE_NODE=$4 run setup_select "$2"
  out=$(tr '\n' ' ' <<<"$out" | sed 's/ $//')
}
expect_list() { [ "$out" = "$1" ] || fail "$2: got '$out', expected '$1'; stderr: $err"; }

# --- Debian 12: the packages the old set-up named, now chosen
select_on debian-12 gate 0 0
expect_rc 0 "debian-12 gate"; expect_list "$base docker.io" "debian-12 gate"
expect_err_has "Debian GNU/Linux 12 (bookworm) (debian 12), profile gate"
select_on debian-12 full 0 0
expect_rc 0 "debian-12 full"
expect_list "$base docker.io libcmocka-dev python3 bc docker-registry apache2-utils clang clang-14 libclang-rt-14-dev json-schema-test-suite chromium nodejs npm" "debian-12 full"

# --- Debian sid: clang 19 and its own runtime
select_on debian-sid full 0 0
expect_rc 0 "sid full"
expect_list "$base docker.io libcmocka-dev python3 bc docker-registry apache2-utils clang clang-19 libclang-rt-19-dev json-schema-test-suite chromium nodejs npm" "sid full"

# --- Ubuntu 22.04 on GitHub's runner (dockerd, node on PATH): clang 14's runtime is in
# libclang-common-14-dev, no json-schema-test-suite, chromium-browser is a snap stub
select_on ubuntu-22.04 gate 1 1
expect_rc 0 "jammy gate"; expect_list "$base" "jammy gate"
expect_err_has "a dockerd is on PATH; no docker.io"
select_on ubuntu-22.04 full 1 1
expect_rc 0 "jammy full"
expect_list "$base libcmocka-dev python3 bc docker-registry apache2-utils clang clang-14 libclang-common-14-dev" "jammy full"
expect_err_has "chromium: apt's chromium-browser is a snap stub"
expect_err_has "json-schema-test-suite: not in apt"
# without a node on PATH, apt's nodejs 12 is too old: a clear failure
select_on ubuntu-22.04 full 1 0
expect_rc 1 "jammy full, no node"; expect_err_has "apt's nodejs 12.22.9~dfsg-1ubuntu3.6 is older than 18"
# no dockerd: docker.io from apt
select_on ubuntu-22.04 gate 0 1
expect_rc 0 "jammy gate, no dockerd"; expect_list "$base docker.io" "jammy gate, no dockerd"

# --- Ubuntu 24.04: clang 18, libclang-rt-18-dev, nodejs 18 from apt, no chromium
select_on ubuntu-24.04 full 0 0
expect_rc 0 "noble full"
expect_list "$base docker.io libcmocka-dev python3 bc docker-registry apache2-utils clang clang-18 libclang-rt-18-dev json-schema-test-suite nodejs npm" "noble full"
expect_err_has "chromium: apt's chromium-browser is a snap stub"
select_on ubuntu-24.04 gate 1 1
expect_rc 0 "noble gate"; expect_list "$base" "noble gate"

# --- anything else is refused with the file named; an unknown profile too
printf 'ID=fedora\nVERSION_ID=41\n' >"$TMP/os-release"
SETUP_OS_RELEASE=$TMP/os-release SETUP_APT_ANSWERS=$FIX/debian-12 run setup_select full
expect_rc 1 "fedora"; expect_err_has "$TMP/os-release: ID=fedora is neither Debian nor Ubuntu"
printf 'ID=linuxmint\nID_LIKE="ubuntu debian"\n' >"$TMP/os-release"
SETUP_OS_RELEASE=$TMP/os-release SETUP_APT_ANSWERS=$FIX/ubuntu-24.04 SETUP_HAVE_DOCKERD=1 run setup_select gate
expect_rc 0 "ID_LIKE ubuntu"; expect_err_has "(ubuntu), profile gate"
run setup_select everything
expect_rc 1 "bad profile"; expect_err_has "unknown profile 'everything'"

# --- this machine, asked for real (the set-up `make check` runs here)
if grep -q '^ID=debian' /etc/os-release && grep -q '^VERSION_ID="12"' /etc/os-release; then
  run setup_select full
  expect_rc 0 "this machine"
  for p in clang-14 libclang-rt-14-dev chromium json-schema-test-suite; do
    grep -qx "$p" <<<"$out" || fail "this Debian 12 machine: $p not selected: $out"
  done
fi

# --- base-image.sh: the order, with fakes for the engine, the archive and debootstrap
calls=$TMP/calls
base_image() { # PRESENT PULL-WORKS MIRROR MIRROR-ANSWERS: runs base_image_main with fakes
  : >"$calls"
  (
    BASE_IMAGE_LIB=1 source "$ROOT/scripts/base-image.sh"
    have=$1 pull_ok=$2 mirror=$3 mirror_ok=$4
    base_image_present() { echo "present $1" >>"$calls"; [ "$have" = 1 ]; }
    base_image_pull() { echo "pull $1" >>"$calls"; [ "$pull_ok" = 1 ] && have=1
      BASE_IMAGE_PULL_ERROR="no registry"; [ "$have" = 1 ]; }
    base_image_mirror_answers() { echo "probe $1" >>"$calls"; [ "$mirror_ok" = 1 ]; }
    base_image_debootstrap() { echo "debootstrap $1 $2" >>"$calls"; }
    BASE_IMAGE_APT_SOURCES=$TMP/sources.list BASE_IMAGE_APT_SOURCES_D=$TMP/none \
      DEBIAN_MIRROR=$mirror base_image_main debian:sid-slim
  ) 2>"$TMP/err"
  rc=$?
  err=$(cat "$TMP/err")
  out=$(tr '\n' ';' <"$calls")
}
: >"$TMP/sources.list"
base_image 1 0 "" 0
expect_rc 0 "image there"; expect_list "present debian:sid-slim;" "image there: nothing else"
expect_err_has "debian:sid-slim is already there"
base_image 0 1 "" 0
expect_rc 0 "pull works"; expect_list "present debian:sid-slim;pull debian:sid-slim;" "pull works: no debootstrap"
expect_err_has "pulled debian:sid-slim from the engine's registry"
base_image 0 0 "http://archive.invalid/debian" 1
expect_rc 0 "pull fails, archive answers"
expect_list "present debian:sid-slim;pull debian:sid-slim;probe http://archive.invalid/debian;debootstrap debian:sid-slim http://archive.invalid/debian;" "pull, then debootstrap"
expect_err_has "the pull failed (no registry); making debian:sid-slim with debootstrap"
expect_err_has "made debian:sid-slim with debootstrap from http://archive.invalid/debian (no registry answered)"
base_image 0 0 "http://archive.invalid/debian" 0
expect_rc 1 "archive does not answer"; expect_err_has "does not answer"
[[ "$out" != *debootstrap* ]] || fail "debootstrap ran against an archive that does not answer"
# an Ubuntu machine: no Debian mirror in the apt sources, no DEBIAN_MIRROR
echo "deb http://ports.invalid/ubuntu noble main universe" >"$TMP/sources.list"
base_image 0 0 "" 1
expect_rc 1 "ubuntu, no archive"; expect_err_has "set DEBIAN_MIRROR"
expect_list "present debian:sid-slim;pull debian:sid-slim;" "ubuntu: no probe, no debootstrap"
# a Debian machine: the mirror of its apt sources
echo "deb [signed-by=/k.gpg] http://mirror.invalid/debian bookworm main" >"$TMP/sources.list"
base_image 0 0 "" 1
expect_rc 0 "debian sources"; expect_err_has "debootstrap sid from http://mirror.invalid/debian"

# --- the real engine: a pull nothing answers fails fast and leaves no image
if curl -sf --max-time 2 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; then
  (
    BASE_IMAGE_LIB=1 source "$ROOT/scripts/base-image.sh"
    BASE_IMAGE_PULL_TIMEOUT=20
    start=$SECONDS
    if base_image_pull "localhost:1/kanalytic-no-such-image:gate"; then
      echo "pull of an image from a registry that does not exist succeeded" >&2; exit 1
    fi
    [ $((SECONDS - start)) -le 25 ] || { echo "the pull took $((SECONDS - start))s" >&2; exit 1; }
    [ -n "$BASE_IMAGE_PULL_ERROR" ] || { echo "no reason for the failed pull" >&2; exit 1; }
    echo "pull failed in $((SECONDS - start))s: $BASE_IMAGE_PULL_ERROR" >&2
  ) 2>"$TMP/err" || fail "real pull: $(cat "$TMP/err")"
fi

done_testing
