-- The till, part 1: PLU numbers and a catalog revision for search, store settings, parked
-- sales, the open sale (a sale with a payment taken survives a restart), payment attempts
-- (so a card is never charged twice), gift vouchers and their redemptions, and tender
-- references.

-- Loose fruit and bakery items have a PLU number and often no barcode.
ALTER TABLE product ADD COLUMN plu TEXT;
CREATE UNIQUE INDEX product_plu ON product (plu) WHERE plu IS NOT NULL;

-- Bumped in every transaction that changes the catalog, so in-memory search indexes (in any
-- process) know when to rebuild.
CREATE TABLE catalog_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
) STRICT;
INSERT INTO catalog_revision (id, revision) VALUES (1, 1);

-- Store settings as JSON values (the approval policy, ...). Changes are audited.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- A parked sale: the cart as JSON, until it is resumed (then the row goes).
CREATE TABLE parked_sale (
    id          INTEGER PRIMARY KEY,
    register_id TEXT NOT NULL,
    parked_at   TEXT NOT NULL,
    parked_by   INTEGER NOT NULL REFERENCES staff (id),
    total       TEXT NOT NULL,
    lines       INTEGER NOT NULL,
    cart        TEXT NOT NULL
) STRICT;

-- The sale in progress once a payment has been taken on it: a crash must not lose a card or
-- Swish payment the customer already made. Deleted in the transaction that registers the sale.
CREATE TABLE open_sale (
    register_id TEXT PRIMARY KEY,
    cart        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- Every request sent to the card terminal or Swish, written (durably) before it is sent, under
-- the till's own reference. A request whose answer never came is 'unknown' until the till has
-- asked the terminal what became of it.
CREATE TABLE payment_attempt (
    reference   TEXT PRIMARY KEY,
    register_id TEXT NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('card', 'swish')),
    amount      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('sent', 'approved', 'declined', 'unknown', 'cancelled')),
    detail      TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- Gift vouchers (presentkort). The balance is the value less every redemption; redemptions are
-- registrations (append-only), written in the same transaction as the sale they paid.
CREATE TABLE voucher (
    code       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    valid_to   TEXT
) STRICT;

CREATE TABLE voucher_redemption (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL REFERENCES voucher (code),
    sale_id     INTEGER NOT NULL REFERENCES sale (id),
    amount      TEXT NOT NULL
) STRICT;
CREATE INDEX voucher_redemption_code ON voucher_redemption (code);

CREATE TRIGGER voucher_redemption_no_update BEFORE UPDATE ON voucher_redemption BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;
CREATE TRIGGER voucher_redemption_no_delete BEFORE DELETE ON voucher_redemption BEGIN SELECT RAISE(ABORT, 'registrations are append-only'); END;

ALTER TABLE tender ADD COLUMN reference TEXT;
ALTER TABLE tender ADD COLUMN offline INTEGER NOT NULL DEFAULT 0 CHECK (offline IN (0, 1));
