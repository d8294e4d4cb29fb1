"""TLS-RPT report mail as senders send it (RFC 8460 §5.3), for the integration tests, and DKIM
signing with the test world's key (Debian's python3-dkim)."""
import gzip
import json
import pathlib
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP

import dkim

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPORT = ROOT / "tests" / "fixtures" / "reports" / "mail-auth" / "rpt01.json"


def report_mail(domain, report_id=None):
    """A report mail from `domain` carrying rpt01.json, gzipped; `report_id` replaces its id."""
    data = REPORT.read_bytes()
    if report_id is not None:
        data = json.dumps(dict(json.loads(data), **{"report-id": report_id})).encode()
    msg = MIMEMultipart("report", report_type="tlsrpt")
    msg["From"] = "tlsrpt@" + domain
    msg["To"] = "tlsrpt@good.plain.test"
    msg["Subject"] = "Report Domain: good.plain.test Submitter: %s Report-ID: <%s@%s>" % (
        domain, report_id or "1", domain)
    msg["TLS-Report-Domain"] = "good.plain.test"
    msg["TLS-Report-Submitter"] = domain
    msg.attach(MIMEText("This is an aggregate TLS report.\n"))
    part = MIMEApplication(gzip.compress(data), "tlsrpt+gzip")
    part.add_header("Content-Disposition", "attachment", filename="report.json.gz")
    msg.attach(part)
    return msg.as_bytes(policy=SMTP)


def sign(message, key, domain, selector, length=False):
    """The message with a DKIM-Signature (relaxed/relaxed, rsa-sha256) in front."""
    headers = [b"From", b"To", b"Subject", b"TLS-Report-Domain", b"TLS-Report-Submitter",
               b"Content-Type"]
    signature = dkim.sign(message, selector.encode(), domain.encode(), key, include_headers=headers,
                          canonicalize=(b"relaxed", b"relaxed"), length=length)
    return signature + message
