#!/usr/bin/env bash
# The two set-up commands of the README, for a Debian 12 machine:
#   scripts/setup.sh run [ARGS...]  install what is missing, build build/webshield, run it
#   scripts/setup.sh test           install what is missing, build, run every test
# Packages are installed only when missing (apt-get needs root; sudo is used when available).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_packages=(cmake ninja-build g++ pkg-config libidn2-dev libfmt-dev nlohmann-json3-dev
                libsimdjson-dev libgmime-3.0-dev libopendkim-dev zlib1g-dev
                libcli11-dev libboost-dev libunbound-dev libevent-dev nettle-dev
                libcurl4-openssl-dev libssl-dev dns-root-data libgoogle-perftools-dev
                libsqlite3-dev libpq-dev libtomlplusplus-dev)
# The test world (tests/world/world.sh) needs knot, unbound, nginx, an SMTP server and Dovecot
# from Debian; the store tests start their own PostgreSQL (tests/world/postgres.sh) from Debian's
# postgresql. The browser test of the web pages (tests/e2e/dashboard.mjs) drives Debian's chromium.
# The test build compiles the benchmarks of bench/ too (Google Benchmark), so they keep building.
test_packages=(googletest libgtest-dev libgmock-dev libbenchmark-dev clang-19 libclang-rt-19-dev
               clang-format python3 knot knot-dnsutils nginx-light openssl python3-aiosmtpd python3-dkim
               unbound postgresql dovecot-imapd chromium)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

# The web pages (web/) take their chart library from npm. Debian's nodejs and npm only when there
# is no npm at all: a NodeSource nodejs brings its own npm and conflicts with Debian's.
ensure_npm() {
  command -v npm >/dev/null 2>&1 || install_missing nodejs npm
}

build() {
  local preset=$1
  log "building ($preset)"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
}

run() {
  install_missing "${build_packages[@]}"
  ensure_npm
  build release
  if [ $# -gt 0 ]; then
    exec build/webshield "$@"
  fi
  # The main job: the report endpoint, the dashboard and the public check page, on SQLite in
  # $XDG_DATA_HOME/webshield (or ~/.local/share/webshield); it prints its address and a sign-in link.
  log "build/webshield serve (stop with Ctrl-C; docs/serve.md)"
  exec build/webshield serve
}

test_all() {
  install_missing "${build_packages[@]}" "${test_packages[@]}"
  ensure_npm
  build asan
  build fuzz
  local status=0
  log "fuzzing every target for ${FUZZ_SECONDS:-30} s"
  tests/fuzz/run.sh build-fuzz || status=1
  log "unit and command-line tests under AddressSanitizer and UndefinedBehaviorSanitizer"
  ctest --preset asan -j "$(nproc)" || status=1
  return $status
}

case "${1:-}" in
  run) shift; run "$@" ;;
  test) test_all ;;
  *)
    echo "usage: scripts/setup.sh run [webshield arguments...] | scripts/setup.sh test" >&2
    exit 64
    ;;
esac
