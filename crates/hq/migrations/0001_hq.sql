-- HQ (issue 9): the chain's stores and every registration they sent, exactly once.

-- A store HQ knows: it authenticates with its own token (only the SHA-256 is kept).
CREATE TABLE store (
    id            TEXT PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
    name          TEXT NOT NULL,
    token_sha256  TEXT NOT NULL UNIQUE,
    enrolled_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every registration, keyed by (store, register, sequence): a duplicate is skipped, a key
-- with other content refused.
CREATE TABLE registration (
    store_id     TEXT NOT NULL REFERENCES store(id),
    register_id  TEXT NOT NULL,
    seq          BIGINT NOT NULL CHECK (seq >= 1),
    kind         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    BYTEA NOT NULL CHECK (length(prev_hash) = 32),
    hash         BYTEA NOT NULL CHECK (length(hash) = 32),
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, register_id, seq)
);

-- Where a store's chain does not link up: the entry whose prev_hash is not the hash HQ holds
-- before it.
CREATE TABLE chain_break (
    id           BIGSERIAL PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES store(id),
    register_id  TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    found_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    detail       TEXT NOT NULL
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'registrations at HQ are never edited or deleted'; END $$;
CREATE TRIGGER registration_no_update BEFORE UPDATE OR DELETE ON registration
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
