#!/usr/bin/python3
"""`webshield report parse` verifies the DKIM signature of a report mail with the key published in
the test world's DNS (tests/world/), through its own resolver: a signed mail passes and aligns,
a changed body fails, an `l=` signature is refused, an unsigned mail is `none`, and a selector
without a key is `permerror`. Signs with Debian's python3-dkim.

usage: dkim_world.py WEBSHIELD_BINARY
"""
import json
import pathlib
import subprocess
import sys

from report_mail import report_mail, sign
from world import running_world

failures, passed = [], []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    (passed if ok else failures).append(what)


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
