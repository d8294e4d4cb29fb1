#!/usr/bin/python3
"""`webshield ingest` end to end, with the real store (SQLite) and the test world's Dovecot
(tests/world/): report mail delivered into the IMAP mailbox (some DKIM-signed with the world's
key) is stored over IMAPS and marked seen or moved; a second run stores nothing new; a store
that fails leaves every message unseen; a killed ingest loses nothing and stores nothing twice;
Maildir, mbox, --stdin-mail and the corpus files twice give the counts they must, in SQLite and
in the PostgreSQL server named by WEBSHIELD_TEST_POSTGRES (ctest's fixture `postgres`; without
it the PostgreSQL part fails).

usage: ingest_world.py WEBSHIELD_BINARY
"""
import imaplib
import json
import os
import pathlib
import shutil
import signal
import ssl
import subprocess
import sys
import time

from report_mail import report_mail, sign
from world import ROOT, running_world

CORPUS = ROOT / "tests" / "fixtures" / "reports"
PLAIN_MAIL = (b"From: someone@example.net\r\nTo: tlsrpt@good.plain.test\r\nSubject: hello\r\n\r\n"
              b"Is this where reports go?\r\n")
EX_TEMPFAIL = 75
failures, passed = [], []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    (passed if ok else failures).append(what)


def signed(message, env):
    key = pathlib.Path(env["WORLD_DKIM_KEY"]).read_bytes()
    return sign(message, key, env["WORLD_DKIM_DOMAIN"], env["WORLD_DKIM_SELECTOR"])


def corpus_mails():
    return sorted(CORPUS.rglob("*.eml"))


class Imap:
    """The test's own view of the Dovecot mailbox (python3 imaplib over IMAPS)."""

    def __init__(self, env, user=None):
        ctx = ssl.create_default_context(cafile=env["WORLD_CA"])
        self.m = imaplib.IMAP4_SSL(env["WORLD_IMAP_ADDR"], int(env["WORLD_IMAPS_PORT"]),
                                   ssl_context=ctx)
        password = pathlib.Path(env["WORLD_IMAP_PASSWORD_FILE"]).read_text().strip()
        self.m.login(user or env["WORLD_IMAP_USER"], password)

    def append(self, message, mailbox="INBOX"):
        typ, _ = self.m.append(mailbox, None, None, message)  # no flags: unseen
        assert typ == "OK"

    def search(self, criterion, mailbox="INBOX"):
        typ, _ = self.m.select(mailbox, readonly=True)
        if typ != "OK":
            return None
        typ, data = self.m.uid("SEARCH", None, criterion)
        return data[0].split() if typ == "OK" else None

    def empty(self, mailbox="INBOX"):
        if self.search("ALL", mailbox):
            self.m.select(mailbox)
            self.m.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
            self.m.expunge()

    def close(self):
        self.m.logout()


class Webshield:
    def __init__(self, binary, env):
        self.binary = binary
        self.env = env
        self.dns = ["--resolver", env["WORLD_DNS"], "--trust-anchor", env["WORLD_TRUST_ANCHOR"],
                    "--timeout", "5"]

    def imap(self, url=None):
        return ["--imap", url or self.env["WORLD_IMAP_URL"], "--password-file",
                self.env["WORLD_IMAP_PASSWORD_FILE"], "--ca-file", self.env["WORLD_CA"]]

    def run(self, db, *args, stdin=None):
        cmd = [self.binary, "ingest", "--db", db, "--json", *self.dns, *args]
        run = subprocess.run(cmd, input=stdin, capture_output=True, timeout=300)
        sys.stdout.write(run.stderr.decode(errors="replace"))
        try:
            counts = json.loads(run.stdout.decode().strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            counts = {}
        print("  ingest %s -> %d %s" % (" ".join(a for a in args if not a.startswith("/")),
                                        run.returncode, counts), flush=True)
        return run.returncode, counts

    def identities(self, paths):
        """Distinct reports (identity and hash) among files, read by `report parse`."""
        seen = set()
        for p in paths:
            run = subprocess.run([self.binary, "report", "parse", "--json", "--no-dkim", str(p)],
                                 capture_output=True, text=True)
            if run.returncode == 0:
                j = json.loads(run.stdout)
                seen.add((j["organization_name"], j["report_id"], j["date_range"]["start"],
                          j["date_range"]["end"], j["sha256"]))
        return seen


def test_imap(ws, env, tmp):
    db = "sqlite:%s/imap.db" % tmp
    imap = Imap(env)
    mails = [m.read_bytes() for m in corpus_mails()]
    world_signed = [signed(report_mail(env["WORLD_DKIM_DOMAIN"], "signed-%d" % i), env)
                    for i in range(3)]
    for m in mails + world_signed + [PLAIN_MAIL]:
        imap.append(m)
    distinct = len(ws.identities(corpus_mails())) + len(world_signed)
    total = len(mails) + len(world_signed)

    # The store fails: nothing is acknowledged, every message stays unseen.
    code, _ = ws.run("sqlite:/proc/no-such-dir/x.db", *ws.imap())
    expect(code == EX_TEMPFAIL, "IMAP: a store that cannot be opened exits 75")
    expect(len(imap.search("UNSEEN")) == total + 1, "IMAP: ... and every message stays unseen")

    code, c = ws.run(db, *ws.imap())
    expect(code == 0, "IMAP: ingest over IMAPS exits 0")
    expect(c.get("stored") == distinct and c.get("duplicates") == total - distinct,
           "IMAP: every report stored once (%d stored, %d duplicates)" % (distinct,
                                                                        total - distinct))
    expect(c.get("quarantined") == 1, "IMAP: the mail that is no report is quarantined")
    expect(imap.search("UNSEEN") == [], "IMAP: every message is marked \\Seen")

    code, c = ws.run(db, *ws.imap())
    expect(code == 0 and c.get("stored") == 0 and c.get("duplicates") == 0
           and c.get("quarantined") == 0, "IMAP: a second run finds nothing new")

    code, c = ws.run(db, *ws.imap(), "--include-seen")
    expect(c.get("stored") == 0 and c.get("duplicates") == total,
           "IMAP: --include-seen reads them all again and stores nothing twice")

    # DKIM require: only the mails signed with the world's key (aligned pass) are stored.
    imap.empty()
    unsigned = report_mail(env["WORLD_DKIM_DOMAIN"], "unsigned-1")
    for m in [signed(report_mail(env["WORLD_DKIM_DOMAIN"], "require-%d" % i), env)
              for i in range(2)] + [unsigned]:
        imap.append(m)
    code, c = ws.run(db, *ws.imap(), "--dkim", "require")
    expect(code == 0 and c.get("stored") == 2 and c.get("quarantined") == 1,
           "IMAP: --dkim require stores the signed mails and quarantines the unsigned one")

    # quarantine retry with the default policy (keep): the unsigned report is stored and
    # released; the mail that is no report stays.
    retry = subprocess.run([ws.binary, "quarantine", "retry", "--all", "--db", db, "--no-dkim"],
                           capture_output=True, text=True, timeout=120)
    print(retry.stdout + retry.stderr, end="")
    expect(retry.returncode == 2 and "stored 1, still quarantined 1" in retry.stdout,
           "quarantine retry: the report refused by --dkim require is stored, the rest stays")
    retry = subprocess.run([ws.binary, "quarantine", "retry", "--all", "--db", db, "--no-dkim"],
                           capture_output=True, text=True, timeout=120)
    expect(retry.returncode == 2 and "stored 0, still quarantined 1" in retry.stdout,
           "quarantine retry: a released item is not retried again")

    # move:FOLDER
    imap.empty()
    for i in range(3):
        imap.append(report_mail("sender.example", "move-%d" % i))
    code, c = ws.run(db, *ws.imap(), "--imap-done", "move:Processed")
    expect(code == 0 and c.get("stored") == 3, "IMAP: --imap-done move: stored")
    expect(imap.search("ALL") == [] and len(imap.search("ALL", "Processed") or []) == 3,
           "IMAP: ... and moved out of INBOX into Processed")
    imap.close()

    # A server without MOVE and UIDPLUS: COPY, \Deleted and EXPUNGE, over IMAP with STARTTLS.
    nomove = Imap(env, env["WORLD_IMAP_USER_NOMOVE"])
    for i in range(2):
        nomove.append(report_mail("sender.example", "nomove-%d" % i))
    url = "imap://%s@%s:%s/INBOX" % (env["WORLD_IMAP_USER_NOMOVE"], env["WORLD_IMAP_ADDR"],
                                     env["WORLD_IMAP_PORT"])
    code, c = ws.run(db, *ws.imap(url), "--imap-done", "move:Processed")
    expect(code == 0 and c.get("stored") == 2, "IMAP+STARTTLS without MOVE: stored")
    expect(nomove.search("ALL") == [] and len(nomove.search("ALL", "Processed") or []) == 2,
           "IMAP without MOVE: copied to Processed and expunged from INBOX")
    nomove.close()


def test_killed(ws, env, tmp):
    """kill -9 in the middle: what was not acknowledged comes again, nothing is stored twice."""
    db = "sqlite:%s/killed.db" % tmp
    imap = Imap(env)
    imap.empty()
    n = 300
    for i in range(n):
        imap.append(report_mail("bulk.example", "bulk-%04d" % i))
    cmd = [ws.binary, "ingest", "--db", db, "--no-dkim", "--batch", "10", *ws.imap()]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(imap.search("SEEN") or []) < 30:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    seen_at_kill = len(imap.search("SEEN") or [])
    expect(0 < seen_at_kill < n, "killed: ingest killed part-way (%d of %d seen)" % (seen_at_kill, n))
    code, c = ws.run(db, "--no-dkim", *ws.imap())
    expect(code == 0 and c.get("stored", 0) + c.get("duplicates", 0) == n - seen_at_kill,
           "killed: the next run reads exactly the messages not acknowledged")
    code, c = ws.run(db, "--no-dkim", "--include-seen", *ws.imap())
    expect(c.get("stored") == 0 and c.get("duplicates") == n,
           "killed: every report is stored, none twice")
    imap.close()


def test_maildir_mbox_stdin_files(ws, env, tmp):
    mails = corpus_mails()
    distinct = len(ws.identities(mails))

    md = tmp / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (md / sub).mkdir(parents=True)
    for i, m in enumerate(mails):
        shutil.copy(m, md / "new" / ("17330000%02d.M1P1.host" % i))
    (md / "new" / "1733009999.M1P1.host").write_bytes(PLAIN_MAIL)
    db = "sqlite:%s/local.db" % tmp
    code, c = ws.run(db, "--no-dkim", "--maildir", str(md))
    expect(code == 0 and c.get("stored") == distinct and c.get("quarantined") == 1,
           "Maildir: reports stored, the other mail quarantined")
    expect(not os.listdir(md / "new") and all(n.endswith(":2,S") for n in os.listdir(md / "cur")),
           "Maildir: every message moved to cur/ with the seen flag")
    code, c = ws.run(db, "--no-dkim", "--maildir", str(md))
    expect(code == 0 and sum(c.get(k, 0) for k in ("stored", "duplicates", "quarantined")) == 0,
           "Maildir: a second run reads nothing")

    mbox = tmp / "reports.mbox"
    with open(mbox, "wb") as f:
        for m in mails:
            body = m.read_bytes().replace(b"\r\n", b"\n")
            f.write(b"From tlsrpt@example.net Mon Jan  1 00:00:00 2024\n" + body.rstrip(b"\n")
                    + b"\n\n")
    db2 = "sqlite:%s/mbox.db" % tmp
    code, c = ws.run(db2, "--no-dkim", "--mbox", str(mbox))
    expect(code == 0 and c.get("stored") == distinct
           and c.get("duplicates") == len(mails) - distinct, "mbox: every message stored once")
    code, c = ws.run(db2, "--no-dkim", "--mbox", str(mbox))
    expect(c.get("stored") == 0 and c.get("duplicates") == len(mails),
           "mbox: read again, all duplicates")

    db3 = "sqlite:%s/stdin.db" % tmp
    mail = signed(report_mail(env["WORLD_DKIM_DOMAIN"], "stdin-1"), env)
    code, c = ws.run(db3, "--stdin-mail", stdin=mail)
    expect(code == 0 and c.get("stored") == 1, "stdin: a signed report mail is stored (exit 0)")
    code, c = ws.run(db3, "--stdin-mail", stdin=mail)
    expect(code == 0 and c.get("duplicates") == 1, "stdin: delivered again, a duplicate (exit 0)")
    code, c = ws.run(db3, "--stdin-mail", stdin=PLAIN_MAIL)
    expect(code == 0 and c.get("quarantined") == 1, "stdin: a mail without report is quarantined")
    code, c = ws.run(db3, "--stdin-mail", "--no-quarantine-non-reports", stdin=PLAIN_MAIL)
    expect(code == 0 and c.get("quarantined") == 0 and c.get("kept") == 1,
           "stdin: --no-quarantine-non-reports logs it and exits 0")
    code, _ = ws.run("sqlite:/proc/no-such-dir/x.db", "--stdin-mail", stdin=mail)
    expect(code == EX_TEMPFAIL, "stdin: the store unavailable exits 75 (the MTA retries)")

    db4 = "sqlite:%s/corpus.db" % tmp
    code, first = ws.run(db4, "--no-dkim", str(CORPUS))
    code2, second = ws.run(db4, "--no-dkim", str(CORPUS))
    reports = first.get("stored", 0) + first.get("duplicates", 0)
    expect(code == 0 and code2 == 0 and reports == 20, "corpus: 20 reports read")
    expect(second.get("stored") == 0 and second.get("duplicates") == reports,
           "corpus: ingested twice, the counts do not change")


def test_postgres(ws):
    """The corpus twice and one mail twice into PostgreSQL, in a database of its own."""
    server = os.environ.get("WEBSHIELD_TEST_POSTGRES")
    expect(bool(server), "PostgreSQL: WEBSHIELD_TEST_POSTGRES names a server")
    if not server:
        return
    for sql in ("DROP DATABASE IF EXISTS ingest_world", "CREATE DATABASE ingest_world"):
        subprocess.run(["psql", "-q", server, "-c", sql], check=True, capture_output=True)
    db = server.replace("postgresql:///postgres", "postgresql:///ingest_world", 1)
    code, first = ws.run(db, "--no-dkim", str(CORPUS))
    code2, second = ws.run(db, "--no-dkim", str(CORPUS))
    expect(code == 0 and first.get("stored", 0) + first.get("duplicates", 0) == 20
           and first.get("quarantined") == 1, "PostgreSQL: the corpus is stored")
    expect(code2 == 0 and second.get("stored") == 0 and second.get("duplicates") == 20,
           "PostgreSQL: the corpus ingested twice, the counts do not change")
    mail = (CORPUS / "mox" / "example.eml").read_bytes()
    code, c = ws.run(db, "--no-dkim", "--stdin-mail", stdin=mail)
    expect(code == 0 and c.get("duplicates") == 1, "PostgreSQL: --stdin-mail of a stored report")
    subprocess.run(["psql", "-q", server, "-c", "DROP DATABASE ingest_world"], capture_output=True)


def main():
    binary = sys.argv[1]
    with running_world("webshield-ingest-") as (tmp, env):
        ws = Webshield(binary, env)
        test_imap(ws, env, tmp)
        test_killed(ws, env, tmp)
        test_maildir_mbox_stdin_files(ws, env, tmp)
        test_postgres(ws)
    print(f"{len(passed)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
