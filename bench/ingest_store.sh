#!/usr/bin/env bash
# Adds COUNT generated reports into SQLite and into PostgreSQL, 1 and 100 reports per
# transaction, each run into a fresh database, and prints reports/s and the database size.
# PostgreSQL is a private server (tests/world/postgres.sh) with fsync on, so that a commit costs
# what it costs in production; SQLite runs as the program runs it (WAL, synchronous=FULL).
# usage: bench/ingest_store.sh [BUILD_DIR] [COUNT]   (a build with -DWEBSHIELD_BENCH=ON)
set -euo pipefail
build=${1:-build}
count=${2:-100000}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$(realpath "$build/bench/webshield_bench_ingest_store")
work=$(mktemp -d /tmp/webshield-bench-XXXXXX)
chmod 755 "$work"
trap '"$here/tests/world/postgres.sh" stop "$work/pg" >/dev/null; rm -rf "$work"' EXIT
POSTGRES_FSYNC=on "$here/tests/world/postgres.sh" start "$work/pg" >/dev/null
admin=$(cat "$work/pg/postgres.url")

for batch in 1 100; do
  "$bench" "sqlite:$work/bench-$batch.db" "$count" "$batch"
  psql -q "$admin" -c "CREATE DATABASE bench_$batch"
  "$bench" "${admin/\/postgres\?//bench_$batch?}" "$count" "$batch"
done
