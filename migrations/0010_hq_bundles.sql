-- Bundles fetched from HQ (issue 9), by the counter HQ listed them under for this store: the
-- store asks HQ only for those after the highest here. What the envelope itself claims is not
-- trusted for this (a forged one could claim any counter). A bundle refused because the store
-- was in island mode or had no key pinned is not recorded, so it is fetched again later. What
-- each envelope was, and why it was refused, is in remote_envelope and the audit log.
CREATE TABLE hq_bundle (
    counter     INTEGER PRIMARY KEY CHECK (counter >= 1),
    fetched_at  TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused'))
);
