-- Issue 10: stores may send their sealed backups to HQ as a further location. HQ cannot open
-- them (sealed to the store manager's key); it keeps the newest few per store.
CREATE TABLE store_backup (
    id          BIGSERIAL PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES store(id),
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    bytes       BIGINT NOT NULL,
    body        BYTEA NOT NULL
);
CREATE INDEX store_backup_by_store ON store_backup (store_id, id DESC);
