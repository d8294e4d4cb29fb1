#!/bin/bash
# WebShield test world: real servers from Debian packages, on loopback only, for integration tests.
#
#   tests/world/world.sh start DIR    generate everything into DIR and start the servers
#   tests/world/world.sh stop DIR     stop exactly the processes listed in DIR/*.pid (idempotent)
#   tests/world/world.sh status DIR   show which of them are running
#
# Run as root (apt-get may be needed; nginx runs its workers as root).  Optional environment:
#   WORLD_BASE_PORT   first port tried (default 15353); DNS, HTTPS, SMTP and IMAP take the first free
#                     ports from there upward, so several worlds (different DIRs) can run at once.
#   WORLD_BULK        also serve this many healthy domains (b0000.bulk.plain.test…, listed in
#                     DIR/bulk.txt) for benchmarks
#
# `start` installs missing packages (knot, knot-dnsutils, nginx-light, openssl, python3,
# python3-aiosmtpd, python3-dkim for the DKIM test, dovecot-imapd), then runs gen.py, which writes into DIR: a test CA (ca.pem) and certificates
# (good, expired, wrong name, self-signed), zone files, knot.conf, nginx.conf, MTA-STS policy files,
# scenarios.json (expected finding codes per domain, see SCENARIOS.md), world.env and world.json.
# It then starts, each writing DIR/<name>.pid:
#   knot         authoritative DNS on 127.0.0.1:$WORLD_DNS_PORT (UDP+TCP) for plain.test (unsigned),
#                signed.test (DNSSEC) and bogus.test (DNSSEC, wrong trust anchor), plus a few zones
#                that are configured but never loaded (they answer SERVFAIL)
#   unbound      a validating resolver on 127.0.0.1:$WORLD_RESOLVER port, forwarding .test to knot
#                with the world's trust anchors (for --stub-resolver)
#   nginx        HTTPS with SNI on 127.0.0.20:$WORLD_HTTPS_PORT (TLS >= 1.2) and on
#                127.0.0.21:$WORLD_HTTPS_PORT (TLS 1.0/1.1 only)
#   smtp-<name>  one aiosmtpd server per behaviour on 127.0.0.1x:$WORLD_SMTP_PORT (see gen.py
#                SMTP_SERVERS); each appends one line per connection to DIR/smtp-<name>.log
#   dovecot      IMAP on 127.0.0.1:$WORLD_IMAP_PORT (STARTTLS) and IMAPS on :$WORLD_IMAPS_PORT, its
#                own configuration (DIR/dovecot/dovecot.conf), user tlsrpt (password in
#                DIR/imap-password), Maildir DIR/mail/tlsrpt/Maildir
# and writes DIR/trust-anchor.txt (DS records: correct for signed.test, deliberately wrong for
# bogus.test).  Nothing ever listens on 127.0.0.99.  `start` returns once every server answers.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3   # Debian's python (python3-aiosmtpd), not whatever python3 is first in PATH
PACKAGES="knot knot-dnsutils nginx-light openssl python3 python3-aiosmtpd python3-dkim unbound dovecot-imapd"
LOCK=/tmp/webshield-world.lock   # serialises port choice + server start between concurrent worlds

STARTING=0   # set while `start` runs: a failure then stops what was already started

die() {
    echo "world.sh: $*" >&2
    if ((STARTING)); then stop_world "$DIR"; fi
    exit 1
}

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }

ensure_packages() {
    local missing=() p
    for p in $PACKAGES; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    # nginx (full) is as good as nginx-light
    if [[ " ${missing[*]-} " == *" nginx-light "* ]] && command -v nginx >/dev/null; then
        missing=("${missing[@]/nginx-light}")
    fi
    missing=(${missing[@]+"${missing[@]}"})
    if ((${#missing[@]})); then
        echo "world.sh: installing ${missing[*]}" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            -o DPkg::Lock::Timeout=300 "${missing[@]}" >&2
    fi
}

# Print the first port >= $1 that is free for TCP and UDP on all loopback addresses we use
# (binding 127.0.0.x also fails if something listens on 0.0.0.0 at that port).
free_port() {
    "$PY" - "$1" "${@:2}" <<'EOF'
import socket, sys
port, skip = int(sys.argv[1]), {int(p) for p in sys.argv[2:]}
addrs = ["127.0.0.1"] + ["127.0.0.%d" % i for i in (10, 12, 13, 14, 15, 16, 17, 18, 20, 21, 99)]
def free(p):
    for a in addrs:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind((a, p))
            except OSError:
                return False
            finally:
                s.close()
    return True
while port in skip or not free(port):
    port += 1
    if port > 65535:
        sys.exit("no free port")
print(port)
EOF
}

pid_alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_for LABEL LOGFILE PIDFILE COMMAND...: retry COMMAND for ~10 s, else show the log and fail.
wait_for() {
    local label=$1 log=$2 pidfile=$3 i
    shift 3
    for ((i = 0; i < 100; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        if ! pid_alive "$pidfile"; then break; fi
        sleep 0.1
    done
    echo "world.sh: $label did not come up; last lines of $log:" >&2
    tail -n 30 "$log" >&2 || true
    die "$label failed to start; all servers of $DIR stopped"
}

stop_world() {
    local dir=$1 f pid i
    shopt -s nullglob
    for f in "$dir"/*.pid; do
        pid=$(cat "$f" 2>/dev/null || true)
        if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for ((i = 0; i < 100; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            if kill -0 "$pid" 2>/dev/null; then
                echo "world.sh: $f ($pid) ignored SIGTERM, sending SIGKILL" >&2
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
        rm -f "$f"
    done
    shopt -u nullglob
}

status_world() {
    local f
    shopt -s nullglob
    for f in "$1"/*.pid; do
        if pid_alive "$f"; then echo "$(basename "$f" .pid) running pid $(cat "$f")"
        else echo "$(basename "$f" .pid) not running"; fi
    done
}

# A login over IMAPS, with the certificate checked against the test CA (the greeting comes
# before Dovecot's auth process is ready).
imap_ok() {
    "$PY" - "$1" "$DIR/ca.pem" "$DIR/imap-password" <<'EOF'
import imaplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
m = imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ctx, timeout=1)
m.login("tlsrpt", open(sys.argv[3]).read().strip())
m.logout()
EOF
}

dig_ok() { kdig @127.0.0.1 -p "$WORLD_DNS_PORT" +timeout=1 +retry=0 "$@" | grep -q 'status: NOERROR'; }

start_world() {
    ensure_packages
    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd)
    case $DIR/ in "$HERE"/*) die "DIR must not be inside $HERE (the generator source)" ;; esac
    shopt -s nullglob
    local f
    for f in "$DIR"/*.pid; do
        pid_alive "$f" && die "$DIR already has running servers ($f); run: $0 stop $DIR"
    done
    shopt -u nullglob
    # Dovecot's processes run as dovecot and nobody (it never gives root mail access): they must
    # be able to enter DIR.
    if ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$DIR"; then
        die "Dovecot's users cannot enter $DIR: make it and its parents searchable (chmod o+x)"
    fi
    # Start from a clean directory (keep nothing from a previous run).
    rm -rf "${DIR:?}"/{certs,ca,zones,knot,nginx,policies,ready,dovecot,mail} "$DIR"/*.log "$DIR"/*.pid

    exec 9>"$LOCK"
    flock 9
    STARTING=1
    local base=${WORLD_BASE_PORT:-15353}
    WORLD_DNS_PORT=$(free_port "$base")
    WORLD_HTTPS_PORT=$(free_port "$base" "$WORLD_DNS_PORT")
    WORLD_SMTP_PORT=$(free_port "$base" "$WORLD_DNS_PORT" "$WORLD_HTTPS_PORT")
    WORLD_IMAP_PORT=$(free_port "$base" "$WORLD_DNS_PORT" "$WORLD_HTTPS_PORT" "$WORLD_SMTP_PORT")
    WORLD_IMAPS_PORT=$(free_port "$base" "$WORLD_DNS_PORT" "$WORLD_HTTPS_PORT" "$WORLD_SMTP_PORT" \
        "$WORLD_IMAP_PORT")
    export WORLD_DNS_PORT WORLD_HTTPS_PORT WORLD_SMTP_PORT WORLD_IMAP_PORT WORLD_IMAPS_PORT

    "$PY" "$HERE/gen.py" "$DIR"

    # --- DNS -------------------------------------------------------------------------------------
    knotd -c "$DIR/knot.conf" >"$DIR/knot.log" 2>&1 9>&- &
    echo $! >"$DIR/knot.pid"
    wait_for knot "$DIR/knot.log" "$DIR/knot.pid" dig_ok plain.test SOA
    # signed zones are served once signed; wait for their DNSKEYs
    wait_for "knot (signed.test)" "$DIR/knot.log" "$DIR/knot.pid" \
        bash -c "kdig @127.0.0.1 -p $WORLD_DNS_PORT +timeout=1 +retry=0 signed.test DNSKEY +short | grep -q '^257 '"
    wait_for "knot (bogus.test)" "$DIR/knot.log" "$DIR/knot.pid" \
        bash -c "kdig @127.0.0.1 -p $WORLD_DNS_PORT +timeout=1 +retry=0 bogus.test DNSKEY +short | grep -q '^257 '"

    # Trust anchors: the real DS (SHA-256) of signed.test's KSK, and for bogus.test a DS with the
    # right key tag and algorithm but the digest of something else, so bogus.test validates as bogus.
    {
        echo "; generated by tests/world/world.sh"
        keymgr -c "$DIR/knot.conf" signed.test ds | awk '$5 == 2 { print $1, 60, "IN", $2, $3, $4, $5, $6 }'
        echo "; deliberately wrong: the digest does not match any DNSKEY of bogus.test"
        keymgr -c "$DIR/knot.conf" bogus.test ds | awk '$5 == 2 { print $1, 60, "IN", $2, $3, $4, $5 }' |
            while read -r line; do
                echo "$line $(echo "not the key of bogus.test" | sha256sum | cut -d' ' -f1)"
            done
    } >"$DIR/trust-anchor.txt"
    [[ $(grep -c ' DS ' "$DIR/trust-anchor.txt") == 2 ]] || die "could not write $DIR/trust-anchor.txt"

    # A validating resolver in front of knot, with the same trust anchors: what `--stub-resolver`
    # expects to talk to. AD set for signed.test, SERVFAIL for bogus.test.
    local resolver_port
    resolver_port=$(free_port "$base" "$WORLD_DNS_PORT" "$WORLD_HTTPS_PORT" "$WORLD_SMTP_PORT" \
        "$WORLD_IMAP_PORT" "$WORLD_IMAPS_PORT")
    cat >"$DIR/unbound-server.conf" <<CONF
server:
    interface: 127.0.0.1@$resolver_port
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$DIR"
    pidfile: ""
    use-syslog: no
    logfile: "$DIR/unbound.log"
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    local-zone: "test." nodefault
    trust-anchor-file: "$DIR/trust-anchor.txt"
    qname-minimisation: no
    val-log-level: 2
stub-zone:
    name: "test"
    stub-addr: 127.0.0.1@$WORLD_DNS_PORT
CONF
    unbound -c "$DIR/unbound-server.conf" >>"$DIR/unbound.log" 2>&1 9>&- &
    echo $! >"$DIR/unbound.pid"
    wait_for unbound "$DIR/unbound.log" "$DIR/unbound.pid" \
        bash -c "kdig @127.0.0.1 -p $resolver_port +timeout=1 +retry=0 +adflag signed.test SOA | grep -q 'Flags:.* ad;'"
    echo "WORLD_RESOLVER='127.0.0.1:$resolver_port'" >>"$DIR/world.env"

    # --- HTTPS -------------------------------------------------------------------------------------
    nginx -c "$DIR/nginx.conf" -p "$DIR/nginx" -e "$DIR/nginx-error.log" >>"$DIR/nginx-error.log" 2>&1 9>&- &
    echo $! >"$DIR/nginx.pid"
    wait_for nginx "$DIR/nginx-error.log" "$DIR/nginx.pid" \
        curl -sf --cacert "$DIR/ca.pem" --resolve "mta-sts.good.plain.test:$WORLD_HTTPS_PORT:127.0.0.20" \
        "https://mta-sts.good.plain.test:$WORLD_HTTPS_PORT/.well-known/mta-sts.txt"

    # --- SMTP --------------------------------------------------------------------------------------
    # Readiness is the file each server creates after listen(): a probing TCP connection would show
    # up in the per-connection logs the tests count.
    mkdir -p "$DIR/ready"
    local name addr behaviour kind cert key
    while read -r name addr behaviour kind; do
        if [[ $kind == - ]]; then cert=- key=-
        else cert=$DIR/certs/$kind.pem key=$DIR/certs/$kind.key; fi
        : >"$DIR/smtp-$name.log"
        "$PY" "$HERE/smtpd.py" "$name" "$addr" "$WORLD_SMTP_PORT" "$behaviour" "$cert" "$key" \
            "$DIR/smtp-$name.log" "$DIR/ready/smtp-$name" >"$DIR/smtp-$name.err" 2>&1 9>&- &
        echo $! >"$DIR/smtp-$name.pid"
    done <"$DIR/smtp-servers.txt"
    while read -r name addr behaviour kind; do
        wait_for "smtp-$name" "$DIR/smtp-$name.err" "$DIR/smtp-$name.pid" test -e "$DIR/ready/smtp-$name"
    done <"$DIR/smtp-servers.txt"

    # --- IMAP -------------------------------------------------------------------------------------
    dovecot -F -c "$DIR/dovecot/dovecot.conf" >"$DIR/dovecot.err" 2>&1 9>&- &
    echo $! >"$DIR/dovecot.pid"
    wait_for dovecot "$DIR/dovecot.log" "$DIR/dovecot.pid" imap_ok "$WORLD_IMAPS_PORT"

    exec 9>&-
    STARTING=0
    echo "world.sh: world running in $DIR (DNS 127.0.0.1:$WORLD_DNS_PORT, HTTPS :$WORLD_HTTPS_PORT," \
        "SMTP :$WORLD_SMTP_PORT, IMAPS :$WORLD_IMAPS_PORT); source $DIR/world.env" >&2
}

[[ $# == 2 ]] || usage
DIR=$2
case $1 in
    start) start_world ;;
    stop) [[ -d $DIR ]] && stop_world "$DIR"; exit 0 ;;
    status) status_world "$DIR" ;;
    *) usage ;;
esac
