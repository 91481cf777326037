-- Issue 5: returns in the receipt series, copies, training and pro forma receipts, the tally of
-- every registration (for X/Z reports), day reports, shifts and cash movements, and the
-- control unit's outages. Registrations stay append-only; projections say so where they are.

-- A return is a receipt in the same unbroken series as sales.
ALTER TABLE sale ADD COLUMN kind TEXT NOT NULL DEFAULT 'sale' CHECK (kind IN ('sale', 'return'));
ALTER TABLE sale ADD COLUMN original_receipt_no INTEGER;
CREATE INDEX sale_original ON sale (register_id, original_receipt_no) WHERE original_receipt_no IS NOT NULL;

-- At most one copy per receipt: the primary key is the rule.
CREATE TABLE receipt_copy (
    register_id TEXT NOT NULL,
    receipt_no  INTEGER NOT NULL,
    journal_seq INTEGER NOT NULL,
    PRIMARY KEY (register_id, receipt_no),
    FOREIGN KEY (register_id, journal_seq) REFERENCES journal (register_id, seq)
) STRICT;

-- Training receipts have their own series.
CREATE TABLE training_sale (
    register_id TEXT NOT NULL,
    training_no INTEGER NOT NULL CHECK (training_no >= 1),
    journal_seq INTEGER NOT NULL,
    total       TEXT NOT NULL,
    PRIMARY KEY (register_id, training_no),
    FOREIGN KEY (register_id, journal_seq) REFERENCES journal (register_id, seq)
) STRICT;

CREATE TABLE pro_forma (
    register_id  TEXT NOT NULL,
    pro_forma_no INTEGER NOT NULL CHECK (pro_forma_no >= 1),
    journal_seq  INTEGER NOT NULL,
    PRIMARY KEY (register_id, pro_forma_no),
    FOREIGN KEY (register_id, journal_seq) REFERENCES journal (register_id, seq)
) STRICT;

-- What each registration adds to the day's figures (crates/domain/src/tally.rs), as JSON.
-- Written with the journal entry; registrations that add nothing have no row.
CREATE TABLE tally (
    register_id TEXT NOT NULL,
    journal_seq INTEGER NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (register_id, journal_seq),
    FOREIGN KEY (register_id, journal_seq) REFERENCES journal (register_id, seq)
) STRICT;

-- X and Z reports. A Z closes the day: one per register and business date.
CREATE TABLE day_report (
    register_id   TEXT NOT NULL,
    journal_seq   INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('x', 'z')),
    number        INTEGER NOT NULL,
    business_date TEXT NOT NULL,
    grand         TEXT NOT NULL,
    PRIMARY KEY (register_id, journal_seq),
    FOREIGN KEY (register_id, journal_seq) REFERENCES journal (register_id, seq)
) STRICT;
CREATE UNIQUE INDEX day_report_one_z_a_day ON day_report (register_id, business_date) WHERE kind = 'z';
CREATE UNIQUE INDEX day_report_z_number ON day_report (register_id, number) WHERE kind = 'z';

CREATE TABLE shift_open (
    register_id TEXT NOT NULL,
    shift_no    INTEGER NOT NULL CHECK (shift_no >= 1),
    journal_seq INTEGER NOT NULL,
    cashier_id  INTEGER NOT NULL REFERENCES staff (id),
    PRIMARY KEY (register_id, shift_no)
) STRICT;

CREATE TABLE shift_close (
    register_id TEXT NOT NULL,
    shift_no    INTEGER NOT NULL,
    journal_seq INTEGER NOT NULL,
    PRIMARY KEY (register_id, shift_no),
    FOREIGN KEY (register_id, shift_no) REFERENCES shift_open (register_id, shift_no)
) STRICT;

-- Periods when the control unit did not answer and the store sold on under its policy.
CREATE TABLE control_outage (
    register_id TEXT NOT NULL,
    start_seq   INTEGER NOT NULL,
    end_seq     INTEGER,
    PRIMARY KEY (register_id, start_seq)
) STRICT;

CREATE TRIGGER receipt_copy_no_update BEFORE UPDATE ON receipt_copy BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER receipt_copy_no_delete BEFORE DELETE ON receipt_copy BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER training_sale_no_update BEFORE UPDATE ON training_sale BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER training_sale_no_delete BEFORE DELETE ON training_sale BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER pro_forma_no_update BEFORE UPDATE ON pro_forma BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER pro_forma_no_delete BEFORE DELETE ON pro_forma BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER tally_no_update BEFORE UPDATE ON tally BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER tally_no_delete BEFORE DELETE ON tally BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER day_report_no_update BEFORE UPDATE ON day_report BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER day_report_no_delete BEFORE DELETE ON day_report BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER shift_open_no_update BEFORE UPDATE ON shift_open BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER shift_open_no_delete BEFORE DELETE ON shift_open BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER shift_close_no_update BEFORE UPDATE ON shift_close BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER shift_close_no_delete BEFORE DELETE ON shift_close BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
-- An outage's end is set once; nothing else about it ever changes.
CREATE TRIGGER control_outage_end_once BEFORE UPDATE ON control_outage
    WHEN OLD.end_seq IS NOT NULL OR NEW.start_seq != OLD.start_seq OR NEW.register_id != OLD.register_id
    BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER control_outage_no_delete BEFORE DELETE ON control_outage BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;

-- The last entry of each register's journal: deleting the newest entry (which nothing else
-- points at) shows as a head that names an entry that is not there. Updated by every append.
CREATE TABLE journal_head (
    register_id TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL,
    hash        BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
INSERT INTO journal_head (register_id, seq, hash)
    SELECT j.register_id, j.seq, j.hash FROM journal j
    WHERE j.seq = (SELECT MAX(seq) FROM journal k WHERE k.register_id = j.register_id);

-- A return under way on a register: its plan and the state of each card or Swish refund, kept
-- from before the first refund is asked for until the return is registered (then deleted in
-- the same transaction). Not a registration: a working note, like open_sale.
CREATE TABLE pending_return (
    register_id TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
