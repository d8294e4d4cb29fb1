#!/usr/bin/python3
"""Generate the WebShield test world into a directory (called by world.sh).

    gen.py DIR            write certificates, zone files, knot.conf, nginx.conf, MTA-STS policy
                          files, scenarios.json, world.env and world.json into DIR
    gen.py --markdown     print the scenario table (the body of SCENARIOS.md) to stdout

Ports come from the environment: WORLD_DNS_PORT, WORLD_HTTPS_PORT, WORLD_SMTP_PORT, and for Dovecot
WORLD_IMAP_PORT (IMAP with STARTTLS) and WORLD_IMAPS_PORT (IMAP over TLS).

Every scenario is declared once, below, with the codes from /work/shared/CHECKS.md that a correct
checker must report for it ("must") and codes that follow from the same fault and are acceptable
too ("may").  Uses only the Python standard library and the openssl command line tool.
"""
import base64
import datetime
import hashlib
import json
import os
import subprocess
import sys

# --------------------------------------------------------------------------------------------
# Addresses (all loopback).  One SMTP server per behaviour, all on WORLD_SMTP_PORT.
# --------------------------------------------------------------------------------------------
DNS_ADDR = "127.0.0.1"
WEB_ADDR = "127.0.0.20"        # nginx, one SNI vhost per host name
WEB_OLDTLS_ADDR = "127.0.0.21"  # nginx, TLS 1.0/1.1 only (handshake fails for TLS >= 1.2 clients)
DOWN_ADDR = "127.0.0.99"       # nothing listens here, ever

# name -> (address, behaviour, certificate kind)
SMTP_SERVERS = {
    "good":       ("127.0.0.10", "starttls", "mx-good"),
    "nostarttls": ("127.0.0.12", "nostarttls", None),
    "refuse":     ("127.0.0.13", "refuse", "mx-good"),
    "expired":    ("127.0.0.14", "starttls", "expired"),
    "wrongname":  ("127.0.0.15", "starttls", "wrongname"),
    "selfsigned": ("127.0.0.16", "starttls", "selfsigned"),
    "oldtls":     ("127.0.0.17", "oldtls", "mx-good"),
    "tlsfail":    ("127.0.0.18", "tlsfail", "mx-good"),
    "silent":     ("127.0.0.19", "silent", None),
}

WRONG_NAME = "mail.provider.test"   # the only name in the "wrong name" certificate
MAILBOX = "tlsrpt@good.plain.test"  # a deliverable TLS-RPT mailbox (good.plain.test has an MX)


# --------------------------------------------------------------------------------------------
# World model: records per zone, nginx vhosts, certificate names, scenarios.
# --------------------------------------------------------------------------------------------
SIGNED_ZONES = ["signed.test", "bogus.test"]
ZONES = ["plain.test", "signed.test", "bogus.test"]
SERVFAIL_ZONES = []  # configured in knot without a zone file: every answer is SERVFAIL

records = {}           # zone -> list of (owner, type, rdata)
vhosts = {}            # host -> dict(cert=..., addr=..., locations={path: nginx directives})
cert_names = {"mx-good": [], "web-good": [], "expired": [], "selfsigned": [], "wrongname": [WRONG_NAME],
              "imap": ["127.0.0.1", "localhost"]}
scenarios = []         # list of dicts
bulk = []              # healthy domains for benchmarks (WORLD_BULK), not scenarios


def zone_of(name):
    best = None
    for z in ZONES + SERVFAIL_ZONES:
        if name == z or name.endswith("." + z):
            if best is None or len(z) > len(best):
                best = z
    if best is None:
        raise SystemExit("no zone for " + name)
    return best


def rr(owner, rtype, rdata):
    records.setdefault(zone_of(owner), []).append((owner, rtype, rdata))


def txt_rdata(text):
    """Quote text as TXT rdata: 255-byte character-strings, \\DDD escapes.  A str or bytes is split
    into 255-byte strings; a tuple gives its own character-strings (one RR, several strings)."""
    if isinstance(text, tuple):
        return " ".join(txt_rdata(t) for t in text)
    data = text.encode() if isinstance(text, str) else text
    chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
    out = []
    for chunk in chunks:
        s = ""
        for b in chunk:
            if b in (0x22, 0x5C) or b < 0x20 or b > 0x7E:
                s += "\\%03d" % b
            else:
                s += chr(b)
        out.append('"' + s + '"')
    return " ".join(out)


def txt(owner, *texts):
    for t in texts:
        rr(owner, "TXT", txt_rdata(t))


def a(host, addr):
    rr(host, "A", addr)


def mx(domain, *targets):
    for pref, target in enumerate(targets):
        rr(domain, "MX", "%d %s." % (10 * (pref + 1), target))


def smtp_host(host, server="good"):
    """host's A record points at SMTP server `server`; its certificate (if any) must name host."""
    addr, _behaviour, kind = SMTP_SERVERS[server]
    a(host, addr)
    if kind in ("mx-good", "expired", "selfsigned") and host not in cert_names[kind]:
        cert_names[kind].append(host)


def servfail_zone(name, parent_ns):
    """`name` becomes a zone knot is configured for but never loads: every answer at or below it
    is SERVFAIL.  The parent zone delegates it, so the name is not NXDOMAIN there either."""
    rr(name, "NS", parent_ns)  # still goes to the parent zone: name is not registered yet
    SERVFAIL_ZONES.append(name)


def tlsrpt(domain, *texts):
    txt("_smtp._tls." + domain, *texts)


def tlsrpt_ok(domain):
    tlsrpt(domain, "v=TLSRPTv1; rua=mailto:" + MAILBOX)


def web_host(host, cert="web-good", addr=WEB_ADDR, dns=True):
    if dns:
        a(host, addr)
    if cert in ("web-good", "expired", "selfsigned") and host not in cert_names[cert]:
        cert_names[cert].append(host)
    return vhosts.setdefault(host, {"cert": cert, "addr": addr, "locations": {}})


POLICY_PATH = "/.well-known/mta-sts.txt"


def policy_text(mode="enforce", mxs=("mx1.good.plain.test",), max_age="604800"):
    lines = ["version: STSv1", "mode: " + mode] + ["mx: " + m for m in mxs] + ["max_age: " + max_age]
    return "\r\n".join(lines) + "\r\n"


def sts(domain, policy=None, record="v=STSv1; id=20240101T000000", cert="web-good",
        content_type="text/plain", location=None, policy_addr=WEB_ADDR, policy_dns=True):
    """Publish _mta-sts TXT and serve `policy` (str/bytes) at https://mta-sts.<domain>/..."""
    if record is not None:
        txt("_mta-sts." + domain, record)
    host = "mta-sts." + domain
    if policy_addr is None:          # no A record for the policy host
        return
    if policy_addr == DOWN_ADDR:
        a(host, DOWN_ADDR)
        return
    vh = web_host(host, cert=cert, addr=policy_addr, dns=policy_dns)
    if location is not None:
        vh["locations"][POLICY_PATH] = location
        return
    body = policy if policy is not None else policy_text()
    if isinstance(body, str):
        body = body.encode()
    fname = "policies/%s.txt" % host
    vh["files"] = vh.get("files", {})
    vh["files"][fname] = body
    vh["locations"][POLICY_PATH] = "default_type %s; alias $WORLD/%s;" % (content_type, fname)


def rua_host(host, cert="web-good", status=200, addr=WEB_ADDR):
    """An https TLS-RPT endpoint: /tlsrpt answers `status` to every method."""
    if addr == DOWN_ADDR:
        a(host, DOWN_ADDR)
        return
    vh = web_host(host, cert=cert, addr=addr)
    vh["locations"]["/tlsrpt"] = "return %d;" % status if status != 200 else 'return 200 "ok\\n";'


def rua_url(host):
    return "https://%s:%s/tlsrpt" % (host, os.environ.get("WORLD_HTTPS_PORT", "443"))


def scenario(domain, publishes, must=(), may=(), open_question=False):
    """healthy = nothing must be reported; open_question = CHECKS.md does not fix the code(s)."""
    scenarios.append({"domain": domain, "publishes": publishes, "must": list(must), "may": list(may),
                      "healthy": not must and not open_question, "open_question": open_question})


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------
def declare():
    P = "plain.test"
    S = "signed.test"
    for z in ZONES:
        rr(z, "NS", "ns." + z + ".")
        a("ns." + z, DNS_ADDR)

    # ---- shared infrastructure -------------------------------------------------------------
    smtp_host("mx1.good.plain.test")
    smtp_host("mx2.good.plain.test")
    rua_host("reports.plain.test")
    for name in SMTP_SERVERS:
        if name != "good":
            smtp_host("mx.%s.smtp.plain.test" % name, name)
    a("down.plain.test", DOWN_ADDR)

    # ---- healthy ---------------------------------------------------------------------------
    d = "good." + P
    tlsrpt(d, "v=TLSRPTv1; rua=mailto:%s,%s" % (MAILBOX, rua_url("reports.plain.test")))
    sts(d, policy_text(mxs=["mx1.good.plain.test", "mx2.good.plain.test"]))
    mx(d, "mx1.good.plain.test", "mx2.good.plain.test")
    scenario(d, "TLS-RPT (mailto + https rua), MTA-STS enforce (policy via nginx, CA cert), two MX with good STARTTLS", [])

    d = "wildcard." + P
    tlsrpt_ok(d)
    sts(d, policy_text(mxs=["*.good.plain.test"], max_age="31557600"))
    mx(d, "mx1.good.plain.test", "mx2.good.plain.test")
    scenario(d, "healthy; policy `mx: *.good.plain.test` matches both MX, max_age 31557600 (the maximum)", [])

    d = "cname-tlsrpt." + P
    rr("_smtp._tls." + d, "CNAME", "_smtp._tls.good.plain.test.")
    sts(d, policy_text())
    mx(d, "mx1.good.plain.test")
    scenario(d, "healthy; `_smtp._tls` is a CNAME to good.plain.test's valid record (must be followed)", [])

    # ---- TLS-RPT record ---------------------------------------------------------------------
    def tlsrpt_case(label, texts, must, may=(), what=None, owner=None):
        d = label + "." + P
        if owner is None:
            tlsrpt(d, *texts)
        else:
            txt(owner % d, *texts)
        sts(d, policy_text())
        mx(d, "mx1.good.plain.test")
        scenario(d, what or "TLS-RPT " + " + ".join("`%s`" % t for t in texts) + "; MTA-STS and MX healthy",
                 must, may)

    d = "tlsrpt-missing." + P
    sts(d, policy_text())
    mx(d, "mx1.good.plain.test")
    scenario(d, "no TLS-RPT record; MTA-STS and MX healthy", ["tlsrpt.missing", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-unrelated", ["hello world", "v=spf1 -all"], ["tlsrpt.missing", "mta_sts.without_tlsrpt"],
                what="only unrelated TXT at `_smtp._tls`")
    tlsrpt_case("tlsrpt-apex", ["v=TLSRPTv1; rua=mailto:" + MAILBOX], ["tlsrpt.wrong_location"],
                ["tlsrpt.missing", "mta_sts.without_tlsrpt"], owner="%s", what="TLS-RPT record at the apex only")
    tlsrpt_case("tlsrpt-legacy", ["v=TLSRPTv1; rua=mailto:" + MAILBOX], ["tlsrpt.legacy_name"],
                ["tlsrpt.missing", "mta_sts.without_tlsrpt"], owner="_smtp-tlsrpt.%s",
                what="TLS-RPT record only at `_smtp-tlsrpt.` (draft name)")
    tlsrpt_case("tlsrpt-multiple", ["v=TLSRPTv1; rua=mailto:" + MAILBOX, "v=TLSRPTv1; rua=" + rua_url("reports.plain.test")],
                ["tlsrpt.multiple_records"], ["mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-version-not-first", ["rua=mailto:%s; v=TLSRPTv1" % MAILBOX], ["tlsrpt.version_not_first"],
                ["tlsrpt.missing", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-version-case", ["V=TLSRPTv1; rua=mailto:" + MAILBOX], ["tlsrpt.version_case"],
                ["tlsrpt.missing", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-version-lower", ["v=tlsrptv1; rua=mailto:" + MAILBOX], ["tlsrpt.version_case"],
                ["tlsrpt.missing", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-version-unknown", ["v=TLSRPTv2; rua=mailto:" + MAILBOX], ["tlsrpt.version_unknown"],
                ["tlsrpt.missing", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-syntax", ["v=TLSRPTv1;; rua=mailto:" + MAILBOX], ["tlsrpt.syntax"],
                ["mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-split", [("v=TLSRPTv1; rua=mail", "to:" + MAILBOX)], [],
                what="healthy: one TXT RR of two character-strings `v=TLSRPTv1; rua=mail` `to:...` (joined without separator)")
    tlsrpt_case("tlsrpt-rua-missing", ["v=TLSRPTv1; RUA=mailto:" + MAILBOX], ["tlsrpt.rua_missing"],
                ["tlsrpt.extension_unknown", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-rua-empty", ["v=TLSRPTv1; rua="], ["tlsrpt.rua_empty"], ["tlsrpt.syntax", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-rua-empty-element", ["v=TLSRPTv1; rua=mailto:%s," % MAILBOX], ["tlsrpt.rua_empty"],
                ["tlsrpt.syntax"])
    tlsrpt_case("tlsrpt-rua-http", ["v=TLSRPTv1; rua=http://reports.plain.test/tlsrpt"], ["tlsrpt.rua_scheme_unsupported"],
                ["mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-rua-noscheme", ["v=TLSRPTv1; rua=" + MAILBOX], ["tlsrpt.rua_scheme_unsupported"],
                ["mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-rua-bang", ["v=TLSRPTv1; rua=mailto:%s!10m" % MAILBOX], ["tlsrpt.rua_unencoded_char"],
                ["tlsrpt.rua_mailto_invalid", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-mailto-invalid", ["v=TLSRPTv1; rua=mailto:tlsrpt@@good.plain.test"], ["tlsrpt.rua_mailto_invalid"],
                ["mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-mailto-hfields", ["v=TLSRPTv1; rua=mailto:%s?subject=tlsrpt" % MAILBOX], ["tlsrpt.rua_mailto_hfields"])
    tlsrpt_case("tlsrpt-https-invalid", ["v=TLSRPTv1; rua=https://reports.plain.test:99999/tlsrpt"],
                ["tlsrpt.rua_https_invalid"], ["tlsrpt.https_only", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-https-nohost", ["v=TLSRPTv1; rua=https:///tlsrpt"],
                ["tlsrpt.rua_https_invalid"], ["tlsrpt.https_only", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-scheme-case", ["v=TLSRPTv1; rua=MAILTO:" + MAILBOX], ["tlsrpt.rua_scheme_case"])
    tlsrpt_case("tlsrpt-space", ["v=TLSRPTv1 ; rua=mailto:" + MAILBOX], ["tlsrpt.space_before_delimiter"])
    tlsrpt_case("tlsrpt-ext-invalid", ["v=TLSRPTv1; rua=mailto:%s; ext=a=b" % MAILBOX], ["tlsrpt.extension_invalid"],
                ["tlsrpt.syntax", "mta_sts.without_tlsrpt"])
    tlsrpt_case("tlsrpt-ext-unknown", ["v=TLSRPTv1; rua=mailto:%s; ext=1" % MAILBOX], ["tlsrpt.extension_unknown"])
    tlsrpt_case("tlsrpt-https-only", ["v=TLSRPTv1; rua=" + rua_url("reports.plain.test")], ["tlsrpt.https_only"])

    d = "tlsrpt-servfail." + P
    sts(d, policy_text())
    mx(d, "mx1.good.plain.test")
    servfail_zone("_smtp._tls." + d, "ns.plain.test.")
    scenario(d, "`_smtp._tls` name answers SERVFAIL (zone configured in knot, never loaded)", ["tlsrpt.lookup_failed"])

    d = "sts-missing." + P
    tlsrpt_ok(d)
    mx(d, "mx1.good.plain.test")
    scenario(d, "TLS-RPT only: no MTA-STS, no DANE; MX healthy", ["mta_sts.missing", "tlsrpt.without_policy"])

    # ---- TLS-RPT destinations ---------------------------------------------------------------
    rr("nullmx." + P, "MX", "0 .")
    txt("nomail." + P, "this name has no MX and no A/AAAA")
    rua_host("rua-expired." + P, cert="expired")
    rua_host("rua-selfsigned." + P, cert="selfsigned")
    rua_host("rua-wrongname." + P, cert="wrongname")
    rua_host("rua-404." + P, status=404)
    rua_host("rua-500." + P, status=500)
    rua_host("rua-down." + P, addr=DOWN_ADDR)
    rua_host("rua-oldtls." + P, addr=WEB_OLDTLS_ADDR)

    def rua_case(label, rua, must, may=(), what=None):
        d = label + "." + P
        tlsrpt(d, "v=TLSRPTv1; rua=" + rua)
        sts(d, policy_text())
        mx(d, "mx1.good.plain.test")
        scenario(d, what or "TLS-RPT `rua=%s`; MTA-STS and MX healthy" % rua, must, may)

    rua_case("rua-nullmx", "mailto:tlsrpt@nullmx.plain.test", ["tlsrpt.rua_mailto_undeliverable"],
             what="rua mailto whose domain has a null MX")
    rua_case("rua-nomail", "mailto:tlsrpt@nomail.plain.test", ["tlsrpt.rua_mailto_undeliverable"],
             what="rua mailto whose domain has no MX and no A/AAAA")
    rua_case("rua-unresolvable", rua_url("nothere.plain.test"), ["tlsrpt.rua_https_unresolvable"], ["tlsrpt.https_only"],
             what="https rua whose host does not resolve (NXDOMAIN)")
    rua_case("rua-unreachable", rua_url("rua-down.plain.test"), ["tlsrpt.rua_https_unreachable"], ["tlsrpt.https_only"],
             what="https rua host at 127.0.0.99 (connection refused)")
    rua_case("rua-tls-old", rua_url("rua-oldtls.plain.test"), ["tlsrpt.rua_https_unreachable"], ["tlsrpt.https_only"],
             what="https rua host speaks only TLS 1.0/1.1 (nginx on 127.0.0.21): TLS connection fails")
    rua_case("rua-cert-expired", rua_url("rua-expired.plain.test"), ["tlsrpt.rua_https_cert_invalid"], ["tlsrpt.https_only"],
             what="https rua with an expired (CA-signed) certificate")
    rua_case("rua-cert-selfsigned", rua_url("rua-selfsigned.plain.test"), ["tlsrpt.rua_https_cert_invalid"],
             ["tlsrpt.https_only"], what="https rua with a self-signed certificate")
    rua_case("rua-cert-wrongname", rua_url("rua-wrongname.plain.test"), ["tlsrpt.rua_https_cert_invalid"],
             ["tlsrpt.https_only"], what="https rua whose certificate names only %s" % WRONG_NAME)
    rua_case("rua-404", rua_url("rua-404.plain.test"), ["tlsrpt.rua_https_http_error"], ["tlsrpt.https_only"],
             what="https rua answering 404 to every method")
    rua_case("rua-500", rua_url("rua-500.plain.test"), ["tlsrpt.rua_https_http_error"], ["tlsrpt.https_only"],
             what="https rua answering 500 to every method")

    # ---- MTA-STS record ---------------------------------------------------------------------
    def sts_record_case(label, records_, must, may=(), what=None):
        d = label + "." + P
        tlsrpt_ok(d)
        sts(d, policy_text(), record=None)
        for r in records_:
            txt("_mta-sts." + d, r)
        mx(d, "mx1.good.plain.test")
        scenario(d, what or "`_mta-sts` " + " + ".join("`%s`" % r for r in records_) + "; policy, TLS-RPT, MX healthy",
                 must, may)

    sts_record_case("sts-multiple", ["v=STSv1; id=1", "v=STSv1; id=2"], ["mta_sts.multiple_records"],
                    ["tlsrpt.without_policy"])
    sts_record_case("sts-version-not-first", ["id=20240101; v=STSv1"], ["mta_sts.version_not_first"],
                    ["mta_sts.missing", "tlsrpt.without_policy"])
    sts_record_case("sts-version-case", ["V=STSv1; id=20240101"], ["mta_sts.version_case"],
                    ["mta_sts.missing", "tlsrpt.without_policy"])
    sts_record_case("sts-version-lower", ["v=stsv1; id=20240101"], ["mta_sts.version_case"],
                    ["mta_sts.missing", "tlsrpt.without_policy"])
    sts_record_case("sts-syntax", ["v=STSv1;; id=20240101"], ["mta_sts.syntax"], ["tlsrpt.without_policy"])
    sts_record_case("sts-id-missing", ["v=STSv1; foo=bar"], ["mta_sts.id_missing"],
                    ["mta_sts.extension_unknown", "mta_sts.syntax", "tlsrpt.without_policy"])
    sts_record_case("sts-id-invalid", ["v=STSv1; id=2024-05-01T00:00Z"], ["mta_sts.id_invalid"],
                    ["mta_sts.syntax", "tlsrpt.without_policy"])
    sts_record_case("sts-id-long", ["v=STSv1; id=" + "a" * 33], ["mta_sts.id_invalid"],
                    ["mta_sts.syntax", "tlsrpt.without_policy"])
    sts_record_case("sts-id-duplicate", ["v=STSv1; id=20240101; id=20240102"], ["mta_sts.id_duplicate"])
    sts_record_case("sts-non-ascii", [b"v=STSv1; id=20240101; ext=caf\xc3\xa9"], ["mta_sts.non_ascii"],
                    ["mta_sts.extension_invalid", "mta_sts.syntax", "tlsrpt.without_policy"],
                    what="`_mta-sts` `v=STSv1; id=20240101; ext=café` (UTF-8 bytes)")
    sts_record_case("sts-space", ["v=STSv1 ; id=20240101"], ["mta_sts.space_before_delimiter"])
    sts_record_case("sts-ext-invalid", ["v=STSv1; id=20240101; ext=a=b"], ["mta_sts.extension_invalid"],
                    ["mta_sts.syntax", "tlsrpt.without_policy"])
    sts_record_case("sts-ext-unknown", ["v=STSv1; id=20240101; ext=1"], ["mta_sts.extension_unknown"])

    d = "sts-servfail." + P
    tlsrpt_ok(d)
    mx(d, "mx1.good.plain.test")
    servfail_zone("_mta-sts." + d, "ns.plain.test.")
    scenario(d, "`_mta-sts` name answers SERVFAIL", ["mta_sts.lookup_failed"])

    d = "sts-only." + P
    sts(d, policy_text())
    mx(d, "mx1.good.plain.test")
    txt("_smtp._tls." + d, "v=spf1 -all")
    scenario(d, "MTA-STS healthy, no TLS-RPT (only an unrelated TXT at `_smtp._tls`)",
             ["mta_sts.without_tlsrpt", "tlsrpt.missing"])

    # ---- MTA-STS policy fetch ---------------------------------------------------------------
    def fetch_case(label, must, what, may=(), **kw):
        d = label + "." + P
        tlsrpt_ok(d)
        sts(d, kw.pop("policy", policy_text()), **kw)
        mx(d, "mx1.good.plain.test")
        scenario(d, what, must, may)

    fetch_case("policy-host-unresolvable", ["mta_sts.policy_host_unresolvable"], "`mta-sts.` host has no A/AAAA",
               ["tlsrpt.without_policy"], policy_addr=None)
    fetch_case("policy-unreachable", ["mta_sts.policy_unreachable"], "`mta-sts.` host at 127.0.0.99 (refused)",
               ["tlsrpt.without_policy"], policy_addr=DOWN_ADDR)
    fetch_case("policy-tls-old", ["mta_sts.policy_tls_failed"],
               "policy host on nginx 127.0.0.21 that speaks only TLS 1.0/1.1", ["tlsrpt.without_policy"],
               policy_addr=WEB_OLDTLS_ADDR)
    fetch_case("policy-cert-expired", ["mta_sts.policy_cert_expired"], "policy served with an expired CA-signed cert",
               ["tlsrpt.without_policy"], cert="expired")
    fetch_case("policy-cert-selfsigned", ["mta_sts.policy_cert_untrusted"], "policy served with a self-signed cert",
               ["tlsrpt.without_policy"], cert="selfsigned")
    fetch_case("policy-cert-wrongname", ["mta_sts.policy_cert_name_mismatch"],
               "policy served with a CA-signed cert for %s only" % WRONG_NAME, ["tlsrpt.without_policy"], cert="wrongname")
    fetch_case("policy-redirect", ["mta_sts.policy_redirect"],
               "policy URL answers 301 to mta-sts.good.plain.test's (valid) policy", ["mta_sts.policy_http_status",
                                                                                      "tlsrpt.without_policy"],
               location="return 301 https://mta-sts.good.plain.test:$HTTPS_PORT%s;" % POLICY_PATH)
    fetch_case("policy-404", ["mta_sts.policy_http_status"], "policy URL answers 404", ["tlsrpt.without_policy"],
               location="return 404;")
    fetch_case("policy-500", ["mta_sts.policy_http_status"], "policy URL answers 500", ["tlsrpt.without_policy"],
               location="return 500;")
    big = policy_text()
    n = 0
    while len(big) <= 70000:
        big += "mx: mx%05d.too-large.plain.test\r\n" % n
        n += 1
    fetch_case("policy-too-large", ["mta_sts.policy_too_large"], "policy body of %d bytes (> 64 KiB)" % len(big),
               ["tlsrpt.without_policy", "mx.policy_pattern_unused"], policy=big)
    fetch_case("policy-content-type", ["mta_sts.policy_content_type"], "valid policy served as `text/html`",
               content_type="text/html")

    # ---- MTA-STS policy contents --------------------------------------------------------------
    def policy_case(label, body, must, may=(), what=None):
        d = label + "." + P
        tlsrpt_ok(d)
        sts(d, body)
        mx(d, "mx1.good.plain.test")
        shown = body if isinstance(body, str) else body.decode("utf-8", "replace")
        scenario(d, what or "policy `%s`" % shown.replace("\r\n", "\\r\\n"), must, may)

    G = "mx1.good.plain.test"
    policy_case("policy-syntax", "version: STSv1\r\nmode enforce\r\nmx: %s\r\nmax_age: 604800\r\n" % G,
                ["mta_sts.policy_syntax"], ["mta_sts.policy_mode_missing", "tlsrpt.without_policy"])
    policy_case("policy-blank-line", "version: STSv1\r\nmode: enforce\r\n\r\nmx: %s\r\nmax_age: 604800\r\n" % G,
                ["mta_sts.policy_blank_line"], ["mta_sts.policy_syntax", "tlsrpt.without_policy"])
    policy_case("policy-trailing-blank", policy_text() + "\r\n", ["mta_sts.policy_blank_line"],
                ["mta_sts.policy_syntax", "tlsrpt.without_policy"])
    policy_case("policy-bom", b"\xef\xbb\xbf" + policy_text().encode(), ["mta_sts.policy_bom"],
                ["mta_sts.policy_syntax", "mta_sts.policy_version_missing", "tlsrpt.without_policy"],
                what="valid policy preceded by a UTF-8 byte-order mark")
    policy_case("policy-lf", policy_text().replace("\r\n", "\n"), [],
                what="healthy: valid policy with LF line endings (the grammar allows LF)")
    policy_case("policy-no-final-eol", policy_text().rstrip("\r\n"), [],
                what="healthy: valid policy without a final line break")
    policy_case("policy-field-case", "version: STSv1\r\nMode: enforce\r\nmx: %s\r\nmax_age: 604800\r\n" % G,
                ["mta_sts.policy_field_case"], ["mta_sts.policy_mode_missing", "mta_sts.policy_unknown_field",
                                                "tlsrpt.without_policy"])
    policy_case("policy-version-missing", "mode: enforce\r\nmx: %s\r\nmax_age: 604800\r\n" % G,
                ["mta_sts.policy_version_missing"], ["tlsrpt.without_policy"])
    policy_case("policy-version-invalid", "version: STSv2\r\nmode: enforce\r\nmx: %s\r\nmax_age: 604800\r\n" % G,
                ["mta_sts.policy_version_invalid"], ["tlsrpt.without_policy"])
    policy_case("policy-mode-missing", "version: STSv1\r\nmx: %s\r\nmax_age: 604800\r\n" % G,
                ["mta_sts.policy_mode_missing"], ["tlsrpt.without_policy"])
    policy_case("policy-mode-invalid", policy_text(mode="report"), ["mta_sts.policy_mode_invalid"],
                ["tlsrpt.without_policy"])
    policy_case("policy-mode-case", policy_text(mode="Enforce"), ["mta_sts.policy_mode_invalid"],
                ["tlsrpt.without_policy"])
    policy_case("policy-max-age-missing", "version: STSv1\r\nmode: enforce\r\nmx: %s\r\n" % G,
                ["mta_sts.policy_max_age_missing"], ["tlsrpt.without_policy"])
    policy_case("policy-max-age-invalid", policy_text(max_age="1w"), ["mta_sts.policy_max_age_invalid"],
                ["tlsrpt.without_policy"])
    policy_case("policy-max-age-digits", policy_text(max_age="12345678901"), ["mta_sts.policy_max_age_invalid"],
                ["mta_sts.policy_max_age_too_large", "tlsrpt.without_policy"], )
    policy_case("policy-max-age-too-large", policy_text(max_age="31557601"), ["mta_sts.policy_max_age_too_large"],
                ["tlsrpt.without_policy"])
    policy_case("policy-max-age-short", policy_text(max_age="86400"), ["mta_sts.policy_max_age_short"],
                what="policy mode enforce with `max_age: 86400` (< 604800)")
    policy_case("policy-max-age-short-testing", policy_text(mode="testing", max_age="3600"),
                ["mta_sts.policy_max_age_short", "mta_sts.mode_testing"],
                what="policy mode testing with `max_age: 3600` (< 86400)")
    policy_case("policy-max-age-zero", policy_text(max_age="0"), ["mta_sts.policy_max_age_zero"],
                ["mta_sts.policy_max_age_short"])
    policy_case("policy-mx-missing", "version: STSv1\r\nmode: enforce\r\nmax_age: 604800\r\n",
                ["mta_sts.policy_mx_missing"], ["mx.not_in_policy", "tlsrpt.without_policy"])
    policy_case("policy-mode-none", "version: STSv1\r\nmode: none\r\nmax_age: 604800\r\n", ["mta_sts.mode_none"],
                ["tlsrpt.without_policy"], what="policy mode none without mx lines (allowed)")
    policy_case("policy-mode-testing", policy_text(mode="testing", max_age="86400"), ["mta_sts.mode_testing"])
    policy_case("policy-mx-port", policy_text(mxs=[G + ":25"]), ["mta_sts.policy_mx_invalid"],
                ["mx.not_in_policy", "mx.policy_pattern_unused", "tlsrpt.without_policy"])
    policy_case("policy-mx-two-names", policy_text(mxs=[G + " mx2.good.plain.test"]), ["mta_sts.policy_mx_invalid"],
                ["mx.not_in_policy", "mx.policy_pattern_unused", "tlsrpt.without_policy"])
    policy_case("policy-mx-ulabel", policy_text(mxs=[G, "mx.bücher.plain.test"]), ["mta_sts.policy_mx_invalid"],
                ["mx.policy_pattern_unused"])
    policy_case("policy-mx-ip", policy_text(mxs=[G, "127.0.0.10"]), ["mta_sts.policy_mx_ip_literal"],
                ["mx.policy_pattern_unused"])
    policy_case("policy-duplicate-field", "version: STSv1\r\nmode: enforce\r\nmode: testing\r\nmx: %s\r\n"
                "max_age: 604800\r\n" % G, ["mta_sts.policy_duplicate_field"])
    policy_case("policy-unknown-field", "version: STSv1\r\nmode: enforce\r\nmx: %s\r\nmax_age: 604800\r\n"
                "ext: 1\r\n" % G, ["mta_sts.policy_unknown_field"])

    # ---- MX -----------------------------------------------------------------------------------
    d = "nullmx." + P   # records declared above (also the rua-nullmx mailbox domain)
    scenario(d, "null MX `0 .` only; nothing else", ["mx.null"], ["tlsrpt.missing", "mta_sts.missing"])

    d = "implicit." + P
    smtp_host(d)
    tlsrpt_ok(d)
    sts(d, policy_text(mxs=[d]))
    scenario(d, "no MX, A 127.0.0.10 (good SMTP, cert names the domain); TLS-RPT, MTA-STS `mx: %s`" % d, ["mx.implicit"])

    d = "mx-servfail." + P
    servfail_zone(d, "ns.plain.test.")
    scenario(d, "the whole domain answers SERVFAIL (zone never loaded)",
             ["mx.lookup_failed", "tlsrpt.lookup_failed", "mta_sts.lookup_failed"])

    d = "mx-not-in-policy." + P
    tlsrpt_ok(d)
    sts(d, policy_text(mxs=["mx1.good.plain.test"]))
    mx(d, "mx1.good.plain.test", "mx2.good.plain.test")
    scenario(d, "MX mx1+mx2, enforce policy lists only mx1 (error)", ["mx.not_in_policy"])

    d = "mx-not-in-policy-testing." + P
    tlsrpt_ok(d)
    sts(d, policy_text(mode="testing", mxs=["mx1.good.plain.test"], max_age="86400"))
    mx(d, "mx1.good.plain.test", "mx2.good.plain.test")
    scenario(d, "as above, mode testing (warning)", ["mx.not_in_policy", "mta_sts.mode_testing"])

    d = "mx-pattern-unused." + P
    tlsrpt_ok(d)
    sts(d, policy_text(mxs=["mx1.good.plain.test", "old-mx.good.plain.test"]))
    mx(d, "mx1.good.plain.test")
    scenario(d, "policy also lists `old-mx.good.plain.test`, which is no MX", ["mx.policy_pattern_unused"])

    d = "mx-cname." + P
    rr("mx-alias." + P, "CNAME", "mx1.good.plain.test.")
    cert_names["mx-good"].append("mx-alias." + P)
    tlsrpt_ok(d)
    sts(d, policy_text(mxs=["mx-alias.plain.test"]))
    mx(d, "mx-alias.plain.test")
    scenario(d, "MX target mx-alias.plain.test is a CNAME to mx1.good.plain.test (cert names both)", ["mx.cname"])

    d = "mx-unreachable." + P
    tlsrpt_ok(d)
    sts(d, policy_text(mxs=["down.plain.test"]))
    mx(d, "down.plain.test")
    scenario(d, "MX down.plain.test at 127.0.0.99 (refused)", ["mx.unreachable"])

    d = "mx-silent." + P
    tlsrpt_ok(d)
    sts(d, policy_text(mxs=["mx.silent.smtp.plain.test"]))
    mx(d, "mx.silent.smtp.plain.test")
    scenario(d, "MX mx.silent.smtp.plain.test (127.0.0.19) accepts TCP and never answers: the "
                "probe times out", ["mx.unreachable"])

    d = "mx-unresolvable." + P
    tlsrpt_ok(d)
    sts(d, policy_text(mxs=["nothere.plain.test"]))
    mx(d, "nothere.plain.test")
    scenario(d, "MX nothere.plain.test does not resolve (NXDOMAIN); CHECKS.md has no code for this case",
             [], ["mx.unreachable", "mx.lookup_failed"], open_question=True)

    smtp_cases = [
        ("nostarttls", ["mx.starttls_missing"], "EHLO does not offer STARTTLS"),
        ("refuse", ["mx.starttls_missing"], "STARTTLS offered, answered `454 4.7.0 TLS not available`"),
        ("tlsfail", ["mx.tls_failed"], "STARTTLS answered 220, then garbage instead of a TLS handshake"),
        ("oldtls", ["mx.tls_old_version"], "STARTTLS with TLS 1.0/1.1 only (good cert)"),
        ("expired", ["mx.cert_expired"], "STARTTLS with an expired CA-signed cert for the MX name"),
        ("selfsigned", ["mx.cert_untrusted"], "STARTTLS with a self-signed cert for the MX name"),
        ("wrongname", ["mx.cert_name_mismatch"], "STARTTLS with a CA-signed cert for %s only" % WRONG_NAME),
    ]
    for name, must, what in smtp_cases:
        host = "mx.%s.smtp.plain.test" % name
        addr = SMTP_SERVERS[name][0]
        for mode in ("enforce", "testing"):
            d = "mx-%s%s.%s" % (name, "" if mode == "enforce" else "-testing", P)
            tlsrpt_ok(d)
            sts(d, policy_text(mode=mode, mxs=[host], max_age="604800"))
            mx(d, host)
            sev = "error" if mode == "enforce" else "warning"
            if name == "oldtls":
                sev = "warning"
            scenario(d, "MX %s (%s): %s; policy mode %s (%s)" % (host, addr, what, mode, sev),
                     must + (["mta_sts.mode_testing"] if mode == "testing" else []))

    # ---- DANE (signed.test) ---------------------------------------------------------------------
    def tlsa(host, *rdatas):
        for r in rdatas:
            rr("_25._tcp." + host, "TLSA", r)

    def dane_case(label, tlsas, must, may=(), what=None, mx_tlsrpt=True, zone=S, mx_host=None):
        d = label + "." + zone
        host = mx_host or "mx." + d
        tlsrpt_ok(d)
        mx(d, host)
        if mx_host is None:
            smtp_host(host)
        if mx_tlsrpt:
            tlsrpt_ok(host)
        if tlsas:
            tlsa(host, *tlsas)
        scenario(d, what, must, ["mta_sts.missing"] + list(may))

    GOOD = "3 1 1 $TLSA_GOOD"
    NEXT = "3 1 1 $TLSA_NEXT"

    d = "good." + S
    host = "mx.good." + S
    smtp_host(host)
    tlsrpt_ok(d)
    tlsrpt_ok(host)
    sts(d, policy_text(mxs=[host]))
    mx(d, host)
    tlsa(host, GOOD, NEXT)
    scenario(d, "signed; MX with TLSA `3 1 1` (current key) + `3 1 1` (next key); TLS-RPT at domain and "
                "`_smtp._tls.%s`; MTA-STS enforce" % host, [])

    dane_case("dane-mismatch", ["3 1 1 $TLSA_OTHER", NEXT], ["dane.tlsa_mismatch"],
              what="TLSA `3 1 1` hashes of two keys the MX does not use")
    dane_case("dane-unusable", ["0 0 1 $TLSA_CA_CERT", "1 1 1 $TLSA_GOOD"], ["dane.tlsa_unusable"],
              what="only TLSA usages 0 and 1 (PKIX-TA/PKIX-EE)")
    dane_case("dane-bad-length", ["3 1 1 $TLSA_SHORT", "3 1 2 $TLSA_GOOD"], ["dane.tlsa_unusable"],
              what="TLSA `3 1 1` with a 20-byte digest and `3 1 2` with a 32-byte digest (wrong lengths)")
    dane_case("dane-single", [GOOD], ["dane.no_rollover"], what="a single matching TLSA `3 1 1`")
    dane_case("dane-no-tlsrpt-mx", [GOOD, NEXT], ["dane.tlsrpt_missing_on_mx"], mx_tlsrpt=False,
              what="DANE healthy, but no `_smtp._tls` TXT at the MX host")
    dane_case("dane-insecure", [GOOD, NEXT], ["dane.tlsa_insecure"], zone=P,
              what="TLSA published in the unsigned zone plain.test", may=["tlsrpt.without_policy"])

    d = "dane-bogus." + S
    tlsrpt_ok(d)
    mx(d, "mx.bogus.test")
    scenario(d, "signed; MX mx.bogus.test, whose zone validates as bogus (A and TLSA)", ["dane.tlsa_bogus"],
             ["mta_sts.missing", "mx.lookup_failed", "mx.unreachable"])

    d = "dane-servfail." + S
    host = "mx." + d
    tlsrpt_ok(d)
    tlsrpt_ok(host)
    mx(d, host)
    smtp_host(host)
    servfail_zone("_25._tcp." + host, "ns.signed.test.")
    scenario(d, "signed; MX address secure, but the TLSA lookup `_25._tcp.%s` answers SERVFAIL" % host,
             ["dane.tlsa_bogus"], ["mta_sts.missing"])

    d = "dane-mx-insecure." + P
    tlsrpt_ok(d)
    mx(d, "mx.good.signed.test")
    scenario(d, "unsigned domain whose MX is mx.good.signed.test (secure TLSA)", ["dane.mx_insecure"],
             ["mta_sts.missing", "tlsrpt.without_policy"])

    # ---- bogus.test ----------------------------------------------------------------------------
    d = "bogus.test"
    smtp_host("mx.bogus.test")
    tlsrpt_ok(d)
    tlsrpt_ok("mx.bogus.test")
    mx(d, "mx.bogus.test")
    tlsa("mx.bogus.test", GOOD, NEXT)
    scenario(d, "signed zone whose trust anchor (DS) is deliberately wrong: every answer is bogus",
             ["tlsrpt.lookup_failed", "mta_sts.lookup_failed", "mx.lookup_failed"])


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
def sh(*args, **kw):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


DKIM_SELECTOR = "s1"
DKIM_DOMAIN = "reporter.plain.test"  # signs report mail; its key is published below


def make_dkim_key(out):
    """An RSA key for signing test report mail, its public half published as a DKIM key record."""
    key = os.path.join(out, "dkim.key")
    sh("openssl", "genrsa", "-out", key, "2048")
    der = subprocess.run(["openssl", "rsa", "-in", key, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    txt("%s._domainkey.%s" % (DKIM_SELECTOR, DKIM_DOMAIN),
        "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode())
    return key


IMAP_ADDR = "127.0.0.1"
IMAP_USER = "tlsrpt"
# A second user whose server advertises no MOVE and no UIDPLUS (a per-user imap_capability):
# moving must fall back to COPY, \Deleted and EXPUNGE.
IMAP_USER_NOMOVE = "nomove"
IMAP_PASSWORD = "world-imap-password"


def write_dovecot(out, imap_port, imaps_port):
    """Dovecot (IMAP) with its own configuration, nothing from /etc/dovecot: a passwd-file user
    with a known password whose Maildir is in DIR/mail, IMAPS with the test CA's certificate on
    one port and IMAP with STARTTLS on another, TLS 1.2 at least, no plaintext logins."""
    import pwd
    ddir = os.path.join(out, "dovecot")
    os.makedirs(os.path.join(ddir, "run"), exist_ok=True)
    os.makedirs(os.path.join(ddir, "state"), exist_ok=True)
    passwd = os.path.join(ddir, "passwd")
    with open(passwd, "w") as f:
        f.write("%s:{PLAIN}%s::::::\n" % (IMAP_USER, IMAP_PASSWORD))
        f.write("%s:{PLAIN}%s::::::userdb_imap_capability=IMAP4rev1\n" % (IMAP_USER_NOMOVE,
                                                                          IMAP_PASSWORD))
    with open(os.path.join(out, "imap-password"), "w") as f:
        f.write(IMAP_PASSWORD + "\n")
    # Dovecot never gives mail access to root: the mailbox belongs to nobody, and DIR must be
    # reachable for nobody (world.sh checks).
    nobody = pwd.getpwnam("nobody")
    maildir = os.path.join(out, "mail", IMAP_USER, "Maildir")
    for user in (IMAP_USER, IMAP_USER_NOMOVE):
        for sub in ("", "cur", "new", "tmp"):
            os.makedirs(os.path.join(out, "mail", user, "Maildir", sub), exist_ok=True)
    for root, dirs, _files in os.walk(os.path.join(out, "mail")):
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
        for d in dirs:
            os.chown(os.path.join(root, d), nobody.pw_uid, nobody.pw_gid)
    dh = "/usr/share/dovecot/dh.pem"
    conf = """# generated by tests/world/gen.py; run as: dovecot -F -c {ddir}/dovecot.conf
base_dir = {ddir}/run
state_dir = {ddir}/state
log_path = {out}/dovecot.log
protocols = imap
listen = {addr}
ssl = yes
ssl_cert = <{out}/certs/imap.pem
ssl_key = <{out}/certs/imap.key
ssl_min_protocol = TLSv1.2
{dh}
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={out}/mail/%u
}}
mail_location = maildir:{out}/mail/%u/Maildir
first_valid_uid = 1
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = {addr}
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = {addr}
    port = {imaps_port}
    ssl = yes
  }}
}}
""".format(ddir=ddir, out=out, addr=IMAP_ADDR, passwd=passwd, uid=nobody.pw_uid, gid=nobody.pw_gid,
           imap_port=imap_port, imaps_port=imaps_port,
           dh=("ssl_dh = <" + dh) if os.path.exists(dh) else "")
    with open(os.path.join(ddir, "dovecot.conf"), "w") as f:
        f.write(conf)
    return maildir


def make_certs(out):
    ca = os.path.join(out, "ca")
    os.makedirs(os.path.join(ca, "newcerts"), exist_ok=True)
    open(os.path.join(ca, "index.txt"), "w").close()
    with open(os.path.join(ca, "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(ca, "ca.cnf"), "w") as f:
        f.write("""[ ca ]
default_ca = testca
[ testca ]
database = {ca}/index.txt
new_certs_dir = {ca}/newcerts
serial = {ca}/serial
certificate = {out}/ca.pem
private_key = {ca}/ca.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no
[ anything ]
commonName = supplied
""".format(ca=ca, out=out))

    def key(path):
        sh("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path)

    key(os.path.join(ca, "ca.key"))
    sh("openssl", "req", "-x509", "-new", "-key", os.path.join(ca, "ca.key"), "-subj", "/CN=WebShield Test CA",
       "-days", "30", "-out", os.path.join(out, "ca.pem"),
       "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    certs = os.path.join(out, "certs")
    os.makedirs(certs, exist_ok=True)
    for kind, names in cert_names.items():
        k = os.path.join(certs, kind + ".key")
        c = os.path.join(certs, kind + ".pem")
        key(k)
        san = ",".join(("IP:" if n.replace(".", "").isdigit() else "DNS:") + n for n in names)
        if kind == "selfsigned":
            sh("openssl", "req", "-x509", "-new", "-key", k, "-subj", "/CN=" + names[0], "-days", "30", "-out", c,
               "-addext", "subjectAltName=" + san, "-addext", "basicConstraints=critical,CA:FALSE",
               "-addext", "extendedKeyUsage=serverAuth")
            continue
        csr = os.path.join(certs, kind + ".csr")
        ext = os.path.join(certs, kind + ".ext")
        sh("openssl", "req", "-new", "-key", k, "-subj", "/CN=" + names[0], "-out", csr)
        with open(ext, "w") as f:
            f.write("basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\n"
                    "extendedKeyUsage = serverAuth\nsubjectAltName = %s\n" % san)
        dates = ["-startdate", "20200101000000Z", "-enddate", "20210101000000Z"] if kind == "expired" else ["-days", "30"]
        sh("openssl", "ca", "-batch", "-notext", "-config", os.path.join(ca, "ca.cnf"), "-in", csr, "-out", c,
           "-extfile", ext, *dates)
    key(os.path.join(certs, "next.key"))   # the rollover key published in TLSA, not in use
    key(os.path.join(certs, "other.key"))  # a key nobody uses (mismatching TLSA)


def spki_sha256(path, is_cert):
    cmd = ["openssl", "x509", "-in", path, "-pubkey", "-noout"] if is_cert else ["openssl", "pkey", "-in", path, "-pubout"]
    pem = subprocess.run(cmd, check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pem, check=True,
                         capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


def cert_sha256(path):
    der = subprocess.run(["openssl", "x509", "-in", path, "-outform", "DER"], check=True, capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


def write_zones(out, subst):
    zdir = os.path.join(out, "zones")
    os.makedirs(zdir, exist_ok=True)
    serial = datetime.datetime.utcnow().strftime("%Y%m%d01")
    for z in ZONES:
        lines = ["$ORIGIN %s." % z, "$TTL 60",
                 "@ 60 IN SOA ns.%s. hostmaster.%s. %s 60 60 600 60" % (z, z, serial)]
        for owner, rtype, rdata in records.get(z, []):
            for k, v in subst.items():
                rdata = rdata.replace("$" + k, v)
            lines.append("%s. 60 IN %s %s" % (owner, rtype, rdata))
        with open(os.path.join(zdir, z + ".zone"), "w") as f:
            f.write("\n".join(lines) + "\n")


def write_knot(out, dns_port):
    zones = []
    for z in ZONES:
        zones.append("  - domain: %s\n" % z + ("    dnssec-signing: on\n    dnssec-policy: world\n"
                                              if z in SIGNED_ZONES else ""))
    for z in SERVFAIL_ZONES:
        zones.append("  - domain: %s\n    file: %s/zones/never-loaded.zone\n" % (z, out))
    conf = """# generated by tests/world/gen.py
server:
    rundir: {out}/knot
    listen: {addr}@{port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: {out}/knot
control:
    listen: {out}/knot/knot.sock
policy:
  - id: world
    algorithm: ecdsap256sha256
    dnskey-ttl: 60
    zone-max-ttl: 60
    rrsig-lifetime: 30d
    rrsig-refresh: 7d
template:
  - id: default
    storage: {out}/zones
    file: "%s.zone"
    zonefile-sync: -1
    journal-content: none
zone:
{zones}""".format(out=out, addr=DNS_ADDR, port=dns_port, zones="".join(zones))
    os.makedirs(os.path.join(out, "knot"), exist_ok=True)
    with open(os.path.join(out, "knot.conf"), "w") as f:
        f.write(conf)


def write_nginx(out, https_port):
    os.makedirs(os.path.join(out, "nginx", "tmp"), exist_ok=True)
    os.makedirs(os.path.join(out, "nginx", "empty"), exist_ok=True)
    os.makedirs(os.path.join(out, "policies"), exist_ok=True)
    servers = []
    certs = os.path.join(out, "certs")
    # Default vhosts (unknown SNI): 404 with the good web cert.
    for addr, extra in ((WEB_ADDR, ""), (WEB_OLDTLS_ADDR, "")):
        servers.append("""    server {{
        listen {addr}:{port} ssl default_server;
        server_name _;
        ssl_certificate {certs}/web-good.pem;
        ssl_certificate_key {certs}/web-good.key;
        return 404;
    }}
""".format(addr=addr, port=https_port, certs=certs))
    for host in sorted(vhosts):
        vh = vhosts[host]
        for fname, body in vh.get("files", {}).items():
            with open(os.path.join(out, fname), "wb") as f:
                f.write(body)
        locs = ""
        for path, directives in sorted(vh["locations"].items()):
            directives = directives.replace("$WORLD", out).replace("$HTTPS_PORT", str(https_port))
            locs += "        location = %s { %s }\n" % (path, directives)
        servers.append("""    server {{
        listen {addr}:{port} ssl;
        server_name {host};
        ssl_certificate {certs}/{cert}.pem;
        ssl_certificate_key {certs}/{cert}.key;
        root {out}/nginx/empty;
{locs}    }}
""".format(addr=vh["addr"], port=https_port, host=host, certs=certs, cert=vh["cert"], out=out, locs=locs))
    conf = """# generated by tests/world/gen.py; run as: nginx -c {out}/nginx.conf -p {out}/nginx -e {out}/nginx-error.log
daemon off;
user root root;
worker_processes 1;
pid {out}/nginx.pid;
error_log {out}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {out}/nginx-access.log;
    client_body_temp_path {out}/nginx/tmp/body;
    proxy_temp_path {out}/nginx/tmp/proxy;
    fastcgi_temp_path {out}/nginx/tmp/fastcgi;
    uwsgi_temp_path {out}/nginx/tmp/uwsgi;
    scgi_temp_path {out}/nginx/tmp/scgi;
    default_type text/plain;
    server_names_hash_bucket_size 128;
    server_names_hash_max_size 4096;
    # TLS 1.2+ for everything on {web}; only TLS 1.0/1.1 on {old} (ssl_protocols must be set per
    # listen address, nginx picks it from the default server of the address).
{servers}}}
""".format(out=out, web=WEB_ADDR, old=WEB_OLDTLS_ADDR, servers="".join(servers))
    # Per-address protocol settings go into every server block of that address.
    conf = conf.replace("listen %s:%d ssl" % (WEB_OLDTLS_ADDR, https_port),
                        "ssl_protocols TLSv1 TLSv1.1; ssl_ciphers DEFAULT:@SECLEVEL=0;\n"
                        "        listen %s:%d ssl" % (WEB_OLDTLS_ADDR, https_port))
    conf = conf.replace("listen %s:%d ssl" % (WEB_ADDR, https_port),
                        "ssl_protocols TLSv1.2 TLSv1.3;\n        listen %s:%d ssl" % (WEB_ADDR, https_port))
    with open(os.path.join(out, "nginx.conf"), "w") as f:
        f.write(conf)


def declare_bulk(count):
    """`count` healthy domains b0000.bulk.plain.test…: TLS-RPT, MTA-STS enforce with a policy
    served by nginx, MX on one of ten shared host names of the good SMTP server."""
    for k in range(10):
        smtp_host("mx%d.bulk.plain.test" % k)
    for i in range(count):
        d = "b%04d.bulk.plain.test" % i
        host = "mx%d.bulk.plain.test" % (i % 10)
        tlsrpt_ok(d)
        sts(d, policy_text(mxs=[host]))
        mx(d, host)
        bulk.append(d)


def markdown():
    rows = ["| domain | publishes | must report | may also report |", "|---|---|---|---|"]
    for s in scenarios:
        must = ", ".join("`%s`" % c for c in s["must"]) or ("(open, see text)" if s["open_question"] else "none")
        may = ", ".join("`%s`" % c for c in s["may"])
        rows.append("| `%s` | %s | %s | %s |" % (s["domain"], s["publishes"].replace("|", "\\|"), must, may))
    return "\n".join(rows) + "\n"


def main():
    if sys.argv[1:] == ["--markdown"]:
        declare()
        sys.stdout.write(markdown())
        return
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    out = os.path.abspath(sys.argv[1])
    dns_port = int(os.environ["WORLD_DNS_PORT"])
    https_port = int(os.environ["WORLD_HTTPS_PORT"])
    smtp_port = int(os.environ["WORLD_SMTP_PORT"])
    imap_port = int(os.environ["WORLD_IMAP_PORT"])
    imaps_port = int(os.environ["WORLD_IMAPS_PORT"])
    declare()
    declare_bulk(int(os.environ.get("WORLD_BULK", "0")))
    make_certs(out)
    certs = os.path.join(out, "certs")
    subst = {
        "TLSA_GOOD": spki_sha256(os.path.join(certs, "mx-good.pem"), True),
        "TLSA_NEXT": spki_sha256(os.path.join(certs, "next.key"), False),
        "TLSA_OTHER": spki_sha256(os.path.join(certs, "other.key"), False),
        "TLSA_CA_CERT": cert_sha256(os.path.join(out, "ca.pem")),
    }
    subst["TLSA_SHORT"] = subst["TLSA_OTHER"][:40]
    dkim_key = make_dkim_key(out)
    write_zones(out, subst)
    write_knot(out, dns_port)
    write_nginx(out, https_port)
    imap_maildir = write_dovecot(out, imap_port, imaps_port)
    with open(os.path.join(out, "scenarios.json"), "w") as f:
        json.dump(scenarios, f, indent=1)
    with open(os.path.join(out, "bulk.txt"), "w") as f:
        f.write("".join(d + "\n" for d in bulk))
    env = {
        "WORLD_DIR": out,
        "WORLD_DNS": "%s:%d" % (DNS_ADDR, dns_port),
        "WORLD_DNS_ADDR": DNS_ADDR,
        "WORLD_DNS_PORT": str(dns_port),
        "WORLD_TRUST_ANCHOR": os.path.join(out, "trust-anchor.txt"),
        "WORLD_CA": os.path.join(out, "ca.pem"),
        "WORLD_HTTPS_ADDR": WEB_ADDR,
        "WORLD_HTTPS_PORT": str(https_port),
        "WORLD_SMTP_PORT": str(smtp_port),
        "WORLD_DOWN_ADDR": DOWN_ADDR,
        "WORLD_SCENARIOS": os.path.join(out, "scenarios.json"),
        "WORLD_BULK_LIST": os.path.join(out, "bulk.txt"),
        "WORLD_UNBOUND_CONF": os.path.join(out, "unbound.conf"),
        "WORLD_TLSA_GOOD": subst["TLSA_GOOD"],
        "WORLD_DKIM_KEY": dkim_key,
        "WORLD_DKIM_SELECTOR": DKIM_SELECTOR,
        "WORLD_DKIM_DOMAIN": DKIM_DOMAIN,
        "WORLD_IMAP_ADDR": IMAP_ADDR,
        "WORLD_IMAP_PORT": str(imap_port),
        "WORLD_IMAPS_PORT": str(imaps_port),
        "WORLD_IMAP_URL": "imaps://%s@%s:%d/INBOX" % (IMAP_USER, IMAP_ADDR, imaps_port),
        "WORLD_IMAP_USER": IMAP_USER,
        "WORLD_IMAP_USER_NOMOVE": IMAP_USER_NOMOVE,
        "WORLD_IMAP_PASSWORD_FILE": os.path.join(out, "imap-password"),
        "WORLD_IMAP_MAILDIR": imap_maildir,
    }
    for name, (addr, _b, _k) in SMTP_SERVERS.items():
        env["WORLD_SMTP_" + name.upper()] = addr
        env["WORLD_SMTP_LOG_" + name.upper()] = os.path.join(out, "smtp-%s.log" % name)
    with open(os.path.join(out, "world.env"), "w") as f:
        for k, v in env.items():
            f.write("%s='%s'\n" % (k, v))
    with open(os.path.join(out, "world.json"), "w") as f:
        json.dump(env, f, indent=1)
    # A resolver configuration for unbound-host / ub_ctx_config: everything under .test goes to knot.
    with open(os.path.join(out, "unbound.conf"), "w") as f:
        f.write("""server:
    do-not-query-localhost: no
    # unbound answers NXDOMAIN for .test itself by default (RFC 6761 locally served zone)
    local-zone: "test." nodefault
    trust-anchor-file: "{ta}"
    val-log-level: 2
    qname-minimisation: no
stub-zone:
    name: "test"
    stub-addr: {addr}@{port}
""".format(ta=env["WORLD_TRUST_ANCHOR"], addr=DNS_ADDR, port=dns_port))
    with open(os.path.join(out, "smtp-servers.txt"), "w") as f:
        for name, (addr, behaviour, kind) in SMTP_SERVERS.items():
            f.write("%s %s %s %s\n" % (name, addr, behaviour, kind or "-"))


if __name__ == "__main__":
    main()
