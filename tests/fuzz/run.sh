#!/usr/bin/env bash
# Runs every libFuzzer target of the "fuzz" preset for FUZZ_SECONDS (default 30) each, starting
# from the case tables (as seeds) and tests/fuzz/regressions/<target>/. Fails on any crash,
# sanitizer report or broken property; the input that did it is kept in <build>/fuzz-artifacts/.
set -euo pipefail

build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-30}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

"$build/tests/fuzz/webshield_fuzz_seeds" "$work/seeds"

status=0
for bin in "$build"/tests/fuzz/fuzz_*; do
  name=${bin##*/fuzz_}
  mkdir -p "$work/seeds/$name"
  dirs=("$work/corpus" "$work/seeds/$name")
  [ -d "$here/regressions/$name" ] && dirs+=("$here/regressions/$name")
  mkdir -p "$work/corpus"
  rm -rf "${work:?}/corpus"/*
  printf 'fuzz %-14s %ss ... ' "$name" "$seconds"
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -artifact_prefix="$artifacts/$name-" -print_final_stats=1 "${dirs[@]}" \
      >"$work/$name.log" 2>&1; then
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/$name.log" | grep -oE '[0-9]+$')
    echo "ok (${runs:-?} runs)"
  else
    echo "FAILED"
    tail -n 40 "$work/$name.log"
    echo "the failing input is in $artifacts/; add it to tests/fuzz/regressions/$name/"
    status=1
  fi
done
exit $status
