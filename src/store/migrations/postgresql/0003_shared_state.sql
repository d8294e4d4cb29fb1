-- Schema version 3 for PostgreSQL: the state that the processes on one database share beyond the
-- reports: what each notifier was told, named leases and sign-in sessions. The SQLite twin of
-- this file has the same tables and columns.

-- The notifiers (by id) that have delivered the state not yet delivered to all of them, so that
-- after a partial failure a retry goes only to the others (src/analyze/alert_run.hpp).
ALTER TABLE alert_state ADD COLUMN delivered_to TEXT NOT NULL DEFAULT '[]';  -- JSON array

-- Named leases (Store::take_lease), so that of several processes on one database one at a time
-- evaluates the alert rules and sends their notifications.
CREATE TABLE lease (
  name     TEXT    PRIMARY KEY,       -- the job, e.g. 'alerts'
  holder   TEXT    NOT NULL,          -- host name and process id of the holder
  expires  BIGINT  NOT NULL           -- Unix seconds; from then on anyone may take the lease
);

-- Sign-in sessions of the dashboard (src/server/auth.hpp), so that every server on the database
-- knows them and a restart signs nobody out. The SHA-256 of the session id, never the id itself:
-- what the database shows does not sign anybody in.
CREATE TABLE session (
  id_sha256  TEXT    PRIMARY KEY,       -- hex
  user_name  TEXT    NOT NULL,
  expires    BIGINT  NOT NULL           -- Unix seconds
);
CREATE INDEX session_by_expiry ON session (expires);
