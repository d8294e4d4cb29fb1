#!/usr/bin/python3
"""`webshield scan` against the test world (tests/world/): results do not depend on the order of
the list, bad lines become error records, a domain that times out does not hold up the others,
an MX shared by many domains is probed once, and a killed scan resumes where it stopped.

usage: scan_world.py WEBSHIELD_BINARY
"""
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

from world import running_world

TIMEOUT = 2  # seconds, per probe
failures = []
passed = []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    (passed if ok else failures).append(what)


def records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def outcome(recs):
    return {r["domain"]: (r["verdict"], sorted({f["code"] for f in r.get("findings", [])}))
            for r in recs}


def main():
    binary = sys.argv[1]
    with running_world("webshield-scan-") as (tmp, env):
        domains = [s["domain"] for s in json.loads(pathlib.Path(env["WORLD_SCENARIOS"]).read_text())]
        opts = ["--resolver", env["WORLD_DNS"], "--trust-anchor", env["WORLD_TRUST_ANCHOR"],
                "--ca-file", env["WORLD_CA"], "--https-port", env["WORLD_HTTPS_PORT"],
                "--smtp-port", env["WORLD_SMTP_PORT"], "--timeout", str(TIMEOUT)]
        half = len(domains) // 2
        lines = (["# the test world", ""] + domains[:half] + ["not a domain!", "a..b"]
                 + domains[half:])
        listing = tmp / "list.txt"
        listing.write_text("\n".join(lines) + "\n")
        reversed_listing = tmp / "reversed.txt"
        reversed_listing.write_text("\n".join(reversed(lines)) + "\n")
        good_log = pathlib.Path(env["WORLD_SMTP_LOG_GOOD"])

        # One scan, in list order.
        before = len(good_log.read_text().splitlines())
        out_a, summary = tmp / "a.jsonl", tmp / "summary.json"
        started = time.monotonic()
        run = subprocess.run([binary, "scan", *opts, "--input", str(listing), "--output",
                              str(out_a), "--summary", str(summary), "--concurrency", "40"],
                             capture_output=True, text=True, timeout=300)
        elapsed = time.monotonic() - started
        a = records(out_a)
        expect(run.returncode == 2, f"exit status 2 over the whole scan (got {run.returncode})")
        checked = [r for r in a if r["verdict"] != "error"]
        expect(sorted(r["domain"] for r in checked) == sorted(domains),
               f"every domain written exactly once ({len(checked)} of {len(domains)})")
        errors = [r for r in a if r["verdict"] == "error"]
        expect(len(errors) == 2 and all("not a domain name" in r["error"] for r in errors),
               "both bad lines are error records, and the scan went on")
        totals = json.loads(summary.read_text())
        expect(totals["domains"] == len(domains) and totals["bad_lines"] == 2,
               "summary counts domains and bad lines")
        expect(sum(totals["verdicts"].values()) == len(domains), "summary counts verdicts")

        # The silent MX holds its domain for the probe timeout, not the scan.
        silent = next(i for i, r in enumerate(a) if r["domain"] == "mx-silent.plain.test")
        expect("mx.unreachable" in outcome(a)["mx-silent.plain.test"][1],
               "the silent MX is reported unreachable")
        expect(silent > len(a) // 2, f"other domains finished first (silent one is "
                                     f"record {silent} of {len(a)})")
        expect(elapsed < 4 * TIMEOUT + 10, f"the scan took {elapsed:.1f} s")

        # Shared MX hosts: one connection per distinct (MX name, address), however many
        # domains use it.
        good_hosts = {m["host"] for r in checked for m in r["mx"]
                      if env["WORLD_SMTP_GOOD"] in m["addresses"]}
        using = sum(1 for r in checked for m in r["mx"]
                    if env["WORLD_SMTP_GOOD"] in m["addresses"])
        connections = len(good_log.read_text().splitlines()) - before
        expect(connections == len(good_hosts) and using > len(good_hosts),
               f"{using} uses of {len(good_hosts)} good MX names made {connections} "
               f"connections")

        # The same list backwards gives the same results, also through the stub resolver and
        # the world's validating unbound.
        out_b = tmp / "b.jsonl"
        subprocess.run([binary, "scan", *opts, "--input", str(reversed_listing), "--output",
                        str(out_b), "--concurrency", "7"], capture_output=True, timeout=300)
        b = [r for r in records(out_b) if r["verdict"] != "error"]
        expect(outcome(b) == outcome(checked), "results do not depend on the order")
        stub_opts = opts[:]
        stub_opts[1:4] = [env["WORLD_RESOLVER"], "--stub-resolver"]  # instead of knot + anchor
        out_s = tmp / "stub.jsonl"
        subprocess.run([binary, "scan", *stub_opts, "--input", str(reversed_listing), "--output",
                        str(out_s), "--concurrency", "40"], capture_output=True, timeout=300)
        stub = [r for r in records(out_s) if r["verdict"] != "error"]
        expect(outcome(stub) == outcome(checked), "the stub resolver gives the same results")

        # A per-domain limit below the probe timeout: the silent MX's domain is written as
        # unknown when the limit passes, the others are unaffected, the exit status says so.
        limited = [*opts[:-1], "6"]  # --timeout 6
        started = time.monotonic()
        run = subprocess.run([binary, "scan", *limited, "--domain-timeout", "1", "--output", "-",
                              "--input", "-"], input="mx-silent.plain.test\ngood.plain.test\n",
                             capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - started
        limited_out = {r["domain"]: r for r in map(json.loads, run.stdout.splitlines())}
        silent_rec = limited_out.get("mx-silent.plain.test", {})
        expect(silent_rec.get("verdict") == "unknown" and "did not finish within 1 s"
               in silent_rec.get("error", ""), f"--domain-timeout: {silent_rec}")
        expect(limited_out.get("good.plain.test", {}).get("verdict") == "pass",
               "--domain-timeout leaves the other domains alone")
        expect(run.returncode == 3 and elapsed < 5,
               f"exit status 3 (got {run.returncode}); {elapsed:.1f} s")

        # Kill a slow scan, leave a half-written line, resume.
        out_c = tmp / "c.jsonl"
        scan = subprocess.Popen([binary, "scan", *opts, "--input", str(listing), "--output",
                                 str(out_c), "--concurrency", "1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if out_c.exists() and len(out_c.read_text().splitlines()) >= 10:
                break
            time.sleep(0.05)
        os.kill(scan.pid, signal.SIGKILL)
        scan.wait()
        done_before = len(records(out_c))
        with open(out_c, "a") as f:
            f.write('{"domain": "cut-off.plain.te')  # what a kill mid-write leaves
        run = subprocess.run([binary, "scan", *opts, "--input", str(listing), "--output",
                              str(out_c), "--resume", "--summary", str(tmp / "c.json")],
                             capture_output=True, text=True, timeout=300)
        c = records(out_c)
        names = [r["domain"] for r in c if r["verdict"] != "error"]
        expect(10 <= done_before < len(lines), f"the killed scan had written {done_before}")
        expect(sorted(names) == sorted(domains) and len(names) == len(set(names)),
               "after --resume every domain is there exactly once")
        expect(json.loads((tmp / "c.json").read_text())["skipped"] == done_before,
               "--resume skipped what was written before")
        expect(outcome([r for r in c if r["verdict"] != "error"]) == outcome(checked),
               "resumed results match")

    print(f"{len(passed)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
