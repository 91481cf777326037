-- Staff and the audit log.
--
-- Staff are never deleted (registrations and audit entries name them): a manager disables a
-- person instead. PINs are Argon2id hashes (PHC strings) keyed with a per-install pepper kept
-- in a file beside the database, never in it.
--
-- The audit log is its own hash chain, append-only like the journal: who, role, when, what,
-- old and new value, why, the outcome, and who approved.

CREATE TABLE staff (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role            TEXT NOT NULL CHECK (role IN ('manager', 'cashier', 'kiosk')),
    pin_hash        TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT
) STRICT;

CREATE TRIGGER staff_no_delete BEFORE DELETE ON staff
BEGIN SELECT RAISE(ABORT, 'staff are never deleted: disable the person instead'); END;

CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY CHECK (seq >= 1),
    at            TEXT NOT NULL,
    actor_id      INTEGER,
    actor_name    TEXT,
    actor_role    TEXT,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    old_value     TEXT,
    new_value     TEXT,
    reason        TEXT,
    outcome       TEXT NOT NULL CHECK (outcome IN ('done', 'refused')),
    approver_id   INTEGER,
    approver_name TEXT,
    prev_hash     BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash          BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_actor ON audit_log (actor_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
