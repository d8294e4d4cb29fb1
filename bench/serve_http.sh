#!/usr/bin/env bash
# The report endpoint against nginx on the same machine, in one run:
#   1. N distinct gzipped TLS-RPT reports (distinct report-id) go into one file that a wrk Lua
#      script loads and cycles through, each wrk thread in its own slice, so that posts are new
#      reports (the server answers 201), not re-deliveries (200);
#   2. nginx on loopback answers `return 204` to POST /tlsrpt (it reads the body off the
#      connection and discards it); wrk posts the same reports to it: the ceiling of HTTP alone;
#   3. `webshield serve` with a fresh SQLite database takes the same load: every 201 is a report
#      parsed, stored and committed to disk (group commit);
#   4. webshield again, paced with wrk's delay() hook to about half its peak rate, for p50/p99
#      latency under ordinary load, with reports it has not seen yet;
#   5. the number of stored reports (`webshield db status`) is compared with the 201 answers;
#   6. the same reports without HTTP (bench/store_posts.cpp): decoded and parsed on one thread,
#      then stored by the server's Committer with as many in flight as wrk has connections, into
#      another fresh database: the most the endpoint could answer if HTTP cost nothing.
# It prints requests/s of both, the ratio (target >= 0.5), the paced latency and the ceilings.
#
# usage: bench/serve_http.sh [BUILD_DIR] [SECONDS]     (default build 20; a build with
#        -DWEBSHIELD_BENCH=ON and the targets webshield and webshield_bench_store_posts)
#   BENCH_REPORTS (default 20,000 x SECONDS), BENCH_CONNECTIONS (64), BENCH_THREADS (2)
set -euo pipefail
build=${1:-build}
seconds=${2:-20}
reports=${BENCH_REPORTS:-$((seconds * 20000))}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
binary=$(realpath "$build/webshield")
store_posts=$(realpath "$build/bench/webshield_bench_store_posts")
work=$(mktemp -d /tmp/webshield-bench-XXXXXX)
nginx_pid=
server_pid=
stop() {  # stop PID: SIGTERM, then wait for it
  [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null || true
}
cleanup() {
  stop "$server_pid"
  stop "$nginx_pid"
  rm -rf "$work"
}
trap cleanup EXIT

for tool in wrk nginx python3 "$binary" "$store_posts"; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install wrk nginx-light python3; the build: bench/README.md)"; exit 1; }
done

echo "generating $reports gzipped reports in $work"
/usr/bin/python3 - "$reports" "$work/reports.bin" <<'PY'
# One record per report: its length in decimal, a newline, the gzip bytes. 20 senders, 1,000
# policy domains, 365 days, one report in ten with failure details (as bench/ingest_store.cpp).
import gzip, json, sys, time
count, path = int(sys.argv[1]), sys.argv[2]
day0 = 1767225600  # 2026-01-01T00:00:00Z
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
with open(path, "wb") as out:
    for n in range(count):
        org, domain, day = n % 20, n % 1000, n % 365
        start = day0 + day * 86400
        policy = {
            "policy": {
                "policy-type": "sts",
                "policy-string": ["version: STSv1", "mode: enforce",
                                  f"mx: mx.domain{domain}.example", "max_age: 604800"],
                "policy-domain": f"domain{domain}.example",
            },
            "summary": {"total-successful-session-count": 1000 + n % 5000,
                        "total-failure-session-count": 0},
        }
        if n % 10 == 0:
            failures = 1 + n % 3
            policy["summary"]["total-failure-session-count"] = failures * 7
            policy["failure-details"] = [{
                "result-type": ["certificate-expired", "starttls-not-supported",
                                "validation-failure"][k],
                "sending-mta-ip": f"198.51.100.{k + 1}",
                "receiving-mx-hostname": f"mx.domain{domain}.example",
                "failed-session-count": 7,
            } for k in range(failures)]
        report = {
            "organization-name": f"Sender {org} Inc.",
            "date-range": {"start-datetime": iso(start), "end-datetime": iso(start + 86399)},
            "contact-info": f"tlsrpt@sender{org}.example",
            "report-id": f"bench-{n}-{day}_domain{domain}.example",
            "policies": [policy],
        }
        body = gzip.compress(json.dumps(report).encode(), compresslevel=6, mtime=0)
        out.write(b"%d\n" % len(body) + body)
PY
echo "$(du -h "$work/reports.bin" | cut -f1) of gzip, $((($(stat -c %s "$work/reports.bin")) / reports)) bytes per report"

# The same script for every run. Arguments (after --): the first position in each thread's
# slice, the number of threads, and the mean pause in ms between a connection's requests
# (0: none, no delay() hook at all).
cat >"$work/post.lua" <<'LUA'
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local bodies = {}
local base, size, position
local headers = { ["Content-Type"] = "application/tlsrpt+gzip" }
created, duplicate, other, sent = 0, 0, 0, 0

function init(args)
  local f = assert(io.open(os.getenv("BENCH_REPORTS_FILE"), "rb"))
  local data = f:read("*a")
  f:close()
  local at = 1
  while at <= #data do
    local nl = data:find("\n", at, true)
    local len = tonumber(data:sub(at, nl - 1))
    bodies[#bodies + 1] = data:sub(nl + 1, nl + len)
    at = nl + 1 + len
  end
  local first, nthreads, pause = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  size = math.floor(#bodies / nthreads)
  base = id * size
  position = first
  if pause > 0 then
    math.randomseed(id + 1)
    -- Uniform in [0, 2 * pause): the mean is `pause`, and connections do not fall in step.
    function delay() return math.random() * 2 * pause end
  end
end

function request()
  local body = bodies[base + position % size + 1]
  position = position + 1
  sent = sent + 1
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 200 or status == 204 then duplicate = duplicate + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c, d, o, most = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    d = d + t:get("duplicate")
    o = o + t:get("other")
    most = math.max(most, t:get("sent"))
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f created=%d ok=%d other=%d errors=%d " ..
    "most_sent=%d p50_ms=%.3f p99_ms=%.3f mean_ms=%.3f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    c, d, o, e.connect + e.read + e.write + e.status + e.timeout, most,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
LUA
export BENCH_REPORTS_FILE=$work/reports.bin

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# field NAME FILE: the value of NAME= on the RESULT line
field() { grep -oE "(^| )$1=[0-9.]+" "$2" | head -1 | cut -d= -f2; }
run_wrk() {  # run_wrk URL OUT FIRST PAUSE_MS [SECONDS]
  wrk -t "$threads" -c "$connections" -d "${5:-$seconds}s" --timeout 10s -s "$work/post.lua" "$1" \
    -- "$3" "$threads" "$4" >"$2" 2>&1
  grep RESULT "$2" >/dev/null || { cat "$2"; exit 1; }
}

# --- nginx: HTTP alone
nginx_port=$(free_port)
mkdir -p "$work/nginx"
user_line=
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
cat >"$work/nginx/nginx.conf" <<CONF
$user_line
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /tlsrpt {
      client_max_body_size 16m;
      client_body_buffer_size 64k;
      return 204;
    }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null -X POST --data x "http://127.0.0.1:$nginx_port/tlsrpt" && break
  sleep 0.1
done
echo "== nginx 'return 204' on 127.0.0.1:$nginx_port: wrk -t$threads -c$connections -d${seconds}s"
run_wrk "http://127.0.0.1:$nginx_port/tlsrpt" "$work/nginx.txt" 0 0
stop "$nginx_pid"
nginx_pid=
nginx_rps=$(field rps "$work/nginx.txt")
echo "nginx: $nginx_rps requests/s"

# --- webshield serve: parse, store, commit
db="sqlite:$work/bench.db"
# Every post comes from 127.0.0.1: the per-client rate limit is lifted (0: none).
"$binary" serve --db "$db" --listen 127.0.0.1:0 --report-posts-per-minute 0 2>"$work/serve.log" &
server_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(grep -oE 'serving on http://127\.0\.0\.1:[0-9]+' "$work/serve.log" | grep -oE '[0-9]+$' || true)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "webshield serve did not say where it listens"; cat "$work/serve.log"; exit 1; }
echo "== webshield serve on 127.0.0.1:$port: wrk -t$threads -c$connections -d${seconds}s"
run_wrk "http://127.0.0.1:$port/tlsrpt" "$work/peak.txt" 0 0
peak_rps=$(field rps "$work/peak.txt")
echo "webshield: $peak_rps requests/s ($(field created "$work/peak.txt") stored, $(field ok "$work/peak.txt") duplicates, $(field other "$work/peak.txt") other answers, $(field errors "$work/peak.txt") errors)"

# --- webshield at half its peak: each connection pauses so that all together make ~peak/2.
# A connection's cycle is its response time plus the pause; a short first run measures the
# response time at that load, and the pause is set to what is left of the cycle.
target=$(/usr/bin/python3 -c "print($peak_rps / 2)")
pause_ms=$(/usr/bin/python3 -c "print(f'{1000 * $connections / $target:.3f}')")
first=$(field most_sent "$work/peak.txt")  # every thread starts past what it posted before
calibration=$((seconds / 4 > 3 ? seconds / 4 : 3))
: >"$work/calibration.txt"
for step in 1 2; do  # two corrections: the response time grows with the rate
  echo "== webshield paced to $target requests/s: ${calibration}s with a mean pause of $pause_ms ms"
  run_wrk "http://127.0.0.1:$port/tlsrpt" "$work/calibration-$step.txt" "$first" "$pause_ms" "$calibration"
  grep RESULT "$work/calibration-$step.txt" >>"$work/calibration.txt"
  pause_ms=$(/usr/bin/python3 -c "
achieved = $(field rps "$work/calibration-$step.txt")
cycle = 1000 * $connections / achieved  # response time + pause, per connection, ms
print(f'{max(0.0, 1000 * $connections / $target - (cycle - $pause_ms)):.3f}')")
  first=$((first + $(field most_sent "$work/calibration-$step.txt")))
done
echo "   then ${seconds}s with a mean pause of $pause_ms ms"
run_wrk "http://127.0.0.1:$port/tlsrpt" "$work/paced.txt" "$first" "$pause_ms"
stop "$server_pid"
server_pid=

stored=$("$binary" db status --db "$db" | awk '/^reports/ { print $2 }')

# --- the same reports without HTTP: reading alone, and the store alone
echo "== without HTTP: the $reports reports read, then stored with $connections in flight"
"$store_posts" "$work/reports.bin" "sqlite:$work/store.db" "$connections" >"$work/store.txt"

/usr/bin/python3 - "$work" "$stored" "$reports" "$connections" <<'PY'
import re, sys
work, stored, reports, connections = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def result(name):
    line = next(l for l in open(f"{work}/{name}.txt") if l.startswith("RESULT"))
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}
nginx, peak, paced, alone = result("nginx"), result("peak"), result("paced"), result("store")
calibration = {"created": sum(float(re.search(r"created=(\d+)", l).group(1))
                              for l in open(f"{work}/calibration.txt"))}
print()
print(f"reports generated: {reports}, each wrk thread cycling through its own slice")
print(f"nginx 'return 204':  {nginx['rps']:9.0f} requests/s")
print(f"webshield serve:     {peak['rps']:9.0f} requests/s   ratio to nginx: {peak['rps'] / nginx['rps']:.2f} (target >= 0.5)")
print(f"  answers: {peak['created']:.0f} stored (201), {peak['ok']:.0f} duplicates (200), "
      f"{peak['other']:.0f} other, {peak['errors']:.0f} socket errors")
print(f"webshield at ~half: {paced['rps']:9.0f} requests/s achieved ({paced['rps'] / peak['rps']:.2f} of the peak), "
      f"latency p50 {paced['p50_ms']:.2f} ms, p99 {paced['p99_ms']:.2f} ms, mean {paced['mean_ms']:.2f} ms")
print(f"  answers: {paced['created']:.0f} stored (201), {paced['ok']:.0f} duplicates (200), "
      f"{paced['other']:.0f} other, {paced['errors']:.0f} socket errors")
print(f"  (at the peak: p50 {peak['p50_ms']:.2f} ms, p99 {peak['p99_ms']:.2f} ms)")
print(f"without HTTP, same reports: read (gunzip + parse, one thread) {alone['read_rps']:9.0f} reports/s")
print(f"  stored by the Committer, {connections} in flight: {alone['store_rps']:9.0f} reports/s "
      f"in {alone['commits']:.0f} commits; webshield serve reaches {peak['rps'] / alone['store_rps']:.2f} of it, "
      f"and this store alone would be {alone['store_rps'] / nginx['rps']:.2f} of nginx")
answered = int(peak["created"] + calibration["created"] + paced["created"])
# wrk stops with requests in flight (at most one per connection in each of the four runs): the server may have
# stored those without wrk counting the answer.
verdict = "equal" if stored == answered else (
    f"differs by {stored - answered}, within the {4 * connections} requests in flight when wrk stopped"
    if 0 < stored - answered <= 4 * connections else "MISMATCH")
print(f"stored reports (db status): {stored}; 201 answers (4 runs): {answered}: {verdict}")
sys.exit(0 if verdict != "MISMATCH" else 1)
PY
