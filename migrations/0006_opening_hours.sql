-- Opening hours (issue 6). The standing hours, the customer notice and the feed endpoint are
-- settings (`opening_hours`, `customer_notice`, `hours_feed_http`); temporary changes and
-- open-now / close-now overrides are rows here, never deleted: ending one early fills in
-- `ended_*`. Every insert and end is also in the audit log.
CREATE TABLE hours_change (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('temporary', 'override')),
    rule          TEXT NOT NULL,              -- storekeep_domain::hours::ChangeRule as JSON
    reason        TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    -- The last instant the rule can apply (RFC 3339 UTC), NULL until further notice: lets the
    -- evaluation skip changes long over without reading every row ever made.
    applies_until TEXT,
    made_by       INTEGER NOT NULL REFERENCES staff(id),
    made_by_name  TEXT NOT NULL,
    made_at       TEXT NOT NULL,
    ended_at      TEXT,
    ended_by      INTEGER REFERENCES staff(id),
    ended_by_name TEXT,
    end_reason    TEXT,
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE INDEX hours_change_live ON hours_change (ended_at, applies_until);
