-- Schema version 3 for SQLite: what each notifier was told, and named leases. The PostgreSQL twin
-- of this file has the same tables and columns.

-- The notifiers (by name) that have delivered the state not yet delivered to all of them, so that
-- after a partial failure a retry goes only to the others (src/analyze/alert_run.hpp).
ALTER TABLE alert_state ADD COLUMN delivered_to TEXT NOT NULL DEFAULT '[]';  -- JSON array

-- Named leases (Store::take_lease), so that of several processes on one database one at a time
-- evaluates the alert rules and sends their notifications.
CREATE TABLE lease (
  name     TEXT    PRIMARY KEY,       -- the job, e.g. 'alerts'
  holder   TEXT    NOT NULL,          -- host name and process id of the holder
  expires  INTEGER NOT NULL           -- Unix seconds; from then on anyone may take the lease
) STRICT;
