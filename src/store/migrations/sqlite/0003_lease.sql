-- Schema version 3 for SQLite: named leases (Store::take_lease), so that of several processes on
-- one database one at a time evaluates the alert rules and sends their notifications. The
-- PostgreSQL twin of this file has the same table and columns.
CREATE TABLE lease (
  name     TEXT    PRIMARY KEY,       -- the job, e.g. 'alerts'
  holder   TEXT    NOT NULL,          -- host name and process id of the holder
  expires  INTEGER NOT NULL           -- Unix seconds; from then on anyone may take the lease
) STRICT;
