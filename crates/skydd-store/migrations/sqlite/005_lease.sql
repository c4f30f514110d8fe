-- Leases: who does a piece of work that must not run twice at once (one erasure per
-- person, one retention run, outbox delivery), until when. A holder that dies stops
-- renewing; once `expires_at` has passed, another may take the work over.
CREATE TABLE lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- A retention run is done under the `retention` lease, by its holder.
ALTER TABLE retention_run ADD COLUMN holder TEXT;
ALTER TABLE retention_run ADD COLUMN lease_ms BIGINT;
