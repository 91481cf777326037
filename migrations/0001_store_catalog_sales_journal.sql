-- Storekeep's first schema: the store identity, VAT rates as dated data, the catalog,
-- completed sales and the hash-chained journal.
--
-- Money and rates are TEXT holding exact decimals ("12.50"), never REAL.
-- Registrations (journal, sale, sale_line, tender) are append-only: triggers refuse UPDATE and
-- DELETE, so a correction can only ever be a new registration.

CREATE TABLE store (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    company_name TEXT NOT NULL,
    org_number   TEXT NOT NULL,
    address      TEXT NOT NULL,
    register_id  TEXT NOT NULL,
    demo         INTEGER NOT NULL CHECK (demo IN (0, 1)),
    created_at   TEXT NOT NULL
) STRICT;

-- A rate applies to a category from valid_from up to and including valid_to (NULL: open).
CREATE TABLE vat_rate (
    category     TEXT NOT NULL,
    rate_percent TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    PRIMARY KEY (category, valid_from)
) STRICT;

INSERT INTO vat_rate (category, rate_percent, valid_from, valid_to) VALUES
    ('standard',    '25', '1990-07-01', NULL),
    ('food',        '12', '1996-01-01', '2026-03-31'),
    -- prop. 2025/26:55: food VAT halved for 2026-04-01 .. 2027-12-31.
    ('food',        '6',  '2026-04-01', '2027-12-31'),
    ('food',        '12', '2028-01-01', NULL),
    ('books_press', '6',  '2002-01-01', NULL),
    ('restaurant',  '12', '2012-01-01', NULL);

-- code: a GTIN (EAN-13 / UPC-A as EAN-13 / EAN-8), or for a variable-measure item the
-- label code with the value digits zeroed and its check digit recomputed.
CREATE TABLE product (
    id           INTEGER PRIMARY KEY,
    code         TEXT UNIQUE,
    name         TEXT NOT NULL,
    price        TEXT NOT NULL,
    sold_by      TEXT NOT NULL CHECK (sold_by IN ('each', 'weight', 'label_price')),
    vat_category TEXT NOT NULL CHECK (vat_category IN ('food', 'standard', 'books_press', 'restaurant'))
) STRICT;

-- One sequence per register; hash = SHA-256(prev_hash || canonical entry), see
-- crates/domain/src/journal.rs for the canonical encoding.
CREATE TABLE journal (
    register_id TEXT NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    kind        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash        BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (register_id, seq)
) STRICT;

-- The sale tables are a queryable projection of the journal's sale payloads, written in the
-- same transaction. `journal verify` checks that they agree.
CREATE TABLE sale (
    id           INTEGER PRIMARY KEY,
    register_id  TEXT NOT NULL,
    receipt_no   INTEGER NOT NULL CHECK (receipt_no >= 1),
    journal_seq  INTEGER NOT NULL,
    completed_at TEXT NOT NULL,
    total        TEXT NOT NULL,
    rounding     TEXT NOT NULL,
    UNIQUE (register_id, receipt_no),
    UNIQUE (register_id, journal_seq),
    FOREIGN KEY (register_id, journal_seq) REFERENCES journal (register_id, seq)
) STRICT;

CREATE TABLE sale_line (
    sale_id      INTEGER NOT NULL REFERENCES sale (id),
    line_no      INTEGER NOT NULL,
    product_id   INTEGER NOT NULL REFERENCES product (id),
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    sold_by      TEXT NOT NULL,
    quantity     TEXT NOT NULL,
    unit_price   TEXT NOT NULL,
    line_total   TEXT NOT NULL,
    vat_category TEXT NOT NULL,
    vat_percent  TEXT NOT NULL,
    PRIMARY KEY (sale_id, line_no)
) STRICT;

CREATE TABLE tender (
    sale_id   INTEGER NOT NULL REFERENCES sale (id),
    tender_no INTEGER NOT NULL,
    method    TEXT NOT NULL,
    amount    TEXT NOT NULL,
    tendered  TEXT NOT NULL,
    change    TEXT NOT NULL,
    PRIMARY KEY (sale_id, tender_no)
) STRICT;

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER sale_no_update BEFORE UPDATE ON sale BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER sale_no_delete BEFORE DELETE ON sale BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER sale_line_no_update BEFORE UPDATE ON sale_line BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER sale_line_no_delete BEFORE DELETE ON sale_line BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER tender_no_update BEFORE UPDATE ON tender BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER tender_no_delete BEFORE DELETE ON tender BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
