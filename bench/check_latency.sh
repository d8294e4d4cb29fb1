#!/usr/bin/env bash
# Starts the test world, checks its healthy domains with the latency probe, stops the world.
# usage: bench/check_latency.sh [BUILD_DIR]   (a build with -DWEBSHIELD_BENCH=ON)
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
world=$(mktemp -d)
trap '"$here/tests/world/world.sh" stop "$world/w" >/dev/null; rm -rf "$world"' EXIT
"$here/tests/world/world.sh" start "$world/w" >/dev/null
# shellcheck disable=SC1091
. "$world/w/world.env"
for domain in good.plain.test good.signed.test; do
  "$build/bench/webshield_bench_check_latency" "$WORLD_DNS" "$WORLD_TRUST_ANCHOR" "$WORLD_CA" \
    "$WORLD_HTTPS_PORT" "$WORLD_SMTP_PORT" "$domain"
  echo
done
