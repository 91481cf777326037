-- Backups (issue 10): every backup made here, verified or not. A log, never edited.
CREATE TABLE backup_log (
    id         INTEGER PRIMARY KEY,
    file       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reason     TEXT NOT NULL,
    entries    INTEGER NOT NULL,
    bytes      INTEGER NOT NULL,
    verified   INTEGER NOT NULL CHECK (verified IN (0, 1)),
    problem    TEXT,
    -- Sent to HQ as well: 1 yes, 0 tried and failed, NULL not asked to.
    sent_to_hq INTEGER CHECK (sent_to_hq IN (0, 1))
) STRICT;
CREATE TRIGGER backup_log_no_update BEFORE UPDATE ON backup_log BEGIN SELECT RAISE(ABORT, 'the backup log is append-only'); END;
CREATE TRIGGER backup_log_no_delete BEFORE DELETE ON backup_log BEGIN SELECT RAISE(ABORT, 'the backup log is append-only'); END;
