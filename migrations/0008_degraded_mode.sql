-- Degraded mode (issue 8): dependency health, island mode, incidents, signed remote envelopes.
-- Every table here is a record of what happened: rows are added, never edited or deleted,
-- except an incident's end, filled in once.

-- Each change of a dependency's level (green, amber, red), as the monitor saw it.
CREATE TABLE health_event (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    dependency  TEXT NOT NULL,
    from_level  TEXT NOT NULL CHECK (from_level IN ('green', 'amber', 'red')),
    to_level    TEXT NOT NULL CHECK (to_level IN ('green', 'amber', 'red')),
    detail      TEXT,
    practice    INTEGER NOT NULL DEFAULT 0 CHECK (practice IN (0, 1))
);
CREATE INDEX health_event_at ON health_event (at);
CREATE TRIGGER health_event_no_update BEFORE UPDATE ON health_event BEGIN SELECT RAISE(ABORT, 'health events are append-only'); END;
CREATE TRIGGER health_event_no_delete BEFORE DELETE ON health_event BEGIN SELECT RAISE(ABORT, 'health events are append-only'); END;

-- Island mode: each switch on or off, by whom (NULL: the system, by policy) and why.
CREATE TABLE island_change (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    island      INTEGER NOT NULL CHECK (island IN (0, 1)),
    by_id       INTEGER REFERENCES staff(id),
    by_name     TEXT,
    reason      TEXT NOT NULL
);
CREATE TRIGGER island_change_no_update BEFORE UPDATE ON island_change BEGIN SELECT RAISE(ABORT, 'island changes are append-only'); END;
CREATE TRIGGER island_change_no_delete BEFORE DELETE ON island_change BEGIN SELECT RAISE(ABORT, 'island changes are append-only'); END;

-- An incident: opened when the store leaves normal mode (or a drill starts), ended when it
-- is back (or the drill ends).
CREATE TABLE incident (
    id          INTEGER PRIMARY KEY,
    opened_at   TEXT NOT NULL,
    closed_at   TEXT,
    practice    INTEGER NOT NULL CHECK (practice IN (0, 1)),
    -- What opened it, e.g. 'degraded: card_acquirer' or 'island' or 'drill: card_acquirer, swish'.
    cause       TEXT NOT NULL,
    -- A drill's simulated failures (JSON list of dependencies); NULL for a real incident.
    drill       TEXT
);
CREATE UNIQUE INDEX incident_one_open ON incident (practice) WHERE closed_at IS NULL;
CREATE TRIGGER incident_only_ends BEFORE UPDATE ON incident
WHEN OLD.closed_at IS NOT NULL OR NEW.opened_at IS NOT OLD.opened_at OR NEW.practice IS NOT OLD.practice
  OR NEW.cause IS NOT OLD.cause OR NEW.drill IS NOT OLD.drill
BEGIN SELECT RAISE(ABORT, 'an incident is never edited; only its end is recorded, once'); END;
CREATE TRIGGER incident_no_delete BEFORE DELETE ON incident BEGIN SELECT RAISE(ABORT, 'incidents are never deleted'); END;

-- An incident's timeline: automatic events, and the manager's notes and decisions.
CREATE TABLE incident_event (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident(id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('auto', 'note', 'decision')),
    by_id       INTEGER REFERENCES staff(id),
    by_name     TEXT,
    text        TEXT NOT NULL
);
CREATE INDEX incident_event_incident ON incident_event (incident_id, at);
CREATE TRIGGER incident_event_no_update BEFORE UPDATE ON incident_event BEGIN SELECT RAISE(ABORT, 'an incident timeline is append-only'); END;
CREATE TRIGGER incident_event_no_delete BEFORE DELETE ON incident_event BEGIN SELECT RAISE(ABORT, 'an incident timeline is append-only'); END;

-- Every signed envelope received from outside, accepted or refused. The counter of the
-- accepted ones only goes up: one row per counter.
CREATE TABLE remote_envelope (
    id          INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    source      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    -- From the header, when it could be read.
    kind        TEXT,
    counter     INTEGER,
    store_id    TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused')),
    refusal     TEXT,
    summary     TEXT
);
CREATE UNIQUE INDEX remote_envelope_counter ON remote_envelope (counter) WHERE outcome = 'accepted';
CREATE TRIGGER remote_envelope_no_update BEFORE UPDATE ON remote_envelope BEGIN SELECT RAISE(ABORT, 'received envelopes are append-only'); END;
CREATE TRIGGER remote_envelope_no_delete BEFORE DELETE ON remote_envelope BEGIN SELECT RAISE(ABORT, 'received envelopes are append-only'); END;
