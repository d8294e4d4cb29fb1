#!/usr/bin/env bash
# Bulk scan against the DNS server's own ceiling, in one run:
#   1. a knot server on loopback serves N synthetic domains (TLS-RPT and MTA-STS records, MX on
#      100 shared provider hosts);
#   2. dnsperf measures the server's ceiling on exactly the questions a DNS-only scan asks;
#   3. `webshield scan --parts tlsrpt,mta-sts,mx` scans the N domains, timed by /usr/bin/time -v.
# It prints domains/s, questions/s, the ratio to the ceiling and the peak RSS.
#
# usage: bench/scan_dns.sh [N] [BUILD_DIR]     (N default 100000; BUILD_DIR default build)
set -euo pipefail
n=${1:-100000}
build=${2:-build}
port=${BENCH_DNS_PORT:-15453}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

for tool in knotd dnsperf /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install knot dnsperf time)"; exit 1; }
done

echo "generating $n domains in $work"
/usr/bin/python3 - "$n" "$work" <<'PY'
import sys
n, work = int(sys.argv[1]), sys.argv[2]
with open(f"{work}/bench.test.zone", "w") as z, open(f"{work}/domains.txt", "w") as d, \
     open(f"{work}/queries.txt", "w") as q:
    z.write("$TTL 3600\n@ SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 60\n"
            "@ NS ns.bench.test.\nns A 127.0.0.1\n")
    for i in range(100):
        z.write(f"mx{i}.provider A 192.0.2.{i + 1}\n")
    for i in range(n):
        name = f"d{i:07d}"
        z.write(f'_smtp._tls.{name} TXT "v=TLSRPTv1; rua=mailto:tlsrpt@{name}.bench.test"\n'
                f'_mta-sts.{name} TXT "v=STSv1; id=2026112{i % 10}"\n'
                f"{name} MX 10 mx{i % 100}.provider.bench.test.\n")
        fqdn = f"{name}.bench.test"
        d.write(fqdn + "\n")
        # The questions a DNS-only scan asks for one domain (shared MX hosts come from cache).
        q.write(f"_smtp._tls.{fqdn} TXT\n{fqdn} TXT\n_smtp-tlsrpt.{fqdn} TXT\n"
                f"_mta-sts.{fqdn} TXT\n{fqdn} MX\n")
PY
mkdir -p "$work/knot"
cat >"$work/knot.conf" <<CONF
server:
    rundir: $work/knot
    listen: 127.0.0.1@$port
database:
    storage: $work/knot
zone:
  - domain: bench.test
    storage: $work
    file: bench.test.zone
    zonefile-sync: -1
    journal-content: none
CONF
knotd -c "$work/knot.conf" >"$work/knot.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  dnsperf -s 127.0.0.1 -p "$port" -d <(echo "bench.test SOA") -n 1 2>/dev/null |
    grep -q 'Queries completed: *1 ' && break
  sleep 0.2
done

echo "== DNS server ceiling (dnsperf, 15 s)"
dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l 15 -c 4 -q 500 >"$work/dnsperf.txt" 2>&1
ceiling=$(awk '/Queries per second/ { print $4 }' "$work/dnsperf.txt")
echo "ceiling: $ceiling queries/s"

# The stub resolver (--stub-resolver: queries straight to the server) is the bulk-scan mode;
# the built-in libunbound validator is measured too, for comparison (BENCH_MODES to choose).
for mode in ${BENCH_MODES:-stub unbound}; do
  flags=()
  [ "$mode" = stub ] && flags=(--stub-resolver)
  echo "== webshield scan --parts tlsrpt,mta-sts,mx ${flags[*]} ($n domains)"
  /usr/bin/time -v ${BENCH_WRAP:-} "$build/webshield" scan --parts tlsrpt,mta-sts,mx --resolver "127.0.0.1:$port" \
    --no-dnssec "${flags[@]}" --input "$work/domains.txt" --output "${BENCH_OUTPUT:-/dev/null}" \
    --summary "$work/summary.json" --concurrency "${BENCH_CONCURRENCY:-300}" 2>"$work/time.txt" || true
  /usr/bin/python3 - "$work" "$ceiling" <<'PY'
import json, re, sys
work, ceiling = sys.argv[1], float(sys.argv[2])
summary = json.load(open(f"{work}/summary.json"))
timing = open(f"{work}/time.txt").read()
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing).group(1))
cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", timing).group(1)) + \
      float(re.search(r"System time \(seconds\): ([\d.]+)", timing).group(1))
seconds = summary["seconds"]
qps = summary["dns_questions"] / seconds
print(f"domains: {summary['domains']} in {seconds:.1f} s = {summary['domains'] / seconds:.0f} domains/s")
print(f"questions: {summary['dns_questions']} = {qps:.0f} questions/s")
if "dns_queries_sent" in summary:
    sent = summary["dns_queries_sent"]
    print(f"queries sent to the server: {sent} = {sent / seconds:.0f}/s "
          f"(ratio to the ceiling: {sent / seconds / ceiling:.2f})")
print(f"ratio of questions/s to the server's ceiling: {qps / ceiling:.2f}")
print(f"CPU: {cpu:.1f} s ({cpu / summary['domains'] * 1e6:.0f} us per domain)")
print(f"peak RSS: {rss_kb / 1024:.0f} MB")
print(f"verdicts: {summary['verdicts']}")
PY
done
