-- Schema version 1 for PostgreSQL. Times are Unix seconds (UTC); session counts as reported;
-- texts are UTF-8 as received. The SQLite twin of this file has the same tables and columns.

-- One row per report: its identity (organization_name, report_id, date range) plus the SHA-256
-- of its canonical JSON is unique (REPORTS.md), so a re-delivery is found, never stored twice.
-- The names enter the unique index as md5() because a B-tree entry holds at most 2704 bytes
-- and a report's strings may be longer; canonical_sha256 keeps the key exact.
CREATE TABLE reports (
  id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_name TEXT    NOT NULL,
  report_id         TEXT    NOT NULL,
  date_start        BIGINT  NOT NULL,
  date_end          BIGINT  NOT NULL,
  canonical_sha256  TEXT    NOT NULL,
  contact_info      TEXT,
  received_at       BIGINT  NOT NULL,
  transport         TEXT    NOT NULL,  -- file, mail, https
  origin            TEXT    NOT NULL,  -- where the bytes were read
  source_name       TEXT,              -- file or attachment name
  report_domain     TEXT,              -- TLS-Report-Domain
  submitter         TEXT,              -- TLS-Report-Submitter
  dkim              TEXT,              -- pass, fail, none, …
  dkim_domain       TEXT,
  dkim_reason       TEXT,
  dkim_aligned      BOOLEAN,           -- NULL when not known
  warnings          TEXT    NOT NULL,  -- JSON array of strings
  raw               BYTEA   NOT NULL   -- the bytes as received
);
CREATE UNIQUE INDEX reports_identity
  ON reports (canonical_sha256, md5(organization_name), md5(report_id), date_start, date_end);
CREATE INDEX reports_by_start ON reports (date_start);

CREATE TABLE policies (
  id                  BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  report              BIGINT  NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  position            BIGINT  NOT NULL,  -- order in the report
  policy_type         TEXT    NOT NULL,  -- as sent: sts, tlsa, no-policy-found or another
  policy_domain       TEXT,              -- as sent
  domain_key          TEXT    NOT NULL,  -- policy_domain in lower case without a final dot; ''
  policy_strings      TEXT    NOT NULL,  -- JSON array of strings
  mx_hosts            TEXT    NOT NULL,  -- JSON array of strings
  successful_sessions BIGINT  NOT NULL,
  failed_sessions     BIGINT,            -- NULL when the report gave no total
  UNIQUE (report, position)
);
-- A hash index: any length of domain_key fits (a B-tree entry holds at most 2704 bytes).
CREATE INDEX policies_by_domain ON policies USING hash (domain_key);

CREATE TABLE failure_details (
  id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  policy                 BIGINT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
  position               BIGINT NOT NULL,  -- order in the policy
  result_type            TEXT   NOT NULL,  -- as sent, registered or not
  sending_mta_ip         TEXT,
  receiving_mx_hostname  TEXT,
  receiving_mx_helo      TEXT,
  receiving_ip           TEXT,
  failed_session_count   BIGINT NOT NULL,
  additional_information TEXT,
  failure_reason_code    TEXT,
  UNIQUE (policy, position)
);

-- What could not be read as a report, with its bytes: nothing is dropped silently.
CREATE TABLE quarantine (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at BIGINT NOT NULL,
  transport   TEXT   NOT NULL,
  origin      TEXT   NOT NULL,
  reason      TEXT   NOT NULL,
  size        BIGINT NOT NULL,
  raw         BYTEA  NOT NULL
);
