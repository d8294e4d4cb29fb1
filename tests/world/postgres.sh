#!/bin/bash
# A private PostgreSQL server for the store tests and the benchmark, from Debian's packages.
#
#   tests/world/postgres.sh start DIR   create a cluster in DIR/data and start it; writes
#                                       DIR/postgres.pid and DIR/postgres.url
#   tests/world/postgres.sh stop DIR    stop the server whose PID is in DIR/postgres.pid and
#                                       delete DIR/data (idempotent)
#
# The server listens on a Unix socket in DIR only (no TCP port at all), with trust
# authentication for that socket; the URL is postgresql:///postgres?host=DIR&user=postgres.
# It runs as the `postgres` system user when started by root (PostgreSQL refuses to run as
# root), as the calling user otherwise. Debian's own cluster (port 5432, /var/run/postgresql)
# is neither used nor touched. fsync is off for speed unless POSTGRES_FSYNC=on (the benchmark
# sets it, so that a commit costs what it costs in production).
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }
usage() { sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }

[ $# -eq 2 ] || usage
cmd=$1
dir=$(realpath -m "$2")
case "$dir" in
  *[\ \'\"\\\&\?\#%]*) die "$dir: use a directory name without spaces, quotes, &, ?, # or %" ;;
esac
# A Unix socket path holds at most 107 bytes.
[ $((${#dir} + 15)) -le 107 ] || die "$dir: too long for a Unix socket path (107 bytes)"

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$d/initdb" ] || return 1
  echo "$d"
}

ensure_installed() {
  bindir >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed (apt-get install postgresql)"
  echo "postgres.sh: installing postgresql" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=300 postgresql >&2
}

# Runs a command as the user the server runs as.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_our_postgres() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "postgres.*$dir/data"
}

stop() {
  local pid=""
  [ -f "$dir/postgres.pid" ] && pid=$(cat "$dir/postgres.pid")
  if is_our_postgres "$pid"; then
    kill -INT "$pid"  # fast shutdown: roll back open transactions, then exit
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -QUIT "$pid" 2>/dev/null || true  # immediate shutdown
      sleep 1
    fi
  fi
  rm -f "$dir/postgres.pid" "$dir/postgres.url"
  rm -rf "$dir/data"
}

start() {
  ensure_installed
  local bin
  bin=$(bindir)
  mkdir -p "$dir"
  stop  # a server left over from an interrupted run
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "$dir: the postgres user cannot write here (is a parent directory private?)"
  fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1 || die "initdb failed, see $dir/initdb.log"
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = ${POSTGRES_FSYNC:-off}
max_connections = 100
EOF
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null ||
    die "the server did not start, see $dir/postgres.log"
  head -n 1 "$dir/data/postmaster.pid" >"$dir/postgres.pid"
  echo "postgresql:///postgres?host=$dir&user=postgres" >"$dir/postgres.url"
  cat "$dir/postgres.url"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
