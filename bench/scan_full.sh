#!/usr/bin/env bash
# A full scan (every part: records, policy fetch over HTTPS, STARTTLS on the MX, DANE lookups)
# of N healthy domains of the test world (tests/world/, WORLD_BULK), timed, once with the built-in
# validator asking knot and once with --stub-resolver asking the world's validating unbound.
# The domains share ten MX host names, so STARTTLS probes are few; every domain's policy is
# fetched from nginx.
#
# usage: bench/scan_full.sh [N] [BUILD_DIR]     (N default 1000; BUILD_DIR default build)
set -euo pipefail
n=${1:-1000}
build=${2:-build}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
world=$(mktemp -d)
trap '"$here/tests/world/world.sh" stop "$world"; rm -rf "$world"' EXIT

echo "starting the test world with $n bulk domains"
WORLD_BULK=$n "$here/tests/world/world.sh" start "$world" 2>/dev/null
# shellcheck disable=SC1091
source "$world/world.env"
common=(--ca-file "$WORLD_CA" --https-port "$WORLD_HTTPS_PORT" --smtp-port "$WORLD_SMTP_PORT"
        --input "$WORLD_BULK_LIST" --output "$world/out.jsonl" --summary "$world/summary.json"
        --concurrency "${BENCH_CONCURRENCY:-200}")
for mode in validator stub; do
  if [ "$mode" = validator ]; then
    dns=(--resolver "$WORLD_DNS" --trust-anchor "$WORLD_TRUST_ANCHOR")
  else
    dns=(--resolver "$WORLD_RESOLVER" --stub-resolver)
  fi
  echo "== webshield scan, all parts, $mode ($n domains)"
  /usr/bin/time -v "$build/webshield" scan "${dns[@]}" "${common[@]}" 2>"$world/time.txt" || true
  /usr/bin/python3 - "$world" <<'PY'
import json, re, sys
world = sys.argv[1]
s = json.load(open(f"{world}/summary.json"))
t = open(f"{world}/time.txt").read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(f"{s['domains']} domains in {s['seconds']:.2f} s = {s['domains'] / s['seconds']:.0f} domains/s; "
      f"verdicts {s['verdicts']}; probes reused {s['probes_reused']}; peak RSS {rss / 1024:.0f} MB")
PY
done
