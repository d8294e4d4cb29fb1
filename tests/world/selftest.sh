#!/bin/bash
# Smoke test of a running test world: tests/world/selftest.sh DIR  (after world.sh start DIR).
# Checks DNS (plain, DNSSEC secure/bogus via unbound-host, SERVFAIL zones), the policy vhosts
# and the SMTP servers.  Needs unbound-host (package unbound-host).  Exit status 1 on any failure.
# Note: it opens SMTP connections, so the smtp-*.log files grow.
set -euo pipefail
DIR=$(cd "$1" && pwd)
# shellcheck disable=SC1091
. "$DIR/world.env"
fails=0
check() {  # check DESCRIPTION EXPECTED-REGEX COMMAND...
    local what=$1 want=$2 got
    shift 2
    got=$("$@" 2>&1 || true)
    if grep -qiE -- "$want" <<<"$got"; then
        echo "ok    $what"
    else
        echo "FAIL  $what: wanted /$want/, got: $(head -c 300 <<<"$got")"
        fails=$((fails + 1))
    fi
}
K() { kdig @"$WORLD_DNS_ADDR" -p "$WORLD_DNS_PORT" +timeout=2 +retry=0 "$@"; }
U() { unbound-host -C "$WORLD_UNBOUND_CONF" -v "$@"; }
H() {  # H HOST ADDR PATH: status and content type of an HTTPS GET validated against the world CA
    curl -s -o /dev/null -w '%{http_code} %{content_type}' --max-time 5 --cacert "$WORLD_CA" \
        --resolve "$1:$WORLD_HTTPS_PORT:$2" "https://$1:$WORLD_HTTPS_PORT$3"
}
S() {  # S ADDR NAME [openssl options]: STARTTLS handshake summary
    local addr=$1 name=$2
    shift 2
    echo QUIT | timeout 5 openssl s_client -starttls smtp -connect "$addr:$WORLD_SMTP_PORT" -servername "$name" \
        -verify_hostname "$name" -CAfile "$WORLD_CA" "$@" 2>&1 | grep -E 'Protocol *:|Verify return code|error'
}

check "TLS-RPT TXT good.plain.test" '"v=TLSRPTv1; rua=mailto:' K +short _smtp._tls.good.plain.test TXT
check "MX good.plain.test" '10 mx1.good.plain.test' K +short good.plain.test MX
check "DNS over TCP" 'status: NOERROR' K +tcp plain.test SOA
check "RRSIG on signed.test TLSA" 'RRSIG' K +dnssec _25._tcp.mx.good.signed.test TLSA
check "SERVFAIL zone (_smtp._tls.tlsrpt-servfail)" 'status: SERVFAIL' K _smtp._tls.tlsrpt-servfail.plain.test TXT
check "NXDOMAIN nothere.plain.test" 'status: NXDOMAIN' K nothere.plain.test A
check "validated: TLSA secure" "has TLSA record 3 1 1 $WORLD_TLSA_GOOD \\(secure\\)" U -t TLSA _25._tcp.mx.good.signed.test
check "validated: plain.test insecure" '\(insecure\)' U -t MX good.plain.test
check "validated: bogus.test bogus" 'BOGUS' U -t A mx.bogus.test
check "validated: TLSA SERVFAIL in signed zone" 'SERVFAIL' U -t TLSA _25._tcp.mx.dane-servfail.signed.test

W=$WORLD_HTTPS_ADDR
P=/.well-known/mta-sts.txt
check "policy good.plain.test" '^200 text/plain' H mta-sts.good.plain.test "$W" $P
check "policy good.signed.test" '^200 text/plain' H mta-sts.good.signed.test "$W" $P
check "policy body" 'mode: enforce' curl -s --cacert "$WORLD_CA" --resolve "mta-sts.good.plain.test:$WORLD_HTTPS_PORT:$W" \
    "https://mta-sts.good.plain.test:$WORLD_HTTPS_PORT$P"
check "policy redirect" '^301' H mta-sts.policy-redirect.plain.test "$W" $P
check "policy 404" '^404' H mta-sts.policy-404.plain.test "$W" $P
check "policy 500" '^500' H mta-sts.policy-500.plain.test "$W" $P
check "policy text/html" '^200 text/html' H mta-sts.policy-content-type.plain.test "$W" $P
check "policy expired cert" '^000' H mta-sts.policy-cert-expired.plain.test "$W" $P
check "policy self-signed cert" '^000' H mta-sts.policy-cert-selfsigned.plain.test "$W" $P
check "policy wrong-name cert" '^000' H mta-sts.policy-cert-wrongname.plain.test "$W" $P
check "policy TLS 1.0/1.1 only" '^000' H mta-sts.policy-tls-old.plain.test 127.0.0.21 $P
check "policy unreachable" '^000' H mta-sts.policy-unreachable.plain.test "$WORLD_DOWN_ADDR" $P
check "rua endpoint 200" '^200' H reports.plain.test "$W" /tlsrpt
check "rua endpoint 404" '^404' H rua-404.plain.test "$W" /tlsrpt
check "rua endpoint 500" '^500' H rua-500.plain.test "$W" /tlsrpt

n0=$(wc -l <"$WORLD_SMTP_LOG_GOOD")
check "smtp good" 'Verify return code: 0 \(ok\)' S "$WORLD_SMTP_GOOD" mx1.good.plain.test
check "smtp good (DANE MX name)" 'Verify return code: 0 \(ok\)' S "$WORLD_SMTP_GOOD" mx.good.signed.test
check "smtp expired" 'certificate has expired' S "$WORLD_SMTP_EXPIRED" mx.expired.smtp.plain.test
check "smtp wrong name" 'hostname mismatch' S "$WORLD_SMTP_WRONGNAME" mx.wrongname.smtp.plain.test
check "smtp self-signed" 'self-signed' S "$WORLD_SMTP_SELFSIGNED" mx.selfsigned.smtp.plain.test
check "smtp TLS 1.0 (client at SECLEVEL=0)" 'Protocol *: TLSv1$' S "$WORLD_SMTP_OLDTLS" mx.oldtls.smtp.plain.test \
    -tls1 -cipher DEFAULT@SECLEVEL=0
check "smtp no STARTTLS" "didn't find starttls|error" S "$WORLD_SMTP_NOSTARTTLS" x
check "smtp STARTTLS 454" "didn't find starttls|error" S "$WORLD_SMTP_REFUSE" x
check "smtp TLS junk" "error" S "$WORLD_SMTP_TLSFAIL" x
check "smtp 127.0.0.99 refused" 'Connection refused|connect:errno' S "$WORLD_DOWN_ADDR" x
check "smtp log: one line per connection" "^$((n0 + 2)) " wc -l "$WORLD_SMTP_LOG_GOOD"

echo "$fails failure(s)"
((fails == 0))
