-- Payment-method controls and Scan & Pay (issue 7).
--
-- A method's state is set by a change row: by a manager (set_by_*) or by the system under a
-- fallback rule (set_by_id NULL, rule set). The state in force for a method on a register is
-- the latest change that has started, has not run out (until) or been ended, and applies to
-- that register (registers NULL: every register). Rows are never deleted; ending one fills in
-- `ended_*`. Every insert and end is also in the audit log. The offline caps and the fallback
-- rules are settings (`payment_caps`, `payment_fallback_rules`).
CREATE TABLE payment_state (
    id            INTEGER PRIMARY KEY,
    method        TEXT NOT NULL CHECK (method IN ('cash', 'card_online', 'card_offline', 'swish', 'scan_and_pay', 'gift_voucher')),
    availability  TEXT NOT NULL CHECK (availability IN ('enabled', 'limited', 'disabled')),
    min_amount    TEXT,
    max_amount    TEXT,
    reason        TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    set_by_id     INTEGER REFERENCES staff(id),
    set_by_name   TEXT,
    rule          TEXT,                       -- FallbackRule as JSON, for the system's switches
    registers     TEXT,                       -- JSON array of register ids; NULL: every register
    starts_at     TEXT NOT NULL,
    until         TEXT,
    ended_at      TEXT,
    ended_by_name TEXT,                       -- NULL with ended_at set: ended by the system
    end_reason    TEXT,
    CHECK ((set_by_id IS NULL) = (rule IS NOT NULL)),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE INDEX payment_state_live ON payment_state (ended_at, method);

-- Card payments the terminal approved offline (store-and-forward), written the moment the
-- approval comes back (before the sale is registered, so a split sale's second payment and
-- the forwarding report both see it), keyed by the till's own reference for the request (an
-- authorization code is not unique). Until the acquirer has them they are the store's
-- exposure; `status` follows what the terminal reports after forwarding (book-keeping, not a
-- registration); `receipt_no` is filled in when the sale is registered.
CREATE TABLE card_offline (
    reference     TEXT PRIMARY KEY,
    authorization TEXT NOT NULL,
    register_id   TEXT NOT NULL,
    receipt_no    INTEGER,
    amount        TEXT NOT NULL,
    taken_at      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'forwarded', 'declined')),
    settled_at    TEXT,
    detail        TEXT
);
CREATE INDEX card_offline_pending ON card_offline (status, taken_at);

-- Finished purchases from the chain's Scan & Pay app, each journaled (kind scan_and_pay) when
-- received. The app's purchase id is the key: the same purchase again is skipped, the same id
-- with other content is refused.
CREATE TABLE scan_and_pay (
    purchase_id   TEXT PRIMARY KEY,
    register_id   TEXT NOT NULL,
    journal_seq   INTEGER NOT NULL,
    completed_at  TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    total         TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('file', 'endpoint')),
    content_hash  TEXT NOT NULL,
    purchase      TEXT NOT NULL,              -- the purchase as received (JSON)
    FOREIGN KEY (register_id, journal_seq) REFERENCES journal (register_id, seq)
);
CREATE INDEX scan_and_pay_completed ON scan_and_pay (completed_at);
CREATE TRIGGER scan_and_pay_no_update BEFORE UPDATE ON scan_and_pay BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER scan_and_pay_no_delete BEFORE DELETE ON scan_and_pay BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;

-- Exit checks of Scan & Pay purchases: each check a new row (a second check adds, never edits).
CREATE TABLE exit_check (
    id           INTEGER PRIMARY KEY,
    purchase_id  TEXT NOT NULL REFERENCES scan_and_pay(purchase_id),
    result       TEXT NOT NULL CHECK (result IN ('ok', 'discrepancy')),
    note         TEXT,
    checked_by   INTEGER NOT NULL REFERENCES staff(id),
    checked_by_name TEXT NOT NULL,
    checked_at   TEXT NOT NULL
);
CREATE INDEX exit_check_purchase ON exit_check (purchase_id);
CREATE TRIGGER exit_check_no_update BEFORE UPDATE ON exit_check BEGIN SELECT RAISE(ABORT, 'exit checks are append-only'); END;
CREATE TRIGGER exit_check_no_delete BEFORE DELETE ON exit_check BEGIN SELECT RAISE(ABORT, 'exit checks are append-only'); END;

-- A change is a record of who decided what: only its end may be filled in, once.
CREATE TRIGGER payment_state_only_ends BEFORE UPDATE ON payment_state
WHEN OLD.ended_at IS NOT NULL
  OR NEW.method IS NOT OLD.method OR NEW.availability IS NOT OLD.availability
  OR NEW.min_amount IS NOT OLD.min_amount OR NEW.max_amount IS NOT OLD.max_amount
  OR NEW.reason IS NOT OLD.reason OR NEW.set_by_id IS NOT OLD.set_by_id
  OR NEW.set_by_name IS NOT OLD.set_by_name OR NEW.rule IS NOT OLD.rule
  OR NEW.registers IS NOT OLD.registers OR NEW.starts_at IS NOT OLD.starts_at OR NEW.until IS NOT OLD.until
BEGIN SELECT RAISE(ABORT, 'a payment-method change is never edited; only its end is recorded, once'); END;
CREATE TRIGGER payment_state_no_delete BEFORE DELETE ON payment_state BEGIN SELECT RAISE(ABORT, 'payment-method changes are never deleted'); END;

-- An offline payment's amount and identity never change; its status moves on from pending once.
CREATE TRIGGER card_offline_facts_fixed BEFORE UPDATE ON card_offline
WHEN NEW.reference IS NOT OLD.reference OR NEW.authorization IS NOT OLD.authorization
  OR NEW.register_id IS NOT OLD.register_id OR NEW.amount IS NOT OLD.amount OR NEW.taken_at IS NOT OLD.taken_at
  OR (OLD.receipt_no IS NOT NULL AND NEW.receipt_no IS NOT OLD.receipt_no)
  OR (OLD.status != 'pending' AND NEW.status IS NOT OLD.status)
BEGIN SELECT RAISE(ABORT, 'an offline card payment is never edited'); END;
CREATE TRIGGER card_offline_no_delete BEFORE DELETE ON card_offline BEGIN SELECT RAISE(ABORT, 'offline card payments are never deleted'); END;
