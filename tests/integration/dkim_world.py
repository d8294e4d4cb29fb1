#!/usr/bin/python3
"""`webshield report parse` verifies the DKIM signature of a report mail with the key published in
the test world's DNS (tests/world/), through its own resolver: a signed mail passes and aligns,
a changed body fails, an `l=` signature is refused, an unsigned mail is `none`, and a selector
without a key is `permerror`. Signs with Debian's python3-dkim.

usage: dkim_world.py WEBSHIELD_BINARY
"""
import gzip
import json
import pathlib
import subprocess
import sys
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP

import dkim
from world import ROOT, running_world

REPORT = ROOT / "tests" / "fixtures" / "reports" / "mail-auth" / "rpt01.json"
failures, passed = [], []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    (passed if ok else failures).append(what)


def report_mail(domain):
    msg = MIMEMultipart("report", report_type="tlsrpt")
    msg["From"] = "tlsrpt@" + domain
    msg["To"] = "tlsrpt@good.plain.test"
    msg["Subject"] = "Report Domain: good.plain.test Submitter: %s Report-ID: <1@%s>" % (domain,
                                                                                       domain)
    msg["TLS-Report-Domain"] = "good.plain.test"
    msg["TLS-Report-Submitter"] = domain
    msg.attach(MIMEText("This is an aggregate TLS report.\n"))
    part = MIMEApplication(gzip.compress(REPORT.read_bytes()), "tlsrpt+gzip")
    part.add_header("Content-Disposition", "attachment", filename="report.json.gz")
    msg.attach(part)
    return msg.as_bytes(policy=SMTP)


def sign(message, key, domain, selector, length=False):
    headers = [b"From", b"To", b"Subject", b"TLS-Report-Domain", b"TLS-Report-Submitter",
               b"Content-Type"]
    signature = dkim.sign(message, selector.encode(), domain.encode(), key, include_headers=headers,
                          canonicalize=(b"relaxed", b"relaxed"), length=length)
    return signature + message


def main():
    binary = sys.argv[1]
    with running_world("webshield-dkim-") as (tmp, env):
        key = pathlib.Path(env["WORLD_DKIM_KEY"]).read_bytes()
        domain, selector = env["WORLD_DKIM_DOMAIN"], env["WORLD_DKIM_SELECTOR"]
        mail = report_mail(domain)
        cases = {
            "signed": sign(mail, key, domain, selector),
            "changed": sign(mail, key, domain, selector).replace(b"aggregate", b"aggravate"),
            "length": sign(mail, key, domain, selector, length=True) + b"appended\r\n",
            "unsigned": mail,
            "no-key": sign(mail, key, domain, "nokey"),
        }
        results = {}
        for name, data in cases.items():
            path = tmp / (name + ".eml")
            path.write_bytes(data)
            run = subprocess.run([binary, "report", "parse", "--json", "--resolver",
                                  env["WORLD_DNS"], "--trust-anchor", env["WORLD_TRUST_ANCHOR"],
                                  "--timeout", "5", str(path)],
                                 capture_output=True, text=True, timeout=60)
            results[name] = json.loads(run.stdout)["source"] if run.stdout else {}
            print(name, results[name].get("dkim"), results[name].get("dkim_reason", ""))

    s = results["signed"]
    expect(s.get("dkim") == "pass" and s.get("dkim_domain") == domain and s.get("dkim_aligned"),
           "a mail signed with the key in DNS passes and aligns with the submitter")
    expect(results["changed"].get("dkim") == "fail", "a changed body fails")
    expect(results["length"].get("dkim") == "policy", "an l= signature is refused")
    expect(results["unsigned"].get("dkim") == "none", "an unsigned mail is none")
    expect(results["no-key"].get("dkim") == "permerror", "a selector without a key is permerror")
    print(f"{len(passed)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
