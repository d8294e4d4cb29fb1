#!/usr/bin/python3
"""`webshield serve` end to end, with curl as the client: every answer of the report endpoint
(201, 200 duplicate, 400 with the quarantine, 403, 405, 408, 411, 413 declared and decompressed,
415, 429), sign-in and the API (the same JSON as `summary --json` and `reports list --json`),
/healthz and /metrics, HTTPS with TLS 1.2 or later, a SIGKILL while clients post (every report
that got a 2xx is stored exactly once after a restart), two servers sharing one PostgreSQL
database (also when it drops their connections), a SIGTERM that lets a request in progress finish, and the public check against the test world (tests/world/), refusing loopback targets
unless allowed. With WEBSHIELD_E2E=1 the browser test (tests/e2e/dashboard.mjs) runs too.

usage: serve_world.py WEBSHIELD_BINARY
"""
import gzip
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

from world import ROOT, running_world

CORPUS = ROOT / "tests" / "fixtures" / "reports"
failures, passed = [], []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    (passed if ok else failures).append(what)


def corpus_reports():
    return sorted(CORPUS.rglob("*.json"))


def generated_report(report_id, domain="example.com"):
    return json.dumps({
        "organization-name": "Load Test Inc.",
        "date-range": {"start-datetime": "2026-11-01T00:00:00Z",
                       "end-datetime": "2026-11-01T23:59:59Z"},
        "contact-info": "tlsrpt@load.example",
        "report-id": report_id,
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": domain,
                                 "policy-string": ["version: STSv1", "mode: enforce",
                                                   "mx: mx.example.com", "max_age: 86400"]},
                      "summary": {"total-successful-session-count": 10,
                                  "total-failure-session-count": 1},
                      "failure-details": [{"result-type": "certificate-expired",
                                           "sending-mta-ip": "192.0.2.1",
                                           "receiving-mx-hostname": "mx.example.com",
                                           "failed-session-count": 1}]}],
    }).encode()


class Server:
    """`webshield serve` in the background, stopped by PID."""

    def __init__(self, binary, tmp, *args, name="serve"):
        self.log = tmp / f"{name}.log"
        self.out = open(self.log, "w")
        self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", *args],
                                     stdout=self.out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        self.url = self.token = None
        while time.monotonic() < deadline and self.proc.poll() is None:
            text = self.log.read_text()
            m = re.search(r"serving on (\S+)", text)
            t = re.search(r"#token=(\S+)", text)
            if m and (t or "--auth-file" in args):
                self.url, self.token = m.group(1), t.group(1) if t else None
                break
            time.sleep(0.05)
        if self.url is None:
            raise RuntimeError("the server did not start:\n" + self.log.read_text())
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.out.close()
        return code


def curl(url, *args, data=None, headers=(), cacert=None):
    """(status, headers, body) as curl saw them."""
    cmd = ["curl", "-s", "-S", "-D", "-", "-o", "-", "--max-time", "60"]
    for h in headers:
        cmd += ["-H", h]
    if data is not None:
        cmd += ["--data-binary", "@-"]
    if cacert:
        cmd += ["--cacert", str(cacert)]
    cmd += [*args, url]
    run = subprocess.run(cmd, input=data, capture_output=True)
    raw = run.stdout
    # Skip interim answers (100 Continue).
    while raw.startswith(b"HTTP/1.1 100"):
        raw = raw.split(b"\r\n\r\n", 1)[1]
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    fields = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        fields[k.strip().lower()] = v.strip()
    return status, fields, body


def post(server, body, content_type="application/tlsrpt+gzip", path="/tlsrpt", **kw):
    return curl(server.url + path, "-X", "POST", data=body,
                headers=[f"Content-Type: {content_type}", *kw.pop("headers", ())], **kw)


def api(server, path, token=None):
    status, fields, body = curl(server.url + path,
                                headers=[f"Authorization: Bearer {token or server.token}"])
    return status, (json.loads(body) if body.startswith(b"{") else body)


def cli(binary, *args):
    run = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout, run.stderr


def raw_request(port, data, wait_after=0.0, read=True):
    """Bytes written on a plain socket; the answer read until the server closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(data)
    if wait_after:
        time.sleep(wait_after)
    answer = b""
    if read:
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except OSError:
            pass
    s.close()
    return answer


def endpoint_answers(binary, tmp):
    db = f"sqlite:{tmp}/endpoint.db"
    server = Server(binary, tmp, "--db", db, "--no-check", "--header-timeout", "2",
                    "--body-timeout", "2", name="endpoint")
    try:
        ids = {}
        reports = corpus_reports()
        for path in reports:
            status, _, body = post(server, gzip.compress(path.read_bytes()))
            if status == 201:
                ids[path.name + str(path.parent)] = json.loads(body)["id"]
        stored = len(ids)
        expect(stored >= len(reports) - 2,
               f"the corpus POSTed gzipped: {stored} of {len(reports)} answered 201 (the rest "
               "are duplicates of each other)")
        first = reports[0]
        status, _, body = post(server, first.read_bytes(), "application/tlsrpt+json")
        expect(status == 200 and json.loads(body)["status"] == "duplicate",
               f"the same report again as JSON: 200 duplicate ({status} {body[:80]!r})")
        status, _, body = post(server, gzip.compress(first.read_bytes()), "application/json")
        expect(status == 200, "gzip recognised by its magic bytes whatever Content-Type says")
        status, fields, body = post(server, b"{\"organization-name\": 1}")
        quarantined = api(server, "/api/v1/quarantine")[1]["items"]
        expect(status == 400 and b"not a TLS-RPT report" in body and quarantined and
               quarantined[0]["transport"] == "https",
               f"a malformed report: 400 with the parser's message, kept in the quarantine "
               f"({status} {body[:100]!r})")
        status, _, body = post(server, gzip.compress(b"\0" * 30_000_000))
        expect(status == 413 and b"report_json_bytes" in body,
               f"a gzip bomb (30 MB of zeros): 413 naming report_json_bytes ({status})")
        status, _, body = curl(server.url + "/tlsrpt", "-X", "POST",
                               headers=["Content-Type: application/tlsrpt+gzip",
                                        "Content-Length: 16000000"])
        expect(status == 413, f"a declared body over report_compressed_bytes: 413 ({status})")
        status, _, body = post(server, first.read_bytes(), "text/plain")
        expect(status == 415 and b"application/tlsrpt+gzip" in body,
               f"text/plain: 415 naming the media types ({status})")
        status, fields, _ = curl(server.url + "/tlsrpt")
        expect(status == 405 and fields.get("allow") == "POST", f"GET /tlsrpt: 405 ({status})")
        answer = raw_request(server.port, b"POST /tlsrpt HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/tlsrpt+json\r\nConnection: close\r\n\r\n")
        expect(answer.startswith(b"HTTP/1.1 411"), f"no Content-Length: 411 ({answer[:40]!r})")
        started = time.monotonic()
        answer = raw_request(server.port, b"POST /tlsrpt HTTP/1.1\r\nHost: x\r\n")
        took = time.monotonic() - started
        expect(answer.startswith(b"HTTP/1.1 408") and took < 10,
               f"a head that never ends (slowloris): 408 after {took:.1f} s")
        answer = raw_request(server.port, b"POST /tlsrpt HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/tlsrpt+json\r\nContent-Length: 100\r\n"
                             b"\r\n{\"organization-name\"")
        expect(answer.startswith(b"HTTP/1.1 408"), f"a body that stops: 408 ({answer[:40]!r})")
        answer = raw_request(server.port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: "
                             + b"a" * 20000 + b"\r\n\r\n")
        expect(answer.startswith(b"HTTP/1.1 431"), f"a 20 kB head: 431 ({answer[:40]!r})")
        answer = raw_request(server.port, b"NOT HTTP AT ALL\r\n\r\n")
        expect(answer.startswith(b"HTTP/1.1 400"), f"garbage: 400 ({answer[:40]!r})")

        # The API says what the command line says.
        status, summary = api(server, "/api/v1/summary")
        code, out, _ = cli(binary, "summary", "--db", db, "--json")
        expect(status == 200 and code == 0 and summary == json.loads(out),
               "GET /api/v1/summary is `summary --json`")
        status, summary_d = api(server, "/api/v1/summary?domain=mail.ru&since=2000-01-01")
        code, out, _ = cli(binary, "summary", "--db", db, "--json", "--domain", "mail.ru",
                           "--since", "2000-01-01")
        expect(status == 200 and summary_d == json.loads(out),
               "…with domain and since as `summary --domain --since`")
        status, listing = api(server, "/api/v1/reports?limit=5")
        code, out, _ = cli(binary, "reports", "list", "--db", db, "--json", "--limit", "5")
        expect(status == 200 and listing["reports"] == [json.loads(l) for l in out.splitlines()]
               and listing["next_before"] == listing["reports"][-1]["id"],
               "GET /api/v1/reports is `reports list --json`, with the next page's id")
        status, page2 = api(server, f"/api/v1/reports?limit=5&before={listing['next_before']}")
        expect(status == 200 and page2["reports"] and
               all(r["id"] < listing["next_before"] for r in page2["reports"]),
               "the next page holds older reports")
        one_id = listing["reports"][0]["id"]
        status, one = api(server, f"/api/v1/reports/{one_id}")
        expect(status == 200 and one["id"] == one_id, "GET /api/v1/reports/ID")
        status, raw = api(server, f"/api/v1/reports/{ids[reports[0].name + str(reports[0].parent)]}/raw")
        expect(status == 200 and raw == gzip.compress(reports[0].read_bytes()) or
               (status == 200 and gzip.decompress(raw) == reports[0].read_bytes()),
               "GET /api/v1/reports/ID/raw gives the bytes as POSTed")
        status, _ = api(server, "/api/v1/reports/999999")
        expect(status == 404, f"an unknown report: 404 ({status})")
        status, reporters = api(server, "/api/v1/reporters")
        expect(status == 200 and any(r["organization"] == "Mail.ru" for r in
                                     reporters["reporters"]), "GET /api/v1/reporters")
        status, bad = api(server, "/api/v1/summary?since=yesterday")
        expect(status == 400 and "since" in bad["error"], f"a bad since: 400 ({status})")

        # Access.
        status, _, _ = curl(server.url + "/api/v1/summary")
        expect(status == 401, f"the API without signing in: 401 ({status})")
        status, _ = api(server, "/api/v1/summary", token="wrong")
        expect(status == 401, f"a wrong bearer token: 401 ({status})")
        status, fields, body = curl(server.url + "/api/v1/session", "-X", "POST",
                                    data=json.dumps({"token": server.token}).encode(),
                                    headers=["Content-Type: application/json"])
        cookie = fields.get("set-cookie", "")
        expect(status == 200 and "HttpOnly" in cookie and "SameSite=Strict" in cookie,
               f"sign-in with the start-up token sets an HttpOnly SameSite=Strict cookie")
        session = cookie.split(";")[0]
        status, _, body = curl(server.url + "/api/v1/session", headers=[f"Cookie: {session}"])
        expect(status == 200 and json.loads(body)["user"], "the cookie signs the API in")
        with sqlite3.connect(db.removeprefix("sqlite:")) as conn:
            kept = [row[0] for row in conn.execute("SELECT id_sha256 FROM session")]
        expect(len(kept) == 1 and session.split("=", 1)[1] not in kept[0],
               f"the database keeps a digest of the session id, not the id ({kept})")
        status, _, _ = curl(server.url + "/api/v1/session", "-X", "DELETE",
                            headers=[f"Cookie: {session}"])
        status2, _, _ = curl(server.url + "/api/v1/summary", headers=[f"Cookie: {session}"])
        expect(status == 200 and status2 == 401, "signing out ends the session")
        status, _, body = curl(server.url + "/api/v1/session", "-X", "POST",
                               data=b'{"token":"nope"}')
        expect(status == 401, f"sign-in with a wrong token: 401 ({status})")

        # Operations.
        status, _, body = curl(server.url + "/healthz")
        expect(status == 200 and body == b"ok\n", "/healthz: 200 ok")
        status, _, body = curl(server.url + "/metrics")
        text = body.decode()
        m = re.search(r'webshield_reports_total\{outcome="stored"\} (\d+)', text)
        expect(status == 200 and m and int(m.group(1)) == stored and
               'outcome="too_large"' in text and "webshield_db_commit_duration_seconds_count" in text,
               "/metrics counts the reports by outcome and the commits")
        status, fields, body = curl(server.url + "/")
        expect(status == 200 and b"<form" in body and fields.get("x-content-type-options") ==
               "nosniff" and "default-src 'self'" in fields.get("content-security-policy", ""),
               "/ is the dashboard, with nosniff and a Content-Security-Policy")
        status, _, _ = curl(server.url + "/", headers=[f"If-None-Match: {fields.get('etag')}"])
        expect(status == 304, f"a page asked again with its ETag: 304 ({status})")
        status, fields, body = curl(server.url + "/assets/uPlot.iife.min.js")
        expect(status == 200 and fields.get("content-type", "").startswith("text/javascript")
               or fields.get("content-type", "").startswith("application/javascript"),
               "the chart library is served from the program")
        status, _, _ = curl(server.url + "/check")
        expect(status == 200, "/check is the public check page")
    finally:
        code = server.stop()
    expect(code == 0, f"SIGTERM: exit status 0 ({code})")


def limits_and_domains(binary, tmp):
    server = Server(binary, tmp, "--db", f"sqlite:{tmp}/limits.db", "--no-check",
                    "--report-posts-per-minute", "3", "--domain", "example.com",
                    name="limits")
    try:
        status, _, _ = post(server, generated_report("r1", "example.net"))
        expect(status == 403, f"a report for a domain not served: 403 ({status})")
        status, _, _ = post(server, generated_report("r2", "Example.COM."))
        expect(status == 201, f"a report for a served domain (any case, final dot): 201 ({status})")
        status, fields, _ = post(server, generated_report("r3"))
        status, fields, _ = post(server, generated_report("r4"))
        expect(status == 429 and int(fields.get("retry-after", "0")) >= 1,
               f"the fourth post within a minute at 3/min: 429 with Retry-After ({status})")
    finally:
        server.stop()


def tls(binary, tmp):
    key, cert = tmp / "server.key", tmp / "server.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    server = Server(binary, tmp, "--db", f"sqlite:{tmp}/tls.db", "--no-check", "--tls-cert",
                    str(cert), "--tls-key", str(key), name="tls")
    try:
        expect(server.url.startswith("https://"), "with a certificate the server speaks HTTPS")
        status, _, _ = post(server, generated_report("tls-1"), cacert=cert)
        expect(status == 201, f"a report over HTTPS: 201 ({status})")
        status, _, _ = curl(server.url + "/healthz", "--tlsv1.0", "--tls-max", "1.1",
                            cacert=cert)
        expect(status == 0, "TLS 1.1 and older are refused")
        status, _, _ = curl(server.url + "/healthz", "--tlsv1.3", cacert=cert)
        expect(status == 200, "TLS 1.3 works")
    finally:
        server.stop()


def killed_while_posting(binary, tmp):
    db = f"sqlite:{tmp}/kill.db"
    server = Server(binary, tmp, "--db", db, "--no-check", "--report-posts-per-minute", "0",
                    name="kill")
    acknowledged, errors = [], []
    stop = threading.Event()

    def client(n):
        i = 0
        while not stop.is_set():
            rid = f"kill-{n}-{i}"
            i += 1
            try:
                c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                c.request("POST", "/tlsrpt", gzip.compress(generated_report(rid)),
                          {"Content-Type": "application/tlsrpt+gzip"})
                r = c.getresponse()
                r.read()
                if r.status in (200, 201):
                    acknowledged.append(rid)
                c.close()
            except OSError as e:
                errors.append(str(e))
                return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(3)
    _, _, metrics = curl(server.url + "/metrics")
    commits = re.search(rb"webshield_db_commits_total (\d+)", metrics)
    committed = re.search(rb"webshield_db_committed_reports_total (\d+)", metrics)
    expect(commits and committed and int(committed.group(1)) > int(commits.group(1)),
           "group commit: 8 clients posting share transactions "
           f"({committed and committed.group(1).decode()} reports in "
           f"{commits and commits.group(1).decode()} commits)")
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    server.out.close()
    code, out, _ = cli(binary, "reports", "list", "--db", db, "--json", "--limit", "10000")
    stored = [json.loads(line)["report_id"] for line in out.splitlines()]
    missing = set(acknowledged) - set(stored)
    doubled = len(stored) - len(set(stored))
    expect(len(acknowledged) > 50 and not missing and doubled == 0,
           f"SIGKILL while 8 clients post: {len(acknowledged)} acknowledged, all stored once "
           f"({len(missing)} missing, {doubled} doubled, {len(stored)} stored)")
    again = Server(binary, tmp, "--db", db, "--no-check", name="restart")
    try:
        status, _, body = post(again, gzip.compress(generated_report(acknowledged[0])))
        expect(status == 200, f"after the restart an acknowledged report is a duplicate ({status})")
    finally:
        again.stop()


def psql(server, sql):
    return subprocess.run(["psql", "-q", "-t", "-A", server, "-c", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def sign_in(server):
    """The session cookie ("webshield_session=…") of a sign-in with the server's token."""
    _, fields, _ = curl(server.url + "/api/v1/session", "-X", "POST",
                        data=json.dumps({"token": server.token}).encode(),
                        headers=["Content-Type: application/json"])
    return fields.get("set-cookie", "").split(";")[0]


def shared_postgres(binary, tmp):
    """Two servers on one PostgreSQL database (ctest's fixture `postgres`), as when several
    servers share the load: a report posted to both at once is stored once, each lists what the
    other stored, a sign-in on one holds on the other and over a restart. When the database drops
    their connections (a restart, a fail-over) the next requests connect again and succeed; while
    it refuses connections a post is refused with 503 and Retry-After, never acknowledged
    unstored, and stored once it is back."""
    server = os.environ.get("WEBSHIELD_TEST_POSTGRES")
    expect(bool(server), "PostgreSQL: WEBSHIELD_TEST_POSTGRES names a server")
    if not server:
        return
    psql(server, "DROP DATABASE IF EXISTS serve_world")
    psql(server, "CREATE DATABASE serve_world")
    db = server.replace("postgresql:///postgres", "postgresql:///serve_world", 1)
    a = Server(binary, tmp, "--db", db, "--no-check", name="pg-a")
    b = Server(binary, tmp, "--db", db, "--no-check", name="pg-b")
    try:
        body = gzip.compress(generated_report("shared-1"))
        answers = []
        threads = [threading.Thread(target=lambda s=s: answers.append(post(s, body)[0]))
                   for s in (a, b, a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        expect(sorted(answers) == [200, 200, 200, 201],
               f"one report posted 4 times at once to two servers: one 201, three 200 ({answers})")
        status, _, _ = post(b, gzip.compress(generated_report("shared-2")))
        expect(status == 201, f"the second server stores a report of its own ({status})")
        session = sign_in(a)
        status, _, _ = curl(b.url + "/api/v1/summary", headers=[f"Cookie: {session}"])
        expect(status == 200, f"signed in on one server, signed in on the other ({status})")
        status, listed = api(a, "/api/v1/reports")
        ids = sorted(r["report_id"] for r in listed.get("reports", [])) \
            if isinstance(listed, dict) else []
        expect(status == 200 and ids == ["shared-1", "shared-2"],
               f"the first server lists what both stored ({status}: {ids})")

        drop = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = 'serve_world' AND pid <> pg_backend_pid()")
        dropped = psql(server, drop)
        expect(int(dropped or 0) >= 2, f"the database drops the servers' connections ({dropped})")
        status, _, _ = post(a, gzip.compress(generated_report("shared-3")))
        listing, listed = api(a, "/api/v1/reports")
        expect(status == 201 and listing == 200,
               f"the next post and read connect again and succeed ({status}, {listing})")

        # The database refuses connections for a while: refused with 503, nothing acknowledged.
        psql(server, "ALTER DATABASE serve_world ALLOW_CONNECTIONS false")
        psql(server, drop)
        status, fields, text = post(a, gzip.compress(generated_report("shared-4")))
        expect(status == 503 and "retry-after" in fields and b"send it again" in text,
               f"while the database is away a post is refused with 503 and Retry-After ({status})")
        status, _, _ = curl(a.url + "/healthz")
        expect(status == 503, f"and /healthz says so ({status})")
        psql(server, "ALTER DATABASE serve_world ALLOW_CONNECTIONS true")
        status, _, _ = post(a, gzip.compress(generated_report("shared-4")))
        expect(status == 201, f"back again, the report sent again is stored ({status})")
        answers = []
        for _ in range(10):  # a reader thread may meet the failed connection once
            status, listed = api(a, "/api/v1/reports")
            answers.append(status)
            if status == 200:
                break
        ids = sorted(r["report_id"] for r in listed.get("reports", [])) \
            if isinstance(listed, dict) else []
        expect(answers[-1] == 200 and set(answers[:-1]) <= {503}
               and ids == ["shared-1", "shared-2", "shared-3", "shared-4"],
               f"the API reads again, every report once ({answers}: {ids})")
        # Restarted (with new connections after the drop), it still knows the session.
        expect(a.stop() == 0, "the first server stops cleanly")
        a = Server(binary, tmp, "--db", db, "--no-check", name="pg-a2")
        status, _, _ = curl(a.url + "/api/v1/summary", headers=[f"Cookie: {session}"])
        expect(status == 200, f"and still after a restart ({status})")
        curl(a.url + "/api/v1/session", "-X", "DELETE", headers=[f"Cookie: {session}"])
        status, _, _ = curl(a.url + "/api/v1/summary", headers=[f"Cookie: {session}"])
        expect(status == 401, f"signed out on it: the session is over ({status})")
    finally:
        for s in (a, b):
            expect(s.stop() == 0, f"{s.log.name}: the server stops cleanly")
    psql(server, "DROP DATABASE serve_world")


def graceful_stop(binary, tmp):
    server = Server(binary, tmp, "--db", f"sqlite:{tmp}/graceful.db", "--no-check",
                    name="graceful")
    body = generated_report("graceful-1")
    s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    s.sendall(b"POST /tlsrpt HTTP/1.1\r\nHost: x\r\nContent-Type: application/tlsrpt+json\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:100])
    time.sleep(0.3)
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    s.sendall(body[100:])
    answer = b""
    while chunk := s.recv(65536):
        answer += chunk
    s.close()
    code = server.proc.wait(30)
    server.out.close()
    expect(answer.startswith(b"HTTP/1.1 201") and code == 0,
           f"SIGTERM during a POST: the report is stored (201) and the server exits 0 "
           f"({answer[:20]!r}, {code})")


def public_check(binary, tmp, env):
    opts = ["--resolver", env["WORLD_DNS"], "--trust-anchor", env["WORLD_TRUST_ANCHOR"],
            "--ca-file", env["WORLD_CA"], "--https-port", env["WORLD_HTTPS_PORT"],
            "--smtp-port", env["WORLD_SMTP_PORT"], "--timeout", "5"]
    db = f"sqlite:{tmp}/check.db"
    server = Server(binary, tmp, "--db", db, *opts, "--check-allow-private", name="check")
    try:
        status, _, body = curl(server.url + "/api/v1/check?domain=good.plain.test")
        code, out, _ = cli(binary, "check", "--json", *opts, "good.plain.test")
        mine, theirs = json.loads(body), json.loads(out)
        expect(status == 200 and mine["verdict"] == theirs["verdict"] == "pass" and
               mine.keys() == theirs.keys(),
               "GET /api/v1/check is `check --json` (good.plain.test passes)")
        status, _, body = curl(server.url + "/api/v1/check?domain=not..a..domain")
        expect(status == 400, f"a name that is not a domain: 400 ({status})")
        live_probe(server)
        if os.environ.get("WEBSHIELD_E2E") == "1":
            browser_test(server, db, binary)
        statuses = [curl(server.url + "/api/v1/check?domain=good.plain.test")[0]
                    for _ in range(12)]
        expect(429 in statuses, f"more than 10 checks a minute from one address: 429")
    finally:
        server.stop()
    guarded = Server(binary, tmp, "--db", db, *opts, name="guarded")
    try:
        status, _, body = curl(guarded.url + "/api/v1/check?domain=good.plain.test")
        text = body.decode()
        expect(status == 200 and json.loads(body)["verdict"] != "pass" and "loopback" in text,
               "without --check-allow-private the check does not connect to loopback targets")
        status, _, body = curl(guarded.url + "/api/v1/probe?mx=mx1.good.plain.test",
                               headers=[f"Authorization: Bearer {guarded.token}"])
        probes = json.loads(body).get("probes", []) if status == 200 else []
        expect(probes and all(p["refused"] and not p["connected"] and "loopback" in p["error"]
                              for p in probes),
               f"without --check-allow-private the probe does not connect to loopback MX hosts "
               f"({status} {body[:200]!r})")
    finally:
        guarded.stop()


def live_probe(server):
    """GET /api/v1/probe?mx=HOST: the MX as a sender meets it now, for signed-in users only."""
    auth = [f"Authorization: Bearer {server.token}"]

    def probe(host):
        status, _, body = curl(server.url + "/api/v1/probe?mx=" + host, headers=auth)
        return status, (json.loads(body) if status == 200 else {"error": body[:200]})

    status, _, _ = curl(server.url + "/api/v1/probe?mx=mx1.good.plain.test")
    expect(status == 401, f"the probe needs a signed-in user: 401 ({status})")
    status, _ = probe("not..a..host")
    expect(status == 400, f"the probe of a name that is not a host name: 400 ({status})")

    status, good = probe("mx1.good.plain.test")
    first = (good.get("probes") or [{}])[0]
    expect(status == 200 and first.get("starttls") is True and first.get("verify") == "ok"
           and "mx1.good.plain.test" in (first.get("certificate") or {}).get("dns_names", [])
           and first.get("sts_result") is None and good["tlsa"]["status"] == "none",
           f"probe of a good MX: STARTTLS, its certificate names, nothing to report ({good})")
    status, wrong = probe("mx.wrongname.smtp.plain.test")
    first = (wrong.get("probes") or [{}])[0]
    expect(status == 200 and (first.get("certificate") or {}).get("dns_names") == ["mail.provider.test"]
           and first.get("sts_result") == "certificate-host-mismatch",
           f"probe of an MX with another name's certificate: certificate-host-mismatch, "
           f"names mail.provider.test ({wrong})")
    status, plain = probe("mx.nostarttls.smtp.plain.test")
    first = (plain.get("probes") or [{}])[0]
    expect(status == 200 and first.get("connected") is True and first.get("starttls") is False
           and first.get("sts_result") == "starttls-not-supported" and first.get("certificate") is None,
           f"probe of an MX without STARTTLS: starttls-not-supported ({plain})")
    status, expired = probe("mx.expired.smtp.plain.test")
    first = (expired.get("probes") or [{}])[0]
    expect(status == 200 and first.get("sts_result") == "certificate-expired"
           and (first.get("certificate") or {}).get("not_after", "").startswith("20"),
           f"probe of an MX with an expired certificate: certificate-expired ({expired})")
    status, missing = probe("nothing-here.plain.test")
    expect(status == 200 and missing.get("probes") == [] and "error" in missing,
           f"probe of a host without addresses says so ({missing})")


def browser_test(server, db, binary):
    for path in corpus_reports():
        post(server, gzip.compress(path.read_bytes()))
    code, out, _ = cli(binary, "summary", "--db", db, "--json")
    totals = json.loads(out)["totals"]
    screenshots = os.environ.get("WEBSHIELD_E2E_SCREENSHOTS")
    cmd = ["node", str(ROOT / "tests" / "e2e" / "dashboard.mjs"), "--url", server.url,
           "--token", server.token, "--check-domain", "good.plain.test",
           "--probe-mx", "mx.wrongname.smtp.plain.test", "--probe-name", "mail.provider.test",
           "--expect-reports", str(totals["reports"])]
    if screenshots:
        cmd += ["--screenshots", screenshots]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    print(run.stdout + run.stderr, flush=True)
    expect(run.returncode == 0, "the browser test (Chromium, playwright-core) passes")


def main():
    binary = sys.argv[1]
    with running_world("webshield-serve-") as (tmp, env):
        endpoint_answers(binary, tmp)
        limits_and_domains(binary, tmp)
        tls(binary, tmp)
        killed_while_posting(binary, tmp)
        shared_postgres(binary, tmp)
        graceful_stop(binary, tmp)
        public_check(binary, tmp, env)
    print(f"\n{len(passed)} passed, {len(failures)} failed")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
