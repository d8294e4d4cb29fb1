-- Schema version 1 for SQLite. Times are Unix seconds (UTC); session counts as reported;
-- texts are UTF-8 as received. The PostgreSQL twin of this file has the same tables and columns.

-- One row per report: its identity (organization_name, report_id, date range) plus the SHA-256
-- of its canonical JSON is unique (REPORTS.md), so a re-delivery is found, never stored twice.
CREATE TABLE reports (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_name TEXT    NOT NULL,
  report_id         TEXT    NOT NULL,
  date_start        INTEGER NOT NULL,
  date_end          INTEGER NOT NULL,
  canonical_sha256  TEXT    NOT NULL,
  contact_info      TEXT,
  received_at       INTEGER NOT NULL,
  transport         TEXT    NOT NULL,  -- file, mail, https
  origin            TEXT    NOT NULL,  -- where the bytes were read
  source_name       TEXT,              -- file or attachment name
  report_domain     TEXT,              -- TLS-Report-Domain
  submitter         TEXT,              -- TLS-Report-Submitter
  dkim              TEXT,              -- pass, fail, none, …
  dkim_domain       TEXT,
  dkim_reason       TEXT,
  dkim_aligned      INTEGER,           -- 0 or 1; NULL when not known
  warnings          TEXT    NOT NULL,  -- JSON array of strings
  raw               BLOB    NOT NULL,  -- the bytes as received; last, listings never read it
  UNIQUE (canonical_sha256, organization_name, report_id, date_start, date_end)
) STRICT;
CREATE INDEX reports_by_start ON reports (date_start);

CREATE TABLE policies (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  report              INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  position            INTEGER NOT NULL,  -- order in the report
  policy_type         TEXT    NOT NULL,  -- as sent: sts, tlsa, no-policy-found or another
  policy_domain       TEXT,              -- as sent
  domain_key          TEXT    NOT NULL,  -- policy_domain in lower case without a final dot; ''
  policy_strings      TEXT    NOT NULL,  -- JSON array of strings
  mx_hosts            TEXT    NOT NULL,  -- JSON array of strings
  successful_sessions INTEGER NOT NULL,
  failed_sessions     INTEGER,           -- NULL when the report gave no total
  UNIQUE (report, position)
) STRICT;
CREATE INDEX policies_by_domain ON policies (domain_key, report);

CREATE TABLE failure_details (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  policy                 INTEGER NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
  position               INTEGER NOT NULL,  -- order in the policy
  result_type            TEXT    NOT NULL,  -- as sent, registered or not
  sending_mta_ip         TEXT,
  receiving_mx_hostname  TEXT,
  receiving_mx_helo      TEXT,
  receiving_ip           TEXT,
  failed_session_count   INTEGER NOT NULL,
  additional_information TEXT,
  failure_reason_code    TEXT,
  UNIQUE (policy, position)
) STRICT;

-- What could not be read as a report, with its bytes: nothing is dropped silently.
CREATE TABLE quarantine (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  transport   TEXT    NOT NULL,
  origin      TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  size        INTEGER NOT NULL,
  raw         BLOB    NOT NULL
) STRICT;
