#!/usr/bin/python3
"""`webshield alerts check` and the alerts of `webshield serve` end to end: a generated report
history stored with `webshield ingest` into SQLite, then notifications to a local HTTP receiver
(generic JSON and Slack payloads) and a local SMTP server (aiosmtpd), both on loopback: each
state change is delivered once, a second run delivers nothing, a dry run nothing, the server
shows the alerts at GET /api/v1/alerts and, evaluating on its own, sends nothing already sent,
but within a minute notifies what a report POSTed to it makes fire; days later the alerts clear,
and that is delivered once too; while another process holds the alert lease, `alerts check`
does nothing. Mail goes out with STARTTLS and AUTH (password from a file), and never in clear
text to a server that offers no STARTTLS.
Then the posture alerts: the [[domain]]s are scenario domains of the test world (tests/world/:
DNS, HTTPS and SMTP servers on loopback), checked by `alerts check` and by the server on its own
schedule; each posture alert is delivered once to the webhook.

usage: alerts_world.py WEBSHIELD_BINARY
"""
import datetime
import http.server
import json
import pathlib
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from serve_world import Server, api, cli, post
from world import running_world

failures, passed = [], []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    (passed if ok else failures).append(what)


class Receiver(http.server.BaseHTTPRequestHandler):
    posts = []  # (path, body)
    lock = threading.Lock()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with Receiver.lock:
            Receiver.posts.append((self.path, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Mailbox:
    def __init__(self):
        self.messages = []
        self.logins = []

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password, session.ssl is not None))
            return AuthResult(success=auth_data.password == b"s3cret")
        return AuthResult(success=False)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report(org, day, successful, failures_=()):
    start = day.strftime("%Y-%m-%dT00:00:00Z")
    end = day.strftime("%Y-%m-%dT23:59:59Z")
    details = [{"result-type": t, "sending-mta-ip": "192.0.2.1", "receiving-mx-hostname": mx,
                "failed-session-count": n} for t, mx, n in failures_]
    policy = {"policy": {"policy-type": "sts", "policy-domain": "example.com",
                         "policy-string": ["version: STSv1", "mode: enforce",
                                           "mx: *.example.com", "max_age: 86400"],
                         "mx-host": ["mx1.example.com", "mx2.example.com"]},
              "summary": {"total-successful-session-count": successful,
                          "total-failure-session-count": sum(n for _, _, n in failures_)}}
    if details:
        policy["failure-details"] = details
    return json.dumps({"organization-name": org,
                       "date-range": {"start-datetime": start, "end-datetime": end},
                       "contact-info": "tlsrpt@" + org.lower().replace(" ", "") + ".example",
                       "report-id": f"{org}-{start}", "policies": [policy]})


def delivered(since_posts, since_mails, mailbox):
    with Receiver.lock:
        posts = Receiver.posts[since_posts:]
    return posts, mailbox.messages[since_mails:]


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="webshield-alerts-") as tmp_name:
        tmp = pathlib.Path(tmp_name)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        hook = f"http://127.0.0.1:{httpd.server_address[1]}"
        mailbox = Mailbox()
        smtp_port = free_port()
        smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        try:
            run(binary, tmp, hook, smtp_port, mailbox)
            starttls(binary, tmp)
            posture(binary, hook)
        finally:
            smtp.stop()
            httpd.shutdown()
    print(f"\n{len(passed)} passed, {len(failures)} failed")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


def run(binary, tmp, hook, smtp_port, mailbox):
    db = f"sqlite:{tmp / 'webshield.db'}"
    today = datetime.datetime.now(datetime.timezone.utc).replace(
        hour=0, minute=0, second=0, microsecond=0)
    reports = tmp / "reports"
    reports.mkdir()
    # 20 clean days from two organisations, then yesterday 5% failing on mx2.
    for n in range(20, 1, -1):
        day = today - datetime.timedelta(days=n)
        (reports / f"a-{n}.json").write_text(report("Org A", day, 1000))
        (reports / f"b-{n}.json").write_text(report("Org B", day, 500))
    yesterday = today - datetime.timedelta(days=1)
    (reports / "a-1.json").write_text(
        report("Org A", yesterday, 950, [("certificate-host-mismatch", "mx2.example.com", 50)]))
    (reports / "b-1.json").write_text(report("Org B", yesterday, 500))
    code, out, err = cli(binary, "ingest", "--db", db, str(reports))
    expect(code == 0, f"ingest stores the history (exit {code}: {err.strip()[:200]})")
    shutil.copy(tmp / "webshield.db", tmp / "webshield.db.fresh")

    config = tmp / "webshield.toml"
    config.write_text(f"""
[database]
url = "{db}"

[check]
enabled = false

[alerts]
interval = "10m"

[[notify]]
type = "webhook"
format = "json"
url = "{hook}/json"

[[notify]]
type = "webhook"
format = "slack"
url = "{hook}/slack"

[[notify]]
type = "mail"
url = "smtp://127.0.0.1:{smtp_port}"
starttls = false
from = "webshield@example.com"
to = ["ops@example.com"]
""")
    code, out, err = cli(binary, "config", "--print", "--config", str(config))
    expect(code == 0 and "[alerts]" in out and "[[notify]]" in out and "format = 'slack'" in out,
           "config --print shows [alerts] and [[notify]]")

    code, out, err = cli(binary, "alerts", "check", "--config", str(config), "--dry-run")
    posts, mails = delivered(0, 0, mailbox)
    expect(code == 1 and "rate:example.com" in out and not posts and not mails,
           f"a dry run shows the firing alerts and sends nothing (exit {code})")

    code, out, err = cli(binary, "alerts", "check", "--config", str(config), "--json")
    time.sleep(0.5)
    posts, mails = delivered(0, 0, mailbox)
    answer = json.loads(out) if out.startswith("{") else {}
    keys = {a["key"] for a in answer.get("firing", [])}
    expect(code == 1, f"alerts check exits 1 while alerts fire (exit {code}: {err.strip()[:200]})")
    expect({"rate:example.com", "jump:example.com", "new_mx:example.com mx2.example.com",
            "new_type:example.com certificate-host-mismatch"} <= keys,
           f"rate, jump, new MX and new type fire: {sorted(keys)}")
    by_path = {}
    for path, body in posts:
        by_path.setdefault(path, []).append(body)
    expect(len(by_path.get("/json", [])) == 1 and len(by_path.get("/slack", [])) == 1,
           f"one POST to each webhook ({[p for p, _ in posts]})")
    if by_path.get("/json"):
        body = json.loads(by_path["/json"][0])
        states = {(a["key"], a["state"]) for a in body["alerts"]}
        expect(("rate:example.com", "firing") in states
               and all(a.get("action") and a.get("evidence", {}).get("reports") is not None
                       for a in body["alerts"]),
               "the JSON payload carries key, state, evidence and action")
    if by_path.get("/slack"):
        expect("text" in json.loads(by_path["/slack"][0]), 'the Slack payload is {"text": …}')
    expect(len(mails) == 1 and mails[0][1] == ["ops@example.com"]
           and b"Subject: [webshield]" in mails[0][2] and b"FIRING" in mails[0][2],
           f"one mail to the SMTP server ({len(mails)})")

    code, out, err = cli(binary, "alerts", "check", "--config", str(config))
    time.sleep(0.5)
    posts2, mails2 = delivered(len(posts), len(mails), mailbox)
    expect(code == 1 and not posts2 and not mails2,
           f"a second run delivers nothing ({len(posts2)} posts, {len(mails2)} mails)")

    # The server evaluates on its own a few seconds after the start: nothing new to send.
    server = Server(binary, tmp, "--config", str(config))
    try:
        status, body = api(server, "/api/v1/alerts")
        firing = {a["key"] for a in body.get("firing", [])} if isinstance(body, dict) else set()
        expect(status == 200 and "rate:example.com" in firing,
               f"GET /api/v1/alerts lists the firing alerts ({status})")
        status, _ = api(server, "/api/v1/alerts", token="wrong")
        expect(status == 401, f"GET /api/v1/alerts needs sign-in ({status})")
        time.sleep(8)
        posts3, mails3 = delivered(len(posts), len(mails), mailbox)
        expect(not posts3 and not mails3, "the server's own evaluation sends nothing already sent")
        # A report POSTed to the server with failures on a third MX host: the server evaluates
        # again within a minute of its last evaluation and notifies only that.
        body = report("Org C", yesterday, 400, [("certificate-expired", "mx3.example.com", 5)])
        status, _, _ = post(server, body.encode(), content_type="application/tlsrpt+json")
        expect(status == 201, f"the server stores a POSTed report ({status})")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            posts3, mails3 = delivered(len(posts), len(mails), mailbox)
            if len(posts3) >= 2 and mails3:
                break
            time.sleep(1)
        time.sleep(1)
        posts3, mails3 = delivered(len(posts), len(mails), mailbox)
        keys = set()
        for path, sent in posts3:
            if path == "/json":
                keys |= {(a["key"], a["state"]) for a in json.loads(sent)["alerts"]}
        expect(len(posts3) == 2 and len(mails3) == 1
               and ("new_mx:example.com mx3.example.com", "firing") in keys
               and ("rate:example.com", "firing") not in keys,
               f"after the stored report the server notifies the new alert once ({sorted(keys)})")
    finally:
        code = server.stop()
    expect(code == 0, f"the server stops cleanly ({code})")
    log = (tmp / "serve.log").read_text()
    expect("cannot evaluate" not in log, "the server evaluated the alert rules without error")

    # A week later nothing fails any more (and nothing arrives): the alerts clear, once.
    later = (today + datetime.timedelta(days=7, hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, out, err = cli(binary, "alerts", "check", "--config", str(config), "--now", later,
                         "--json")
    time.sleep(0.5)
    posts = posts + posts3
    mails = mails + mails3
    posts4, mails4 = delivered(len(posts), len(mails), mailbox)
    cleared = set()
    for path, body in posts4:
        if path == "/json":
            cleared |= {a["key"] for a in json.loads(body)["alerts"] if a["state"] == "cleared"}
    expect("rate:example.com" in cleared and len(posts4) == 2 and len(mails4) == 1,
           f"the clear is delivered once to each ({len(posts4)} posts, {len(mails4)} mails)")
    code, out, err = cli(binary, "alerts", "check", "--config", str(config), "--now", later)
    time.sleep(0.5)
    posts5, mails5 = delivered(len(posts) + len(posts4), len(mails) + len(mails4), mailbox)
    expect(not posts5 and not mails5, "and not again")

    # Another process is evaluating (its lease is in the database): nothing is done, exit 75.
    conn = sqlite3.connect(tmp / "webshield.db")
    with conn:
        conn.execute("INSERT INTO lease (name, holder, expires) VALUES ('alerts', 'other:42', ?)",
                     (int(time.time()) + 600,))
    code, out, err = cli(binary, "alerts", "check", "--config", str(config))
    expect(code == 75 and "another process (other:42)" in err and not out,
           f"alerts check waits its turn while another process holds the lease ({code}: {err})")
    with conn:
        conn.execute("DELETE FROM lease")
    conn.close()

    code, out, err = cli(binary, "alerts", "check", "--db", "postgresql://nobody@127.0.0.1:1/x")
    expect(code == 75, f"an unavailable database exits 75 ({code})")
    code, out, err = cli(binary, "alerts", "check", "--bogus")
    expect(code == 64, f"bad usage exits 64 ({code})")


def posture_keys(posts, path):
    keys = []
    for p, body in posts:
        if p == path:
            keys += [(a["key"], a["state"]) for a in json.loads(body)["alerts"]]
    return keys


def posture(binary, hook):
    """[[domain]]s of the test world: a policy in mode testing with an expired MX certificate,
    and an MX missing from the policy. `alerts check` delivers each posture alert once; the
    server checks on its own schedule and delivers once as well."""
    testing = "mx-expired-testing.plain.test"
    mismatch = "mx-not-in-policy.plain.test"
    with running_world("webshield-posture-") as (tmp, env):
        db = tmp / "posture.db"
        config = tmp / "posture.toml"
        config.write_text(f"""
[database]
url = "sqlite:{db}"

[check]
enabled = false
resolver = "{env["WORLD_DNS"]}"
trust_anchors = ["{env["WORLD_TRUST_ANCHOR"]}"]
ca_file = "{env["WORLD_CA"]}"
https_port = {env["WORLD_HTTPS_PORT"]}
smtp_port = {env["WORLD_SMTP_PORT"]}
timeout = 5

[alerts]
interval = 10

[[notify]]
type = "webhook"
url = "{hook}/posture"

[[domain]]
name = "{testing}"
testing_days = 0

[[domain]]
name = "{mismatch}"
""")
        code, out, err = cli(binary, "alerts", "check", "--config", str(config), "--no-posture")
        expect(code == 0, f"--no-posture checks nothing: nothing fires (exit {code}: {err[:200]})")
        shutil.copy(db, tmp / "posture.db.fresh")

        start = len(Receiver.posts)
        code, out, err = cli(binary, "alerts", "check", "--config", str(config), "--json")
        time.sleep(0.5)
        with Receiver.lock:
            posts = Receiver.posts[start:]
        answer = json.loads(out) if out.startswith("{") else {}
        firing = {a["key"]: a for a in answer.get("firing", [])}
        expected = {f"testing:{testing}", f"cert_expiry:{testing} mx.expired.smtp.plain.test"}
        expect(code == 1 and expected <= set(firing),
               f"alerts check fires the posture alerts (exit {code}: {sorted(firing)} "
               f"{err.strip()[:300]})")
        expect(any(k.startswith(f"mx_mismatch:{mismatch} ") for k in firing),
               f"an MX missing from the policy fires ({sorted(firing)})")
        cert = firing.get(f"cert_expiry:{testing} mx.expired.smtp.plain.test", {})
        codes = [f["code"] for f in cert.get("evidence", {}).get("findings", [])]
        expect("mx.cert_expired" in codes and cert.get("evidence", {}).get("not_after")
               and cert.get("action"),
               f"the alert carries the finding, the certificate's end and an action ({codes})")
        sent = posture_keys(posts, "/posture")
        expect(len(posts) == 1 and {(k, "firing") for k in expected} <= set(sent),
               f"one POST to the webhook with the posture alerts ({len(posts)}: {sent})")

        start = len(Receiver.posts)
        code, out, err = cli(binary, "alerts", "check", "--config", str(config))
        time.sleep(0.5)
        expect(code == 1 and len(Receiver.posts) == start,
               f"checked again: still firing, nothing sent again ({len(Receiver.posts) - start})")
        code, out, err = cli(binary, "alerts", "check", "--config", str(config), "--no-posture")
        time.sleep(0.5)
        expect(code == 1 and len(Receiver.posts) == start,
               "without the checks the posture alerts keep firing, and nothing is sent")

        # The server on a fresh database: it checks the domains a few seconds after the start.
        shutil.copy(tmp / "posture.db.fresh", db)
        start = len(Receiver.posts)
        server = Server(binary, tmp, "--config", str(config), name="posture-serve")
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(Receiver.posts) == start:
                time.sleep(0.5)
            time.sleep(25)  # two more evaluations of the rules (interval 10 s)
            posts = Receiver.posts[start:]
            sent = posture_keys(posts, "/posture")
            expect(len(posts) == 1 and {(k, "firing") for k in expected} <= set(sent),
                   f"the server checks on its own and notifies once ({len(posts)}: {sent})")
            status, body = api(server, "/api/v1/alerts")
            shown = {a["key"] for a in body.get("firing", [])} if isinstance(body, dict) else set()
            expect(status == 200 and expected <= shown
                   and not any(k.startswith("posture_seen") for k in shown),
                   f"GET /api/v1/alerts lists the posture alerts ({sorted(shown)})")
        finally:
            code = server.stop()
        log = (tmp / "posture-serve.log").read_text()
        expect(code == 0 and "posture checks done" in log and "cannot evaluate" not in log,
               f"the server ran the posture checks and stopped cleanly ({code})")


def starttls(binary, tmp):
    """Mail with STARTTLS and AUTH to a server with a certificate of its own, and a server that
    offers no STARTTLS: the alert is not sent in clear text, and stays pending."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(tmp / "smtp.key"), "-out", str(tmp / "smtp.pem"),
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp / "smtp.pem", tmp / "smtp.key")
    secure, plain = Mailbox(), Mailbox()
    secure_port, plain_port = free_port(), free_port()
    tls_server = Controller(secure, hostname="127.0.0.1", port=secure_port, tls_context=context,
                            require_starttls=True, authenticator=secure.authenticate,
                            auth_required=True)
    plain_server = Controller(plain, hostname="127.0.0.1", port=plain_port)
    tls_server.start()
    plain_server.start()
    try:
        (tmp / "password").write_text("s3cret\n")
        for name, port, extra in (("secure", secure_port,
                                   f'ca_file = "{tmp / "smtp.pem"}"\nusername = "webshield"\n'
                                   f'password_file = "{tmp / "password"}"\n'),
                                  ("plain", plain_port, "")):
            shutil.copy(tmp / "webshield.db.fresh", tmp / f"{name}.db")
            (tmp / f"{name}.toml").write_text(f"""
[database]
url = "sqlite:{tmp / f'{name}.db'}"

[[notify]]
type = "mail"
url = "smtp://127.0.0.1:{port}"
from = "webshield@example.com"
to = "ops@example.com"
{extra}""")
        code, out, err = cli(binary, "alerts", "check", "--config", str(tmp / "secure.toml"))
        time.sleep(0.5)
        expect(code == 1 and len(secure.messages) == 1 and "notification failed" not in err,
               f"mail goes out over STARTTLS with AUTH ({len(secure.messages)}; {err.strip()})")
        expect(secure.logins == [(b"webshield", b"s3cret", True)],
               f"the password from the file, only inside TLS ({secure.logins})")
        code, out, err = cli(binary, "alerts", "check", "--config", str(tmp / "plain.toml"),
                             "--json")
        answer = json.loads(out) if out.startswith("{") else {}
        expect(code == 1 and not plain.messages and "notification failed" in err
               and answer.get("delivered") is False,
               f"no STARTTLS offered: nothing sent in clear ({len(plain.messages)}; {err.strip()})")
        code, out, err = cli(binary, "alerts", "check", "--config", str(tmp / "plain.toml"),
                             "--json")
        answer = json.loads(out) if out.startswith("{") else {}
        expect(len(answer.get("notices", [])) > 0,
               "the undelivered changes stay pending for the next run")
    finally:
        tls_server.stop()
        plain_server.stop()


if __name__ == "__main__":
    sys.exit(main())
