-- HQ (issue 9): signed bundles for each store, and what each store last said of itself.

-- Counters HQ has used in a store's envelopes (the store refuses one not above the last it
-- took), and what HQ holds of the store, kept up to date by each batch so the fleet view
-- never counts a store's registrations.
ALTER TABLE store ADD COLUMN last_counter BIGINT NOT NULL DEFAULT 0;
ALTER TABLE store ADD COLUMN held BIGINT NOT NULL DEFAULT 0;
ALTER TABLE store ADD COLUMN last_batch_at TIMESTAMPTZ;
UPDATE store SET held = (SELECT COUNT(*) FROM registration r WHERE r.store_id = store.id),
                 last_batch_at = (SELECT MAX(received_at) FROM registration r WHERE r.store_id = store.id);

-- A catalog, config or command sealed for one store (storekeep-signed/1), kept as sealed:
-- the store checks the signature, HQ only hands it out.
CREATE TABLE bundle (
    store_id      TEXT NOT NULL REFERENCES store(id),
    counter       BIGINT NOT NULL CHECK (counter >= 1),
    kind          TEXT NOT NULL CHECK (kind IN ('command', 'config', 'catalog')),
    envelope      BYTEA NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    published_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_by  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    PRIMARY KEY (store_id, counter)
);

-- The last report each store sent (storekeep-store-report/1) and when HQ got it. A view, not
-- a record, rewritten every few seconds by every store: unlogged, so the reports write no WAL
-- (a crash empties it; the next reports refill it within seconds).
CREATE UNLOGGED TABLE store_report (
    store_id     TEXT PRIMARY KEY REFERENCES store(id),
    received_at  TIMESTAMPTZ NOT NULL,
    report       JSONB NOT NULL
);
