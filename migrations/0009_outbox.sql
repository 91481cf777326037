-- The outbox for HQ (issue 9): every journal entry is queued for HQ by the same transaction
-- that writes it (a trigger, so no registration path can forget), and leaves the queue only
-- when HQ has acknowledged it. Entries written before this migration are queued too.
CREATE TABLE outbox (
    register_id TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (register_id, seq),
    FOREIGN KEY (register_id, seq) REFERENCES journal (register_id, seq)
) STRICT;
INSERT INTO outbox (register_id, seq) SELECT register_id, seq FROM journal;
CREATE TRIGGER journal_to_outbox AFTER INSERT ON journal
BEGIN INSERT INTO outbox (register_id, seq) VALUES (NEW.register_id, NEW.seq); END;
