#!/usr/bin/python3
"""Runs the real `webshield check --json` against the test world (tests/world/) and compares
every scenario domain with what tests/world/SCENARIOS.md says it must report; twice: with the
built-in validator asking knot, and with --stub-resolver asking the world's validating unbound.

A code counts as implemented when src/ names it; every implemented code a scenario lists under
"must" has to be reported, healthy domains must pass, and no domain may report an error or
warning outside its "must" and "may" lists. Uses only Python's standard library.

usage: check_world.py WEBSHIELD_BINARY
"""
import json
import pathlib
import re
import subprocess
import sys

from world import ROOT, running_world


def implemented_codes():
    codes = set()
    for path in (ROOT / "src").rglob("*.[ch]pp"):
        codes.update(re.findall(r'"((?:tlsrpt|mta_sts|mx|dane)\.[a-z0-9_]+)"', path.read_text()))
    return codes


def compare(scenarios, results, implemented, asserted):
    """The differences between `results` (domain → check JSON) and the scenarios."""
    failures = []
    for s in scenarios:
        domain = s["domain"]
        result = results.get(domain)
        if result is None:
            failures.append(f"{domain}: no result")
            continue
        reported = {f["code"] for f in result["findings"]}
        serious = {f["code"] for f in result["findings"] if f["severity"] in ("error", "warning")}
        for code in s["must"]:
            if code not in implemented:
                continue
            asserted.add(code)
            if code not in reported:
                failures.append(f"{domain}: must report {code}; reported {sorted(reported)}")
        if s["healthy"] and result["verdict"] != "pass":
            failures.append(f"{domain}: healthy, but verdict {result['verdict']}: "
                            f"{sorted(reported)}")
        allowed = set(s["must"]) | set(s["may"])
        for code in sorted(serious - allowed):
            failures.append(f"{domain}: unexpected {code} (allowed: {sorted(allowed)})")
    return failures


def main():
    binary = sys.argv[1]
    implemented = implemented_codes()
    failures = []
    asserted = set()
    with running_world("webshield-world-") as (_, env):
        scenarios = json.loads(pathlib.Path(env["WORLD_SCENARIOS"]).read_text())
        modes = {
            "validator": ["--resolver", env["WORLD_DNS"], "--trust-anchor", env["WORLD_TRUST_ANCHOR"]],
            "stub": ["--resolver", env["WORLD_RESOLVER"], "--stub-resolver"],
        }
        for mode, dns in modes.items():
            run = subprocess.run(
                [binary, "check", "--json", "--timeout", "10", *dns, "--ca-file", env["WORLD_CA"],
                 "--https-port", env["WORLD_HTTPS_PORT"], "--smtp-port", env["WORLD_SMTP_PORT"]]
                + [s["domain"] for s in scenarios],
                capture_output=True, text=True, timeout=300)
            if run.stderr:
                print(run.stderr, file=sys.stderr)
            results = {}
            for line in run.stdout.splitlines():
                item = json.loads(line)
                results[item["domain"]] = item
            failures += [f"{mode}: {f}" for f in compare(scenarios, results, implemented, asserted)]

    live = sorted(c for c in implemented if c not in asserted)
    print(f"{len(scenarios)} scenario domains checked; {len(asserted)} implemented codes "
          f"asserted by at least one scenario")
    if live:
        print("implemented codes no scenario asserted: " + ", ".join(live))
    for failure in failures:
        print("FAIL " + failure)
    failed = {":".join(f.split(":")[:2]) for f in failures}
    print(f"{2 * len(scenarios) - len(failed)} of {2 * len(scenarios)} domain checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
