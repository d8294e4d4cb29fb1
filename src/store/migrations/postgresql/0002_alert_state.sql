-- Schema version 2 for PostgreSQL: the state of the alert rules (src/analyze/alert_state.hpp),
-- so that an alert notifies once when it fires and once when it clears. The SQLite twin of this
-- file has the same table and columns.
CREATE TABLE alert_state (
  alert_key   TEXT    PRIMARY KEY,       -- rule + subject, at most 512 bytes (analyze makes it so)
  rule        TEXT    NOT NULL,
  subject     TEXT    NOT NULL,
  state       TEXT    NOT NULL,          -- firing, cleared
  since       BIGINT  NOT NULL,          -- when the condition began (Unix seconds)
  fired_at    BIGINT  NOT NULL,          -- when it was first found firing
  cleared_at  BIGINT,                    -- when it was found cleared; NULL while firing
  notified    TEXT    NOT NULL,          -- the state last delivered to the notifiers; '' none
  detail      TEXT    NOT NULL,          -- JSON: what, evidence, action of the latest evaluation
  updated_at  BIGINT  NOT NULL
);
